"""Semgrep with the project's own rules only: offline, no registry, no metrics."""

from __future__ import annotations

import ast
import hashlib
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from secreview.engines import c_text, py_text, pyflow, rule_cwes, rulebook, semgrep_filters, workspace
from secreview.engines.interface import (
    CANDIDATE_CONFIDENCE,
    EngineResult,
    EngineStoppedError,
    EngineUnavailableError,
    source_digest,
)
from secreview.engines.rule_cwes import rule_cwe
from secreview.engines.rulebook import languages_with_rules, rule_dirs, rules_digest
from secreview.engines.workspace import ToolProcesses, argument_batches, resolved, tool_path, tool_text, units_on_disk
from secreview.models import CodeUnit, Evidence, Finding, Severity, line_ranges, spans
from secreview.sources.languages import parse_python

# Error types after which Semgrep's review of the file cannot be trusted to be complete ("Other syntax error": its
# parser failed on the whole file, which it lists as scanned and reads nothing of).
_FATAL_ERROR_TYPES = ("Timeout", "OutOfMemory", "Fatal", "Lexical", "Syntax error", "Other syntax error")
# A user's rule without secreview's metadata: Semgrep's own severity and the registry's confidence words.
_SEMGREP_SEVERITY = {"ERROR": Severity.high, "WARNING": Severity.medium, "INFO": Severity.low}
_CONFIDENCE_WORDS = {"HIGH": 0.9, "MEDIUM": 0.6, "LOW": 0.3}
_CWE_NUMBER = re.compile(r"(?:CWE-)?(\d+)", re.IGNORECASE)
# A file on which a rule ran out of time is read once more, after the others, with this many times the time: beside
# the C analyzers a busy machine made Semgrep's rules on Brotli's 470 KB dictionary table take 3 times as long.
RETRY_TIME_FACTOR = 4


def _semgrep_text(unit: CodeUnit) -> str:
    """What Semgrep reads of a unit: C and C++ as engines/c_text.py writes them, Python as engines/py_text.py does."""
    text = tool_text(unit)
    if unit.language in ("c", "cpp"):
        return c_text.semgrep_text(text, unit.language)
    return py_text.semgrep_text(text) if unit.language == "python" else text


def _parsed(text: str) -> ast.Module | None:
    """The syntax tree of a Python file Semgrep read; None where Python's parser does not take it (Semgrep's is
    more lenient), and then no report is dropped."""
    try:
        return parse_python(text)
    except (SyntaxError, ValueError, RecursionError):
        return None


def semgrep_command() -> str:
    """The semgrep next to this Python first (our virtualenv), then the one on PATH."""
    found = tool_path("semgrep")
    if found is None:
        raise EngineUnavailableError("semgrep is not installed (pip install semgrep)")
    return found


def _metadata_cwe(value: Any) -> int | None:
    """A rule's `cwe`: 89, "CWE-89", "CWE-89: Improper ..." or a list of them (the first counts)."""
    first = value[0] if isinstance(value, list) and value else value
    match = _CWE_NUMBER.match(str(first).strip()) if first is not None else None
    return int(match.group(1)) if match else None


def _confidence(meta: dict[str, Any]) -> float:
    value = meta.get("confidence", "MEDIUM")
    try:
        return min(max(float(value), 0.0), 1.0)
    except ValueError:
        return _CONFIDENCE_WORDS.get(str(value).upper(), 0.6)


def _finding(item: dict[str, Any], unit: CodeUnit, unsure: str = "") -> Finding:
    """A finding from one result: of secreview's rules (complete metadata, CWE from the reviewed table) or of a
    user's rule (the `rules` setting), whose metadata may hold less or nothing: Semgrep's severity stands in. With
    `unsure` (why it is only a candidate to check, semgrep_filters.unsure) a candidate."""
    meta = item["extra"].get("metadata", {})
    rule_id = semgrep_filters.rule_id(item)
    severity = (
        Severity(meta["severity"])
        if meta.get("severity") in {level.value for level in Severity}
        else _SEMGREP_SEVERITY.get(str(item["extra"].get("severity", "")).upper(), Severity.medium)
    )
    confidence = min(_confidence(meta), CANDIDATE_CONFIDENCE) if unsure else _confidence(meta)
    message = " ".join(f"{item['extra']['message']} {unsure}".split())
    cwe_id = rule_cwe(rule_id) or _metadata_cwe(meta.get("cwe"))
    return Finding(
        path=unit.path,
        start_line=item["start"]["line"],
        end_line=item["end"]["line"],
        cwe=cwe_id,
        title=(meta.get("title") or rule_id) + (" (candidate)" if unsure else ""),
        description=message,
        solution=" ".join(str(meta.get("solution", "")).split()),
        severity=severity,
        confidence=confidence,
        evidence=[
            Evidence(
                engine="semgrep",
                rule_id=rule_id,
                message=message,
                severity=severity,
                confidence=confidence,
                cwe=cwe_id,
            )
        ],
        kind="candidate" if unsure else "defect",
    )


def _files_digest(paths: Sequence[Path]) -> str:
    """sha256 of the user's rule files (each file under a folder), by name and content."""
    digest = hashlib.sha256()
    for root in paths:
        for file in sorted([root] if root.is_file() else (p for p in root.rglob("*") if p.is_file())):
            digest.update(f"{file}\0".encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def _error_type(error: dict[str, Any]) -> str:
    kind = error.get("type", "error")
    return str(kind[0] if isinstance(kind, list) else kind)


def _unparsed(error: dict[str, Any]) -> str:
    """Which lines a partial parse left out (`lines 183, 190-195 not parsed, the rest read; `), from the error's
    spans: how much of the file the rules did not see (in a C++ header often a line or two of a macro, in
    rapidjson's schema.h 837 of 3,262)."""
    kind = error.get("type")
    located = kind[1] if isinstance(kind, list) and len(kind) > 1 and isinstance(kind[1], list) else []
    numbers = {n for span in located for n in range(span["start"]["line"], span["end"]["line"] + 1)}
    named = f"line{'s' if len(numbers) > 1 else ''} {spans(line_ranges(numbers))}"
    return f"{named} not parsed, the rest read; " if numbers else ""


@dataclass
class SemgrepEngine:
    max_target_bytes: int
    timeout_s: int = 30
    extra_rules: tuple[Path, ...] = ()  # the user's own rule files and folders (the `rules` setting)
    name: str = "semgrep"
    languages: frozenset[str] = languages_with_rules()
    wants_hints: bool = False
    _processes: ToolProcesses = field(default_factory=ToolProcesses, init=False, repr=False)

    def version(self) -> str:
        return metadata.version("semgrep")

    def stop(self) -> None:
        self._processes.stop()

    def cache_key(self) -> dict[str, Any]:
        """Semgrep's version, its limits, the rules, and the code that runs it and reads its report."""
        return {
            "semgrep": self.version(),
            "max_target_bytes": self.max_target_bytes,
            "timeout_s": self.timeout_s,
            "rules": rules_digest(),
            "extra_rules": _files_digest(self.extra_rules),
            # c_text, py_text: what Semgrep reads of a file; semgrep_filters and pyflow: the reports it drops
            "source": source_digest(
                sys.modules[__name__], c_text, py_text, semgrep_filters, pyflow, workspace, rulebook, rule_cwes
            ),
        }

    def review(self, units: Sequence[CodeUnit], hints: Mapping[str, list[Finding]] | None = None) -> EngineResult:
        result = EngineResult()
        folders = [*rule_dirs(frozenset(u.language for u in units)), *self.extra_rules]
        configs = [arg for folder in folders for arg in ("--config", str(folder))]
        with units_on_disk(units, _semgrep_text) as by_path:
            scanned: set[str] = set()
            timed_out: set[str] = set()
            batches = list(argument_batches(list(by_path)))
            for index, batch in enumerate(batches):
                try:
                    done, late = self._scan(configs, batch, by_path, result, self.timeout_s)
                except EngineStoppedError:
                    result.interrupt(by_path[path].id for rest in batches[index:] for path in rest)
                    break
                scanned |= done
                timed_out |= late
            if timed_out and not result.interrupted:
                self._retry_timed_out(configs, sorted(timed_out), by_path, result)
            for path, unit in by_path.items():
                if path not in scanned and unit.id not in result.skipped:
                    result.skipped[unit.id] = "Semgrep did not scan it"
        return result

    def _scan(
        self, configs: list[str], paths: list[str], by_path: dict[str, CodeUnit], result: EngineResult, timeout_s: int
    ) -> tuple[set[str], set[str]]:
        """One Semgrep run over `paths`: its findings and errors into `result`; the paths it scanned, and those of
        them on which a rule ran out of time."""
        report = self._run(configs, paths, timeout_s)
        # the Python files with reports of secreview's rules, parsed for semgrep_filters (a user's rule may flag a
        # call whatever its arguments are: its reports are all kept)
        read: dict[str, tuple[str, ast.Module | None]] = {}  # once per file, not per report
        for item in report.get("results", []):
            unit = by_path[resolved(item["path"])]
            if unit.language == "python" and rule_cwe(semgrep_filters.rule_id(item)) is not None:
                if unit.id not in read:
                    text = _semgrep_text(unit)
                    read[unit.id] = (text, _parsed(text))
                if semgrep_filters.says_nothing(item, *read[unit.id]):
                    continue
            unsure = semgrep_filters.unsure(item, *read[unit.id], unit.path) if unit.id in read else ""
            result.findings.append(_finding(item, unit, unsure))
        errors = report.get("errors", [])
        for error in errors:
            self._record_error(error, by_path, result)
        late = {resolved(e["path"]) for e in errors if e.get("path") and _error_type(e) == "Timeout"}
        return {resolved(path) for path in report.get("paths", {}).get("scanned", [])}, late & set(by_path)

    def _retry_timed_out(
        self, configs: list[str], timed_out: list[str], by_path: dict[str, CodeUnit], result: EngineResult
    ) -> None:
        """The files on which a rule ran out of time, read again after the others with RETRY_TIME_FACTOR times the
        time: what the first run found on them is replaced, and the coverage says so (or, timed out again, why it is
        a gap)."""
        ids = {by_path[path].id for path in timed_out}
        paths = {by_path[path].path for path in timed_out}
        result.findings = [finding for finding in result.findings if finding.path not in paths]
        for unit_id in ids:
            result.skipped.pop(unit_id, None)
            result.notes.pop(unit_id, None)
        longer = self.timeout_s * RETRY_TIME_FACTOR
        try:
            self._scan(configs, timed_out, by_path, result, longer)
        except EngineStoppedError:
            result.interrupt(ids)
            return
        said = f"a rule ran past {self.timeout_s} s on it beside the other files; read again after them with {longer} s"
        for unit_id in ids:
            if unit_id in result.skipped:
                result.skipped[unit_id] += f" ({said})"
            else:
                result.notes.setdefault(unit_id, []).insert(0, f"Semgrep: {said}")

    def _record_error(self, error: dict[str, Any], by_path: dict[str, CodeUnit], result: EngineResult) -> None:
        kind = _error_type(error)
        unit = by_path.get(resolved(error["path"])) if error.get("path") else None
        said = str(error.get("message", ""))
        if unit is not None:  # the file as the user named it, not the copy Semgrep read in a temporary folder
            said = said.replace(str(error["path"]), unit.path)
        message = " ".join(said.split())[:200]
        if unit is None:
            if error.get("level") == "error":
                raise EngineUnavailableError(f"Semgrep failed: {kind}: {message}")
            return
        if error.get("level") == "error" or kind.startswith(_FATAL_ERROR_TYPES):
            result.skipped[unit.id] = f"Semgrep: {kind}: {message}"
        else:
            result.notes.setdefault(unit.id, []).append(f"Semgrep: {kind}: {_unparsed(error)}{message}")

    def _run(self, configs: list[str], files: list[str], timeout_s: int) -> dict[str, Any]:
        command = [
            semgrep_command(),
            "scan",
            *configs,
            "--json",
            "--quiet",
            "--metrics=off",
            "--disable-version-check",
            "--no-git-ignore",
            f"--max-target-bytes={self.max_target_bytes}",
            f"--timeout={timeout_s}",
        ]
        try:  # semgrep-core's scratch files go to the run's own TMPDIR (ToolProcesses)
            done = self._processes.run([*command, "--", *files])
        except OSError as error:
            raise EngineUnavailableError(f"cannot run Semgrep: {error}") from None
        try:
            report: dict[str, Any] = json.loads(done.stdout)
        except json.JSONDecodeError:
            detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise EngineUnavailableError(f"Semgrep failed (exit {done.returncode}): {detail}") from None
        return report
