"""secreview itself as a bench configuration: one engine/strategy/model, its engines opened once per run."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from secreview.api import ReviewRequest, open_engines, review_root, run_review
from secreview.backends import model_store
from secreview.bench.dataset import Case, Dataset
from secreview.bench.interface import CaseResult, ReportedFinding
from secreview.config import Settings
from secreview.models import Finding, Review


def configuration_name(settings: Settings) -> str:
    """The row label: the engine, and for model engines the strategy and model (a file by its name) too."""
    if settings.engine == "static":
        return "static"
    model = Path(settings.model).name if settings.model else model_store.DEFAULT_MODEL
    if settings.engine == "llm":
        return f"llm/{settings.strategy}/{model}"
    stages = "+verify" * settings.verify + f"+deep/{settings.strategy}" * settings.open_ended_review
    return f"hybrid{stages}/{model}"


class SecreviewReviewer:
    """Reviews cases through the library API, like `secreview review FILES` with these settings.

    Static tools start once per batch (Semgrep's start-up dominates on small files); model engines get
    small batches so an interrupted run loses little. The model is loaded once, on first use."""

    def __init__(self, settings: Settings, name: str | None = None) -> None:
        # The benchmark scores detection; fixes have their own (benchmarks/fixes.py), so off unless set.
        self.settings = settings if settings.fix is not None else settings.model_copy(update={"fix": False})
        self.name = name or configuration_name(settings)
        self.batch_size = 100 if settings.engine == "static" else 4
        self._stack = contextlib.ExitStack()
        self._pipeline = self._stack.enter_context(open_engines(self.settings))

    def review(self, dataset: Dataset, cases: Sequence[Case]) -> Iterator[CaseResult]:
        root = review_root(dataset.root)
        # Each case on its own, with the dataset's support files around it (not the other cases).
        support = [str(path) for path in dataset.support_files]
        request = ReviewRequest(paths=[str(dataset.file(case)) for case in cases], context=support, separate=True)
        review = run_review(request, self.settings, start=dataset.root, pipeline=self._pipeline)
        by_file = {dataset.file(case).resolve(): case for case in cases}
        shares = _results_by_case(review, root, by_file)
        model_seconds = sum(call.latency_s for call in review.model_calls)
        rest_per_case = max(review.duration_s - model_seconds, 0.0) / len(cases)
        for case in cases:
            result = shares[case.id]
            yield result.model_copy(update={"wall_s": round(result.wall_s + rest_per_case, 3)})

    def close(self) -> None:
        self._stack.close()


def _reported(finding: Finding) -> ReportedFinding:
    check = finding.verification
    return ReportedFinding(
        cwe=finding.cwe,
        start_line=finding.start_line,
        end_line=finding.end_line,
        engines=finding.engines,
        rules=sorted({f"{evidence.engine}:{evidence.rule_id}" for evidence in finding.evidence}),
        probability=check.probability if check else None,
        raw=check.raw if check else None,
    )


def _results_by_case(review: Review, root: Path, by_file: dict[Path, Case]) -> dict[str, CaseResult]:
    """Split one review of many files into per-case results (findings, gaps, model cost)."""
    results = {case.id: CaseResult(case_id=case.id) for case in by_file.values()}

    def case_of(path: str) -> Case | None:
        return by_file.get((root / path).resolve())

    listed = (("findings", review.findings), ("demoted", review.likely_false_alarms), ("candidates", review.candidates))
    for field, findings in listed:
        for finding in findings:
            case = case_of(finding.path)
            if case is not None:
                getattr(results[case.id], field).append(_reported(finding))
    for unit in review.coverage.units:
        case = case_of(unit.path)
        if case is not None and unit.skipped_by:
            reasons = "; ".join(f"{engine}: {reason}" for engine, reason in unit.skipped_by.items())
            results[case.id] = results[case.id].model_copy(update={"complete": False, "note": reasons})
    for skip in review.coverage.skipped:
        case = case_of(skip.target)
        if case is not None:
            results[case.id] = results[case.id].model_copy(update={"complete": False, "note": skip.reason})
    for call in review.model_calls:
        case = case_of(call.path)
        if case is not None:
            result = results[case.id]
            result.prompt_tokens += call.prompt_tokens  # the configuration's size, reused or not
            result.completion_tokens += call.completion_tokens
            if call.cached:  # answered from the call log: no model call was made
                result.cache_hits += 1
            else:
                result.model_calls += 1
            result.wall_s += call.latency_s
    return results
