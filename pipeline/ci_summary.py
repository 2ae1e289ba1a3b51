"""`python -m pipeline ci-summary [--out FILE]`: the validation result as a Markdown table.

CI writes it to the job summary ($GITHUB_STEP_SUMMARY) so a data officer sees,
on the run's page, one line per dataset and one row per problem with the
file, row, column, value and how to fix it. The annotations on the CSV lines
come from `validate --format github`; this module only reads the same report
(`validate.run`) and lays it out. It never changes the exit status of CI: the
validate step does that.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from .findings import summary_cell
from .paths import REPO, Layout

MAX_ROWS = 200


def markdown(report: Any, lang: str = "zh") -> str:
    """A report of validate.run(...) as Markdown: verdict, per-file counts, then every issue."""
    zh = lang != "en"
    issues = report.sorted_issues()
    lines = []
    if report.valid:
        lines.append("## ✅ 数据校验通过" if zh else "## ✅ Data valid")
    else:
        lines.append("## ❌ 数据校验未通过" if zh else "## ❌ Data invalid")
    lines.append("")
    head = ["文件", "错误", "警告"] if zh else ["File", "Errors", "Warnings"]
    lines += ["| " + " | ".join(head) + " |", "|---|---:|---:|"]
    for path in report.checked:
        errors = sum(1 for i in issues if i.path == path and i.severity == "error")
        warnings = sum(1 for i in issues if i.path == path and i.severity != "error")
        lines.append(f"| `{summary_cell(path)}` | {errors} | {warnings} |")
    others = sorted({i.path for i in issues} - set(report.checked))
    for path in others:
        errors = sum(1 for i in issues if i.path == path and i.severity == "error")
        warnings = sum(1 for i in issues if i.path == path and i.severity != "error")
        lines.append(f"| `{summary_cell(path)}` | {errors} | {warnings} |")
    if issues:
        lines.append("")
        head = (["", "文件", "行", "列", "值", "代码", "问题", "怎么改"] if zh
                else ["", "File", "Row", "Column", "Value", "Code", "Problem", "Fix"])
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for issue in issues[:MAX_ROWS]:
            mark = "❌" if issue.severity == "error" else "⚠️"
            lines.append("| " + " | ".join([
                mark, f"`{summary_cell(issue.path)}`", summary_cell(issue.row), summary_cell(issue.column),
                summary_cell(issue.value), f"`{issue.code}`", summary_cell(issue.text(lang)),
                summary_cell(issue.fix(lang)),
            ]) + " |")
        if len(issues) > MAX_ROWS:
            lines.append("")
            lines.append(f"……另有 {len(issues) - MAX_ROWS} 条，见校验步骤的日志。" if zh
                         else f"… {len(issues) - MAX_ROWS} more in the validate step's log.")
        lines.append("")
        lines.append("每个错误代码的解释见网站上的“数据更新指南”。按“怎么改”一列改正后，运行 "
                     "`python -m pipeline validate`（或 `kjj validate`）确认。" if zh
                     else "Every code is explained in the staff guide on the site. After the "
                     "fixes, run `python -m pipeline validate` to check.")
    return "\n".join(lines) + "\n"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "把校验结果写成 Markdown 表格（CI 的任务摘要）/ validation summary table"
    parser.add_argument("--out", type=Path,
                        help="追加写入的文件（默认 $GITHUB_STEP_SUMMARY，没有时输出到屏幕）")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")


def main(args: argparse.Namespace, layout: Layout = REPO) -> int:
    from .validate import run

    text = markdown(run(layout, lang=args.lang), args.lang)
    out = args.out or (Path(os.environ["GITHUB_STEP_SUMMARY"])
                       if os.environ.get("GITHUB_STEP_SUMMARY") else None)
    if out is None:
        sys.stdout.write(text)
    else:
        with out.open("a", encoding="utf-8") as handle:
            handle.write(text)
    return 0
