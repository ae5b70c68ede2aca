"""Candidates from parameters and wrappers: Python values a caller controls that reach a dangerous sink.

Taint rules that start at `request.args` or `sys.argv` miss the commonest shape of real code: the value
arrives as a parameter of a public function or method, or goes through the project's own wrapper
(`run_cmd(cmd)` two files away). A careful reviewer asks of each such parameter whether anything checks it.
This engine asks the same, in two passes over the Python units under review (secreview.engines.pyflow):

1. summaries: which functions pass their own parameter to a sink, in the units and in the files around them
   (the rest of the repository, interface.Surroundings). They depend on one file only, so each file's
   summaries are stored in the call log under its content (like engines/cached.py); a function name defined
   once among those files makes its calls sinks (a name defined twice is ambiguous and dropped);
2. candidates: in each function, a value from a public function's parameter reaching a sink directly, or
   any caller data (a parameter, request data) reaching a wrapper's sink through a summary, or a command
   line or query built from it going to a function named like a command runner.

What it reports are candidates (`Finding.kind = "candidate"`, low confidence, with the flow from the
parameter to the sink): whether a caller can pass attacker-controlled data is for the verification stage
(the model) or a person to decide. The second pass is cached per unit through CachedEngine, its key naming
a digest of every summary, so a warm re-run parses nothing.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import metadata
from typing import Any

from secreview import models, sinks
from secreview.backends.call_log import CallLog
from secreview.cwe import short_name
from secreview.engines import pyflow, rulebook, workspace
from secreview.engines.cached import CachedEngine
from secreview.engines.interface import CANDIDATE_CONFIDENCE, NO_SURROUNDINGS, EngineResult, Surroundings, source_digest
from secreview.engines.pyflow import Checker, Hit, RequestReader, Summary
from secreview.engines.workspace import readable_python, syntax_error
from secreview.models import CodeUnit, Evidence, Finding, Severity
from secreview.sources.languages import parse_python

ENGINE = "flows"
KEY_VERSION = 2
_SEVERITY = {89: Severity.high, 78: Severity.high, 95: Severity.high, 502: Severity.high, 1336: Severity.high}

# Rule id and title per weakness: one per CWE, whichever way (direct, wrapper, name) the value got there.
RULES: dict[int, tuple[str, str]] = {
    89: ("python-flow-sql-injection", "SQL built from a caller's value"),
    78: ("python-flow-command-injection", "Shell command built from a caller's value"),
    95: ("python-flow-code-injection", "A caller's value evaluated as code"),
    502: ("python-flow-deserialization", "A caller's value deserialised"),
    22: ("python-flow-path-traversal", "A caller's value used as a file path"),
    601: ("python-flow-open-redirect", "Redirect to a caller's value"),
    1336: ("python-flow-template-injection", "A caller's value rendered as a template"),
    79: ("python-flow-xss", "A caller's value in HTML unescaped"),
    918: ("python-flow-ssrf", "Request to a URL from a caller's value"),
    90: ("python-flow-ldap-injection", "LDAP filter built from a caller's value"),
    643: ("python-flow-xpath-injection", "XPath built from a caller's value"),
}
_GENERIC_SOLUTION = (
    "Find out whether callers can pass untrusted data here; if they can, validate the value against what is "
    "allowed (an allow-list, a containment check) or pass it in a form the sink cannot misread."
)


def _digest(payload: object) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@cache
def _code_digest() -> str:
    return source_digest(sys.modules[__name__], pyflow, sinks, models, rulebook, workspace)


def parse(unit: CodeUnit) -> tuple[ast.Module, str | None] | str:
    """The unit's syntax tree as the static tools read it (fragments re-indented, lines that do not parse left
    out, line numbers kept) and the coverage note on what was left out; or why Python cannot parse any of it."""
    readable = readable_python(unit)
    if readable is None:
        return f"Python cannot parse it: {syntax_error(unit)}"
    return parse_python(readable.text), readable.note("the flow engine")


@dataclass(frozen=True)
class FileSummary:
    """What one file contributes to the repository's summaries: the functions it defines, those of them that
    pass a parameter to a sink, those that return request data, and those that return their input checked."""

    defined: tuple[str, ...]
    summaries: tuple[Summary, ...]
    readers: tuple[RequestReader, ...] = ()
    checkers: tuple[Checker, ...] = ()

    def dumps(self) -> str:
        return json.dumps(
            {
                "defined": list(self.defined),
                "summaries": [asdict(s) for s in self.summaries],
                "readers": [asdict(r) for r in self.readers],
                "checkers": [asdict(c) for c in self.checkers],
            }
        )

    @classmethod
    def loads(cls, text: str) -> FileSummary | None:
        try:
            data = json.loads(text)
            return cls(
                tuple(data["defined"]),
                tuple(Summary(**item) for item in data["summaries"]),
                tuple(RequestReader(**item) for item in data["readers"]),
                tuple(Checker(**item) for item in data["checkers"]),
            )
        except (ValueError, KeyError, TypeError):
            return None


def summarise_file(unit: CodeUnit) -> FileSummary:
    parsed = parse(unit)
    if isinstance(parsed, str):
        return FileSummary((), ())
    tree = parsed[0]
    return FileSummary(
        tuple(f.name for f in pyflow.functions(tree)),
        tuple(pyflow.summarise(tree, unit.path)),
        tuple(pyflow.request_readers(tree, unit.path)),
        tuple(pyflow.checkers(tree, unit.path)),
    )


@dataclass(frozen=True)
class Index:
    """What the repository's functions do, by name, for names defined exactly once among the files (a call of
    a name defined twice cannot be told apart without types): what their parameters reach, whether they return
    request data, whether they return their input checked."""

    wrappers: dict[str, list[Summary]]
    readers: dict[str, RequestReader]
    checkers: dict[str, Checker]

    def digest(self) -> str:
        return _digest(
            {
                "wrappers": {name: [asdict(s) for s in items] for name, items in sorted(self.wrappers.items())},
                "readers": {name: asdict(reader) for name, reader in sorted(self.readers.items())},
                "checkers": {name: asdict(checker) for name, checker in sorted(self.checkers.items())},
            }
        )


def index(files: Sequence[FileSummary]) -> Index:
    defined = Counter(name for file in files for name in file.defined)
    wrappers: dict[str, list[Summary]] = {}
    for file in files:
        for summary in file.summaries:
            if defined[summary.function] == 1:
                wrappers.setdefault(summary.function, []).append(summary)
    readers = {r.function: r for file in files for r in file.readers if defined[r.function] == 1}
    checkers = {c.function: c for file in files for c in file.checkers if defined[c.function] == 1}
    return Index(wrappers, readers, checkers)


def _finding(unit: CodeUnit, function: str, hit: Hit) -> Finding:
    rule_id, title = RULES[hit.cwe]
    source = hit.taint.source
    origin = f"parameter `{source}` of `{function}()`"
    if source == pyflow.REQUEST_SOURCE:
        origin = "request data that a project helper returned" if hit.taint.read_by_helper else "request data"
    how = (
        f"through the project's wrapper `{hit.via.function}()`"
        if hit.via is not None
        else "to a function whose name says it runs commands or queries"
        if hit.by_name
        else "directly"
    )
    message = (
        f"The value of {origin} reaches {hit.sink} at line {hit.line} {how}, which {hit.what}, with no "
        "recognised check on the way. If a caller can pass attacker-controlled data, this is "
        f"{short_name(hit.cwe)} (CWE-{hit.cwe}); whether one can is not visible here, so this is a candidate to check."
    )
    severity = _SEVERITY.get(hit.cwe, Severity.medium)
    return Finding(
        path=unit.path,
        start_line=hit.line,
        end_line=hit.end_line,
        cwe=hit.cwe,
        title=f"{title} (candidate)",
        description=message,
        solution=rulebook.solution_for(hit.cwe, "python") or _GENERIC_SOLUTION,
        severity=severity,
        confidence=CANDIDATE_CONFIDENCE,
        evidence=[
            Evidence(
                engine=ENGINE,
                rule_id=rule_id,
                message=message,
                severity=severity,
                confidence=CANDIDATE_CONFIDENCE,
                cwe=hit.cwe,
            )
        ],
        kind="candidate",
        flow=list(hit.taint.steps),
    )


def candidates(unit: CodeUnit, known: Index) -> tuple[list[Finding], str | None] | str:
    """The unit's candidates, one per sink line and weakness (the first flow found to it), and what of it was
    not read; or why it could not be read."""
    parsed = parse(unit)
    if isinstance(parsed, str):
        return parsed
    tree, note = parsed
    found: dict[tuple[int, int], Finding] = {}
    module = pyflow.read_module(tree)
    for function in pyflow.functions(tree):
        for hit in pyflow.walk(function, dict(known.wrappers), module, readers=known.readers, checkers=known.checkers):
            found.setdefault((hit.line, hit.cwe), _finding(unit, function.name, hit))
    return [found[key] for key in sorted(found)], note


_CALLED = re.compile(r"(\w+)\s*\(")
_BUILTINS = frozenset(dir(builtins))  # print(x) calls the builtin, whatever a module names print


@dataclass
class _CandidateEngine:
    """The second pass over units, with the repository's wrappers fixed: cacheable per unit."""

    known: Index
    name: str = ENGINE
    languages: frozenset[str] = frozenset({"python"})
    wants_hints: bool = False

    def version(self) -> str:
        return metadata.version("secreview")

    def stop(self) -> None:
        """Nothing runs outside this thread; a unit takes milliseconds."""

    def cache_key(self) -> dict[str, Any]:
        return {
            "source": _code_digest(),
            "index": self.known.digest(),
        }

    def review(self, units: Sequence[CodeUnit], hints: Mapping[str, list[Finding]] | None = None) -> EngineResult:
        result = EngineResult()
        for unit in units:
            found = candidates(unit, self.known)
            if isinstance(found, str):
                result.skipped[unit.id] = found
                continue
            findings, note = found
            result.findings += findings
            if note:
                result.notes.setdefault(unit.id, []).append(note)
        return result


@dataclass
class FlowEngine:
    """Candidates from parameters and wrappers (see the module's docstring); `log` caches both passes."""

    log: CallLog | None = None
    name: str = ENGINE
    languages: frozenset[str] = frozenset({"python"})
    wants_hints: bool = False
    reads_surroundings: bool = True
    _stopped: bool = field(default=False, init=False, repr=False)

    def version(self) -> str:
        return metadata.version("secreview")

    def stop(self) -> None:
        self._stopped = True

    def review(
        self,
        units: Sequence[CodeUnit],
        hints: Mapping[str, list[Finding]] | None = None,
        surroundings: Surroundings = NO_SURROUNDINGS,
    ) -> EngineResult:
        """The units' candidates, with the wrappers of the units and of the files around them (separate units:
        each with its own and the surroundings', so one benchmark case's functions do not make sinks in another)."""
        result = EngineResult()
        if self._stopped:
            result.interrupt(unit.id for unit in units)
            return result
        summaries: dict[str, FileSummary] = {}  # by path: a helper around many separate units is read once

        def summary(unit: CodeUnit) -> FileSummary:
            if unit.path not in summaries:
                summaries[unit.path] = self._summary(unit)
            return summaries[unit.path]

        groups = [[unit] for unit in units] if surroundings.separate else [list(units)]
        for group in groups:
            # only a file defining a name the group calls can make a call in it a sink or a source
            called = frozenset(name for unit in group for name in _CALLED.findall(unit.text)) - _BUILTINS
            inner = _CandidateEngine(index([summary(unit) for unit in [*group, *surroundings.defining(called)]]))
            result.extend((CachedEngine(inner, self.log) if self.log is not None else inner).review(group))
        return result

    def _summary(self, unit: CodeUnit) -> FileSummary:
        """The file's summary, from the call log when its content was summarised before by this code."""
        if self.log is None:
            return summarise_file(unit)
        key = _digest(
            {
                "key_version": KEY_VERSION,
                "engine": f"{ENGINE}-summaries",
                "source": _code_digest(),
                "path": unit.path,
                "sha256": unit.sha256,
            }
        )
        stored = self.log.lookup_static(key)
        restored = FileSummary.loads(stored) if stored is not None else None
        if restored is not None:
            return restored
        summary = summarise_file(unit)
        self.log.record_static(key, engine=f"{ENGINE}-summaries", path=unit.path, result=summary.dumps())
        return summary
