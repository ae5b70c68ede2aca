"""Calibration: the model's own probability of "yes" mapped to how often such findings were real on labelled
data (Platt scaling: a logistic curve on the logit), fitted by benchmarks/calibrate.py and shipped as a small
table per model file (sha256) and question wording (questions.PROMPT_DIGEST). Any other model, or other wording,
is uncalibrated: its raw probability is shown as it is, and the report says so."""

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
            return Calibration(float(entry["slope"]), float(entry["intercept"]), float(entry["threshold"]))
    return None
