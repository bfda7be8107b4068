"""The `kyso` command. Thin: parse options, call the library, render, pick the exit code.

Heavy modules (pyHanko, SQLAlchemy) are imported inside the commands so that `kyso --help`
answers instantly. Every way a command can end goes through archive.cli.failures: one sentence
and an exit code from one table (README: Exit codes), never a traceback.
"""

from __future__ import annotations

import functools
import sys

import click


class KysoGroup(click.Group):
    """The `kyso` group: decides the reader's language from the command line and KYSO_LANG
    before click parses anything (archive.lang), so help and usage errors are in it too."""

    def main(self, args=None, prog_name=None, **kwargs):
        from archive import lang as language
        from archive.cli import clicklang

        argv = list(sys.argv[1:] if args is None else args)
        try:
            lang = language.decide(argv)
        except language.LangError as exc:  # before click: its error would need a language
            from archive.cli.failures import EXIT_USAGE

            click.echo(exc.message(), err=True)
            sys.exit(EXIT_USAGE)
        language.use(lang)
        clicklang.install(lang)
        clicklang.localize(self, lang)
        if kwargs.get("standalone_mode", True) is False:  # a program calling kyso handles its own errors
            return super().main(args=argv, prog_name=prog_name, **kwargs)
        from archive.cli import failures

        kwargs["standalone_mode"] = False
        failures.run(lambda: super(KysoGroup, self).main(args=argv, prog_name=prog_name, **kwargs))


@click.group(cls=KysoGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kyso", message="%(prog)s %(version)s")  # the same in both languages
@click.option("-v", "--verbose", is_flag=True)
@click.option("-q", "--quiet", is_flag=True)
def main(verbose: bool, quiet: bool) -> None:
    """kyso: verify and archive signed PDFs of Vietnamese state agencies (help: archive.cli.words)."""
    from archive.cli import terminal
    from archive.cli.logs import configure

    terminal.verbose, terminal.quiet = verbose, quiet and not verbose
    configure(verbose)
    if terminal.quiet:  # results and errors only: kyso's warnings are in the reports already
        import logging

        logging.getLogger().setLevel(logging.ERROR)


def _installing(callback):
    """The command's callback, preceded by verifier.patches.install(): before the command imports
    pyhanko.sign, and only when it runs (`kyso verify --help` does not need pyHanko)."""

    @functools.wraps(callback)
    def run(*args, **kwargs):
        from verifier.patches import install

        install()
        return callback(*args, **kwargs)

    return run


def _install_before(command: click.Command) -> None:
    if command.callback is not None:
        command.callback = _installing(command.callback)
    for sub in getattr(command, "commands", {}).values():
        _install_before(sub)


def _register() -> None:
    from archive.cli.archive import COMMANDS, archive_group
    from archive.cli.certs import certs
    from archive.cli.clicklang import lang_everywhere
    from archive.cli.report import report
    from archive.cli.verify import verify

    archive_group.add_command(report)
    from archive.cli.archive import audit_group
    from archive.cli.ltv import archive_ltv, audit_timestamp  # issue 15 (ltv15)

    archive_group.add_command(archive_ltv)
    audit_group.add_command(audit_timestamp)

    from archive.cli.serve import accounts_group, serve  # issue 19 (serve)

    for command in (verify, certs, *COMMANDS, serve, accounts_group):
        _install_before(command)
        main.add_command(command)
    lang_everywhere(main)


_register()
