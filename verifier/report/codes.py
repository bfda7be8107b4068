"""The one registry of names kyso reports: verdicts, layer statuses, sub-indications and finding
codes, each with its Vietnamese and English wording.

Standard ETSI EN 319 102-1 sub-indications keep their standard names; codes exist only for what
the standard lacks. Renderers look wording up here, so the same code always reads the same.
"""

from __future__ import annotations

from dataclasses import dataclass

VALID, INVALID, INDETERMINATE, ERROR = "VALID", "INVALID", "INDETERMINATE", "ERROR"
PASSED, FAILED = "PASSED", "FAILED"
# A layer uses INDETERMINATE with the same spelling as the document verdict.

VERDICT_TEXT = {
    VALID: ("Hợp lệ", "Valid"),
    INVALID: ("Không hợp lệ", "Invalid"),
    INDETERMINATE: ("Không xác định", "Indeterminate"),
    ERROR: ("Không đọc được tệp", "Unreadable file"),
}

STATUS_TEXT = {
    PASSED: ("Hợp lệ", "Passed"),
    FAILED: ("Không hợp lệ", "Failed"),
    INDETERMINATE: ("Không xác định", "Indeterminate"),
}

# Sub-indications: ETSI names; wording in the style of the tools users know (docs/verdicts.md §3).
SUBINDICATION_TEXT = {
    "HASH_FAILURE": (
        "Tài liệu đã bị thay đổi: giá trị băm không khớp với chữ ký.",
        "The signed bytes were changed: the digest does not match the signature.",
    ),
    "SIG_CRYPTO_FAILURE": (
        "Chữ ký số không đúng với khóa công khai của chứng thư số.",
        "The signature value does not verify with the certificate's public key.",
    ),
    "FORMAT_FAILURE": (
        "Cấu trúc chữ ký số bị hỏng hoặc không đúng định dạng.",
        "The signature structure is damaged or malformed.",
    ),
    "REVOKED": ("Chứng thư số đã bị thu hồi.", "The signing certificate has been revoked."),
    "REVOKED_NO_POE": (
        "Chứng thư số đã bị thu hồi và không có bằng chứng chữ ký được tạo trước thời điểm thu hồi.",
        "The signing certificate is revoked and nothing proves the signature predates the revocation.",
    ),
    "REVOKED_CA_NO_POE": (
        "Chứng thư số của CA trung gian đã bị thu hồi.",
        "An intermediate CA certificate in the chain is revoked.",
    ),
    "EXPIRED": (
        "Chứng thư số đã hết hạn sử dụng tại thời điểm ký.",
        "The signing certificate had expired when the document was signed.",
    ),
    "NOT_YET_VALID": (
        "Chứng thư số chưa có hiệu lực tại thời điểm ký.",
        "The signing certificate was not yet valid when the document was signed.",
    ),
    "OUT_OF_BOUNDS_NO_POE": (
        "Chứng thư số đã hết hạn (hoặc chưa có hiệu lực) và không có dấu thời gian chứng minh chữ ký được tạo khi chứng thư còn hiệu lực.",
        "The certificate is expired (or not yet valid) and no timestamp proves the signature was made while it was valid.",
    ),
    "NO_CERTIFICATE_CHAIN_FOUND": (
        "Chứng thư số không do tổ chức được tin cậy cấp: không có đường dẫn chứng thực tới chứng thư gốc đã cấu hình.",
        "The certificate was not issued by a trusted authority: no chain to a configured anchor.",
    ),
    "NO_SIGNING_CERTIFICATE_FOUND": (
        "Không tìm thấy chứng thư số của người ký trong chữ ký.",
        "The signer's certificate is not in the signature.",
    ),
    "CERTIFICATE_CHAIN_GENERAL_FAILURE": (
        "Đường dẫn chứng thực không hợp lệ.",
        "The certification path is not valid.",
    ),
    "CHAIN_CONSTRAINTS_FAILURE": (
        "Đường dẫn chứng thực vi phạm ràng buộc (mục đích sử dụng khóa, độ dài đường dẫn…).",
        "The certification path violates a constraint (key usage, path length, …).",
    ),
    "SIG_CONSTRAINTS_FAILURE": (
        "Chữ ký vi phạm ràng buộc của chính sách kiểm tra.",
        "The signature violates a constraint of the validation policy.",
    ),
    "CRYPTO_CONSTRAINTS_FAILURE": (
        "Thuật toán mật mã không được chính sách kiểm tra chấp nhận.",
        "A cryptographic algorithm is not accepted by the validation policy.",
    ),
    "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": (
        "Thuật toán mật mã đã hết độ tin cậy và không có bằng chứng thời điểm ký.",
        "An algorithm is no longer reliable and nothing proves when the signature was made.",
    ),
    "TRY_LATER": (
        "Chưa kiểm tra được tình trạng thu hồi của chứng thư số ký.",
        "The revocation status of the signing certificate could not be checked.",
    ),
    "NO_POE": (
        "Không có bằng chứng về thời điểm ký để kiểm tra chứng thư số tại thời điểm đó.",
        "Nothing proves when the signature was made, so the certificate cannot be judged at that time.",
    ),
    "REVOCATION_OUT_OF_BOUNDS_NO_POE": (
        "Chưa kiểm tra được tình trạng thu hồi của chứng thư số ký.",
        "The revocation status of the signing certificate could not be checked.",
    ),
    "MODIFIED_AFTER_SIGNING": (
        "Tài liệu đã bị thay đổi sau khi ký.",
        "The document was modified after this signature.",
    ),
    "OVERLAY_BY_UNIDENTIFIED_SIGNER": (
        "Sau chữ ký này, một người ký không xác định được danh tính đã vẽ lên nội dung hiển thị của tài liệu.",
        "After this signature, a signer who cannot be identified drew over what the document displays.",
    ),
    "GENERIC": ("Không xác định được tính hợp lệ của chữ ký.", "The signature could not be assessed."),
}


@dataclass(frozen=True)
class Code:
    """A finding kind: its default severity and its wording (may use {placeholders})."""

    name: str
    severity: str  # error | warning | info
    vi: str
    en: str


def _codes(*items: Code) -> dict[str, Code]:
    return {c.name: c for c in items}


FINDINGS = _codes(
    Code("NO_SIGNATURES", "error", "Tài liệu không có chữ ký số.", "The document carries no digital signature."),
    Code(
        "LAYER_FAILED", "error",
        "Lớp chữ ký {field} không hợp lệ ({subindication}).",
        "Signature layer {field} failed ({subindication}).",
    ),
    Code(
        "LAYER_INDETERMINATE", "warning",
        "Lớp chữ ký {field} chưa xác định được ({subindication}).",
        "Signature layer {field} is indeterminate ({subindication}).",
    ),
    Code(
        "BYTES_AFTER_EOF", "error",
        "Có {count} byte sau dấu kết thúc tệp (%%EOF) cuối cùng (từ byte {offset}), không thuộc phiên bản nào nên không chữ ký nào bảo vệ.",
        "{count} bytes follow the last %%EOF (from byte {offset}) and belong to no revision, so no signature covers them.",
    ),
    # --- structure of the file (verifier/structure/checks.py and the modules it calls) -------------
    Code(
        "BYTE_RANGE_INVALID", "error",
        "Vùng dữ liệu được ký (/ByteRange) của chữ ký {field} không hợp lệ: {reason}.",
        "The /ByteRange of signature {field} is not valid: {reason}.",
    ),
    Code(
        "SIGNATURE_PADDING_NOT_ZERO", "error",
        "Chữ ký {field}: {bytes} byte khác 0 nằm sau cấu trúc CMS trong /Contents, là dữ liệu không được ký giấu trong chữ ký.",
        "Signature {field}: {bytes} non-zero bytes follow the CMS in /Contents: unsigned data hidden inside the signature.",
    ),
    Code(
        "SIGNATURE_CMS_MALFORMED", "error",
        "Chữ ký {field}: cấu trúc CMS trong /Contents không phải mã hoá BER hợp lệ nên không xác định được nó kết thúc ở đâu: {reason}.",
        "Signature {field}: the CMS in /Contents is not well-formed BER, so where it ends cannot be told: {reason}.",
    ),
    Code(
        "SIGNATURE_GAP_INVALID", "error",
        "Phần dữ liệu nằm ngoài vùng ký của chữ ký {field} (byte {start}–{end}) không phải đúng chuỗi hex /Contents của chính chữ ký đó: {reason}. Phần này có thể chứa nội dung chèn vào mà chữ ký không bảo vệ.",
        "The bytes left out of signature {field}'s signed ranges ({start}–{end}) are not exactly its own /Contents hex string: {reason}. They may hold inserted content no signature covers.",
    ),
    Code(
        "SIGNATURE_DICT_MISPLACED", "error",
        "Từ điển chữ ký của {field} không phải là đối tượng bao quanh phần dữ liệu bị loại khỏi vùng ký: {reason}.",
        "The signature dictionary of {field} is not the object enclosing the bytes left out of its signed ranges: {reason}.",
    ),
    Code(
        "BYTE_RANGE_REVISION_MISMATCH", "error",
        "Vùng ký của chữ ký {field} (đến byte {end}) không kết thúc đúng ở phiên bản chứa chữ ký đó: {reason}.",
        "The signed bytes of {field} (up to byte {end}) do not end with the revision that holds the signature: {reason}.",
    ),
    Code(
        "EOF_COUNT_MISMATCH", "error",
        "Tệp có {eofs} dấu kết thúc %%EOF nhưng chỉ đọc được {revisions} phiên bản: có dữ liệu không thuộc phiên bản nào được chữ ký bảo vệ.",
        "The file has {eofs} %%EOF markers but {revisions} revisions were read: some bytes belong to no revision a signature covers.",
    ),
    Code(
        "REVISION_MALFORMED", "error",
        "Phiên bản {revision} (từ byte {start}) không đúng cấu trúc một lần cập nhật PDF: {reason}.",
        "Revision {revision} (from byte {start}) is not a well-formed PDF update: {reason}.",
    ),
    Code(
        "UNREFERENCED_OBJECT", "error",
        "Đối tượng {object} tại byte {offset} không được bảng tham chiếu chéo nào trỏ tới: trình đọc khác có thể hiển thị nội dung này dù không chữ ký nào bảo vệ nó.",
        "Object {object} at byte {offset} is listed by no cross-reference section: other readers may show it although no signature covers it.",
    ),
    Code(
        "REFERENCE_RESOLVED_AFTER_SIGNING", "error",
        "Phần đã ký ({object}) tham chiếu tới đối tượng {reference} mà phần đã ký không có; đối tượng này chỉ được ghi ở phiên bản {revision}, sau khi ký: nội dung mới được gắn vào tài liệu mà không đối tượng đã ký nào bị sửa.",
        "The signed part ({object}) refers to object {reference}, which the signed part does not define; only revision {revision}, written after signing, writes it: new content is attached to the document without changing any signed object.",
    ),
    Code(
        "PARENT_CHANGED_AFTER_SIGNING", "error",
        "Đối tượng {object} được {listed_in} liệt kê nhưng ghi /Parent là {parent_path}; trình đọc lấy các thuộc tính kế thừa (tài nguyên, khung, hướng xoay của trang; kiểu, giá trị, lựa chọn, cách hiển thị của trường biểu mẫu) theo đường /Parent này, và đối tượng {rewritten} trên đường đó được ghi ở phiên bản {revision}, sau khi ký: nội dung hiển thị có thể khác mà không trang, trường hay widget nào bị sửa.",
        "Object {object} is listed by {listed_in} but names {parent_path} as /Parent; readers take what it inherits (a page's resources, boxes and rotation; a form field's type, value, options and appearance settings) along that /Parent path, and object {rewritten} on it is written in revision {revision}, after signing: what is shown may differ while no page, field or widget changed.",
    ),
    Code(
        "PARENT_MISMATCH", "warning",
        "Đối tượng {object} được {listed_in} liệt kê nhưng ghi /Parent là {parent_path}: có trình đọc lấy thuộc tính kế thừa theo /Parent, có trình đọc theo /Kids, nên có thể hiển thị khác nhau. Không đối tượng nào trên đường đó bị sửa sau khi ký.",
        "Object {object} is listed by {listed_in} but names {parent_path} as /Parent: some readers take what it inherits along /Parent, others along /Kids, so they may show it differently. Nothing on that path changed after signing.",
    ),
    Code(
        "OBJECTS_OVERLAP", "error",
        "Đối tượng {object} tại byte {offset} nằm bên trong đối tượng {inside}.",
        "Object {object} at byte {offset} lies inside object {inside}.",
    ),
    Code(
        "XREF_POINTS_OUTSIDE_REVISION", "error",
        "Bảng tham chiếu chéo của phiên bản {revision} trỏ đối tượng {object} ra ngoài dữ liệu của chính phiên bản đó (byte {offset}, phiên bản {target_revision}): nội dung cũ được dùng lại sau khi ký.",
        "The cross-reference section of revision {revision} points object {object} outside its own bytes (byte {offset}, revision {target_revision}): older content is re-used after signing.",
    ),
    Code(
        "UNEXPLAINED_BYTES", "error",
        "Phiên bản {revision} có dữ liệu không thuộc đối tượng nào (byte {start}–{end}: {preview}).",
        "Revision {revision} holds bytes that belong to no object (bytes {start}–{end}: {preview}).",
    ),
    Code(
        "HYBRID_XREF_CONFLICT", "error",
        "Phiên bản {revision}: bảng tham chiếu chéo và luồng tham chiếu chéo đi kèm (/XRefStm) mô tả {object} khác nhau (bảng: {table}; luồng: {stream}), nên mỗi trình đọc có thể hiển thị một nội dung khác.",
        "Revision {revision}: the cross-reference table and its /XRefStm stream disagree on {object} (table: {table}; stream: {stream}), so different readers may show different content.",
    ),
    Code(
        "LINEARIZED_XREF_CONFLICT", "error",
        "Phiên bản {revision} (tệp tối ưu hóa để xem nhanh trên web): bảng tham chiếu chéo của trang đầu và bảng tham chiếu chéo chính mô tả đối tượng {object} khác nhau (trang đầu: {first_page}; chính: {main}), nên trình xem trang đầu và trình đọc cả tệp có thể hiển thị một nội dung khác.",
        "Revision {revision} (a linearized, Fast Web View file): the first-page cross-reference section and the main one disagree on object {object} (first page: {first_page}; main: {main}), so a viewer showing page 1 early and a reader of the whole file may show different content.",
    ),
    Code(
        "XREF_DUPLICATE_ENTRY", "error",
        "Bảng tham chiếu chéo của phiên bản {revision} khai báo nhiều lần các đối tượng {objects}; mỗi trình đọc có thể chọn một vị trí khác.",
        "The cross-reference table of revision {revision} lists objects {objects} more than once; readers may pick different ones.",
    ),
    Code(
        "TRAILER_KEY_CONFLICT", "error",
        "Phần trailer của phiên bản {revision} khai báo {key} nhiều lần với giá trị khác nhau ({values}): trình đọc lấy giá trị đầu và trình đọc lấy giá trị cuối sẽ đọc hai tài liệu khác nhau.",
        "The trailer of revision {revision} defines {key} several times with different values ({values}): readers taking the first and readers taking the last read different documents.",
    ),
    Code(
        "TRAILER_DUPLICATE_KEY", "warning",
        "Phần trailer của phiên bản {revision} khai báo {key} nhiều lần ({values}); chỉ thuộc tính tài liệu có thể hiển thị khác nhau giữa các trình đọc, nội dung thì không.",
        "The trailer of revision {revision} defines {key} several times ({values}); only the document properties may differ between readers, not the content.",
    ),
    Code(
        "DICT_KEY_CONFLICT", "error",
        "Đối tượng {object} (phiên bản {revision}, viết sau chữ ký đầu tiên) khai báo khóa {key} nhiều lần với giá trị khác nhau ({values}): mỗi trình đọc có thể lấy một giá trị khác.",
        "Object {object} (revision {revision}, written after the first signature) defines {key} several times with different values ({values}): readers may take different ones.",
    ),
    Code(
        "DICT_DUPLICATE_KEY", "warning",
        "Đối tượng {object} (phiên bản {revision}, trong phần đã ký) khai báo khóa {key} nhiều lần với giá trị khác nhau ({values}); pyHanko dùng giá trị đầu tiên.",
        "Object {object} (revision {revision}, in the signed part) defines {key} several times with different values ({values}); pyHanko uses the first.",
    ),
    Code(
        "XREF_PREV_LOOP", "error",
        "Chuỗi bảng tham chiếu chéo (/Prev) quay vòng ({reason}); một tệp bị hỏng không có dạng này, tệp đã bị tạo ra để đánh lừa trình đọc.",
        "The chain of cross-reference sections (/Prev) loops ({reason}); damage does not produce this, the file was crafted to mislead readers.",
    ),
    Code(
        "STRICT_PARSE_DEVIATION_AFTER_SIGNING", "error",
        "Phần được ký đọc được ở chế độ nghiêm ngặt nhưng phần thêm vào sau đó thì không ({reason}): cấu trúc sai được đưa vào sau khi ký.",
        "The signed part reads in strict mode but what was appended after it does not ({reason}): the deviation was introduced after signing.",
    ),
    Code(
        "ACTIVE_CONTENT", "warning",
        "Tài liệu có nội dung chủ động {kind} (đối tượng {objects}, phiên bản {revisions}), trong phần đã được ký; trình đọc có thể thực thi nó khi mở tài liệu.",
        "The document holds active content {kind} (objects {objects}, revision {revisions}), in the signed part; a reader may run it when opening the document.",
    ),
    Code(
        "ACTIVE_CONTENT_ADDED", "error",
        "Nội dung chủ động {kind} được thêm vào sau khi ký (đối tượng {object}, {path}, phiên bản {revision}).",
        "Active content {kind} was added after signing (object {object}, {path}, revision {revision}).",
    ),
    Code(
        "ANNOTATION_OVER_SIGNED_TEXT", "warning",
        "Chú thích /{subtype} (đối tượng {object}, trường {field}) thêm vào ở phiên bản {revision} nằm đè lên chữ đã ký ở trang {page}: vùng {rect} che \"{text}\" (vùng chữ {text_rect}).",
        "Annotation /{subtype} (object {object}, field {field}) added in revision {revision} lies over signed text on page {page}: area {rect} covers \"{text}\" (text area {text_rect}).",
    ),
    Code(
        "UNREADABLE_LAST_REVISION", "error",
        "{count} byte cuối tệp (từ byte {offset}) kết thúc bằng %%EOF nhưng không đọc được như một phiên bản PDF ({reason}); các chữ ký được kiểm tra trên những phiên bản trước đó và không bảo vệ phần này.",
        "The last {count} bytes (from byte {offset}) end with %%EOF but cannot be read as a PDF revision ({reason}); the signatures were checked on the earlier revisions and do not cover these bytes.",
    ),
    Code(
        "STRUCTURE_UNREADABLE", "error",
        "Không phân tích được cấu trúc tệp để kiểm tra ({reason}); tài liệu không được coi là hợp lệ.",
        "The file structure could not be analysed ({reason}); the document is not considered valid.",
    ),
    Code(
        "HYBRID_XREF", "info",
        "Tệp dùng bảng tham chiếu lai (như các tệp do phần mềm soạn thảo văn bản xuất ra); đã đọc ở chế độ không nghiêm ngặt.",
        "The file uses hybrid cross-references (as MS Word writes them); it was read in non-strict mode.",
    ),
    Code(
        "UNREFERENCED_OBJECT_IN_ORIGINAL", "info",
        "Bản gốc chưa ký (phiên bản {revision}) còn đối tượng {object} tại byte {offset} mà không bảng tham chiếu chéo nào trỏ tới (thường là bản cũ của một đối tượng mà phần mềm soạn thảo để lại); người ký đã ký cả các byte này, không phiên bản nào sau khi ký dùng đến nó.",
        "The unsigned original (revision {revision}) holds object {object} at byte {offset}, listed by no cross-reference section (usually an old body an editor left behind); the signer signed these bytes, and nothing written after signing uses it.",
    ),
    Code(
        "XREF_STREAM_REPEATED", "info",
        "Đoạn kết (trailer) của phiên bản {revision} nhắc lại /XRefStm của một phiên bản trước (luồng tham chiếu chéo tại byte {offset}), như Acrobat ghi trên tệp MS Word; các đối tượng phiên bản này ghi mới ({objects}) được đọc theo bảng của chính nó như mọi trình đọc đúng chuẩn. Các byte này nằm trong phần đã ký.",
        "The trailer of revision {revision} repeats an earlier revision's /XRefStm (the cross-reference stream at byte {offset}), as Acrobat writes on MS Word files; the objects this revision rewrites ({objects}) are read from its own table, as every conforming reader does. These bytes are within the signed part.",
    ),
    Code(
        "DANGLING_TRAILER_REFERENCE", "info",
        "Đoạn kết (trailer) của phiên bản {revision} có khóa {key} tham chiếu tới đối tượng {object} không tồn tại trong phần đã ký (như LibreOffice ghi /AdditionalStreams); đối tượng được coi là null, số hiệu này được ghi ở phiên bản: {defined_in}. Không trình đọc nào dùng khóa này để hiển thị tài liệu.",
        "The trailer of revision {revision} has {key} referring to object {object}, which the signed part does not define (as LibreOffice writes /AdditionalStreams); it is read as null, and the number is written in revision: {defined_in}. No reader uses this key to show the document.",
    ),
    Code(
        "STRICT_PARSE_DEVIATION", "warning",
        "Tệp không tuân thủ chặt chẽ chuẩn PDF ({reason}); đã đọc ở chế độ không nghiêm ngặt.",
        "The file deviates from strict PDF syntax ({reason}); it was read in non-strict mode.",
    ),
    Code(
        "ENCRYPTED_EMPTY_PASSWORD", "info",
        "Tệp được mã hóa với mật khẩu người dùng rỗng; đã mở bằng mật khẩu rỗng.",
        "The file is encrypted with an empty user password; it was opened with that password.",
    ),
    Code(
        "EMPTY_SIGNATURE_FIELD", "info",
        "Trường chữ ký {field} chưa được ký.",
        "Signature field {field} is empty (not signed).",
    ),
    Code(
        "SIGNING_TIME_LOCAL_AS_UTC", "info",
        "Thời gian ký trong chữ ký là giờ Việt Nam ghi nhãn UTC (lệch +7 giờ, đặc điểm của phần mềm ký); đã hiệu chỉnh.",
        "The signing time in the signature is Vietnam local time labelled UTC (+7 h, a trait of the signing tool); corrected.",
    ),
    Code(
        "LEGACY_SHA1_ACCEPTED", "info",
        "Chấp nhận thuật toán SHA-1 ({where}) theo chính sách {policy} vì chuỗi chứng thực thuộc hạ tầng khóa công khai chuyên dùng Chính phủ.",
        "SHA-1 ({where}) accepted under policy {policy} because the chain ends at a government PKI anchor.",
    ),
    Code(
        "NON_REPUDIATION_ABSENT", "info",
        "Chứng thư số ký không có mục đích chống chối bỏ (nonRepudiation); chấp nhận digitalSignature theo chính sách {policy}.",
        "The signing certificate lacks nonRepudiation; digitalSignature accepted under policy {policy}.",
    ),
    Code(
        "DIGESTINFO_WITHOUT_NULL", "info",
        "Cấu trúc DigestInfo của chữ ký RSA không có tham số NULL (được RFC 8017 cho phép); giá trị băm khớp.",
        "The RSA DigestInfo omits the NULL parameter (permitted by RFC 8017); the digest matches.",
    ),
    Code(
        "RSA_PARAMETERS_IGNORED", "info",
        "Thuật toán chữ ký ghi rsaEncryption kèm tham số không hợp lệ; tham số bị bỏ qua, chữ ký được kiểm tra theo PKCS#1 v1.5.",
        "The signature algorithm says rsaEncryption with stray parameters; they were ignored and PKCS#1 v1.5 was verified.",
    ),
    Code(
        "ECDSA_NAMED_BY_KEY_TYPE", "info",
        "Thuật toán chữ ký ghi loại khóa (id-ecPublicKey) thay cho ECDSA kèm hàm băm (iText 5 ghi như vậy); chữ ký được kiểm tra theo ECDSA với hàm băm {digest} đã khai.",
        "The signature algorithm names the key type (id-ecPublicKey) instead of ECDSA with a digest (as iText 5 writes it); ECDSA with the declared digest {digest} was verified.",
    ),
    Code(
        "REVOCATION_UNKNOWN", "warning",
        "Không kiểm tra được tình trạng thu hồi của chứng thư số ký (không có CRL/OCSP khi kiểm tra ngoại tuyến); CRL và OCSP lấy từ địa chỉ ghi trong chứng thư số (điểm phân phối CRL, OCSP): dùng --online, hoặc tải CRL vào kho tin cậy bằng 'kyso certs refresh', hoặc đưa tệp bằng --crl/--ocsp.",
        "The revocation status of the signing certificate is unknown offline; CRLs and OCSP responses come from the addresses written in the certificates (CRL distribution points, OCSP): use --online, or download the CRLs into the trust store with 'kyso certs refresh', or give files with --crl/--ocsp.",
    ),
    Code(
        "ISSUER_MISSING", "warning",
        "Thiếu chứng thư số '{issuer}', {missing}.",
        "The certificate '{issuer}' is missing, {missing}.",
    ),
    Code(
        "VALIDATED_AT_TIMESTAMP", "info",
        "Chứng thư số đã hết hạn hoặc bị thu hồi sau khi ký; dấu thời gian {time} chứng minh chữ ký được tạo khi chứng thư còn hiệu lực.",
        "The certificate expired or was revoked after signing; the timestamp of {time} proves the signature was made while it was valid.",
    ),
    Code(
        "TIMESTAMP_INVALID", "warning",
        "Dấu thời gian của chữ ký không hợp lệ hoặc không tin cậy: {reason}",
        "The signature timestamp is not valid or not trusted: {reason}",
    ),
    Code(
        "NOT_PDF", "error",
        "Không đọc được tệp như một tài liệu PDF: {reason}",
        "The file cannot be read as a PDF: {reason}",
    ),
    Code(
        "ENCRYPTED", "error",
        "Tệp PDF được mã hóa bằng mật khẩu; hãy kiểm tra lại với mật khẩu (kyso verify --password -, mật khẩu được hỏi mà không hiện ra) hoặc xin bản không mã hóa.",
        "The PDF is encrypted with a password; verify it again with the password (kyso verify --password -, which asks for it without showing it) or get an unencrypted copy.",
    ),
    Code(
        "FILE_TOO_LARGE", "error",
        "Tệp có {size} byte, vượt giới hạn {limit} byte nên không được đọc; kiểm tra lại tệp hoặc nâng giới hạn (--max-size).",
        "The file has {size} bytes, over the limit of {limit}, and was not read; check the file or raise the limit (--max-size).",
    ),
    Code(
        "PDF_DAMAGED", "error",
        "Cấu trúc PDF bị hỏng, không đọc được hết các phiên bản ({reason}); tài liệu không được coi là hợp lệ.",
        "The PDF structure is damaged and could not be read through ({reason}); the document is not considered valid.",
    ),
    Code(
        "SIGNATURE_FORMAT_UNREGISTERED", "warning",
        "Chữ ký khai báo định dạng SubFilter {sub_filter}, /Type {type} không theo chuẩn PDF; kyso vẫn kiểm tra nó như một chữ ký CMS tách rời, nhưng phần mềm khác có thể bỏ qua chữ ký này.",
        "The signature declares SubFilter {sub_filter}, /Type {type}, which the PDF standard does not define; kyso checked it as a detached CMS signature, but other software may skip it.",
    ),
    Code(
        "SIGNED_ATTRIBUTES_NOT_DER", "warning",
        "Các thuộc tính được ký của chữ ký không được sắp xếp theo DER; chữ ký vẫn đúng trên dữ liệu nhận được, nhưng một số phần mềm kiểm tra khác có thể từ chối.",
        "The signature's signed attributes are not in DER order; the signature verifies over the bytes received, but some other verifiers reject it.",
    ),
    Code(
        "CMS_SEVERAL_SIGNERS", "info",
        "Chữ ký có {count} người ký (SignerInfo) trong cùng một CMS; tất cả đều được đối chiếu với dữ liệu đã ký, người ký được báo cáo là người ký đầu tiên.",
        "The signature's CMS carries {count} signers (SignerInfos); each was checked against the signed bytes, and the first is the one reported.",
    ),
    Code(
        "INTERNAL_ERROR", "warning",
        "kyso gặp lỗi khi kiểm tra ({reason}) nên không kết luận được; đây không phải bằng chứng tài liệu sai. Hãy báo lỗi kèm tệp này cho quản trị hệ thống.",
        "kyso failed while checking ({reason}) and could not reach a conclusion; this is no evidence against the document. Report it to the administrator with this file.",
    ),
    # --- Decree 30/2020 profile (verifier.decree30.profile; docs/decree30.md §5, C7-C14) ---
    Code(
        "ND30_NO_PERSON_SIGNATURE", "warning",
        "Văn bản không có chữ ký số của người có thẩm quyền (chỉ có {count} chữ ký của cơ quan, tổ chức); Điều 5 Nghị định 30/2020 yêu cầu cả hai.",
        "The document carries no personal signature of the competent person (only {count} agency signature(s)); Decree 30/2020 Art. 5 requires both.",
    ),
    Code(
        "ND30_NO_AGENCY_SIGNATURE", "warning",
        "Văn bản không có chữ ký số của cơ quan, tổ chức (chỉ có {count} chữ ký cá nhân); Điều 5 Nghị định 30/2020 yêu cầu cả hai.",
        "The document carries no signature of the agency (only {count} personal signature(s)); Decree 30/2020 Art. 5 requires both.",
    ),
    Code(
        "ND30_AGENCY_LAYER_STRIPPED", "warning",
        "Văn bản có chữ ký cá nhân nhưng không có chữ ký số của cơ quan và còn để trống {blanks} ({notation}): đây là bản trước khi phát hành, hoặc bản đã bị cắt bỏ các lớp chữ ký của cơ quan (cấp số, ghi ngày, đóng dấu).",
        "The document is signed by a person but carries no agency signature and its {blanks} are still blank ({notation}): it is the state before issuing, or an issued document whose agency layers (number, date, seal) were cut off.",
    ),
    Code(
        "ND30_AGENCY_BEFORE_PERSON", "warning",
        "Chữ ký của cơ quan ({agency}, lớp {layer}) có trước chữ ký cá nhân ({person}, lớp {person_layer}); Điều 32.2.d Nghị định 30/2020: văn thư chỉ ký số của cơ quan sau khi người có thẩm quyền đã ký.",
        "The agency's signature ({agency}, layer {layer}) precedes the personal signature ({person}, layer {person_layer}); Decree 30/2020 Art. 32.2.d: the clerk applies the agency's signature only after the competent person has signed.",
    ),
    Code(
        "ND30_SEAL_PLACEMENT", "info",
        "Hình ảnh con dấu (trang {seal_page}, {seal_rect}) không trùm khoảng 1/3 bên trái chữ ký của người có thẩm quyền (lớp {person_layer}, trang {person_page}, {person_rect}; phủ {covered}, phía {side}); Phụ lục I, mục II.8.a.",
        "The seal image (page {seal_page}, {seal_rect}) does not cover about the left third of the competent person's signature (layer {person_layer}, page {person_page}, {person_rect}; covers {covered}, on the {side}); Appendix I, II.8.a.",
    ),
    Code(
        "ND30_ATTACHMENT_LAYOUT", "warning",
        "Chữ ký số của cơ quan trên {purpose} không đúng thể thức (Phụ lục I, mục II.8.b, III.1.d): {problems}.",
        "The agency signature on the {purpose} does not follow the prescribed layout (Appendix I, II.8.b, III.1.d): {problems}.",
    ),
    Code(
        "ND30_SIGNER_NAME_MISMATCH", "warning",
        "Họ tên người ký in trên văn bản ({printed}) không khớp với chứng thư số của chữ ký cá nhân ({certificate}).",
        "The signer name printed on the document ({printed}) does not match the personal signature's certificate ({certificate}).",
    ),
    Code(
        "ND30_AGENCY_NAME_MISMATCH", "warning",
        "Chứng thư số của cơ quan ({certificate}, lớp {layers}) không mang tên cơ quan ban hành in trên văn bản ({printed}; cơ quan chủ quản: {parent}).",
        "The agency certificate ({certificate}, layer(s) {layers}) does not name the issuing agency printed on the document ({printed}; parent body: {parent}).",
    ),
    Code(
        "ND30_DATE_AFTER_SIGNING", "warning",
        "Ngày ban hành ghi trên văn bản ({issued}) muộn hơn ngày cơ quan ký số (lớp {layer}, {signed}).",
        "The issue date printed on the document ({issued}) is later than the agency's signing date (layer {layer}, {signed}).",
    ),
    Code(
        "ND30_TYPE_CODE_MISMATCH", "info",
        "Ký hiệu {notation} mang mã loại {type_code} ({code_means}) nhưng tên loại văn bản in là {printed} (Phụ lục III Nghị định 30/2020).",
        "The notation {notation} carries the type code {type_code} ({code_means}) but the printed type is {printed} (Decree 30/2020 Appendix III).",
    ),
    Code(
        "ND30_PUBLIC_CA_AFTER_2025", "warning",
        "Chữ ký của {signer} (lớp {layers}) ngày {signed} dùng chứng thư số công cộng ({anchor}); từ sau 31/12/2025 văn bản của cơ quan nhà nước phải dùng chữ ký số chuyên dùng công vụ (Nghị định 68/2024).",
        "{signer}'s signature (layer(s) {layers}) of {signed} uses a public-CA certificate ({anchor}); after 2025-12-31 state documents must carry official-use signatures (Decree 68/2024).",
    ),
    Code(
        "ND30_LATER_LAYER_UNTRUSTED", "warning",
        "Lớp chữ ký {layer} ({signer}, {purpose}) được thêm sau các chữ ký tin cậy bằng chứng thư số không thuộc hạ tầng tin cậy: nội dung lớp này hiển thị không thể quy cho cơ quan.",
        "Layer {layer} ({signer}, {purpose}) was added after trusted signatures with a certificate outside the trusted PKIs: what it shows cannot be attributed to the agency.",
    ),
    Code(
        "ND30_TRIAL_VERSION_MARK", "info",
        "Hình thức hiển thị chữ ký có dòng 'PHIÊN BẢN THỬ NGHIỆM' (dấu của phần mềm ký, không liên quan đến tính hợp lệ).",
        "The signature appearance shows 'PHIÊN BẢN THỬ NGHIỆM' (trial version): a mark of the signing client, not of validity.",
    ),
    Code(
        "ND30_DUPLICATE_NUMBER", "warning",
        "Số, ký hiệu {number}/{notation} của {organ} năm {year} đã có trong kho lưu trữ (văn bản {other}); Điều 15 Nghị định 30/2020.",
        "Number {number}/{notation} of {organ} in {year} is already in the archive (document {other}); Decree 30/2020 Art. 15.",
    ),
    # --- document metadata (verifier.decree30.metadata) ---
    Code(
        "METADATA_CONFLICT", "info",
        "Thông tin '{field}' không thống nhất: {value} ({source}) khác {other_value} ({other_source}).",
        "Sources disagree on '{field}': {value} ({source}) versus {other_value} ({other_source}).",
    ),
    Code(
        "METADATA_NO_TEXT", "info",
        "Trang 1 không có lớp chữ (văn bản quét, {pages} trang): chỉ đọc được thông tin từ hình thức hiển thị của các chữ ký.",
        "Page 1 has no text layer (a scan, {pages} pages): only what the signature appearances say could be read.",
    ),
    Code(
        "METADATA_UNREADABLE", "info",
        "Không đọc được thông tin văn bản: {reason}",
        "The document's metadata could not be read: {reason}",
    ),
    # issue 14: who may change what is displayed (verifier.signatures.vouch)
    Code(
        "APPEARANCE_NOT_VOUCHED", "error",
        "Trường {field} thêm vào ở phiên bản {revision} hiển thị trên trang {page} (vùng {rect}) sau chữ ký này, nhưng không chữ ký số đáng tin cậy nào bảo đảm cho nó: nó là {drawn_by}. Nội dung người ký đã thấy có thể đã bị che hoặc thay đổi; hãy yêu cầu nơi gửi cung cấp bản gốc.",
        "Field {field}, added in revision {revision}, is displayed on page {page} (area {rect}) after this signature, and no trusted signature vouches for it: it is {drawn_by}. What the signer saw may have been covered or changed; ask the sender for the original.",
    ),
    Code(
        "OVERLAY_BY_UNIDENTIFIED_SIGNER", "warning",
        "Trường {field} thêm vào ở phiên bản {revision} hiển thị trên trang {page} (vùng {rect}) sau chữ ký này, do một người ký không xác định được danh tính (chứng thư số không dẫn tới nguồn tin cậy đã cấu hình, không dùng để ký văn bản, hoặc không chứng minh được còn hiệu lực lúc ký: xem kết quả của chính chữ ký đó). Không khẳng định được nội dung đang hiển thị là nội dung đã ký.",
        "Field {field}, added in revision {revision}, is displayed on page {page} (area {rect}) after this signature, by a signer who cannot be identified (a certificate that does not chain to a configured anchor, is not meant for documents, or cannot be shown valid when it signed: see that signature's own result). What is displayed cannot be confirmed as what was signed.",
    ),
    # issue 14: the rendered comparison (verifier.signatures.displayed)
    Code(
        "RENDERED_DIFFERENCE", "error",
        "Trang {page} hiển thị khác với lúc ký: vùng {rect} ({pixels} điểm ảnh) đã thay đổi sau chữ ký này mà không do một lớp ký sau nào vẽ ra. Nội dung người ký đã thấy đã bị thay đổi; hãy yêu cầu nơi gửi cung cấp bản gốc.",
        "Page {page} displays differently than when signed: area {rect} ({pixels} pixels) changed after this signature, and no later layer drew it. What the signer saw was changed; ask the sender for the original.",
    ),
    Code(
        "RENDERING_UNAVAILABLE", "warning",
        "Không vẽ được trang để so sánh với lúc ký (phía {side}, trang {page}: {reason}); phần so sánh hình ảnh bị bỏ qua, các kiểm tra khác vẫn áp dụng.",
        "The pages could not be drawn to compare with what was signed ({side} side, page {page}: {reason}); the visual comparison was skipped, the other checks still apply.",
    ),
    # issue 14: certificate purpose (verifier.trust.purpose)
    Code(
        "CERTIFICATE_NOT_FOR_DOCUMENTS", "warning",
        "Chứng thư số của người ký không được cấp để ký văn bản: mục đích sử dụng ghi trong chứng thư chỉ là {key_purposes_vi}. Chữ ký này không được công nhận là chữ ký trên văn bản.",
        "The signer's certificate was not issued for signing documents: the purposes it names are only {key_purposes_en}. The signature is not accepted as a signature on a document.",
    ),
    # issue 14: strict after the first signature (verifier.structure.objstreams)
    Code(
        "OBJECT_STREAM_CONFLICT", "error",
        "Phiên bản {revision} (ghi sau chữ ký đầu tiên): đối tượng {object} được đọc theo hai cách. Bảng tham chiếu chéo chỉ tới vị trí {index} của luồng đối tượng {stream}, nơi luồng ghi đối tượng {held}; còn luồng liệt kê đối tượng {object} ở vị trí {listed} và trình đọc tìm theo số đối tượng lấy bản đầu tiên. PDFium và poppler đọc một bản, pyHanko (bản kyso kiểm tra) và MuPDF đọc bản kia: nội dung người xem thấy không phải nội dung đã được kiểm tra với chữ ký.",
        "Revision {revision} (written after the first signature): object {object} is read two ways. The cross-reference entry names index {index} of object stream {stream}, where the stream holds object {held}; the stream lists object {object} at index {listed}, and readers that look it up by number take the first copy. PDFium and poppler read one copy, pyHanko (what kyso checks) and MuPDF the other: what a viewer shows is not what was checked against the signatures.",
    ),
    Code(
        "OBJECT_STREAM_DUPLICATE", "error",
        "Phiên bản {revision} (ghi sau chữ ký đầu tiên): luồng đối tượng {stream} liệt kê đối tượng {object} nhiều lần (vị trí {listed}); mỗi phần mềm có thể lấy một bản khác nhau.",
        "Revision {revision} (written after the first signature): object stream {stream} lists object {object} more than once (index {listed}); readers may take different copies.",
    ),
    Code(
        "OBJECT_STREAM_UNREFERENCED", "error",
        "Phiên bản {revision} (ghi sau chữ ký đầu tiên): luồng đối tượng {stream} chứa đối tượng {object} (vị trí {index}) mà không bảng tham chiếu chéo nào của phiên bản đó trỏ tới: phần mềm dựng lại bảng tham chiếu chéo có thể hiển thị nó dù không chữ ký nào bảo vệ nó.",
        "Revision {revision} (written after the first signature): object stream {stream} holds object {object} (index {index}), which no cross-reference entry of that revision names: a reader that rebuilds the cross-reference may show it although no signature covers it.",
    ),
    Code(
        "OBJECT_STREAM_MALFORMED", "error",
        "Phiên bản {revision} (ghi sau chữ ký đầu tiên): luồng đối tượng {stream} không đúng cấu trúc ({reason}).",
        "Revision {revision} (written after the first signature): object stream {stream} is malformed ({reason}).",
    ),
    Code(
        "OBJECT_STREAM_MALFORMED_IN_ORIGINAL", "warning",
        "Phiên bản {revision} (trong phần đã ký): luồng đối tượng {stream} không đúng cấu trúc ({reason}); các phần mềm có thể đọc các đối tượng trong đó khác nhau, và không biết phần mềm của người ký đã hiển thị bản nào.",
        "Revision {revision} (in the signed part): object stream {stream} is malformed ({reason}); readers may read its objects differently, and which reading the signer's viewer showed cannot be told.",
    ),
    Code(
        "OBJECT_STREAM_CONFLICT_IN_ORIGINAL", "warning",
        "Phiên bản {revision} (trong phần đã ký): đối tượng {object} được đọc theo hai cách. Bảng tham chiếu chéo chỉ tới vị trí {index} của luồng đối tượng {stream}, nơi luồng ghi đối tượng {held}; còn luồng liệt kê đối tượng {object} ở vị trí {listed}. Người ký đã ký cả hai bản, nhưng không biết phần mềm của họ đã hiển thị bản nào.",
        "Revision {revision} (in the signed part): object {object} is read two ways. The cross-reference entry names index {index} of object stream {stream}, where the stream holds object {held}; the stream lists object {object} at index {listed}. The signer signed both copies; which one their viewer showed cannot be told.",
    ),
    # issue 14: the overlap finding measured against what the signed revision displays (verifier.structure.overlap, verifier.decree30.placement)
    Code(
        "ANNOTATION_OVER_EARLIER_APPEARANCE", "warning",
        "Chú thích /{subtype} (đối tượng {object}, trường {field}) thêm vào ở phiên bản {revision} nằm đè lên hình hiển thị của {covered_field} đã có trước đó ở trang {page}: vùng {rect} che phần có nét {region}.",
        "Annotation /{subtype} (object {object}, field {field}) added in revision {revision} lies over the appearance of {covered_field}, displayed before it on page {page}: area {rect} covers the marks in {region}.",
    ),
    Code(
        "ANNOTATION_OVER_SIGNED_IMAGE", "warning",
        "Chú thích /{subtype} (đối tượng {object}, trường {field}) thêm vào ở phiên bản {revision} nằm đè lên hình ảnh của trang {page} đã ký (trang scan là một hình ảnh): vùng {rect} che phần có nét {region}.",
        "Annotation /{subtype} (object {object}, field {field}) added in revision {revision} lies over an image of signed page {page} (a scanned page is one image): area {rect} covers the marks in {region}.",
    ),
    Code(
        "ANNOTATION_OVER_SIGNED_DRAWING", "warning",
        "Chú thích /{subtype} (đối tượng {object}, trường {field}) thêm vào ở phiên bản {revision} nằm đè lên nét vẽ (đường kẻ, hình) của trang {page} đã ký: vùng {rect} che phần có nét {region}.",
        "Annotation /{subtype} (object {object}, field {field}) added in revision {revision} lies over lines or shapes drawn on signed page {page}: area {rect} covers the marks in {region}.",
    ),
    Code(
        "ANNOTATION_GEOMETRY_UNRESOLVED", "warning",
        "Chú thích /{subtype} (đối tượng {object}, trường {field}) thêm vào ở phiên bản {revision} được hiển thị trên trang {page} nhưng không đọc được vị trí của nó như các phần mềm xem đọc: không biết nó nằm ở đâu và che gì.",
        "Annotation /{subtype} (object {object}, field {field}) added in revision {revision} is displayed on page {page}, but its rectangle cannot be read as viewers read it: where it is drawn, and what it covers, cannot be told.",
    ),
    Code(
        "ANNOTATION_NOT_MEASURED", "warning",
        "Chú thích /{subtype} (đối tượng {object}, trường {field}) thêm vào ở phiên bản {revision} được hiển thị trên trang {page} (vùng {rect}) nhưng không đo được nó che gì ({reason}).",
        "Annotation /{subtype} (object {object}, field {field}) added in revision {revision} is displayed on page {page} (area {rect}), but what it covers could not be measured ({reason}).",
    ),
    Code(
        "OVERLAY_AS_PRESCRIBED", "info",
        "Hình hiển thị của trường {field} thêm vào ở phiên bản {revision} nằm trên nội dung đã ký ở trang {page} (vùng {rect}), đúng vị trí Nghị định 30/2020 (Phụ lục I) quy định cho lớp ký này; đó là cách trình bày văn bản, không phải che nội dung.",
        "The appearance of field {field}, added in revision {revision}, lies over signed content on page {page} (area {rect}) where Decree 30/2020 (Appendix I) places this layer; it is the document's layout, not a covering.",
    ),
    # issue 17: bounded work (verifier.pdf.budget; limits in verifier.policy.named.Limits)
    Code(
        "OBJECT_LIMIT_EXCEEDED", "error",
        "Các bảng tham chiếu của tệp liệt kê khoảng {objects} đối tượng PDF, vượt giới hạn {limit} của chính sách: tệp không được kiểm tra tiếp (một văn bản thật không cần nhiều như vậy).",
        "The file's cross-reference sections list about {objects} PDF objects, over the policy's limit of {limit}: it was not checked further (no genuine document needs that many).",
    ),
    Code(
        "UPDATE_OBJECT_LIMIT_EXCEEDED", "error",
        "Phiên bản {revision}, thêm vào sau chữ ký đầu tiên, có {objects} đối tượng, vượt giới hạn {limit} của chính sách cho một lần cập nhật sau khi ký: các lớp chữ ký không được kiểm tra tiếp. Một lần ký chỉ thêm vài chục đối tượng; chừng ấy đối tượng là đáng ngờ.",
        "Revision {revision}, added after the first signature, holds {objects} objects, over the policy's limit of {limit} for an update after signing: the layers were not checked further. A signature adds a few dozen objects; that many is suspicious in itself.",
    ),
    Code(
        "DECODE_LIMIT_EXCEEDED", "error",
        "Giải nén các luồng dữ liệu của tệp vượt giới hạn {limit_mb} MB của chính sách ({reason}): phần kiểm tra cần đến dữ liệu đó không thực hiện được.",
        "Decoding the file's streams went over the policy's limit of {limit_mb} MB ({reason}): the checks that needed that data could not be made.",
    ),
    # issue 17: limits checked before the database (archive.db.limits)
    Code(
        "ARCHIVE_VALUE_TRUNCATED", "info",
        "Trường {field} dài {length} ký tự; kho lưu trữ chỉ ghi {limit} ký tự đầu vào cột tìm kiếm (báo cáo vẫn giữ nguyên giá trị).",
        "The field {field} is {length} characters long; the archive keeps its first {limit} in the searchable column (the report keeps the whole value).",
    ),
    # issue 16 (ocr): metadata read by OCR from scanned pages (verifier.ocr)
    Code(
        "METADATA_OCR", "info",
        "Trang {pages} là bản quét: thông tin văn bản trên các trang này được đọc bằng nhận dạng chữ (OCR), có thể sai; hãy đối chiếu số, ngày với văn bản.",
        "Page {pages} is a scan: the document's details on it were read by text recognition (OCR) and may be wrong; check the number and date against the document.",
    ),
    # issue 16 (provenance): which revision and which signatures each metadata value comes from
    # (verifier.decree30.metadata, verifier.decree30.provenance)
    Code(
        "METADATA_CHANGED_AFTER_SIGNING", "warning",
        "Thuộc tính tài liệu ({source}) được ghi lại ở phiên bản {revision}, sau chữ ký cuối cùng, không chữ ký nào bảo đảm: {changes}. Tiêu đề hay mô tả mà phần mềm đọc PDF hiển thị có thể không phải của văn bản đã ký; thông tin văn bản được đọc từ nội dung đã ký.",
        "The document properties ({source}) were rewritten in revision {revision}, after the last signature, and no signature covers them: {changes}. The title or description a PDF viewer shows may not be the signed document's; the document's details are read from the signed content.",
    ),
    Code(
        "METADATA_UPDATED_AFTER_SIGNING", "info",
        "Thuộc tính kỹ thuật của tài liệu ({source}: {keys}) được cập nhật ở phiên bản {revision}, sau chữ ký cuối cùng: {changes}.",
        "Technical document properties ({source}: {keys}) were updated in revision {revision}, after the last signature: {changes}.",
    ),
    Code(
        "METADATA_NOT_SIGNED", "warning",
        "Thông tin văn bản ({fields_vi}) được đọc từ nội dung do phiên bản {revision} ghi, không chữ ký số nào bảo đảm: không dùng làm thông tin của văn bản đã ký.",
        "Document details ({fields_en}) are read from content written by revision {revision}, which no signature covers: they are not taken as the signed document's.",
    ),
    Code(
        "METADATA_NOT_VOUCHED", "warning",
        "Thông tin văn bản ({fields_vi}) chỉ được bảo đảm bởi chữ ký {layers}, mà người ký không xác định được hoặc chữ ký không hợp lệ: không dùng làm thông tin của văn bản.",
        "Document details ({fields_en}) are covered only by signature {layers}, whose signer cannot be identified or whose signature fails: they are not taken as the document's.",
    ),
    Code(
        "METADATA_NOT_ESTABLISHED", "warning",
        "Không xác định được thông tin văn bản ({fields_vi}): các nguồn hiển thị khác nhau, hoặc không biết phần mềm đọc PDF có hiển thị chữ đó hay không.",
        "Document details ({fields_en}) cannot be established: the displayed sources disagree, or whether a PDF viewer shows that text cannot be told.",
    ),
    # issue 15 (net15): fetching over the network (verifier.net): what failed, with its URL; a
    # revocation after the proven signing time
    Code(
        "FETCH_FAILED", "info",
        "Không tải được {kind_vi} từ {url}: {error_vi}.",
        "Could not fetch the {kind_en} from {url}: {error}.",
    ),
    Code(
        "REVOCATION_NOT_OBTAINED", "warning",
        "Không lấy được tình trạng thu hồi của chứng thư số ký qua mạng ({failures_vi}); hãy kiểm tra lại sau, hoặc đưa tệp CRL/OCSP bằng --crl/--ocsp.",
        "The revocation status of the signing certificate could not be obtained over the network ({failures}); verify again later, or give CRL/OCSP files with --crl/--ocsp.",
    ),
    Code(
        "REVOKED_AFTER_PROVEN_TIME", "info",
        "Chứng thư số bị thu hồi lúc {revoked}, sau thời điểm ký được dấu thời gian chứng minh ({time}): chữ ký vẫn có giá trị.",
        "The certificate was revoked at {revoked}, after the signing time proven by the timestamp ({time}): the signature stands.",
    ),
    # issue 18 (batch18): a batch's file that cannot be read, and the password of an encrypted document
    Code(
        "FILE_UNREADABLE", "error",
        "Không đọc được tệp: {reason_vi}; hãy kiểm tra đường dẫn và quyền đọc.",
        "The file cannot be read: {reason_en}; check the path and permissions.",
    ),
    Code(
        "ENCRYPTED_PASSWORD_GIVEN", "info",
        "Tệp được mã hóa bằng mật khẩu; đã mở bằng mật khẩu được cho (--password).",
        "The file is encrypted with a password; it was opened with the password given (--password).",
    ),
    Code(
        "ENCRYPTED_WRONG_PASSWORD", "error",
        "Tệp PDF được mã hóa và mật khẩu được cho (--password) không mở được tệp; hãy kiểm tra lại mật khẩu với nơi gửi.",
        "The PDF is encrypted and the password given (--password) does not open it; check the password with the sender.",
    ),
)

# What each signature layer is for (verifier.decree30.profile), as the report names it.
PURPOSE_TEXT = {
    "competent": ("chữ ký của người có thẩm quyền", "the competent person's signature"),
    "person": ("chữ ký cá nhân khác", "another personal signature"),
    "number": ("chữ ký của cơ quan: cấp số văn bản", "agency signature: document number"),
    "date": ("chữ ký của cơ quan: ghi ngày ban hành", "agency signature: issue date"),
    "seal": ("chữ ký của cơ quan: đóng dấu", "agency signature: seal"),
    "appendix": ("chữ ký của cơ quan trên phụ lục", "agency signature on an appendix"),
    "copy": ("chữ ký của cơ quan: sao văn bản", "agency signature: copy"),
    "incoming": ("chữ ký của cơ quan: đóng dấu đến", "agency signature: incoming stamp"),
    "comment": ("chữ ký của cơ quan: ý kiến", "agency signature: comment"),
    "agency": ("chữ ký của cơ quan", "agency signature"),
    "timestamp": ("dấu thời gian tài liệu", "document timestamp"),
    "unknown": ("không xác định", "unknown"),
}

# What drew over a signed document without a trusted signer's warrant (APPEARANCE_NOT_VOUCHED).
DRAWN_BY_TEXT = {
    "document_timestamp": ("một dấu thời gian tài liệu (chỉ chứng minh thời điểm, không chứng minh người tạo)",
                           "a document timestamp (it proves a time, not who made it)"),
    "failed_signature": ("một chữ ký không hợp lệ", "a signature that fails"),
    "unchecked_signature": ("một chữ ký không kiểm tra được", "a signature that cannot be checked"),
    "form_field": ("một trường biểu mẫu được điền sau khi ký", "a form field filled in after signing"),
}


UNKNOWN_TEXT = ("không rõ", "unknown")
# Finding params whose values are words kyso chose (not values read from the document): each
# kind has its table, so that a Vietnamese message never reads "phía right".
SIDE_TEXT = {
    "left": ("bên trái", "left"), "right": ("bên phải", "right"),
    # RENDERING_UNAVAILABLE: which state of the document could not be drawn
    "signed": ("bản đã ký", "signed"), "final": ("bản hiện tại", "final"), "?": UNKNOWN_TEXT,
}
# Decree 30 metadata fields a message may name (QCVN 102:2016 names in JSON).
FIELD_TEXT = {
    "code_number": ("số văn bản", "number"),
    "code_notation": ("ký hiệu", "notation"),
    "issued_date": ("ngày ban hành", "issue date"),
    "type_name": ("tên loại văn bản", "type"),
    "organ_name": ("cơ quan ban hành", "issuing agency"),
    "parent_organ_name": ("cơ quan chủ quản", "parent body"),
    "subject": ("trích yếu", "subject"),
    "signer_name": ("họ tên người ký", "signer name"),
    "signer_position": ("chức vụ người ký", "signer position"),
    "place": ("địa danh", "place"),
    "recipients": ("nơi nhận", "recipients"),
    "priority": ("độ khẩn, độ mật", "urgency, secrecy"),
    "attached_to": ("kèm theo văn bản", "attached to"),
    "copy_type": ("hình thức sao", "copy"),
    "language": ("ngôn ngữ", "language"),
}
# Decree 30/2020 Appendix III type names (Vietnamese, as printed) for an English reader
TYPE_NAME_TEXT = {vi: (vi, en) for vi, en in (
    ("Nghị quyết", "resolution"), ("Quyết định", "decision"), ("Chỉ thị", "directive"), ("Quy chế", "regulation"),
    ("Quy định", "rules"), ("Thông cáo", "communiqué"), ("Thông báo", "notice"), ("Hướng dẫn", "guidance"),
    ("Chương trình", "programme"), ("Kế hoạch", "plan"), ("Phương án", "option plan"), ("Đề án", "scheme"),
    ("Dự án", "project"), ("Báo cáo", "report"), ("Biên bản", "minutes"), ("Tờ trình", "submission"),
    ("Hợp đồng", "contract"), ("Công văn", "official letter"), ("Công điện", "official dispatch"),
    ("Bản ghi nhớ", "memorandum of understanding"), ("Bản thỏa thuận", "agreement"),
    ("Giấy ủy quyền", "power of attorney"), ("Giấy mời", "invitation"), ("Giấy giới thiệu", "letter of introduction"),
    ("Giấy nghỉ phép", "leave permit"), ("Phiếu gửi", "dispatch slip"), ("Phiếu chuyển", "transfer slip"),
    ("Phiếu báo", "notice slip"), ("Bản sao y", "true copy"), ("Bản sao lục", "extract copy"),
    ("Bản trích sao", "excerpt copy"), ("Thư công", "public letter"), ("Nghị định", "decree"), ("Thông tư", "circular"),
    ("Luật", "law"), ("Pháp lệnh", "ordinance"))}
# Where a metadata value was read (metadata entries' `source`), for a Vietnamese reader
SOURCE_VI = (
    (r"page (\d+) text", r"chữ trên trang \1"),
    (r"page (\d+) OCR", r"OCR trang \1"),
    (r"layer (\d+) appearance", r"hình thức hiển thị của chữ ký \1"),
    (r"of the revision signed by layer (\d+)", r"của phiên bản do chữ ký \1 ký"),
    (r"PDF information dictionary", "thông tin PDF (/Info)"),
    (r"XMP metadata stream", "XMP"),
    (r"^file$", "tệp"),
)


def source_text(text: object, lang: str) -> str:
    """A metadata value's source ("page 1 text", "layer 3 appearance") in `lang`."""
    import re

    text = say(text, lang) if isinstance(text, (Phrase, tuple)) else str(text)
    if lang == "vi":
        for pattern, repl in SOURCE_VI:
            text = re.sub(pattern, repl, text)
    return text
# X.509 key usages (RFC 5280 §4.2.1.3), as asn1crypto names them.
KEY_USAGE_TEXT = {
    "digital_signature": ("ký số", "digital signature"),
    "non_repudiation": ("chống chối bỏ", "non-repudiation"),
    "key_encipherment": ("mã hóa khóa", "key encipherment"),
    "data_encipherment": ("mã hóa dữ liệu", "data encipherment"),
    "key_agreement": ("thỏa thuận khóa", "key agreement"),
    "key_cert_sign": ("ký chứng thư số", "certificate signing"),
    "crl_sign": ("ký danh sách thu hồi (CRL)", "CRL signing"),
    "encipher_only": ("chỉ mã hóa", "encipher only"),
    "decipher_only": ("chỉ giải mã", "decipher only"),
}
# Where the text of a LEGACY_SHA1_ACCEPTED finding says SHA-1 was met.
WHERE_TEXT = {
    "message digest": ("giá trị băm của chữ ký", "message digest"),
    "byte-range digest": ("giá trị băm vùng ký", "byte-range digest"),
    "timestamp token": ("dấu thời gian", "timestamp token"),
    "signature": ("chữ ký", "signature"),
}
# ND30_ATTACHMENT_LAYOUT: the kind of file the agency signature is on, and what is wrong with it
ATTACHMENT_TEXT = {"appendix": ("phụ lục", "appendix"), "copy": ("bản sao", "copy")}
LAYOUT_PROBLEM_TEXT = {
    "has an image": ("có hình ảnh", "has an image"),
    "is not at the top right of page 1": ("không nằm ở góc trên bên phải trang 1", "is not at the top right of page 1"),
    "gives no signing time": ("không ghi thời gian ký", "gives no signing time"),
    "does not give the main document's number and notation": (
        "không ghi số, ký hiệu của văn bản chính", "does not give the main document's number and notation"),
}
# param name (or (code, param name)) -> its table and the separator of a list written as text
# ISSUER_MISSING: what the missing certificate is, and where it belongs (issue 18)
MISSING_TEXT = {
    "root": ("là chứng thư gốc của CA: chứng thư gốc được tin cậy như một điểm tin cậy, hãy nhập vào kho tin cậy bằng "
             "'kyso certs import' hoặc cho bằng --trust trong một lần chạy",
             "a CA's root certificate: a root is trusted as an anchor; import it into the trust store with "
             "'kyso certs import', or give it with --trust for one run"),
    "intermediate": ("là chứng thư của CA cấp phát (trung gian): hãy nhập vào kho tin cậy bằng 'kyso certs import' "
                     "hoặc cho bằng --intermediate",
                     "an issuing (intermediate) CA's certificate: import it into the trust store with "
                     "'kyso certs import', or give it with --intermediate"),
}
PARAM_WORDS = {
    ("ISSUER_MISSING", "missing"): (MISSING_TEXT, ","),
    "side": (SIDE_TEXT, ","),
    "blanks": (FIELD_TEXT, ","),
    "where": (WHERE_TEXT, ","),
    ("ND30_ATTACHMENT_LAYOUT", "purpose"): (ATTACHMENT_TEXT, ","),
    ("ND30_ATTACHMENT_LAYOUT", "problems"): (LAYOUT_PROBLEM_TEXT, ";"),
    ("ND30_LATER_LAYER_UNTRUSTED", "purpose"): (None, ","),  # PURPOSE_TEXT, defined below
    ("METADATA_CONFLICT", "field"): (FIELD_TEXT, ","),
    ("ND30_TYPE_CODE_MISMATCH", "code_means"): (TYPE_NAME_TEXT, ";"),
}
# params that name where a metadata value was read (source_text)
SOURCE_PARAMS = ("source", "other_source")


def word(value: object, table: dict, lang: str) -> str:
    """`value` (a word kyso chose) in `lang` by `table`; None (or the text "None") is "unknown",
    a word the table lacks is left as it is (a name, a code)."""
    if value is None or value == "None" or value == "":
        return pick(UNKNOWN_TEXT, lang)
    key = str(value).strip()
    return pick(table[key], lang) if key in table else key


def words(values: object, table: dict, lang: str, sep: str = ",") -> str:
    """A list (or a text of words separated by `sep`) of words, each in `lang`."""
    items = values if isinstance(values, (list, tuple)) else str(values).split(sep)
    return f"{sep} ".join(word(x, table, lang) for x in items if str(x).strip()) or pick(UNKNOWN_TEXT, lang)


def key_usage_text(usages, lang: str) -> str:
    """A certificate's key usages for a reader: "ký số, chống chối bỏ"."""
    return words(list(usages), KEY_USAGE_TEXT, lang) if usages else "-"


def algorithm_text(name: object, lang: str) -> str:
    """An algorithm's name as asn1crypto gives it (sha256, rsassa_pkcs1v15), "không rõ" for none."""
    return pick(UNKNOWN_TEXT, lang) if name is None or name in ("None", "") else str(name)


# Params holding an ISO 8601 date or time, read by a person as dd/mm/yyyy (HH:MM, Vietnam time).
TIME_PARAMS = ("issued", "signed", "time", "revoked")


def _readable_time(value: object) -> object:
    import re
    from datetime import datetime

    from verifier.vietnam import VIETNAM

    text = str(value)
    if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
        return "/".join(reversed(text.split("-")))
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        return value
    return (t.astimezone(VIETNAM) if t.tzinfo else t).strftime("%d/%m/%Y %H:%M")


def finding_text(code: str, lang: str, **params: object) -> str:
    c = FINDINGS[code]
    template = c.vi if lang == "vi" else c.en
    if code == "ISSUER_MISSING":  # reports made before issue 18 did not say which: an issuing CA
        params.setdefault("missing", "intermediate")
    # reports made before review 25 gave a failed download's reason in English only
    if code == "FETCH_FAILED":
        params.setdefault("error_vi", params.get("error", ""))
    if code == "REVOCATION_NOT_OBTAINED":
        params.setdefault("failures_vi", params.get("failures", ""))
    if params.get("drawn_by") in DRAWN_BY_TEXT:
        params["drawn_by"] = pick(DRAWN_BY_TEXT[params["drawn_by"]], lang)
    if isinstance(params.get("layers"), list):  # layer numbers read as a list: "3, 4"
        params["layers"] = ", ".join(map(str, params["layers"]))
    for name in list(params):
        rule = PARAM_WORDS.get((code, name)) or PARAM_WORDS.get(name)
        if rule is not None:
            table, sep = rule
            params[name] = words(params[name], table or PURPOSE_TEXT, lang, sep)
    if code.startswith("METADATA_"):
        for name in SOURCE_PARAMS:
            if isinstance(params.get(name), str):
                params[name] = source_text(params[name], lang)
    params = {k: say(v, lang) if isinstance(v, (Phrase, tuple)) else v for k, v in params.items()}
    if isinstance(params.get("reason"), str):  # a library's message the wording knows
        from verifier.report.explain import known

        worded = known(params["reason"])
        if worded is not None:
            params["reason"] = worded.text(lang)
    for name in TIME_PARAMS:
        if isinstance(params.get(name), str):
            params[name] = _readable_time(params[name])
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "vi" else pair[1]


@dataclass(frozen=True)
class Phrase:
    """A sentence for a reader, in both languages, made where the fact is found (a role's basis,
    a change after signing, a revocation source), so that no English reaches a Vietnamese report.
    In JSON it is the text in the report's language."""

    vi: str
    en: str

    def text(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en

    def __str__(self) -> str:  # logs and tests that still read English
        return self.en


def say(value: "Phrase | tuple[str, str] | str | None", lang: str) -> str:
    """The reader's text of `value`: a Phrase or a (vi, en) pair in `lang`; a plain string (a
    name, a value read from the document) as it is."""
    if value is None:
        return ""
    if isinstance(value, Phrase):
        return value.text(lang)
    if isinstance(value, tuple):
        return pick(value, lang)
    return value
