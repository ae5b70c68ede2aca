from pathlib import Path

import pytest

from conftest import commit_all, make_git_repo
from secreview.sources.gitdiff import GitDiffSource
from secreview.sources.interface import TargetError
from secreview.sources.patch import HUNKS_ONLY_NOTE, PatchSource
from secreview.sources.paths import PathSource

LANGUAGES = frozenset({"python", "c", "java"})
MB = 1_000_000


def paths_source(root: Path, *paths: str, **options) -> PathSource:
    return PathSource(list(paths), root, LANGUAGES, options.pop("max_bytes", 2 * MB), **options)


def skipped(result) -> dict[str, str]:
    return {skip.target: skip.reason for skip in result.skipped}


def test_directory_walk_keeps_source_files_and_honours_gitignore(tmp_path: Path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "b.c").write_text("int x;\n")
    (tmp_path / "pkg" / "notes.md").write_text("# notes\n")
    (tmp_path / "pkg" / "generated.py").write_text("y = 2\n")
    (tmp_path / "pkg" / ".gitignore").write_text("generated.py\n")
    (tmp_path / "pkg" / "node_modules").mkdir()
    (tmp_path / "pkg" / "node_modules" / "dep.py").write_text("z = 3\n")

    result = paths_source(tmp_path, str(tmp_path / "pkg")).collect()

    assert sorted(unit.path for unit in result.units) == ["pkg/a.py", "pkg/b.c"]
    assert result.out_of_scope == 2  # notes.md and .gitignore
    assert not result.skipped


def test_a_header_that_is_cpp_is_reviewed_as_cpp_in_a_walk_and_in_a_diff(tmp_path: Path):
    repo = make_git_repo(tmp_path / "repo")
    (repo / "plain.h").write_text("#define SLOTS 8\nint last(int *slots);\n")
    (repo / "buffer.h").write_text("#include <string>\n\nclass Buffer {\n  public:\n    std::string name;\n};\n")
    commit_all(repo, "start")
    languages = frozenset({"c", "cpp"})
    walked = PathSource([str(repo)], repo, languages, 2 * MB).collect()
    assert {unit.path: unit.language for unit in walked.units} == {"buffer.h": "cpp", "plain.h": "c"}
    (repo / "buffer.h").write_text((repo / "buffer.h").read_text() + "\nnamespace io { int size(); }\n")
    commit_all(repo, "size")
    (changed,) = GitDiffSource("HEAD~1", repo, languages, 2 * MB).collect().units
    assert (changed.path, changed.language) == ("buffer.h", "cpp")


def test_directory_walk_in_a_git_repository_uses_git_ignore_rules(tmp_path: Path):
    repo = make_git_repo(tmp_path / "repo")
    (repo / ".gitignore").write_text("build/\n")
    (repo / "build").mkdir()
    (repo / "build" / "out.py").write_text("x = 1\n")
    (repo / "main.py").write_text("x = 1\n")
    commit_all(repo, "start")
    (repo / "new.py").write_text("untracked but not ignored\n")

    result = paths_source(repo, str(repo)).collect()

    assert sorted(unit.path for unit in result.units) == ["main.py", "new.py"]


def test_exclude_patterns_leave_files_out(tmp_path: Path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "t.py").write_text("x = 1\n")
    (tmp_path / "m.py").write_text("x = 1\n")
    result = paths_source(tmp_path, str(tmp_path), exclude=["tests/"]).collect()
    assert [unit.path for unit in result.units] == ["m.py"]


def test_bad_files_are_skipped_with_a_reason(tmp_path: Path):
    (tmp_path / "binary.py").write_bytes(b"\x7fELF\x00\x01\x02")
    (tmp_path / "latin1.py").write_bytes("name = 'café'\n".encode("latin-1"))
    (tmp_path / "big.py").write_text("x = 1\n" * 400_000)
    (tmp_path / "empty.py").write_text("")
    (tmp_path / "README.txt").write_text("hello\n")
    names = ["binary.py", "latin1.py", "big.py", "empty.py", "README.txt"]

    result = paths_source(tmp_path, *(str(tmp_path / n) for n in names), max_bytes=MB).collect()

    reasons = skipped(result)
    assert reasons["binary.py"] == "binary file (contains NUL bytes)"
    assert reasons["latin1.py"].startswith("not UTF-8 text (invalid byte 0xe9")
    assert reasons["big.py"].startswith("too large (2.4 MB > 1.0 MB limit")
    assert reasons["README.txt"].startswith("unknown language")
    assert [unit.path for unit in result.units] == ["empty.py"]
    assert result.notes == {"empty.py": ["empty file: nothing to review"]}


def test_a_utf8_bom_is_not_part_of_the_text(tmp_path: Path):
    (tmp_path / "bom.py").write_bytes("\ufeffx = 1\n".encode())
    result = paths_source(tmp_path, str(tmp_path / "bom.py")).collect()
    assert result.units[0].text == "x = 1\n"


OLD = "def f():\n    return 1\n\n\ndef g():\n    return 2\n"
NEW = "def f():\n    return 1\n\n\ndef g():\n    value = input()\n    return eval(value)\n"
PATCH = """\
diff --git a/mod.py b/mod.py
--- a/mod.py
+++ b/mod.py
@@ -4,3 +4,4 @@ def f():
 
 def g():
-    return 2
+    value = input()
+    return eval(value)
"""


def patch_source(root: Path, text: str = PATCH) -> PatchSource:
    return PatchSource(text, "change.patch", root, LANGUAGES, 2 * MB)


def test_patch_already_applied_reviews_the_file_on_disk(tmp_path: Path):
    (tmp_path / "mod.py").write_text(NEW)
    result = patch_source(tmp_path).collect()
    (unit,) = result.units
    assert unit.text == NEW
    assert unit.disk_path == tmp_path / "mod.py"
    assert [(r.start, r.end) for r in unit.review_lines or []] == [(6, 7)]


def test_patch_not_yet_applied_is_applied_in_memory(tmp_path: Path):
    (tmp_path / "mod.py").write_text(OLD)
    (unit,) = patch_source(tmp_path).collect().units
    assert unit.text == NEW
    assert unit.disk_path is None


def test_patch_of_a_missing_file_reviews_its_hunks_at_their_own_line_numbers(tmp_path: Path):
    result = patch_source(tmp_path).collect()
    (unit,) = result.units
    assert unit.text.splitlines()[6] == "    return eval(value)"
    assert result.notes == {"mod.py": [HUNKS_ONLY_NOTE]}


def test_malformed_patch_is_skipped_with_a_reason(tmp_path: Path):
    result = patch_source(tmp_path, "this is not a diff\n").collect()
    assert skipped(result) == {"--patch change.patch": "malformed patch: no file changes in unified diff format found"}
    broken = PATCH.replace("@@ -4,3 +4,4 @@", "@@ -4,3 +4,9 @@")
    assert skipped(patch_source(tmp_path, broken).collect())["--patch change.patch"].startswith("malformed patch:")


def test_git_diff_reviews_changed_lines_with_the_commit_message(tmp_path: Path):
    repo = make_git_repo(tmp_path / "repo")
    (repo / "mod.py").write_text(OLD)
    (repo / "README.md").write_text("docs\n")
    commit_all(repo, "start")
    (repo / "mod.py").write_text(NEW)
    (repo / "README.md").write_text("more docs\n")
    commit_all(repo, "Evaluate the user's expression")

    for rev in ("HEAD~1", "HEAD~1..HEAD"):
        result = GitDiffSource(rev, repo, LANGUAGES, 2 * MB).collect()
        (unit,) = result.units
        assert unit.path == "mod.py"
        assert unit.text == NEW
        assert [(r.start, r.end) for r in unit.review_lines or []] == [(6, 7)]
        assert result.commit_message == "Evaluate the user's expression"
        assert result.out_of_scope == 1


def test_git_diff_of_an_older_range_reads_files_from_git(tmp_path: Path):
    repo = make_git_repo(tmp_path / "repo")
    (repo / "mod.py").write_text(OLD)
    commit_all(repo, "one")
    (repo / "mod.py").write_text(NEW)
    commit_all(repo, "two")
    (repo / "mod.py").write_text("rewritten later\n")
    commit_all(repo, "three")

    (unit,) = GitDiffSource("HEAD~2..HEAD~1", repo, LANGUAGES, 2 * MB).collect().units
    assert unit.text == NEW
    assert unit.disk_path is None


def test_a_missing_path_an_unknown_revision_and_no_repository_are_target_errors(tmp_path: Path):
    """Nothing the user named is there: an error in the request (the CLI exits 2), not a gap in the review."""
    with pytest.raises(TargetError, match=r"missing.py: no such file or directory"):
        paths_source(tmp_path, str(tmp_path / "missing.py")).collect()
    repo = make_git_repo(tmp_path / "repo")
    (repo / "a.py").write_text("x = 1\n")
    commit_all(repo, "one")
    with pytest.raises(TargetError, match=r"^unknown git revision 'no-such-branch'$"):
        GitDiffSource("no-such-branch", repo, LANGUAGES, 2 * MB).collect()
    outside = tmp_path / "plain"
    outside.mkdir()
    with pytest.raises(TargetError, match=r"^--diff HEAD: .* is not inside a git repository$"):
        GitDiffSource("HEAD", outside, LANGUAGES, 2 * MB).collect()
