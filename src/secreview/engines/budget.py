"""Token budgets for the model engine: one for the whole review (`max-tokens-total`), one per unit
(`max-tokens-unit`).

What counts is what the model really computed: the prompt and generated tokens the backend reports for
each call. A call answered from the call log costs nothing and is never refused (no model is called); a
call whose backend reports no usage is charged its estimate.

Before each call the engine reserves the most the call could cost: an estimate of its prompt plus its
`max_tokens`. A call that does not fit what is left of a budget is not made. When that happens to the
total budget, the budget is spent for good: no later call is made, even a smaller one, so the review stops
cleanly and the units the model did not review are reported as skipped ("token budget of N spent (M
used)"). The per-unit budget stops only its unit. Reservations are taken under one lock, so concurrent
calls never promise together more than is left.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from secreview.backends.cached import LoggedAnswers
from secreview.backends.interface import ChatBackend, ChatRequest, Completion
from secreview.llm import prompts
from secreview.models import ModelCall

BUDGET_REASON_PREFIX = "token budget of "
"""How every skip reason of a budget begins (the CLI counts the units it left unreviewed by it)."""
PER_UNIT = "per unit"

_TOKENS_PER_MESSAGE = 8  # the chat template's role markers


def estimate_tokens(request: ChatRequest) -> int:
    """The most a call could cost: its prompt, estimated from its characters, and all of `max_tokens`.
    The JSON schema is left out (llama.cpp turns it into a grammar, not into prompt tokens)."""
    prompt = sum(prompts.estimate_tokens(m.get("content", "")) for m in request.messages)
    prompt += _TOKENS_PER_MESSAGE * len(request.messages)
    return prompt + request.max_tokens


def call_cost(completion: Completion, estimate: int) -> int:
    """Tokens the model computed for this answer: none from the call log; the estimate when unreported."""
    if completion.cached:
        return 0
    reported = completion.prompt_tokens + completion.completion_tokens
    return reported if reported > 0 else estimate


class BudgetSpentError(Exception):
    """A call would not fit what is left of a token budget; str(error) is the unit's skip reason."""


@dataclass
class TokenBudget:
    """Thread-safe accounting of one review's model tokens; None limits mean unlimited."""

    total: int | None = None
    per_unit: int | None = None
    used: int = 0
    _reserved: int = field(default=0, init=False, repr=False)
    _unit_used: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    _unit_reserved: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    _spent: bool = field(default=False, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def limited(self) -> bool:
        return self.total is not None or self.per_unit is not None

    @property
    def spent(self) -> bool:
        """True once the total budget refused a call: no further call is made in this review."""
        with self._lock:
            return self._spent

    @contextmanager
    def spend(self, unit_id: str, estimate: int) -> Iterator[Callable[[int], None]]:
        """Reserve `estimate` tokens for one call of the unit (BudgetSpentError if they do not fit) and
        yield `charge(tokens)`, to be called with what the call cost; uncharged, the call cost nothing."""
        self._reserve(unit_id, estimate)
        cost = 0

        def charge(tokens: int) -> None:
            nonlocal cost
            cost = tokens

        try:
            yield charge
        finally:
            with self._lock:
                self._reserved -= estimate
                self._unit_reserved[unit_id] -= estimate
                self.used += cost
                self._unit_used[unit_id] = self._unit_used.get(unit_id, 0) + cost

    def _reserve(self, unit_id: str, estimate: int) -> None:
        with self._lock:
            if self.total is not None and (self._spent or self.used + self._reserved + estimate > self.total):
                self._spent = True
                raise BudgetSpentError(f"{BUDGET_REASON_PREFIX}{self.total} spent ({self.used} used)")
            unit_used = self._unit_used.get(unit_id, 0)
            unit_reserved = self._unit_reserved.get(unit_id, 0)
            if self.per_unit is not None and unit_used + unit_reserved + estimate > self.per_unit:
                raise BudgetSpentError(f"{BUDGET_REASON_PREFIX}{self.per_unit} {PER_UNIT} spent ({unit_used} used)")
            self._reserved += estimate
            self._unit_reserved[unit_id] = unit_reserved + estimate


def complete_within(backend: ChatBackend, budget: TokenBudget, unit_id: str, request: ChatRequest) -> Completion:
    """The backend's answer within the budget (BudgetSpentError when the call does not fit). An answer the call
    log already has costs nothing and is taken even when the budget is spent."""
    if not budget.limited:
        return backend.complete(request)
    if isinstance(backend, LoggedAnswers):
        logged = backend.logged_answer(request)
        if logged is not None:
            return logged
    estimate = estimate_tokens(request)
    with budget.spend(unit_id, estimate) as charge:
        completion = backend.complete(request)
        charge(call_cost(completion, estimate))
    return completion


def call_record(completion: Completion, path: str, step: str, model: str, sample: int = 0) -> ModelCall:
    """What a report says of one call: its tokens, time and whether the call log answered it."""
    server_ms = completion.timings.get("prompt_ms", 0.0) + completion.timings.get("predicted_ms", 0.0)
    return ModelCall(
        path=path,
        step=step,
        model=completion.model or model,
        prompt_tokens=completion.prompt_tokens,
        completion_tokens=completion.completion_tokens,
        latency_s=round(completion.latency_s, 3),
        attempts=completion.attempts,
        sample=sample,
        server_ms=round(server_ms, 1),
        cached=completion.cached,
    )
