"""The live preview's MkDocs plugin: a render of only the changed pages gives the same pages.

Real MkDocs with the real theme, on a tiny site: the preview renders everything once, then
after a save only the pages whose source changed (a dirty build). With the plugin every
page then is byte for byte what a full render gives; without it MkDocs lists the pages it
did not render again with no title and no front matter.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from pipeline.preview_plugin import PreviewPlugin

PAGES = {
    "index.md": "# 首页\n\n见[甲页](a.md)。\n",
    "a.md": "---\nstatus: published\n---\n\n# 甲页\n\n第一页。\n",
    "b.md": "# 乙页\n\n第二页。\n",
    "c.md": "---\ntitle: 丙页的标题\n---\n\n正文。\n",
}


def _site(root: Path) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    for name, text in PAGES.items():
        (docs / name).write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text("\n".join([
        "site_name: 测试",
        "site_url: http://127.0.0.1:8000/",
        f"docs_dir: {json.dumps(docs.as_posix())}",
        "theme: {name: material, language: zh, features: [navigation.footer]}",
        "plugins: []",
        "nav: [index.md, a.md, b.md, c.md]",
    ]) + "\n", encoding="utf-8")
    return config


def _render(config: Path, site: Path, dirty: bool, plugin: PreviewPlugin | None) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    loaded = load_config(config_file=str(config), site_dir=str(site))
    if plugin is not None:
        loaded.plugins["kjj-preview"] = plugin
    build(loaded, dirty=dirty)


def _pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(site.rglob("*.html"))}


def _dirty_after_a_save(tmp_path: Path,
                        plugin: PreviewPlugin | None) -> tuple[dict[str, str], dict[str, str]]:
    config = _site(tmp_path / "project")
    preview, full = tmp_path / "preview", tmp_path / "full"
    _render(config, preview, False, plugin)
    time.sleep(0.01)
    page = tmp_path / "project" / "docs" / "b.md"
    page.write_text("# 乙页\n\n改过的第二页。\n", encoding="utf-8")
    later = preview.stat().st_mtime + 5
    os.utime(page, (later, later))  # newer than its rendered page, whatever the clock's grain
    _render(config, preview, True, plugin)
    _render(config, full, False, None)
    return _pages(preview), _pages(full)


def test_a_render_of_the_changed_pages_equals_a_full_render(tmp_path: Path) -> None:
    plugin = PreviewPlugin(tmp_path / "jinja-cache")
    preview, full = _dirty_after_a_save(tmp_path, plugin)
    assert "改过的第二页" in preview["b/index.html"]
    assert preview.keys() == full.keys()
    for name in full:
        assert preview[name] == full[name], name
    assert any((tmp_path / "jinja-cache").iterdir())  # the theme's compiled templates are kept
    assert plugin.theme_files  # and the list of its files
