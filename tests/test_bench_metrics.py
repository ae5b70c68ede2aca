"""Bench scoring on tiny hand-made cases, with every expected number worked out by hand."""

from __future__ import annotations

import json
from typing import Any

import pytest

from secreview.bench.dataset import Case
from secreview.bench.interface import CaseResult, ReportedFinding
from secreview.bench.metrics import (
    STRENGTHS,
    CaseOutcome,
    Strength,
    cost,
    cwe_matches,
    findings_consistency,
    outcome,
    owasp_score,
    score,
    summarise,
    verdict_consistency,
)


def case(
    case_id: str,
    vulnerable: bool = True,
    cwe: tuple[int, ...] = (327,),
    lines: tuple[int, ...] = (),
    pair: str | None = None,
    category: str | None = None,
) -> Case:
    return Case(
        id=case_id,
        path=f"files/{case_id}.py",
        language="python",
        vulnerable=vulnerable,
        cwe=cwe,
        lines=lines,
        pair=pair,
        category=category,
    )


def finding(cwe: int | None = None, start: int | None = None, end: int | None = None) -> ReportedFinding:
    return ReportedFinding(cwe=cwe, start_line=start, end_line=end)


def result(case_id: str, *findings: ReportedFinding, **fields: Any) -> CaseResult:
    return CaseResult(case_id=case_id, findings=list(findings), **fields)


def judge(*pairs: tuple[Case, CaseResult]) -> list[tuple[Case, CaseOutcome]]:
    return [(c, outcome(c, r)) for c, r in pairs]


# --- CWE matching --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "reported", "family", "exact"),
    [
        (327, 327, True, True),
        (327, 328, True, False),  # 328 ChildOf 327
        (328, 327, True, False),  # ancestry works both ways
        (330, 338, True, False),
        (327, 330, False, False),  # only meet at pillar 693
        (89, 79, False, False),  # siblings under 74
    ],
)
def test_cwe_match_strengths(expected: int, reported: int, family: bool, exact: bool) -> None:
    assert cwe_matches([expected], reported, "family") is family
    assert cwe_matches([expected], reported, "exact") is exact
    assert cwe_matches([expected], reported, "any") is True


def test_any_expected_id_may_match() -> None:
    assert cwe_matches([79, 327], 328, "family")
    assert cwe_matches([79, 327], 79, "exact")
    assert not cwe_matches([], 79, "family")
    assert cwe_matches([], 79, "any")


def test_finding_without_cwe_counts_for_any_only() -> None:
    assert not cwe_matches([327], None, "family")
    assert not cwe_matches([327], None, "exact")
    assert cwe_matches([327], None, "any")
    judged = outcome(case("v"), result("v", finding(None)))
    assert judged.flagged
    assert not judged.family_match
    assert not judged.exact_match
    assert [judged.matched(s) for s in STRENGTHS] == [True, False, False]


# --- rates -----------------------------------------------------------------------------------------------------


def small_set() -> list[tuple[Case, CaseOutcome]]:
    """Four vulnerable and three non-vulnerable cases, all labelled (or look-alikes of) CWE-327.

    v1 reports 327 (any, family, exact)   n1 reports 327 (FP at any, family, exact)
    v2 reports 328 (any, family)          n2 reports 79  (FP at any only: unrelated CWE)
    v3 reports 79  (any)                  n3 reports nothing
    v4 reports nothing

    TP any/family/exact = 3/2/1 of 4 vulnerable    FP any/family/exact = 2/1/1 of 3 not vulnerable
    tpr       = 3/4, 2/4, 1/4                      fpr = 2/3, 1/3, 1/3
    precision = 3/5, 2/3, 1/2                      score (tpr - fpr) = 1/12, 1/6, -1/12
    f1 = 2TP / (2TP + FP + FN) = 6/9, 4/7, 2/6
    """
    return judge(
        (case("v1"), result("v1", finding(327))),
        (case("v2"), result("v2", finding(328))),
        (case("v3"), result("v3", finding(79))),
        (case("v4"), result("v4")),
        (case("n1", vulnerable=False), result("n1", finding(327))),
        (case("n2", vulnerable=False), result("n2", finding(79))),
        (case("n3", vulnerable=False), result("n3")),
    )


def test_rates_on_a_hand_computed_set() -> None:
    summary = summarise(small_set())
    assert (summary.cases, summary.vulnerable, summary.not_vulnerable) == (7, 4, 3)
    assert summary.true_positives == {"any": 3, "family": 2, "exact": 1}
    assert summary.false_positives == {"any": 2, "family": 1, "exact": 1}
    expected: dict[Strength, tuple[float, ...]] = {
        "any": (3 / 4, 2 / 3, 3 / 5, 6 / 9, 1 / 12),
        "family": (2 / 4, 1 / 3, 2 / 3, 4 / 7, 1 / 6),
        "exact": (1 / 4, 1 / 3, 1 / 2, 2 / 6, -1 / 12),
    }
    for strength, (tpr, fpr, precision, f1, diff) in expected.items():
        assert summary.tpr(strength) == pytest.approx(tpr)
        assert summary.fpr(strength) == pytest.approx(fpr)
        assert summary.precision(strength) == pytest.approx(precision)
        assert summary.f1(strength) == pytest.approx(f1)
        assert summary.score(strength) == pytest.approx(diff)


def test_owasp_style_fpr_counts_only_lookalike_cwe() -> None:
    summary = summarise(judge((case("n", vulnerable=False, cwe=(89,)), result("n", finding(79)))))
    assert summary.fpr("any") == 1.0
    assert summary.fpr("family") == 0.0
    assert summary.fpr("exact") == 0.0


def test_incomplete_cases_are_counted() -> None:
    summary = summarise(judge((case("a"), result("a", complete=False)), (case("b"), result("b"))))
    assert summary.incomplete == 1


def test_zero_denominators_give_none() -> None:
    empty = summarise([])
    for strength in STRENGTHS:
        assert empty.tpr(strength) is None
        assert empty.fpr(strength) is None
        assert empty.precision(strength) is None
        assert empty.f1(strength) is None
        assert empty.score(strength) is None
        assert empty.pair_correct_rate(strength) is None
    assert empty.line_hit_rate is None
    assert empty.line_hit_tolerant_rate is None
    assert empty.line_hit_matching_rate is None

    # nothing flagged: recall is a measured 0, precision (and so F1) is undefined
    quiet = summarise(judge((case("v"), result("v")), (case("n", vulnerable=False), result("n"))))
    assert quiet.tpr("any") == 0.0
    assert quiet.fpr("any") == 0.0
    assert quiet.precision("any") is None
    assert quiet.f1("any") is None

    # only non-vulnerable cases: no recall, so no score
    negatives = summarise(judge((case("n", vulnerable=False), result("n", finding(327)))))
    assert negatives.tpr("family") is None
    assert negatives.fpr("family") == 1.0
    assert negatives.precision("family") == 0.0
    assert negatives.score("family") is None


# --- line hits -------------------------------------------------------------------------------------------------


def test_line_hits_exact_tolerant_and_matching() -> None:
    def labelled(case_id: str, vulnerable: bool = True) -> Case:
        return case(case_id, vulnerable=vulnerable, cwe=(89,), lines=(10,))

    judged = judge(
        (labelled("a"), result("a", finding(89, 10, 10))),  # hit, tolerant, matching
        (labelled("b"), result("b", finding(79, 9, 11))),  # hit, tolerant; CWE unrelated
        (labelled("c"), result("c", finding(89, 11, 12))),  # tolerant only (10 is in [10, 13])
        (labelled("d"), result("d", finding(89))),  # no lines: never hits
        (labelled("e"), result("e", finding(89, 12, 14))),  # neither
        (labelled("n", vulnerable=False), result("n", finding(89, 10, 10))),  # not vulnerable: None
        (case("u", cwe=(89,)), result("u", finding(89, 10, 10))),  # no labelled lines: None
    )
    hits = {c.id: (o.line_hit, o.line_hit_tolerant, o.line_hit_matching) for c, o in judged}
    assert hits == {
        "a": (True, True, True),
        "b": (True, True, False),
        "c": (False, True, False),
        "d": (False, False, False),
        "e": (False, False, False),
        "n": (None, None, None),
        "u": (None, None, None),
    }
    summary = summarise(judged)
    assert summary.with_lines == 5
    assert (summary.line_hits, summary.line_hits_tolerant, summary.line_hits_matching) == (2, 3, 1)
    assert summary.line_hit_rate == pytest.approx(2 / 5)
    assert summary.line_hit_tolerant_rate == pytest.approx(3 / 5)
    assert summary.line_hit_matching_rate == pytest.approx(1 / 5)


def test_a_finding_with_only_a_start_line_covers_that_line() -> None:
    judged = outcome(case("a", lines=(7,)), result("a", finding(327, 7)))
    assert judged.line_hit is True


def test_any_finding_in_the_file_may_hit() -> None:
    judged = outcome(case("a", lines=(3, 20)), result("a", finding(327, 1, 1), finding(None, 20, 25)))
    assert (judged.line_hit, judged.line_hit_tolerant, judged.line_hit_matching) == (True, True, False)


# --- pairs -----------------------------------------------------------------------------------------------------


def test_pair_outcomes_and_correct_rate() -> None:
    def pair(
        name: str, vulnerable_findings: list[ReportedFinding], fixed_findings: list[ReportedFinding]
    ) -> list[tuple[Case, CaseResult]]:
        return [
            (case(f"{name}-v", pair=name), result(f"{name}-v", *vulnerable_findings)),
            (case(f"{name}-f", vulnerable=False, pair=name), result(f"{name}-f", *fixed_findings)),
        ]

    judged = judge(
        *pair("correct", [finding(327)], []),
        *pair("correct-family", [finding(328)], []),  # family but not exact
        *pair("correct-any", [finding(79)], []),  # flagged with an unrelated CWE: correct at "any" only
        *pair("both", [finding(327)], [finding(327)]),
        *pair("neither", [], []),
        *pair("reversed", [], [finding(327)]),
        (case("lone-v", pair="lone"), result("lone-v", finding(327))),  # other half not in the set
    )
    summary = summarise(judged)
    assert summary.pairs == 6
    assert summary.pair_correct == {"any": 3, "family": 2, "exact": 1}
    assert (summary.pair_both_flagged, summary.pair_neither_flagged, summary.pair_reversed) == (1, 1, 1)
    assert summary.pair_correct_rate("any") == pytest.approx(3 / 6)
    assert summary.pair_correct_rate("family") == pytest.approx(2 / 6)
    assert summary.pair_correct_rate("exact") == pytest.approx(1 / 6)


def test_two_halves_with_the_same_verdict_are_not_a_pair() -> None:
    judged = judge((case("a", pair="p"), result("a")), (case("b", pair="p"), result("b")))
    assert summarise(judged).pairs == 0


# --- per category, per CWE, OWASP score -------------------------------------------------------------------------


def category_cases() -> tuple[list[Case], dict[str, CaseResult]]:
    """A: TPR 1, FPR 0 -> 1.  B: TPR 1/2, FPR 1/2 -> 0.  C: vulnerable only, left out. OWASP score = (1 + 0) / 2."""
    cases = [
        case("a1", category="A"),
        case("a2", vulnerable=False, category="A"),
        case("b1", category="B"),
        case("b2", category="B"),
        case("b3", vulnerable=False, category="B"),
        case("b4", vulnerable=False, category="B"),
        case("c1", category="C"),
        case("x1", cwe=(79,)),  # no category: overall only
    ]
    results = {
        "a1": result("a1", finding(327)),
        "a2": result("a2"),
        "b1": result("b1", finding(328)),
        "b2": result("b2"),
        "b3": result("b3", finding(327)),
        "b4": result("b4", finding(79)),
        "c1": result("c1"),
        "x1": result("x1", finding(79)),
    }
    return cases, results


def test_owasp_score_averages_categories_with_both_verdicts() -> None:
    cases, results = category_cases()
    scores = score(cases, results)
    assert list(scores.by_category) == ["A", "B", "C"]
    assert scores.by_category["A"].score("family") == pytest.approx(1.0)
    assert scores.by_category["B"].score("family") == pytest.approx(0.0)
    assert scores.by_category["C"].score("family") is None
    assert owasp_score(scores.by_category, "family") == pytest.approx(0.5)
    assert scores.owasp["family"] == pytest.approx(0.5)
    # exact: A 1 - 0, B (b1 reported 328, not 327) 0 - 1/2  -> (1 - 1/2) / 2
    assert scores.owasp["exact"] == pytest.approx(0.25)
    # any: A 1 - 0, B 1/2 - 2/2 -> (1 - 1/2) / 2
    assert scores.owasp["any"] == pytest.approx(0.25)
    assert scores.overall.cases == 8


def test_owasp_score_without_a_scorable_category_is_none() -> None:
    only_vulnerable = summarise(judge((case("v"), result("v", finding(327)))))
    assert owasp_score({"C": only_vulnerable}, "family") is None
    assert owasp_score({}, "any") is None


def test_by_cwe_counts_a_case_under_each_expected_id() -> None:
    cases = [
        case("v1", cwe=(327, 328)),
        case("v2", cwe=(79, 79)),  # a repeated id counts once
        case("n1", vulnerable=False, cwe=(327,)),
        case("n2", vulnerable=False, cwe=()),  # no CWE: overall only
    ]
    results = {
        "v1": result("v1", finding(328)),
        "v2": result("v2"),
        "n1": result("n1", finding(327)),
        "n2": result("n2", finding(79)),
    }
    scores = score(cases, results)
    assert list(scores.by_cwe) == [79, 327, 328]
    assert (scores.by_cwe[327].vulnerable, scores.by_cwe[327].not_vulnerable) == (1, 1)
    assert scores.by_cwe[327].true_positives["exact"] == 1  # 328 is one of v1's expected ids
    assert scores.by_cwe[327].false_positives["family"] == 1
    assert (scores.by_cwe[328].cases, scores.by_cwe[79].cases) == (1, 1)
    assert scores.by_cwe[79].tpr("any") == 0.0
    assert scores.overall.cases == 4


def test_score_refuses_missing_results() -> None:
    cases, results = category_cases()
    del results["a1"], results["b2"]
    with pytest.raises(ValueError, match="2 of 8"):
        score(cases, results)


def test_to_dict_is_plain_json() -> None:
    cases, results = category_cases()
    scores = score(cases, results)
    data = json.loads(json.dumps(scores.to_dict()))
    overall = data["overall"]
    assert overall["cases"] == 8
    assert overall["tpr"]["family"] == pytest.approx(scores.overall.tpr("family"))
    assert overall["f1"].keys() == {"any", "family", "exact"}
    assert overall["line_hit_rate"] is None
    assert data["by_cwe"]["327"]["cases"] == 7
    assert data["owasp"]["family"] == pytest.approx(0.5)
    assert set(data["by_category"]) == {"A", "B", "C"}
    assert data["overall"]["pair_correct"] == {"any": 0, "family": 0, "exact": 0}


# --- consistency and cost ----------------------------------------------------------------------------------------


def test_verdict_consistency() -> None:
    run1 = {"a": result("a", finding(327)), "b": result("b"), "c": result("c", finding(79)), "d": result("d")}
    run2 = {"a": result("a", finding(89)), "b": result("b"), "c": result("c")}
    run3 = {"a": result("a", finding(327)), "b": result("b"), "c": result("c", finding(79))}
    # common ids a, b, c ("d" is only in run1); a and b agree, c does not -> 2/3
    assert verdict_consistency([run1, run2, run3]) == pytest.approx(2 / 3)
    assert verdict_consistency([run1, run3]) == 1.0
    assert verdict_consistency([run1]) is None
    assert verdict_consistency([]) is None
    assert verdict_consistency([{"a": result("a")}, {"b": result("b")}]) is None


def test_findings_consistency_needs_the_same_cwe_and_line() -> None:
    run1 = {"a": result("a", finding(89, 3)), "b": result("b", finding(79, 5), finding(89, 9)), "c": result("c")}
    run2 = {"a": result("a", finding(89, 4)), "b": result("b", finding(89, 9), finding(79, 5)), "c": result("c")}
    run3 = {"a": result("a", finding(564, 3)), "b": result("b", finding(79, 5)), "c": result("c")}
    # a: another line, b: same set in another order, c: nothing both times -> 2/3 (every verdict agrees)
    assert findings_consistency([run1, run2]) == pytest.approx(2 / 3)
    assert verdict_consistency([run1, run2]) == 1.0
    # run3: a has another CWE, b lost a finding -> only c agrees
    assert findings_consistency([run1, run3]) == pytest.approx(1 / 3)
    assert findings_consistency([run1]) is None


def test_cost_sums_and_median() -> None:
    results = [
        result("a", prompt_tokens=100, completion_tokens=10, model_calls=1, cache_hits=0, wall_s=1.0),
        result("b", prompt_tokens=200, completion_tokens=20, model_calls=2, cache_hits=1, wall_s=9.0),
        result("c", prompt_tokens=300, completion_tokens=30, model_calls=0, cache_hits=2, wall_s=2.0),
    ]
    spent = cost(results)
    assert (spent.cases, spent.prompt_tokens, spent.completion_tokens) == (3, 600, 60)
    assert (spent.model_calls, spent.cache_hits) == (3, 3)
    assert spent.wall_s_total == pytest.approx(12.0)
    assert spent.wall_s_median_per_case == pytest.approx(2.0)
    assert cost(results[:2]).wall_s_median_per_case == pytest.approx(5.0)  # even count: mean of the middle two
    assert cost([]).wall_s_median_per_case is None
    assert cost(iter(results)).cases == 3
