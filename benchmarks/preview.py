"""Preview refresh: seconds from saving a CSV to the browser showing the changed page.

    python benchmarks/preview.py [--runs 5] [--code PATH]

On a temporary copy of the project (with the repository's git history), `pipeline
serve` (the live preview behind `make serve`) is started and waited for, and the
report page that shows an indicator is opened in a real browser (headless
Chromium, pipeline/browser.py), as staff would keep it open. Then the
indicator's Chinese name is changed in datasets/indicators.csv, as staff would
save it, and the time is taken from just before the save to the moment the
page open in the browser holds the new name: the preview has noticed the save,
generated and rendered the pages, told the browser, and the browser has
reloaded the page. That is one run; the
median of --runs is the result (each run's load average is kept).

The preview's own console lines give the parts of each run: until it noticed
the save, generating, rendering, and from its signal to the reloaded page.
--code runs another checkout's pipeline on the same project copy (to compare
before and after a change, side by side).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

NAME = "德源基金项目投资金额"  # shown on the page below, in a single row of indicators.csv
PAGE = "2020/innovation-entities/"
TARGET_SECONDS = 1.5
# The preview's console lines: a save noticed, and the refresh done (with its parts).
NOTICED = "检测到修改"
REFRESHED = re.compile(r"预览已刷新（共 ([0-9.]+) 秒：生成 ([0-9.]+) 秒，渲染 ([0-9.]+) 秒）")


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (local server)
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def wait_for(url: str, text: str, timeout: float) -> float:
    """Seconds until the page at `url` contains `text` (the preview has started)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in fetch(url):
            return time.perf_counter() - start
        time.sleep(0.05)
    raise SystemExit(f"preview: {url} did not show {text!r} within {timeout:.0f} s")


class Console:
    """The preview's console (stderr), each line with the time it came."""

    def __init__(self, stream: Any) -> None:
        self.lines: list[tuple[float, str]] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: Any) -> None:
        for raw in stream:
            self.lines.append((time.perf_counter(), raw.decode("utf-8", "replace").rstrip()))

    def after(self, since: float, timeout: float = 5.0) -> list[tuple[float, str]]:
        """The lines since `since`, once the refresh line is among them (or after `timeout`)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            found = [(t, line) for t, line in self.lines if t >= since]
            if any(REFRESHED.search(line) for _, line in found):
                return found
            time.sleep(0.02)
        return [(t, line) for t, line in self.lines if t >= since]


def parts(saved: float, shown: float, lines: list[tuple[float, str]]) -> dict[str, float]:
    """One run's parts from the console lines: noticed (save to the preview noticing it),
    generate, render, reload (the preview's signal to the browser showing the page)."""
    found: dict[str, float] = {}
    noticed = next((t for t, line in lines if NOTICED in line), None)
    refreshed = next(((t, REFRESHED.search(line)) for t, line in lines if REFRESHED.search(line)),
                     None)
    if noticed is not None:
        found["noticed"] = noticed - saved
    if refreshed is not None:
        moment, match = refreshed
        found["generate"] = float(match.group(2))
        found["render"] = float(match.group(3))
        found["reload"] = shown - moment
    return found


def with_history(root: Path) -> None:
    """Give the project copy the repository's git history, as in the checkout staff preview
    in: every build asks git for the files' dates."""
    clone = root.parent / "history"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)], check=True)
    (clone / ".git").rename(root / ".git")
    subprocess.run(["git", "-C", str(root), "reset", "--quiet"], check=True)


def measure(runs: int, log=lambda *a: None, code: Path = ROOT) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    import run as bench  # benchmarks/run.py: the project copy, a free port, the load

    from pipeline import browser

    port = bench.free_port()
    base = f"http://127.0.0.1:{port}/"
    times: list[float] = []
    loads = [bench.load_average()]
    split: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="kjj-preview-") as tmp:
        layout = bench.copy_project(Path(tmp) / "project")
        with_history(layout.root)
        start = ("import argparse, sys; from pathlib import Path; from pipeline import serve;"
                 " from pipeline.paths import Layout;"
                 " sys.exit(serve.main(argparse.Namespace(addr=sys.argv[2]), Layout(Path(sys.argv[1]))))")
        env = dict(os.environ, PYTHONPATH=str(code), NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1")
        server = subprocess.Popen([sys.executable, "-c", start, str(layout.root), f"127.0.0.1:{port}"],
                                  cwd=layout.root, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, start_new_session=True)
        console = Console(server.stderr)
        try:
            log(f"preview ({code}): starting ...")
            wait_for(base + PAGE, NAME, 600)
            with browser.launch() as chromium:
                page = chromium.new_page(viewport={"width": 1280, "height": 800})
                page.goto(base + PAGE, wait_until="load")
                time.sleep(2)  # let the first build settle
                csv = layout.csv("indicators")
                current = NAME
                for run in range(runs):
                    new = f"{NAME}（第{run + 1}次）"
                    text = csv.read_text(encoding="utf-8")
                    assert text.count(current) == 1, "the name must be in one row only"
                    shown_text = page.get_by_text(new).first
                    saved = time.perf_counter()
                    csv.write_text(text.replace(current, new), encoding="utf-8")
                    shown_text.wait_for(state="attached", timeout=120_000)
                    shown = time.perf_counter()
                    times.append(shown - saved)
                    split.append(parts(saved, shown, console.after(saved)))
                    loads.append(bench.load_average())
                    log(f"  run {run + 1}: {times[-1]:.2f} s, load {loads[-1]:.1f} "
                        + " ".join(f"{k} {v:.2f}" for k, v in split[-1].items()))
                    current = new
                    time.sleep(1.5)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    medians = {key: statistics.median(s[key] for s in split if key in s)
               for key in ("noticed", "generate", "render", "reload")
               if any(key in s for s in split)}
    return {"median": statistics.median(times), "runs": len(times), "max": max(times),
            "load": max(loads), "times": times, "loads": loads, "parts": medians}


def markdown(result: dict[str, Any]) -> str:
    text = (f"Preview refresh after a CSV save (`make serve`; from the save to the page open in a "
            f"browser showing the new value; median of {result['runs']:.0f}): "
            f"{result['median']:.2f} s (slowest {result['max']:.2f} s), load average up to "
            f"{result.get('load', 0):.1f}.")
    found = result.get("parts") or {}
    if found:
        names = {"noticed": "noticing the save", "generate": "generating the pages",
                 "render": "MkDocs rendering the changed pages",
                 "reload": "the browser reloading the page"}
        text += " Medians of its parts: " + ", ".join(
            f"{names[k]} {v:.2f} s" for k, v in found.items()) + "."
    return text + "\n"


def targets(result: dict[str, Any]) -> list[str]:
    return [f"preview refresh after a CSV save: {result['median']:.2f} s (target {TARGET_SECONDS} s): "
            + ("met" if result["median"] <= TARGET_SECONDS else "NOT met")]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="the checkout whose pipeline runs the preview (default: this one)")
    options = parser.parse_args()
    found = measure(options.runs, log=lambda *a: print(*a, file=sys.stderr), code=options.code)
    print(markdown(found))
    print("\n".join(f"- {line}" for line in targets(found)))
