"""End to end: the real `secreview` command on real files and real git repositories."""

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import commit_all, git, make_git_repo, run_secreview
from secreview.models import NO_DEFECTS_VERDICT

pytestmark = pytest.mark.slow

SAFE_LOOKUP = """\
import sqlite3


def find(name):
    cursor = sqlite3.connect("app.db").cursor()
    cursor.execute("SELECT * FROM users WHERE name = ?", (name,))
    return cursor.fetchall()
"""
UNSAFE_LOOKUP = SAFE_LOOKUP.replace(
    '    cursor.execute("SELECT * FROM users WHERE name = ?", (name,))\n',
    "    query = \"SELECT * FROM users WHERE name = '%s'\" % name\n    cursor.execute(query)\n",
)


def test_review_a_file_shows_defects_and_fails(project: Path):
    done = run_secreview("review", "src/app.py", cwd=project)
    assert done.returncode == 1, done.stderr
    assert (
        "CWE-89 (Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection'))" in done.stdout
    )
    assert "CWE-78 (" in done.stdout
    assert "**Solution**:" in done.stdout
    assert "security defects are detected in the code" in done.stdout


def test_review_a_clean_file_passes_with_the_fixed_sentence(project: Path):
    done = run_secreview("review", "src/clean.py", cwd=project)
    assert done.returncode == 0, done.stderr
    assert f"**{NO_DEFECTS_VERDICT}**" in done.stdout
    assert done.stderr == ""


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_review_a_directory_in_several_languages_to_json_and_sarif(project: Path):
    done = run_secreview("review", ".", "--format", "json", "-o", "review.json", cwd=project)
    assert done.returncode == 1, done.stderr
    review = json.loads((project / "review.json").read_text())
    assert (project / "review.json").stat().st_mode & 0o777 == 0o666 & ~current_umask()  # as open as any new file
    by_path = {(f["path"], f["cwe"]) for f in review["findings"]}
    assert ("src/app.py", 89) in by_path
    assert ("native/greet.c", 134) in by_path
    assert review["complete"] is True
    sarif = run_secreview("review", ".", "--format", "sarif", cwd=project)
    assert json.loads(sarif.stdout)["version"] == "2.1.0"


def test_fail_on_threshold_decides_the_exit_code(project: Path):
    (project / "weak.py").write_text("import random\n\n\ndef pick(items):\n    return random.choice(items)\n")
    assert run_secreview("review", "weak.py", "--fail-on", "critical", cwd=project).returncode == 0
    assert run_secreview("review", "src/app.py", "--fail-on", "low", cwd=project).returncode == 1


def test_settings_from_pyproject_and_environment(project: Path):
    (project / "pyproject.toml").write_text('[tool.secreview]\nformat = "json"\nfail-on = "critical"\n')
    done = run_secreview("review", "src/app.py", cwd=project)
    assert json.loads(done.stdout)["findings"]  # JSON from pyproject
    assert done.returncode == 1  # fail-on critical from pyproject: the OS command injection is critical
    assert run_secreview("review", "src/app.py", "--fail-on", "critical", cwd=project).returncode == 1
    (project / "src" / "ok.py").write_text("import hashlib\n\nDIGEST = hashlib.md5(b'x').hexdigest()\n")
    assert run_secreview("review", "src/ok.py", cwd=project).returncode == 0  # a high finding, below critical
    from_env = run_secreview("review", "src/app.py", cwd=project, env={"SECREVIEW_FORMAT": "sarif"})
    assert json.loads(from_env.stdout)["version"] == "2.1.0"
    bad = run_secreview("review", "src/app.py", cwd=project, env={"SECREVIEW_FAIL_ON": "sometimes"})
    assert bad.returncode == 2
    assert bad.stderr.startswith("secreview: error: invalid setting fail-on (from the environment)")


@pytest.fixture
def repo_with_change(tmp_path: Path) -> Path:
    repo = make_git_repo(tmp_path / "repo")
    (repo / "db.py").write_text(SAFE_LOOKUP)
    (repo / "legacy.py").write_text("import os\n\n\ndef run(cmd):\n    os.system(cmd)\n")
    commit_all(repo, "Add user lookup")
    (repo / "db.py").write_text(UNSAFE_LOOKUP)
    commit_all(repo, "Build the lookup query by hand\n\nFaster than binding parameters.")
    return repo


def test_review_the_changes_of_a_revision(repo_with_change: Path):
    done = run_secreview("review", "--diff", "HEAD~1", "--format", "json", "--fail-on", "medium", cwd=repo_with_change)
    review = json.loads(done.stdout)
    assert [(f["path"], f["cwe"]) for f in review["findings"]] == [("db.py", 89)]  # legacy.py did not change
    assert review["commit_message"].startswith("Build the lookup query by hand")
    assert review["coverage"]["units"][0]["review_lines"] == [{"start": 6, "end": 7}]
    assert done.returncode == 1


def test_review_a_patch_from_stdin_and_from_a_file(repo_with_change: Path):
    git(repo_with_change, "reset", "-q", "--soft", "HEAD~1")
    diff = git(repo_with_change, "diff", "--cached")
    from_stdin = run_secreview("review", "--patch", "-", "--format", "json", cwd=repo_with_change, stdin=diff)
    assert [f["cwe"] for f in json.loads(from_stdin.stdout)["findings"]] == [89]

    (repo_with_change / "db.py").write_text(SAFE_LOOKUP)  # the patch is not applied here: applied in memory
    (repo_with_change / "change.patch").write_text(diff)
    from_file = run_secreview("review", "--patch", "change.patch", "--format", "json", cwd=repo_with_change)
    assert [f["cwe"] for f in json.loads(from_file.stdout)["findings"]] == [89]


def test_an_empty_patch_is_clean(tmp_path: Path):
    done = run_secreview("review", "--patch", "-", cwd=tmp_path, stdin="")
    assert done.returncode == 0
    assert NO_DEFECTS_VERDICT in done.stdout


def test_bad_inputs_are_reported_and_the_rest_is_still_reviewed(project: Path):
    (project / "binary.py").write_bytes(b"\x00\x01\x02" * 10)
    (project / "latin1.py").write_bytes("s = 'café'\n".encode("latin-1"))
    (project / "empty.py").write_text("")
    (project / "broken.py").write_text("def f(:\n    pass\n")
    (project / "huge.py").write_text("x = 1\n" * 3_500_000)  # about 21 MB
    named = ["src/clean.py", "binary.py", "latin1.py", "empty.py", "broken.py", "huge.py"]

    done = run_secreview("review", *named, "--format", "json", cwd=project)

    assert done.returncode == 3
    lines = done.stderr.splitlines()
    assert "secreview: not reviewed: binary.py: binary file (contains NUL bytes)" in lines
    assert any(line.startswith("secreview: not reviewed: latin1.py: not UTF-8 text") for line in lines)
    assert any(line.startswith("secreview: not reviewed: huge.py: too large (21.0 MB > 2.0 MB limit") for line in lines)
    assert any(line.startswith("secreview: bandit skipped broken.py: Bandit cannot parse it") for line in lines)
    assert "secreview: note: empty.py: empty file: nothing to review" in lines
    review = json.loads(done.stdout)
    assert {s["target"] for s in review["coverage"]["skipped"]} == {"binary.py", "latin1.py", "huge.py"}
    reviewed = {u["path"]: u for u in review["coverage"]["units"]}
    assert reviewed["src/clean.py"]["reviewed_by"] == ["bandit", "semgrep", "flows"]
    assert reviewed["broken.py"]["reviewed_by"] == ["semgrep"]
    assert review["complete"] is False
    assert NO_DEFECTS_VERDICT not in review["verdict"]


def test_a_malformed_patch_exits_3(repo_with_change: Path):
    bad_patch = run_secreview("review", "--patch", "-", cwd=repo_with_change, stdin="not a diff at all\n")
    assert bad_patch.returncode == 3
    assert "secreview: not reviewed: --patch -: malformed patch" in bad_patch.stderr
    assert NO_DEFECTS_VERDICT not in bad_patch.stdout


def test_what_does_not_exist_is_a_usage_error(repo_with_change: Path, tmp_path: Path):
    """A typo is not an incomplete review: exit 2, one line naming it, no report."""
    plain = tmp_path / "plain"
    plain.mkdir()
    cases = [
        (repo_with_change, ["--diff", "v9.9.9"], "secreview: error: unknown git revision 'v9.9.9'"),
        (repo_with_change, ["--diff", "main..v9"], "secreview: error: unknown git revision 'v9'"),
        (repo_with_change, ["missing.py"], "secreview: error: missing.py: no such file or directory"),
        (plain, ["--diff", "HEAD"], f"secreview: error: --diff HEAD: {plain} is not inside a git repository"),
        (plain, ["--staged"], f"secreview: error: --staged: {plain} is not inside a git repository"),
    ]
    for cwd, arguments, message in cases:
        done = run_secreview("review", *arguments, cwd=cwd)
        assert (done.returncode, done.stderr, done.stdout) == (2, message + "\n", ""), arguments
    baseline = run_secreview("baseline", "create", "b.json", "missing.py", cwd=plain)
    assert baseline.returncode == 2 and baseline.stderr.endswith(
        "secreview: error: missing.py: no such file or directory\n"
    )


def test_usage_errors_exit_2(project: Path):
    assert run_secreview("review", cwd=project).returncode == 2
    assert run_secreview("review", "src", "--diff", "HEAD", cwd=project).returncode == 2
    assert run_secreview("review", "src", "--format", "pdf", cwd=project).returncode == 2
    assert run_secreview("review", "--patch", "nope.patch", cwd=project).returncode == 2


def test_output_to_an_unwritable_place_is_a_clear_error(project: Path):
    done = run_secreview("review", "src/clean.py", "-o", "no/such/dir/out.md", cwd=project)
    assert done.returncode == 2
    assert done.stderr.startswith("secreview: error: cannot write no/such/dir/out.md")


def test_cwe_command_prints_the_chain_to_the_pillar(tmp_path: Path):
    done = run_secreview("cwe", "CWE-89", cwd=tmp_path)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == "CWE-89: Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')"
    chain = [line.strip().split()[0] for line in lines if line.strip().startswith("CWE-") and "(" in line][1:]
    assert chain == ["CWE-89", "CWE-943", "CWE-74", "CWE-707"]
    assert run_secreview("cwe", "999999", cwd=tmp_path).returncode == 2


def test_the_shipped_examples_review_without_network(tmp_path: Path):
    example = Path(__file__).parents[1] / "examples"
    copy = shutil.copytree(example, tmp_path / "examples")
    done = run_secreview("review", str(copy), "--format", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    review = json.loads(done.stdout)
    assert review["complete"] is True
    flagged = {f["path"].rsplit("examples/", 1)[-1] for f in review["findings"]}
    assert flagged == {"webapp/app.py"}  # the Neutron test file has no injection-style defects
    assert {89, 78, 502, 601} <= {f["cwe"] for f in review["findings"]}


NEUTRON_FILE = Path(__file__).parents[1] / "examples" / "neutron" / "test_revision_plugin.py"


def test_parse_free_text_reviews_of_the_seed_file(tmp_path: Path):
    seeds = Path(__file__).parent / "data" / "seeds"
    one = run_secreview(
        "parse",
        str(seeds / "002_e811755624cfc8a1.txt"),
        "--code",
        str(NEUTRON_FILE),
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert one.returncode == 0, one.stderr
    found = sorted((f["cwe"], f["start_line"], f["end_line"]) for f in json.loads(one.stdout)["findings"])
    assert found == [(664, 72, 78), (691, 66, 79), (703, 63, 80)]

    clean = run_secreview("parse", str(seeds / "000_f6b77719395604b0.txt"), "--code", str(NEUTRON_FILE), cwd=tmp_path)
    assert f"**{NO_DEFECTS_VERDICT}**" in clean.stdout
    assert "## Observations (not defects)" in clean.stdout
    assert "Lines 70-78" in clean.stdout and "Lines 94-97" in clean.stdout


def test_stderr_names_at_most_fifty_gaps_and_counts_the_rest(tmp_path: Path):
    for number in range(60):
        (tmp_path / f"blob{number:02}.py").write_bytes(b"x = 1\0\n")
    done = run_secreview("review", ".", "--format", "json", cwd=tmp_path)
    assert done.returncode == 3
    lines = done.stderr.splitlines()
    assert len(lines) == 51 and lines[-1] == "secreview: ... and 10 more gaps and notes: see the report's coverage"
    assert len(json.loads(done.stdout)["coverage"]["skipped"]) == 60  # the report keeps every one


def test_context_names_where_the_projects_wrappers_are_outside_a_git_repository(tmp_path: Path):
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "net.py").write_text(
        "import requests\n\n\ndef fetch(address):\n    return requests.get(address, timeout=5)\n"
    )
    (tmp_path / "app.py").write_text("from helpers.net import fetch\n\n\ndef preview(url):\n    return fetch(url)\n")
    alone = run_secreview("review", "app.py", "--format", "json", cwd=tmp_path)
    assert json.loads(alone.stdout)["candidates"] == []
    around = run_secreview("review", "app.py", "--context", "helpers", "--format", "json", cwd=tmp_path)
    review = json.loads(around.stdout)
    assert [(c["path"], c["start_line"], c["cwe"]) for c in review["candidates"]] == [("app.py", 5, 918)]
    assert [unit["path"] for unit in review["coverage"]["units"]] == ["app.py"]  # read, not reviewed
    missing = run_secreview("review", "app.py", "--context", "nowhere", cwd=tmp_path)
    assert missing.returncode == 2 and "nowhere: no such file or directory" in missing.stderr
