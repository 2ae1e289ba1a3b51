"""Nothing from a CSV cell runs in a reader's browser; per-field text policy.

Policy (schemas: `textPolicy`, pipeline/checks/cells.py):

- strict fields (every text field but the notes: names, units, sections,
  derivations, titles, ...): HTML markup, template syntax ({{ }}, {% %}),
  `javascript:` links and spreadsheet formulas are validation errors, so the
  site is never built with them;
- free fields (`textPolicy: free`: the `note` columns of indicators and
  plan-targets, where "<5%" or "=" can be honest text): the same are warnings;
  the site shows the text literally and nothing in it runs, the canonical
  CSV/JSON keep it exactly, and the files made for Excel neutralise formulas.

The first half tries every payload in every strict text field of every real
dataset (one validation per dataset). The second builds the real site with
the payloads in the free fields (and one figure changed, which the pages must
follow), parses and opens in Chromium every page that carries them, and checks
that no payload ran, no `javascript:` link exists, and the text reads literally.
"""

from __future__ import annotations

import csv
import functools
import http.server
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline import browser, build, load
from pipeline.checks.cells import key_fields
from pipeline.paths import REPO, Layout
from pipeline.validate import run
from tests import markup
from tests.repocopy import repo_with_site
from tests.sitebuild import built_site

# payload -> the code a strict field gives it. Each, if it ran, would set window.__injected.
PAYLOADS = {
    "</script><script>window.__injected=1</script>": "markup",
    "<img src=x onerror=window.__injected=2>": "markup",
    "<svg/onload=window.__injected=3>": "markup",
    "{{ config.site_name }}": "template-syntax",
    "{% raw %}x{% endraw %}": "template-syntax",
    "[点我](javascript:window.__injected=4)": "unsafe-link",
    '=HYPERLINK("http://example.com","点我")': "formula-like",
    "@SUM(1+1)*cmd|' /C calc'!A0": "formula-like",
}
# Only in free text: Markdown and the site's own placeholder syntax must not be interpreted either.
FREE_ONLY = ["**不应加粗** `不应成为代码`", "[[fig:rd-spending@2020]]", "<b>不应加粗</b>"]
TOKEN = "INJ7Q"  # marks every payload row so the pages that show them can be found
# A figure changed in the same build: 49.3 -> 51.7 (亿元) in the row of rd-spending 2020
CHANGED = ("rd-spending,2020,overall,全社会研发投入,Gross expenditure on R&D,49.3,",
           "rd-spending,2020,overall,全社会研发投入,Gross expenditure on R&D,51.7,")


def strict_text_fields(dataset: load.Dataset) -> list[str]:
    schema = dataset.schema()
    keys = key_fields(schema)
    return [f["name"] for f in schema["fields"]
            if f.get("type", "string") == "string" and f.get("textPolicy") != "free"
            and f["name"] not in keys and not (f.get("constraints") or {}).get("enum")]


def free_fields(dataset: load.Dataset) -> list[str]:
    return [f["name"] for f in dataset.schema()["fields"] if f.get("textPolicy") == "free"]


def rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    body = rows[1:]
    change(rows[0], body)  # may change, add or remove rows
    rows = [rows[0], *body]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_the_policy_is_what_the_schemas_say():
    free = {d.name: free_fields(d) for d in load.discover(REPO)}
    assert {name: fields for name, fields in free.items() if fields} == {
        "indicators": ["note"], "plan-targets": ["note"]}
    assert all(strict_text_fields(d) for d in load.discover(REPO))


@pytest.mark.parametrize("name", [d.name for d in load.discover(REPO)])
def test_every_payload_in_every_strict_field_fails_validation(repo_copy: Layout, name: str):
    dataset = load.dataset_for(repo_copy, repo_copy.csv(name))
    fields = strict_text_fields(dataset)
    payloads = list(PAYLOADS)
    placed: dict[tuple[int, str], str] = {}

    def change(header: list[str], rows: list[list[str]]) -> None:
        keys = dataset.schema().get("primaryKey") or []
        while len(rows) < 2:  # a one-row table (sources.csv): a second row with its own key
            extra = list(rows[0])
            for key in [keys] if isinstance(keys, str) else keys:
                extra[header.index(key)] += f"-{len(rows) + 1}"
            rows.append(extra)
        for n, row in enumerate(rows):
            payload = payloads[n % len(payloads)]
            for field in fields:
                row[header.index(field)] = payload
                placed[(n + 2, field)] = PAYLOADS[payload]

    rewrite(dataset.csv, change)
    report = run(repo_copy)
    assert not report.valid
    codes: dict[tuple[int, str], set[str]] = {}
    for issue in report.errors:
        if issue.path == f"datasets/{name}.csv":
            codes.setdefault((issue.row, issue.column), set()).add(issue.code)
    missing = {cell: code for cell, code in placed.items() if code not in codes.get(cell, set())}
    assert missing == {}
    assert len(placed) >= 2 * len(fields)
    for issue in report.errors:
        assert issue.fix("zh") and issue.fix("en")


# ---------------------------------------------------------------- free text, built and opened


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@pytest.fixture(scope="module")
def injected(tmp_path_factory) -> Iterator[tuple[Layout, dict[str, str], str]]:
    """The real site built with a payload in the free fields of rows; served on a free port."""
    layout = repo_with_site(tmp_path_factory.mktemp("injected") / "repo")
    shown: dict[str, str] = {}  # payload -> dataset it was put in
    everything = [*PAYLOADS, *FREE_ONLY]
    for dataset in load.discover(layout):
        for field in free_fields(dataset):
            def change(header, rows, field=field, name=dataset.name):  # type: ignore[no-untyped-def]
                for n, payload in enumerate(everything):
                    rows[n % len(rows)][header.index(field)] = f"{payload} {TOKEN}{n}"
                    shown[f"{payload} {TOKEN}{n}"] = name
            rewrite(dataset.csv, change)
    # and one figure changed, as staff would correct it: the pages must follow the data
    csv_path = layout.csv("indicators")
    before = csv_path.read_text(encoding="utf-8")
    after = before.replace(CHANGED[0], CHANGED[1], 1)
    assert after != before
    csv_path.write_text(after, encoding="utf-8")
    report = run(layout)
    assert report.valid, report.formatted("text")
    assert {i.code for i in report.warnings} >= {"markup", "template-syntax", "unsafe-link",
                                                   "formula-like"}
    assert build.build(layout, log=lambda *_: None) == 0
    handler = functools.partial(Quiet, directory=layout.site)
    httpd = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield layout, shown, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def pages_with_payloads(layout: Layout) -> list[str]:
    return sorted(p.relative_to(layout.site).as_posix() for p in layout.site.rglob("*.html")
                  if TOKEN in p.read_text(encoding="utf-8"))


@pytest.mark.site
def test_raw_html_never_holds_a_live_payload(injected):
    layout, _, _ = injected
    pages = pages_with_payloads(layout)
    assert "2020/innovation-entities/index.html" in pages and "data/indicators/index.html" in pages
    assert "data/plan-targets/index.html" in pages
    for rel in pages:
        text = (layout.site / rel).read_text(encoding="utf-8")
        for live in ("<script>window.__injected", "<img src=x onerror", "<svg/onload",
                     'href="javascript:', "<b>不应加粗</b>", "<strong>不应加粗"):
            assert live not in text, (rel, live)


@pytest.mark.site
def test_every_payload_reads_literally_in_the_parsed_pages(injected):
    """Read as a browser parses them: every payload is text (in an element or a title) on some
    page, character for character, and no element was made of one."""
    layout, shown, _ = injected
    seen: set[str] = set()
    for rel in pages_with_payloads(layout):
        page = markup.parse((layout.site / rel).read_text(encoding="utf-8"))
        text = markup.text(page) + " " + " ".join(
            " ".join((e.get("title") or "", e.get("aria-label") or "")) for e in markup.find(page))
        seen |= {payload for payload in shown if " ".join(payload.split()) in text}
        assert not markup.find(page, "img", src="x") and not markup.find(page, "svg", onload=None), rel
        marked = markup.find(page, "b") + markup.find(page, "strong") + markup.find(page, "code")
        assert not [e for e in marked if "不应" in markup.text(e)], rel
    assert seen == set(shown)


@pytest.mark.site
def test_a_changed_csv_value_changes_the_page_text(injected):
    """The same build had rd-spending 2020 changed from 49.3 to 51.7 (亿元)."""
    layout, _, _ = injected
    before = markup.text(markup.parse((built_site().site / "2020/index.html").read_text(encoding="utf-8")))
    after = markup.text(markup.parse((layout.site / "2020/index.html").read_text(encoding="utf-8")))
    assert "49.3亿元" in before and "51.7亿元" not in before
    assert "51.7亿元" in after and "49.3亿元" not in after


@pytest.mark.site
def test_canonical_downloads_keep_the_text_and_excel_files_neutralise_formulas(injected):
    layout, shown, _ = injected
    data = layout.site / "data"
    for name in set(shown.values()):
        canonical = (data / f"{name}.csv").read_text(encoding="utf-8")
        assert canonical == layout.csv(name).read_text(encoding="utf-8")  # byte for byte
        as_json = json.dumps(json.loads((data / f"{name}.json").read_text(encoding="utf-8")),
                             ensure_ascii=False)
        rows = list(csv.reader(io.StringIO(canonical, newline="")))
        excel = list(csv.reader(io.StringIO((data / f"{name}.excel.csv").read_text(
            encoding="utf-8-sig"), newline="")))
        assert len(rows) == len(excel)
        for payload, where in shown.items():
            if where != name:
                continue
            assert json.dumps(payload, ensure_ascii=False)[1:-1] in as_json, payload
            [(r, c)] = [(r, c) for r, row in enumerate(rows) for c, cell in enumerate(row)
                        if cell == payload]
            expected = "'" + payload if payload.startswith(("=", "+", "-", "@")) else payload
            assert excel[r][c] == expected, payload


@pytest.fixture(scope="module")
def chromium(injected) -> Iterator[Any]:
    with browser.launch() as chromium:
        yield chromium


@pytest.mark.site
@pytest.mark.browser
def test_nothing_injected_runs_in_the_browser_and_the_text_reads_literally(injected, chromium):
    layout, shown, base = injected
    pages = pages_with_payloads(layout)
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    seen: set[str] = set()
    for rel in pages:
        page.goto(base + rel.removesuffix("index.html"), wait_until="load")
        page.wait_for_timeout(300)  # onerror/onload handlers would have fired by now
        assert page.evaluate("window.__injected") is None, rel
        assert page.evaluate(
            "[...document.querySelectorAll('[href],[src],[action],[formaction]')]"
            ".filter(e => /^\\s*javascript:/i.test(e.getAttribute('href') || e.getAttribute('src')"
            " || e.getAttribute('action') || e.getAttribute('formaction') || '')).length") == 0, rel
        # no element was made from a payload (<img>, <svg>, bold or code from Markdown or HTML)
        assert page.evaluate("document.querySelectorAll('img[src=x], svg[onload]').length") == 0, rel
        assert page.evaluate("[...document.querySelectorAll('b, strong, code')]"
                             ".filter(e => e.textContent.includes('不应')).length") == 0, rel
        text = page.evaluate("document.body.innerText + ' ' + [...document.querySelectorAll("
                             "'[title],[aria-label],textarea')].map(e => e.getAttribute('title') "
                             "+ ' ' + e.getAttribute('aria-label') + ' ' + (e.value || '')).join(' ')")
        seen |= {payload for payload in shown if payload in text}
    page.close()
    assert dialogs == []
    assert seen == set(shown)  # every payload was shown somewhere, character for character
