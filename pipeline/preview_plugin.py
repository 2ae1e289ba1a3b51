"""What the live preview (`serve`) adds to MkDocs: its plugin, and the problems overlay.

`serve` runs MkDocs in its own process and adds a PreviewPlugin to each configuration it
renders with (the published build never has it). The plugin lives as long as the preview
and keeps, between renders, what does not change from one save to the next: the theme's
compiled templates and the list of its files, and every page's title and front matter. The overlay is
the panel the preview server puts on every page it serves while the last save could not
be shown (its problems, escaped), until a save fixes them.
"""

from __future__ import annotations

import copy
import html
import sys
from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin, event_priority

OVERLAY_ID = "preview-problems"


def overlay(status: dict[str, Any]) -> str:
    """The overlay's HTML: a fixed panel over the page, messages escaped."""
    title = html.escape(str(status.get("title") or "保存的文件有错误，预览没有更新"))
    items = "".join(f"<li>{html.escape(str(m))}</li>" for m in status.get("messages") or [])
    return (
        f'<div id="{OVERLAY_ID}" role="alert" style="position:fixed;inset:0 0 auto 0;'
        "z-index:10000;max-height:70vh;overflow:auto;background:#fff4f4;color:#5a0000;"
        "border-bottom:4px solid #c00000;padding:1rem 1.25rem;font:14px/1.6 system-ui,"
        'sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.25)">'
        f'<strong style="font-size:16px">✗ {title}</strong>'
        '<ul style="white-space:pre-wrap;font-family:ui-monospace,monospace;margin:.5rem 0;'
        f'padding-left:1.25rem">{items}</ul>'
        "<p style=\"margin:0\">下面仍是上一次成功生成的页面。改正后保存，此提示会自动消失。"
        " / The page below is the last good one; fix and save, and this notice goes away.</p>"
        "</div>"
    )


class PreviewPlugin(BasePlugin):  # type: ignore[type-arg]
    """The preview's own MkDocs plugin, one object for all its renders (serve.Preview).

    The preview renders again only the pages a save changed (a dirty build). Compiling
    Material's templates again, walking the theme's folders (thousands of icons) and
    matching every name against MkDocs' patterns took most of such a render; and the pages
    it does not render again would be listed in the navigation without a title ("None"),
    since MkDocs reads a page's title only when it renders it.
    """

    def __init__(self, jinja_cache: Path) -> None:
        super().__init__()
        self.jinja_cache = jinja_cache
        self.theme_files: dict[tuple[object, ...], list[str]] = {}
        # page (src_uri) -> its title and front matter when it was last rendered
        self.pages: dict[str, tuple[Any, dict[str, Any]]] = {}

    @event_priority(100)  # first: the search plugin's configuration already loads templates
    def on_config(self, config: Any) -> Any:
        """Each Jinja environment MkDocs makes for the theme keeps the compiled templates
        (.build/jinja-cache/) and the list of the theme's files. The installed theme does
        not change while the preview runs; a change in the project's own theme folder is
        seen."""
        from jinja2 import FileSystemBytecodeCache

        self.jinja_cache.mkdir(parents=True, exist_ok=True)
        cache = FileSystemBytecodeCache(str(self.jinja_cache))
        theme = config.theme
        make = theme.get_env
        kept = self.theme_files

        def get_env() -> Any:
            env = make()
            env.bytecode_cache = cache
            listing = env.list_templates

            def list_templates(extensions: Any = None, filter_func: Any = None) -> list[str]:
                if extensions is not None or filter_func is None:
                    return list(listing(extensions, filter_func))
                key = (tuple(theme.dirs), tuple(theme.static_templates),
                       tuple(_own_files(Path(folder)) for folder in theme.dirs))
                if key not in kept:
                    kept.clear()
                    kept[key] = list(listing(extensions, filter_func))
                return list(kept[key])

            env.list_templates = list_templates
            return env

        theme.get_env = get_env
        return config

    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        """Every page has its title and front matter, rendered this time or not: the
        navigation (with the theme's page status marks), the previous and next links and
        the 404 page show them for every page."""
        for file in files.documentation_pages():
            page = file.page
            if page is None:
                continue
            if page.markdown is not None:  # rendered this time
                self.pages[file.src_uri] = (page.title, copy.deepcopy(page.meta))
            elif file.src_uri in self.pages:
                title, meta = self.pages[file.src_uri]
                page.title, page.meta = title, copy.deepcopy(meta)
        return env


def _own_files(folder: Path) -> tuple[tuple[str, int], ...]:
    """The files of a theme folder of the project (not of an installed package), with their
    modification times; () for an installed theme."""
    if any(part in ("site-packages", "dist-packages") for part in folder.parts) or \
            folder.is_relative_to(sys.prefix):
        return ()
    return tuple(sorted((p.relative_to(folder).as_posix(), p.stat().st_mtime_ns)
                        for p in folder.rglob("*") if p.is_file()))
