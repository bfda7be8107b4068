"""kyso's verifier: PDF bytes and a trust configuration in, a report out.

No database, no files written, no CLI. Heavy modules (pyHanko) load on first use. Importing it
changes nothing in pyHanko: kyso's speed changes to pyHanko, pyhanko-certvalidator and
asn1crypto are installed only by verifier.patches.install(), which kyso's entry points call.
"""

__version__ = "0.1.0"  # pyproject.toml reads it from here


def verify_pdf(data, trust, **kwargs):
    from verifier.document import verify_pdf as _verify

    return _verify(data, trust, **kwargs)
