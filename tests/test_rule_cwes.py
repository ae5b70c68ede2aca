"""The one table of reviewed CWEs (engines/rule_cwes.py): every Bandit test and own Semgrep rule has a row, each
row names a weakness of the catalog by its meaning, and one defect two engines find on a line is one finding."""

from pathlib import Path

from bandit.core import extension_loader

from secreview import cwe
from secreview.api import ReviewRequest, run_review
from secreview.config import Settings
from secreview.engines.rule_cwes import RESTATES, RULE_CWES
from secreview.engines.rulebook import load_rules


def test_every_bandit_test_and_own_semgrep_rule_has_a_reviewed_row():
    manager = extension_loader.MANAGER
    bandit_tests = set(manager.plugins_by_id) | set(manager.blacklist_by_id)
    semgrep_rules = {rule.id for rule in load_rules()}
    assert bandit_tests - set(RULE_CWES) == set(), "review the CWE of these Bandit tests"
    assert semgrep_rules - set(RULE_CWES) == set(), "review the CWE of these Semgrep rules"
    assert set(RULE_CWES) <= bandit_tests | semgrep_rules, "rows for rules that no longer exist"


def test_each_row_is_a_catalog_weakness_whose_name_says_what_the_rule_finds():
    for rule_id, row in RULE_CWES.items():
        assert cwe.is_weakness(row.cwe), f"{rule_id}: CWE-{row.cwe} is not a weakness in the catalog"
        name = cwe.lookup(row.cwe).name.lower()
        assert row.weakness in name, f"{rule_id}: CWE-{row.cwe} is {name!r}, not {row.weakness!r}"


def test_the_semgrep_rules_metadata_agrees_with_the_table():
    for rule in load_rules():
        assert rule.cwe == RULE_CWES[rule.id].cwe, rule.id


def test_the_ids_bandit_gets_wrong_are_corrected():
    assert RULE_CWES["B307"].cwe == RULE_CWES["B102"].cwe == 95  # eval/exec: Bandit says OS command injection
    assert RULE_CWES["B310"].cwe == 918  # urlopen: Bandit says path traversal
    assert RULE_CWES["B506"].cwe == 502  # yaml.load: Bandit says improper input validation


def test_a_rule_that_restates_bandit_tests_finds_their_weakness():
    manager = extension_loader.MANAGER
    for rule_id, tests in RESTATES.items():
        for test_id, test_name in tests.items():
            assert manager.plugins_by_id[test_id].name == test_name
            assert cwe.same_family(RULE_CWES[rule_id].cwe, RULE_CWES[test_id].cwe), (rule_id, test_id)


SAME_LINE = (
    "import os\n"
    "import pickle\n"
    "import urllib.request\n"
    "import yaml\n"
    "\n"
    "\n"
    "def handle(data, url):\n"
    "    eval(input())\n"
    "    os.system('ls ' + input())\n"
    "    exec(data)\n"
    "    pickle.loads(data)\n"
    "    urllib.request.urlopen(url)\n"
    "    return yaml.load(data)\n"
)


def test_one_defect_on_one_line_is_one_finding_whichever_engines_report_it(tmp_path: Path):
    (tmp_path / "handler.py").write_text(SAME_LINE)
    review = run_review(ReviewRequest(paths=[str(tmp_path)]), Settings(engine="static"), start=tmp_path)
    by_line = {finding.start_line: finding for finding in review.findings}
    assert len(by_line) == len(review.findings), [(f.start_line, f.cwe, f.engines) for f in review.findings]
    assert (by_line[8].cwe, by_line[8].engines) == (95, ["bandit", "semgrep"])
    assert "subprocess" not in by_line[8].solution  # advice for eval, not for a shell command
    assert [(line, finding.cwe) for line, finding in sorted(by_line.items())][1:] == [
        (9, 78),
        (10, 95),
        (11, 502),
        (12, 918),
        (13, 502),
    ]


def test_a_program_started_by_name_is_not_a_defect_by_default(tmp_path: Path):
    """B607 on ["git", "--version"]: PATH is the user's own here; a reviewer flags it only for privileged code."""
    (tmp_path / "version.py").write_text('import subprocess\n\nsubprocess.run(["git", "--version"], check=True)\n')
    request = ReviewRequest(paths=[str(tmp_path)])
    assert run_review(request, Settings(engine="static"), start=tmp_path).findings == []
    enabled = Settings(engine="static", bandit_skip=[test for test in Settings().bandit_skip if test != "B607"])
    (finding,) = run_review(request, enabled, start=tmp_path).findings
    assert (finding.cwe, finding.severity.value, finding.start_line) == (426, "low", 3)
