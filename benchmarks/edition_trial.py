"""The real-edition trial: does adding next year's edition, and a correction to a published
figure, pass the test suite unchanged?

Not a test and not part of `make test`; run it by hand (or `make edition-trial`):

    python benchmarks/edition_trial.py [DEST]              # the whole suite (DEST: a new temporary folder)
    python benchmarks/edition_trial.py DEST -- tests/test_site_browser.py

What it does, in a fresh clone of this repository's committed HEAD at DEST (outside the
repository; .venv and node_modules are linked from here unless `--install`):

1. adds the edition after the latest the way staff add one (tests/madeup.add_edition: a source
   document in datasets/sources.csv, a row for every indicator, the pages `new-year` drafts,
   every passage written, published) and commits it as the project's own data;
2. unless `--no-revision`, corrects a published figure of the first edition as staff do: the
   CSV cell changed, then `python -m pipeline revisions --record --reason ...`, committed;
3. `python -m pipeline validate`;
4. unless `--no-marks`, builds the site and lists where the correction is marked 修订 with a
   link to its revision (the pages, the targets table, embed pages, chart downloads); exit 1
   when a place is missing;
5. runs the tests the way `make test` does (CI=true, two workers, files kept together), or
   the pytest arguments given after `--`.

The clone's suite builds its own two-edition site, so the made-up test edition becomes the
year after the new one: that is the point of the trial (tests/sitebuild.py).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# The correction made by default: a figure shown in a chapter's text, in two charts (one of them a
# target chart), in the plan's targets table and in the embed pages of those charts.
REVISION = ("indicators", "national-incubators", "value", "2")
REASON = "核实后更正（版本试验）"
MARKER = ".edition-trial"  # in the clone: a later trial may replace it


def run(cmd: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    print("$", " ".join(cmd), flush=True)
    done = subprocess.run(cmd, cwd=cwd, text=True, env={**os.environ, **env})
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}")
    return done


def git(dest: Path, *args: str) -> None:
    run(["git", "-c", "user.name=edition-trial", "-c", "user.email=trial@example.invalid", *args],
        dest)


def clone(dest: Path, install: bool) -> Path:
    if dest.exists() and any(dest.iterdir()):
        if not (dest / MARKER).exists():
            raise SystemExit(f"{dest} is not empty and not an earlier trial: give an empty or new folder")
        shutil.rmtree(dest)  # an earlier trial's clone
    elif dest.exists():
        dest.rmdir()
    run(["git", "clone", "--quiet", str(REPO), str(dest)], REPO)
    (dest / MARKER).touch()
    # the marker, and links (not the folders .gitignore names), stay out of `git add -A` and status
    with open(dest / ".git" / "info" / "exclude", "a", encoding="utf-8") as exclude:
        exclude.write(f"/.venv\n/node_modules\n/{MARKER}\n")
    if install:
        run(["make", "install", "npm"], dest)
    else:
        for name in (".venv", "node_modules"):
            (dest / name).symlink_to(REPO / name)
    return dest / ".venv" / "bin" / "python"


def add_edition(dest: Path, python: Path) -> int:
    code = ("from pipeline.paths import Layout; from tests import madeup; "
            "from pathlib import Path; print(madeup.add_edition(Layout(Path('.').resolve())))")
    out = subprocess.run([str(python), "-c", code], cwd=dest, text=True, capture_output=True,
                         check=True).stdout
    year = int(out.split()[-1])
    git(dest, "add", "-A")
    git(dest, "commit", "--quiet", "-m", f"The {year} edition")
    return year


def first_year(dest: Path) -> str:
    return min(p.name for p in (dest / "docs").iterdir() if p.name.isdigit())


def revise(dest: Path, python: Path) -> tuple[str, str, str, str]:
    """Change one published figure of the first edition in its CSV and record the revision."""
    dataset, indicator, field, new = REVISION
    year = first_year(dest)
    path = dest / "datasets" / f"{dataset}.csv"
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    [row] = [r for r in rows if r["indicator_id"] == indicator and r["year"] == year]
    old, row[field] = row[field], new
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    run([str(python), "-m", "pipeline", "revisions", "--base", "HEAD", "--record",
         "--reason", REASON], dest)
    git(dest, "add", "-A")
    git(dest, "commit", "--quiet", "-m", f"Correct {indicator} {year}: {old} -> {new}")
    return dataset, f"{indicator}/{year}", old, new


def marks(dest: Path, python: Path, key: str) -> list[str]:
    """Build the site and say where the revision of `key` is marked; the places missing."""
    run([str(python), "-m", "pipeline", "build"], dest)
    site = dest / "site"
    anchor = subprocess.run(
        [str(python), "-c", f"from pipeline import revision_log; "
                            f"print(revision_log.anchor({REVISION[0]!r}, {key!r}))"],
        cwd=dest, text=True, capture_output=True, check=True).stdout.strip()
    linked = [p for p in site.rglob("*.html") if "revision-mark" in (t := p.read_text("utf-8"))
              and f"#{anchor}" in t]
    year = key.split("/")[-1]
    places = {
        "chapter text or cards": [p for p in linked if p.parts[len(site.parts)] == year
                                  and "embed" not in p.parts],
        "the plan's targets table": [p for p in linked if p.parent.name == "plan"],
        "embed pages": [p for p in linked if "embed" in p.parts],
        "indicator page": [p for p in linked if "indicators" in p.parts],
        "chart downloads (修订 column)": [
            p for p in site.rglob("*.csv") if "charts" in p.parts
            and "修订" in (t := p.read_text("utf-8-sig")) and REASON in t],
    }
    missing = []
    for what, found in places.items():
        shown = ", ".join(str(p.relative_to(site)) for p in sorted(found)[:4])
        print(f"  {what}: {len(found)} {'(' + shown + ')' if found else 'MISSING'}")
        if not found:
            missing.append(what)
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dest", type=Path, nargs="?",
                        help="where to clone (outside the repository; default: a new temporary folder)")
    parser.add_argument("--install", action="store_true",
                        help="install .venv and node_modules in the clone (default: link this one's)")
    parser.add_argument("--no-revision", action="store_true", help="no correction of a published figure")
    parser.add_argument("--no-marks", action="store_true",
                        help="skip the site build that checks the 修订 marks")
    parser.add_argument("pytest", nargs="*", help="pytest arguments after -- (default: make test's)")
    args = parser.parse_args()
    dest = (args.dest or Path(tempfile.mkdtemp(prefix="edition-trial-"))).resolve()
    if dest == REPO or REPO in dest.parents:
        parser.error("DEST must be outside the repository")
    started = time.monotonic()
    python = clone(dest, args.install)
    year = add_edition(dest, python)
    print(f"added the {year} edition")
    missing: list[str] = []
    if not args.no_revision:
        dataset, key, old, new = revise(dest, python)
        print(f"revised {dataset} {key}: {old} -> {new}")
    run([str(python), "-m", "pipeline", "validate"], dest)
    if not args.no_revision and not args.no_marks:
        missing = marks(dest, python, key)
    tests = args.pytest or ["-n", "2", "--dist", "loadfile"]
    status = subprocess.run([str(python), "-m", "pytest", *tests], cwd=dest,
                            env={**os.environ, "CI": "true"}).returncode
    print(f"edition trial in {dest}: tests exit {status}; marks missing: {missing or 'none'}; "
          f"{time.monotonic() - started:.0f} s")
    return 1 if status or missing else 0


if __name__ == "__main__":
    sys.exit(main())
