"""The report as one self-contained HTML file: the summary first, then the document, each layer,
the findings (their codes folded away), how the verification was made, and the pictures.

Everything is inside the file (CSS inline, pictures as data: URIs) and its Content Security
Policy forbids fetching anything, so it opens the same offline, attached to an e-mail or years
later in an archive. Every value the document brought is escaped. Printed, it is A4.
"""

from __future__ import annotations

import base64
from html import escape

from verifier.report import pictures as pictures_
from verifier.report import sheet as sheet_
from verifier.report.model import DocumentReport

CSS = """
:root { --ok: #17663a; --bad: #b00020; --unk: #8a5a00; --line: #d0d4da; --muted: #555; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 11pt; color: #111;
       max-width: 190mm; margin: 1.5em auto; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 15pt; margin: 0 0 .6em; letter-spacing: .02em; }
h2 { font-size: 12.5pt; border-bottom: 2px solid var(--line); padding-bottom: .2em; margin: 1.4em 0 .5em; }
h3 { font-size: 11.5pt; margin: 1em 0 .3em; }
.summary { border: 2px solid var(--line); border-radius: 6px; padding: .8em 1em; }
.summary.VALID { border-color: var(--ok); } .summary.INVALID { border-color: var(--bad); }
.summary.INDETERMINATE, .summary.ERROR { border-color: var(--unk); }
.verdict { font-size: 13pt; font-weight: bold; margin: 0 0 .3em; }
.VALID .verdict, .PASSED .status { color: var(--ok); }
.INVALID .verdict, .FAILED .status { color: var(--bad); }
.INDETERMINATE .verdict, .ERROR .verdict, .INDETERMINATE .status { color: var(--unk); }
.next { margin: 0 0 .5em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .2em .4em; border-bottom: 1px solid var(--line); }
th { width: 32%; font-weight: 600; color: #333; }
td { overflow-wrap: anywhere; }
.layer { border: 1px solid var(--line); border-radius: 4px; padding: .4em .8em .6em; margin: .8em 0; break-inside: avoid; }
.layer h3 { margin-top: .2em; }
.status { font-weight: bold; }
ul { margin: .2em 0; padding-left: 1.3em; }
.sev-error { color: var(--bad); font-weight: 600; } .sev-warning { color: var(--unk); font-weight: 600; }
.sev-info { color: var(--muted); }
details { margin-top: .5em; color: var(--muted); } summary { cursor: pointer; }
code { font-size: 9.5pt; }
figure { margin: .6em 0 1em; break-inside: avoid; }
figcaption { font-size: 10pt; color: var(--muted); margin-bottom: .2em; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
.appearances { display: flex; flex-wrap: wrap; gap: .8em; }
.appearances figure { margin: 0; max-width: 48%; }
.crops { display: flex; gap: 1em; flex-wrap: wrap; align-items: flex-start; }
.crops figure { margin: .2em 0; max-width: 48%; }
.area { margin: .4em 0 0; font-size: 10pt; font-weight: 600; }
footer { margin-top: 2em; font-size: 9pt; color: var(--muted); }
@page { size: A4; margin: 15mm 14mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  details { display: block; } details > * { display: block; }
  .marked figure { break-before: auto; }
  a { color: inherit; text-decoration: none; }
}
"""
# nothing is fetched, whatever a value in the document says: only inline styles and data: images
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def render_html(report: DocumentReport, data: bytes | None, lang: str = "vi") -> bytes:
    """The HTML report (UTF-8) of `report`, its pictures drawn from `data`, the PDF it is about
    (None: without pictures)."""
    return html_of(sheet_.build(report, pictures_.draw(report, data), lang)).encode("utf-8")


def html_of(s: sheet_.Sheet) -> str:
    e = escape
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{e(s.lang)}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(s.title)}: {e(s.verdict_text)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{e(s.title)}</h1>",
        f'<section class="summary {e(s.verdict)}" id="summary">',
        f'<p class="verdict" id="verdict">{e(s.headline)}</p>',
        f'<p class="next" id="next-step"><b>{e(sheet_.word("next_step", s.lang))}:</b> {e(s.next_step)}</p>',
    ]
    if s.summary_document:
        out.append(_table(s.summary_document, "summary-document"))
    if s.signers:
        out.append(f'<p><b>{e(sheet_.word("signers", s.lang))}:</b></p><ul id="signers">')
        out.extend(f"<li>{e(x)}</li>" for x in s.signers)
        out.append("</ul>")
    out.append(f'<p><b>{e(sheet_.word("problems", s.lang))}:</b></p>')
    if s.problems:
        out.append('<ul id="problems">' + "".join(f"<li>{e(x)}</li>" for x in s.problems) + "</ul>")
    else:
        out.append(f'<p id="problems">{e(sheet_.word("no_problem", s.lang))}</p>')
    out.append("</section>")

    out.append(f'<h2>{e(sheet_.word("document", s.lang))}</h2>')
    out.append(_table(s.document, "document") if s.document else f"<p>{e(sheet_.word('no_metadata', s.lang))}</p>")

    out.append(f'<h2>{e(sheet_.word("layers", s.lang))}</h2>')
    if not s.layers:
        out.append(f"<p>{e(sheet_.word('no_layers', s.lang))}</p>")
    for n, layer in enumerate(s.layers, start=1):
        out.append(f'<section class="layer {e(layer.status)}" id="layer-{n}"><h3>{e(layer.heading)}</h3>')
        out.append(_table(layer.rows))
        if layer.changes:
            out.append("<ul class=\"changes\">" + "".join(f"<li>{e(c)}</li>" for c in layer.changes) + "</ul>")
        out.append(f'<p><b>{e(sheet_.word("conclusion", s.lang))}:</b> <span class="status">{e(layer.conclusion)}</span></p>')
        out.append("</section>")

    out.append(f'<h2>{e(sheet_.word("findings", s.lang))}</h2>')
    if s.findings:
        out.append('<ul id="findings">')
        for f in s.findings:
            where = f" ({e(f.where)})" if f.where else ""
            out.append(f'<li><span class="sev-{e(f.severity)}">{e(f.severity_text)}</span>{where}: {e(f.message)}</li>')
        out.append("</ul>")
        out.append(f'<details id="codes"><summary>{e(sheet_.word("codes", s.lang))}</summary><ul>')
        for f in s.findings:
            where = f" ({e(f.where)})" if f.where else ""
            out.append(f"<li><code>{e(f.code)}</code>{where}</li>")
        out.append("</ul></details>")
    else:
        out.append(f"<p>{e(sheet_.word('no_findings', s.lang))}</p>")

    if s.appearances or s.marked or s.pictures_missing:
        out.append(f'<h2>{e(sheet_.word("pictures", s.lang))}</h2>')
    if s.pictures_missing:
        out.append(f"<p>{e(sheet_.word('no_pictures', s.lang))}</p>")
    if s.marked:
        out.append(f'<h3>{e(sheet_.word("marked", s.lang))}</h3><div class="marked" id="marked">')
        for caption, page in s.marked:
            out.append(f'<figure><figcaption>{e(caption)}</figcaption>'
                       f'{_img(page.png, page.width, page.height, "marked", caption)}')
            crops = [r for r in page.regions if r.before or r.after]
            for k, region in enumerate(crops, start=1):
                out.append(f'<p class="area">{e(sheet_.word("area", s.lang, n=k))}</p><div class="crops">')
                for key, png in (("before", region.before), ("after", region.after)):
                    if png:
                        label = sheet_.word(key, s.lang)
                        out.append(f"<figure><figcaption>{e(label)}</figcaption>{_img(png, None, None, 'crop', label)}</figure>")
                out.append("</div>")
            out.append("</figure>")
        out.append("</div>")
    if s.appearances:
        out.append(f'<h3>{e(sheet_.word("appearances", s.lang))}</h3><div class="appearances" id="appearances">')
        for caption, pic in s.appearances:
            out.append(f"<figure><figcaption>{e(caption)}</figcaption>"
                       f"{_img(pic.png, pic.width, pic.height, 'appearance', caption)}</figure>")
        out.append("</div>")

    out.append(f'<h2>{e(sheet_.word("about", s.lang))}</h2>')
    out.append(_table(s.about, "about"))
    out.append(f"<footer>{e(s.footer)}</footer></body></html>")
    return "\n".join(out)


def _table(rows, id_: str | None = None) -> str:
    ident = f' id="{id_}"' if id_ else ""
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<table{ident}>{body}</table>"


def _img(png: bytes, width, height, cls: str, alt: str) -> str:
    size = f' width="{width}" height="{height}"' if width and height else ""
    return (f'<img class="{cls}" alt="{escape(alt)}"{size} '
            f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">')
