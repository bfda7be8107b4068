"""The HTML and PDF reports on the command line: `kyso verify FILE --report OUT.html|OUT.pdf`
(several files: OUT is a folder, one HTML report per file) and `kyso archive report ID`.

Thin: the reports are made by verifier.report.html and verifier.report.pdf from the report and
the PDF's bytes; here they are written where they are asked for.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive.cli.failures import UsageFailure
from archive.cli.words import say

FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf"}


def targets(files: list[Path], out: Path, lang: str = "vi") -> list[tuple[Path, str]]:
    """Where the report of each of `files` goes, and in which format; a usage error for an OUT
    that cannot take them."""
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is not None and not out.is_dir():
        if len(files) != 1:
            raise click.UsageError(say("report_one_name", lang, out=out, n=len(files)))
        pairs = [(out, fmt)]
    elif out.exists() and not out.is_dir():
        raise click.UsageError(say("report_bad_target", lang, out=out))
    elif out.suffix and not out.exists() and len(files) == 1:
        raise click.UsageError(say("report_bad_suffix", lang, out=out))
    else:
        pairs, used = [], set()
        for path in files:
            name, k = f"{path.stem}.html", 1
            while name in used:  # the same name from two folders
                k += 1
                name = f"{path.stem}-{k}.html"
            used.add(name)
            pairs.append((out / name, "html"))
    inputs = {p.resolve() for p in files}
    for target, _ in pairs:
        if target.resolve() in inputs:
            raise click.UsageError(say("report_is_input", lang, out=target))
    return pairs


def write(target: Path, content: bytes, lang: str = "vi") -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    except OSError as exc:
        from verifier.report.phrased import os_reason

        raise click.ClickException(say("report_write", lang, out=target, error=os_reason(exc).text(lang))) from exc


@click.command("report")
@click.argument("ref")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), default=None)
@click.option("--lang", type=click.Choice(["vi", "en"]), default=None)  # None: the group's, KYSO_LANG, vi
@click.option("--verification", type=click.IntRange(min=1), default=None)
def report(ref, output, fmt, lang, verification):
    """Write the HTML or PDF report of an archived document (help: archive.cli.words, "archive report")."""
    from archive.cli.archive import open_archive
    from archive.db.models import Verification
    from archive.db.queries import NotFound, find_document
    from archive.lang import resolve

    lang = resolve(lang)
    if fmt is None:
        fmt = FORMATS.get(output.suffix.lower(), "html") if output is not None and str(output) != "-" else "html"
    archive = open_archive(reading=True)
    with archive.sessions() as s:
        try:
            doc = find_document(s, ref)
        except NotFound as exc:
            raise UsageFailure(exc.args[0]) from exc
        ver_id = verification or doc.latest_verification_id
        ver = s.get(Verification, ver_id) if ver_id else None
        if ver is None or ver.document_id != doc.id:
            raise UsageFailure(say("report_no_verification", lang, doc=doc.id, verification=ver_id))
        doc_id, sha, json_report, html_sha = doc.id, doc.sha256, ver.report, ver.report_html_sha256
    content = None
    if fmt == "html" and lang == "vi" and html_sha:
        content = _stored(archive, html_sha)
    if content is None:
        content = _remade(archive, doc_id, sha, json_report, fmt, lang)
    target = output or Path(f"kyso-report-{doc_id}-{ver_id}.{fmt}")
    if str(target) == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        _original_intact(archive, doc_id, sha)
        return
    write(target, content, lang)
    click.echo(str(target))
    _original_intact(archive, doc_id, sha)


def _original_intact(archive, doc_id: int, sha: str) -> None:
    """The report is made even without the original (without its pictures); the command then
    ends saying the original is missing or altered (exit 5)."""
    from archive.problems import StoredObjectError, original_of

    state = archive.blobs.check(sha)
    if state != "ok":
        raise StoredObjectError(sha, state, original_of(doc_id), archive.blobs.path(sha))


def _stored(archive, sha: str) -> bytes | None:
    """The kept HTML report, when its object is intact (else it is made again, and fixity says why)."""
    return archive.blobs.get_if_intact(sha)


def _remade(archive, doc_id: int, sha: str, json_report: str, fmt: str, lang: str) -> bytes:
    import json

    from verifier.report.load import report_from_dict

    report = report_from_dict(json.loads(json_report))
    data = archive.blobs.get_if_intact(sha)
    if data is None:  # the report is still worth having; the pictures need the original
        click.echo(say("report_no_original", lang, doc=doc_id), err=True)
    from archive.verify_pool import sheet

    return sheet(report, data, fmt, lang)
