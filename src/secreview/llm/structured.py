"""Structured answers: validate the model's JSON against the schema, repair what is repairable.

A model answer that cannot be read is a failed sample, never "no defects": `parse_answer` returns
None and the engine retries once, then reports the unit as not reviewed.
"""

from __future__ import annotations

import json
import re
from typing import Literal

from pydantic import BaseModel, ValidationError

from secreview import cwe
from secreview.llm.prompts import MAX_DEFECTS, Window, hint_id
from secreview.models import Evidence, Finding, Severity

_FENCED = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_HINT_ID = re.compile(r"H\d+")
MODEL_CONFIDENCE = 0.5  # one sample of a model's opinion; agreement with other evidence raises it


class Defect(BaseModel):
    weakness: str
    start_line: int
    end_line: int
    quoted_code: str = ""
    cwe: int
    explanation: str
    fix: str
    severity: Literal["critical", "high", "medium", "low"] = "medium"


class HintDecision(BaseModel):
    id: str
    reason: str = ""
    decision: Literal["real defect", "false alarm"]


class Answer(BaseModel):
    hints: list[HintDecision] = []
    defects: list[Defect] = []
    verdict: Literal["defects", "no defects"]


def _candidates(text: str) -> list[str]:
    """The answer as given, inside a ``` fence, and from its first '{' to its last '}'."""
    found = [text.strip()]
    found += [match.strip() for match in _FENCED.findall(text)]
    if "{" in text and "}" in text:
        found.append(text[text.index("{") : text.rindex("}") + 1])
    return found


def parse_answer(text: str) -> Answer | None:
    """The validated answer, after light repair (code fences, surrounding prose, trailing commas)."""
    for candidate in _candidates(text):
        for attempt in (candidate, _TRAILING_COMMA.sub(r"\1", candidate)):
            try:
                answer = Answer.model_validate(json.loads(attempt))
            except (json.JSONDecodeError, ValidationError):
                continue
            return answer.model_copy(update={"defects": answer.defects[:MAX_DEFECTS]})
    return None


def _finished_items(text: str) -> list[str]:
    """Each prefix of `text` that ends with a finished array element, closed into complete JSON."""
    stack: list[str] = []
    closed: list[str] = []
    in_string = escaped = False
    for position, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]" and stack:
            stack.pop()
            if char == "}" and stack and stack[-1] == "]":
                closed.append(text[: position + 1] + "".join(reversed(stack)))
    return closed


def salvage_truncated(text: str) -> Answer | None:
    """What an answer cut off by the token limit finished: its complete hints and defects, so the work the
    model did is kept. None if not one item was finished (then nothing can be said about the code)."""
    for candidate in reversed(_finished_items(text)):
        try:
            data = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if not isinstance(data, dict):
            continue
        data["verdict"] = "defects" if data.get("defects") else "no defects"
        try:
            answer = Answer.model_validate(data)
        except ValidationError:
            continue
        if answer.defects or answer.hints:
            return answer.model_copy(update={"defects": answer.defects[:MAX_DEFECTS]})
    return None


def _weakness_name(defect: Defect) -> str:
    """The model's name for the weakness; a bare hint id ("H1": the model pointing at a hint) is no name."""
    name = defect.weakness.strip()
    return cwe.short_name(defect.cwe) if not name or _HINT_ID.fullmatch(name) else name


def defect_findings(
    answer: Answer, window: Window, engine: str, sample: str, sample_index: int | None = None
) -> list[Finding]:
    """Findings as the model stated them; grounding (lines, quotes, CWE checks) is aggregate's job.
    `sample` is the evidence's rule id (the strategy); `sample_index` which sample of the window this answer is."""
    findings = []
    for defect in answer.defects:
        severity = Severity(defect.severity)
        findings.append(
            Finding(
                path=window.unit.path,
                start_line=max(defect.start_line, 1),
                end_line=max(defect.end_line, defect.start_line, 1),
                cwe=defect.cwe,
                title=_weakness_name(defect),
                description=defect.explanation.strip(),
                solution=defect.fix.strip(),
                severity=severity,
                confidence=MODEL_CONFIDENCE,
                evidence=[
                    Evidence(
                        engine=engine,
                        rule_id=sample,
                        message=defect.weakness.strip(),
                        severity=severity,
                        confidence=MODEL_CONFIDENCE,
                        cwe=defect.cwe,
                        quote=defect.quoted_code.strip(),
                        sample=sample_index,
                    )
                ],
            )
        )
    return findings


def hint_outcomes(
    answer: Answer, hints: list[Finding], engine: str, sample: str, sample_index: int | None = None
) -> list[Finding]:
    """Each judged hint comes back as the model's evidence on it: a confirmation supports the static finding,
    a dispute (with the model's reason) lowers its confidence in aggregate but never removes it, since a
    static finding is not dropped on a model's word alone."""
    by_id = {hint_id(i): hint for i, hint in enumerate(hints, start=1)}
    judged: list[Finding] = []
    for decision in answer.hints:
        hint = by_id.get(decision.id.strip())
        if hint is None:
            continue
        disputes = decision.decision == "false alarm"
        evidence = Evidence(
            engine=engine,
            rule_id=f"{sample}:{'disputes' if disputes else 'confirms'}",
            message=decision.reason or ("disputed" if disputes else "confirmed"),
            severity=hint.severity,
            confidence=MODEL_CONFIDENCE,
            cwe=hint.cwe,
            sample=sample_index,
            disputes=disputes,
        )
        judged.append(hint.model_copy(update={"confidence": MODEL_CONFIDENCE, "evidence": [evidence]}))
    return judged
