"""Odd files through the real command line: each is reviewed or skipped with a message naming it and the reason;
never a traceback, never a hang, never "no security defects" when something was left out.

Most cases share one review of a corpus directory (one CLI run); cases that need their own command line (named
paths, a patch, a file without read permission) run on their own.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import run_secreview
from secreview.models import NO_DEFECTS_VERDICT, Review

pytestmark = pytest.mark.slow  # one CLI review of 2 MB of odd files, and a few more

SHELL_CALL = "subprocess.call(x, shell=True)"
LONG_NAME = "n" * 200  # a folder name near the usual 255-byte limit of one path component


def review_of(done: subprocess.CompletedProcess[str]) -> Review:
    assert "Traceback" not in done.stderr, done.stderr
    return Review.model_validate_json(done.stdout)


def not_reviewed(done: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """{target: reason} from the 'not reviewed' lines on stderr."""
    prefix = "secreview: not reviewed: "
    lines = [line.removeprefix(prefix) for line in done.stderr.splitlines() if line.startswith(prefix)]
    return dict(line.split(": ", 1) for line in lines)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder (not a git work tree) of odd files, and outside.py next to it."""
    base = tmp_path_factory.mktemp("odd")
    (base / "outside.py").write_text("import os\nos.system(input())\n")
    root = base / "repo"
    root.mkdir()
    (root / "deep.py").write_text("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    (root / "deep.c").write_text("int f(void) {\n" + "{" * 5000 + "}" * 5000 + "\nreturn 0; }\n")
    statements = "; ".join(f"v{i} = {i}" for i in range(20_000))
    (root / "minified.py").write_text(f"import subprocess; {statements}; {SHELL_CALL}\n")  # one line, about 290 kB
    (root / "mixed.py").write_bytes(f"import subprocess\r\nx = 1\ry = 2\nz = 3\r\n{SHELL_CALL}\n".encode())
    (root / "formfeed.py").write_bytes(
        f'import subprocess\n\f\ndef f(x):\n    """a\fb\u2028c"""\n    {SHELL_CALL}\n'.encode()
    )
    (root / "nul.py").write_bytes(b"x = 1\n\x00\x01\n")
    (root / "huge.py").write_text("x = '" + "a" * 10_000_000 + "'\n")
    (root / "latin1.py").write_bytes("name = 'café'\n".encode("latin-1"))
    (root / "loop.py").symlink_to("loop.py")
    (root / "sub").mkdir()
    (root / "sub" / "again").symlink_to("..", target_is_directory=True)  # a folder loop: walking it never ends
    (root / "escape.py").symlink_to(base / "outside.py")
    (root / "empty.py").write_text("")
    (root / "comments.py").write_text("# only\n# comments\n")
    os.mkfifo(root / "pipe.py")
    deep = root / LONG_NAME / LONG_NAME / LONG_NAME
    deep.mkdir(parents=True)
    (deep / f"{'f' * 240}.py").write_text(f"import subprocess\n{SHELL_CALL}\n")
    return root


@pytest.fixture(scope="module")
def corpus_run(corpus: Path) -> subprocess.CompletedProcess[str]:
    return run_secreview("review", ".", "--format", "json", cwd=corpus)


def test_the_corpus_is_reviewed_with_every_gap_named(
    corpus: Path, corpus_run: subprocess.CompletedProcess[str]
) -> None:
    review = review_of(corpus_run)
    assert corpus_run.returncode == 1  # findings win over the gaps (exit 3 otherwise)
    assert not review.complete and review.verdict != NO_DEFECTS_VERDICT
    assert not_reviewed(corpus_run) == {
        "nul.py": "binary file (contains NUL bytes)",
        "huge.py": "too large (10.0 MB > 2.0 MB limit; raise max-file-size to review it)",
        "latin1.py": "not UTF-8 text (invalid byte 0xe9 at offset 11)",
        "loop.py": "cannot read: Too many levels of symbolic links",
        "escape.py": f"a symbolic link leads outside {corpus.resolve()}: not followed",
        "pipe.py": "not a regular file (a named pipe)",
    }
    assert "outside.py" not in corpus_run.stdout, "nothing of the file outside the folder reaches the report"


def test_deep_nesting_is_reviewed_or_skipped_by_name(corpus_run: subprocess.CompletedProcess[str]) -> None:
    review = review_of(corpus_run)
    units = {unit.path: unit for unit in review.coverage.units}
    assert units["deep.c"].reviewed_by == ["semgrep", "cppcheck", "clang-tidy", "gcc-analyzer", "gcc-warnings"]
    assert "too many nested parentheses" in units["deep.py"].skipped_by["bandit"]
    assert "bandit skipped deep.py: Bandit cannot parse it" in corpus_run.stderr


def test_line_numbers_follow_the_editor_whatever_the_line_ends(corpus_run: subprocess.CompletedProcess[str]) -> None:
    """CRLF, LF and a lone CR each end a line; a form feed or U+2028 inside a line does not (str.splitlines
    would count them, and quote the wrong code)."""
    review = review_of(corpus_run)
    shell = {(f.path, f.start_line, f.code.strip()) for f in review.findings if "shell" in f.code}
    assert ("mixed.py", 5, SHELL_CALL) in shell
    assert ("formfeed.py", 5, SHELL_CALL) in shell
    lines = {unit.path: unit.lines for unit in review.coverage.units}
    assert lines["mixed.py"] == 5 and lines["formfeed.py"] == 5


def test_a_minified_file_and_long_paths_are_reviewed(corpus_run: subprocess.CompletedProcess[str]) -> None:
    review = review_of(corpus_run)
    found = {f.path for f in review.findings if "shell" in f.code}
    assert "minified.py" in found
    assert f"{LONG_NAME}/{LONG_NAME}/{LONG_NAME}/{'f' * 240}.py" in found
    units = {unit.path: unit for unit in review.coverage.units}
    assert units["empty.py"].reviewed_by and units["comments.py"].reviewed_by


def test_named_odd_paths_say_why(corpus: Path) -> None:
    done = run_secreview("review", "pipe.py", "loop.py", "../outside.py", "--format", "json", cwd=corpus)
    review = review_of(done)
    assert done.returncode == 1  # outside.py: os.system(input())
    assert not_reviewed(done) == {
        "pipe.py": "not a regular file (a named pipe)",
        "loop.py": "cannot read: Too many levels of symbolic links",
    }
    outside = (corpus.parent / "outside.py").as_posix()
    assert [unit.path for unit in review.coverage.units] == [outside]
    assert f"note: {outside}: outside the repository under review ({corpus}): reviewed as named" in done.stderr.replace(
        str(corpus.resolve()), str(corpus)
    )


def test_empty_and_comment_only_files_are_clean(corpus: Path) -> None:
    done = run_secreview("review", "empty.py", "comments.py", cwd=corpus)
    assert done.returncode == 0, done.stderr
    assert "note: empty.py: empty file: nothing to review" in done.stderr
    assert NO_DEFECTS_VERDICT in done.stdout


def test_a_patch_never_leads_outside_the_repository(corpus: Path) -> None:
    patch = "--- a/x.py\n+++ b/../outside.py\n@@ -0,0 +1,1 @@\n+import os\n"
    done = run_secreview("review", "--patch", "-", cwd=corpus, stdin=patch)
    assert done.returncode == 3, done.stderr
    assert not_reviewed(done) == {"../outside.py": "path leads outside the repository: not read"}
    assert NO_DEFECTS_VERDICT not in done.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission")
def test_a_file_without_read_permission_is_skipped(tmp_path: Path) -> None:
    secret = tmp_path / "secret.py"
    secret.write_text("x = 1\n")
    secret.chmod(0)
    done = run_secreview("review", ".", cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert not_reviewed(done) == {"secret.py": "cannot read: Permission denied"}
