"""The column engine: a large table validated a column at a time, with the row engine's findings.

Frictionless checks a table row by row in Python (about 50,000 rows a second);
cells.check_rows does the same for our cell checks. For a large table
(validate.LARGE_BYTES and up) this module reads the CSV in blocks with pyarrow and
decides most cells for a whole column at once:

- a cell that a vectorised test shows to be plainly fine (cells.CLEAN: a plain
  number, an id of letters and digits, text without any character a cell
  check looks at; of the right type, inside its constraints) needs nothing
  more;
- every other cell goes through the very functions the row engine uses:
  frictionless' own cell reader for the field (type and constraints, read
  from the frictionless Schema) and cells.check_cell. Each distinct value is
  judged once per column.

So the Table Schema stays the one authority and a finding cannot differ
between the engines: the vectorised tests only decide which cells need the
exact look. Primary keys, unique fields and foreign keys are compared on the
typed values, as frictionless does (the other row of a duplicate key is the
latest earlier row with that key). Errors come out as frictionless error
objects, so checks/tables.py rewords them as before, capped at frictionless'
1,000 errors a table.

A file whose structure is not plain (header not exactly the schema's names,
ragged or blank rows, bytes that are not UTF-8, a BOM, NUL or Ctrl-Z inside,
rows or columns over the limits) is left to the row engine, which explains it;
`read` then returns None. Raw text is never held whole: blocks of
BLOCK_BYTES are parsed and dropped, and only the typed columns later checks
need (keys and the columns of checks/consistency.py) are kept, strings
dictionary-encoded.

pyarrow is imported here only, and this module only when a table is large.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from .. import csvtext
from ..findings import Issue
from . import cells

BLOCK_BYTES = 16 << 20  # CSV bytes parsed at a time
ERROR_LIMIT = 1000  # frictionless' default limit of errors per table
SIMPLE_PATTERN = re.compile(r"[A-Za-z0-9\-\[\]()*+?.|^$]*")  # reads the same in RE2 and Python's re


# Bytes the row engine reports for the file, not for a cell: a BOM inside, Ctrl-Z, NUL, CR CR LF.
NOT_CELLS = ("\ufeff", "\x1a", "\x00", "\r\r\n")


class NotPlain(Exception):
    """The file's structure needs the row engine's explanation."""


@dataclass
class Result:
    """What the column engine found in one table."""

    errors: list[Any]  # frictionless error objects, in frictionless' order
    issues: list[Issue]  # our cell checks' findings
    rows: int
    typed: dict[str, pa.ChunkedArray] = field(default_factory=dict)  # kept typed columns
    codes: dict[str, np.ndarray] = field(default_factory=dict)  # their integer codes, once computed

    def code(self, name: str) -> np.ndarray:
        if name not in self.codes:
            self.codes[name] = _codes(self.typed[name])
        return self.codes[name]


# --- reading -------------------------------------------------------------------------------------


def _header(path: Path) -> list[str]:
    import csv
    import io

    with path.open("rb") as stream:
        head = stream.read(1 << 16)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = head[: exc.start].decode("utf-8")
    line = text.split("\n", 1)[0]
    for delimiter in csvtext.OTHER_DELIMITERS:
        if line.count(delimiter) > line.count(","):
            raise NotPlain("delimiter")
    return next(csv.reader(io.StringIO(text, newline="")), [])


def _batches(path: Path, names: list[str]) -> Iterator[pa.RecordBatch]:
    reader = pcsv.open_csv(
        str(path),
        read_options=pcsv.ReadOptions(block_size=BLOCK_BYTES, use_threads=True),
        parse_options=pcsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pcsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
        ),
    )
    yield from reader


# --- one column ----------------------------------------------------------------------------------


class Column:
    """How one schema field is judged: vectorised tests and the exact readers."""

    def __init__(
        self, number: int, spec: dict[str, Any], fl_field: Any, is_key: bool, max_chars: int
    ) -> None:
        self.number = number
        self.name = spec["name"]
        self.spec = spec
        self.kind = spec.get("type", "string")
        self.is_key = is_key
        self.max_chars = max_chars
        self.field = fl_field
        self.reader = fl_field.create_cell_reader()
        self.constraints = spec.get("constraints") or {}
        self.missing = list(fl_field.missing_values)
        if not fl_field.has_defined("missing_values") and fl_field.schema:
            self.missing = list(fl_field.schema.missing_values)
        self.clean = cells.clean_pattern(self.kind, is_key)
        self.cache: dict[str, tuple[Any, dict[str, str] | None, list[Issue]]] = {}
        self.format = spec.get("format", "default")

    # the exact look at one distinct value
    def judge(self, cell: str) -> tuple[Any, dict[str, str] | None, list[Issue]]:
        known = self.cache.get(cell)
        if known is None:
            target, notes = self.reader(cell)
            where = {"path": "", "row": 0, "column": self.name, "column_number": self.number}
            ours = cells.check_cell(cell, self.spec, self.is_key, where, self.max_chars)
            known = (target, dict(notes) if notes else None, ours)
            if len(self.cache) < 200_000:
                self.cache[cell] = known
        return known

    def _mojibake(self, values: pa.Array, not_clean: pa.Array) -> pa.Array:
        """Clean-looking non-ASCII values that are UTF-8 misread as GBK (椤跺眰璁捐 is all
        ideographs, so no character class can tell it): one test per distinct value."""
        candidates = pc.fill_null(pc.and_(pc.invert(not_clean), pc.invert(pc.string_is_ascii(values))),
                                  False)
        mask = np.zeros(len(values), dtype=bool)
        for position in np.flatnonzero(candidates.to_numpy(zero_copy_only=False)):
            cell = values[int(position)].as_py()
            if cell is not None and cells.mojibake(cell) is not None:
                mask[position] = True
        return pa.array(mask)

    def suspect(self, values: pa.Array) -> tuple[np.ndarray, pa.Array | None]:
        """(mask of cells needing the exact look, typed values of the others or None)."""
        n = len(values)
        nbytes = pc.binary_length(values)
        flag = pc.greater(nbytes, self.max_chars)
        empty = pc.equal(nbytes, 0)
        missing = empty
        if self.missing != [""]:
            missing = pc.is_in(values, value_set=pa.array(self.missing, pa.string()))
        present = pc.invert(missing)
        # our cell checks: anything not plainly clean
        not_clean = pc.invert(pc.match_substring_regex(values, self.clean))
        flag = pc.or_(flag, pc.and_(not_clean, pc.invert(empty)))
        if self.kind not in cells.NUMERIC_TYPES:
            flag = pc.or_(flag, self._mojibake(values, not_clean))
        if self.constraints.get("required"):
            flag = pc.or_(flag, missing)
        typed: pa.Array | None = None
        kind, c = self.kind, self.constraints
        if kind in ("integer", "number") and self.format == "default" and self._plain_numbers():
            shape = r"^-?[0-9]+$" if kind == "integer" else r"^-?[0-9]+(\.[0-9]+)?$"
            ok = pc.and_(present, pc.match_substring_regex(values, shape))
            ok = pc.and_(ok, pc.less_equal(nbytes, 18 if kind == "integer" else 30))
            flag = pc.or_(flag, pc.and_(present, pc.invert(ok)))
            target = pa.int64() if kind == "integer" else pa.float64()
            typed = pc.cast(pc.if_else(ok, values, pa.scalar("0")), target)
            typed = pc.if_else(ok, typed, pa.scalar(None, target))
            for name, compare in (("minimum", pc.greater), ("maximum", pc.less),
                                  ("exclusiveMinimum", pc.greater), ("exclusiveMaximum", pc.less)):
                if name in c:
                    bound = float(c[name])
                    inside = pc.fill_null(compare(typed, pa.scalar(bound, pa.float64())), True)
                    flag = pc.or_(flag, pc.invert(inside))
            if "enum" in c:
                flag = pc.or_(flag, present)  # judged exactly, once per distinct value
        elif kind == "string" and self.format == "default":
            typed = values
            if "maxLength" in c:
                flag = pc.or_(flag, pc.greater(nbytes, int(c["maxLength"])))
            if "minLength" in c:
                flag = pc.or_(flag, pc.and_(present, pc.less(nbytes, int(c["minLength"]) * 4)))
            if "enum" in c:
                allowed = pa.array([str(v) for v in c["enum"]], pa.string())
                flag = pc.or_(flag, pc.and_(present, pc.invert(pc.is_in(values, value_set=allowed))))
            if "pattern" in c:
                pattern = str(c["pattern"])
                if SIMPLE_PATTERN.fullmatch(pattern):
                    fits = pc.match_substring_regex(values, f"^(?:{pattern})$")
                    flag = pc.or_(flag, pc.and_(present, pc.invert(fits)))
                else:
                    flag = pc.or_(flag, present)
        elif kind == "boolean" and self._plain_booleans():
            true_values = [str(v) for v in self.field.true_values]
            false_values = [str(v) for v in self.field.false_values]
            is_true = pc.is_in(values, value_set=pa.array(true_values, pa.string()))
            is_false = pc.is_in(values, value_set=pa.array(false_values, pa.string()))
            ok = pc.or_(is_true, is_false)
            flag = pc.or_(flag, pc.and_(present, pc.invert(ok)))
            typed = pc.if_else(ok, is_true, pa.scalar(None, pa.bool_()))
            if "enum" in c:
                flag = pc.or_(flag, present)
        else:
            flag = pc.or_(flag, present)  # other types: every value judged exactly (once each)
        if typed is not None:
            typed = pc.if_else(missing, pa.scalar(None, typed.type), typed)
        mask = np.asarray(flag.to_numpy(zero_copy_only=False), dtype=bool)
        assert len(mask) == n
        return mask, typed

    def _plain_numbers(self) -> bool:
        f = self.field
        return bool(getattr(f, "bare_number", True)) and not f.has_defined("group_char") and not (
            f.has_defined("decimal_char")) and not getattr(f, "float_number", False)

    def _plain_booleans(self) -> bool:
        return True


# --- the table -----------------------------------------------------------------------------------


def _kept(schema: dict[str, Any], extra: set[str]) -> set[str]:
    keep = set(cells.key_fields(schema)) | extra
    for f in schema.get("fields", []):
        if (f.get("constraints") or {}).get("unique"):
            keep.add(f["name"])
    return keep


def read(
    path: Path,
    shown: str,
    schema: dict[str, Any],
    limits: dict[str, int],
    lookups: dict[str, dict[tuple[str, ...], set[tuple[Any, ...]]]],
    keep: set[str],
) -> Result:
    """Validate one large table; raise NotPlain when the row engine must explain its structure.

    `lookups` are the referenced tables' key sets for foreign keys (resource -> fields -> values);
    `keep` names the columns to keep typed for later checks.
    """
    from frictionless import Schema

    names = [f.get("name") for f in schema.get("fields", [])]
    if any(not isinstance(n, str) for n in names) or len(set(names)) != len(names):
        raise NotPlain("schema names")
    if len(names) > limits.get("max_columns", 10**9):
        raise NotPlain("columns")
    if _header(path) != names:
        raise NotPlain("header")
    fl_schema = Schema.from_descriptor({k: v for k, v in schema.items() if k != "foreignKeys"})
    keys = cells.key_fields(schema)
    max_chars = limits["max_cell_chars"]
    columns = [Column(i, f, fl_schema.get_field(f["name"]), f["name"] in keys, max_chars)
               for i, f in enumerate(schema.get("fields", []), start=1)]
    keep = _kept(schema, keep)
    kept: dict[str, list[pa.Array]] = {n: [] for n in names if n in keep}
    cell_errors: list[tuple[int, int, int, Any]] = []  # (row, field, order, error)
    issues: list[Issue] = []
    offset = 0  # data rows before this batch
    blocks: list[tuple[int, int]] = []  # (first row, rows) of each batch, to find rows again
    try:
        for batch in _batches(path, names):
            if batch.num_columns != len(names):
                raise NotPlain("columns")
            n = batch.num_rows
            if offset + n > limits.get("max_rows", 10**12):
                raise NotPlain("rows")
            arrays = [batch.column(i) for i in range(len(names))]
            blank = None
            for values in arrays:
                empty = pc.equal(pc.binary_length(values), 0)
                blank = empty if blank is None else pc.and_(blank, empty)
            if blank is not None and pc.any(blank).as_py():
                raise NotPlain("blank row")
            for column, values in zip(columns, arrays, strict=True):
                # Each distinct value is judged once: the tests run on the block's dictionary.
                encoded = pc.dictionary_encode(values)
                dictionary = encoded.dictionary
                indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False))
                mask, typed = column.suspect(dictionary)
                if mask.any():
                    typed = _exact(column, dictionary, mask, typed, indices, offset, shown, cell_errors,
                                   issues)
                if column.name in kept:
                    kept[column.name].append(_expand(typed, encoded.indices))
            blocks.append((offset, n))
            offset += n
    except pa.ArrowInvalid as exc:
        raise NotPlain(str(exc)) from exc
    if offset == 0:
        raise NotPlain("no rows")
    typed_columns = {name: pa.chunked_array(parts) for name, parts in kept.items()}
    pa.default_memory_pool().release_unused()

    def rows_cells(rows: list[int]) -> dict[int, list[str]]:
        return _rows_cells(path, names, blocks, rows)

    result = Result([], issues, offset, typed_columns)
    row_errors = _keys(schema, result, lookups)
    result.errors = _in_order(cell_errors, row_errors, names, rows_cells)
    return result


def _expand(typed: pa.Array, indices: pa.Array) -> pa.Array:
    """Typed values of a block from those of its dictionary: strings stay dictionary-encoded."""
    if pa.types.is_string(typed.type) or pa.types.is_large_string(typed.type):
        return pa.DictionaryArray.from_arrays(indices, typed)
    return typed.take(indices)


def _exact(column: Column, dictionary: pa.Array, mask: np.ndarray, typed: pa.Array | None,
           indices: np.ndarray, offset: int, shown: str, cell_errors: list, issues: list[Issue]) -> pa.Array:
    """The exact look at the suspect distinct values of one column in one block.

    Returns the typed values of the dictionary with the suspects' values as frictionless reads them.
    """
    positions = np.flatnonzero(mask)
    suspects = dictionary.take(pa.array(positions)).to_pylist()
    targets: list[Any] = []
    found: dict[int, tuple[str, dict[str, str] | None, list[Issue]]] = {}
    for position, cell in zip(positions.tolist(), suspects, strict=True):
        if any(needle in cell for needle in NOT_CELLS):
            raise NotPlain("bytes that are no cell's")
        target, notes, ours = column.judge(cell)
        targets.append(_plain(target))
        if notes or ours:
            found[position] = (cell, notes, ours)
    if found:
        hit = np.isin(indices, np.fromiter(found, dtype=indices.dtype, count=len(found)))
        for at in np.flatnonzero(hit).tolist():
            cell, notes, ours = found[int(indices[at])]
            row = offset + at + 2
            for issue in ours:
                issues.append(Issue(issue.code, shown, row, issue.column, issue.column_number, issue.value,
                                    issue.severity, issue.params))
            if notes:
                rest = dict(notes)
                type_note = rest.pop("type", None)
                if type_note:
                    cell_errors.append((row, column.number, 0, ("type", type_note, cell)))
                for order, note in enumerate(rest.values(), start=1):
                    cell_errors.append((row, column.number, order, ("constraint", note, cell)))
    if typed is None:  # a type judged value by value: all its values are suspects
        everything: list[Any] = [None] * len(dictionary)
        for position, target in zip(positions.tolist(), targets, strict=True):
            everything[position] = target
        try:
            return pa.array(everything)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return pa.array([None if v is None else str(v) for v in everything], pa.string())
    if pa.types.is_string(typed.type):
        replacement = pa.array([None if v is None else str(v) for v in targets], pa.string())
    else:
        replacement = pa.array(targets, type=typed.type)
    return pc.replace_with_mask(typed, pa.array(mask), replacement)


def _plain(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    return value


def _codes(array: pa.ChunkedArray) -> np.ndarray:
    """Equal typed values -> equal integer codes; null -> -1."""
    if pa.types.is_dictionary(array.type) and isinstance(array, pa.ChunkedArray):
        # each block has its own dictionary: map them onto one list of the distinct values
        every = pc.unique(pa.concat_arrays([c.dictionary for c in array.chunks])).drop_null()
        parts = []
        for chunk in array.chunks:
            mapping = pc.index_in(chunk.dictionary, value_set=every).fill_null(-1)
            mapping_np = np.asarray(mapping.to_numpy(zero_copy_only=False), dtype=np.int32)
            indices = np.asarray(chunk.indices.to_numpy(zero_copy_only=False))
            parts.append(mapping_np[indices])
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    encoded = pc.dictionary_encode(array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array)
    return np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int32)


def _combined(columns: list[np.ndarray]) -> np.ndarray:
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes = column.astype(np.int64) + 1
        span = int(codes.max()) + 1 if len(codes) else 1
        if key.max(initial=0) >= (2**62) // max(span, 1):
            key = np.unique(key, return_inverse=True)[1].astype(np.int64)
        key = key * span + codes
    return key


def _duplicates(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows with a key seen before, the latest earlier row with it), as 0-based indices."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    same = ordered[1:] == ordered[:-1]
    return order[1:][same], order[:-1][same]


def _keys(schema: dict[str, Any], result: Result, lookups: dict) -> list[tuple[int, int, Any]]:
    """Unique fields, primary key and foreign keys on typed values: (row, order, spec) each."""
    found: list[tuple[int, int, Any]] = []
    typed, rows = result.typed, result.rows
    for f in schema.get("fields", []):
        if (f.get("constraints") or {}).get("unique"):
            name = f["name"]
            key = result.code(name)
            present = key >= 0
            index = np.flatnonzero(present)
            dup, other = _duplicates(key[present])
            for d, o in zip(index[dup].tolist(), index[other].tolist(), strict=True):
                found.append((d + 2, 1, ("unique", name, o + 2)))
    pk = schema.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else list(pk)
    if pk:
        nulls = np.ones(rows, dtype=bool)
        for k in pk:
            nulls &= result.code(k) < 0
        for r in np.flatnonzero(nulls).tolist():
            found.append((r + 2, 2, ("primary-key-null",)))
        key = _combined([result.code(k) for k in pk])
        dup, other = _duplicates(key)
        for d, o in zip(dup.tolist(), other.tolist(), strict=True):
            if not nulls[d]:
                found.append((d + 2, 2, ("primary-key", o + 2)))
    for number, fk in enumerate(schema.get("foreignKeys") or []):
        fields = fk.get("fields")
        fields = [fields] if isinstance(fields, str) else list(fields)
        reference = fk.get("reference") or {}
        resource = reference.get("resource")
        target = reference.get("fields") or []
        target = [target] if isinstance(target, str) else list(target)
        if resource not in lookups:
            continue
        known = lookups[resource].get(tuple(target), set())
        arrays = [typed[f] for f in fields]
        for r, values in _missing_references(arrays, known):
            found.append((r + 2, 3 + number, ("foreign-key", fields, values, resource, target)))
    return found


def _missing_references(
    arrays: list[pa.ChunkedArray], known: set[tuple[Any, ...]]
) -> Iterator[tuple[int, list]]:
    """Rows whose typed key is not in `known` (all-null keys are not checked)."""
    if len(arrays) == 1:
        array = arrays[0]
        value_type = array.type.value_type if pa.types.is_dictionary(array.type) else array.type
        try:
            allowed = pa.array([v[0] for v in known], type=value_type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            allowed = None
        if allowed is not None:
            offset = 0
            for chunk in array.chunks:
                if pa.types.is_dictionary(chunk.type):  # looked up once per distinct value
                    values = chunk.dictionary
                    inside = _np(pc.or_(pc.is_in(values, value_set=allowed), values.is_null()))
                    bad = np.flatnonzero(~inside[np.asarray(chunk.indices.to_numpy(zero_copy_only=False))])
                else:
                    values = chunk
                    bad = np.flatnonzero(~_np(pc.or_(pc.is_in(chunk, value_set=allowed), chunk.is_null())))
                for r in bad.tolist():
                    index = int(chunk.indices[r].as_py()) if pa.types.is_dictionary(chunk.type) else r
                    yield offset + r, [values[index].as_py()]
                offset += len(chunk)
            return
    columns = [a.to_pylist() for a in arrays]
    for r, values in enumerate(zip(*columns, strict=True)):
        if set(values) == {None}:
            continue
        if values not in known:
            yield r, list(values)


def _rows_cells(
    path: Path, names: list[str], blocks: list[tuple[int, int]], rows: list[int]
) -> dict[int, list[str]]:
    """The text cells of some data rows (row numbers count the header as 1), in one more pass."""
    wanted = sorted(rows)
    found: dict[int, list[str]] = {}
    if not wanted:
        return found
    for batch_number, batch in enumerate(_batches(path, names)):
        first, count = blocks[batch_number]
        inside = [r for r in wanted if first <= r - 2 < first + count]
        if inside:
            picked = batch.take(pa.array([r - 2 - first for r in inside]))
            columns = [picked.column(i).to_pylist() for i in range(picked.num_columns)]
            for k, r in enumerate(inside):
                found[r] = [c[k] for c in columns]
        if first + count > wanted[-1] - 2:
            break
    return found


def _in_order(cell_errors: list, row_errors: list, names: list[str],
              rows_cells: Callable[[list[int]], dict[int, list[str]]]) -> list[Any]:
    """Frictionless' errors in its order (row by row), up to its limit of errors."""
    from frictionless import errors

    merged = sorted(
        [(r, 0, f, o, spec) for r, f, o, spec in cell_errors]
        + [(r, 1, o, 0, spec) for r, o, spec in row_errors],
        key=lambda item: item[:4],
    )[:ERROR_LIMIT]
    row_cells = rows_cells(sorted({item[0] for item in merged}))
    out: list[Any] = []
    for row, _, number, _, spec in merged:
        cells_ = row_cells[row]
        kind = spec[0]
        if kind in ("type", "constraint"):
            cls = errors.TypeError if kind == "type" else errors.ConstraintError
            out.append(cls(note=spec[1], cells=cells_, row_number=row, cell=str(spec[2]),
                           field_name=names[number - 1], field_number=number))
        elif kind == "unique":
            name, other = spec[1], spec[2]
            at = names.index(name)
            out.append(errors.UniqueError(note=f"the same as in the row at position {other}", cells=cells_,
                                          row_number=row, cell=cells_[at], field_name=name,
                                          field_number=at + 1))
        elif kind == "primary-key":
            out.append(errors.PrimaryKeyError(note=f"the same as in the row at position {spec[1]}",
                                              cells=cells_, row_number=row))
        elif kind == "primary-key-null":
            out.append(errors.PrimaryKeyError(note='cells composing the primary keys are all "None"',
                                              cells=cells_, row_number=row))
        elif kind == "foreign-key":
            out.append(foreign_key_error(cells_, row, *spec[1:]))
    return out


def foreign_key_error(cells_: list[str], row: int, fields: list[str], values: list[Any], resource: str,
                      target: list[str]) -> Any:
    """A key not found in the table it refers to, as frictionless words it."""
    from frictionless import errors

    shown = ", ".join(str(d) for d in values)
    note = f'for "{", ".join(fields)}": values "{shown}" not found in the lookup table "{resource}" as ' \
        f'"{", ".join(target)}"'
    return errors.ForeignKeyError(
        note=note, cells=cells_, row_number=row, field_names=fields,
        field_cells=["" if v is None else str(v) for v in values], reference_name=resource,
        reference_field_names=target)


# --- what later checks need ----------------------------------------------------------------------


def examples(result: Result) -> dict[str, list[str]]:
    """Column -> its three smallest distinct values as text (for foreign-key messages)."""
    out = {}
    for name, array in result.typed.items():
        if pa.types.is_dictionary(array.type):
            array = array.cast(array.type.value_type)
        distinct = pc.unique(array.combine_chunks()).drop_null()
        text = sorted(str(v) for v in distinct.to_pylist())[:3]
        out[name] = text
    return out


def key_values(result: Result, fields: list[str]) -> set[tuple[Any, ...]]:
    """The typed key tuples of a table, as frictionless' lookup for foreign keys (all-null left out)."""
    arrays = []
    for name in fields:
        array = result.typed[name]
        if pa.types.is_dictionary(array.type):
            array = array.cast(array.type.value_type)
        arrays.append(array.combine_chunks())
    if len(arrays) == 1:
        return {(v,) for v in pc.unique(arrays[0]).drop_null().to_pylist()}
    table = pa.table({str(i): a for i, a in enumerate(arrays)}).group_by([str(i) for i in range(len(arrays))])
    keys = table.aggregate([]).to_pylist()
    return {tuple(k[str(i)] for i in range(len(arrays))) for k in keys
            if any(k[str(i)] is not None for i in range(len(arrays)))}


def _chunks(result: Result, name: str) -> list[pa.Array] | None:
    """A kept column block by block, decoded (a block at a time, so memory stays small)."""
    array = result.typed.get(name)
    if array is None:
        return None
    return [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in array.chunks]


def _np(array: pa.Array) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def consistency_rows(result: Result, ids: set[str], every_row: bool) -> np.ndarray:
    """Rows (0-based) where a consistency check could find something: a superset.

    checks/consistency.py then runs on just these rows' records, so its rules stay in one place.
    """
    from . import consistency

    n = result.rows
    if every_row:
        return np.arange(n)
    parts = []
    count_units = pa.array(sorted(consistency.COUNT_UNITS))
    wanted = pa.array(sorted(ids), pa.string())
    columns = {name: _chunks(result, name) for name in
               ("value", "value_max", "derived", "derivation", "unit", "indicator_id")}
    blocks = len(next(iter(result.typed.values())).chunks) if result.typed else 0
    for k in range(blocks):
        def get(name: str, k: int = k) -> pa.Array | None:
            chunks = columns[name]
            return chunks[k] if chunks is not None else None

        value, upper, derived, derivation = get("value"), get("value_max"), get("derived"), get("derivation")
        size = len(next(iter(result.typed.values())).chunk(k))
        mask = np.zeros(size, dtype=bool)
        if upper is not None:
            mask |= _np(upper.is_valid())
        if derived is not None:
            has = np.zeros(size, dtype=bool)
            if derivation is not None:
                has = _np(derivation.is_valid())
                if pa.types.is_string(derivation.type):
                    has &= _np(pc.fill_null(pc.greater(pc.binary_length(derivation), 0), False))
            if pa.types.is_boolean(derived.type):
                mask |= (_np(pc.fill_null(derived, False)) & ~has)
                mask |= (_np(pc.fill_null(pc.invert(derived), False)) & has)
            else:
                mask[:] = True
        unit = get("unit")
        if unit is not None:
            counted = _np(pc.fill_null(pc.is_in(unit, value_set=count_units), False))
            for number in (value, upper):
                if number is not None:
                    if pa.types.is_integer(number.type) or pa.types.is_floating(number.type):
                        mask |= counted & _np(pc.fill_null(pc.less(number, 0), False))
                    else:
                        mask |= counted
        indicator = get("indicator_id")
        if ids and indicator is not None:
            mask |= _np(pc.fill_null(pc.is_in(indicator, value_set=wanted), False))
        parts.append(mask)
    mask = np.concatenate(parts) if parts else np.zeros(n, dtype=bool)
    if "indicator_id" in result.typed and "year" in result.typed:
        codes = result.code("indicator_id")
        _, first = np.unique(codes, return_index=True)
        lookup = np.zeros(int(codes.max()) + 2 if len(codes) else 1, dtype=np.int64)
        lookup[codes[first] + 1] = first
        first_of = lookup[codes.astype(np.int64) + 1]
        differs = np.zeros(n, dtype=bool)
        for name in consistency.DEFINITION_COLUMNS:
            if name in result.typed:
                c = _codes(result.typed[name])
                differs |= c != c[first_of]
                del c
        mask |= differs
        mask[first_of[differs]] = True
    return np.flatnonzero(mask)


def records(result: Result, rows: np.ndarray) -> Any:
    """The typed records of some rows (numbers without a fraction as int), as consistency.Sparse."""
    from .consistency import Sparse

    if len(rows) == 0:
        return Sparse([])
    index = pa.array(rows)
    columns = {}
    for name, array in result.typed.items():
        values = array.take(index).to_pylist()
        if pa.types.is_floating(array.type):
            values = [int(v) if v is not None and v.is_integer() and abs(v) < 2**53 else v for v in values]
        columns[name] = values
    names = list(columns)
    return Sparse([(r + 2, {name: columns[name][k] for name in names}) for k, r in enumerate(rows.tolist())])
