"""Debian's Chromium, headless, driven by Playwright: the one place that knows how to start it.

Used by the browser tests and the benchmarks only: the build itself needs no
browser (chart images are drawn by ECharts in Node and resvg). Playwright's
own browser download cannot work everywhere the tests run, so the system
Chromium is used (`make browser` installs it); a missing browser is an error,
never a reason to skip.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

EXECUTABLE = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling home, which a
# closed network refuses; sandboxing needs privileges a container lacks.
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class MissingBrowser(RuntimeError):
    """Chromium is not installed; the message says how to install it."""


def executable() -> str:
    found = EXECUTABLE if Path(EXECUTABLE).exists() else shutil.which("chromium")
    if not found:
        raise MissingBrowser(
            "找不到 Chromium，请运行 make browser（安装 chromium 和 fonts-noto-cjk）/ "
            "Chromium is missing: run `make browser`"
        )
    return found


@contextmanager
def launch() -> Iterator[Any]:
    """A started headless Chromium (a Playwright Browser), closed on exit."""
    path = executable()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
