"""RFC 5280 name comparison, prepared once per distinct encoding.

asn1crypto compares and hashes certificate names (issuer to subject, CRL issuer to certificate
issuer, trust anchors) through the LDAP string preparation of RFC 4518 on every call. On
Vietnamese names (Unicode, NFKC, case folding) that costs about 0.3 ms per attribute, and path
building, CRL matching and the report compare the same few names over and over: a quarter of
the time of a layer outside the difference analysis. The prepared values of a relative
distinguished name are a pure function of its DER encoding, so they are computed once per
encoding and looked up after that; the comparison rules themselves stay asn1crypto's.

Replaces `asn1crypto.x509.RelativeDistinguishedName._get_values` once verifier.patches.install()
is called; importing this module changes nothing.
"""

from __future__ import annotations

from asn1crypto import x509

MAX_ENTRIES = 65_536  # distinct RDN encodings kept; a hostile stream of names cannot grow it further

_values_of = x509.RelativeDistinguishedName._get_values
_prepared: dict[bytes, dict[str, str]] = {}


def _get_values(self, rdn: x509.RelativeDistinguishedName) -> dict[str, str]:
    """The RDN's attribute types mapped to their prepared values (asn1crypto's callers only
    read the dict)."""
    der = rdn.dump()
    try:
        return _prepared[der]
    except KeyError:
        pass
    values = _values_of(self, rdn)
    if len(_prepared) >= MAX_ENTRIES:
        _prepared.clear()
    _prepared[der] = values
    return values
