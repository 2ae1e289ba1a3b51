"""Frictionless' own findings (types, constraints, header, rows, keys), reworded.

Each frictionless error becomes an Issue with our code, the file, row, column
and value, and the parameters its message needs (the expected header, the
allowed values, the other row of a duplicate key, ...).
"""

from __future__ import annotations

import re
from typing import Any

from ..findings import Issue
from ..messages import TYPE_NAMES

CONSTRAINT = re.compile(r'constraint "(?P<name>\w+)" is "(?P<limit>.*)"', re.S)
OTHER_ROW = re.compile(r"row at position \"?(?P<row>\d+)\"?")
FK_NOTE = re.compile(r'lookup table "(?P<resource>[^"]*)" as "(?P<fields>[^"]*)"')

LABEL_CODES = {
    "duplicate-label",
    "blank-label",
    "incorrect-label",
    "extra-label",
    "missing-label",
}
ROW_CODES = {"extra-cell", "missing-cell", "blank-row"}
CONSTRAINT_CODES = {
    "required": "required",
    "enum": "enum",
    "pattern": "pattern",
    "minimum": "minimum",
    "maximum": "maximum",
    "maxLength": "max-length",
    "exclusiveMinimum": "minimum",
    "exclusiveMaximum": "maximum",
}


def _examples(schema: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f.get("example", "") for f in schema.get("fields", [])}


def convert(error: Any, path: str, schema: dict[str, Any], columns: dict[str, dict[str, list[str]]]) -> Issue:
    """One frictionless error -> one Issue.

    `columns` (dataset -> column -> cells) gives example codes for foreign-key messages.
    """
    fields = schema.get("fields", [])
    names = [f.get("name") for f in fields]
    by_name = {f.get("name"): f for f in fields}
    kind = error.type
    row = getattr(error, "row_number", None)
    column_number = getattr(error, "field_number", None)
    column = getattr(error, "field_name", None)
    cell = getattr(error, "cell", None)
    note = getattr(error, "note", "") or ""
    where: dict[str, Any] = {"path": path, "row": row, "column": column, "column_number": column_number}
    if kind in LABEL_CODES:
        label = getattr(error, "label", None)
        expected_label = names[column_number - 1] if column_number and column_number <= len(names) else ""
        return Issue(
            kind,
            path,
            row=1,
            column=label or expected_label,
            column_number=column_number,
            value=label,
            params={"expected": ",".join(names), "expected_label": expected_label},
        )
    if kind in ROW_CODES:
        return Issue(kind, value=cell, **where)
    if kind == "type-error":
        type_ = (by_name.get(column) or {}).get("type", "string")
        zh, en, example = TYPE_NAMES.get(type_, (type_, type_, ""))
        return Issue(kind, value=cell, params={"type_zh": zh, "type_en": en, "example": example}, **where)
    if kind == "constraint-error":
        match = CONSTRAINT.search(note)
        name = match.group("name") if match else ""
        limit = match.group("limit") if match else ""
        code = CONSTRAINT_CODES.get(name, "constraint")
        field = by_name.get(column) or {}
        allowed = "、".join(str(v) for v in (field.get("constraints") or {}).get("enum", []))
        params = {
            "limit": limit,
            "constraint": name,
            "allowed": allowed,
            "pattern": limit,
            "example": field.get("example", ""),
            "meaning": field.get("description") or field.get("title") or column,
        }
        return Issue(code, value=cell, params=params, **where)
    if kind == "unique-error":
        match = OTHER_ROW.search(note)
        return Issue(
            "unique", value=cell, params={"other_row": match.group("row") if match else "?"}, **where
        )
    if kind == "primary-key":
        match = OTHER_ROW.search(note)
        key = schema.get("primaryKey") or []
        key = [key] if isinstance(key, str) else key
        cells = getattr(error, "cells", []) or []
        value = ", ".join(cells[names.index(k)] for k in key if k in names and names.index(k) < len(cells))
        return Issue(
            "primary-key",
            path,
            row=row,
            value=value,
            params={"key": "+".join(key), "other_row": match.group("row") if match else "?"},
        )
    if kind == "foreign-key":
        return _foreign_key(error, path, schema, names, columns)
    return Issue("frictionless", value=cell, params={"reason": f"{kind}: {note}"}, **where)


def _foreign_key(
    error: Any, path: str, schema: dict[str, Any], names: list[str], columns: dict[str, dict[str, list[str]]]
) -> Issue:
    note = getattr(error, "note", "") or ""
    cells = getattr(error, "cells", []) or []
    row = getattr(error, "row_number", None)
    match = FK_NOTE.search(note)
    resource = match.group("resource") if match else ""
    ref_fields = match.group("fields") if match else ""
    column = None
    for fk in schema.get("foreignKeys") or []:
        ref = fk.get("reference", {})
        fields = fk.get("fields")
        fields = [fields] if isinstance(fields, str) else fields
        target = ref.get("fields")
        target = [target] if isinstance(target, str) else target
        if ref.get("resource") == resource and ",".join(target) == ref_fields:
            column = ",".join(fields)
            break
    value = ", ".join(
        cells[names.index(c)] for c in (column or "").split(",") if c in names and names.index(c) < len(cells)
    )
    column_number = names.index(column) + 1 if column in names else None
    first = ref_fields.split(",")[0]
    examples = sorted(set(columns.get(resource, {}).get(first, [])))[:3]
    return Issue(
        "foreign-key",
        path,
        row=row,
        column=column,
        column_number=column_number,
        value=value,
        params={
            "reference": f"{resource}.{ref_fields}",
            "reference_file": f"datasets/{resource}.csv",
            "example": "、".join(examples),
        },
    )
