"""Fit the verification stage's calibration on labelled dev data and write it into the package's table.

    python benchmarks/calibrate.py --run OUT_DIR DATASET_DIR [--run ...] [--scores ROWS.jsonl ...] [--write]

Each OUT_DIR is a `secreview bench` results folder holding a finished `hybrid+verify` configuration on DATASET_DIR
(run with the model to calibrate). Every checked finding is labelled as the bench labels it (real: a vulnerable case
with a family CWE match; false: any finding on a safe case); Platt scaling (a logistic regression on the logit of the
model's raw probability, scikit-learn) maps raw to calibrated probabilities. The threshold is the one that gives the
best mean OWASP-style score (TPR - FPR, family) over the given runs when findings below it are demoted, losing at most
3 points of TPR on each run. Fitted on whole dev sets by this script only, never by hand per case.

--scores adds labelled findings from `benchmarks/verify_questions.py --out` (its "shipped" column: the stage's own
questions, the same requests); without any --run the threshold is the highest that demotes at most 3% of those
real findings, among those that demote more false findings than real ones (else nothing is demoted).

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
from secreview.bench.interface import CaseResult, ReportedFinding
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
        findings: list[ReportedFinding] = []
        demoted: list[ReportedFinding] = []
        for finding in [*result.findings, *result.demoted]:
            if finding.raw is None:
                findings.append(finding)
                continue
            probability = table.apply(finding.raw)
            placed = finding.model_copy(update={"probability": probability})
            (findings if probability >= table.threshold else demoted).append(placed)
        out[case_id] = result.model_copy(update={"findings": findings, "demoted": demoted})
    return out


def _threshold_by_score(runs: list[Run], slope: float, intercept: float) -> float:
    """The threshold with the best mean family score over the runs, losing at most MAX_TPR_LOSS of TPR on each."""
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
    return best[1] if best else calibration.DEFAULT_THRESHOLD


def _threshold_by_findings(labelled: list[tuple[float, bool]], table: calibration.Calibration) -> float:
    """The highest threshold that demotes at most MAX_TPR_LOSS of the real findings and more false than real ones;
    0.0 (nothing demoted) when none does."""
    real = sum(is_real for _, is_real in labelled)
    chosen = 0.0
    for step in range(1, 100):
        below = [is_real for raw, is_real in labelled if table.apply(raw) < step / 100]
        lost = sum(below)
        if lost > MAX_TPR_LOSS * real:
            break
        if len(below) - lost > lost:
            chosen = step / 100
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", nargs=2, action="append", default=[], metavar=("OUT_DIR", "DATASET_DIR"))
    parser.add_argument("--scores", type=Path, action="append", default=[], help="verify_questions.py --out rows")
    parser.add_argument("--model", default=model_store.DEFAULT_MODEL, help="the model the runs used")
    parser.add_argument("--write", action="store_true", help="write the fit into the package's table")
    args = parser.parse_args()
    from sklearn.linear_model import LogisticRegression

    runs = [_load(Path(out), Path(dataset)) for out, dataset in args.run]
    rows = [json.loads(line) for rows_file in args.scores for line in rows_file.read_text().splitlines() if line]
    labelled = [(item.raw, item.real) for run in runs for item in verification.labelled(run.cases, run.results)]
    labelled += [(row["shipped"], row["real"]) for row in rows]
    if len({real for _, real in labelled}) < 2:
        raise SystemExit("the runs need both real and false checked findings to fit")
    fit = LogisticRegression(C=1e6).fit([[_logit(raw)] for raw, _ in labelled], [real for _, real in labelled])
    slope, intercept = float(fit.coef_[0][0]), float(fit.intercept_[0])
    if runs:
        threshold = _threshold_by_score(runs, slope, intercept)
    else:
        threshold = _threshold_by_findings(labelled, calibration.Calibration(slope, intercept, 0.0))
    path = model_store.resolve(args.model)
    entry = {
        "model": args.model,
        "sha256": model_store.recorded_sha256(path),
        "prompt_digest": questions.PROMPT_DIGEST,
        "slope": round(slope, 4),
        "intercept": round(intercept, 4),
        "threshold": threshold,
        "fitted_on": {
            **{run.name: len(verification.labelled(run.cases, run.results)) for run in runs},
            **{
                rows_file.name: sum(1 for line in rows_file.read_text().splitlines() if line)
                for rows_file in args.scores
            },
        },
        "real": sum(real for _, real in labelled),
    }
    # The findings' languages: a finding in another is shown uncalibrated and not demoted (calibration.py); rows of
    # verify_questions.py written before they named theirs leave it unknown, and the entry then applies to any.
    languages = {case.language for run in runs for case in run.cases} | {row.get("language") for row in rows}
    if None not in languages:
        entry["languages"] = sorted(str(language) for language in languages)
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
