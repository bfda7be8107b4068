"""kyso's verifier: PDF bytes and a trust configuration in, a report out.

No database, no files written, no CLI. Heavy modules (pyHanko) load on first use, and pyHanko's
signing stack not at all (verifier.patches.deferred).
"""

from verifier.patches import deferred  # noqa: F401  (before anything imports pyhanko.sign)

__version__ = "0.1.0"  # pyproject.toml reads it from here


def verify_pdf(data, trust, **kwargs):
    from verifier.document import verify_pdf as _verify

    return _verify(data, trust, **kwargs)
