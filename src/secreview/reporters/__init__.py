"""Reporters render a Review in one format each; REPORTERS maps the --format name to one."""

from __future__ import annotations

from secreview.reporters.github import GithubReporter
from secreview.reporters.gitlab import GitlabReporter
from secreview.reporters.html import HtmlReporter
from secreview.reporters.interface import Reporter
from secreview.reporters.json import JsonReporter
from secreview.reporters.markdown import MarkdownReporter
from secreview.reporters.review_comments import ReviewCommentsReporter
from secreview.reporters.sarif import SarifReporter

REPORTERS: dict[str, Reporter] = {
    "md": MarkdownReporter(),
    "json": JsonReporter(),
    "sarif": SarifReporter(),
    "github": GithubReporter(),
    "gitlab": GitlabReporter(),
    "review-comments": ReviewCommentsReporter(),
    "html": HtmlReporter(),
}
