"""The engine protocol: code units in, raw findings and per-unit coverage out. Engines never print."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, runtime_checkable

from secreview.models import CodeUnit, Finding, ModelCall, UnitRouting

INTERRUPTED = "interrupted"
"""The skip reason of each unit an engine had not finished when the review was stopped (Ctrl-C)."""
# the confidence of a candidate (Finding.kind "candidate"), no higher than any rule's (Bandit's LOW is 0.3 too): a
# question, not a confirmed defect; the kind, not this number, says which a report is (Evidence.candidate)
CANDIDATE_CONFIDENCE = 0.3


class EngineUnavailableError(Exception):
    """The engine cannot run at all (tool missing, crashed); str(error) says why."""


class EngineStoppedError(Exception):
    """Raised inside an engine once it is stopped (Engine.stop): ends the work in progress, whose units are
    then skipped as INTERRUPTED."""


@dataclass
class EngineResult:
    findings: list[Finding] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # unit id -> why this engine did not review it
    notes: dict[str, list[str]] = field(default_factory=dict)  # unit id -> remarks that do not skip it
    calls: list[ModelCall] = field(default_factory=list)  # model engines: every call and its cost
    samples: dict[str, int] = field(default_factory=dict)  # sampled engines: unit id -> samples drawn per window
    routing: dict[str, UnitRouting] = field(default_factory=dict)  # model engines: unit id -> what routing sent
    interrupted: bool = False  # stopped (Ctrl-C) before the end: the units it had not finished are skipped
    # unit id -> why an optional analyzer did not review it (absent, or the file does not compile without its
    # build): said in the coverage, not a gap in the review (a skip is)
    not_run: dict[str, str] = field(default_factory=dict)

    def interrupt(self, unit_ids: Iterable[str]) -> None:
        """The engine was stopped before it finished these units (a reason already given for one stays)."""
        self.interrupted = True
        for unit_id in unit_ids:
            self.skipped.setdefault(unit_id, INTERRUPTED)

    def extend(self, other: EngineResult) -> None:
        """Append another result (of other units): merged in a fixed order, results do not depend on timing."""
        self.interrupted = self.interrupted or other.interrupted
        self.findings += other.findings
        self.skipped.update(other.skipped)
        for unit_id, notes in other.notes.items():
            self.notes.setdefault(unit_id, []).extend(notes)
        self.calls += other.calls
        self.samples.update(other.samples)
        self.routing.update(other.routing)
        self.not_run.update(other.not_run)


class Engine(Protocol):
    name: str
    languages: frozenset[str]
    wants_hints: bool  # True: runs after the others and gets their findings, by unit path, as hints

    def version(self) -> str: ...

    def review(self, units: Sequence[CodeUnit], hints: Mapping[str, list[Finding]] | None = None) -> EngineResult:
        """Review units of this engine's languages; every unit not in `skipped` counts as reviewed."""
        ...

    def stop(self) -> None:
        """Ctrl-C, from any thread: the review in progress ends soon (its tools are killed, no further model
        call is made) and returns what it finished, the other units skipped as INTERRUPTED and `interrupted`
        set; every later review of this engine returns so at once."""
        ...


_SIGNAL_POLL_S = 0.2


def wait_all(futures: Iterable[Future[Any]]) -> None:
    """Wait for every future, a slice of time at a time, so that Ctrl-C is heard at once: the kernel may hand
    SIGINT to any thread (a worker waiting on a tool), and Python runs its handler in the main thread only when
    that thread runs Python code again, which a main thread blocked on a lock without a time limit would do only
    after the tools had run to their end."""
    pending = set(futures)
    while pending:
        _, pending = wait(pending, timeout=_SIGNAL_POLL_S)


@contextmanager
def stop_on_ctrl_c(*engines: Engine) -> Iterator[None]:
    """A Ctrl-C (KeyboardInterrupt) inside the block stops the engines instead of going further: their
    reviews then return what they finished, so the caller still gets a (partial) result to report."""
    try:
        yield
    except KeyboardInterrupt:
        for engine in engines:
            engine.stop()


class CacheableEngine(Engine, Protocol):
    """An engine whose result for a unit depends only on that unit and on what `cache_key` names, so it can
    be reused for unchanged code (engines/cached.py)."""

    def cache_key(self) -> dict[str, Any]:
        """Everything besides a unit's path, language and content that its result depends on (JSON values):
        the tool's version, the settings, digests of the rules and of the code that makes the findings."""
        ...


@runtime_checkable
class ReadsOtherFiles(Protocol):
    """A CacheableEngine whose result on a unit also depends on other files of the repository (a C file's
    headers): their digest is part of the unit's cache key, so a change to one of them reviews it again."""

    def dependencies(self, units: Sequence[CodeUnit]) -> dict[str, str]:
        """Unit id -> a digest of the other files its result depends on."""
        ...


def _no_files(names: frozenset[str]) -> Sequence[CodeUnit]:
    return ()


@dataclass(frozen=True)
class Surroundings:
    """What surrounds the units under review: the project's other files, read for context only (never reviewed or
    reported on) and asked for by the names of the functions they define (`defining`: those that define one of
    the names); and whether the units are separate programs (a benchmark's cases, each reviewed on its own)
    rather than parts of one."""

    defining: Callable[[frozenset[str]], Sequence[CodeUnit]] = _no_files
    separate: bool = False


NO_SURROUNDINGS = Surroundings()


@runtime_checkable
class ReadsSurroundings(Protocol):
    """An engine whose findings in a unit depend on what other files of the project define (the flow engine's
    summaries of wrappers): the review gives it the surroundings beside the units."""

    reads_surroundings: bool

    def review(
        self,
        units: Sequence[CodeUnit],
        hints: Mapping[str, list[Finding]] | None = None,
        surroundings: Surroundings = NO_SURROUNDINGS,
    ) -> EngineResult: ...


def source_digest(*modules: ModuleType) -> str:
    """sha256 of the modules' source files (every module of a package): results cached by an engine under
    development stop counting as soon as its code changes, before any version number does."""
    digest = hashlib.sha256()
    for module in modules:
        source = Path(str(module.__file__))
        files = sorted(source.parent.rglob("*.py")) if hasattr(module, "__path__") else [source]
        for file in files:
            digest.update(file.read_bytes())
    return digest.hexdigest()
