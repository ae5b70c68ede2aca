"""The model engine: a prompt strategy renders each window of a unit, a backend answers, a parser reads it.

A unit whose answer could not be had or read is reported as not reviewed (with the reason), never as
clean; findings already made for other windows of it are kept.

With `samples` N > 1 every window is answered N times, sample i with seed + i; each finding's evidence says
which sample made it, and secreview.aggregate votes. An unreadable answer of one sample does not stop the
window's other samples (their findings are kept) but the unit is still reported as not reviewed; a backend
that fails stops the unit at once.

With `jobs` N > 1, up to N units are reviewed at once (each unit's windows and samples in order, as with one
job); the results are put together in unit order, so findings, notes and calls are the same as one job's.
Token budgets (engines/budget.py) stop the model cleanly: a unit, or the rest of one, that a budget leaves
unreviewed is reported as skipped with the budget as its reason; findings already made are kept. Ctrl-C does
the same with the reason "interrupted": with one job the call in progress is abandoned at once (its unit is
not finished), with more each job ends after its call in progress; answers already received are in the call
log, so a re-run reuses them.

With `route` (the default), each unit is split into functions and only those that read input, call a dangerous
sink, carry a static finding or (diff mode) were changed are shown to the model, with their context
(secreview.llm.routing); what was routed goes to coverage. `route=False` reviews every unit whole.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from secreview.backends.interface import BackendError, ChatBackend, ChatRequest, Completion
from secreview.engines.budget import BudgetSpentError, TokenBudget, call_record, complete_within
from secreview.engines.interface import EngineResult, EngineStoppedError, stop_on_ctrl_c, wait_all
from secreview.llm import prompts
from secreview.llm.freetext import parse_review
from secreview.llm.routing import review_windows
from secreview.llm.structured import Answer, defect_findings, hint_outcomes, parse_answer, salvage_truncated
from secreview.models import CodeUnit, Finding
from secreview.progress import ProgressCallback, UnitCounter
from secreview.sources.languages import all_languages

STRATEGIES = ("structured", "basic", "commit", "cwe-list", "cot")
_PROMPT_OVERHEAD_TOKENS = 900  # instructions, hints and fences
_LINE_PREFIX_CHARS = 9  # "%5d | " before each line and the newline after it
_RETRY_PROMPT = "That answer was not valid JSON for the required schema. Answer again with the JSON object only."


class UnreadableAnswerError(Exception):
    """The model answered, twice, with something that is not a valid structured review."""


@dataclass
class LLMEngine:
    backend: ChatBackend
    strategy: str = "structured"
    context_tokens: int = 8192
    answer_tokens: int = 1024
    temperature: float = 0.0
    seed: int | None = 0
    samples: int = 1
    jobs: int = 1  # units reviewed at once
    budget: TokenBudget = field(default_factory=TokenBudget)  # shared with the review's other model stages
    name: str = "llm"
    languages: frozenset[str] = all_languages()
    wants_hints: bool = True
    route: bool = True  # review only the functions routing picks (llm.routing); False: every unit whole
    progress: ProgressCallback | None = None  # told of each unit finished (secreview.progress)
    _stopped: threading.Event = field(default_factory=threading.Event, init=False, repr=False)

    def version(self) -> str:
        if self.samples > 1:
            return f"{self.backend.model} ({self.strategy}, {self.samples} samples)"
        return f"{self.backend.model} ({self.strategy})"

    def window_lines(self, unit: CodeUnit) -> int:
        """How many of this unit's lines fit one prompt, from its own line lengths (the 90th percentile, so a
        window of its longer lines still fits; a few huge lines are split by the server's refusal, not here)."""
        room = self.context_tokens - self.answer_tokens - _PROMPT_OVERHEAD_TOKENS
        lengths = sorted(len(line) for line in unit.text.splitlines()) or [0]
        chars_per_line = lengths[int(0.9 * (len(lengths) - 1))] + _LINE_PREFIX_CHARS
        return max(int(room * prompts.CHARS_PER_TOKEN / chars_per_line), 20)

    def stop(self) -> None:
        self._stopped.set()

    def review(self, units: Sequence[CodeUnit], hints: Mapping[str, list[Finding]] | None = None) -> EngineResult:
        """One review at a time per engine. A Ctrl-C here stops it."""
        todo = [unit for unit in units if unit.text.strip()]
        counter = UnitCounter(self.progress, self.name, len(units), done=len(units) - len(todo))
        parts: list[EngineResult] = []
        if self.jobs > 1 and len(todo) > 1:
            with ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="secreview-llm") as pool:
                futures = [pool.submit(self._review_unit, unit, hints, counter) for unit in todo]
                with stop_on_ctrl_c(self):
                    wait_all(futures)
                parts = [future.result() for future in futures]
        else:
            with stop_on_ctrl_c(self):
                for unit in todo:
                    parts.append(self._review_unit(unit, hints, counter))
        result = EngineResult()
        for part in parts:  # in unit order, whatever order they finished in
            result.extend(part)
        if self._stopped.is_set():  # one job: the unit Ctrl-C cut short and those after it
            result.interrupt(unit.id for unit in todo[len(parts) :])
        return result

    def _review_unit(
        self, unit: CodeUnit, hints: Mapping[str, list[Finding]] | None, counter: UnitCounter
    ) -> EngineResult:
        result = EngineResult(samples={unit.id: self.samples})
        done: list[prompts.Window] = []
        try:
            if self._stopped.is_set():
                raise EngineStoppedError
            for window in self._windows(unit, hints, result):
                unit_hints = [
                    h
                    for h in (hints or {}).get(unit.path, [])
                    if window.lines.start <= h.start_line <= window.lines.end
                ]
                self._sample_window(window, unit_hints, result)
                done.append(window)
        except (BackendError, UnreadableAnswerError) as error:
            result.skipped[unit.id] = f"model review failed: {error}"
        except BudgetSpentError as error:
            result.skipped[unit.id] = str(error)
            self._note_done(result, unit, done, "the token budget ran out")
        except EngineStoppedError:
            result.interrupt([unit.id])
            self._note_done(result, unit, done, "the review was interrupted")
        counter.advance()
        return result

    def _note_done(self, result: EngineResult, unit: CodeUnit, done: list[prompts.Window], cause: str) -> None:
        """Say which windows of a unit left unfinished were reviewed: their findings are kept."""
        if done:
            lines = ", ".join(f"{w.lines.start}-{w.lines.end}" for w in done)
            result.notes.setdefault(unit.id, []).append(f"{self.name}: lines {lines} were reviewed before {cause}")

    def _windows(
        self, unit: CodeUnit, hints: Mapping[str, list[Finding]] | None, result: EngineResult
    ) -> list[prompts.Window]:
        """The unit's windows: with routing, the routed functions with their context, and what routing decided
        goes to coverage (a unit with nothing routed draws no samples)."""
        chosen, routing = review_windows(unit, (hints or {}).get(unit.path, []), self.window_lines(unit), self.route)
        if routing is not None:
            result.routing[unit.id] = routing
        if not chosen:
            result.samples.pop(unit.id, None)
        return chosen

    def _sample_window(self, window: prompts.Window, hints: list[Finding], result: EngineResult) -> None:
        """Every sample of the window, in order; the first unreadable one is raised after the rest are drawn."""
        unreadable: UnreadableAnswerError | None = None
        for sample in range(self.samples):
            try:
                self._review_window(window, hints, result, sample)
            except UnreadableAnswerError as error:
                which = f"sample {sample} of {self.samples}: " if self.samples > 1 else ""
                unreadable = unreadable or UnreadableAnswerError(f"{which}{error}")
        if unreadable is not None:
            raise unreadable

    def _ask(
        self,
        messages: list[dict[str, str]],
        result: EngineResult,
        unit: CodeUnit,
        step: str,
        sample: int,
        schema: dict[str, object] | None = None,
    ) -> Completion:
        request = ChatRequest(
            messages=messages,
            max_tokens=self.answer_tokens,
            temperature=self.temperature,
            seed=None if self.seed is None else self.seed + sample,
            json_schema=schema,
        )
        completion = self._complete(request, unit)
        result.calls.append(call_record(completion, unit.path, step, self.backend.model, sample))
        return completion

    def _complete(self, request: ChatRequest, unit: CodeUnit) -> Completion:
        """The backend's answer within the token budgets (budget.complete_within). Once the
        engine is stopped, no call is made (EngineStoppedError)."""
        if self._stopped.is_set():
            raise EngineStoppedError
        return complete_within(self.backend, self.budget, unit.id, request)

    def _read(self, completion: Completion, window: prompts.Window, result: EngineResult, sample: int) -> Answer | None:
        """The answer, or what it finished before the token limit cut it (with a note saying so)."""
        answer = parse_answer(completion.text)
        if answer is None and completion.finish_reason == "length":
            answer = salvage_truncated(completion.text)
            if answer is not None:
                which = f" (sample {sample})" if self.samples > 1 else ""
                result.notes.setdefault(window.unit.id, []).append(
                    f"{self.name}{which}: the answer for lines {window.lines.start}-{window.lines.end} reached the "
                    f"{self.answer_tokens}-token limit; its finished findings are kept, later ones may be missing"
                )
        return answer

    def _review_window(self, window: prompts.Window, hints: list[Finding], result: EngineResult, sample: int) -> None:
        unit = window.unit
        if self.strategy == "structured":
            messages = prompts.structured_messages(window, hints)
            schema = prompts.structured_schema(len(hints))
            first = self._ask(messages, result, unit, "structured", sample, schema)
            answer = self._read(first, window, result, sample)
            if answer is None:
                retry = [
                    *messages,
                    {"role": "assistant", "content": first.text},
                    {"role": "user", "content": _RETRY_PROMPT},
                ]
                retried = self._ask(retry, result, unit, "structured-retry", sample, schema)
                answer = self._read(retried, window, result, sample)
            if answer is None:
                raise UnreadableAnswerError("the model's answer was not valid JSON for the schema, twice")
            result.findings += defect_findings(answer, window, self.name, "structured", sample)
            result.findings += hint_outcomes(answer, hints, self.name, "structured", sample)
            return
        if self.strategy == "cot":
            description = self._ask(prompts.cot_messages(window, None), result, unit, "cot-describe", sample).text
            text = self._ask(prompts.cot_messages(window, description), result, unit, "cot-examine", sample).text
        else:
            text = self._ask(prompts.baseline_messages(self.strategy, window), result, unit, self.strategy, sample).text
        result.findings += parse_review(text, unit, engine=self.name, rule_id=self.strategy, sample=sample).findings
