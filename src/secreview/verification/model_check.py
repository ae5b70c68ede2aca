"""The model verifier: two yes/no questions per finding (questions.py), the probability read from the first answer
token of each.

Each question goes with `max_tokens` 1 and `top_logprobs`; P(yes) is the mass of the "yes" tokens over that of
"yes" and "no" among the alternatives. An endpoint that returns no logprobs is asked `votes` times at a sampling
temperature instead, and the share of "yes" answers is the probability (method "vote", never calibrated).
Findings of one file are asked in line order, so those of one function share the prompt's code prefix and the
llama.cpp server reuses its cache; files are checked `jobs` at a time.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from secreview.backends.interface import BackendError, ChatBackend, ChatRequest, Completion
from secreview.engines.budget import BudgetSpentError, TokenBudget, call_record, complete_within
from secreview.engines.interface import INTERRUPTED, wait_all
from secreview.llm import prompts
from secreview.models import CodeUnit, Finding, Verification
from secreview.sources.parts import Split, split_unit
from secreview.verification import calibration, questions, slices
from secreview.verification.interface import STAGE, VerificationResult

TOP_LOGPROBS = 10
INSTRUCTIONS_TO_REVIEWERS = 506  # the prompt-injection rules' CWE: such a file could talk the model into "no"
VOTE_TEMPERATURE = 0.7


class NoAnswerError(Exception):
    """The model's answers held neither yes nor no."""


def yes_probability(alternatives: Sequence[tuple[str, float]]) -> float | None:
    """P(yes) / (P(yes) + P(no)) over the first answer token's alternatives; None when neither is among them."""
    mass = {"yes": 0.0, "no": 0.0}
    for token, logprob in alternatives:
        word = token.strip().lower()
        if word in mass:
            mass[word] += math.exp(logprob)
    total = mass["yes"] + mass["no"]
    return mass["yes"] / total if total > 0 else None


def question_request(messages: list[dict[str, str]]) -> ChatRequest:
    """One question, answered greedily with the first token's alternatives. No seed (greedy needs none), so that
    the call log answers it again whatever seed a review runs with; benchmarks/verify_questions.py sends the same."""
    return ChatRequest(messages=messages, max_tokens=1, top_logprobs=TOP_LOGPROBS)


def answered_yes(completion: Completion) -> float | None:
    """P(yes) from the first token's alternatives (0.5 when neither word is among them: it decides nothing);
    None when the endpoint returned no logprobs."""
    if not completion.logprobs:
        return None
    yes = yes_probability(completion.logprobs[0])
    return 0.5 if yes is None else yes


def _says(text: str) -> str | None:
    words = text.strip().lower().split()
    first = words[0].strip(".,!:;\"'") if words else ""
    return first if first in ("yes", "no") else None


@dataclass
class ModelVerifier:
    backend: ChatBackend
    identity: dict[str, Any]  # the model's identity (backends.cached.backend_identity): picks the calibration
    threshold: float | None = None  # None: calibration.applicable's (the table's, per language)
    jobs: int = 1
    votes: int = 5
    seed: int = 0
    budget: TokenBudget = field(default_factory=TokenBudget)  # shared with the review's other model stages
    _stopped: threading.Event = field(default_factory=threading.Event, init=False, repr=False)

    def __post_init__(self) -> None:
        self._calibration = calibration.for_model(self.identity, questions.PROMPT_DIGEST)

    def stop(self) -> None:
        self._stopped.set()

    def verify(self, findings: Sequence[Finding], units: Mapping[str, CodeUnit]) -> VerificationResult:
        by_path: dict[str, list[int]] = defaultdict(list)
        for index, finding in enumerate(findings):
            by_path[finding.path].append(index)
        with ThreadPoolExecutor(max_workers=max(self.jobs, 1)) as pool:
            futures = [
                pool.submit(self._verify_file, units[path], [findings[i] for i in indices])
                for path, indices in by_path.items()
            ]
            try:
                wait_all(futures)
            except KeyboardInterrupt:  # Ctrl-C: no further question; what was answered is kept
                self.stop()
                wait_all(futures)
            parts = [future.result() for future in futures]
        checked = list(findings)
        result = VerificationResult()
        for indices, part in zip(by_path.values(), parts, strict=True):
            for index, finding in zip(indices, part.findings, strict=True):
                checked[index] = finding
            result.unchecked.update(part.unchecked)
            for unit_path, notes in part.notes.items():
                result.notes.setdefault(unit_path, []).extend(notes)
            result.calls += part.calls
            result.interrupted = result.interrupted or part.interrupted
        result.findings = checked
        return result

    def _verify_file(self, unit: CodeUnit, findings: list[Finding]) -> VerificationResult:
        """The file's findings in their order, each checked unless stopped, refused or failed (see `unchecked`)."""
        result = VerificationResult(findings=list(findings))
        if any(f.cwe == INSTRUCTIONS_TO_REVIEWERS for f in findings):
            result.unchecked[unit.path] = (
                f"the model checked none of its {len(findings)} finding(s): the file carries instructions to AI "
                f"reviewers (CWE-{INSTRUCTIONS_TO_REVIEWERS}), so the model's judgment of it is not trusted"
            )
            return result
        if (
            self.threshold is None
            and self._calibration is not None
            and calibration.excludes(self._calibration, unit.language)
        ):
            # minutes of model time per file for a number that is not evidence
            fitted_on = ", ".join(sorted(self._calibration.languages or ()))
            result.unchecked[unit.path] = (
                f"the model checked none of its {len(findings)} finding(s): its calibration was fitted on {fitted_on} "
                f"findings only, so on {unit.language} its answer would not be evidence (on C it ordered findings "
                "below chance); set verify-threshold to have them checked anyway"
            )
            return result
        split = split_unit(unit)
        done = result.findings
        order = sorted(range(len(findings)), key=lambda i: (findings[i].start_line, findings[i].end_line))
        for position, index in enumerate(order):
            if self._stopped.is_set():
                result.interrupted = True
                result.unchecked[unit.path] = INTERRUPTED
                break
            try:
                done[index] = self._check(unit, findings[index], split, result)
            except (BackendError, NoAnswerError, BudgetSpentError) as error:
                left = len(order) - position
                result.unchecked[unit.path] = f"the model could not check {left} finding(s): {error}"
                break
        checks = [f.verification for f in done if f.verification is not None]
        if checks:
            deciding = [check for check in checks if check.demotes]
            real = sum(check.likely_real for check in deciding)
            how = ", ".join(sorted({check.method for check in checks}))
            parts = [f"{real} likely real, {len(deciding) - real} likely false alarm(s)"] if deciding else []
            if len(deciding) < len(checks):
                uncalibrated = any(not check.calibrated for check in checks if not check.demotes)
                why = f"no calibration for {unit.language}" if uncalibrated else "threshold 0"
                parts.append(f"{len(checks) - len(deciding)} not used to demote ({why})")
            said = ", ".join(parts)
            result.notes[unit.path] = [
                f"{STAGE}: the model checked {len(checks)} of {len(findings)} static finding(s) ({how}): {said}"
            ]
        return result

    def _ask(self, request: ChatRequest, unit: CodeUnit, result: VerificationResult, sample: int = 0) -> Completion:
        completion = complete_within(self.backend, self.budget, unit.id, request)
        result.calls.append(call_record(completion, unit.path, STAGE, self.backend.model, sample))
        return completion

    def _check(self, unit: CodeUnit, finding: Finding, split: Split, result: VerificationResult) -> Finding:
        code = prompts.fenced_code(slices.code_slice(unit, finding, split))
        flow = slices.flow_text(finding)
        real, false_alarm = questions.questions(finding)
        says_real, method = self._yes(questions.messages(code, finding, flow, real), unit, result)
        says_false, _ = self._yes(questions.messages(code, finding, flow, false_alarm), unit, result)
        raw = (says_real + 1 - says_false) / 2
        fitted = self._calibration if method == "logprobs" else None  # fitted on logprobs, not on votes
        table, fitted_threshold = calibration.applicable(fitted, unit.language)
        probability = table.apply(raw) if table is not None else raw
        threshold = fitted_threshold if self.threshold is None else self.threshold
        verification = Verification(
            probability=round(probability, 3),
            raw=round(raw, 3),
            method=method,
            calibrated=table is not None,
            model=self.backend.model,
            threshold=threshold,
        )
        return finding.model_copy(update={"verification": verification})

    def _yes(
        self, messages: list[dict[str, str]], unit: CodeUnit, result: VerificationResult
    ) -> tuple[float, Literal["logprobs", "vote"]]:
        """P(yes) to one question, from the first token's logprobs, else (an endpoint without them) by vote."""
        yes = answered_yes(self._ask(question_request(messages), unit, result))
        return (self._vote(messages, unit, result), "vote") if yes is None else (yes, "logprobs")

    def _vote(self, messages: list[dict[str, str]], unit: CodeUnit, result: VerificationResult) -> float:
        said = []
        for sample in range(self.votes):
            request = ChatRequest(
                messages=messages, max_tokens=3, temperature=VOTE_TEMPERATURE, seed=self.seed + sample
            )
            said.append(_says(self._ask(request, unit, result, sample).text))
        counted = [word for word in said if word is not None]
        if not counted:
            raise NoAnswerError(f"none of {self.votes} answers was yes or no")
        return counted.count("yes") / len(counted)
