"""What a user sees on a terminal (progress, the verdict when the report goes to a file, text shown literally) and
the rules they choose (their own Semgrep rules, enable/disable by rule id, --exit-zero)."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from rich.console import Console

from conftest import clean_environment, run_secreview
from secreview.cli.terminal import ReviewProgress, print_markdown, status_text
from secreview.progress import ProgressEvent, UnitCounter

pytestmark = pytest.mark.slow

SHELL = "import os\n\n\ndef run(host):\n    os.system('ping ' + host)\n"


def run_on_a_terminal(*args: str, cwd: Path) -> tuple[int, str, str]:
    """The real CLI with stderr on a pseudo-terminal (as in a user's shell) and stdout in a pipe."""
    primary, secondary = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(primary, 65536)
            except OSError:  # the terminal closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    env = {**clean_environment(), "SECREVIEW_ENGINE": "static", "TERM": "xterm", "COLUMNS": "120"}
    done = subprocess.run(
        [sys.executable, "-m", "secreview", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=secondary, env=env
    )
    os.close(secondary)
    reader.join(timeout=10)
    os.close(primary)
    return done.returncode, done.stdout.decode(), b"".join(chunks).decode(errors="replace")


def test_a_terminal_shows_progress_and_the_verdict_when_the_report_goes_to_a_file(tmp_path: Path):
    (tmp_path / "run.py").write_text(SHELL)
    code, stdout, terminal = run_on_a_terminal("review", "run.py", "-o", "report.md", cwd=tmp_path)
    assert code == 1 and stdout == ""
    assert "bandit" in terminal and "semgrep" in terminal and "files" in terminal  # the progress rows
    assert "secreview: wrote report.md: 1 security defect is detected in the code (1 high)" in terminal
    # In a pipe (CI logs): nothing but the report
    piped = run_secreview("review", "run.py", "-o", "piped.md", cwd=tmp_path)
    assert (piped.returncode, piped.stdout, piped.stderr) == (1, "", "")


def test_progress_rows_count_files_per_engine_and_show_names_literally():
    progress = ReviewProgress()
    assert progress.callback is None  # pytest's stderr is no terminal: nothing is drawn
    assert status_text("[bold]llm") == "\\[bold]llm"
    events: list[ProgressEvent] = []
    counter = UnitCounter(events.append, "llm", total=3, done=1)
    counter.advance()
    assert events == [ProgressEvent("llm", 1, 3), ProgressEvent("llm", 2, 3)]


def test_the_terminal_shows_text_that_looks_like_markup_as_it_is():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=200, color_system=None)
    print_markdown(
        "**Description**: user input reaches `x` and <script>alert(1)</script> runs; see [bold]x[/bold]\n", console
    )
    text = out.getvalue()
    assert "<script>alert(1)</script>" in text
    assert "[bold]x[/bold]" in text


def test_own_rules_disable_enable_and_exit_zero(tmp_path: Path):
    rules = tmp_path / "my-rules"
    rules.mkdir()
    (rules / "debug.yaml").write_text(
        "rules:\n"
        "  - id: no-print-secret\n"
        "    languages: [python]\n"
        "    severity: ERROR\n"
        "    message: a secret is printed\n"
        "    metadata:\n"
        "      cwe: ['CWE-532: Insertion of Sensitive Information into Log File']\n"
        "    pattern: print(API_KEY_HOLDER)\n"
    )
    (tmp_path / "app.py").write_text(SHELL + "\n\nAPI_KEY_HOLDER = load()\nprint(API_KEY_HOLDER)\n")
    own = {"SECREVIEW_RULES": "my-rules"}
    done = run_secreview("review", "app.py", "--format", "json", cwd=tmp_path, env=own)
    found = {(f["start_line"], f["cwe"]) for f in json.loads(done.stdout)["findings"]}
    assert found == {(5, 78), (9, 532)}, done.stderr

    disabled = run_secreview(
        "review",
        "app.py",
        "--format",
        "json",
        cwd=tmp_path,
        env={**own, "SECREVIEW_DISABLE": "B605,python-command-injection-function-param,no-print-secret"},
    )
    assert json.loads(disabled.stdout)["findings"] == [] and disabled.returncode == 0, disabled.stderr

    (tmp_path / "version.py").write_text('import subprocess\n\nsubprocess.run(["git", "--version"])\n')
    assert run_secreview("review", "version.py", cwd=tmp_path).returncode == 0
    enabled = run_secreview("review", "version.py", "--format", "json", cwd=tmp_path, env={"SECREVIEW_ENABLE": "B607"})
    assert [f["cwe"] for f in json.loads(enabled.stdout)["findings"]] == [426]

    assert run_secreview("review", "app.py", "--exit-zero", cwd=tmp_path).returncode == 0
    registry = run_secreview("review", "app.py", cwd=tmp_path, env={"SECREVIEW_RULES": "p/python"})
    assert registry.returncode == 2
    assert "invalid setting rules: p/python is not a local rule file or folder" in registry.stderr
