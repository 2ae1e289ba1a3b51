"""Build Data Package descriptors from the datasets' own files.

The repository's datapackage.json (for plain `frictionless validate`) and the
descriptor validation runs on are both made here, from datasets/package.yml,
each NAME.meta.yml and each schema, so there is one source of metadata.

Descriptors follow the Data Package standard (v2, https://datapackage.org/):
the profile is named in `$schema`, the CSV dialect is the spec's flat form,
every resource carries its Table Schema as JSON (inline here; the published
descriptor points at JSON files beside it, see formats.py), and the package
names its version, keywords, contributors (the publisher) and sources.

CITATION.cff (Citation File Format 1.2.0, read by GitHub's "Cite this
repository" and by Zenodo) is made here from the same metadata, so it cites
the package exactly as the catalog page does.
"""

from __future__ import annotations

import json
from typing import Any

from . import load
from .paths import Layout

# Every CSV is read with the same pinned dialect: UTF-8 (a BOM is allowed), comma.
# The spec's flat Table Dialect (frictionless-py reads it too).
DIALECT = {"delimiter": ",", "quoteChar": '"', "header": True}
ENCODING = "utf-8"

# The Data Package v2 profile; frictionless-py knows it without fetching it.
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_TYPE = "table"

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
        "type": RESOURCE_TYPE,
        "path": layout.relative(dataset.csv),
        "schema": dataset.schema(),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": ENCODING,
        "dialect": DIALECT,
        "title": meta.get("title", dataset.name),
        "description": meta.get("description", ""),
    }
    resource.update({k: meta[k] for k in RESOURCE_KEYS if k in meta})
    sections = (meta.get("source") or {}).get("sections", [])
    resource["sources"] = [{**source, "sections": sections} for source in sources(package)]
    return resource


def descriptor(layout: Layout, datasets: list[load.Dataset] | None = None) -> dict[str, Any]:
    """The Data Package descriptor of the layout (paths relative to its root)."""
    package = load.package_meta(layout)
    datasets = load.discover(layout) if datasets is None else datasets
    license_ = package.get("license") or {}
    metas = [d.meta() for d in datasets]
    result: dict[str, Any] = {
        "$schema": PROFILE,
        "name": package.get("name", "data"),
        "title": package.get("title", ""),
        "title_en": package.get("title_en", ""),
        "description": package.get("description", ""),
        "description_en": package.get("description_en", ""),
        "version": str(package.get("version", "")),
    }
    if package.get("homepage"):
        result["homepage"] = package["homepage"]
    result["keywords"] = keywords(package, metas)
    result["contributors"] = contributors(package)
    result["licenses"] = (
        [{k: license_[k] for k in ("name", "title", "path") if k in license_}] if license_ else []
    )
    result["sources"] = sources(package)
    result["resources"] = [
        resource_descriptor(layout, d, meta, package) for d, meta in zip(datasets, metas, strict=True)
    ]
    if not result["version"]:
        del result["version"]
    return result


def keywords(package: dict[str, Any], metas: list[dict[str, Any]]) -> list[str]:
    """The package's own keywords, then every dataset's (Chinese, then English), each once."""
    found: list[str] = []
    for source in (package, *metas):
        for key in ("keywords", "keywords_en"):
            for word in source.get(key) or []:
                if str(word) not in found:
                    found.append(str(word))
    return found


def contributors(package: dict[str, Any]) -> list[dict[str, Any]]:
    """The bureau as publisher (and author: it wrote the report the figures come from)."""
    if not package.get("publisher"):
        return []
    person: dict[str, Any] = {"title": str(package["publisher"])}
    if package.get("publisher_en"):
        person["title_en"] = str(package["publisher_en"])
    if package.get("publisher_path"):
        person["path"] = str(package["publisher_path"])
    person["roles"] = ["publisher", "author"]
    return [person]


def sources(package: dict[str, Any]) -> list[dict[str, Any]]:
    """The edition documents the figures come from, as the spec's sources (title, version)."""
    result = []
    for source in package.get("sources") or []:
        item = {k: source[k] for k in ("title", "title_en", "path", "email") if k in source}
        if source.get("edition"):
            item["version"] = str(source["edition"])
        result.append(item)
    return result


CFF_VERSION = "1.2.0"
CODE_LICENSE = "MIT"


def citation(layout: Layout) -> dict[str, Any]:
    """CITATION.cff as a mapping: the package as a data set, by the bureau, under its licence."""
    package = load.package_meta(layout)
    datasets = load.discover(layout)
    license_ = (package.get("license") or {}).get("name")
    author: dict[str, Any] = {"name": str(package.get("publisher", ""))}
    if package.get("publisher_en"):
        author["alias"] = str(package["publisher_en"])
    cff: dict[str, Any] = {
        "cff-version": CFF_VERSION,
        "message": "引用本数据时请注明出处，格式如下。If you use this data, please cite it as below.",
        "type": "dataset",
        "title": str(package.get("title", "")),
        "authors": [author],
    }
    if package.get("version"):
        cff["version"] = str(package["version"])
    abstract = " ".join(str(package.get(k, "")).strip() for k in ("description", "description_en"))
    if abstract.strip():
        cff["abstract"] = abstract.strip()
    cff["keywords"] = keywords(package, [d.meta() for d in datasets])
    # The data's licence first (what is cited), then the code's.
    cff["license"] = [x for x in (license_, CODE_LICENSE) if x]
    if package.get("homepage"):
        cff["url"] = str(package["homepage"])
    return cff


def citation_cff(layout: Layout) -> str:
    import yaml

    header = ("# Generated from datasets/package.yml by `python -m pipeline package`;"
              " edit that file, not this one.\n")
    return header + yaml.safe_dump(citation(layout), allow_unicode=True, sort_keys=False,
                                   width=100)


def write_citation(layout: Layout) -> bool:
    """Write CITATION.cff beside datapackage.json; return True when its content changed."""
    text = citation_cff(layout)
    path = layout.citation
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def datapackage_json(layout: Layout) -> str:
    """datapackage.json as written to disk: stable key order, UTF-8, final newline."""
    return json.dumps(descriptor(layout), ensure_ascii=False, indent=2) + "\n"


def write(layout: Layout) -> bool:
    """Write datapackage.json; return True when its content changed."""
    text = datapackage_json(layout)
    path = layout.descriptor
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
