"""The one git helper: every git command the pipeline runs, and the dates it reads from history.

What belongs here: running git in the project's checkout (always with
`safe.directory` set for that checkout, since CI containers and shared machines
check it out as another user, and git then refuses the repository), the last
commit time of each file from a single `git log`, and the dates built from it.
What does not: what a date is used for (datasets.py, feeds.py, build.py).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from .paths import Layout

# root -> {path under root: time of the last commit touching it}, while a build runs;
# _FIRST the same with the first commit, _FULL whether the clone has its whole history.
_HISTORY: dict[str, dict[str, int]] = {}
_FIRST: dict[str, dict[str, int]] = {}
_FULL: dict[str, bool] = {}
_KEEP = False


@contextlib.contextmanager
def dates_once() -> Iterator[None]:
    """Within this block git is asked once for the dates of every file (a build uses it;
    the live preview holds it around all its builds, and `forget`s them after a commit)."""
    global _KEEP
    if _KEEP:  # an outer block keeps them
        yield
        return
    _KEEP = True
    try:
        yield
    finally:
        _KEEP = False
        _HISTORY.clear()
        _FIRST.clear()
        _FULL.clear()


def forget() -> None:
    """Ask git again the next time a date is needed (the history may have changed)."""
    _HISTORY.clear()
    _FIRST.clear()
    _FULL.clear()


def state(layout: Layout) -> tuple[tuple[str, int], ...]:
    """What changes when the repository's history may have: the modification times of its
    HEAD, HEAD's log, index and packed references (a commit, checkout, reset or pull touches
    them). Read from the files, without running git; () outside a repository."""
    for folder in (layout.root, *layout.root.parents):
        dot = folder / ".git"
        if dot.is_file():  # a linked worktree or submodule: "gitdir: PATH"
            text = dot.read_text(encoding="utf-8", errors="replace").strip()
            dot = (folder / text.removeprefix("gitdir:").strip()).resolve()
        if dot.is_dir():
            found = []
            for name in ("HEAD", "logs/HEAD", "index", "packed-refs"):
                try:
                    found.append((name, (dot / name).stat().st_mtime_ns))
                except OSError:
                    continue
            return tuple(found)
    return ()


def history(root: str) -> dict[str, int]:
    """When each file under `root` last changed in git, from a single `git log` (empty without
    a full history)."""
    if root in _HISTORY:
        return _HISTORY[root]
    dates: dict[str, int] = {}
    first: dict[str, int] = {}
    if is_full_history(root):
        when = None
        out = run(root, "-c", "core.quotePath=false", "log", "--format=@%ct", "--name-only",
                   "--relative", "--", ".")
        for line in out.splitlines():
            if line.startswith("@") and line[1:].isdigit():
                when = int(line[1:])
            elif line and when is not None:
                dates.setdefault(line, when)  # the log is newest first
                first[line] = when  # ... so the last time seen is the first commit
    _FIRST[root] = first
    if _KEEP:
        _HISTORY[root] = dates
    return dates


def first_commit(layout: Layout, paths: list[Path]) -> datetime | None:
    """When `paths` (files, or folders: every file under them) first appeared in git
    history; None without a full history."""
    root = str(layout.root)
    if root not in _HISTORY or root not in _FIRST:
        history(root)
    first = _FIRST.get(root, {})
    if not _KEEP:
        _FIRST.pop(root, None)
    found = _matching(first, [_relative(root, p) for p in paths])
    return datetime.fromtimestamp(min(found), UTC) if found else None


def _matching(dates: dict[str, int], wanted: list[str]) -> list[int]:
    """The times of the files named in `wanted`, or under a folder named there."""
    folders = tuple(w.rstrip("/") + "/" for w in wanted)
    return [when for rel, when in dates.items() if rel in wanted or rel.startswith(folders)]


def _relative(root: str, path: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return str(path)


CALLS = [0]  # how many git commands ran (benchmarks count them)


def command(root: str, *args: str) -> list[str]:
    """The git command line for `root`. safe.directory is set for the call: CI containers and
    shared machines check the repository out as another user, and git refuses such a
    repository otherwise (every date would then be lost)."""
    return ["git", "-c", f"safe.directory={os.path.abspath(root)}", "-C", root, *args]


def process(root: str, *args: str, timeout: float | None = None) -> subprocess.CompletedProcess[bytes]:
    """A git command in `root` with its exit status and raw output; status 128 (what git
    gives outside a repository) when git itself is missing."""
    CALLS[0] += 1
    try:
        return subprocess.run(command(root, *args), capture_output=True, check=False,
                              timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return subprocess.CompletedProcess(["git", *args], 128, b"", b"")


def run(root: str, *args: str) -> str:
    """Output of a git command in `root`, or "" when git or the repository is missing."""
    done = process(root, *args, timeout=30)
    return done.stdout.decode("utf-8", errors="replace").strip() if done.returncode == 0 else ""


def last_commit_time(layout: Layout) -> str:
    """The time of the last commit (seconds since 1970) as text; "" outside git."""
    return run(str(layout.root), "log", "-1", "--format=%ct")


def is_full_history(root: str) -> bool:
    if root in _FULL:
        return _FULL[root]
    full = run(root, "rev-parse", "--is-shallow-repository") == "false"
    if _KEEP:
        _FULL[root] = full
    return full


def full_history(layout: Layout) -> bool:
    """Whether the layout is a git checkout with its whole history (dates can be trusted)."""
    return is_full_history(str(layout.root))


def output(layout: Layout, *args: str) -> str:
    """Output of a git command in the layout's root ("" when git or the repository is missing)."""
    return run(str(layout.root), *args)


def last_updated(layout: Layout, paths: list[Path]) -> datetime | None:
    """When the data last changed: the last git commit touching `paths`.

    Falls back to SOURCE_DATE_EPOCH, then to None; never the clock. A shallow
    clone (CI checkouts default to depth 1) would date every file at the tip
    commit, so its dates are not used: CI must fetch the full history.
    """
    root = str(layout.root)
    dates = history(root)
    found = _matching(dates, [_relative(root, p) for p in paths])
    if found:
        return datetime.fromtimestamp(max(found), UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return None
