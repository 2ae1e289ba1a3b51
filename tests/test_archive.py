"""Each published edition's data as published (/data/editions/YEAR/): unchanged by later
revisions, with its checksums, listed in the catalog; a draft has none."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import subprocess
from pathlib import Path

import pytest

from pipeline import archive, catalog, datasets, downloads, editions, revision_log, revisions
from pipeline.paths import REPO, Layout
from tests.repocopy import repo_with_site

PUBLISHED = [e for e in editions.read(REPO) if e.is_published and e.published]
EDITION = max(PUBLISHED, key=lambda e: e.year)  # the newest published edition, from the data


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def _sums(data: bytes) -> dict[str, str]:
    return {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in data.decode().splitlines()}


def _a_figure(layout: Layout) -> dict[str, str]:
    """An indicator row of the edition's own year with a number (derived from the data)."""
    return next(r for r in _rows(layout.csv("indicators").read_bytes())
                if r["year"] == str(EDITION.year) and r["value"])


@pytest.fixture
def copy(tmp_path: Path) -> Layout:
    return repo_with_site(tmp_path / "repo", site=False)


def test_the_archive_keeps_the_published_value_after_a_later_revision(copy: Layout) -> None:
    """Record a revision of a figure the day after publication: the archive still holds the
    published value with the same checksum, the current download the new value."""
    folder = f"editions/{EDITION.year}/"
    before = downloads.all_files(copy)
    assert f"{folder}indicators.csv" in before

    row = _a_figure(copy)
    key = f"{row['indicator_id']}/{row['year']}"
    # this figure not revised yet (another may have been: the archive keeps that one's old value)
    published = {f"{r['indicator_id']}/{r['year']}": r for r in _rows(before[f"{folder}indicators.csv"])}
    assert published[key] == {f"{r['indicator_id']}/{r['year']}": r
                              for r in _rows(before["indicators.csv"])}[key]
    old, new = row["value"], str(float(row["value"]) + 1.5)
    path = copy.csv("indicators")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = f"{row['indicator_id']},{row['year']},"
    lines = [line.replace(f",{old},", f",{new},", 1) if line.startswith(start) else line
             for line in lines]
    path.write_text("".join(lines), encoding="utf-8")
    later = dt.date.fromisoformat(EDITION.published) + dt.timedelta(days=1)
    revisions.append(copy, [revision_log.Revision("indicators", key, "value", old, new)],
                     reason="测试：发布后的修订", date=later)

    after = downloads.all_files(copy)
    current = {f"{r['indicator_id']}/{r['year']}": r for r in _rows(after["indicators.csv"])}
    archived = {f"{r['indicator_id']}/{r['year']}": r
                for r in _rows(after[f"{folder}indicators.csv"])}
    assert current[key]["value"] == new
    assert archived[key]["value"] == old
    assert after[f"{folder}indicators.csv"] == before[f"{folder}indicators.csv"]
    digest = hashlib.sha256(after[f"{folder}indicators.csv"]).hexdigest()
    assert _sums(after[f"{folder}SHA256SUMS"])["indicators.csv"] == digest
    assert _sums(after["SHA256SUMS"])[f"{folder}indicators.csv"] == digest
    assert _sums(after["SHA256SUMS"])["indicators.csv"] != digest
    descriptor = json.loads(after[f"{folder}datapackage.json"])
    resource = next(r for r in descriptor["resources"] if r["name"] == "indicators")
    assert resource["hash"] == f"sha256:{digest}"
    assert descriptor["published"] == EDITION.published
    assert "revisions" not in {r["name"] for r in descriptor["resources"]}
    listed = json.loads(after["datapackage.json"])["editions"]
    assert [e["path"] for e in listed if e["edition"] == EDITION.year] == [
        f"{folder}datapackage.json"]


def test_a_revision_dated_on_the_publication_day_is_part_of_the_edition(copy: Layout) -> None:
    row = _a_figure(copy)
    key = f"{row['indicator_id']}/{row['year']}"
    info = next(i for i in datasets.read_all(copy) if i.name == "indicators")
    revised = dataclasses.replace(info, rows=[
        [str(float(c) + 2) if (r[0], r[1]) == (row["indicator_id"], row["year"])
         and info.header[n] == "value" else c for n, c in enumerate(r)] for r in info.rows])
    new = next(r for r in revised.rows if (r[0], r[1]) == (row["indicator_id"], row["year"]))
    value = new[info.header.index("value")]
    for day, expected in ((EDITION.published, value), ("9999-12-31", row["value"])):
        log = [revision_log.Revision("indicators", key, "value", row["value"], value, day)]
        tables = archive.rows_as_published([revised], EDITION, [EDITION], log)
        header, rows = tables["indicators"]
        found = next(r for r in rows if (r[0], r[1]) == (row["indicator_id"], row["year"]))
        assert found[header.index("value")] == expected, day


def test_rows_added_with_a_later_edition_stay_out_of_an_earlier_archive(copy: Layout) -> None:
    items = datasets.read_all(copy)
    info = next(i for i in items if i.name == "indicators")
    later = EDITION.year + 1
    template = dict(zip(info.header, info.rows[0], strict=True))
    added = [{**template, "indicator_id": "test-added", "year": str(year), "source_id": f"test-{later}"}
             for year in (EDITION.year - 1, later)]
    items = [dataclasses.replace(info, rows=[*info.rows, *[[r[h] for h in info.header] for r in added]])
             if i.name == "indicators" else i for i in items]
    next_edition = editions.Edition(later, "docs/x/index.md", "published", f"{later + 1}-03-15",
                                    sources=[f"test-{later}"])
    both = [EDITION, next_edition]
    ours = archive.rows_as_published(items, EDITION, both, [])
    theirs = archive.rows_as_published(items, next_edition, both, [])
    assert not [r for r in ours["indicators"][1] if r[0] == "test-added"]
    assert sorted(r[1] for r in theirs["indicators"][1] if r[0] == "test-added") == [
        str(EDITION.year - 1), str(later)]
    # reference tables keep the rows the archived rows name
    areas = {r[0] for r in ours["work-areas"][1]}
    assert areas == {r[info.header.index("area_id")] for r in ours["indicators"][1]}
    assert "revisions" not in ours


def test_a_draft_edition_has_no_archive(copy: Layout) -> None:
    index = copy.docs / str(EDITION.year) / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("status: published", "status: draft"),
                     encoding="utf-8")
    files = downloads.all_files(copy)
    assert not [p for p in files if p.startswith(f"editions/{EDITION.year}/")]
    listed = json.loads(files["datapackage.json"]).get("editions", [])
    assert EDITION.year not in [e["edition"] for e in listed]


def test_the_catalog_lists_each_archive_on_one_line_and_its_page_every_file(copy: Layout) -> None:
    files = downloads.all_files(copy)
    pages = catalog.pages(copy, files)
    folder = f"editions/{EDITION.year}/"
    sums = files[f"{folder}SHA256SUMS"].decode("ascii")
    for rel in ("data/index.md", "data/en/index.md"):
        text = pages[rel]
        up = "../" if rel == "data/en/index.md" else ""
        # the address the archive's own citation names (/data/#edition-YEAR) leads to its page
        [line] = [x for x in text.splitlines() if f'id="{archive.anchor(EDITION.year)}"' in x]
        for target in ("index.md", "datapackage.json", "SHA256SUMS"):
            assert f"({up}{folder}{target})" in line, (rel, target)
        assert f"{folder}indicators.csv" not in text and sums.split()[0] not in text, rel  # on its page
    page = pages[catalog.archive_page_path(EDITION.year)]
    assert f"/data/#{archive.anchor(EDITION.year)}" in json.loads(
        files[f"{folder}datapackage.json"])["citation"]
    for name in ("indicators.csv", "datapackage.json", "SHA256SUMS"):
        assert f"]({name})" in page, name  # the page sits in the folder of its files
        assert catalog.size_text(len(files[folder + name])) in page, name
    for line in sums.splitlines():
        assert line in page
    assert hashlib.sha256(files[f"{folder}indicators.csv"]).hexdigest() + "  indicators.csv" in page


@pytest.mark.site
def test_the_built_archive_passes_sha256sum_and_frictionless() -> None:
    from tests.sitebuild import built_site

    site = built_site().site
    for edition in PUBLISHED:
        folder = site / "data" / "editions" / str(edition.year)
        done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True,
                              text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        from frictionless import Package

        report = Package(str(folder / "datapackage.json")).validate()
        assert report.valid, report.flatten(["type", "note"])
