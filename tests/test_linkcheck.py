"""The offline link check of the built site."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline import linkcheck


def _site(root: Path, pages: dict[str, str]) -> Path:
    for rel, body in pages.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    return root


def test_good_links_pass(tmp_path: Path) -> None:
    site = _site(tmp_path, {
        "index.html": '<a href="guide/">g</a><a href="guide/#步骤">s</a><a href="#top">t</a>'
                      '<img src="img/a.png"><a href="https://example.org/x">x</a>'
                      '<a href="mailto:a@example.org">m</a><h1 id="top">T</h1>',
        "guide/index.html": '<h2 id="步骤">S</h2><a href="../">home</a>'
                            '<a href="/data/a.csv">csv</a><a href="%E6%95%B0.html">e</a>',
        "guide/数.html": "",
    })
    (site / "img").mkdir()
    (site / "img" / "a.png").write_bytes(b"png")
    (site / "data").mkdir()
    (site / "data" / "a.csv").write_text("a\n", encoding="utf-8")
    broken, checked, external = linkcheck.check(site)
    assert broken == []
    assert checked == 7
    assert external == {"example.org"}


def test_broken_links_and_anchors_are_reported(tmp_path: Path) -> None:
    site = _site(tmp_path, {
        "index.html": '<a href="missing/">m</a><a href="other.html#nope">n</a>'
                      '<script src="js/app.js"></script><a href="../../etc/passwd">x</a>',
        "other.html": '<p id="yes"></p>',
    })
    broken, _, _ = linkcheck.check(site)
    assert [(b.page, b.link, b.reason) for b in broken] == [
        ("index.html", "missing/", "no such file"),
        ("index.html", "other.html#nope", "no element with id 'nope'"),
        ("index.html", "js/app.js", "no such file"),
        ("index.html", "../../etc/passwd", "leaves the site"),
    ]


def test_command_exit_status(tmp_path: Path, capsys) -> None:
    assert linkcheck.main(argparse.Namespace(site=tmp_path / "none")) == 2
    site = _site(tmp_path / "s", {"index.html": '<a href="gone.html">g</a>'})
    assert linkcheck.main(argparse.Namespace(site=site)) == 1
    assert "gone.html" in capsys.readouterr().out
    (site / "gone.html").write_text("<p></p>", encoding="utf-8")
    assert linkcheck.main(argparse.Namespace(site=site)) == 0
