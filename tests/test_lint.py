"""The code itself: ruff's lint rules and mypy's type check pass on the whole package."""

from __future__ import annotations

import subprocess
import sys

from pipeline.paths import REPO_ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )


def test_ruff_finds_nothing():
    result = _run("ruff", "check", "pipeline", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout[-3000:]


def test_mypy_finds_nothing():
    result = _run("mypy", "pipeline")
    assert result.returncode == 0, result.stdout[-3000:]
