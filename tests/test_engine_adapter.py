"""The tests know the site engine through one adapter (tests/engine.py) only.

Material's file names, CSS classes and attributes appear in no other test file, so
moving to another engine means changing that module and nothing else here.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).parent
# Material's own names: its search index, CSS classes (md-...), attributes (data-md-...),
# and the ids of its hidden toggles (__palette_1, __search, __drawer).
ENGINE_SPECIFIC = re.compile(r"search_index\.json|[\"'.\[ ]md-[a-z]|data-md-|__palette|__search|__drawer")


def engine_specific_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if ENGINE_SPECIFIC.search(line)]


def test_only_the_adapter_names_the_engines_files_and_selectors():
    found = {path.name: engine_specific_lines(path.read_text(encoding="utf-8"))
             for path in sorted(TESTS.glob("*.py")) if path.name not in ("engine.py", Path(__file__).name)}
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_the_check_finds_what_it_looks_for():
    adapter = (TESTS / "engine.py").read_text(encoding="utf-8")
    assert len(engine_specific_lines(adapter)) >= 5
    assert engine_specific_lines('page.locator(".md-header")') and \
        engine_specific_lines("document.body.getAttribute('data-md-color-scheme')")
    assert not engine_specific_lines('Path("docs/2020/index.md")')
