"""The one place where raw findings are judged before they reach a report.

Grounding (lines inside the file, inside the lines under review), CWE checks against the MITRE
catalog, merging of findings that several engines made about the same defect, voting over repeated
samples, fingerprints, order and the verdict all happen here, so every engine's output is held to the
same standard.

Voting: a model answering one window N times (or N free-text reviews of one file) gives N samples; each
sampled report carries its sample number in its evidence. The merge that joins reports of one defect (same
CWE family on the same or adjacent lines) also joins the samples' reports of it, so a finding's support is
the number of distinct samples among its evidence (k of N), its model confidence is the samples' combined
confidence scaled by k/N, and a finding that fewer than `min_support` samples reported is left out, unless
an engine that is not sampled (Bandit, Semgrep) backs it.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath
from typing import NamedTuple

from rapidfuzz import fuzz

from secreview import cwe, redaction, sinks
from secreview.engines.flows import ENGINE as FLOW_ENGINE
from secreview.engines.pyflow.taint import starts_at_parameter
from secreview.engines.rulebook import PARAMETER_RULE_SUFFIX, traces_outside_data
from secreview.models import NO_DEFECTS_VERDICT, CodeContext, CodeUnit, Evidence, Finding, Severity, source_lines

_MAX_QUOTED_LINES = 12
_CONTEXT_LINES = 3  # shown either side of the flagged lines
_QUOTE_SEARCH_OFFSETS = (0, -1, 1, -2, 2, -3, 3, -4, 4, -5, 5, -6, 6, -7, 7, -8, 8)  # "near its lines"
_QUOTE_MATCH = 88.0  # rapidfuzz partial_ratio over code tokens: quote style, spacing and a slip still match
_MIN_QUOTE_CHARS = 6  # a shorter piece of quoted code (a bracket, a name) places nothing
_CODE_TOKEN = re.compile(r"\w+|[^\w\s]")
_ELISION = re.compile(r"\.\.\.|\u2026")
# Phrases reviewers use for a weakness, most specific first; checked against the catalog in tests.
_WEAKNESS_NAMES = (
    ("sql injection", 89),
    ("os command injection", 78),
    ("command injection", 78),
    ("shell injection", 78),
    ("cross-site scripting", 79),
    ("cross site scripting", 79),
    ("xss", 79),
    ("ldap injection", 90),
    ("xpath injection", 643),
    ("template injection", 1336),
    ("code injection", 94),
    ("path traversal", 22),
    ("directory traversal", 22),
    ("xml external entit", 611),
    ("xxe", 611),
    ("deserialization", 502),
    ("open redirect", 601),
    ("server-side request forgery", 918),
    ("ssrf", 918),
    ("cross-site request forgery", 352),
    ("csrf", 352),
    ("hard-coded password", 259),
    ("hardcoded password", 259),
    ("hard-coded credential", 798),
    ("hardcoded credential", 798),
    ("format string", 134),
    ("buffer overflow", 120),
    ("use after free", 416),
    ("use-after-free", 416),
    ("double free", 415),
    ("integer overflow", 190),
    ("null pointer dereference", 476),
    ("race condition", 362),
    ("weak hash", 328),
    ("trust boundary", 501),
    ("httponly", 1004),
)
_MAX_CONFIDENCE = 0.99
_DISPUTE_WEIGHT = 0.5  # all samples disputing a static finding halve its confidence
_AGREEING_SAMPLES = 2  # samples that must agree to confirm a model-only finding without a sink of its kind
_ASSIGNED = re.compile(r"([A-Za-z_]\w*)\s*(?:\+|\|)?=(?!=)")  # the variable a line assigns (x = ..., x += ...)
_VALUE_USED_WITHIN = 10  # lines after a flagged assignment where its use can confirm the claim


def _ground(finding: Finding, unit: CodeUnit) -> Finding | None:
    """Clip the range to the file; None if it lies outside the file or outside the lines under review."""
    last_line = max(unit.line_count, 1)
    if finding.start_line > last_line:
        return None
    end = min(max(finding.end_line, finding.start_line), last_line)
    if not unit.is_under_review(finding.start_line, end):
        return None
    return finding.model_copy(update={"end_line": end})


def _code_tokens(text: str) -> str:
    """Code as tokens, one space apart, with every quote character alike: how a model's quote is compared."""
    return " ".join(_CODE_TOKEN.findall(text.replace("'", '"').replace("`", '"')))


def _quote_pieces(finding: Finding) -> list[str]:
    """The first quoted line's code tokens, split where the model elided a middle ('a(...) + b')."""
    quote = next((e.quote.splitlines()[0] for e in finding.evidence if e.quote.strip()), "")
    pieces = [_code_tokens(piece) for piece in _ELISION.split(quote)]
    return [piece for piece in pieces if len(piece.replace(" ", "")) >= _MIN_QUOTE_CHARS]


def _quoted_on(pieces: list[str], line: str, redacted: re.Pattern[str] | None) -> bool:
    tokens = _code_tokens(line)
    if redacted is not None and redacted.search(" ".join(line.split())):
        return True
    if len(tokens.replace(" ", "")) < _MIN_QUOTE_CHARS:
        return False
    return all(fuzz.partial_ratio(piece, tokens) >= _QUOTE_MATCH for piece in pieces)


def _align_to_quote(finding: Finding, unit: CodeUnit) -> Finding | None:
    """Models quote the code they flag and often miscount lines: move the range to where the quote is (the
    nearest of a few lines either side), or return None if the quoted code is not near at all. Quotes are matched
    by code tokens, fuzzily (quote style, whitespace, an elided middle). A remote model saw secrets as placeholders
    (secreview.redaction) and quotes them so: a placeholder stands for any text."""
    pieces = _quote_pieces(finding)
    if not pieces:
        return finding
    first_quoted = next(e.quote.splitlines()[0] for e in finding.evidence if e.quote.strip())
    redacted = redaction.quote_pattern(" ".join(first_quoted.split()))
    lines = source_lines(unit.text)
    for offset in _QUOTE_SEARCH_OFFSETS:
        number = finding.start_line + offset
        if 1 <= number <= len(lines) and _quoted_on(pieces, lines[number - 1], redacted):
            span = finding.end_line - finding.start_line
            return finding.model_copy(update={"start_line": number, "end_line": number + span})
    return None


def _named_weakness(finding: Finding) -> int | None:
    """The CWE the finding's own words name ('SQL injection' -> 89), if they name one we know."""
    title = finding.title.lower()
    return next((cwe_id for phrase, cwe_id in _WEAKNESS_NAMES if phrase in title), None)


def _with_catalog_names(finding: Finding) -> Finding:
    """Check the CWE against the catalog and against the weakness the text names (a small model writes
    'SQL injection' with CWE-200: the name wins when the two disagree); name it from the catalog.
    An id that names no weakness is dropped rather than shown wrong. The id of a rule or analyzer check (its
    evidence is no model's sample) comes from a reviewed table and is trusted as given, whatever the engine."""
    from_rules = any(e.sample is None for e in finding.evidence)
    named = None if from_rules else _named_weakness(finding)
    if named is not None and (
        finding.cwe is None or not cwe.is_weakness(finding.cwe) or not cwe.same_family(named, finding.cwe)
    ):
        finding = finding.model_copy(update={"cwe": named})
    if finding.cwe is None or not cwe.is_weakness(finding.cwe):
        return finding.model_copy(update={"cwe": None, "cwe_name": "", "pillar": None})
    return finding.model_copy(update={"cwe_name": cwe.lookup(finding.cwe).name, "pillar": cwe.pillar(finding.cwe)})


def _same_defect(a: Finding, b: Finding) -> bool:
    """Same weakness family on the same or adjacent lines: one tool flags where a query is built, the
    other the line that runs it."""
    touching = a.start_line <= b.end_line + 1 and b.start_line <= a.end_line + 1
    if not touching:
        return False
    if a.cwe is None or b.cwe is None:
        return a.cwe == b.cwe and a.title == b.title
    return cwe.same_family(a.cwe, b.cwe)


def _most_specific(ids: Iterable[int | None]) -> int | None:
    """The CWE deepest in the hierarchy: 328 rather than its parent 327."""
    known = [i for i in ids if i is not None]
    return max(known, key=lambda i: len(cwe.chain_to_pillar(i)), default=None)


def _sample_keys(finding: Finding, disputes: bool = False) -> set[tuple[str, int]]:
    return {(e.engine, e.sample) for e in finding.evidence if e.sample is not None and e.disputes == disputes}


def _disputes_only(finding: Finding) -> bool:
    """A model's dispute of a static hint: evidence against a defect, never a report of one."""
    return bool(finding.evidence) and all(e.disputes for e in finding.evidence)


def _is_sampled(finding: Finding) -> bool:
    """A report from a sampled engine (a model's answer, a free-text review): it counts as a vote."""
    return bool(finding.evidence) and all(e.sample is not None for e in finding.evidence)


def _confidence(group: list[Finding], drawn: int) -> tuple[float, int]:
    """(confidence, support): unsampled reports combine as independent evidence; a sample reporting the defect
    twice counts once; the samples' combined confidence is scaled by the share of samples that agree."""
    reports = [f for f in group if not _disputes_only(f)]
    static_miss = math.prod(1.0 - f.confidence for f in reports if not _is_sampled(f))
    by_sample: dict[tuple[str, int], float] = {}
    for finding in reports:
        if _is_sampled(finding):
            for key in _sample_keys(finding):
                by_sample[key] = max(by_sample.get(key, 0.0), finding.confidence)
    support = len(by_sample)
    model = 0.0
    if support:
        model = (1.0 - math.prod(1.0 - c for c in by_sample.values())) * support / max(drawn, support)
    confidence = 1.0 - static_miss * (1.0 - model)
    # Samples that judged it a false alarm halve the confidence in proportion: noted, weighed, never obeyed.
    disputing = len({key for f in group if _disputes_only(f) for key in _sample_keys(f, disputes=True)})
    if disputing:
        confidence *= 1.0 - _DISPUTE_WEIGHT * disputing / max(drawn, disputing)
    return round(min(confidence, _MAX_CONFIDENCE), 2), support


def _merge(group: list[Finding], drawn: int) -> Finding:
    """One finding from several reports of one defect (by engines or samples), keeping each as evidence."""
    confidence, support = _confidence(group, drawn)
    counts = {"confidence": confidence, "support": support, "samples": max(drawn, support)}
    if len(group) == 1:
        return group[0].model_copy(update={**counts, "evidence": _marked(group[0])})
    reports = [f for f in group if not _disputes_only(f)] or group
    best_cwe = _most_specific(f.cwe for f in reports)
    # The words come from the report that names the weakness most precisely, then from an outright report over a
    # candidate's, a rule's curated text over a model's (a model's answer is cut to a length limit), then from the
    # fuller explanation.
    primary = max(
        (f for f in reports if f.cwe == best_cwe),
        key=lambda f: (f.kind == "defect", not _is_sampled(f), len(f.description), f.confidence),
    )
    start, end = max(f.start_line for f in group), min(f.end_line for f in group)
    if start > end:  # adjacent rather than overlapping: cover both
        start, end = min(f.start_line for f in group), max(f.end_line for f in group)
    evidence = [e for f in group for e in _marked(f)]
    checks = sorted((f.verification for f in group if f.verification is not None), key=lambda v: -v.probability)
    return primary.model_copy(
        update={
            **counts,
            # a defect any engine reports outright is no mere candidate; the model's most confident check stands
            "kind": "defect" if any(f.kind == "defect" for f in reports) else "candidate",
            "verification": checks[0] if checks else None,
            "start_line": start,
            "end_line": end,
            "severity": max((f.severity for f in group), key=lambda s: s.rank),
            # the events that lead to the defect, from the report that traces them most fully (an analyzer's path)
            "flow": max((f.flow for f in reports), key=len),
            # Unsampled engines first, then samples in order: the same whatever order the reports came in.
            "evidence": sorted(evidence, key=lambda e: (e.sample is not None, e.sample or 0, e.engine)),
        }
    )


def _marked(report: Finding) -> list[Evidence]:
    """A report's evidence, each part marked where the report was only a candidate: merged into a finding another
    engine reports outright, it still says what it was (a `# nosec` for that engine's report silences it too)."""
    if report.kind != "candidate":
        return report.evidence
    return [evidence.model_copy(update={"candidate": True}) for evidence in report.evidence]


def _quoted(finding: Finding, unit: CodeUnit) -> Finding:
    """The flagged lines as they are in the file, and the lines around them for reports that show code in place."""
    last = min(finding.end_line, finding.start_line + _MAX_QUOTED_LINES - 1)
    start = max(finding.start_line - _CONTEXT_LINES, 1)
    context = CodeContext(start_line=start, text=unit.lines(start, last + _CONTEXT_LINES))
    return finding.model_copy(update={"code": unit.lines(finding.start_line, last), "context": context})


def _group_duplicates(findings: list[Finding]) -> list[list[Finding]]:
    by_path: dict[str, list[list[Finding]]] = defaultdict(list)
    for finding in sorted(findings, key=lambda f: (f.path, f.start_line, f.end_line)):
        groups = by_path[finding.path]
        home = next((g for g in groups if any(_same_defect(finding, member) for member in g)), None)
        if home is None:
            groups.append([finding])
        else:
            home.append(finding)
    return [group for groups in by_path.values() for group in groups]


def _fingerprinted(findings: list[Finding]) -> list[Finding]:
    """Content-based ids: the file, the weakness and the flagged code (not line numbers), so a
    baseline survives lines moving; repeats of identical code get an occurrence number."""
    seen: dict[str, int] = defaultdict(int)
    result = []
    for finding in findings:
        code = " ".join(finding.code.split())
        key = f"{finding.path}|{finding.cwe or finding.title}|{code}"
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        seen[digest] += 1
        result.append(finding.model_copy(update={"fingerprint": f"{digest}:{seen[digest]}"}))
    return result


def judge(
    raw: Iterable[Finding],
    units: dict[str, CodeUnit],
    samples: Mapping[str, int] | None = None,
    min_support: int = 1,
) -> list[Finding]:
    """Raw engine findings in, reportable findings out (grounded, named, merged, voted, fingerprinted, ordered).

    `samples` maps a path to the number of samples drawn over it (each window of it answered that many times);
    findings that fewer than `min_support` samples reported, and no unsampled engine, are left out."""
    return judge_votes(raw, units, samples, min_support).findings


class Judged(NamedTuple):
    """What judging made of the raw findings: the reportable ones, and the others with why they are not."""

    findings: list[Finding]
    left_out: list[Finding]  # reported by fewer than min_support samples
    unconfirmed: list[Finding]  # model-only claims nothing confirms (see `_confirmed`) or that cannot be placed
    likely_false_alarms: list[Finding]  # the model's check found them unlikely: kept, not counted
    candidates: list[Finding]  # candidates no model checked: for a person to check, not counted
    fixtures: list[Finding]  # what concerns a test alone (`_test_only`): listed as observations, not counted


def _unplaced(finding: Finding, unit: CodeUnit) -> Finding:
    """A model's claim that grounding cannot place, kept as an observation with the reason."""
    if finding.start_line > max(unit.line_count, 1):
        remark = f"line {finding.start_line} is outside the file ({unit.line_count} lines)"
    else:
        remark = f"the quoted code was not found near line {finding.start_line}"
    end = min(max(finding.end_line, finding.start_line), max(unit.line_count, 1))
    start = min(finding.start_line, end)
    return _quoted(_with_catalog_names(finding), unit).model_copy(
        update={"start_line": start, "end_line": end, "remark": remark, "support": 1, "samples": 1}
    )


def _demotion(finding: Finding) -> str:
    check = finding.verification
    assert check is not None
    return (
        f"the model judged it unlikely to be real ({check.probability:.2f}, below the threshold {check.threshold:.2f})"
    )


def _ordered(findings: list[Finding]) -> list[Finding]:
    """Most severe first; within a severity the likeliest first (by the model's check), then by place. Without
    any check, by place, as before verification existed."""
    if not any(f.verification for f in findings):
        return findings

    def likelihood(finding: Finding) -> float:
        return finding.verification.probability if finding.verification else 1.0

    return sorted(findings, key=lambda f: (-f.severity.rank, -likelihood(f), f.path, f.start_line))


def judge_votes(
    raw: Iterable[Finding],
    units: dict[str, CodeUnit],
    samples: Mapping[str, int] | None = None,
    min_support: int = 1,
    confirm: bool = False,
) -> Judged:
    """`judge`, and also the findings the vote left out (judged the same way, for the coverage notes).

    With `confirm`, a finding that only a model reports must be confirmed (see `_confirmed`); the others are
    returned as `unconfirmed`, for the review's observations, as are model claims grounding cannot place (each
    with its `remark`): a model's word is never silently dropped. Findings the model's check found unlikely go to
    `likely_false_alarms`, candidates nothing checked to `candidates`, and what in a test's own file concerns the
    test alone (`tests/`, `test_*.py`, `conftest.py`: a fixture's password, a request without a timeout; see
    `_test_only`) to `fixtures`."""
    grounded = []
    unplaced = []
    for finding in raw:
        unit = units[finding.path]
        aligned = _align_to_quote(finding, unit)
        placed = _ground(aligned, unit) if aligned is not None else None
        if placed is not None:
            grounded.append(_with_catalog_names(placed))
        elif _is_sampled(finding) and not _disputes_only(finding) and (aligned is None or unit.review_lines is None):
            unplaced.append(_unplaced(finding, unit))
    drawn = samples or {}
    merged = [
        _merge(group, drawn.get(group[0].path, 0))
        for group in _group_duplicates(grounded)
        if not all(_disputes_only(f) for f in group)  # a dispute with nothing left to dispute says nothing
    ]
    quoted = [_quoted(f, units[f.path]) for f in merged]
    kept: list[Finding] = []
    left_out: list[Finding] = []
    unconfirmed: list[Finding] = []
    demoted: list[Finding] = []
    candidates: list[Finding] = []
    fixtures: list[Finding] = []
    for finding in sorted(quoted, key=lambda f: (f.path, f.start_line, f.end_line, f.cwe or 0, f.title)):
        if _is_sampled(finding) and finding.support < min_support:
            left_out.append(finding)
        elif confirm and _is_sampled(finding) and not _confirmed(finding, units[finding.path]):
            unconfirmed.append(finding)
        elif why := _test_only(finding):
            fixtures.append(finding.model_copy(update={"remark": why}))
        elif finding.verification is not None and not finding.verification.likely_real:
            demoted.append(finding.model_copy(update={"remark": _demotion(finding)}))
        elif finding.kind == "candidate" and (finding.verification is None or not finding.verification.demotes):
            candidates.append(finding.model_copy(update={"remark": _unconfirmed_candidate(finding)}))
        else:
            kept.append(finding)
    return Judged(
        _ordered(_fingerprinted(kept)),
        _fingerprinted(left_out),
        _fingerprinted(unconfirmed + unplaced),
        _ordered(_fingerprinted(demoted)),
        _fingerprinted(candidates),
        _fingerprinted(fixtures),
    )


# What in a test's own file concerns the test alone, with why: reported as defects, hundreds of them hid the
# product's findings (ihatemoney 7.2.1: 60 of 86 were passwords; roundup 2.6.0: 63 of 237 its tests' requests;
# bitarray 3.0.0: 113 of 130 its tests' random; pikepdf 10.18.0: 21 of 27 its tests' eval, XML and scratch files).
# A weakness counts with its kinds (CWE-259 is a kind of 798, 1004 of 732).
_TEST_CONCERNS = {
    798: "a fixture, not a secret",
    1088: "a test's request, which hangs the test, not the product",
    330: "random test data, not a secret or a token",
    377: "a test's scratch file on the machine that runs the tests",
    327: "a test's hash or cipher of its own data, which protects nothing",
    1004: "a test client's cookie",  # a kind of 732, listed first for its own reason
    614: "a test client's cookie",
    732: "the mode of a test's own file",
    1327: "an address a test binds or checks, on the machine that runs the tests",
}
# Weaknesses of input (code evaluated, objects or XML documents loaded, queries and commands built) that concern the
# test alone where no engine traced the input from outside the program (Bandit and Semgrep's pattern rules name no
# source; a Semgrep taint rule from request data or input() does): roundup 2.6.0's and glance 33.0.0's tests query
# their own tables and run sqlite3 on their own files (35 SQL and 4 command reports in the tests of 45 projects).
_TEST_INPUTS = {
    89: "a query the test builds from its own values",
    78: "a command the test builds from its own values",
    94: "code the test writes and evaluates (`eval(repr(x))`)",
    502: "objects the test serialised itself",
    611: "the test's own XML documents",
    776: "the test's own XML documents",
    918: "a URL the test builds itself",
}
# A test's own file: under a tests/ or test/ folder or a test package (test_devpi_server/, shop_tests/), or named
# test_*, *_test(s).*, conftest.py or tests.py (a Django app's tests: 28 of the 46 findings of Horizon 27.0.0's
# openstack_dashboard/). Not a package's testing helpers (numpy/testing/); a shipped package named test (django/test/,
# the test client) counts: in Django 5.1.4 its selenium test case's host "0.0.0.0", assertXMLEqual's parsing of the
# XML a test compares and a screenshot's file name, code that runs in a test suite only.
_TEST_FILE = re.compile(
    r"(^|/)(tests?|test_[^/]+|[^/]+_tests?)/|(^|/)(test_[^/]*|[^/]*_tests?\.\w+|conftest\.py|tests\.py)$", re.IGNORECASE
)


def _test_only(finding: Finding) -> str:
    """Why a finding in a test's own file concerns the test alone (empty: a defect as anywhere else): the weaknesses
    of `_TEST_CONCERNS`; those of `_TEST_INPUTS` that no engine traced from outside data; and a value from a
    parameter of the test's own function that reaches a query, a command, a path or a URL only as the tests that
    call it pass it. Request data or input() reaching a sink in a test stays a defect."""
    if finding.cwe is None or _TEST_FILE.search(_within_project(finding.path)) is None:
        return ""
    kinds = {finding.cwe, *cwe.ancestors(finding.cwe)}
    if concern := next((why for weakness, why in _TEST_CONCERNS.items() if weakness in kinds), ""):
        return f"written in a test file: {concern}"
    if not _traced_from_outside(finding) and (
        concern := next((why for weakness, why in _TEST_INPUTS.items() if weakness in kinds), "")
    ):
        return f"written in a test file: {concern}"
    if _from_own_parameter(finding):
        return "written in a test file: a value from a parameter of the test's own function, which tests call"
    return ""


def _within_project(path: str) -> str:
    """The part of a finding's path that says whether it is a test's: the path in the project reviewed, or for a file
    outside it (an absolute path) its folder and name, not the folders above (pytest's `test_x0/` temporary ones)."""
    return "/".join(PurePosixPath(path).parts[-2:]) if path.startswith("/") else path


def _from_own_parameter(finding: Finding) -> bool:
    """Whether the finding is traced to a parameter of the enclosing function and to nothing else: by Semgrep's
    `*-function-param` rules or the flow engine from a parameter (pikepdf's test helpers opening the file they are
    given); Bandit's reports name no source (B608's query built from strings)."""
    traced = any(e.rule_id.endswith(PARAMETER_RULE_SUFFIX) or e.engine == FLOW_ENGINE for e in finding.evidence)
    return traced and not _traced_from_outside(finding)


def _traced_from_outside(finding: Finding) -> bool:
    """Whether an engine traced data from outside the program to the finding: a Semgrep taint rule from request
    data or input(), or the flow engine from request data (a flow that does not start at a parameter)."""
    return any(
        traces_outside_data(e.rule_id)
        if e.engine == "semgrep"
        else e.engine == FLOW_ENGINE and not starts_at_parameter(finding.flow)
        for e in finding.evidence
    )


def _unconfirmed_candidate(finding: Finding) -> str:
    """Why a candidate is not a defect: nothing checked it, or a check that decides nothing (a model not calibrated
    for its language, where its probability was measured to order findings no better than chance, or threshold 0)."""
    check = finding.verification
    if check is None:
        return "a candidate no model has checked"
    why = "no calibration for its language" if not check.calibrated else "the threshold is 0"
    return f"a candidate the model's check cannot confirm ({why})"


def _confirmed(finding: Finding, unit: CodeUnit) -> bool:
    """Whether something besides one model answer backs a model-only finding: a second sample that agrees, or a
    dangerous sink of its kind on its lines or where a value they assign is used next (a query built on line 17
    and run on line 18); a model claiming SQL injection where no query runs is guessing. On labelled data a small
    model's unconfirmed claims were nearly all false alarms (docs/benchmarks.md)."""
    if finding.support >= _AGREEING_SAMPLES:
        return True
    if finding.cwe is None:
        return False
    lines = source_lines(unit.text)
    flagged = lines[max(finding.start_line - 1, 0) : finding.end_line]
    return bool(
        sinks.confirming_sinks(
            finding.cwe, flagged + _uses_of_assigned(flagged, lines, finding.end_line), unit.language
        )
    )


def _uses_of_assigned(flagged: list[str], lines: list[str], end: int) -> list[str]:
    """The lines shortly after `end` that use a variable the flagged lines assign."""
    names = {match.group(1) for line in flagged if (match := _ASSIGNED.search(line))}
    if not names:
        return []
    used = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(names))) + r")\b")
    return [line for line in lines[end : end + _VALUE_USED_WITHIN] if used.search(line)]


def left_out_note(left_out: list[Finding], min_support: int, noun: str = "samples") -> str:
    """The coverage note naming the findings of one file that the vote left out, with their support."""
    named = ", ".join(
        f"{f'CWE-{f.cwe}' if f.cwe is not None else f.title} at line {f.start_line} ({f.support} of {f.samples})"
        for f in left_out
    )
    return f"left out by the vote (reported by fewer than {min_support} {noun}): {named}"


def unconfirmed_note(unconfirmed: list[Finding]) -> str:
    """The coverage note naming a file's model-only findings that nothing confirmed (listed as observations)."""
    named = ", ".join(f"{f'CWE-{f.cwe}' if f.cwe is not None else f.title} at line {f.start_line}" for f in unconfirmed)
    return (
        f"listed as observations, not defects: {named} (reported by the model alone, with no static finding, "
        "no dangerous sink of its kind on its lines and no second sample agreeing)"
    )


def unplaced_note(unplaced: list[Finding]) -> str:
    """The coverage note naming a file's model claims that grounding could not place (listed as observations)."""
    named = "; ".join(f"{f'CWE-{f.cwe}' if f.cwe is not None else f.title}: {f.remark}" for f in unplaced)
    return f"model claims listed as observations, not defects, because judging could not place them: {named}"


def fixtures_note(fixtures: list[Finding]) -> str:
    """The coverage note naming what in a test file concerns the test alone (listed as observations)."""
    lines = ", ".join(str(f.start_line) for f in fixtures)
    return (
        "what concerns a test alone (its credentials, requests without a timeout, random data, scratch files, "
        "addresses, the code and data it evaluates or loads itself, the queries and commands it builds itself, values "
        f"from its own parameters) listed as observations, not defects (fixtures): lines {lines}"
    )


def verdict(findings: list[Finding], complete: bool, candidates: int = 0) -> str:
    """The review's last word; never the no-defect sentence when something was not reviewed or candidates wait
    to be checked."""
    to_check = (
        f"; {candidates} candidate{' is' if candidates == 1 else 's are'} listed to check (not counted)"
        if candidates
        else ""
    )
    if findings:
        counts = Counter(finding.severity for finding in findings)
        detail = ", ".join(f"{counts[severity]} {severity.value}" for severity in Severity if counts[severity])
        noun = "defect is" if len(findings) == 1 else "defects are"
        tail = "" if complete else "; the review is incomplete (see coverage)"
        return f"{len(findings)} security {noun} detected in the code ({detail}){to_check}{tail}"
    if not complete:
        # Worded so that no tool or reader grepping for "No security defects" mistakes a gap for a clean review.
        return f"Nothing was found in the code that was reviewed{to_check}, but the review is incomplete (see coverage)"
    if candidates:
        return f"No security defect is confirmed in the code{to_check}"
    return NO_DEFECTS_VERDICT
