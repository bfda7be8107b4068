"""pyHanko signing set up to write what the Vietnamese signing tools write (docs/decree30.md §2).

Two things pyHanko 0.38 does not offer directly, and how they are reached here:

- A chosen signing time. PdfSigner always starts its session with the current time
  (PdfSigningSession's system_time is never passed in), so `ToolPdfSigner` sets it on the
  session right after creating it. That one value feeds /M and the appearance.
- The tools' signed attributes: contentType, signingTime, messageDigest and nothing else (no ESS
  signing-certificate, no CMSAlgorithmProtection), with signingTime holding the Vietnam wall
  clock labelled UTC (7 hours ahead of true UTC) while /M carries the same wall clock with
  +07'00'. `ToolSigner` swaps pyHanko's default attribute spec for one that writes exactly that,
  plus the adbe-revocationInfoArchival attribute that `embed_validation_info=True` prepared.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
from dataclasses import dataclass, field
from io import BytesIO

from asn1crypto import algos, crl as asn1_crl, keys as asn1_keys, x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.attributes import (
    AdobeRevinfoProvider,
    SignedAttributeProviderSpec,
    SigningTimeProvider,
)
from pyhanko.stamp import StaticStampStyle, TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

VN_TZ = dt.timezone(dt.timedelta(hours=7))
CONTACT = "BAN CƠ YẾU CHÍNH PHỦ - ĐT: 0243.7738668; Fax: 0243.7738668; Email: ca@bcy.gov.vn"
LOCATION = "Bình Phước"
RSA_PLAIN = algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"})  # rsaEncryption OID

# pyHanko warns that revocation info is embedded with fetching disabled: that is the point here.
logging.getLogger("pyhanko.sign.signers.pdf_signer").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Identity:
    name: str  # PKI file stem
    cert: asn1_x509.Certificate
    key: asn1_keys.PrivateKeyInfo

    @property
    def cn(self) -> str:
        return self.cert.subject.native["common_name"]

    @property
    def email(self) -> str | None:
        return self.cert.subject.native.get("email_address")

    @property
    def organisation(self) -> str:
        """`{OU…}, {O}` as the tools print it after `Cơ quan:`."""
        parts = []
        for rdn in self.cert.subject.chosen:
            for attr in rdn:
                if attr["type"].native in ("organizational_unit_name", "organization_name"):
                    parts.append(attr["value"].native)
        return ", ".join(reversed(parts))

    @property
    def reason(self) -> str:
        return f"{self.cn}<{self.email}> đã ký lên văn bản này!" if self.email else \
            f"{self.cn} đã ký lên văn bản này!"


def identity(pki, name: str) -> Identity:
    cert = asn1_x509.Certificate.load(pki.certs[name].public_bytes(serialization.Encoding.DER))
    key = asn1_keys.PrivateKeyInfo.load(pki.keys[name].private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return Identity(name, cert, key)


def asn1_cert(pki, name: str) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(pki.certs[name].public_bytes(serialization.Encoding.DER))


class ToolSignedAttrs(SignedAttributeProviderSpec):
    """signingTime and, if given, adbe-revocationInfoArchival; pyHanko itself adds
    contentType and messageDigest."""

    def __init__(self, signing_time_attr: dt.datetime, revinfo):
        self.signing_time_attr = signing_time_attr
        self.revinfo = revinfo

    def signed_attr_providers(self, data_digest, digest_algorithm):
        yield SigningTimeProvider(timestamp=self.signing_time_attr)
        if self.revinfo is not None:
            yield AdobeRevinfoProvider(value=self.revinfo)


class ToolSigner(signers.SimpleSigner):
    def __init__(self, *, wall_clock: dt.datetime, manual_revinfo=None, **kwargs):
        super().__init__(**kwargs)
        # the tools' quirk: local wall-clock time, labelled UTC
        self._signing_time_attr = wall_clock.replace(tzinfo=dt.timezone.utc)
        self._manual_revinfo = manual_revinfo

    def _signed_attr_provider_spec(self, attr_settings, timestamper=None, use_cades=False,
                                   is_pdf_sig=True):
        revinfo = attr_settings.adobe_revinfo_attr if attr_settings is not None else None
        return ToolSignedAttrs(self._signing_time_attr, revinfo or self._manual_revinfo)


class ToolPdfSigner(signers.PdfSigner):
    def __init__(self, *args, system_time: dt.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self._system_time = system_time

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._system_time
        return session


# --- appearances -------------------------------------------------------------------------------

def image_style(img, name: str) -> StaticStampStyle:
    """Image only, no border, scaled into the widget box and centred."""
    # a fixed resource name: pyHanko's default is a fresh uuid4 on every build
    return StaticStampStyle(
        background=PdfImage(img, name=name), border_width=0, background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT))


def text_style(lines: list[str], font: str, size: int, *, border: int = 0,
               align_x=layout.AxisAlignment.ALIGN_MIN, leading: int | None = None,
               colour=None) -> TextStampStyle:
    # pyHanko's box layout computes with Fractions of ints: sizes must be integers
    text = "\n".join(lines).replace("%", "%%")  # stamp_text is a %-template
    return TextStampStyle(
        stamp_text=text, border_width=border, background=None,
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(font, font_size=size), font_size=size,
            leading=leading or round(size * 1.2), text_color=colour,
            # the default 10 pt inner margin would shrink a number in a blank to a speck
            box_layout_rule=layout.SimpleBoxLayoutRule(
                x_align=align_x, y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins.uniform(0))),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=align_x, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(left=2, right=2, top=1, bottom=1),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT))


def tool_text_lines(who: Identity, when: dt.datetime) -> list[str]:
    """The four lines of the tools' text appearance."""
    return [f"Người ký: {who.cn}", f"Email: {who.email}", f"Cơ quan: {who.organisation}",
            f"Thời gian ký: {when:%d.%m.%Y %H:%M:%S} +07:00"]


# --- signing -----------------------------------------------------------------------------------

@dataclass
class Layer:
    who: Identity
    when: dt.datetime  # naive Vietnam wall-clock time
    field: str
    box: tuple[float, float, float, float] | None = None
    page: int = 0
    style: object | None = None
    certify: bool = False
    md: str = "sha256"
    crls: list[bytes] = field(default_factory=list)  # DER, embedded in the CMS
    # Run pyHanko's own pre-signing validation (and embed the CRLs the official way). Off for
    # signers that are bad on purpose: pyHanko rightly refuses to sign with them otherwise.
    presign_check: bool = True
    extra_certs: tuple[asn1_x509.Certificate, ...] = ()  # embedded next to the signer's
    trust_roots: tuple[asn1_x509.Certificate, ...] = ()
    intermediates: tuple[asn1_x509.Certificate, ...] = ()
    reason: str | None = None


def pin_mod_date(w, when: dt.datetime) -> None:
    """Make writer `w` write `when` (aware) as the modification date, in /Info and XMP.

    pyHanko resets its metadata model's last_modified to 'now' on every write; this swaps the
    model's class for one that turns that 'now' into `when`.
    """
    meta = w._meta

    class _PinnedMeta(type(meta)):
        def __setattr__(self, name, value):
            if name == "last_modified" and value == "now":
                value = when
            super().__setattr__(name, value)

    meta.__class__ = _PinnedMeta


def open_incremental(data: bytes, label: str, when: dt.datetime) -> IncrementalPdfFileWriter:
    """An incremental writer that produces the same bytes for the same input on every build.

    `when` is a naive Vietnam wall-clock time, written as /ModDate. The changing half of /ID,
    which pyHanko draws from os.urandom, is derived from the input and `label` instead.
    """
    w = IncrementalPdfFileWriter(BytesIO(data))
    pin_mod_date(w, when.replace(tzinfo=VN_TZ))
    id2 = hashlib.sha256(data + label.encode()).digest()[:16]
    w._document_id = generic.ArrayObject([w._document_id[0], generic.ByteStringObject(id2)])
    # font subset tags come from the global `random`; seed it so rebuilds are stable
    random.seed(f"{label}|{when.isoformat()}")
    return w


def sign(data: bytes, layer: Layer, *, writer: IncrementalPdfFileWriter | None = None) -> bytes:
    who = layer.who
    true_utc = layer.when.replace(tzinfo=VN_TZ).astimezone(dt.timezone.utc)
    parsed_crls = [asn1_crl.CertificateList.load(c) for c in layer.crls]
    manual_revinfo = None
    meta_kwargs = {}
    if layer.presign_check:
        vc = ValidationContext(
            trust_roots=list(layer.trust_roots), other_certs=list(layer.intermediates),
            crls=parsed_crls, allow_fetching=False, moment=true_utc, revocation_mode="hard-fail")
        meta_kwargs = dict(embed_validation_info=True, validation_context=vc)
    elif parsed_crls:
        manual_revinfo = signers.Signer.format_revinfo(crls=parsed_crls)

    signer = ToolSigner(
        wall_clock=layer.when, manual_revinfo=manual_revinfo,
        signing_cert=who.cert, signing_key=who.key,
        cert_registry=SimpleCertificateStore.from_certs(list(layer.extra_certs)),
        signature_mechanism=RSA_PLAIN, embed_roots=True)
    meta = signers.PdfSignatureMetadata(
        field_name=layer.field, md_algorithm=layer.md,
        subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED,
        reason=layer.reason or who.reason, location=LOCATION, contact_info=CONTACT,
        certify=layer.certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,  # P=2
        signer_key_usage={"non_repudiation"},
        **meta_kwargs)
    spec = fields.SigFieldSpec(sig_field_name=layer.field, on_page=layer.page,
                               box=layer.box)
    pdf_signer = ToolPdfSigner(meta, signer, stamp_style=layer.style, new_field_spec=spec,
                                system_time=layer.when.replace(tzinfo=VN_TZ))
    w = writer or open_incremental(data, layer.field, layer.when)
    out = BytesIO()
    # 16,384 hex digits: the 8,192 bytes the tools reserve for /Contents
    pdf_signer.sign_pdf(w, output=out, bytes_reserved=16384)
    return out.getvalue()
