"""Validation findings and how they are shown: text, JSON or GitHub annotations.

An `Issue` is one finding at a place (file, row, column) with the offending
value; its words come from the catalogue in messages.py. A `Findings` collects
issues and renders them. Checks live elsewhere (validate.py, checks/).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .messages import CATALOGUE

ERROR = "error"
WARNING = "warning"

_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00a0", "\u3000",
              "\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}  # and the filler characters


def show(value: Any, limit: int = 60) -> str:
    """A cell value as a reader can see it: quoted, invisible characters spelled out."""
    if value is None:
        return "（空）"
    text = str(value)
    cut = len(text) > limit
    text = text[:limit]
    out = []
    for ch in text:
        if ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "“" + "".join(out) + ("…" if cut else "") + "”"


@dataclass(frozen=True)
class Issue:
    code: str
    path: str
    row: int | None = None
    column: str | None = None
    column_number: int | None = None
    value: Any = None
    severity: str = ERROR
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def _fill(self, template: str) -> str:
        values = {"dataset": "", "expected": "", "reason": "", "row": self.row}
        values.update(self.params)
        values.update(value=show(self.value), column=self.column or "", column_number=self.column_number)
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            return template

    def text(self, lang: str = "zh") -> str:
        msg = CATALOGUE[self.code]
        return self._fill(msg.text_en if lang == "en" else msg.text_zh)

    def fix(self, lang: str = "zh") -> str:
        msg = CATALOGUE[self.code]
        return self._fill(msg.fix_en if lang == "en" else msg.fix_zh)

    def title(self, lang: str = "zh") -> str:
        msg = CATALOGUE[self.code]
        return msg.title_en if lang == "en" else msg.title_zh

    def where(self, lang: str = "zh") -> str:
        parts = [self.path]
        if lang == "en":
            if self.row is not None:
                parts.append(f"row {self.row}")
            if self.column:
                parts.append(f"column {self.column}")
            return ", ".join(parts)
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"{self.column} 列")
        return " ".join(parts)

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "path": self.path,
            "row": self.row,
            "column": self.column,
            "columnNumber": self.column_number,
            "value": None if self.value is None else str(self.value),
            "title": self.title(lang),
            "message": self.text(lang),
            "fix": self.fix(lang),
        }

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.row or 0, self.column_number or 0, self.code)


@dataclass
class Findings:
    """Every issue found, plus the files that were checked."""

    checked: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def sorted_issues(self) -> list[Issue]:
        return sorted(self.issues, key=Issue.sort_key)

    def flatten(self, keys: list[str]) -> list[list[Any]]:
        """frictionless-style flat view for tests, e.g. flatten(["row", "column", "code"])."""
        return [[getattr(i, k) for k in keys] for i in self.sorted_issues()]

    def formatted(self, fmt: str = "text", lang: str = "zh") -> str:
        return {"text": _text, "json": _json, "github": _github}[fmt](self, lang)


def _summary(report: Findings, lang: str) -> str:
    n, e, w = len(report.checked), len(report.errors), len(report.warnings)
    if lang == "en":
        verdict = "valid" if report.valid else "INVALID"
        return f"Checked {n} file(s): {e} error(s), {w} warning(s). {verdict}."
    verdict = "全部通过" if report.valid else "未通过，请按上面的提示修改"
    return f"检查了 {n} 个文件：{e} 个错误，{w} 个警告。{verdict}。"


def _text(report: Findings, lang: str) -> str:
    label = {"en": {ERROR: "error", WARNING: "warning"}, "zh": {ERROR: "错误", WARNING: "警告"}}
    fix_word = "Fix" if lang == "en" else "修改方法"
    lines = []
    for issue in report.sorted_issues():
        lines.append(f"{issue.where(lang)}: {label[lang][issue.severity]} [{issue.code}] {issue.text(lang)}")
        lines.append(f"    {fix_word}: {issue.fix(lang)}")
    lines.append(_summary(report, lang))
    return "\n".join(lines) + "\n"


def _json(report: Findings, lang: str) -> str:
    data = {
        "valid": report.valid,
        "checked": report.checked,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "issues": [i.as_dict(lang) for i in report.sorted_issues()],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(severity: str, path: str, line: int | None, title: str, message: str,
               column: int | None = None) -> str:
    """One GitHub Actions workflow command: an annotation on a file's line in the pull request."""
    props = [f"file={_escape_property(path)}"]
    if line is not None:
        props.append(f"line={line}")
    if column is not None:
        props.append(f"col={column}")
    props.append(f"title={_escape_property(title)}")
    return f"::{severity} {','.join(props)}::{_escape_data(message)}"


def summary_cell(value: object) -> str:
    """A cell of a GitHub job-summary table (GitHub's Markdown, not the site's): one line, with
    no character that would end the cell, a code span or start HTML; "—" when empty."""
    text = "" if value is None else str(value)
    text = (text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ")
            .replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;").replace("`", "\\`"))
    return text or "—"


def step_summary(heading: str, head: list[str], rows: list[list[str]], footer: str = "") -> None:
    """Append a Markdown table to the job summary ($GITHUB_STEP_SUMMARY) when CI provides one."""
    import os

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    lines = [heading.rstrip("\n"), "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(summary_cell(c) for c in row) + " |" for row in rows]
    if footer:
        lines += ["", footer]
    with open(target, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n\n")


PLACE = re.compile(r"^((?:docs|datasets|schemas|web)/[^:\s]+):(\d+): ?(.*)$")


def annotate_failure(text: str, title: str, fix: str) -> list[str]:
    """Annotations for a failure report whose lines may start "docs/PAGE.md:LINE: …": one on
    each such file and line, else one for the whole step; each ends with the fixing command."""
    lines = []
    for line in text.splitlines():
        match = PLACE.match(line.strip())
        if match:
            path, number, message = match.groups()
            lines.append(annotation("error", path, int(number), title, f"{message} {fix}"))
    if not lines:
        body = " ".join(t.strip() for t in text.splitlines()[:6] if t.strip())
        lines.append(f"::error title={_escape_property(title)}::{_escape_data(body + ' ' + fix)}")
    return lines


def _github(report: Findings, lang: str) -> str:
    """GitHub Actions workflow commands: one annotation per issue on the offending line."""
    lines = []
    for issue in report.sorted_issues():
        props = [f"file={_escape_property(issue.path)}"]
        if issue.row is not None:
            props.append(f"line={issue.row}")
        if issue.column_number is not None:
            props.append(f"col={issue.column_number}")
        props.append(f"title={_escape_property(issue.code + ': ' + issue.title(lang))}")
        check = (f"改正后运行 python -m pipeline validate {issue.path} 确认。" if lang != "en"
                 else f"Then run python -m pipeline validate {issue.path} to check.")
        body = f"{issue.where(lang)}: {issue.text(lang)} {issue.fix(lang)} {check}"
        lines.append(f"::{issue.severity} {','.join(props)}::{_escape_data(body)}")
    lines.append(_summary(report, lang))
    return "\n".join(lines) + "\n"
