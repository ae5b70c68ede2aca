"""Static results reused for unchanged files, so re-reviewing them runs neither Bandit nor Semgrep.

`CachedEngine` wraps an engine whose result on a file depends only on that file, on what the engine's
`cache_key` names (CacheableEngine) and on the other files the engine says it reads with it (ReadsOtherFiles:
a C file's headers). Each unit's result is looked up under a key of them all (`result_keys`); only the units
not found go to the wrapped engine, in one call as without the cache. Each unit it reviewed is stored with its
findings and notes as soon as the engine returns; a unit it skipped (a parse error, a timeout, not finished
when Ctrl-C stopped it) is not, nor one an optional analyzer did not run on, so an error or half a result is
never reused. The results live in the call log's file (backends/call_log.py, table
static_results), under its rules: a log that cannot be used gives one warning and every unit goes to the engine.

The unit's lines under review (diff mode) are not part of the key: static engines read whole files and
never look at them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata

from secreview import models
from secreview.backends.call_log import CallLog
from secreview.engines.interface import CacheableEngine, EngineResult, ReadsOtherFiles, source_digest
from secreview.models import CodeUnit, Finding

KEY_VERSION = 1


def result_keys(engine: CacheableEngine, units: Sequence[CodeUnit]) -> dict[str, str]:
    """Unit id -> sha256 (hex) of what the engine's result on the unit depends on: the engine's name and
    `cache_key`, secreview's version and data model (the stored findings' shape), the unit's path, language
    and content, and the other files it reads with the unit (ReadsOtherFiles: a C file's headers)."""
    common = {
        "key_version": KEY_VERSION,
        "secreview": metadata.version("secreview"),
        "models": source_digest(models),
        "engine": engine.name,
        "settings": engine.cache_key(),
    }
    reads = engine.dependencies(units) if isinstance(engine, ReadsOtherFiles) else {}
    keys = {}
    for unit in units:
        payload = {**common, "unit": {"path": unit.path, "language": unit.language, "sha256": unit.sha256}}
        if unit.id in reads:
            payload["reads"] = reads[unit.id]
        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        keys[unit.id] = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return keys


def _stored(findings: list[Finding], notes: list[str]) -> str:
    return json.dumps({"findings": [f.model_dump(mode="json") for f in findings], "notes": notes})


def _restored(unit: CodeUnit, text: str) -> EngineResult | None:
    """The unit's stored result; None when it no longer reads (then the engine reviews the unit again)."""
    try:
        stored = json.loads(text)
        findings = [Finding.model_validate(finding) for finding in stored["findings"]]
        notes = [str(note) for note in stored["notes"]]
    except (ValueError, KeyError, TypeError):  # pydantic's ValidationError is a ValueError
        return None
    return EngineResult(findings=findings, notes={unit.id: notes} if notes else {})


@dataclass
class CachedEngine:
    inner: CacheableEngine
    log: CallLog
    name: str = field(init=False)
    languages: frozenset[str] = field(init=False)
    wants_hints: bool = field(init=False)

    def __post_init__(self) -> None:
        self.name, self.languages, self.wants_hints = self.inner.name, self.inner.languages, self.inner.wants_hints

    def version(self) -> str:
        return self.inner.version()

    def stop(self) -> None:
        self.inner.stop()

    def review(self, units: Sequence[CodeUnit], hints: Mapping[str, list[Finding]] | None = None) -> EngineResult:
        """Stored results for the units found, the wrapped engine's for the others; in the order of `units`,
        whichever answered, so a report does not depend on what was stored."""
        keys = result_keys(self.inner, units)
        reused: dict[str, EngineResult] = {}
        for unit in units:
            text = self.log.lookup_static(keys[unit.id])
            restored = _restored(unit, text) if text is not None else None
            if restored is not None:
                reused[unit.id] = restored
        missing = [unit for unit in units if unit.id not in reused]
        fresh = self.inner.review(missing, hints) if missing else EngineResult()
        by_path: dict[str, list[Finding]] = {}
        for finding in fresh.findings:
            by_path.setdefault(finding.path, []).append(finding)
        result = EngineResult()
        for unit in units:
            if unit.id in reused:
                result.extend(reused[unit.id])
                continue
            findings, notes = by_path.get(unit.path, []), fresh.notes.get(unit.id, [])
            result.extend(EngineResult(findings=findings, notes={unit.id: notes} if notes else {}))
            if unit.id not in fresh.skipped and unit.id not in fresh.not_run:
                self.log.record_static(keys[unit.id], engine=self.name, path=unit.path, result=_stored(findings, notes))
        result.skipped.update(fresh.skipped)
        result.not_run.update(fresh.not_run)
        result.interrupted = fresh.interrupted
        return result
