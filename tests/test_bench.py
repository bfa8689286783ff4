"""Every benchmark still runs, at a toy size: a benchmark that rots (an API it used changed, the
sandbox refused a query it made) is found here, not when someone needs its figures. The figures
themselves are not checked: machines are noisy, and speed is what bench/ measures, not tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"

RUNS = {
    "predict.py": (
        ["--rows", "20000", "--rounds", "1", "--no-rss"],
        ["LogisticRegression", "RandomForest(50)"],
    ),
    "predict_breakdown.py": (["--rows", "20000", "--runs", "2"], ["direct predict_proba"]),
    "predict_service.py": (
        ["--rows", "20000", "--rounds", "1"],
        ["create->first call s", "RandomForest(50)"],
    ),
    "ingress.py": (
        ["--single", "20", "--batches", "2", "--rounds", "1"],
        ["p50 ratio gateway/bare", "ratio gateway/mlflow"],
    ),
    "dbt_predictions.py": (
        ["--rows", "2000", "--small", "2000", "--rounds", "1"],
        ["dbt run s", "2,000"],
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(RUNS))
def test_benchmark_runs(script, tmp_path):
    arguments, expected = RUNS[script]
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *arguments],
        capture_output=True,
        text=True,
        timeout=280,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for text in expected:
        assert text in done.stdout, done.stdout
