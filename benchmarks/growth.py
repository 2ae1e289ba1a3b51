"""Growth: how build time, validate time, page weight and search index grow with the data.

    python benchmarks/growth.py [--editions 1 10] [--datasets 10 50] [--rows 10000]

Each point is a generated project (a temporary copy of this one, never the
repository itself): the report's edition pages copied for every generated
edition, plus DATASETS extra datasets of ROWS made-up rows each, with the
indicators schema and metadata. Editions are pages here, not data: until
editions are data of their own, an extra edition is a copy of the latest
edition's pages under another year (their figures stay the latest's).

For each point, in a fresh process each: `python -m pipeline validate` (wall
seconds), the full build from an empty .build/ and a no-change rebuild; then
from the built site without a browser: the largest page's weight (the HTML
with every stylesheet and script it links, gzip) and the search index
(search/search_index.json, raw and gzip). Prints a Markdown table and the
growth ratios; benchmarks/run.py --growth puts them on the performance page.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from pipeline import package  # noqa: E402
from pipeline.paths import REPO, Layout  # noqa: E402

COPIED = ("datasets", "schemas", "docs", "web", "overrides")
ROW = ("g{d:02d}-{i:06d},{year},innovation-entities,生成指标,Generated indicator,{value},,,家,units,false,,"
       "生成数据,\n")
EDITION_RATIO = 3  # the build for 10 editions at most 3x the build for one


def make_project(where: Path, editions: int, datasets: int, rows: int) -> Layout:
    where.mkdir(parents=True)
    for name in COPIED:
        shutil.copytree(REPO.root / name, where / name)
    for name in ("mkdocs.yml", "package.json", "package-lock.json"):
        shutil.copy(REPO.root / name, where / name)
    (where / "node_modules").symlink_to(REPO.node_modules)
    layout = Layout(where)
    latest = max(int(p.name) for p in layout.docs.iterdir() if p.name.isdigit())
    config = (where / "mkdocs.yml").read_text(encoding="utf-8")
    nav_block = re.search(rf"  - {latest}年报告:\n(?:      - .*\n)+", config)
    assert nav_block, "mkdocs.yml: no nav block of the latest edition"
    extra_nav = ""
    for year in range(latest - editions + 1, latest):
        shutil.copytree(layout.docs / str(latest), layout.docs / str(year))
        for page in (layout.docs / str(year)).glob("*.md"):  # its figures are the latest edition's
            text = re.sub(r"\[\[(fig):([^\]@]+)\]\]", rf"[[\1:\2@{latest}]]",
                          page.read_text(encoding="utf-8"))
            page.write_text(text, encoding="utf-8")
        extra_nav += nav_block.group(0).replace(str(latest), str(year))
    config = config.replace(nav_block.group(0), nav_block.group(0) + extra_nav)
    (where / "mkdocs.yml").write_text(config, encoding="utf-8")
    schema = yaml.safe_load(REPO.schema("indicators").read_text(encoding="utf-8"))
    meta = yaml.safe_load(REPO.meta("indicators").read_text(encoding="utf-8"))
    meta.pop("consistency", None)  # its rules and charts name the real indicators
    meta.pop("charts", None)
    header = REPO.csv("indicators").read_text(encoding="utf-8").splitlines()[0] + "\n"
    for d in range(datasets):
        name = f"generated-{d:02d}"
        layout.schema(name).write_text(yaml.safe_dump(schema, allow_unicode=True), encoding="utf-8")
        meta_d = dict(meta, title=f"生成数据集 {d}", title_en=f"Generated dataset {d}")
        layout.meta(name).write_text(yaml.safe_dump(meta_d, allow_unicode=True), encoding="utf-8")
        with layout.csv(name).open("w", encoding="utf-8") as out:
            out.write(header)
            out.write("".join(ROW.format(d=d, i=i // 10, year=2011 + i % 10, value=i % 997)
                              for i in range(rows)))
    layout.descriptor.write_text(package.datapackage_json(layout), encoding="utf-8")
    return layout


def timed(cmd: list[str], cwd: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1700000000")
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{(proc.stderr or proc.stdout)[-3000:]}")
    return took


LINKED = re.compile(r"""<(?:script[^>]*\ssrc|link[^>]*\shref)=["']?([^"' >]+)""")


def page_weights(site: Path) -> list[tuple[str, int]]:
    """(page, gzip bytes of the HTML and every local stylesheet and script it links), per page."""
    sizes: dict[Path, int] = {}

    def gz(path: Path) -> int:
        if path not in sizes:
            sizes[path] = len(gzip.compress(path.read_bytes(), 6))
        return sizes[path]

    out = []
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        total = gz(page)
        for ref in set(LINKED.findall(html)):
            if "://" in ref or ref.startswith(("data:", "#", "mailto:")):
                continue
            target = (page.parent / ref.split("?")[0].split("#")[0]).resolve()
            if target.is_file() and target.suffix in (".css", ".js"):
                total += gz(target)
        out.append((page.relative_to(site).as_posix(), total))
    return out


def measure(editions: int, datasets: int, rows: int, where: Path) -> dict[str, object]:
    layout = make_project(where, editions, datasets, rows)
    python = sys.executable
    validate = timed([python, "-m", "pipeline", "validate", str(layout.root)], ROOT)
    build = [python, "-c", "import sys; from pathlib import Path; from pipeline import build;"
             " from pipeline.paths import Layout;"
             " sys.exit(build.build(Layout(Path(sys.argv[1])), log=lambda *a: None))", str(layout.root)]
    cold = timed(build, layout.root)
    warm = timed(build, layout.root)
    weights = page_weights(layout.site)
    heaviest = max(weights, key=lambda w: w[1])
    index = layout.site / "search" / "search_index.json"
    raw = index.read_bytes() if index.exists() else b""
    result = {"editions": editions, "datasets": datasets, "rows": rows, "validate": validate,
              "cold": cold, "warm": warm, "pages": len(weights), "heaviest": heaviest[0],
              "heaviest_kb": heaviest[1] / 1024, "median_kb": statistics.median(w for _, w in weights) / 1024,
              "index_kb": len(raw) / 1024, "index_gzip_kb": len(gzip.compress(raw, 6)) / 1024}
    shutil.rmtree(layout.root, ignore_errors=True)
    return result


def markdown(results: list[dict]) -> str:
    out = ["| editions | extra datasets × rows | validate (s) | full build (s) | no-change rebuild (s) "
           "| pages | heaviest page (KB gzip) | median page (KB gzip) | search index (KB, gzip) |\n",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"]
    for r in results:
        out.append(f"| {r['editions']} | {r['datasets']} × {r['rows']:,} | {r['validate']:.2f} | "
                   f"{r['cold']:.1f} | {r['warm']:.1f} | {r['pages']} | {r['heaviest_kb']:.0f} "
                   f"(`{r['heaviest']}`) | {r['median_kb']:.0f} | {r['index_kb']:.0f} "
                   f"({r['index_gzip_kb']:.0f}) |\n")
    return "".join(out)


def targets(results: list[dict]) -> list[str]:
    lines = []
    by = {(r["editions"], r["datasets"]): r for r in results}
    editions = sorted({r["editions"] for r in results})
    datasets = sorted({r["datasets"] for r in results})
    if len(editions) > 1:
        d = datasets[-1]
        one, many = by.get((editions[0], d)), by.get((editions[-1], d))
        if one and many:
            ratio = many["cold"] / one["cold"]
            lines.append(f"full build with {editions[-1]} editions: {ratio:.2f}x the build with "
                         f"{editions[0]} (target {EDITION_RATIO}x): " + ("met" if ratio <= EDITION_RATIO
                                                                          else "NOT met"))
            lines.append(f"search index with {editions[-1]} editions: "
                         f"{many['index_kb'] / max(one['index_kb'], 1e-9):.2f}x that with {editions[0]} "
                         f"(pages {many['pages'] / one['pages']:.2f}x)")
    if len(datasets) > 1:
        e = editions[0]
        small, big = by.get((e, datasets[0])), by.get((e, datasets[-1]))
        if small and big and datasets[0]:
            data = datasets[-1] / datasets[0]
            for key, label in (("validate", "validate"), ("cold", "full build")):
                ratio = big[key] / small[key]
                lines.append(f"{label} with {datasets[-1]} datasets: {ratio:.2f}x that with {datasets[0]} "
                             f"({data:.0f}x the data): " + ("at most linear" if ratio <= data * 1.1
                                                            else "MORE than linear"))
    return lines


def run(editions: list[int], datasets: list[int], rows: int, log=lambda *a: None) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory(prefix="kjj-growth-") as tmp:
        points = [(editions[0], d) for d in datasets] + [(e, datasets[-1]) for e in editions[1:]]
        for e, d in points:
            log(f"growth: {e} editions, {d} datasets of {rows:,} rows ...")
            results.append(measure(e, d, rows, Path(tmp) / f"e{e}-d{d}"))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--editions", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--datasets", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    results = run(args.editions, args.datasets, args.rows, log=lambda *a: print(*a, file=sys.stderr))
    print(markdown(results))
    print("\n".join(f"- {line}" for line in targets(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
