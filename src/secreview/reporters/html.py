"""One self-contained HTML page: the verdict, a summary table, each defect with its code in place.

Everything in a review may be hostile: the code under review and what a model wrote about it. Every text
is escaped, the page has no script at all, and its Content-Security-Policy forbids loading anything (only
the inline style is allowed), so the file can be opened from a CI artifact or an e-mail without a network
request or a way for the reviewed code to run in the reader's browser.
"""

from __future__ import annotations

from html import escape

from secreview.models import Finding, Review, Severity, Suppression, UnitCoverage
from secreview.reporters.wording import (
    SEVERITY_NAME,
    UNCOUNTED_SECTIONS,
    agreed_by,
    cwe_url,
    fix_heading,
    line_label,
    model_check,
    not_reviewed,
    review_scope,
    voting_sentence,
)

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_CSS = """
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --link: #0550ae;
  --critical: #82071e; --high: #cf222e; --medium: #bc4c00; --low: #0969da; --info: #59636e; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 2rem 1.5rem 4rem; color: var(--fg); background: #fff;
  font: 15px/1.55 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; word-break: break-word; }
h2 { font-size: 1.25rem; margin: 2.5rem 0 1rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 0; display: flex; gap: .6rem; align-items: baseline; flex-wrap: wrap; }
h4 { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 1.2rem 0 .3rem; }
a { color: var(--link); }
code, pre, .code { font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
p.text { white-space: pre-wrap; margin: 0; word-break: break-word; }
.meta, .note { color: var(--muted); font-size: .9rem; }
.verdict { margin: 1.5rem 0; padding: 1rem 1.25rem; border-radius: 8px; border: 1px solid; }
.verdict p { margin: .2rem 0 0; font-size: 1.1rem; font-weight: 600; }
.verdict .label { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; }
.verdict.defects { background: #ffebe9; border-color: #ffcecb; }
.verdict.clean { background: #dafbe1; border-color: #aceebb; }
.verdict.incomplete { background: #fff8c5; border-color: #eed888; }
.verdict .gap { font-size: .95rem; font-weight: normal; }
.counts { display: flex; gap: .5rem; flex-wrap: wrap; margin: 0 0 1rem; padding: 0; list-style: none; }
.sev { display: inline-block; min-width: 4.6rem; text-align: center; padding: .05rem .5rem; border-radius: 1rem;
  color: #fff; font-size: .75rem; font-weight: 600; text-transform: uppercase; letter-spacing: .03em; }
.sev-critical { background: var(--critical); } .sev-high { background: var(--high); }
.sev-medium { background: var(--medium); } .sev-low { background: var(--low); } .sev-info { background: var(--info); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid var(--line); }
th { font-size: .8rem; color: var(--muted); font-weight: 600; background: var(--soft); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.finding { border: 1px solid var(--line); border-left: 4px solid var(--info); border-radius: 8px;
  padding: 1rem 1.25rem; margin: 0 0 1.5rem; }
.finding.critical { border-left-color: var(--critical); } .finding.high { border-left-color: var(--high); }
.finding.medium { border-left-color: var(--medium); } .finding.low { border-left-color: var(--low); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .8rem 0 0; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; word-break: break-word; }
.code { margin: .8rem 0 0; border: 1px solid var(--line); border-radius: 6px; overflow-x: auto;
  background: var(--soft); }
.code table { width: auto; min-width: 100%; }
.code td { border: 0; padding: 0 .75rem; white-space: pre; tab-size: 4; }
.code td.ln { width: 1%; color: var(--muted); text-align: right; user-select: none;
  border-right: 1px solid var(--line); }
.diff tr.add td { background: #e6ffec; } .diff tr.del td { background: #ffebe9; }
.diff tr.hunk td { color: var(--muted); }
.code tr.hit td { background: #fff1c2; } .code tr.hit td.ln { color: var(--fg); font-weight: 600; }
.evidence td, .evidence th { font-size: .9rem; }
tr.dispute td { background: #fff8c5; }
.warn { color: #9a6700; font-weight: 600; }
"""


def _sev(severity: Severity) -> str:
    return f'<span class="sev sev-{severity.value}">{SEVERITY_NAME[severity]}</span>'


def _cwe_link(finding: Finding, with_name: bool = False) -> str:
    if finding.cwe is None:
        return "CWE not determined"
    link = f'<a href="{cwe_url(finding.cwe)}" rel="noopener noreferrer">CWE-{finding.cwe}</a>'
    return f"{link} {escape(finding.cwe_name)}" if with_name else link


def _location(finding: Finding) -> str:
    return f"<code>{escape(finding.path)}</code>, {line_label(finding).lower()}"


def _text(text: str) -> str:
    return f'<p class="text">{escape(text)}</p>'


def _code(finding: Finding) -> str:
    """The lines around the finding, numbered as in the file, the flagged ones highlighted."""
    first, text = (
        (finding.context.start_line, finding.context.text) if finding.context else (finding.start_line, finding.code)
    )
    if not text:
        return ""
    rows = []
    for number, line in enumerate(text.splitlines(), start=first):
        hit = ' class="hit"' if finding.start_line <= number <= finding.end_line else ""
        rows.append(f'<tr{hit}><td class="ln">{number}</td><td>{escape(line)}</td></tr>')
    return f'<div class="code"><table>{"".join(rows)}</table></div>'


def _fix(finding: Finding) -> str:
    """The verified fix as a diff, removed and added lines marked."""
    if finding.fix is None:
        return ""
    rows = []
    for line in finding.fix.diff.splitlines():
        kind = {"+": ' class="add"', "-": ' class="del"', "@": ' class="hunk"'}.get(line[:1], "")
        rows.append(f"<tr{kind}><td>{escape(line)}</td></tr>")
    return f'<h4>{escape(fix_heading(finding))}</h4><div class="code diff"><table>{"".join(rows)}</table></div>'


def _evidence(finding: Finding) -> str:
    """Which engine (and model sample, when sampled) said what; disputes marked."""
    sampled = any(item.sample is not None for item in finding.evidence)
    rows = []
    for item in finding.evidence:
        says = "disputes: " + item.message if item.disputes else item.message
        sample = f'<td class="num">{"" if item.sample is None else item.sample}</td>' if sampled else ""
        row = '<tr class="dispute">' if item.disputes else "<tr>"
        rows.append(
            f"{row}<td>{escape(item.engine)}</td>"
            f"<td><code>{escape(item.rule_id)}</code></td><td>{escape(says)}</td><td>{_sev(item.severity)}</td>"
            f'<td class="num">{item.confidence:.2f}</td>{sample}</tr>'
        )
    head = "<th>Engine</th><th>Rule</th><th>Says</th><th>Severity</th><th>Confidence</th>"
    head = f"<tr>{head}{'<th>Sample</th>' if sampled else ''}</tr>"
    return f'<h4>Evidence</h4><table class="evidence">{head}{"".join(rows)}</table>' if rows else ""


def _untrusted(suppression: Suppression | None) -> str:
    if suppression is None or suppression.honoured:
        return ""
    return (
        f'<p class="warn">A suppression comment on line {suppression.line} was not honoured: the change under review '
        "added it.</p>"
    )


def _finding(number: int, finding: Finding, review: Review, prefix: str) -> str:
    facts = [
        ("Weakness", _cwe_link(finding, with_name=True)),
        ("Location", _location(finding)),
        ("Severity", SEVERITY_NAME[finding.severity]),
        ("Confidence", f"{finding.confidence:.2f}"),
        ("Found by", escape(", ".join(finding.engines) or "no engine")),
    ]
    if agreed := agreed_by(finding, review.voting):
        facts.append(("Agreement", agreed))
    if checked := model_check(finding):
        facts.append(("Checked by the model", escape(checked.removeprefix("model: "))))
    if finding.remark:
        facts.append(("Why listed here", escape(finding.remark)))
    facts += [(f"Disputed by {escape(e.engine)}", escape(e.message)) for e in finding.disputes]
    return "".join(
        [
            f'<article class="finding {finding.severity.value}" id="{prefix}-{number}">',
            f"<h3>{_sev(finding.severity)}<span>{number}. {escape(finding.title)}</span></h3>",
            '<dl class="facts">',
            *(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts),
            "</dl>",
            _code(finding),
            "<h4>Why</h4>",
            _text(finding.description),
            "<h4>Fix</h4>",
            _text(finding.solution),
            _fix(finding),
            _evidence(finding),
            _untrusted(finding.suppression),
            "</article>",
        ]
    )


def _summary(findings: list[Finding]) -> str:
    rows = [
        f'<tr><td class="num">{number}</td><td>{_sev(f.severity)}</td>'
        f'<td><a href="#finding-{number}">{escape(f.title)}</a></td><td>{_cwe_link(f)}</td>'
        f'<td>{_location(f)}</td><td class="num">{f.confidence:.2f}</td><td>{escape(", ".join(f.engines))}</td></tr>'
        for number, f in enumerate(findings, start=1)
    ]
    head = (
        "<tr><th>#</th><th>Severity</th><th>Defect</th><th>CWE</th><th>Location</th><th>Confidence</th>"
        "<th>Found by</th></tr>"
    )
    return f'<table class="summary">{head}{"".join(rows)}</table>'


def _counts(findings: list[Finding]) -> str:
    chips = [
        f"<li>{_sev(severity)} {count}</li>"
        for severity in Severity
        if (count := sum(f.severity is severity for f in findings))
    ]
    return f'<ul class="counts">{"".join(chips)}</ul>' if chips else ""


def _suppressed(review: Review) -> str:
    rows = []
    for finding in review.suppressed:
        suppression = finding.suppression
        how = reason = ""
        if suppression is not None:
            how = f"{suppression.kind} comment, line {suppression.line}"
            reason = escape(suppression.reason) or '<span class="warn">no reason given</span>'
        rows.append(
            f"<tr><td>{_sev(finding.severity)}</td><td>{escape(finding.title)}</td><td>{_cwe_link(finding)}</td>"
            f"<td>{_location(finding)}</td><td>{how}</td><td>{reason}</td></tr>"
        )
    head = "<tr><th>Severity</th><th>Defect</th><th>CWE</th><th>Location</th><th>Suppressed by</th><th>Reason</th></tr>"
    return f"<h2>Suppressed findings</h2><table>{head}{''.join(rows)}</table>" if rows else ""


def _unit_row(unit: UnitCoverage) -> str:
    remarks = [
        f'<span class="warn">skipped by {escape(engine)}</span>: {escape(reason)}'
        for engine, reason in unit.skipped_by.items()
    ]
    remarks += [escape(routing.describe(engine)) for engine, routing in unit.routing.items()]
    remarks += [escape(note) for note in unit.notes]
    return (
        f"<tr><td><code>{escape(unit.path)}</code></td><td>{escape(unit.language)}</td>"
        f'<td class="num">{unit.lines}</td><td>{escape(review_scope(unit))}</td>'
        f"<td>{escape(', '.join(unit.reviewed_by) or 'no engine')}</td><td>{'<br>'.join(remarks)}</td></tr>"
    )


def _coverage(review: Review) -> str:
    coverage = review.coverage
    head = "<tr><th>File</th><th>Language</th><th>Lines</th><th>Scope</th><th>Reviewed by</th><th>Remarks</th></tr>"
    out = ["<h2>Coverage</h2>"]
    if coverage.units:
        out.append(f'<table class="coverage">{head}{"".join(_unit_row(unit) for unit in coverage.units)}</table>')
    else:
        out.append('<p class="note">No code units to review.</p>')
    out += [
        f'<p><span class="warn">Not reviewed</span> <code>{escape(skip.target)}</code>: {escape(skip.reason)}</p>'
        for skip in coverage.skipped
    ]
    if coverage.out_of_scope:
        out.append(f'<p class="note">{coverage.out_of_scope} other files are in no language the engines review.</p>')
    if review.baseline is not None:
        out.append(
            f'<p class="note">Baseline <code>{escape(review.baseline.path)}</code> ({review.baseline.fingerprints} '
            f"fingerprints): {review.baseline.known} known findings left out.</p>"
        )
    return "".join(out)


def _verdict(review: Review) -> str:
    kind = "defects" if review.findings else "clean" if review.complete else "incomplete"
    gaps = not_reviewed(review)
    gap = f'<p class="gap">Incomplete: {len(gaps)} not reviewed (see Coverage).</p>' if gaps else ""
    verdict = f'<div class="label">Verdict</div><p>{escape(review.verdict)}</p>{gap}'
    return f'<section class="verdict {kind}">{verdict}</section>'


class HtmlReporter:
    def render(self, review: Review) -> str:
        engines = ", ".join(f"{engine.name} {engine.version}" for engine in review.engines) or "none"
        when = f" · started {escape(review.started_at)} UTC, {review.duration_s:.1f} s" if review.started_at else ""
        title = f"Security review of {escape(review.target)}"
        body = [
            f"<header><h1>{title}</h1>",
            f'<p class="meta">secreview {escape(review.tool_version)} · engines: {escape(engines)}{when}</p></header>',
            _verdict(review),
            _counts(review.findings),
        ]
        if sentence := voting_sentence(review.voting):
            body.append(f'<p class="note">{escape(sentence)}</p>')
        if review.commit_message:
            body.append(f"<h4>Commit message</h4>{_text(review.commit_message)}")
        if review.findings:
            body += ["<h2>Summary</h2>", _summary(review.findings), "<h2>Security defects</h2>"]
            body += [_finding(n, f, review, "finding") for n, f in enumerate(review.findings, start=1)]
        if review.observations:
            body.append("<h2>Observations (not defects)</h2>")
            body += [_finding(n, f, review, "observation") for n, f in enumerate(review.observations, start=1)]
        for field, heading, meaning in UNCOUNTED_SECTIONS:
            listed: list[Finding] = getattr(review, field)
            if listed:
                body += [f"<h2>{escape(heading)}</h2>", f'<p class="note">{escape(meaning)}</p>']
                body += [_finding(n, f, review, field) for n, f in enumerate(listed, start=1)]
        body += [_suppressed(review), _coverage(review)]
        return "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
                '<meta name="referrer" content="no-referrer">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>{title}</title>",
                f"<style>{_CSS}</style>",
                "</head>",
                "<body>",
                *(part for part in body if part),
                "</body>",
                "</html>",
                "",
            ]
        )
