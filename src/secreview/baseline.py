"""Baselines: the findings a project has accepted for now, recorded by fingerprint so that only new ones are reported.

Fingerprints are content-based (secreview.aggregate: the file, the weakness, the flagged code and its occurrence
number), so a baselined finding stays known when lines above it move; the line kept in the file is informational.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from secreview.config import ConfigError
from secreview.models import BaselineUse, Finding, Review

BASELINE_FORMAT = 1


class BaselineEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fingerprint: str = Field(min_length=1)
    path: str
    cwe: int | None
    title: str
    line: int = Field(ge=1, description="Where the finding was when the baseline was made; not used to match.")


class BaselineFile(BaseModel):
    """The file `secreview baseline create` writes."""

    model_config = ConfigDict(extra="forbid")

    format: int = Field(description="The baseline format version; a reader refuses versions it does not know.")
    tool_version: str = Field(description="The secreview version that wrote it.")
    findings: list[BaselineEntry]


def render(review: Review) -> str:
    """The baseline of a review's reported findings, as JSON text."""
    entries = [
        BaselineEntry(fingerprint=f.fingerprint, path=f.path, cwe=f.cwe, title=f.title, line=f.start_line)
        for f in review.findings
    ]
    document = BaselineFile(format=BASELINE_FORMAT, tool_version=review.tool_version, findings=entries)
    return document.model_dump_json(indent=2) + "\n"


@dataclass(frozen=True)
class Baseline:
    path: Path
    fingerprints: frozenset[str]


def load(path: Path) -> Baseline:
    """The fingerprints a baseline file lists; ConfigError naming the file when it is missing or malformed, since
    a baseline that silently failed to load would report every accepted finding (or, worse, hide a typo)."""
    try:
        document = BaselineFile.model_validate_json(path.read_bytes())
    except OSError as error:
        raise ConfigError(f"cannot read the baseline {path}: {error.strerror or error}") from None
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        detail = f"{where}: {problem['msg']}" if where else problem["msg"]
        raise ConfigError(f"the baseline {path} is not a secreview baseline ({detail})") from None
    if document.format != BASELINE_FORMAT:
        raise ConfigError(f"the baseline {path} has format {document.format}; this secreview reads {BASELINE_FORMAT}")
    return Baseline(path, frozenset(entry.fingerprint for entry in document.findings))


def apply(findings: list[Finding], baseline: Baseline) -> tuple[list[Finding], BaselineUse]:
    """The findings the baseline does not list, and what it left out."""
    new = [finding for finding in findings if finding.fingerprint not in baseline.fingerprints]
    use = BaselineUse(path=str(baseline.path), known=len(findings) - len(new), fingerprints=len(baseline.fingerprints))
    return new, use
