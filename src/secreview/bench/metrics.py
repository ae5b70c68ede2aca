"""Scoring of bench results against dataset labels, as the "Scoring" section of the bench README defines it.

Per case an outcome (flagged, CWE match at each strength, line hits), then summaries over sets of cases
(overall, per category, per CWE), the OWASP Benchmark score, run-to-run consistency and cost. Rates whose
denominator is 0 are None rather than 0, so a table can tell "not measurable" from "measured zero".
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from secreview.bench.dataset import Case
from secreview.bench.interface import CaseResult, ReportedFinding
from secreview.cwe import same_family

Strength = Literal["any", "family", "exact"]
STRENGTHS: tuple[Strength, ...] = ("any", "family", "exact")


def cwe_matches(expected: Sequence[int], reported: int | None, strength: Strength) -> bool:
    """Whether a reported CWE names one of the expected ones; "any" ignores the CWE, a missing CWE matches none."""
    if strength == "any":
        return True
    if reported is None:
        return False
    if strength == "exact":
        return reported in expected
    return any(same_family(wanted, reported) for wanted in expected)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _span(finding: ReportedFinding) -> tuple[int, int] | None:
    """The finding's line range; a single known end stands for a one-line range, no line at all for none."""
    start = finding.start_line if finding.start_line is not None else finding.end_line
    if start is None:
        return None
    end = finding.end_line if finding.end_line is not None else start
    return (start, end) if start <= end else (end, start)


def _hits(findings: Iterable[ReportedFinding], lines: Sequence[int], widen: int = 0) -> bool:
    for finding in findings:
        span = _span(finding)
        if span is not None and any(span[0] - widen <= line <= span[1] + widen for line in lines):
            return True
    return False


@dataclass(frozen=True)
class CaseOutcome:
    """One case's result judged against its labels; everything a summary needs, without the findings."""

    flagged: bool
    family_match: bool  # for a non-vulnerable case: flagged with its look-alike CWE (OWASP-style)
    exact_match: bool
    line_hit: bool | None  # None: not vulnerable, or no labelled lines
    line_hit_tolerant: bool | None
    line_hit_matching: bool | None
    complete: bool

    def matched(self, strength: Strength) -> bool:
        """Flagged at that strength ("any": flagged at all)."""
        if strength == "any":
            return self.flagged
        return self.family_match if strength == "family" else self.exact_match


def outcome(case: Case, result: CaseResult) -> CaseOutcome:
    """Judge one case's findings against its labels."""
    findings = result.findings
    family = [f for f in findings if cwe_matches(case.cwe, f.cwe, "family")]
    has_lines = case.vulnerable and bool(case.lines)
    return CaseOutcome(
        flagged=bool(findings),
        family_match=bool(family),
        exact_match=any(cwe_matches(case.cwe, f.cwe, "exact") for f in findings),
        line_hit=_hits(findings, case.lines) if has_lines else None,
        line_hit_tolerant=_hits(findings, case.lines, widen=1) if has_lines else None,
        line_hit_matching=_hits(family, case.lines) if has_lines else None,
        complete=result.complete,
    )


@dataclass(frozen=True)
class Summary:
    """Counts over a set of cases; the rates are derived from them, so summaries stay easy to check by hand."""

    cases: int
    vulnerable: int
    not_vulnerable: int
    incomplete: int
    true_positives: dict[Strength, int]  # vulnerable cases matched at that strength
    false_positives: dict[Strength, int]  # non-vulnerable cases matched at that strength (look-alike CWE)
    with_lines: int  # vulnerable cases with labelled lines
    line_hits: int
    line_hits_tolerant: int
    line_hits_matching: int
    pairs: int  # pairs with both halves (one vulnerable, one not) in the set
    pair_correct: dict[Strength, int]  # vulnerable matched at that strength, fixed not flagged at all
    pair_both_flagged: int
    pair_neither_flagged: int
    pair_reversed: int  # only the fixed one flagged

    def tpr(self, strength: Strength) -> float | None:
        """Recall: vulnerable cases matched / vulnerable cases."""
        return _ratio(self.true_positives[strength], self.vulnerable)

    def fpr(self, strength: Strength) -> float | None:
        """Non-vulnerable cases matched / non-vulnerable cases ("family"/"exact": the OWASP-style variant)."""
        return _ratio(self.false_positives[strength], self.not_vulnerable)

    def precision(self, strength: Strength) -> float | None:
        tp = self.true_positives[strength]
        return _ratio(tp, tp + self.false_positives[strength])

    def f1(self, strength: Strength) -> float | None:
        """Harmonic mean of precision and recall; None when either is undefined."""
        if self.precision(strength) is None or self.tpr(strength) is None:
            return None
        tp = self.true_positives[strength]
        missed = self.vulnerable - tp
        return _ratio(2 * tp, 2 * tp + self.false_positives[strength] + missed)

    def score(self, strength: Strength) -> float | None:
        """TPR - FPR (the OWASP Benchmark's per-category score); None unless both verdicts are present."""
        tpr, fpr = self.tpr(strength), self.fpr(strength)
        return None if tpr is None or fpr is None else tpr - fpr

    @property
    def line_hit_rate(self) -> float | None:
        return _ratio(self.line_hits, self.with_lines)

    @property
    def line_hit_tolerant_rate(self) -> float | None:
        return _ratio(self.line_hits_tolerant, self.with_lines)

    @property
    def line_hit_matching_rate(self) -> float | None:
        return _ratio(self.line_hits_matching, self.with_lines)

    def pair_correct_rate(self, strength: Strength) -> float | None:
        return _ratio(self.pair_correct[strength], self.pairs)

    def to_dict(self) -> dict[str, object]:
        """Every count and rate as plain JSON data, for report files."""

        def counts(value: Mapping[Strength, int]) -> dict[str, int]:
            return {s: value[s] for s in STRENGTHS}

        def rates(rate: Callable[[Strength], float | None]) -> dict[str, float | None]:
            return {s: rate(s) for s in STRENGTHS}

        return {
            "cases": self.cases,
            "vulnerable": self.vulnerable,
            "not_vulnerable": self.not_vulnerable,
            "incomplete": self.incomplete,
            "true_positives": counts(self.true_positives),
            "false_positives": counts(self.false_positives),
            "tpr": rates(self.tpr),
            "fpr": rates(self.fpr),
            "precision": rates(self.precision),
            "f1": rates(self.f1),
            "score": rates(self.score),
            "with_lines": self.with_lines,
            "line_hits": self.line_hits,
            "line_hits_tolerant": self.line_hits_tolerant,
            "line_hits_matching": self.line_hits_matching,
            "line_hit_rate": self.line_hit_rate,
            "line_hit_tolerant_rate": self.line_hit_tolerant_rate,
            "line_hit_matching_rate": self.line_hit_matching_rate,
            "pairs": self.pairs,
            "pair_correct": counts(self.pair_correct),
            "pair_correct_rate": rates(self.pair_correct_rate),
            "pair_both_flagged": self.pair_both_flagged,
            "pair_neither_flagged": self.pair_neither_flagged,
            "pair_reversed": self.pair_reversed,
        }


def summarise(judged: Sequence[tuple[Case, CaseOutcome]]) -> Summary:
    """Count outcomes over a set of cases. A pair counts only if exactly its two halves, one vulnerable and one
    not, are in the set (a sample or a category may hold just one half)."""
    vulnerable = [o for c, o in judged if c.vulnerable]
    not_vulnerable = [o for c, o in judged if not c.vulnerable]
    with_lines = [o for o in vulnerable if o.line_hit is not None]
    halves: dict[str, list[tuple[Case, CaseOutcome]]] = defaultdict(list)
    for case, result in judged:
        if case.pair is not None:
            halves[case.pair].append((case, result))
    pairs: list[tuple[CaseOutcome, CaseOutcome]] = []  # (vulnerable, fixed)
    for members in halves.values():
        if len(members) == 2 and members[0][0].vulnerable != members[1][0].vulnerable:
            (first_case, first), (_, second) = members
            pairs.append((first, second) if first_case.vulnerable else (second, first))
    return Summary(
        cases=len(judged),
        vulnerable=len(vulnerable),
        not_vulnerable=len(not_vulnerable),
        incomplete=sum(not o.complete for _, o in judged),
        true_positives={s: sum(o.matched(s) for o in vulnerable) for s in STRENGTHS},
        false_positives={s: sum(o.matched(s) for o in not_vulnerable) for s in STRENGTHS},
        with_lines=len(with_lines),
        line_hits=sum(bool(o.line_hit) for o in with_lines),
        line_hits_tolerant=sum(bool(o.line_hit_tolerant) for o in with_lines),
        line_hits_matching=sum(bool(o.line_hit_matching) for o in with_lines),
        pairs=len(pairs),
        pair_correct={s: sum(v.matched(s) and not f.flagged for v, f in pairs) for s in STRENGTHS},
        pair_both_flagged=sum(v.flagged and f.flagged for v, f in pairs),
        pair_neither_flagged=sum(not v.flagged and not f.flagged for v, f in pairs),
        pair_reversed=sum(not v.flagged and f.flagged for v, f in pairs),
    )


def owasp_score(by_category: Mapping[str, Summary], strength: Strength) -> float | None:
    """Mean of per-category TPR - FPR, over categories that have both verdicts (OWASP Benchmark style)."""
    scores = [s for summary in by_category.values() if (s := summary.score(strength)) is not None]
    return sum(scores) / len(scores) if scores else None


@dataclass(frozen=True)
class Scores:
    """A finished run scored overall, per category and per expected CWE."""

    overall: Summary
    by_category: dict[str, Summary]  # cases without a category are only in overall
    by_cwe: dict[int, Summary]  # a case counts under each of its expected CWE ids
    owasp: dict[Strength, float | None]

    def to_dict(self) -> dict[str, object]:
        """Plain JSON data (CWE ids as string keys), for report files."""
        return {
            "overall": self.overall.to_dict(),
            "by_category": {name: summary.to_dict() for name, summary in self.by_category.items()},
            "by_cwe": {str(cwe_id): summary.to_dict() for cwe_id, summary in self.by_cwe.items()},
            "owasp": {s: self.owasp[s] for s in STRENGTHS},
        }


def score(cases: Sequence[Case], results: Mapping[str, CaseResult]) -> Scores:
    """Score every case; a case without a result is an error, since a partial run would silently skew rates."""
    missing = [case.id for case in cases if case.id not in results]
    if missing:
        raise ValueError(f"{len(missing)} of {len(cases)} cases have no result (first: {missing[0]})")
    judged = [(case, outcome(case, results[case.id])) for case in cases]
    categories: dict[str, list[tuple[Case, CaseOutcome]]] = defaultdict(list)
    cwes: dict[int, list[tuple[Case, CaseOutcome]]] = defaultdict(list)
    for case, result in judged:
        if case.category is not None:
            categories[case.category].append((case, result))
        for cwe_id in dict.fromkeys(case.cwe):
            cwes[cwe_id].append((case, result))
    by_category = {name: summarise(categories[name]) for name in sorted(categories)}
    return Scores(
        overall=summarise(judged),
        by_category=by_category,
        by_cwe={cwe_id: summarise(cwes[cwe_id]) for cwe_id in sorted(cwes)},
        owasp={s: owasp_score(by_category, s) for s in STRENGTHS},
    )


def _agreement(runs: Sequence[Mapping[str, CaseResult]], what: Callable[[CaseResult], Hashable]) -> float | None:
    """Share of cases (present in every run) for which `what` is the same in all runs; None with one run."""
    if len(runs) < 2:
        return None
    common = set(runs[0]).intersection(*runs[1:])
    same = sum(len({what(run[case_id]) for run in runs}) == 1 for case_id in common)
    return _ratio(same, len(common))


def verdict_consistency(runs: Sequence[Mapping[str, CaseResult]]) -> float | None:
    """Share of cases whose flagged verdict is the same in every run: model noise a user sees as a verdict."""
    return _agreement(runs, lambda result: result.flagged)


def findings_consistency(runs: Sequence[Mapping[str, CaseResult]]) -> float | None:
    """Share of cases whose findings (CWE and first line of each) are the same in every run: stricter than the
    verdict, it is the seeds' problem (three runs, three different reviews) measured."""
    return _agreement(runs, lambda result: frozenset((f.cwe, f.start_line) for f in result.findings))


@dataclass(frozen=True)
class Cost:
    """What a run spent, to weigh its scores against."""

    cases: int
    prompt_tokens: int
    completion_tokens: int
    model_calls: int
    cache_hits: int
    wall_s_total: float
    wall_s_median_per_case: float | None  # None when there are no cases

    def to_dict(self) -> dict[str, object]:
        return {
            "cases": self.cases,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "model_calls": self.model_calls,
            "cache_hits": self.cache_hits,
            "wall_s_total": self.wall_s_total,
            "wall_s_median_per_case": self.wall_s_median_per_case,
        }


def cost(results: Iterable[CaseResult]) -> Cost:
    """Sum a run's tokens, calls and time; the median per case resists a few slow outliers."""
    listed = list(results)
    walls = [r.wall_s for r in listed]
    return Cost(
        cases=len(listed),
        prompt_tokens=sum(r.prompt_tokens for r in listed),
        completion_tokens=sum(r.completion_tokens for r in listed),
        model_calls=sum(r.model_calls for r in listed),
        cache_hits=sum(r.cache_hits for r in listed),
        wall_s_total=sum(walls),
        wall_s_median_per_case=statistics.median(walls) if walls else None,
    )
