"""`python -m pipeline package`: regenerate datapackage.json, or check it is current."""

from __future__ import annotations

import argparse
import sys

from . import package
from .paths import REPO


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="不写文件，只检查 datapackage.json 是否最新 / only check that it is up to date",
    )


def main(args: argparse.Namespace) -> int:
    from . import load

    try:
        return _run(args)
    except load.DescriptorError as exc:
        print(f"{REPO.relative(exc.path)}:{exc.line or ''}: {exc.reason}\n"
              "datapackage.json 没有更新：先修正上面的文件（python -m pipeline validate 会说明怎么改）"
              " / fix the file above first", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.check:
        current = REPO.descriptor.read_text(encoding="utf-8") if REPO.descriptor.exists() else ""
        if current != package.render(REPO):
            print("datapackage.json 不是最新的：请运行 python -m pipeline package", file=sys.stderr)
            return 1
        return 0
    changed = package.write(REPO)
    print("datapackage.json " + ("已更新 / updated" if changed else "无变化 / unchanged"))
    return 0
