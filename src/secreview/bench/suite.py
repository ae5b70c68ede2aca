"""The bench as a library call: load a dataset, sample it, run every configuration, score, write reports."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secreview.bench import metrics, verification
from secreview.bench.bandit_reference import BanditReviewer
from secreview.bench.dataset import Case, Dataset, load_dataset, stratified_sample
from secreview.bench.interface import CaseResult, Reviewer
from secreview.bench.runner import Progress, Slot, run_slots, stored_elsewhere
from secreview.bench.secreview_config import SecreviewReviewer, configuration_name
from secreview.config import Settings


@dataclass(frozen=True)
class ConfigurationScores:
    name: str
    scores: metrics.Scores
    cost: metrics.Cost
    consistency: float | None  # verdict agreement across repeats; None with one repeat
    findings_consistency: float | None  # the same findings in every repeat; None with one repeat
    results: dict[str, CaseResult]  # the first repeat, per case id
    verification: dict[str, Any] | None = None  # how the model's checks separate real from false (bench.verification)


@dataclass(frozen=True)
class BenchOutcome:
    dataset: Dataset
    cases: list[Case]
    limit: int | None
    seed: int
    repeats: int
    configurations: list[ConfigurationScores]
    elapsed_s: float  # this invocation only (a resumed run did part of the work before)
    unfinished: dict[str, int] = field(default_factory=dict)  # other configurations in the folder: cases stored
    charts: list[Path] = field(default_factory=list)


def configurations(
    base: Settings, engines: Sequence[str], strategies: Sequence[str], models: Sequence[str | None]
) -> list[Settings]:
    """Every engine; for the model engines every strategy x model. Unset lists mean the base settings' value."""
    chosen: list[Settings] = []
    for engine in engines or [base.engine]:
        if engine == "static":
            chosen.append(base.model_copy(update={"engine": "static"}))
            continue
        for strategy in strategies or [base.strategy]:
            for model in models or [base.model]:
                chosen.append(base.model_copy(update={"engine": engine, "strategy": strategy, "model": model}))
    return list({configuration_name(settings): settings for settings in chosen}.values())


def _slots(settings_list: Sequence[Settings], repeats: int) -> list[Slot]:
    slots = [Slot(BanditReviewer(), 1)]  # the reference row: deterministic, one repeat is enough
    for settings in settings_list:
        for repeat in range(1, repeats + 1):
            # Repeats never share a seed: each draws `samples` seeds of its own.
            seed = settings.seed + (repeat - 1) * settings.samples
            reviewer: Reviewer = SecreviewReviewer(settings.model_copy(update={"seed": seed}))
            slots.append(Slot(reviewer, repeat))
    return slots


def run_bench(
    dataset_dir: Path,
    settings_list: Sequence[Settings],
    out: Path,
    limit: int | None = None,
    seed: int = 0,
    repeats: int = 1,
    progress: Progress | None = None,
) -> BenchOutcome:
    """Run Bandit (reference) and each configuration on the same cases; results are stored in `out` as they
    finish, so calling this again with the same arguments resumes instead of starting over. Configurations
    that earlier invocations finished in the same folder are scored beside them (one table for runs that
    need separate invocations, like the hybrid engine and the model engine's baseline strategies)."""
    began = time.perf_counter()
    dataset = load_dataset(dataset_dir)
    cases = stratified_sample(dataset.cases, limit, seed) if limit else list(dataset.cases)
    slots = _slots(settings_list, repeats)
    stored = run_slots(dataset, cases, slots, out, progress)
    runs_by_name: dict[str, list[dict[str, CaseResult]]] = {}
    for slot in slots:
        runs_by_name.setdefault(slot.reviewer.name, []).append(stored[slot])
    earlier = stored_elsewhere(out, cases, repeats, list(runs_by_name))
    scored = [_scored(name, cases, runs) for name, runs in {**runs_by_name, **earlier.complete}.items()]
    elapsed = round(time.perf_counter() - began, 1)
    return BenchOutcome(dataset, cases, limit, seed, repeats, scored, elapsed, unfinished=earlier.incomplete)


def _scored(name: str, cases: Sequence[Case], runs: list[dict[str, CaseResult]]) -> ConfigurationScores:
    return ConfigurationScores(
        name=name,
        scores=metrics.score(cases, runs[0]),
        cost=metrics.cost(runs[0].values()),
        consistency=metrics.verdict_consistency(runs),
        findings_consistency=metrics.findings_consistency(runs),
        results=runs[0],
        verification=verification.verification_scores(cases, runs[0]),
    )
