"""The README's tour runs as written (examples/quickstart.py), on a fresh data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_quickstart_logs_a_model_and_calls_it_from_sql(tmp_path: Path) -> None:
    env = {**os.environ, "SQLGATE_HOME": str(tmp_path)}
    for _ in range(2):  # the tour can be run again on the same data directory
        out = subprocess.run(
            [sys.executable, str(ROOT / "examples" / "quickstart.py")],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        ).stdout
    lines = out.splitlines()
    assert lines[lines.index("-- default version") + 1] == "['ID', 'CHURNS']"
    probabilities = lines[
        lines.index("-- through the alias") + 2 : lines.index("-- through the alias") + 7
    ]
    assert len(probabilities) == 5
    assert all(0.0 <= float(line.split(", ")[1].rstrip(")")) <= 1.0 for line in probabilities)
    assert lines[-1] == "('CHURN', 'V1', '0.91')"
