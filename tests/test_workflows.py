"""CI configuration: linted offline (zizmor) and held to the project's rules; dependency upkeep."""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.paths import REPO

ROOT = REPO.root
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
DEPENDABOT = ROOT / ".github" / "dependabot.yml"
PRECOMMIT = ROOT / ".pre-commit-config.yaml"
ZIZMOR = Path(sys.executable).parent / "zizmor"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$")
IMAGE_PINNED = re.compile(r"^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$")
LOCK = ROOT / "requirements.txt"
# The lock is made by this command (README, `make lock`); its header records it.
LOCK_COMMAND = ("uv pip compile pyproject.toml --extra dev --generate-hashes --universal "
                "--python-version 3.11 -o requirements.txt")


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True
    if True in data:
        data["on"] = data.pop(True)
    return data


def _zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ZIZMOR), "--offline", "--format", "json", *map(str, paths)],
                          capture_output=True, text=True, check=False, timeout=120)


def test_there_is_a_workflow() -> None:
    assert WORKFLOWS


# --------------------------------------------------------------------------- linters


def test_zizmor_finds_nothing() -> None:
    done = _zizmor(*WORKFLOWS, DEPENDABOT, PRECOMMIT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []


def test_zizmor_would_catch_an_unsafe_workflow(tmp_path: Path) -> None:
    text = WORKFLOWS[0].read_text(encoding="utf-8")
    unsafe = text.replace("  pull_request:\n", "  pull_request_target:\n", 1)
    unsafe = re.sub(r"actions/checkout@[0-9a-f]{40} # v[\d.]+", "actions/checkout@v6", unsafe)
    unsafe = unsafe.replace("          persist-credentials: false\n", "          ref: x\n")
    assert unsafe != text
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(unsafe, encoding="utf-8")
    done = _zizmor(bad)
    assert done.returncode != 0
    found = {f["ident"] for f in json.loads(done.stdout)}
    assert {"unpinned-uses", "artipacked", "dangerous-triggers"} <= found


# --------------------------------------------------------------------------- the rules


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit_with_its_version(path: Path) -> None:
    uses = re.findall(r"uses:\s*(.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert uses
    for use in uses:
        assert PINNED.match(use.strip()), use


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_least_privilege(path: Path) -> None:
    workflow = _load(path)
    assert workflow["permissions"] == {"contents": "read"}
    assert "pull_request_target" not in workflow["on"]
    for name, job in workflow["jobs"].items():
        granted = job.get("permissions", {})
        if any(v == "write" for v in granted.values()):
            assert name == "deploy", f"only the deploy job may write: {name}"
            assert granted == {"pages": "write", "id-token": "write"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_never_keeps_credentials(path: Path) -> None:
    for job in _load(path)["jobs"].values():
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False


def test_ci_runs_every_check_and_deploys_only_after_all_of_them() -> None:
    workflow = _load(ROOT / ".github" / "workflows" / "ci.yml")
    assert set(workflow["on"]) >= {"pull_request", "push"}
    jobs = workflow["jobs"]
    runs = {name: "\n".join(str(s.get("run", "")) for s in job.get("steps", []))
            for name, job in jobs.items()}
    everything = "\n".join(runs.values())
    for command in ("make validate FORMAT=github", "make build", "make lint", "make test", "make linkcheck",
                    "pipeline ci-summary", "$GITHUB_STEP_SUMMARY"):
        assert command in everything, command
    deploy = jobs["deploy"]
    assert set(deploy["needs"]) == set(jobs) - {"deploy"}
    assert "refs/heads/main" in deploy["if"] and "push" in deploy["if"]
    assert deploy["concurrency"]["group"] == "pages"
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert deploy["environment"]["name"] == "github-pages"
    uses = [s.get("uses", "") for job in jobs.values() for s in job.get("steps", [])]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in deploy["steps"][0].values())
    build_steps = jobs["build"]["steps"]
    make_build = next(s for s in build_steps
                      if re.search(r"(^|\n)make build( |$)", str(s.get("run", "")).strip()))
    assert make_build["env"]["SITE_URL"].startswith("https://"), "links need the live address"
    upload = next(i for i, s in enumerate(build_steps)
                  if str(s.get("uses", "")).startswith("actions/upload-pages-artifact@"))
    checks = [i for i, s in enumerate(build_steps) if "make" in str(s.get("run", ""))]
    assert checks and max(checks) < upload, "the site is uploaded only after it was checked"


def test_dependabot_watches_actions_python_and_both_javascript_packages() -> None:
    config = yaml.safe_load(DEPENDABOT.read_text(encoding="utf-8"))
    assert config["version"] == 2
    watched = {(u["package-ecosystem"], u["directory"]) for u in config["updates"]}
    assert watched == {("github-actions", "/"), ("pip", "/"), ("npm", "/"), ("npm", "/benchmarks")}
    for ecosystem, directory in watched:
        folder = ROOT / directory.lstrip("/")
        if ecosystem == "npm":
            assert (folder / "package.json").is_file() and (folder / "package-lock.json").is_file()
        if ecosystem == "pip":
            # a file Dependabot reads as a hashed lock: requirements.txt, every pin with hashes
            assert (folder / "requirements.txt").is_file()
    package_jsons = {p.parent for p in ROOT.glob("**/package.json")
                     if not any(part == "node_modules" or part.startswith(".")
                                for part in p.relative_to(ROOT).parts)}
    assert package_jsons <= {ROOT / d.lstrip("/") for e, d in watched if e == "npm"}


# --------------------------------------------------------------------------- CI upkeep


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def _uses(step: dict[str, Any], action: str) -> bool:
    return str(step.get("uses", "")).startswith(f"actions/{action}@")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_containers_are_pinned_by_digest(path: Path) -> None:
    workflow = _load(path)
    images = [job["container"] if isinstance(job["container"], str) else job["container"]["image"]
              for job in workflow["jobs"].values() if "container" in job]
    assert images
    for image in images:
        assert IMAGE_PINNED.match(image), image


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_node_is_22_or_later(path: Path) -> None:
    workflow = _load(path)
    for job in workflow["jobs"].values():
        for step in _steps(job):
            if _uses(step, "setup-node"):
                version = str(step["with"]["node-version"])
                version = re.sub(r"\$\{\{\s*env\.(\w+)\s*\}\}",
                                 lambda m: str(workflow["env"][m.group(1)]), version)
                assert int(version.split(".")[0]) >= 22, version


def test_ci_caches_python_npm_and_debian_packages() -> None:
    jobs = _load(ROOT / ".github" / "workflows" / "ci.yml")["jobs"]
    for name in ("test", "build"):
        steps = _steps(jobs[name])
        caches = [s for s in steps if _uses(s, "cache")]
        paths = "\n".join(str(s["with"]["path"]) for s in caches)
        assert ".venv" in paths and ".cache/pip" in paths and "/var/cache/apt/archives" in paths
        for cache in caches:
            if ".venv" in str(cache["with"]["path"]):
                assert "hashFiles('requirements.txt'" in cache["with"]["key"]
        node = next(s for s in steps if _uses(s, "setup-node"))
        assert node["with"]["cache"] == "npm"
        run = "\n".join(str(s.get("run", "")) for s in steps)
        assert "docker-clean" in run, "the image deletes downloaded packages unless told not to"


def test_ci_keeps_the_site_and_screenshots_on_pull_requests_and_failures() -> None:
    jobs = _load(ROOT / ".github" / "workflows" / "ci.yml")["jobs"]
    kept = {}
    for job in jobs.values():
        for step in _steps(job):
            if _uses(step, "upload-artifact"):
                kept[step["with"]["name"]] = step
    assert set(kept) == {"site", "screenshots"}
    assert kept["site"]["with"]["path"].rstrip("/") == "site"
    assert kept["screenshots"]["with"]["path"].rstrip("/") == ".build/screenshots"
    for step in kept.values():
        assert "pull_request" in step["if"] and "failure()" in step["if"]


def test_ci_makes_the_pdfs_before_checking_and_deploying() -> None:
    steps = _steps(_load(ROOT / ".github" / "workflows" / "ci.yml")["jobs"]["build"])
    runs = [str(s.get("run", "")) for s in steps]
    build = next(i for i, r in enumerate(runs) if re.search(r"(^|\n)make build( FORMAT=github)?$", r.strip()))
    pdf = runs.index("make pdf")
    link = runs.index("make linkcheck FORMAT=github")
    upload = next(i for i, s in enumerate(steps) if _uses(s, "upload-pages-artifact"))
    assert build < pdf < link < upload
    assert steps[pdf]["env"]["SITE_URL"] == steps[build]["env"]["SITE_URL"]


def test_make_build_needs_no_browser_for_the_pdf() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^pdf:(.*)$", makefile, re.M)
    assert target and "browser" not in target.group(1)
    assert "pipeline pdf" not in re.search(r"^build:.*\n(\t.*\n)*", makefile, re.M).group(0)


def test_readme_names_the_required_checks_and_the_pages_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## CI/CD", 1)[1].split("\n## ", 1)[0]
    jobs = _load(ROOT / ".github" / "workflows" / "ci.yml")["jobs"]
    for name in ("validate", "test", "build"):
        assert jobs[name]["name"] in section, jobs[name]["name"]
    assert "GitHub Actions" in section and "Settings" in section and "Pages" in section


# --------------------------------------------------------------------------- pre-commit and CI


def test_precommit_config_is_valid_and_checks_only_changed_datasets() -> None:
    done = subprocess.run([str(Path(sys.executable).parent / "pre-commit"), "validate-config",
                           str(PRECOMMIT)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    hooks = {h["id"]: h for repo in yaml.safe_load(PRECOMMIT.read_text(encoding="utf-8"))["repos"]
             for h in repo["hooks"]}
    data = hooks["validate-changed-datasets"]
    assert data["entry"].endswith("-m pipeline validate")
    assert data.get("pass_filenames", True) is True
    pattern = re.compile(data["files"])
    assert pattern.search("datasets/indicators.csv")
    assert not pattern.search("schemas/indicators.schema.yaml")
    assert not pattern.search("tests/fixtures/bad/datasets/x.csv")
    assert re.search(hooks["validate-descriptors"]["files"], "schemas/indicators.schema.yaml")
    assert hooks["validate-descriptors"]["pass_filenames"] is False


@pytest.mark.slow
def test_precommit_hook_validates_the_changed_dataset(tmp_path: Path) -> None:
    """Run the hook's own command on a broken and on a good table of a fixture project."""
    hooks = {h["id"]: h for repo in yaml.safe_load(PRECOMMIT.read_text(encoding="utf-8"))["repos"]
             for h in repo["hooks"]}
    entry = hooks["validate-changed-datasets"]["entry"].split()
    assert entry[0] == ".venv/bin/python"
    command = [sys.executable, *entry[1:]]
    project = tmp_path / "p"
    shutil.copytree(ROOT / "tests" / "fixtures" / "edition", project)
    shutil.copytree(REPO.schemas, project / "schemas")
    good = project / "datasets" / "work-areas.csv"
    bad = project / "datasets" / "indicators.csv"
    bad.write_text(bad.read_text(encoding="utf-8").replace(",12.5,", ",12.5万,"),
                   encoding="utf-8")
    ok = subprocess.run([*command, str(good)], capture_output=True, text=True, cwd=ROOT,
                        check=False)
    assert ok.returncode == 0, ok.stdout
    assert "检查了 1 个文件" in ok.stdout
    failed = subprocess.run([*command, str(bad)], capture_output=True, text=True, cwd=ROOT,
                            check=False)
    assert failed.returncode == 1
    assert "indicators.csv" in failed.stdout and "12.5万" in failed.stdout


def test_ci_run_script_calls_make_lint_and_make_test() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = script.splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines
    assert lines[-2:] == ["make lint", "make test"]


def test_lint_is_a_step_of_its_own_not_a_test() -> None:
    """ruff and mypy run in `make lint` (called by .ci/run and by the CI test job before
    `make test`), not inside pytest."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = re.search(r"^lint:.*\n((\t.*\n)+)", makefile, re.M)
    assert lint and "-m ruff check pipeline tests benchmarks" in lint.group(1)
    assert "-m mypy pipeline" in lint.group(1)
    steps = _steps(_load(ROOT / ".github" / "workflows" / "ci.yml")["jobs"]["test"])
    runs = [str(s.get("run", "")) for s in steps]
    linted = next(i for i, r in enumerate(runs) if re.search(r"(^|\n)make lint$", r.strip()))
    tested = next(i for i, r in enumerate(runs) if re.search(r"(^|\n)make test$", r.strip()))
    assert linted < tested


def test_the_lock_matches_the_pins_dependabot_updates() -> None:
    """Dependabot bumps pins in pyproject.toml and requirements.txt; CI installs requirements.txt.
    A bump without re-compiling the lock (`make lock`, the command in the README) must fail
    here, not pass untested."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    locked = dict(re.findall(r"^([a-z0-9][a-z0-9._-]*)==([^\s;\\]+)",
                             (ROOT / "requirements.txt").read_text(encoding="utf-8"),
                             re.MULTILINE))
    locked = {re.sub(r"[._]", "-", k.lower()): v for k, v in locked.items()}
    for pin in pins:
        name, _, version = pin.partition("==")
        name = re.sub(r"\[.*\]", "", name).strip().lower().replace("_", "-").replace(".", "-")
        assert locked.get(name) == version.strip(), f"{pin} is not what requirements.txt has"


def test_the_lock_is_compiled_with_hashes_by_the_documented_command() -> None:
    text = LOCK.read_text(encoding="utf-8")
    assert LOCK_COMMAND in text.split("\n", 3)[1], "the lock's header names how it was made"
    assert LOCK_COMMAND in (ROOT / "README.md").read_text(encoding="utf-8")
    assert LOCK_COMMAND in (ROOT / "Makefile").read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[a-z0-9])", text.split("\n", 2)[2])
    assert len(entries) > 50
    for entry in entries:
        assert re.match(r"^[a-z0-9][a-z0-9._-]*==\S+", entry), entry[:80]
        assert "--hash=sha256:" in entry, entry.split()[0]


def _imports(folder: Path) -> set[str]:
    found = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


def _dists(modules: set[str]) -> set[str]:
    by_module = _packages_distributions()
    return {_norm(d) for m in modules for d in by_module.get(m, [])}


@functools.cache
def _packages_distributions() -> dict[str, list[str]]:
    """Top-level module -> the installed distributions providing it (read once: it reads
    every installed distribution's file list)."""
    return dict(importlib.metadata.packages_distributions())


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _closure(roots: set[str]) -> set[str]:
    """The distributions installed for `roots`: their requirements, transitively (extras and
    requirements whose markers do not apply here left out)."""
    from packaging.requirements import Requirement

    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for text in importlib.metadata.requires(name) or []:
            req = Requirement(text)
            if req.marker and not req.marker.evaluate({"extra": ""}):
                continue
            todo.append(_norm(req.name))
    return seen


def test_dependencies_are_declared_where_they_are_used() -> None:
    """What pipeline/ imports is installed by the runtime dependencies alone; what is declared
    for runtime is used at runtime; dev dependencies are not imported by the pipeline."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_norm(p.partition("==")[0]) for p in project["dependencies"]}
    dev = {_norm(p.partition("==")[0]) for p in project["optional-dependencies"]["dev"]}
    used = _dists(_imports(ROOT / "pipeline"))
    assert used - _closure(runtime) == set(), "imported by the pipeline but not a runtime dependency"
    assert used & dev == set(), "imported by the pipeline but declared for development only"
    # run rather than imported: MkDocs (`python -m mkdocs`), its theme, and the Chinese word
    # splitter of its search
    by_mkdocs = {"mkdocs", "mkdocs-material", "jieba"}
    assert runtime - used - by_mkdocs == set(), "declared for runtime but never imported"
    tests_use = _dists(_imports(ROOT / "tests") | _imports(ROOT / "benchmarks"))
    assert "pandas" in tests_use and "pandas" not in used
