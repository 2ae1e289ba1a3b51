"""Checks on a data file as bytes: location, size, encoding, delimiter, emptiness.

`read_text` is the only way the validator reads a CSV: it returns the decoded
text (UTF-8, with or without BOM) or None with the issues that explain why the
file cannot be trusted (GBK, UTF-16, unknown bytes). Nothing is ever guessed.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from .. import csvtext
from ..findings import Issue

BOM = b"\xef\xbb\xbf"
URL_SCHEMES = ("http://", "https://", "ftp://", "file://", "s3://")


def check_location(path: Path, shown: str, allowed_root: Path) -> list[Issue]:
    """A data file must really live under the datasets folder: no URL, no way out by links.

    The folder itself is taken where the project has it, not where a link would take
    it: a datasets/ that is a symlink to somewhere else is outside too.
    """
    text = str(path)
    if text.lower().startswith(URL_SCHEMES) or "://" in text:
        return [Issue("path-outside", shown, value=text, params={"reason": "URL"})]
    try:
        real = path.resolve(strict=False)
        root = allowed_root.parent.resolve() / allowed_root.name
    except OSError as exc:  # symlink loops and the like
        return [Issue("path-outside", shown, value=text, params={"reason": str(exc)})]
    if real != root and root not in real.parents:
        reason = "symlink" if path.is_symlink() else "path"
        return [Issue("path-outside", shown, value=text, params={"reason": f"{reason} -> {real}"})]
    return []


def check_size(path: Path, shown: str, limit: int) -> list[Issue]:
    size = path.stat().st_size
    if size > limit:
        return [Issue("file-too-large", shown, value=None, params={"size": size, "limit": limit})]
    return []


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def read_text(data: bytes, shown: str, dataset: str) -> tuple[str | None, list[Issue]]:
    """Decode strictly as UTF-8 (BOM allowed); recognise GBK/GB18030 and UTF-16 by name."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Issue("encoding-utf16", shown, row=1)]
    body = data[len(BOM) :] if data.startswith(BOM) else data
    try:
        return body.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        row = _line_of(body, exc.start)
        bad = body[exc.start : exc.start + 4].hex(" ")
    try:
        decoded = body.decode("gb18030")
    except UnicodeDecodeError:
        decoded = None
    if decoded is not None and any("\u4e00" <= ch <= "\u9fff" for ch in decoded):
        return None, [Issue("encoding-gbk", shown, row=row, params={"dataset": dataset})]
    return None, [Issue("encoding-unknown", shown, row=row, value=bad)]


CTRL_Z = "\x1a"


def check_text(text: str, shown: str) -> list[Issue]:
    """Bytes that are not cells: a BOM after the first bytes, CR CR LF line ends, Ctrl-Z.

    Each would otherwise be read as a character of some cell or as blank rows, and
    blamed on something else. Any issue here is fatal.
    """
    issues = []
    for needle, code, params in (
        ("\ufeff", "bom-inside", {}),
        ("\r\r\n", "line-ending", {}),
        (CTRL_Z, "control-in-file", {"char": "U+001A (Ctrl-Z)"}),
    ):
        at = text.find(needle)
        if at >= 0:
            issues.append(Issue(code, shown, row=text.count("\n", 0, at) + 1, params=params))
    return issues


def check_header_row(rows: list[list[str]], shown: str, expected: list[str]) -> list[Issue]:
    """The header is exactly the first line: nothing above it, no spaces around a name."""
    header = rows[0] if rows else []
    if header != expected:
        for number, row in enumerate(rows[1:6], start=2):
            if [c.strip() for c in row] == expected:
                return [Issue("header-not-first", shown, row=1, value=",".join(header),
                              params={"header_row": number, "extra": number - 1,
                                      "expected": ",".join(expected)})]
        if not any(c.strip() for c in header):
            return [Issue("header-not-first", shown, row=1, value=",".join(header),
                          params={"header_row": "?", "extra": 1, "expected": ",".join(expected)})]
    issues = []
    for number, label in enumerate(header, start=1):
        if label != label.strip() or cells_hidden(label):
            wanted = expected[number - 1] if number <= len(expected) else label.strip()
            issues.append(Issue("header-whitespace", shown, row=1, column=label.strip(),
                                column_number=number, value=label, params={"expected_label": wanted}))
    return issues


def cells_hidden(text: str) -> bool:
    from .cells import HIDDEN_OR_BREAK, INVISIBLE

    return bool(HIDDEN_OR_BREAK.search(text) or INVISIBLE.search(text))


def check_width(text: str, shown: str, max_columns: int) -> list[Issue]:
    """A line with too many commas and no quotes, refused before any CSV reader would build
    it (19 MB of commas is 19 million cells). Quoted lines are left to read_rows."""
    # Anchored at line starts (LF, CRLF or CR) and possessive: linear in the text's length.
    wide = re.search(rf"(?<![^\r\n])(?:[^,\r\n]*+,){{{max_columns}}}", text)
    if wide:
        start = max(text.rfind("\n", 0, wide.start()), text.rfind("\r", 0, wide.start())) + 1
        ends = [i for i in (text.find("\n", start), text.find("\r", start)) if i >= 0]
        line = text[start: min(ends) if ends else len(text)]
        if '"' not in line:
            return [Issue("too-many-columns", shown, row=text.count("\n", 0, start) + 1,
                          params={"count": line.count(",") + 1, "limit": max_columns})]
    return []


def read_rows(text: str, shown: str, max_rows: int, max_columns: int) -> tuple[list[list[str]], list[Issue]]:
    """The CSV rows, stopping at the first row past the limits (one row in memory at a time
    beyond those kept). Any issue here is fatal."""
    rows: list[list[str]] = []
    for row in csv.reader(io.StringIO(text, newline="")):
        if len(row) > max_columns:
            line = len(rows) + 1
            return rows, [Issue("too-many-columns", shown, row=line,
                                params={"count": len(row), "limit": max_columns})]
        rows.append(row)
        if len(rows) > max_rows + 1:
            return rows, [Issue("too-many-rows", shown, params={"limit": max_rows})]
    return rows, []


def check_shape(text: str, shown: str, expected: list[str]) -> list[Issue]:
    """Empty file, header only, or a delimiter other than the comma. Any issue here is fatal."""
    expected_text = ",".join(expected)
    if not text.strip():
        return [Issue("empty-file", shown, row=1, params={"expected": expected_text})]
    header = text.split("\n", 1)[0]
    for delimiter, name in csvtext.OTHER_DELIMITERS.items():
        if header.count(delimiter) > header.count(",") and len(expected) > 1:
            return [Issue("wrong-delimiter", shown, row=1, value=header, params={"delimiter": name})]
    # Lazily: stop at the second non-blank row (a file may hold millions).
    filled = (r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r))
    if next(filled, None) is None or next(filled, None) is None:
        return [Issue("no-rows", shown, row=1)]
    return []
