"""The downloads stage: every published file of /data/, chosen and written.

What belongs here: which files are published (each dataset's formats, the
schemas, datapackage.json, DCAT, each chart's numbers, the ZIP, SHA256SUMS)
and writing them. What does not: the bytes of each format (formats.py), the
dataset model (datasets.py), pages (catalog.py, pages.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import datasets, formats, load, siteconfig
from .datasets import DatasetContent
from .paths import Layout


def all_files(
    layout: Layout,
    items: list[DatasetContent] | None = None,
    charts: dict[str, Any] | None = None,
    chart_pages: dict[str, str] | None = None,
    extra: dict[str, bytes] | None = None,
) -> dict[str, bytes]:
    """Every published file, path relative to the data folder -> bytes, in path order.

    `charts` (charts.build_all's output) adds each chart's data under charts/;
    `chart_pages` maps a chart id to the site path of its page; `extra` holds
    further downloads (chart images) to include in the ZIP and SHA256SUMS.
    """
    items = datasets.read_all(layout) if items is None else items
    files: dict[str, bytes] = {}
    for info in items:
        files.update(formats.dataset_files(info))
    files.update(formats.schema_files(items))
    files[formats.DATAPACKAGE] = formats.datapackage(layout, items, files)
    files[formats.DCAT] = formats.dcat(layout, items, files)
    dates = [i.updated for i in items if i.updated]
    when = max(dates) if dates else None
    if charts:
        pkg = items[0].package if items else load.package_meta(layout)
        url = items[0].site_url if items else siteconfig.site_url(layout)
        updated = {i.name: i.updated for i in items}
        for chart_id in sorted(charts):
            chart = charts[chart_id]
            files.update(formats.chart_files(chart, pkg, url, (chart_pages or {}).get(chart_id, ""),
                                     updated.get(chart.dataset) or when))
    name = formats.package_name(layout)
    # data only (images are added below), with the data licence and a README to read first
    files[f"{name}.zip"] = formats.archive(name, {**files, **formats.zip_notes(layout, items, files)}, when)
    files.update(extra or {})
    files[formats.SUMS] = formats.checksums(files)
    return dict(sorted(files.items()))


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
