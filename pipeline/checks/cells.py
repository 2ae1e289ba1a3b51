"""Cell checks for what frictionless lets through or reports without a fix.

Number cells: units (1.2万, 12%, 49.3亿元), thousands separators, scientific
notation, full-width digits (frictionless reads "２０２０" as 2020). Text cells:
mojibake (UTF-8 read as GBK and saved again). Code cells:
full-width characters and spaces. Text cells: spreadsheet formulas, markup,
template syntax, javascript: links, invisible characters, surrounding spaces.

Per-field policy: a schema field may set `textPolicy: free` (for notes that
may legitimately say "<5%"); formula-like text, markup, template syntax and
links are then warnings instead of errors. Everything from data is escaped
wherever it is shown, and formula-like text is neutralised in the files made
for Excel, so a warning is safe to publish. Every other field is `strict`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from ..report import ERROR, WARNING, Issue

# [0-9], not \d: \d also matches full-width digits, which must be caught.
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
THOUSANDS = re.compile(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")
SCIENTIFIC = re.compile(r"-?[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+")
NUMBER_WITH_UNIT = re.compile(r"(?P<sign>[+-]?)(?P<number>[0-9.,]+)\s*(?P<unit>[^0-9]+)")
UNIT_BEFORE = re.compile(r"(?P<unit>[^0-9\s.+-]+)\s*(?P<number>-?[0-9.,]+)")
DATE_SLASH = re.compile(r"([0-9]{4})[/.年]([0-9]{1,2})[/.月]([0-9]{1,2})日?")

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
SPACES = " \t\u00a0\u3000\u2002\u2003\u2009"
TEMPLATE = re.compile(r"\{\{|\{%|\{#|%\}|\}\}")
JS_LINK = re.compile(r"j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:", re.IGNORECASE)

NUMERIC_TYPES = {"number", "integer", "year"}


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _has_fullwidth(text: str) -> bool:
    return any("\uff01" <= ch <= "\uff5e" or ch == "\u3000" for ch in text)


def key_fields(schema: dict[str, Any]) -> set[str]:
    """Fields that act as codes or keys: patterned, primary key or foreign key."""
    keys: set[str] = set()
    pk = schema.get("primaryKey") or []
    keys.update([pk] if isinstance(pk, str) else pk)
    for fk in schema.get("foreignKeys") or []:
        fields = fk.get("fields", [])
        keys.update([fields] if isinstance(fields, str) else fields)
    for f in schema.get("fields", []):
        if (f.get("constraints") or {}).get("pattern"):
            keys.add(f.get("name"))
    return keys


def check_cell(
    cell: str, field: dict[str, Any], is_key: bool, where: dict[str, Any], max_chars: int
) -> list[Issue]:
    """Issues of one cell. `where` carries path, row, column and column_number."""
    if cell == "":
        return []
    if len(cell) > max_chars:
        return [
            Issue("cell-too-long", value=cell[:40], params={"length": len(cell), "limit": max_chars}, **where)
        ]
    kind = field.get("type", "string")
    if kind in NUMERIC_TYPES:
        return _number(cell, where)
    if kind in ("boolean", "date", "datetime"):
        return _plain_value(cell, kind, where)
    return _text(cell, field, is_key, where)


def _issue(code: str, cell: str, where: dict[str, Any], severity: str = ERROR, **params: Any) -> Issue:
    return Issue(code, value=cell, severity=severity, params=params, **where)


def _number(cell: str, where: dict[str, Any]) -> list[Issue]:
    if PLAIN_NUMBER.fullmatch(cell):
        return []
    stripped = cell.strip(SPACES)
    if stripped != cell:
        return [_issue("whitespace", cell, where, normalised=stripped)]
    if INVISIBLE.search(cell):
        return [_issue("invisible-character", cell, where, normalised=INVISIBLE.sub("", cell))]
    if _has_fullwidth(cell):
        return [_issue("fullwidth-characters", cell, where, normalised=_nfkc(cell))]
    if THOUSANDS.fullmatch(cell):
        return [_issue("thousands-separator", cell, where, number=cell.replace(",", ""))]
    if SCIENTIFIC.fullmatch(cell):
        number = format(float(cell), "f").rstrip("0").rstrip(".")
        return [_issue("scientific-notation", cell, where, number=number)]
    match = NUMBER_WITH_UNIT.fullmatch(cell) or UNIT_BEFORE.fullmatch(cell)
    if match:
        unit = match.group("unit").strip()
        number = match.group("number").replace(",", "")
        return [_issue("unit-in-number", cell, where, unit=unit, number=number)]
    return []  # anything else ("abc") is frictionless' type-error


def _plain_value(cell: str, kind: str, where: dict[str, Any]) -> list[Issue]:
    stripped = cell.strip(SPACES)
    if stripped != cell:
        return [_issue("whitespace", cell, where, normalised=stripped)]
    if _has_fullwidth(cell):
        return [_issue("fullwidth-characters", cell, where, normalised=_nfkc(cell))]
    if kind == "date":
        match = DATE_SLASH.fullmatch(cell)
        if match:
            y, m, d = (int(g) for g in match.groups())
            return [_issue("date-format", cell, where, normalised=f"{y:04d}-{m:02d}-{d:02d}")]
    return []


def _text(cell: str, field: dict[str, Any], is_key: bool, where: dict[str, Any]) -> list[Issue]:
    issues = []
    original = mojibake(cell)
    if original is not None:
        issues.append(_issue("mojibake", cell, where, original=original))
    soft = WARNING if field.get("textPolicy") == "free" else ERROR
    if cell.startswith(FORMULA_PREFIXES):
        prefix = {"\t": "Tab", "\r": "CR"}.get(cell[0], cell[0])
        issues.append(_issue("formula-like", cell, where, soft, prefix=prefix))
    elif cell.strip(SPACES) != cell:
        issues.append(_issue("whitespace", cell, where, normalised=cell.strip(SPACES)))
    if INVISIBLE.search(cell):
        issues.append(_issue("invisible-character", cell, where, normalised=INVISIBLE.sub("", cell)))
    if is_key and _has_fullwidth(cell):
        issues.append(_issue("fullwidth-characters", cell, where, normalised=_nfkc(cell)))
    if "<" in cell or ">" in cell:
        issues.append(_issue("markup", cell, where, soft))
    if TEMPLATE.search(cell):
        issues.append(_issue("template-syntax", cell, where, soft))
    if JS_LINK.search(cell):
        issues.append(_issue("unsafe-link", cell, where, soft))
    return issues


# Plainly clean cells, as whole-column tests (checks/columns.py applies them with pyarrow's
# RE2, so they use explicit character classes only: no \s, \d or \w, whose meaning differs).
# A cell that fits needs no check_cell: nothing in it is looked at by any rule above. They
# may say "not clean" too often (such cells simply get the exact look), never too rarely;
# tests/test_columns.py holds them to that.
_CLEAN_ASCII = "!-\\x27()*,./0-9;?A-Z\\[\\]^_`a-z|~\"#$%&"  # printable ASCII but < > { } : = + - @ and space
_CLEAN_WIDE = ("\u3001-\u3003\u3008-\u3011\u3014-\u301b\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e"
               "\u00b7\u2010-\u2027")  # CJK punctuation and ideographs, full-width forms, dashes, quotes
_CLEAN_TEXT_CHAR = f"[{_CLEAN_ASCII}{_CLEAN_WIDE}]"
CLEAN = {
    "number": r"-?[0-9]+(\.[0-9]+)?",
    "value": r"[!-~]*",
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",  # 2020/1/2 and 2020年1月2日 get the exact look
    "key": r"([A-Za-z0-9_./][A-Za-z0-9_./-]*)?",
    # a first character that is no formula prefix; spaces only between other characters
    "text": f"({_CLEAN_TEXT_CHAR}(({_CLEAN_TEXT_CHAR}|-)|[ ]+({_CLEAN_TEXT_CHAR}|-))*)?",
}
CLEAN_NUMBER_CHARS = 18  # longer plain numbers get the exact look (their digit count is checked)


def clean_pattern(kind: str, is_key: bool) -> str:
    """The anchored whole-cell pattern of cells that need no check_cell, for a field type."""
    if kind in NUMERIC_TYPES:
        name = "number"
    elif kind == "date":
        name = "date"
    elif kind in ("boolean", "datetime"):
        name = "value"
    else:
        name = "key" if is_key else "text"
    return "^" + CLEAN[name] + "$"


# Fast paths: most cells are plainly fine, and only the others go through check_cell.
_CLEAN_VALUE = re.compile(r"[\x21-\x7e]*")
_CLEAN_DATE = re.compile(CLEAN["date"])
_SUSPICIOUS_TEXT = re.compile(
    r"^[=+\-@\t\r]|^\s|\s$|[<>]|\{[{%#]|[%}]\}|[\u200b\u200c\u200d\u2060\ufeff\u00ad]|" + JS_LINK.pattern,
    re.IGNORECASE,
)
_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")


def _is_clean(kind: str, is_key: bool) -> Callable[[str], bool]:
    if kind in NUMERIC_TYPES:
        return lambda cell: PLAIN_NUMBER.fullmatch(cell) is not None
    if kind == "date":  # else "2020/1/2" never reached its date-format check
        return lambda cell: _CLEAN_DATE.fullmatch(cell) is not None
    if kind in ("boolean", "date", "datetime"):
        return lambda cell: _CLEAN_VALUE.fullmatch(cell) is not None
    if is_key:
        return lambda cell: (not _SUSPICIOUS_TEXT.search(cell) and not _FULLWIDTH.search(cell)
                             and (cell.isascii() or mojibake(cell) is None))
    return lambda cell: not _SUSPICIOUS_TEXT.search(cell) and (cell.isascii() or mojibake(cell) is None)


# Mojibake: UTF-8 text opened as GBK (Excel on Chinese Windows opening a UTF-8 CSV without BOM)
# and saved. Every Chinese character became one and a half GBK characters: 顶层设计 -> 椤跺眰璁捐.
# Encoding such text back to GBK gives the original UTF-8 bytes, which decode to real Chinese;
# genuine Chinese text encoded to GBK almost never forms valid UTF-8 sequences.
_CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f\ufffd?]+")


def mojibake(text: str) -> str | None:
    """The text as it was before UTF-8 was misread as GBK, or None when it does not look so."""
    if text.isascii():
        return None
    good = bad = 0
    repaired = text
    for run in _NON_ASCII_RUN.findall(text):
        try:
            raw = run.encode("gb18030")
        except UnicodeEncodeError:
            continue
        fixed = raw.decode("utf-8", errors="replace")
        good += len(_CJK.findall(fixed))
        bad += fixed.count("\ufffd")
        repaired = repaired.replace(run, fixed.replace("\ufffd", "?"), 1)
    if good >= 1 and good >= 2 * bad and repaired != text:
        return repaired
    return None


def check_rows(
    rows: Iterable[list[str]],
    header: list[str],
    schema: dict[str, Any],
    path: str,
    max_chars: int,
) -> list[Issue]:
    """Run check_cell over every data row (row numbers count the header as row 1)."""
    fields = {f.get("name"): f for f in schema.get("fields", [])}
    keys = key_fields(schema)
    # Per column: (name, field, is_key, clean-test); None for columns not in the schema,
    # whose cells are the header checks' concern.
    columns = [
        (name, fields[name], name in keys, _is_clean(fields[name].get("type", "string"), name in keys))
        if name in fields
        else None
        for name in header
    ]
    issues: list[Issue] = []
    for row_number, row in enumerate(rows, start=2):
        for index, cell in enumerate(row[: len(columns)]):
            column = columns[index]
            if column is None or not cell or (len(cell) <= max_chars and column[3](cell)):
                continue
            name, field, is_key, _ = column
            where = {"path": path, "row": row_number, "column": name, "column_number": index + 1}
            issues.extend(check_cell(cell, field, is_key, where, max_chars))
    return issues
