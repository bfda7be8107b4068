"""`kyso audit timestamp` and `kyso archive ltv` (issue 15): the archive's proof of time and
PAdES-LTV copies. Thin: options in, archive.ltv does the work, lines out.

Exit codes (README, table): 0 done; 2 usage (no TSA configured, an output file that exists);
3 the TSA or the evidence could not be had now (try later, or --online); 5 the archive's stored
original is missing or altered.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive.cli.failures import EXIT_ARCHIVE, EXIT_INDETERMINATE
from archive.cli.options import SetupError, trust_config, trust_options, trust_request
from archive.cli.options import load_settings as _settings
from archive.cli.words import say
from archive.lang import active, local

_TSA = click.option("--tsa", "tsa", metavar="URL")
_TIMEOUT = click.option("--net-timeout", "net_timeout", type=click.FloatRange(min=0.1), metavar="SECONDS")


def _ltv(settings):
    from archive.config import ConfigError
    from archive.ltv.settings import ltv_settings

    try:
        return ltv_settings(settings)
    except ConfigError as exc:
        raise SetupError(exc.text(active())) from exc


def _tsa_url(tsa: str | None, ltv) -> str:
    url = tsa or ltv.tsa_url
    if not url:
        raise SetupError(say("ltv_no_tsa", active()))
    if not url.lower().startswith(("http://", "https://")):
        raise click.BadParameter(say("ltv_bad_tsa", active(), url=url), param_hint="--tsa")
    return url


@click.command("timestamp")
@_TSA
@_TIMEOUT
def audit_timestamp(tsa, net_timeout):
    """Timestamp the audit chain head now (help: archive.cli.words, "audit timestamp")."""
    from archive.cli.archive import open_archive
    from archive.ltv import chainstamp
    from archive.ltv.net import FetchError

    lang = active()
    settings = _settings()
    ltv = _ltv(settings)
    url = _tsa_url(tsa, ltv)
    archive = open_archive(settings)
    try:
        stamp = chainstamp.take(archive, url, net_timeout or ltv.timeout_seconds)
    except chainstamp.NothingToStamp:
        click.echo(say("stamp_nothing", lang))
        return
    except FetchError as exc:
        click.echo(say("stamp_failed", lang, error=exc.text(lang)), err=True)
        sys.exit(EXIT_INDETERMINATE)
    click.echo(say("stamp_taken", lang, seq=stamp.seq, hash=stamp.chain_hash[:16], tsa=url, time=local(stamp.gen_time)))


def audit_timestamps(archive, lang: str, echo: bool = True) -> list[str]:
    """`kyso audit verify`'s check of the kept chain timestamps: one line each, and the problems
    (English, as the chain's) that make it exit 1."""
    from archive.ltv import chainstamp

    with archive.sessions() as s:
        if not chainstamp.count(s):
            return []  # nothing to check: the trust store is not even read
    trust = trust_config(archive.settings, trust_request())
    problems = []
    with archive.sessions() as s:
        checked = chainstamp.check(s, trust)
    for c in checked:
        when = local(c.gen_time) if c.gen_time else "?"
        if c.problem:
            problems.append(c.problem)
        elif not echo:
            continue
        elif c.untrusted:
            click.echo(say("audit_stamp_untrusted", lang, seq=c.seq, time=when, tsa=c.tsa_url))
        else:
            click.echo(say("audit_stamp_ok", lang, seq=c.seq, time=when, tsa=c.tsa_url))
    return problems


@click.command("ltv")
@click.argument("ref")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path))
@_TSA
@trust_options  # its --net-timeout bounds the TSA's answer as it bounds every other download
def archive_ltv(ref, output, tsa, trust, intermediate, crl, ocsp, online, no_trust_store):
    """Write a PAdES-LTV copy of an archived document (help: archive.cli.words, "archive ltv")."""
    import hashlib
    from dataclasses import replace

    from archive.cli.options import net_option
    from archive.cli.archive import open_archive
    from archive.db import events
    from archive.db.queries import NotFound, find_document
    from archive.db.session import transaction
    from archive.ltv.net import FetchError
    from archive.ltv.pades import LtvError, ltv_copy, stored_material
    from archive.problems import StoredObjectError

    lang = active()
    settings = _settings()
    ltv = _ltv(settings)
    url = _tsa_url(tsa, ltv)
    config = trust_config(settings, trust_request(trust, intermediate, crl, ocsp, online, no_trust_store))
    archive = open_archive(settings, config)
    with archive.sessions() as s:
        try:
            doc = find_document(s, ref)
        except NotFound as exc:
            raise click.ClickException(exc.text(lang)) from exc
        doc_id, sha, name = doc.id, doc.sha256, doc.original_name
    out = (output or Path(f"{Path(name).stem}.ltv.pdf")).absolute()
    if out.exists():
        raise SetupError(say("ltv_exists", lang, path=out))
    try:
        data = archive.blobs.get_intact(sha)
    except StoredObjectError:
        click.echo(say("ltv_original_damaged", lang, id=doc_id), err=True)
        sys.exit(EXIT_ARCHIVE)
    try:
        copy = ltv_copy(data, config, stored_material(archive, doc_id), url, net_option("net_timeout") or ltv.timeout_seconds)
    except (LtvError, FetchError) as exc:
        click.echo(say("ltv_failed", lang, error=exc.text(lang)), err=True)
        sys.exit(EXIT_INDETERMINATE)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "xb") as fh:  # never over a file that appeared meanwhile
            fh.write(copy)
    except OSError as exc:
        from verifier.report.phrased import os_reason

        raise click.ClickException(say("ltv_unwritable", lang, path=out, error=os_reason(exc).text(lang))) from exc
    copy_sha = hashlib.sha256(copy).hexdigest()
    with transaction(archive.sessions) as s:
        events.append(s, "exported", doc_id, ltv=str(out), sha256=copy_sha, tsa_url=url)
    click.echo(say("ltv_written", lang, path=out, sha=copy_sha[:16], id=doc_id))
    # what a receiver with the same anchors sees, offline: the copy must stand on its own
    from verifier.document import verify_pdf

    from archive.cli.words import verdict as verdict_word

    report = verify_pdf(copy, replace(config, online=False), file=out.name)
    click.echo(say("ltv_offline_verdict", lang, verdict=verdict_word(report.verdict, lang)))
