"""Does what the static engines know add to the model's probability? For the labelled findings of
verify_questions.py rows (`--out`, with a "shipped" column), the findings' static features (confidence, how many
engines reported it, candidate or not, flow steps) are joined back from a static review of the same sample, and
logistic regressions on the model's logit plus features are scored by ROC AUC fitted on one dataset and tested
on the other (and by 5-fold cross-validation on both pooled).

    python benchmarks/verify_features.py OWASP_DIR 150 1 owasp.jsonl SVEN_DIR 120 1 sven.jsonl

(dataset, --limit, --seed and rows of each of the two verify_questions.py runs).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from secreview.api import ReviewRequest, run_review
from secreview.bench.dataset import load_dataset, stratified_sample
from secreview.config import Settings

FEATURE_SETS = [
    ["model"],
    ["model", "engines"],
    ["model", "confidence"],
    ["model", "confidence", "engines"],
    ["model", "confidence", "engines", "candidate", "flow"],
    ["confidence", "engines", "candidate", "flow"],
]


def with_features(dataset_dir: str, limit: int, seed: int, rows_path: str) -> list[dict[str, Any]]:
    dataset = load_dataset(Path(dataset_dir))
    cases = stratified_sample(dataset.cases, limit, seed)
    request = ReviewRequest(paths=[str(dataset.file(case)) for case in cases])
    review = run_review(request, Settings(engine="static"), start=dataset.root)
    found = {
        (f.path, f.start_line, f.cwe): f for f in [*review.findings, *review.likely_false_alarms, *review.candidates]
    }
    rows = []
    for line in Path(rows_path).read_text().splitlines():
        row = json.loads(line)
        finding = found[(row["path"], row["line"], row["cwe"])]
        p = min(max(row["shipped"], 1e-4), 1 - 1e-4)
        row.update(model=math.log(p / (1 - p)), confidence=finding.confidence, engines=len(finding.engines),
                   candidate=float(finding.kind == "candidate"), flow=min(len(finding.flow), 5))  # fmt: skip
        rows.append(row)
    return rows


def main() -> None:
    first = with_features(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    second = with_features(sys.argv[5], int(sys.argv[6]), int(sys.argv[7]), sys.argv[8])
    both = first + second
    labels = [row["real"] for row in both]
    print(f"{len(first)} + {len(second)} labelled findings; ROC AUC (first, second)")
    for names in FEATURE_SETS:

        def matrix(rows: list[dict[str, Any]], names: list[str] = names) -> np.ndarray:
            return np.array([[row[name] for name in names] for row in rows])

        crossed = []
        for train, test in ((first, second), (second, first)):
            model = LogisticRegression().fit(matrix(train), [row["real"] for row in train])
            crossed.append(roc_auc_score([row["real"] for row in test], model.predict_proba(matrix(test))[:, 1]))
        folds = StratifiedKFold(5, shuffle=True, random_state=0)
        pooled = cross_val_predict(LogisticRegression(), matrix(both), labels, cv=folds, method="predict_proba")[:, 1]
        split = len(first)
        print(
            f"{'+'.join(names):40} fitted on the other set: {crossed[1]:.3f}, {crossed[0]:.3f}; pooled 5-fold: "
            f"{roc_auc_score(labels[:split], pooled[:split]):.3f}, {roc_auc_score(labels[split:], pooled[split:]):.3f}"
        )


if __name__ == "__main__":
    main()
