"""Preview refresh: seconds from saving a CSV to the preview serving the changed page.

    python benchmarks/preview.py [--runs 3]

On a temporary copy of the project, `pipeline serve` (the live preview behind
`make serve`) is started and waited for. Then an indicator's Chinese name is
changed in datasets/indicators.csv, as staff would save it, and the report
page that shows it is fetched every 50 ms until the new name is there. The
time from the save to that page is one run; the median of --runs is printed.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

NAME = "德源基金项目投资金额"  # shown on the page below, in a single row of indicators.csv
PAGE = "2020/innovation-entities/"
TARGET_SECONDS = 1.5


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (local server)
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def wait_for(url: str, text: str, timeout: float) -> float:
    """Seconds until the page at `url` contains `text`."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in fetch(url):
            return time.perf_counter() - start
        time.sleep(0.05)
    raise SystemExit(f"preview: {url} did not show {text!r} within {timeout:.0f} s")


def measure(runs: int, log=lambda *a: None) -> dict[str, float]:
    import run as bench  # benchmarks/run.py: the project copy and a free port

    port = bench.free_port()
    base = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory(prefix="kjj-preview-") as tmp:
        layout = bench.copy_project(Path(tmp) / "project")
        code = ("import argparse, sys; from pathlib import Path; from pipeline import serve;"
                " from pipeline.paths import Layout;"
                " sys.exit(serve.main(argparse.Namespace(addr=sys.argv[2]), Layout(Path(sys.argv[1]))))")
        env = dict(os.environ, PYTHONPATH=str(ROOT), NO_MKDOCS_2_WARNING="1")
        server = subprocess.Popen([sys.executable, "-c", code, str(layout.root), f"127.0.0.1:{port}"],
                                  cwd=layout.root, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            log("preview: starting ...")
            wait_for(base + PAGE, NAME, 600)
            time.sleep(2)  # let the first build settle
            csv = layout.csv("indicators")
            times = []
            loads = [bench.load_average()]
            current = NAME
            for run in range(runs):
                new = f"{NAME}（第{run + 1}次）"
                text = csv.read_text(encoding="utf-8")
                assert text.count(current) == 1, "the name must be in one row only"
                csv.write_text(text.replace(current, new), encoding="utf-8")
                times.append(wait_for(base + PAGE, new, 120))
                loads.append(bench.load_average())
                current = new
                time.sleep(1.5)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    return {"median": statistics.median(times), "runs": len(times), "max": max(times),
            "load": max(loads)}


def markdown(result: dict[str, float]) -> str:
    return (f"Preview refresh after a CSV save (`make serve`, median of {result['runs']:.0f}): "
            f"{result['median']:.2f} s (slowest {result['max']:.2f} s), load average up to "
            f"{result.get('load', 0):.1f}.\n")


def targets(result: dict[str, float]) -> list[str]:
    return [f"preview refresh after a CSV save: {result['median']:.2f} s (target {TARGET_SECONDS} s): "
            + ("met" if result["median"] <= TARGET_SECONDS else "NOT met")]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    found = measure(parser.parse_args().runs, log=lambda *a: print(*a, file=sys.stderr))
    print(markdown(found))
    print("\n".join(f"- {line}" for line in targets(found)))
