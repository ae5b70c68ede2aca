"""secreview.coverage on its own: what counts as reviewed, skipped (a gap) or only a note, from the stages'
results as they are built, without running an engine."""

from __future__ import annotations

from secreview.backends.openai_http import OpenAICompatibleBackend
from secreview.coverage import engine_coverage
from secreview.engines.bandit import BanditEngine
from secreview.engines.c_analyzers import c_analyzers
from secreview.engines.interface import EngineResult
from secreview.engines.llm import LLMEngine
from secreview.engines.semgrep import SemgrepEngine
from secreview.llm.routing import NOT_ROUTED
from secreview.models import CodeUnit, UnitRouting
from secreview.sources.interface import SourceResult
from secreview.verification.interface import VerificationResult

APP = CodeUnit(id="app.py", path="app.py", language="python", text="import os\nos.system(input())\n")
LIB = CodeUnit(id="lib.c", path="lib.c", language="c", text="int f(void) { return 0; }\n")
NOT_ROUTED_ANY = UnitRouting(parts=2, not_routed=NOT_ROUTED, split="python-ast")


def _model() -> LLMEngine:
    """The model engine as a review configures it; nothing is asked of its endpoint here."""
    return LLMEngine(OpenAICompatibleBackend("http://127.0.0.1:9/v1", "m"))


def test_a_unit_reviewed_by_one_engine_and_skipped_by_another_is_a_gap_with_the_sources_notes_first():
    collected = SourceResult(units=[APP], notes={"app.py": ["outside the repository under review: reviewed as named"]})
    results = [
        EngineResult(notes={"app.py": ["bandit: 1 line not parsed"]}),
        EngineResult(skipped={"app.py": "timed out"}),
    ]

    coverage = engine_coverage(collected, [BanditEngine(), SemgrepEngine(max_target_bytes=1_000_000)], results, None)

    (unit,) = coverage.units
    assert (unit.path, unit.language, unit.lines, unit.review_lines) == ("app.py", "python", 2, None)
    assert unit.reviewed_by == ["bandit"] and unit.skipped_by == {"semgrep": "timed out"} and unit.routed_out == []
    assert unit.notes == ["outside the repository under review: reviewed as named", "bandit: 1 line not parsed"]
    assert not coverage.complete


def test_an_optional_analyzer_that_did_not_run_is_a_note_and_the_review_stays_complete():
    (cppcheck,) = c_analyzers(["cppcheck"])
    results = [EngineResult(), EngineResult(not_run={"lib.c": "cppcheck: not installed"})]

    coverage = engine_coverage(SourceResult(units=[APP, LIB]), [BanditEngine(), cppcheck], results, None)

    app, lib = coverage.units
    assert app.reviewed_by == ["bandit"] and app.notes == []  # an engine of other languages is not named
    assert lib.reviewed_by == [] and lib.skipped_by == {} and lib.notes == ["not reviewed by cppcheck: not installed"]
    assert coverage.complete


def test_a_unit_routed_out_of_a_model_only_review_is_not_reviewed_and_beside_a_static_engine_it_is():
    routed = EngineResult(routing={"app.py": NOT_ROUTED_ANY})

    alone = engine_coverage(SourceResult(units=[APP]), [_model()], [routed], None)

    (unit,) = alone.units
    assert unit.reviewed_by == [] and unit.routed_out == [] and unit.routing == {"llm": NOT_ROUTED_ANY}
    assert unit.skipped_by == {"llm": f"routing sent none of it to the model ({NOT_ROUTED})"}
    assert not alone.complete

    beside = engine_coverage(SourceResult(units=[APP]), [BanditEngine(), _model()], [EngineResult(), routed], None)

    (unit,) = beside.units
    assert (unit.reviewed_by, unit.routed_out, unit.skipped_by) == (["bandit"], ["llm"], {})
    assert beside.complete


def test_the_verifier_reviews_the_units_it_checked_and_what_it_could_not_check_is_a_note():
    checked = VerificationResult(
        notes={"app.py": ["verify: CWE-78 at line 2 confirmed"]},
        unchecked={"lib.c": "the token budget ran out for 1 finding"},
    )
    (cppcheck,) = c_analyzers(["cppcheck"])

    coverage = engine_coverage(
        SourceResult(units=[APP, LIB]), [BanditEngine(), cppcheck], [EngineResult(), EngineResult()], checked
    )

    app, lib = coverage.units
    assert app.reviewed_by == ["bandit", "verify"] and app.notes == ["verify: CWE-78 at line 2 confirmed"]
    assert lib.reviewed_by == ["cppcheck"] and lib.skipped_by == {}
    assert lib.notes == ["verify: the token budget ran out for 1 finding (they are reported as found)"]
    assert coverage.complete
