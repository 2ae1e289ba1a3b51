"""The downloads stage: every published file of /data/, chosen and written.

What belongs here: which files are published (each dataset's formats, the
schemas, datapackage.json, DCAT, each chart's numbers, the ZIP, SHA256SUMS)
and writing them, and the record of what was written (`Published`: per
dataset and chart its files, sizes, checksums and URLs), which the page
stages take as input. What does not: the bytes of each format (formats.py),
the dataset model (datasets.py), pages (catalog.py, pages.py).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import archive, datasets, editions, formats, load, revision_log, siteconfig, urls
from .datasets import DatasetContent
from .paths import Layout


def all_files(
    layout: Layout,
    items: list[DatasetContent] | None = None,
    charts: dict[str, Any] | None = None,
    chart_pages: dict[str, str] | None = None,
    extra: dict[str, bytes] | None = None,
    archives: list[archive.Archive] | None = None,
    revised: dict[tuple[str, str], revision_log.Revision] | None = None,
) -> dict[str, bytes]:
    """Every published file, path relative to the data folder -> bytes, in path order.

    `charts` (charts.build_all's output) adds each chart's data under charts/;
    `chart_pages` maps a chart id to the site path of its page; `extra` holds
    further downloads (chart images) to include in the ZIP and SHA256SUMS;
    `archives` each published edition's data as published (editions/YEAR/; made
    from the layout's editions and revisions log when not given); `revised` the revised
    records (revision_log.revised; from the layout's log when not given), for the charts'
    修订 column.
    """
    items = datasets.read_all(layout) if items is None else items
    if archives is None:
        archives = edition_archives(layout, items)
    files: dict[str, bytes] = {}
    cache = layout.build / "downloads"
    used = set()
    for info in items:
        made, key = cached_files(cache, info)
        files.update(made)
        used.add(key)
    if cache.is_dir():  # only the current files are kept
        for old in cache.iterdir():
            if old.name not in used:
                shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()
    files.update(formats.schema_files(items))
    for found in archives:
        files.update(found.files)
    files[formats.DATAPACKAGE] = formats.datapackage(layout, items, files,
                                                     archive.listing(archives))
    files[formats.DCAT] = formats.dcat(layout, items, files)
    dates = [i.updated for i in items if i.updated]
    when = max(dates) if dates else None
    if charts:
        if revised is None:
            revised = revision_log.revised(revision_log.read(layout))
        pkg = items[0].package if items else load.package_meta(layout)
        url = items[0].site_url if items else siteconfig.site_url(layout)
        updated = {i.name: i.updated for i in items}
        for chart_id in sorted(charts):
            chart = charts[chart_id]
            files.update(formats.chart_files(chart, pkg, url, (chart_pages or {}).get(chart_id, ""),
                                             updated.get(chart.dataset) or when, revised))
    name = formats.package_name(layout)
    # data only (images are added below), with the data licence and a README to read first
    files[f"{name}.zip"] = formats.archive(name, {**files, **formats.zip_notes(layout, items, files)}, when)
    files.update(extra or {})
    files[formats.SUMS] = formats.checksums(files)
    return dict(sorted(files.items()))


@functools.cache
def code_version() -> bytes:
    """What the download formats are made by: this package's source and the installed
    packages' versions (xlsxwriter...)."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for entry in sys.path:
        if entry.endswith("site-packages") and os.path.isdir(entry):
            names = sorted(n for n in os.listdir(entry) if n.endswith(".dist-info"))
            digest.update("\0".join(names).encode())
    return digest.digest()


def cached_files(cache: Path, info: DatasetContent) -> tuple[dict[str, bytes], str]:
    """A dataset's download files (formats.dataset_files) and their cache key: the files are
    kept under .build/downloads/KEY/ by everything they are made from (the table as read,
    its metadata, schema, package, date, address and the code), so an unchanged dataset is
    not written out as XLSX and JSON again."""
    digest = hashlib.sha256(code_version())
    described = [info.name, info.meta, info.schema, info.package, info.header, info.rows,
                 info.updated.isoformat() if info.updated else None, info.site_url, info.fields,
                 info.choices, info.sources]
    digest.update(json.dumps(described, ensure_ascii=False, sort_keys=True, default=str).encode())
    digest.update(hashlib.sha256(info.raw).digest())
    key = digest.hexdigest()[:32]
    folder = cache / key
    index = folder / "index.json"
    if index.is_file():
        try:
            names = json.loads(index.read_text(encoding="utf-8"))
            return {name: (folder / f"{i}").read_bytes() for i, name in enumerate(names)}, key
        except (OSError, ValueError):
            pass
    made = formats.dataset_files(info)
    scratch = cache / f"{key}.tmp"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    for i, content in enumerate(made.values()):
        (scratch / f"{i}").write_bytes(content)
    (scratch / "index.json").write_text(json.dumps(list(made), ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    scratch.rename(folder)
    return made, key


def edition_archives(layout: Layout, items: list[DatasetContent],
                     releases: list[editions.Edition] | None = None,
                     revisions: list[revision_log.Revision] | None = None) -> list[archive.Archive]:
    """Each published edition's data as published (archive.py), from the editions' front
    matter and the revisions log (read from the layout when not given)."""
    pkg = items[0].package if items else load.package_meta(layout)
    url = items[0].site_url if items else siteconfig.site_url(layout)
    return archive.archives(items, editions.read(layout) if releases is None else releases,
                            revision_log.read(layout) if revisions is None else revisions,
                            pkg, url)


def write(layout: Layout, out_dir: Path, files: dict[str, bytes] | None = None) -> list[Path]:
    """Write every published file under out_dir; return the paths written, sorted."""
    files = all_files(layout) if files is None else files
    written = []
    for rel, content in files.items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != content:  # a live preview reloads less
            path.write_bytes(content)
        written.append(path)
    return written


# --------------------------------------------------------------------------- what was written


@dataclass(frozen=True)
class PublishedFile:
    """One file readers can download: where it is, how big, its checksum."""

    path: str  # site path: "data/indicators.csv", "embed/ID/index.html"
    url: str  # absolute when the site's address is known, else from the root
    size: int
    sha256: str


@dataclass
class ChartDownloads:
    """What the downloads stage published for one chart (the panel under it is made from this)."""

    chart_id: str
    files: dict[str, PublishedFile]  # "csv", "excel", "xlsx", "png", "svg" -> the file
    embed: str  # URL of its embeddable page
    permalink: str  # URL of the chart on its page ("" when no page shows it)
    page: str  # site path of the page showing it ("" when none)


@dataclass
class Published:
    """What the downloads stage wrote: the record the page stages take as input.

    `files` holds every published file (path inside /data/ -> PublishedFile),
    `datasets` each dataset's files and `charts` each chart's; `content` the
    bytes, for the pages that quote from them (the catalog); `written` every
    path written into the generated docs."""

    site_url: str
    files: dict[str, PublishedFile] = field(default_factory=dict)
    datasets: dict[str, list[str]] = field(default_factory=dict)
    charts: dict[str, ChartDownloads] = field(default_factory=dict)
    content: dict[str, bytes] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)
    archives: list[archive.Archive] = field(default_factory=list)  # editions/YEAR/, oldest first

    def chart(self, chart_id: str) -> ChartDownloads | None:
        return self.charts.get(chart_id)


def describe(files: dict[str, bytes], site_url: str, prefix: str = urls.DATA_DIR
             ) -> dict[str, PublishedFile]:
    """Each file (path inside the folder `prefix` of the site -> bytes) as PublishedFile."""
    described = {}
    for rel, content in files.items():
        path = f"{prefix}/{rel}" if prefix else rel
        described[rel] = PublishedFile(path, urls.absolute(site_url, path), len(content),
                                       hashlib.sha256(content).hexdigest())
    return described


def publish(
    layout: Layout,
    out_docs: Path,
    items: list[DatasetContent],
    charts: dict[str, Any],
    chart_pages: dict[str, str],
    site_url: str,
    images: dict[str, bytes] | None = None,
    embeds: dict[str, bytes] | Callable[[], dict[str, bytes]] | None = None,
    archives: list[archive.Archive] | None = None,
    revised: dict[tuple[str, str], revision_log.Revision] | None = None,
) -> Published:
    """Every download written under out_docs/data/ (embed pages under out_docs/), and the
    record of what was written. `chart_pages` maps a chart id to the site path of the page
    showing it; `images` are the charts' PNG and SVG files, `embeds` their embed pages, or a
    function giving them, asked for once the data files are written (the build's page
    drawings, which the embed pages show, may still be being drawn until then)."""
    archives = edition_archives(layout, items) if archives is None else archives
    files = all_files(layout, items, charts=charts, chart_pages=chart_pages, extra=images,
                      archives=archives, revised=revised)
    written = write(layout, out_docs / urls.DATA_DIR, files)
    written += write(layout, out_docs, (embeds() if callable(embeds) else embeds) or {})
    record = Published(site_url=site_url, files=describe(files, site_url), content=files,
                       written={p.relative_to(out_docs).as_posix() for p in written},
                       archives=archives)
    for info in items:
        record.datasets[info.name] = [
            rel for rel in (f"{info.name}{suffix}" for suffix in formats.FORMATS) if rel in files]
    for chart_id in sorted(charts):
        links = urls.chart_urls(chart_id, site_url, chart_pages.get(chart_id, ""))
        found = {key: record.files[urls.chart_file(chart_id, suffix)]
                 for key, suffix in (("csv", ".csv"), ("excel", ".excel.csv"), ("xlsx", ".xlsx"),
                                     ("png", ".png"), ("svg", ".svg"))
                 if urls.chart_file(chart_id, suffix) in record.files}
        record.charts[chart_id] = ChartDownloads(chart_id, found, links["embed"],
                                                 links.get("permalink", ""),
                                                 chart_pages.get(chart_id, ""))
    return record
