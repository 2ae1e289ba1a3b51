"""`python -m pipeline serve`: a live preview that refreshes when anything is saved.

What belongs here: watching the sources (datasets/, schemas/, docs/, web/,
mkdocs.yml), regenerating the pages when one changes, and running MkDocs'
own preview server on the generated pages, which reloads the browser. What
does not: building site/ (build.py) or any stage's work.

When a save makes the data invalid or a placeholder unknown, the problems
are printed, the preview keeps showing the last good pages, and every page in
the browser shows an overlay with the messages (preview_hook.py) until a save
fixes them. The preview needs Python only: without Node.js or Chromium the
charts are not drawn, everything else is shown.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import build
from .paths import REPO, Layout

POLL_SECONDS = 0.1
# The chart images and edition cards are redrawn this long after the last save (regenerate).
SETTLE_SECONDS = 5.0


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


def status_path(layout: Layout) -> Path:
    from .preview_hook import STATUS

    return layout.build / STATUS


def preview_config(layout: Layout) -> Path:
    """.build/mkdocs-preview.yml: mkdocs.yml with the editions' navigation (drafts included)
    plus the overlay hook, not strict, watching the status file (JSON is YAML, so every
    path is written as a JSON string, Windows too)."""
    from . import navigation, preview_hook

    path = layout.build / "mkdocs-preview.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# The live preview's configuration, written by `serve`: mkdocs.yml plus the overlay hook.",
        *navigation.config_lines(layout, navigation.read_nav(layout)),
        "strict: false",
        f"hooks: [{json.dumps(Path(preview_hook.__file__).resolve().as_posix())}]",
        f"watch: [{json.dumps(status_path(layout).resolve().as_posix())}, "
        f"{json.dumps(layout.mkdocs_config.resolve().as_posix())}]",
    ]
    text = "\n".join(lines) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def write_status(layout: Layout, problem: str | None) -> None:
    """Tell the page (through the hook) whether the last save could be shown."""
    status: dict[str, object] = {"ok": True}
    if problem is not None:
        lines: list[str] = []
        for line in problem.splitlines():
            if not line.strip():
                continue
            if line[:1].isspace() and len(lines) > 1:  # "    修改方法: …" belongs to the line above
                lines[-1] += "\n" + line.strip()
            else:
                lines.append(line)
        title, messages = (lines[0], lines[1:]) if lines else ("保存的文件有错误", [])
        status = {"ok": False, "title": title, "messages": messages[:100]}
    text = json.dumps(status, ensure_ascii=False, indent=1) + "\n"
    path = status_path(layout)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        # The overlay is on every page (or gone from every page): MkDocs, which renders
        # only changed pages (--dirty), must render them all this time.
        touch_pages(layout)
        path.write_text(text, encoding="utf-8")


def regenerate(layout: Layout, images: bool = True) -> bool:
    """Generate the preview's pages; `images=False` (right after a save) keeps the last chart
    images and cards, so the change shows soonest, and a second pass redraws them."""
    try:
        build.generate(layout, preview=True, images=images)
    except build.BuildError as exc:
        print(str(exc), file=sys.stderr)
        print("预览仍显示上一次成功生成的页面；修正后保存即可刷新。", file=sys.stderr)
        write_status(layout, str(exc))
        return False
    write_status(layout, None)
    return True


def touch_pages(layout: Layout) -> None:
    """Mark every generated page as changed, so the preview renders all of them again."""
    for page in layout.generated_docs.rglob("*.md"):
        page.touch()


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--addr", default="127.0.0.1:8000", help="预览地址 / address (host:port)")


def main(args: argparse.Namespace, layout: Layout = REPO) -> int:
    from .chart_drawings import keep_node

    with keep_node(layout):  # ECharts stays loaded in one Node process between saves
        return _serve(args, layout)


def _serve(args: argparse.Namespace, layout: Layout) -> int:
    had_pages = (layout.generated_docs / "index.md").exists()
    if not regenerate(layout) and not had_pages:
        return 1  # nothing to show at all: the messages above say what to fix
    # --dirty: MkDocs renders again only the pages whose generated source a save changed
    # (every page when the navigation changed: see main's loop).
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dirty", "--dev-addr", args.addr,
         "--config-file", str(preview_config(layout))],
        cwd=layout.root, env=build.mkdocs_env(layout),
    )
    print(f"预览地址：http://{args.addr}/ （按 Ctrl+C 停止）")
    # Stopped by a signal (CI, a terminal closed): stop the preview server too.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    before = snapshot(layout)
    redraw_at: float | None = None
    try:
        while server.poll() is None:
            time.sleep(POLL_SECONDS)
            now = snapshot(layout)
            if now != before:
                before = now
                print("检测到修改，重新生成页面……")
                config = preview_config(layout).read_text(encoding="utf-8")
                if regenerate(layout, images=False):
                    redraw_at = time.monotonic() + SETTLE_SECONDS
                # a new page or edition changes the navigation: every page is rendered again
                if preview_config(layout).read_text(encoding="utf-8") != config:
                    touch_pages(layout)
            elif redraw_at is not None and time.monotonic() >= redraw_at:
                redraw_at = None
                regenerate(layout)
    except KeyboardInterrupt:
        pass
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)
    return 0
