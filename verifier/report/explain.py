"""Messages of pyHanko, its certificate validator, Python and kyso's own difference rules, said to
a reader in both languages.

Those libraries speak English, in their own names ("Reference(idnum=54 …)", "Common Name: …,
Organization: …"). Each message seen on the samples, the real documents and the attack and
genuine kits has a wording of its own here; any other gets a plain sentence of its kind, and the
original is kept for the details (Layer.problem_detail, JSON), never shown as the sentence.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from verifier.report.codes import WHERE_TEXT, Phrase, words
from verifier.vietnam import VIETNAM

# A plain sentence per kind of problem, for a message no wording below knows.
GENERIC = {
    "format": Phrase("Không đọc được cấu trúc chữ ký số.", "The signature structure could not be read."),
    "trust": Phrase("Không xác lập được đường dẫn chứng thực hợp lệ tới chứng thư gốc tin cậy.",
                    "No valid certification path to a trusted anchor could be established."),
    "change": Phrase("Tài liệu có thay đổi sau khi ký không thuộc loại được phép.",
                     "The document was changed after signing in a way that is not permitted."),
    "other": Phrase("Không kiểm tra được chữ ký này.", "The signature could not be checked."),
}

# asn1crypto's labels of a name ("Common Name: …, Organization: …") as RFC 4514 short labels
_LABELS = {
    "Common Name": "CN", "Organization": "O", "Organizational Unit": "OU", "Country": "C",
    "Locality": "L", "State/Province": "ST", "Email Address": "E", "User ID": "UID", "Title": "T",
    "Serial Number": "SERIALNUMBER", "Street Address": "STREET",
}
_LABEL = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(_LABELS, key=len, reverse=True)) + r"): ")
_REASONS = {  # RFC 5280 CRLReason, as asn1crypto's human_friendly says it
    "a compromised key": "khóa bị lộ",
    "the CA's key being compromised": "khóa của CA bị lộ",
    "an affiliation change": "thay đổi đơn vị công tác",
    "the certificate being superseded": "chứng thư số được thay thế",
    "a cessation of operation": "ngừng hoạt động",
    "the certificate being put on hold": "tạm dừng chứng thư số",
    "privileges being withdrawn": "thu hồi quyền",
    "an unspecified reason": "không nêu lý do",
}


def rfc4514(text: str) -> str:
    """asn1crypto's "Common Name: X, Organization: Y" as "CN=X, O=Y" (docs/vocabulary.md)."""
    return _LABEL.sub(lambda m: _LABELS[m.group(1)] + "=", text)


def _time(value: str, with_time: bool = True) -> str:
    """A time a library printed in UTC ("2024-06-02 18:22:39Z", ISO 8601) as Vietnam local time."""
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        return value
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")


def _who(text: str) -> tuple[str, str]:
    m = re.fullmatch(r"(?:the )?intermediate certificate (\d+)(?: (.*))?", text)
    if m:
        name = f" '{rfc4514(m.group(2))}'" if m.group(2) else ""
        return f"chứng thư số của CA trung gian {m.group(1)}{name}", f"intermediate certificate {m.group(1)}{name}"
    if text in ("the end-entity certificate", "end-entity certificate"):
        return "chứng thư số của người ký", "the signer's certificate"
    if text in ("the trust anchor", "trust anchor"):
        return "chứng thư gốc", "the trust anchor"
    return f"chứng thư số '{rfc4514(text)}'", f"certificate '{rfc4514(text)}'"


def _objects(text: str) -> str:
    return re.sub(r"\bobject (\d+)", r"đối tượng \1", text).replace("generation", "thế hệ")


# (pattern, Vietnamese, English): the groups are values and names, put back as they were read.
# Functions build the wording where a value needs translating (a time, a certificate's place).
def _revoked(m):
    vi_who, en_who = _who(m.group(2))
    when_vi = _time(f"{m.group(4)} {m.group(3)}Z")
    reason = m.group(5)
    return Phrase(f"{m.group(1)} cho biết {vi_who} đã bị thu hồi lúc {when_vi} (lý do: {_REASONS.get(reason, reason)}).",
                  f"{m.group(1)} says {en_who} was revoked at {m.group(3)} UTC on {m.group(4)}, due to {reason}.")


def _expired(m):
    vi_who, en_who = _who(m.group(1))
    return Phrase(f"{vi_who[0].upper() + vi_who[1:]} đã hết hạn lúc {_time(m.group(2))}.",
                  f"{en_who[0].upper() + en_who[1:]} expired on {m.group(2)}.")


def _not_yet(m):
    vi_who, en_who = _who(m.group(1))
    return Phrase(f"{vi_who[0].upper() + vi_who[1:]} chưa có hiệu lực trước {_time(m.group(2))}.",
                  f"{en_who[0].upper() + en_who[1:]} is not valid until {m.group(2)}.")


def _no_revinfo(m):
    vi_who, en_who = _who(m.group(1))
    return Phrase(f"Không tìm thấy thông tin thu hồi (CRL hoặc OCSP) cho {vi_who}.",
                  f"No revocation information (CRL or OCSP) was found for {en_who}.")


def _signer_info(m):
    inner = known(m.group(3)) or Phrase("không đọc được", "cannot be read")
    return Phrase(f"Người ký thứ {m.group(1)}/{m.group(2)} (SignerInfo) trong CMS: {inner.vi}",
                  f"SignerInfo {m.group(1)} of {m.group(2)}: {inner.en}")


_FIXED: list[tuple[str, object, object]] = [
    # --- kyso's check of every SignerInfo (verifier.signatures.cmscheck, several) --------------
    (r"SignerInfo (\d+) of (\d+): (.*)", _signer_info, None),
    (r"its message digest is not the digest of the signed bytes",
     "giá trị băm ghi trong chữ ký không phải giá trị băm của dữ liệu được ký.",
     "its message digest is not the digest of the signed bytes."),
    (r"its signature value does not verify with the key of the certificate it names",
     "giá trị chữ ký không đúng với khóa của chứng thư số mà nó nêu.",
     "its signature value does not verify with the key of the certificate it names."),
    (r"the certificate its SignerIdentifier names is not in the CMS",
     "chứng thư số mà nó nêu không có trong CMS.", "the certificate its SignerIdentifier names is not in the CMS."),
    (r"the digest algorithm (\S+) is not supported", r"thuật toán băm \1 không được hỗ trợ.",
     r"the digest algorithm \1 is not supported."),
    # pyHanko: Ed448 signs SHAKE256 digests, Ed25519 SHA-512 (RFC 8419); another is refused
    (r"Digest algorithm (\S+) does not match value implied by signature algorithm (\S+)(?: \[AdES\w+\.\w+\])?",
     r"Thuật toán băm \1 không phải thuật toán mà thuật toán ký \2 đòi hỏi.",
     r"The digest algorithm \1 is not the one the signature algorithm \2 requires."),
    # --- the certificate validator (pyhanko_certvalidator) -----------------------------------
    (r"(CRL|OCSP response) indicates (.+?) was revoked at (\d\d:\d\d:\d\d) on (\d{4}-\d\d-\d\d), due to (.+?)\.", _revoked, None),
    (r"The path could not be validated because (.+?) expired (\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ)", _expired, None),
    (r"The path could not be validated because (.+?) is not valid until (\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ)", _not_yet, None),
    (r"The path could not be validated because no revocation information could be found for (.+)", _no_revinfo, None),
    (r"The active key usage policy requires at least one of the key usage extensions (.+) to be present\.",
     "Chứng thư số không có mục đích sử dụng khóa ký số (digitalSignature) hay chống chối bỏ (nonRepudiation).",
     "The certificate's key usage allows neither digital signatures nor non-repudiation."),
    (r"The active key usage policy requires an extended key usage extension\.",
     "Chứng thư số không có phần mục đích sử dụng mở rộng (extended key usage) mà chính sách kiểm tra yêu cầu.",
     "The certificate lacks the extended key usage extension the key usage policy requires."),
    (r"signer certificate not included in signature.*",
     "Chữ ký không kèm chứng thư số của người ký.", "The signer's certificate is not included in the signature."),
    (r"Unable to build a validation path for the certificate \"(.+)\" - no issuer matching \"(.+)\" was found",
     lambda m: Phrase(f"Không tìm thấy chứng thư số của tổ chức cấp '{rfc4514(m.group(2))}'.",
                      f"The issuer '{rfc4514(m.group(2))}' was not found."), None),
    # --- Python and the CMS parser (asn1crypto) ----------------------------------------------
    (r"(?:\w+Error: )?Insufficient data - (\d+) bytes requested but only (\d+) available",
     "Cấu trúc chữ ký số (CMS) bị cắt cụt: dữ liệu ngắn hơn độ dài mà nó khai báo.",
     "The signature structure (CMS) is truncated: it is shorter than the length it declares."),
    (r"(?:\w+Error: )?Indefinite-length recursion limit exceeded",
     "Cấu trúc chữ ký số (CMS) lồng nhau quá sâu, không đọc được.",
     "The signature structure (CMS) is nested too deeply to be read."),
    (r"(?:\w+Error: )?Expected object ID \((\d+) (\d+)\) does not match actual \((\d+) (\d+)\)\.?",
     r"Bảng tham chiếu chéo trỏ tới đối tượng \3 thay cho đối tượng \1 của chữ ký.",
     r"The cross-reference section points at object \3 instead of the signature's object \1."),
    (r"(?:\w+Error: )?Object is in wrong index\.?",
     "Đối tượng của chữ ký nằm sai vị trí trong luồng đối tượng.",
     "The signature's object is at the wrong index of its object stream."),
    # --- reading the file (a finding's reason) --------------------------------------------------
    (r"(?:PdfReadError: )?EOF marker not found", "không tìm thấy dấu kết thúc tệp %%EOF", "the %%EOF marker was not found"),
    (r"no %PDF- header", "tệp không bắt đầu bằng phần đầu %PDF-", "no %PDF- header"),
    (r"Multiple definitions in dictionary at byte (0x[0-9a-fA-F]+) for key (/\S+)",
     r"khóa \2 được khai báo nhiều lần trong một từ điển (byte \1)",
     r"multiple definitions in a dictionary at byte \1 for key \2"),
    # --- pyHanko's difference analysis ---------------------------------------------------------
    (r"There are unexplained xrefs in revision (\d+): (.+?)\.?",
     lambda m: Phrase(f"Phiên bản {m.group(1)} ghi các đối tượng không được giải thích: {_objects(m.group(2))}.",
                      f"There are unexplained xrefs in revision {m.group(1)}: {m.group(2)}."), None),
    (r"Some objects from revision (\d+) were replaced in revision (\d+) without precise justification:",
     r"Một số đối tượng của phiên bản \1 bị thay thế ở phiên bản \2 mà không có lý do được chấp nhận:",
     r"Some objects from revision \1 were replaced in revision \2 without precise justification:"),
    (r" ?- object (\d+) is also used in (.+) in the prior revision\.",
     r" - đối tượng \1 cũng được dùng ở \2 trong phiên bản trước.",
     r" - object \1 is also used in \2 in the prior revision."),
    (r"Dict keys differ: (\{.*\}) vs\. (\{.*\})\.",
     r"Các khóa của từ điển đã thay đổi: \1 so với \2.", r"Dict keys differ: \1 vs. \2."),
    (r"Values for dict key (/\S+) differ:(.*)",
     lambda m: Phrase(f"Giá trị của khóa {m.group(1)} đã thay đổi sau khi ký.",
                      f"The value of key {m.group(1)} changed after signing."), None),
    (r"Duplicate field name", "Tên trường biểu mẫu bị trùng.", "Duplicate field name."),
    (r"Partial names must not contain periods", "Tên trường biểu mẫu không được chứa dấu chấm.",
     "Partial field names must not contain periods."),
    (r"Two fields are named '(.*)'", r"Hai trường biểu mẫu cùng tên '\1'.", r"Two fields are named '\1'."),
    (r"Update of object (\d+) is only allowed after an approval signature, not a certification signature\.",
     r"Đối tượng \1 chỉ được cập nhật sau chữ ký phê duyệt, không được sau chữ ký chứng thực tài liệu.",
     r"Object \1 may be updated only after an approval signature, not after a certification signature."),
    # --- kyso's own difference rules (verifier.signatures.diff.rules) ----------------------------
    (r"New visible signature field '(.*)' is not signed: its appearance is vouched for by no signer\.",
     r"Trường chữ ký hiển thị mới '\1' chưa được ký: không người ký nào bảo đảm cho hình thức hiển thị của nó.",
     r"New visible signature field '\1' is not signed: its appearance is vouched for by no signer."),
    (r"Page (\d+) was changed beyond its /Annots when signature fields were added\.",
     r"Trang \1 bị thay đổi ngoài danh sách chú thích (/Annots) khi thêm trường chữ ký.",
     r"Page \1 was changed beyond its /Annots when signature fields were added."),
    (r"The annotations of page object (\d+) were reordered after signing: .*",
     r"Thứ tự các chú thích của trang (đối tượng \1) bị thay đổi sau khi ký: chú thích được vẽ theo thứ tự, chữ ký mới chỉ được thêm vào sau các chú thích đã ký.",
     r"The annotations of page object \1 were reordered after signing: a page's annotations are drawn in their order, and new signature widgets may only be appended after the ones that were signed."),
    (r"An annotation is listed twice on page object (\d+) after signing: .*",
     r"Một chú thích được liệt kê hai lần ở trang (đối tượng \1) sau khi ký: nó sẽ được vẽ lại đè lên các chú thích ở giữa.",
     r"An annotation is listed twice on page object \1 after signing: it would be drawn again over the annotations listed between."),
    (r"The appearance \(/AP\) of form field '(.*)' was changed without its value \(/V\)\.",
     r"Hình thức hiển thị (/AP) của trường biểu mẫu '\1' bị thay đổi mà giá trị (/V) thì không.",
     r"The appearance (/AP) of form field '\1' was changed without its value (/V)."),
    (r"The selection \(/I\) of choice field '(.*)' was changed without its value \(/V\)\.",
     r"Lựa chọn (/I) của trường danh sách '\1' bị thay đổi mà giá trị (/V) thì không.",
     r"The selection (/I) of choice field '\1' was changed without its value (/V)."),
    (r"(/DA|/Q) of form field '(.*)' was changed after signing: .*",
     r"\1 của trường biểu mẫu '\2' bị thay đổi sau khi ký: trường sẽ được vẽ lại khác với lúc ký.",
     r"\1 of form field '\2' was changed after signing: the field would be drawn anew otherwise than when signed."),
    (r"The form's default (/DA|/Q) was changed after signing: .*",
     r"\1 mặc định của biểu mẫu bị thay đổi sau khi ký: các trường sẽ được vẽ lại khác với lúc ký.",
     r"The form's default \1 was changed after signing: fields would be drawn anew otherwise than when signed."),
    (r"The form's default (/DA|/Q) was added after signing, and a field of the signed form takes it: .*",
     r"\1 mặc định của biểu mẫu được thêm sau khi ký và một trường đã ký dùng nó: trường sẽ được vẽ lại khác với lúc ký.",
     r"The form's default \1 was added after signing, and a field of the signed form takes it: the field would be drawn anew otherwise than when signed."),
    (r"/Font (/\S+) of the form's default resources \(/DR\) was removed after signing\.",
     r"Phông chữ \1 trong tài nguyên mặc định (/DR) của biểu mẫu bị xóa sau khi ký.",
     r"/Font \1 of the form's default resources (/DR) was removed after signing."),
    (r"/Font (/\S+) of the form's default resources \(/DR\) was replaced after signing: .*",
     r"Phông chữ \1 trong tài nguyên mặc định (/DR) của biểu mẫu bị thay sau khi ký: các trường vẽ lại sẽ dùng nét chữ khác với lúc ký.",
     r"/Font \1 of the form's default resources (/DR) was replaced after signing: fields drawn anew would use other glyphs or images than when signed."),
    (r"/NeedAppearances of the form was set to true after signing: .*",
     "Biểu mẫu được đặt /NeedAppearances sau khi ký: trình xem sẽ vẽ lại các trường từ giá trị thay vì hình thức hiển thị đã ký.",
     "/NeedAppearances of the form was set to true after signing: viewers would draw the form's fields anew from their values instead of the appearances that were signed."),
    # --- kyso's own checks that name a library's reading ----------------------------------------
    (r"/ByteRange \[([\d ]+)\] reaches byte (\d+), past the end of the file \((\d+) bytes\)",
     r"Vùng ký /ByteRange [\1] kéo tới byte \2, vượt quá cuối tệp (\3 byte).",
     r"/ByteRange [\1] reaches byte \2, past the end of the file (\3 bytes)."),
    (r"(SHA-1|MD5) \((.+)\) is accepted by policy (\S+) only under the government roots G1/G2, not under '(.+)'",
     lambda m: Phrase(f"Thuật toán {m.group(1)} ({words(m.group(2), WHERE_TEXT, 'vi')}) chỉ được chính sách {m.group(3)} "
                      f"chấp nhận với chứng thư gốc chuyên dùng Chính phủ G1/G2, không với '{m.group(4)}'.",
                      f"{m.group(1)} ({m.group(2)}) is accepted by policy {m.group(3)} only under the government roots "
                      f"G1/G2, not under '{m.group(4)}'."), None),
    (r"(\S+) is never accepted \((.+)\)", r"Thuật toán \1 không bao giờ được chấp nhận (\2).", r"\1 is never accepted (\2)."),
    (r"an RSA key of (\d+) bits; policy (\S+) requires at least (\d+)",
     r"Khóa RSA dài \1 bit; chính sách \2 yêu cầu tối thiểu \3 bit.", r"An RSA key of \1 bits; policy \2 requires at least \3."),
    (r"the timestamp uses MD5", "Dấu thời gian dùng thuật toán MD5.", "The timestamp uses MD5."),
    (r"the timestamp uses SHA-1, accepted by policy (\S+) only under the government roots",
     r"Dấu thời gian dùng SHA-1, chỉ được chính sách \1 chấp nhận với chứng thư gốc chuyên dùng Chính phủ.",
     r"The timestamp uses SHA-1, accepted by policy \1 only under the government roots."),
    (r"the token does not verify", "Dấu thời gian không hợp lệ (chữ ký của dấu thời gian không đúng).",
     "The timestamp token does not verify."),
]
_COMPILED = [(re.compile(p, re.S), vi, en) for p, vi, en in _FIXED]

# pyHanko's trust sub-indications, when a timestamp's problem is only its name
_INDICATIONS = {
    "OUT_OF_BOUNDS_NO_POE": ("chứng thư số của dịch vụ cấp dấu thời gian đã hết hạn hoặc chưa có hiệu lực",
                             "the timestamping service's certificate is expired or not yet valid"),
    "NO_CERTIFICATE_CHAIN_FOUND": ("chứng thư số của dịch vụ cấp dấu thời gian không dẫn tới chứng thư gốc tin cậy",
                                   "the timestamping service's certificate does not chain to a trusted anchor"),
    "REVOKED_NO_POE": ("chứng thư số của dịch vụ cấp dấu thời gian đã bị thu hồi",
                       "the timestamping service's certificate is revoked"),
    "TRY_LATER": ("chưa kiểm tra được tình trạng thu hồi của chứng thư số dịch vụ cấp dấu thời gian",
                  "the revocation status of the timestamping service's certificate could not be checked"),
}


def known(message: str) -> Phrase | None:
    """The wording of one message, or None when it is none that kyso knows."""
    text = message.strip()
    if text in _INDICATIONS:
        vi, en = _INDICATIONS[text]
        return Phrase(vi[0].upper() + vi[1:] + ".", en[0].upper() + en[1:] + ".")
    for pattern, vi, en in _COMPILED:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        if callable(vi):
            return vi(m)
        return Phrase(m.expand(vi), m.expand(en))
    return None


def explain(message: str | Phrase | None, kind: str = "other") -> tuple[Phrase | None, str | None]:
    """(the reader's sentence, the library's original for the details). A message made of parts
    (one per line, or joined by "; ") is worded part by part; a part no wording knows makes the
    whole the plain sentence of `kind` (format, trust, change, other), with the original kept."""
    if message is None or isinstance(message, Phrase):
        return message, None
    parts = [p for p in re.split(r"\\x0a|\n|; (?=[A-Z/]|the )", message) if p.strip()]
    worded = [known(p) for p in parts]
    if parts and all(w is not None for w in worded):
        return join(worded, " "), None  # one line: a line break would be escaped on the terminal
    return GENERIC.get(kind, GENERIC["other"]), message


def join(phrases, sep: str = "; ") -> Phrase:
    """Several sentences as one."""
    items = [p if isinstance(p, Phrase) else Phrase(str(p), str(p)) for p in phrases]
    return Phrase(sep.join(p.vi for p in items), sep.join(p.en for p in items))
