"""Generated markup read as a reader's browser reads it: parsed, never compared as strings.

Tests ask for elements by tag, class and attributes and look at their text and
attributes, so a change of quoting, spacing, attribute order or entity style in the
templates does not break them, and a real change of structure does. lxml's HTML
parser reads whole pages and fragments alike (Markdown pages with raw HTML too:
the HTML in them is what the tests look at); `rendered()` turns Markdown into HTML
first, with the extensions the site's MkDocs configuration uses.
"""

from __future__ import annotations

from collections.abc import Iterable

import lxml.html
import markdown

Element = lxml.html.HtmlElement

# The Markdown extensions of mkdocs.yml that matter to generated pages.
EXTENSIONS = ["tables", "attr_list", "md_in_html", "toc", "fenced_code"]


def parse(text: str) -> Element:
    """A whole page (from <!doctype> or <html>), or a fragment under a <div>, as one tree."""
    start = text.lstrip()[:9].lower()
    if start == "<!doctype" or start.startswith("<html"):
        return lxml.html.document_fromstring(text)
    return lxml.html.fragment_fromstring(text, create_parent="div")


def rendered(page: str) -> Element:
    """A Markdown page (front matter dropped) rendered to HTML and parsed."""
    body = page.split("---\n", 2)[2] if page.startswith("---\n") else page
    return parse(markdown.markdown(body, extensions=EXTENSIONS))


def find(root: Element, tag: str = "*", cls: str | None = None, **attrs: str | None) -> list[Element]:
    """Every element under `root` (itself included) with the tag, one of its classes `cls`,
    and each attribute given (`data_x="1"` for data-x="1"; `attrs` value None: present)."""
    found = []
    for element in root.iter(tag if tag != "*" else None):
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        if cls is not None and cls not in element.get("class", "").split():
            continue
        if all(_matches(element, name.replace("_", "-"), value) for name, value in attrs.items()):
            found.append(element)
    return found


def _matches(element: Element, name: str, value: str | None) -> bool:
    if value is None:
        return name in element.attrib
    return element.get(name) == value


def one(root: Element, tag: str = "*", cls: str | None = None, **attrs: str | None) -> Element:
    """The only element that matches (the test fails if there are none or several)."""
    found = find(root, tag, cls, **attrs)
    assert len(found) == 1, (tag, cls, attrs, len(found))
    return found[0]


def text(element: Element) -> str:
    """The element's text as shown, its spaces and line breaks run together."""
    return " ".join(element.text_content().split())


def texts(elements: Iterable[Element]) -> list[str]:
    return [text(e) for e in elements]


def hrefs(root: Element) -> list[str]:
    """The links' targets, in order."""
    return [a.get("href") for a in find(root, "a") if a.get("href") is not None]
