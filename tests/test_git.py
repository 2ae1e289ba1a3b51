"""git.py: every git call works in a checkout owned by another user, as in CI containers.

git refuses a repository whose files belong to someone else ("dubious ownership")
unless safe.directory names it. Without it every date of the site silently became
1970-01-01 (the sitemap) or vanished ("last updated"), and builds still matched each
other, so no comparison noticed. Here the checkout really belongs to another user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline import build, datasets, git
from pipeline.paths import Layout

FIXTURE = Path(__file__).parent / "fixtures" / "downloads"
DATES = ("2022-01-01T00:00:00Z", "2023-06-01T00:00:00Z")
NOBODY = 65534


def _commit_env(tmp_path: Path) -> dict[str, str]:
    return {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
            "GIT_CONFIG_NOSYSTEM": "1"}


def _give_away(path: Path) -> None:
    """Make another user own `path` (root does it itself; elsewhere passwordless sudo)."""
    if os.geteuid() == 0:
        for root, dirs, files in os.walk(path):
            for name in [*dirs, *files]:
                os.lchown(os.path.join(root, name), NOBODY, NOBODY)
        os.lchown(path, NOBODY, NOBODY)
        return
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"],
                                               capture_output=True).returncode == 0:
        subprocess.run(["sudo", "-n", "chown", "-R", f"{NOBODY}:{NOBODY}", str(path)], check=True)
        return
    pytest.skip("needs root or passwordless sudo to give the checkout to another user")


@pytest.fixture
def foreign_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Layout:
    """A clone with full history whose files belong to another user; git's own
    configuration is empty (no global safe.directory to lean on)."""
    env = _commit_env(tmp_path)
    origin = tmp_path / "origin"
    shutil.copytree(FIXTURE, origin)
    subprocess.run(["git", "-C", str(origin), "init", "-q"], check=True, env=env)
    for i, date in enumerate(DATES):
        if i:  # the second commit touches only the README: the data's date stays the first
            (origin / "README").write_text("changed", encoding="utf-8")
        dated = {**env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        subprocess.run(["git", "-C", str(origin), "add", "."], check=True, env=dated)
        subprocess.run(["git", "-C", str(origin), "commit", "-q", "-m", str(i)], check=True,
                       env=dated)
    clone = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", f"file://{origin}", str(clone)], check=True, env=env)
    _give_away(clone)
    for name, value in env.items():
        if name.startswith(("HOME", "GIT_CONFIG")):
            monkeypatch.setenv(name, value)
    for name in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_COUNT", "GIT_DIR", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)
    return Layout(clone)


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_git_refuses_the_checkout_without_safe_directory(foreign_checkout: Layout):
    """The premise: plain git will not read this repository."""
    done = subprocess.run(["git", "-C", str(foreign_checkout.root), "log", "-1"],
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert "safe.directory" in done.stderr


def test_dates_are_read_from_a_checkout_owned_by_another_user(foreign_checkout: Layout):
    layout = foreign_checkout
    assert git.full_history(layout)
    # the sitemap's dates: MkDocs gets the last commit's time
    epoch = build.mkdocs_env(layout)["SOURCE_DATE_EPOCH"]
    assert datetime.fromtimestamp(int(epoch), UTC) == _when(DATES[1])
    # "last updated" of a dataset: the last commit touching its CSV
    content = datasets.read_all(layout)[0]
    assert content.updated == _when(DATES[0])
    assert content.updated_date() == "2022-01-01"
    # a git command of the staff tools (revisions.py) sees the history too
    assert git.output(layout, "log", "--format=%ct") == "\n".join(
        str(int(_when(d).timestamp())) for d in reversed(DATES))


def test_without_safe_directory_the_dates_would_be_lost(foreign_checkout: Layout,
                                                        monkeypatch: pytest.MonkeyPatch):
    """The same calls without the safe.directory option lose every date: what the test
    above guards against."""
    monkeypatch.setattr(git, "command", lambda root, *args: ["git", "-C", root, *args])
    assert not git.full_history(foreign_checkout)
    assert build.mkdocs_env(foreign_checkout)["SOURCE_DATE_EPOCH"] == "0"
