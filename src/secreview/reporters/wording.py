"""The words and links every report format shares, so a finding reads the same in each of them."""

from __future__ import annotations

from secreview.models import Finding, Review, Severity, UnitCoverage, Voting

SEVERITY_NAME = {severity: severity.value.capitalize() for severity in Severity}
"""Critical, High, Medium, Low, Info: also the exact values GitLab's report schema accepts."""


def cwe_url(cwe: int) -> str:
    return f"https://cwe.mitre.org/data/definitions/{cwe}.html"


def cwe_label(finding: Finding) -> str:
    if finding.cwe is None:
        return "CWE not determined"
    return f"CWE-{finding.cwe} ({finding.cwe_name})"


def line_label(finding: Finding) -> str:
    if finding.start_line == finding.end_line:
        return f"Line {finding.start_line}"
    return f"Lines {finding.start_line}-{finding.end_line}"


def sample_noun(voting: Voting | None) -> str:
    """What was sampled: model answers ('samples') or the reviews `secreview parse` read."""
    return "reviews" if voting is not None and voting.source == "reviews" else "samples"


def agreement(finding: Finding, noun: str) -> str:
    """'2 of 3 samples' when there were several samples to agree; '' otherwise."""
    return f"{finding.support} of {finding.samples} {noun}" if finding.samples > 1 else ""


def agreed_by(finding: Finding, voting: Voting | None) -> str:
    """The agreement as a clause for plain-text formats: 'agreed by 2 of 3 samples', or ''."""
    counts = agreement(finding, sample_noun(voting))
    return f"agreed by {counts}" if counts else ""


def voting_sentence(voting: Voting | None) -> str:
    """What the agreement counts mean, when there was more than one sample to agree ('' otherwise)."""
    if voting is None or voting.samples < 2:
        return ""
    if voting.source == "reviews":
        return f"{voting.samples} reviews reconciled: a finding is shown when at least {voting.min_support} state it."
    return (
        f"The model answered each part of the code {voting.samples} times; a finding is reported when at least "
        f"{voting.min_support} of the samples agree, or static analysis backs it."
    )


def model_check(finding: Finding) -> str:
    """'model: 0.83 likely real' (with how it was read when not calibrated logprobs), or '' when unchecked."""
    check = finding.verification
    if check is None:
        return ""
    verdict = "" if not check.demotes else " likely real" if check.likely_real else " likely false alarm"
    how = [] if check.calibrated else ["uncalibrated"]
    if check.method == "vote":
        how.append("share of sampled yes/no answers")
    if not check.demotes:
        how.append("not used to demote")
    return f"model: {check.probability:.2f}{verdict}" + (f" ({', '.join(how)})" if how else "")


UNCOUNTED_SECTIONS = (
    (
        "likely_false_alarms",
        "Likely false alarms (not counted)",
        "The model judged these static findings unlikely to be real; they are kept here for audit.",
    ),
    (
        "candidates",
        "Candidates to check (not counted)",
        "Lower-confidence static proposals that no calibrated model check has confirmed: each says why it is only a "
        "candidate; a person, or the model where it is calibrated for the language, decides.",
    ),
)
"""The Review lists shown after the defects but not counted in the verdict or the exit code: (field, heading,
what it means)."""


def review_scope(unit: UnitCoverage) -> str:
    """'whole file', or the changed lines a diff put under review."""
    if unit.review_lines is None:
        return "whole file"
    return "changed lines " + ", ".join(
        str(r.start) if r.start == r.end else f"{r.start}-{r.end}" for r in unit.review_lines
    )


def not_reviewed(review: Review) -> list[str]:
    """Each target and unit an engine did not review, with why: what makes a review incomplete."""
    notes = [f"{skip.target} not reviewed: {skip.reason}" for skip in review.coverage.skipped]
    return notes + [
        f"{unit.path} skipped by {engine}: {reason}"
        for unit in review.coverage.units
        for engine, reason in unit.skipped_by.items()
    ]


def fix_heading(finding: Finding) -> str:
    """What a verified fix is, said the same way in every format ('' without one)."""
    fix = finding.fix
    if fix is None:
        return ""
    lines = f"line {fix.start_line}" if fix.start_line == fix.end_line else f"lines {fix.start_line}-{fix.end_line}"
    if fix.end_line < fix.start_line:
        lines = f"before line {fix.start_line}"
    by = f" by {fix.model}" if fix.model else ""
    return (
        f"Verified fix ({lines}; written{by}, checked by secreview: the file parses, the analyzers no longer "
        "report the defect and report nothing new)"
    )
