"""Every certificate a document's CMS objects carry is path material for every layer, as EU DSS
pools them (red team on LTV tools, 2026-12-06: iText's LTV example, with OCSP unavailable, writes
a DSS of CRLs only and a document timestamp whose TSA's CA certificate only a signature's token
carries; adding archival data made the file INDETERMINATE offline). Trust still comes only from
the configured anchors."""

from __future__ import annotations

from tests.attacks import kit


def _root_only():
    """The G2 root as the only anchor, its CA's CRLs, and no intermediate."""
    from verifier.trust.config import TrustConfig

    trust = TrustConfig()
    trust.add_bundle((kit.PKI / "root-g2.pem").read_bytes())
    for crl in ("ca-g2.crl", "root-g2.crl"):
        trust.add_crls((kit.PKI / "crl" / crl).read_bytes())
    return trust


def test_a_layer_finds_its_ca_in_another_layers_cms():
    person = kit.sign(kit.base_pdf(), "director", chain=("ca-g2",))  # the CMS carries the CA
    sealed = kit.sign(person, "agency", "Signature2")  # only the leaf, as the VGCA tools write it
    report = kit.verify(sealed, _root_only())
    assert (report.verdict, [l.status for l in report.layers]) == ("VALID", ["PASSED", "PASSED"]), \
        [(l.subindication, l.problem) for l in report.layers]


def test_a_pooled_certificate_confers_no_trust():
    """The untrusted root, carried only by the first layer's CMS, is the issuer the second
    layer's leaf-only CMS finds through the pool: a path, to no anchor."""
    carrier = kit.sign(kit.base_pdf(), "director", chain=("ca-g2", "root-untrusted"))
    foreign = kit.sign(carrier, "untrusted-signer", "Signature2")
    report = kit.verify(foreign, _root_only())
    assert report.verdict == "INDETERMINATE"
    assert [l.status for l in report.layers] == ["PASSED", "INDETERMINATE"]
    assert report.layers[1].subindication == "NO_CERTIFICATE_CHAIN_FOUND"
    assert report.layers[1].chain == ["Trần Văn Lạ", "TEST Untrusted Root"]  # found in the pool, trusted by nobody


def _ca_clone_without_constraints():
    """ca-g2's issuer and serial number with its basicConstraints dropped and a signature of
    nobody's: what anyone may write into a DSS or a CMS of their own."""
    from asn1crypto import pem, x509

    _, _, der = pem.unarmor((kit.PKI / "ca-g2.pem").read_bytes())
    real = x509.Certificate.load(der)
    clone = x509.Certificate.load(real.dump())
    tbs = clone["tbs_certificate"]
    tbs["extensions"] = x509.Extensions([e for e in tbs["extensions"] if e["extn_id"].native != "basic_constraints"])
    clone["signature_value"] = b"\x00" * 256
    return x509.Certificate.load(clone.dump(force=True))


def test_a_clone_of_the_ca_written_later_does_not_stand_in_for_the_real_one():
    """Red team on the pooling: pyHanko keeps the first certificate of an issuer and serial
    number. A DSS (anyone may append one) holding a clone of the CA came before the signed CMS's
    real CA and made the agency's layer INDETERMINATE. The signed CMS objects now come first, and
    only those of the layer's own revision or earlier (verifier.document._certificates_of)."""
    import io

    from pyhanko.sign.validation.dss import DocumentSecurityStore

    genuine = kit.sign(kit.sign(kit.base_pdf(), "director", chain=("ca-g2",)), "agency", "Signature2")
    assert kit.verify(genuine, _root_only()).verdict == "VALID"
    buf = io.BytesIO(genuine)
    DocumentSecurityStore.add_dss(buf, None, certs=[_ca_clone_without_constraints()], force_write=True)
    report = kit.verify(buf.getvalue(), _root_only())
    assert (report.verdict, [l.status for l in report.layers]) == ("VALID", ["PASSED", "PASSED"]), \
        [(l.subindication, l.problem) for l in report.layers]
