"""Run every configuration over the same cases, storing each result as it finishes, and resume.

Layout of the output folder (`--out`):
    run.json                       the dataset, the sample's case ids, the configurations
    results/<configuration>.jsonl  one CaseResult per line, appended as cases finish (repeat k > 1:
                                   <configuration>.r<k>.jsonl)
A second run with the same folder skips every case already stored, so an interrupted run resumes; a
folder made for another sample is refused rather than mixed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from secreview.bench.dataset import Case, Dataset
from secreview.bench.interface import CaseResult, Reviewer

Progress = Callable[[str, int, int], None]
"""Called with (configuration now running, cases done so far, cases to do in this invocation)."""


class ResumeError(Exception):
    """The output folder holds a run of other cases; str(error) says what differs."""


@dataclass(frozen=True)
class Slot:
    """One configuration in one repeat: where its results live."""

    reviewer: Reviewer
    repeat: int

    @property
    def file_name(self) -> str:
        return result_file_name(self.reviewer.name, self.repeat)


def result_file_name(configuration: str, repeat: int) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", configuration).strip("_")
    return f"{slug}.jsonl" if repeat == 1 else f"{slug}.r{repeat}.jsonl"


def _claim(out: Path, dataset: Dataset, cases: Sequence[Case], names: list[str]) -> None:
    manifest = {"dataset": dataset.name, "cases": [case.id for case in cases]}
    path = out / "run.json"
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
        if {key: stored.get(key) for key in manifest} != manifest:
            raise ResumeError(
                f"{out} holds results for other cases (dataset {stored.get('dataset')}, "
                f"{len(stored.get('cases', []))} cases); choose another --out or delete it"
            )
        names = sorted({*stored.get("configurations", []), *names})
    (out / "results").mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**manifest, "configurations": names}, indent=1) + "\n", encoding="utf-8")


def load_results(path: Path) -> dict[str, CaseResult]:
    """The results stored so far; a line cut short by an interruption is ignored (that case runs again)."""
    results: dict[str, CaseResult] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                result = CaseResult.model_validate_json(line)
            except ValueError:
                continue
            results[result.case_id] = result
    return results


@dataclass(frozen=True)
class StoredElsewhere:
    """Configurations the folder holds from earlier invocations, so one report can show them all."""

    complete: dict[str, list[dict[str, CaseResult]]]  # name -> per repeat, every case of the sample
    incomplete: dict[str, int]  # name -> cases stored in its first repeat (fewer than the sample)


def stored_elsewhere(out: Path, cases: Sequence[Case], repeats: int, running: Sequence[str]) -> StoredElsewhere:
    """The folder's other configurations (run.json lists every one ever run there). One counts as complete
    when each of `repeats` runs covers the sample; others are only counted, never scored on fewer cases."""
    listed = json.loads((out / "run.json").read_text(encoding="utf-8")).get("configurations", [])
    wanted = {case.id for case in cases}
    complete: dict[str, list[dict[str, CaseResult]]] = {}
    incomplete: dict[str, int] = {}
    for name in (name for name in listed if name not in running):
        runs = [
            _results_of(out / "results" / result_file_name(name, repeat), wanted) for repeat in range(1, repeats + 1)
        ]
        if all(len(run) == len(wanted) for run in runs):
            complete[name] = runs
        else:
            incomplete[name] = len(runs[0])
    return StoredElsewhere(complete, incomplete)


def pending(slot: Slot, out: Path, cases: Sequence[Case]) -> list[Case]:
    done = load_results(out / "results" / slot.file_name)
    return [case for case in cases if case.id not in done]


def run_slots(
    dataset: Dataset, cases: Sequence[Case], slots: Sequence[Slot], out: Path, progress: Progress | None = None
) -> dict[Slot, dict[str, CaseResult]]:
    """Review what each slot still lacks, batch by batch, appending results; return all results.
    Each slot's reviewer is closed once its cases are done (a loaded model is released before the next)."""
    _claim(out, dataset, cases, sorted({slot.reviewer.name for slot in slots}))
    todo = {slot: pending(slot, out, cases) for slot in slots}
    total, done = sum(len(left) for left in todo.values()), 0
    for slot in slots:
        try:
            with (out / "results" / slot.file_name).open("a", encoding="utf-8") as stored:
                for start in range(0, len(todo[slot]), slot.reviewer.batch_size):
                    if progress is not None:
                        progress(slot.reviewer.name, done, total)
                    batch = todo[slot][start : start + slot.reviewer.batch_size]
                    for result in slot.reviewer.review(dataset, batch):
                        stored.write(result.model_dump_json() + "\n")
                    stored.flush()
                    done += len(batch)
        finally:
            slot.reviewer.close()
    if progress is not None:
        progress("", done, total)
    wanted = {case.id for case in cases}
    return {slot: _results_of(out / "results" / slot.file_name, wanted) for slot in slots}


def _results_of(path: Path, wanted: set[str]) -> dict[str, CaseResult]:
    """The stored results of this sample's cases, and nothing else a results file may hold."""
    return {key: value for key, value in load_results(path).items() if key in wanted}
