"""Find the datasets of a project and read their descriptors.

A dataset is the files that share a name: datasets/NAME.csv, its Table Schema
schemas/NAME.schema.yaml and its metadata datasets/NAME.meta.yml. This module
finds them and parses YAML with errors that carry file and line. It does not
judge the data: that is validate.py's job. Later stages read typed rows through
`read_records` only after validation passed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .paths import CSV_SUFFIX, Layout


class DescriptorError(Exception):
    """A schema or metadata file that cannot be read, with where and why."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Dataset:
    """The files of one dataset. Paths only; contents are read on demand."""

    name: str
    csv: Path
    schema_path: Path
    meta_path: Path

    def schema(self) -> dict[str, Any]:
        return read_yaml_once(self.schema_path, required=True)

    def meta(self) -> dict[str, Any]:
        return read_yaml_once(self.meta_path, required=False)


def dataset_for(layout: Layout, csv: Path) -> Dataset:
    name = csv.name[: -len(CSV_SUFFIX)] if csv.name.endswith(CSV_SUFFIX) else csv.stem
    return Dataset(name, csv, layout.schema(name), layout.meta(name))


def discover(layout: Layout) -> list[Dataset]:
    """Every datasets/*.csv of the layout, sorted by name (a stable order everywhere)."""
    if not layout.datasets.is_dir():
        return []
    return [dataset_for(layout, p) for p in sorted(layout.datasets.glob(f"*{CSV_SUFFIX}"))]


# libyaml's safe loader when PyYAML has it (about ten times faster), else the pure-Python one.
_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A descriptor is a few kilobytes; anything far bigger is a mistake, refused before parsing.
MAX_YAML_BYTES = 5_000_000


class SAFE_LOADER(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader with plain values only: dates stay text as written, no binary."""


def _as_text(loader: Any, node: Any) -> str:
    return str(loader.construct_scalar(node))


def _binary(loader: Any, node: Any) -> str:
    raise yaml.constructor.ConstructorError(
        None, None, "binary values (!!binary) are not allowed", node.start_mark
    )


SAFE_LOADER.add_constructor("tag:yaml.org,2002:timestamp", _as_text)
SAFE_LOADER.add_constructor("tag:yaml.org,2002:binary", _binary)


# text -> its parsed value, or (line, problem) of why it cannot be parsed: the same text (a
# page's front matter is read by validation and again by the build) is parsed once.
_TEXTS: dict[str, tuple[bool, Any]] = {}
_TEXTS_KEPT = 2048


def parse_yaml(text: str, path: Path) -> Any:
    """Parse YAML text safely: aliases (`*name`) are refused before anything is built.

    An alias can repeat a node any number of times ("billion laughs"), so a few
    hundred bytes could expand to gigabytes; descriptors never need them.
    Raises DescriptorError with the line. A text parsed before is not parsed again:
    callers get their own copy of the value.
    """
    known = _TEXTS.get(text)
    if known is None:
        try:
            known = (True, _parse_yaml(text, path))
        except DescriptorError as exc:
            known = (False, (exc.line, exc.reason))
        if len(_TEXTS) >= _TEXTS_KEPT:
            _TEXTS.clear()
        _TEXTS[text] = known
    if not known[0]:
        raise DescriptorError(path, *known[1])
    return copy.deepcopy(known[1])


def _parse_yaml(text: str, path: Path) -> Any:
    try:
        for event in yaml.parse(text, Loader=_BASE_LOADER):
            if isinstance(event, yaml.AliasEvent):
                raise DescriptorError(
                    path, event.start_mark.line + 1,
                    "YAML aliases (*name) are not allowed; write the value out in full",
                )
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise DescriptorError(path, line, problem) from exc
    except (ValueError, OverflowError, RecursionError) as exc:  # e.g. a date that does not exist
        raise DescriptorError(path, None, str(exc) or type(exc).__name__) from exc


def read_yaml(path: Path, *, required: bool) -> dict[str, Any]:
    """Parse a YAML (or JSON) mapping; raise DescriptorError naming file and line."""
    if not path.exists():
        if required:
            raise DescriptorError(path, None, "missing")
        return {}
    try:
        if not path.is_file():
            raise DescriptorError(path, None, "not a regular file")
        if path.stat().st_size > MAX_YAML_BYTES:
            raise DescriptorError(path, None, f"larger than {MAX_YAML_BYTES} bytes")
        data = parse_yaml(path.read_text(encoding="utf-8-sig"), path)
    except UnicodeDecodeError as exc:
        raise DescriptorError(path, None, f"not UTF-8: {exc.reason}") from exc
    except OSError as exc:  # a symlink loop, a folder, no permission
        raise DescriptorError(path, None, exc.strerror or str(exc)) from exc
    if data is None and not required:
        return {}
    if not isinstance(data, dict):
        raise DescriptorError(path, 1, "expected a mapping of keys to values")
    return data


def package_meta(layout: Layout, source_rows: dict[str, dict[str, Any]] | None = None
                 ) -> dict[str, Any]:
    """datasets/package.yml, with its `sources` derived from datasets/sources.csv and the
    editions' front matter (package_sources) when that table exists: the one list of source
    documents is sources.csv. `source_rows` (source_id -> row) is that table as validation
    read it, when the caller has it (then the file is not read again)."""
    meta = read_yaml_once(layout.package_meta, required=False)
    derived = _package_sources(layout) if source_rows is None else package_sources(layout, source_rows)
    if derived is not None:
        meta["sources"] = derived
    return meta


# root -> (versions of sources.csv and the editions' index.md, the sources derived from them)
_SOURCES: dict[str, tuple[tuple[Any, ...], list[dict[str, Any]] | None]] = {}
SOURCES = "sources"  # datasets/sources.csv: the one list of source documents


def _package_sources(layout: Layout) -> list[dict[str, Any]] | None:
    indexes = edition_indexes(layout)
    version = (_version(layout.csv(SOURCES)), *((str(p), _version(p)) for p in indexes))
    cached = _SOURCES.get(str(layout.root))
    if cached is None or cached[0] != version:
        cached = (version, package_sources(layout))
        _SOURCES[str(layout.root)] = cached
    return copy.deepcopy(cached[1])


def edition_indexes(layout: Layout) -> list[Path]:
    """docs/YYYY/index.md of every edition folder, oldest first."""
    if not layout.docs.is_dir():
        return []
    return sorted(p for p in layout.docs.glob("[0-9][0-9][0-9][0-9]/index.md") if p.is_file())


def package_sources(layout: Layout, source_rows: dict[str, dict[str, Any]] | None = None
                    ) -> list[dict[str, Any]] | None:
    """The package metadata's `sources`, derived from datasets/sources.csv (the one list of
    source documents): the documents each published edition names in the `sources:` of its
    docs/YEAR/index.md front matter, oldest edition first, each with its title, English title,
    address (`url`, when known) and the edition's year; every document of sources.csv when no
    published edition names one. None without datasets/sources.csv (then package.yml's own
    list is used). (editions.py checks those front-matter keys; this reads only what the
    package needs, so that reading metadata depends on nothing above it.)"""
    import csv
    import io

    path = layout.csv(SOURCES)
    if source_rows is not None:
        rows: dict[str, Any] = source_rows
    elif not path.is_file():
        return None
    else:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            return []
        rows = {r.get("source_id") or "": r for r in csv.DictReader(io.StringIO(text, newline=""))}
    named: list[tuple[int | None, str]] = []
    for index in edition_indexes(layout):
        front = index.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        if not front.lstrip("\ufeff").startswith("---\n"):
            continue
        block = front.lstrip("\ufeff")[4:].split("\n---\n", 1)[0]
        try:
            meta = parse_yaml(block, index)
        except DescriptorError:
            continue
        if isinstance(meta, dict) and meta.get("status") == "published" \
                and isinstance(meta.get("sources"), list):
            named += [(int(index.parent.name), str(s)) for s in meta["sources"] if str(s) in rows]
    chosen = named or [(None, i) for i in rows if i]
    result: list[dict[str, Any]] = []
    for year, source_id in dict.fromkeys(chosen):
        row = rows[source_id]
        fields = (("title", "title"), ("title_en", "title_en"), ("path", "url"))
        item: dict[str, Any] = {k: str(row.get(f) or "") for k, f in fields if row.get(f)}
        if year is not None:
            item["edition"] = year
        result.append(item)
    return result


# Each descriptor is parsed once while it is unchanged (a build asks for the same ones many
# times); callers get their own copy, so none sees another's changes.
_PARSED: dict[tuple[str, bool], tuple[tuple[int, int], Any]] = {}


def _version(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_mtime_ns, stat.st_size)


def read_yaml_once(path: Path, *, required: bool) -> dict[str, Any]:
    """read_yaml, parsing a file again only when its modification time or size changed."""
    key = (str(path), required)
    version = _version(path)
    cached = _PARSED.get(key)
    if cached is None or cached[0] != version:
        try:
            result: Any = read_yaml(path, required=required)
        except DescriptorError as exc:
            result = exc
        cached = _PARSED[key] = (version, result)
    if isinstance(cached[1], DescriptorError):
        raise cached[1]
    return copy.deepcopy(cached[1])


# Typed rows that validation read, kept for the later stages of the same build: a table is read
# and typed once. Keyed like _PARSED, so a changed file is read again.
_RECORDS: dict[str, tuple[tuple[int, int], list[dict[str, Any]]]] = {}


def remember_records(dataset: Dataset, records: list[dict[str, Any]], version: tuple[int, int]) -> None:
    _RECORDS[str(dataset.csv)] = (version, records)


def file_version(path: Path) -> tuple[int, int]:
    """What tells a file changed: its modification time and size."""
    return _version(path)


def read_records(dataset: Dataset) -> list[dict[str, Any]]:
    """Typed rows of a validated dataset (numbers as int/float, empty cells as None).

    The rows validation typed are used when the file has not changed since.
    """
    kept = _RECORDS.get(str(dataset.csv))
    if kept is not None and kept[0] == _version(dataset.csv):
        return [dict(record) for record in kept[1]]
    from frictionless import Resource, Schema

    schema = Schema.from_descriptor(_table_schema(dataset.schema()))
    resource: Any = Resource(path=str(dataset.csv), schema=schema, encoding="utf-8", format="csv")
    records = []
    with resource:
        for row in resource.row_stream:
            records.append({k: plain(v) for k, v in row.to_dict().items()})
    return records


def plain(value: Any) -> Any:
    """Decimal -> int when written without a fraction ("142"), else float ("49.3")."""
    if isinstance(value, Decimal):
        if not value.is_finite():  # NaN or Infinity: refused by validation, never a crash here
            return str(value)
        exponent = value.as_tuple().exponent
        return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)
    return value


def _table_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without foreign keys, for reading one table on its own."""
    return {k: v for k, v in schema.items() if k != "foreignKeys"}
