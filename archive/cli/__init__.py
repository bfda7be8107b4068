"""The `kyso` command. Thin: parse options, call the library, render, pick the exit code.

Heavy modules (pyHanko, SQLAlchemy) are imported inside the commands so that `kyso --help`
answers instantly.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kyso")
@click.option("-v", "--verbose", is_flag=True, help="Show the validation libraries' own log messages on stderr.")
def main(verbose: bool) -> None:
    """kyso: verify and archive signed PDFs of Vietnamese state agencies."""
    from archive.cli.logs import configure
    from verifier.patches import install

    configure(verbose)
    install()  # before any command imports pyhanko.sign; `kyso --help` never gets here


def _register() -> None:
    from archive.cli.archive import COMMANDS
    from archive.cli.certs import certs
    from archive.cli.verify import verify

    main.add_command(verify)
    main.add_command(certs)
    for command in COMMANDS:
        main.add_command(command)


_register()
