"""The files around a review: the project's other Python modules, read for context only.

Reviewing one file or one change, the wrappers it calls (`run_cmd(cmd)` in a helper module) are in files that
are not under review; the flow engine summarises what those functions pass to a sink. These units are never
reviewed, reported on or counted in the coverage.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from secreview.models import CodeUnit
from secreview.sources.gitdiff import git_toplevel
from secreview.sources.languages import language_of
from secreview.sources.paths import PathSource, display_path, git_listed_files

# A repository's first modules in path order, past which a cold review would spend minutes summarising it.
MAX_CONTEXT_FILES = 5000


def surrounding_python(
    named: Sequence[str] | None,
    root: Path,
    reviewed: Sequence[CodeUnit],
    max_bytes: int,
    exclude: Sequence[str] = (),
) -> list[CodeUnit]:
    """The Python files of `named` (None: of the git work tree `root`, if it is one) that are not under review;
    files that cannot be read are left out. TargetError when a named path does not exist."""
    python = frozenset({"python"})
    under_review = {unit.path for unit in reviewed}
    if named is None:
        listed = git_listed_files(root) if git_toplevel(root) == root.resolve() else None
        files = [
            str(path)
            for path in sorted(listed or [])
            if language_of(path) == "python" and display_path(path, root) not in under_review and path.is_file()
        ]
        named = files[:MAX_CONTEXT_FILES]
    units = PathSource(list(named), root, python, max_bytes, list(exclude)).collect().units
    return [unit for unit in units if unit.path not in under_review]
