"""Templates: the one place where generated pages and fragments get their markup.

What belongs here: the Jinja2 environment that renders pipeline/templates/
(autoescaping on, so every value is HTML-escaped unless a template says
otherwise), and the one Markdown filter, `md`, for text from data that lands
in Markdown. Python code prepares plain values (text, numbers, URLs worked
out by urls.py) and hands them to a template; the template decides the
markup. What does not: the values themselves (the stages that compute them),
and the site's theme templates (overrides/, read by the site engine).

Escaping, once:
- HTML (elements and attributes): Jinja's autoescape, always on.
- Markdown: `{{ value | md }}` turns every character Markdown or HTML would
  read into a numeric character reference, which Markdown and HTML both leave
  as literal text, and makes the value one line.
- JSON inside a page (JSON-LD, YAML front matter): `{{ value | tojson }}`,
  Jinja's own, with `<`, `>`, `&` and `'` (and, inside strings, `{` and `}`)
  written as \\u escapes.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jinja2
from markupsafe import Markup

# Read by Markdown (emphasis, links, code, headings, tables, attribute lists, HTML, entities)
# anywhere in a line.
MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()<>#+!|&\"'~=$^")
# Read only where the value starts a line: a list item or a rule ("- ", "1. ", "2) ", "---").
LINE_START = re.compile(r"(?:\d+[.)]|-)(?=\s|-|$)")


def _entity(char: str) -> str:
    return f"&#{ord(char)};"


def md(value: Any) -> Markup:
    """Text from data inside Markdown: shown as written, never read as markup; one line."""
    text = " ".join(("" if value is None else str(value)).split("\n"))
    out = [_entity(c) if c in MARKDOWN_SPECIAL else c for c in text]
    start = LINE_START.match(text)
    if start:
        out[start.end() - 1] = _entity(text[start.end() - 1])
    return Markup("".join(out))


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _json_dumps(value: Any, **options: Any) -> str:
    """JSON for `tojson`: inside strings, braces are \\u escapes too, so no text from data
    looks like template syntax to any later step ("{{ x }}" stays text)."""
    text = json.dumps(value, **options)
    return _JSON_STRING.sub(
        lambda m: m.group(0).replace("{", "\\u007b").replace("}", "\\u007d"), text)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=lambda value: "" if value is None else value,
    )
    env.filters["md"] = md
    # a name Markdown can show as inline code as it is (field names: `year`, `value_max`)
    env.tests["plain_name"] = lambda value: bool(re.fullmatch(r"[A-Za-z0-9_]+", str(value)))
    env.policies["json.dumps_function"] = _json_dumps
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    return env


ENV = _environment()


def render(template: str, **values: Any) -> str:
    """The named template of pipeline/templates/ filled in with `values`."""
    return ENV.get_template(template).render(**values)
