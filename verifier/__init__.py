"""kyso's verifier: PDF bytes and a trust configuration in, a report out.

No database, no files written, no CLI. Heavy modules (pyHanko) load on first use.
"""


def verify_pdf(data, trust, **kwargs):
    from verifier.document import verify_pdf as _verify

    return _verify(data, trust, **kwargs)
