"""The live preview shows the problems of an invalid save in the browser page, then clears them.

A real `serve` in a copy of the repository, a real Chromium: break a CSV as staff would,
the page reloads with an overlay listing the messages; fix it, the overlay goes away.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import browser
from pipeline.paths import REPO
from tests.repocopy import repo_with_site

SCREENSHOTS = REPO.build / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 300) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve stopped with exit status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"the preview did not answer at {url}")


@pytest.mark.slow
@pytest.mark.browser
def test_an_invalid_save_shows_an_overlay_until_it_is_fixed(tmp_path: Path) -> None:
    copy = repo_with_site(tmp_path / "repo", site=False)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "KJJ_ROOT": str(copy.root)}
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--addr",
                                f"127.0.0.1:{port}"], cwd=copy.root, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    csv = copy.csv("indicators")
    good = csv.read_text(encoding="utf-8")
    try:
        _wait_for(url, process)
        with browser.launch() as chromium:
            page = chromium.new_page(viewport={"width": 1280, "height": 800})
            page.goto(url)
            assert page.locator("#preview-problems").count() == 0
            csv.write_text(good.replace(",49.3,", ",49.3万,", 1), encoding="utf-8")
            overlay = page.locator("#preview-problems")
            overlay.wait_for(state="visible", timeout=120_000)
            text = overlay.inner_text()
            assert "数据校验未通过" in text
            assert "datasets/indicators.csv 第 2 行 value 列" in text and "49.3万" in text
            assert "改正后保存" in text
            assert overlay.get_attribute("role") == "alert"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "serve-overlay-1280.png"))
            page.set_viewport_size({"width": 360, "height": 740})
            page.screenshot(path=str(SCREENSHOTS / "serve-overlay-360.png"))
            csv.write_text(good, encoding="utf-8")
            overlay.wait_for(state="detached", timeout=120_000)
            # the preview reloads the page: its heading is back once the reload is done
            page.locator("h1").first.wait_for(state="visible", timeout=60_000)
            assert page.locator("h1").count() >= 1
    finally:
        csv.write_text(good, encoding="utf-8")
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
