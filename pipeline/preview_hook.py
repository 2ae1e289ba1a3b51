"""What the live preview (`serve`) adds to MkDocs: its hook, and the problems overlay.

The hook keeps the theme's compiled templates between the preview's renders, so a
render of the few pages a save changed does not compile Material's templates again.
The overlay is the panel the preview server puts on every page it serves while the
last save could not be shown (its problems, escaped), until a save fixes them. The
published build never loads this hook (only the preview's configuration,
.build/mkdocs-preview.yml, names it).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority

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


# The theme's files, as MkDocs lists them on every render (add_files_from_theme), by the
# theme's folders and the files of those that are not installed packages (overrides/).
_THEME_FILES: dict[tuple[object, ...], list[str]] = {}


@event_priority(100)  # first: the search plugin's configuration already loads templates
def on_config(config: Any) -> Any:
    """Each Jinja environment MkDocs makes for the theme keeps the compiled templates
    (.build/jinja-cache/) and the list of the theme's files between renders.

    The preview renders only the pages a save changed; compiling Material's templates again,
    walking the theme's folders (thousands of icons) and matching every name against
    MkDocs' patterns took most of such a render. The installed theme does not change while
    the preview runs; a change in the project's own theme folder is seen.
    """
    from jinja2 import FileSystemBytecodeCache

    theme = config.theme
    make = theme.get_env
    path = config.get("config_file_path")
    cache = FileSystemBytecodeCache(str(_folder(Path(path).parent / "jinja-cache"))) if path else None

    def get_env() -> Any:
        env = make()
        if cache is not None:
            env.bytecode_cache = cache
        listing = env.list_templates

        def list_templates(extensions: Any = None, filter_func: Any = None) -> list[str]:
            if extensions is not None or filter_func is None:
                return list(listing(extensions, filter_func))
            key = (tuple(theme.dirs), tuple(theme.static_templates),
                   tuple(_own_files(Path(folder)) for folder in theme.dirs))
            if key not in _THEME_FILES:
                _THEME_FILES.clear()
                _THEME_FILES[key] = list(listing(extensions, filter_func))
            return list(_THEME_FILES[key])

        env.list_templates = list_templates
        return env

    theme.get_env = get_env
    return config


def _folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _own_files(folder: Path) -> tuple[tuple[str, int], ...]:
    """The files of a theme folder of the project (not of an installed package), with their
    modification times; () for an installed theme."""
    import sys

    if any(part in ("site-packages", "dist-packages") for part in folder.parts) or \
            folder.is_relative_to(sys.prefix):
        return ()
    return tuple(sorted((p.relative_to(folder).as_posix(), p.stat().st_mtime_ns)
                        for p in folder.rglob("*") if p.is_file()))
