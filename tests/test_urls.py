"""urls.py: the one place links are worked out."""

from __future__ import annotations

import pytest

from pipeline import urls


@pytest.mark.parametrize(("rel", "path"), [
    ("index.md", ""), ("2020/index.md", "2020/"), ("2020/industry.md", "2020/industry/"),
    ("data/en.md", "data/en/"), ("assets/x.css", "assets/x.css"),
])
def test_page_path_follows_directory_urls(rel: str, path: str) -> None:
    assert urls.page_path(rel) == path


@pytest.mark.parametrize(("start", "target", "link"), [
    ("2020/industry/", "", "../../"), ("", "data/", "data/"), ("2020/", "2020/", "./"),
    ("data/indicators/", "data/charts/x.png", "../charts/x.png"),
])
def test_relative_links_work_under_any_base_url(start: str, target: str, link: str) -> None:
    assert urls.relative(start, target) == link


def test_absolute_links_need_the_site_address() -> None:
    assert urls.absolute("https://a.example/kjj/", "data/") == "https://a.example/kjj/data/"
    assert urls.absolute("", "data/") == "/data/"
    assert urls.link("", "data/x.csv", "data/x/") == "../x.csv"
    assert urls.link("https://a.example", "data/x.csv", "data/x/") == "https://a.example/data/x.csv"


def test_chart_urls_and_source_links() -> None:
    found = urls.chart_urls("c", "https://a.example/", "2020/a/")
    assert found["csv"] == "https://a.example/data/charts/c.csv"
    assert found["embed"] == "https://a.example/embed/c/"
    assert found["permalink"] == "https://a.example/2020/a/#chart-c"
    assert "permalink" not in urls.chart_urls("c")
    assert urls.source_link("data/index.md", "2020/a.md", "chart-c") == "../2020/a.md#chart-c"
