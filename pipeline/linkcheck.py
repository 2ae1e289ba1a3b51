"""`python -m pipeline linkcheck [SITE]`: every link inside the built site leads somewhere.

Reads the HTML files of a built site (site/ by default) offline and checks
each internal reference (a href, link href, script/img/source/iframe src):
the file exists, and a #fragment names an element of the target page. Links
to other hosts are listed but not fetched (there is no network in CI, and the
site must not depend on other hosts). Exit 0 when every link resolves, 1 when
any is broken, 2 when there is no built site.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import progress
from .paths import REPO

REFERENCE_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src",
                   "source": "src", "iframe": "src", "audio": "src", "video": "src"}
NOT_CHECKED = ("mailto:", "tel:", "javascript:", "data:", "blob:")


@dataclass(frozen=True)
class Broken:
    page: str
    link: str
    reason: str


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.ids.add(str(values[name]))
        attr = REFERENCE_ATTRS.get(tag)
        if attr and values.get(attr):
            self.links.append(str(values[attr]).strip())
        if tag == "img" and values.get("srcset"):
            self.links += [part.strip().split(" ")[0] for part in str(values["srcset"]).split(",")
                           if part.strip()]


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def _target(site: Path, page: Path, path: str, prefix: str = "/") -> Path:
    """The file a URL path leads to, as a static server would serve it; `prefix` is the
    path the site is published under (/repo/ on GitHub Pages), which absolute links carry."""
    if path.startswith(prefix) and prefix != "/":
        path = "/" + path[len(prefix):]
    base = site if path.startswith("/") else page.parent
    target = (base / unquote(path).lstrip("/")).resolve()
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def check(site: Path, prefix: str = "/") -> tuple[list[Broken], int, set[str]]:
    """(broken links, number of internal links checked, external hosts seen)."""
    site = site.resolve()
    pages = sorted(site.rglob("*.html"))
    parsed: dict[Path, _Page] = {}
    broken: list[Broken] = []
    external: set[str] = set()
    checked = 0

    def page_of(path: Path) -> _Page:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    for page in progress.track(pages, "检查链接"):
        shown = page.relative_to(site).as_posix()
        for link in page_of(page).links:
            if not link or link.startswith(NOT_CHECKED):
                continue
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                external.add(parts.netloc or parts.scheme)
                continue
            checked += 1
            target = _target(site, page, parts.path, prefix) if parts.path else page
            if site != target and site not in target.parents:
                broken.append(Broken(shown, link, "leaves the site"))
                continue
            if not target.is_file():
                broken.append(Broken(shown, link, "no such file"))
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in page_of(target).ids:
                broken.append(Broken(shown, link, f"no element with id {fragment!r}"))
    return broken, checked, external


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "检查构建好的网站中的链接（离线）/ check the built site's links offline"
    parser.add_argument("site", nargs="?", type=Path, default=REPO.site,
                        help="构建好的网站目录（默认 site/）")
    parser.add_argument("--format", choices=["text", "github"], default="text",
                        help="github：CI 中把无效链接标注在页面源文件上，并写入任务摘要")


FIX_COMMAND = "改正页面中的链接后运行 make build && make linkcheck（python -m pipeline linkcheck）确认。"


def source_of(page: str) -> tuple[str | None, int | None]:
    """The docs/ page a built page comes from (2020/overview/index.html -> docs/2020/overview.md)
    and the line of its first link, when the page is written by hand; (None, None) otherwise."""
    rel = page.removeprefix("site/")
    stem = rel.removesuffix("index.html").rstrip("/") or "index"
    for candidate in (REPO.docs / f"{stem}.md", REPO.docs / stem / "index.md"):
        if candidate.is_file():
            return REPO.relative(candidate), None
    return None, None


def github(broken: list[Broken]) -> None:
    from .findings import annotation, step_summary

    rows = []
    for b in broken:
        path, line = source_of(b.page)
        message = f"{b.page}：链接 {b.link} 无效（{b.reason}）。{FIX_COMMAND}"
        if path is None:
            print(f"::error title=无效链接 / broken link::{message}")
        else:
            print(annotation("error", path, line, "无效链接 / broken link", message))
        rows.append([path or b.page, b.link, b.reason])
    step_summary("## ❌ 网站中有无效链接 / broken links", ["页面", "链接", "原因"], rows,
                 f"修正方法：{FIX_COMMAND}")


def main(args: argparse.Namespace) -> int:
    site: Path = args.site
    if not (site / "index.html").is_file():
        print(f"没有构建好的网站：{site}（先运行 make build）/ no built site", file=sys.stderr)
        return 2
    from urllib.parse import urlsplit as split

    from .siteconfig import site_url

    # The site's own address (SITE_URL in CI): links under it are checked, not external.
    prefix = split(site_url(REPO)).path or "/"
    broken, checked, external = check(site, prefix if prefix.endswith("/") else prefix + "/")
    for b in broken:
        print(f"{b.page}: {b.link} — {b.reason}")
    if broken and getattr(args, "format", "text") == "github":
        github(broken)
    if external:
        print("外部链接（未访问）/ external hosts (not fetched): " + ", ".join(sorted(external)))
    verdict = "✓" if not broken else "✗"
    print(f"{verdict} 检查了 {checked} 个站内链接，{len(broken)} 个无效 / "
          f"{checked} internal links, {len(broken)} broken")
    return 1 if broken else 0
