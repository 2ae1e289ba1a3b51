"""Every published format reads back as the canonical data; outputs are reproducible."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from frictionless import validate

from pipeline import citations, datasets, downloads, formats, git, load, siteconfig, workbook
from pipeline.paths import REPO, Layout

FIXTURE = Path(__file__).parent / "fixtures" / "downloads"
EPOCH = 1609459200  # 2021-01-01T00:00:00Z
SUFFIXES = (".csv", ".excel.csv", ".xlsx", ".json")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Layout:
    """A copy of the synthetic project outside any git repository, dated by SOURCE_DATE_EPOCH."""
    shutil.copytree(FIXTURE, tmp_path / "project")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    return Layout(tmp_path / "project")


@pytest.fixture
def published(project: Layout, tmp_path: Path) -> Path:
    out = tmp_path / "site" / "data"
    downloads.write(project, out)
    return out


def canonical_cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


def ooxml_text(value: object) -> object:
    """Undo the OOXML _xHHHH_ escape of control characters, which openpyxl leaves in place."""
    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def as_json(value: object) -> object:
    """A typed cell as the JSON and XLSX downloads write it: a date (or time) as ISO text."""
    return value.isoformat() if isinstance(value, (dt.date, dt.time)) else value


def layouts() -> list[Layout]:
    return [Layout(FIXTURE), REPO]


# ---------------------------------------------------------------------------- canonical CSV


def test_canonical_csv_is_the_committed_file_byte_for_byte(published: Path, project: Layout):
    for dataset in load.discover(project):
        assert (published / f"{dataset.name}.csv").read_bytes() == dataset.csv.read_bytes()


def test_repository_csvs_are_published_unchanged(tmp_path: Path):
    files = downloads.all_files(REPO)
    datasets = load.discover(REPO)
    assert datasets
    for dataset in datasets:
        assert files[f"{dataset.name}.csv"] == dataset.csv.read_bytes()


def test_non_canonical_source_is_normalised_without_changing_cells(project: Layout, tmp_path):
    source = project.csv("things")
    original = canonical_cells(source)
    text = source.read_bytes().decode("utf-8")
    # Excel-style: BOM, CRLF line ends (a CR inside a quoted cell stays a CR).
    crlf = text.replace("\n", "\r\n")
    crlf = crlf.replace('"引号""和,逗号\r\n以及换行"', '"引号""和,逗号\n以及换行"')
    source.write_bytes(b"\xef\xbb\xbf" + crlf.encode("utf-8"))
    out = downloads.all_files(project)["things.csv"]
    assert not out.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in out
    assert list(csv.reader(io.StringIO(out.decode("utf-8"), newline=""))) == original


# ---------------------------------------------------------------------------- CSV for Excel


def test_excel_csv_has_bom_crlf_and_neutralised_formulas(published: Path, project: Layout):
    raw = (published / "things.excel.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") >= 13  # header + 12 rows
    cells = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    original = canonical_cells(project.csv("things"))
    header = original[0]
    label, value = header.index("label"), header.index("value")
    prefixed = [row[label] for row in cells[1:] if row[label].startswith("'")]
    assert prefixed == [
        "'" + c for c in ('=HYPERLINK("http://example.com","点我")', "+cmd|' /C calc'!A0",
                          "-1+2", "@SUM(A1:A2)", "\tleading tab", "\rleading cr", "＝全角等号")
    ]
    # numbers stay numbers: -5 is not touched
    assert [row[value] for row in cells[1:]] == [row[value] for row in original[1:]]


@pytest.mark.parametrize("layout", layouts(), ids=["fixture", "repo"])
def test_excel_csv_reads_back_as_canonical_data_in_pandas(layout: Layout, tmp_path: Path):
    files = downloads.all_files(layout)
    for dataset in load.discover(layout):
        canonical = pd.read_csv(io.BytesIO(files[f"{dataset.name}.csv"]), dtype=str,
                                keep_default_na=False, encoding="utf-8")
        excel = pd.read_csv(io.BytesIO(files[f"{dataset.name}.excel.csv"]), dtype=str,
                            keep_default_na=False, encoding="utf-8-sig")
        assert list(excel.columns) == list(canonical.columns)
        unquoted = excel.map(lambda s: s[1:] if s.startswith("'") and workbook.formula_like(s[1:])
                             else s)
        pd.testing.assert_frame_equal(unquoted, canonical)


# ---------------------------------------------------------------------------- XLSX


@pytest.mark.parametrize("layout", layouts(), ids=["fixture", "repo"])
def test_xlsx_reads_back_as_canonical_data(layout: Layout):
    files = downloads.all_files(layout)
    for info in datasets.read_all(layout):
        book = openpyxl.load_workbook(io.BytesIO(files[f"{info.name}.xlsx"]))
        sheet = book["数据"]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == [
            datasets.header_label(info, f) for f in info.fields
        ]
        assert len(rows) - 1 == len(info.records)
        for got, want in zip(rows[1:], info.records, strict=True):
            assert [ooxml_text(v) for v in got] == [as_json(want[f["name"]]) for f in info.fields]
        # pandas through openpyxl agrees too
        frame = pd.read_excel(io.BytesIO(files[f"{info.name}.xlsx"]), sheet_name="数据",
                              dtype=object, keep_default_na=False, na_values=[])
        assert len(frame) == len(info.records)


def test_xlsx_headers_carry_chinese_titles_and_units(project: Layout):
    (info,) = [i for i in datasets.read_all(project) if i.name == "things"]
    book = openpyxl.load_workbook(io.BytesIO(formats.xlsx(info)))
    header = [c.value for c in book["数据"][1]]
    assert header == ["代码", "年份", "类别", "名称", "数值（见“单位”列）", "单位", "标记"]


def test_xlsx_single_unit_column_names_the_unit(project: Layout):
    csv_path = project.csv("things")
    text = csv_path.read_text(encoding="utf-8")
    for unit in ("家", "%", "万元"):
        text = text.replace(f",{unit},", ",亿元,")
    csv_path.write_text(text, encoding="utf-8")
    (info,) = [i for i in datasets.read_all(project) if i.name == "things"]
    fld = next(f for f in info.fields if f["name"] == "value")
    assert datasets.header_label(info, fld) == "数值（亿元）"


@pytest.mark.parametrize("layout", layouts(), ids=["fixture", "repo"])
def test_no_xlsx_cell_is_a_formula(layout: Layout):
    files = downloads.all_files(layout)
    for name, content in files.items():
        if not name.endswith(".xlsx"):
            continue
        book = openpyxl.load_workbook(io.BytesIO(content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (name, sheet.title, cell.coordinate)
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            for entry in zf.namelist():
                if entry.startswith("xl/worksheets/"):
                    assert b"<f>" not in zf.read(entry), (name, entry)


def test_formula_like_xlsx_cells_keep_text_and_get_quote_prefix(project: Layout):
    (info,) = [i for i in datasets.read_all(project) if i.name == "things"]
    sheet = openpyxl.load_workbook(io.BytesIO(formats.xlsx(info)))["数据"]
    labels = {ooxml_text(c.value): c for c in sheet["D"][1:] if c.value is not None}
    assert labels['=HYPERLINK("http://example.com","点我")'].quotePrefix
    assert labels["-1+2"].quotePrefix
    assert labels["-1+2"].data_type == "s"
    assert not labels["普通名称"].quotePrefix
    value = {c.value for c in sheet["E"][1:]}
    assert -5 in value


def test_xlsx_about_sheet_has_title_source_license_citation_notes(project: Layout):
    (info,) = [i for i in datasets.read_all(project) if i.name == "things"]
    book = openpyxl.load_workbook(io.BytesIO(formats.xlsx(info)))
    assert book.sheetnames == ["数据", "说明", "字段", "选项"]
    about = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True)}
    assert about["标题"] == info.title
    assert about["Title"] == info.title_en
    assert about["来源"] == "测试来源报告"
    assert "creativecommons.org/licenses/by/4.0" in about["许可"]
    assert about["引用（GB/T 7714-2015）"].startswith("测试机构. 测试事项")
    assert "[DS/OL]. (2021-01-01)[引用日期]." in about["引用（GB/T 7714-2015）"]
    assert about["Citation (APA)"].startswith("Test Agency. (2021). Test things")
    assert about["注1"] == "第一条说明 | 带竖线"
    assert about["Note 1"] == "First note | with a pipe"
    fields = list(book["字段"].iter_rows(values_only=True))
    assert [r[0] for r in fields[1:]] == [f["name"] for f in info.fields]
    assert all(r[6] for r in fields[1:])  # English description of every field


def test_xlsx_created_time_is_the_data_date(project: Layout):
    (info,) = [i for i in datasets.read_all(project) if i.name == "things"]
    book = openpyxl.load_workbook(io.BytesIO(formats.xlsx(info)))
    assert book.properties.created == datetime(2021, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------------------- JSON


@pytest.mark.parametrize("layout", layouts(), ids=["fixture", "repo"])
def test_json_reads_back_as_canonical_data(layout: Layout):
    files = downloads.all_files(layout)
    for dataset in load.discover(layout):
        document = json.loads(files[f"{dataset.name}.json"])
        assert document["data"] == [{k: as_json(v) for k, v in r.items()}
                                    for r in load.read_records(dataset)]
        frame = pd.DataFrame(document["data"])
        canonical = pd.read_csv(dataset.csv, dtype=str, keep_default_na=False)
        assert list(frame.columns) == list(canonical.columns)
        meta = document["metadata"]
        assert meta["title"] and meta["title_en"] and meta["license"]["path"]
        assert [f["name"] for f in meta["fields"]] == list(canonical.columns)
        assert all(f.get("description_en") for f in meta["fields"])


def test_a_date_column_downloads_as_iso_text(repo_copy: Layout):
    """A source document's date (a Table Schema date) in the JSON and XLSX downloads."""
    path = repo_copy.csv("sources")
    path.write_text(path.read_text(encoding="utf-8")
                    + "test-dated,测试文件,Test document,测试机构,2022-02-10,,\n", encoding="utf-8")
    files = downloads.all_files(repo_copy)
    [row] = [r for r in json.loads(files["sources.json"])["data"] if r["source_id"] == "test-dated"]
    assert row["date"] == "2022-02-10"
    sheet = openpyxl.load_workbook(io.BytesIO(files["sources.xlsx"]))["数据"]
    [cells] = [r for r in sheet.iter_rows(values_only=True) if r[0] == "test-dated"]
    assert "2022-02-10" in [as_json(c) for c in cells] or dt.datetime(2022, 2, 10) in cells


# ---------------------------------------------------------------------------- package


def test_published_datapackage_validates_and_points_at_published_files(published: Path):
    descriptor = json.loads((published / "datapackage.json").read_text(encoding="utf-8"))
    paths = [r["path"] for r in descriptor["resources"]]
    assert paths == ["kinds.csv", "things.csv"]
    assert all((published / p).exists() for p in paths)
    # each resource names its Table Schema as a JSON file beside it
    for resource in descriptor["resources"]:
        assert resource["schema"] == f"schemas/{resource['name']}.schema.json"
        assert isinstance(json.loads((published / resource["schema"]).read_text("utf-8")), dict)
    report = validate(str(published / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_published_datapackage_detects_a_changed_file(published: Path):
    path = published / "kinds.csv"
    path.write_bytes(path.read_bytes().replace("乙类".encode(), "丙类".encode()))
    report = validate(str(published / "datapackage.json"))
    assert not report.valid
    assert "hash-count" in [e.type for task in report.tasks for e in task.errors]


@pytest.mark.slow
def test_repository_datapackage_validates_with_the_plain_command(tmp_path: Path):
    out = tmp_path / "data"
    downloads.write(REPO, out)
    cli = Path(REPO.root / ".venv" / "bin" / "frictionless")
    command = [str(cli)] if cli.exists() else ["frictionless"]
    result = subprocess.run([*command, "validate", "datapackage.json"], cwd=out,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-2000:]


def test_checksums_cover_every_download_and_match(published: Path):
    listed = {}
    for line in (published / "SHA256SUMS").read_text(encoding="ascii").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    on_disk = {p.relative_to(published).as_posix() for p in published.rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((published / name).read_bytes()).hexdigest() == digest


def test_zip_holds_every_file_sorted_with_fixed_times(published: Path):
    with zipfile.ZipFile(published / "test-package.zip") as zf:
        names = zf.namelist()
        assert names == sorted(names)
        on_disk = sorted(
            p.relative_to(published).as_posix() for p in published.rglob("*")
            if p.is_file() and p.name not in ("test-package.zip", "SHA256SUMS")
        )
        # every published data file, plus the README (and the licence when the project has one)
        assert names == [f"test-package/{n}" for n in sorted([*on_disk, "README.txt"])]
        assert {i.date_time for i in zf.infolist()} == {(2021, 1, 1, 8, 0, 0)}
        for name in on_disk:
            assert zf.read(f"test-package/{name}") == (published / name).read_bytes()


def test_every_dataset_has_every_format(published: Path, project: Layout):
    for dataset in load.discover(project):
        for suffix in SUFFIXES:
            assert (published / f"{dataset.name}{suffix}").stat().st_size > 0


# ---------------------------------------------------------------------------- reproducibility


def test_two_builds_are_byte_identical(project: Layout, tmp_path: Path):
    first, second = tmp_path / "one", tmp_path / "two"
    downloads.write(project, first)
    downloads.write(project, second)
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second).as_posix() for p in second.rglob("*")
                           if p.is_file())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_repository_builds_are_byte_identical():
    assert downloads.all_files(REPO) == downloads.all_files(REPO)


def test_changing_one_dataset_leaves_the_others_identical(project: Layout, tmp_path: Path):
    before = downloads.all_files(project)
    path = project.csv("things")
    path.write_text(path.read_text(encoding="utf-8").replace("普通名称", "新名称"),
                    encoding="utf-8")
    after = downloads.all_files(project)
    assert {k for k in before if before[k] != after[k]} == {
        "things.csv", "things.excel.csv", "things.xlsx", "things.json",
        "datapackage.json", "dcat.jsonld", "test-package.zip", "SHA256SUMS",
    }


def test_last_updated_comes_from_git_then_source_date_epoch_never_the_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    layout = Layout(root)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert git.last_updated(layout, [layout.csv("things")]) is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert git.last_updated(layout, [layout.csv("things")]) == datetime.fromtimestamp(
        1600000000, UTC)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_AUTHOR_DATE": "2022-03-04T05:06:07Z", "GIT_COMMITTER_DATE": "2022-03-04T05:06:07Z",
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "data"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=env)
    assert git.last_updated(layout, [layout.csv("things")]) == datetime(
        2022, 3, 4, 5, 6, 7, tzinfo=UTC)
    (info,) = [i for i in datasets.read_all(layout) if i.name == "things"]
    assert info.updated_date() == "2022-03-04"


# ---------------------------------------------------------------------------- metadata helpers


def test_citations_follow_gbt_7714_and_apa(project: Layout):
    (info,) = [i for i in datasets.read_all(project) if i.name == "kinds"]
    assert citations.gbt(info) == (
        "测试机构. 类别[DS/OL]. (2021-01-01)[引用日期]. /data/kinds/."
    )
    assert citations.apa(info) == "Test Agency. (2021). Kinds [Data set]. /data/kinds/"


def test_citations_use_the_site_url_when_configured(project: Layout):
    (project.root / "mkdocs.yml").write_text(
        "site_name: x\nsite_url: https://data.example.org/\n", encoding="utf-8")
    (info,) = [i for i in datasets.read_all(project) if i.name == "kinds"]
    assert citations.apa(info).endswith(" https://data.example.org/data/kinds/")


def test_years_and_constraints(project: Layout):
    (info,) = [i for i in datasets.read_all(project) if i.name == "things"]
    assert datasets.years(info) == (2019, 2020)
    year = next(f for f in info.fields if f["name"] == "year")
    assert formats.constraints(info.schema, year) == ["主键（组合）", "必填", "≥ 2000", "≤ 2100"]
    kind = next(f for f in info.fields if f["name"] == "kind_id")
    assert formats.constraints(info.schema, kind, "en") == ["references kinds"]


def test_clean_removes_folding_spaces_between_chinese_only():
    assert datasets.clean("文字、\n 引号和 换行 and English words") == "文字、引号和换行 and English words"


@pytest.mark.parametrize(("line", "env", "expected"), [
    ("site_url: https://a.example.org/", None, "https://a.example.org/"),
    ("site_url: 'https://a.example.org/'", None, "https://a.example.org/"),
    ('site_url: !ENV [SITE_URL, "http://127.0.0.1:8000/"]', None, ""),
    ('site_url: !ENV [SITE_URL, "http://127.0.0.1:8000/"]', "https://b.example.org/x/",
     "https://b.example.org/x/"),
    ("site_url: !ENV [SITE_URL, 'https://c.example.org/']", None, "https://c.example.org/"),
    ("site_url: !ENV SITE_URL", "https://d.example.org/", "https://d.example.org/"),
    ("site_name: no url", None, ""),
])
def test_site_url_from_mkdocs_yml(project: Layout, monkeypatch: pytest.MonkeyPatch,
                                  line: str, env: str | None, expected: str):
    monkeypatch.delenv("SITE_URL", raising=False)
    if env:
        monkeypatch.setenv("SITE_URL", env)
    (project.root / "mkdocs.yml").write_text(f"site_name: x\n{line}\n", encoding="utf-8")
    assert siteconfig.site_url(project) == expected


def test_a_shallow_clone_gives_no_git_dates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    origin = tmp_path / "origin"
    shutil.copytree(FIXTURE, origin)
    for i, date in enumerate(("2022-01-01T00:00:00Z", "2023-01-01T00:00:00Z")):
        (origin / "README").write_text(str(i), encoding="utf-8")
        run_env = {**env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        if i == 0:
            subprocess.run(["git", "-C", str(origin), "init", "-q"], check=True, env=run_env)
        subprocess.run(["git", "-C", str(origin), "add", "."], check=True, env=run_env)
        subprocess.run(["git", "-C", str(origin), "commit", "-q", "-m", str(i)], check=True,
                       env=run_env)
    full = Layout(origin)
    assert git.last_updated(full, [full.csv("things")]) == datetime(2022, 1, 1,
                                                                           tzinfo=UTC)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)],
                   check=True, env=env)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    shallow = Layout(clone)
    assert git.last_updated(shallow, [shallow.csv("things")]) is None


def test_chart_images_are_checksummed_but_kept_out_of_the_zip(project: Layout):
    files = downloads.all_files(project, extra={"charts/c.png": b"png", "charts/c.svg": b"svg"})
    sums = files[formats.SUMS].decode("ascii")
    assert f"{hashlib.sha256(b'png').hexdigest()}  charts/c.png\n" in sums
    assert "  charts/c.svg\n" in sums
    with zipfile.ZipFile(io.BytesIO(files["test-package.zip"])) as zf:
        assert not [n for n in zf.namelist() if n.endswith((".png", ".svg"))]


def test_publish_returns_a_record_of_what_it_wrote(project: Layout, tmp_path: Path):
    """The record the page stages take: every file with its size, checksum and URL, as
    written; each dataset's files in the order readers see them."""
    items = datasets.read_all(project)
    out = tmp_path / "out"
    record = downloads.publish(project, out, items, {}, {}, "https://data.example.org/")
    assert record.files and set(record.content) == set(record.files)
    for rel, entry in record.files.items():
        written = (out / "data" / rel).read_bytes()
        assert (entry.size, entry.sha256) == (len(written), hashlib.sha256(written).hexdigest())
        assert entry.url == f"https://data.example.org/data/{rel}"
        assert f"data/{rel}" in record.written
    first = items[0].name
    assert record.datasets[first] == [f"{first}{suffix}" for suffix in formats.FORMATS]
