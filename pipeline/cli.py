"""The command line: `python -m pipeline COMMAND ...`.

Each command lives in its own module, which provides `configure(parser)` to
declare its arguments and `main(args) -> int` to run and return the exit
status. This module only dispatches; it imports a command's module when that
command runs, so `validate` does not pay for the site builder's imports.
Exit status 2 means a usage error (argparse's convention).
"""

from __future__ import annotations

import argparse
import importlib
import sys

# command -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("pipeline.validate", "校验数据集 / validate datasets"),
    "package": ("pipeline.package_cmd",
                "重新生成 datapackage.json 和 CITATION.cff / regenerate datapackage.json and CITATION.cff"),
    "build": ("pipeline.build", "校验并构建网站到 site/ / validate and build the site"),
    "pdf": ("pipeline.pdf", "把每一期报告排版为 PDF（先 build）/ each edition as a PDF (after build)"),
    "serve": ("pipeline.serve", "本地预览，保存即刷新 / live preview"),
    "import": ("pipeline.importer", "导入 Excel/CSV 表格到数据集 / import a sheet into a dataset"),
    "new-year": ("pipeline.newyear", "准备新一年的数据和页面 / scaffold the next edition"),
    "revisions": ("pipeline.revisions", "检查或记录数字修订 / check or record revisions"),
    "ci-summary": ("pipeline.ci_summary", "校验结果的 Markdown 摘要表 / validation summary table"),
    "linkcheck": ("pipeline.linkcheck", "离线检查网站链接 / check the built site's links"),
    "guide": ("pipeline.guide", "更新数据更新指南的错误代码表 / regenerate the guide's code tables"),
}


def parser(chosen: str | None = None, prog: str = "python -m pipeline") -> argparse.ArgumentParser:
    """The argument parser; only the chosen command's module is imported to configure it."""
    top = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module, help_) in COMMANDS.items():
        command = sub.add_parser(name, help=help_)
        command.set_defaults(_module=module)
        if name == chosen:
            _configure(module, command)
    return top


def _configure(module: str, command: argparse.ArgumentParser) -> None:
    try:
        configure = importlib.import_module(module).configure
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return  # a command not built yet: it shows in help but has no arguments
    configure(command)


def entry() -> None:
    """The `kjj` console script: the same commands as `python -m pipeline`, from any folder
    of the repository, with the console set to UTF-8 so Chinese shows on Windows too."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass
    raise SystemExit(main(prog="kjj"))


def main(argv: list[str] | None = None, prog: str = "python -m pipeline") -> int:
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((a for a in argv if not a.startswith("-")), None)
    args = parser(chosen, prog).parse_args(argv)
    try:
        run = importlib.import_module(args._module).main
    except ModuleNotFoundError:
        print(f"command not available: {args.command}", file=sys.stderr)
        return 2
    try:
        return int(run(args))
    except UnicodeError as exc:
        # a file in an encoding nobody expected: say which and how to fix, never a traceback
        detail = getattr(exc, "reason", None) or exc
        print(f"✗ 文件编码无法识别（{exc.__class__.__name__}: {detail}）。"
              "请用 Excel “另存为” → “CSV UTF-8（逗号分隔）”，或直接导入 .xlsx 文件。\n"
              "✗ a file is in an encoding that cannot be read: save it as \"CSV UTF-8\" from Excel "
              "or import the .xlsx file.", file=sys.stderr)
        return 1
    except Exception as exc:
        from .importer import ImportProblem

        if not isinstance(exc, ImportProblem):
            raise
        # a data file that cannot be read (encoding, Excel format): its message, not a traceback
        print(f"✗ {exc.message()}  [{exc.code}]\n  怎么改：{exc.fix()}", file=sys.stderr)
        return 1
