"""What the services tests and the services-in-containers tests share: rows as dicts, waiting
for a condition, and a stream of calls that runs while a test changes a service under it."""

from __future__ import annotations

import threading
import time
import typing as t


def rows(conn: t.Any, sql: str) -> list[dict]:
    cursor = conn.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def wait_for(predicate: t.Callable[[], t.Any], timeout: float = 180, what: str = "condition"):
    """The first truthy value of `predicate`, polled every half second."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


class CallStream:
    """`sql` (one value) run over and over from a session of its own on `conn`'s engine, while
    the test moves an alias, kills a replica or a container: every answer and every failure is
    kept, so the test can show that no call failed."""

    def __init__(self, conn: t.Any, sql: str, pause: float) -> None:
        self.engine = conn.session.engine
        self.sql = sql
        self.pause = pause
        self.answers: list[t.Any] = []
        self.failures: list[BaseException] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def __enter__(self) -> CallStream:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        from sqlgate.gateway.session import Session

        mine = Session(self.engine)
        while not self._stop.is_set():
            try:
                result = mine.execute(self.sql)[-1].table
                self.answers.append(result.column(0)[0].as_py())
            except BaseException as e:
                self.failures.append(e)
            time.sleep(self.pause)
