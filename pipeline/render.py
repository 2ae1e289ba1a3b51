"""MkDocs started early: a process that loads MkDocs while the pipeline generates the pages.

What belongs here: starting a Python process that imports MkDocs, its theme, Markdown
and the search plugin's Chinese word splitter (jieba's dictionary) and then waits
(`start`); handing it MkDocs' command-line arguments once the pages are written
(`Early.render`), or stopping it when the build ends before MkDocs (`Early.stop`);
and that process's own side (`_serve`). What does not: which arguments and
environment MkDocs gets and what its output means (build.py), MkDocs' configuration
(navigation.py, mkdocs.yml).

Loading MkDocs and the word splitter takes about a second, a third of a bare
`mkdocs build` of this site; started with the build, that second passes while the
data is validated and the charts drawn. The render itself is MkDocs' own `build`
command with the arguments and environment the build gives it: the same output and
exit status as `python -m mkdocs build`, the same site.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# What MkDocs loads anyway when it renders this site; loaded ahead here.
MODULES = ("mkdocs.__main__", "mkdocs.commands.build", "mkdocs.config.defaults",
           "material.plugins.search.plugin", "markdown", "pymdownx.slugs", "jinja2")


class Early:
    """A started process waiting for MkDocs' arguments (start)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc

    def render(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        """MkDocs' command line (the arguments after `mkdocs`) run in the waiting process;
        its exit status, standard output and standard error, as subprocess.run gives them."""
        out, err = self.proc.communicate(json.dumps(args) + "\n")
        return subprocess.CompletedProcess(args, self.proc.returncode, out, err)

    def stop(self) -> None:
        """End the process if it is still waiting (the build stopped, or MkDocs was not needed)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


def start(cwd: Path, env: dict[str, str]) -> Early:
    """A process that loads MkDocs now and renders when told (Early.render), run in `cwd`
    with `env`, as MkDocs would be."""
    root = str(Path(__file__).resolve().parent.parent)  # where this package is imported from
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.path.append(sys.argv[1]); "
         "from pipeline.render import _serve; _serve()", root],
        cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,  # the locale's encoding on both sides, as for `python -m mkdocs build`
    )
    return Early(proc)


def _serve() -> None:
    """The started process: load MkDocs, wait for one line (MkDocs' arguments as a JSON list)
    and run MkDocs' command line with them; an empty line or the end of input stops it."""
    import importlib

    for name in MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # a module this MkDocs or theme lacks is loaded by none of them
            continue
    try:  # the search plugin splits Chinese text with jieba; its dictionary loads on first use
        import jieba

        jieba.initialize()
    except ImportError:
        pass
    line = sys.stdin.readline()
    if not line.strip():
        return
    from mkdocs.__main__ import cli

    cli.main(args=json.loads(line), prog_name="mkdocs")
