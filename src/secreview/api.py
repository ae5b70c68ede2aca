"""The library entry point: `run_review` does what `secreview review` does, without printing.

from secreview.api import ReviewRequest, run_review
from secreview.config import load_settings
review = run_review(ReviewRequest(paths=["src/"]), load_settings(Path.cwd()))
"""

from __future__ import annotations

import atexit
import signal
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path, PurePath

from secreview import aggregate, baseline, suppression
from secreview.backends import model_store
from secreview.backends.cached import CachedBackend, backend_identity
from secreview.backends.call_log import CallLog
from secreview.backends.embedded import EmbeddedBackend
from secreview.backends.interface import ChatBackend
from secreview.backends.openai_http import OpenAICompatibleBackend
from secreview.backends.redacting import RedactingBackend
from secreview.config import ConfigError, Settings
from secreview.coverage import add_notes, engine_coverage, note_judged, note_left_out, reviews_coverage
from secreview.engines.bandit import BanditEngine
from secreview.engines.budget import TokenBudget
from secreview.engines.c_analyzers import c_analyzers
from secreview.engines.cached import CachedEngine
from secreview.engines.flows import FlowEngine
from secreview.engines.interface import (
    NO_SURROUNDINGS,
    CacheableEngine,
    Engine,
    EngineResult,
    EngineUnavailableError,
    ReadsSurroundings,
    Surroundings,
    stop_on_ctrl_c,
    wait_all,
)
from secreview.engines.llm import LLMEngine
from secreview.engines.semgrep import SemgrepEngine
from secreview.fixes.interface import Recheck, Rechecked, RecheckError
from secreview.fixes.model import ModelProposer
from secreview.fixes.stage import fix_findings
from secreview.llm.freetext import parse_review
from secreview.models import CodeUnit, Coverage, EngineInfo, Finding, ModelCall, Review, Voting
from secreview.progress import ProgressCallback, ProgressEvent
from secreview.rule_selection import bandit_skipped, user_rule_paths, without_disabled
from secreview.sources.context import PythonAround
from secreview.sources.gitdiff import GitDiffSource, StagedSource, git_toplevel
from secreview.sources.interface import Source
from secreview.sources.languages import all_languages
from secreview.sources.patch import PatchSource
from secreview.sources.paths import PathSource
from secreview.verification.interface import STAGE, VerificationResult, Verifier
from secreview.verification.model_check import ModelVerifier


class ReviewInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped the review: `review` is what was finished, the other units skipped as "interrupted" (so
    it is incomplete). A KeyboardInterrupt: a caller that does not look for it stops as on any Ctrl-C."""

    def __init__(self, review: Review) -> None:
        super().__init__("the review was interrupted")
        self.review = review


@dataclass
class ReviewRequest:
    """What to review: paths, or the changes of a git revision range, or the staged changes (what the next
    commit would add), or a patch (text and its name)."""

    paths: list[str] = field(default_factory=list)
    diff: str | None = None
    staged: bool = False
    patch_text: str | None = None
    patch_label: str = "-"
    # Read for context only (the project's helper modules: their wrappers make calls in the reviewed files sinks):
    # None, the Python files of the git work tree the review is in; [] none.
    context: list[str] | None = None
    separate: bool = False  # the files named are separate programs (a benchmark's cases), not parts of one

    def describe(self) -> str:
        if self.diff is not None:
            return f"changes in {self.diff}"
        if self.staged:
            return "staged changes"
        if self.patch_text is not None:
            return f"patch {self.patch_label}"
        return " ".join(self.paths)


def open_backend(settings: Settings, log: CallLog | None = None) -> ChatBackend:
    """A remote endpoint when one is configured, else the embedded local model (no network, no key);
    with the `cache` setting (the default), answered from the call log (`log`, else the default one) when
    it already has the answer.
    With the `redact` setting (the default), secrets are taken out of what goes to a remote endpoint, before
    the call log sees it, so the log holds what was sent."""
    backend: ChatBackend
    if settings.base_url:
        backend = OpenAICompatibleBackend(
            settings.base_url,
            settings.model or "default",
            api_key=settings.api_key,
            timeout_s=settings.request_timeout,
            max_retries=settings.retries,
            max_concurrency=settings.jobs,
            rate_limit=settings.rate_limit,
        )
    else:
        name = settings.model or model_store.DEFAULT_MODEL
        try:
            path = model_store.resolve(name)
        except model_store.ModelStoreError as error:
            raise ConfigError(f"{error} (or review without a model: --engine static)") from None
        backend = EmbeddedBackend(
            path,
            name,
            context_tokens=settings.context_tokens,
            parallel=settings.jobs,  # one llama.cpp slot per job, each with the whole context
            threads=settings.threads,
            rate_limit=settings.rate_limit,
            timeout_s=settings.request_timeout,
            max_retries=settings.retries,
        )
    if settings.cache:
        backend = CachedBackend(backend, log or CallLog())
    return RedactingBackend(backend) if settings.base_url and settings.redact else backend


@dataclass
class Pipeline:
    """The stages a review runs: the engines, and the verifier that checks the static engines' findings."""

    engines: list[Engine]
    verifier: Verifier | None = None
    budget: TokenBudget = field(default_factory=TokenBudget)  # the model stages' tokens, per review
    model: ChatBackend | None = None  # the model the stages ask (it also writes the fixes); None: no model


def static_engines(settings: Settings) -> list[CacheableEngine]:
    """The settings' analyzers: Bandit, Semgrep with secreview's and the user's rules, the C analyzers."""
    return [
        BanditEngine(skipped_tests=bandit_skipped(settings.bandit_skip, settings.enable, settings.disable)),
        SemgrepEngine(
            max_target_bytes=settings.max_file_size,
            timeout_s=settings.semgrep_timeout,
            extra_rules=user_rule_paths(settings.rules),
        ),
        *c_analyzers(settings.c_analyzers, settings.analyzer_timeout, settings.analyzer_memory_mb),
    ]


@contextmanager
def open_engines(settings: Settings, progress: ProgressCallback | None = None) -> Iterator[Pipeline]:
    """The stages of the settings. Static (Bandit, Semgrep, the C analyzers, the
    Python flow candidates) for `static` and `hybrid`; with a model
    (`hybrid`, `verify` on) a verifier that checks each static finding; the model's own open-ended review for `llm`,
    and for `hybrid` with `deep` (the default with a remote `base-url`), getting the static findings as hints. With the
    `cache` setting, static results and model answers are reused from one call log (one warning if it cannot be
    used). Backends and the log are closed afterwards; after Ctrl-C the model only at exit (see _close_model). The
    model engine tells `progress` of each file it finishes."""
    engines: list[Engine] = []
    verifier: Verifier | None = None
    backend: ChatBackend | None = None
    budget = TokenBudget(settings.max_tokens_total, settings.max_tokens_unit)  # shared by every model stage
    with ExitStack() as stack:
        log = CallLog() if settings.cache else None
        if log is not None:
            stack.callback(log.close)
        if settings.engine in ("static", "hybrid"):
            static = static_engines(settings)
            engines += [CachedEngine(engine, log) for engine in static] if log is not None else static
            engines.append(FlowEngine(log))  # caches its two passes itself (its results span files)
        open_ended = settings.engine == "llm" or (settings.engine == "hybrid" and settings.open_ended_review)
        checks = settings.engine == "hybrid" and settings.verify
        if open_ended or checks or (settings.engine == "hybrid" and settings.fixes_on):
            backend = open_backend(settings, log)
            stack.enter_context(_close_model(backend))
            if checks:
                identity = backend.identity if isinstance(backend, CachedBackend) else backend_identity(backend)
                verifier = ModelVerifier(
                    backend,
                    identity,
                    threshold=settings.verify_threshold,
                    jobs=settings.jobs,
                    seed=settings.seed,
                    budget=budget,
                )
            if open_ended:
                engines.append(
                    LLMEngine(
                        backend,
                        settings.strategy,
                        settings.context_tokens,
                        settings.answer_tokens,
                        temperature=settings.sampling_temperature,
                        seed=settings.seed,
                        samples=settings.samples,
                        route=settings.route == "security",
                        jobs=settings.jobs,
                        budget=budget,
                        progress=progress,
                    )
                )
        yield Pipeline(engines, verifier, budget, backend)


@contextmanager
def _close_model(backend: ChatBackend) -> Iterator[None]:
    """Close the backend afterwards; after Ctrl-C only when the process exits. The embedded llama.cpp server
    stops once it has finished the batch of prompt tokens it is computing (half a minute on 2 cores), and the
    report of what was finished should not wait for that; a second Ctrl-C ends it at once."""
    try:
        yield
    except KeyboardInterrupt:
        atexit.register(backend.close)
        raise
    except BaseException:
        backend.close()
        raise
    backend.close()


def review_root(start: Path) -> Path:
    """Paths in reports are relative to the git work tree containing start, else to start itself."""
    return git_toplevel(start) or start.resolve()


def _source(request: ReviewRequest, settings: Settings, root: Path, languages: frozenset[str]) -> Source:
    if request.diff is not None:
        return GitDiffSource(request.diff, root, languages, settings.max_file_size)
    if request.staged:
        return StagedSource(root, languages, settings.max_file_size)
    if request.patch_text is not None:
        return PatchSource(request.patch_text, request.patch_label, root, languages, settings.max_file_size)
    return PathSource(request.paths, root, languages, settings.max_file_size, settings.exclude)


def collect_units(request: ReviewRequest, settings: Settings, start: Path | None = None) -> list[CodeUnit]:
    """The code units `request` names, as a review would read them (for `secreview fix`, before it reviews)."""
    return _source(request, settings, review_root(start or Path.cwd()), all_languages()).collect().units


def _surroundings(request: ReviewRequest, settings: Settings, root: Path, units: Sequence[CodeUnit]) -> Surroundings:
    """The files around the review: those named, or those of the work tree an engine asks for (ReadsSurroundings).
    TargetError when a named one does not exist."""
    if request.context is None and all(PurePath(unit.path).is_absolute() for unit in units):
        return Surroundings(separate=request.separate)  # files from elsewhere: the root's repository is not theirs
    around = PythonAround(request.context, root, units, settings.max_file_size, settings.exclude)
    return Surroundings(around.defining, request.separate)


def _run_engine(
    engine: Engine,
    units: Sequence[CodeUnit],
    hints: Mapping[str, list[Finding]],
    progress: ProgressCallback | None = None,
    surroundings: Surroundings = NO_SURROUNDINGS,
) -> EngineResult:
    """One engine on the units of its languages; `progress` hears when it starts and when it is done."""
    mine = [unit for unit in units if unit.language in engine.languages]
    if not mine:
        return EngineResult()
    if progress is not None:
        progress(ProgressEvent(engine.name, 0, len(mine)))
    try:
        if isinstance(engine, ReadsSurroundings):
            return engine.review(mine, None, surroundings)
        return engine.review(mine, hints if engine.wants_hints else None)
    except EngineUnavailableError as error:
        return EngineResult(skipped=dict.fromkeys((unit.id for unit in mine), str(error)))
    finally:
        if progress is not None:
            progress(ProgressEvent(engine.name, len(mine), len(mine)))


@dataclass
class _Run:
    """What the engines and the verifier returned: the engines' results (in the order of the engines), the static
    findings judged once and checked by the model, and the model engines' own findings."""

    results: list[EngineResult]
    static: list[Finding]
    checked: VerificationResult | None
    model_findings: list[Finding]  # raw, from the engines that took hints (the model's open-ended review)


def _run_stages(
    pipeline: Pipeline,
    units: Sequence[CodeUnit],
    progress: ProgressCallback | None,
    disable: Sequence[str],
    surroundings: Surroundings,
) -> _Run:
    """Engines without hints run side by side (they are subprocesses); their findings (not those of `disable`d
    rules) are judged into one per defect and checked by the verifier; then the engines that take those as hints
    run. Ctrl-C stops every engine and the verifier (stop()): the results hold what was finished."""
    engines = pipeline.engines
    first = [i for i, engine in enumerate(engines) if not engine.wants_hints]
    with ThreadPoolExecutor(max_workers=max(len(first), 1)) as pool:
        futures = {i: pool.submit(_run_engine, engines[i], units, {}, progress, surroundings) for i in first}
        with stop_on_ctrl_c(*engines):
            wait_all(futures.values())
        results = {i: future.result() for i, future in futures.items()}
    # One finding per defect, whichever engines found it: what the verifier checks and the hints show.
    by_path = {u.path: u for u in units}
    raw = without_disabled((f for result in results.values() for f in result.findings), disable)
    judged = aggregate.judge_votes(raw, by_path)
    static = judged.findings + judged.candidates  # the candidates are what the checks are most for
    checked = None
    if pipeline.verifier is not None and static and not any(r.interrupted for r in results.values()):
        checked = pipeline.verifier.verify(static, by_path)
        static = checked.findings
    hints: dict[str, list[Finding]] = defaultdict(list)
    for finding in static:
        hints[finding.path].append(finding)
    model_findings = []
    for i, engine in enumerate(engines):
        if engine.wants_hints:
            results[i] = _run_engine(engine, units, hints, progress)
            model_findings += without_disabled(results[i].findings, disable)
    # what concerns a test alone is not for the model to check: judged again as fixtures with the rest
    return _Run([results[i] for i in range(len(engines))], static + judged.fixtures, checked, model_findings)


@contextmanager
def _second_ctrl_c_exits() -> Iterator[None]:
    """While the engines run, the first Ctrl-C stops them (a KeyboardInterrupt that they catch, so a partial
    report can be written); from then on, a second one ends the process at once, as SIGINT does by default
    (also while the report is written or the model stops). Only where Python's own handler is in place (the
    main thread, no handler of the caller's)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return

    def first(signum: int, frame: object) -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, first)
    try:
        yield
    finally:
        if signal.getsignal(signal.SIGINT) is first:  # no Ctrl-C: Python's handler again
            signal.signal(signal.SIGINT, signal.default_int_handler)


def run_review(
    request: ReviewRequest,
    settings: Settings,
    start: Path | None = None,
    pipeline: Pipeline | None = None,
    progress: ProgressCallback | None = None,
) -> Review:
    """Review what `request` names. Pass `pipeline` (from open_engines) to review many targets on one loaded
    model; by default the stages of `settings` are opened for this review and closed after it.

    With `samples` N, the model answers each window N times and the findings are put to the vote (see
    secreview.aggregate): those fewer than `min-support` samples reported, and no static engine, are left out
    (each named in the coverage notes).

    Ctrl-C stops the engines: ReviewInterrupted then carries the review of what was finished (see there).
    `progress` hears how far each engine is (secreview.progress); TargetError (before any engine runs) when what
    the request names does not exist."""
    if pipeline is None:
        with open_engines(settings, progress) as opened:
            return run_review(request, settings, start, opened, progress)
    engines = pipeline.engines
    pipeline.budget.reset()
    voting = None
    if any(engine.wants_hints for engine in engines):
        voting = Voting(
            source="model",
            samples=settings.samples,
            min_support=settings.required_support(settings.samples),
            temperature=settings.sampling_temperature,
            seed=settings.seed,
        )
    began, started_at = time.perf_counter(), utc_now()
    accepted = baseline.load(settings.baseline) if settings.baseline is not None else None
    root = review_root(start or Path.cwd())
    languages = frozenset().union(*(engine.languages for engine in engines))
    collected = _source(request, settings, root, languages).collect()
    surroundings = _surroundings(request, settings, root, collected.units)
    with _second_ctrl_c_exits():
        run = _run_stages(pipeline, collected.units, progress, settings.disable, surroundings)
    results = run.results
    engine_info = [EngineInfo(name=engine.name, version=engine.version()) for engine in engines]
    if run.checked is not None:
        engine_info.append(EngineInfo(name=STAGE, version=metadata.version("secreview")))
    coverage = engine_coverage(collected, engines, results, run.checked)
    units = {u.path: u for u in collected.units}
    judged = aggregate.judge_votes(
        [*run.static, *run.model_findings],  # the static findings as judged and checked once; the model's raw
        units,
        _samples_drawn(collected.units, results),
        voting.min_support if voting else 1,
        confirm=settings.model_findings == "confirmed",
    )
    findings, unconfirmed = judged.findings, judged.unconfirmed + judged.fixtures
    note_judged(coverage, judged, voting.min_support if voting else 1)
    suppressed: list[Finding] = []
    lists = [findings, unconfirmed, judged.likely_false_alarms, judged.candidates]
    if settings.suppress:  # every list: a comment that accepts a weakness there silences a model's doubt too
        notes: dict[str, list[str]] = defaultdict(list)
        for index, listed in enumerate(lists):
            lists[index], quieted, more_notes = suppression.apply_suppressions(listed, units)
            suppressed += quieted
            for path, texts in more_notes.items():
                notes[path] += texts
        add_notes(coverage, notes)
    findings, unconfirmed, demoted, candidates = lists
    baseline_use = None
    if accepted is not None:
        findings, baseline_use = baseline.apply(findings, accepted)
    calls = [call for result in results for call in result.calls] + (run.checked.calls if run.checked else [])
    interrupted = any(result.interrupted for result in results) or (run.checked is not None and run.checked.interrupted)
    if settings.fixes_on and pipeline.model is not None and not interrupted:
        findings = _fix(findings, units, pipeline, settings, calls, coverage)
    review = Review(
        tool_version=metadata.version("secreview"),
        target=request.describe(),
        commit_message=collected.commit_message,
        engines=engine_info,
        findings=findings,
        observations=unconfirmed,
        likely_false_alarms=demoted,
        candidates=candidates,
        verdict=aggregate.verdict(findings, coverage.complete, len(candidates)),
        complete=coverage.complete,
        coverage=coverage,
        model_calls=calls,
        voting=voting,
        suppressed=suppressed,
        baseline=baseline_use,
        started_at=started_at,
        duration_s=round(time.perf_counter() - began, 3),
    )
    if interrupted:
        raise ReviewInterrupted(review)
    return review


def _fix(
    findings: list[Finding],
    units: Mapping[str, CodeUnit],
    pipeline: Pipeline,
    settings: Settings,
    calls: list[ModelCall],
    coverage: Coverage,
) -> list[Finding]:
    """Fixes for the reported findings (secreview.fixes), by the review's model, within what is left of the token
    budget; what was tried goes to the coverage notes and the calls to `calls`."""
    if pipeline.model is None or not findings:
        return findings
    proposer = ModelProposer(pipeline.model, pipeline.budget, settings.answer_tokens)
    outcome = fix_findings(findings, units, proposer, static_recheck(pipeline.engines, settings))
    calls += proposer.calls
    add_notes(coverage, outcome.notes)
    return outcome.findings


def static_recheck(engines: Sequence[Engine], settings: Settings) -> Recheck:
    """The static engines run again on several units at once, each judged as a review judges it: how fixes are
    verified. The review's own static engines (cached, so a file as it is costs nothing), else those of the
    settings."""
    static: Sequence[Engine] = [engine for engine in engines if not engine.wants_hints]
    if not static:
        static = static_engines(settings)

    def run(engine: Engine, units: list[CodeUnit]) -> EngineResult:
        try:
            return engine.review(units)
        except EngineUnavailableError as error:
            raise RecheckError(f"{engine.name} cannot run: {error}") from None

    def recheck(units: Sequence[CodeUnit]) -> list[Rechecked]:
        """Each engine once over all the units, side by side, as a review runs them. Versions of one file are
        given paths of their own (engines write what they read under its path); findings get the file's back
        before they are judged."""
        apart = [
            unit.model_copy(update={"id": f"{i}:{unit.id}", "path": f"{i}/{unit.path}"}) for i, unit in enumerate(units)
        ]
        wanted = [(engine, [unit for unit in apart if unit.language in engine.languages]) for engine in static]
        wanted = [(engine, mine) for engine, mine in wanted if mine]
        with ThreadPoolExecutor(max_workers=max(len(wanted), 1)) as pool:
            futures = [pool.submit(run, engine, mine) for engine, mine in wanted]
            try:
                wait_all(futures)
            except KeyboardInterrupt:  # the fix stage reports what it verified so far; the tools end now
                for engine, _ in wanted:
                    engine.stop()
                raise
        results = [(engine, future.result()) for (engine, _), future in zip(wanted, futures, strict=True)]
        out = []
        for unit, original in zip(apart, units, strict=True):
            skipped = [f"{e.name} could not check it: {r.skipped[unit.id]}" for e, r in results if unit.id in r.skipped]
            mine = [
                finding.model_copy(update={"path": original.path})
                for _, result in results
                for finding in result.findings
                if finding.path == unit.path
            ]
            out.append(Rechecked(aggregate.judge(mine, {original.path: original}), skipped[0] if skipped else None))
        return out

    return recheck


def utc_now() -> str:
    """Now in UTC, ISO 8601 to the second (e.g. 2026-11-22T05:30:00), as reports and CI formats want it."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def _samples_drawn(units: Sequence[CodeUnit], results: list[EngineResult]) -> dict[str, int]:
    """Path -> how many samples the sampled engines drew over each window of it."""
    paths = {unit.id: unit.path for unit in units}
    drawn: dict[str, int] = defaultdict(int)
    for result in results:
        for unit_id, samples in result.samples.items():
            drawn[paths[unit_id]] += samples
    return dict(drawn)


def parse_reviews(reviews: Sequence[tuple[str, str]], code_path: Path, settings: Settings) -> Review:
    """Read free-text reviews (name, text) of one file into one Review: findings every review asserts are
    grounded in the code and merged across reviews, each review kept as evidence of what it said.

    The reviews are reconciled like model samples (review i is sample i): each finding and observation gets
    its support (k of N reviews), and `min-support` applies; here it defaults to 1 (every review's word is
    shown, with how many reviews agree), since reading what the reviews say is the point."""
    began, started_at = time.perf_counter(), utc_now()
    root = review_root(code_path.parent)
    collected = PathSource([str(code_path)], root, all_languages(), settings.max_file_size).collect()
    if not collected.units:
        reason = collected.skipped[0].reason if collected.skipped else "nothing to read"
        raise ConfigError(f"cannot read the reviewed code {code_path}: {reason}")
    (unit,) = collected.units
    voting = Voting(source="reviews", samples=len(reviews), min_support=settings.required_support(len(reviews), 1))
    parsed = [
        parse_review(text, unit, engine=name, rule_id="review", sample=index)
        for index, (name, text) in enumerate(reviews)
    ]
    units, drawn = {unit.path: unit}, {unit.path: len(reviews)}
    findings, left_out, unplaced, _, _, fixtures = aggregate.judge_votes(
        (f for p in parsed for f in p.findings), units, drawn, voting.min_support
    )
    observations, left_out_observations, unplaced_observations, *_ = aggregate.judge_votes(
        (f for p in parsed for f in p.observations), units, drawn, voting.min_support
    )
    observations += unplaced + unplaced_observations + fixtures
    coverage = reviews_coverage(unit, [name for name, _ in reviews], parsed)
    note_left_out(coverage, left_out + left_out_observations, voting.min_support, "reviews")
    return Review(
        tool_version=metadata.version("secreview"),
        target=f"{len(reviews)} review(s) of {unit.path}",
        findings=findings,
        observations=observations,
        verdict=aggregate.verdict(findings, complete=True),
        complete=True,
        coverage=coverage,
        voting=voting,
        started_at=started_at,
        duration_s=round(time.perf_counter() - began, 3),
    )
