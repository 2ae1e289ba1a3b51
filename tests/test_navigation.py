"""What every page carries as editions are added: the navigation derived from the editions
(pipeline/navigation.py) and the dataset pages' chart lists (pipeline/catalog.py); their shape keeps
what every page carries small however many editions there are."""

from __future__ import annotations

from pipeline import navigation
from pipeline.docs import Page

ROOT_NAV = [
    {"首页": "index.md"},
    {"2020年报告": ["2020/index.md", "2020/industry.md"]},
    {"开放数据": [{"数据目录": "data/index.md"}]},
]


def _pages(years: list[int]) -> list[Page]:
    found = [Page("index.md", "", {}, 1), Page("data/index.md", "", {}, 1)]
    for year in years:
        found += [Page(f"{year}/index.md", "", {}, 1), Page(f"{year}/industry.md", "", {}, 1)]
    return found


def test_older_editions_sit_in_the_archive_section_newest_first():
    years = [2020, 2021, 2022]
    nav = navigation.derive(ROOT_NAV, _pages(years), years).nav
    assert nav is not None
    titles = [next(iter(item)) for item in nav]
    assert titles == ["首页", "2022年报告", navigation.ARCHIVE, "开放数据"]
    assert nav[1]["2022年报告"] == ["2022/index.md", "2022/industry.md"]
    archive = nav[2][navigation.ARCHIVE]
    assert [next(iter(s)) for s in archive] == ["2021年报告", "2020年报告"]
    # each older edition keeps all its pages, its front page first (what a pruned
    # navigation links to)
    assert archive[1]["2020年报告"] == ["2020/index.md", "2020/industry.md"]


def test_one_edition_has_no_archive():
    nav = navigation.derive(ROOT_NAV, _pages([2020]), [2020]).nav
    assert nav == [ROOT_NAV[0], {"2020年报告": ["2020/index.md", "2020/industry.md"]}, ROOT_NAV[2]]


def test_a_draft_newer_than_the_latest_edition_is_beside_it_not_archived():
    years = [2020, 2021, 2022]
    nav = navigation.derive(ROOT_NAV, _pages(years), years, drafts={2022}).nav
    assert nav is not None
    titles = [next(iter(item)) for item in nav]
    assert titles == ["首页", "2022年报告（草稿）", "2021年报告", navigation.ARCHIVE, "开放数据"]
    assert [next(iter(s)) for s in nav[3][navigation.ARCHIVE]] == ["2020年报告"]


def test_a_navigation_with_an_archive_is_read_back_as_its_editions():
    """mkdocs.yml may hold a navigation in the build's shape (archive included): its
    editions' sections are still found and placed once."""
    years = [2020, 2021, 2022]
    derived = navigation.derive(ROOT_NAV, _pages(years), years).nav
    again = navigation.derive(derived, _pages(years), years).nav
    assert again == derived


def test_a_dataset_page_shows_the_newest_editions_charts_in_full_and_older_ones_in_a_line_each():
    """The dataset page's 使用本数据的图表 grows by one line per edition, not a section per chart."""
    from pipeline import catalog

    charts = [{"title": f"图{n}", "edition": year} for year in (2020, 2021, 2022) for n in (1, 2)]
    charts.append({"title": "无期次", "edition": None})
    full, older = catalog.charts_by_edition(charts)
    assert [c["title"] for c in full] == ["图1", "图2", "无期次"]
    assert all(c["edition"] in (2022, None) for c in full)
    assert [year for year, _ in older] == [2021, 2020]
    assert [c["title"] for c in older[0][1]] == ["图1", "图2"]
    lone = [{"title": "a", "edition": None}]
    assert catalog.charts_by_edition(lone) == (lone, [])
