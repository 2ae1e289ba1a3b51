"""MkDocs started early (pipeline/render.py): it renders with MkDocs' own command line, or
stops without rendering. The full render through it is what every build from an empty
.build/ does (tests/test_reproducible.py, tests/test_build.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline import render

# Each test starts a Python process that loads MkDocs and its Chinese word splitter.
pytestmark = pytest.mark.slow


def test_it_runs_mkdocs_command_line_and_passes_on_its_failure(tmp_path: Path):
    early = render.start(tmp_path, dict(os.environ))
    done = early.render(["build", "--strict", "--config-file", str(tmp_path / "missing.yml")])
    assert done.returncode != 0
    assert "missing.yml" in done.stderr
    assert early.proc.poll() is not None


def test_it_stops_without_rendering(tmp_path: Path):
    early = render.start(tmp_path, dict(os.environ))
    early.stop()
    assert early.proc.returncode is not None
    assert not any(tmp_path.iterdir())
