"""The machine contract: the Review as JSON, following schemas/review-<version>.json."""

from __future__ import annotations

from secreview.models import Review


class JsonReporter:
    def render(self, review: Review) -> str:
        return review.model_dump_json(indent=2) + "\n"
