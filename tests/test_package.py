"""The data package as portals read it: the Data Package v2 spec, CITATION.cff and the licences.

The official profiles (tests/fixtures/specs/) are lax about what the spec only
recommends, so the properties a portal needs are checked here one by one too.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from pipeline import citations, datasets, downloads, formats, load, markup, package
from pipeline.paths import REPO, Layout

SPECS = REPO.root / "tests" / "fixtures" / "specs"
SITE = "https://example.org/kjj/"


def _spec(name: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads((SPECS / name).read_text(encoding="utf-8")))


def spec_problems(descriptor: dict[str, Any], base: Path | None = None) -> list[str]:
    """What keeps a descriptor from being a spec-clean Data Package v2 that portals take."""
    problems = [f"profile: {'/'.join(map(str, e.path))}: {e.message}"
                for e in _spec("datapackage-2.0.json").iter_errors(descriptor)]
    if descriptor.get("$schema") != "https://datapackage.org/profiles/2.0/datapackage.json":
        problems.append("no v2 profile in $schema")
    for key in ("name", "title", "version", "keywords", "contributors", "sources", "licenses"):
        if not descriptor.get(key):
            problems.append(f"missing {key}")
    if not re.fullmatch(r"[a-z0-9._-]+", str(descriptor.get("name", ""))):
        problems.append("name is not lower-case letters, digits, . _ -")
    if not re.fullmatch(r"\d+\.\d+\.\d+", str(descriptor.get("version", ""))):
        problems.append("version is not semantic")
    if not any("publisher" in c.get("roles", []) and c.get("title")
               for c in descriptor.get("contributors", [])):
        problems.append("no publisher among the contributors")
    if not all(s.get("title") for s in descriptor.get("sources", [])):
        problems.append("a source without a title")
    if not all(lic.get("name") or lic.get("path") for lic in descriptor.get("licenses", [])):
        problems.append("a licence without name or path")
    dialect_keys = set(json.loads((SPECS / "tabledialect-2.0.json").read_text())["properties"])
    schema_profile = _spec("tableschema-2.0.json")
    for resource in descriptor["resources"]:
        name = resource.get("name")
        if resource.get("type") != "table":
            problems.append(f"{name}: not a table resource")
        if set(resource.get("dialect", {})) - dialect_keys:
            problems.append(f"{name}: dialect not in the spec's flat form: {resource['dialect']}")
        schema = resource.get("schema")
        if isinstance(schema, str):
            if not schema.endswith(".json"):
                problems.append(f"{name}: schema {schema} is not JSON")
                continue
            if base is None or not (base / schema).is_file():
                problems.append(f"{name}: schema {schema} not found")
                continue
            schema = json.loads((base / schema).read_text(encoding="utf-8"))
        if not isinstance(schema, dict):
            problems.append(f"{name}: no schema")
            continue
        problems += [f"{name}: schema: {e.message}" for e in schema_profile.iter_errors(schema)]
    return problems


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's /data/ as a site at SITE publishes it."""
    out = tmp_path_factory.mktemp("data")
    mp = pytest.MonkeyPatch()
    mp.setenv("SITE_URL", SITE)
    try:
        downloads.write(REPO, out)
    finally:
        mp.undo()
    return out


# ---------------------------------------------------------------------------- Data Package


def test_repository_descriptor_is_spec_clean_with_inline_json_schemas():
    descriptor = json.loads(REPO.descriptor.read_text(encoding="utf-8"))
    assert spec_problems(descriptor) == []
    for resource in descriptor["resources"]:
        assert isinstance(resource["schema"], dict), "no YAML schema paths: only frictionless reads them"
        assert resource["dialect"] == {"delimiter": ",", "quoteChar": '"', "header": True}


def test_published_descriptor_is_spec_clean_and_complete(published: Path):
    descriptor = json.loads((published / "datapackage.json").read_text(encoding="utf-8"))
    assert spec_problems(descriptor, published) == []
    pkg = load.package_meta(REPO)
    assert descriptor["homepage"] == SITE
    created = datetime.fromisoformat(descriptor["created"].replace("Z", "+00:00"))
    assert created.tzinfo is not None
    assert descriptor["version"] == str(pkg["version"])
    assert descriptor["contributors"][0]["title"] == pkg["publisher"]
    assert set(pkg["keywords"]) <= set(descriptor["keywords"])
    source = descriptor["sources"][0]
    assert source["title"] == pkg["sources"][0]["title"]
    assert source["path"] == f"{SITE}data/kjj-annual-report-2020.pdf"
    for resource in descriptor["resources"]:
        assert resource["schema"] == f"schemas/{resource['name']}.schema.json"


@pytest.mark.slow
def test_published_descriptor_passes_plain_frictionless(published: Path):
    done = subprocess.run([sys.executable, "-m", "frictionless", "validate", "--json",
                           "datapackage.json"], cwd=published, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-2000:]
    assert json.loads(done.stdout)["valid"] is True


def test_spec_check_catches_what_portals_refuse():
    """The old descriptor (frictionless-py's nested dialect, YAML schema paths, no profile,
    version or contributors) fails; so does each fault on its own."""
    good = json.loads(REPO.descriptor.read_text(encoding="utf-8"))
    old = json.loads(json.dumps(good))
    del old["$schema"], old["version"], old["contributors"], old["keywords"]
    for resource in old["resources"]:
        resource["dialect"] = {"csv": {"delimiter": ",", "quoteChar": '"'}}
        resource["schema"] = f"schemas/{resource['name']}.schema.yaml"
    found = "\n".join(spec_problems(old, REPO.root))
    for words in ("no v2 profile", "missing version", "missing contributors", "flat form",
                  "is not JSON"):
        assert words in found, words
    broken = json.loads(json.dumps(good))
    broken["contributors"] = [{"title": "x", "roles": "publisher"}]
    assert any(p.startswith("profile:") for p in spec_problems(broken))


def test_descriptor_and_citation_are_current():
    assert REPO.descriptor.read_text(encoding="utf-8") == package.datapackage_json(REPO)
    assert REPO.citation.read_text(encoding="utf-8") == package.citation_cff(REPO)
    done = subprocess.run([sys.executable, "-m", "pipeline", "package", "--check"], cwd=REPO.root,
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr


def test_package_check_names_a_stale_citation(repo_copy: Layout, monkeypatch: pytest.MonkeyPatch):
    from pipeline import package_cmd

    repo_copy.citation.write_text(package.citation_cff(repo_copy).replace("1.0.0", "0.9.0"),
                                  encoding="utf-8")
    monkeypatch.setattr(package_cmd, "REPO", repo_copy)
    assert package_cmd.main(type("Args", (), {"check": True})()) == 1


# ---------------------------------------------------------------------------- citation


def test_citation_cff_follows_the_format_and_names_the_package():
    cff = yaml.safe_load(REPO.citation.read_text(encoding="utf-8"))
    errors = [e.message for e in _spec("citation-cff-1.2.0.json").iter_errors(cff)]
    assert errors == []
    pkg = load.package_meta(REPO)
    assert cff["type"] == "dataset"
    assert cff["title"] == pkg["title"]
    assert cff["authors"][0]["name"] == pkg["publisher"]
    assert cff["version"] == str(pkg["version"])
    assert cff["license"] == ["CC-BY-4.0", "MIT"]


def test_cff_schema_would_catch_a_broken_file():
    cff = yaml.safe_load(REPO.citation.read_text(encoding="utf-8"))
    del cff["authors"]
    cff["license"] = "Free for all"
    assert len(list(_spec("citation-cff-1.2.0.json").iter_errors(cff))) >= 2


def cff_as_gbt(cff: dict[str, Any], updated: Any, url: str) -> str:
    """The GB/T 7714 reference a reader builds from CITATION.cff alone."""
    return citations.package_gbt(
        {"publisher": cff["authors"][0]["name"], "title": cff["title"], "version": cff["version"]},
        updated, url)


def test_the_catalog_cites_the_package_as_citation_cff_does(published: Path):
    from pipeline import catalog

    cff = yaml.safe_load(REPO.citation.read_text(encoding="utf-8"))
    items = datasets.read_all(REPO)
    updated = max(i.updated for i in items if i.updated) if any(i.updated for i in items) else None
    pages = catalog.pages(REPO, items=items)
    expected = markup.md(cff_as_gbt(cff, updated, ""))
    assert expected in pages["data/index.md"]
    readme = _zip(published)["README.txt"].decode("utf-8")
    assert cff_as_gbt(cff, updated, SITE) in readme


# ---------------------------------------------------------------------------- licences


def _zip(published: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(published / "kjj-annual-report.zip") as zf:
        return {n.split("/", 1)[1]: zf.read(n) for n in zf.namelist()}


def test_zip_carries_the_data_licence_and_a_readme(published: Path):
    inside = _zip(published)
    assert inside["LICENSE.txt"] == (REPO.root / "LICENSE-data").read_bytes()
    assert b"Creative Commons Attribution 4.0 International Public License" in inside["LICENSE.txt"]
    readme = inside["README.txt"].decode("utf-8")
    assert "CC-BY-4.0" in readme and "LICENSE.txt" in readme
    for name in ("indicators.csv", "datapackage.json", "schemas/indicators.schema.json"):
        assert name in readme and name in inside
    # the ZIP's own descriptor works where it is unpacked
    assert json.loads(inside["datapackage.json"])["resources"][0]["schema"] in inside


def test_licences_are_named_everywhere():
    mit = (REPO.root / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License") and "Permission is hereby granted" in mit
    data = (REPO.root / "LICENSE-data").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0 International Public License" in data
    readme = (REPO.root / "README.md").read_text(encoding="utf-8")
    assert "[LICENSE](LICENSE)" in readme and "[LICENSE-data](LICENSE-data)" in readme
    for path in ("package.json", "benchmarks/package.json"):
        assert "MIT" in json.loads((REPO.root / path).read_text(encoding="utf-8"))["license"]
    assert json.loads((REPO.root / "package.json").read_text())["license"] == "(MIT AND CC-BY-4.0)"
    project = tomllib.loads((REPO.root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT AND CC-BY-4.0"
    assert project["license-files"] == ["LICENSE", "LICENSE-data"]
    assert load.package_meta(REPO)["license"]["name"] == "CC-BY-4.0"


def test_zip_without_a_licence_file_still_says_which_licence(project: Layout):
    files = downloads.all_files(project)
    name = formats.package_name(project)
    with zipfile.ZipFile(io.BytesIO(files[f"{name}.zip"])) as zf:
        names = {n.split("/", 1)[1] for n in zf.namelist()}
        assert "README.txt" in names and "LICENSE.txt" not in names
        readme = zf.read(f"{name}/README.txt").decode("utf-8")
    lic = load.package_meta(project).get("license") or {}
    assert str(lic.get("path", "")) in readme


# ---------------------------------------------------------------------------- DCAT


def test_dcat_catalog_reads_as_rdf_and_names_every_download(published: Path):
    import rdflib
    from rdflib.namespace import DCAT, DCTERMS, RDF

    graph = rdflib.Graph().parse(data=(published / "dcat.jsonld").read_text(encoding="utf-8"),
                                 format="json-ld")
    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert [str(c) for c in catalogs] == [f"{SITE}data/"]
    datasets = set(graph.objects(catalogs[0], DCAT.dataset))
    names = {d.name for d in load.discover(REPO)}
    assert {str(graph.value(d, DCTERMS.identifier)) for d in datasets} == names
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    licence = load.package_meta(REPO)["license"]["path"]
    for dataset in datasets:
        assert str(graph.value(dataset, DCTERMS.license)) == licence
        assert graph.value(dataset, DCTERMS.publisher) is not None
        assert {t.language for t in graph.objects(dataset, DCTERMS.title)} == {"zh", "en"}
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert len(distributions) == 4
        for dist in distributions:
            url = str(graph.value(dist, DCAT.downloadURL))
            assert url.startswith(f"{SITE}data/")
            local = published / url.removeprefix(f"{SITE}data/")
            content = local.read_bytes()
            assert int(graph.value(dist, DCAT.byteSize)) == len(content)
            checksum = graph.value(dist, spdx.checksum)
            assert str(graph.value(checksum, spdx.checksumValue)) == hashlib.sha256(content).hexdigest()
