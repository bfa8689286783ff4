"""What runs inside one Ray Serve replica of a service: the model version, loaded once, called on
Arrow batches.

A request is (function name, MODEL_CALL_ON_ERROR value, Arrow table of the function's inputs);
the answer is the STRUCT array the in-process path gives (runtime/batch.py: outputs plus the
ERROR field), so one bad row loses no other row here either. A failure that must stop the
query (ABORT, a broken model) comes back as a `CallFailed` value rather than an exception, so
the gateway can raise the model's own error class and message instead of Ray's wrapping.

The replica's stdout and stderr (what the model prints, its warnings) and its own lifecycle
lines go to `<log_dir>/<replica id>.log` as well as Ray's worker logs: that file is what
SYSTEM$GET_SERVICE_LOGS reads. Nothing in this module imports the gateway.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pyarrow as pa

from sqlgate.errors import SqlgateError
from sqlgate.runtime.batch import BatchCaller

# Calls this small, to a function that has been answering them fast, are scored on the replica's
# event loop itself: the thread hop costs a single-row call more than a linear model does
# (~0.2 ms). A call that takes longer sends the function back to a thread per call, so a slow
# model keeps NUM_WORKERS calls running at once.
INLINE_ROWS = 16
INLINE_MAX_S = 0.002


@dataclass(frozen=True)
class CallFailed:
    """An error the query must raise: the class name in runtime/loaded.py and its message."""

    kind: str
    message: str


class _Tee(io.TextIOBase):
    """Writes to the original stream and to the replica's log file, a line at a time."""

    def __init__(self, original: TextIO, log: TextIO, lock: threading.Lock) -> None:
        self._original = original
        self._log = log
        self._lock = lock

    def write(self, text: str) -> int:
        with self._lock:
            self._log.write(text)
            self._log.flush()
        with contextlib.suppress(OSError, ValueError):  # Ray's worker stream closed at exit
            self._original.write(text)
        return len(text)

    def flush(self) -> None:
        self._original.flush()


def _node_ip() -> str:
    """The address of the Ray node this replica runs on (SHOW SERVICE INSTANCES' ip_address)."""
    try:
        import ray

        return ray.util.get_node_ip_address()
    except Exception:  # outside Ray (a direct test of the class)
        return "127.0.0.1"


def _replica_id() -> str:
    try:
        from ray import serve

        return serve.get_replica_context().replica_id.unique_id
    except Exception:  # outside Serve (a direct test of the class)
        return f"pid{os.getpid()}"


class ModelReplica:
    """The deployment class of every service (executors/ray_serve.py wraps it in
    serve.deployment with the service's options)."""

    def __init__(self, directory: str, label: str, version: str, log_dir: str) -> None:
        self.label = label
        self.version = version
        self.replica_id = _replica_id()
        Path(log_dir).mkdir(parents=True, exist_ok=True)
        self.log_path = Path(log_dir) / f"{self.replica_id}.log"
        log = self.log_path.open("a", encoding="utf-8")
        lock = threading.Lock()
        sys.stdout = _Tee(sys.__stdout__, log, lock)
        sys.stderr = _Tee(sys.__stderr__, log, lock)
        # the first line's form is read back by gateway/services.py (start time and node)
        pid = os.getpid()
        self._say(f"replica {self.replica_id} (pid {pid} on node {_node_ip()}) loading {label}")
        from sqlgate.runtime.loaded import LoadedModel  # the flavors' libraries: a second

        self.model = LoadedModel.load(Path(directory), label)
        self._callers: dict[tuple[str, str], BatchCaller] = {}
        self._fast: set[str] = set()  # functions scored inline (INLINE_ROWS)
        self._say(f"replica {self.replica_id} ready: {label}")

    def _say(self, line: str) -> None:
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        print(f"{stamp} sqlgate: {line}", flush=True)

    def _caller(self, function: str, on_error: str) -> BatchCaller:
        key = (function.upper(), on_error)
        caller = self._callers.get(key)
        if caller is None:
            caller = self._callers[key] = BatchCaller(
                self.model.function(function), on_error=on_error
            )
        return caller

    def score(self, function: str, on_error: str, inputs: pa.Table) -> pa.StructArray | CallFailed:
        try:
            return self._caller(function, on_error)(self.model, inputs.columns)
        except SqlgateError as e:
            return CallFailed(type(e).__name__, e.message)

    async def __call__(
        self, function: str, on_error: str, inputs: pa.Table
    ) -> pa.StructArray | CallFailed:
        small = inputs.num_rows <= INLINE_ROWS
        key = function.upper()
        inline = small and key in self._fast
        start = time.perf_counter()
        if inline:
            answer = self.score(function, on_error, inputs)
        else:
            # a thread per request: the libraries release the GIL in their heavy loops, and the
            # replica's event loop stays free for other calls and Serve's health checks
            answer = await asyncio.to_thread(self.score, function, on_error, inputs)
        if time.perf_counter() - start > INLINE_MAX_S:
            self._fast.discard(key)
        elif small:
            self._fast.add(key)
        return answer

    def check_health(self) -> None:
        """Serve calls this periodically; a replica whose model is gone gets replaced."""
        if self.model is None:
            raise RuntimeError(f"{self.label} is not loaded")
