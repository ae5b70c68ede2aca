"""The workflow docs (docs/workflows/) and their CI examples: valid YAML, embedded verbatim in the pages, and
every `secreview` command in them accepted by the real command line (options, choices, subcommands)."""

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

from secreview.cli import main

ROOT = Path(__file__).parent.parent
WORKFLOWS = ROOT / "docs" / "workflows"
PAGES = ["local.md", "pre-commit.md", "github.md", "gitlab.md", "remote-models.md"]
GITHUB_EXAMPLE = WORKFLOWS / "examples" / "github-secreview.yml"
GITLAB_EXAMPLE = WORKFLOWS / "examples" / "gitlab-ci.yml"
SHELL_BLOCKS = {"", "bash", "sh", "console", "yaml", "yml"}  # not toml or python: no commands there
CODE_BLOCK = re.compile(r"^( *)```(\w*)\n(.*?)^\1```", re.MULTILINE | re.DOTALL)
OPERATOR = set("();<>|&")


def code_blocks(page: Path) -> list[tuple[str, str]]:
    """(language, text) of each fenced block, its indentation removed."""
    blocks = []
    for indent, language, text in CODE_BLOCK.findall(page.read_text()):
        blocks.append((language, "\n".join(line[len(indent) :] for line in text.splitlines()) + "\n"))
    return blocks


def commands_in(text: str) -> list[list[str]]:
    """The arguments of every `secreview ...` command in shell or YAML text, up to a shell operator."""
    commands = []
    for line in text.replace("\\\n", " ").splitlines():
        if "secreview" not in line:
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.wordchars += ":"  # URLs stay whole; YAML keys (`run:`) become one token
        tokens = list(lexer)
        for i, token in enumerate(tokens):
            before = tokens[i - 1] if i else ""
            # A command starts a line, a YAML value (`run:`) or list item (`-`), or follows a shell operator.
            if token != "secreview" or not (before.endswith(":") or before == "-" or set(before) <= OPERATOR):
                continue
            arguments = []
            for argument in tokens[i + 1 :]:
                if set(argument) <= OPERATOR:
                    break
                arguments.append(argument)
            if arguments:  # `name: secreview` names, it runs nothing
                commands.append(arguments)
    return commands


def check_command(arguments: list[str]) -> None:
    """Parse the arguments with the real click commands, as `secreview` would, without running them."""
    command: click.Command = main
    path = ["secreview"]
    while isinstance(command, click.Group):
        assert arguments, f"{' '.join(path)} needs a subcommand"
        name, *arguments = arguments
        found = command.get_command(click.Context(command), name)
        assert found is not None, f"unknown command: {' '.join(path)} {name}"
        command, path = found, [*path, name]
    try:
        command.make_context(" ".join(path), list(arguments))
    except click.ClickException as error:
        raise AssertionError(f"{' '.join(path)} {shlex.join(arguments)}: {error.format_message()}") from None


def documented_commands() -> dict[str, list[list[str]]]:
    found = {
        page: [c for lang, text in code_blocks(WORKFLOWS / page) if lang in SHELL_BLOCKS for c in commands_in(text)]
        for page in PAGES
    }
    for example in (GITHUB_EXAMPLE, GITLAB_EXAMPLE):
        found[example.name] = commands_in(example.read_text())
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    found[".pre-commit-hooks.yaml"] = [c for hook in hooks for c in commands_in(hook["entry"])]
    return found


def test_every_documented_command_is_one_the_command_line_accepts():
    found = documented_commands()
    for where, commands in found.items():
        assert commands, f"no secreview command found in {where}"
    for where, commands in found.items():
        for arguments in commands:
            try:
                check_command(arguments)
            except AssertionError as error:
                raise AssertionError(f"{where}: {error}") from None
    assert ["review", "--staged"] in found["local.md"]


def report_formats(example: Path) -> list[str]:
    """The --format of each `secreview review` in a CI example."""
    reviews = [c for c in commands_in(example.read_text()) if c[0] == "review"]
    return [c[c.index("--format") + 1] for c in reviews]


def test_the_ci_examples_are_valid_yaml_with_their_reports_kept_on_failure():
    github = yaml.safe_load(GITHUB_EXAMPLE.read_text())
    steps = [step for job in github["jobs"].values() for step in job["steps"]]
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert (upload["if"], upload["with"]["sarif_file"]) == ("always()", "secreview.sarif")
    assert upload["with"]["category"]
    assert report_formats(GITHUB_EXAMPLE) == ["sarif", "github", "review-comments"]

    job = yaml.safe_load(GITLAB_EXAMPLE.read_text())["secreview"]
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["sast"] == "gl-sast-report.json"
    assert report_formats(GITLAB_EXAMPLE) == ["gitlab", "gitlab"]


@pytest.mark.parametrize(("page", "example"), [("github.md", GITHUB_EXAMPLE), ("gitlab.md", GITLAB_EXAMPLE)])
def test_the_pages_show_the_example_files_verbatim(page: str, example: Path):
    assert ("yaml", example.read_text()) in code_blocks(WORKFLOWS / page)


def test_the_pre_commit_page_names_the_hooks_the_project_defines():
    hook_ids = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    configs = [yaml.safe_load(text) for lang, text in code_blocks(WORKFLOWS / "pre-commit.md") if lang == "yaml"]
    used = {hook["id"] for config in configs if "repos" in config for repo in config["repos"] for hook in repo["hooks"]}
    assert used == hook_ids


def test_the_readme_links_every_workflow_page():
    readme = (ROOT / "README.md").read_text()
    for page in PAGES:
        assert f"(docs/workflows/{page})" in readme


def install_commands() -> dict[str, list[str]]:
    """Every `pip install` / `pipx install` line of the README and the workflow pages and examples."""
    texts = {page: (WORKFLOWS / page).read_text() for page in PAGES}
    texts |= {"README.md": (ROOT / "README.md").read_text()}
    texts |= {example.name: example.read_text() for example in (GITHUB_EXAMPLE, GITLAB_EXAMPLE)}
    return {
        where: [line.strip() for line in text.splitlines() if re.search(r"\bpipx? install\b", line)]
        for where, text in texts.items()
    }


def test_secreview_is_installed_as_it_can_be_and_pinned_to_what_exists():
    """secreview is not on PyPI and has no release tags: a checkout, a wheel or its git URL at a commit."""
    for where, lines in install_commands().items():
        for line in lines:
            assert not re.search(r"pipx? install (--\S+ )*secreview\b", line), f"{where}: {line}"
    for example in (GITHUB_EXAMPLE, GITLAB_EXAMPLE):
        assert "SECREVIEW: git+https://github.com/OWNER/secreview@COMMIT" in example.read_text()
        assert 'pip install "$SECREVIEW"' in example.read_text()
    configs = [yaml.safe_load(text) for lang, text in code_blocks(WORKFLOWS / "pre-commit.md") if lang == "yaml"]
    revs = [repo["rev"] for config in configs if "repos" in config for repo in config["repos"]]
    assert revs == ["COMMIT", "COMMIT"]  # a placeholder for a commit SHA: there is no tag to pin
    readme = install_commands()["README.md"]
    for way in ("pip install .", "pipx install .", "pip install dist/secreview-", 'pip install "git+https://'):
        assert any(line.startswith(way) for line in readme), way


def test_the_demo_ends_by_saying_how_to_run_secreview():
    demo = (ROOT / "scripts" / "demo").read_text()
    review = demo.index(".venv/bin/secreview review")
    assert "Next: review your own code with .venv/bin/secreview" in demo[review:]
    assert "source .venv/bin/activate" in demo[review:]
    assert "exec .venv/bin/secreview review" not in demo  # the review must not be the script's last word
