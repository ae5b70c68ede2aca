"""Fuzz tests: the readers of untrusted text never crash, never hang, and return well-formed results.

Three readers take text nobody vouches for: the free-text review parser (a model's answer), the unified-diff
reader (`--patch`), and the suppression-comment reader (any file under review). Hypothesis feeds them random
text and text built from the fragments they look for (a grammar finds more than random bytes), and long runs
of one fragment (catastrophic regex backtracking shows up there). Each example must finish within the deadline.

The default run is short and deterministic (derandomized, no example database) so that CI always sees the same
examples; SECREVIEW_FUZZ_EXAMPLES=5000 runs longer locally. Crashes found are pinned with @example.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from secreview.llm.freetext import parse_review
from secreview.models import CodeUnit, Severity
from secreview.sources.patch import PatchSource
from secreview.suppression import parse_suppressions

EXAMPLES = int(os.environ.get("SECREVIEW_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=3),  # generous on a busy 2-core machine; a hang takes far longer
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
# A 200 kB adversarial input against an eighth of it, side by side (a loaded machine slows both): linear code takes
# about 8 times as long, quadratic 64; the short run counts as at least MIN_SHORT_S, so fixed costs do not matter.
GROWTH_LIMIT = 24
MIN_SHORT_S = 0.1

UNIT = CodeUnit(id="app.py", path="app.py", language="python", text="x = 1\n" * 50)
LANGUAGES = frozenset({"python", "c", "java", "javascript"})
MB = 1_000_000

NEWLINES = st.sampled_from(["\n", "\r\n", "\r", "\n\n", " ", ""])
NUMBERS = st.one_of(st.integers(0, 120), st.integers(0, 10**9))


def _joined(parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Fragments joined by assorted line ends."""
    return st.lists(st.tuples(parts, NEWLINES), max_size=30).map(lambda pairs: "".join(a + b for a, b in pairs))


def _repeated(parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """One fragment many times over: the shape of input that makes a backtracking regex explode."""
    return st.tuples(parts, st.integers(1, 3000)).map(lambda pair: pair[0] * pair[1])


# --- the free-text review parser ------------------------------------------------------------------------------

REVIEW_FRAGMENTS = st.one_of(
    st.sampled_from(
        [
            "# Review",
            "## Security Issues",
            "### 1. SQL Injection (CWE-89)",
            "**CWE-664: Improper Control of a Resource Through its Lifetime**",
            "**Issue 2:**",
            "Issue #3 - CWE-79",
            "1.",
            "2)",
            "(3)",
            "-",
            "*",
            "•",
            "   - ",
            "Solution:",
            "**Fix**:",
            "Recommendation: use parameterised queries.",
            "Severity: High",
            "(Low)",
            "high-risk",
            "Lines: ",
            "line no. ",
            "line #",
            "L",
            "#L",
            " - ",
            " to ",
            "..",
            "CWE-",
            "CWE ID: ",
            "CWE_",
            "cwe-89",
            "```python",
            "```",
            "~~~",
            "| Line(s) | CWE | Description | Fix |",
            "|---|---|---|---|",
            "| 12-14 | CWE-79 | reflected XSS | escape |",
            "|",
            "No security defects are detected in the code.",
            "No security defects were detected in the code, other than the above",
            "There are no security vulnerabilities in this code.",
            "The code does not introduce any security defects.",
            "other than the above, ",
            "except ",
            "Not applicable",
            "Line 40: no issue found",
            "is vulnerable",
            "introduces an injection",
            "**",
            "__",
            "`",
            ":",
            "(",
            ")",
            "[",
            "]",
            "\t",
            "    ",
            "\u2013",
            "\u2028",
            "\ud800",
        ]
    ),
    NUMBERS.map(str),
    NUMBERS.map(lambda n: f"Line {n}:"),
    st.tuples(NUMBERS, NUMBERS).map(lambda pair: f"lines {pair[0]}-{pair[1]}"),
    st.tuples(NUMBERS, NUMBERS).map(lambda pair: f"L{pair[0]}-L{pair[1]}"),
    NUMBERS.map(lambda n: f"CWE-{n}"),
    st.text(max_size=40),
)
REVIEWS = st.one_of(st.text(max_size=2000), _joined(REVIEW_FRAGMENTS), _repeated(REVIEW_FRAGMENTS))


def _check_review(text: str) -> None:
    parsed = parse_review(text, UNIT)
    assert not (parsed.says_no_defects and parsed.findings), "a no-defect verdict has observations, not findings"
    assert parsed.says_no_defects or not parsed.observations
    for finding in [*parsed.findings, *parsed.observations]:
        assert 1 <= finding.start_line <= finding.end_line <= 10**7, "line numbers are as written (at most 7 digits)"
        assert finding.cwe is None or 0 <= finding.cwe < 100_000
        assert finding.title.strip(), "every finding has a title"
        assert finding.path == UNIT.path
    for observation in parsed.observations:
        assert observation.severity is Severity.info


@FUZZ
@given(REVIEWS)
@example("")
@example("Line 0: CWE-0")
@example("lines 9999999-1 CWE-99999")
@example("**CWE-89 (a (b) c)** line 3\n\n1. CWE-79 line 4\n   - CWE-20 line 5\n     * CWE-22 line 6\n")
def test_the_free_text_parser_reads_any_text(text: str) -> None:
    _check_review(text)


# --- the unified-diff reader ----------------------------------------------------------------------------------

REAL_DIFF = """\
diff --git a/app.py b/app.py
index 3b18e51..a9c2f0d 100644
--- a/app.py
+++ b/app.py
@@ -1,4 +1,5 @@
 import os
+import subprocess
\x20
 def run(cmd):
-    return os.system(cmd)
+    return subprocess.call(cmd, shell=True)
@@ -10,2 +11,3 @@ def other():
     pass
+    eval(input())
 # end
diff --git a/new.c b/new.c
new file mode 100644
--- /dev/null
+++ b/new.c
@@ -0,0 +1,2 @@
+#include <stdio.h>
+int main(void) { char b[4]; gets(b); }
"""
DIFF_LINES = REAL_DIFF.splitlines(keepends=True)
DIFF_FRAGMENTS = st.one_of(
    st.sampled_from(DIFF_LINES),
    st.sampled_from(
        [
            "--- /dev/null\n",
            "+++ b/../../etc/passwd.py\n",
            "+++ /etc/hosts.py\n",
            "Binary files a/x.py and b/x.py differ\n",
            "\\ No newline at end of file\n",
            "rename from a.py\n",
            "rename to b.py\n",
            "deleted file mode 100644\n",
            "similarity index 90%\n",
            "+\n",
            "-\n",
            " \n",
            "\n",
            "@@ -0,0 +0,0 @@\n",
        ]
    ),
    st.tuples(NUMBERS, NUMBERS, NUMBERS, NUMBERS).map(lambda n: f"@@ -{n[0]},{n[1]} +{n[2]},{n[3]} @@\n"),
    st.text(max_size=30).map(lambda line: f"+{line}\n"),
)


@st.composite
def mutated_diffs(draw: st.DrawFn) -> str:
    """The real diff with a few lines deleted, duplicated, replaced or cut short."""
    lines = list(DIFF_LINES)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines)))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "truncate", "newline"]))
        if action == "insert" or index == len(lines):
            lines.insert(index, draw(DIFF_FRAGMENTS))
        elif action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "truncate":
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
        else:
            lines[index] = lines[index].replace("\n", draw(NEWLINES))
    return "".join(lines)


DIFFS = st.one_of(st.text(max_size=500), st.lists(DIFF_FRAGMENTS, max_size=40).map("".join), mutated_diffs())


@pytest.fixture(scope="module")
def patch_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small tree the patch paths point into: app.py matches neither side of the diff, exactly."""
    root = tmp_path_factory.mktemp("patch-root")
    (root / "app.py").write_text("import os\n\ndef run(cmd):\n    return os.system(cmd)\n")
    return root


def _check_patch(text: str, root: Path) -> None:
    result = PatchSource(text, "fuzz.patch", root, LANGUAGES, 2 * MB).collect()
    for unit in result.units:
        assert not unit.path.startswith(("/", "../")) and "/../" not in unit.path, "no path outside the root"
        lines = len(unit.text.splitlines())
        for lines_under_review in unit.review_lines or []:
            assert 1 <= lines_under_review.start <= lines_under_review.end <= max(lines, 1)
    for skipped in result.skipped:
        assert skipped.reason.strip()


@FUZZ
@given(text=DIFFS)
@example(text=REAL_DIFF)
@example(text="--- a/app.py\n+++ b/app.py\n@@ -1,1 +999999999,1 @@\n-import os\n+import os\n")
@example(text="--- a/x.py\n+++ b/../../outside.py\n@@ -0,0 +1,1 @@\n+x = 1\n")
def test_the_diff_reader_reads_any_patch(patch_root: Path, text: str) -> None:
    _check_patch(text, patch_root)


# --- the suppression-comment reader ---------------------------------------------------------------------------

SUPPRESSION_LANGUAGES = st.sampled_from(["python", "c", "java", "javascript", "go", "rust", "php", "ruby", "cobol"])
SUPPRESSION_FRAGMENTS = st.one_of(
    st.sampled_from(
        [
            "#",
            "//",
            "/*",
            "*/",
            '"',
            "'",
            '"""',
            "'''",
            "`",
            "\\",
            "# nosec",
            "#nosec B602",
            "# nosec: B602,B607 reason",
            "# nosec subprocess_popen_with_shell_equals_true",
            "secreview: ignore",
            "secreview: ignore[CWE-89] trusted input",
            "secreview:ignore[CWE-89, 79]",
            "secreview: ignore[",
            "secreview: ignore[]",
            "secreview: ignore[not-a-cwe]",
            "x = 1",
            "call(a, b)",
        ]
    ),
    NUMBERS.map(lambda n: f"secreview: ignore[CWE-{n}]"),
    st.text(max_size=20),
)
SOURCES = st.one_of(st.text(max_size=1000), _joined(SUPPRESSION_FRAGMENTS), _repeated(SUPPRESSION_FRAGMENTS))


def _check_suppressions(text: str, language: str) -> None:
    found = parse_suppressions(text, language)
    last_line = text.count("\n") + 1
    for line, suppressions in found.items():
        assert 1 <= line <= last_line
        for suppression in suppressions:
            assert suppression.line == line
            assert suppression.kind in ("secreview", "nosec")
            assert suppression.kind == "secreview" or language == "python", "nosec is Bandit's, Python only"
            assert all(number >= 0 for number in suppression.cwes)


@FUZZ
@given(SOURCES, SUPPRESSION_LANGUAGES)
@example("x = 1  # secreview: ignore[CWE-89] ok\n", "python")
@example("/* secreview: ignore\n", "c")
@example('"unterminated \\', "javascript")
def test_the_suppression_reader_reads_any_source(text: str, language: str) -> None:
    _check_suppressions(text, language)


# --- long adversarial inputs: time must stay linear -----------------------------------------------------------

LONG = 200_000


def _long_inputs() -> Iterator[str]:
    for fragment in ["a", " ", "\n", "\r", "*", "|", "(", "#", "`", "-", "1. ", "CWE-", "line ", "L1-", "**x", "\\"]:
        yield fragment * (LONG // len(fragment))
    yield "CWE-1 " * (LONG // 6)
    yield "lines 1, 2, 3" + ", 4" * (LONG // 3)
    yield "no " * (LONG // 3) + "security defects"
    yield "|" + " |" * (LONG // 2) + "\n|---|\n"
    yield "- " + "  - " * (LONG // 4)
    yield "```\n" * (LONG // 4)
    yield "\n".join(f"{'    ' * (depth % 40)}- CWE-{depth} line {depth}" for depth in range(LONG // 30))
    yield '"' + "\\" * LONG
    yield "/*" * (LONG // 2)
    yield "# secreview: ignore[" + "CWE-1," * (LONG // 6)
    yield "# nosec " + "B1," * (LONG // 3)
    yield "@@ -1,1 +1,1 @@\n" * (LONG // 16)
    yield "+" * LONG


def _checked_in(text: str, patch_root: Path) -> float:
    """Seconds the parsers take over `text`."""
    began = time.perf_counter()
    _check_review(text)
    for language in ("python", "c", "javascript", "rust"):
        _check_suppressions(text, language)
    _check_patch(f"--- a/app.py\n+++ b/app.py\n@@ -1,1 +1,1 @@\n-x\n+{text}\n", patch_root)
    _check_patch(text, patch_root)
    return time.perf_counter() - began


@pytest.mark.parametrize("text", list(_long_inputs()), ids=lambda text: repr(text[:12]))
def test_long_adversarial_inputs_finish_in_linear_time(text: str, patch_root: Path) -> None:
    short = _checked_in(text[: len(text) // 8], patch_root)
    whole = _checked_in(text, patch_root)
    assert whole < GROWTH_LIMIT * max(short, MIN_SHORT_S), (short, whole)
