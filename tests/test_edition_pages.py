"""Two editions in one project: pages and charts follow their edition, a draft is previewed
only, a published edition is refused while unfinished.

A copy of the repository gets a made-up edition for the year after its latest one (TEST
DATA ONLY, never part of the real site): a source document marked as a test, a few
indicator rows for that year, and a front page that uses placeholders without a year. The
years are derived from docs/ and the data, so nothing here breaks when a real edition for
that year is added.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from pipeline import build, docs, model, package
from pipeline.paths import REPO, Layout
from tests import engine, markup
from tests.repocopy import repo_with_site

pytestmark = pytest.mark.slow  # each test builds a copy of the whole project with two editions

LATEST = max(e.year for e in docs.editions(REPO) if not e.draft)
FIRST = min(e.year for e in docs.editions(REPO) if not e.draft)
NEXT = LATEST + 1  # the made-up edition (test data)
SOURCE = f"test-{NEXT}"
# Indicators the made-up edition has figures for; the stock and its flow move together so
# the consistency rule (total = last year's total + net increase) holds.
RD, STOCK, FLOW = "rd-spending", "high-tech-enterprises", "high-tech-net-increase"


def _front(status: str = "published", sources: str = f"sources: [{SOURCE}]", nav: str = "") -> str:
    return (f"---\ntitle: {NEXT}年工作报告（测试数据）\nstatus: {status}\n"
            f"published: {NEXT + 1}-03-15\nnext: {NEXT + 2}-03\n{sources}\n{nav}"
            f"headline:\n  - {RD}\n  - {STOCK}\n---\n")


BODY = (f"# {NEXT}年工作报告（测试数据）\n\n"
        "本页是测试数据，不是真实的报告。\n\n"
        "[[cards]]\n\n"
        f"研发投入：[[fig:{RD}]]；上一期：[[fig:{RD}@{LATEST}]]。\n\n"
        "[[chart:high-tech-enterprises]]\n\n"
        f"[[chart:high-tech-enterprises@{LATEST}]]\n\n"
        "目标：[[target:high-tech-total]]。\n\n"
        "[[targets]]\n\n"
        "[[chart:high-tech-total-target]]\n")


def _rows(layout: Layout) -> dict[str, dict[str, str]]:
    with layout.csv("indicators").open(encoding="utf-8", newline="") as f:
        return {(r["indicator_id"], r["year"]): r for r in csv.DictReader(f)}  # type: ignore[misc]


def _values(latest: dict[tuple[str, str], dict[str, str]]) -> dict[str, float | int]:
    """Made-up figures for NEXT: last edition's plus something, derived from the data."""
    stock = int(latest[(STOCK, str(LATEST))]["value"])
    flow = 11
    rd = float(latest[(RD, str(LATEST))]["value"]) + 7.5
    return {RD: rd, STOCK: stock + flow, FLOW: flow}


def _add_edition(layout: Layout, front: str, body: str = BODY) -> dict[str, float | int]:
    sources = layout.csv("sources")
    sources.write_text(sources.read_text(encoding="utf-8")
                       + f"{SOURCE},测试用文件（非真实报告，仅供测试）,Test document (not a real report),"
                         "测试机构,,,仅供测试\n", encoding="utf-8")
    path = layout.csv("indicators")
    text = path.read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    rows = _rows(layout)
    values = _values(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    for name, value in values.items():
        row = dict(rows[(name, str(LATEST))])
        row.update(year=str(NEXT), value=str(value), source_id=SOURCE, derived="false",
                   derivation="", source_section="测试章节", note="测试数据")
        writer.writerow(row)
    path.write_text(text + out.getvalue(), encoding="utf-8")
    (layout.docs / str(NEXT)).mkdir()
    (layout.docs / str(NEXT) / "index.md").write_text(front + body, encoding="utf-8")
    layout.descriptor.write_text(package.datapackage_json(layout), encoding="utf-8")
    return values


def _text(name: str, value: float | int) -> str:
    unit = {RD: "亿元", STOCK: "家", FLOW: "家"}[name]
    return model.format_value(value, unit=unit)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Layout, dict[str, float | int]]:
    layout = repo_with_site(tmp_path_factory.mktemp("two") / "repo", site=False)
    values = _add_edition(layout, _front())
    build.generate(layout, log=lambda *_: None)
    return layout, values


def test_the_next_editions_page_gets_its_own_years_numbers(published):
    layout, values = published
    page = (layout.generated_docs / str(NEXT) / "index.md").read_text(encoding="utf-8")
    latest = model.load_figures(REPO).figure(f"{RD}@{LATEST}").text
    # as read (the first figure of an indicator with several years links to its page)
    assert f"研发投入：{_text(RD, values[RD])}；上一期：{latest}。" in markup.text(markup.rendered(page))
    assert f"[{_text(RD, values[RD])}](../indicators/{RD}.md)" in page
    # the cards are this edition's figures
    assert f'{_text(STOCK, values[STOCK])}' in page and f"{NEXT}年" in page
    # the latest edition's own page still shows its own numbers
    older = (layout.generated_docs / str(LATEST) / "index.md").read_text(encoding="utf-8")
    assert latest in older and _text(RD, values[RD]) not in older


def test_the_same_chart_has_an_id_and_downloads_per_edition(published):
    layout, values = published
    page = (layout.generated_docs / str(NEXT) / "index.md").read_text(encoding="utf-8")
    # the edition the spec names (id_year) keeps the bare id, every other one gets ID-YEAR
    spec = next(c for c in yaml.safe_load(REPO.meta("indicators").read_text(encoding="utf-8"))["charts"]
                if c["id"] == "high-tech-enterprises")
    latest_id = "high-tech-enterprises" + ("" if spec.get("id_year") == LATEST else f"-{LATEST}")
    ours, theirs = f"chart-high-tech-enterprises-{NEXT}", f"chart-{latest_id}"
    assert f'id="{ours}"' in page and f'id="{theirs}"' in page
    charts = layout.generated_docs / "data" / "charts"
    new = list(csv.reader(io.StringIO(
        (charts / f"high-tech-enterprises-{NEXT}.csv").read_text(encoding="utf-8"))))
    old = list(csv.reader(io.StringIO(
        (charts / f"{latest_id}.csv").read_text(encoding="utf-8"))))
    assert [r[0] for r in new[1:]][-1] == str(NEXT) and str(NEXT) not in [r[0] for r in old[1:]]
    assert str(values[STOCK]) in [r[2] for r in new[1:]]


def test_each_published_edition_has_its_data_as_published(published):
    """The newer edition's archive has its own year's figures; the older one's has none."""
    layout, _ = published
    data = layout.generated_docs / "data" / "editions"
    older = (data / str(LATEST) / "indicators.csv").read_text(encoding="utf-8")
    newer = (data / str(NEXT) / "indicators.csv").read_text(encoding="utf-8")
    assert f",{NEXT}," not in older and f"{RD},{NEXT}," in newer
    assert f"{RD},{LATEST}," in older and f"{RD},{LATEST}," in newer


def test_cards_compare_with_the_previous_edition(published):
    layout, values = published
    figures = model.load_figures(REPO)
    before = figures.figure(f"{RD}@{LATEST}")

    def cards(year: int) -> list[str]:
        page = markup.rendered((layout.generated_docs / str(year) / "index.md").read_text(encoding="utf-8"))
        return markup.texts(markup.find(page, "a", cls="kpi-card"))

    rd = next(c for c in cards(NEXT) if _text(RD, values[RD]) in c)
    assert f"上期{LATEST}年：{before.text}" in rd
    assert model.difference(dataclasses.replace(before, year=NEXT, value=values[RD]), before) in rd
    # the first edition has no edition before it: its cards have no 上期 line
    assert not any("上期" in c for c in cards(FIRST))


def test_an_indicator_page_holds_every_editions_year(published):
    layout, values = published
    page = markup.rendered((layout.generated_docs / "indicators" / f"{RD}.md").read_text(encoding="utf-8"))
    (chart,) = markup.find(page, "figure", cls="chart")
    assert "折线图" in markup.text(chart)  # more than one year: a time series
    years = [markup.texts(markup.find(tr, "td"))[0] for tr in markup.find(page, "tr")
             if markup.find(tr, "td") and not markup.find(tr, "th")][:2]
    assert years == [str(NEXT), str(LATEST)]
    rows = list(csv.DictReader(io.StringIO(
        (layout.generated_docs / "data" / "series" / f"{RD}.csv").read_text(encoding="utf-8"))))
    years = [int(r["year"]) for r in rows]
    assert years == sorted(years) and years[-2:] == [LATEST, NEXT]  # oldest first, every year
    assert rows[-1]["source_title"].startswith("测试用文件")
    index = (layout.generated_docs / "indicators" / "index.md").read_text(encoding="utf-8")
    assert f"{years[0]}—{NEXT}年" in index  # the years the series spans


def test_a_plan_not_published_yet_is_said_not_failed(published):
    layout, _ = published
    page = (layout.generated_docs / str(NEXT) / "index.md").read_text(encoding="utf-8")
    assert f"目标：（{NEXT}年计划尚未发布）。" in page
    assert page.count("计划尚未发布") >= 3  # the placeholder, the targets table, the target chart
    assert f"high-tech-total-target-{NEXT}" not in page


def test_the_navigation_lists_both_editions_newest_first(published):
    """The newest edition is a section of its own, the older one is in 往期报告 (with
    navigation.prune, one link to its front page except on its own pages)."""
    from pipeline import navigation

    layout, _ = published
    nav = json.loads((layout.build / "nav.json").read_text(encoding="utf-8"))
    sections = [next(iter(item)) for item in nav if isinstance(item, dict)]
    assert sections.index(f"{NEXT}年报告") < sections.index(navigation.ARCHIVE)
    archive = nav[sections.index(navigation.ARCHIVE)][navigation.ARCHIVE]
    assert next(iter(archive[0])) == f"{LATEST}年报告"
    assert archive[0][f"{LATEST}年报告"][0] == f"{LATEST}/index.md"


def test_the_home_page_lists_both_editions_with_their_dates(published):
    layout, _ = published
    home = markup.rendered((layout.generated_docs / "index.md").read_text(encoding="utf-8"))
    [archive] = [t for t in markup.find(home, "table")
                 if "发布日期" in markup.text(markup.find(t, "tr")[0])]
    rows = [markup.texts(markup.find(tr, "td")) for tr in markup.find(archive, "tr")[1:]]
    years = [int(r[0][:4]) for r in rows]
    assert years[:2] == [NEXT, LATEST] and years == sorted(years, reverse=True)
    assert rows[0][1] == f"{NEXT + 1}年3月15日" and rows[0][2] == f"预计{NEXT + 2}年3月"
    assert rows[1][2] == f"{NEXT}年报告"  # the next of the older one is out: linked
    assert f"{NEXT}/index.md" in markup.hrefs(archive)
    front = docs.split_front_matter(
        (layout.docs / str(LATEST) / "index.md").read_text(encoding="utf-8"))[0]
    day = str(front["published"]).split("-")
    assert rows[1][1] == f"{day[0]}年{int(day[1])}月{int(day[2])}日"


# -- a draft ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def draft(tmp_path_factory) -> Layout:
    layout = repo_with_site(tmp_path_factory.mktemp("draft") / "repo", site=False)
    _add_edition(layout, _front(status="draft"))
    assert build.build(layout, log=lambda *_: None) == 0
    return layout


def test_a_draft_is_left_out_of_the_deployed_site(draft):
    site = draft.site
    assert not (site / str(NEXT)).exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f'{LATEST}/' in home and not re.search(rf'href="[^"]*\b{NEXT}/', home)
    assert f"/{NEXT}/" not in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert not [e for e in engine.search_entries(site) if e.location.startswith(f"{NEXT}/")]
    feeds = "".join(p.read_text(encoding="utf-8") for p in site.glob("feed-*.xml"))
    # (a year as a bare number could be a date of another edition: links and titles only)
    assert f'href="{LATEST}/"' in feeds and not re.search(rf'href="[^"]*\b{NEXT}/', feeds)
    assert f"{NEXT}年" not in feeds
    catalog = (site / "data" / "index.html").read_text(encoding="utf-8")
    assert f"-{NEXT}" not in catalog
    assert not list((site / "data" / "charts").glob(f"*-{NEXT}.*"))
    assert not (site / "data" / "editions" / str(NEXT)).exists()  # a draft has no archive
    assert (site / "data" / "editions" / str(LATEST) / "indicators.csv").is_file()
    # nor on the indicator pages, their index, their downloads, search or the sitemap
    for page in (site / "indicators").rglob("*.html"):
        assert f"{NEXT}年" not in page.read_text(encoding="utf-8"), page
    series = (site / "data" / "series" / f"{RD}.csv").read_text(encoding="utf-8")
    assert str(LATEST) in series and f",{NEXT}," not in series
    assert not [e for e in engine.search_entries(site) if e.location.startswith("indicators/")
                and f"{NEXT}年" in e.text]


def test_a_draft_is_in_the_preview_with_a_notice_on_every_page(draft):
    build.generate(draft, log=lambda *_: None, preview=True)
    page = (draft.generated_docs / str(NEXT) / "index.md").read_text(encoding="utf-8")
    assert 'class="edition-notice edition-notice--draft"' in page and "草稿" in page
    latest = (draft.generated_docs / str(LATEST) / "index.md").read_text(encoding="utf-8")
    assert "edition-notice--draft" not in latest
    home = markup.rendered((draft.generated_docs / "index.md").read_text(encoding="utf-8"))
    assert any(cells and cells[0].startswith(str(NEXT)) and "草稿" in cells[0] for cells in (
        markup.texts(markup.find(tr, "td")) for tr in markup.find(home, "tr")))
    series = (draft.generated_docs / "indicators" / f"{RD}.md").read_text(encoding="utf-8")
    assert f"{NEXT}年" in series  # the preview shows the draft's figures on indicator pages too
    nav = json.loads((draft.build / "nav.json").read_text(encoding="utf-8"))
    assert any(f"{NEXT}年报告（草稿）" in item for item in nav if isinstance(item, dict))


# -- refusals of a published edition ---------------------------------------------------------


def _refused(tmp_path: Path, front: str, body: str, extra: dict[str, str] | None = None) -> str:
    """The build's refusal of the made-up edition with this front matter and body."""
    layout = repo_with_site(tmp_path / "repo", site=False)
    _add_edition(layout, front, body)
    for rel, text in (extra or {}).items():
        (layout.docs / rel).write_text(text, encoding="utf-8")
    with pytest.raises(build.BuildError) as caught:
        build.generate(layout, log=lambda *_: None)
    return str(caught.value)


def _line(front: str, body: str, needle: str) -> int:
    return next(n for n, line in enumerate((front + body).split("\n"), 1) if needle in line)


UNFINISHED = {
    "unwritten": ("这一段（待写：概况）", "待写"),
    "malformed": (f"数字 [fig:{RD}]] 少了括号", "方括号"),
    "unclosed": (f"数字 [[fig:{RD}] 没有闭合", "方括号"),
}


@pytest.fixture(scope="module")
def unfinished(tmp_path_factory) -> tuple[str, str, str]:
    """One published edition with every kind of unfinished page (one build, every refusal)."""
    front = _front(nav="nav: [index.md]\n").replace(
        f"published: {NEXT + 1}-03-15", "published: 2099-01-01  # 待写：发布日期")
    body = BODY + "".join(f"\n{bad}\n" for bad, _ in UNFINISHED.values())
    message = _refused(tmp_path_factory.mktemp("unfinished"), front, body,
                       {f"{NEXT}/extra.md": "# 多出来的一页\n\n测试。\n"})
    return front, body, message


@pytest.mark.parametrize("case", sorted(UNFINISHED))
def test_a_published_edition_with_unfinished_text_is_refused(unfinished, case):
    front, body, message = unfinished
    bad, title = UNFINISHED[case]
    where = f"docs/{NEXT}/index.md:{_line(front, body, bad)}:"
    refusal = message[message.index(where):].split("\ndocs/", 1)[0]
    assert title in refusal and "修改方法" in refusal and "Fix:" in refusal


def test_unwritten_publication_date_in_front_matter_is_refused(unfinished):
    front, body, message = unfinished
    assert f"docs/{NEXT}/index.md:{_line(front, body, 'published:')}: " in message


def test_a_page_outside_the_navigation_is_refused(unfinished):
    _front_, _body, message = unfinished
    refusal = message[message.index(f"docs/{NEXT}/extra.md:1:"):]
    assert "导航" in refusal and "navigation" in refusal and f"docs/{NEXT}/index.md" in refusal


def test_a_published_edition_without_a_source_document_is_refused(tmp_path):
    message = _refused(tmp_path, _front(sources="sources: []"), BODY)
    assert f"docs/{NEXT}/index.md" in message
    assert re.search(r"没有列出任何来源文件|no source document", message)


# -- new-year: the next edition as a draft in docs/ -----------------------------------------


def test_new_year_writes_a_draft_edition_the_preview_shows_and_the_site_leaves_out(tmp_path):
    from pipeline import newyear

    layout = repo_with_site(tmp_path / "repo", site=False)
    newyear.scaffold(layout, NEXT)
    drafts = sorted(p.name for p in (layout.docs / str(NEXT)).glob("*.md"))
    assert drafts == sorted(p.name for p in (layout.docs / str(LATEST)).glob("*.md"))
    build.generate(layout, log=lambda *_: None)  # the deployed site: as before
    assert not (layout.generated_docs / str(NEXT)).exists()
    build.generate(layout, log=lambda *_: None, preview=True)  # the preview: every draft page
    for name in drafts:
        page = (layout.generated_docs / str(NEXT) / name).read_text(encoding="utf-8")
        assert "edition-notice--draft" in page, name
    nav = json.loads((layout.build / "nav.json").read_text(encoding="utf-8"))
    section = next(item for item in nav if isinstance(item, dict) and f"{NEXT}年报告（草稿）" in item)
    assert len(section[f"{NEXT}年报告（草稿）"]) == len(drafts)
