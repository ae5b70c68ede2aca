"""The free-text review parser: the three seed reviews of the Neutron file, every line-reference and CWE
spelling the parser promises, solutions, the no-defect verdict, and garbage input."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest

from secreview.llm.freetext import ParsedReview, parse_review
from secreview.models import NO_DEFECTS_VERDICT, CodeUnit, Finding, LineRange, Severity

SEEDS = Path(__file__).parent / "data" / "seeds"
NEUTRON_FILE = Path(__file__).parents[1] / "examples" / "neutron" / "test_revision_plugin.py"
NEUTRON = NEUTRON_FILE.name


@pytest.fixture(scope="module")
def neutron() -> CodeUnit:
    text = NEUTRON_FILE.read_text(encoding="utf-8")
    return CodeUnit(id=NEUTRON, path=f"neutron/{NEUTRON}", language="python", text=text)


def seed(name: str) -> str:
    (path,) = SEEDS.glob(f"{name}_*.txt")
    return path.read_text(encoding="utf-8")


def unit(review_lines: list[LineRange] | None = None) -> CodeUnit:
    return CodeUnit(id="a.py", path="src/a.py", language="python", text="x = 1\n" * 200, review_lines=review_lines)


def parse(text: str, code: CodeUnit | None = None) -> ParsedReview:
    return parse_review(text, code or unit())


def places(findings: list[Finding]) -> list[tuple[int | None, int, int]]:
    return [(f.cwe, f.start_line, f.end_line) for f in findings]


def only(text: str) -> Finding:
    """The single finding of a review that asserts one defect."""
    parsed = parse(text)
    assert not parsed.says_no_defects and not parsed.observations
    (finding,) = parsed.findings
    return finding


# --- the seeds (the acceptance criteria) ---------------------------------------------------------


def test_seed_002_asserts_three_pillar_weaknesses_with_their_line_ranges(neutron: CodeUnit) -> None:
    parsed = parse_review(seed("002"), neutron)
    assert places(parsed.findings) == [(664, 72, 78), (691, 66, 79), (703, 63, 80)]
    assert not parsed.says_no_defects and parsed.observations == []
    first = parsed.findings[0]
    assert first.title == "Improper Control of a Resource Through its Lifetime"
    assert first.cwe_name == "Improper Control of a Resource Through its Lifetime"
    assert first.description.startswith("In lines 72-78, the code simulates a concurrent delete operation")
    assert first.solution.startswith("Implement locking mechanisms or ensure that the resource state is valid")
    assert "Solution" not in first.description
    for finding in parsed.findings:
        assert finding.path == "neutron/test_revision_plugin.py"
        assert finding.severity is Severity.medium and finding.confidence == 0.5
        assert finding.solution and finding.description
        (evidence,) = finding.evidence
        assert (evidence.engine, evidence.rule_id, evidence.cwe) == ("llm", "freetext", finding.cwe)
        assert evidence.message == finding.title and evidence.severity is Severity.medium


def test_seed_000_is_a_no_defect_verdict_with_two_observations(neutron: CodeUnit) -> None:
    parsed = parse_review(seed("000"), neutron)
    assert parsed.says_no_defects
    assert parsed.findings == []
    assert places(parsed.observations) == [(None, 70, 78), (None, 94, 97)]
    assert [o.title for o in parsed.observations] == ["Concurrent Modification", "IP Address Handling"]
    assert all(o.severity is Severity.info for o in parsed.observations)
    assert all(o.evidence[0].severity is Severity.info for o in parsed.observations)
    concurrent = parsed.observations[0]
    assert concurrent.description.startswith("The code simulates a concurrent delete operation")
    assert concurrent.solution.startswith("Ensure proper locking mechanisms are used")
    # "Key Points Reviewed" (session management, input validation, ...) is generic advice: no line, no CWE.
    assert "Session Management" not in {o.title for o in parsed.observations}


def test_seed_001_asserts_no_defect(neutron: CodeUnit) -> None:
    # It says "There are no explicit security vulnerabilities ... present in the code" and "the test cases
    # themselves do not introduce security defects": a no-defect verdict in other words; its three
    # numbered points are observations.
    parsed = parse_review(seed("001"), neutron)
    assert parsed.findings == []
    assert parsed.says_no_defects
    assert places(parsed.observations) == [(None, 58, 60), (None, 72, 75), (None, 84, 87)]
    assert [o.title for o in parsed.observations] == ["Session Management", "Concurrency Handling", "Error Handling"]


def test_the_seed_files_are_the_shared_ones() -> None:
    shared = Path("/work/shared/seeds")
    if not shared.is_dir():
        pytest.skip("the shared seeds folder is not on this machine")
    for path in shared.glob("*.txt"):
        assert (SEEDS / path.name).read_bytes() == path.read_bytes()


# --- line references ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("Line 70-78", (70, 78)),
        ("lines 63-80", (63, 80)),
        ("line 12", (12, 12)),
        ("(Line 94-97)", (94, 97)),
        ("In lines 72-78,", (72, 78)),
        ("lines 84-87, 92-107", (84, 87)),  # the first range, not the span
        ("at L12", (12, 12)),
        ("(L12)", (12, 12)),
        ("L12-L15", (12, 15)),
        ("#L7", (7, 7)),
        ("line 12 to 15", (12, 15)),
        ("lines 12 through 15", (12, 15)),
        ("line 12 - line 15", (12, 15)),
        ("lines 12\u201315", (12, 15)),  # en dash
        ("LINES 12-15", (12, 15)),
        ("line #12", (12, 12)),
        ("line no. 12", (12, 12)),
        ("Lines: 12-14", (12, 14)),
        ("**Lines**: 12-14", (12, 14)),
        ("lines 15-12", (12, 15)),  # reversed: swapped
        ("line 0 and line 9", (9, 9)),  # line 0 does not exist
        ("line 4000", (4000, 4000)),  # beyond the file: kept, grounding is aggregate's job
    ],
)
def test_line_reference_forms(reference: str, expected: tuple[int, int]) -> None:
    finding = only(f"1. **SQL Injection (CWE-89)**: {reference} the query is built from request input.")
    assert (finding.start_line, finding.end_line) == expected
    assert finding.title == "SQL Injection"


def test_a_line_reference_in_the_heading_wins_over_one_in_the_text() -> None:
    finding = only("1. **Command injection (Line 30-31)**: the value used in line 12 reaches the shell (CWE-78).")
    assert (finding.start_line, finding.end_line) == (30, 31)
    assert finding.title == "Command injection"


def test_words_that_look_like_line_numbers_are_not_lines() -> None:
    finding = only("1. CWE-78: the L3 agent passes its router name to a shell; the guideline 4 is ignored.")
    assert (finding.start_line, finding.end_line) == (1, 1)
    assert "gave no line number" in finding.description


def test_a_finding_without_a_line_goes_to_the_first_line_under_review_and_says_so() -> None:
    parsed = parse("1. **CWE-327**: MD5 is used for password hashing.", unit([LineRange(start=40, end=60)]))
    (finding,) = parsed.findings
    assert (finding.start_line, finding.end_line) == (40, 40)
    assert (
        finding.description == "MD5 is used for password hashing. (The review gave no line number; placed at line 40.)"
    )
    assert finding.title == "Use of a Broken or Risky Cryptographic Algorithm"  # the catalog's name for a bare id


# --- CWE ids ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cwe", "title", "cwe_name"),
    [
        (
            "1. **CWE-664 (Improper Control of a Resource Through its Lifetime)**: line 5 keeps the session open.",
            664,
            "Improper Control of a Resource Through its Lifetime",
            "Improper Control of a Resource Through its Lifetime",
        ),
        ("- CWE 79 on line 5: the template marks user input safe.", 79, "Cross-site Scripting", ""),
        ("* cwe-89: line 5 formats the query with user input.", 89, "SQL Injection", ""),
        ("1. SQL injection (CWE-89) at line 5: the query is formatted.", 89, "SQL injection", ""),
        ("1. [CWE-22] Path traversal in line 5: the name is joined to the root.", 22, "Path traversal", ""),
        ("### CWE-78: OS Command Injection\nLine 5 passes input to the shell.", 78, "OS Command Injection", ""),
        ("1. Weakness CWE-ID 502 at line 5: pickle.loads on the request body.", 502, "Weakness", ""),
        (
            "1. **CWE-79 (Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting'))** "
            "at line 5: the value is echoed.",
            79,
            "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
            "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
        ),
    ],
)
def test_cwe_forms_with_and_without_names(text: str, cwe: int, title: str, cwe_name: str) -> None:
    finding = only(text)
    assert (finding.cwe, finding.start_line) == (cwe, 5)
    assert finding.title == title
    if cwe_name:
        assert finding.cwe_name == cwe_name
    assert finding.evidence[0].cwe == cwe


def test_a_defect_without_a_cwe_is_a_finding_without_one() -> None:
    finding = only(
        "1. **Hardcoded password (Line 94-97)**: the admin password is a literal.\n"
        "   Fix: read it from the environment."
    )
    assert (finding.cwe, finding.start_line, finding.end_line) == (None, 94, 97)
    assert finding.title == "Hardcoded password"
    assert finding.description == "the admin password is a literal."
    assert finding.solution == "read it from the environment."


def test_cwes_in_prose_become_one_finding_each() -> None:
    parsed = parse(
        "The handler builds SQL from user input, which is CWE-89 (SQL Injection) at line 40. Separately, the "
        "template disables escaping on line 50, which is CWE-79."
    )
    assert places(parsed.findings) == [(89, 40, 40), (79, 50, 50)]
    assert [f.title for f in parsed.findings] == ["SQL Injection", "Cross-site Scripting"]


def test_a_plain_sentence_that_calls_located_code_vulnerable_is_a_finding() -> None:
    finding = only("The code on line 12 is vulnerable to SQL injection because the query is concatenated.")
    assert (finding.cwe, finding.start_line) == (None, 12)


def test_sub_items_at_different_places_become_separate_findings() -> None:
    parsed = parse(
        "1. **Injection issues**\n"
        "   - Line 12: SQL injection (CWE-89)\n"
        "   - Line 30: command injection (CWE-78)\n"
        "   Solution: validate input.\n"
    )
    assert places(parsed.findings) == [(89, 12, 12), (78, 30, 30)]
    assert [f.title for f in parsed.findings] == ["SQL Injection", "OS Command Injection"]
    assert [f.solution for f in parsed.findings] == ["validate input.", "validate input."]


def test_sub_items_inherit_the_cwe_of_their_heading() -> None:
    parsed = parse(
        "### CWE-89: SQL Injection\n- Line 12: query built with an f-string\n- Line 30: the same in delete\n\n"
        "**Solution:** use bound parameters."
    )
    assert places(parsed.findings) == [(89, 12, 12), (89, 30, 30)]
    assert {f.solution for f in parsed.findings} == {"use bound parameters."}
    assert parsed.findings[1].description == "the same in delete"


def test_list_items_that_commonmark_would_not_see() -> None:
    # Models write lists CommonMark does not have: "•" and "(1)" markers, a numbered item right after a
    # sentence, sub-items indented by four, a continuation indented by one. Each is still a list item.
    bullets = parse(
        "\u2022 CWE-284 (Improper Access Control): Not applicable.\n"
        "\u2022 CWE-703: line 5 swallows every exception.\n  Severity: low\n"
        "(1) CWE-707: No issues identified in lines 1-20.\n(2) CWE-20 at line 7: the size is not checked.\n"
    )
    assert places(bullets.findings) == [(703, 5, 5), (20, 7, 7)]
    assert [f.severity for f in bullets.findings] == [Severity.low, Severity.medium]
    after_a_sentence = parse(
        "The review found these:\n2. CWE-89 at line 3: the query is concatenated.\n"
        "3. CWE-79 at line 9: the page echoes input."
    )
    assert places(after_a_sentence.findings) == [(89, 3, 3), (79, 9, 9)]
    nested = parse(
        "Potential issues\n================\n\n- **Race condition (L70-L78)**: a concurrent delete, then expire.\n"
        "    - line 72 reads the row (CWE-362)\n    - line 75 writes it back (CWE-367)\n"
        "- **Error handling**: exceptions are swallowed in lines 90-95.\n"
    )
    assert places(nested.findings) == [(362, 72, 72), (367, 75, 75), (None, 90, 95)]
    continued = only("1. CWE-89 at line 3: the query is concatenated.\n\n it is reached from the login form.")
    assert continued.description == "the query is concatenated. it is reached from the login form."


def test_labelled_fields_and_table_rows() -> None:
    labelled = parse(
        "**1. SQL Injection**\n"
        "- **CWE**: CWE-89\n- **Location**: Line 23-25\n- **Severity**: High\n"
        "- **Description**: The query is built with an f-string.\n- **Recommendation**: Use parameters.\n"
    ).findings
    assert places(labelled) == [(89, 23, 25)]
    assert (labelled[0].title, labelled[0].severity) == ("SQL Injection", Severity.high)
    assert (labelled[0].description, labelled[0].solution) == (
        "The query is built with an f-string.",
        "Use parameters.",
    )
    table = parse(
        "| CWE | Line(s) | Issue | Fix |\n|---|---|---|---|\n"
        "| CWE-89 | 12-14 | SQLi | bind |\n| CWE-79 | 20 | XSS | escape |"
    )
    assert places(table.findings) == [(89, 12, 14), (79, 20, 20)]
    assert [(f.description, f.solution) for f in table.findings] == [("SQLi", "bind"), ("XSS", "escape")]


# --- solutions --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "solution_line",
    [
        "Solution: bind the parameters.",
        "Fix: bind the parameters.",
        "Recommendation: bind the parameters.",
        "**Solution**: bind the parameters.",
        "**Fix:** bind the parameters.",
        "- Mitigation: bind the parameters.",
        "Remediation: bind the parameters.",
    ],
)
def test_solution_labels(solution_line: str) -> None:
    finding = only(f"1. **SQL Injection (CWE-89)**\n   - Description: line 7 formats the query.\n   {solution_line}")
    assert finding.solution.endswith("bind the parameters.")
    assert finding.description == "line 7 formats the query."


def test_an_inline_solution_is_split_from_the_description() -> None:
    finding = only("1. **Line 45**: `eval()` runs request data (CWE-95). **Solution**: use `ast.literal_eval`.")
    assert finding.description == "`eval()` runs request data (CWE-95)."
    assert finding.solution == "use `ast.literal_eval`."
    assert finding.title == "Eval Injection"


def test_an_unindented_solution_after_a_blank_line_still_belongs_to_its_item() -> None:
    finding = only("1. CWE-22 in line 3: the path is joined to user input.\n\nSolution: resolve and check the prefix.")
    assert finding.solution == "resolve and check the prefix."


def test_code_in_a_solution_is_kept_as_a_block_and_code_in_the_text_is_not_markup() -> None:
    finding = only(
        "1. **Command injection (CWE-78)** at line 14:\n"
        "```python\n# line 99\n- subprocess.call(cmd, shell=True)\n```\n"
        "   Solution: pass a list:\n"
        "   ```python\n   subprocess.call([tool, name])\n   ```\n"
    )
    assert (finding.start_line, finding.title) == (14, "Command injection")
    assert finding.solution == "pass a list:\n```python\nsubprocess.call([tool, name])\n```"
    assert "subprocess.call(cmd" not in finding.description


def test_a_defect_without_a_solution_has_an_empty_one() -> None:
    assert only("1. CWE-798 at line 3: a hard-coded API key.").solution == ""


def test_severity_words() -> None:
    parsed = parse(
        "1. **SQL Injection (CWE-89)**: line 10. Severity: High.\n"
        "2. **Weak hash (CWE-328)**: line 20 (Low)\n"
        "3. Critical severity: CWE-502 at line 30, pickle.loads on the request body.\n"
        "4. **Open redirect (CWE-601)**: line 40 redirects to a parameter; a high volume of requests is fine.\n"
    )
    assert [f.severity for f in parsed.findings] == [Severity.high, Severity.low, Severity.critical, Severity.medium]
    assert parsed.findings[2].title == "Deserialization of Untrusted Data"


# --- the verdict --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        NO_DEFECTS_VERDICT,
        NO_DEFECTS_VERDICT + ".",
        "no security defects are detected in the code",
        "NO SECURITY DEFECTS ARE DETECTED IN THE CODE.",
        "**No security defects are detected in the code.**",
        "Verdict: No security defects are detected in the code in the context of its usage as test cases.",
        "No security defects are detected in the code, but the following patterns deserve care in production.",
        "After review, no security defects were detected in the code.",
        "There are no security vulnerabilities in this code.",
        "No vulnerabilities were found.",
        "The test cases do not introduce security defects.",
    ],
)
def test_the_no_defect_sentence_and_its_equivalents(text: str) -> None:
    assert parse(text) == ParsedReview(findings=[], observations=[], says_no_defects=True)


def test_concerns_listed_before_the_no_defect_sentence_are_observations() -> None:
    parsed = parse(
        "Potential issues:\n"
        "1. **CWE-330**: line 12 uses `random` for a token.\n"
        "2. Input validation could be stricter.\n"  # no line, no CWE: generic advice
        "3. CWE-20: validation of the port number.\n"  # no line: an observation nobody located is dropped
        "\nNo security defects are detected in the code."
    )
    assert parsed.says_no_defects and parsed.findings == []
    assert places(parsed.observations) == [(330, 12, 12)]
    assert parsed.observations[0].severity is Severity.info


@pytest.mark.parametrize(
    "text",
    [
        "1. CWE-89 at line 3: the query is concatenated.\n\nOther than the above, no security defects are detected "
        "in the code.",
        "No security defects are detected in the code except CWE-89 at line 3, where the query is concatenated.",
        "If no security defects are detected in the code, say so.\n\nCWE-89 on line 3: the query is concatenated.",
        "I cannot say that no security defects are detected in the code: CWE-89 at line 3.",
        "1. **CWE-89** on line 3: query concatenation.\n\nNo other security issues were found.",
        "There are no security vulnerabilities in the parsing code. However:\n\n1. CWE-89 at line 3: concatenation.",
    ],
)
def test_a_hedged_or_narrowed_verdict_is_not_a_no_defect_verdict(text: str) -> None:
    parsed = parse(text)
    assert not parsed.says_no_defects
    assert places(parsed.findings) == [(89, 3, 3)]


def test_a_checklist_of_weaknesses_that_do_not_apply_has_no_findings() -> None:
    parsed = parse(
        "- CWE-284 (Improper Access Control): Not applicable.\n"
        "- CWE-664: None found.\n"
        "- CWE-703 (Improper Check or Handling of Exceptional Conditions): line 5 swallows every exception.\n"
        "- CWE-707: No issues identified in lines 1-20.\n"
    )
    assert places(parsed.findings) == [(703, 5, 5)]


def test_reviews_that_assert_nothing() -> None:
    nothing = ParsedReview(findings=[], observations=[], says_no_defects=False)
    assert parse("") == nothing
    assert parse("   \n\n\t") == nothing
    assert parse("The code looks fine. Consider adding more tests.") == nothing  # no verdict sentence either
    assert parse("### Key Points\n1. **Input validation**: important.\n2. **Error handling**: matters.") == nothing


def test_engine_and_rule_id_are_passed_through() -> None:
    parsed = parse_review("1. CWE-89 at line 3.", unit(), engine="llm:qwen", rule_id="basic#2")
    (evidence,) = parsed.findings[0].evidence
    assert (evidence.engine, evidence.rule_id, evidence.confidence) == ("llm:qwen", "basic#2", 0.5)


# --- garbage in, a ParsedReview out --------------------------------------------------------------------------

_ALPHABET = string.printable + "*#|-_`()[]:\u2022\u2013\u00e9\u4e2d\x00\ud800"
_WORDS = ["CWE-", "CWE-89", "line ", "lines 3-", "L12", "**", "### ", "1. ", "- ", "|", "```", "Solution:", ":", "\n"]


def test_random_garbage_never_raises() -> None:
    rng = random.Random(20240601)
    for _ in range(200):
        if rng.random() < 0.5:
            text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 3000)))
        else:
            text = "".join(rng.choice(_WORDS) + rng.choice(_ALPHABET) for _ in range(rng.randint(0, 800)))
        parsed = parse(text)
        assert isinstance(parsed, ParsedReview)
        for finding in parsed.findings + parsed.observations:
            assert finding.start_line >= 1 and finding.end_line >= finding.start_line


def test_a_megabyte_of_text_is_parsed() -> None:
    rng = random.Random(7)
    pieces: list[str] = []
    size = 0
    while size < 1_000_000:
        piece = rng.choice(
            [
                seed("000"),
                seed("002"),
                "".join(rng.choice(_ALPHABET) for _ in range(2000)),
                " " * 5000,
                "line " * 1000,
                "*" * 5000,
                "(" * 3000,
                "no " * 1000,
            ]
        )
        pieces.append(piece)
        size += len(piece)
    parsed = parse("\n".join(pieces))
    assert isinstance(parsed, ParsedReview)
    assert parse("x" * 1_000_000) == ParsedReview(findings=[], observations=[], says_no_defects=False)


def test_lone_surrogates_and_nul_bytes_are_tolerated() -> None:
    finding = only("1. CWE-89 at line 3: bad \ud800 query \x00 here.")
    assert finding.cwe == 89
    assert "\ud800" not in finding.description
