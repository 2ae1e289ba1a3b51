"""numbers.py: the one way numbers become text (CSV cells, chart downloads, figures)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline import numbers


@pytest.mark.parametrize(("value", "written"), [
    (49.3, "49.3"), (2020.0, "2020"), (1e-7, "0.0000001"), (1e20, "100000000000000000000"),
    (-0.0, "0"), (12, "12"), (-5, "-5"), (Decimal("1.50"), "1.5"), (Decimal("100"), "100"),
    (True, "true"), (False, "false"), ("类别", "类别"), (None, ""), (float("inf"), "inf"),
    (0.1 + 0.2, "0.30000000000000004"),  # exactly what the float holds
])
def test_plain_text(value: object, written: str) -> None:
    assert numbers.text(value) == written


@pytest.mark.parametrize(("value", "written"), [
    (0.1 + 0.2, "0.3"), (1.45, "1.45"), (110101.0, "110101"), (0.05, "0.05"),
])
def test_rounded_to_what_a_spreadsheet_shows(value: float, written: str) -> None:
    assert numbers.text(value, significant=15) == written
