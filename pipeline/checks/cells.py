"""Cell checks for what frictionless lets through or reports without a fix.

Number cells follow one canonical grammar, plain ASCII: an optional minus
sign, digits, an optional decimal part (PLAIN_NUMBER), at most
MAX_NUMBER_DIGITS digits. Everything else is explained when it can be: units
(1.2万, 12%, 49.3亿元), thousands separators, scientific notation, full-width
or other non-ASCII digits, a plus sign, a bare decimal point, underscores,
NaN and Infinity. Code cells: full-width characters, spaces and look-alike
letters (a Cyrillic "а" in an id). Text cells: mojibake (UTF-8 read as GBK
and saved again), spreadsheet formulas (also
after leading spaces or line breaks), markup, template syntax, javascript:
links, invisible and control characters, surrounding spaces.

Characters no cell may hold (HIDDEN): C0 and C1 controls, bidi controls,
line and paragraph separators and filler characters (U+3164 and kin). Free
text keeps line breaks (LF, CR) and tabs and nothing else of these.

Each rule is a compiled regular expression or a set of characters, so that
it can be applied to a whole column at once as well as cell by cell.

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
from decimal import Decimal
from typing import Any

from ..findings import ERROR, WARNING, Issue

# [0-9], not \d: \d also matches full-width digits, which must be caught.
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
MAX_NUMBER_DIGITS = 30  # more digits than any figure has; 2,000-digit numbers are refused
LONG_NUMBER = re.compile(rf"-?[0-9.]{{{MAX_NUMBER_DIGITS + 2},}}")
# Signs and forms a number may not take, with what it should be written as.
NOT_FINITE = re.compile(r"[+-]?(s?nan|inf(inity)?)", re.IGNORECASE)
LOOSE_NUMBER = re.compile(r"[+-]?([0-9_]+(\.[0-9_]*)?|\.[0-9_]+)")
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

# Characters that never belong in a cell: C0/C1 controls (TAB, LF and CR are
# judged separately), bidi controls, line/paragraph separators, fillers.
HIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls, DEL
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides, isolates
    "\u2028\u2029"  # line and paragraph separators
    "\u115f\u1160\u3164\uffa0\u2800\u180e]"  # Hangul fillers, braille blank, Mongolian separator
)
# In strict text line breaks and tabs are hidden characters too; free text keeps them.
BREAKS = re.compile("[\t\n\r]")
# Letters that look like ASCII ones in ids: Cyrillic, Greek and Armenian (and the like).
LOOKALIKES = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ν": "v", "ο": "o",
    "α": "a", "ι": "i", "κ": "k", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ѵ": "v", "ո": "n",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K",
    "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ѕ": "S", "І": "I",
}
HIDDEN_OR_BREAK = re.compile(HIDDEN.pattern[:-1] + "\t\n\r]")
LOOKALIKE = re.compile("[" + "".join(LOOKALIKES) + "\u0370-\u03ff\u0400-\u04ff\u0530-\u058f]")

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


CONTROL_NAMES = {0x00: "NUL", 0x09: "TAB", 0x0A: "LINE FEED", 0x0D: "CARRIAGE RETURN",
                 0x1A: "SUBSTITUTE (Ctrl-Z)", 0x1B: "ESCAPE", 0x7F: "DELETE"}


def char_name(ch: str) -> str:
    """U+202E RIGHT-TO-LEFT OVERRIDE: how a hidden character is named in messages."""
    name = CONTROL_NAMES.get(ord(ch)) or unicodedata.name(ch, "CONTROL")
    return f"U+{ord(ch):04X} {name}"


def _hidden(cell: str, where: dict[str, Any], pattern: re.Pattern[str] = HIDDEN) -> list[Issue]:
    found = pattern.search(cell)
    if not found:
        return []
    cleaned = pattern.sub("", cell)
    return [_issue("hidden-character", cell, where, char=char_name(found.group()), normalised=cleaned)]


def _ascii_digits(text: str) -> str:
    """Any Unicode decimal digit (Arabic-Indic, Devanagari, mathematical bold) -> ASCII."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdecimal() else ch for ch in text)


def _number(cell: str, where: dict[str, Any]) -> list[Issue]:
    if PLAIN_NUMBER.fullmatch(cell):
        if LONG_NUMBER.match(cell) and len(cell.lstrip("-").replace(".", "")) > MAX_NUMBER_DIGITS:
            return [_issue("number-too-long", cell[:40], where, length=len(cell), limit=MAX_NUMBER_DIGITS)]
        return []
    if len(cell) > MAX_NUMBER_DIGITS * 2:
        return [_issue("number-too-long", cell[:40], where, length=len(cell), limit=MAX_NUMBER_DIGITS)]
    stripped = cell.strip(SPACES)
    if stripped != cell:
        return [_issue("whitespace", cell, where, normalised=stripped)]
    hidden = _hidden(cell, where, HIDDEN_OR_BREAK)
    if hidden:
        return hidden
    if INVISIBLE.search(cell):
        return [_issue("invisible-character", cell, where, normalised=INVISIBLE.sub("", cell))]
    if _has_fullwidth(cell):
        return [_issue("fullwidth-characters", cell, where, normalised=_nfkc(cell))]
    if NOT_FINITE.fullmatch(cell):
        return [_issue("number-not-finite", cell, where)]
    if any(ch.isdecimal() and not ch.isascii() for ch in cell):
        return [_issue("number-format", cell, where, normalised=_canonical(_ascii_digits(cell)))]
    if LOOSE_NUMBER.fullmatch(cell):
        return [_issue("number-format", cell, where, normalised=_canonical(cell))]
    if THOUSANDS.fullmatch(cell):
        return [_issue("thousands-separator", cell, where, number=cell.replace(",", ""))]
    if SCIENTIFIC.fullmatch(cell):
        number = format(Decimal(cell), "f")
        if "." in number:
            number = number.rstrip("0").rstrip(".")
        if len(number.lstrip("-").replace(".", "")) > MAX_NUMBER_DIGITS:
            return [_issue("number-too-long", cell, where, length=len(number), limit=MAX_NUMBER_DIGITS)]
        return [_issue("scientific-notation", cell, where, number=number)]
    match = NUMBER_WITH_UNIT.fullmatch(cell) or UNIT_BEFORE.fullmatch(cell)
    if match:
        unit = match.group("unit").strip()
        number = match.group("number").replace(",", "")
        return [_issue("unit-in-number", cell, where, unit=unit, number=number)]
    return []  # anything else ("abc") is frictionless' type-error


def _canonical(cell: str) -> str:
    """+49.3 -> 49.3, .5 -> 0.5, 4_5 -> 45, 5. -> 5: the plain form of a loosely written number."""
    text = cell.replace("_", "").lstrip("+")
    sign = "-" if text.startswith("-") else ""
    text = text.lstrip("-")
    if text.startswith("."):
        text = "0" + text
    if text.endswith("."):
        text = text[:-1]
    return sign + text


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


def formula_start(cell: str) -> str | None:
    """The character that makes a spreadsheet read the cell as a formula, if any.

    Leading spaces and line breaks are skipped: Excel and LibreOffice skip them too.
    """
    if cell.startswith(FORMULA_PREFIXES):
        return cell[0]
    rest = cell.lstrip(SPACES + "\n\r\t")
    if rest != cell and rest.startswith(FORMULA_PREFIXES[:4]):
        return rest[0]
    return None


def _text(cell: str, field: dict[str, Any], is_key: bool, where: dict[str, Any]) -> list[Issue]:
    issues = []
    original = mojibake(cell)
    if original is not None:
        issues.append(_issue("mojibake", cell, where, original=original))
    free = field.get("textPolicy") == "free"
    soft = WARNING if free else ERROR
    prefix = formula_start(cell)
    if prefix is not None:
        shown = {"\t": "Tab", "\r": "CR", "\n": "LF"}.get(prefix, prefix)
        issues.append(_issue("formula-like", cell, where, soft, prefix=shown))
    elif cell.strip(SPACES) != cell:
        issues.append(_issue("whitespace", cell, where, normalised=cell.strip(SPACES)))
    # A leading Tab or CR is already the formula's prefix; free text keeps its line breaks.
    issues += _hidden(cell, where, HIDDEN if free or prefix is not None else HIDDEN_OR_BREAK)
    if INVISIBLE.search(cell):
        issues.append(_issue("invisible-character", cell, where, normalised=INVISIBLE.sub("", cell)))
    if is_key and _has_fullwidth(cell):
        issues.append(_issue("fullwidth-characters", cell, where, normalised=_nfkc(cell)))
    if is_key and LOOKALIKE.search(cell):
        ch = LOOKALIKE.search(cell).group()  # type: ignore[union-attr]
        ascii_ = LOOKALIKES.get(ch, "?")
        fixed = "".join(LOOKALIKES.get(c, c) for c in cell)
        issues.append(_issue("lookalike-character", cell, where, char=char_name(ch), looks_like=ascii_,
                             normalised=fixed))
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
# tests/test_checks_columns.py holds them to that.
_CLEAN_ASCII = "!-\\x27()*,./0-9;?A-Z\\[\\]^_`a-z|~\"#$%&"  # printable ASCII but < > { } : = + - @ and space
_CLEAN_WIDE = ("\u3001-\u3003\u3008-\u3011\u3014-\u301b\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e"
               "\u00b7\u2010-\u2027")  # CJK punctuation and ideographs, full-width forms, dashes, quotes
_CLEAN_TEXT_CHAR = f"[{_CLEAN_ASCII}{_CLEAN_WIDE}]"
CLEAN = {
    # at most MAX_NUMBER_DIGITS digits in all: longer numbers get the exact look
    "number": rf"-?[0-9]{{1,{MAX_NUMBER_DIGITS // 2}}}(\.[0-9]{{1,{MAX_NUMBER_DIGITS // 2}}})?",
    "value": r"[!-~]*",
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",  # 2020/1/2 and 2020年1月2日 get the exact look
    "key": r"([A-Za-z0-9_./][A-Za-z0-9_./-]*)?",
    # a first character that is no formula prefix; spaces only between other characters
    "text": f"({_CLEAN_TEXT_CHAR}(({_CLEAN_TEXT_CHAR}|-)|[ ]+({_CLEAN_TEXT_CHAR}|-))*)?",
}


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
    r"^[=+\-@\t\r]|^\s|\s$|[<>]|\{[{%#]|[%}]\}|[\u200b\u200c\u200d\u2060\ufeff\u00ad]|[\t\n\r]|"
    + HIDDEN.pattern + "|" + JS_LINK.pattern,
    re.IGNORECASE,
)
_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")


def _is_clean(kind: str, is_key: bool) -> Callable[[str], bool]:
    if kind in NUMERIC_TYPES:
        return lambda cell: PLAIN_NUMBER.fullmatch(cell) is not None and len(cell) <= MAX_NUMBER_DIGITS
    if kind == "date":  # else "2020/1/2" never reached its date-format check
        return lambda cell: _CLEAN_DATE.fullmatch(cell) is not None
    if kind in ("boolean", "date", "datetime"):
        return lambda cell: _CLEAN_VALUE.fullmatch(cell) is not None
    if is_key:
        return lambda cell: (not _SUSPICIOUS_TEXT.search(cell) and not _FULLWIDTH.search(cell)
                             and not LOOKALIKE.search(cell) and (cell.isascii() or mojibake(cell) is None))
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
