"""False-positive guard: what genuine tools write after (and around) a signature stays VALID.

Each case is a shape the structural checks could mistake for an attack: another key order or
hex case in the signature dictionary, xref streams and object streams in later revisions,
validation data and document timestamps added afterwards, metadata updates, a certification
followed by agency layers, ten layers. The real documents of ../shared/realdocs and the samples
are guarded by tests/test_realdocs.py and tests/test_samples.py.
"""

from __future__ import annotations

import io
import re

import pytest

from tests.attacks import kit


def test_itext_key_order(base, trust):
    signed = kit.sign_raw(base, byterange_first=True)
    assert kit.raw_dict(signed, kit.sig_object_ref(signed)).index(b"/ByteRange") < \
        kit.raw_dict(signed, kit.sig_object_ref(signed)).index(b"/Contents")
    assert kit.verify(signed, trust).verdict == "VALID"


def test_lower_case_hex_and_other_padding_in_the_excluded_bytes(approval, trust):
    """The excluded bytes are not signed: a tool may write the hex in either case."""
    m = re.search(rb"/Contents <([0-9A-F]+)>", approval)
    lowered = approval[: m.start(1)] + m.group(1).lower() + approval[m.end(1):]
    report = kit.verify(lowered, trust)
    assert report.verdict == "VALID", kit.explain(report)


def test_xref_streams_in_every_revision(trust):
    base = kit.base_pdf(xref_stream=True)
    signed = kit.sign(kit.sign(base, certify=2, box=kit.MARGIN_BOX), "agency", "Signature2", box=(380, 120, 540, 170))
    assert signed.count(b"/Type /XRef") >= 3
    assert kit.verify(signed, trust).verdict == "VALID"


def test_an_object_stream_in_a_later_revision(trust):
    """A metadata update written into an object stream after the signature."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = kit.sign(kit.base_pdf(xref_stream=True))
    w = IncrementalPdfFileWriter(io.BytesIO(signed))
    w._force_write_when_empty = True  # the only new object is in the stream, not in w.objects
    stream = w.prepare_object_stream()
    w.set_info(w.add_object(generic.DictionaryObject({generic.pdf_name("/Title"): generic.TextStringObject("Ke hoach 45")}),
                            obj_stream=stream))
    out = io.BytesIO()
    w.write(out)
    updated = out.getvalue()
    assert b"/Type /ObjStm" in updated[len(signed):]
    report = kit.verify(updated, trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert report.layers[0].modification_level == "LTA_UPDATES"


def test_an_unchanged_object_listed_again_in_a_later_section(approval, trust):
    """Some writers list unchanged objects again in an update's xref, at their old offsets:
    that re-points nothing."""
    _, size, _ = kit.trailer_info(approval)
    font = kit.find_object(approval, b"/BaseFont /Helvetica")
    updated = kit.append_update(approval, [(size, b"<< /Title (Ke hoach 45) >>")], trailer_extra=b"/Info %d 0 R" % size,
                                extra_entries={font: (kit.object_offset(approval, font), 0, "n")})
    report = kit.verify(updated, trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert not kit.structural(report)


def test_info_and_xmp_updates(approval, trust):
    _, size, _ = kit.trailer_info(approval)
    info = kit.append_update(approval, [(size, b"<< /Title (Ke hoach 45) /Producer (kyso test) >>")],
                             trailer_extra=b"/Info %d 0 R" % size)
    assert kit.verify(info, trust).verdict == "VALID"
    xmp = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
           b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta><?xpacket end="w"?>')
    root = kit.reader(approval).root_ref.idnum
    catalog = kit.raw_dict(approval, root)
    catalog = catalog[: catalog.rindex(b">>")] + b" /Metadata %d 0 R >>" % size
    stream = b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream" % (len(xmp), xmp)
    report = kit.verify(kit.append_update(approval, [(size, stream), (root, catalog)]), trust)
    assert report.verdict == "VALID", kit.explain(report)


def test_validation_data_added_afterwards(approval, trust):
    from asn1crypto import crl, x509
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    cms = kit.reader(approval).embedded_signatures[0].pkcs7_content
    certs = [x509.Certificate.load(_der(kit.PKI / f"{n}.pem")) for n in ("director", "ca-g2")]
    crls = [crl.CertificateList.load((kit.PKI / "crl" / f"{n}.crl").read_bytes()) for n in ("ca-g2", "root-g2")]
    out = io.BytesIO(approval)
    DocumentSecurityStore.add_dss(out, cms, certs=certs, crls=crls)
    updated = out.getvalue()
    assert b"/DSS" in updated[len(approval):]
    report = kit.verify(updated, trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert report.layers[0].modification_level == "LTA_UPDATES"


def _der(pem_path) -> bytes:
    from asn1crypto import pem

    return pem.unarmor(pem_path.read_bytes())[2]


def test_a_document_timestamp_afterwards(certified, trust):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers, timestamps

    from tests.test_rules import _tsa
    from verifier.trust.config import TrustConfig

    tsa_cert, tsa_key, tsa_der = _tsa()
    out = io.BytesIO()
    signed = kit.sign(certified[2], "agency", "Signature2", box=(380, 120, 540, 170))
    signers.PdfTimeStamper(timestamps.DummyTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key)).timestamp_pdf(
        IncrementalPdfFileWriter(io.BytesIO(signed)), md_algorithm="sha256", output=out)
    with_tsa = TrustConfig(anchors=list(trust.anchors), intermediates=list(trust.intermediates), crls=list(trust.crls))
    with_tsa.add_bundle(tsa_der)
    report = kit.verify(out.getvalue(), with_tsa)
    assert [l.kind for l in report.layers] == ["signature", "signature", "document_timestamp"]
    assert report.verdict == "VALID", kit.explain(report)


@pytest.fixture(scope="module")
def ten_layers(certified):
    """The director certifies with P=2, then nine agency layers, each its own revision."""
    data = certified[2]
    for i in range(2, 11):
        y = 60 + 60 * (i - 2)
        data = kit.sign(data, "agency", f"Signature{i}", box=(40, y, 180, y + 40))  # clear of the director's stamp
    return data


def test_ten_layers(ten_layers, trust):
    report = kit.verify(ten_layers, trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert len(report.layers) == 10 and report.layers[0].certification_level == 2
    assert not kit.structural(report), kit.explain(report)


def test_stripping_later_signatures_leaves_a_valid_earlier_version(ten_layers, trust):
    """Cut back to the first signature's revision, the file is exactly what the director
    signed: VALID for what it is (one layer). That the agency layers are missing is for the
    Decree 30 profile (docs/decree30.md §5, C7), not for the signature check."""
    first = kit.reader(ten_layers).embedded_signatures[0]
    _, a, b, c = (int(v) for v in first.sig_object["/ByteRange"])
    stripped = ten_layers[: b + c]
    report = kit.verify(stripped, trust)
    assert report.verdict == "VALID", kit.explain(report)
    assert [l.field for l in report.layers] == ["Signature1"]
    assert report.layers[0].coverage == "ENTIRE_FILE"


def test_stripping_in_the_middle(ten_layers, trust):
    """Cut after the fifth layer: five valid layers."""
    fifth = next(s for s in kit.reader(ten_layers).embedded_signatures if s.field_name == "Signature5")
    _, _, b, c = (int(v) for v in fifth.sig_object["/ByteRange"])
    report = kit.verify(ten_layers[: b + c], trust)
    assert report.verdict == "VALID"
    assert len(report.layers) == 5
