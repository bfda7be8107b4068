"""Regenerate the sample corpus: TEST PKI (only when missing), signed PDFs and manifest.json.

    python samples/build.py              # keep samples/pki, rebuild every PDF and the manifest
    python samples/build.py --new-pki    # also make new keys and certificates
    python samples/build.py --check      # then validate every sample with pyHanko

The plan imitates a real plan of the Bình Phước Department of Education and Training (its text
layer is ../shared/seed/, found next to the repository or through KYSO_SHARED). Signatures follow
the conventions of the Vietnamese signing tools (docs/decree30.md §2), so that the verifier is tested
on files shaped like the ones it will meet.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pyhanko.pdf_utils.layout import AxisAlignment  # noqa: E402

import art  # noqa: E402
import forge  # noqa: E402
import pdfmake  # noqa: E402
import pkigen  # noqa: E402
import vnsign  # noqa: E402
from vnsign import Layer  # noqa: E402

SEED_NAME = "ke-hoach-chung-tay-xay-dung-nong-thon-moi.txt"
T = dt.datetime  # signing times are naive Vietnam wall-clock times


def shared_dir() -> Path:
    env = os.environ.get("KYSO_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


@dataclass
class Sample:
    file: str
    description: str
    verdict: str
    exit_code: int
    layers: int
    roles: list[str]
    subindications: list = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)  # Decree 30 purpose of each layer
    profile: list[str] = field(default_factory=list)  # the Decree 30 findings expected, sorted
    metadata: dict = field(default_factory=dict)  # Appendix VI fields expected (a subset)


# What kyso must say about each failure, layer by layer (ETSI sub-indication, None for PASSED).
# A trust problem is INDETERMINATE, not FAILED (EN 319 102-1): a revoked, expired or untrusted
# signer without a timestamp proving when it signed, a SHA-1 digest the policy refuses.
SUBINDICATIONS = {
    "content-changed.pdf": ["MODIFIED_AFTER_SIGNING"],
    "annotation-added.pdf": ["MODIFIED_AFTER_SIGNING"],
    "unsigned-update.pdf": ["MODIFIED_AFTER_SIGNING", None],
    "revoked-signer.pdf": ["REVOKED_NO_POE"],
    "expired-signer.pdf": ["OUT_OF_BOUNDS_NO_POE"],
    "untrusted-root.pdf": ["NO_CERTIFICATE_CHAIN_FOUND"],
    "self-signed.pdf": ["NO_CERTIFICATE_CHAIN_FOUND"],
    "sha1.pdf": ["CRYPTO_CONSTRAINTS_FAILURE"],
    "unsupported-subfilter.pdf": [None, "CRYPTO_CONSTRAINTS_FAILURE"],
    "corrupt-cms.pdf": ["FORMAT_FAILURE"],
    # the fifth signer, whom nobody can identify, draws over what the first four signed
    "later-untrusted.pdf": ["OVERLAY_BY_UNIDENTIFIED_SIGNER"] * 4 + ["NO_CERTIFICATE_CHAIN_FOUND"],
}


class Builder:
    def __init__(self, pki: pkigen.Pki, fontdir: Path, seed: pdfmake.Seed):
        self.pki = pki
        self.font = str(art.rescaled_font(art.SERIF, fontdir))
        self.font_italic = str(art.rescaled_font(art.SERIF_ITALIC, fontdir))
        self.seed = seed
        self.id = {n: vnsign.identity(pki, n) for n in
                   ("director", "clerk", "agency", "unit-head", "unit", "revoked", "expired",
                    "untrusted-signer", "self-signed", "public-org")}
        self.roots = (vnsign.asn1_cert(pki, "root-g2"), vnsign.asn1_cert(pki, "root-national"))
        self.inter = (vnsign.asn1_cert(pki, "ca-g2"), vnsign.asn1_cert(pki, "ca-public"))
        # drawn once; the key doubles as the image's resource name in the appearance
        self.images = {"DirectorSignature": art.director_signature(),
                       "UnitHeadSignature": art.unit_head_signature(),
                       "AgencySeal": art.agency_seal(), "UnitSeal": art.unit_seal()}

    # a layer by a signer of the trusted tree, with the CRLs of its chain embedded
    def layer(self, who: str, when: T, field: str, **kw) -> Layer:
        kw.setdefault("crls", self.pki.chain_crls(who))
        return Layer(self.id[who], when, field, trust_roots=self.roots,
                     intermediates=self.inter, **kw)

    def image(self, name: str):
        return vnsign.image_style(self.images[name], name)

    def text(self, lines, size, **kw):
        return vnsign.text_style(lines, self.font, size, **kw)

    # --- the main sample: the plan with six layers ---------------------------------------------

    def plan_revisions(self) -> tuple[pdfmake.Doc, list[bytes]]:
        doc = pdfmake.plan(self.seed)
        b = doc.boxes
        revs = [doc.pdf]

        def add(layer):
            revs.append(vnsign.sign(revs[-1], layer))

        sig_page, sig_box = b["signature"]
        add(self.layer("director", T(2022, 3, 8, 9, 56, 26), "Signature1", page=sig_page,
                       box=sig_box, style=self.image("DirectorSignature"), certify=True))
        clerk_page, clerk_box = b["clerk"]
        clerk = self.id["clerk"]
        add(self.layer("clerk", T(2022, 3, 8, 9, 59, 2), "Signature2", page=clerk_page,
                       box=clerk_box, style=self.text(
                           ["Ký số văn bản", clerk.cn, clerk.email, "2022-03-08T09:59:02+0700"],
                           7, colour=(0.05, 0.15, 0.55))))
        num_page, num_box = b["number"]
        add(self.layer("agency", T(2022, 3, 8, 10, 21, 42), "Signature3", page=num_page,
                       box=num_box, style=self.number_style("45", doc.header_size)))
        date_page, date_box = b["date"]
        add(self.layer("agency", T(2022, 3, 8, 10, 21, 43), "Signature4", page=date_page,
                       box=date_box, style=self.number_style("08", doc.header_size,
                                                             italic=True)))
        add(self.layer("agency", T(2022, 3, 8, 10, 21, 49), "Signature5", page=sig_page,
                       box=seal_box(sig_box), style=self.image("AgencySeal")))
        app_page, app_box = b["appendix-sig"]
        when = T(2022, 3, 8, 10, 21, 54)
        add(self.layer("agency", when, "Signature6", page=app_page, box=app_box,
                       style=self.text(vnsign.tool_text_lines(self.id["agency"], when), 9)))
        return doc, revs

    def issue(self, doc: pdfmake.Doc, *, person: str | None = "director", image="DirectorSignature",
              agency="agency", number="45", day="08", on=dt.date(2022, 3, 8), seal=None,
              after: tuple = ()) -> bytes:
        """The issuing steps of the real plan on `doc`: the person certifies with an image, then
        the agency draws the number and the day and lays the seal (by default over the left
        third of the signature; `seal` gives another box on the signature page). `after` adds
        (who, style, box) layers at the end."""
        b = doc.boxes
        data, n = doc.pdf, 0

        def add(who, hh, mm, ss, page, box, style, certify=False, **kw):
            nonlocal data, n
            n += 1
            when = T(on.year, on.month, on.day, hh, mm, ss)
            data = vnsign.sign(data, self.layer(who, when, f"Signature{n}", page=page, box=box,
                                                style=style, certify=certify, **kw))

        sig_page, sig_box = b["signature"]
        if person:
            add(person, 9, 56, 26, sig_page, sig_box, self.image(image), certify=True)
        num_page, num_box = b["number"]
        add(agency, 10, 21, 42, num_page, num_box, self.number_style(number, doc.header_size),
            certify=not person)
        date_page, date_box = b["date"]
        add(agency, 10, 21, 43, date_page, date_box, self.number_style(day, doc.header_size, italic=True))
        add(agency, 10, 21, 49, sig_page, seal or seal_box(sig_box),
            self.image("UnitSeal" if agency == "unit" else "AgencySeal"))
        for who, style, box, kw in after:
            add(who, 10, 30, 0, sig_page, box, style, **kw)
        return data

    def number_style(self, text: str, size: int, italic=False):
        """A number or day written into a blank of the header, in the header's own size."""
        return vnsign.text_style([text], self.font_italic if italic else self.font, size,
                                 align_x=AxisAlignment.ALIGN_MID)

    # --- other genuine documents ---------------------------------------------------------------

    def unit_report(self) -> bytes:
        doc = pdfmake.unit_report()
        page, box = doc.boxes["signature"]
        pdf = vnsign.sign(doc.pdf, self.layer(
            "unit-head", T(2022, 3, 15, 8, 30, 12), "Signature1", page=page, box=box,
            style=self.image("UnitHeadSignature"), certify=True))
        return vnsign.sign(pdf, self.layer(
            "unit", T(2022, 3, 15, 8, 41, 55), "Signature2", page=page, box=seal_box(box),
            style=self.image("UnitSeal")))

    def appendix(self) -> bytes:
        doc = pdfmake.appendix()
        page, box = doc.boxes["appendix-sig"]
        agency = self.id["agency"]
        lines = [f"Người ký: {agency.cn}", f"Email: {agency.email}",
                 "Văn bản kèm theo: 45/KH-SGDĐT", "Thời gian ký: 2022-03-08T10:22:05+07:00"]
        return vnsign.sign(doc.pdf, self.layer(
            "agency", T(2022, 3, 8, 10, 22, 5), "Signature1", page=page, box=box,
            style=self.text(lines, 9)))

    def single(self, base: bytes, who: str, box_page, *, text=False, **kw) -> bytes:
        """One certifying signature in the director's place (image for him, text otherwise)."""
        page, box = box_page
        when = T(2022, 3, 8, 9, 56, 26)
        if text:  # the four text lines need more width than the image
            box = (box[0] - 45, box[1], box[2] + 45, box[3])
            style = self.text(vnsign.tool_text_lines(self.id[who], when), 8)
        else:
            style = self.image("DirectorSignature")
        layer = self.layer(who, when, "Signature1", page=page, box=box, style=style,
                           certify=True, **kw)
        return vnsign.sign(base, layer)


def seal_box(sig_box, size=100.0):
    """The seal covers the left third of the signature image's box, centred vertically on it."""
    x1, y1, x2, y2 = sig_box
    right = x1 + (x2 - x1) / 3
    cy = (y1 + y2) / 2
    return (round(right - size, 2), round(cy - size / 2, 2), round(right, 2), round(cy + size / 2, 2))


PLAN_METADATA = {
    "type_name": "Kế hoạch", "code_number": "45", "code_notation": "KH-SGDĐT", "issued_date": "2022-03-08",
    "place": "Bình Phước", "organ_name": "Sở Giáo dục và Đào tạo", "parent_organ_name": "UBND tỉnh Bình Phước",
    "signer_name": "Trịnh Văn Nam", "signer_position": "GIÁM ĐỐC", "page_amount": 3,
}
ISSUED = ["competent", "number", "date", "seal"]  # the purposes of Builder.issue's layers


def build(out: Path, b: Builder) -> list[Sample]:
    samples: list[Sample] = []

    def put(name, data, description, verdict, code, layers, roles, *, purposes=None, profile=(),
            metadata=None):
        (out / name).write_bytes(data)
        subs = SUBINDICATIONS.get(name, [None] * layers)
        samples.append(Sample(name, description, verdict, code, layers, roles, subs,
                              purposes if purposes is not None else [], sorted(profile),
                              metadata or {}))

    doc, revs = b.plan_revisions()
    unsigned, director_only = revs[0], revs[1]
    boxes = doc.boxes
    put("plan.pdf", revs[-1],
        "The department's plan with the six layers of the real document: the director certifies "
        "(P=2) with his signature image, the clerk signs, then the agency key draws the number, "
        "the day and the seal over the left third of the signature and signs the appendix page.",
        "VALID", 0, 6, ["person", "person", "agency", "agency", "agency", "agency"],
        purposes=["competent", "person", "number", "date", "seal", "appendix"], metadata=PLAN_METADATA)
    put("unit-report.pdf", b.unit_report(),
        "A subordinate school's report: the head certifies with her signature image, then the "
        "school's organisation certificate lays its seal over the left third of it.",
        "VALID", 0, 2, ["person", "agency"], purposes=["competent", "seal"],
        metadata={"type_name": "Báo cáo", "code_number": "12", "code_notation": "BC-THPTCQT",
                  "issued_date": "2022-03-15", "signer_name": "Nguyễn Thị Hồng Nhung"})
    put("appendix.pdf", b.appendix(),
        "A separate appendix file of plan 45/KH-SGDĐT: one agency signature without image at "
        "the top right of page 1 giving the number, symbol and ISO 8601 signing time.",
        "VALID", 0, 1, ["agency"], purposes=["appendix"],
        metadata={"type_name": "Phụ lục", "attached_to": "45/KH-SGDĐT"})

    num_page, num_box = boxes["number"]
    date_page, date_box = boxes["date"]
    put("content-changed.pdf",
        forge.draw_on_page(director_only, num_page, [("99", num_box), ("15", date_box)],
                           b.font, doc.header_size, "content-changed"),
        "The director's certified plan followed by an unsigned update that adds page content "
        "writing a number and a day into the blanks, with no agency signature.",
        "INVALID", 1, 1, ["person"], purposes=["competent"], profile=["ND30_NO_AGENCY_SIGNATURE"],
        metadata={"code_number": "99", "issued_date": "2022-03-15"})
    put("annotation-added.pdf",  # a comment in the top margin of page 1
        forge.add_freetext(director_only, 0, (300.0, 790.0, 560.0, 812.0),
                           "Đã sửa: gia hạn đến 31/12/2022", b.font, "annotation-added"),
        "The director's certified plan followed by an unsigned update adding a FreeText "
        "annotation on page 1.",
        "INVALID", 1, 1, ["person"], purposes=["competent"], profile=["ND30_AGENCY_LAYER_STRIPPED"])
    rec_page, rec_box = boxes["recipient-1"]
    tampered = forge.replace_page_content(director_only, rec_page, forge.whiteout_ops(rec_box),
                                          "unsigned-update")
    put("unsigned-update.pdf",
        vnsign.sign(tampered, b.layer("agency", T(2022, 3, 8, 10, 21, 42), "Signature2",
                                      page=num_page, box=num_box,
                                      style=b.number_style("45", doc.header_size))),
        "The director certifies; an unsigned update then rewrites page 2's content stream "
        "object to white out the first recipient; the agency's later signature covers the "
        "tampering, which must not launder it.",
        "INVALID", 1, 2, ["person", "agency"], purposes=["competent", "number"])
    sig_at = boxes["signature"]
    put("revoked-signer.pdf", b.single(unsigned, "revoked", sig_at, text=True,
                                       presign_check=False),
        "Signed on 2022-03-08 by a certificate revoked on 2022-03-01 (keyCompromise); the "
        "issuing CA's CRL saying so is embedded.",
        "INDETERMINATE", 3, 1, ["person"], purposes=["competent"],
        profile=["ND30_AGENCY_LAYER_STRIPPED", "ND30_SIGNER_NAME_MISMATCH"])
    put("expired-signer.pdf", b.single(unsigned, "expired", sig_at, text=True,
                                       presign_check=False),
        "Signed on 2022-03-08 by a certificate that expired on 2021-12-31.",
        "INDETERMINATE", 3, 1, ["person"], purposes=["competent"],
        profile=["ND30_AGENCY_LAYER_STRIPPED", "ND30_SIGNER_NAME_MISMATCH"])
    put("untrusted-root.pdf",
        b.single(unsigned, "untrusted-signer", sig_at, text=True, presign_check=False,
                 extra_certs=(vnsign.asn1_cert(b.pki, "root-untrusted"),),
                 crls=b.pki.chain_crls("untrusted-signer")),
        "Signed by a certificate of a root that is not in the trust bundle; the CMS carries "
        "the signer and that root.",
        "INDETERMINATE", 3, 1, ["person"], purposes=["competent"],
        profile=["ND30_AGENCY_LAYER_STRIPPED", "ND30_SIGNER_NAME_MISMATCH"])
    put("self-signed.pdf", b.single(unsigned, "self-signed", sig_at, text=True,
                                    presign_check=False, crls=[]),
        "Signed with a self-signed end-entity certificate.",
        "INDETERMINATE", 3, 1, ["person"], purposes=["competent"],
        profile=["ND30_AGENCY_LAYER_STRIPPED", "ND30_SIGNER_NAME_MISMATCH"])
    sig_page, sig_box = sig_at
    first = vnsign.sign(unsigned, b.layer("agency", T(2022, 3, 8, 9, 50, 10), "Signature1",
                                          page=sig_page, box=seal_box(sig_box),
                                          style=b.image("AgencySeal"), certify=True))
    put("agency-before-person.pdf",
        vnsign.sign(first, b.layer("director", T(2022, 3, 8, 9, 56, 26), "Signature2",
                                   page=sig_page, box=sig_box, style=b.image("DirectorSignature"))),
        "The agency seal certifies first and the director signs after it: cryptographically "
        "sound, out of the order Decree 30 (Art. 32.2.d) requires.",
        "VALID", 0, 2, ["agency", "person"], purposes=["seal", "competent"],
        profile=["ND30_AGENCY_BEFORE_PERSON"])
    put("sha1.pdf", b.single(unsigned, "director", sig_at, md="sha1", presign_check=False),
        "The director's signature with SHA-1 as digest algorithm under a test (non-government) "
        "anchor.",
        "INDETERMINATE", 3, 1, ["person"], purposes=["competent"], profile=["ND30_AGENCY_LAYER_STRIPPED"])
    put("unsupported-subfilter.pdf",
        forge.add_pkcs7_sha1_signature(director_only, b.id["agency"],
                                       T(2022, 3, 8, 10, 21, 42), "Signature2",
                                       b.pki.chain_crls("agency")),
        "The director's signature followed by an agency signature with SubFilter "
        "adbe.pkcs7.sha1 (its CMS encapsulates the SHA-1 digest of the byte ranges): validated in "
        "full; SHA-1 under the test root is refused by the policy, which leaves it undetermined.",
        "INDETERMINATE", 3, 2, ["person", "agency"], purposes=["competent", "agency"])
    put("corrupt-cms.pdf", forge.corrupt_last_cms(director_only),
        "The director's signature whose /Contents was damaged in place, so its CMS cannot be "
        "parsed (and the signer, hence the role, cannot be known).",
        "INVALID", 1, 1, ["unknown"], purposes=["unknown"])
    put("no-signatures.pdf", unsigned,
        "The plan without any signature.",
        "INVALID", 1, 0, [])
    put("encrypted.pdf", forge.encrypt(unsigned, user="secret", owner="kyso-owner"),
        "The unsigned plan encrypted with AES-256 and user password 'secret'.",
        "ERROR", 4, 0, [])
    enc_empty = forge.encrypt(unsigned, user="", owner="kyso-owner")
    w = vnsign.open_incremental(enc_empty, "encrypted-empty-password", T(2022, 3, 8, 9, 56, 26))
    w.encrypt(b"")  # open it as a reader would, with the empty user password
    with forge.seeded_secrets("encrypted-empty-password"):
        signed_enc = vnsign.sign(enc_empty, b.layer(
            "director", T(2022, 3, 8, 9, 56, 26), "Signature1", page=sig_page, box=sig_box,
            style=b.image("DirectorSignature"), certify=True), writer=w)
    put("encrypted-empty-password.pdf", signed_enc,
        "The plan encrypted with AES-256, an owner password and an empty user password, then "
        "signed by the director: readable without a password, so it must verify.",
        "VALID", 0, 1, ["person"], purposes=["competent"], profile=["ND30_AGENCY_LAYER_STRIPPED"])
    decree30_samples(b, put, doc, revs)
    put("not-a-pdf.pdf",
        "Đây không phải là tệp PDF.\nThis is not a PDF file: a few lines of plain text\n"
        "saved with a .pdf name.\n".encode("utf-8"),
        "Plain text with a .pdf name.",
        "ERROR", 4, 0, [])
    put("truncated.pdf", forge.truncate(revs[-1], 0.6),
        "plan.pdf cut to its first 60 % of bytes.",
        "ERROR", 4, 0, [])
    return samples


def decree30_samples(b: Builder, put, doc: pdfmake.Doc, revs: list[bytes]) -> None:
    """Documents that are sound signatures but break one rule of Decree 30/2020 each: the
    profile must say exactly which (docs/decree30.md §5, C7-C14)."""
    seed = b.seed
    sig_page, sig_box = doc.boxes["signature"]
    put("agency-only.pdf", b.issue(doc, person=None),
        "The agency numbers, dates and seals the plan, but nobody signed it as the competent "
        "person (Art. 5 wants both signatures).",
        "VALID", 0, 3, ["agency"] * 3, purposes=["number", "date", "seal"],
        profile=["ND30_NO_PERSON_SIGNATURE"])
    printed = pdfmake.plan(seed, number="45", day="08")
    put("person-only.pdf", vnsign.sign(printed.pdf, b.layer(
            "director", T(2022, 3, 8, 9, 56, 26), "Signature1", page=printed.boxes["signature"][0],
            box=printed.boxes["signature"][1], style=b.image("DirectorSignature"), certify=True)),
        "The plan with its number and date typed into the page, signed by the director only: "
        "the agency's signature is missing.",
        "VALID", 0, 1, ["person"], purposes=["competent"], profile=["ND30_NO_AGENCY_SIGNATURE"],
        metadata={"code_number": "45", "issued_date": "2022-03-08"})
    put("stripped-agency.pdf", revs[2],
        "plan.pdf cut after the clerk's layer: the director's and clerk's signatures are intact, "
        "the agency's number, date, seal and appendix layers are gone and the blanks are empty.",
        "VALID", 0, 2, ["person", "person"], purposes=["competent", "person"],
        profile=["ND30_AGENCY_LAYER_STRIPPED"],
        metadata={"code_number": None, "issued_date": None, "code_notation": "KH-SGDĐT"})
    below = (sig_box[0] + 30, sig_box[1] - 135, sig_box[0] + 130, sig_box[1] - 35)
    put("seal-elsewhere.pdf", b.issue(doc, seal=below),
        "The issued plan whose seal lies under the signature block instead of over the left third "
        "of the director's signature.",
        "VALID", 0, 4, ["person", "agency", "agency", "agency"], purposes=ISSUED,
        profile=["ND30_SEAL_PLACEMENT"])
    put("names-mismatch.pdf", b.issue(doc, person="unit-head", image="UnitHeadSignature", agency="unit"),
        "The plan printed under Trịnh Văn Nam's name and the department's header, signed by "
        "another person and numbered, dated and sealed by another agency's certificate.",
        "VALID", 0, 4, ["person", "agency", "agency", "agency"], purposes=ISSUED,
        profile=["ND30_AGENCY_NAME_MISMATCH", "ND30_SIGNER_NAME_MISMATCH"])
    put("date-after-signing.pdf", b.issue(doc, day="15"),
        "The agency dates the plan 15 March 2022 but signs it on 8 March: the date line is "
        "later than the signing.",
        "VALID", 0, 4, ["person", "agency", "agency", "agency"], purposes=ISSUED,
        profile=["ND30_DATE_AFTER_SIGNING"], metadata={"issued_date": "2022-03-15"})
    wrong = pdfmake.plan(seed, notation="BC-SGDĐT")
    put("wrong-type-code.pdf", b.issue(wrong),
        "A plan (KẾ HOẠCH) whose notation carries the code of a report: 45/BC-SGDĐT.",
        "VALID", 0, 4, ["person", "agency", "agency", "agency"], purposes=ISSUED,
        profile=["ND30_TYPE_CODE_MISMATCH"],
        metadata={"type_name": "Kế hoạch", "code_notation": "BC-SGDĐT", "type_code": "BC"})
    in_2026 = pdfmake.plan(seed, month="01", year="2026")
    put("public-ca-2026.pdf", b.issue(in_2026, agency="public-org", day="15", on=dt.date(2026, 1, 15)),
        "The plan issued on 15 January 2026 with the department's public-CA (VNPT) organisation "
        "certificate, after the 2025-12-31 end of public-CA signatures for state bodies.",
        "VALID", 0, 4, ["person", "agency", "agency", "agency"], purposes=ISSUED,
        profile=["ND30_PUBLIC_CA_AFTER_2025"], metadata={"issued_date": "2026-01-15"})
    stranger = b.id["untrusted-signer"]
    extra = ("untrusted-signer", b.text(["Đã kiểm tra", stranger.cn], 8),
             (sig_box[0], sig_box[1] - 105, sig_box[2], sig_box[1] - 65),
             dict(presign_check=False, extra_certs=(vnsign.asn1_cert(b.pki, "root-untrusted"),),
                  crls=b.pki.chain_crls("untrusted-signer")))
    put("later-untrusted.pdf", b.issue(doc, after=(extra,)),
        "The issued plan with a fifth layer by a certificate of an untrusted root, drawn under the "
        "signature block.",
        "INDETERMINATE", 3, 5, ["person", "agency", "agency", "agency", "person"],
        purposes=ISSUED + ["person"], profile=["ND30_LATER_LAYER_UNTRUSTED"])


def write_manifest(out: Path, samples: list[Sample]) -> None:
    manifest = {"trust": "pki/trust.pem", "samples": [s.__dict__ for s in samples]}
    text = json.dumps(manifest, ensure_ascii=False, indent=2)
    # role lists on one line keep the file short and its diffs readable
    text = re.sub(r'\[\s*((?:"[A-Za-z0-9_]+"|null)(?:,\s*(?:"[A-Za-z0-9_]+"|null))*)\s*\]',
                  lambda m: "[" + re.sub(r",\s*", ", ", m.group(1)) + "]", text)
    (out / "manifest.json").write_text(text + "\n", encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--new-pki", action="store_true", help="make new keys and certificates")
    ap.add_argument("--check", action="store_true", help="validate the samples with pyHanko")
    args = ap.parse_args(argv)
    started = time.monotonic()
    # fontTools stamps each font subset pyHanko embeds with the current time unless this is set
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(pdfmake.CREATED.timestamp())))
    seed_path = shared_dir() / "seed" / SEED_NAME
    if not seed_path.is_file():
        sys.exit(f"build.py: seed text {seed_path} not found; set KYSO_SHARED to the shared "
                 f"folder.")
    pki = pkigen.load_or_create(HERE / "pki", new=args.new_pki)
    with tempfile.TemporaryDirectory(prefix="kyso-samples-") as tmp:
        builder = Builder(pki, Path(tmp), pdfmake.parse_seed(seed_path))
        samples = build(HERE, builder)
    write_manifest(HERE, samples)
    print(f"built {len(samples)} samples in {time.monotonic() - started:.1f} s")
    if args.check:
        import selfcheck
        return selfcheck.run(HERE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
