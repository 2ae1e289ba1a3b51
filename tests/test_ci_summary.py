"""The job summary table CI writes from the validation report."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from pipeline import ci_summary
from pipeline.paths import REPO, Layout
from pipeline.validate import run

FIXTURES = Path(__file__).parent / "fixtures"


def _project(tmp_path: Path) -> Layout:
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "edition", root)
    shutil.copytree(REPO.schemas, root / "schemas")
    return Layout(root)


def test_valid_data_gives_a_green_table(tmp_path: Path) -> None:
    text = ci_summary.markdown(run(_project(tmp_path)))
    lines = text.splitlines()
    assert lines[0] == "## ✅ 数据校验通过"
    assert "| `datasets/indicators.csv` | 0 | 0 |" in lines


def test_problems_are_listed_with_place_value_and_fix(tmp_path: Path) -> None:
    layout = _project(tmp_path)
    path = layout.csv("indicators")
    path.write_text(path.read_text(encoding="utf-8").replace(",12.5,", ",12.5|万,"),
                    encoding="utf-8")
    text = ci_summary.markdown(run(layout))
    assert text.startswith("## ❌ 数据校验未通过")
    assert "| `datasets/indicators.csv` | 1 | 0 |" in text.splitlines()
    assert "| `datasets/work-areas.csv` | 0 | 0 |" in text.splitlines()
    row = next(line for line in text.splitlines() if line.startswith("| ❌ |"))
    cells = row.split(" | ")
    assert cells[1] == "`datasets/indicators.csv`" and cells[2] == "2" and cells[3] == "value"
    assert "12.5\\|万" in row  # a | in a value cannot break the table
    assert row.count(" | ") == 7


def test_summary_is_appended_to_the_given_file(tmp_path: Path) -> None:
    layout = _project(tmp_path)
    out = tmp_path / "summary.md"
    out.write_text("before\n", encoding="utf-8")
    assert ci_summary.main(argparse.Namespace(out=out, lang="zh"), layout) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("before\n## ✅ 数据校验通过")
