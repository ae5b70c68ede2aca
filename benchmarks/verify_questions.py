"""Which way of asking separates real static findings from false alarms best: question forms side by side on the
same labelled findings, each scored by ROC AUC.

    python benchmarks/verify_questions.py DATASET_DIR [--limit 60] [--seed 0] [--variants shipped,real,...]

The static engines review a stratified sample of the dataset; every finding and candidate is labelled as the bench
labels it (bench/verification.py: real on a vulnerable case with a family CWE match, false on a safe case, else left
out). The model is then asked about each one in every variant, all through the call log (a rerun asks nothing twice;
the requests are the verifier's own, so a review or bench afterwards replays them):

- real: the slice (the enclosing function, flow lines, helpers and imports), "is it a real, exploitable defect?";
- false-alarm: the same slice, "is it a false alarm?" (score: 1 - P(yes));
- shipped: the mean of the two, as the verification stage asks (questions.py);
- file: the whole file instead of the slice, both questions.

Questions are grouped by their code so llama.cpp's prompt cache serves the shared prefix. (The earlier form, one
question per kind of weakness, is measured in docs/benchmarks.md at commit 1452d99.)
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from secreview.api import ReviewRequest, collect_units, open_backend, review_root, run_review
from secreview.bench.dataset import load_dataset, stratified_sample
from secreview.bench.metrics import cwe_matches
from secreview.config import Settings
from secreview.llm import prompts
from secreview.models import CodeUnit, Finding, LineRange
from secreview.sources.parts import split_unit
from secreview.verification import questions, slices
from secreview.verification.model_check import answered_yes, question_request


def _whole(unit: CodeUnit) -> str:
    lines = LineRange(start=1, end=max(unit.line_count, 1))
    return prompts.fenced_code(prompts.Window(unit, lines))


def _sliced(unit: CodeUnit, finding: Finding) -> str:
    return prompts.fenced_code(slices.code_slice(unit, finding, split_unit(unit)))


# name -> (the code shown, which of the two questions count: 0 real, 1 false alarm)
VARIANTS: dict[str, tuple[Callable[[CodeUnit, Finding], str], tuple[int, ...]]] = {
    "real": (_sliced, (0,)),
    "false-alarm": (_sliced, (1,)),
    "shipped": (_sliced, (0, 1)),
    "file": (lambda unit, finding: _whole(unit), (0, 1)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset")
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--out", type=Path, help="write each finding's label and score per variant here (JSON lines)")
    args = parser.parse_args()
    from sklearn.metrics import roc_auc_score

    dataset = load_dataset(Path(args.dataset))
    cases = stratified_sample(dataset.cases, args.limit, args.seed)
    request = ReviewRequest(paths=[str(dataset.file(case)) for case in cases])
    static = Settings(engine="static")
    review = run_review(request, static, start=dataset.root)
    units = {unit.path: unit for unit in collect_units(request, static, start=dataset.root)}
    root = review_root(dataset.root)
    by_file = {dataset.file(case).resolve(): case for case in cases}
    by_path = {path: by_file[(root / path).resolve()] for path in units if (root / path).resolve() in by_file}
    labelled: list[tuple[Finding, bool]] = []
    for finding in [*review.findings, *review.likely_false_alarms, *review.candidates]:
        case = by_path.get(finding.path)
        if case is None or (case.vulnerable and not cwe_matches(case.cwe, finding.cwe, "family")):
            continue
        labelled.append((finding, case.vulnerable))
    real = sum(label for _, label in labelled)
    print(f"{len(cases)} cases, {len(labelled)} labelled findings ({real} real, {len(labelled) - real} false)")
    backend = open_backend(Settings(threads=args.threads))
    rows: list[dict[str, object]] = [
        {
            "path": f.path,
            "language": units[f.path].language,
            "line": f.start_line,
            "cwe": f.cwe,
            "kind": f.kind,
            "real": real,
        }
        for f, real in labelled
    ]
    try:
        for name in args.variants.split(","):
            shown, counted = VARIANTS[name]
            scores, latencies = [], []
            for finding, _ in labelled:
                code, flow = shown(units[finding.path], finding), slices.flow_text(finding)
                said = []
                for which in counted:
                    question = questions.questions(finding)[which]
                    began = time.perf_counter()
                    answer = backend.complete(question_request(questions.messages(code, finding, flow, question)))
                    latencies.append(time.perf_counter() - began)
                    yes = answered_yes(answer)
                    if yes is None:
                        raise SystemExit("the model returned no logprobs: this benchmark reads them")
                    said.append(1 - yes if which else yes)
                scores.append(statistics.mean(said))
            for row, value in zip(rows, scores, strict=True):
                row[name] = round(value, 4)
            auc = roc_auc_score([label for _, label in labelled], scores)
            mean_real = statistics.mean(s for s, (_, label) in zip(scores, labelled, strict=True) if label)
            mean_false = statistics.mean(s for s, (_, label) in zip(scores, labelled, strict=True) if not label)
            print(
                f"{name:9} ROC AUC {auc:.3f}  mean P(real) {mean_real:.2f} on real, {mean_false:.2f} on false; "
                f"median {statistics.median(latencies):.2f} s per question ({len(latencies)})",
                flush=True,
            )
    finally:
        backend.close()
    if args.out:
        args.out.write_text("".join(json.dumps(row) + "\n" for row in rows))


if __name__ == "__main__":
    main()
