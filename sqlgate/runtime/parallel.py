"""A function over a stream of batches on a few threads, results in input order.

The caller's thread pulls the stream (for a DuckDB reader that is C++ work without the GIL)
while workers score earlier batches; model libraries release the GIL in their heavy loops
(tree traversal, BLAS, NumPy ufuncs), so batches really do overlap. At most `ahead` batches are
in flight, which bounds memory whatever the stream's length.

The workers are shared by every query of the process and live as long as it: all queries
compete for the same cores anyway, and threads made and dropped per query left the allocator
and BLAS with per-thread state that slowed later model calls (even the caller's own).
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_pools: dict[int, ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()
# a forked child has none of the parent's threads: its first query starts pools of its own
os.register_at_fork(after_in_child=_pools.clear)


def _pool(workers: int) -> ThreadPoolExecutor:
    with _pools_lock:
        pool = _pools.get(workers)
        if pool is None:
            pool = _pools[workers] = ThreadPoolExecutor(workers, thread_name_prefix="sqlgate-batch")
        return pool


def ordered_map(
    function: Callable[[T], R], items: Iterable[T], *, workers: int, ahead: int
) -> list[R]:
    """[function(item) for item in items], `workers` at a time. The first exception (in input
    order) is raised once the batches already running have finished; nothing more is pulled."""
    if workers <= 1:
        return [function(item) for item in items]
    pool = _pool(workers)
    results: list[R] = []
    pending: deque[Future[R]] = deque()
    try:
        for item in items:
            pending.append(pool.submit(function, item))
            while len(pending) >= max(ahead, workers):
                results.append(pending.popleft().result())
        while pending:
            results.append(pending.popleft().result())
    finally:
        for future in pending:
            future.cancel()
        for future in pending:  # no batch of this query runs on once it has failed
            if not future.cancelled():
                future.exception()
    return results


class _SingleThreadedBlas:
    """BLAS libraries limited to one thread each while any batch run is active.

    The runs already keep every core busy (DuckDB's threads, the workers); a multi-threaded
    BLAS on top adds threads that spin between calls (OpenBLAS does, for a model as small as a
    logistic regression on every batch), taking a core from the work. Process-wide, hence
    counted: the limit is lifted when the last concurrent run ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs = 0
        self._limiter: Any = None
        self._controller: Any = None

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._runs == 0:
                self._limiter = self._limit()
            self._runs += 1
        try:
            yield
        finally:
            with self._lock:
                self._runs -= 1
                if self._runs == 0 and self._limiter is not None:
                    self._limiter.restore_original_limits()
                    self._limiter = None

    def _limit(self) -> Any:
        try:  # scikit-learn's dependency; without it nothing is limited
            from threadpoolctl import ThreadpoolController
        except ImportError:
            return None
        if self._controller is None:  # scanning the loaded libraries takes milliseconds
            self._controller = ThreadpoolController()
        return self._controller.limit(limits=1, user_api="blas")


single_threaded_blas = _SingleThreadedBlas()
