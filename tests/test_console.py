"""The `kjj` command: a proper package, found from any subfolder, Python only; CI annotations."""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from pipeline import build, findings, linkcheck, paths, revisions
from pipeline.paths import REPO

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_project_is_a_package_with_a_console_script() -> None:
    config = tomllib.loads((REPO.root / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["build-system"]["build-backend"] == "setuptools.build_meta"
    assert config["project"]["scripts"]["kjj"] == "pipeline.cli:entry"
    packages = config["tool"]["setuptools"]["packages"]
    found = sorted(p.parent.relative_to(REPO.root).as_posix().replace("/", ".")
                   for p in (REPO.root / "pipeline").rglob("__init__.py"))
    assert sorted(packages) == found, "every subpackage must ship in the wheel"


def _project(root: Path, broken: bool) -> Path:
    shutil.copytree(REPO.datasets, root / "datasets")
    shutil.copytree(REPO.schemas, root / "schemas")
    shutil.copy(REPO.descriptor, root / "datapackage.json")
    shutil.copy(REPO.mkdocs_config, root / "mkdocs.yml")
    if broken:
        csv = root / "datasets" / "indicators.csv"
        csv.write_text(csv.read_text(encoding="utf-8").replace(",49.3,", ",49.3万,", 1),
                       encoding="utf-8")
    sub = root / "updates" / "2021"
    sub.mkdir(parents=True)
    return sub


def test_the_repository_is_found_from_any_subfolder(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    sub = _project(tmp_path / "repo", broken=False)
    monkeypatch.delenv("KJJ_ROOT", raising=False)
    assert paths.find_root(sub) == (tmp_path / "repo").resolve()
    assert paths.find_root(tmp_path) == paths.PACKAGE_ROOT  # outside any project
    monkeypatch.setenv("KJJ_ROOT", str(tmp_path / "elsewhere"))
    assert paths.find_root(sub) == (tmp_path / "elsewhere").resolve()


@pytest.mark.slow
def test_console_script_validates_the_repository_it_is_run_in(tmp_path: Path) -> None:
    """The package loaded from elsewhere (as when installed), run from a subfolder of another
    checkout whose data is broken: it checks that checkout, and says so in Chinese."""
    sub = _project(tmp_path / "repo", broken=True)
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("KJJ_ROOT", "PYTHONPATH")}
    env["PYTHONPATH"] = str(REPO.root)  # the package from elsewhere, as when installed
    done = subprocess.run([sys.executable, "-c", "from pipeline.cli import entry; entry()",
                           "validate"], cwd=sub, capture_output=True, check=False, env=env,
                          timeout=300)
    out = done.stdout.decode("utf-8")
    assert done.returncode == 1, out + done.stderr.decode("utf-8", "replace")
    assert "datasets/indicators.csv 第 2 行" in out and "49.3万" in out
    usage = subprocess.run([sys.executable, "-c", "from pipeline.cli import entry; entry()",
                            "--help"], cwd=sub, capture_output=True, check=False, env=env)
    assert usage.stdout.decode("utf-8").startswith("usage: kjj ")


STAFF_COMMANDS = ("validate", "importer", "newyear", "serve", "preview_plugin", "cli", "paths",
                  "csvtext", "workbook", "revisions", "checks/cells", "checks/files")
POSIX_ONLY = re.compile(r"\bimport (fcntl|pwd|grp|termios|resource)\b|os\.(fork|getuid|geteuid|"
                        r"killpg|setsid)\b|signal\.SIG(KILL|HUP|USR1|USR2|ALRM)\b|"
                        r"\"(make|bash|sh)\"|/bin/|\.venv/bin")


@pytest.mark.parametrize("module", STAFF_COMMANDS)
def test_staff_commands_use_no_posix_only_calls(module: str) -> None:
    source = (REPO.root / "pipeline" / f"{module}.py").read_text(encoding="utf-8")
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    assert not POSIX_ONLY.search(code), POSIX_ONLY.search(code)


# --------------------------------------------------------------------------- CI annotations


def test_a_placeholder_failure_becomes_an_annotation_and_a_summary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    build.github_failure("页面中的占位符有误，网站没有更新：\n"
                         "docs/2020/overview.md:12: [[fig:no-such@2020]]：没有这个指标")
    out = capsys.readouterr().out
    assert out.startswith("::error file=docs/2020/overview.md,line=12,title=")
    assert "没有这个指标" in out and "python -m pipeline build" in out
    table = summary.read_text(encoding="utf-8")
    assert "| docs/2020/overview.md | 12 |" in table and "修正方法" in table


def test_a_failure_without_a_place_is_still_an_annotation() -> None:
    [line] = findings.annotate_failure("MkDocs 构建失败\nWARNING - something", "构建失败", "再试")
    assert line.startswith("::error title=") and "something" in line and "再试" in line


def test_a_broken_link_is_annotated_on_its_page_source(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    linkcheck.github([linkcheck.Broken("2020/industry/index.html", "../nowhere/",
                                       "no such file")])
    out = capsys.readouterr().out
    source = "docs/2020/industry.md"
    assert (REPO.root / source).is_file()
    assert out.startswith(f"::error file={source},title=") and "../nowhere/" in out
    assert "make linkcheck" in out
    assert "../nowhere/" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org",
                    *args], check=True, capture_output=True)


def test_an_unrecorded_revision_is_annotated_on_its_csv_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "edition"
    shutil.copytree(FIXTURES / "edition", root)
    shutil.copytree(REPO.schemas, root / "schemas")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "deployed")
    csv = root / "datasets" / "indicators.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",120,", ",125,"), encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    args = argparse.Namespace(base="HEAD", record=False, reason=None, reason_from_commit=False,
                              lang="zh", staged=False, format="github")
    assert revisions.main(args, paths.Layout(root)) == 1
    out = capsys.readouterr().out
    assert "::error file=datasets/indicators.csv,line=3,title=revision-unrecorded::" in out
    assert "revisions --base HEAD --record --reason" in out
    assert "sample-firms/2020" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_every_ci_failure_names_its_fixing_command() -> None:
    """validate issues carry a fix; the other CI steps' failures name the command."""
    from pipeline.messages import CATALOGUE

    assert all(m.fix_zh and m.fix_en for m in CATALOGUE.values())
    assert "python -m pipeline build" in build.FIX_COMMAND
    assert "linkcheck" in linkcheck.FIX_COMMAND
    assert "python -m pipeline package" in CATALOGUE["datapackage-stale"].fix_zh
    out = io.StringIO()
    print(revisions.reason_problem("<b>x</b>"), file=out)
    assert "标记" in out.getvalue()
