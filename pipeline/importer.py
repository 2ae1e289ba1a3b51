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

from . import limits as limits_
from . import load, progress
from .load import Dataset, discover
from .paths import REPO, Layout

# Problem codes of the importer, with the message (zh, en) and the fix. The
# staff guide lists them; tests check every code raised here is listed.
PROBLEMS: dict[str, dict[str, str]] = {
    "import-file-missing": {
        "zh": "找不到要导入的文件：{path}",
        "en": "file to import not found: {path}",
        "fix": "检查文件名和所在文件夹；文件名含空格时用引号括起来。",
    },
    "import-format": {
        "zh": "不支持的文件类型：{suffix}（只接受 .xlsx 和 .csv）",
        "en": "unsupported file type {suffix} (only .xlsx and .csv)",
        "fix": "在 Excel 中“另存为” Excel 工作簿 (.xlsx) 或 CSV 文件后再导入；"
               "旧版 .xls 请先另存为 .xlsx。",
    },
    "import-xlsx-unreadable": {
        "zh": "无法读取 Excel 文件：{reason}",
        "en": "cannot read the Excel file: {reason}",
        "fix": "用 Excel 打开文件确认没有损坏、没有设置密码，然后重新保存为 .xlsx。",
    },
    "import-sheet-missing": {
        "zh": "工作簿中没有名为“{sheet}”的工作表（现有：{sheets}）",
        "en": "no sheet named {sheet} in the workbook (found: {sheets})",
        "fix": "用 --sheet 指定正确的工作表名称，或把数据放在第一个工作表中。",
    },
    "import-encoding": {
        "zh": "无法识别文件编码：既不是 UTF-8，也不是 GBK/GB18030",
        "en": "unknown encoding: neither UTF-8 nor GBK/GB18030",
        "fix": "在 Excel 中选择“另存为”→“CSV UTF-8（逗号分隔）”，或直接导入 .xlsx 文件。",
    },
    "import-empty": {
        "zh": "文件中没有表头和数据",
        "en": "the file has no header and no data",
        "fix": "确认保存的是有数据的工作表；第一行应为列名。",
    },
    "import-delimiter": {
        "zh": "列之间用的不是英文逗号（发现“{delimiter}”）",
        "en": "columns are not separated by commas (found {delimiter!r})",
        "fix": "在 Excel 中另存为“CSV UTF-8（逗号分隔）”，不要用制表符或分号分隔的格式。",
    },
    "import-header-missing": {
        "zh": "缺少列：{columns}",
        "en": "missing columns: {columns}",
        "fix": "第一行必须包含数据字典中的全部列名（英文列名或中文标题均可），不要删除或改名。",
    },
    "import-header-unknown": {
        "zh": "多出不认识的列：{columns}",
        "en": "unknown columns: {columns}",
        "fix": "删除这些列，或检查列名是否拼错；列名以数据字典为准。",
    },
    "import-header-duplicate": {
        "zh": "列名重复：{columns}",
        "en": "duplicate columns: {columns}",
        "fix": "每一列只能出现一次；删除重复的列。",
    },
    "import-ragged-row": {
        "zh": "第 {row} 行有 {cells} 个单元格，表头有 {columns} 列",
        "en": "row {row} has {cells} cells, the header has {columns} columns",
        "fix": "检查该行是否多了逗号或少填了单元格；在 Excel 中删除表格右侧多余的内容。",
    },
    "import-reason-unsafe": {
        "zh": "修订原因不能这样写：{reason}",
        "en": "the revision reason cannot be written like this: {reason}",
        "fix": "用普通文字写修订原因，不要用尖括号 < >、模板符号 {{ }}、以 = + - @ 开头或写链接；"
               "原因会在数据页面和下载文件中公开。",
    },
    "import-too-large": {
        "zh": "文件过大：{what} {size} 字节，超过上限 {limit} 字节",
        "en": "file too large: {what} is {size} bytes, over the limit of {limit}",
        "fix": "确认选对了文件；确需导入更大的表格请联系维护人员调整 datasets/package.yml 的 limits。",
    },
    "import-too-many": {
        "zh": "表格过大：超过 {limit} {what}",
        "en": "sheet too large: more than {limit} {what}",
        "fix": "删除表格中多余的行或列（如整列的公式、格式）；"
               "确需更大请联系维护人员调整 datasets/package.yml 的 limits。",
    },
    "import-reason-required": {
        "zh": "已发布的数字有修改（{count} 处），请用 --reason 说明修订原因",
        "en": "{count} published figure(s) change: give the reason with --reason",
        "fix": "再次运行并加上 --reason \"修订原因\"，原因会记入修订记录并在数据页面上公开。",
    },
}

NOTES: dict[str, dict[str, str]] = {
    "encoding": {"zh": "编码：{encoding}，已转换为 UTF-8",
                 "en": "encoding: {encoding}, converted to UTF-8"},
    "blank-rows": {"zh": "已去掉 {count} 个空行（原表第 {rows} 行）",
                   "en": "dropped {count} blank row(s) (sheet rows {rows})"},
    "reordered": {"zh": "列的顺序已按数据字典调整", "en": "columns put in the schema's order"},
    "titles": {"zh": "已把中文列标题换成字段名", "en": "column titles replaced by field names"},
    "booleans": {"zh": "已把 TRUE/FALSE 写成 true/false", "en": "TRUE/FALSE written as true/false"},
}


DATA_SHEET = "数据"  # the data sheet of the XLSX files the site publishes


class ImportProblem(Exception):
    """A sheet that cannot be turned into the canonical CSV, with a code and its details."""

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.details = details

    def message(self, lang: str = "zh") -> str:
        entry = PROBLEMS[self.code]
        return entry["en" if lang == "en" else "zh"].format(**self.details)

    def fix(self) -> str:
        return PROBLEMS[self.code]["fix"]


@dataclass
class Sheet:
    """Header and rows as read from the file; XLSX cells keep their Python types."""

    header: list[Any]
    rows: list[list[Any]]
    row_numbers: list[int]  # the sheet's own row number of each row (header is 1)
    encoding: str | None = None  # CSV only: the encoding found
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


# --------------------------------------------------------------------------- reading


def read_sheet(path: Path, *, sheet: str | None = None, dataset: str | None = None,
               encoding: str | None = None, limits: dict[str, int] | None = None) -> Sheet:
    """Read an XLSX or CSV file into a Sheet; raise ImportProblem when it cannot be read.

    Sizes are checked before the file is read: the file itself, and for an XLSX
    what it unpacks to (from the archive's directory); rows and columns while reading.
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
        return _read_xlsx(path, sheet, dataset, limits)
    if suffix in (".csv", ".txt"):
        if size > limits["max_file_bytes"]:
            raise ImportProblem("import-too-large", what=path.name, size=size,
                                limit=limits["max_file_bytes"])
        result = _read_csv(path.read_bytes(), encoding, limits)
        return result
    raise ImportProblem("import-format", suffix=suffix or "（无扩展名）")


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


def _bounded_rows(rows: Any, limits: dict[str, int]) -> list[list[Any]]:
    """Rows of a sheet, refusing more rows or columns than the limits allow (as they come)."""
    kept: list[list[Any]] = []
    for row in rows:
        row = list(row)
        width = len(row)
        while width and _blank(row[width - 1]):
            width -= 1
        if width > limits["max_columns"]:
            raise ImportProblem("import-too-many", limit=limits["max_columns"], what="列 / columns")
        kept.append(row)
        if len(kept) > limits["max_rows"] + 1:
            raise ImportProblem("import-too-many", limit=limits["max_rows"], what="行 / rows")
    return kept


def _read_xlsx(path: Path, sheet: str | None, dataset: str | None,
               limits: dict[str, int] | None = None) -> Sheet:
    import zipfile

    from openpyxl import load_workbook

    limits = limits or dict(limits_.DEFAULTS)
    _check_unpacked(path, limits["max_xlsx_uncompressed_bytes"])
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        reason = str(exc) or type(exc).__name__
        raise ImportProblem("import-xlsx-unreadable", reason=reason) from exc
    try:
        names = book.sheetnames
        if sheet is not None:
            if sheet not in names:
                raise ImportProblem("import-sheet-missing", sheet=sheet, sheets="、".join(names))
            ws = book[sheet]
        elif dataset is not None and dataset in names:
            ws = book[dataset]
        elif DATA_SHEET in names:
            ws = book[DATA_SHEET]
        else:
            ws = book[names[0]]
        width = limits["max_columns"] + 50  # trailing blank cells are allowed, within reason
        rows = _bounded_rows(ws.iter_rows(values_only=True, max_col=width), limits)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportProblem("import-xlsx-unreadable", reason=str(exc) or type(exc).__name__) from exc
    finally:
        book.close()
    return _split(rows)


def detect_encoding(data: bytes) -> str:
    """utf-8-sig, utf-8 or gb18030, decided by the bytes; raise when none decodes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for candidate in ("utf-8", "gb18030"):
        try:
            data.decode(candidate)
        except UnicodeDecodeError:
            continue
        return candidate
    raise ImportProblem("import-encoding")


ENCODING_NAMES = {"utf-8-sig": "UTF-8（带 BOM）", "utf-8": "UTF-8", "gb18030": "GBK/GB18030"}


def _read_csv(data: bytes, encoding: str | None, limits: dict[str, int] | None = None) -> Sheet:
    enc = encoding or detect_encoding(data)
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ImportProblem("import-encoding") from exc
    rows = _bounded_rows(csv.reader(io.StringIO(text, newline=""), strict=False),
                         limits or dict(limits_.DEFAULTS))
    result = _split(rows)
    result.encoding = enc
    if enc != "utf-8":
        result.notes.append(("encoding", {"encoding": ENCODING_NAMES.get(enc, enc)}))
    if len(result.header) == 1 and isinstance(result.header[0], str):
        for delimiter in ("\t", ";", "，"):
            if delimiter in result.header[0]:
                raise ImportProblem("import-delimiter", delimiter=delimiter)
    return result


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _split(rows: list[list[Any]]) -> Sheet:
    """Header = first non-blank row; drop blank rows and blank trailing columns (Excel's)."""
    numbered = [(i + 1, r) for i, r in enumerate(rows)]
    while numbered and all(_blank(v) for v in numbered[0][1]):
        numbered.pop(0)
    if not numbered:
        raise ImportProblem("import-empty")
    header_number, header = numbered[0]
    header = list(header)
    while header and _blank(header[-1]):
        header.pop()
    if not header:
        raise ImportProblem("import-empty")
    width = len(header)
    kept: list[list[Any]] = []
    numbers: list[int] = []
    dropped: list[int] = []
    for number, row in numbered[1:]:
        if all(_blank(v) for v in row):
            dropped.append(number)
            continue
        row = list(row)
        # cells beyond the header that Excel left empty are not data
        while len(row) > width and _blank(row[-1]):
            row.pop()
        kept.append(row)
        numbers.append(number)
    sheet = Sheet(header, kept, numbers)
    # trailing blank lines are what Excel writes; say so only for blank rows inside the table
    inner = [n for n in dropped if numbers and n < numbers[-1]]
    if inner:
        listed = "、".join(map(str, inner))
        sheet.notes.append(("blank-rows", {"count": len(inner), "rows": listed}))
    return sheet


# --------------------------------------------------------------------------- normalising


def format_number(value: int | float | Decimal) -> str:
    """A number as the canonical CSV writes it: 1 not 1.0, 0.3 not 0.30000000000000004."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    number = Decimal(format(value, ".15g")) if isinstance(value, float) else value
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


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
        raise ImportProblem("import-header-missing", columns="、".join(missing))
    unknown = [h or "（空列名）" for h in header if h not in names]
    if unknown:
        raise ImportProblem("import-header-unknown", columns="、".join(unknown))
    if used_titles:
        notes.append(("titles", {}))
    if header != names:
        notes.append(("reordered", {}))

    position = {name: header.index(name) for name in names}
    key_fields = _primary_key(schema)
    by_key = {_key(r, key_fields): r for r in (current or [])} if key_fields else {}
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
        for n in names:
            if types[n] == "boolean" and record[n] in ("TRUE", "FALSE", "True", "False"):
                record[n] = record[n].lower()
                booleans_rewritten = True
        old = by_key.get(_key(record, key_fields)) if key_fields else None
        if old is not None:
            for n in names:
                if n in old and record[n] != old[n] and _equal(record[n], old[n], types[n]):
                    record[n] = old[n]
        rows.append([record[n] for n in names])
    if booleans_rewritten:
        notes.append(("booleans", {}))
    return rows, [_note(code, details) for code, details in notes]


def _note(code: str, details: dict[str, Any], lang: str = "zh") -> str:
    return NOTES[code][lang].format(**details)


def _primary_key(schema: dict[str, Any]) -> list[str]:
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def _key(record: dict[str, str], key_fields: list[str]) -> tuple[str, ...]:
    return tuple(record.get(k, "") for k in key_fields)


def to_csv(names: list[str], rows: list[list[str]]) -> str:
    """The canonical CSV text: UTF-8 (no BOM when written), LF, minimal quoting."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerows(rows)
    return out.getvalue()


def read_current(path: Path) -> list[dict[str, str]]:
    """The current canonical CSV as text records (empty when the file does not exist)."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


# --------------------------------------------------------------------------- what changed


@dataclass
class Change:
    key: tuple[str, ...]
    fields: list[tuple[str, str, str]]  # (field, old, new)


@dataclass
class Diff:
    key_fields: list[str]
    added: list[tuple[str, ...]] = field(default_factory=list)
    removed: list[tuple[str, ...]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    reordered: bool = False

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.reordered)


def diff(schema: dict[str, Any], old: list[dict[str, str]], new: list[dict[str, str]]) -> Diff:
    """Rows added, changed and removed, matched by primary key (whole rows when there is none)."""
    names = [f["name"] for f in schema.get("fields", [])]
    key_fields = _primary_key(schema) or names
    old_by = {_key(r, key_fields): r for r in old}
    new_by = {_key(r, key_fields): r for r in new}
    result = Diff(key_fields)
    result.added = [k for k in new_by if k not in old_by]
    result.removed = [k for k in old_by if k not in new_by]
    for k, row in new_by.items():
        before = old_by.get(k)
        if before is None:
            continue
        changes = [(n, before.get(n, ""), row.get(n, "")) for n in names
                   if before.get(n, "") != row.get(n, "")]
        if changes:
            result.changed.append(Change(k, changes))
    common_old = [k for k in old_by if k in new_by]
    common_new = [k for k in new_by if k in old_by]
    result.reordered = common_old != common_new
    return result


def describe(d: Diff, lang: str = "zh", limit: int = 200) -> str:
    """The diff as lines people read: + added, ~ changed (field: old → new), - removed."""
    zh = lang != "en"
    lines = [
        (f"新增 {len(d.added)} 行，修改 {len(d.changed)} 行，删除 {len(d.removed)} 行"
         if zh else f"{len(d.added)} added, {len(d.changed)} changed, {len(d.removed)} removed")
    ]
    shown = 0
    for key in d.added:
        lines.append(f"  + {' / '.join(key)}")
        shown += 1
    for change in d.changed:
        for name, before, after in change.fields:
            old, new = before or "（空）", after or "（空）"
            lines.append(f"  ~ {' / '.join(change.key)}：{name} {old} → {new}")
            shown += 1
    for key in d.removed:
        lines.append(f"  - {' / '.join(key)}")
        shown += 1
    if shown > limit:
        lines = lines[: limit + 1] + [f"  …（共 {shown} 项）" if zh else f"  … ({shown} in all)"]
    if d.reordered:
        lines.append("  行的顺序有变化" if zh else "  the order of rows changed")
    return "\n".join(lines)


# --------------------------------------------------------------------------- validating


def validate_text(layout: Layout, name: str, text: str, lang: str = "zh",
                  also: dict[str, bytes] | None = None) -> tuple[bool, str]:
    """Validate the would-be CSV on a temporary copy of the project; (valid, report text).

    `also` holds the other datasets the import would write (name -> CSV bytes: the
    revisions log), validated in the same run, so that nothing is written unless
    everything that would be written is valid.
    """
    with tempfile.TemporaryDirectory(prefix="import-") as tmp:
        root = Path(tmp)
        shutil.copytree(layout.datasets, root / layout.datasets.name)
        if layout.schemas.is_dir():
            shutil.copytree(layout.schemas, root / layout.schemas.name)
        if layout.descriptor.exists():
            shutil.copy2(layout.descriptor, root / layout.descriptor.name)
        copy = Layout(root)
        copy.csv(name).write_bytes(text.encode("utf-8"))
        for other, data in (also or {}).items():
            copy.csv(other).write_bytes(data)
        from .validate import run

        targets = [copy.csv(name)] + [copy.csv(other) for other in also or {}]
        report = run(copy, targets=targets, lang=lang)
        return bool(report.valid), report.render("text", lang=lang)


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


# --------------------------------------------------------------------------- the command


def find_dataset(layout: Layout, name: str) -> Dataset | None:
    return next((d for d in discover(layout) if d.name == name), None)


def import_file(layout: Layout, path: Path, name: str, *, dry_run: bool = False,
                sheet: str | None = None, encoding: str | None = None, reason: str | None = None,
                lang: str = "zh", out: TextIO | None = None) -> int:
    """Import a sheet into datasets/NAME.csv; exit 0 written or unchanged, 1 refused, 2 usage."""
    out = sys.stdout if out is None else out
    zh = lang != "en"

    def say(text: str) -> None:
        print(text, file=out)

    if reason is not None:
        from . import revisions

        problem_text = revisions.reason_problem(reason)
        if problem_text:
            refusal = ImportProblem("import-reason-unsafe", reason=problem_text)
            say(f"✗ {refusal.message(lang)}  [{refusal.code}]")
            say(f"  怎么改：{refusal.fix()}" if zh else f"  fix: {refusal.fix()}")
            say("  没有写入任何文件。" if zh else "  nothing was written.")
            return 1
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
    say(f"{path.name} → {layout.relative(dataset.csv)}")
    for note in notes:
        say(f"  · {note}")
    say(describe(changes, lang))

    unchanged = dataset.csv.exists() and dataset.csv.read_bytes() == text.encode("utf-8")
    from . import revisions

    figures = revisions.figure_changes(dataset, schema, changes)
    # Everything the import would write is validated before anything is written.
    also: dict[str, bytes] = {}
    if figures and reason and not unchanged:
        also[revisions.NAME], _ = revisions.render(layout, figures, reason=reason)
    with progress.step("校验" if zh else "validating"):
        valid, report = validate_text(layout, name, text, lang, also=also)
    if not valid:
        say(report)
        say("✗ 数据未通过校验，没有写入任何文件。" if zh
            else "✗ the data is invalid; nothing was written.")
        return 1

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
    writes = {dataset.csv: text.encode("utf-8")}
    log_created = False
    if also:
        log_created = not layout.csv(revisions.NAME).exists()
        writes[layout.csv(revisions.NAME)] = also[revisions.NAME]
    write_all(writes)
    if log_created and layout.descriptor.exists():
        from . import package  # the log became a dataset: datapackage.json lists it from now on

        package.write(layout)
    if also:
        say(f"  已记入修订记录 {len(figures)} 处" if zh
            else f"  {len(figures)} revision(s) recorded")
    target = layout.relative(dataset.csv)
    say(f"✓ 已写入 {target}" if zh else f"✓ wrote {target}")
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
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")


def main(args: argparse.Namespace) -> int:
    return import_file(REPO, args.file, args.dataset, dry_run=args.dry_run, sheet=args.sheet,
                       encoding=args.encoding, reason=args.reason, lang=args.lang)
