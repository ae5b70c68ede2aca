"""How well the model's checks separate real static findings from false alarms, on labelled data.

A checked finding is a positive when its case is vulnerable and its CWE matches the case's (family), a negative
when its case is not vulnerable; findings on vulnerable cases with another CWE are left out (the label says
nothing about them). ROC AUC and PR AUC come from scikit-learn (the `bench` extra).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from secreview.bench.dataset import Case
from secreview.bench.interface import CaseResult
from secreview.bench.metrics import cwe_matches, score

MIN_PER_CLASS = 3  # fewer positives or negatives than this give no per-CWE AUC


@dataclass(frozen=True)
class Checked:
    raw: float
    probability: float
    real: bool
    cwe: int | None


def labelled(cases: Sequence[Case], results: Mapping[str, CaseResult]) -> list[Checked]:
    """Every checked finding (reported or demoted) with its label, where the label decides one."""
    out = []
    for case in cases:
        result = results.get(case.id)
        if result is None:
            continue
        for finding in [*result.findings, *result.demoted]:
            if finding.probability is None or finding.raw is None:
                continue
            if case.vulnerable and not cwe_matches(case.cwe, finding.cwe, "family"):
                continue
            out.append(Checked(finding.raw, finding.probability, case.vulnerable, finding.cwe))
    return out


def _aucs(checked: Sequence[Checked]) -> tuple[float, float] | None:
    """(ROC AUC, PR AUC) of the probability against the labels; None when one class is missing."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    labels = [c.real for c in checked]
    if len(set(labels)) < 2:
        return None
    probabilities = [c.probability for c in checked]
    return float(roc_auc_score(labels, probabilities)), float(average_precision_score(labels, probabilities))


def verification_scores(cases: Sequence[Case], results: Mapping[str, CaseResult]) -> dict[str, Any] | None:
    """AUCs overall and per CWE, and the score with the demotion against the score with every finding counted;
    None when nothing was checked."""
    checked = labelled(cases, results)
    if not checked:
        return None
    aucs = _aucs(checked)
    by_cwe: dict[int | None, list[Checked]] = defaultdict(list)
    for one in checked:
        by_cwe[one.cwe].append(one)
    per_cwe = {}
    for cwe_id, group in sorted(by_cwe.items(), key=lambda item: item[0] or 0):
        positives = sum(c.real for c in group)
        if min(positives, len(group) - positives) >= MIN_PER_CLASS:
            per_cwe[str(cwe_id)] = {"n": len(group), "positives": positives, "roc_auc": (_aucs(group) or (None,))[0]}
    undemoted = {
        case_id: result.model_copy(update={"findings": [*result.findings, *result.demoted], "demoted": []})
        for case_id, result in results.items()
    }
    with_demotion, without = score(cases, results).overall, score(cases, undemoted).overall
    return {
        "checked": len(checked),
        "positives": sum(c.real for c in checked),
        "roc_auc": aucs[0] if aucs else None,
        "pr_auc": aucs[1] if aucs else None,
        "per_cwe": per_cwe,
        "with_demotion": {
            "score": with_demotion.score("family"),
            "tpr": with_demotion.tpr("family"),
            "fpr": with_demotion.fpr("family"),
        },
        "without_demotion": {
            "score": without.score("family"),
            "tpr": without.tpr("family"),
            "fpr": without.fpr("family"),
        },
    }
