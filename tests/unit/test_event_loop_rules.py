"""Static checks of the rules for coroutines (issue 11): no lock, unit of work or other
synchronous context is held across an `await`, and no coroutine sleeps the thread.

The runtime guard (`limes.db.loop_guard`) refuses database calls on a serving loop;
these checks catch, in the source, what a guard cannot see: a `with` block around an
`await` keeps whatever it acquired while other coroutines run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import limes

SOURCE = Path(limes.__file__).parent


def _coroutines(tree: ast.AST) -> list[ast.AsyncFunctionDef]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.AsyncFunctionDef)]


def _own_nodes(function: ast.AsyncFunctionDef) -> list[ast.AST]:
    """The nodes of a coroutine's body, not of the functions defined inside it."""
    found: list[ast.AST] = []
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        found.append(node)
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                pending.append(child)
    return found


# Taking a lock or context by hand in a coroutine: it would be held across what follows.
_ACQUIRING = frozenset({"acquire", "__enter__"})


def _violations() -> list[str]:
    return [line for path in sorted(SOURCE.rglob("*.py")) for line in _violations_in(path)]


def _violations_in(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text(), filename=str(path))
    for coroutine in _coroutines(tree):
        for node in sorted(_own_nodes(coroutine), key=lambda n: getattr(n, "lineno", 0)):
            where = f"{path.name}:{getattr(node, 'lineno', '?')}"
            found.extend(f"{where}: {problem}" for problem in _problems(node))
    return found


def _problems(node: ast.AST) -> list[str]:
    problems = []
    if isinstance(node, ast.With) and any(isinstance(inner, ast.Await) for inner in ast.walk(node)):
        problems.append("a `with` block holds its context across an await")
    if isinstance(node, ast.Attribute) and node.attr in _ACQUIRING:
        # The old event-loop committer took the writer lock this way, on a thread, and
        # held it across the await of its commit.
        problems.append(f"a coroutine acquires a lock by hand ({node.attr})")
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "sleep"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "time"
    ):
        problems.append("time.sleep in a coroutine blocks its loop")
    return problems


def test_no_coroutine_holds_a_synchronous_context_across_an_await() -> None:
    assert _violations() == []


def test_the_check_finds_a_lock_held_across_an_await(tmp_path: Path) -> None:
    source = (
        "async def bad(lock, work):\n"
        "    with lock:\n"
        "        await work()\n"
        "async def by_hand(loop, lock, work):\n"
        "    await loop.run_in_executor(None, lock.__enter__)\n"
        "    await work()\n"
        "async def good(lock, work):\n"
        "    with lock:\n"
        "        pass\n"
        "    await work()\n"
    )
    module = tmp_path / "module.py"
    module.write_text(source)
    flagged = _violations_in(module)
    assert [line.split(": ", 1)[1] for line in flagged] == [
        "a `with` block holds its context across an await",
        "a coroutine acquires a lock by hand (__enter__)",
    ]
