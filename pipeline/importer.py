"""`python -m pipeline import FILE --dataset NAME`: bring a staff sheet into the canonical CSV.

Staff keep their tables in Excel. This module reads a sheet as they really
have it (XLSX, or CSV saved as GBK/GB18030, UTF-8 or UTF-8 with BOM, with CRLF
or CR line ends), turns it into the canonical form of the dataset (UTF-8
without BOM, LF line ends, the schema's column order, numbers written plainly:
no "1.0" for 1, no Excel float noise), validates the result as it would be
published, shows what changed by primary key, and writes datasets/NAME.csv only
when it is valid. `--dry-run` shows everything and writes nothing.

What this module does not do: judge the data (validate.py does, on a temporary
copy of the project) or guess encodings (the encoding is detected from the
bytes by explicit rules, never by a statistical guess).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

from . import csvtext, git, load, numbers, progress, revision_log
from . import limits as limits_
from .changes import describe, diff, primary_key, read_rows, row_key
from .load import Dataset, discover
from .messages import CATALOGUE, IMPORT_NOTES
from .paths import REPO, Layout
from .workbook import column_letter

DATA_SHEET = "数据"  # the data sheet of the XLSX files the site publishes


class ImportProblem(Exception):
    """A sheet that cannot be turned into the canonical CSV, with a code and its details."""

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.details = details

    def message(self, lang: str = "zh") -> str:
        entry = CATALOGUE[self.code]
        return (entry.text_en if lang == "en" else entry.text_zh).format(**self.details)

    def fix(self) -> str:
        return CATALOGUE[self.code].fix_zh


@dataclass
class Sheet:
    """Header and rows as read from the file; XLSX cells keep their Python types.

    Positions are kept as the staff member sees them: `row_numbers` are Excel
    row numbers (blank rows counted) or CSV line numbers, `header_number` is the
    header's, and `formats` holds each XLSX cell's number format (None for CSV).
    """

    header: list[Any]
    rows: list[list[Any]]
    row_numbers: list[int]  # the sheet's own row number of each row (header is 1)
    encoding: str | None = None  # CSV only: the encoding found
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    formats: list[list[str | None]] | None = None
    file: str = ""  # the file's name as the staff member saved it
    sheet: str | None = None  # XLSX: the sheet read
    header_number: int = 1
    columns: dict[str, int] = field(default_factory=dict)  # field -> column index, once mapped

    def place(self, row: int | None, column: int | None = None, lang: str = "zh") -> str:
        """Where a cell is in the file staff opened: workbook, sheet, row and column letter."""
        zh = lang != "en"
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"工作表“{self.sheet}”" if zh else f"sheet {self.sheet}")
        if row is not None:
            parts.append(f"第 {row} 行" if zh else f"row {row}")
        if column is not None:
            letter = column_letter(column)
            parts.append(f"{letter} 列" if zh else f"column {letter}")
        return " ".join(parts) if zh else ", ".join(parts)


# --------------------------------------------------------------------------- reading


def read_sheet(path: Path, *, sheet: str | None = None, dataset: str | None = None,
               encoding: str | None = None, limits: dict[str, int] | None = None) -> Sheet:
    """Read an XLSX or CSV file into a Sheet; raise ImportProblem when it cannot be read.

    Sizes are checked before the file is read: the file itself, and for an XLSX what
    it unpacks to (from the archive's directory) and the sheet's dimensions; a CSV's
    rows and columns while reading.
    """
    limits = limits or dict(limits_.DEFAULTS)
    if not path.is_file():
        raise ImportProblem("import-file-missing", path=str(path))
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if suffix in (".xlsx", ".xlsm"):
        if size > limits["max_xlsx_bytes"]:
            raise ImportProblem("import-too-large", what=path.name, size=size,
                                limit=limits["max_xlsx_bytes"])
        _check_unpacked(path, limits["max_xlsx_uncompressed_bytes"])
        result = _read_xlsx(path, sheet, dataset, limits)
    elif suffix in (".csv", ".txt"):
        if size > limits["max_file_bytes"]:
            raise ImportProblem("import-too-large", what=path.name, size=size,
                                limit=limits["max_file_bytes"])
        result = _read_csv(path.read_bytes(), encoding, limits)
    else:
        raise ImportProblem("import-format", suffix=suffix or "（无扩展名）")
    result.file = path.name
    return result


def _check_unpacked(path: Path, limit: int) -> None:
    """Refuse an XLSX whose parts unpack to more than `limit` bytes (a "zip bomb")."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportProblem("import-xlsx-unreadable", reason=str(exc) or type(exc).__name__) from exc
    if unpacked > limit:
        raise ImportProblem("import-too-large", what=f"{path.name}（解压后 / unpacked）", size=unpacked,
                            limit=limit)


def _check_extent(rows: int, columns: int, limits: dict[str, int]) -> None:
    """Refuse a sheet with more rows or columns than the limits allow (a header row and
    some trailing blank columns are allowed on top)."""
    if columns > limits["max_columns"] + 50:
        raise ImportProblem("import-too-many", limit=limits["max_columns"], what="列 / columns")
    if rows > limits["max_rows"] + 1:
        raise ImportProblem("import-too-many", limit=limits["max_rows"], what="行 / rows")


def _choose_sheet(book: Any, sheet: str | None, dataset: str | None) -> Any:
    names = book.sheetnames
    visible = [n for n in names if book[n].sheet_state == "visible"]
    if sheet is not None:
        if sheet not in names:
            raise ImportProblem("import-sheet-missing", sheet=sheet, sheets="、".join(names))
        return book[sheet]  # named on the command line: read even when hidden
    for wanted in (dataset, DATA_SHEET):
        if wanted is not None and wanted in names:
            if book[wanted].sheet_state != "visible":
                raise ImportProblem("import-sheet-hidden", sheet=wanted)
            return book[wanted]
    if not visible:
        raise ImportProblem("import-sheet-hidden", sheet=names[0])
    if names[0] not in visible:
        raise ImportProblem("import-sheet-hidden", sheet=names[0])
    return book[names[0]]


def _read_xlsx(path: Path, sheet: str | None, dataset: str | None,
               limits: dict[str, int]) -> Sheet:
    """The chosen sheet's cached values, number formats and the formulas Excel never computed."""
    import warnings
    import zipfile

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on data validation and styles
            values = load_workbook(path, data_only=True)
            formulas = load_workbook(path, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        reason = str(exc) or type(exc).__name__
        raise ImportProblem("import-xlsx-unreadable", reason=reason) from exc
    ws = _choose_sheet(values, sheet, dataset)
    _check_extent(ws.max_row or 0, ws.max_column or 0, limits)
    wf = formulas[ws.title]
    rows: list[list[Any]] = []
    formats: list[list[str | None]] = []
    uncached: list[str] = []
    hidden_rows: list[int] = []
    for r, (value_row, formula_row) in enumerate(
            zip(ws.iter_rows(), wf.iter_rows(), strict=False), start=1):
        rows.append([c.value for c in value_row])
        formats.append([c.number_format for c in value_row])
        for vc, fc in zip(value_row, formula_row, strict=False):
            if vc.value is None and fc.data_type == "f":
                uncached.append(f"{fc.coordinate}（{str(fc.value)[:40]}）")
        if ws.row_dimensions[r].hidden and any(not _blank(c.value) for c in value_row):
            hidden_rows.append(r)
    if uncached:
        shown = "、".join(uncached[:10]) + ("……" if len(uncached) > 10 else "")
        raise ImportProblem("import-formula-uncached", file=path.name, sheet=ws.title,
                            cells=shown, count=len(uncached))
    result = _split(rows, formats)
    result.sheet = ws.title
    others = [n for n in values.sheetnames if values[n].sheet_state != "visible" and n != ws.title]
    if others:
        result.notes.append(("hidden-sheets", {"sheets": "、".join(others)}))
    if ws.sheet_state != "visible":
        result.notes.append(("hidden-chosen", {"sheet": ws.title}))
    if hidden_rows:
        result.notes.append(("hidden-rows", {"rows": "、".join(map(str, hidden_rows))}))
    hidden_columns = sorted({i for dim in ws.column_dimensions.values() if dim.hidden
                             for i in range(dim.min or 1, (dim.max or dim.min or 1) + 1)
                             if i <= len(result.header)})
    if hidden_columns:
        letters = "、".join(column_letter(i - 1) for i in hidden_columns)
        result.notes.append(("hidden-columns", {"columns": letters}))
    return result


def detect_encoding(data: bytes) -> str:
    """utf-8-sig, utf-16, utf-8 or gb18030, decided by the bytes; raise when none decodes."""
    try:
        return csvtext.detect(data)
    except csvtext.EncodingError as exc:
        raise ImportProblem("import-encoding") from exc


ENCODING_NAMES = csvtext.ENCODING_NAMES


def _read_csv(data: bytes, encoding: str | None, limits: dict[str, int] | None = None) -> Sheet:
    enc = encoding or detect_encoding(data)
    try:
        text, enc = csvtext.decode(data, enc)
    except csvtext.EncodingError as exc:
        raise ImportProblem("import-encoding") from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    rows: list[list[Any]] = []
    lines: list[int] = []
    line = 1
    limits = limits or dict(limits_.DEFAULTS)
    for row in reader:
        width = len(row)
        while width and _blank(row[width - 1]):
            width -= 1
        _check_extent(len(rows) + 1, width, limits)
        rows.append(row)
        lines.append(line)  # the line the record starts on, as a text editor counts
        line = reader.line_num + 1
    result = _split(rows, None, lines)
    result.encoding = enc
    if enc != "utf-8":
        result.notes.append(("encoding", {"encoding": ENCODING_NAMES.get(enc, enc)}))
    if len(result.header) == 1 and isinstance(result.header[0], str):
        for delimiter in csvtext.OTHER_DELIMITERS:
            if delimiter in result.header[0]:
                raise ImportProblem("import-delimiter", delimiter=delimiter)
    return result


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _split(rows: list[list[Any]], formats: list[list[str | None]] | None = None,
           lines: list[int] | None = None) -> Sheet:
    """Header = first non-blank row; drop blank rows and blank trailing columns (Excel's)."""
    numbers_of = lines or list(range(1, len(rows) + 1))
    numbered = [(numbers_of[i], i, r) for i, r in enumerate(rows)]
    while numbered and all(_blank(v) for v in numbered[0][2]):
        numbered.pop(0)
    if not numbered:
        raise ImportProblem("import-empty")
    header_number, _, header = numbered[0]
    header = list(header)
    while header and _blank(header[-1]):
        header.pop()
    if not header:
        raise ImportProblem("import-empty")
    width = len(header)
    kept: list[list[Any]] = []
    kept_formats: list[list[str | None]] = []
    numbers: list[int] = []
    dropped: list[int] = []
    for number, index, row in numbered[1:]:
        if all(_blank(v) for v in row):
            dropped.append(number)
            continue
        row = list(row)
        # cells beyond the header that Excel left empty are not data
        while len(row) > width and _blank(row[-1]):
            row.pop()
        kept.append(row)
        if formats is not None:
            kept_formats.append(list(formats[index][: len(row)]))
        numbers.append(number)
    sheet = Sheet(header, kept, numbers, formats=kept_formats if formats is not None else None,
                  header_number=header_number)
    # trailing blank lines are what Excel writes; say so only for blank rows inside the table
    inner = [n for n in dropped if numbers and n < numbers[-1]]
    if inner:
        listed = "、".join(map(str, inner))
        sheet.notes.append(("blank-rows", {"count": len(inner), "rows": listed}))
    return sheet


# --------------------------------------------------------------------------- normalising


def format_number(value: int | float | Decimal) -> str:
    """A number as the canonical CSV writes it: 1 not 1.0, 0.3 not 0.30000000000000004
    (numbers.text with the 15 digits a spreadsheet shows)."""
    return numbers.text(value, significant=15)


def _cell_text(value: Any, field_type: str) -> str:
    """One XLSX/CSV cell as canonical CSV text for a field of the given type."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return format_number(value)
    if isinstance(value, dt.datetime):
        if field_type == "datetime":
            return value.isoformat()
        if value.time() == dt.time(0, 0) or field_type == "date":
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _equal(a: str, b: str, field_type: str) -> bool:
    """Same content written differently ("1.50" and "1.5", "TRUE" and "true")."""
    if a == b:
        return True
    if field_type in ("number", "integer"):
        try:
            return Decimal(a) == Decimal(b)
        except InvalidOperation:
            return False
    if field_type == "boolean":
        return a.strip().lower() == b.strip().lower() and a.strip().lower() in ("true", "false")
    return False


def normalise(sheet: Sheet, schema: dict[str, Any],
              current: list[dict[str, str]] | None = None) -> tuple[list[list[str]], list[str]]:
    """Rows in the schema's column order as canonical text; notes say what was changed.

    Cells whose content equals the current file's (same key and field, same
    number or truth value) keep the current file's exact text, so importing
    unchanged data changes nothing, byte for byte.
    """
    fields = schema.get("fields", [])
    names = [f["name"] for f in fields]
    types = {f["name"]: f.get("type", "string") for f in fields}
    titles = {str(f.get("title", "")).strip(): f["name"] for f in fields if f.get("title")}
    titles_of = {f["name"]: str(f.get("title") or f["name"]) for f in fields}
    notes: list[tuple[str, dict[str, Any]]] = list(sheet.notes)

    header: list[str] = []
    used_titles = False
    for cell in sheet.header:
        label = _cell_text(cell, "string").strip()
        if label not in names:
            # a title, possibly with its unit as our downloads write it: 数值（亿元）
            bare = re.sub(r"（[^（）]*）$", "", label)
            for candidate in (label, bare):
                if candidate in titles:
                    label = titles[candidate]
                    used_titles = True
                    break
        header.append(label)
    duplicates = sorted({h for h in header if header.count(h) > 1 and h})
    if duplicates:
        raise ImportProblem("import-header-duplicate", columns="、".join(duplicates))
    missing = [n for n in names if n not in header]
    if missing:
        raise ImportProblem("import-header-missing", columns="、".join(
            f"{titles_of[n]}（{n}）" if titles_of[n] != n else n for n in missing))
    unknown = [f"{column_letter(i)} 列“{h}”" if h else f"{column_letter(i)} 列（空列名）"
               for i, h in enumerate(header) if h not in names]
    if unknown:
        raise ImportProblem("import-header-unknown", columns="、".join(unknown))
    if used_titles:
        notes.append(("titles", {}))
    if header != names:
        notes.append(("reordered", {}))

    position = {name: header.index(name) for name in names}
    sheet.columns = position
    units = {f["name"]: str(f.get("unit") or "") for f in fields}
    percent_cells: list[str] = []
    key_fields = primary_key(schema)
    by_key = {row_key(r, key_fields): r for r in (current or [])} if key_fields else {}
    rows: list[list[str]] = []
    booleans_rewritten = False
    for number, raw in zip(sheet.row_numbers, sheet.rows, strict=True):
        # a CSV row with too few cells is a mistake; XLSX rows simply end at the last filled cell
        short = sheet.encoding is not None and len(raw) < len(header)
        if len(raw) > len(header) or short:
            raise ImportProblem("import-ragged-row", row=number, cells=len(raw),
                                columns=len(header))
        cells = list(raw) + [None] * (len(header) - len(raw))
        record = {n: _cell_text(cells[position[n]], types[n]) for n in names}
        if sheet.formats is not None:
            row_formats = sheet.formats[len(rows)]
            for n in names:
                value = cells[position[n]]
                fmt = row_formats[position[n]] if position[n] < len(row_formats) else None
                if (types[n] not in ("number", "integer") or not fmt or "%" not in fmt
                        or isinstance(value, bool) or not isinstance(value, (int, float))):
                    continue
                shown = format_number(Decimal(format(value, ".15g")) * 100)
                unit = (units[n] or record.get("unit", "")).strip()
                if unit not in ("%", "％"):
                    raise ImportProblem("import-percent-cell", place=sheet.place(
                        number, position[n]), title=titles_of.get(n, n), shown=f"{shown}%")
                record[n] = shown
                percent_cells.append(f"{column_letter(position[n])}{number}：{value} → {shown}")
        for n in names:
            if types[n] == "boolean" and record[n] in ("TRUE", "FALSE", "True", "False"):
                record[n] = record[n].lower()
                booleans_rewritten = True
        old = by_key.get(row_key(record, key_fields)) if key_fields else None
        if old is not None:
            for n in names:
                if n in old and record[n] != old[n] and _equal(record[n], old[n], types[n]):
                    record[n] = old[n]
        rows.append([record[n] for n in names])
    if booleans_rewritten:
        notes.append(("booleans", {}))
    if percent_cells:
        notes.append(("percent", {"count": len(percent_cells), "example": percent_cells[0]}))
    return rows, [_note(code, details) for code, details in notes]


def _note(code: str, details: dict[str, Any], lang: str = "zh") -> str:
    return IMPORT_NOTES[code][lang].format(**details)


def to_csv(names: list[str], rows: list[list[str]]) -> str:
    """The canonical CSV text: UTF-8 (no BOM when written), LF, minimal quoting (csvtext)."""
    return csvtext.write([names, *rows])


def read_current(path: Path) -> list[dict[str, str]]:
    """The current canonical CSV as text records (changes.read_rows); a file no encoding
    reads is an ImportProblem."""
    try:
        return read_rows(path)
    except csvtext.EncodingError as exc:
        raise ImportProblem("import-encoding") from exc


# --------------------------------------------------------------------------- what changed


# --------------------------------------------------------------------------- validating


def validate_text(layout: Layout, name: str, text: str, lang: str = "zh") -> tuple[bool, str]:
    """Validate the would-be CSV on a temporary copy of the project; (valid, report text)."""
    report = validate_report(layout, name, text, lang)
    return bool(report.valid), report.formatted("text", lang=lang)


def validate_report(layout: Layout, name: str, text: str, lang: str = "zh") -> Any:
    """The validation report (report.Findings) of the would-be CSV, on a temporary copy."""
    with tempfile.TemporaryDirectory(prefix="import-") as tmp:
        root = Path(tmp)
        shutil.copytree(layout.datasets, root / layout.datasets.name)
        if layout.schemas.is_dir():
            shutil.copytree(layout.schemas, root / layout.schemas.name)
        if layout.descriptor.exists():
            shutil.copy2(layout.descriptor, root / layout.descriptor.name)
        copy = Layout(root)
        copy.csv(name).write_bytes(text.encode("utf-8"))
        from .validate import run

        return run(copy, targets=[copy.csv(name)], lang=lang)


def write_all(files: dict[Path, bytes]) -> None:
    """Write several files all or nothing: each goes to a temporary file beside it first,
    then every one is renamed into place; if a rename fails, those done are put back."""
    staged: list[tuple[Path, Path]] = []
    done: list[tuple[Path, bytes | None]] = []
    try:
        for path, data in files.items():
            temp = path.with_name(f".{path.name}.importing")
            temp.write_bytes(data)
            staged.append((temp, path))
        for temp, path in staged:
            before = path.read_bytes() if path.exists() else None
            temp.replace(path)
            done.append((path, before))
    except BaseException:
        for path, before in reversed(done):
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(before)
        raise
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)


def located(report: Any, sheet: Sheet, schema: dict[str, Any], target: str,
            lang: str = "zh") -> str:
    """The report with every place given in the file staff opened, then where it will be.

    Row N of the canonical CSV is the (N-1)th data row of the sheet, whose own
    row number (blank rows counted) and column letter are what Excel shows.
    """
    zh = lang != "en"
    titles = {f["name"]: str(f.get("title") or f["name"]) for f in schema.get("fields", [])}
    label = {"error": "错误" if zh else "error", "warning": "警告" if zh else "warning"}
    lines = []
    for issue in report.sorted_issues():
        index = issue.row - 2 if issue.row is not None else None
        if index is not None and 0 <= index < len(sheet.row_numbers):
            column = sheet.columns.get(issue.column) if issue.column else None
            place = sheet.place(sheet.row_numbers[index], column, lang)
            if issue.column:
                place += f"（{titles.get(issue.column, issue.column)} {issue.column}）"
            then = (f"写入后为 {target} 第 {issue.row} 行" if zh
                    else f"{target} line {issue.row} once written")
        else:
            place, then = sheet.place(None, None, lang), (
                f"写入 {target} 时" if zh else f"when written to {target}")
        lines.append(f"{place}：{label.get(issue.severity, issue.severity)} [{issue.code}] "
                     f"{issue.text(lang)}")
        lines.append(f"    {'修改方法' if zh else 'Fix'}：{issue.fix(lang)}")
        lines.append(f"    （{then}）")
    errors, warnings = len(report.errors), len(report.warnings)
    lines.append(f"{errors} 个错误，{warnings} 个警告。" if zh
                 else f"{errors} error(s), {warnings} warning(s).")
    return "\n".join(lines)


# --------------------------------------------------------------------------- checks of the import

JUMP_FACTOR = 5


@dataclass
class Jump:
    key: tuple[str, ...]
    field: str
    before_year: str
    before: str
    after: str
    factor: float


def year_field(schema: dict[str, Any]) -> str | None:
    """The primary-key field that is a year (year, plan_year, ...), if any."""
    types = {f["name"]: f.get("type") for f in schema.get("fields", [])}
    for name in primary_key(schema):
        if (name == "year" or name.endswith("_year")) and types.get(name) in ("integer", "year"):
            return name
    return None


def jumps(schema: dict[str, Any], records: list[dict[str, str]],
          touched: set[tuple[str, ...]]) -> list[Jump]:
    """Figures of the touched rows more than JUMP_FACTOR times, or less than 1/JUMP_FACTOR of,
    the same series' figure the year before (same unit)."""
    year = year_field(schema)
    key_fields = primary_key(schema)
    if year is None:
        return []
    series = [k for k in key_fields if k != year]
    numeric = [f["name"] for f in schema.get("fields", [])
               if f.get("type") in ("number", "integer") and f["name"] not in key_fields]
    by_series: dict[tuple[str, ...], dict[int, dict[str, str]]] = {}
    for r in records:
        if (r.get(year) or "").isdigit():
            by_series.setdefault(tuple(r.get(k, "") for k in series), {})[int(r[year])] = r
    found = []
    for r in records:
        key = row_key(r, key_fields)
        if key not in touched or not (r.get(year) or "").isdigit():
            continue
        years = by_series.get(tuple(r.get(k, "") for k in series), {})
        earlier = [y for y in years if y < int(r[year])]
        if not earlier:
            continue
        before = years[max(earlier)]
        if before.get("unit", "") != r.get("unit", ""):
            continue
        for name in numeric:
            try:
                old, new = float(before.get(name) or "nan"), float(r.get(name) or "nan")
            except ValueError:
                continue
            if not (math.isfinite(old) and math.isfinite(new)) or old == 0 or new == 0:
                continue
            factor = abs(new / old)
            if factor > JUMP_FACTOR or factor < 1 / JUMP_FACTOR:
                found.append(Jump(key, name, str(max(earlier)), before.get(name, ""),
                                  r.get(name, ""), factor))
    return found


def git_add_line(layout: Layout, paths: list[Path]) -> str:
    """The exact `git add` command for the files written, from the current folder."""
    import os
    import shlex

    here = Path.cwd()
    shown = []
    for path in paths:
        try:
            rel = os.path.relpath(path, here)
        except ValueError:  # another drive on Windows
            rel = str(path)
        shown.append(rel.replace(os.sep, "/"))
    return "git add " + " ".join(shlex.quote(p) for p in shown)


# --------------------------------------------------------------------------- the command


def find_dataset(layout: Layout, name: str) -> Dataset | None:
    return next((d for d in discover(layout) if d.name == name), None)


def import_file(layout: Layout, path: Path, name: str, *, dry_run: bool = False,
                sheet: str | None = None, encoding: str | None = None, reason: str | None = None,
                confirm: bool = False, allow_delete: bool = False, stage: bool = False,
                lang: str = "zh", out: TextIO | None = None) -> int:
    """Import a sheet into datasets/NAME.csv; exit 0 written or unchanged, 1 refused, 2 usage."""
    out = sys.stdout if out is None else out
    zh = lang != "en"

    def say(text: str) -> None:
        print(text, file=out)

    def refuse(problem: ImportProblem) -> int:
        say(f"✗ {problem.message(lang)}  [{problem.code}]")
        say(f"  怎么改：{problem.fix()}" if zh else f"  fix: {problem.fix()}")
        say("  没有写入任何文件。" if zh else "  nothing was written.")
        return 1

    from . import revisions

    if reason is not None:  # refused before anything is read or written
        problem_text = revisions.reason_problem(reason, lang)
        if problem_text:
            return refuse(ImportProblem("import-reason-unsafe", reason=problem_text))
    dataset = find_dataset(layout, name)
    if dataset is None:
        known = "、".join(d.name for d in discover(layout))
        say(f"没有名为 {name} 的数据集（现有：{known}）" if zh
            else f"no dataset {name} (found: {known})")
        return 2
    try:
        try:
            limits = limits_.of(load.package_meta(layout))
        except load.DescriptorError:
            limits = dict(limits_.DEFAULTS)
        with progress.step("读取文件" if zh else "reading"):
            raw = read_sheet(path, sheet=sheet, dataset=name, encoding=encoding, limits=limits)
        schema = dataset.schema()
        current = read_current(dataset.csv)
        rows, notes = normalise(raw, schema, current)
        published = revisions.published_records(layout, dataset)
    except ImportProblem as problem:
        say(f"✗ {path.name}：{problem.message(lang)}  [{problem.code}]")
        say(f"  怎么改：{problem.fix()}" if zh else f"  fix: {problem.fix()}")
        return 1
    except (load.DescriptorError, UnicodeDecodeError, csv.Error, OSError) as exc:
        where = layout.relative(exc.path) if isinstance(exc, load.DescriptorError) else ""
        say(f"✗ 无法读取数据集 {name} 的现有文件 {where}：{exc}" if zh
            else f"✗ cannot read the current files of {name} {where}: {exc}")
        say("  怎么改：先运行 python -m pipeline validate，按提示修正后再导入。" if zh
            else "  fix: run python -m pipeline validate and fix what it reports, then import again.")
        return 1

    names = [f["name"] for f in schema.get("fields", [])]
    text = to_csv(names, rows)
    new_records = [dict(zip(names, r, strict=True)) for r in rows]
    changes = diff(schema, current, new_records)
    target = layout.relative(dataset.csv)
    say(f"{path.name} → {target}")
    for note in notes:
        say(f"  · {note}")
    say(describe(changes, lang))

    unchanged = dataset.csv.exists() and dataset.csv.read_bytes() == text.encode("utf-8")
    with progress.step("校验" if zh else "validating"):
        report = validate_report(layout, name, text, lang)
    # year-on-year jumps are shown below, with the sheet's places and what --confirm does
    report.issues = [i for i in report.issues if i.code != "year-on-year-jump"]
    if not report.valid or report.warnings:
        say(located(report, raw, schema, target, lang))
    if not report.valid:
        say("✗ 数据未通过校验，没有写入任何文件。" if zh
            else "✗ the data is invalid; nothing was written.")
        return 1

    # rows readers have seen that this import would take away
    against_published = diff(schema, published, new_records)
    key_fields = against_published.key_fields
    by_key = {row_key(r, key_fields): r for r in published}
    if against_published.removed and not allow_delete:
        label = "name_zh" if "name_zh" in names else None
        for key in against_published.removed[:50]:
            extra = f"（{by_key[key].get(label, '')}）" if label and key in by_key else ""
            say(f"  - {' / '.join(key)}{extra}")
        if len(against_published.removed) > 50:
            say(f"  …（共 {len(against_published.removed)} 行）")
        return refuse(ImportProblem("import-delete-refused", count=len(against_published.removed)))

    touched = set(changes.added) | {c.key for c in changes.changed}
    found = jumps(schema, new_records, touched)
    if found and not confirm:
        row_of = {row_key(r, primary_key(schema)): i for i, r in enumerate(new_records)}
        for j in found:
            index = row_of.get(j.key)
            place = (raw.place(raw.row_numbers[index], raw.columns.get(j.field), lang)
                     if index is not None else "")
            say(f"  ! {place} {' / '.join(j.key)}：{j.field} {j.before}（{j.before_year} 年）→ "
                f"{j.after}，约 {j.factor:.3g} 倍" if zh else
                f"  ! {place} {' / '.join(j.key)}: {j.field} {j.before} ({j.before_year}) -> "
                f"{j.after}, x{j.factor:.3g}")
        jump = ImportProblem("import-jump", count=len(found))
        if dry_run:
            say(f"  注意：{jump.message(lang)}；正式写入时要加 --confirm。" if zh
                else f"  note: {jump.message(lang)}; writing needs --confirm.")
        else:
            return refuse(jump)

    # revisions: figures readers saw (the deployed version) that change, not yet in the log
    logged = revision_log.read(layout)
    figures = [r for r in revisions.figure_changes(dataset, schema, against_published)
               if not any(r.same_change(x) for x in logged)]
    if figures and not reason and dry_run:
        say(f"  注意：改动了 {len(figures)} 处已发布的数字，正式写入时要用 --reason 说明原因。"
            if zh else f"  note: {len(figures)} published figure(s) change; "
            "writing needs --reason.")
    elif figures and not reason:
        refusal = ImportProblem("import-reason-required", count=len(figures))
        for rev in figures:
            say(f"  {rev.key}：{rev.field} {rev.old_value} → {rev.new_value}")
        say(f"✗ {refusal.message(lang)}  [{refusal.code}]")
        say(f"  怎么改：{refusal.fix()}" if zh else f"  fix: {refusal.fix()}")
        return 1

    if unchanged:
        say("✓ 校验通过；内容与现有数据相同，文件未改动。" if zh
            else "✓ valid; the content equals the current data, nothing changed.")
        return 0
    if dry_run:
        say("✓ 校验通过（试运行，没有写入）。" if zh else "✓ valid (dry run, nothing written).")
        return 0
    written = [dataset.csv]
    log_path = layout.csv(revision_log.NAME)
    log_existed = log_path.exists()
    stale = revisions.superseded(layout, dataset, new_records)
    writes = {dataset.csv: text.encode("utf-8")}
    log: str | None = None
    if (figures and reason) or stale:
        # everything written is validated first: the revisions log too, as published
        log, _ = revisions.log_text(layout, figures if reason else [], reason=reason or "",
                                    drop=stale)
        if log is not None:
            log_report = validate_report(layout, revision_log.NAME, log, lang)
            if not log_report.valid:
                say(log_report.formatted("text", lang))
                say("✗ 修订记录未通过校验，没有写入任何文件。" if zh
                    else "✗ the revisions log would be invalid; nothing was written.")
                return 1
            writes[log_path] = log.encode("utf-8")
    write_all(writes)  # all or nothing
    if (figures and reason) or stale:
        if log is None:
            log_path.unlink(missing_ok=True)  # no entry left: a dataset must have rows
        written.append(log_path)
        if log_existed != log_path.exists() and layout.descriptor.exists():
            from . import package  # the log became a dataset (or stopped being one)

            package.write(layout)
            written.append(layout.descriptor)
            if layout.citation.exists():  # its keywords come from the datasets' metadata
                package.write_citation(layout)
                written.append(layout.citation)
        if figures and reason:
            say(f"  已记入修订记录 {len(figures)} 处" if zh
                else f"  {len(figures)} revision(s) recorded")
        if stale:
            say(f"  已从修订记录中去掉 {len(stale)} 条从未发布过的修订" if zh
                else f"  {len(stale)} never-deployed revision(s) removed from the log")
    say(f"✓ 已写入 {target}" if zh else f"✓ wrote {target}")
    add = git_add_line(layout, written)
    if stage:
        done = git.process(str(layout.root), "add", "--", *[layout.relative(p) for p in written])
        say(("✓ 已暂存（git add）：" if zh else "✓ staged: ") + " ".join(
            layout.relative(p) for p in written) if done.returncode == 0 else
            (f"  暂存失败，请自己运行：{add}" if zh else f"  could not stage; run: {add}"))
    else:
        say(f"  提交前运行：{add}" if zh else f"  before committing, run: {add}")
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = ("导入 Excel 表格或 CSV，转换、校验并写入数据集"
                          " / import a sheet into a dataset")
    parser.add_argument("file", type=Path, help="要导入的 .xlsx 或 .csv 文件")
    parser.add_argument("--dataset", required=True, help="数据集名称，如 indicators")
    parser.add_argument("--dry-run", action="store_true", help="只显示变化和校验结果，不写入")
    parser.add_argument("--sheet", help="XLSX 工作表名称（默认：与数据集同名的工作表，否则第一个）")
    parser.add_argument("--encoding", choices=["utf-8", "utf-8-sig", "gb18030"],
                        help="CSV 编码（默认自动判断 UTF-8 / GBK）")
    parser.add_argument("--reason", help="修改已发布数字时的修订原因（记入修订记录）")
    parser.add_argument("--confirm", action="store_true",
                        help="确认比上一年变化超过 5 倍的数字无误，照常写入")
    parser.add_argument("--allow-delete", action="store_true",
                        help="允许删除已发布的行（默认拒绝并列出这些行）")
    parser.add_argument("--stage", action="store_true",
                        help="写入后用 git add 暂存写入的文件（默认只显示 git add 命令）")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")


def main(args: argparse.Namespace) -> int:
    return import_file(REPO, args.file, args.dataset, dry_run=args.dry_run, sheet=args.sheet,
                       encoding=args.encoding, reason=args.reason, confirm=args.confirm,
                       allow_delete=args.allow_delete, stage=args.stage, lang=args.lang)
