"""`python -m pipeline build`: validate, then build the whole site into site/.

What belongs here: chaining the stages in order (validate -> model ->
charts -> downloads -> pages, catalog, feeds and preview images -> MkDocs),
each taking what the ones before returned, and replacing site/ only when
every stage succeeded. What does not: any stage's own work or domain logic
(titles, names, URLs, dates live in model.py, siteconfig.py, urls.py,
git.py). This is the only module that imports them all.

The pages are generated into .build/docs (mkdocs.yml's docs_dir) and MkDocs
renders them with --strict into a fresh folder beside it; site/ is swapped
for that folder at the very end, so a failed build leaves site/ exactly as
it was.

A build from an empty .build/ runs its slow parts side by side, each in a
process of its own: esbuild, one Node process for every chart drawing and
MkDocs (render.py) start while the data is validated; resvg rasterises the
chart images and the edition cards, and the downloads are written, while
Node draws the pages' charts. Each part's output is what it would be alone.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from .paths import REPO, Layout

if TYPE_CHECKING:
    from . import charts as charts_stage
    from . import docs, downloads, model, pages, render
    from .datasets import Table
    from .findings import Findings

# The stages are imported where they are used, not here: a build that fails at
# validation (the common case for staff) then stops without loading the chart and
# page machinery.

BUNDLE = "assets/javascripts/charts.js"
# The browser scripts (web/), each bundled on its own: site.js on every page, charts-ssr.js
# when a chart nears the viewport, charts.js (the full ECharts) on a first interaction.
SCRIPTS = ("site.js", "charts-ssr.js", "charts.js")
CHART_CSS = "assets/stylesheets/charts.css"


class BuildError(Exception):
    """A stage failed; the message says which and why, in Chinese."""


def validate(layout: Layout) -> tuple[Findings, dict[str, Table]]:
    """Validation's findings and every table it read (validate.validated); BuildError when
    anything is invalid."""
    from .validate import validated

    report, tables = validated(layout, lang="zh")
    if not report.valid:
        raise BuildError("数据校验未通过，网站没有更新：\n" + report.formatted("text", lang="zh"))
    return report, tables


def bundle_inputs(layout: Layout) -> list[bytes]:
    """Everything the browser scripts are bundled from: web/ and the locked npm packages."""
    inputs = [" ".join(SCRIPTS).encode()]
    for path in sorted(p for p in layout.web.rglob("*") if p.is_file()):
        inputs += [path.relative_to(layout.web).as_posix().encode(), path.read_bytes()]
    for path in (layout.root / "package-lock.json", layout.node_modules / ".package-lock.json"):
        inputs.append(path.read_bytes() if path.exists() else b"")
    return inputs


def bundled(layout: Layout) -> Path:
    """The folder holding the bundled scripts, .build/bundle/KEY/: esbuild runs only when
    web/ or the npm packages changed since the last bundle (the key is their hash)."""
    esbuild = layout.node_modules / ".bin" / "esbuild"
    if not esbuild.exists():
        raise BuildError("找不到 node_modules/.bin/esbuild：请先运行 make npm（即 npm ci）")
    key = hashlib.sha256(b"\0".join(bundle_inputs(layout))).hexdigest()[:32]
    cache = layout.build / "bundle"
    done = cache / key
    if done.is_dir():
        return done
    scratch = cache / f"{key}.tmp"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    proc = subprocess.run(
        [str(esbuild), *(str(layout.web / name) for name in SCRIPTS), "--bundle", "--minify",
         "--format=iife", "--target=es2019", "--legal-comments=linked", f"--outdir={scratch}",
         "--log-level=error"],
        cwd=layout.root, capture_output=True, text=True,
    )
    if proc.returncode != 0:
        shutil.rmtree(scratch, ignore_errors=True)
        raise BuildError("打包图表脚本失败（esbuild）：\n" + proc.stderr)
    for old in cache.iterdir():  # only the current bundle is kept
        if old != scratch:
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    scratch.rename(done)
    return done


def bundle(layout: Layout, out_docs: Path, ready: Future[Path] | None = None) -> set[str]:
    """Bundle each script of web/ with the ECharts parts it imports (esbuild from node_modules,
    cached by its inputs: `bundled`); `ready` is a bundle already started (start_bundle)."""
    from . import pages

    folder = ready.result() if ready is not None else bundled(layout)
    written = set()
    for produced in sorted(folder.iterdir()):
        rel = f"{BUNDLE.rsplit('/', 1)[0]}/{produced.name}"
        pages.write_if_changed(out_docs / rel, produced.read_bytes())
        written.add(rel)
    return written


def start_bundle(layout: Layout, pool: ThreadPoolExecutor) -> Future[Path]:
    """Start bundling the scripts beside validation: esbuild is another process, and what
    this thread does is wait for it."""
    return pool.submit(bundled, layout)


def draw(layout: Layout, charts: dict[str, charts_stage.Chart], preview: bool = False) -> dict[str, str]:
    """Each chart drawn as SVG for its page (chart_drawings.py)."""
    from . import chart_drawings

    try:
        return chart_drawings.page_drawings(layout, charts)
    except chart_drawings.DrawingError as exc:
        if not preview:
            raise BuildError(str(exc)) from exc
        # the preview runs with Python alone: without Node, the charts' tables stand in
        print(f"预览：图表不会绘制（{str(exc).splitlines()[0]}），表格和文字照常显示。", file=sys.stderr)
        return {}


def chart_stylesheet(layout: Layout, out_docs: Path) -> set[str]:
    """assets/stylesheets/charts.css: the drawings' widths, states and dark palette."""
    from . import chart_drawings, pages

    pages.write_if_changed(out_docs / CHART_CSS, chart_drawings.stylesheet(layout).encode("utf-8"))
    return {CHART_CSS}


def publish_data(layout: Layout, out_docs: Path, project: model.Project,
                 charts: dict[str, charts_stage.Chart], drawings: Callable[[], dict[str, str]],
                 preview: bool = False, images: bool = True,
                 series: dict[str, bytes] | None = None,
                 svgs: dict[str, bytes] | None = None) -> downloads.Published:
    """Downloads under /data/ (chart data and images, and each indicator's series, included)
    and embed pages under /embed/ (downloads.py, formats.py, chart_exports.py); the record of
    what was written. `drawings` gives the charts' page drawings (for the embed pages) when
    they are needed. `images=False` (the preview's first pass after a save) leaves out the
    chart images; `svgs` are the export SVGs when already drawn (export_svgs)."""
    from . import chart_exports, downloads, revision_log, urls

    chart_pages = {cid: page.url for cid, page in project.chart_pages.items() if cid in charts}
    revised = revision_log.revised(project.revisions)
    try:
        if images:
            drawn = chart_exports.images(layout, charts, project.package, svgs)
        else:  # the last pass's images stand in until the second pass redraws them
            drawn = chart_exports.previous_images(out_docs / urls.DATA_DIR, charts)
        has_images = True
    except chart_exports.ExportError as exc:
        if not preview:
            raise BuildError(str(exc)) from exc
        # the preview runs with Python alone: without Node or Chromium, no chart images
        print(f"预览：没有生成图表图片（{str(exc).splitlines()[0]}）", file=sys.stderr)
        drawn, has_images = {}, False

    def embeds() -> dict[str, bytes]:  # asked for once the data files are written (publish)
        if not has_images:
            return {}
        return chart_exports.embeds(charts, project.package, project.site_url, chart_pages,
                                    drawings(), revised)

    archives = downloads.edition_archives(layout, project.datasets, project.releases,
                                          project.revisions)
    return downloads.publish(layout, out_docs, project.datasets, charts, chart_pages,
                             project.site_url, {**drawn, **(series or {})}, embeds, archives,
                             revised)


def export_svgs(layout: Layout, charts: dict[str, charts_stage.Chart], project: model.Project,
                images: bool = True) -> dict[str, bytes] | None:
    """The charts' export SVGs (chart_exports.svgs), drawn before the page drawings so that
    resvg rasterises them while Node draws the pages. None when there are to be no images,
    or when they cannot be drawn (publish_data then tries again and says why)."""
    from . import chart_exports

    if not images:
        return None
    try:
        return chart_exports.svgs(layout, charts, project.package)
    except chart_exports.ExportError:
        return None


def catalog_pages(layout: Layout, out_docs: Path, project: model.Project,
                  site: pages.ReportPages, published: downloads.Published) -> set[str]:
    """The catalog pages under /data/ (catalog.py), from the model and the downloads' record."""
    from . import catalog, chart_exports, model, pages, urls

    links = pages.chart_links(site, "data/index.md")
    for entries in links.values():
        for entry in entries:
            chart = site.charts[entry["id"]]
            entry["edition"] = str(chart.edition or "")  # "" for a chart of no edition
            entry["snippet"] = chart_exports.embed_snippet(chart, project.site_url)
            entry["permalink"] = urls.chart_urls(
                chart.id, project.site_url, published.charts[chart.id].page
                if chart.id in published.charts else "").get("permalink", "")
    # A target chart draws its indicator's series too: list it under that dataset as well.
    for entry in list(links.get(model.TARGETS, [])):
        if site.charts[entry["id"]].kind == "target":
            links.setdefault(model.INDICATORS, []).append(dict(entry))
    written = catalog.write_pages(layout, out_docs, published.content, project.findings, links,
                                  items=project.datasets)
    return {p.relative_to(out_docs).as_posix() for p in written}


def share(layout: Layout, out_docs: Path, project: model.Project, site: pages.ReportPages,
          charts: dict[str, charts_stage.Chart], cards: bool = True,
          made_cards: Callable[[], dict[str, bytes]] | None = None) -> set[str]:
    """Feeds (feeds.py), edition cards (unless `cards` is False: the preview's first pass)
    and each page's preview image (social.py). `made_cards` gives the cards when they were
    started earlier (start_cards)."""
    from . import chart_exports, feeds, formats, pages, social

    written = feeds.write(layout, out_docs, project)
    drawn: dict[str, bytes] = {}
    try:
        if cards:
            drawn = made_cards() if made_cards is not None else \
                social.cards(layout, site, project.site_name, project.package)
    except chart_exports.ExportError as exc:
        raise BuildError(str(exc)) from exc
    if not cards:  # the last pass's cards stay until the second pass redraws them
        folder = out_docs / social.CARD_DIR
        drawn = {p.relative_to(out_docs).as_posix(): p.read_bytes()
                 for p in sorted(folder.glob("*.png"))} if folder.is_dir() else {}
    for rel, content in drawn.items():
        pages.write_if_changed(out_docs / rel, content)
        written.add(rel)
    generated = sorted(p.relative_to(out_docs).as_posix() for p in out_docs.rglob("*.md"))
    social.tag_pages(out_docs, social.page_meta(
        site, charts, generated, lambda year: formats.edition_pdf(layout, year)))
    return written


def start_cards(layout: Layout, pool: ThreadPoolExecutor, project: model.Project,
                charts: dict[str, charts_stage.Chart], shown: list[docs.Page]) -> Future[dict[str, bytes]]:
    """Draw the edition cards (social.cards) beside the charts rather than after the pages:
    they need only the editions' pages (`shown`) and figures, which the model holds."""
    from . import pages, social

    editions = pages.ReportPages(project.figures, charts, shown, project.source_title)
    return pool.submit(social.cards, layout, editions, project.site_name, project.package)


def generate(layout: Layout, log=print, preview: bool = False,  # type: ignore[no-untyped-def]
             images: bool = True) -> pages.ReportPages:
    """Everything before MkDocs: validate, figures, charts, downloads, pages, assets.

    `preview` (the live preview) carries on without Node.js and Chromium: charts are then
    not drawn and have no images, and everything else is as in the build. `images=False`
    (the preview's first pass after a save, to show the change soonest) leaves out the chart
    images and edition cards; the preview makes them in a second pass.

    Git is asked once for every file's date (git.dates_once), each YAML file parsed once
    (load.read_yaml_once, siteconfig) and each table read and typed once, by validation,
    which hands the tables to the model (validate.validated, model.build_project).
    """
    from . import git

    # Node's and esbuild's work runs beside Python's: the script bundle from the start, the
    # charts' page drawings and the edition cards beside the chart images and the downloads
    # (threads that wait for another process).
    with git.dates_once(), ThreadPoolExecutor(max_workers=3) as pool:
        scripts = start_bundle(layout, pool)
        try:
            return _generate(layout, log, preview, scripts, images, pool)
        finally:
            scripts.cancel()


def _generate(layout: Layout, log=print, preview: bool = False,  # type: ignore[no-untyped-def]
              scripts: Future[Path] | None = None, images: bool = True,
              pool: ThreadPoolExecutor | None = None) -> pages.ReportPages:
    # The stages in order, each taking what the ones before handed on: model -> charts ->
    # downloads -> pages (report pages, catalog, feeds, cards) -> MkDocs (run_mkdocs).
    started = time.perf_counter()
    report, tables = validate(layout)
    from . import charts as charts_stage
    from . import docs, indicators, load, model, navigation, pages, siteconfig

    try:
        model.source_title(load.package_meta(layout))
    except model.FigureError as exc:
        raise BuildError(str(exc)) from exc
    try:
        project = model.build_project(layout, report, tables)
    except docs.PageError as exc:
        raise BuildError("页面中的占位符有误，网站没有更新：\n" + "\n".join(exc.problems)) from exc
    except model.FigureError as exc:
        raise BuildError(f"图表或数字有误：{exc}") from exc
    # A draft edition is shown by the preview only: the deployed site's pages, charts,
    # downloads, feeds, search and sitemap are made without it.
    drafts = project.drafts
    everything = project
    if not preview:
        project = project.deployed()
    years = sorted(e.year for e in project.editions)
    nav = navigation.derive(siteconfig.read(layout).get("nav"), everything.pages,
                            sorted(e.year for e in everything.editions),
                            drafts=drafts if preview else set(), shown=set(years))
    navigation.write_nav(layout, nav.nav)
    try:
        charts = charts_stage.build_all(layout, project.figures, project.source_title,
                                        project.records(), project.source_titles, years)
    except (model.FigureError, charts_stage.ChartError) as exc:
        raise BuildError(f"图表或数字有误：{exc}") from exc
    published_years = [y for y in years if y not in drafts]
    latest = (published_years or years)[-1] if years else None
    project.chart_pages = charts.placed(project.chart_pages, latest)
    # Each indicator across years (its page, chart and series downloads), without the draft
    # editions' years on the deployed site.
    hidden = set() if preview else drafts
    try:
        across = indicators.context(project, hidden)
        rows = [r for r in project.dataset(model.INDICATORS).records if r.get("year") not in hidden]
        series_charts = {s.indicator_id: charts_stage.series_chart(
            rows, s.indicator_id, project.source_title, project.source_titles)
            for s in across.series}
    except (model.FigureError, charts_stage.ChartError) as exc:
        raise BuildError(f"指标页有误：{exc}") from exc
    out = layout.generated_docs
    times = pages.page_times(out)
    every_chart = {**charts, **{c.id: c for c in series_charts.values()}}
    series = indicators.downloads(across)
    made_cards = None
    if pool is not None:
        if images:
            made_cards = start_cards(layout, pool, project, charts,
                                     [p for p in project.pages if p.edition not in hidden]).result
        # The export SVGs first, then the page drawings in the same Node process (keep_node),
        # while resvg rasterises the SVGs into PNGs in another one.
        svgs = export_svgs(layout, charts, project, images)
        drawing = pool.submit(draw, layout, every_chart, preview)
        published = publish_data(layout, out, project, charts, drawing.result, preview, images,
                                 series, svgs)
        drawings = drawing.result()
    else:
        drawings = draw(layout, every_chart, preview)
        published = publish_data(layout, out, project, charts, lambda: drawings, preview, images,
                                 series)
    try:
        site = pages.write(layout.docs, out, project.figures, charts, project.source_title,
                           downloads=published, drawings=drawings, docs_pages=project.pages,
                           sources=project.source_titles, revisions=project.revisions,
                           site_url=project.site_url,
                           drafts=drafts if preview else set(),
                           leave_out=set() if preview else drafts,
                           outside_nav={y: rels for y, rels in nav.outside.items()
                                        if y not in drafts})
    except pages.PageError as exc:
        raise BuildError("页面中的占位符有误，网站没有更新：\n" + "\n".join(exc.problems)) from exc
    keep = set(site.written)
    generated = chart_stylesheet(layout, out)
    for rel, text in indicators.pages(across, series_charts, drawings, published).items():
        pages.write_if_changed(out / rel, text.encode("utf-8"))
        generated.add(rel)
    try:
        generated |= bundle(layout, out, scripts)
    except BuildError as exc:
        if not preview:
            raise
        print(f"预览：图表不会绘制（{str(exc).splitlines()[0]}），表格和文字照常显示。",
              file=sys.stderr)
    generated |= published.written
    generated |= catalog_pages(layout, out, project, site, published)
    try:
        generated |= share(layout, out, project, site, charts, cards=images, made_cards=made_cards)
    except BuildError as exc:
        if not preview:
            raise
        print(f"预览：没有生成分享卡片（{str(exc).splitlines()[0]}）", file=sys.stderr)
    clash = sorted(keep & generated)
    if clash:
        raise BuildError("手写的文件与构建生成的文件同名，生成的文件会覆盖它，网站没有更新 / a "
                         "hand-written file has the name of a generated one:\n"
                         + "\n".join(f"  docs/{rel} ↔ 生成的 / generated {rel}" for rel in clash)
                         + "\n修改方法 / fix: 给手写的文件换个名字或位置 / rename or move the "
                         "hand-written file")
    keep |= generated
    pages.prune(out, keep)
    pages.keep_times(times)
    log(f"页面已生成：{len(site.pages)} 页、{len(charts)} 个图表"
        f"（{time.perf_counter() - started:.1f} 秒）")
    return site


def source_date_epoch(layout: Layout) -> str:
    """Build date for sitemap.xml: the last commit's time, so rebuilds are identical."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    from . import git

    return git.last_commit_time(layout) or "0"


def mkdocs_env(layout: Layout) -> dict[str, str]:
    """The environment MkDocs runs in: a fixed build date. The theme's end-of-life notice
    (Material for MkDocs ends on 2027-05-05) is left on: the build passes it on."""
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = source_date_epoch(layout)
    return env


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def theme_notice(stderr: str) -> str:
    """The theme's own notice in MkDocs' output (its end of life, and where it moves to),
    without colours and box lines; "" when there is none."""
    lines = [ANSI.sub("", line).strip().strip("│").strip() for line in stderr.splitlines()
             if "│" in ANSI.sub("", line)]
    return "\n".join(line for line in lines if line)


def run_mkdocs(layout: Layout, out_site: Path, env: dict[str, str] | None = None,
               early: render.Early | None = None) -> str:
    """MkDocs renders the generated pages into out_site; any warning fails (--strict).
    Returns the theme's notice, if it printed one (theme_notice). MkDocs reads the build's
    own configuration: mkdocs.yml with the navigation derived from the editions. `early` is
    a process that has loaded MkDocs already (render.start): it renders instead of a new one."""
    from . import navigation

    # No --quiet: it hides warnings from MkDocs' own counter, and --strict then passes.
    args = ["build", "--strict",
            "--config-file", str(navigation.write_config(layout, navigation.read_nav(layout))),
            "--site-dir", str(out_site)]
    if early is not None:
        proc = early.render(args)
    else:
        proc = subprocess.run([sys.executable, "-m", "mkdocs", *args], cwd=layout.root,
                              capture_output=True, text=True, env=env or mkdocs_env(layout))
    if proc.returncode != 0:
        raise BuildError("MkDocs 构建失败（--strict：任何警告都算失败）：\n"
                         + (proc.stderr or proc.stdout).strip())
    return theme_notice(proc.stderr)


RENDER_STATE = "site-state.json"


def render_key(layout: Layout, env: dict[str, str]) -> str:
    """The hash of everything MkDocs renders site/ from: the generated pages and files, the
    configurations, the theme's overrides, the environment values mkdocs.yml reads (and the
    build date), and the installed packages with their versions (MkDocs, the theme, Markdown)."""
    from . import navigation

    digest = hashlib.sha256()

    def add(*parts: bytes) -> None:
        for part in parts:
            digest.update(len(part).to_bytes(8, "little") + part)

    config = navigation.write_config(layout, navigation.read_nav(layout))
    add(config.read_bytes(), layout.mkdocs_config.read_bytes())
    for name in sorted(set(re.findall(r"!ENV\s*\[?\s*([A-Za-z_][A-Za-z0-9_]*)",
                                      layout.mkdocs_config.read_text(encoding="utf-8")))
                       | {"SOURCE_DATE_EPOCH"}):
        add(name.encode(), env.get(name, "\0unset").encode())
    from . import siteconfig

    theme = siteconfig.read(layout).get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    folders = [layout.generated_docs] + ([layout.root / custom] if isinstance(custom, str) and custom else [])
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            add(path.relative_to(folder).as_posix().encode(), path.read_bytes())
    add(sys.version.encode())
    for entry in sys.path:
        if entry.endswith("site-packages") and os.path.isdir(entry):
            add(*sorted(name.encode() for name in os.listdir(entry) if name.endswith(".dist-info")))
    return digest.hexdigest()


def site_fingerprint(site: Path) -> list[list[object]]:
    """Every file of site/ with its size and modification time: a site/ changed by hand (or
    by `make pdf`) is rendered again."""
    found: list[list[object]] = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        stat = path.stat()
        found.append([path.relative_to(site).as_posix(), stat.st_size, stat.st_mtime_ns])
    return found


def rendered_already(layout: Layout, key: str) -> dict[str, object] | None:
    """The state of the last render when site/ is exactly what MkDocs made from these same
    inputs (render_key): rendering again would give the same bytes (tests/test_reproducible.py).
    None when MkDocs must run."""
    try:
        state = json.loads((layout.build / RENDER_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("key") != key or not layout.site.is_dir():
        return None
    return state if state.get("site") == site_fingerprint(layout.site) else None


def remember_render(layout: Layout, key: str, notice: str) -> None:
    state = {"key": key, "notice": notice, "site": site_fingerprint(layout.site)}
    (layout.build / RENDER_STATE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")


def swap(new: Path, site: Path, scratch: Path) -> None:
    """Put `new` in place of `site`: two renames on one file system, then clean up.

    If the second rename fails, the first is undone, so site/ is never left missing.
    """
    old = scratch / "site.old"
    if old.exists():
        shutil.rmtree(old)
    if site.exists():
        site.rename(old)
    try:
        new.rename(site)
    except OSError as exc:
        if old.exists() and not site.exists():
            old.rename(site)
        raise BuildError(f"无法用新网站替换 {site.name}/：{exc}") from exc
    if old.exists():
        shutil.rmtree(old)


FIX_COMMAND = "改正后运行 python -m pipeline build（或 make build）确认。"


def github_failure(text: str) -> None:
    """A failed build in CI: annotations on the page and line that failed, and the job summary."""
    from .findings import PLACE, annotate_failure, step_summary

    for line in annotate_failure(text, "构建失败 / build failed", FIX_COMMAND):
        print(line)
    rows = []
    for line in text.splitlines():
        match = PLACE.match(line.strip())
        if match:
            rows.append(list(match.groups()))
    if not rows:
        rows = [["", "", " ".join(text.splitlines()[:6])]]
    step_summary("## ❌ 网站构建失败 / build failed", ["文件", "行", "问题"], rows,
                 f"修正方法：{FIX_COMMAND}")


def build(layout: Layout = REPO, log=print, fmt: str = "text") -> int:  # type: ignore[no-untyped-def]
    from . import chart_drawings, render

    started = time.perf_counter()
    new = layout.build / "site.new"
    early = None
    try:
        env = mkdocs_env(layout)
        # No render on record (a first build, an emptied .build/, a failed render): every
        # chart will be drawn and MkDocs will run. So one Node process starts now and draws
        # them all (ECharts loads once, while the data is validated), and MkDocs loads
        # meanwhile too. A rebuild draws only what changed, and often skips MkDocs.
        cold = not (layout.build / RENDER_STATE).exists()
        if cold:
            early = render.start(layout.root, env)
        with chart_drawings.keep_node(layout) if cold else contextlib.nullcontext():
            generate(layout, log)
        key = render_key(layout, env)
        same = rendered_already(layout, key)
        if same is not None:
            # Nothing MkDocs reads has changed and site/ is what it rendered from it: the
            # data was validated and every page generated again; site/ stays as it is.
            notice = str(same.get("notice") or "")
            log("页面与上次构建相同：site/ 已是这些页面渲染的结果，未重新渲染")
        else:
            (layout.build / RENDER_STATE).unlink(missing_ok=True)
            if new.exists():
                shutil.rmtree(new)
            notice = run_mkdocs(layout, new, env, early)
            swap(new, layout.site, layout.build)
            remember_render(layout, key, notice)
        if notice:  # the theme's end of life: shown on every build, never hidden
            print("主题提示 / theme notice:\n" + notice, file=sys.stderr)
    except BuildError as exc:
        print(str(exc), file=sys.stderr)
        print("构建失败：site/ 保持原样，没有改动。", file=sys.stderr)
        if fmt == "github":
            github_failure(str(exc))
        return 1
    except BaseException:  # a bug or Ctrl-C: the traceback follows; site/ is still untouched
        print("构建中断：site/ 保持原样，没有改动。", file=sys.stderr)
        raise
    finally:
        if early is not None:
            early.stop()
        if new.exists():
            shutil.rmtree(new, ignore_errors=True)
    log(f"网站已构建到 {layout.relative(layout.site)}/（共 {time.perf_counter() - started:.1f} 秒）")
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "校验数据并构建网站到 site/；任何一步失败都不会改动 site/。"
    parser.add_argument("--format", choices=["text", "github"], default="text",
                        help="github：CI 中把失败标注在页面的文件和行上，并写入任务摘要")


def main(args: argparse.Namespace) -> int:
    return build(REPO, fmt=getattr(args, "format", "text"))
