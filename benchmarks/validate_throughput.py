"""Validation throughput: `python -m pipeline validate` against plain `frictionless validate`.

    python benchmarks/validate_throughput.py [ROWS ...]     (default: 10000 100000 1000000)

For each size a temporary project is made with the repository's schemas and
metadata and an indicators table of that many generated rows (made-up values,
written only to a temporary folder). Both validators run as the commands
people type, each in a fresh process, on the same files in the same run:

- fixed start-up cost: each command on the repository itself (its tables are
  a few dozen rows, so this is what any run costs before the first row);
- throughput: rows / (seconds - that start-up cost), rows per second;
- peak memory: the largest resident set of the process.

Plain frictionless runs only up to PLAIN_MAX_ROWS (past that it takes many
minutes); our validate runs at every size, 10M rows included. Prints a
Markdown table; benchmarks/run.py puts it on the performance page.
"""

from __future__ import annotations

import os
import shutil
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

ROW = (
    "ind-{i:07d},{year},innovation-entities,示例指标,Example indicator,{value},,,家,units,false,,"
    "kjj-2020,生成数据,\n"
)
PLAIN_MAX_ROWS = 1_000_000
TARGET_RATIO = 20  # our throughput against plain frictionless
MEMORY_MB = 2048


def make_project(rows: int, where: Path) -> Layout:
    layout = Layout(where)
    shutil.copytree(REPO.schemas, layout.schemas)
    layout.datasets.mkdir(parents=True)
    for name in ("work-areas", "sources"):
        shutil.copy(REPO.csv(name), layout.csv(name))
        shutil.copy(REPO.meta(name), layout.meta(name))
    meta = yaml.safe_load(REPO.meta("indicators").read_text(encoding="utf-8"))
    meta.pop("consistency", None)  # its rules name the real indicators, absent here
    layout.meta("indicators").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    package_meta = yaml.safe_load(REPO.package_meta.read_text(encoding="utf-8"))
    # A project with big tables raises its limits (datasets/package.yml `limits:`).
    package_meta["limits"] = {**(package_meta.get("limits") or {}),
                              "max_file_bytes": 4_000_000_000, "max_rows": 100_000_000}
    layout.package_meta.write_text(yaml.safe_dump(package_meta, allow_unicode=True), encoding="utf-8")
    header = REPO.csv("indicators").read_text(encoding="utf-8").splitlines()[0] + "\n"
    with layout.csv("indicators").open("w", encoding="utf-8") as out:
        step = 100_000
        for start in range(0, rows, step):
            out.write((header if start == 0 else "") + "".join(
                ROW.format(i=i // 10, year=2011 + i % 10, value=i % 997)
                for i in range(start, min(rows, start + step))))
        if rows == 0:
            out.write(header)
    layout.descriptor.write_text(package.datapackage_json(layout), encoding="utf-8")
    return layout


def run_command(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """(wall seconds, peak resident MB, exit status) of one command in a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr:
        proc.stderr.close()
    return took, usage.ru_maxrss / 1024, proc.returncode


def ours(root: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "validate", str(root)]


def plain(root: Path) -> list[str]:
    return [sys.executable, "-m", "frictionless", "validate", str(root / "datapackage.json")]


def measure(sizes: list[int], log=lambda *a: None) -> dict[str, object]:
    """Start-up costs and one row per size: seconds, rows/s and peak memory of both commands."""
    startup_ours = min(run_command(ours(REPO.root), ROOT)[0] for _ in range(3))
    startup_plain = min(run_command(plain(REPO.root), ROOT)[0] for _ in range(3))
    rows = []
    with tempfile.TemporaryDirectory(prefix="kjj-validate-") as tmp:
        for size in sizes:
            log(f"validate {size:,} rows ...")
            layout = make_project(size, Path(tmp) / f"p{size}")
            t_ours, mb_ours, status = run_command(ours(layout.root), ROOT)
            if status != 0:
                raise SystemExit(f"validate failed on {size} generated rows (exit {status})")
            row: dict[str, object] = {"rows": size, "ours": t_ours, "ours_mb": mb_ours,
                                      "ours_rate": size / max(t_ours - startup_ours, 1e-3)}
            if size <= PLAIN_MAX_ROWS:
                t_plain, mb_plain, status = run_command(plain(layout.root), ROOT)
                if status != 0:
                    raise SystemExit(f"frictionless validate failed on {size} generated rows")
                row.update(plain=t_plain, plain_mb=mb_plain,
                           plain_rate=size / max(t_plain - startup_plain, 1e-3))
            rows.append(row)
            shutil.rmtree(layout.root, ignore_errors=True)
    return {"startup_ours": startup_ours, "startup_plain": startup_plain, "rows": rows}


def markdown(result: dict) -> str:
    out = [f"Start-up cost (each command on this repository's own data): our validate "
           f"{result['startup_ours']:.2f} s, plain frictionless {result['startup_plain']:.2f} s. "
           "Throughput is rows / (seconds - start-up cost).\n\n",
           "| rows | our validate (s) | rows/s | peak MB | plain frictionless (s) | rows/s | peak MB "
           "| throughput ratio |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n"]
    for r in result["rows"]:  # type: ignore[attr-defined]
        if "plain" in r:
            theirs = (f"{r['plain']:.2f} | {r['plain_rate']:,.0f} | {r['plain_mb']:,.0f} | "
                      f"{r['ours_rate'] / r['plain_rate']:.1f}x")
        else:
            theirs = "not run | | |"
        out.append(f"| {r['rows']:,} | {r['ours']:.2f} | {r['ours_rate']:,.0f} | {r['ours_mb']:,.0f} | "
                   f"{theirs} |\n")
    return "".join(out)


def targets(result: dict) -> list[str]:
    lines = []
    for r in result["rows"]:  # type: ignore[attr-defined]
        if r["rows"] >= 1_000_000 and "plain" in r:
            ratio = r["ours_rate"] / r["plain_rate"]
            lines.append(f"validation throughput on {r['rows']:,} rows: {ratio:.1f}x plain frictionless "
                         f"(target {TARGET_RATIO}x): " + ("met" if ratio >= TARGET_RATIO else "NOT met"))
        if r["rows"] >= 1_000_000:
            lines.append(f"peak memory validating {r['rows']:,} rows: {r['ours_mb']:,.0f} MB "
                         f"(target {MEMORY_MB} MB): " + ("met" if r["ours_mb"] <= MEMORY_MB else "NOT met"))
    lines.append(f"validate on this repository: {result['startup_ours']:.2f} s wall (target 1 s): "
                 + ("met" if result["startup_ours"] < 1 else "NOT met"))
    return lines


if __name__ == "__main__":
    found = measure([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000],
                    log=lambda *a: print(*a, file=sys.stderr))
    print(markdown(found))
    print("\n".join(f"- {line}" for line in targets(found)))
