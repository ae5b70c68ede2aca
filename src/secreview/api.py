"""The library entry point: `run_review` does what `secreview review` does, without printing.

from secreview.api import ReviewRequest, run_review
from secreview.config import load_settings
review = run_review(ReviewRequest(paths=["src/"]), load_settings(Path.cwd()))
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from secreview import aggregate
from secreview.config import Settings
from secreview.engines.bandit import BanditEngine
from secreview.engines.interface import Engine, EngineResult, EngineUnavailableError
from secreview.engines.semgrep import SemgrepEngine
from secreview.models import CodeUnit, Coverage, EngineInfo, Review, UnitCoverage
from secreview.sources.gitdiff import GitDiffSource, git_toplevel
from secreview.sources.interface import Source, SourceResult
from secreview.sources.patch import PatchSource
from secreview.sources.paths import PathSource


@dataclass
class ReviewRequest:
    """What to review: paths, or the changes of a git revision range, or a patch (text and its name)."""

    paths: list[str] = field(default_factory=list)
    diff: str | None = None
    patch_text: str | None = None
    patch_label: str = "-"

    def describe(self) -> str:
        if self.diff is not None:
            return f"changes in {self.diff}"
        if self.patch_text is not None:
            return f"patch {self.patch_label}"
        return " ".join(self.paths)


def build_engines(settings: Settings) -> list[Engine]:
    """The static engine is Bandit and Semgrep side by side."""
    return [
        BanditEngine(skipped_tests=settings.bandit_skip),
        SemgrepEngine(max_target_bytes=settings.max_file_size, timeout_s=settings.semgrep_timeout),
    ]


def review_root(start: Path) -> Path:
    """Paths in reports are relative to the git work tree containing start, else to start itself."""
    return git_toplevel(start) or start.resolve()


def _source(request: ReviewRequest, settings: Settings, root: Path, languages: frozenset[str]) -> Source:
    if request.diff is not None:
        return GitDiffSource(request.diff, root, languages, settings.max_file_size)
    if request.patch_text is not None:
        return PatchSource(request.patch_text, request.patch_label, root, languages, settings.max_file_size)
    return PathSource(request.paths, root, languages, settings.max_file_size, settings.exclude)


def _run_engine(engine: Engine, units: Sequence[CodeUnit]) -> EngineResult:
    mine = [unit for unit in units if unit.language in engine.languages]
    if not mine:
        return EngineResult()
    try:
        return engine.review(mine)
    except EngineUnavailableError as error:
        return EngineResult(skipped=dict.fromkeys((unit.id for unit in mine), str(error)))


def _coverage(collected: SourceResult, engines: list[Engine], results: list[EngineResult]) -> Coverage:
    units = []
    for unit in collected.units:
        entry = UnitCoverage(
            path=unit.path,
            language=unit.language,
            lines=unit.line_count,
            review_lines=unit.review_lines,
            notes=list(collected.notes.get(unit.path, [])),
        )
        for engine, result in zip(engines, results, strict=True):
            if unit.language not in engine.languages:
                continue
            if unit.id in result.skipped:
                entry.skipped_by[engine.name] = result.skipped[unit.id]
            else:
                entry.reviewed_by.append(engine.name)
            entry.notes.extend(result.notes.get(unit.id, []))
        units.append(entry)
    return Coverage(units=units, skipped=collected.skipped, out_of_scope=collected.out_of_scope)


def run_review(request: ReviewRequest, settings: Settings, start: Path | None = None) -> Review:
    began = time.perf_counter()
    root = review_root(start or Path.cwd())
    engines = build_engines(settings)
    languages = frozenset().union(*(engine.languages for engine in engines))
    collected = _source(request, settings, root, languages).collect()
    with ThreadPoolExecutor(max_workers=len(engines)) as pool:  # the engines are subprocesses: overlap them
        results = list(pool.map(lambda engine: _run_engine(engine, collected.units), engines))
    coverage = _coverage(collected, engines, results)
    findings = aggregate.judge(
        (finding for result in results for finding in result.findings), {u.path: u for u in collected.units}
    )
    return Review(
        tool_version=metadata.version("secreview"),
        target=request.describe(),
        commit_message=collected.commit_message,
        engines=[EngineInfo(name=engine.name, version=engine.version()) for engine in engines],
        findings=findings,
        verdict=aggregate.verdict(findings, coverage.complete),
        complete=coverage.complete,
        coverage=coverage,
        duration_s=round(time.perf_counter() - began, 3),
    )
