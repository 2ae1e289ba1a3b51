"""The catalog and dataset pages: complete, escaped, with parseable JSON-LD."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml

from pipeline import archive, catalog, datasets, downloads, editions, formats, load, revision_log
from pipeline import markup as templating
from pipeline.paths import REPO, Layout
from tests import engine, markup
from tests.test_chart_exports import chromium, site  # noqa: F401  (browser fixtures)

FIXTURE = Path(__file__).parent / "fixtures" / "downloads"
EPOCH = 1609459200  # 2021-01-01T00:00:00Z


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Layout:
    shutil.copytree(FIXTURE, tmp_path / "project")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    return Layout(tmp_path / "project")


@pytest.fixture
def pages(project: Layout) -> dict[str, str]:
    return catalog.pages(project)


def ld_scripts(text: str) -> list[str]:
    """The text of each JSON-LD block of a page (Markdown with raw HTML, or HTML)."""
    return [s.text or "" for s in markup.find(markup.parse(text), "script", type="application/ld+json")]


def ld_blocks(text: str) -> list[dict]:
    """The JSON-LD nodes of a page (each block is a one-element array)."""
    nodes = []
    for block in ld_scripts(text):
        data = json.loads(block)
        assert isinstance(data, list) and len(data) == 1
        nodes.append(data[0])
    return nodes


def test_every_page_is_written(project: Layout, tmp_path: Path):
    written = catalog.write_pages(project, tmp_path / "docs")
    names = sorted(p.relative_to(tmp_path / "docs").as_posix() for p in written)
    assert names == ["data/en/index.md", "data/en/kinds.md", "data/en/things.md", "data/index.md",
                     "data/kinds.md", "data/things.md"]


def test_catalog_lists_every_dataset_on_one_line_with_its_pages_and_downloads(pages: dict[str, str],
                                                                         project: Layout):
    files = downloads.all_files(project)
    for rel, mine, up in (("data/index.md", "{}.md", ""), ("data/en/index.md", "{}.md", "../")):
        page = markup.rendered(pages[rel])
        shown = markup.text(page)
        for info in datasets.read_all(project):
            # one list item per dataset: both titles, its page, its years and date, CSV and XLSX
            [line] = [li for li in markup.find(page, "li")
                      if f"{up}{info.name}.csv" in markup.hrefs(li)]
            text, links = markup.text(line), markup.hrefs(line)
            assert " ".join(info.title.split()) in text and " ".join(info.title_en.split()) in text
            assert mine.format(info.name) in links
            assert f"{up}{info.name}.xlsx" in links
            assert "2021-01-01" in text
        assert "2019–2020" in shown  # years covered
        assert "test-package.zip" in shown and "SHA256SUMS" in shown and "datapackage.json" in shown
        assert "Creative Commons Attribution 4.0 International" in shown
    shown = markup.text(markup.rendered(pages["data/index.md"]))
    assert catalog.size_text(len(files["test-package.zip"])) in shown
    # the English catalog keeps the address each dataset had on it (/data/en/#NAME), on its line
    english = markup.rendered(pages["data/en/index.md"])
    for info in datasets.read_all(project):
        [mark] = markup.find(english, id=info.name)
        assert f"{info.name}.md" in markup.hrefs(mark.getparent())


def test_catalog_pages_leave_the_details_to_each_dataset_page(pages: dict[str, str], project: Layout):
    """A catalog page grows by a line per dataset: the description, data dictionary and every
    download with its size are on the dataset's own pages (Chinese and English), not on it."""
    files = downloads.all_files(project)
    catalogs = " ".join(markup.text(markup.rendered(pages[rel])) for rel in ("data/index.md",
                                                                          "data/en/index.md"))
    for info in datasets.read_all(project):
        details = [datasets.clean(info.meta["description"]), datasets.clean(info.meta["description_en"]),
                   *(datasets.clean(f["description_en"]) for f in info.fields)]
        for text in details:
            assert " ".join(text.split()) not in catalogs, text
        for lang, rel in (("zh", f"data/{info.name}.md"), ("en", f"data/en/{info.name}.md")):
            page = markup.rendered(pages[rel])
            shown, links = markup.text(page), markup.hrefs(page)
            up = "../" if lang == "en" else ""
            for suffix in formats.FORMATS:
                assert f"{up}{info.name}{suffix}" in links, (rel, suffix)
                assert catalog.size_text(len(files[info.name + suffix])) in shown, (rel, suffix)
            assert " ".join(datasets.clean(info.meta["description_en" if lang == "en" else "description"])
                            .split()) in shown, rel
        # each links to the other
        assert f"en/{info.name}.md" in markup.hrefs(markup.rendered(pages[f"data/{info.name}.md"]))
        assert f"../{info.name}.md" in markup.hrefs(markup.rendered(pages[f"data/en/{info.name}.md"]))


def test_catalog_documents_formula_handling_and_stable_urls(pages: dict[str, str]):
    for name in ("data/index.md", "data/en/index.md"):
        text = pages[name]
        assert 'id="excel-formulas"' in text
        assert "`/data/NAME.csv`" in text and "`/data/NAME.excel.csv`" in text
    assert "前缀引号" in pages["data/index.md"]
    assert "quote-prefix" in pages["data/en/index.md"]


def test_dataset_page_has_every_part(pages: dict[str, str], project: Layout):
    (info,) = [i for i in datasets.read_all(project) if i.name == "things"]
    text = pages["data/things.md"]
    page = markup.rendered(text)
    headings = markup.texts(markup.find(page, "h2"))
    for heading in ("下载", "数据字典", "预览", "引用", "许可", "使用本数据的图表", "校验和"):
        assert heading in headings, heading
    codes = markup.texts(markup.find(page, "code"))
    shown = markup.text(page)
    for fld in info.fields:  # data dictionary row per field with type and meaning
        assert fld["name"] in codes
        assert " ".join(fld["description"].split()) in shown
    assert "见“单位”列" in shown  # unit of the value field
    assert "主键（组合）；必填；≥ 2000；≤ 2100" in shown
    assert "引用 kinds 数据表" in shown
    assert "测试机构. 测试事项 </script><script>alert(1)</script>[DS/OL]. (2021-01-01)[引用日期]. " \
        "/data/things/." in shown
    assert "Test Agency. (2021). Test things {{ x }} [Data set]. /data/things/" in shown
    preview = markup.one(page, role="region", aria_label="数据预览")
    assert len(markup.find(markup.one(preview, "tbody"), "tr")) == catalog.PREVIEW_ROWS
    assert "前 10 行，共 12 行" in shown


def test_dataset_page_checksums_match_the_files(pages: dict[str, str], project: Layout):
    files = downloads.all_files(project)
    text = pages["data/kinds.md"]
    for suffix in formats.FORMATS:
        digest = hashlib.sha256(files["kinds" + suffix]).hexdigest()
        assert templating.md(f"{digest}  kinds{suffix}") in text


def test_json_ld_parses_and_carries_the_required_properties(pages: dict[str, str],
                                                            project: Layout):
    infos = datasets.read_all(project)
    for info in infos:
        (data,) = ld_blocks(pages[f"data/{info.name}.md"])
        assert data["@context"] == "https://schema.org" and data["@type"] == "Dataset"
        for key in ("name", "description", "license", "creator", "distribution"):
            assert data[key], key
        assert data["name"] == info.title
        assert data["creator"]["name"] == "测试机构"
        assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
        assert [d["contentUrl"] for d in data["distribution"]] == [
            f"../{info.name}{s}" for s in formats.FORMATS
        ]
        assert all(d["@type"] == "DataDownload" and d["encodingFormat"]
                   for d in data["distribution"])
    (things,) = ld_blocks(pages["data/things.md"])
    assert things["temporalCoverage"] == "2019/2020"
    (kinds,) = ld_blocks(pages["data/kinds.md"])  # no year field: the package's years
    assert kinds["temporalCoverage"] == "2019/2020"
    (cat,) = ld_blocks(pages["data/index.md"])
    assert cat["@type"] == "DataCatalog"
    # each entry names its dataset's node, which its own page describes in full (the same @id),
    # naming the catalog in turn
    for entry, info in zip(cat["dataset"], infos, strict=True):
        (node,) = ld_blocks(pages[f"data/{info.name}.md"])
        assert urljoin("https://x.org/data/", entry["@id"]) == urljoin(
            f"https://x.org/data/{info.name}/", node["@id"]) == f"https://x.org/data/{info.name}/"
        assert urljoin(f"https://x.org/data/{info.name}/", node["includedInDataCatalog"]["url"]) \
            == urljoin("https://x.org/data/", cat["url"])
        assert set(entry) == {"@id"}


def test_json_ld_urls_are_absolute_with_a_site_url(project: Layout):
    (project.root / "mkdocs.yml").write_text("site_url: https://d.example.org/\n", "utf-8")
    (data,) = ld_blocks(catalog.pages(project)["data/kinds.md"])
    assert data["url"] == "https://d.example.org/data/kinds/"
    assert data["distribution"][0]["contentUrl"] == "https://d.example.org/data/kinds.csv"


def test_data_cannot_break_out_of_the_page(pages: dict[str, str]):
    for name, text in pages.items():
        page = markup.rendered(text)
        # the only script elements are our JSON-LD blocks; no image, no script link
        assert {s.get("type") for s in markup.find(page, "script")} <= {"application/ld+json"}, name
        assert not markup.find(page, "img"), name
        assert not [h for h in markup.hrefs(page) if h.strip().lower().startswith("javascript:")], name
        assert "{{" not in text and "{%" not in text, name
        for raw in ld_scripts(text):  # nothing in a block that could close it
            assert "<" not in raw and ">" not in raw, name
    (data,) = ld_blocks(pages["data/things.md"])
    assert data["name"] == "测试事项 </script><script>alert(1)</script>"  # exact after parsing
    front = pages["data/things.md"].split("---\n")[1]
    assert "<" not in front




def test_front_matter_cannot_break_out_of_the_page_head():
    """Themes print a page's title and description into content="…" as they are: the repository's
    English descriptions quote words ("2020", "at least 10") and must not cut it short."""
    for rel, text in catalog.pages(REPO).items():
        front = yaml.safe_load(text.split("---\n")[1])
        for key in ("title", "description"):
            assert not set(front[key]) & set('"<>&'), (rel, key)
    assert catalog.meta_text('as "2020" & "<b>') == "as \u201c2020\u201d ＆ \u201db"


def test_escaped_text_shows_literally():
    """Text through the escaper, then Markdown: one paragraph showing exactly that text, with
    no element made of it (no link, emphasis, code, script or table)."""
    text = "</script> {{ x }} [a](javascript:1) | *b* _c_ `d` 4.0"
    page = markup.rendered(templating.md(text))
    assert [e.tag for e in page.iter()] == ["div", "p"]
    assert page[0].text_content() == text


def test_english_dataset_pages_have_every_title_description_field_and_citation(pages: dict[str, str],
                                                                              project: Layout):
    for info in datasets.read_all(project):
        text = pages[f"data/en/{info.name}.md"]
        assert 'lang: "en"' in text.split("---\n")[1]
        page = markup.rendered(text)
        shown = markup.text(page)
        assert " ".join(info.title_en.split()) in markup.text(markup.one(page, "h1"))
        assert " ".join(datasets.clean(info.meta["description_en"]).split()) in shown
        for fld in info.fields:
            assert " ".join(fld["description_en"].split()) in shown
    assert "Test Agency. (2021). Kinds [Data set]. /data/kinds/" in markup.text(
        markup.rendered(pages["data/en/kinds.md"]))


@dataclass
class FakeIssue:
    path: str
    severity: str = "error"


@dataclass
class FakeReport:
    issues: list[FakeIssue] = field(default_factory=list)


def test_validation_status_per_dataset(project: Layout):
    report = FakeReport([FakeIssue("datasets/things.csv")])
    result = catalog.pages(project, report=report)
    assert "未通过校验：有 1 处错误" in result["data/things.md"]
    assert "已通过校验" in result["data/kinds.md"]
    assert "本次构建未运行校验" in catalog.pages(project)["data/kinds.md"]


def test_validation_status_from_the_real_validator(project: Layout):
    validate = pytest.importorskip("pipeline.validate")
    for path in (project.csv("things"), project.meta("things"), project.schema("things")):
        path.unlink()  # the synthetic things table is meant to be invalid
    report = validate.run(project)
    assert report.valid, report.formatted("text")
    assert "已通过校验" in catalog.pages(project, report=report)["data/kinds.md"]


def test_charts_that_use_a_dataset_are_linked(project: Layout):
    charts = {"things": [{"id": "c1", "title": "图表一", "link": "../charts/c1.md"}]}
    page = markup.rendered(catalog.pages(project, charts=charts)["data/things.md"])
    assert "图表一" in markup.texts(markup.find(page, "a", href="../charts/c1.md"))
    assert "本数据集目前没有用于图表" in markup.text(markup.rendered(catalog.pages(project)["data/kinds.md"]))


def test_repository_pages_build_for_every_dataset():
    result = catalog.pages(REPO)
    for dataset in load.discover(REPO):
        text = result[f"data/{dataset.name}.md"]
        (data,) = ld_blocks(text)
        assert data["name"] == dataset.meta()["title"]
        for key in ("description", "license", "creator", "temporalCoverage", "distribution"):
            assert data[key], (dataset.name, key)
        assert data["alternateName"] == dataset.meta()["title_en"]


def test_chart_section_offers_data_images_embed_and_permalink(project: Layout):
    from tests.test_chart_exports import FakeChart

    chart = FakeChart()
    images = {"charts/sample-chart.png": b"png", "charts/sample-chart.svg": b"<svg/>"}
    files = downloads.all_files(project, charts={chart.id: chart}, extra=images)
    links = {"things": [{"id": chart.id, "title": chart.title, "link": "../2020/a.md#chart-x",
                         "snippet": '<iframe src="https://d.example.org/embed/sample-chart/">',
                         "permalink": "https://d.example.org/2020/a/#chart-x"}]}
    text = catalog.pages(project, files=files, charts=links)["data/things.md"]
    page = markup.rendered(text)
    links = markup.hrefs(page)
    for href in ("charts/sample-chart.csv", "charts/sample-chart.excel.csv",
                 "charts/sample-chart.xlsx", "charts/sample-chart.png",
                 "charts/sample-chart.svg", "../embed/sample-chart/index.html",
                 "../2020/a.md#chart-x"):
        assert href in links, href
    assert "https://d.example.org/embed/sample-chart/" in markup.text(page)
    assert not markup.find(page, "iframe")  # shown as code, never as an element


def test_repository_datasets_are_described_in_english_too():
    """Item 7: international readers find and reuse the data (titles, descriptions, fields)."""
    for dataset in load.discover(REPO):
        meta = dataset.meta()
        assert meta.get("title_en") and meta.get("description_en"), dataset.name
        for fld in dataset.schema()["fields"]:
            assert fld.get("description_en"), (dataset.name, fld["name"])
    text = catalog.pages(REPO)["data/en/index.md"]
    for dataset in load.discover(REPO):
        assert templating.md(dataset.meta()["title_en"]) in text


def test_json_ld_description_is_long_enough_for_dataset_search():
    for name, text in catalog.pages(REPO).items():
        for data in ld_blocks(text):
            assert len(data["description"]) >= 50, name


def test_dataset_page_shows_its_revisions(project: Layout):
    assert "没有修订过已发布的数字" in catalog.pages(project)["data/things.md"]
    (project.root / "datasets" / "revisions.csv").write_text(
        "dataset,key,field,old_value,new_value,date,reason\n"
        "things,alpha/2019,value,1.4,1.5,2021-02-03,更正录入错误\n", encoding="utf-8")
    shutil.copy(REPO.schema("revisions"), project.schema("revisions"))
    shutil.copy(REPO.meta("revisions"), project.meta("revisions"))
    result = catalog.pages(project)
    assert "data/revisions.md" in result  # the log is published like any dataset
    cells = markup.texts(markup.find(markup.rendered(result["data/things.md"]), "td"))
    assert "2021-02-03" in cells and "更正录入错误" in cells and "1.4" in cells
    # the place pages link to from the revised figure (revision_log.anchor)
    page = markup.rendered(result["data/things.md"])
    [mark] = markup.find(page, id=revision_log.anchor("things", "alpha/2019"))
    assert "更正录入错误" in markup.text(mark.getparent().getparent())
    assert "No published figure of this dataset has been revised" in result["data/en/kinds.md"]
    english = markup.rendered(result["data/en/things.md"])
    assert "更正录入错误" in markup.texts(markup.find(english, "td"))
    assert "更正录入错误" not in result["data/kinds.md"]


def test_json_ld_is_also_harmless_javascript(pages: dict[str, str], tmp_path: Path):
    """Material's instant navigation runs content scripts as JavaScript, whatever their type."""
    blocks = [block for page in pages.values() for block in ld_scripts(page)]
    chinese = [rel for rel in pages if not rel.startswith("data/en/")]
    assert len(blocks) == len(chinese)  # one on every Chinese page, none on the English ones
    script = tmp_path / "ld.js"
    script.write_text(";\n".join(blocks), encoding="utf-8")
    node = shutil.which("node")
    assert node, "Node.js is needed for this check"
    result = subprocess.run([node, "--check", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------- in a browser


@pytest.mark.site
@pytest.mark.browser
def test_catalog_pages_in_a_browser_with_instant_navigation(site, chromium):  # noqa: F811
    """Every link of the catalog resolves; moving between catalog pages raises no error."""
    base, layout = site
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    page.add_init_script(engine.NAVIGATION_PROBE)
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "data/", wait_until="load")
    moves = iter(range(5, 1000, 7))

    def theme() -> None:  # the reader's first interaction on a page starts the theme
        page.mouse.move(next(moves), 5)
        page.wait_for_selector("html[data-theme-ready]", state="attached")
        page.wait_for_function(engine.NAVIGATION_READY)  # links are followed without page loads

    theme()
    hrefs = page.eval_on_selector_all(f"{engine.CONTENT} a[href]", "els => els.map(e => e.href)")
    local = sorted({h.split("#")[0] for h in hrefs if h.startswith(base)})
    assert any(h.endswith("/data/indicators.xlsx") for h in local)
    for href in local:
        with urllib.request.urlopen(href) as response:
            assert response.status == 200, href
    def at(path: str) -> re.Pattern[str]:
        # Material's anchor tracking may carry a heading's #id along: the page is what counts
        return re.compile(re.escape(base + path) + r"(#.*)?$")

    for dataset in load.discover(layout):
        page.locator(f'{engine.CONTENT} a[href$="/data/{dataset.name}/"]').first.click()
        page.wait_for_url(at(f"data/{dataset.name}/"))
        page.locator(f"{engine.CONTENT} h1", has_text=dataset.meta()["title"]).wait_for(timeout=10000)
        page.go_back()
        page.wait_for_url(at("data/"))
        page.locator(f"{engine.CONTENT} h1", has_text="开放数据").wait_for(timeout=10000)
        theme()  # back may load the page again (the browser's choice): the reader moves again
    page.locator(f'{engine.CONTENT} a[href$="/data/en/"]').first.click()
    page.wait_for_url(at("data/en/"))
    # the old addresses: /data/en/#NAME (each dataset's English description) and
    # /data/#edition-YEAR (named by each edition's citation) show a line that leads on
    dataset = load.discover(layout)[0]
    page.goto(base + f"data/en/#{dataset.name}", wait_until="load")
    line = page.locator(f"#{dataset.name}").locator("xpath=..")
    assert line.is_visible() and line.bounding_box()["y"] < 800
    line.locator(f'a[href$="/data/en/{dataset.name}/"]').click()
    page.wait_for_url(at(f"data/en/{dataset.name}/"))
    page.locator(f"{engine.CONTENT} h1", has_text=dataset.meta()["title_en"]).wait_for(timeout=10000)
    year = max(e.year for e in editions.read(layout) if e.is_published and e.published)
    page.goto(base + f"data/#{archive.anchor(year)}", wait_until="load")
    line = page.locator(f"#{archive.anchor(year)}").locator("xpath=..")
    assert line.is_visible() and line.bounding_box()["y"] < 800
    line.locator(f'a[href$="/data/editions/{year}/"]').click()
    page.wait_for_url(at(f"data/editions/{year}/"))
    page.locator(f"{engine.CONTENT} h1", has_text=f"{year}年").wait_for(timeout=10000)
    files = page.eval_on_selector_all(f"{engine.CONTENT} a[href]", "els => els.map(e => e.href)")
    assert any(h.endswith(f"/data/editions/{year}/SHA256SUMS") for h in files)
    for href in {h.split("#")[0] for h in files if h.startswith(base)}:
        with urllib.request.urlopen(href) as response:
            assert response.status == 200, href
    page.close()
    assert errors == []
