"""CRL lookups by serial number (verifier/patches/crlindex.py) answer exactly as pyhanko-certvalidator's
walk over the entries, without parsing the entries of the CRL object pyHanko keeps."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from asn1crypto import crl, x509
from hypothesis import given, settings
from hypothesis import strategies as st

from verifier.patches import crlindex

AUTHORITY = x509.Name.build({"common_name": "TEST CA phục vụ các cơ quan Nhà nước G2", "country_name": "VN"})
OTHER = x509.Name.build({"common_name": "Indirect issuer", "country_name": "VN"})
WHEN = x509.Time({"utc_time": datetime(2021, 6, 1, tzinfo=timezone.utc)})


def _entry(serial: int, issuer: x509.Name | None, reason: str | None, unknown_critical: bool) -> crl.RevokedCertificate:
    extensions = []
    if reason:
        extensions.append({"extn_id": "crl_reason", "critical": False, "extn_value": reason})
    if issuer is not None:
        extensions.append({"extn_id": "certificate_issuer", "critical": True,
                           "extn_value": [x509.GeneralName(name="directory_name", value=issuer)]})
    if unknown_critical:
        extensions.append({"extn_id": "1.3.6.1.4.1.99999.1", "critical": True, "extn_value": b"\x05\x00"})
    value = {"user_certificate": serial, "revocation_date": WHEN}
    if extensions:
        value["crl_entry_extensions"] = extensions
    return crl.RevokedCertificate(value)


def _crl(entries) -> crl.CertificateList:
    tbs = {"version": "v2", "signature": {"algorithm": "sha256_rsa"}, "issuer": AUTHORITY, "this_update": WHEN}
    if entries:
        tbs["revoked_certificates"] = entries
    built = crl.CertificateList({"tbs_cert_list": tbs, "signature_algorithm": {"algorithm": "sha256_rsa"},
                                 "signature": b"\x00"})
    return crl.CertificateList.load(built.dump())  # as read from a file: nothing parsed yet


def _cert(serial: int) -> x509.Certificate:
    return x509.Certificate({"tbs_certificate": {"serial_number": serial}})


def _outcome(fn, cert, issuer, certificate_list):
    try:
        return fn(cert, issuer, certificate_list, AUTHORITY)
    except Exception as exc:
        return type(exc).__name__


_entries = st.lists(st.tuples(st.integers(1, 6), st.sampled_from([None, None, AUTHORITY, OTHER]),
                              st.sampled_from([None, "key_compromise", "superseded"]), st.booleans()), max_size=12)


@settings(max_examples=100, deadline=None)
@given(entries=_entries, serial=st.integers(1, 7), issuer=st.sampled_from([AUTHORITY, OTHER]))
def test_lookups_answer_as_the_walk(entries, serial, issuer):
    walked = _crl([_entry(*e) for e in entries])
    indexed = _crl([_entry(*e) for e in entries])
    expected = _outcome(crlindex._walk, _cert(serial), issuer, walked)
    assert _outcome(crlindex.find_cert_in_list, _cert(serial), issuer, indexed) == expected
    assert _outcome(crlindex.find_cert_in_list, _cert(serial), issuer, indexed) == expected  # from the index, again


def test_the_crl_objects_entries_stay_unparsed():
    """asn1crypto re-walks parsed entries on every dump(), and pyHanko dumps the CRL at each validation."""
    certificate_list = _crl([_entry(n, None, None, False) for n in range(1, 2001)])
    assert crlindex.find_cert_in_list(_cert(1500), AUTHORITY, certificate_list, AUTHORITY)[0] is not None
    assert crlindex.find_cert_in_list(_cert(9999), AUTHORITY, certificate_list, AUTHORITY) == (None, None)
    assert certificate_list["tbs_cert_list"]["revoked_certificates"].children is None


def test_a_crl_that_is_not_der_is_left_to_the_walk():
    """An entry with an indefinite length (BER) is not scanned; pyHanko's walk answers."""
    good = _crl([_entry(3, None, "key_compromise", False)])
    der = bytearray(good.dump())
    entry = _entry(3, None, "key_compromise", False).dump()
    at = der.find(entry)
    ber = bytes(der[:at]) + b"\x30\x80" + entry[2:] + b"\x00\x00" + bytes(der[at + len(entry):])
    try:
        odd = crl.CertificateList.load(ber)
        expected = _outcome(crlindex._walk, _cert(3), AUTHORITY, crl.CertificateList.load(ber))
    except Exception:
        pytest.skip("asn1crypto does not read this encoding either")
    assert _outcome(crlindex.find_cert_in_list, _cert(3), AUTHORITY, odd) == expected
    assert crlindex.index_of(odd) is crlindex._UNREADABLE


def test_pyhanko_looks_certificates_up_through_the_index():
    from pyhanko_certvalidator.revinfo import validate_crl

    from verifier.patches import install

    assert install()  # as every kyso entry point calls it
    assert validate_crl.find_cert_in_list is crlindex.find_cert_in_list
