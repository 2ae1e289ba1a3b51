"""The site's configuration in mkdocs.yml, read once with a YAML parser.

What belongs here: the site's name and public address as mkdocs.yml declares
them (`site_url: !ENV [NAME, default]` included). What does not: MkDocs itself
(build.py runs it) or the pages' links (urls.py).
"""

from __future__ import annotations

import os
import re

from .paths import Layout


def site_url(layout: Layout) -> str:
    """The site's public address from mkdocs.yml, or "" when it has none.

    Read as text (the file may carry YAML tags). `site_url: !ENV [NAME, default]`
    means the environment variable NAME when set; its default is taken only when
    it is not a local preview address.
    """
    path = layout.mkdocs_config
    if not path.exists():
        return ""
    match = re.search(r"^site_url:[ \t]*(.*?)[ \t]*$", path.read_text(encoding="utf-8"), re.M)
    if not match:
        return ""
    value = match.group(1)
    env = re.fullmatch(r"!ENV\s*\[\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:,\s*(.*?))?\s*\]", value)
    if env:
        value = os.environ.get(env.group(1), "") or (env.group(2) or "")
    elif value.startswith("!ENV"):
        name = value[4:].strip()
        value = os.environ.get(name, "")
    value = value.strip().strip("'\"")
    if re.match(r"https?://(127\.0\.0\.1|localhost)[:/]", value):
        return ""
    return value if re.match(r"https?://", value) else ""
