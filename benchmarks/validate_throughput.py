"""Validation throughput: our `validate` against plain frictionless on generated tables.

    python benchmarks/validate_throughput.py [ROWS ...]     (default: 10000 100000 1000000)

For each size, a temporary project is made with the repository's schemas and
metadata and an indicators table of that many generated rows (made-up values,
written only to a temporary folder). Both validators read the same files; the
times are wall-clock seconds of one run each, after a warm-up on a small table.
Prints a Markdown table.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from frictionless import Package  # noqa: E402

from pipeline import package  # noqa: E402
from pipeline.paths import REPO, Layout  # noqa: E402
from pipeline.validate import run  # noqa: E402

ROW = (
    "ind-{i:07d},{year},innovation-entities,示例指标,Example indicator,{value},,,家,units,false,,"
    "生成数据,\n"
)


def make_project(rows: int, where: Path) -> Layout:
    layout = Layout(where)
    shutil.copytree(REPO.schemas, layout.schemas)
    layout.datasets.mkdir(parents=True)
    for name in ("work-areas",):
        shutil.copy(REPO.csv(name), layout.csv(name))
    shutil.copy(REPO.meta("work-areas"), layout.meta("work-areas"))
    meta = yaml.safe_load(REPO.meta("indicators").read_text(encoding="utf-8"))
    meta.pop("consistency", None)  # its rules name the real indicators, absent here
    layout.meta("indicators").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    (layout.datasets / "package.yml").write_text(
        "name: bench\nlimits: {max_file_bytes: 1000000000}\n", encoding="utf-8")
    header = REPO.csv("indicators").read_text(encoding="utf-8").splitlines()[0] + "\n"
    with layout.csv("indicators").open("w", encoding="utf-8") as out:
        out.write(header)
        for i in range(rows):
            out.write(ROW.format(i=i // 10, year=2011 + i % 10, value=i % 997))
    layout.descriptor.write_text(package.render(layout), encoding="utf-8")
    return layout


def timed(fn, *args):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main(sizes: list[int]) -> None:
    print("| rows | our validate (s) | plain frictionless (s) | ratio | ours rows/s |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        warm = make_project(1000, Path(tmp) / "warm")
        run(warm)
        Package(str(warm.descriptor)).validate()
        for rows in sizes:
            layout = make_project(rows, Path(tmp) / f"p{rows}")
            ours, report = timed(run, layout)
            assert report.valid, report.render("text")[:2000]
            plain, theirs = timed(Package(str(layout.descriptor)).validate)
            assert theirs.valid
            print(f"| {rows:,} | {ours:.2f} | {plain:.2f} | {ours / plain:.2f} | {rows / ours:,.0f} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000])
