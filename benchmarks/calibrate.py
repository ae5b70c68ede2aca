"""Fit the verification stage's calibration on labelled dev data and write it into the package's table.

    python benchmarks/calibrate.py --run OUT_DIR DATASET_DIR [--run OUT_DIR DATASET_DIR ...] [--write]

Each OUT_DIR is a `secreview bench` results folder holding a finished `hybrid+verify` configuration on DATASET_DIR
(run with the model to calibrate). Every checked finding is labelled as the bench labels it (real: a vulnerable case
with a family CWE match; false: any finding on a safe case); Platt scaling (a logistic regression on the logit of the
model's raw probability, scikit-learn) maps raw to calibrated probabilities. The threshold is the one that gives the
best mean OWASP-style score (TPR - FPR, family) over the given runs when findings below it are demoted, losing at most
3 points of TPR on each run. Fitted on whole dev sets by this script only, never by hand per case.

--write adds (or replaces) the entry for this model file and question wording in
src/secreview/verification/calibration.json; without it the fit is printed only.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path

from secreview.backends import model_store
from secreview.bench import verification
from secreview.bench.dataset import Case, load_dataset
from secreview.bench.interface import CaseResult
from secreview.bench.metrics import score
from secreview.bench.runner import load_results
from secreview.verification import calibration, questions

MAX_TPR_LOSS = 0.03
CONFIGURATION_PREFIX = "hybrid+verify"


@dataclass
class Run:
    name: str
    cases: list[Case]
    results: dict[str, CaseResult]


def _load(out: Path, dataset_dir: Path) -> Run:
    dataset = load_dataset(dataset_dir)
    stored = sorted((out / "results").glob(CONFIGURATION_PREFIX.replace("+", "_") + "*.jsonl"))
    if not stored:
        raise SystemExit(f"{out}: no {CONFIGURATION_PREFIX} results (run `secreview bench` with --engine hybrid)")
    results = load_results(stored[0])
    cases = [case for case in dataset.cases if case.id in results]
    return Run(dataset.name, cases, results)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _recalibrated(run: Run, table: calibration.Calibration) -> dict[str, CaseResult]:
    """The run's results as the stage would report them with `table`: each checked finding re-scored from its raw
    probability and put among the findings or the demoted ones by the table's threshold."""
    out = {}
    for case_id, result in run.results.items():
        findings, demoted = [], []
        for finding in [*result.findings, *result.demoted]:
            if finding.raw is None:
                findings.append(finding)
                continue
            probability = table.apply(finding.raw)
            placed = finding.model_copy(update={"probability": probability})
            (findings if probability >= table.threshold else demoted).append(placed)
        out[case_id] = result.model_copy(update={"findings": findings, "demoted": demoted})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", nargs=2, action="append", metavar=("OUT_DIR", "DATASET_DIR"), required=True)
    parser.add_argument("--model", default=model_store.DEFAULT_MODEL, help="the model the runs used")
    parser.add_argument("--write", action="store_true", help="write the fit into the package's table")
    args = parser.parse_args()
    from sklearn.linear_model import LogisticRegression

    runs = [_load(Path(out), Path(dataset)) for out, dataset in args.run]
    labelled = [item for run in runs for item in verification.labelled(run.cases, run.results)]
    if len({item.real for item in labelled}) < 2:
        raise SystemExit("the runs need both real and false checked findings to fit")
    fit = LogisticRegression(C=1e6).fit([[_logit(item.raw)] for item in labelled], [item.real for item in labelled])
    slope, intercept = float(fit.coef_[0][0]), float(fit.intercept_[0])
    baseline = {run.name: score(run.cases, _recalibrated(run, calibration.Calibration(slope, intercept, 0.0)))
                for run in runs}  # fmt: skip
    best: tuple[float, float] | None = None
    for step in range(1, 100):
        table = calibration.Calibration(slope, intercept, step / 100)
        scored = {run.name: score(run.cases, _recalibrated(run, table)).overall for run in runs}
        if any((baseline[name].overall.tpr("family") or 0) - (s.tpr("family") or 0) > MAX_TPR_LOSS
               for name, s in scored.items()):  # fmt: skip
            continue
        mean = sum(s.score("family") or 0 for s in scored.values()) / len(scored)
        if best is None or mean > best[0]:
            best = (mean, table.threshold)
    threshold = best[1] if best else calibration.DEFAULT_THRESHOLD
    path = model_store.resolve(args.model)
    entry = {
        "model": args.model,
        "sha256": model_store.recorded_sha256(path),
        "prompt_digest": questions.PROMPT_DIGEST,
        "slope": round(slope, 4),
        "intercept": round(intercept, 4),
        "threshold": threshold,
        "fitted_on": {run.name: len(verification.labelled(run.cases, run.results)) for run in runs},
        "real": sum(item.real for item in labelled),
    }
    print(json.dumps(entry, indent=1))
    if args.write:
        table_file = calibration.TABLE_PATH
        document = json.loads(table_file.read_text()) if table_file.exists() else {"models": []}
        document["models"] = [
            old
            for old in document["models"]
            if (old["sha256"], old["prompt_digest"]) != (entry["sha256"], entry["prompt_digest"])
        ] + [entry]
        table_file.write_text(json.dumps(document, indent=1) + "\n")
        print(f"written to {table_file}")


if __name__ == "__main__":
    main()
