from pathlib import Path

import pytest

from secreview import aggregate
from secreview.api import ReviewRequest, run_review
from secreview.config import Settings
from secreview.models import NO_DEFECTS_VERDICT, CodeUnit, Evidence, Finding, LineRange, Severity

TEXT = "import hashlib\n\n\ndef digest(data):\n    return hashlib.md5(data).hexdigest()\n"


def unit(text: str = TEXT, review_lines: list[LineRange] | None = None) -> CodeUnit:
    return CodeUnit(id="m.py", path="m.py", language="python", text=text, review_lines=review_lines)


def raw(engine: str, cwe: int | None, start: int, end: int | None = None, confidence: float = 0.6) -> Finding:
    return Finding(
        path="m.py", start_line=start, end_line=end or start, cwe=cwe, title=f"{engine} title",
        description=f"{engine} says", solution=f"{engine} fix", severity=Severity.medium, confidence=confidence,
        evidence=[Evidence(engine=engine, rule_id="r", message="m", severity=Severity.medium,
                           confidence=confidence, cwe=cwe)],
    )  # fmt: skip


def test_findings_of_one_defect_from_two_engines_merge_and_keep_both_as_evidence():
    (merged,) = aggregate.judge([raw("bandit", 327, 5, confidence=0.9), raw("semgrep", 328, 5, 6)], {"m.py": unit()})
    assert merged.cwe == 328  # the more specific of the family
    assert merged.cwe_name == "Use of Weak Hash"
    assert merged.pillar == 693
    assert merged.engines == ["bandit", "semgrep"]
    assert (merged.start_line, merged.end_line) == (5, 5)  # clipped to the file, then intersected
    assert merged.confidence == 0.96  # 1 - (1 - 0.9) * (1 - 0.6)
    assert merged.code == "    return hashlib.md5(data).hexdigest()"


def test_different_weaknesses_on_the_same_line_stay_apart():
    findings = aggregate.judge([raw("bandit", 79, 5), raw("semgrep", 89, 5)], {"m.py": unit()})
    assert [f.cwe for f in findings] == [79, 89]


def test_lines_outside_the_file_or_the_changed_lines_are_dropped():
    changed = unit(review_lines=[LineRange(start=4, end=4)])
    assert aggregate.judge([raw("x", 89, 40)], {"m.py": unit()}) == []
    assert aggregate.judge([raw("x", 89, 5)], {"m.py": changed}) == []
    assert len(aggregate.judge([raw("x", 89, 3, 5)], {"m.py": changed})) == 1


def test_ids_that_name_no_weakness_are_not_shown():
    (finding,) = aggregate.judge([raw("x", 16, 5)], {"m.py": unit()})  # CWE-16 is a category
    assert finding.cwe is None


def test_a_models_id_yields_to_the_weakness_it_names_and_a_checks_id_is_trusted():
    """A model's CWE that contradicts the weakness its title names is replaced by the named one; the id of any
    rule or analyzer check (evidence that is no model sample) comes from a reviewed table and stays, whichever
    engine it is, so a new analyzer needs no entry anywhere to be trusted."""
    named = raw("new-analyzer", 200, 5).model_copy(update={"title": "SQL injection in the query"})
    (from_check,) = aggregate.judge([named], {"m.py": unit()})
    assert from_check.cwe == 200
    sampled = named.model_copy(update={"evidence": [named.evidence[0].model_copy(update={"sample": 0})]})
    (from_model,) = aggregate.judge([sampled], {"m.py": unit()})
    assert from_model.cwe == 89


def test_fingerprints_survive_lines_moving_and_tell_repeats_apart():
    before = aggregate.judge([raw("x", 328, 5)], {"m.py": unit()})
    moved_text = "# a new comment\n" * 3 + TEXT
    after = aggregate.judge([raw("x", 328, 8)], {"m.py": unit(moved_text)})
    assert before[0].fingerprint == after[0].fingerprint
    twice = unit(TEXT + TEXT.split("\n", 3)[3])
    repeated = aggregate.judge([raw("x", 328, 5), raw("x", 328, 7)], {"m.py": twice})
    assert repeated[0].fingerprint != repeated[1].fingerprint


def test_verdicts():
    assert aggregate.verdict([], complete=True) == NO_DEFECTS_VERDICT
    incomplete = aggregate.verdict([], complete=False)
    assert "incomplete" in incomplete and NO_DEFECTS_VERDICT not in incomplete
    (finding,) = aggregate.judge([raw("x", 328, 5)], {"m.py": unit()})
    assert aggregate.verdict([finding], complete=True) == "1 security defect is detected in the code (1 medium)"
    # candidates no model checked are not defects, and not a clean review either
    waiting = aggregate.verdict([], complete=True, candidates=2)
    assert waiting == "No security defect is confirmed in the code; 2 candidates are listed to check (not counted)"
    assert aggregate.verdict([finding], complete=True, candidates=1).endswith(
        "; 1 candidate is listed to check (not counted)"
    )
    assert NO_DEFECTS_VERDICT not in aggregate.verdict([], complete=False, candidates=1)


def test_reports_on_adjacent_lines_are_one_defect():
    (merged,) = aggregate.judge([raw("bandit", 328, 4), raw("semgrep", 328, 5)], {"m.py": unit()})
    assert (merged.start_line, merged.end_line) == (4, 5)
    apart = aggregate.judge([raw("bandit", 328, 1), raw("semgrep", 328, 5)], {"m.py": unit()})
    assert len(apart) == 2


@pytest.mark.parametrize(
    ("path", "a_tests_own"),
    [
        ("tests/test_login.py", True),
        ("test/helpers.py", True),
        ("test_devpi_server/functional.py", True),  # a test package
        ("shop_tests/fixtures.py", True),
        ("Tests/t_bind.py", True),  # python-ldap's
        ("shop/login_test.py", True),
        ("conftest.py", True),
        ("dashboards/identity/users/tests.py", True),  # a Django app's tests (Horizon's)
        ("django/core/management/commands/test.py", False),  # the command that runs them
        ("devpi_server/model.py", False),
        ("contest/app.py", False),
        ("numpy/testing/utils.py", False),
        ("/home/me/shop/tests/test_login.py", True),  # a file outside the project reviewed: its folder and name
        ("/tmp/pytest-of-me/test_review0/shop/app.py", False),  # not the folders above
    ],
)
def test_a_tests_own_file_by_its_path(path: str, a_tests_own: bool):
    password = raw("bandit", 259, 2).model_copy(update={"path": path})
    judged = aggregate.judge_votes([password], {path: unit().model_copy(update={"path": path, "id": path})})
    assert [f.path for f in judged.fixtures] == ([path] if a_tests_own else [])


def test_a_test_files_credentials_requests_and_random_data_are_observations_the_products_are_defects(tmp_path: Path):
    """The password a test logs in with is a fixture, a test's request without a timeout hangs only the test, a
    test's random data is no secret, its own helper's parameter is what its tests pass, and the code it evaluates,
    the objects and XML it loads, the queries and commands it builds, its scratch files, their modes and its hashes
    are its own: listed as observations with their reasons, not counted. The product's are defects; so are input()
    evaluated and request data opened as a URL in a test."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "tests" / "test_login.py").write_text(
        "import random\n"
        "import requests\n"
        "\n"
        "\n"
        "def test_login(server):\n"
        '    password = "hunter2secret"\n'
        '    assert requests.post(server + "/login", data={"pw": password, "n": random.randint(0, 9)}).ok\n'
        "    return eval(input())\n"  # data from outside: a defect in a test too
        "\n"
        "\n"
        "def _create(cursor, datatype):\n"
        '    cursor.execute(f"create table t1(c1 {datatype}(4000))")\n'
        "\n"
        "\n"
        "def _count(cursor, table):\n"
        '    cursor.execute("SELECT count(*) FROM %s" % table)\n'  # Bandit's B608 on the line too
        "\n"
        "\n"
        "def test_round_trip(point):\n"
        "    import hashlib, os, pickle, tempfile, xml.etree.ElementTree as ET\n"
        "    assert eval(repr(point)) == point\n"
        "    scratch = tempfile.mktemp()\n"
        "    os.chmod(scratch, 0o777)\n"
        '    assert hashlib.md5(b"abc").hexdigest()\n'
        "    assert pickle.loads(PICKLED) == point\n"
        '    assert ET.fromstring(open("tests/feed.xml").read())\n'
        "\n"
        "\n"
        "def test_dark_mode(client):\n"
        '    client.set_cookie("css_dark_mode", "true")\n'
        '    assert client.post("/servers", json={"ip": "0.0.0.0"})\n'  # a client's REMOTE_ADDR is no bind (B104)
        "    import urllib.request\n"
        '    assert urllib.request.urlopen(client.base_url + "/robots.txt").read()\n'  # httpie's tests
        "\n"
        "\n"
        "def _sample(name):\n"
        '    return open("tests/samples/" + name).read()\n'  # pikepdf's tests' helpers
        "\n"
        "\n"
        "def _next_url():\n"
        "    from flask import request\n"
        '    return request.args.get("next")\n'
        "\n"
        "\n"
        "def fetch_next():\n"
        "    return urllib.request.urlopen(_next_url())\n"  # request data, through a helper: stays a candidate
        "\n"
        "\n"
        "class TestSchema:\n"  # glance's functional tests: the test's own query, run in its own shell command
        "    def test_table(self):\n"
        "        import subprocess\n"
        '        cmd = "sqlite3 {0} \\"SELECT * FROM sqlite_master WHERE name=\'{1}\'\\"".format(self.db, self.t)\n'
        "        subprocess.check_call(cmd, shell=True)\n"
    )
    (tmp_path / "app" / "settings.py").write_text(
        "import random\n"
        "import requests\n\n"
        'DB_PASSWORD = "hunter2secret"\n'
        'FEED = requests.get("https://example.com/feed")\n'
        "TOKEN = random.randint(0, 10**9)\n"
        'BIND = "0.0.0.0"\n'
    )

    review = run_review(ReviewRequest(paths=[str(tmp_path)]), Settings(engine="static"), start=tmp_path)

    assert sorted((f.path, f.cwe) for f in review.findings) == [
        ("app/settings.py", 259),
        ("app/settings.py", 338),
        ("app/settings.py", 1088),
        ("app/settings.py", 1327),
        ("tests/test_login.py", 95),
        ("tests/test_login.py", 918),  # request data a helper returned, opened as a URL
    ]
    fixtures = sorted((f.path, f.cwe, f.start_line) for f in review.observations)
    assert fixtures == [
        ("tests/test_login.py", 22, 37),  # the flow engine's candidate: a test helper's parameter
        ("tests/test_login.py", 78, 53),  # the test's own command (Bandit's B602) ...
        ("tests/test_login.py", 89, 12),  # a helper's SQL from its parameter, as in pyodbc's tests/mysql_test.py
        ("tests/test_login.py", 89, 16),  # and with Bandit's report, as in mysqlclient's tests/capabilities.py
        ("tests/test_login.py", 89, 52),  # ... and query (Bandit's B608), from no parameter (glance's tests)
        ("tests/test_login.py", 95, 21),  # pikepdf's tests, each below
        ("tests/test_login.py", 259, 6),
        ("tests/test_login.py", 328, 24),
        ("tests/test_login.py", 338, 7),
        ("tests/test_login.py", 377, 22),
        ("tests/test_login.py", 502, 25),
        ("tests/test_login.py", 614, 30),  # a test client's cookie (changedetection.io's tests)
        ("tests/test_login.py", 732, 23),
        ("tests/test_login.py", 776, 26),
        ("tests/test_login.py", 918, 7),  # the flow engine's candidate: the test's server fixture
        ("tests/test_login.py", 918, 33),
        ("tests/test_login.py", 1004, 30),
        ("tests/test_login.py", 1088, 7),
        ("tests/test_login.py", 1327, 31),  # JupyterHub's tests' {"ip": "0.0.0.0"}
    ]
    assert all(f.remark and "test file" in f.remark for f in review.observations)
    (cookie,) = [f.remark for f in review.observations if f.cwe == 1004]
    assert cookie == "written in a test file: a test client's cookie"
    (unit,) = [unit for unit in review.coverage.units if unit.path == "tests/test_login.py"]
    assert any("not defects (fixtures): lines 6, 7" in note for note in unit.notes)
