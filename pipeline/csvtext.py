"""The one CSV writer and the one tolerant CSV decoder of the project.

Every CSV the project writes (canonical datasets, the revisions log, the
downloads for Excel, chart data) goes through `write`: RFC 4180, a cell is
quoted when it holds a comma, a quote, a CR or an LF, so a lone CR inside a
cell never splits a row, whatever the line end. Python's own csv writer
leaves a lone CR unquoted when the line end is LF, which is why it is not
used for writing.

`decode` turns bytes staff may have saved (UTF-8 with or without BOM,
GBK/GB18030, UTF-16 with BOM) into text by explicit rules on the bytes,
never by a statistical guess; it raises `EncodingError` (never a
UnicodeDecodeError traceback) when no rule fits.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

ENCODING_NAMES = {"utf-8-sig": "UTF-8（带 BOM）", "utf-8": "UTF-8", "gb18030": "GBK/GB18030",
                  "utf-16": "UTF-16"}


# What staff's tools put between columns instead of the comma (a semicolon from a European
# Excel, Tab from a copy out of a sheet, the full-width forms of a Chinese input method, the
# pipe), with the name shown in messages. Validation and the importer both name them.
OTHER_DELIMITERS = {"\t": "Tab", ";": ";", "；": "；", "，": "，", "|": "|"}


class EncodingError(ValueError):
    """Bytes in none of the encodings the project reads."""


def cell(value: str) -> str:
    if any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def write(table: Iterable[Sequence[str]], line_end: str = "\n") -> str:
    """RFC 4180 text of `table` (rows of strings), every row ended by `line_end`."""
    return "".join(",".join(cell(str(c)) for c in row) + line_end for row in table)


def detect(data: bytes) -> str:
    """utf-8-sig, utf-16, utf-8 or gb18030, decided by the bytes; EncodingError when none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    candidates = ("utf-16", "utf-8", "gb18030") if data.startswith((b"\xff\xfe", b"\xfe\xff")) \
        else ("utf-8", "gb18030")
    for candidate in candidates:
        try:
            data.decode(candidate)
        except UnicodeDecodeError:
            continue
        return candidate
    raise EncodingError("neither UTF-8 nor GBK/GB18030")


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding) of CSV bytes; EncodingError when they cannot be read."""
    enc = encoding or detect(data)
    try:
        return data.decode(enc), enc
    except (UnicodeDecodeError, LookupError) as exc:
        raise EncodingError(str(exc)) from exc


def records(text: str) -> list[dict[str, str]]:
    """CSV text as records keyed by the header."""
    return list(csv.DictReader(io.StringIO(text, newline="")))
