"""The site's configuration, mkdocs.yml, read once with a YAML parser.

What belongs here: parsing mkdocs.yml without running anything (its Python and
`!ENV` tags are kept as inert values), and what the pipeline reads from it: the
site's name, its public address (`site_url: !ENV [NAME, default]` included) and
the pages its nav lists. What does not: checking the configuration
(checks/project.py), MkDocs itself (build.py runs it) or links (urls.py).

The file is parsed again only when it changed (size or modification time), so a
build parses it once however many stages ask.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from .paths import Layout


class ConfigError(Exception):
    """mkdocs.yml cannot be read: not UTF-8, not YAML, YAML aliases, not a mapping."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running anything: a tagged node becomes
    {"__tag__": suffix, "value": ..., "line": n}."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {"__tag__": suffix, "value": value, "line": node.start_mark.line + 1}


ConfigLoader.add_multi_constructor("!", _tagged)
ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _tagged)

# path -> (size and modification time, text, parsed mapping or the error)
_PARSED: dict[str, tuple[tuple[int, int], str, dict[str, Any] | ConfigError]] = {}
PARSES = [0]  # how many times the file was parsed (benchmarks count them)


def parse(text: str) -> dict[str, Any]:
    """The configuration in `text`; ConfigError (with the line) when it cannot be read.

    YAML aliases are refused before anything is built (a few bytes could expand to
    gigabytes), as for every other YAML file of the project."""
    PARSES[0] += 1
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise ConfigError("YAML aliases (*name) are not allowed",
                                  event.start_mark.line + 1)
        config = yaml.load(text, Loader=ConfigLoader)  # noqa: S506 - a safe loader, tags inert
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(getattr(exc, "problem", None) or str(exc),
                          mark.line + 1 if mark else None) from exc
    if not isinstance(config, dict):
        raise ConfigError("expected a mapping", 1)
    return config


def read_text(path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text and its configuration, parsed again only when the file changed.
    Raises ConfigError; a missing file is an empty configuration."""
    try:
        stat = path.stat()
    except OSError:
        return "", {}
    version = (stat.st_size, stat.st_mtime_ns)
    cached = _PARSED.get(str(path))
    if cached is None or cached[0] != version:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            cached = (version, "", ConfigError("not UTF-8"))
        else:
            try:
                cached = (version, text, parse(text))
            except ConfigError as exc:
                cached = (version, text, exc)
        _PARSED[str(path)] = cached
    if isinstance(cached[2], ConfigError):
        raise cached[2]
    return cached[1], cached[2]


def read(layout: Layout) -> dict[str, Any]:
    """mkdocs.yml's configuration; empty when the file is missing or unreadable (validation
    reports why: checks/project.py)."""
    try:
        return read_text(layout.mkdocs_config)[1]
    except ConfigError:
        return {}


def _env(value: Any) -> str:
    """A value with `!ENV NAME` or `!ENV [NAME, ..., default]` resolved as MkDocs does."""
    if isinstance(value, dict) and value.get("__tag__") == "ENV":
        names = value["value"] if isinstance(value["value"], list) else [value["value"]]
        names = [str(n) for n in names]
        for name in names[:-1] if len(names) > 1 else names:
            if os.environ.get(name):
                return os.environ[name]
        return names[-1] if len(names) > 1 else ""
    return "" if value is None or isinstance(value, dict | list) else str(value)


def site_url(layout: Layout) -> str:
    """The site's public address, or "" when it has none.

    `site_url: !ENV [NAME, default]` means the environment variable NAME when set; its
    default is taken only when it is not a local preview address.
    """
    value = _env(read(layout).get("site_url")).strip()
    if re.match(r"https?://(127\.0\.0\.1|localhost)[:/]", value):
        return ""
    return value if re.match(r"https?://", value) else ""


def site_name(layout: Layout) -> str:
    """The site's name ("" when mkdocs.yml has none)."""
    return _env(read(layout).get("site_name")).strip()


def nav_pages(layout: Layout) -> list[str]:
    """Every Markdown page the nav lists, in its order ("2020/index.md", ...)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            if node.endswith(".md"):
                found.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict) and "__tag__" not in node:
            for item in node.values():
                walk(item)

    walk(read(layout).get("nav"))
    return list(dict.fromkeys(found))
