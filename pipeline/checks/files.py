"""Checks on a data file as bytes: location, size, encoding, delimiter, emptiness.

`read_text` is the only way the validator reads a CSV: it returns the decoded
text (UTF-8, with or without BOM) or None with the issues that explain why the
file cannot be trusted (GBK, UTF-16, unknown bytes). Nothing is ever guessed.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..report import Issue

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


def check_shape(text: str, shown: str, expected: list[str]) -> list[Issue]:
    """Empty file, header only, or a delimiter other than the comma. Any issue here is fatal."""
    expected_text = ",".join(expected)
    if not text.strip():
        return [Issue("empty-file", shown, row=1, params={"expected": expected_text})]
    header = text.splitlines()[0]
    for delimiter, name in ((";", ";"), ("\t", "Tab"), ("；", "；"), ("|", "|")):
        if header.count(delimiter) > header.count(",") and len(expected) > 1:
            return [Issue("wrong-delimiter", shown, row=1, value=header, params={"delimiter": name})]
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    if len(rows) <= 1:
        return [Issue("no-rows", shown, row=1)]
    return []
