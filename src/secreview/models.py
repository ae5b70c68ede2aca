"""Core types shared by every stage of the pipeline.

Data flows one way: sources make `CodeUnit`s, engines make raw `Finding`s, the aggregate step
judges them into a `Review`, reporters render the `Review`. These pydantic models are also the JSON
contract (see docs/json-schema.md), so renaming a field is a schema change.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

JSON_SCHEMA_VERSION = "1.5"
NO_DEFECTS_VERDICT = "No security defects are detected in the code"


class Severity(str, Enum):
    """Impact of a defect if exploited; ordered from most to least severe."""

    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    info = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe, so thresholds compare with >=."""
        return len(_SEVERITY_ORDER) - _SEVERITY_ORDER.index(self)

    def at_least(self, threshold: Severity) -> bool:
        return self.rank >= threshold.rank


_SEVERITY_ORDER = list(Severity)


class LineRange(BaseModel):
    """An inclusive, 1-based range of file lines."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=1)
    end: int = Field(ge=1)

    def overlaps(self, other: LineRange) -> bool:
        return self.start <= other.end and other.start <= self.end


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """The lines an editor and the static tools count, split at \\n, \\r\\n and \\r only: str.splitlines also splits at
    form feeds and Unicode line separators, which would shift every line number after one."""
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if lines[-1] == "" else lines


class CodeUnit(BaseModel):
    """One piece of code to review: a whole file, or a file with the changed lines marked."""

    id: str
    path: str = Field(description="Path relative to the review root, with forward slashes.")
    language: str
    text: str
    review_lines: list[LineRange] | None = Field(
        default=None,
        description="Lines under review (changed lines in diff mode); None means the whole file.",
    )
    commit_message: str | None = None
    disk_path: Path | None = Field(
        default=None, exclude=True, description="A file on disk whose content is `text`, if there is one."
    )
    sha256: str = ""

    def model_post_init(self, __context: object) -> None:
        if not self.sha256:
            self.sha256 = hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def line_count(self) -> int:
        return len(source_lines(self.text))

    def lines(self, start: int, end: int) -> str:
        """The text of file lines start..end (1-based, inclusive), clipped to the file."""
        return "\n".join(source_lines(self.text)[max(start, 1) - 1 : end])

    def is_under_review(self, start: int, end: int) -> bool:
        if self.review_lines is None:
            return True
        wanted = LineRange(start=start, end=max(start, end))
        return any(wanted.overlaps(r) for r in self.review_lines)


class Evidence(BaseModel):
    """What one engine (and, for models, one sample) said about a finding."""

    engine: str = Field(description="bandit, semgrep, ...")
    rule_id: str
    message: str
    severity: Severity
    confidence: float = Field(ge=0.0, le=1.0)
    cwe: int | None = None
    quote: str = Field(default="", description="The code the engine says it saw (models quote it), for grounding.")
    disputes: bool = Field(default=False, description="The engine judged this a false alarm; message gives its reason.")
    sample: int | None = Field(
        default=None,
        description="Which sample said it (0-based: model sample i was drawn with seed + i; for `secreview parse`, "
        "the i-th review); None for engines that are not sampled (bandit, semgrep).",
    )
    candidate: bool = Field(
        default=False,
        description="The engine proposed it as a candidate to check (a flow from a parameter, a report its own "
        "filter doubts), not as a defect; set where reports are merged, so each part of a finding says what it was.",
    )


class Suppression(BaseModel):
    """A comment in the code that silences findings on its line or the next (see secreview.suppression)."""

    kind: Literal["secreview", "nosec", "noqa"] = Field(
        description="secreview: `secreview: ignore[CWE-n] reason`; nosec: Bandit's `# nosec [B602]`; noqa: Ruff's "
        "`# noqa: S602` (its flake8-bandit codes, read as Bandit's tests)."
    )
    line: int = Field(ge=1, description="The line the comment is on.")
    cwes: list[int] = Field(default_factory=list, description="The CWEs it names; empty: every CWE.")
    rules: list[str] = Field(
        default_factory=list, description="The Bandit test ids a nosec or noqa names (S602 as B602); empty: all."
    )
    reason: str = Field(default="", description="Why the finding is accepted; empty is reported as a warning.")
    honoured: bool = Field(
        default=True,
        description="False when the comment was not trusted (added by the change under review in diff mode): "
        "the finding is then reported as usual, with this suppression attached.",
    )


class CodeContext(BaseModel):
    """Lines around a finding, for reports that show the code in place (HTML, SARIF contextRegion)."""

    start_line: int = Field(ge=1)
    text: str


class FlowStep(BaseModel):
    """One event on the way to a defect: where a value comes from, passes through or is used (Semgrep's taint
    trace, an analyzer's path notes). The verification stage shows these lines to the model."""

    line: int = Field(ge=1)
    note: str = Field(default="", description="What happens there, e.g. 'source: request.args', 'freed here'.")


class Verification(BaseModel):
    """The model's answer to one narrow question about a static finding or candidate: is it real?"""

    probability: float = Field(ge=0.0, le=1.0, description="Calibrated probability that the finding is real.")
    raw: float = Field(ge=0.0, le=1.0, description="The model's own probability of 'yes', before calibration.")
    method: Literal["logprobs", "vote"] = Field(
        description="logprobs: read from the first answer token; vote: the share of sampled yes/no answers (the "
        "endpoint returned no logprobs)."
    )
    calibrated: bool = Field(description="False when no calibration table matches the model: `probability` = `raw`.")
    model: str
    threshold: float = Field(ge=0.0, le=1.0, description="Below it the finding is a likely false alarm.")

    @property
    def likely_real(self) -> bool:
        return self.probability >= self.threshold

    @property
    def demotes(self) -> bool:
        """False when nothing it says can demote the finding (threshold 0: a language the model's calibration was
        not fitted on, or the user's choice): then it says neither "likely real" nor "likely false alarm"."""
        return self.threshold > 0


class Fix(BaseModel):
    """A change the model proposed for a finding and the analyzers checked (parses, defect gone, nothing new)."""

    start_line: int = Field(ge=1, description="First line replaced.")
    end_line: int = Field(ge=0, description="Last line replaced (start_line - 1: an insertion before start_line).")
    replacement: str = Field(description="The new text of those lines.")
    diff: str = Field(description="Unified diff of the file, for people and `git apply`.")
    model: str = ""


class Finding(BaseModel):
    """A security defect at a place in the code."""

    path: str
    start_line: int = Field(ge=1)
    end_line: int = Field(ge=1)
    cwe: int | None = Field(description="CWE id; None only when no engine could name one.")
    cwe_name: str = ""
    pillar: int | None = Field(default=None, description="The CWE-1000 pillar the CWE belongs to.")
    title: str
    description: str
    solution: str
    severity: Severity
    confidence: float = Field(ge=0.0, le=1.0)
    code: str = Field(default="", description="The flagged lines, as they are in the file.")
    evidence: list[Evidence] = Field(default_factory=list)
    fingerprint: str = Field(default="", description="Content-based id that survives lines moving.")
    support: int = Field(default=0, ge=0, description="How many of the `samples` samples reported this finding.")
    samples: int = Field(
        default=0, ge=0, description="How many samples (model answers, or reviews) covered its code; 0: none."
    )
    context: CodeContext | None = Field(
        default=None, description="The flagged lines with a few lines either side, as they are in the file."
    )
    suppression: Suppression | None = Field(
        default=None, description="The comment that silences it (in `suppressed`), or one not trusted (in findings)."
    )
    kind: Literal["defect", "candidate"] = Field(
        default="defect",
        description="candidate: a wider, lower-confidence static proposal (e.g. a parameter of a public function "
        "reaching a sink) that counts as a defect only once the model verifies it.",
    )
    flow: list[FlowStep] = Field(
        default_factory=list, description="How the value gets there (taint trace, analyzer path notes), in order."
    )
    verification: Verification | None = Field(default=None, description="The model's check of it, if one was made.")
    fix: Fix | None = Field(default=None, description="A checked fix, if one was found.")
    remark: str = Field(
        default="",
        description="Why it is listed outside `findings` (a likely false alarm, a claim judging could not place).",
    )

    @property
    def engines(self) -> list[str]:
        """The engines that report the defect (not those that dispute it)."""
        return sorted({e.engine for e in self.evidence if not e.disputes})

    @property
    def disputes(self) -> list[Evidence]:
        return [e for e in self.evidence if e.disputes]


def spans(ranges: list[LineRange]) -> str:
    """`3, 17-20`: the ranges as a reader writes them."""
    return ", ".join(str(r.start) if r.start == r.end else f"{r.start}-{r.end}" for r in ranges)


def line_ranges(numbers: Iterable[int]) -> list[LineRange]:
    """Line numbers as ranges of consecutive lines, in order."""
    out: list[LineRange] = []
    for n in sorted(set(numbers)):
        if out and n == out[-1].end + 1:
            out[-1] = LineRange(start=out[-1].start, end=n)
        else:
            out.append(LineRange(start=n, end=n))
    return out


class RoutedPart(BaseModel):
    """A part of a unit that routing sent to a model engine, and why."""

    name: str = Field(description="The function or method (Class.method), 'module level', or 'whole file'.")
    lines: list[LineRange] = Field(description="The lines sent for review (the context shown around them aside).")
    reasons: list[str] = Field(
        description="changed lines, input source: ..., dangerous sink: ..., static finding: CWE-n; or why the unit "
        "was not split into functions (it is then sent whole)."
    )


class UnitRouting(BaseModel):
    """What routing sent of a unit to a model engine (see secreview.llm.routing). Parts not routed were judged to
    need no model review: a decision, not a gap."""

    parts: int = Field(description="Functions and methods, plus the module-level code as one part (1: not split).")
    routed: list[RoutedPart] = Field(default_factory=list, description="The parts sent; empty: none.")
    not_routed: str = Field(default="", description="Why the other parts were not sent.")
    split: str = Field(
        default="", description="How the unit was split (python-ast, python-tokens, tree-sitter), or why it was not."
    )

    def describe(self, engine: str) -> str:
        """One sentence for the reports, e.g. 'llm: 3 of 7 parts ... routed to the model (lines 10-40: ...)'."""
        lines = spans(sorted((r for part in self.routed for r in part.lines), key=lambda r: r.start))
        kinds = list(dict.fromkeys(reason.split(":")[0] for part in self.routed for reason in part.reasons))
        if self.split.startswith("not split"):
            return f"{engine}: the whole file was sent to the model ({self.split})"
        what = f"{self.parts} part{'s' if self.parts != 1 else ''} (functions, methods, module-level code)"
        if not self.routed:
            return f"{engine}: none of its {what} routed to the model ({self.not_routed}); not reviewed by {engine}"
        left = self.parts - len(self.routed)
        sent = f"{engine}: {len(self.routed)} of {what} routed to the model (lines {lines}: {', '.join(kinds)})"
        return sent + (f"; {left} not routed ({self.not_routed})" if left > 0 else "")


class UnitCoverage(BaseModel):
    """Which engines reviewed a unit, which skipped it and why, and what routing sent to the model engines."""

    path: str
    language: str
    lines: int
    review_lines: list[LineRange] | None = None
    reviewed_by: list[str] = Field(default_factory=list)
    skipped_by: dict[str, str] = Field(default_factory=dict, description="engine -> reason")
    routed_out: list[str] = Field(
        default_factory=list,
        description="Model engines that routing sent none of the unit to (no part needed their review): not a gap, "
        "so not in skipped_by, and not in reviewed_by since they did not read it.",
    )
    routing: dict[str, UnitRouting] = Field(
        default_factory=dict, description="engine -> what routing sent it of the unit; absent with route = 'all'."
    )
    notes: list[str] = Field(default_factory=list)


class SkippedTarget(BaseModel):
    """Something the user asked for that never became a unit (missing file, binary, bad patch...)."""

    target: str
    reason: str


class Coverage(BaseModel):
    units: list[UnitCoverage] = Field(default_factory=list)
    skipped: list[SkippedTarget] = Field(default_factory=list)
    out_of_scope: int = Field(
        default=0, description="Files found under a directory but in no language the engines review."
    )

    @property
    def complete(self) -> bool:
        """True only if every unit asked for was reviewed by every engine that applies to it."""
        return not self.skipped and not any(u.skipped_by for u in self.units)


class ModelCall(BaseModel):
    """One model call: what it cost. The full prompt and answer go to the call log, not the report."""

    path: str
    step: str = Field(description="The strategy step: structured, structured-retry, basic, cot-describe, ...")
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    attempts: int = 1
    sample: int = Field(default=0, ge=0, description="Which sample of the window this call drew (seed + sample).")
    server_ms: float = Field(default=0.0, description="The server's own compute time, when it reports it.")
    cached: bool = Field(
        default=False,
        description="Answered from the call log: no model was called (attempts 0, latency the lookup's).",
    )


class Voting(BaseModel):
    """How repeated samples of the same code were reconciled into one review."""

    source: Literal["model", "reviews"] = Field(
        description="model: the model answered each window `samples` times; reviews: `secreview parse` read "
        "`samples` reviews of one file."
    )
    samples: int = Field(ge=1)
    min_support: int = Field(ge=1, description="Samples a finding needs to be reported (static findings always are).")
    temperature: float | None = Field(default=None, description="The sampling temperature (model samples).")
    seed: int | None = Field(default=None, description="The seed of sample 0; sample i used seed + i.")


class BaselineUse(BaseModel):
    """A baseline file of accepted findings: those whose fingerprint it lists are left out of `findings`."""

    path: str
    known: int = Field(ge=0, description="Findings left out because the baseline lists their fingerprint.")
    fingerprints: int = Field(ge=0, description="Fingerprints the baseline lists.")


class EngineInfo(BaseModel):
    name: str
    version: str


class Review(BaseModel):
    """The result of a review: what a reporter renders and what the JSON output contains."""

    schema_version: str = JSON_SCHEMA_VERSION
    tool_version: str
    target: str = Field(description="What was reviewed, as the user named it.")
    commit_message: str | None = None
    engines: list[EngineInfo] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    observations: list[Finding] = Field(
        default_factory=list,
        description="Concerns that are not counted as defects: model-only findings nothing confirmed (no static "
        "finding, no dangerous sink of its kind on their lines, no second agreeing sample), hard-coded credentials in "
        "a test file (a test's fixtures), and for `secreview parse` concerns a review listed while concluding there "
        "are no defects.",
    )
    likely_false_alarms: list[Finding] = Field(
        default_factory=list,
        description="Static findings the model judged unlikely to be real (verification probability below the "
        "threshold): kept for audit, not counted in the verdict or the exit code by default.",
    )
    candidates: list[Finding] = Field(
        default_factory=list,
        description="Candidates no calibrated model check has confirmed (--engine static, --verify off, or a "
        "language the model's calibration was not fitted on): for a person to check, not counted in the verdict or "
        "the exit code by default.",
    )
    verdict: str
    complete: bool
    coverage: Coverage
    model_calls: list[ModelCall] = Field(default_factory=list)
    voting: Voting | None = Field(default=None, description="None when no engine was sampled (static only).")
    suppressed: list[Finding] = Field(
        default_factory=list,
        description="Findings silenced by a suppression comment (each with its `suppression`); not in `findings`, "
        "not counted in the verdict or the exit code. Empty with --no-suppress.",
    )
    baseline: BaselineUse | None = Field(default=None, description="The baseline applied (--baseline), if any.")
    started_at: str = Field(default="", description="When the review began: UTC, ISO 8601 to the second.")
    duration_s: float = 0.0

    def worst_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    def exit_code(self, fail_on: Severity) -> int:
        """0 clean, 1 findings at or above fail_on, 3 incomplete (findings take precedence)."""
        if any(f.severity.at_least(fail_on) for f in self.findings):
            return 1
        return 0 if self.complete else 3
