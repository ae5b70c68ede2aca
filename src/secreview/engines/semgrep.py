"""Semgrep with the project's own rules only: offline, no registry, no metrics."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from secreview.engines import rulebook, workspace
from secreview.engines.interface import EngineResult, EngineStoppedError, EngineUnavailableError, source_digest
from secreview.engines.rulebook import languages_with_rules, rule_dirs, rules_digest
from secreview.engines.workspace import ToolProcesses, argument_batches, resolved, tool_path, units_on_disk
from secreview.models import CodeUnit, Evidence, Finding, Severity

# Error types after which Semgrep's review of the file cannot be trusted to be complete.
_FATAL_ERROR_TYPES = ("Timeout", "OutOfMemory", "Fatal", "Lexical", "Syntax error")


def semgrep_command() -> str:
    """The semgrep next to this Python first (our virtualenv), then the one on PATH."""
    found = tool_path("semgrep")
    if found is None:
        raise EngineUnavailableError("semgrep is not installed (pip install semgrep)")
    return found


def _finding(item: dict[str, Any], unit: CodeUnit) -> Finding:
    meta = item["extra"]["metadata"]
    severity = Severity(meta["severity"])
    confidence = float(meta["confidence"])
    message = " ".join(item["extra"]["message"].split())
    rule_id = item["check_id"].rsplit(".", 1)[-1]  # semgrep prefixes ids with the rule file's folder
    return Finding(
        path=unit.path,
        start_line=item["start"]["line"],
        end_line=item["end"]["line"],
        cwe=int(meta["cwe"]),
        title=meta["title"],
        description=message,
        solution=" ".join(meta["solution"].split()),
        severity=severity,
        confidence=confidence,
        evidence=[
            Evidence(
                engine="semgrep",
                rule_id=rule_id,
                message=message,
                severity=severity,
                confidence=confidence,
                cwe=int(meta["cwe"]),
            )
        ],
    )


def _error_type(error: dict[str, Any]) -> str:
    kind = error.get("type", "error")
    return str(kind[0] if isinstance(kind, list) else kind)


@dataclass
class SemgrepEngine:
    max_target_bytes: int
    timeout_s: int = 30
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
            "source": source_digest(sys.modules[__name__], workspace, rulebook),
        }

    def review(self, units: Sequence[CodeUnit], hints: Mapping[str, list[Finding]] | None = None) -> EngineResult:
        result = EngineResult()
        configs = [
            arg for folder in rule_dirs(frozenset(u.language for u in units)) for arg in ("--config", str(folder))
        ]
        with units_on_disk(units) as by_path:
            scanned: set[str] = set()
            batches = list(argument_batches(list(by_path)))
            for index, batch in enumerate(batches):
                try:
                    report = self._run(configs, batch)
                except EngineStoppedError:
                    result.interrupt(by_path[path].id for rest in batches[index:] for path in rest)
                    break
                scanned.update(resolved(path) for path in report.get("paths", {}).get("scanned", []))
                for item in report.get("results", []):
                    result.findings.append(_finding(item, by_path[resolved(item["path"])]))
                for error in report.get("errors", []):
                    self._record_error(error, by_path, result)
            for path, unit in by_path.items():
                if path not in scanned and unit.id not in result.skipped:
                    result.skipped[unit.id] = "Semgrep did not scan it"
        return result

    def _record_error(self, error: dict[str, Any], by_path: dict[str, CodeUnit], result: EngineResult) -> None:
        kind = _error_type(error)
        message = " ".join(str(error.get("message", "")).split())[:200]
        unit = by_path.get(resolved(error["path"])) if error.get("path") else None
        if unit is None:
            if error.get("level") == "error":
                raise EngineUnavailableError(f"Semgrep failed: {kind}: {message}")
            return
        if error.get("level") == "error" or kind.startswith(_FATAL_ERROR_TYPES):
            result.skipped[unit.id] = f"Semgrep: {kind}: {message}"
        else:
            result.notes.setdefault(unit.id, []).append(f"Semgrep: {kind}: {message}")

    def _run(self, configs: list[str], files: list[str]) -> dict[str, Any]:
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
            f"--timeout={self.timeout_s}",
        ]
        # semgrep-core leaves scratch files in TMPDIR; give it a folder that is removed afterwards
        with tempfile.TemporaryDirectory(prefix="secreview-semgrep-") as scratch:
            try:
                done = self._processes.run([*command, "--", *files], env={**os.environ, "TMPDIR": scratch})
            except OSError as error:
                raise EngineUnavailableError(f"cannot run Semgrep: {error}") from None
        try:
            report: dict[str, Any] = json.loads(done.stdout)
        except json.JSONDecodeError:
            detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise EngineUnavailableError(f"Semgrep failed (exit {done.returncode}): {detail}") from None
        return report
