"""Checks that a dataset's own descriptors are sound before its data is read.

The Table Schema must be readable YAML, a valid Table Schema (frictionless'
own check) whose keys name existing fields and whose patterns are in the safe
subset of checks/patterns.py; the metadata must follow
schemas/meta.schema.json. Every issue names the file and, where it can be
found, the line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..findings import Issue
from . import patterns

QUOTED = re.compile(r'"([^"]+)"|\'([^\']+)\'')


def line_of(path: Path, note: str) -> int | None:
    """The first line of a descriptor that mentions a quoted token of the note."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for match in QUOTED.finditer(note):
        token = match.group(1) or match.group(2)
        for number, line in enumerate(lines, start=1):
            if re.search(rf"(^|[\s:\[,'\"]){re.escape(token)}($|[\s,\]'\"])", line):
                return number
    return None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def check_schema(schema: dict[str, Any], path: Path, shown: str) -> list[Issue]:
    from frictionless import Schema

    def issue(reason: str) -> Issue:
        return Issue("schema-invalid", shown, row=line_of(path, reason), params={"reason": reason})

    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [issue('"fields" is missing or empty')]
    from frictionless import FrictionlessException

    try:
        report = Schema.validate_descriptor(schema)
        issues = [issue(e.note) for task in report.tasks for e in task.errors]
        Schema.from_descriptor(schema)  # some faults (unknown types) only show when built
    except FrictionlessException as exc:
        notes = [e.note for e in exc.reasons] or [exc.error.note]
        issues = [issue(note) for note in notes]
    names = [f.get("name") for f in fields if isinstance(f, dict)]
    for i, f in enumerate(fields, start=1):
        if not isinstance(f, dict) or not f.get("name"):
            issues.append(issue(f"field {i} has no name"))
    for f in fields:
        pattern = ((f.get("constraints") or {}) if isinstance(f, dict) else {}).get("pattern")
        if isinstance(pattern, str):
            why = patterns.unsafe(pattern)
            if why:
                issues.append(issue(f'pattern "{pattern}" of field "{f.get("name")}" is not in the safe '
                                    f"subset: {why}"))
    for key in _as_list(schema.get("primaryKey")):
        if key not in names:
            issues.append(issue(f'primaryKey names the unknown field "{key}"'))
    for fk in schema.get("foreignKeys") or []:
        for key in _as_list(fk.get("fields")):
            if key not in names:
                issues.append(issue(f'foreignKeys names the unknown field "{key}"'))
    return issues


def check_meta(meta: dict[str, Any], meta_schema_path: Path, path: Path, shown: str) -> list[Issue]:
    import jsonschema

    schema = json.loads(meta_schema_path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    issues = []
    for error in sorted(validator.iter_errors(meta), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in error.path) or "(top level)"
        reason = f"at {where}: {error.message}"
        first = next((str(p) for p in error.path if isinstance(p, str)), None)
        row = line_of(path, f'"{first}"') if first else None
        issues.append(Issue("meta-invalid", shown, row=row, params={"reason": reason}))
    return issues
