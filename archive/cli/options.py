"""Options shared by the commands that verify, and the one way they become a trust configuration.

The trust assembly itself (archive.trust.assembly) knows nothing of click; here its errors become
usage errors (exit code 2), so a bad file on the command line and a bad path in kyso.toml are
reported alike, without a traceback.
"""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli.failures import EXIT_USAGE


class SetupError(click.ClickException):
    """Settings, trust store or trust material that cannot be used: a usage error (exit 2)."""

    exit_code = EXIT_USAGE


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
    from archive.lang import active

    try:
        return load()
    except ConfigError as exc:
        raise SetupError(exc.text(active())) from exc


def _keep_net(ctx, param, value):
    """--net-timeout / --net-budget, kept for trust_request in the command's click context."""
    if value is not None:
        ctx.meta[f"kyso.{param.name}"] = value
    return value


def net_option(name: str) -> float | None:
    """--net-timeout / --net-budget of the running command (trust_options), None when not given."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(f"kyso.{name}") if ctx is not None else None


def trust_request(trust=(), intermediate=(), crl=(), ocsp=(), online=False, no_trust_store=False, policy=None, ocr=True):
    """The TrustOptions of the options `trust_options` and `policy_option` parsed."""
    from archive.trust.assembly import TrustOptions

    if policy is not None and Path(policy).is_file():
        policy = str(Path(policy).absolute())  # watch workers must find it whatever their directory
    absolute = lambda paths: tuple(Path(p).absolute() for p in paths)  # noqa: E731
    return TrustOptions(absolute(trust), absolute(intermediate), absolute(crl), absolute(ocsp), online,
                        not no_trust_store, policy, ocr, net_timeout=net_option("net_timeout"),
                        net_budget=net_option("net_budget"))


def trust_config(settings, request):
    """assemble_trust, its errors turned into click's: an option's as a bad value of that option,
    a setting's or the trust store's as an error naming the file to fix."""
    from archive.lang import active
    from archive.trust.assembly import TrustSetupError, assemble_trust

    try:
        return assemble_trust(request, settings)
    except TrustSetupError as exc:
        lang = active()
        if exc.where.startswith("--"):
            raise click.BadParameter(exc.what(lang), param_hint=exc.where) from exc
        raise SetupError(exc.text(lang)) from exc


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
        # issue 15 (net15): not passed to the commands (their signatures stay as they are): kept
        # in the click context, where trust_request reads them
        click.option("--net-timeout", type=click.FloatRange(min=0.1), default=None, metavar="SECONDS",
                     expose_value=False, callback=_keep_net, help="With --online: seconds to wait at most for each download."),
        click.option("--net-budget", type=click.FloatRange(min=0.1), default=None, metavar="SECONDS",
                     expose_value=False, callback=_keep_net, help="With --online: total seconds of downloads for each document."),
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


# issue 16 (ocr): said once per run when OCR is wanted and cannot run here
OCR_MISSING = (
    "kyso: chưa cài Tesseract và dữ liệu tiếng Việt: văn bản quét sẽ không có thông tin văn bản "
    "(số, ngày, cơ quan ban hành). Cài bằng: sudo apt-get install tesseract-ocr tesseract-ocr-vie",
    "kyso: Tesseract and its Vietnamese data are not installed: scanned documents get no metadata "
    "(number, date, issuer). Install them with: sudo apt-get install tesseract-ocr tesseract-ocr-vie",
)


def ocr_notice(config, lang: str | None = None) -> None:
    """When `config` asks for OCR and it cannot run here: one line on stderr saying what is lost
    and how to install it, and OCR off for the run (the verdict does not depend on it)."""
    from verifier.ocr import missing
    from verifier.report.codes import pick

    if not config.ocr or missing() is None:
        return
    from archive.lang import resolve

    lang = resolve(lang)
    click.echo(pick(OCR_MISSING, lang), err=True)
    config.ocr = False
