"""How to compile one C or C++ file without its build system: the arguments the C analyzers (cppcheck,
clang-tidy, GCC's analyzer) are given, shared by all three so they see the same code.

A repository with a compile_commands.json (at its root or in build/) says it for the files it lists: their
include folders, macros and language standard; a file it does not list (a header) is built like the listed
file nearest to it. Without one, the include folders are worked out from the repository itself: each
`#include "..."` or `<...>` of the file (and of the repository headers it reaches) is looked up among the
repository's headers, and the folder that makes the include resolve is added, nearest the including file first;
a quoted include relative to the including file (`"../common/platform.h"`) needs no folder, but what it includes
is followed too. An angle include that the system provides (stdio.h, <sys/...>) is left to the compiler, so a
repository header of the same name never shadows it, except a library's own namespaced header that the
repository holds (`<brotli/port.h>` under `c/include/`): the project's build puts its own folder first, and the
system's copy may be another version of it. A CPython extension's Python.h, which no repository holds, is taken
from the headers of the Python secreview runs on, as setuptools builds the extension.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sysconfig
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Literal

from secreview.models import CodeUnit

HEADER_SUFFIXES = frozenset({".h", ".hh", ".hpp", ".hxx", ".h++", ".inc"})
_DATABASE_PLACES = ("compile_commands.json", "build/compile_commands.json")
_SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "venv", ".venv", "site-packages"})
_MAX_FILES_INDEXED = 50_000  # a repository bigger than this gets the include folders of the headers seen so far
_MAX_HEADERS_FOLLOWED = 400  # per file: how many repository headers its includes are followed through
_SYSTEM_INCLUDE_DIRS = ("/usr/local/include", "/usr/include")
# folders of the C library, POSIX and the kernel: a repository's copy of such a header is a compatibility shim that
# its build adds only where the system lacks one
_SYSTEM_NAMESPACES = frozenset(
    {"sys", "bits", "linux", "asm", "asm-generic", "net", "netinet", "arpa", "machine", "gnu"}
)
# the environment's include folders, as gcc and clang read them: for both languages, for C, for C++
INCLUDE_VARIABLES = ("CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH")
_INCLUDE = re.compile(rb'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.MULTILINE)
_Known = tuple[tuple[str, ...], tuple[str, ...], str | None]  # a compile command's includes, defines, standard


@dataclass(frozen=True)
class BuildArgs:
    """The compiler's view of one file."""

    language: Literal["c", "c++"]
    includes: tuple[str, ...] = ()  # -I folders, in search order
    defines: tuple[str, ...] = ()  # NAME or NAME=VALUE (-D)
    std: str | None = None  # c11, gnu++17, ... (-std=); None: the tool's default
    from_database: bool = False  # True: taken from compile_commands.json
    # a file of the review that includes this header: where the header cannot be read alone (a template written
    # against macros its includer defines first), it is read there
    includer: Includer | None = None

    def compiler_flags(self) -> list[str]:
        """The flags as gcc and clang read them (the language, then -std, -D, -I)."""
        flags = ["-x", self.language]
        if self.std:
            flags.append(f"-std={self.std}")
        flags += [f"-D{define}" for define in self.defines]
        flags += [f"-I{folder}" for folder in self.includes]
        return flags

    def environment_includes(self) -> list[str]:
        """The folders gcc and clang also search because the environment names them (CPATH, then C_INCLUDE_PATH or
        CPLUS_INCLUDE_PATH), for a tool that does not read the environment (cppcheck): where a user has pointed
        the compilers at Python's headers, every analyzer sees the same Python.h."""
        variables = ("CPATH", "CPLUS_INCLUDE_PATH" if self.language == "c++" else "C_INCLUDE_PATH")
        folders = (folder for name in variables for folder in os.environ.get(name, "").split(os.pathsep))
        return [folder for folder in folders if folder and Path(folder).is_dir()]


@dataclass(frozen=True)
class Includer:
    """A file of the review that includes headers (its path and arguments), and what a tool made of it in this
    review, by command: the headers read within it share one run."""

    path: str
    build: BuildArgs
    runs: dict[tuple[str, ...], subprocess.CompletedProcess[str]] = field(
        default_factory=dict, compare=False, repr=False
    )


def _on_disk(unit: CodeUnit) -> str:
    """The resolved path of a unit that is a file on disk."""
    return str(Path(unit.disk_path or "").resolve())


def language_of(unit: CodeUnit) -> Literal["c", "c++"]:
    """The compiler's name of the unit's language (a .h header that reads as C++ is a C++ unit: sources)."""
    return "c++" if unit.language == "cpp" else "c"


def repository_root(unit: CodeUnit) -> Path | None:
    """The folder the unit's path is relative to (the review root), when the unit is a file on disk."""
    if unit.disk_path is None:
        return None
    disk = Path(unit.disk_path).resolve()
    depth = len(PurePosixPath(unit.path.lstrip("/")).parts)
    if depth == 0 or not disk.as_posix().endswith(PurePosixPath(unit.path.lstrip("/")).as_posix()):
        return disk.parent
    return disk.parents[depth - 1]


@dataclass
class BuildContext:
    """The build arguments of the files of one review; the repository is read once."""

    root: Path | None
    _database: dict[str, _Known] = field(default_factory=dict, init=False)
    _units: tuple[CodeUnit, ...] = field(default=(), init=False)
    _headers_of: dict[str, dict[str, bytes]] = field(default_factory=dict, init=False)  # included_headers, by path

    @classmethod
    def for_units(cls, units: Iterable[CodeUnit]) -> BuildContext:
        units = tuple(units)
        root = next((r for r in map(repository_root, units) if r is not None), None)
        context = cls(root)
        context._units = units
        if root is not None:
            context._database = _read_database(root)
        return context

    def args(self, path: str, unit: CodeUnit) -> BuildArgs:
        """The arguments for the unit, whose text the tools read at `path`, with the review's file that includes it
        (a header's)."""
        own = self._own_args(path, unit)
        includer = self.includer_of(unit)
        return own if includer is None else replace(own, includer=self._includer_args[includer.path])

    def includer_of(self, unit: CodeUnit) -> CodeUnit | None:
        """The review's file (on disk) that includes the unit, directly or through other headers: a source before a
        header, then the first by path; None if none does."""
        return self._includers.get(unit.path)

    def files_read_with(self, unit: CodeUnit) -> dict[str, bytes]:
        """The repository files an analyzer may read with the unit (on disk), by path: the headers it includes
        and, for a header, the review's file that includes it and that file's headers (cppcheck reads a header
        there when it cannot alone)."""
        found = self.included_headers(_on_disk(unit), unit)
        includer = self.includer_of(unit)
        if includer is not None:
            found = (
                found | self.included_headers(_on_disk(includer), includer) | {includer.path: includer.text.encode()}
            )
        return found

    @cached_property
    def _includer_args(self) -> dict[str, Includer]:
        """One Includer per including file, shared by the headers it includes (and so their runs within it)."""
        including = {unit.path: unit for unit in self._includers.values()}
        return {
            name: Includer(_on_disk(unit), self._own_args(_on_disk(unit), unit)) for name, unit in including.items()
        }

    def _own_args(self, path: str, unit: CodeUnit) -> BuildArgs:
        language = language_of(unit)
        disk = _on_disk(unit) if unit.disk_path is not None else None
        known = self._database.get(disk or "") or self._borrowed(disk or path)
        if known is not None:
            return BuildArgs(language, *known, from_database=True)
        return BuildArgs(language, tuple(self._include_folders(Path(disk or path).parent, unit.text.encode())))

    @cached_property
    def _includers(self) -> dict[str, CodeUnit]:
        """Path of each header of the review -> the review's file that includes it, directly or through other
        headers: a source before a header, then the first by path."""
        found: dict[str, CodeUnit] = {}
        on_disk = [unit for unit in self._units if unit.disk_path is not None]
        for unit in sorted(on_disk, key=lambda unit: (PurePosixPath(unit.path).suffix in HEADER_SUFFIXES, unit.path)):
            for name in self.included_headers(_on_disk(unit), unit):
                if name != unit.path:
                    found.setdefault(name, unit)
        return found

    def included_headers(self, path: str, unit: CodeUnit) -> dict[str, bytes]:
        """The repository headers the unit (read at `path`) includes, directly or through one another, by path
        relative to the root, with their content: what the analyzers read besides the file. Each include is
        resolved as the compiler does with the unit's arguments (`"..."` next to the including file first, then
        the -I folders); a header outside the repository (the system's) is left out. Read once per review."""
        if self.root is None:
            return {}
        if path not in self._headers_of:
            self._headers_of[path] = self._follow_includes(path, unit, self.root)
        return self._headers_of[path]

    def _follow_includes(self, path: str, unit: CodeUnit, root: Path) -> dict[str, bytes]:
        includes = [Path(folder) for folder in self._own_args(path, unit).includes]
        disk = Path(unit.disk_path).resolve() if unit.disk_path is not None else Path(path)
        found: dict[str, bytes] = {}
        queue: deque[tuple[Path, bytes]] = deque([(disk.parent, unit.text.encode())])
        while queue and len(found) < _MAX_HEADERS_FOLLOWED:
            here, content = queue.popleft()
            for match in _INCLUDE.finditer(content):
                spec = match.group(2).decode("utf-8", "replace").strip()
                folders = [here, *includes] if match.group(1) == b'"' else includes
                header = next((folder / spec for folder in folders if (folder / spec).is_file()), None)
                relative = _relative(header, root) if header is not None else None
                if header is None or relative is None or str(relative) in found:
                    continue
                try:
                    found[str(relative)] = header.read_bytes()
                except OSError:
                    continue
                queue.append((header.parent, found[str(relative)]))
        return found

    def _borrowed(self, path: str) -> _Known | None:
        """For a file the database does not list (a header, a new file): the arguments of the listed file nearest
        to it in the tree, as clangd does, since files side by side are built alike."""
        if not self._database:
            return None
        parts = Path(path).parts

        def shared(listed: str) -> int:
            pairs = list(zip(parts, Path(listed).parts, strict=False))
            return next((i for i, (a, b) in enumerate(pairs) if a != b), len(pairs))

        return self._database[max(sorted(self._database), key=shared)]

    @cached_property
    def _headers(self) -> dict[str, list[PurePosixPath]]:
        """File name -> the repository's headers of that name (paths relative to the root)."""
        found: dict[str, list[PurePosixPath]] = {}
        if self.root is None:
            return found
        seen = 0
        for folder, folders, files in os.walk(self.root):
            folders[:] = sorted(f for f in folders if not f.startswith(".") and f not in _SKIPPED_FOLDERS)
            for name in files:
                seen += 1
                if PurePosixPath(name).suffix.lower() in HEADER_SUFFIXES:
                    relative = PurePosixPath(Path(folder, name).relative_to(self.root).as_posix())
                    found.setdefault(name, []).append(relative)
            if seen > _MAX_FILES_INDEXED:
                break
        return found

    def _include_folders(self, folder: Path, text: bytes) -> list[str]:
        """The -I folders that make the includes of a file (in `folder`) and of the headers they reach resolve."""
        if self.root is None:
            return []
        root = self.root
        folders: list[str] = []
        queue: deque[tuple[Path, bytes]] = deque([(folder, text)])
        followed: set[PurePosixPath] = set()
        while queue and len(followed) < _MAX_HEADERS_FOLLOWED:
            here, content = queue.popleft()
            for quote, spec in _includes(content):
                if quote == "<" and _is_system_header(spec) and not self._library_header(spec):
                    continue
                if (here / spec).is_file():
                    header = _relative(here / spec, root)
                    prefix = None
                else:
                    header = self._nearest(spec, _relative(here, root))
                    prefix = header and _prefix(header, spec)
                if header is None and spec == "Python.h" and (python := python_headers()) not in (None, *folders):
                    folders.append(str(python))
                if header is None or header in followed:
                    continue
                followed.add(header)
                if prefix is not None:
                    include = str(root / prefix) if prefix.parts else str(root)
                    if include not in folders:
                        folders.append(include)
                try:
                    queue.append(((root / header).parent, (root / header).read_bytes()))
                except OSError:
                    continue
        return folders

    def _library_header(self, spec: str) -> bool:
        """Whether an angle include names a library's namespaced header that the repository holds (brotli/port.h)."""
        parts = PurePosixPath(spec).parts
        return len(parts) > 1 and parts[0] not in _SYSTEM_NAMESPACES and self._nearest(spec, None) is not None

    def _nearest(self, spec: str, near: PurePosixPath | None) -> PurePosixPath | None:
        """The repository header that `#include spec` names, the one nearest the including folder first."""
        wanted = PurePosixPath(spec)
        candidates = [
            path
            for path in self._headers.get(wanted.name, [])
            if path.parts[-len(wanted.parts) :] == wanted.parts and len(path.parts) >= len(wanted.parts)
        ]
        if not candidates:
            return None

        def shared(path: PurePosixPath) -> int:
            here = near.parts if near is not None else ()
            return next((i for i, (a, b) in enumerate(zip(here, path.parts, strict=False)) if a != b), len(here))

        return max(candidates, key=lambda path: (shared(path), -len(path.parts), str(path)))


def _includes(content: bytes) -> Iterable[tuple[str, str]]:
    """(quote, spec) of each #include; a path that climbs (`../common/x.h`) only in quotes, relative to its file."""
    for match in _INCLUDE.finditer(content):
        spec, quote = match.group(2).decode("utf-8", "replace").strip(), match.group(1).decode()
        if spec and (quote == '"' or ".." not in PurePosixPath(spec).parts):
            yield quote, spec


def _relative(path: Path, root: Path) -> PurePosixPath | None:
    try:
        return PurePosixPath(path.resolve().relative_to(root).as_posix())
    except ValueError:
        return None


def _prefix(header: PurePosixPath, spec: str) -> PurePosixPath:
    """The folder under which `spec` names `header` (header include/foo/bar.h, spec foo/bar.h: include)."""
    return PurePosixPath(*header.parts[: len(header.parts) - len(PurePosixPath(spec).parts)])


def python_headers() -> str | None:
    """The folder of this Python's C headers, for a CPython extension's sources (`#include "Python.h"`), which
    setuptools compiles against them; None where they are not installed, or where the environment's include
    folders (CPATH, ...) already hold a Python.h, which the user chose."""
    chosen = (folder for name in INCLUDE_VARIABLES for folder in os.environ.get(name, "").split(os.pathsep))
    if any(folder and Path(folder, "Python.h").is_file() for folder in chosen):
        return None
    folder = sysconfig.get_paths()["include"]
    return folder if Path(folder, "Python.h").is_file() else None


def _is_system_header(spec: str) -> bool:
    """Whether the system provides the header (C and POSIX headers, C++ standard headers without a suffix)."""
    if "." not in PurePosixPath(spec).name:
        return True
    return any(Path(folder, spec).is_file() for folder in _SYSTEM_INCLUDE_DIRS) or any(
        Path(folder, spec).is_file() for folder in Path("/usr/include").glob("*-linux-gnu*")
    )


def _read_database(root: Path) -> dict[str, _Known]:
    """Resolved source path -> its arguments, from the repository's compile_commands.json (empty if none or
    unreadable: the files are then compiled as if there were none)."""
    for place in _DATABASE_PLACES:
        path = root / place
        if not path.is_file():
            continue
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {
            str((Path(entry["directory"]) / entry["file"]).resolve()): _arguments(entry)
            for entry in entries
            if isinstance(entry, Mapping) and "file" in entry and "directory" in entry
        }
    return {}


def _arguments(entry: Mapping[str, object]) -> _Known:
    """The include folders, macros and standard of one compile command (everything else is the build's own)."""
    raw = entry.get("arguments")
    words = [str(word) for word in raw] if isinstance(raw, list) else shlex.split(str(entry.get("command", "")))
    directory = Path(str(entry["directory"]))
    includes: list[str] = []
    defines: list[str] = []
    std = None
    index = 0
    while index < len(words):
        word = words[index]
        for flag in ("-I", "-isystem", "-iquote", "-D"):
            if word == flag and index + 1 < len(words):
                index += 1
                value = words[index]
            elif word.startswith(flag) and len(word) > len(flag):
                value = word[len(flag) :]
            else:
                continue
            if flag == "-D":
                defines.append(value)
            else:
                includes.append(str((directory / value).resolve()))
            break
        if word.startswith("-std="):
            std = word.removeprefix("-std=")
        index += 1
    return tuple(includes), tuple(defines), std
