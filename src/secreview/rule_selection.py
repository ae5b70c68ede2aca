"""Which rules run and which findings count, as the user chose: `enable` turns on rules that are off by default
(Bandit's skipped tests), `disable` leaves out the findings of rules by id, for every engine, and `rules` adds the
user's own Semgrep rule files (local paths only)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from secreview.config import ConfigError
from secreview.models import Finding


def bandit_skipped(skip: Sequence[str], enable: Sequence[str], disable: Sequence[str]) -> list[str]:
    """The Bandit tests not to run: those skipped by the settings unless enabled, and disabled test ids (B311)."""
    enabled = {rule.upper() for rule in enable}
    disabled = [rule.upper() for rule in disable if rule[:1] in "bB" and rule[1:].isdigit()]
    return list(dict.fromkeys([*(test for test in skip if test.upper() not in enabled), *disabled]))


def _rule_names(rule_id: str) -> set[str]:
    """The names a rule goes by: Bandit's `B602:subprocess_popen_with_shell_equals_true` is B602 and its name."""
    return {part.lower() for part in rule_id.split(":") if part}


def without_disabled(findings: Iterable[Finding], disable: Sequence[str]) -> list[Finding]:
    """The raw findings, less those every piece of evidence of which comes from a disabled rule."""
    disabled = {rule.lower() for rule in disable}
    if not disabled:
        return list(findings)
    return [f for f in findings if not f.evidence or any(not _rule_names(e.rule_id) & disabled for e in f.evidence)]


def user_rule_paths(rules: Sequence[str]) -> tuple[Path, ...]:
    """The user's Semgrep rule files and folders; ConfigError for anything that is not one on this machine
    (registry ids like p/python and URLs are refused: reviews run offline, on rules the project can read)."""
    paths = []
    for rule in rules:
        path = Path(rule).expanduser()
        if not (path.is_file() or path.is_dir()):
            raise ConfigError(
                f"invalid setting rules: {rule} is not a local rule file or folder (registry ids and URLs are not used)"
            )
        paths.append(path.resolve())
    return tuple(paths)
