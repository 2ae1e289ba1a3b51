"""Tiny synthetic rows for figure, chart and page tests (never real figures)."""

from __future__ import annotations

from pipeline import model as figs


def indicator(indicator_id, year, value, **extra):
    row = {
        "indicator_id": indicator_id, "year": year, "area_id": "a", "name_zh": f"名称{indicator_id}",
        "name_en": indicator_id, "value": value, "value_max": None, "qualifier": None, "unit": "家",
        "unit_en": "units", "derived": False, "source_section": "一", "note": None,
    }
    row.update(extra)
    return row


def target(target_id, kind, value, indicator_id="x", baseline_year=2020, **extra):
    row = {
        "target_id": target_id, "plan_year": baseline_year, "task_id": None,
        "indicator_id": indicator_id, "baseline_year": baseline_year, "name_zh": target_id,
        "name_en": target_id, "target_kind": kind, "value": value, "value_max": None,
        "qualifier": None, "unit": "家", "unit_en": "units", "source_section": "二", "note": None,
    }
    row.update(extra)
    return row


def data(indicators, targets=()):
    return figs.from_records(
        list(indicators), [{"area_id": "a", "order": 1, "name_zh": "领域", "name_en": "Area"}],
        list(targets), [], [],
    )
