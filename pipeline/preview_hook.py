"""MkDocs hook of the live preview only (`serve`): show the last save's problems on the page.

`serve` writes .build/preview-status.json after every regeneration: {"ok": true} or
{"ok": false, "title": ..., "messages": [...]}. MkDocs watches that file, so writing it
rebuilds the pages and reloads the browser; while it says "not ok", every page carries an
overlay with the messages, and the next good save removes it. It also keeps the theme's
compiled templates between the preview's rebuilds. The published build never loads this
hook (only the preview's configuration, .build/mkdocs-preview.yml, names it).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

STATUS = "preview-status.json"
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


def read_status(config_file: str | None) -> dict[str, Any]:
    if not config_file:
        return {"ok": True}
    path = Path(config_file).parent / STATUS
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return {"ok": True}


def on_env(env: Any, config: Any, files: Any) -> Any:
    """Keep the theme's compiled templates between rebuilds (.build/jinja-cache/): the
    preview renders only the pages a save changed, and compiling the theme's templates
    again would take most of that time."""
    from jinja2 import FileSystemBytecodeCache

    path = config.get("config_file_path")
    if path:
        folder = Path(path).parent / "jinja-cache"
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env


def on_post_page(output: str, page: Any, config: Any) -> str:
    status = read_status(config.get("config_file_path"))
    if status.get("ok", True):
        return output
    marker = output.rfind("</body>")
    if marker < 0:
        return output + overlay(status)
    return output[:marker] + overlay(status) + output[marker:]
