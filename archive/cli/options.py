"""Options shared by the commands that verify, and the one way they become a trust configuration.

The trust assembly itself (archive.trust.assembly) knows nothing of click; here its errors become
usage errors (exit code 2), so a bad file on the command line and a bad path in kyso.toml are
reported alike, without a traceback.
"""

from __future__ import annotations

from pathlib import Path

import click


class SetupError(click.ClickException):
    """Settings, trust store or trust material that cannot be used: a usage error (exit 2)."""

    exit_code = 2


class DateParam(click.ParamType):
    """A date as a clerk writes it (dd/mm/yyyy) or as ISO (yyyy-mm-dd); anything else is a usage
    error that shows both forms."""

    name = "date"

    def convert(self, value, param, ctx):
        from datetime import date

        from archive.cli.words import say
        from archive.lang import active, parse_date

        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value))
        except ValueError:
            self.fail(say("bad_date", active(), value=str(value)), param, ctx)


DATE = DateParam()


def load_settings():
    from archive.config import ConfigError
    from archive.config import load_settings as load

    try:
        return load()
    except ConfigError as exc:
        raise SetupError(str(exc)) from exc


def trust_request(trust=(), intermediate=(), crl=(), ocsp=(), online=False, no_trust_store=False, policy=None):
    """The TrustOptions of the options `trust_options` and `policy_option` parsed."""
    from archive.trust.assembly import TrustOptions

    if policy is not None and Path(policy).is_file():
        policy = str(Path(policy).absolute())  # watch workers must find it whatever their directory
    absolute = lambda paths: tuple(Path(p).absolute() for p in paths)  # noqa: E731
    return TrustOptions(absolute(trust), absolute(intermediate), absolute(crl), absolute(ocsp), online,
                        not no_trust_store, policy)


def trust_config(settings, request):
    """assemble_trust, its errors turned into click's: an option's as a bad value of that option,
    a setting's or the trust store's as an error naming the file to fix."""
    from archive.trust.assembly import TrustSetupError, assemble_trust

    try:
        return assemble_trust(request, settings)
    except TrustSetupError as exc:
        if exc.where.startswith("--"):
            raise click.BadParameter(exc.message, param_hint=exc.where) from exc
        raise SetupError(str(exc)) from exc


def trust_options(command):
    """The trust options shared by every command that verifies."""
    existing = click.Path(exists=True, dir_okay=False, path_type=Path)
    options = [
        click.option("--trust", "trust", multiple=True, type=existing,
                     help="Trust anchors for this run (PEM bundle or DER). Self-signed certificates "
                          "become anchors; other CA certificates in the file are intermediates."),
        click.option("--intermediate", multiple=True, type=existing, help="Intermediate CA certificates (PEM or DER)."),
        click.option("--crl", multiple=True, type=existing, help="CRLs (PEM or DER)."),
        click.option("--ocsp", multiple=True, type=existing, help="OCSP responses (DER or PEM)."),
        click.option("--online", is_flag=True, help="Allow fetching certificates, CRLs and OCSP responses from the network."),
        click.option("--no-trust-store", is_flag=True, help="Ignore the local trust store ($KYSO_HOME/trust)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def policy_option(command):
    """`--policy NAME|FILE`: the validation policy (default nd30; README: Policy files)."""
    return click.option(
        "--policy", "policy", metavar="NAME|FILE", default=None,
        help="Validation policy: a name (nd30, the default) or a TOML file overriding finding severities "
             "(fail|warn|info|ignore) and legacy-algorithm choices. Its name and hash go into every report.",
    )(command)
