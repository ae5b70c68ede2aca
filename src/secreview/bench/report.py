"""The bench's outputs: a Markdown report, a JSON file with every number and per-case result, PNG charts.

Numbers come from metrics; this module only lays them out. Rates print as percentages, "n/a" where a rate
has no cases to stand on (e.g. FPR on a dataset with no safe files).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from secreview.bench import verification
from secreview.bench.metrics import Strength, Summary
from secreview.bench.suite import BenchOutcome, ConfigurationScores

log = logging.getLogger(__name__)


def _percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{100 * rate:.1f}"


def _score(rate: float | None) -> str:
    return "n/a" if rate is None else f"{100 * rate:+.1f}"


def _rows(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _main_row(config: ConfigurationScores) -> list[str]:
    summary, cost = config.scores.overall, config.cost
    per_case = cost.cases or 1
    return [
        config.name,
        _percent(summary.tpr("family")),
        _percent(summary.fpr("family")),
        _percent(summary.precision("family")),
        _percent(summary.f1("family")),
        _score(config.scores.owasp["family"] if config.scores.by_category else summary.score("family")),
        _percent(summary.tpr("exact")),
        _percent(summary.fpr("exact")),
        _score(config.scores.owasp["exact"] if config.scores.by_category else summary.score("exact")),
        _percent(summary.tpr("any")),
        _percent(summary.fpr("any")),
        _percent(summary.line_hit_rate),
        _percent(summary.line_hit_tolerant_rate),
        _percent(summary.pair_correct_rate("family")),
        _percent(config.consistency),
        _percent(config.findings_consistency),
        f"{(cost.prompt_tokens + cost.completion_tokens) / per_case:.0f}",
        "n/a" if cost.wall_s_median_per_case is None else f"{cost.wall_s_median_per_case:.2f}",
        str(summary.incomplete),
    ]


MAIN_HEADER = [
    "configuration",
    "TPR fam",
    "FPR fam",
    "prec fam",
    "F1 fam",
    "score fam",
    "TPR exact",
    "FPR exact",
    "score exact",
    "TPR any",
    "FPR any",
    "line hit",
    "line ±1",
    "pairs ok",
    "same verdict",
    "same findings",
    "tokens/case",
    "s/case (median)",
    "incomplete",
]


def _category_table(outcome: BenchOutcome, cell: Callable[[Summary], str]) -> list[str]:
    categories = sorted({name for config in outcome.configurations for name in config.scores.by_category})
    rows = [
        [name, *(cell(config.scores.by_category[name]) for config in outcome.configurations)] for name in categories
    ]
    return _rows(["category", *(config.name for config in outcome.configurations)], rows)


def _misses(summary: Summary, strength: Strength) -> str:
    missed = summary.vulnerable - summary.true_positives[strength]
    return f"{missed} missed / {summary.false_positives['any']} false alarms"


def markdown(outcome: BenchOutcome) -> str:
    dataset = outcome.dataset
    sample = (
        f"a stratified sample of {len(outcome.cases)} of {len(dataset.cases)} cases (seed {outcome.seed})"
        if outcome.limit
        else f"all {len(outcome.cases)} cases"
    )
    lines = [
        f"# secreview bench: {dataset.name}",
        "",
        f"{sample}; {outcome.repeats} repeat(s) per configuration; this invocation took {outcome.elapsed_s:.0f} s.",
        "Rates in %. *fam*: CWE family match (CWE-1000 ChildOf, pillars excluded); *exact*: same CWE id; *any*: any",
        "finding. FPR fam/exact counts a safe file only if flagged with its look-alike CWE (as OWASP scores);",
        "FPR any counts every flagged safe file. *score*: TPR - FPR (OWASP Benchmark: averaged over categories).",
        "",
        *_rows(MAIN_HEADER, [_main_row(config) for config in outcome.configurations]),
    ]
    if any(config.scores.by_category for config in outcome.configurations):
        lines += [
            "",
            "## Per category: score (TPR - FPR, family match)",
            "",
            *_category_table(outcome, lambda s: _score(s.score("family"))),
            "",
            "## Per category: misses and false alarms (family match; false alarms: any finding on a safe file)",
            "",
            *_category_table(outcome, lambda s: _misses(s, "family")),
        ]
    checked = [config for config in outcome.configurations if config.verification]
    if checked:
        lines += [
            "",
            "## The model's checks (verification)",
            "",
            "Positive: a checked finding on a vulnerable case with a family CWE match; negative: one on a safe case.",
            "Scores (family) with the likely false alarms demoted, and with every checked finding counted.",
            "",
            *_rows(VERIFICATION_HEADER, [_verification_row(config) for config in checked]),
        ]
        for config in checked:
            assert config.verification is not None
            per_cwe = config.verification["per_cwe"]
            if per_cwe:
                lines += [
                    "",
                    f"Per CWE ({config.name}): "
                    + ", ".join(
                        f"CWE-{cwe_id} {_auc(row['roc_auc'])} (n {row['n']}, {row['positives']} real)"
                        for cwe_id, row in per_cwe.items()
                    ),
                ]
    if outcome.unfinished:
        lines += [
            "",
            "Not scored (stored in this folder by an earlier invocation that did not finish; run it again with",
            "the same --out to complete it): "
            + ", ".join(f"{name} ({done} of {len(outcome.cases)} cases)" for name, done in outcome.unfinished.items()),
        ]
    if outcome.charts:
        lines += ["", "## Charts", "", *(f"![{chart.stem}]({chart.name})" for chart in outcome.charts)]
    return "\n".join(lines) + "\n"


VERIFICATION_HEADER = [
    "configuration",
    "checked",
    "real",
    "ROC AUC",
    "PR AUC",
    "score demoted",
    "TPR demoted",
    "FPR demoted",
    "score all",
    "TPR all",
    "FPR all",
]


def _auc(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _verification_row(config: ConfigurationScores) -> list[str]:
    found = config.verification or {}
    demoted, counted = found["with_demotion"], found["without_demotion"]
    return [
        config.name,
        str(found["checked"]),
        str(found["positives"]),
        _auc(found["roc_auc"]),
        _auc(found["pr_auc"]),
        _score(demoted["score"]),
        _percent(demoted["tpr"]),
        _percent(demoted["fpr"]),
        _score(counted["score"]),
        _percent(counted["tpr"]),
        _percent(counted["fpr"]),
    ]


def json_document(outcome: BenchOutcome) -> dict[str, Any]:
    return {
        "dataset": outcome.dataset.name,
        "cases": [case.id for case in outcome.cases],
        "limit": outcome.limit,
        "seed": outcome.seed,
        "repeats": outcome.repeats,
        "elapsed_s": outcome.elapsed_s,
        "unfinished": outcome.unfinished,
        "configurations": [
            {
                "name": config.name,
                "scores": config.scores.to_dict(),
                "cost": config.cost.to_dict(),
                "verdict_consistency": config.consistency,
                "findings_consistency": config.findings_consistency,
                "verification": config.verification,
                "results": [result.model_dump(mode="json") for result in config.results.values()],
            }
            for config in outcome.configurations
        ],
    }


def charts(outcome: BenchOutcome, out: Path) -> list[Path]:
    """TPR against FPR per configuration, and per-category scores; none (and a log line) without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log.warning("no charts: matplotlib is not installed (pip install 'secreview[bench]')")
        return []
    written: list[Path] = []
    figure, axes = plt.subplots(figsize=(6, 6))
    for config in outcome.configurations:
        overall = config.scores.overall
        tpr, fpr = overall.tpr("family"), overall.fpr("family")
        if tpr is not None and fpr is not None:
            axes.scatter([100 * fpr], [100 * tpr], s=60)
            axes.annotate(config.name, (100 * fpr, 100 * tpr), textcoords="offset points", xytext=(5, 5), fontsize=8)
    axes.plot([0, 100], [0, 100], linestyle="--", color="grey", linewidth=0.8)
    axes.set(xlim=(0, 100), ylim=(0, 100), xlabel="FPR % (family match)", ylabel="TPR % (family match)")
    axes.set_title(f"{outcome.dataset.name}: TPR against FPR")
    written.append(_save(figure, out / "tpr_fpr.png"))
    categories = sorted({name for config in outcome.configurations for name in config.scores.by_category})
    if categories:
        figure, axes = plt.subplots(figsize=(max(8, len(categories) * 0.9), 5))
        width = 0.8 / len(outcome.configurations)
        for index, config in enumerate(outcome.configurations):
            values = [100 * (config.scores.by_category[name].score("family") or 0.0) for name in categories]
            axes.bar([i + index * width for i in range(len(categories))], values, width, label=config.name)
        axes.set_xticks([i + 0.4 - width / 2 for i in range(len(categories))], categories, rotation=45, ha="right")
        axes.axhline(0, color="grey", linewidth=0.8)
        axes.set(ylabel="TPR - FPR % (family match)", title=f"{outcome.dataset.name}: score per category")
        axes.legend(fontsize=8)
        written.append(_save(figure, out / "categories.png"))
    written += _reliability_charts(outcome, out, plt)
    return written


def _reliability_charts(outcome: BenchOutcome, out: Path, plt: Any) -> list[Path]:
    """Per configuration with model checks: the share of real findings against the predicted probability."""
    from sklearn.calibration import calibration_curve

    written = []
    for config in outcome.configurations:
        checked = verification.labelled(outcome.cases, config.results)
        if len({c.real for c in checked}) < 2:
            continue
        real, predicted = calibration_curve([c.real for c in checked], [c.probability for c in checked], n_bins=10)
        figure, axes = plt.subplots(figsize=(5, 5))
        axes.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=0.8)
        axes.plot(predicted, real, marker="o")
        axes.set(xlim=(0, 1), ylim=(0, 1), xlabel="model probability (as reported)", ylabel="share real")
        axes.set_title(f"{config.name}: reliability ({len(checked)} findings)", fontsize=9)
        name = "reliability_" + "".join(ch if ch.isalnum() else "_" for ch in config.name) + ".png"
        written.append(_save(figure, out / name))
    return written


def _save(figure: Any, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(figure)
    return path


def write_reports(outcome: BenchOutcome, out: Path) -> BenchOutcome:
    """report.md, results.json and the charts in `out`; returns the outcome with its charts listed."""
    with_charts = dataclasses.replace(outcome, charts=charts(outcome, out))
    (out / "report.md").write_text(markdown(with_charts), encoding="utf-8")
    (out / "results.json").write_text(json.dumps(json_document(with_charts), indent=1) + "\n", encoding="utf-8")
    return with_charts
