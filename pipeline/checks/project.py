"""Checks on everything around the data that the build reads or publishes.

- Files: every file under docs/, web/, schemas/ and datasets/, and the
  configuration (mkdocs.yml, datasets/package.yml, schemas/meta.schema.json),
  resolves inside the repository. A symlink that stays inside may stay; one
  that leads out, dangles or loops is refused with its path.
- Pages (docs/**/*.md, *.html, *.css) follow the origin policy: no script
  elements, no event-handler attributes, no javascript:/vbscript:/data:text/html
  URLs, and no resource (img, iframe, link, style and CSS url(), video, audio,
  embed, object, source, track) from another origin. Links (<a href>, Markdown
  links) to other sites stay allowed. Code (fenced blocks and `inline code`) is
  shown literally, so it is not judged. Pages must be UTF-8 with valid front matter.
- Configuration: mkdocs.yml adds no script or style from another origin, no
  web fonts from Google (theme.font), no analytics, no hooks (Python files run
  by MkDocs) and no Python object outside the Markdown and theme packages; datasets/package.yml is readable,
  its `limits:` are positive whole numbers and its licence path is a web or
  relative address.
- Names: a dataset's name is lowercase ASCII letters, digits and hyphens
  (NAME_PATTERN) and not one of the names the published site uses itself.

Every finding is an Issue with file and line; nothing here writes a file.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import limits as limits_
from .. import load, siteconfig
from ..findings import Issue
from ..paths import Layout

NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Names the published site uses itself, under /data/ and at the root.
RESERVED_NAMES = {"datapackage", "index", "en", "charts", "embed", "assets", "search", "data",
                  "sitemap", "404"}

PAGE_SUFFIXES = (".md", ".html", ".htm", ".css", ".svg")
MAX_PAGE_BYTES = 2_000_000

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
TAG = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9-]*)\b([^<>]*)>", re.S)
SCRIPT = re.compile(r"<\s*script\b", re.I)
EVENT_ATTR = re.compile(r"(?:^|[\s\"'/])(on[a-z]+)\s*=", re.I)
ATTR = re.compile(r"""([a-zA-Z:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
UNSAFE_SCHEME = re.compile(r"^\s*(j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t|v\s*b\s*s\s*c\s*r\s*i\s*p\s*t"
                           r"|data\s*:\s*text/html)\s*:?", re.I)
MD_LINK = re.compile(r"(!?)\[[^\]]*\]\(\s*<?([^)\s>]*)")
MD_REF = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.I)
# Tags that load what their attributes name, and those attributes.
RESOURCE_TAGS = {
    "img": ("src", "srcset"), "iframe": ("src",), "frame": ("src",), "link": ("href",),
    "script": ("src",), "video": ("src", "poster"), "audio": ("src",), "embed": ("src",),
    "object": ("data",), "source": ("src", "srcset"), "track": ("src",), "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"), "input": ("src",), "body": ("background",), "table": ("background",),
}


def foreign(url: str) -> bool:
    """An address on another origin: with a scheme (other than data:) or starting with //."""
    url = url.strip()
    if url.startswith("//"):
        return True
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return scheme is not None and scheme.group(1).lower() != "data"


# -- files -------------------------------------------------------------------------------------


def _inside(path: Path, root: Path) -> str | None:
    """None when `path` resolves inside `root`; else why not."""
    try:
        real = Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        return exc.strerror or str(exc)
    except RuntimeError as exc:  # older Pythons raise this for loops
        return str(exc)
    if real != root and root not in real.parents:
        if path.is_symlink():
            return f"symlink -> {os.readlink(path)}"
        return f"path -> {real}"
    if not (real.is_file() or real.is_dir()):
        return "not a regular file"
    return None


def _walk(folder: Path) -> Iterator[Path]:
    """Every entry under `folder`, symlinks listed but never followed."""
    for top, dirs, names in os.walk(folder, followlinks=False):
        for name in sorted(dirs + names):
            yield Path(top) / name


def check_files(layout: Layout) -> list[Issue]:
    root = Path(os.path.realpath(layout.root))
    issues: list[Issue] = []
    singles = [layout.mkdocs_config, layout.package_meta, layout.schemas / "meta.schema.json"]
    for path in singles:
        if path.exists() or path.is_symlink():
            why = _inside(path, root)
            if why:
                issues.append(_outside(layout, path, why))
    for folder in (layout.docs, layout.web, layout.schemas, layout.datasets):
        if not (folder.exists() or folder.is_symlink()):
            continue
        why = _inside(folder, root)
        if why and folder == layout.datasets:
            # Each data file is reported with its dataset (path-outside), and the package
            # metadata that lives there with the configuration files above.
            continue
        if why:
            issues.append(_outside(layout, folder, why))
            continue
        for path in _walk(folder):
            if path in singles or _dataset_file(layout, path):
                continue  # a dataset's own files are checked with it (path-outside)
            why = _inside(path, root) if path.is_symlink() else (
                None if path.is_file() or path.is_dir() else "not a regular file")
            if why:
                issues.append(_outside(layout, path, why))
    return issues


def _dataset_file(layout: Layout, path: Path) -> bool:
    """A dataset's CSV, metadata or schema: validate.py checks where those lead."""
    if path.parent == layout.datasets:
        return path.name.endswith((".csv", ".meta.yml"))
    return path.parent == layout.schemas and path.name.endswith(".schema.yaml")


def _outside(layout: Layout, path: Path, why: str) -> Issue:
    shown = layout.relative(path)
    return Issue("file-outside", shown, value=shown, params={"reason": why})


# -- pages -------------------------------------------------------------------------------------


def _without_code(text: str, markdown: bool) -> list[str]:
    """The lines of a page with code blocks and inline code blanked (line numbers kept)."""
    lines = text.split("\n")
    if not markdown:
        return lines
    out = []
    fence: str | None = None
    for line in lines:
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * 3
            out.append("")
        elif fence is not None:
            if line.strip().startswith(fence):
                fence = None
            out.append("")
        elif line.startswith("    ") and (not out or not out[-1].strip()):
            out.append("")  # an indented code block after a blank line
        else:
            out.append(INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line))
    return out


def check_page_text(text: str, shown: str, markdown: bool = True, css: bool = False) -> list[Issue]:
    """The origin policy on one page's text (see the module docstring)."""
    issues: list[Issue] = []
    lines = _without_code(text, markdown)
    joined = "\n".join(lines)

    def line_at(offset: int) -> int:
        return joined.count("\n", 0, offset) + 1

    def add(code: str, offset: int, value: str, **params: Any) -> None:
        issues.append(Issue(code, shown, row=line_at(offset), value=value, params=params))

    if css:
        for match in CSS_URL.finditer(joined):
            url = match.group(1) or match.group(2)
            if foreign(url):
                add("foreign-resource", match.start(), url, what="CSS url()/@import")
            elif UNSAFE_SCHEME.match(url):
                add("unsafe-url", match.start(), url)
        return issues
    for match in SCRIPT.finditer(joined):
        add("page-script", match.start(), joined[match.start(): match.start() + 40].split(">")[0] + ">")
    for match in TAG.finditer(joined):
        name, attrs = match.group(1).lower(), html.unescape(match.group(2))
        for event in EVENT_ATTR.finditer(attrs):
            add("page-event-handler", match.start(), event.group(1))
        values = {k.lower(): v.strip("\"'") for k, v in ATTR.findall(attrs)}
        for value in values.values():
            if UNSAFE_SCHEME.match(value):
                add("unsafe-url", match.start(), value)
        for key in RESOURCE_TAGS.get(name, ()):
            for url in re.split(r",\s*", values.get(key, "")):
                url = url.strip().split(" ")[0]
                if url and foreign(url) and not (name == "link" and _is_plain_link(values)):
                    add("foreign-resource", match.start(), url, what=f"<{name} {key}>")
        if "style" in values:
            for css_match in CSS_URL.finditer(values["style"]):
                url = css_match.group(1) or css_match.group(2)
                if foreign(url):
                    add("foreign-resource", match.start(), url, what="style url()")
    for match in re.finditer(r"<\s*style\b[^>]*>(.*?)<\s*/\s*style\s*>", joined, re.S | re.I):
        for css_match in CSS_URL.finditer(match.group(1)):
            url = css_match.group(1) or css_match.group(2)
            if foreign(url):
                add("foreign-resource", match.start(1) + css_match.start(), url, what="<style> url()")
    if markdown:
        for match in MD_LINK.finditer(joined):
            bang, url = match.group(1), html.unescape(match.group(2))
            if UNSAFE_SCHEME.match(url):
                add("unsafe-url", match.start(), url)
            elif bang and foreign(url):
                add("foreign-resource", match.start(), url, what="![image]")
        for number, line in enumerate(lines, start=1):
            ref = MD_REF.match(line)
            if ref and UNSAFE_SCHEME.match(html.unescape(ref.group(1))):
                issues.append(Issue("unsafe-url", shown, row=number, value=ref.group(1)))
    return sorted(issues, key=lambda i: (i.row or 0, i.code))


def _is_plain_link(values: dict[str, str]) -> bool:
    """<link rel="canonical|alternate|license ..."> loads nothing; stylesheets, icons and preloads do."""
    rels = set(values.get("rel", "").lower().split())
    return bool(rels) and rels <= {"canonical", "alternate", "license", "author", "help", "next",
                                   "prev", "me", "bookmark", "external", "nofollow", "noopener",
                                   "noreferrer"}


def check_pages(layout: Layout) -> list[Issue]:
    issues: list[Issue] = []
    if not layout.docs.is_dir():
        return issues
    for path in _walk(layout.docs):
        if path.suffix.lower() not in PAGE_SUFFIXES or not path.is_file():
            continue
        if path.is_symlink() and _inside(path, Path(os.path.realpath(layout.root))):
            continue  # already refused by check_files
        shown = layout.relative(path)
        if path.stat().st_size > MAX_PAGE_BYTES:
            issues.append(Issue("file-unreadable", shown, params={
                "reason": f"larger than {MAX_PAGE_BYTES} bytes"}))
            continue
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            issues.append(Issue("file-unreadable", shown, row=line, params={
                "reason": "not UTF-8 (saved as GBK/ANSI?)"}))
            continue
        suffix = path.suffix.lower()
        if suffix == ".md":
            issues += check_front_matter(text, path, shown)
        issues += check_page_text(text, shown, markdown=suffix == ".md", css=suffix == ".css")
    return issues


def check_front_matter(text: str, path: Path, shown: str) -> list[Issue]:
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        return []
    end = text.find("\n---\n", 4)
    if end < 0:
        return []
    try:
        meta = load.parse_yaml(text[4:end], path)
    except load.DescriptorError as exc:
        return [Issue("file-unreadable", shown, row=(exc.line or 0) + 1,
                      params={"reason": f"front matter: {exc.reason}"})]
    if meta is not None and not isinstance(meta, dict):
        return [Issue("file-unreadable", shown, row=2,
                      params={"reason": "front matter must be a mapping of keys to values"})]
    return []


# -- configuration ------------------------------------------------------------------------------

PYTHON_ALLOWED = ("pymdownx.", "material.", "markdown.")


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    return None


def check_mkdocs(layout: Layout) -> list[Issue]:
    path = layout.mkdocs_config
    if not path.is_file():
        return []
    shown = layout.relative(path)
    try:
        text, config = siteconfig.read_text(path)
    except siteconfig.ConfigError as exc:
        return [Issue("file-unreadable", shown, row=exc.line, params={"reason": exc.reason})]
    issues: list[Issue] = []
    for key in ("extra_javascript", "extra_css"):
        for item in config.get(key) or []:
            url = item.get("path") if isinstance(item, dict) else item
            if isinstance(url, str) and (foreign(url) or UNSAFE_SCHEME.match(url)):
                issues.append(Issue("config-foreign", shown, row=_line_of(text, url), value=url,
                                    params={"what": key}))
    theme: dict[str, Any] = config["theme"] if isinstance(config.get("theme"), dict) else {}
    # Material loads its fonts from Google unless `font: false` (its default is Roboto).
    if theme.get("name") == "material" and theme.get("font") is not False:
        issues.append(Issue("config-foreign", shown,
                            row=_line_of(text, "font:") or _line_of(text, "theme:"),
                            value="Google Fonts", params={"what": "theme.font"}))
    extra: dict[str, Any] = config["extra"] if isinstance(config.get("extra"), dict) else {}
    for where, holder in (("extra.analytics", extra), ("theme.analytics", theme),
                          ("google_analytics", config)):
        key = where.rsplit(".", 1)[-1]
        if holder.get(key):
            issues.append(Issue("config-analytics", shown, row=_line_of(text, f"{key}:"),
                                params={"what": where}))
    if config.get("hooks"):
        issues.append(Issue("config-foreign", shown, row=_line_of(text, "hooks:"), value="hooks",
                            params={"what": "hooks"}))
    for number, line in enumerate(text.split("\n"), start=1):
        for match in re.finditer(r"!!python/[a-z/]+:([\w.]+)", line):
            if not match.group(1).startswith(PYTHON_ALLOWED):
                issues.append(Issue("config-foreign", shown, row=number, value=match.group(0),
                                    params={"what": "!!python"}))
    return issues


def check_package(layout: Layout) -> tuple[dict[str, Any] | None, list[Issue]]:
    """datasets/package.yml: readable, sound limits, a safe licence path."""
    path = layout.package_meta
    shown = layout.relative(path)
    try:
        pkg = load.package_meta(layout)
    except load.DescriptorError as exc:
        return None, [Issue("descriptor-invalid", shown, row=exc.line, params={"reason": exc.reason})]
    issues: list[Issue] = []
    text = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    _, problems = limits_.check(pkg.get("limits"))
    allowed = "、".join(limits_.DEFAULTS)
    for key, value, reason in problems:
        issues.append(Issue("limits-invalid", shown, row=_line_of(text, f"{key}:") if key else None,
                            value=value, params={"key": key, "reason": reason, "allowed": allowed,
                                                 "example": limits_.DEFAULTS.get(key, 1000)}))
    license_ = pkg.get("license")
    licences = license_ if isinstance(license_, list) else [license_]
    for item in licences:
        if isinstance(item, dict) and isinstance(item.get("path"), str):
            url = item["path"]
            if UNSAFE_SCHEME.match(url) or (foreign(url) and not re.match(r"^https?://", url, re.I)):
                issues.append(Issue("unsafe-url", shown, row=_line_of(text, "path:"), value=url))
    return pkg, issues


# -- names --------------------------------------------------------------------------------------


def check_name(name: str, shown: str, package_name: str = "") -> list[Issue]:
    if not NAME_PATTERN.match(name):
        suggestion = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "my-data"
        return [Issue("name-invalid", shown, value=name, params={"normalised": suggestion})]
    reserved = RESERVED_NAMES | ({package_name} if package_name else set())
    if name in reserved:
        return [Issue("name-reserved", shown, value=name, params={"allowed": "、".join(sorted(reserved))})]
    return []


def check(layout: Layout) -> tuple[list[Issue], set[str]]:
    """Every project-level issue, and the dataset names that must not be read further."""
    issues = check_files(layout)
    bad_paths = {i.path for i in issues}
    issues += [i for i in check_pages(layout) if i.path not in bad_paths]
    if layout.relative(layout.mkdocs_config) not in bad_paths:
        issues += check_mkdocs(layout)
    pkg: dict[str, Any] | None = None
    if layout.relative(layout.package_meta) not in bad_paths:
        pkg, found = check_package(layout)
        issues += found
    package_name = str((pkg or {}).get("name") or "")
    refused: set[str] = set()
    for dataset in load.discover(layout):
        named = check_name(dataset.name, layout.relative(dataset.csv), package_name)
        if named:
            issues += named
            refused.add(dataset.name)
    return issues, refused
