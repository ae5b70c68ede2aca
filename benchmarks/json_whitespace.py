#!/usr/bin/env python3
"""Can the JSON grammar be made cheaper without hurting answers? (issue 3)

llama.cpp (as built in xllamacpp, with llguidance) lets a JSON schema's answer use flexible whitespace,
and the 1.5B model spends tokens on indentation. Three grammars for the same structured prompt, sent to
one embedded server: the schema as secreview sends it (response_format), the same schema with whitespace
capped to one space or a newline plus up to 8 spaces, and strictly one-line JSON (llguidance's
x-guidance options, sent as a raw `grammar`). Reported per file: generated tokens, generation time,
and what the model found.

Run it with the Python of secreview's virtualenv:
    python benchmarks/json_whitespace.py [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.request
from pathlib import Path
from typing import Any

from llm_speed import make_source

from secreview.backends.embedded import EmbeddedBackend
from secreview.backends.model_store import DEFAULT_MODEL, resolve
from secreview.llm.prompts import Window, structured_messages, structured_schema
from secreview.models import CodeUnit, LineRange

SQL_INJECTION = (
    "import sqlite3\n\n\ndef find(cursor, name):\n"
    "    query = \"SELECT * FROM users WHERE name = '%s'\" % name\n"
    "    cursor.execute(query)\n    return cursor.fetchall()\n"
)


def llguidance(options: dict[str, Any]) -> dict[str, Any]:
    return {"grammar": "%llguidance {}\nstart: %json " + json.dumps({**structured_schema(0), "x-guidance": options})}


VARIANTS: dict[str, dict[str, Any]] = {
    "schema (secreview's)": {
        "response_format": {"type": "json_schema", "json_schema": {"name": "review", "schema": structured_schema(0)}}
    },
    "whitespace capped": llguidance({"whitespace_pattern": r"( ?|\n {0,8})"}),
    "one line": llguidance({"whitespace_flexible": False, "item_separator": ", ", "key_separator": ": "}),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    files = {
        "examples/webapp/app.py": (root / "examples/webapp/app.py").read_text(),
        "60-line module": make_source(60),
        "7-line SQL injection": SQL_INJECTION,
    }
    backend = EmbeddedBackend(resolve(DEFAULT_MODEL), DEFAULT_MODEL, threads=args.threads)
    url = backend.base_url + "/chat/completions"
    print("| file | grammar | generated tok | generation s | found (weakness, CWE, line) |\n|---|---|--:|--:|---|")
    for name, text in files.items():
        unit = CodeUnit(id=name, path=name, language="python", text=text)
        messages = structured_messages(Window(unit, LineRange(start=1, end=unit.line_count)), [])
        for label, grammar in VARIANTS.items():
            body = {"messages": messages, "max_tokens": 1024, "temperature": 0, "seed": 0, **grammar}
            request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=600) as response:
                answer = json.load(response)
            content = answer["choices"][0]["message"]["content"]
            try:
                found: Any = [(d["weakness"], d["cwe"], d["start_line"]) for d in json.loads(content)["defects"]]
            except (json.JSONDecodeError, KeyError, TypeError):
                found = "unreadable JSON"
            generated, seconds = answer["usage"]["completion_tokens"], answer["timings"]["predicted_ms"] / 1000
            print(f"| {name} | {label} | {generated} | {seconds:.1f} | {found} |", flush=True)
    backend.close()
    time.sleep(0.1)


if __name__ == "__main__":
    main()
