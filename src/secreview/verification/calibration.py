"""Calibration: the model's own probability of "yes" mapped to how often such findings were real on labelled
data (Platt scaling: a logistic curve on the logit), fitted by benchmarks/calibrate.py and shipped as a small
table per model file (sha256) and question wording (questions.PROMPT_DIGEST), with the languages of the findings it
was fitted on. Any other model, or other wording, is uncalibrated: its raw probability is shown as it is, and the
report says so. So is a finding in a language the table was not fitted on, and it is not demoted: the table says
where the model was measured, and elsewhere it may be no evidence at all (the 1.5B default on C findings: ROC AUC
0.38, docs/benchmarks.md)."""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TABLE_PATH = Path(__file__).with_name("calibration.json")
DEFAULT_THRESHOLD = 0.5
_EDGE = 1e-4


@dataclass(frozen=True)
class Calibration:
    slope: float
    intercept: float
    threshold: float  # the calibrated probability below which a finding is a likely false alarm
    languages: frozenset[str] | None = None  # of the findings it was fitted on; None: not recorded, any

    def apply(self, raw: float) -> float:
        clipped = min(max(raw, _EDGE), 1 - _EDGE)
        return 1.0 / (1.0 + math.exp(-(self.slope * math.log(clipped / (1 - clipped)) + self.intercept)))


@functools.cache
def _table() -> list[dict[str, Any]]:
    if not TABLE_PATH.exists():
        return []
    entries: list[dict[str, Any]] = json.loads(TABLE_PATH.read_text(encoding="utf-8"))["models"]
    return entries


def for_model(identity: dict[str, Any], prompt_digest: str) -> Calibration | None:
    """The shipped calibration for this model file and question wording, if there is one."""
    sha256 = identity.get("sha256")
    for entry in _table():
        if sha256 is not None and entry["sha256"] == sha256 and entry["prompt_digest"] == prompt_digest:
            languages = frozenset(entry["languages"]) if "languages" in entry else None
            return Calibration(float(entry["slope"]), float(entry["intercept"]), float(entry["threshold"]), languages)
    return None


def excludes(fitted: Calibration | None, language: str) -> bool:
    """Whether the model's table was fitted on other languages only: there its answers were not shown to be
    evidence (on C they ordered findings below chance)."""
    return fitted is not None and fitted.languages is not None and language not in fitted.languages


def applicable(fitted: Calibration | None, language: str) -> tuple[Calibration | None, float]:
    """The calibration that applies to a finding in `language`, and the probability below which the finding is a
    likely false alarm: the table's own threshold; DEFAULT_THRESHOLD for a model without one; no table and 0.0
    (never demoted) where the table `excludes` the language."""
    if fitted is None:
        return None, DEFAULT_THRESHOLD
    if excludes(fitted, language):
        return None, 0.0
    return fitted, fitted.threshold
