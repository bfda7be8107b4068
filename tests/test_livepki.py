"""The live test PKI itself (tests/livepki): other tests rely on each service answering when up,
refusing when down and never answering when hanging, and on the documents it signs being what
the VGCA tools write (only the leaf in the CMS)."""

from __future__ import annotations

import errno
import socket
import urllib.error
import urllib.request
from datetime import timedelta
from io import BytesIO

import pytest

pytest.importorskip("certomancer")

from tests.livepki.pki import BEFORE_REVOCATION  # noqa: E402


def _crl_url(pki) -> str:
    dp = pki.cert("good").crl_distribution_points[0]
    return dp["distribution_point"].native[0]


def test_services_answer_and_can_be_switched(live_pki):
    from asn1crypto import crl

    body = urllib.request.urlopen(_crl_url(live_pki), timeout=5).read()
    listed = {e["user_certificate"].native for e in crl.CertificateList.load(body)["tbs_cert_list"]["revoked_certificates"]}
    assert listed == {live_pki.cert("revoked").serial_number, live_pki.cert("revoked-later").serial_number}

    with live_pki.states(crl="down"):
        with pytest.raises(urllib.error.URLError) as refused:
            urllib.request.urlopen(_crl_url(live_pki), timeout=5)
        assert isinstance(refused.value.reason, ConnectionRefusedError)
    assert urllib.request.urlopen(_crl_url(live_pki), timeout=5).status == 200

    with live_pki.states(ocsp="hang"):
        with socket.create_connection(("127.0.0.1", live_pki.service("ocsp").port), timeout=5) as conn:
            conn.sendall(b"GET / HTTP/1.0\r\n\r\n")
            conn.settimeout(0.5)
            with pytest.raises(TimeoutError):
                conn.recv(1)


def test_a_service_keeps_its_port_while_down(live_pki):
    # the port is in the certificates: another process's server or the local end of a connection
    # taking it while the service is down made the service's return fail (werkzeug exits)
    port = live_pki.service("crl").port
    for state in ("down", "hang", "down"):
        with live_pki.states(crl=state):
            with socket.socket() as other, pytest.raises(OSError) as taken:
                other.bind(("127.0.0.1", port))
            assert taken.value.errno == errno.EADDRINUSE
    assert urllib.request.urlopen(_crl_url(live_pki), timeout=5).status == 200


def test_signed_layers_hold_only_the_leaf(live_pki):
    from pyhanko.pdf_utils.reader import PdfFileReader

    data = live_pki.sign("good", "seal", timestamp=True, at=live_pki.start - BEFORE_REVOCATION)
    sigs = PdfFileReader(BytesIO(data)).embedded_signatures
    assert [s.signer_cert.subject.native["common_name"] for s in sigs] == ["Trịnh Văn Nam", "Sở Giáo dục và Đào tạo"]
    for sig in sigs:
        assert len(sig.signed_data["certificates"]) == 1
        token = sig.signer_info["unsigned_attrs"][0]["values"][0]  # the signature timestamp
        gen = token["content"]["encap_content_info"]["content"].parsed["gen_time"].native
        assert abs(gen - (live_pki.start - BEFORE_REVOCATION)) < timedelta(seconds=5)


def test_dss_carries_chain_and_crls(live_pki):
    from pyhanko.pdf_utils.reader import PdfFileReader

    dss = PdfFileReader(BytesIO(live_pki.sign("good", dss=True))).root["/DSS"]
    assert len(dss["/Certs"]) == 3 and len(dss["/CRLs"]) == 2
