"""The message catalogue: every code the checks can raise is explained in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.findings import Findings, Issue, show
from pipeline.messages import CATALOGUE, IMPORT_PREFIX

SOURCE = Path(__file__).parent.parent / "pipeline"


def _raised_codes() -> set[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SOURCE.rglob("*.py"))
    codes = set(re.findall(r'Issue\(\s*"([a-z-]+)"', text))
    codes |= set(re.findall(r'_issue\(\s*"([a-z-]+)"', text))
    return codes


def test_every_raised_code_is_in_the_catalogue():
    missing = _raised_codes() - set(CATALOGUE)
    assert not missing


@pytest.mark.parametrize("code", sorted(c for c in CATALOGUE if not c.startswith(IMPORT_PREFIX)))
def test_every_message_renders_in_both_languages(code: str):
    issue = Issue(code, "datasets/x.csv", row=3, column="value", column_number=5, value="1.2万")
    for lang in ("zh", "en"):
        assert issue.text(lang) and issue.fix(lang) and issue.title(lang)
    assert re.search(r"[\u4e00-\u9fff]", issue.fix("zh"))


def test_show_spells_out_invisible_characters():
    assert show("a\u200bb") == "“a\\u200bb”"
    assert show("\t=1") == "“\\t=1”"
    assert show(None) == "（空）"


def test_report_is_invalid_only_with_errors():
    report = Findings(checked=["a.csv"], issues=[Issue("markup", "a.csv", severity="warning")])
    assert report.valid
    report.issues.append(Issue("markup", "a.csv", row=2))
    assert not report.valid and len(report.errors) == 1


def test_github_annotation_escapes_newlines_and_commas():
    report = Findings(issues=[Issue("markup", "a,b.csv", row=2, column_number=1, value="x\ny")])
    line = report.formatted("github").splitlines()[0]
    assert line.startswith("::error file=a%2Cb.csv,line=2,col=1,")
