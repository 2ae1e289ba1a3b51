"""Build Data Package descriptors from the datasets' own files.

The repository's datapackage.json (for plain `frictionless validate`) and the
descriptor validation runs on are both made here, from datasets/package.yml,
each NAME.meta.yml and each schema path, so there is one source of metadata.
"""

from __future__ import annotations

import json
from typing import Any

from . import load
from .paths import Layout

# Every CSV is read with the same pinned dialect: UTF-8 (a BOM is allowed), comma.
DIALECT = {"csv": {"delimiter": ",", "quoteChar": '"'}}
ENCODING = "utf-8"

# Metadata keys copied from NAME.meta.yml into the resource descriptor.
RESOURCE_KEYS = (
    "title_en",
    "description_en",
    "keywords",
    "keywords_en",
    "notes",
    "notes_en",
)


def resource_descriptor(
    layout: Layout, dataset: load.Dataset, meta: dict[str, Any], package: dict[str, Any]
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "name": dataset.name,
        "path": layout.relative(dataset.csv),
        "schema": layout.relative(dataset.schema_path),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": ENCODING,
        "dialect": DIALECT,
        "title": meta.get("title", dataset.name),
        "description": meta.get("description", ""),
    }
    resource.update({k: meta[k] for k in RESOURCE_KEYS if k in meta})
    sections = (meta.get("source") or {}).get("sections", [])
    resource["sources"] = [{**source, "sections": sections} for source in package.get("sources", [])]
    return resource


def descriptor(layout: Layout, datasets: list[load.Dataset] | None = None) -> dict[str, Any]:
    """The Data Package descriptor of the layout (paths relative to its root)."""
    package = load.package_meta(layout)
    datasets = load.discover(layout) if datasets is None else datasets
    license_ = package.get("license") or {}
    result: dict[str, Any] = {
        "name": package.get("name", "data"),
        "title": package.get("title", ""),
        "title_en": package.get("title_en", ""),
        "description": package.get("description", ""),
        "description_en": package.get("description_en", ""),
        "licenses": [{k: license_[k] for k in ("name", "title", "path") if k in license_}]
        if license_
        else [],
        "sources": package.get("sources", []),
        "resources": [resource_descriptor(layout, d, d.meta(), package) for d in datasets],
    }
    return result


def render(layout: Layout) -> str:
    """datapackage.json as written to disk: stable key order, UTF-8, final newline."""
    return json.dumps(descriptor(layout), ensure_ascii=False, indent=2) + "\n"


def write(layout: Layout) -> bool:
    """Write datapackage.json; return True when its content changed."""
    text = render(layout)
    path = layout.descriptor
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
