"""The `kyso` command. Thin: parse options, call the library, render, pick the exit code.

Heavy modules (pyHanko, SQLAlchemy) are imported inside the commands so that `kyso --help`
answers instantly.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kyso")
def main() -> None:
    """kyso: verify and archive signed PDFs of Vietnamese state agencies."""


def _register() -> None:
    from archive.certs_cli import certs
    from archive.verify_cli import verify

    main.add_command(certs)
    main.add_command(verify)


_register()
