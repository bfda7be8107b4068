"""Whether a signer's certificate is meant for signing documents, by the key purposes of its
extended key usage (RFC 5280 §4.2.1.12). "Key purpose" is RFC 5280's word; it is not a layer's
Decree 30 purpose (verifier.decree30.profile).

pyHanko accepts any extended key usage for a signature (its default KeyUsageConstraints), so a
TLS server's or a TSA's certificate signs a document as well as a person's. Genuine document
certificates list many purposes, and no list of the acceptable ones covers them all: the
Vietnamese government and public CAs write clientAuth + emailProtection + smartcardLogon, others
documentSigning, Microsoft or Adobe document signing, anyExtendedKeyUsage, or national policy
OIDs nobody else knows. So the rule refuses only what is certain: a certificate whose extended
key usage names a service's role (a web server, a timestamping or OCSP service, a software
publisher, a network device) and otherwise nothing but logging its holder in. Such a key sits in
a machine and signs for that machine's job; a signature by it is no one's assent to a document.

- no extended key usage extension: every purpose (RFC 5280): accepted;
- any purpose that is not a service's and not authentication (emailProtection, documentSigning,
  anyExtendedKeyUsage, an unknown OID): accepted;
- only authentication purposes (clientAuth, smartcardLogon): accepted; the CAs bundle them with
  signing, and a document certificate of a public CA may list clientAuth alone;
- a service's purpose, with nothing else but authentication: refused (serverAuth alone, a TLS
  certificate's serverAuth + clientAuth, the TSA's timeStamping);
- an extension listing no purpose, two of them, or one that cannot be read: refused, since
  nothing then says the key may sign documents.

Whether the key may sign at all (keyUsage digitalSignature or nonRepudiation) is pyHanko's
check, made with kyso's KeyUsageConstraints once the chain validates (verifier.signatures.layer).
Document timestamps are not judged here: pyHanko requires timeStamping of their TSA.
"""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import x509

EXTENDED_KEY_USAGE = "2.5.29.37"

# key purposes that name a service's role: (RFC name, Vietnamese, English)
SERVICE = {
    "1.3.6.1.5.5.7.3.1": ("serverAuth", "chứng thư số dành cho máy chủ web", "a web server's certificate"),
    "1.3.6.1.5.5.7.3.3": ("codeSigning", "ký mã phần mềm", "signing software code"),
    "1.3.6.1.5.5.7.3.5": ("ipsecEndSystem", "thiết bị mạng IPsec", "an IPsec network device"),
    "1.3.6.1.5.5.7.3.6": ("ipsecTunnel", "thiết bị mạng IPsec", "an IPsec network device"),
    "1.3.6.1.5.5.7.3.8": ("timeStamping", "máy chủ cấp dấu thời gian", "a timestamping service"),
    "1.3.6.1.5.5.7.3.9": ("OCSPSigning", "máy chủ trả lời tình trạng thu hồi chứng thư số (OCSP)",
                          "a certificate status (OCSP) service"),
    "1.3.6.1.5.5.7.3.17": ("ipsecIKE", "thiết bị mạng IPsec", "an IPsec network device"),
    "1.3.6.1.5.5.7.3.22": ("secureShellServer", "máy chủ SSH", "an SSH server"),
    "1.3.6.1.4.1.311.10.3.2": ("Microsoft timeStamping", "máy chủ cấp dấu thời gian", "a timestamping service"),
}

# key purposes that log the holder in: no document use, none against one
AUTHENTICATION = {
    "1.3.6.1.5.5.7.3.2": ("clientAuth", "đăng nhập, xác thực người dùng", "logging a user in"),
    "1.3.6.1.4.1.311.20.2.2": ("smartcardLogon", "đăng nhập Windows bằng thẻ", "Windows smart card logon"),
    "1.3.6.1.5.5.7.3.21": ("secureShellClient", "đăng nhập SSH", "SSH login"),
}


@dataclass(frozen=True)
class Refusal:
    """Why a certificate is no document signer: the English reason for the layer's problem,
    and the purposes in words for the finding."""

    problem: str
    purposes_vi: str
    purposes_en: str


def refusal(cert: x509.Certificate) -> Refusal | None:
    """Why the certificate's extended key usage rules out signing documents, or None."""
    try:
        purposes = _purposes(cert)
    except ValueError as exc:
        return Refusal(f"the certificate's extended key usage cannot be read ({exc}), so nothing says it may sign "
                       "documents", "không đọc được", "purposes that cannot be read")
    if purposes is None:
        return None
    if not purposes:
        return Refusal("the certificate's extended key usage lists no purpose, so it may not sign documents",
                       "không mục đích nào", "no purpose at all")
    if any(p not in SERVICE and p not in AUTHENTICATION for p in purposes):
        return None
    if not any(p in SERVICE for p in purposes):
        return None
    named = [SERVICE.get(p) or AUTHENTICATION[p] for p in purposes]
    en = ", ".join(f"{name} ({words})" for name, _, words in named)
    return Refusal(f"the certificate's extended key usage allows only {en}: it was not issued for signing documents",
                   "; ".join(f"{words} ({name})" for name, words, _ in named),
                   "; ".join(f"{words} ({name})" for name, _, words in named))


def _purposes(cert: x509.Certificate) -> list[str] | None:
    """The dotted key purposes of the extended key usage extension, None without one. Read from
    the extension itself: asn1crypto's shortcut parses every extension and refuses all for one
    it cannot read, and names only the purposes it knows."""
    found = [ext for ext in cert["tbs_certificate"]["extensions"] if ext["extn_id"].dotted == EXTENDED_KEY_USAGE]
    if not found:
        return None
    if len(found) > 1:
        raise ValueError("the extension appears twice")
    try:
        return list(dict.fromkeys(purpose.dotted for purpose in found[0]["extn_value"].parsed))
    except Exception as exc:  # asn1crypto raises ValueError, TypeError … on what it cannot parse
        raise ValueError(type(exc).__name__) from None
