"""The live preview in a browser: a save shows, its problems show and go, a new page shows.

A real `serve` in a copy of the repository, a real Chromium with a report page open, as
staff keep it: a changed value appears in the page (the chart's downloadable image follows
once the saves stop); a CSV broken as staff would break it brings an overlay listing the
messages, and fixing it takes the overlay away; a page added to the navigation is served
and listed in the open page's navigation.
"""

from __future__ import annotations

import os
import re
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


PAGE = "2020/innovation-entities/"  # shows the indicator below, and its chart
ROW = ("deyuan-fund-investment,2020,innovation-entities,德源基金项目投资金额,"
       "Project investment of the Deyuan Fund,1.02,")
IMAGE = "data/charts/technology-finance.svg"  # the downloadable image of the chart showing it


def _fetch(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as response:
        return str(response.read().decode("utf-8"))


def _drawing_names(html: str) -> list[set[str]]:
    """The hover classes and animations ("zr3-cls-12") of each chart drawing in a page."""
    return [set(re.findall(r"\bzr\d+-(?:cls|ani)-\d+", svg))
            for svg in re.findall(r'<svg\b[^>]*class="chart__svg.*?</svg>', html, re.S)]


@pytest.mark.slow
@pytest.mark.browser
def test_a_save_shows_in_the_open_page_and_problems_show_until_fixed(tmp_path: Path) -> None:
    copy = repo_with_site(tmp_path / "repo", site=False)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "KJJ_ROOT": str(copy.root)}
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--addr",
                                f"127.0.0.1:{port}"], cwd=copy.root, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    csv = copy.csv("indicators")
    good = csv.read_text(encoding="utf-8")
    assert good.count(ROW) == 1
    config = copy.mkdocs_config.read_text(encoding="utf-8")
    try:
        _wait_for(url, process)
        assert ">1.02<" in _fetch(url + IMAGE)
        with browser.launch() as chromium:
            page = chromium.new_page(viewport={"width": 1280, "height": 800})
            page.goto(url + PAGE)
            assert page.locator("#preview-problems").count() == 0

            # A save shows in the open page; the chart's image is redrawn once saves stop.
            changed = good.replace(ROW, ROW.replace(",1.02,", ",1.37,"))
            csv.write_text(changed, encoding="utf-8")
            page.get_by_text("1.37").first.wait_for(state="attached", timeout=120_000)
            served = _fetch(url + PAGE)
            assert "1.37" in served and "1.02" not in served
            drawings = _drawing_names(served)
            assert len(drawings) >= 4 and all(drawings)  # each chart twice: narrow and wide
            for i, one in enumerate(drawings):  # the redrawn chart shares no name with the rest
                assert not any(one & other for other in drawings[i + 1:])
            deadline = time.monotonic() + 120
            while ">1.37<" not in _fetch(url + IMAGE):
                assert time.monotonic() < deadline, "the chart image was not redrawn"
                time.sleep(0.5)

            # A broken save: the overlay, with the messages, over the last good page.
            csv.write_text(changed.replace(",49.3,", ",49.3万,", 1), encoding="utf-8")
            overlay = page.locator("#preview-problems")
            overlay.wait_for(state="visible", timeout=120_000)
            text = overlay.inner_text()
            assert "数据校验未通过" in text
            assert "datasets/indicators.csv 第 2 行 value 列" in text and "49.3万" in text
            assert "改正后保存" in text
            assert overlay.get_attribute("role") == "alert"
            assert "1.37" in page.locator("article").inner_text()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "serve-overlay-1280.png"))
            page.set_viewport_size({"width": 360, "height": 740})
            page.screenshot(path=str(SCREENSHOTS / "serve-overlay-360.png"))
            page.set_viewport_size({"width": 1280, "height": 800})
            csv.write_text(good, encoding="utf-8")
            overlay.wait_for(state="detached", timeout=120_000)
            page.get_by_text("1.02").first.wait_for(state="attached", timeout=60_000)
            # the preview reloads the page: its heading is back once the reload is done
            page.locator("h1").first.wait_for(state="visible", timeout=60_000)
            assert page.locator("h1").count() >= 1

            # A new page, added to the edition's navigation: in the open page's navigation.
            (copy.docs / "2020" / "preview-check.md").write_text(
                "# 预览新页面\n\n新写的一页。\n", encoding="utf-8")
            assert config.count("      - 2020/about.md\n") == 1
            copy.mkdocs_config.write_text(config.replace(
                "      - 2020/about.md\n", "      - 2020/about.md\n      - 2020/preview-check.md\n"),
                encoding="utf-8")
            page.locator('a[href$="preview-check/"]').first.wait_for(state="attached",
                                                                     timeout=120_000)
            assert "新写的一页" in _fetch(url + "2020/preview-check/")
    finally:
        csv.write_text(good, encoding="utf-8")
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
