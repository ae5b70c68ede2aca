"""The files around a review: the project's other Python modules, read for context only.

Reviewing one file or one change, the wrappers it calls (`run_cmd(cmd)` in a helper module) are in files that
are not under review; the flow engine summarises what those functions pass to a sink. It asks only for the files
that define a function of a name the reviewed code calls (`git grep` finds them in a work tree of thousands of
files in a fraction of a second), and these units are never reviewed, reported on or counted in the coverage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pathspec

from secreview.models import CodeUnit
from secreview.sources.gitdiff import GitError, git, git_toplevel
from secreview.sources.paths import PathSource
from secreview.sources.reading import UnreadableSourceError, read_source

_DEFINED = re.compile(r"\bdef\s+(\w+)")


def _defines_any(unit: CodeUnit, names: frozenset[str]) -> bool:
    return not names.isdisjoint(_DEFINED.findall(unit.text))


@dataclass
class PythonAround:
    """The Python files of `named` (None: of the git work tree `root`, if it is one, but those `exclude`d), not
    those under review. Named files are read at once (TargetError when a named path does not exist), the work
    tree's when asked for."""

    named: Sequence[str] | None
    root: Path
    reviewed: Sequence[CodeUnit]
    max_bytes: int
    exclude: Sequence[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._top = self.root.resolve()
        self._under_review = {unit.path for unit in self.reviewed}
        self._named_units: list[CodeUnit] = []
        if self.named is not None:
            python = frozenset({"python"})
            collected = PathSource(list(self.named), self.root, python, self.max_bytes, list(self.exclude)).collect()
            self._named_units = [unit for unit in collected.units if unit.path not in self._under_review]

    def defining(self, names: frozenset[str]) -> list[CodeUnit]:
        """The files that define a function of one of `names` (all of them, so that a name defined twice is
        seen to be ambiguous); files that cannot be read are left out."""
        if not names:
            return []
        if self.named is not None:
            return [unit for unit in self._named_units if _defines_any(unit, names)]
        return [unit for unit in map(self._read, self._grep(names)) if unit is not None and _defines_any(unit, names)]

    @cached_property
    def _in_work_tree(self) -> bool:
        return git_toplevel(self.root) == self._top

    def _grep(self, names: frozenset[str]) -> list[str]:
        """Work-tree files (tracked or not ignored, relative to root) with a line `def NAME` for one of names."""
        if not self._in_work_tree:
            return []
        pattern = rf"def[[:space:]]+({'|'.join(sorted(names))})[[:space:]]*\("
        try:
            listed = git(self._top, "grep", "-l", "-z", "-I", "--untracked", "-E", pattern, "--", "*.py")
        except GitError:  # also: nothing matched
            return []
        excluded = pathspec.GitIgnoreSpec.from_lines(self.exclude)
        return [
            name
            for name in sorted(listed.decode("utf-8", "surrogateescape").split("\0"))
            if name and name not in self._under_review and not excluded.match_file(name)
        ]

    def _read(self, shown: str) -> CodeUnit | None:
        path = self._top / shown
        try:
            text = read_source(path, self.max_bytes, self._top)
        except UnreadableSourceError:
            return None
        return CodeUnit(id=shown, path=shown, language="python", text=text, disk_path=path)
