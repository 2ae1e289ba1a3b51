"""`python -m pipeline package`: regenerate datapackage.json and CITATION.cff, or check both are current."""

from __future__ import annotations

import argparse
import sys

from . import package
from .paths import REPO


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="不写文件，只检查 datapackage.json 和 CITATION.cff 是否最新 / "
             "only check that both are up to date",
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
        cited = REPO.citation.read_text(encoding="utf-8") if REPO.citation.exists() else ""
        stale = [name for name, ok in (("datapackage.json", current == package.datapackage_json(REPO)),
                                       ("CITATION.cff", cited == package.citation_cff(REPO)))
                 if not ok]
        if stale:
            print(f"{'、'.join(stale)} 不是最新的：请运行 python -m pipeline package", file=sys.stderr)
            return 1
        return 0
    changed = package.write(REPO)
    print("datapackage.json " + ("已更新 / updated" if changed else "无变化 / unchanged"))
    changed = package.write_citation(REPO)
    print("CITATION.cff " + ("已更新 / updated" if changed else "无变化 / unchanged"))
    return 0
