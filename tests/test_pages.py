"""Pages: placeholders filled from the data, unknown names refused with file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline import charts, docs, downloads, model, pages, revision_log
from pipeline import markup as templating
from pipeline.paths import REPO
from tests import markup
from tests.synthetic import data, indicator, target


def site_data():
    return data(
        [indicator("x", 2019, 100), indicator("x", 2020, 120), indicator("u", 2020, 30, unit="所",
                                                                        qualifier="多")],
        [target("t", "level", 240, task_id="2020-T01")],
    )


def write_docs(root: Path, files: dict[str, str]) -> Path:
    docs = root / "docs"
    for rel, text in files.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    return docs


EDITION_INDEX = "---\nheadline:\n  - x\n  - {id: u, change: x}\n---\n# 报告\n"


def build(tmp_path, files, chart_map=None, d=None):
    docs = write_docs(tmp_path, {"2020/index.md": EDITION_INDEX, **files})
    out = tmp_path / "out"
    site = pages.write(docs, out, d or site_data(), chart_map or {}, "某报告")
    return out, site


def test_figures_are_written_the_way_the_source_writes_them(tmp_path):
    out, _ = build(tmp_path, {"2020/a.md": "总数[[fig:x@2020]]，高校[[fig:u]]，目标[[target:t]]。\n"})
    # x has more than one year: its first figure on the page leads to its indicator page
    assert (out / "2020/a.md").read_text(encoding="utf-8") == \
        "总数[120家](../indicators/x.md)，高校30多所，目标240家。\n"


def test_only_the_first_figure_of_an_indicator_with_several_years_is_a_link(tmp_path):
    out, _ = build(tmp_path, {"2020/a.md": "[[fig:x]]，[[fig:x@2019]]，[[fig:u]]。\n",
                              "2020/b.md": "# 别页\n\n[[fig:x@2019]]\n"})
    page = markup.rendered((out / "2020/a.md").read_text(encoding="utf-8"))
    assert [(a.get("href"), markup.text(a)) for a in markup.find(page, "a")] == [
        ("../indicators/x.md", "120家")]  # u has one year: prose stays prose
    assert markup.text(page) == "120家，100家，30多所。"
    other = markup.rendered((out / "2020/b.md").read_text(encoding="utf-8"))
    assert [a.get("href") for a in markup.find(other, "a")] == ["../indicators/x.md"]


def test_a_changed_value_changes_the_page(tmp_path):
    changed = data([indicator("x", 2019, 100), indicator("x", 2020, 133.5),
                    indicator("u", 2020, 30)], [target("t", "level", 240)])
    out, _ = build(tmp_path, {"2020/a.md": "总数[[fig:x]]\n"}, d=changed)
    assert (out / "2020/a.md").read_text(encoding="utf-8") == "总数[133.5家](../indicators/x.md)\n"


def test_unknown_names_fail_with_file_line_and_name(tmp_path):
    text = "第一行\n数字[[fig:nope@2020]]和[[fig:x@1999]]\n[[chart:missing]]\n[[bogus:1]]\n[[fig]]\n"
    with pytest.raises(pages.PageError) as caught:
        build(tmp_path, {"2020/a.md": text})
    problems = caught.value.problems
    assert problems[0].startswith("docs/2020/a.md:2: [[fig:nope@2020]]") and "'nope'" in problems[0]
    assert problems[1].startswith("docs/2020/a.md:2: [[fig:x@1999]]") and "1999" in problems[1]
    assert problems[2].startswith("docs/2020/a.md:3: [[chart:missing]]")
    assert problems[3].startswith("docs/2020/a.md:4: [[bogus:1]]") and "未知的占位符类型" in problems[3]
    assert problems[4].startswith("docs/2020/a.md:5: [[fig]]")
    assert not (tmp_path / "out").exists()  # nothing written when anything is wrong


def test_block_directive_inside_a_sentence_is_refused(tmp_path):
    with pytest.raises(pages.PageError, match="单独占一行"):
        build(tmp_path, {"2020/a.md": "见 [[cards:2020]] 这里\n"})


def test_year_is_required_outside_an_edition(tmp_path):
    with pytest.raises(pages.PageError, match="缺少年份"):
        build(tmp_path, {"about.md": "[[fig:x]]\n"})


def test_cards_show_value_change_year_and_link_to_the_chapter(tmp_path):
    out, _ = build(tmp_path, {
        "index.md": "[[cards:latest]]\n",
        "2020/chapter.md": "---\narea: a\n---\n# 章\n",
    })
    # As the site engines read it (md_in_html): links to the chapter's source file.
    home = markup.rendered((out / "index.md").read_text(encoding="utf-8"))
    cards = markup.find(home, "a", cls="kpi-card")
    assert [card.get("href") for card in cards] == ["2020/chapter.md", "2020/chapter.md"]
    (group,) = markup.find(home, "div", cls="kpi-cards")
    assert [child.tag for child in group] == ["a", "a"]  # no paragraph around the cards
    first, second = markup.texts(cards)
    assert "120家" in first and "比上年增加20家" in first and "2020年" in first
    assert "30多所" in second and "名称x120家" in second  # the named companion figure


def test_targets_table_states_baseline_and_honest_status(tmp_path):
    out, _ = build(tmp_path, {"2020/plan.md": "[[targets:2020]]\n"})
    page = markup.parse((out / "2020/plan.md").read_text(encoding="utf-8"))
    shown = markup.text(page)
    assert "达到240家" in shown and "120家（2020年）" in shown
    assert markup.texts(markup.find(page, cls="target-status--no-actual")) == ["尚无实际数据"]


def test_chart_block_has_table_description_source_and_escaped_json(tmp_path):
    rows = [{"indicator_id": "a", "year": 2020, "name_zh": '</script><img src=x onerror="1">',
             "value": 3, "value_max": 5, "qualifier": None, "unit": "家", "source_section": "一"}]
    chart = charts.build_xy({"id": "c-1", "type": "bar", "title": "标题", "unit": "家",
                             "where": {}, "x": "name_zh", "y": "value"}, rows, "某报告", "d")
    out, site = build(tmp_path, {"2020/a.md": "文字\n[[chart:c-1]]\n"}, {"c-1": chart})
    text = (out / "2020/a.md").read_text(encoding="utf-8")
    assert "<img" not in text and "</script>" not in text  # nothing in the raw page closes a tag
    page = markup.parse(text)
    template = markup.one(page, "template", cls="chart__option", id="chart-c-1-option")
    assert "data-search-exclude" in template.attrib
    assert "\\u003c/script\\u003e" in markup.text(template)
    cells = markup.texts(markup.find(page, "td"))
    assert '</script><img src=x onerror="1">' in markup.texts(markup.find(page, "th")) + cells
    assert not markup.find(page, "img") and not markup.find(page, "script")
    assert "3-5家" in cells
    assert "sr-only" in markup.one(page, id="chart-c-1-desc").get("class").split()
    assert markup.text(markup.one(page, "figcaption", cls="chart__source")) == "来源：某报告（一）"
    assert site.chart_pages["c-1"].rel == "2020/a.md"
    links = pages.chart_links(site, "data/index.md")
    assert links == {"d": [{"id": "c-1", "title": "标题", "link": "../2020/a.md#chart-c-1"}]}


def test_a_declared_chart_must_be_placed_on_a_page(tmp_path):
    rows = [{"x": "a", "v": 1}]
    chart = charts.build_xy({"id": "lonely", "type": "bar", "title": "标题", "unit": "家",
                             "where": {}, "x": "x", "y": "v"}, rows, "某报告", "d")
    with pytest.raises(pages.PageError, match="lonely"):
        build(tmp_path, {"2020/a.md": "文字\n"}, {"lonely": chart})


def test_tasks_are_grouped_under_their_categories(tmp_path):
    d = model.from_records(
        [indicator("x", 2020, 1)], [{"area_id": "a", "order": 1, "name_zh": "领域", "name_en": "A"}],
        [], [{"task_id": "2020-T02", "plan_year": 2020, "number": 2, "category_id": "2020-C1",
              "title_zh": "任务乙"},
             {"task_id": "2020-T01", "plan_year": 2020, "number": 1, "category_id": "2020-C1",
              "title_zh": "任务甲[a](javascript:x)"}],
        [{"category_id": "2020-C1", "plan_year": 2020, "number": 1, "name_zh": "类别*一*"}],
    )
    out, _ = build(tmp_path, {"2020/plan.md": "[[tasks:2020]]\n[[count:tasks@2020]]项\n"}, d=d)
    text = (out / "2020/plan.md").read_text(encoding="utf-8")
    page = markup.rendered(text)
    heading = markup.one(page, "h3", id="2020-c1")
    assert markup.text(heading) == "（一）类别*一*"  # the category's name, not emphasis
    items = markup.texts(markup.find(page, "li"))
    assert [i for i, item in enumerate(items) if "任务甲" in item] < \
        [i for i, item in enumerate(items) if "任务乙" in item]
    assert any(item.endswith("任务甲[a](javascript:x)") for item in items)  # text, not a link
    assert not [h for h in markup.hrefs(page) if h.startswith("javascript:")]
    assert "\n2项" in text


def test_markdown_and_template_syntax_from_data_is_shown_literally():
    text = "[a](javascript:x) {{ x }} <b>"
    page = markup.rendered(templating.md(text))
    assert [e.tag for e in page.iter()] == ["div", "p"] and page[0].text_content() == text
    assert "{{" not in templating.md(text)  # nor read as a template
    nasty = '"<&>\''
    # Everything else from data lands in HTML through a template: autoescaped, quotes included.
    rendered = templating.ENV.from_string('<p title="{{ v }}">{{ v }}</p>').render(v=nasty)
    element = markup.parse(rendered)[0]
    assert element.get("title") == nasty and element.text_content() == nasty


@pytest.mark.parametrize("text", ["1. 第一", "- 一项", "2) 二", "---", "12. 十二"])
def test_markdown_from_data_never_starts_a_list_or_a_rule(text):
    page = markup.rendered("说明：\n\n" + templating.md(text))
    assert not markup.find(page, "li") and not markup.find(page, "hr")
    assert markup.text(page).endswith(text)


@pytest.mark.parametrize(("n", "written"), [(1, "一"), (6, "六"), (10, "十"), (12, "十二"),
                                            (26, "二十六")])
def test_chinese_numbers(n, written):
    assert pages.chinese_number(n) == written


def test_hand_written_pages_type_no_figures():
    """Outside placeholders, the Markdown in docs/ may only contain years (such as 2020)."""
    for path in sorted(REPO.docs.rglob("*.md")):
        if path.relative_to(REPO.docs).parts[0] in ("data", "guide"):
            continue
        meta, start = docs.split_front_matter(path.read_text(encoding="utf-8"))
        body = path.read_text(encoding="utf-8").split("\n")[start - 1:]
        for number, line in enumerate(body, start=start):
            text = docs.DIRECTIVE.sub("", line)
            text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
            text = re.sub(r"\b(19|20)\d\d(?=年)", "", text)  # a year: 2020年
            assert not re.search(r"\d", text), f"{path}:{number}: typed number in {line!r}"


def test_a_backslash_shows_the_placeholder_itself(tmp_path):
    out, _ = build(tmp_path, {"guide.md": "写成 `\\[[fig:rd-spending@2021]]`，值为[[fig:x@2020]]\n"})
    text = (out / "guide.md").read_text(encoding="utf-8")
    assert text == "写成 `[[fig:rd-spending@2021]]`，值为[120家](indicators/x.md)\n"


def test_the_home_page_follows_the_newest_edition(tmp_path):
    d = data([indicator("x", 2020, 120), indicator("x", 2021, 150), indicator("u", 2021, 40)])
    out, _ = build(tmp_path, {
        "index.md": "[[edition:latest]]年\n[[cards:latest]]\n[[link:latest]]\n",
        "2021/index.md": "---\nheadline: [x]\n---\n# 报告\n",
        "2020/index.md": "---\nheadline: [x]\n---\n# 报告\n",
    }, d=d)
    home = (out / "index.md").read_text(encoding="utf-8")
    assert home.startswith("2021年\n")
    page = markup.rendered(home)
    # the card and the report link both lead to the newest edition's source page
    assert markup.hrefs(page) == ["2021/index.md", "2021/index.md"]
    assert "150家" in markup.text(page) and "比上年增加30家" in markup.text(page)
    assert (out / "2020/index.md").exists()  # the earlier edition stays where it was


def test_a_download_panel_goes_under_each_chart(tmp_path):
    rows = [{"x": "a", "v": 1}]
    chart = charts.build_xy({"id": "c", "type": "bar", "title": "标题", "unit": "家",
                             "where": {}, "x": "x", "y": "v"}, rows, "某报告", "d")
    docs = write_docs(tmp_path, {"2020/index.md": EDITION_INDEX, "2020/a.md": "[[chart:c]]\n"})
    pages.write(docs, tmp_path / "bare", site_data(), {"c": chart}, "某报告")
    assert "下载与嵌入" not in (tmp_path / "bare/2020/a.md").read_text(encoding="utf-8")
    record = downloads.Published(site_url="https://d.example.org/", charts={
        "c": downloads.ChartDownloads("c", {}, "/embed/c/", "", "2020/a/")})
    pages.write(docs, tmp_path / "out", site_data(), {"c": chart}, "某报告", downloads=record)
    # Read as the site engines read it: Markdown inside the panel's HTML (md_in_html).
    page = markup.rendered((tmp_path / "out/2020/a.md").read_text(encoding="utf-8"))
    [summary] = [s for s in markup.find(page, "summary") if markup.text(s) == "下载与嵌入"]
    panel = summary.getparent()
    assert markup.find(panel, cls="chart__tools")
    # Links to the source files, relative to the page's source (2020/a.md): any engine
    # resolves them to its own output URLs.
    assert markup.hrefs(panel) == [
        "../data/charts/c.csv", "../data/charts/c.excel.csv", "../data/charts/c.xlsx",
        "../data/charts/c.png", "../data/charts/c.svg", "../embed/c/index.html", "a.md#chart-c"]
    assert "https://d.example.org/2020/a/#chart-c" in markup.text(panel)  # the permalink shown


# -- placeholders follow their page's edition ------------------------------------------------

def _two_plans():
    """Two editions' figures and plans (synthetic): the same target id in each plan."""
    return data(
        [indicator("x", 2019, 100), indicator("x", 2020, 120), indicator("x", 2021, 150),
         indicator("u", 2020, 30)],
        [target("t", "level", 240), target("t", "level", 300, baseline_year=2021)],
    )


def test_every_placeholder_means_the_pages_edition_and_at_year_picks_another(tmp_path):
    text = ("[[fig:x]] [[fig:x@2020]] [[target:t]] [[target:t@2020]]\n\n"
            "[[targets]]\n\n[[targets@2020]]\n")
    out, _ = build(tmp_path, {"2021/index.md": "---\nheadline: [x]\n---\n# 2021\n",
                              "2021/a.md": text}, d=_two_plans())
    page = (out / "2021/a.md").read_text(encoding="utf-8")
    assert page.startswith("[150家](../indicators/x.md) 120家 300家 240家\n")
    tables = re.findall(r"<caption>(\d{4})年计划目标", page)
    assert tables == ["2021", "2020"]
    assert "达到300家" in page.split("2020年计划目标")[0] and "达到240家" in page


def test_cards_and_at_year_cards_show_their_editions_figures(tmp_path):
    out, _ = build(tmp_path, {"2021/index.md": "---\nheadline: [x]\n---\n# 2021\n\n[[cards]]\n\n"
                                               "[[cards@2020]]\n"}, d=_two_plans())
    page = (out / "2021/index.md").read_text(encoding="utf-8")
    values = re.findall(r'kpi-card__value">([^<]+)<', page)
    assert values == ["150家", "120家", "30家"]  # 2021: x; 2020: x and u


def test_an_edition_without_its_plan_says_so_and_builds(tmp_path):
    text = ("目标：[[target:t]]。\n\n[[targets]]\n\n[[tasks]]\n\n"
            "任务[[count:tasks@2021]]，类别[[count:categories@2021]]，目标[[count:targets@2021]]。\n")
    out, _ = build(tmp_path, {"2021/index.md": "---\nheadline: [x]\n---\n# 2021\n",
                              "2021/plan.md": text})
    page = (out / "2021/plan.md").read_text(encoding="utf-8")
    assert page.startswith("目标：（2021年计划尚未发布）。")
    assert page.count("计划尚未发布") == 6
    assert "任务（2021年计划尚未发布），类别（2021年计划尚未发布），目标（2021年计划尚未发布）。" in page
    with pytest.raises(pages.PageError, match="2021 年的计划没有目标"):
        build(tmp_path / "other", {"2021/index.md": "---\nheadline: [x]\n---\n# 2021\n",
                                   "2021/plan.md": "[[target:nope]]\n"}, d=data(
            [indicator("x", 2021, 1)], [target("t", "level", 1, baseline_year=2021),
                                        target("nope", "level", 1)]))


def test_a_draft_edition_has_a_notice_on_every_page_and_waits_for_its_data(tmp_path):
    docs = write_docs(tmp_path, {"2020/index.md": EDITION_INDEX,
                                 "2021/index.md": "---\nheadline: [x]\n---\n# 2021\n\n[[cards]]\n",
                                 "2021/a.md": "# 一章\n\n数字[[fig:x]]。\n"})
    pages.write(docs, tmp_path / "out", site_data(), {}, "某报告", drafts={2021})
    for rel in ("2021/index.md", "2021/a.md"):
        page = (tmp_path / "out" / rel).read_text(encoding="utf-8")
        assert page.count("edition-notice--draft") == 1 and "草稿" in page, rel
    assert "数字（待补数据：fig:x）。" in (tmp_path / "out/2021/a.md").read_text(encoding="utf-8")
    assert "草稿" not in (tmp_path / "out/2020/index.md").read_text(encoding="utf-8")
    # the same pages published: the missing figure stops the build
    with pytest.raises(pages.PageError, match="2021"):
        pages.write(docs, tmp_path / "pub", site_data(), {}, "某报告")


# -- the archive and release calendar ---------------------------------------------------------

def test_the_home_page_lists_every_edition_with_its_dates_and_leaves_drafts_to_the_preview(
        tmp_path):
    """Two editions from the real project's newest year on (synthetic figures): the archive
    lists them newest first, linked, with the dates of their front matter."""
    first = max(docs.edition_years(REPO))
    second = first + 1
    d = data([indicator("x", first, 120), indicator("x", second, 150)])

    def front(year: int, status: str = "published") -> str:
        return (f"---\ntitle: {year}年工作报告\nstatus: {status}\npublished: {year + 1}-03-15\n"
                f"next: {year + 2}-04\nheadline: [x]\n---\n# {year}\n")

    files = {"index.md": "# 首页\n\n[[editions]]\n",
             f"{first}/index.md": front(first), f"{second}/index.md": front(second)}
    docs_dir = write_docs(tmp_path, files)
    pages.write(docs_dir, tmp_path / "out", d, {}, "某报告")
    home = markup.rendered((tmp_path / "out/index.md").read_text(encoding="utf-8"))
    rows = [markup.texts(markup.find(tr, "td")) for tr in markup.find(home, "tr")[1:]]
    assert rows == [
        [f"{second}年工作报告", f"{second + 1}年3月15日", f"预计{second + 2}年4月"],
        [f"{first}年工作报告", f"{first + 1}年3月15日", f"{second}年报告"],
    ]
    assert markup.hrefs(home) == [f"{second}/index.md", f"{first}/index.md", f"{second}/index.md"]
    assert f"下一期（{second + 1}年报告）预计于{second + 2}年4月发布" in markup.text(home)

    # The deployed site: a draft's folder is left out, so is its row.
    files[f"{second}/index.md"] = front(second, "draft")
    docs_dir = write_docs(tmp_path / "d", files)
    pages.write(docs_dir, tmp_path / "site", d, {}, "某报告", leave_out={second})
    home = markup.rendered((tmp_path / "site/index.md").read_text(encoding="utf-8"))
    assert [markup.text(markup.find(tr, "td")[0]) for tr in markup.find(home, "tr")[1:]] == [
        f"{first}年工作报告"]
    assert str(second) + "/" not in " ".join(markup.hrefs(home))
    # The preview: listed, marked as a draft; the calendar still follows the published one.
    pages.write(docs_dir, tmp_path / "preview", d, {}, "某报告", drafts={second})
    home = markup.rendered((tmp_path / "preview/index.md").read_text(encoding="utf-8"))
    [draft_row] = [tr for tr in markup.find(home, "tr") if "草稿" in markup.text(tr)]
    assert markup.text(markup.find(draft_row, "td")[0]) == f"{second}年工作报告（草稿，未发布）"


# -- revised figures are marked where they are shown -------------------------------------------

def test_a_revised_figure_is_marked_with_a_link_to_its_revision(tmp_path):
    """A synthetic revision of x in the real project's newest year: [[fig:x]] and its card
    say 修订 and link to the record's revision on the indicators page; u (never revised)
    does not."""
    year = max(docs.edition_years(REPO))
    d = data([indicator("x", year - 1, 100), indicator("x", year, 120),
              indicator("u", year, 30)])
    index = "---\nheadline: [x, u]\n---\n# 报告\n\n[[cards]]\n"
    files = {f"{year}/index.md": index, f"{year}/a.md": "数字[[fig:x]]，另一个[[fig:u]]。\n"}
    revision = revision_log.Revision("indicators", f"x/{year}", "value", "110", "120",
                                     f"{year + 1}-02-03", "更正")
    docs_dir = write_docs(tmp_path, files)
    pages.write(docs_dir, tmp_path / "out", d, {}, "某报告", revisions=[revision])
    target = f"../data/indicators.md#{revision_log.anchor('indicators', f'x/{year}')}"
    page = markup.rendered((tmp_path / "out" / f"{year}/a.md").read_text(encoding="utf-8"))
    [mark] = markup.find(page, "a", cls="revision-mark")
    assert markup.text(mark) == "（修订）" and mark.get("href") == target
    assert markup.text(page) == "数字120家（修订），另一个30家。"
    home = markup.rendered((tmp_path / "out" / f"{year}/index.md").read_text(encoding="utf-8"))
    cards = markup.find(home, "a", cls="kpi-card")
    assert ["修订" in markup.text(c) for c in cards] == [True, False]
    assert target in markup.hrefs(home)
    # without the revision nothing is marked
    pages.write(docs_dir, tmp_path / "plain", d, {}, "某报告")
    text = (tmp_path / "plain" / f"{year}/a.md").read_text(encoding="utf-8")
    assert "修订" not in text and "修订" not in (tmp_path / "plain" / f"{year}/index.md").read_text(
        encoding="utf-8")


def test_a_revised_figure_in_a_chart_table_is_marked_with_a_link_to_its_revision(tmp_path):
    year = max(docs.edition_years(REPO))
    rows = [{"indicator_id": "x", "year": y, "value": v} for y, v in ((year - 1, 100), (year, 120))]
    chart = charts.build_xy({"id": "c", "type": "bar", "title": "标题", "unit": "家",
                             "where": {}, "x": "year", "y": "value"}, rows, "某报告", "indicators")
    index = "---\nheadline: [x]\n---\n# 报告\n"
    docs_dir = write_docs(tmp_path, {f"{year}/index.md": index, f"{year}/a.md": "[[chart:c]]\n"})
    revision = revision_log.Revision("indicators", f"x/{year}", "value", "110", "120")
    d = data([indicator("x", year - 1, 100), indicator("x", year, 120)])
    pages.write(docs_dir, tmp_path / "out", d, {"c": chart}, "某报告", revisions=[revision])
    page = markup.rendered((tmp_path / "out" / f"{year}/a.md").read_text(encoding="utf-8"))
    marked = [tr for tr in markup.find(page, "tr") if markup.find(tr, "a", cls="revision-mark")]
    assert [markup.text(markup.find(tr, "th")[0]) for tr in marked] == [f"{year}年"]
    [link] = markup.find(marked[0], "a", cls="revision-mark")
    # from the site's root (raw HTML: the engines resolve relative links in it differently)
    href = f"/data/indicators/#{revision_log.anchor('indicators', f'x/{year}')}"
    assert link.get("href") == href
    # with the site's address known, from that address (its path included)
    pages.write(docs_dir, tmp_path / "addressed", d, {"c": chart}, "某报告", revisions=[revision],
                site_url="https://d.example.org/kjj/")
    page = markup.rendered((tmp_path / "addressed" / f"{year}/a.md").read_text(encoding="utf-8"))
    assert [a.get("href") for a in markup.find(page, "a", cls="revision-mark")] == [
        "https://d.example.org/kjj" + href]
    pages.write(docs_dir, tmp_path / "plain", d, {"c": chart}, "某报告")
    assert "revision-mark" not in (tmp_path / "plain" / f"{year}/a.md").read_text(encoding="utf-8")


def test_a_revised_target_and_the_figures_beside_it_are_marked_in_targets_and_tables(tmp_path):
    """[[target:t]], the targets table (target, baseline, actual) and [[figures:...]] say 修订
    with a link to the revision when the record was revised; nothing else is marked."""
    year = max(docs.edition_years(REPO))
    d = data([indicator("x", year - 1, 100), indicator("x", year, 120)],
             [target("t", "level", 240, baseline_year=year - 1, plan_year=year)])
    index = "---\nheadline: [x]\n---\n# 报告\n"
    text = "目标[[target:t]]。\n\n[[targets]]\n\n[[figures:a]]\n"
    docs_dir = write_docs(tmp_path, {f"{year}/index.md": index, f"{year}/plan.md": text})
    log = [revision_log.Revision("plan-targets", f"{year}/t", "value", "230", "240", "2099-01-02"),
           revision_log.Revision("indicators", f"x/{year}", "value", "119", "120", "2099-01-02")]
    pages.write(docs_dir, tmp_path / "out", d, {}, "某报告", revisions=log)
    page = markup.rendered((tmp_path / "out" / f"{year}/plan.md").read_text(encoding="utf-8"))
    anchor = {r.dataset: revision_log.anchor(r.dataset, r.key) for r in log}
    marks = markup.find(page, "a", cls="revision-mark")
    hrefs = [m.get("href") for m in marks]
    # the inline target: a Markdown link to the plan-targets page's source
    assert hrefs[0] == f"../data/plan-targets.md#{anchor['plan-targets']}"
    assert markup.text(page).startswith("目标240家（修订）。")
    # the targets table (raw HTML, from the site's root): target and actual, not baseline
    [table] = [t for t in markup.find(page, "table") if "计划目标" in markup.text(t)]
    cells = {td.get("data-label"): td for td in markup.find(table, "td")}
    assert [m.get("href") for m in markup.find(cells["目标值"], "a", cls="revision-mark")] == [
        f"/data/plan-targets/#{anchor['plan-targets']}"]
    assert [m.get("href") for m in markup.find(cells["实际"], "a", cls="revision-mark")] == [
        f"/data/indicators/#{anchor['indicators']}"]
    assert not markup.find(cells["基期"], "a", cls="revision-mark")
    # the area's figures table: only the revised year's figure
    [figures] = [t for t in markup.find(page, "table") if "全部数字" in markup.text(t)]
    assert [m.get("href") for m in markup.find(figures, "a", cls="revision-mark")] == [
        f"/data/indicators/#{anchor['indicators']}"]
    pages.write(docs_dir, tmp_path / "plain", d, {}, "某报告")
    assert "revision-mark" not in (tmp_path / "plain" / f"{year}/plan.md").read_text(encoding="utf-8")


# -- headline cards against the previous edition ----------------------------------------------

def _cards(out: Path, rel: str) -> list[str]:
    page = markup.rendered((out / rel).read_text(encoding="utf-8"))
    return markup.texts(markup.find(page, "a", cls="kpi-card"))


def test_cards_compare_with_the_previous_edition_where_the_data_has_it(tmp_path):
    index = "---\nheadline: [{1}]\n---\n# {0}\n\n[[cards]]\n"
    out, _ = build(tmp_path, {"2021/index.md": index.format(2021, "x"),
                              "2020/index.md": index.format(2020, "x, u")},
                   d=_two_plans())
    (x,) = _cards(out, "2021/index.md")
    assert "150家" in x and "比上年增加30家" in x and "上期2020年：120家" in x
    # the first edition has no previous edition: its card is what it was (the year before
    # in the data, with no 上期 line)
    x20, u20 = _cards(out, "2020/index.md")
    assert "比上年增加20家" in x20 and "上期" not in x20 and "上期" not in u20


def test_a_card_compares_with_the_previous_edition_not_the_year_before(tmp_path):
    # editions 2020 and 2022; the data also has 2021 (no edition of its own)
    d = data([indicator("x", 2020, 100), indicator("x", 2021, 130), indicator("x", 2022, 150),
              indicator("u", 2020, 20, qualifier="多", unit="所"),
              indicator("u", 2022, 30, qualifier="多", unit="所")])
    out, _ = build(tmp_path, {"2022/index.md": "---\nheadline: [x, u]\n---\n# 2022\n\n[[cards]]\n"},
                   d=d)
    x, u = _cards(out, "2022/index.md")
    assert "比2020年增加50家" in x and "上期2020年：100家" in x
    # "30多" against "20多" is not a number: both shown as written, no difference
    assert "上期2020年：20多所" in u and "增加" not in u and "减少" not in u
