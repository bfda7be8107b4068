"""Validation policies: named sets of decisions about legacy material.

The checks collect facts; a policy decides what each fact means. Its name and hash travel with
every report so that an archived result can be re-judged under another policy.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

# The Government Cipher Committee's roots (G1 and G2). Their signing service still produced
# SHA-1 CAdES signatures and SHA-1 timestamp imprints in 2025 (see ../shared/realdocs), and the G1
# issuing certificates are SHA-1 signed, so rejecting SHA-1 under these anchors would reject
# genuine state documents. Any other anchor (public CAs, test PKIs) gets today's requirements.
VGCA_G1_ROOT = "F7BC89054CEC7F12730D7B8CD3EB7955B163835087E5EB873EDFB584763B3F90"
VGCA_G2_ROOT = "F04BA4B459A7C9A1B971AD9B1CB833E695A80C79AEA63B174B66A70EDFE2FDB8"


@dataclass(frozen=True)
class Limits:
    """The work one document may cost (verifier.pdf.budget). Genuine documents stay far below:
    the largest of ../shared/realdocs lists 9,686 objects in a revision, its updates after
    signing at most 52, and all its streams decode to 4 MB."""

    objects: int = 200_000  # cross-reference entries over all revisions, counted before parsing
    objects_per_update: int = 10_000  # objects one revision after the first signature may list
    decoded_mb: int = 512  # bytes all the document's streams may decode to, in MiB


@dataclass(frozen=True)
class Policy:
    name: str
    description: str
    # Anchors (SHA-256 of the DER) under which SHA-1 is accepted, in the message digest, in
    # signature algorithms of the chain and in timestamp imprints. MD5 is never accepted.
    sha1_anchors: tuple[str, ...] = ()
    min_rsa_bits: int = 2048
    # Finding severities overridden by name (error | warning | info | ignore).
    severities: dict[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)

    @property
    def sha256(self) -> str:
        facts = asdict(self)
        if self.limits == Limits():
            # limits at their defaults stay out of the hash: every report made before limits
            # existed keeps its policy's hash, and a policy that changes them gets another
            del facts["limits"]
        canonical = json.dumps(facts, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(canonical).hexdigest()

    def allows_sha1_under(self, anchor_sha256: str | None) -> bool:
        # sha1_anchors stay upper-case: they enter the policy hash, which archived reports carry
        return anchor_sha256 is not None and anchor_sha256.upper() in {a.upper() for a in self.sha1_anchors}


ND30 = Policy(
    name="nd30",
    description=(
        "Decree 30/2020 documents under the Vietnamese government and public PKIs: SHA-1 only "
        "under the government roots G1/G2, digitalSignature accepted without nonRepudiation, "
        "RSA of at least 2048 bits."
    ),
    sha1_anchors=(VGCA_G1_ROOT, VGCA_G2_ROOT),
)

POLICIES = {ND30.name: ND30}
DEFAULT_POLICY = ND30
