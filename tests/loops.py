"""Running a coroutine in a test, whatever loop the test's thread already runs."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_on_a_loop_of_its_own(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)` on a thread of its own.

    A browser test of the same pytest worker may leave Playwright's loop running in the
    main thread, where `asyncio.run` refuses to start another.
    """
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, main).result()
