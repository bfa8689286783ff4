"""Long-running build tools (mmdebstrap, pip download) run with their output streamed line by
line, for progress and build logs, and the last lines kept for the error message."""

from __future__ import annotations

import subprocess
from collections import deque
from collections.abc import Callable, Sequence


def stream(
    command: Sequence[str], on_line: Callable[[str], None], *, keep: int, stderr_only: bool
) -> tuple[int, list[str]]:
    """Run `command`, passing each line of its output (stderr alone, or stdout and stderr
    together) to `on_line`; its exit code and its last `keep` lines."""
    tail: deque[str] = deque(maxlen=keep)
    with subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL if stderr_only else subprocess.PIPE,
        stderr=subprocess.PIPE if stderr_only else subprocess.STDOUT,
        text=True,
    ) as process:
        output = process.stderr if stderr_only else process.stdout
        assert output is not None
        for line in output:
            line = line.rstrip()
            tail.append(line)
            on_line(line)
    return process.returncode, list(tail)
