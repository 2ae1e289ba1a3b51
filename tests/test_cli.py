"""`python -m pipeline validate` as staff, pre-commit and CI run it: exit codes and formats."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from pipeline.paths import REPO, Layout

BAD = Path(__file__).parent / "fixtures" / "bad"


def validate(*args: str, cwd: Path = REPO.root) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "validate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={"PYTHONPATH": str(REPO.root), "PATH": "/usr/bin:/bin"},
    )


def test_repository_data_is_valid_exit_0():
    result = validate()
    assert result.returncode == 0, result.stdout
    assert "全部通过" in result.stdout


def test_invalid_file_exits_1_with_chinese_message(project: Layout):
    shutil.copy(BAD / "unit-wan.csv", project.csv("figures"))
    result = validate(str(project.csv("figures")))
    assert result.returncode == 1
    assert "datasets/figures.csv 第 2 行 value 列" in result.stdout
    assert "1.2万" in result.stdout and "修改方法" in result.stdout


def test_english_flag(project: Layout):
    shutil.copy(BAD / "unit-wan.csv", project.csv("figures"))
    result = validate("--lang", "en", str(project.root))
    assert result.returncode == 1
    assert "row 2, column value" in result.stdout and "Fix:" in result.stdout


def test_json_format(project: Layout):
    shutil.copy(BAD / "type-errors.csv", project.csv("figures"))
    result = validate("--format", "json", str(project.root))
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["valid"] is False and data["errors"] == 3
    assert [[i["row"], i["column"], i["code"]] for i in data["issues"]] == [
        [2, "value", "type-error"],
        [3, "derived", "type-error"],
        [6, "value_max", "type-error"],
    ]
    assert {"path", "severity", "message", "fix", "value"} <= set(data["issues"][0])


def test_github_format_annotates_the_line(project: Layout):
    shutil.copy(BAD / "foreign-key.csv", project.csv("figures"))
    result = validate("--format", "github", str(project.csv("figures")))
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=")
    assert "figures.csv,line=5,col=3,title=foreign-key" in first
    assert "\n" not in first


def test_warnings_do_not_fail(project: Layout):
    shutil.copy(BAD / "note-formula-warning.csv", project.csv("figures"))
    result = validate("--format", "github", str(project.root))
    assert result.returncode == 0
    assert result.stdout.startswith("::warning file=")


def test_usage_errors_exit_2(tmp_path: Path):
    assert validate(str(tmp_path / "missing.csv")).returncode == 2
    (tmp_path / "notes.txt").write_text("x")
    assert validate(str(tmp_path / "notes.txt")).returncode == 2
    assert validate(str(tmp_path)).returncode == 2  # a folder without datasets/
    assert validate("--format", "xml").returncode == 2


def test_csv_outside_any_datasets_folder_is_refused(tmp_path: Path):
    stray = tmp_path / "stray.csv"
    stray.write_text("a,b\n1,2\n", encoding="utf-8")
    result = validate(str(stray))
    assert result.returncode == 1 and "path-outside" in result.stdout


def test_url_is_refused():
    result = validate("https://example.org/data.csv")
    assert result.returncode == 1 and "path-outside" in result.stdout


def test_dotdot_path_leaving_the_project_is_refused(project: Layout, tmp_path: Path):
    outside = tmp_path / "elsewhere.csv"
    shutil.copy(project.csv("figures"), outside)
    result = validate(str(project.datasets / ".." / ".." / "elsewhere.csv"))
    assert result.returncode == 1 and "path-outside" in result.stdout
