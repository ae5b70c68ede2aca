"""Settings: `[tool.secreview]` in pyproject.toml, then SECREVIEW_* environment variables, then the CLI."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from secreview.engines.bandit import DEFAULT_SKIPPED_TESTS
from secreview.models import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

ENV_PREFIX = "SECREVIEW_"
SAMPLING_TEMPERATURE = 0.7  # the default with more than one sample


CAnalyzer = Literal["cppcheck", "clang-tidy", "gcc-analyzer", "gcc-warnings"]


class ConfigError(Exception):
    """A setting is unknown or invalid; str(error) names the setting and where it came from."""


class Settings(BaseModel):
    """Every setting, its default and its description; `secreview init` writes them all from here, so a
    setting whose default is None needs `examples` (the value shown for it)."""

    model_config = ConfigDict(extra="forbid")

    engine: Literal["static", "llm", "hybrid"] = Field(
        default="hybrid",
        description="static: Bandit and Semgrep; llm: the model; hybrid: both, static findings as the model's hints.",
    )
    format: Literal["md", "json", "sarif", "github", "gitlab", "review-comments", "html"] = Field(
        default="md", description="The report's format."
    )
    output: Path | None = Field(
        default=None, examples=["secreview.sarif"], description="Write the report to this file; unset: stdout."
    )
    fail_on: Severity = Field(default=Severity.high, description="Exit 1 on a finding of this severity or higher.")
    max_file_size: int = Field(default=2_000_000, gt=0, description="Bytes; larger files are skipped.")
    exclude: list[str] = Field(default_factory=list, description="gitignore-style patterns to leave out.")
    bandit_skip: list[str] = Field(
        default_factory=lambda: list(DEFAULT_SKIPPED_TESTS), description="Bandit test ids to leave out."
    )
    semgrep_timeout: int = Field(
        default=30, gt=0, description="Seconds per rule and file (a file past it is read again with 4 times as long)."
    )
    c_analyzers: list[CAnalyzer] = Field(
        default_factory=lambda: list(get_args(CAnalyzer)),
        description="The C and C++ analyzers the static engine runs (gcc-analyzer needs gcc 10+, gcc-warnings 12+).",
    )
    analyzer_timeout: int = Field(
        default=120, gt=0, description="Seconds a C analyzer may take on a file; past it the file is reported unread."
    )
    analyzer_memory_mb: int | None = Field(
        default=None,
        ge=0,
        examples=[2048],
        description="Memory (MB) a C analyzer may take on a file; past it the file is reported unread by it. "
        "Unset: a quarter of this machine's memory; 0: no limit.",
    )
    strategy: Literal["structured", "basic", "commit", "cwe-list", "cot"] = Field(
        default="structured", description="How the model is asked: the project's JSON schema, or a published prompt."
    )
    model: str | None = Field(
        default=None,
        examples=["qwen2.5-coder-1.5b"],
        description="Local model name or GGUF path; the remote model id.",
    )
    base_url: str | None = Field(
        default=None,
        examples=["http://localhost:8080/v1"],
        description="OpenAI-compatible endpoint; unset: embedded model.",
    )
    api_key: str | None = Field(
        default=None,
        repr=False,
        examples=["sk-..."],
        description="The endpoint's key; better kept out of files: OPENAI_API_KEY or SECREVIEW_API_KEY.",
    )
    context_tokens: int = Field(
        default=8192, ge=1024, description="The model's context window; larger files are split on definitions."
    )
    answer_tokens: int = Field(default=1024, ge=64, description="The most tokens the model may write per answer.")
    temperature: float | None = Field(
        default=None,
        ge=0.0,
        le=2.0,
        examples=[0.7],
        description="None: 0.0 for one sample, 0.7 for several; a value wins.",
    )
    seed: int = Field(default=0, description="The seed of sample 0; sample i uses seed + i.")
    samples: int = Field(default=1, ge=1, le=50, description="Model answers per window, reconciled by vote.")
    min_support: int | None = Field(
        default=None,
        ge=1,
        examples=[2],
        description="Samples that must report a finding (static findings are always kept); None: more than half.",
    )
    threads: int | None = Field(
        default=None,
        ge=1,
        examples=[2],
        description="CPU threads for the embedded model (default: the cores idle when it starts).",
    )
    route: Literal["security", "all"] = Field(
        default="security",
        description="security: the model reviews only the functions that read input, call a dangerous sink, carry a "
        "static finding or (diff mode) changed (secreview.llm.routing); all: every file whole.",
    )
    cache: bool = Field(
        default=True,
        description="Log every model call in the call log and answer a repeated one from it, and keep the Bandit and "
        "Semgrep results per file there for unchanged files; false: neither.",
    )
    redact: bool = Field(
        default=True,
        description="Replace secrets (keys, tokens, passwords) by placeholders in what is sent to a remote endpoint "
        "(base-url); the embedded model needs none. False: send the code as it is.",
    )
    jobs: int = Field(
        default=1,
        ge=1,
        description="Units (files) the model reviews at once; the embedded model gets as many llama.cpp slots.",
    )
    rate_limit: float | None = Field(
        default=None,
        gt=0,
        examples=[5.0],
        description="Requests per second to the model, shared by all jobs; None: no limit.",
    )
    request_timeout: float = Field(
        default=300.0,
        gt=0,
        description="Seconds to wait for the model's answer to one request; then it has failed (and is retried).",
    )
    retries: int = Field(
        default=4,
        ge=0,
        description="Times a failed model request (timeout, lost connection, 429, 5xx, an answer that is not JSON) is "
        "sent again, with exponential backoff or as Retry-After says; then its file is reported as not reviewed.",
    )
    model_findings: Literal["confirmed", "all"] = Field(
        default="confirmed",
        description="confirmed: a defect only the model reports needs a dangerous sink of its kind on its lines or a "
        "second agreeing sample, else it is listed as an observation; all: every model finding is a defect.",
    )
    max_tokens_total: int | None = Field(
        default=None,
        ge=1,
        examples=[200_000],
        description="Model tokens (prompt + answer) for the whole review; None: unlimited.",
    )
    max_tokens_unit: int | None = Field(
        default=None,
        ge=1,
        examples=[20_000],
        description="Model tokens (prompt + answer) per unit (file); None: unlimited.",
    )
    suppress: bool = Field(
        default=True,
        description="Honour suppression comments (secreview.suppression); false: report everything (an audit).",
    )
    baseline: Path | None = Field(
        default=None,
        examples=["secreview-baseline.json"],
        description="A baseline file (secreview baseline create): the findings it lists are not reported.",
    )
    rules: list[str] = Field(
        default_factory=list,
        description="Your own Semgrep rule files or folders (local paths only; no registry ids or URLs), run beside "
        "secreview's rules. A rule's metadata may give cwe, title, severity, confidence and solution.",
    )
    enable: list[str] = Field(
        default_factory=list,
        description="Rule ids to run although they are off by default (see bandit-skip), e.g. B607.",
    )
    disable: list[str] = Field(
        default_factory=list,
        description="Rule ids whose findings are not reported, of any engine: Bandit test ids (B311) or names, "
        "Semgrep rule ids (python-weak-hash, or your own).",
    )
    exit_zero: bool = Field(
        default=False,
        description="Exit 0 even with findings at or above fail-on (report-only CI jobs); an incomplete review "
        "still exits 3.",
    )
    verify: bool = Field(
        default=True,
        description="With the hybrid engine, the model checks each static finding and candidate (two yes/no questions, "
        "a calibrated probability); unlikely ones are listed as likely false alarms, never deleted. False: no checks.",
    )
    verify_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        examples=[0.3],
        description="Checked findings below this probability are likely false alarms; None: the model's calibrated "
        "threshold, else 0.5.",
    )
    deep: bool | None = Field(
        default=None,
        examples=[True],
        description="With the hybrid engine, the model also reviews the code open-ended (finds what rules cannot, "
        "costs minutes per file on a laptop CPU); None: on with a remote base-url, off with the embedded model.",
    )

    fix: bool | None = Field(
        default=None,
        examples=[False],
        description="Ask the model to fix each reported defect; show the fixes the analyzers verify (secreview.fixes). "
        "None: on whenever a model reviews (engine hybrid or llm).",
    )

    @property
    def open_ended_review(self) -> bool:
        """Whether the hybrid engine's model reviews the code open-ended besides checking the static findings."""
        return self.deep if self.deep is not None else self.base_url is not None

    @property
    def sampling_temperature(self) -> float:
        """The temperature as set, else 0.0 for one sample and 0.7 for several (identical samples tell nothing)."""
        if self.temperature is not None:
            return self.temperature
        return 0.0 if self.samples == 1 else SAMPLING_TEMPERATURE

    @property
    def fixes_on(self) -> bool:
        """The `fix` setting as set, else on when a model is in use."""
        return self.fix if self.fix is not None else self.engine != "static"

    def required_support(self, samples: int, default: int | None = None) -> int:
        """The min-support for `samples` samples: the setting, else `default`, else more than half of them."""
        wanted = self.min_support or default or samples // 2 + 1
        if wanted > samples:
            raise ConfigError(f"invalid setting min-support: {wanted} is more than the {samples} sample(s) to vote")
        return wanted


_LIST_FIELDS = {name for name, info in Settings.model_fields.items() if "list" in str(info.annotation)}


def find_pyproject(start: Path) -> Path | None:
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def secreview_table(path: Path) -> dict[str, Any] | None:
    """The `[tool.secreview]` table of a pyproject.toml file, None when it has none."""
    try:
        table: dict[str, Any] | None = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("secreview")
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from None
    return table


def _from_pyproject(start: Path) -> tuple[dict[str, Any], str]:
    path = find_pyproject(start)
    if path is None:
        return {}, ""
    table = secreview_table(path) or {}
    return {key.replace("-", "_"): value for key, value in table.items()}, f"[tool.secreview] in {path}"


# The OpenAI client convention, below SECREVIEW_* so a project can still override it.
_OPENAI_ENVIRONMENT = {"OPENAI_BASE_URL": "base_url", "OPENAI_API_KEY": "api_key"}


def _from_environment(environ: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {field: environ[name] for name, field in _OPENAI_ENVIRONMENT.items() if environ.get(name)}
    for name in Settings.model_fields:
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name] = [item.strip() for item in raw.split(",") if item.strip()] if name in _LIST_FIELDS else raw
    return values


def load_settings(start: Path, cli: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Merge the three layers, later ones winning; CLI values of None mean 'not given'."""
    project, where = _from_pyproject(start)
    layers = [
        (project, where),
        (_from_environment(dict(os.environ) if environ is None else environ), "the environment"),
        ({key: value for key, value in (cli or {}).items() if value is not None}, "the command line"),
    ]
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for values, source in layers:
        merged.update(values)
        origin.update(dict.fromkeys(values, source))
    try:
        return Settings.model_validate(merged)
    except ValidationError as error:
        problem = error.errors()[0]
        key = str(problem["loc"][0]) if problem["loc"] else "?"
        shown = key.replace("_", "-")
        raise ConfigError(f"invalid setting {shown} (from {origin.get(key, '?')}): {problem['msg']}") from None
