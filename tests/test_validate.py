"""The validator against the bad-input corpus: each staff mistake gives its code, row and column.

Each file in tests/fixtures/bad/ is a copy of the fixture project's figures.csv
with one mistake, named by its kind. The file is put in place of figures.csv
in a fresh copy of the project and validated.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipeline.paths import Layout
from pipeline.validate import run

BAD = Path(__file__).parent / "fixtures" / "bad"

# fixture file -> expected [row, column, code] of every error (header is row 1)
ERRORS: dict[str, list[list[object]]] = {
    # 1-2: encodings
    "gbk-short.csv": [[2, None, "encoding-gbk"]],
    "gbk-long.csv": [[2, None, "encoding-gbk"]],
    "bom-gbk.csv": [[2, None, "encoding-gbk"]],
    "utf16.csv": [[1, None, "encoding-utf16"]],
    "latin1-bytes.csv": [[2, None, "encoding-unknown"]],
    # 3: delimiters
    "semicolon.csv": [[1, None, "wrong-delimiter"]],
    "tab.csv": [[1, None, "wrong-delimiter"]],
    # 4: ragged rows
    "extra-cell.csv": [[3, "", "extra-cell"]],
    "missing-cell.csv": [[3, "derivation", "missing-cell"], [3, "note", "missing-cell"]],
    # 5: headers
    "duplicate-header.csv": [[1, "name_zh", "duplicate-label"]],
    "blank-header.csv": [[1, "note", "blank-label"]],
    "renamed-header.csv": [[1, "indicator", "incorrect-label"]],
    # 6: blank rows
    "blank-row.csv": [[3, None, "blank-row"]],
    # 7: every bad cell, not only the first
    "type-errors.csv": [
        [2, "value", "type-error"],
        [3, "derived", "type-error"],
        [6, "value_max", "type-error"],
    ],
    # 8-10: Excel artefacts, separators, units
    "scientific.csv": [[2, "value", "scientific-notation"]],
    "thousands.csv": [[2, "value", "thousands-separator"]],
    "unit-wan.csv": [[2, "value", "unit-in-number"]],
    "unit-percent.csv": [[5, "value", "unit-in-number"]],
    "unit-yiyuan.csv": [[2, "value", "unit-in-number"]],
    "unit-qualifier.csv": [[7, "value", "unit-in-number"]],
    # 11: full-width characters
    "fullwidth-year.csv": [[2, "year", "fullwidth-characters"]],
    "fullwidth-number.csv": [[2, "value", "fullwidth-characters"]],
    "fullwidth-key.csv": [[2, "indicator_id", "fullwidth-characters"]],
    # 12: spaces and invisible characters
    "space-key.csv": [[2, "indicator_id", "whitespace"]],
    "nbsp-number.csv": [[2, "value", "whitespace"]],
    "zero-width-key.csv": [[2, "indicator_id", "invisible-character"]],
    # 13: constraints
    "negative-count.csv": [[2, "value", "negative-count"], [3, "value", "stock-flow-mismatch"]],
    "year-out-of-range.csv": [[2, "year", "maximum"]],
    "required-missing.csv": [[2, "unit", "required"]],
    "enum-qualifier.csv": [[7, "qualifier", "enum"]],
    # 14-15: keys
    "duplicate-key.csv": [[8, None, "primary-key"]],
    "foreign-key.csv": [[5, "area_id", "foreign-key"]],
    # 16: derived figures that disagree
    "stock-flow.csv": [[3, "value", "stock-flow-mismatch"]],
    "range-order.csv": [[6, "value_max", "range-order"]],
    "derived-without-method.csv": [[2, "derivation", "derivation-missing"]],
    # 17: formulas (OWASP CSV injection)
    "formula-equals.csv": [[2, "name_zh", "formula-like"]],
    "formula-plus.csv": [[2, "name_zh", "formula-like"]],
    "formula-minus.csv": [[2, "name_zh", "formula-like"]],
    "formula-at.csv": [[2, "name_zh", "formula-like"]],
    "formula-tab.csv": [[2, "name_zh", "formula-like"]],
    "formula-cr.csv": [[2, "name_zh", "formula-like"]],
    # 18-19: markup, templates, links
    "markup-script.csv": [[2, "name_zh", "markup"]],
    "markup-img.csv": [[2, "name_zh", "markup"]],
    "template-jinja.csv": [[2, "name_zh", "template-syntax"]],
    "template-block.csv": [[2, "name_zh", "template-syntax"]],
    "javascript-link.csv": [[2, "name_zh", "unsafe-link"]],
    # 20: huge fields
    "huge-cell.csv": [[2, "note", "cell-too-long"]],
    # 23: empty or header only
    "empty.csv": [[1, None, "empty-file"]],
    "header-only.csv": [[1, None, "no-rows"]],
    "header-only-crlf-blank-lines.csv": [[1, None, "no-rows"]],
}

# 2 and 24: accepted as they are (BOM, line endings); numbers like -5 stay numbers
ACCEPTED = [
    "ok-bom.csv",
    "ok-crlf.csv",
    "ok-cr-only.csv",
    "ok-mixed-endings.csv",
    "ok-no-final-newline.csv",
    "ok-negative-non-count.csv",
]


def _validate_as_figures(project: Layout, fixture: str):
    target = project.csv("figures")
    target.write_bytes((BAD / fixture).read_bytes())
    return run(project)


def test_every_fixture_is_covered():
    assert sorted(p.name for p in BAD.glob("*.csv")) == sorted(
        [*ERRORS, *ACCEPTED, "note-formula-warning.csv"]
    )


@pytest.mark.parametrize("fixture", sorted(ERRORS))
def test_bad_input_is_rejected_at_its_place(project: Layout, fixture: str):
    report = _validate_as_figures(project, fixture)
    assert not report.valid
    errors = [[i.row, i.column, i.code] for i in report.sorted_issues() if i.severity == "error"]
    assert errors == ERRORS[fixture]
    for issue in report.errors:
        assert issue.path == "datasets/figures.csv"
        assert issue.text("zh") and issue.fix("zh") and issue.fix("en")


@pytest.mark.parametrize("fixture", ACCEPTED)
def test_accepted_variants_are_valid(project: Layout, fixture: str):
    report = _validate_as_figures(project, fixture)
    assert report.valid, report.formatted("text")
    assert report.issues == []


def test_free_text_fields_get_warnings_not_errors(project: Layout):
    report = _validate_as_figures(project, "note-formula-warning.csv")
    assert report.valid
    assert report.flatten(["row", "column", "code", "severity"]) == [[2, "note", "formula-like", "warning"]]


def test_the_same_markup_is_an_error_in_a_strict_field_and_a_warning_in_a_free_one(
    project: Layout,
):
    path = project.csv("figures")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("示例企业数量", "<b>粗体</b>") + "<b>备注</b>"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run(project)
    assert report.flatten(["row", "column", "code", "severity"]) == [
        [2, "name_zh", "markup", "error"],
        [2, "note", "markup", "warning"],
    ]


def test_gbk_message_names_file_and_the_fix(project: Layout):
    report = _validate_as_figures(project, "gbk-short.csv")
    text = report.formatted("text", "zh")
    assert "datasets/figures.csv" in text
    assert "CSV UTF-8" in text and "--dataset figures" in text


def test_unit_message_quotes_the_value_and_the_number(project: Layout):
    [issue] = _validate_as_figures(project, "unit-wan.csv").errors
    assert "1.2万" in issue.text("zh") and "“万”" in issue.text("zh")
    assert "1.2" in issue.fix("zh")


def test_primary_key_message_names_both_rows(project: Layout):
    [issue] = _validate_as_figures(project, "duplicate-key.csv").errors
    assert issue.row == 8 and "第 3 行" in issue.text("zh")


def test_foreign_key_message_offers_existing_codes(project: Layout):
    [issue] = _validate_as_figures(project, "foreign-key.csv").errors
    assert "west" in issue.text("zh") and "north" in issue.fix("zh")


def test_validation_never_changes_the_files(project: Layout):
    files = sorted(p for p in project.root.rglob("*") if p.is_file())
    for fixture in ("gbk-short.csv", "ok-cr-only.csv", "formula-tab.csv", "ok-bom.csv"):
        (project.csv("figures")).write_bytes((BAD / fixture).read_bytes())
        before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
        run(project)
        after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
        assert before == after
        assert sorted(p for p in project.root.rglob("*") if p.is_file()) == files


def test_symlink_pointing_outside_is_refused(project: Layout, tmp_path: Path):
    outside = tmp_path / "outside.csv"
    outside.write_bytes(project.csv("figures").read_bytes())
    project.csv("figures").unlink()
    project.csv("figures").symlink_to(outside)
    report = run(project)
    assert report.flatten(["path", "code"]) == [["datasets/figures.csv", "path-outside"]]


def test_oversized_file_is_refused_before_reading(project: Layout):
    path = project.csv("figures")
    path.write_bytes(path.read_bytes() + b"," * 100_001)
    assert [i.code for i in run(project).errors] == ["file-too-large"]


def test_missing_schema_is_reported(project: Layout):
    project.schema("figures").unlink()
    report = run(project)
    assert [[i.path, i.code] for i in report.errors] == [["datasets/figures.csv", "schema-missing"]]


def test_broken_schema_yaml_names_file_and_line(project: Layout):
    project.schema("areas").write_text("fields:\n  - name: a\n    type: [string\n", encoding="utf-8")
    [issue] = run(project).errors
    assert (issue.path, issue.code, issue.row) == ("schemas/areas.schema.yaml", "descriptor-invalid", 4)


def test_unknown_field_type_names_the_line(project: Layout):
    schema = project.schema("areas")
    schema.write_text(
        schema.read_text(encoding="utf-8").replace(
            "type: string, constraints: {required: true, maxLength",
            "type: strng, constraints: {required: true, maxLength",
        ),
        encoding="utf-8",
    )
    [issue] = run(project).errors
    assert (issue.path, issue.code, issue.row) == ("schemas/areas.schema.yaml", "schema-invalid", 3)


def test_incomplete_metadata_is_reported(project: Layout):
    meta = project.meta("areas")
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("title_en: Example areas\n", ""), encoding="utf-8"
    )
    [issue] = run(project).errors
    assert issue.code == "meta-invalid" and "title_en" in issue.text("en")


def test_unknown_indicator_in_a_consistency_rule(project: Layout):
    meta = project.meta("figures")
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("flow: widget-increase", "flow: gadgets"), encoding="utf-8"
    )
    assert run(project).flatten(["path", "code", "value"]) == [
        ["datasets/figures.meta.yml", "rule-invalid", "gadgets"]
    ]


def test_only_the_chosen_file_is_reported(project: Layout):
    project.csv("areas").write_bytes("area_id,name\nnorth,=1+1\nsouth,南区\n".encode())
    chosen = run(project, targets=[project.csv("figures")])
    assert chosen.valid and chosen.checked == ["datasets/figures.csv"]
    assert not run(project).valid


# Validating again in one process (the live preview, a build after validate) redoes only what
# changed: frictionless' verdicts and schema checks are kept by what they depend on.


def test_validating_again_sees_a_change_in_a_table_a_foreign_key_points_to(project: Layout):
    assert run(project).valid
    areas = project.csv("areas")
    original = areas.read_bytes()
    areas.write_bytes(original.replace("south,南区\n".encode(), b""))  # figures.csv is unchanged
    assert ["datasets/figures.csv", "foreign-key", 5] in run(project).flatten(["path", "code", "row"])
    areas.write_bytes(original)
    assert run(project).valid


def test_validating_again_sees_a_changed_schema(project: Layout):
    assert run(project).valid
    schema = project.schema("figures")
    text = schema.read_text(encoding="utf-8")
    schema.write_text(text.replace("minimum: 2000, maximum: 2100", "minimum: 2000, maximum: 2020"),
                      encoding="utf-8")
    assert ["datasets/figures.csv", "maximum", 3] in run(project).flatten(["path", "code", "row"])
    schema.write_text(text.replace("type: integer", "type: whole-number", 1), encoding="utf-8")
    assert run(project).flatten(["path", "code", "row"]) == [
        ["schemas/figures.schema.yaml", "schema-invalid", 3]]
    schema.write_text(text, encoding="utf-8")
    assert run(project).valid


def test_an_unchanged_table_is_not_validated_by_frictionless_again(project: Layout, monkeypatch):
    from frictionless import Resource

    validated: list[str] = []
    real = Resource.validate

    def counted(self, *args, **kwargs):
        validated.append(self.name)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Resource, "validate", counted)
    first = run(project)
    validated.clear()
    again = run(project)
    assert validated == [] and again.flatten(["path", "code"]) == first.flatten(["path", "code"])
    project.csv("areas").write_bytes(project.csv("areas").read_bytes() + "east,东区\n".encode())
    assert run(project).valid
    assert sorted(validated) == ["areas", "figures"]  # figures' foreign keys point to areas
