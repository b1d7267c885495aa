"""A thread pool for Bolt's listeners that tests can wait on: `wait_idle()` returns once all work is done.

Bolt acknowledges a request and goes on in its listener executor; a test that checks "nothing
changed" must wait for that work to end, not sleep for a guess of how long it takes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class TrackingExecutor(ThreadPoolExecutor):
    """A ThreadPoolExecutor that counts unfinished work."""

    def __init__(self, max_workers: int = 5) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="bolt-listener")
        self._unfinished = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._unfinished += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._one_done()
            raise
        future.add_done_callback(lambda _future: self._one_done())
        return future

    def _one_done(self) -> None:
        with self._idle:
            self._unfinished -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until every submitted listener has finished; fail the test after ``timeout`` seconds."""
        with self._idle:
            if not self._idle.wait_for(lambda: self._unfinished == 0, timeout):
                raise AssertionError(f"Bolt listeners still running after {timeout} s")
