"""`secreview cwe ID`: a CWE's name, description and chain up to its CWE-1000 pillar, offline."""

from __future__ import annotations

import re

import click

from secreview import cwe


@click.command("cwe")
@click.argument("identifier")
def cwe_command(identifier: str) -> None:
    """Show a CWE (89, CWE-89) from the MITRE catalog."""
    match = re.fullmatch(r"(?i)(?:cwe-?)?(\d+)", identifier.strip())
    if match is None:
        raise click.BadParameter(f"'{identifier}' is not a CWE id (try 89 or CWE-89)", param_hint="IDENTIFIER")
    try:
        entry = cwe.lookup(int(match.group(1)))
    except cwe.UnknownCweError:
        raise click.BadParameter(f"CWE-{match.group(1)} is not in the MITRE CWE catalog") from None
    click.echo(f"CWE-{entry.id}: {entry.name}")
    click.echo(f"Abstraction: {entry.kind}")
    click.echo(f"https://cwe.mitre.org/data/definitions/{entry.id}.html")
    click.echo("")
    click.echo(click.wrap_text(entry.description, width=100))
    if not cwe.is_weakness(entry.id):
        click.echo("\nA category or view, not a weakness: findings are never reported under it.")
        return
    click.echo("\nChain to the CWE-1000 pillar (ChildOf, primary parent):")
    for depth, cwe_id in enumerate(cwe.chain_to_pillar(entry.id)):
        parent = cwe.lookup(cwe_id)
        click.echo(f"{'  ' * depth}CWE-{cwe_id} {parent.name} ({parent.kind})")
