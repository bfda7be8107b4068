"""Legacy algorithms judged by the policy, per trust anchor.

pyHanko is told to accept SHA-1 everywhere so that it still reports integrity and trust; this
module then decides, with the anchor known, whether SHA-1 is acceptable for that layer. MD5 never is.
"""

from __future__ import annotations

from asn1crypto import x509

from verifier.policy.named import Policy
from verifier.report.model import Layer
from verifier.trust import certinfo

WEAK_ALWAYS = {"md5", "md2"}


def _cert_hash(cert: x509.Certificate) -> str | None:
    try:
        return cert["signature_algorithm"].hash_algo
    except ValueError:
        return None


def _uses(hashes: dict[str, str | None], name: str) -> list[str]:
    return [where for where, h in hashes.items() if h == name]


def check_layer(layer: Layer, chain: list[x509.Certificate], anchor, policy: Policy, *, binding: str | None = None) -> str | None:
    """A problem sentence if the layer's algorithms are unacceptable under the policy (`binding`:
    the digest an encapsulated content binds the byte ranges with); appends
    the relaxations it applied to layer.relaxed. Undecidable without an anchor: then the missing
    trust decides the layer, not this check."""
    hashes: dict[str, str | None] = {"message digest": layer.digest_algorithm}
    if binding is not None:  # an encapsulated digest of the byte ranges (adbe.pkcs7.sha1): as weak as it
        hashes["byte-range digest"] = binding
    below_anchor = chain[:-1] if chain and chain[-1].self_signed in ("maybe", "yes") else chain
    for cert in below_anchor:
        hashes[f"signature on certificate '{certinfo.format_name(cert.subject)}'"] = _cert_hash(cert)
    for weak in WEAK_ALWAYS:
        used = _uses(hashes, weak)
        if used:
            return f"{weak.upper()} is never accepted ({', '.join(used)})"
    facts = layer.certificate
    if facts is not None and facts.key_algorithm == "rsa" and facts.key_size and facts.key_size < policy.min_rsa_bits:
        return f"an RSA key of {facts.key_size} bits; policy {policy.name} requires at least {policy.min_rsa_bits}"
    sha1 = _uses(hashes, "sha1")
    if not sha1 or anchor is None:
        return None
    if policy.allows_sha1_under(anchor.sha256):
        layer.relaxed.append("LEGACY_SHA1_ACCEPTED: " + ", ".join(sha1))
        return None
    return (
        f"SHA-1 ({', '.join(sha1)}) is accepted by policy {policy.name} only under the government "
        f"roots G1/G2, not under '{certinfo.format_name(anchor.cert.subject)}'"
    )


def timestamp_ok(token_facts, trust) -> tuple[bool, str | None]:
    """Whether a trusted timestamp token may serve as proof of existence under the policy."""
    if token_facts is None:
        return False, None
    path, token_hashes, _signer_info = token_facts
    hashes = set(token_hashes)
    for cert in path[:-1]:
        h = _cert_hash(cert)
        if h:
            hashes.add(h)
    if hashes & WEAK_ALWAYS:
        return False, "the timestamp uses MD5"
    if "sha1" not in hashes:
        return True, None
    anchor = trust.anchor_for(path[-1]) if path else None
    if anchor is not None and trust.policy.allows_sha1_under(anchor.sha256):
        return True, "LEGACY_SHA1_ACCEPTED: timestamp token"
    return False, f"the timestamp uses SHA-1, accepted by policy {trust.policy.name} only under the government roots"
