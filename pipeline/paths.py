"""Every file and folder the pipeline reads or writes, named in one place.

This module imports nothing from the rest of the package. A `Layout` is rooted
at a project folder; tests build layouts over tiny fixture projects, and the
command line uses the repository's own layout.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def is_project(folder: Path) -> bool:
    """A folder holding this kind of project: mkdocs.yml, datasets/ and schemas/."""
    return ((folder / "mkdocs.yml").is_file() and (folder / "datasets").is_dir()
            and (folder / "schemas").is_dir())


def find_root(start: Path | None = None) -> Path:
    """The repository the command works on: $KJJ_ROOT, else the nearest folder from the current
    one upwards that holds the project (so commands work from any subfolder, e.g. updates/2021),
    else the checkout this package was loaded from."""
    chosen = os.environ.get("KJJ_ROOT", "").strip()
    if chosen:
        return Path(chosen).resolve()
    try:
        here = (start or Path.cwd()).resolve()
    except OSError:  # the current folder was deleted
        return PACKAGE_ROOT
    for folder in (here, *here.parents):
        if is_project(folder):
            return folder
    return PACKAGE_ROOT


REPO_ROOT = find_root()

CSV_SUFFIX = ".csv"
SCHEMA_SUFFIX = ".schema.yaml"
META_SUFFIX = ".meta.yml"


@dataclass(frozen=True)
class Layout:
    """The folders of one project: datasets, schemas, docs and build outputs."""

    root: Path

    @property
    def datasets(self) -> Path:
        return self.root / "datasets"

    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    @property
    def package_meta(self) -> Path:
        return self.datasets / "package.yml"

    @property
    def descriptor(self) -> Path:
        """The repository's Data Package descriptor, generated from the files above."""
        return self.root / "datapackage.json"

    @property
    def citation(self) -> Path:
        """CITATION.cff, generated from the same metadata as the descriptor."""
        return self.root / "CITATION.cff"

    @property
    def data_licence(self) -> Path:
        """The full text of the data licence (CC BY 4.0), carried in the ZIP download."""
        return self.root / "LICENSE-data"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def build(self) -> Path:
        """Scratch space for a build in progress; site/ is replaced only on success."""
        return self.root / ".build"

    @property
    def generated_docs(self) -> Path:
        """The pages as rendered: docs/ with every figure filled in, plus generated pages."""
        return self.build / "docs"

    @property
    def mkdocs_config(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def web(self) -> Path:
        """Browser code bundled into the site (web/charts.js and what it imports)."""
        return self.root / "web"

    @property
    def node_modules(self) -> Path:
        return self.root / "node_modules"

    def csv(self, name: str) -> Path:
        return self.datasets / f"{name}{CSV_SUFFIX}"

    def schema(self, name: str) -> Path:
        return self.schemas / f"{name}{SCHEMA_SUFFIX}"

    def meta(self, name: str) -> Path:
        return self.datasets / f"{name}{META_SUFFIX}"

    def relative(self, path: Path) -> str:
        """A path as users see it in messages: relative to the root when inside it."""
        absolute = Path(os.path.abspath(path))  # normalise "..", keep symlinks as named
        try:
            return absolute.relative_to(os.path.abspath(self.root)).as_posix()
        except ValueError:
            return absolute.as_posix()


REPO = Layout(REPO_ROOT)

# The JSON Schema every datasets/NAME.meta.yml follows (one contract for every project).
META_SCHEMA = REPO_ROOT / "schemas" / "meta.schema.json"
