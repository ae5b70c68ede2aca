"""The reference row: Bandit run directly with its defaults, the tool most Python users have today.

Deliberately not secreview's Bandit engine (which skips some checks and refines some CWEs), only its runner: the row
shows what a user gets from `bandit` alone.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from secreview.bench.dataset import Case, Dataset
from secreview.bench.interface import CaseResult, ReportedFinding, ReviewerError
from secreview.engines.bandit import run_bandit
from secreview.engines.interface import EngineUnavailableError


class BanditReviewer:
    name = "bandit (defaults)"
    batch_size = 100

    def review(self, dataset: Dataset, cases: Sequence[Case]) -> Iterator[CaseResult]:
        by_file = {dataset.file(case).resolve(): case for case in cases}
        began = time.perf_counter()
        report = _run_bandit([str(path) for path in by_file])
        per_case = round((time.perf_counter() - began) / len(cases), 3)
        results = {case.id: CaseResult(case_id=case.id, wall_s=per_case) for case in cases}
        for item in report.get("results", []):
            case = by_file[Path(item["filename"]).resolve()]
            lines = item.get("line_range") or [item["line_number"]]
            cwe = item.get("issue_cwe", {}).get("id") or None
            results[case.id].findings.append(
                ReportedFinding(cwe=cwe, start_line=min(lines), end_line=max(lines), engines=["bandit"])
            )
        for error in report.get("errors", []):
            case = by_file[Path(error["filename"]).resolve()]
            results[case.id] = results[case.id].model_copy(update={"complete": False, "note": error["reason"]})
        yield from results.values()

    def close(self) -> None:
        """Nothing to release: each batch is one Bandit process."""


def _run_bandit(files: list[str]) -> dict[str, Any]:
    """Bandit with no skip list and its `# nosec` comments obeyed: its defaults."""
    try:
        return run_bandit(files)
    except EngineUnavailableError as error:
        raise ReviewerError(str(error)) from None
