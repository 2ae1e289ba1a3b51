"""Progress output for long steps: shown on a terminal, silent everywhere else.

Only this module decides whether to draw progress, so CI logs and pipes stay
clean (no carriage returns, no spinners) while a person at a terminal sees
what is happening. Messages go to stderr; stdout stays for results.
Set NO_PROGRESS=1 to silence it on a terminal too.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

T = TypeVar("T")


def enabled(stream: TextIO | None = None) -> bool:
    """True when progress should be drawn: a terminal, and not switched off."""
    stream = sys.stderr if stream is None else stream
    if os.environ.get("NO_PROGRESS"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def step(label: str, stream: TextIO | None = None) -> Iterator[None]:
    """Announce a step, then say how long it took ("校验数据… 完成 (0.4 s)")."""
    out = sys.stderr if stream is None else stream
    show = enabled(out)
    started = time.monotonic()
    if show:
        out.write(f"{label}…")
        out.flush()
    try:
        yield
    except BaseException:
        if show:
            out.write(" 失败\n")
            out.flush()
        raise
    if show:
        out.write(f" 完成 ({time.monotonic() - started:.1f} s)\n")
        out.flush()


def track(items: Iterable[T], label: str, total: int | None = None,
          stream: TextIO | None = None) -> Iterator[T]:
    """Yield items while drawing "label 3/10" on one terminal line."""
    out = sys.stderr if stream is None else stream
    if not enabled(out):
        yield from items
        return
    if total is None:
        try:
            total = len(items)  # type: ignore[arg-type]
        except TypeError:
            total = None
    count = 0
    for item in items:
        count += 1
        shown = f"{count}/{total}" if total else str(count)
        out.write(f"\r{label} {shown}")
        out.flush()
        yield item
    out.write("\n")
    out.flush()
