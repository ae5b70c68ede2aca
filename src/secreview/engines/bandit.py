"""Bandit, the standard Python security linter, run as a subprocess with JSON output."""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from secreview import cwe
from secreview.engines import bandit_filters, pyflow, rule_cwes, rulebook, workspace
from secreview.engines.interface import EngineResult, EngineStoppedError, EngineUnavailableError, source_digest
from secreview.engines.rule_cwes import rule_cwe
from secreview.engines.rulebook import advice_for, rules_digest
from secreview.engines.workspace import (
    ToolProcesses,
    argument_batches,
    readable_python,
    resolved,
    syntax_error,
    tool_text,
    units_on_disk,
)
from secreview.models import CodeUnit, Evidence, Finding, Severity
from secreview.sources.languages import parse_python

# Checks that flag an import, an assert, or every subprocess call without a shell ("check for untrusted
# input": a prompt to look, not a defect) rather than a defect in the code: noise in a review. B607 (a program
# started by name, found through PATH, e.g. ["git", "--version"]) is a defect only where PATH is not the
# program's own (setuid programs, privileged services): a reviewer would not flag it in ordinary code. B324 (hashlib's
# MD5/SHA-1) is the project's own python-weak-hash, which reads the same calls and leaves out the digests a
# function or variable names as an ETag, a cache key or a checksum: Bandit would report those alone, at high severity
# (a `# nosec B324` silences it all the same: rule_cwes.RESTATES).
# B110/B112 (`except: pass`, `except: continue`) say an error is ignored, which is a defect only where the `try`
# guards a security check; security rule sets (CodeQL's, Semgrep's, Sonar's) count it as code quality, and in five
# real projects it was a third of all findings.
DEFAULT_SKIPPED_TESTS = (
    "B101",
    "B110",
    "B112",
    "B401",
    "B402",
    "B403",
    "B404",
    "B405",
    "B406",
    "B407",
    "B408",
    "B409",
    "B410",
    "B411",
    "B412",
    "B324",
    "B603",
    "B607",
)
_SEVERITY = {"HIGH": Severity.high, "MEDIUM": Severity.medium, "LOW": Severity.low}
_CONFIDENCE = {"HIGH": 0.9, "MEDIUM": 0.6, "LOW": 0.3}


def _unparsable_reason(unit: CodeUnit, bandit_reason: str) -> str:
    """Say why Bandit could not read a file, with the line, since it only says 'syntax error'."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    error = syntax_error(unit)
    if error:
        return (
            f"Bandit cannot parse it under Python {version}: {error}; the syntax may be newer than this Python "
            "or invalid"
        )
    return f"Bandit failed on it: {bandit_reason}"


def _finding(item: dict[str, Any], unit: CodeUnit) -> Finding:
    # The reviewed CWE (engines/rule_cwes.py); Bandit's own only for a test the table does not know yet
    cwe_id = rule_cwe(item["test_id"]) or item.get("issue_cwe", {}).get("id") or None
    lines = item.get("line_range") or [item["line_number"]]
    title = cwe.short_name(cwe_id) if cwe_id else item["test_name"].replace("_", " ")
    solution = advice_for(cwe_id, unit.language) if cwe_id else ""
    severity = _SEVERITY.get(item["issue_severity"], Severity.low)
    confidence = _CONFIDENCE.get(item["issue_confidence"], 0.3)
    rule_id = f"{item['test_id']}:{item['test_name']}"
    return Finding(
        path=unit.path,
        start_line=min(lines),
        end_line=max(lines),
        cwe=cwe_id,
        title=title,
        description=item["issue_text"],
        solution=f"{solution} (Bandit {item['test_id']}: {item['more_info']})".strip(),
        severity=severity,
        confidence=confidence,
        evidence=[
            Evidence(
                engine="bandit",
                rule_id=rule_id,
                message=item["issue_text"],
                severity=severity,
                confidence=confidence,
                cwe=cwe_id,
            )
        ],
    )


@dataclass
class BanditEngine:
    skipped_tests: Sequence[str] = field(default_factory=lambda: list(DEFAULT_SKIPPED_TESTS))
    name: str = "bandit"
    languages: frozenset[str] = frozenset({"python"})
    wants_hints: bool = False
    _processes: ToolProcesses = field(default_factory=ToolProcesses, init=False, repr=False)

    def version(self) -> str:
        return metadata.version("bandit")

    def stop(self) -> None:
        self._processes.stop()

    def cache_key(self) -> dict[str, Any]:
        """Bandit's version, the Python it parses with, the checks skipped, the rules the fix advice comes
        from, and the code that turns its report into findings."""
        return {
            "bandit": self.version(),
            "python": f"{sys.version_info.major}.{sys.version_info.minor}",
            "skipped_tests": sorted(self.skipped_tests),
            "rules": rules_digest(),
            "source": source_digest(sys.modules[__name__], bandit_filters, pyflow, workspace, rulebook, rule_cwes, cwe),
        }

    def review(self, units: Sequence[CodeUnit], hints: Mapping[str, list[Finding]] | None = None) -> EngineResult:
        """Bandit on what the tools read; the files it cannot parse once more without the lines that do not
        parse (workspace.readable_python), so the common case costs no parse of ours."""
        result = EngineResult()
        unparsed = self._run(units, tool_text, result)
        readings = {unit.id: reading for unit in unparsed if (reading := readable_python(unit)) is not None}
        for unit_id, reading in readings.items():
            note = reading.note("Bandit")
            if note:
                result.notes.setdefault(unit_id, []).append(note)
        again = [unit for unit in unparsed if unit.id in readings]
        still = self._run(again, lambda unit: readings[unit.id].text, result)
        for unit in still + [unit for unit in unparsed if unit.id not in readings]:
            result.skipped[unit.id] = _unparsable_reason(unit, "a syntax error")
        return result

    def _run(
        self, units: Sequence[CodeUnit], text_of: Callable[[CodeUnit], str], result: EngineResult
    ) -> list[CodeUnit]:
        """Bandit on `text_of` each unit, its findings and stops added to `result`; the units it could not parse
        (any other error of Bandit's is a skip, with its reason)."""
        unparsed: list[CodeUnit] = []
        with units_on_disk(units, text_of) as by_path:
            batches = list(argument_batches(list(by_path)))
            for index, batch in enumerate(batches):
                try:
                    # Every `# nosec` reaches secreview.suppression, which decides (and --no-suppress audits).
                    report = run_bandit(batch, self.skipped_tests, ignore_nosec=True, processes=self._processes)
                except EngineStoppedError:
                    result.interrupt(by_path[path].id for rest in batches[index:] for path in rest)
                    return []
                trees: dict[str, ast.AST | None] = {}  # what Bandit read parses, for the reports a filter reads
                for item in report.get("results", []):
                    unit = by_path[resolved(item["filename"])]
                    if bandit_filters.reads_the_code(item) and unit.id not in trees:
                        trees[unit.id] = parse_python(text_of(unit))
                    if not bandit_filters.says_nothing(item, trees.get(unit.id)):
                        result.findings.append(_finding(item, unit))
                for error in report.get("errors", []):
                    unit = by_path[resolved(error["filename"])]
                    if "syntax error" in error["reason"]:
                        unparsed.append(unit)
                    else:
                        result.skipped[unit.id] = _unparsable_reason(unit, error["reason"])
        return unparsed


def run_bandit(
    files: list[str],
    skipped_tests: Sequence[str] = (),
    ignore_nosec: bool = False,
    processes: ToolProcesses | None = None,
) -> dict[str, Any]:
    """Bandit's JSON report on `files` (EngineUnavailableError when it cannot run or answers no JSON); with
    `ignore_nosec` it also reports the lines a `# nosec` comment marks, as its --ignore-nosec does. Run among
    `processes` (EngineStoppedError once they are stopped)."""
    command = [sys.executable, "-m", "bandit", "--format", "json", "--quiet"]
    if skipped_tests:
        command += ["--skip", ",".join(skipped_tests)]
    if ignore_nosec:
        command.append("--ignore-nosec")
    try:
        done = (processes or ToolProcesses()).run([*command, "--", *files])
    except OSError as error:
        raise EngineUnavailableError(f"cannot run Bandit: {error}") from None
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise EngineUnavailableError(f"Bandit failed (exit {done.returncode}): {detail}") from None
    return report
