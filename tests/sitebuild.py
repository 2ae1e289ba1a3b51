"""Build the real site once per test session, in a copy of the repository.

Used by the tests marked `site`: `built_site()` returns the Layout
of a temporary copy (datasets, schemas, docs, web, mkdocs.yml; node_modules
linked) whose site/ was built by `pipeline.build.build`, with each edition's
PDF added by `pipeline.pdf` (as `make build` then `make pdf` do in CI). The build runs once
per session however many tests ask for it, and however many workers run them
(`pytest -n`): the first worker to need it builds it in the session's shared folder
(`shared()`, made by tests/conftest.py), the others wait for it and read the same files.

The site is built for the address the browser tests serve it from
(`site_port()`, the same for every worker): Material's instant navigation only follows
links whose origin, port included, matches the site URL in sitemap.xml. `serve()` serves
a built site there from one server process for the whole session, so workers never
compete for the port.

`two_editions()` is the same for a two-edition project: a copy with a made-up edition
for the year after the latest (tests/madeup.py, TEST DATA ONLY), built once per session
by the first worker that needs it (the others wait for it). The page and browser suites
run on it, so each checks both editions; `editions()` names the two years, derived from
docs/ (the made-up one is always the latest + 1, so a real edition for that year only
moves it on).

A test that builds the site must be marked `site` (`make check` leaves those out):
`built_site()` and `repocopy.make()` fail any test that is not, so the fast subset
cannot grow a site build unnoticed.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline import build
from pipeline.paths import REPO, Layout

COPIED = ("datasets", "schemas", "docs", "web", "overrides")


def copy_project(dest: Path) -> Layout:
    """A copy of everything the site is built from (node_modules linked, not copied)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copytree(REPO.root / name, dest / name)
    for name in ("mkdocs.yml", "datapackage.json", "package.json", "package-lock.json",
                 "LICENSE-data"):
        if (REPO.root / name).exists():
            shutil.copy(REPO.root / name, dest / name)
    (dest / "node_modules").symlink_to(REPO.node_modules)
    return Layout(dest)


# ---------------------------------------------------------------- the session's shared folder

SHARED = "KJJ_TEST_SESSION"  # environment: the folder every worker of the session shares


def start_session() -> Path:
    """Make the session's shared folder (tests/conftest.py, in the process that starts the
    workers, or in the only one); the workers inherit its name through the environment."""
    folder = Path(tempfile.mkdtemp(prefix="kjj-tests-"))
    os.environ[SHARED] = str(folder)
    return folder


def end_session(folder: Path) -> None:
    """Stop the session's servers and remove its folder (when every worker has finished)."""
    for pid_file in folder.glob("*.pid"):
        with contextlib.suppress(ValueError, OSError):
            os.killpg(int(pid_file.read_text()), signal.SIGTERM)
    shutil.rmtree(folder, ignore_errors=True)


@functools.cache
def shared() -> Path:
    """The folder the session's workers share (a folder of this process's own outside a
    pytest session, removed when it ends)."""
    if os.environ.get(SHARED) and Path(os.environ[SHARED]).is_dir():
        return Path(os.environ[SHARED])
    folder = Path(tempfile.mkdtemp(prefix="kjj-tests-"))
    atexit.register(end_session, folder)
    return folder


@contextlib.contextmanager
def locked(name: str) -> Iterator[None]:
    """Hold the session-wide lock `name`: one worker at a time."""
    with open(shared() / f"{name}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def once(name: str, make: Callable[[Path], None]) -> Path:
    """`make(folder)` run once per session, by the first worker to ask; the others wait for
    it and get the same folder. A failure is remembered, so every worker reports it."""
    folder = shared() / name
    with locked(name):
        failed = shared() / f"{name}.failed"
        if failed.exists():
            raise RuntimeError(failed.read_text(encoding="utf-8"))
        if not (shared() / f"{name}.done").exists():
            try:
                make(folder)
            except BaseException as exc:
                failed.write_text(f"{name}: {exc}", encoding="utf-8")
                raise
            (shared() / f"{name}.done").touch()
    return folder


@functools.cache
def site_port() -> int:
    """The port the sites are built for and served on, the same for every worker."""
    with locked("port"):
        chosen = shared() / "port"
        if not chosen.exists():
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                chosen.write_text(str(probe.getsockname()[1]))
        return int(chosen.read_text())


def serve(site: Path) -> str:
    """The address `site` is served at on the site port, by one server process for the whole
    session (started by the first worker to ask; stopped when the session ends)."""
    base = f"http://127.0.0.1:{site_port()}/"
    with locked("server"):
        pid_file, served = shared() / "server.pid", shared() / "server.site"
        if pid_file.exists():
            if served.read_text(encoding="utf-8") != str(site):
                raise RuntimeError(f"the site port already serves {served.read_text(encoding='utf-8')}; "
                                   f"one site per session is served there, not also {site}")
            return base
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(site_port()), "--bind", "127.0.0.1",
             "--directory", str(site)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        pid_file.write_text(str(server.pid))
        served.write_text(str(site), encoding="utf-8")
        _wait_for_port(server)
    return base


def _wait_for_port(server: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", site_port())) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"the server of the built site did not answer on port {site_port()}")


# The test being run (set by tests/conftest.py), to hold it to its markers.
running: list[object] = []


def require_marker(name: str, what: str) -> None:
    """Fail the running test unless it is marked `name` (it does `what`)."""
    item = running[-1] if running else None
    if item is not None and item.get_closest_marker(name) is None:  # type: ignore[attr-defined]
        raise AssertionError(f"{item.nodeid} {what}: mark it @pytest.mark.{name}"  # type: ignore[attr-defined]
                             f" (make check leaves such tests out)")


def deselected(config: pytest.Config, node: pytest.Function | pytest.FunctionDefinition) -> bool:
    """Whether `-m` leaves out the test `node` (e.g. `make check`): then parametrising it from
    the built site would build the site during collection for nothing."""
    expression = config.option.markexpr
    if not expression:
        return False
    try:  # pytest's own evaluator of -m expressions (pytest is pinned in the lock)
        from _pytest.mark.expression import Expression
    except ImportError:  # then build, as without -m
        return False
    names = {mark.name for mark in node.iter_markers()}
    return not Expression.compile(expression).evaluate(lambda name, **_: name in names)


def built_site() -> Layout:
    """The site built once per session (see the module's docstring)."""
    require_marker("site", "uses the built site")
    return _built_site()


@functools.cache
def _built_site() -> Layout:
    return Layout(once("site", _build_site) / "project")


def _build_site(scratch: Path) -> None:
    layout = copy_project(scratch / "project")
    _build(layout)
    # As CI does before deploying: each edition's PDF into the built site (make pdf).
    from pipeline import pdf

    pdf.write(layout, log=lambda *_: None)


def _build(layout: Layout) -> None:
    """Build `layout`'s site for the address the browser tests serve it from."""
    before = os.environ.get("SITE_URL")
    os.environ["SITE_URL"] = f"http://127.0.0.1:{site_port()}/"
    try:
        status = build.build(layout, log=lambda *_: None)
    finally:
        if before is None:
            del os.environ["SITE_URL"]
        else:
            os.environ["SITE_URL"] = before
    if status != 0:
        raise RuntimeError("the site did not build; run `python -m pipeline build` to see why")


@functools.cache
def editions() -> tuple[int, int]:
    """(the latest published edition of the project, the made-up edition after every edition
    in docs/), from docs/."""
    from pipeline import docs
    from tests import madeup

    published = max(e.year for e in docs.editions(REPO) if not e.draft)
    return published, madeup.latest_edition(REPO) + 1


def two_editions() -> Layout:
    """The two-edition site, built once per session (see the module's docstring)."""
    require_marker("site", "uses the two-edition site")
    return _two_editions()


@functools.cache
def _two_editions() -> Layout:
    return Layout(once("two-editions", _build_two_editions) / "project")


def _build_two_editions(scratch: Path) -> None:
    from tests import madeup

    layout = copy_project(scratch / "project")
    assert madeup.add_edition(layout) == editions()[1]
    _build(layout)  # no PDFs: the suites on it follow no link to them (the real site has them)
