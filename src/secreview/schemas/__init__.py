"""The versioned JSON Schema of `--format json` output, generated from the pydantic models.

Regenerate after changing models.py; bump JSON_SCHEMA_VERSION's MINOR for an added field, MAJOR otherwise,
and write the file under its new name:
    python -m secreview.schemas > src/secreview/schemas/review-$VERSION.json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from secreview.models import JSON_SCHEMA_VERSION, Review

SCHEMA_PATH = Path(__file__).parent / f"review-{JSON_SCHEMA_VERSION}.json"


def review_schema() -> dict[str, Any]:
    schema = Review.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"secreview/review-{JSON_SCHEMA_VERSION}.json",
        **schema,
    }


def render_schema() -> str:
    return json.dumps(review_schema(), indent=2) + "\n"
