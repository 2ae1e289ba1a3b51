"""Progress output: drawn on a terminal, silent in pipes and CI logs."""

from __future__ import annotations

import io

import pytest

from pipeline import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_not_a_terminal() -> None:
    out = io.StringIO()
    with progress.step("读取", stream=out):
        pass
    assert list(progress.track([1, 2, 3], "页面", stream=out)) == [1, 2, 3]
    assert out.getvalue() == ""


def test_drawn_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_PROGRESS", raising=False)
    out = Terminal()
    with progress.step("读取", stream=out):
        pass
    assert out.getvalue().startswith("读取… 完成 (")
    out = Terminal()
    assert list(progress.track(["a", "b"], "页面", stream=out)) == ["a", "b"]
    assert out.getvalue() == "\r页面 1/2\r页面 2/2\n"


def test_switched_off_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROGRESS", "1")
    out = Terminal()
    list(progress.track([1], "x", stream=out))
    assert out.getvalue() == ""


def test_a_failing_step_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_PROGRESS", raising=False)
    out = Terminal()
    with pytest.raises(ValueError), progress.step("校验", stream=out):
        raise ValueError("x")
    assert out.getvalue() == "校验… 失败\n"
