"""benchmarks/known_cves.py on local files: a release already under --work is reviewed as it is (nothing is
downloaded), a report of the CVE's weakness on its lines counts for the vulnerable release, and the fixed one is
quiet there."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

VULNERABLE = """import os

from flask import Flask, request, send_file

app = Flask(__name__)


@app.route("/download")
def download():
    name = request.args.get("file", "")
    return send_file(os.path.join("/srv/files", name))
"""
FIXED = VULNERABLE.replace("import os\n", "import os\n\nfrom werkzeug.utils import secure_filename\n").replace(
    'os.path.join("/srv/files", name)', 'os.path.join("/srv/files", secure_filename(name))'
)


def test_a_local_release_is_reviewed_and_scored_on_its_lines(tmp_path: Path):
    work = tmp_path / "work"
    for version, text in (("1.0", VULNERABLE), ("1.1", FIXED)):
        package = work / f"demo-{version}" / "demo"
        package.mkdir(parents=True)
        (package / "views.py").write_text(text)
    entry = {
        "cve": "CVE-0000-0001",
        "package": "demo",
        "vulnerable": "1.0",
        "fixed": "1.1",
        "cwe": 22,
        "file": "demo/views.py",
        "function": "download",
        "part": "where the fix is",
        "vulnerable_lines": [11],
        "fixed_lines": [13],
        "input": "request argument file",
        "batch": "held-out",
    }
    entries = tmp_path / "entries.jsonl"
    entries.write_text(json.dumps(entry) + "\n")
    script = ROOT / "benchmarks" / "known_cves.py"
    command = [sys.executable, str(script), "--work", str(work), "--entries", str(entries)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("| CVE-0000-0001 |"))
    vulnerable, fixed = [cell.strip() for cell in row.strip("|").split("|")][-2:]
    assert vulnerable.startswith("finding CWE-22 L11"), row
    assert fixed == "-", row
    assert "1 of 1 entries reported on the vulnerable lines; the fixed release quiet in 1." in done.stdout
