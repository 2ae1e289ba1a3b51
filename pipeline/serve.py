"""`python -m pipeline serve`: a live preview that refreshes when anything is saved.

What belongs here: watching the sources (datasets/, schemas/, docs/, web/,
mkdocs.yml), regenerating the pages when one changes, rendering them with
MkDocs and serving them with MkDocs' own preview server (its LiveReloadServer,
run in this process), which reloads the browser once the new pages are there.
What does not: building site/ (build.py) or any stage's work.

A save is shown in one step: the server notices it, the pages are generated
again and MkDocs renders only those whose text changed, then the browser
reloads; nothing waits for a second watcher. The chart images and edition
cards, which no report page shows, are redrawn once the saves have stopped
for SETTLE_SECONDS.

When a save makes the data invalid or a placeholder unknown, the problems
are printed, the preview keeps showing the last good pages, and every page
the preview serves carries an overlay with the messages (preview_plugin.overlay)
until a save fixes them. The preview needs Python only: without Node.js the
charts are not drawn, everything else is shown.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from . import build
from .paths import REPO, Layout

# How often the watched files are looked at, and how long a save must be quiet before the
# pages are generated (an editor may write a file in more than one step).
POLL_SECONDS = 0.05
QUIET_SECONDS = 0.05
# The chart images and edition cards are redrawn this long after the last save.
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


def preview_config(layout: Layout) -> Path:
    """.build/mkdocs-preview.yml: mkdocs.yml with the editions' navigation (drafts included)
    not strict (JSON is YAML, so every path is written as a JSON string, Windows too)."""
    from . import navigation

    path = layout.build / "mkdocs-preview.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# The live preview's configuration, written by `serve`: mkdocs.yml, drafts included.",
        *navigation.config_lines(layout, navigation.read_nav(layout)),
        "strict: false",
    ]
    text = "\n".join(lines) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def problem_status(problem: str) -> dict[str, Any]:
    """A failed regeneration's message as the overlay shows it: a title and its messages."""
    lines: list[str] = []
    for line in problem.splitlines():
        if not line.strip():
            continue
        if line[:1].isspace() and len(lines) > 1:  # "    修改方法: …" belongs to the line above
            lines[-1] += "\n" + line.strip()
        else:
            lines.append(line)
    title, messages = (lines[0], lines[1:]) if lines else ("保存的文件有错误", [])
    return {"ok": False, "title": title, "messages": messages[:100]}


def regenerate(layout: Layout, images: bool = True) -> bool:
    """Generate the preview's pages; False, once the problems are printed, when they could
    not be. `images=False` (right after a save) keeps the last chart images and cards, so
    the change shows soonest, and a later pass redraws them."""
    return bool(attempt(layout, images)["ok"])


def attempt(layout: Layout, images: bool = True) -> dict[str, Any]:
    """regenerate, giving the status the overlay shows: {"ok": True} when the pages were
    generated, else the problems (problem_status)."""
    try:
        build.generate(layout, preview=True, images=images)
    except build.BuildError as exc:
        print(str(exc), file=sys.stderr)
        print("预览仍显示上一次成功生成的页面；修正后保存即可刷新。", file=sys.stderr)
        return problem_status(str(exc))
    return {"ok": True}


class Preview:
    """One running preview: the pages generated from the sources, MkDocs' rendering of them
    into a folder of its own, and the status of the last save.

    `build` is the preview server's builder: the server calls it when a watched file
    changed (or when `request_build` asks), and reloads the browsers when it returns.
    """

    def __init__(self, layout: Layout, site_dir: Path, dev_addr: str) -> None:
        self.layout = layout
        self.site_dir = site_dir
        self.serve_url = f"http://{dev_addr}/"  # with MkDocs' mount path once known (_serve)
        self.dev_addr = dev_addr
        self.status: dict[str, Any] = {"ok": True}
        self.sources = snapshot(layout)  # the watched files as the last pass read them
        self.rendered_from: str | None = None  # the configuration of the last full render
        self.images_due: float | None = None  # when the chart images and cards are redrawn
        self.request_build: Callable[[], None] = lambda: None
        self.config: Any = None  # MkDocs' configuration of the last render
        from .preview_plugin import PreviewPlugin

        self.plugin = PreviewPlugin(layout.build / "jinja-cache")
        self._timer: threading.Timer | None = None
        self.epoch = build.source_date_epoch(layout)
        self.history: tuple[tuple[str, int], ...] | None = None  # git.state at the last pass

    def generate(self, images: bool = True) -> dict[str, Any]:
        """attempt, asking git for the files' dates again only when the history may have
        changed since the last pass (git.state): most saves are not commits."""
        from . import git

        now = git.state(self.layout)
        if now != self.history:
            git.forget()
            self.history = now
        return attempt(self.layout, images)

    def start(self) -> bool:
        """The first generation, everything drawn; False when there is nothing to show at all
        (not even the pages of an earlier preview or build)."""
        had_pages = (self.layout.generated_docs / "index.md").exists()
        self.status = self.generate()
        return bool(self.status["ok"] or had_pages)  # else the messages say what to fix

    def build(self) -> None:
        """One pass (the preview server's builder). A failure the pipeline does not foresee
        (a bug, or MkDocs refusing mkdocs.yml) is printed in full and shown in the overlay
        like a bad save: the preview keeps serving the last good pages."""
        try:
            self._build()
        except Exception as exc:  # noqa: BLE001 (shown to the reader, then the next save)
            traceback.print_exc()
            self.status = problem_status(f"预览没有更新：{type(exc).__name__}: {exc}\n"
                                         "修改后保存即可再试；控制台里有完整的出错信息。")

    def _build(self) -> None:
        now = snapshot(self.layout)
        if now != self.sources:  # a save: show it now, the images follow once it is quiet
            self.sources = now
            started = time.perf_counter()
            print("检测到修改，重新生成页面……", file=sys.stderr)
            self.status = self.generate(images=False)
            if self.status["ok"]:
                generated = time.perf_counter()
                self.render()
                done = time.perf_counter()
                self.images_due = time.monotonic() + SETTLE_SECONDS
                self._later(SETTLE_SECONDS + 0.05)
                print(f"预览已刷新（共 {done - started:.2f} 秒：生成 {generated - started:.2f} 秒，"
                      f"渲染 {done - generated:.2f} 秒）", file=sys.stderr)
        elif self.images_due is not None and time.monotonic() >= self.images_due:
            self.images_due = None
            self.status = self.generate()
            if self.status["ok"]:
                self.render()

    def _later(self, seconds: float) -> None:
        """One more pass after `seconds` (the images' pass), unless another save comes first."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(seconds, self.request_build)
        self._timer.daemon = True
        self._timer.start()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self.config is not None:
            self.config.plugins.on_shutdown()

    def render(self) -> None:
        """MkDocs renders the generated pages into site_dir: only those whose text changed
        since the last render (a dirty build), or every one when the configuration or the
        navigation (a new page or edition) changed."""
        from mkdocs.commands.build import build as mkdocs_build
        from mkdocs.config import load_config

        config_file = preview_config(self.layout)
        layout_of_site = config_file.read_text(encoding="utf-8") + "\0" + \
            self.layout.mkdocs_config.read_text(encoding="utf-8")
        full = layout_of_site != self.rendered_from
        with _environ(SOURCE_DATE_EPOCH=self.epoch), _quiet_dirty_notice():
            config = load_config(config_file=str(config_file), site_dir=str(self.site_dir),
                                 dev_addr=self.dev_addr)
            config.site_url = self.serve_url
            config.plugins["kjj-preview"] = self.plugin
            if self.rendered_from is None:
                config.plugins.on_startup(command="serve", dirty=True)
            mkdocs_build(config, serve_url=self.serve_url, dirty=not full)
        self.rendered_from = layout_of_site
        self.config = config

    def page(self, html: bytes) -> bytes:
        """A page as served: with the overlay while the last save could not be shown."""
        if self.status.get("ok", True):
            return html
        from .preview_plugin import overlay

        marker = html.rfind(b"</body>")
        extra = overlay(self.status).encode("utf-8")
        return html + extra if marker < 0 else html[:marker] + extra + html[marker:]


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    """Environment values MkDocs reads while it renders (the build date), put back after: the
    pipeline reads the environment too, and must see it as it was."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class _DirtyNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


@contextlib.contextmanager
def _quiet_dirty_notice() -> Iterator[None]:
    """MkDocs warns on every dirty build that links may be stale; the preview renders every
    page again whenever the navigation changes, so the warning says nothing here."""
    notice = _DirtyNotice()
    logger = logging.getLogger("mkdocs.commands.build")
    logger.addFilter(notice)
    try:
        yield
    finally:
        logger.removeFilter(notice)


def _log_to_console() -> None:
    """MkDocs' warnings (a broken link, a missing file) on the console, as `mkdocs serve`
    prints them."""
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--addr", default="127.0.0.1:8000", help="预览地址 / address (host:port)")


def main(args: argparse.Namespace, layout: Layout = REPO) -> int:
    from .chart_drawings import keep_node
    from .git import dates_once

    # ECharts stays loaded in one Node process between saves, and a chart drawn once is not
    # drawn again while it stays the same; git's dates are kept until the history changes.
    with keep_node(layout, remember=True), dates_once(), contextlib.suppress(KeyboardInterrupt):
        return _serve(args, layout)
    return 0  # stopped (Ctrl+C or a signal) during the first pass


def _serve(args: argparse.Namespace, layout: Layout) -> int:
    from urllib.parse import urlsplit

    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer, _serve_url

    _log_to_console()
    # Stopped by a signal (CI, a terminal closed), even during the first pass: stop the
    # server and remove its folder, as Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    site_dir = Path(tempfile.mkdtemp(prefix="kjj-preview-"))
    preview = Preview(layout, site_dir, args.addr)
    server: Any = None
    try:
        if not preview.start():
            return 1
        config = load_config(config_file=str(preview_config(layout)), dev_addr=args.addr)
        host, port = config.dev_addr
        mount_path = urlsplit(config.site_url or "/").path
        preview.serve_url = _serve_url(host, port, mount_path)
        preview.render()
        server = LiveReloadServer(builder=preview.build, host=host, port=port,
                                  root=str(site_dir), mount_path=mount_path,
                                  polling_interval=POLL_SECONDS)
        server.build_delay = QUIET_SECONDS
        server.error_handler = lambda code: _error_page(site_dir, code)
        server.set_app(_with_overlay(server.serve_request, preview))
        preview.request_build = lambda: _request_build(server)
        for path in watched(layout):
            if path.exists():
                server.watch(str(path))
        preview.config.plugins.on_serve(server, config=preview.config, builder=preview.build)
        if snapshot(layout) != preview.sources:  # saved while the first pass ran
            preview.request_build()
        print(f"预览地址：http://{args.addr}/ （按 Ctrl+C 停止）", file=sys.stderr)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve()
    finally:
        preview.stop()
        if server is not None:
            server.shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
    return 0


def _request_build(server: Any) -> None:
    """Ask the preview server's build loop for a pass although no watched file changed (the
    images' pass after a save). MkDocs' LiveReloadServer (MkDocs 1.6, pinned below 2) has
    no public call for this; its file watcher sets the same flag."""
    with server._rebuild_cond:
        server._want_rebuild = True
        server._rebuild_cond.notify_all()


def _error_page(site_dir: Path, code: int) -> bytes | None:
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None


def _with_overlay(app: Callable[..., Iterable[bytes]], preview: Preview) -> Callable[..., Iterable[bytes]]:
    """The preview server's WSGI application, with every HTML page passed through
    Preview.page (the problems overlay)."""

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        answer: dict[str, Any] = {}

        def keep(status: str, headers: list[tuple[str, str]],
                 exc_info: Any = None) -> Callable[[bytes], None]:
            answer.update(status=status, headers=headers)
            return lambda data: None

        body = app(environ, keep)
        headers = answer["headers"]
        kind = next((v for k, v in headers if k.lower() == "content-type"), "")
        if answer["status"].startswith("200") and kind.startswith("text/html") \
                and not preview.status.get("ok", True):
            try:
                html = preview.page(b"".join(body))
            finally:
                close = getattr(body, "close", None)
                if close:
                    close()
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(html))))
            body = [html]
        start_response(answer["status"], headers)
        return body

    return serve
