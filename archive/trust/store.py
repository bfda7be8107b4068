"""The local trust store: CA certificates and revocation material the verifier may rely on.

Layout under <KYSO_HOME>/trust/: anchors/, intermediates/, crls/, ocsp/ hold `<SHA-256>.der`
files; index.json records where each came from and whether it matched a pin. A certificate
enters only if its fingerprint is pinned in certs/pins.toml (or the operator says --unpinned),
so a tampered or unofficial copy can never become a trust anchor by accident.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from asn1crypto import cms, pem
from asn1crypto import x509 as asn1_x509

from archive.config import kyso_home
from archive.storage.fsutil import write_atomic as _write_atomic
from verifier.report.codes import Phrase
from verifier.report.phrased import PhrasedError
from certs import load_pins, pin_for
from verifier.trust.certinfo import common_name, format_name
from verifier.trust.material import (
    MaterialError,
    is_self_signed,
    load_certificates,
    load_crls,
    load_ocsp_responses,
    sha256_fingerprint,
)

DIRS = {"anchor": "anchors", "intermediate": "intermediates", "crl": "crls", "ocsp": "ocsp"}
INDEX_VERSION = 1


class TrustStoreError(PhrasedError):
    """Material refused or a store that cannot be used; the message (a codes.Phrase, str() the
    English) says what to do next."""


class NotPinned(TrustStoreError):
    """A certificate whose fingerprint certs/pins.toml does not list, sent without --unpinned."""


@dataclass(frozen=True)
class Entry:
    kind: str  # anchor | intermediate | crl | ocsp
    sha256: str
    subject: str  # empty for CRLs and OCSP responses, which have only an issuer
    issuer: str
    not_before: str | None  # certificates: validity; CRL: thisUpdate/nextUpdate; OCSP: producedAt
    not_after: str | None
    pinned: bool
    pin_name: str | None
    source: str
    imported_at: str

    @property
    def relpath(self) -> str:
        return f"{DIRS[self.kind]}/{self.sha256}.der"

    @property
    def legacy_relpath(self) -> str:
        # stores written before hashes were lower-case named their files in upper case
        return f"{DIRS[self.kind]}/{self.sha256.upper()}.der"


class TrustStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    @classmethod
    def default(cls) -> TrustStore:
        return cls(kyso_home() / "trust")

    # -- import -------------------------------------------------------------------------

    def import_certificates(
        self, data: bytes, source_name: str, *, unpinned: bool = False
    ) -> list[Entry]:
        """Store every certificate of the file, or none: one unpinned certificate refuses it."""
        certs = _parse_certificates(data, source_name)
        now = _now()
        planned = []
        for cert in certs:
            fp = sha256_fingerprint(cert)
            pin = pin_for(fp)
            if pin is None and not unpinned:
                raise NotPinned(_not_pinned_message(cert, fp, source_name))
            if pin is not None:
                kind = pin.role
            else:
                kind = "anchor" if is_self_signed(cert) else "intermediate"
            entry = Entry(
                kind=kind,
                sha256=fp,
                subject=format_name(cert.subject),
                issuer=format_name(cert.issuer),
                not_before=cert.not_valid_before.isoformat(),
                not_after=cert.not_valid_after.isoformat(),
                pinned=pin is not None,
                pin_name=pin.name if pin else None,
                source=source_name,
                imported_at=now,
            )
            planned.append((entry, cert.dump()))
        return self._store(planned)

    def import_crls(self, data: bytes, source_name: str) -> list[Entry]:
        # No pin: a CRL is signed by its CA and checked when a chain is validated.
        try:
            crls = load_crls(data)
        except MaterialError as exc:
            raise TrustStoreError(Phrase(f"'{source_name}' không dùng được làm CRL: {exc.text('vi')}",
                                         f"'{source_name}' is not a usable CRL: {exc.text('en')}")) from exc
        now = _now()
        planned = []
        for crl in crls:
            tbs = crl["tbs_cert_list"]
            der = crl.dump()
            nxt = tbs["next_update"].native
            entry = Entry(
                kind="crl",
                sha256=_sha256(der),
                subject="",
                issuer=format_name(tbs["issuer"]),
                not_before=tbs["this_update"].native.isoformat(),
                not_after=nxt.isoformat() if nxt else None,
                pinned=False,
                pin_name=None,
                source=source_name,
                imported_at=now,
            )
            planned.append((entry, der))
        return self._store(planned)

    def import_ocsp(self, data: bytes, source_name: str) -> list[Entry]:
        try:
            responses = load_ocsp_responses(data)
        except MaterialError as exc:
            raise TrustStoreError(Phrase(f"'{source_name}' không dùng được làm phản hồi OCSP: {exc.text('vi')}",
                                         f"'{source_name}' is not a usable OCSP response: {exc.text('en')}")) from exc
        now = _now()
        planned = []
        for resp in responses:
            if resp["response_status"].native != "successful":
                status = resp["response_status"].native
                raise TrustStoreError(Phrase(
                    f"'{source_name}' là một phản hồi OCSP báo lỗi ({status}), không phải bằng chứng về "
                    "tình trạng thu hồi; hãy tải lại",
                    f"'{source_name}' is an OCSP error response ({status}), not revocation evidence; fetch it again",
                ))
            der = resp.dump()
            basic = resp.basic_ocsp_response["tbs_response_data"]
            responder = basic["responder_id"]
            issuer = (
                format_name(responder.chosen)
                if responder.name == "by_name"
                else "key hash " + responder.chosen.native.hex()
            )
            entry = Entry(
                kind="ocsp",
                sha256=_sha256(der),
                subject="",
                issuer=issuer,
                not_before=basic["produced_at"].native.isoformat(),
                not_after=None,
                pinned=False,
                pin_name=None,
                source=source_name,
                imported_at=now,
            )
            planned.append((entry, der))
        return self._store(planned)

    # -- read ---------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        return list(self._read_index().values())

    def material(self) -> tuple[list[bytes], list[bytes], list[bytes], list[bytes]]:
        """DER bytes of (anchors, intermediates, crls, ocsps), each checked against its name."""
        out: dict[str, list[bytes]] = {kind: [] for kind in DIRS}
        for entry in self.entries():
            path = self._file(entry)
            der = _read_intact(path, entry.sha256)
            if der is None:
                # The file name is the fingerprint we accepted; anything else was changed on disk.
                raise TrustStoreError(Phrase(
                    f"tệp {path} của kho tin cậy bị thiếu hoặc đã bị sửa trên đĩa; hãy nhập lại "
                    f"'{entry.source}' (tệp chính thức) để khôi phục",
                    f"trust store file {path} is missing or was modified on disk; "
                    f"import '{entry.source}' (the official file) again to restore it",
                ))
            out[entry.kind].append(der)
        return out["anchor"], out["intermediate"], out["crl"], out["ocsp"]

    # issue 15 (ltv15): CRLs refreshed from the network replace the older ones of their CA
    def retire_older_crls(self, kept: Entry) -> list[Entry]:
        """Drop the CRLs of `kept`'s issuer issued before it (by thisUpdate): a superseded CRL
        beside the fresh one only makes validation judge stale data. Returns those dropped.
        The issuer is its name and its key (the CRLs' authority key identifiers): a CA re-keyed
        under the same name keeps the CRL of its other key, which still speaks for the
        certificates that key issued."""
        with self._lock():
            index = self._read_index()
            key = _crl_key(_read_intact(self.root / kept.relpath, kept.sha256))
            gone = [e for e in index.values() if e.kind == "crl" and e.issuer == kept.issuer
                    and e.sha256 != kept.sha256 and (e.not_before or "") < (kept.not_before or "")
                    and _crl_key(_read_intact(self.root / e.relpath, e.sha256)) == key]
            for entry in gone:
                del index[entry.sha256]
            self._write_index(index)
            for entry in gone:
                for path in {self.root / entry.relpath, self.root / entry.legacy_relpath}:
                    path.unlink(missing_ok=True)
        return gone

    # -- disk ---------------------------------------------------------------------------

    def _store(self, planned: list[tuple[Entry, bytes]]) -> list[Entry]:
        with self._lock():
            index = self._read_index()
            result = []
            for entry, der in planned:
                old = index.get(entry.sha256)
                if (
                    old is not None
                    and (old.kind, old.pinned, old.pin_name) == (entry.kind, entry.pinned, entry.pin_name)
                    and _read_intact(self.root / old.relpath, old.sha256) is not None
                ):
                    result.append(old)  # same bytes, same standing: nothing to change
                    continue
                _write_atomic(self.root / entry.relpath, der)
                if old is not None:
                    new = self.root / entry.relpath
                    for rel in {old.relpath, old.legacy_relpath} - {entry.relpath}:
                        path = self.root / rel
                        # on a case-insensitive disk the upper-case name is the new file itself
                        if path.exists() and not path.samefile(new):
                            path.unlink()
                index[entry.sha256] = entry
                result.append(entry)
            self._write_index(index)
        return result

    def _read_index(self) -> dict[str, Entry]:
        path = self.root / "index.json"
        if not path.exists():
            return {}
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            entries = [Entry(**{**e, "sha256": e["sha256"].lower()}) for e in raw["entries"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise TrustStoreError(Phrase(
                f"{path} bị hỏng; hãy chuyển nó đi nơi khác rồi nhập lại các chứng thư số",
                f"{path} is damaged ({exc}); move it away and import the certificates again",
            )) from exc
        return {e.sha256: e for e in entries}

    def _file(self, entry: Entry) -> Path:
        path = self.root / entry.relpath
        legacy = self.root / entry.legacy_relpath
        return legacy if not path.exists() and legacy.exists() else path

    def _write_index(self, index: dict[str, Entry]) -> None:
        ordered = sorted(index.values(), key=lambda e: (list(DIRS).index(e.kind), e.sha256))
        doc = {"version": INDEX_VERSION, "entries": [asdict(e) for e in ordered]}
        text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
        _write_atomic(self.root / "index.json", text.encode("utf-8"))

    @contextlib.contextmanager
    def _lock(self):
        # Two imports at once must not lose each other's index updates.
        for sub in DIRS.values():  # all four, so the layout is visible from the first import
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+b") as fh:
            try:
                import fcntl
            except ImportError:  # Windows: single writer assumed
                yield
                return
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _not_pinned_message(cert: asn1_x509.Certificate, fp: str, source: str) -> Phrase:
    subject = format_name(cert.subject)
    head = (f"'{source}': dấu vân tay {fp} của '{subject}' không có trong danh sách ghim certs/pins.toml",
            f"'{source}': fingerprint {fp} of '{subject}' is not pinned in certs/pins.toml")
    same_name = [p for p in load_pins() if p.subject == common_name(subject)]
    if same_name:
        pin = same_name[0]
        where_en = pin.url or "the CA's official site"
        return Phrase(
            f"{head[0]}; chứng thư số chính thức cùng tên ({pin.name}) có dấu vân tay {pin.sha256}, nên tệp "
            f"này là bản đã bị sửa hoặc không chính thức. Hãy tải tệp chính thức từ "
            f"{pin.url or 'trang chính thức của CA'} hoặc dùng --unpinned nếu chính bạn đã kiểm tra nó",
            f"{head[1]}; the official certificate of that name ({pin.name}) has fingerprint "
            f"{pin.sha256}, so this file is a modified or unofficial copy. Download the official "
            f"file from {where_en} or pass --unpinned if you have verified it yourself",
        )
    return Phrase(
        f"{head[0]}; hãy đối chiếu dấu vân tay với CA cấp, rồi dùng --unpinned nếu chính bạn đã kiểm tra nó",
        f"{head[1]}; check the fingerprint with the issuing CA, then pass --unpinned if you "
        f"have verified it yourself",
    )


def _parse_certificates(data: bytes, source: str) -> list[asn1_x509.Certificate]:
    try:
        return load_certificates(data)
    except MaterialError as exc:
        bundled = _pkcs7_certificates(data)
        if bundled:
            return bundled
        raise TrustStoreError(Phrase(
            f"'{source}' không đọc được như một chứng thư số: {exc.text('vi')}. Cần một chứng thư số dạng PEM "
            f"hoặc DER (.crt, .cer, .pem) hoặc một gói PKCS#7 (.p7b); nếu tệp lấy từ CA, hãy tải lại",
            f"'{source}' cannot be read as a certificate: {exc.text('en')}. Expected a PEM or DER certificate "
            f"(.crt, .cer, .pem) or a PKCS#7 bundle (.p7b); if it came from the CA, "
            f"download it again",
        )) from exc


def _pkcs7_certificates(data: bytes) -> list[asn1_x509.Certificate] | None:
    """Certificates of a PKCS#7 certs-only bundle, the form NEAC publishes its root in."""
    try:
        if pem.detect(data):
            blocks = [der for kind, _h, der in pem.unarmor(data, multiple=True) if kind == "PKCS7"]
            if len(blocks) != 1:
                return None
            data = blocks[0]
        info = cms.ContentInfo.load(data)
        if info["content_type"].native != "signed_data":
            return None
        certs = [c.chosen for c in info["content"]["certificates"] if c.name == "certificate"]
        for cert in certs:
            cert.native  # full parse now, as load_certificates does
        return certs
    except Exception:  # asn1crypto raises many types on bad input; the caller reports its own
        return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _crl_key(der: bytes | None):
    """The authority key identifier of a CRL (None when it has none); a CRL that cannot be read
    gets a value no other CRL has, so it is never taken for another's predecessor."""
    if der is None:
        return object()
    try:
        from asn1crypto import crl as asn1_crl

        return asn1_crl.CertificateList.load(der).authority_key_identifier
    except Exception:  # noqa: BLE001 - damaged bytes: compared with nothing
        return object()


def _read_intact(path: Path, sha256: str) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if _sha256(data) == sha256 else None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
