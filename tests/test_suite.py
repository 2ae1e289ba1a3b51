"""The test suite's own rules: files mirror modules; the engine is known through one adapter.

- The tests of pipeline/X.py are in tests/test_X.py (of pipeline/checks/X.py in
  tests/test_checks_X.py); every other test file holds a contract that spans modules
  and is listed in CONTRACTS with what it holds.
- Material's file names, CSS classes and attributes appear in no test file but the
  adapter (tests/engine.py), so moving to another engine means changing that module
  and nothing else here.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).parent
PIPELINE = TESTS.parent / "pipeline"
CONTRACTS = {
    "test_atomic.py": "a failed build never replaces a good site/ (each stage failing, the swap)",
    "test_site_browser.py": "the built site in Chromium: charts, palette, weight, search loading",
    "test_site_pages.py": "every page of the built site in Chromium: axe, keyboard, print, phone",
    "test_console.py": "the `kjj` console script from any folder, on the commands staff run",
    "test_corpus_build.py": "the bad-input corpus on the real datasets (kinds 1-24)",
    "test_corpus_project.py": "the bad-input corpus around the data (kinds 25-33)",
    "test_repository_data.py": "the repository's own datasets, schemas and package descriptor",
    "test_edition_pages.py": "two editions in one project: pages and charts follow their edition, "
                             "drafts previewed only, unfinished editions refused",
    "test_engines.py": "the generated pages built by each site engine (MkDocs, Zensical), no broken link",
    "test_fidelity.py": "the site read against the source document: 推算 marked, qualifiers, units, "
                        "what was left out",
    "test_imports.py": "the package's import graph: one direction, no cycle, docstrings, module map",
    "test_target_actuals.py": "targets judged by the actual of their year, against a baseline of "
                              "the same measure (model, pages, real plan)",
    "test_injection.py": "nothing from a CSV cell runs in a reader's browser",
    "test_links.py": "every link, anchor, sitemap entry and download of the built site",
    "test_reproducible.py": "two builds are byte-identical; dates come from git, not the clock",
    "test_staff_workbooks.py": "staff's round trip: workbook out, edits, import, validate",
    "test_suite.py": "these rules",
    "test_workflows.py": "CI, Dependabot, pre-commit and the lock",
}
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


def modules() -> set[str]:
    found = {p.stem for p in PIPELINE.glob("*.py") if not p.stem.startswith("_")}
    found |= {f"checks_{p.stem}" for p in (PIPELINE / "checks").glob("*.py") if not p.stem.startswith("_")}
    return found


def test_each_test_file_mirrors_a_module_or_is_a_listed_contract():
    files = {p.name for p in TESTS.glob("test_*.py")}
    strays = {name for name in files if name not in CONTRACTS and name[5:-3] not in modules()}
    assert strays == set(), "name it test_<module>.py, or list it in CONTRACTS with what it holds"
    assert set(CONTRACTS) <= files, "a listed contract file is gone"
    assert not set(CONTRACTS) & {f"test_{m}.py" for m in modules()}, "a module's file is not a contract"
