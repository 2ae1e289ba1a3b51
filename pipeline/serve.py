"""`python -m pipeline serve`: a live preview that refreshes when anything is saved.

What belongs here: watching the sources (datasets/, schemas/, docs/, web/,
mkdocs.yml), regenerating the pages when one changes, and running MkDocs'
own preview server on the generated pages, which reloads the browser. What
does not: building site/ (build.py) or any stage's work.

When a save makes the data invalid or a placeholder unknown, the problems
are printed and the preview keeps showing the last good pages.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import build
from .paths import REPO, Layout

POLL_SECONDS = 0.5


def watched(layout: Layout) -> list[Path]:
    return [layout.datasets, layout.schemas, layout.docs, layout.web, layout.mkdocs_config]


def snapshot(layout: Layout) -> dict[str, tuple[float, int]]:
    """Modification time and size of every watched file."""
    state: dict[str, tuple[float, int]] = {}
    for root in watched(layout):
        paths = [root] if root.is_file() else (p for p in root.rglob("*") if p.is_file())
        for path in paths:
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            state[str(path)] = (stat.st_mtime, stat.st_size)
    return state


def regenerate(layout: Layout) -> bool:
    try:
        build.generate(layout)
    except build.BuildError as exc:
        print(str(exc), file=sys.stderr)
        print("预览仍显示上一次成功生成的页面；修正后保存即可刷新。", file=sys.stderr)
        return False
    return True


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--addr", default="127.0.0.1:8000", help="预览地址 / address (host:port)")


def main(args: argparse.Namespace, layout: Layout = REPO) -> int:
    if not regenerate(layout):
        return 1
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", args.addr,
         "--config-file", str(layout.mkdocs_config)],
        cwd=layout.root, env=build.mkdocs_env(layout),
    )
    print(f"预览地址：http://{args.addr}/ （按 Ctrl+C 停止）")
    # Stopped by a signal (CI, a terminal closed): stop the preview server too.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    before = snapshot(layout)
    try:
        while server.poll() is None:
            time.sleep(POLL_SECONDS)
            now = snapshot(layout)
            if now != before:
                before = now
                print("检测到修改，重新生成页面……")
                regenerate(layout)
    except KeyboardInterrupt:
        pass
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)
    return 0
