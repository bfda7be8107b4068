"""Certificate paths validated once per validation context.

The layers of one document that validate with the same inputs share a validation context
(verifier.signatures.layer._signer_context): an agency's seal signing layer after layer asks that context,
again and again, for a valid path from the same certificate. pyHanko builds and validates the
path anew each time (a path validation with its CRL lookups and signature checks costs about
two milliseconds), with an answer that cannot differ: it depends on the certificate, the
validation parameters and what the context holds (anchors, certificates, revocation data, the
validation time), and of these only the certificates can grow between two layers, when a layer
registers the certificates its CMS carries.

So the outcome, the path found or the error raised, is kept on the context under the
certificate, the parameters and the number of certificates the context knows. A context that
learned a certificate since then validates afresh, as pyHanko would. kyso asks the question a
second time for a certificate pyHanko did not trust, to get the error pyHanko only logs
(verifier.signatures.reasons): that question, too, is answered here, with the same error.
Online, nothing is kept: what a fetch brings (or fails to bring) may differ the next time.

Replaces `pyhanko.sign.validation.generic_cms.find_valid_path` once verifier.patches.install() is
called; importing this module changes nothing.
"""

from __future__ import annotations

from pyhanko.sign.validation import generic_cms

_find_valid_path = generic_cms.find_valid_path


async def find_valid_path(certificate, paths, validation_context, pkix_validation_params=None):
    if validation_context.fetching_allowed:  # what the network brings may change the answer
        return await _find_valid_path(certificate, paths, validation_context, pkix_validation_params)
    memo = validation_context.__dict__.setdefault("_kyso_paths", {})
    key = (certificate.dump(), pkix_validation_params, len(validation_context.certificate_registry.certs))
    kept = memo.get(key)
    if kept is not None:
        await paths.cancel()  # what find_valid_path does with the candidates it was given
        path, error = kept
        if error is not None:
            raise error.with_traceback(None)  # one traceback, not one more per reuse
        return path
    try:
        path = await _find_valid_path(certificate, paths, validation_context, pkix_validation_params)
    except Exception as exc:
        memo[key] = (None, exc)
        raise
    memo[key] = (path, None)
    return path
