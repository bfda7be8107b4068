"""A certificate path is validated once per validation context: the agency's seal signs layer
after layer, and every one of those layers must still get the full verdict, reasons included."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import REALDOCS, SAMPLES, need_shared
from verifier.patches import install, pathshare


def _counting(monkeypatch) -> list[str]:
    validated: list[str] = []
    original = pathshare._find_valid_path

    async def counting(certificate, *args, **kwargs):
        validated.append(certificate.subject.human_friendly)
        return await original(certificate, *args, **kwargs)

    monkeypatch.setattr(pathshare, "_find_valid_path", counting)
    return validated


def test_the_plan_validates_each_signers_path_once_and_stays_valid(monkeypatch, sample_trust):
    """Six layers, three signing certificates (director, clerk, agency): the agency key's four
    layers share one path validation, once the context has learned every certificate."""
    from verifier.document import verify_pdf

    assert install()  # pyHanko finds paths through pathshare, as in every kyso process
    validated = _counting(monkeypatch)
    report = verify_pdf((SAMPLES / "plan.pdf").read_bytes(), sample_trust)
    assert report.verdict == "VALID" and len(report.layers) == 6
    assert all(layer.trusted and layer.chain for layer in report.layers)
    assert len(validated) < 6
    assert len(set(validated)) == 3


def test_a_reused_failure_reports_what_validating_every_layer_reports(monkeypatch, real_trust):
    """A real document, offline, whose three layers validate in one shared context and fail
    (revocation unknown: TRY_LATER): the outcome is reused, and the report is the one that
    validating every layer's path gives, reasons and findings included."""
    from pyhanko.sign.validation import generic_cms

    from verifier.document import verify_pdf
    from verifier.report.render import render_json

    need_shared(REALDOCS)
    assert install()
    data = (REALDOCS / "6666eaf3ddc0f657141fd114381d1fae559e9575.pdf").read_bytes()
    now = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
    validated = _counting(monkeypatch)
    shared = verify_pdf(data, real_trust, now=now)
    assert [layer.subindication for layer in shared.layers] == ["TRY_LATER"] * 3
    assert 0 < len(validated) < len(shared.layers)

    monkeypatch.setattr(generic_cms, "find_valid_path", pathshare._find_valid_path)
    every_layer = verify_pdf(data, real_trust, now=now)
    assert render_json(shared) == render_json(every_layer)


# --- a reused failure is the same error, and kyso reads the same reason from it -------------------

def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject, issuer, key, signer, *, ca: bool, extensions=()):
    now = datetime(2025, 1, 1, tzinfo=timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now)
               .not_valid_after(now + timedelta(days=3650))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    for ext in extensions:
        builder = builder.add_extension(ext, critical=True)
    der = builder.sign(signer, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


def test_a_reused_failure_raises_the_same_error_and_gives_the_same_reason(monkeypatch):
    """A CA that permits only URIs of one host, and a leaf whose URI has no host: pyHanko's
    certificate validator refuses the path. pyHanko only logs that error; kyso asks for the path
    again to get it (verifier.signatures.reasons), and the memo answers with the very error of
    the first validation, which is validated once."""
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.errors import PathValidationError

    from verifier.signatures import reasons

    assert install()  # reasons looks the search up on pyHanko's module, where pathshare is installed
    root_key, ca_key, leaf_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    constraints = x509.NameConstraints(permitted_subtrees=[x509.UniformResourceIdentifier("ca.gov.vn")],
                                       excluded_subtrees=None)
    root = _cert(_name("Root"), _name("Root"), root_key, root_key, ca=True)
    ca = _cert(_name("CA"), _name("Root"), ca_key, root_key, ca=True, extensions=[constraints])
    leaf = _cert(_name("Signer"), _name("CA"), leaf_key, ca_key, ca=False,
                 extensions=[x509.SubjectAlternativeName([x509.UniformResourceIdentifier("urn:kyso:signer")])])
    vc = ValidationContext(trust_roots=[root], other_certs=[ca], revocation_mode="soft-fail",
                           moment=datetime(2026, 1, 1, tzinfo=timezone.utc))
    validated = _counting(monkeypatch)

    async def validate():
        try:
            await pathshare.find_valid_path(leaf, vc.path_builder.async_build_paths_lazy(leaf), vc)
        except Exception as exc:
            return exc
        raise AssertionError("a URI without a host passed a URI name constraint")

    first = asyncio.run(validate())
    second = asyncio.run(validate())
    assert isinstance(first, PathValidationError) and "urn:kyso:signer" in str(first)
    assert second is first
    try:
        asyncio.run(reasons._check_usage(leaf, vc, KeyUsageConstraints()))
    except PathValidationError as exc:
        asked_again = exc
    assert asked_again is first
    assert validated == [leaf.subject.human_friendly]
    assert len(vc.__dict__["_kyso_paths"]) == 1
