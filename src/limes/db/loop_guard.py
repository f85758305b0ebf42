"""No database call and no writer lock on the thread of a loop that serves requests.

A coroutine that runs a blocking database call, or waits for the writer lock, stops
every other request the loop serves; if the lock's holder needs the loop to finish,
the whole server hangs for good (issue 11: a verification decision posted from the
page froze every desk). The engine and the writer lock call `forbid_on_event_loop`
before they block, so such a call fails at once, loudly, in tests and in service,
instead of hanging. Async code hands database work to a thread
(`asyncio.to_thread`, `run_in_threadpool`, a store's reader threads).

The web application marks the loops that serve it (`mark_serving_loop`, at every
request); a loop that serves nobody (uvicorn building the application before it
listens, a browser driver's loop in a test) is left alone.
"""

from __future__ import annotations

import asyncio
import weakref

__all__ = [
    "BlockingCallOnEventLoop",
    "forbid_on_event_loop",
    "mark_serving_loop",
    "on_serving_loop",
]

_SERVING: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()


class BlockingCallOnEventLoop(RuntimeError):
    """A blocking database call was made on the thread of a loop that serves requests."""


def mark_serving_loop() -> None:
    """Mark the running loop as serving requests: blocking calls on it are refused."""
    _SERVING.add(asyncio.get_running_loop())


def on_serving_loop() -> bool:
    """Whether the calling thread runs a loop that serves requests."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    return loop in _SERVING


def forbid_on_event_loop(what: str) -> None:
    """Raise `BlockingCallOnEventLoop` if called on a serving loop's thread."""
    if on_serving_loop():
        raise BlockingCallOnEventLoop(
            f"{what} on the event loop's thread would block every request it serves; "
            "run it on a thread (asyncio.to_thread or the store's reader threads)"
        )
