"""Validate datasets: `python -m pipeline validate [PATH ...]`.

For each dataset, in order, stopping early only where later checks could not
be trusted:
1. descriptors (checks/descriptors.py): schema and metadata are sound;
2. the file (checks/files.py): inside datasets/, not too large, UTF-8 (GBK and
   UTF-16 recognised by name, never guessed), comma-delimited, has rows;
3. cells (checks/cells.py): what frictionless would accept silently;
4. frictionless (checks/tables.py): types, constraints, header, rows, primary
   and foreign keys across datasets, on the decoded text with a pinned dialect;
   a large table (LARGE_BYTES and up) goes through the column engine
   (checks/columns.py) for steps 3 and 4 instead, with the same findings;
5. consistency (checks/consistency.py): rules across rows and datasets.
For the whole repository, first the project around the data
(checks/project.py): files inside the repository, pages and configuration
under the origin policy, package.yml and its limits, dataset names; last,
datapackage.json must be current.

Nothing here writes a file. Exit status: 0 valid, 1 invalid, 2 usage error.

Within one process, frictionless' verdict on a table and the check of a Table Schema are
kept by what they depend on (the table's text and schema, the dialect, and the text and
schema of the tables its foreign keys point to; the schema and its file): validating
again (the live preview after an edit, a build after `validate`) redoes only what changed.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import os
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import datasets, editions, load, package
from . import limits as limits_
from .checks import cells, consistency, descriptors, files, project, tables
from .findings import Findings, Issue
from .paths import META_SCHEMA, REPO, Layout

Records = list[dict[str, Any]]

# Project-level findings after which datapackage.json cannot be regenerated to compare.
PROJECT_FATAL = {"file-outside", "descriptor-invalid", "limits-invalid", "name-invalid",
                 "name-reserved", "path-outside"}



@dataclass
class ParsedTable:
    """A dataset whose descriptors and file passed, ready for frictionless."""

    dataset: load.Dataset
    schema: dict[str, Any]
    meta: dict[str, Any]
    text: str
    rows: list[list[str]]
    large: Any = None  # the column engine's result (checks/columns.py) for a large table
    version: tuple[int, int] = (-1, -1)  # the file's as it was read (load.file_version)
    raw: bytes = b""  # the file's bytes as read (handed on to the model)

    def columns(self) -> dict[str, list[str]]:
        """Column name -> its cells (as text), for examples in messages."""
        if self.large is not None:
            from .checks import columns

            return columns.examples(self.large)
        header, body = self.rows[0], self.rows[1:]
        return {name: [r[i] for r in body if i < len(r)] for i, name in enumerate(header)}


def _limits(layout: Layout) -> dict[str, int]:
    try:
        return limits_.of(load.package_meta(layout))
    except load.DescriptorError:  # reported by checks/project.py
        return dict(limits_.DEFAULTS)


def _prepare(
    layout: Layout, dataset: load.Dataset, limits: dict[str, int], engine: str = "auto"
) -> tuple[ParsedTable | None, list[Issue]]:
    shown = layout.relative(dataset.csv)
    issues = files.check_location(dataset.csv, shown, layout.datasets)
    if issues:
        return None, issues
    if not dataset.schema_path.exists():
        return None, [
            Issue(
                "schema-missing",
                shown,
                params={"dataset": dataset.name, "expected": layout.relative(dataset.schema_path)},
            )
        ]
    issues = files.check_location(dataset.schema_path, layout.relative(dataset.schema_path), layout.schemas)
    if dataset.meta_path.exists() or dataset.meta_path.is_symlink():
        issues += files.check_location(dataset.meta_path, layout.relative(dataset.meta_path),
                                       layout.datasets)
    if issues:
        return None, issues
    try:
        schema = dataset.schema()
    except load.DescriptorError as exc:
        return None, [
            Issue(
                "descriptor-invalid", layout.relative(exc.path), row=exc.line, params={"reason": exc.reason}
            )
        ]
    issues = _schema_issues(schema, dataset.schema_path, layout.relative(dataset.schema_path))
    meta: dict[str, Any] = {}
    try:
        meta = dataset.meta()
    except load.DescriptorError as exc:
        issues.append(
            Issue(
                "descriptor-invalid", layout.relative(exc.path), row=exc.line, params={"reason": exc.reason}
            )
        )
    else:
        if dataset.meta_path.exists():
            issues += descriptors.check_meta(
                meta, META_SCHEMA, dataset.meta_path, layout.relative(dataset.meta_path)
            )
        else:
            issues.append(
                Issue("meta-invalid", layout.relative(dataset.meta_path), params={"reason": "is missing"})
            )
    if any(i.code == "schema-invalid" for i in issues):
        return None, issues
    version = load.file_version(dataset.csv)
    issues += files.check_size(dataset.csv, shown, limits["max_file_bytes"])
    if issues and issues[-1].code == "file-too-large":
        return None, issues
    if _use_columns(dataset, engine):
        return ParsedTable(dataset, schema, meta, "", [], large=LARGE, version=version), issues
    return _read(layout, dataset, schema, meta, issues, limits)


def _use_columns(dataset: load.Dataset, engine: str) -> bool:
    """Large tables go through the column engine (and only then is pyarrow imported)."""
    if engine == "rows":
        return False
    if engine == "columns":
        return True
    return dataset.csv.stat().st_size >= LARGE_BYTES


LARGE_BYTES = 2_000_000  # from this size on a table goes through checks/columns.py
LARGE = "pending"  # ParsedTable.large until the column engine has read the table


def _read(
    layout: Layout,
    dataset: load.Dataset,
    schema: dict[str, Any],
    meta: dict[str, Any],
    issues: list[Issue],
    limits: dict[str, int],
) -> tuple[ParsedTable | None, list[Issue]]:
    """The row engine's reading: the whole text, its shape, its rows."""
    shown = layout.relative(dataset.csv)
    version = load.file_version(dataset.csv)
    raw = dataset.csv.read_bytes()
    text, encoding_issues = files.read_text(raw, shown, dataset.name)
    issues += encoding_issues
    if text is None:
        return None, issues
    names = [f.get("name") for f in schema.get("fields", [])]
    shape = (files.check_text(text, shown) or files.check_width(text, shown, limits["max_columns"])
             or files.check_shape(text, shown, names))
    issues += shape
    if shape:
        return None, issues
    rows, too_many = files.read_rows(text, shown, limits["max_rows"], limits["max_columns"])
    issues += too_many or files.check_header_row(rows, shown, names)
    if too_many or any(i.code == "header-not-first" for i in issues):
        return None, issues
    return ParsedTable(dataset, schema, meta, text, rows, version=version, raw=raw), issues


class _Kept:
    """The last results of a costly check, by a key naming everything the result depends on
    (at most `size`, the least recently used dropped first); callers get their own lists."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.results: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            if key not in self.results:
                return None
            self.results.move_to_end(key)
            return copy.deepcopy(self.results[key])

    def put(self, key: str, result: Any) -> None:
        with self.lock:
            self.results[key] = copy.deepcopy(result)
            self.results.move_to_end(key)
            while len(self.results) > self.size:
                self.results.popitem(last=False)


def _key(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


# A schema's check (frictionless' own validation of the descriptor): by the schema as read
# and its file (whose lines the messages point to).
_SCHEMA_CHECKS = _Kept(64)


def _schema_issues(schema: dict[str, Any], path: Path, shown: str) -> list[Issue]:
    try:
        source = path.read_bytes()
    except OSError:
        source = b""
    key = _key(shown, str(path), source, repr(schema))
    found = _SCHEMA_CHECKS.get(key)
    if found is None:
        found = descriptors.check_schema(schema, path, shown)
        _SCHEMA_CHECKS.put(key, found)
    return list(found)


# frictionless' errors and typed rows of one table: by its name, text and schema, the
# dialect, and the name, text and schema of each table its foreign keys point to (read by
# frictionless, without their own foreign keys, to look the keys up).
_VERDICTS = _Kept(64)


def _verdict_key(name: str, schemas: dict[str, dict[str, Any]], prepared: dict[str, ParsedTable]) -> str:
    parts: list[str] = [repr(package.DIALECT), name, repr(schemas[name]), prepared[name].text]
    for other in sorted(_referenced(schemas[name]) - {name}):
        bare = {k: v for k, v in schemas[other].items() if k != "foreignKeys"}
        parts += [other, repr(bare), prepared[other].text]
    return _key(*parts)


def _referenced(schema: dict[str, Any]) -> set[str]:
    """The tables a schema's foreign keys point to (by name; not itself: "")."""
    names = {str((fk.get("reference") or {}).get("resource") or "") for fk in schema.get("foreignKeys") or []}
    return names - {""}


def _frictionless(
    prepared: dict[str, ParsedTable], large: set[str] = frozenset()  # type: ignore[assignment]
) -> tuple[dict[str, list[Any]], dict[str, Records]]:
    """Validate every prepared small table with frictionless, in a package with the tables
    its foreign keys point to (so they resolve).

    Returns frictionless' errors and the typed rows, both by dataset name: the rows
    are collected during the same pass, so no table is read twice. Foreign keys into
    the `large` tables are left to _references_to_large. A table whose verdict is kept
    (_VERDICTS) is not validated again.
    """
    if not prepared:
        return {}, {}
    schemas = {}
    for name, prep in prepared.items():
        schema = copy.deepcopy(prep.schema)
        # A reference to a table that could not be read is reported there, not here.
        schema["foreignKeys"] = [
            fk
            for fk in schema.get("foreignKeys") or []
            if (fk.get("reference") or {}).get("resource", "") in prepared
            and (fk.get("reference") or {}).get("resource", "") not in large
        ]
        schemas[name] = schema
    errors: dict[str, list[Any]] = {}
    typed: dict[str, Records] = {}
    keys = {name: _verdict_key(name, schemas, prepared) for name in prepared}
    missing = []
    for name in prepared:
        kept = _VERDICTS.get(keys[name])
        if kept is None:
            missing.append(name)
        else:
            errors[name], typed[name] = kept
    if not missing:
        return errors, typed
    from frictionless import Checklist, Dialect, Package, Resource, Schema

    needed = set(missing).union(*(_referenced(schemas[name]) for name in missing))
    resources = [
        Resource(
            prep.text.encode("utf-8"),
            name=name,
            format="csv",
            encoding="utf-8",
            schema=Schema.from_descriptor(schemas[name]),
            dialect=Dialect.from_descriptor(package.DIALECT),
        )
        for name, prep in prepared.items() if name in needed
    ]
    found = Package(resources=resources)
    collector = _row_collector()
    checklist = Checklist(checks=[collector])
    for name in missing:
        report = found.get_resource(name).validate(checklist=checklist)
        errors[name] = [e for task in report.tasks for e in task.errors]
        typed[name] = collector.collected.get(name, [])
        _VERDICTS.put(keys[name], (errors[name], typed[name]))
    return errors, typed


def _row_collector() -> Any:
    """A frictionless check that keeps every typed row it sees, as plain dicts."""
    import attrs
    from frictionless import Check

    @attrs.define(kw_only=True, repr=False)
    class CollectRows(Check):
        type = "collect-rows"
        collected: dict[str, Records] = attrs.field(factory=dict)

        def validate_row(self, row: Any) -> Any:
            record = {k: load.plain(v) for k, v in row.to_dict().items()}
            self.collected.setdefault(self.resource.name, []).append(record)
            yield from ()

    return CollectRows()


def run(
    layout: Layout = REPO, targets: list[Path] | None = None, lang: str = "zh", engine: str = "auto"
) -> Findings:
    """Validate the chosen CSV files of a layout (all of them when `targets` is None).

    Every dataset of the layout is read, since foreign keys need the tables they point
    to, but only the chosen files' issues are reported. `engine` is "auto" (large tables
    through the column engine), "rows" or "columns" (every table through that one).
    """
    return _run(layout, targets, lang, engine)[0]


def validated(layout: Layout = REPO, lang: str = "zh") -> tuple[Findings, dict[str, datasets.Table]]:
    """Validate the whole project and hand on every table that passed, as it was read (its
    bytes, cells and typed records), so the model is built without reading a file again.
    A large table (read by the column engine) is left out: the model reads it itself."""
    report, prepared, passed = _run(layout, None, lang, "auto")
    tables = {}
    for name, records in passed.items():
        prep = prepared[name]
        if prep.large is None and prep.rows:
            tables[name] = datasets.Table(prep.raw, list(prep.rows[0]),
                                          [list(r) for r in prep.rows[1:]], records)
    return report, tables


def _run(
    layout: Layout, targets: list[Path] | None, lang: str, engine: str
) -> tuple[Findings, dict[str, ParsedTable], dict[str, Records]]:
    report = Findings()
    passed: dict[str, Records] = {}
    refused: set[str] = set()
    if targets is None:  # the whole project: pages, configuration and names too
        found, refused = project.check(layout)
        report.issues.extend(found)
    everything = [d for d in load.discover(layout) if d.name not in refused]
    chosen = everything if targets is None else [load.dataset_for(layout, t) for t in targets]
    chosen_names = {d.name for d in chosen}
    package_outside = any(i.code == "file-outside" and i.path == layout.relative(layout.package_meta)
                          for i in report.issues)
    limits = dict(limits_.DEFAULTS) if package_outside else _limits(layout)
    prepared: dict[str, ParsedTable] = {}
    for dataset in {d.name: d for d in [*everything, *chosen]}.values():
        prep, issues = _prepare(layout, dataset, limits, engine)
        if dataset.name in chosen_names:
            report.checked.append(layout.relative(dataset.csv))
            report.issues.extend(issues)
        if prep is not None and not any(i.severity == "error" for i in issues):
            prepared[dataset.name] = prep
    for name in _referenced_first(prepared):
        prep, issues = _columns(layout, prepared[name], limits, prepared)
        if name in chosen_names:
            report.issues.extend(issues)
        if prep is None or any(i.severity == "error" for i in issues):
            del prepared[name]
        else:
            prepared[name] = prep
    if prepared:
        small = {name: prep for name, prep in prepared.items() if prep.large is None}
        errors, typed = _frictionless(small, {n for n in prepared if n not in small})
        columns = _Examples(prepared)
        for name, prep in prepared.items():
            if prep.large is not None:
                table_errors = prep.large.errors
            else:
                table_errors = errors.get(name, []) + _references_to_large(
                    prep, typed.get(name, []), prepared)
            found = _table_issues(layout, prep, table_errors, columns, limits)
            if name in chosen_names:
                report.issues.extend(found)
            if not any(i.severity == "error" for i in found):
                passed[name] = typed.get(name, []) if prep.large is None else []
        for name in passed:
            if prepared[name].large is not None:
                passed[name] = _large_records(prepared[name], prepared, passed)
        editions_ = editions.read(layout)
        for name in passed.keys() & chosen_names:
            report.issues.extend(_consistency(layout, prepared[name], passed[name], passed, editions_))
        if targets is None:
            report.issues.extend(_edition_issues(editions_, prepared, passed))
        for name, recs in passed.items():  # the build's later stages use these rows
            if prepared[name].large is None:
                load.remember_records(prepared[name].dataset, recs, prepared[name].version)
    project_broken = any(i.code in PROJECT_FATAL for i in report.issues)
    if (targets is None and layout.descriptor.exists() and not project_broken
            and not _descriptor_errors(layout, report)):
        if layout.descriptor.read_text(encoding="utf-8") != package.datapackage_json(layout):
            report.issues.append(Issue("datapackage-stale", layout.relative(layout.descriptor)))
    return report, prepared, passed


class _Examples(dict):  # type: ignore[type-arg]
    """Dataset -> column -> cells, for the examples in foreign-key messages; read when asked."""

    def __init__(self, prepared: dict[str, ParsedTable]) -> None:
        super().__init__()
        self.prepared = prepared

    def get(self, name: Any, default: Any = None) -> Any:
        if name not in self and name in self.prepared:
            self[name] = self.prepared[name].columns()
        return super().get(name, default)


def _referenced_first(prepared: dict[str, ParsedTable]) -> list[str]:
    """The large tables still to read, each after the large tables its foreign keys point to."""
    waiting = [name for name, prep in prepared.items() if prep.large is LARGE]
    order: list[str] = []
    while waiting:
        for name in waiting:
            foreign_keys = prepared[name].schema.get("foreignKeys") or []
            refs = {(fk.get("reference") or {}).get("resource") for fk in foreign_keys}
            if not any(r in waiting and r != name for r in refs):
                break
        else:
            name = waiting[0]  # a cycle: its foreign keys into the others are not checked
        waiting.remove(name)
        order.append(name)
    return order


def _columns(
    layout: Layout, prep: ParsedTable, limits: dict[str, int], done: dict[str, ParsedTable]
) -> tuple[ParsedTable | None, list[Issue]]:
    """A large table through the column engine, or through the row engine when its structure
    needs explaining (then read whole, as any other table)."""
    from .checks import columns

    lookups: dict[str, dict[tuple[str, ...], set[tuple[Any, ...]]]] = {}
    for fk in prep.schema.get("foreignKeys") or []:
        reference = fk.get("reference") or {}
        resource = str(reference.get("resource"))
        target = reference.get("fields")
        target = [target] if isinstance(target, str) else list(target or [])
        source = done.get(resource) if resource != prep.dataset.name else None
        if source is None or source.large is LARGE:
            continue
        lookups.setdefault(resource, {})[tuple(target)] = _key_values(source, target)
    shown = layout.relative(prep.dataset.csv)
    try:
        result = columns.read(prep.dataset.csv, shown, prep.schema, limits, lookups, set(consistency.COLUMNS))
    except (columns.NotPlain, columns.pa.ArrowException):  # the row engine explains it
        return _read(layout, prep.dataset, prep.schema, prep.meta, [], limits)
    prep.large = result
    return prep, []


def _key_values(prep: ParsedTable, fields: list[str]) -> set[tuple[Any, ...]]:
    """The typed key tuples of a table, read as frictionless reads a lookup table."""
    if prep.large is not None:
        from .checks import columns

        return columns.key_values(prep.large, fields)
    from frictionless import Dialect, Resource, Schema

    schema = {k: v for k, v in prep.schema.items() if k != "foreignKeys"}
    resource: Any = Resource(prep.text.encode("utf-8"), format="csv", encoding="utf-8",
                             schema=Schema.from_descriptor(schema),
                             dialect=Dialect.from_descriptor(package.DIALECT))
    found = set()
    with resource:
        for row in resource.row_stream:
            cells_ = tuple(row.get(name) for name in fields)
            if set(cells_) != {None}:
                found.add(cells_)
    return found


def _references_to_large(prep: ParsedTable, typed: Records, prepared: dict[str, ParsedTable]) -> list[Any]:
    """Foreign keys of a small table into a large one, checked as frictionless would."""
    found: list[Any] = []
    for fk in prep.schema.get("foreignKeys") or []:
        reference = fk.get("reference") or {}
        resource = str(reference.get("resource"))
        other = prepared.get(resource)
        if other is None or other.large is None:
            continue
        fields = fk.get("fields") or []
        fields = [fields] if isinstance(fields, str) else list(fields)
        target = reference.get("fields") or []
        target = [target] if isinstance(target, str) else list(target)
        from .checks import columns  # only here: a large table is there

        known = _key_values(other, target)
        for row, (rec, cells_) in enumerate(zip(typed, prep.rows[1:], strict=False), start=2):
            values = tuple(rec.get(f) for f in fields)
            if set(values) == {None} or values in known:
                continue
            found.append(columns.foreign_key_error(cells_, row, fields, list(values), str(resource), target))
    return found


def _large_records(prep: ParsedTable, prepared: dict[str, ParsedTable],
                   passed: dict[str, Records]) -> Records:
    """The records of a large table that consistency checks can need, None for the others."""
    from .checks import columns

    ids: set[str] = set()
    for rule in prep.meta.get("consistency") or []:
        ids.update(str(v) for k, v in rule.items() if k != "type" and isinstance(v, str))
    for name, other in prepared.items():  # tables whose targets need this one's baselines
        for fk in other.schema.get("foreignKeys") or []:
            if (fk.get("reference") or {}).get("resource") != prep.dataset.name or name not in passed:
                continue
            if other.large is not None and "indicator_id" in other.large.typed:
                ids.update(str(v[0]) for v in columns.key_values(other.large, ["indicator_id"]))
            else:
                ids.update(str(r.get("indicator_id")) for r in passed[name] if r and r.get("indicator_id"))
    every_row = "baseline_year" in prep.large.typed
    return columns.records(prep.large, columns.consistency_rows(prep.large, ids, every_row))


def _descriptor_errors(layout: Layout, report: Findings) -> bool:
    """Whether a schema has an error: datapackage.json carries the schemas and cannot be
    regenerated from a broken one, so it is not called stale on top of that error."""
    schemas = {layout.relative(d.schema_path) for d in load.discover(layout)}
    return any(i.severity == "error" and i.path in schemas for i in report.issues)


def _table_issues(
    layout: Layout,
    prep: ParsedTable,
    errors: list[Any],
    columns: dict[str, dict[str, list[str]]],
    limits: dict[str, int],
) -> list[Issue]:
    """Our cell checks plus frictionless' errors, without reporting one cell twice."""
    shown = layout.relative(prep.dataset.csv)
    if prep.large is not None:
        ours = list(prep.large.issues)
    else:
        # Cells are checked by position against the schema's fields, as frictionless reads
        # them: a wrong header is reported as such, and does not hide the cells below it.
        names = [f.get("name") for f in prep.schema.get("fields", [])]
        ours = cells.check_rows(prep.rows[1:], names, prep.schema, shown, limits["max_cell_chars"])
    theirs = [tables.convert(e, shown, prep.schema, columns) for e in errors]
    # A cell we explained (1.2万 is a unit, not just a type error) is not reported again.
    explained = {(i.row, i.column_number) for i in ours if i.severity == "error"}
    # A blank or ragged row is reported as such, not as the errors its shifted cells cause.
    broken = {i.row for i in theirs if i.code in tables.ROW_CODES}
    theirs = [
        i
        for i in theirs
        if (i.column_number is None or (i.row, i.column_number) not in explained)
        and (i.code in tables.ROW_CODES or i.row not in broken)
    ]
    return [i for i in ours if i.row not in broken] + theirs


def _edition_issues(
    found: list[editions.Edition], prepared: dict[str, ParsedTable], passed: dict[str, Records]
) -> list[Issue]:
    """The editions' front matter, its `sources` checked against datasets/sources.csv when it passed."""
    if "sources" in passed and prepared["sources"].large is None:
        ids: set[str] | None = {str(r.get("source_id")) for r in passed["sources"] if r}
    else:
        ids = None
    return editions.check(found, ids)


def _year_and_source(prep: ParsedTable, recs: Records, year_column: str) -> Records:
    """Every row's year and source_id: a large table passes only some rows as records, so its
    two typed columns are read whole (a few bytes a row)."""
    if prep.large is None or year_column not in prep.large.typed or "source_id" not in prep.large.typed:
        return recs
    years = prep.large.typed[year_column].to_pylist()
    ids = prep.large.typed["source_id"].to_pylist()
    return consistency.Sparse([(n + 2, {year_column: int(y) if isinstance(y, float) else y, "source_id": s})
                               for n, (y, s) in enumerate(zip(years, ids, strict=True))])


def _consistency(
    layout: Layout, prep: ParsedTable, recs: list[dict[str, Any]], records: dict[str, list[dict[str, Any]]],
    editions_: list[editions.Edition] | None = None,
) -> list[Issue]:
    shown = layout.relative(prep.dataset.csv)
    issues = consistency.check_values(recs, shown) + consistency.check_definitions(recs, shown)
    year_column = editions.year_column(prep.schema)
    if editions_ and year_column and any(ed.is_published for ed in editions_):
        issues += consistency.check_edition_sources(_year_and_source(prep, recs, year_column), shown,
                                                    editions_, year_column)
    rules = prep.meta.get("consistency") or []
    if rules:
        issues += consistency.check_rules(rules, recs, shown, layout.relative(prep.dataset.meta_path))
    for fk in prep.schema.get("foreignKeys") or []:
        fields = fk.get("fields")
        reference = (fk.get("reference") or {}).get("resource")
        sample = next((r for r in recs if r is not None), {})
        if fields in ("indicator_id", ["indicator_id"]) and "baseline_year" in sample:
            if reference in records:
                issues += consistency.check_baselines(recs, records[reference], shown)
    return issues


# --- command line ------------------------------------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="CSV 文件或项目目录（默认：本仓库全部数据）/ CSV files or project folders "
        "(default: all data in the repository)",
    )
    parser.add_argument(
        "--format", choices=["text", "json", "github"], default="text", help="输出格式 / output format"
    )
    parser.add_argument(
        "--lang",
        choices=["zh", "en"],
        default="zh",
        help="消息语言（默认中文）/ message language (default Chinese)",
    )


class UsageError(Exception):
    pass


def _layout_of(path: Path) -> Layout | None:
    """The project a CSV belongs to: the parent of its nearest `datasets` folder."""
    for parent in path.parents:
        if parent.name == "datasets":
            return Layout(parent.parent)
    return None


def resolve(paths: list[str]) -> list[tuple[Layout, list[Path] | None]]:
    """Command-line paths -> (layout, targets) groups. Raises UsageError for nonsense."""
    if not paths:
        return [(REPO, None)]
    groups: dict[Path, tuple[Layout, list[Path] | None]] = {}
    outside: list[Path] = []
    for raw in paths:
        if "://" in raw:
            outside.append(Path(raw))
            continue
        path = Path(os.path.abspath(raw))
        if path.is_dir():
            root = path.parent if path.name == "datasets" else path
            if not (root / "datasets").is_dir():
                raise UsageError(f"not a project folder (no datasets/ inside): {raw}")
            groups[root] = (Layout(root), None)
            continue
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"no such file: {raw}")
        if path.suffix.lower() != ".csv":
            raise UsageError(f"not a CSV file: {raw}")
        layout = _layout_of(path)
        if layout is None:
            outside.append(path)
            continue
        current = groups.setdefault(layout.root, (layout, []))
        if current[1] is not None:
            current[1].append(path)
    result = list(groups.values())
    if outside:
        result.append((REPO, outside))
    return result


def run_paths(paths: list[str], lang: str = "zh") -> Findings:
    report = Findings()
    for layout, targets in resolve(paths):
        if targets is not None and layout is REPO:
            outside = [t for t in targets if _layout_of(t) is None]
            for t in outside:
                report.checked.append(str(t))
                report.issues.append(
                    Issue(
                        "path-outside",
                        str(t),
                        value=str(t),
                        params={"reason": "not under a datasets/ folder"},
                    )
                )
            targets = [t for t in targets if t not in outside]
            if not targets:
                continue
        part = run(layout, targets, lang)
        report.checked += part.checked
        report.issues += part.issues
    return report


def main(args: argparse.Namespace) -> int:
    try:
        report = run_paths(args.paths, args.lang)
    except UsageError as exc:
        print(f"用法错误 / usage error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(report.formatted(args.format, args.lang))
    return 0 if report.valid else 1
