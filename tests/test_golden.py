"""Every tests/golden/*.sql file runs in a fresh data directory and must match exactly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.golden_runner import run_file

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.sql"))


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden(path: Path) -> None:
    failures = run_file(path, rewrite=bool(os.environ.get("SQLGATE_GOLDEN_REWRITE")))
    assert not failures, "\n\n".join(failures)
