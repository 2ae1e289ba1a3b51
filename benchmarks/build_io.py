"""How often one build reads the project's files, asks git and parses YAML.

    python benchmarks/build_io.py [PROJECT]

Runs everything before MkDocs (`pipeline.build.generate`: validate, model,
charts, downloads, pages, feeds and cards) in this process on PROJECT (default:
a temporary copy of this repository, so its .build/ is not touched) and counts,
by watching the standard library and PyYAML rather than the pipeline's own code:

- table reads: files of datasets/*.csv opened for reading;
- git: git processes started;
- YAML parses: passes of PyYAML over a text (every yaml.load, safe_load, load_all or
  parse: an alias check before loading is a pass of its own);
- descriptor reads: files of schemas/ and datasets/*.meta.yml opened.

The figures are printed as a Markdown table. The same script measures any
version of the pipeline, so before/after comparisons use one method.
"""

from __future__ import annotations

import builtins
import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _copy(source: Path, target: Path) -> None:
    """The project's files as git has them, with its history (for the dates), plus the
    installed packages linked in."""
    subprocess.run(["git", "-c", f"safe.directory={source}", "clone", "-q", str(source),
                    str(target)], check=True)
    for name in (".venv", "node_modules"):
        if (source / name).exists():
            (target / name).symlink_to(source / name)


def measure(project: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    datasets, schemas = (project / "datasets").resolve(), (project / "schemas").resolve()
    real_open = builtins.open

    def counting_open(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(file, str | os.PathLike) and "r" in mode and "+" not in mode:
            path = Path(os.path.abspath(file))
            if path.parent == datasets and path.suffix == ".csv":
                counts["table reads"] += 1
            elif path.parent == schemas or path.name.endswith(".meta.yml"):
                counts["descriptor reads"] += 1
        return real_open(file, mode, *args, **kwargs)

    real_popen = subprocess.Popen.__init__

    def counting_popen(self, args, *rest, **kwargs):  # type: ignore[no-untyped-def]
        first = args[0] if isinstance(args, list | tuple) and args else str(args).split()[0]
        if Path(str(first)).name == "git":
            counts["git processes"] += 1
        return real_popen(self, args, *rest, **kwargs)

    real_yaml = {name: getattr(yaml, name) for name in ("load", "load_all", "parse")}

    def counting(name):  # type: ignore[no-untyped-def]
        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            counts["YAML parses"] += 1
            return real_yaml[name](*args, **kwargs)
        return call

    builtins.open = io.open = counting_open  # type: ignore[assignment]
    subprocess.Popen.__init__ = counting_popen  # type: ignore[method-assign]
    for name in real_yaml:
        setattr(yaml, name, counting(name))
    sys.path.insert(0, str(project))
    try:
        from pipeline import build
        from pipeline.paths import Layout

        build.generate(Layout(project), log=lambda *a: None)
    finally:
        builtins.open = io.open = real_open  # type: ignore[assignment]
        subprocess.Popen.__init__ = real_popen  # type: ignore[method-assign]
        for name, real in real_yaml.items():
            setattr(yaml, name, real)
    return counts


def main() -> int:
    if len(sys.argv) > 1:
        counts = measure(Path(sys.argv[1]).resolve())
    else:
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp) / "project"
            _copy(ROOT, project)
            counts = measure(project)
            shutil.rmtree(project, ignore_errors=True)
    print("| what one build does (before MkDocs) | count |\n|---|---|")
    for key in ("table reads", "descriptor reads", "git processes", "YAML parses"):
        print(f"| {key} | {counts[key]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
