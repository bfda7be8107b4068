"""What the `kyso` command says, in Vietnamese and English: help, messages, and click's own.

One table per kind, each entry a (vi, en) pair read with `say` (or verifier.report.codes.pick),
so a test can check that every command and option has both, and that each says nothing in the
other language. Wording follows ../shared/docs/domain.md (the government verifier tools'
wording: "Hợp lệ", "chứng thư số", "thu hồi").

- HELP: the help of every command ("verify", "archive list") and of its options ("verify --lang");
  options shared by several commands under their name alone ("--trust").
- MESSAGES: lines and errors of the commands, str.format templates.
- CLICK: click's own messages (its gettext msgids) in Vietnamese; archive.cli.clicklang installs them.
"""

from __future__ import annotations

from verifier.report.codes import pick

HELP: dict[str, tuple[str, str]] = {
    # -- the group -------------------------------------------------------------------------------
    "kyso": (
        """kyso: kiểm tra và lưu trữ văn bản PDF ký số của cơ quan nhà nước Việt Nam.

        Ngôn ngữ: tiếng Việt mặc định; tiếng Anh với --lang en (trước hoặc sau tên lệnh) hoặc
        biến môi trường KYSO_LANG=en.

        \b
        Ví dụ:
          kyso verify samples/plan.pdf --trust samples/pki/trust.pem
          kyso --lang en verify --help
          kyso demo""",
        """kyso: verify and archive signed PDFs of Vietnamese state agencies.

        Language: Vietnamese by default; English with --lang en (before or after the command
        name) or the environment variable KYSO_LANG=en.

        \b
        Examples:
          kyso verify samples/plan.pdf --trust samples/pki/trust.pem
          kyso --lang en verify --help
          kyso demo""",
    ),
    "kyso --verbose": ("Hiện cả thông báo nhật ký của các thư viện kiểm tra chữ ký trên stderr.",
                       "Show the validation libraries' own log messages on stderr."),
    "kyso --version": ("Hiện phiên bản rồi thoát.", "Show the version and exit."),
    "--lang": ("Ngôn ngữ hiển thị: vi (mặc định, hoặc theo KYSO_LANG) hoặc en.",
               "Language of what kyso prints: vi (the default, or KYSO_LANG) or en."),
    "--help": ("Hiện hướng dẫn này rồi thoát.", "Show this message and exit."),
    # -- options shared by the commands that verify ---------------------------------------------
    "--trust": ("Chứng thư gốc tin cậy cho lần chạy này (tệp PEM hoặc DER). Chứng thư tự ký trong tệp "
                "trở thành chứng thư gốc; chứng thư CA khác là chứng thư trung gian.",
                "Trust anchors for this run (PEM bundle or DER). Self-signed certificates become anchors; "
                "other CA certificates in the file are intermediates."),
    "--intermediate": ("Chứng thư số của CA trung gian (PEM hoặc DER).", "Intermediate CA certificates (PEM or DER)."),
    "--crl": ("Danh sách chứng thư số bị thu hồi, CRL (PEM hoặc DER).", "CRLs (PEM or DER)."),
    "--ocsp": ("Phản hồi OCSP (DER hoặc PEM).", "OCSP responses (DER or PEM)."),
    "--online": ("Cho phép tải chứng thư số, CRL và phản hồi OCSP qua mạng.",
                 "Allow fetching certificates, CRLs and OCSP responses from the network."),
    "--no-trust-store": ("Bỏ qua kho tin cậy cục bộ ($KYSO_HOME/trust).", "Ignore the local trust store ($KYSO_HOME/trust)."),
    "--policy": ("Chính sách kiểm tra: một tên (nd30, mặc định) hoặc tệp TOML thay đổi mức độ của từng phát hiện "
                 "(fail|warn|info|ignore) và các thuật toán cũ được chấp nhận. Tên và mã băm của chính sách "
                 "được ghi vào mọi báo cáo.",
                 "Validation policy: a name (nd30, the default) or a TOML file overriding finding severities "
                 "(fail|warn|info|ignore) and legacy-algorithm choices. Its name and hash go into every report."),
    # -- verify ----------------------------------------------------------------------------------
    "verify": (
        """Kiểm tra mọi lớp chữ ký của các tệp PDF ký số FILES.

        Mã thoát: 0 tất cả Hợp lệ, 1 có tệp Không hợp lệ, 4 có tệp không đọc được như PDF,
        3 có tệp Không xác định (ví dụ chưa biết tình trạng thu hồi khi ngoại tuyến), 2 lỗi cách dùng.

        \b
        Ví dụ:
          kyso verify samples/plan.pdf --trust samples/pki/trust.pem
          kyso verify --lang en --json incoming/*.pdf
          kyso verify --policy strict.toml samples/plan.pdf --trust samples/pki/trust.pem
          kyso verify --archived 12""",
        """Verify every signature layer of signed PDF FILES.

        Exit code: 0 all VALID, 1 any INVALID, 4 any file unreadable as a PDF,
        3 any INDETERMINATE (e.g. revocation unknown offline), 2 usage error.

        \b
        Examples:
          kyso verify samples/plan.pdf --trust samples/pki/trust.pem
          kyso verify --lang en --json incoming/*.pdf
          kyso verify --policy strict.toml samples/plan.pdf --trust samples/pki/trust.pem
          kyso verify --archived 12""",
    ),
    "verify --archived": ("Kiểm tra lại một văn bản đã lưu trữ (theo số thứ tự hoặc SHA-256) và ghi lại kết quả.",
                          "Re-verify an archived document (by id or SHA-256) and record the result."),
    "verify --lang": ("Ngôn ngữ của báo cáo: vi (mặc định, hoặc theo KYSO_LANG) hoặc en.",
                      "Language of the report: vi (the default, or KYSO_LANG) or en."),
    "verify --json": ("Mỗi tệp một đối tượng JSON, mỗi đối tượng một dòng.", "One JSON object per file, one per line."),
    "verify --max-size": ("Tệp lớn hơn số MB này bị từ chối mà không đọc.", "Files over this many MB are refused unread."),
    "verify --jobs": ("Số tiến trình kiểm tra khi có nhiều tệp (mặc định: mỗi nhân CPU một tiến trình).",
                      "Worker processes for several files (default: one per CPU core)."),
    "verify --details": ("Sau phần tóm tắt, in thêm chi tiết kỹ thuật: đầy đủ từng lớp chữ ký, các phát hiện kèm mã.",
                         "After the summary, the technical details: every layer in full, the findings with their codes."),
    "verify --etsi": ("Ghi thêm báo cáo kiểm tra theo ETSI TS 119 102-2 (XML); khi có nhiều tệp, OUT là một thư mục.",
                      "Also write the ETSI TS 119 102-2 validation report (XML); with several files, OUT is a folder."),
    "verify --report": ("Ghi thêm báo cáo HTML hoặc PDF để in hoặc đính kèm (nhiều tệp: một thư mục, mỗi tệp một báo cáo HTML).",
                        "Also write an HTML or PDF report to print or attach (several files: a folder, one HTML report each)."),
    "verify --no-ocr": ("Không nhận dạng chữ (OCR) các trang quét (không có lớp chữ) để đọc thông tin văn bản.",
                        "Do not read scanned pages (no text layer) by OCR for the document's metadata."),
    "archive report": (
        """Ghi báo cáo HTML hoặc PDF của một văn bản đã lưu trữ (theo số thứ tự hoặc SHA-256).

        Báo cáo HTML lưu khi kiểm tra văn bản được trả lại đúng như khi lập; báo cáo khác (PDF,
        tiếng Anh, hoặc của lần kiểm tra trước khi kho lưu báo cáo) được lập lại từ báo cáo JSON
        đã lưu và bản gốc.

        \b
        Ví dụ:
          kyso archive report 12 --output 12.pdf
          kyso archive report 12 --format html --lang en -o -""",
        """Write the HTML or PDF report of an archived document (by id or SHA-256).

        The HTML report kept when the document was verified is given as it was made; any other
        (a PDF, English, or a verification archived before reports were kept) is made from the
        archived JSON report and the stored original.

        \b
        Examples:
          kyso archive report 12 --output 12.pdf
          kyso archive report 12 --format html --lang en -o -""",
    ),
    "archive report --output": ("Ghi vào đây ('-': ra màn hình). Mặc định: kyso-report-ID-LẦN_KIỂM_TRA.html (hoặc .pdf).",
                                "Write it here ('-': standard output). Default: kyso-report-ID-VERIFICATION.html (or .pdf)."),
    "archive report --format": ("Mặc định: theo đuôi tên ở --output, nếu không thì html.",
                                "Default: from the --output name, else html."),
    "archive report --verification": ("Lần kiểm tra nào của văn bản (số của nó, do 'kyso archive show' liệt kê); mặc định lần gần nhất.",
                                      "Which verification of the document (its id, `kyso archive show`); default the latest."),
    # -- certs -----------------------------------------------------------------------------------
    "certs": (
        """Quản lý kho tin cậy (chứng thư CA đã ghim, CRL, phản hồi OCSP).

        Kho nằm ở $KYSO_HOME/trust (mặc định ./kyso-data/trust).

        \b
        Ví dụ:
          kyso certs import rootcag2.crt cpcag2.crt
          kyso certs list""",
        """Manage the trust store (pinned CA certificates, CRLs, OCSP responses).

        The store lives in $KYSO_HOME/trust (default ./kyso-data/trust).

        \b
        Examples:
          kyso certs import rootcag2.crt cpcag2.crt
          kyso certs list""",
    ),
    "certs import": (
        """Nhập chứng thư CA (PEM, DER hoặc PKCS#7 .p7b) vào kho tin cậy.

        Mỗi chứng thư phải khớp một dấu vân tay đã ghim trong certs/pins.toml: bản bị sửa hoặc
        không chính thức bị từ chối. Tệp chính thức: http://ca.gov.vn/pki/pub/crt/ (G2),
        http://ca.gov.vn/pki/pub/cert/ (G1), https://rootca.gov.vn/crt/vnrca256.p7b (NEAC).

        \b
        Ví dụ:
          kyso certs import rootcag2.crt cpcag2.crt rootca.crt cp.crt
          kyso certs import --unpinned my-test-root.pem""",
        """Import CA certificates (PEM, DER or PKCS#7 .p7b) into the trust store.

        Every certificate must match a pin in certs/pins.toml: a modified or unofficial copy is
        refused. Official files: http://ca.gov.vn/pki/pub/crt/ (G2), http://ca.gov.vn/pki/pub/cert/
        (G1), https://rootca.gov.vn/crt/vnrca256.p7b (NEAC).

        \b
        Examples:
          kyso certs import rootcag2.crt cpcag2.crt rootca.crt cp.crt
          kyso certs import --unpinned my-test-root.pem""",
    ),
    "certs import --unpinned": ("Nhận cả chứng thư chưa ghim trong certs/pins.toml (bạn đã tự xác minh dấu vân tay).",
                                "Also accept certificates not pinned in certs/pins.toml (you verified them yourself)."),
    "certs import-crl": (
        """Nhập CRL hoặc phản hồi OCSP (PEM hoặc DER) làm bằng chứng thu hồi.

        Không cần ghim: chúng do CA ký và được kiểm tra khi xây dựng đường dẫn chứng thực.

        \b
        Ví dụ:
          kyso certs import-crl rootcag2.crl rootca.crl""",
        """Import CRLs or OCSP responses (PEM or DER) as revocation evidence.

        No pin is needed: they are signed by the CA and checked when a chain is validated.

        \b
        Example:
          kyso certs import-crl rootcag2.crl rootca.crl""",
    ),
    "certs list": (
        """Liệt kê chứng thư gốc và chứng thư trung gian trong kho, và các chứng thư đã ghim chưa nhập.

        \b
        Ví dụ:
          kyso certs list
          kyso certs list --json""",
        """List the anchors and intermediates in the store, and the pins not imported yet.

        \b
        Examples:
          kyso certs list
          kyso certs list --json""",
    ),
    "certs list --json": ("In danh sách JSON thay cho bảng.", "Print a JSON list instead of a table."),
    # -- ingest and watch ------------------------------------------------------------------------
    "ingest": (
        """Kiểm tra và lưu trữ các tệp PDF hoặc thư mục (lưu bản sao: tệp gốc giữ nguyên chỗ cũ).

        Mã thoát 0 khi mọi tệp đã được lưu trữ (dù kết quả kiểm tra thế nào), 4 khi có tệp phải
        cách ly (không phải PDF, bị mã hóa, quá lớn, …): lý do nằm trong thư mục quarantine/.

        \b
        Ví dụ:
          kyso ingest samples/ --trust samples/pki/trust.pem""",
        """Verify and archive PDF files or folders (copies: the originals stay where they are).

        Exit code 0 when every file was archived (whatever its verdict), 4 when some had to be
        quarantined (not a PDF, encrypted, too large, …): see quarantine/ for the reasons.

        \b
        Example:
          kyso ingest samples/ --trust samples/pki/trust.pem""",
    ),
    "ingest --json": ("Mỗi tệp một dòng JSON.", "One JSON line per file."),
    "ingest --no-ocr": ("Không nhận dạng chữ (OCR) các trang quét (không có lớp chữ) để đọc thông tin văn bản.",
                        "Do not read scanned pages (no text layer) by OCR for the document's metadata."),
    "watch --no-ocr": ("Không nhận dạng chữ (OCR) các trang quét (không có lớp chữ) để đọc thông tin văn bản.",
                       "Do not read scanned pages (no text layer) by OCR for the document's metadata."),
    "watch": (
        """Lưu trữ mọi tệp PDF được thả vào thư mục nhận INBOX (mặc định: KYSO_INBOX, hoặc
        <home>-inbox bên cạnh $KYSO_HOME).

        Theo dõi sự kiện tệp và quét lại định kỳ; SIGTERM hoặc Ctrl-C xử lý xong các tệp đang làm
        rồi dừng. Nhiều tiến trình theo dõi (trên nhiều máy, với PostgreSQL) có thể dùng chung một
        thư mục nhận. INBOX trùng, chứa hoặc nằm trong dữ liệu của kho lưu trữ bị từ chối (mã thoát 2).

        \b
        Ví dụ:
          kyso watch /srv/van-thu/den --workers 2
          kyso watch samples-inbox --once --trust samples/pki/trust.pem""",
        """Archive every PDF dropped into INBOX (default: KYSO_INBOX, or <home>-inbox beside $KYSO_HOME).

        Reacts to file events and rescans periodically; SIGTERM or Ctrl-C finishes the current
        files and stops. Several watchers (on several machines, with PostgreSQL) may share one inbox.
        An INBOX that is, contains or lies inside the archive's own data is refused (exit 2).

        \b
        Examples:
          kyso watch /srv/van-thu/den --workers 2
          kyso watch samples-inbox --once --trust samples/pki/trust.pem""",
    ),
    "watch --once": ("Xử lý những gì đang có trong thư mục nhận (chờ các tệp đang được chép xong) rồi thoát.",
                     "Process what is in the inbox (waiting for files still being written), then exit."),
    "watch --poll": ("Quét thư mục mỗi SECONDS giây thay vì theo dõi sự kiện tệp (ổ mạng dùng chung).",
                     "Poll every SECONDS instead of using file events (network shares)."),
    "watch --workers": ("Số tiến trình xử lý.", "Worker processes."),
    "watch --stable-seconds": ("Tệp phải giữ nguyên bao nhiêu giây thì mới được nhận.",
                               "How long a file must stay unchanged before it is taken."),
    "watch --timeout": ("Số giây tối đa cho một tệp; quá thời gian, tiến trình xử lý bị dừng.",
                        "Seconds one file may take before its worker is stopped."),
    # -- archive ---------------------------------------------------------------------------------
    "archive": ("Tìm, xem, kiểm tra lại, kiểm tra toàn vẹn và xuất văn bản đã lưu trữ.",
                "Search, show, re-verify, check and export archived documents."),
    "archive list": (
        """Liệt kê văn bản đã lưu trữ, mới nhất trước. Ngày lọc viết dd/mm/yyyy hoặc yyyy-mm-dd;
        thời gian hiển thị theo giờ Việt Nam.

        \b
        Ví dụ:
          kyso archive list --verdict INVALID --received-from 01/01/2026""",
        """List archived documents, newest first. Filter dates as dd/mm/yyyy or yyyy-mm-dd; times
        are shown in Vietnam time.

        \b
        Example:
          kyso archive list --verdict INVALID --received-from 2026-01-01""",
    ),
    "archive list --verdict": ("Chỉ các văn bản có kết luận này.", "Only documents with this verdict."),
    "archive list --signer": ("Một phần tên người ký (ở bất kỳ lớp chữ ký nào).", "Part of a signer's name (any layer)."),
    "archive list --agency": ("Một phần tên cơ quan ký hoặc cơ quan ban hành.", "Part of the signing or issuing agency's name."),
    "archive list --type": ("Loại văn bản, ví dụ 'Kế hoạch'.", "Document type, e.g. 'Kế hoạch'."),
    "archive list --number": ("Số và/hoặc ký hiệu: '45/KH-SGDĐT', 'KH-SGDĐT' hoặc '45'.",
                              "Number and/or notation: '45/KH-SGDĐT', 'KH-SGDĐT' or '45'."),
    "archive list --name": ("Một phần tên tệp khi nhận.", "Part of the received file name."),
    "archive list --issued-from": ("Ban hành từ ngày này (dd/mm/yyyy hoặc yyyy-mm-dd).",
                                   "Issued on or after this date (dd/mm/yyyy or yyyy-mm-dd)."),
    "archive list --issued-to": ("Ban hành đến hết ngày này (dd/mm/yyyy hoặc yyyy-mm-dd).",
                                 "Issued on or before this date (dd/mm/yyyy or yyyy-mm-dd)."),
    "archive list --received-from": ("Nhận từ ngày này, theo giờ Việt Nam (dd/mm/yyyy hoặc yyyy-mm-dd).",
                                     "Received on or after this day, Vietnam time (dd/mm/yyyy or yyyy-mm-dd)."),
    "archive list --received-to": ("Nhận đến hết ngày này, theo giờ Việt Nam (dd/mm/yyyy hoặc yyyy-mm-dd).",
                                   "Received on or before this day, Vietnam time (dd/mm/yyyy or yyyy-mm-dd)."),
    "archive list --limit": ("Số văn bản tối đa được liệt kê.", "At most this many documents."),
    "archive list --offset": ("Bỏ qua bấy nhiêu văn bản đầu tiên.", "Skip this many documents first."),
    "archive list --json": ("Mỗi văn bản một dòng JSON (thời gian ISO 8601 có múi giờ).",
                            "One JSON line per document (times in ISO 8601 with their offset)."),
    "archive show": ("Xem một văn bản (theo số thứ tự hoặc SHA-256): thông tin, các lần nhận, lịch sử kiểm tra "
                     "và báo cáo mới nhất.",
                     "Show one document (by id or SHA-256): metadata, receipts, verification history and the "
                     "latest report."),
    "archive show --json": ("Một đối tượng JSON (thời gian ISO 8601 có múi giờ).",
                            "One JSON object (times in ISO 8601 with their offset)."),
    "archive show --lang": ("Ngôn ngữ hiển thị và của báo cáo: vi (mặc định, hoặc theo KYSO_LANG) hoặc en.",
                            "Language of the listing and the report: vi (the default, or KYSO_LANG) or en."),
    "archive reverify": ("Kiểm tra lại văn bản đã lưu trữ (sau khi đổi chính sách hoặc kho tin cậy); mọi lần kiểm tra "
                         "đều được giữ trong lịch sử.",
                         "Verify archived documents again (after a policy or trust-store change); every run is "
                         "kept in the history."),
    "archive reverify --all": ("Mọi văn bản đã lưu trữ.", "Every archived document."),
    "archive reverify --since": ("Các văn bản nhận từ ngày này (dd/mm/yyyy hoặc yyyy-mm-dd).",
                                 "Documents received on or after this date (dd/mm/yyyy or yyyy-mm-dd)."),
    "archive fixity": ("Tính lại mã băm của mọi tệp đã lưu (bản gốc và bằng chứng); mã thoát 1 nếu có tệp bị mất "
                       "hoặc bị sửa.",
                       "Re-hash every stored object (originals and evidence); exit 1 if any is missing or altered."),
    "archive fixity --json": ("Kết quả dạng JSON.", "The result as JSON."),
    "archive export": ("Xuất một văn bản thành một thư mục: bản gốc, báo cáo mới nhất (JSON và văn bản), thông tin "
                       "văn bản, bằng chứng, manifest-sha256.txt.",
                       "Export one document as a folder: original, latest report (JSON and text), metadata, "
                       "evidence, manifest-sha256.txt."),
    "archive export --to": ("Thư mục đích.", "The target folder."),
    # -- audit, db, demo -------------------------------------------------------------------------
    "audit": ("Kiểm tra nhật ký sự kiện chỉ ghi thêm.", "Check the append-only event log."),
    "audit verify": ("Duyệt lại chuỗi băm của nhật ký sự kiện và so với tệp đầu chuỗi nằm ngoài cơ sở dữ liệu "
                     "($KYSO_HOME/audit-head.json); mã thoát 1 nếu có dòng bị sửa, xóa hoặc chèn, hoặc nếu chuỗi "
                     "trong cơ sở dữ liệu ngắn hơn, khác hoặc rỗng so với tệp đầu chuỗi.",
                     "Re-walk the hash chain of the event log and compare it with the head file outside the "
                     "database ($KYSO_HOME/audit-head.json); exit 1 if any row was changed, removed or inserted, or "
                     "if the database's chain is shorter than, other than or empty against the head file."),
    "db": ("Quản lý lược đồ cơ sở dữ liệu.", "Database schema management."),
    "db upgrade": ("Tạo hoặc nâng cấp lược đồ (cần một lần cho cơ sở dữ liệu PostgreSQL dùng chung).",
                   "Create or upgrade the schema (needed once for a shared PostgreSQL database)."),
    "demo": ("Lưu trữ các tệp mẫu kèm theo vào kho SQLite nhúng ($KYSO_HOME, mặc định ./kyso-data) với hạ tầng "
             "khóa thử nghiệm, rồi cho xem kết quả.",
             "Archive the bundled samples into the embedded SQLite archive ($KYSO_HOME, default ./kyso-data) "
             "with the test PKI, and show what happened."),
    # issue 18 (errors18):
    "kyso --quiet": ("Chỉ in kết quả và lỗi: không có thanh tiến độ, không có dòng cho biết kho lưu trữ nào.",
                     "Print only results and errors: no progress, no line saying which archive."),
    "audit verify --json": ("In kết quả dưới dạng một dòng JSON.", "Print the result as one JSON line."),
}


MESSAGES: dict[str, tuple[str, str]] = {
    # language and dates
    "bad_date": ("{value!r} không phải là ngày: hãy viết dd/mm/yyyy (ví dụ 31/01/2026) hoặc yyyy-mm-dd (2026-01-31).",
                 "{value!r} is not a date: write dd/mm/yyyy (e.g. 31/01/2026) or yyyy-mm-dd (2026-01-31)."),
    "local_time_note": ("Thời gian theo giờ Việt Nam (UTC+07:00).", "Times are Vietnam time (UTC+07:00)."),
    # HTML and PDF reports (archive.cli.report)
    "report_one_name": ("--report {out} là tên một tệp, nhưng có {n} tệp PDF: hãy cho một thư mục (sẽ được tạo nếu chưa có) để mỗi tệp có một báo cáo HTML.",
                        "--report {out} names one file, but {n} PDF files were given; give a folder (it is created if needed) to get one HTML report per file."),
    "report_bad_target": ("--report {out}: hãy cho tên tệp có đuôi .html hoặc .pdf, hoặc một thư mục.",
                          "--report {out}: give a file name ending in .html or .pdf, or a folder."),
    "report_bad_suffix": ("--report {out}: tên báo cáo phải có đuôi .html hoặc .pdf.",
                          "--report {out}: the report's name must end in .html or .pdf."),
    "report_is_input": ("--report {out} là một trong các tệp đang kiểm tra; hãy chọn tên khác.",
                        "--report {out} is one of the files being verified; give another name."),
    "report_write": ("Không ghi được báo cáo {out}: {error}; hãy kiểm tra đường dẫn và quyền ghi.",
                     "Cannot write the report {out}: {error}; check the path and permissions."),
    "report_archived": ("--report dùng cho tệp; với văn bản đã lưu trữ hãy dùng 'kyso archive report ID'.",
                        "--report is for files; for an archived document use 'kyso archive report ID'."),
    "report_no_verification": ("Văn bản {doc} không có lần kiểm tra {verification}; 'kyso archive show {doc}' liệt kê các lần kiểm tra.",
                               "Document {doc} has no verification {verification}; 'kyso archive show {doc}' lists them."),
    "report_no_original": ("Bản gốc đã lưu của văn bản {doc} bị thiếu hoặc bị thay đổi (hãy chạy 'kyso archive fixity'): báo cáo không có hình ảnh.",
                           "The stored original of document {doc} is missing or altered (run 'kyso archive fixity'): the report has no pictures."),
    # ingest and watch outcome kinds
    "kind.archived": ("đã lưu trữ", "archived"),
    "kind.duplicate": ("trùng", "duplicate"),
    "kind.quarantined": ("cách ly", "quarantined"),
    "kind.skipped": ("bỏ qua", "skipped"),
    "kind.returned": ("trả lại", "returned"),
    "kind.failed": ("lỗi, thử lại", "failed"),
    "cannot_read_file": ("không đọc được tệp: {error}", "cannot read the file: {error}"),
    "could_not_archive": ("không lưu trữ được: {error}", "could not be archived: {error}"),
    # archive
    "open_failed": ("không mở được cơ sở dữ liệu của kho lưu trữ {url}: {error}. Hãy kiểm tra KYSO_DATABASE_URL "
                    "(hoặc kyso.toml) và chạy 'kyso db upgrade'.",
                    "cannot open the archive database {url}: {error}. Check KYSO_DATABASE_URL (or kyso.toml) "
                    "and run 'kyso db upgrade'."),
    "no_match": ("không có văn bản nào phù hợp", "no documents match"),
    "list_header": ("{id:>6}  {verdict:<15} {received:<16}  {sha:<12}  {number:<18} {name}",
                    "{id:>6}  {verdict:<15} {received:<16}  {sha:<12}  {number:<18} {name}"),
    "list_columns": (("SỐ TT", "KẾT LUẬN", "NGÀY NHẬN", "SHA-256", "SỐ, KÝ HIỆU", "TÊN TỆP [NGƯỜI KÝ]"),
                     ("ID", "VERDICT", "RECEIVED", "SHA-256", "NUMBER", "FILE [SIGNERS]")),
    "show_head": ("#{id}  {name}  ({size} byte, {pages} trang)", "#{id}  {name}  ({size} bytes, {pages} pages)"),
    "show_stored": ("SHA-256 {sha}  lưu tại objects/{storage}", "SHA-256 {sha}  stored at objects/{storage}"),
    "show_receipt": ("  nhận lúc {at}  {name}  từ {source}{dup}", "  received {at}  {name}  from {source}{dup}"),
    "show_duplicate": ("  (bản trùng)", "  (duplicate)"),
    "show_verification": ("  kiểm tra lúc {at}  {verdict:<15} {trigger:<16} chính sách {policy}  tin cậy {trust}  kyso {version}",
                          "  verified {at}  {verdict:<15} {trigger:<8} policy {policy}  trust {trust}  kyso {version}"),
    "trigger.ingest": ("khi nhận", "ingest"),
    "trigger.verify": ("kiểm tra", "verify"),
    "trigger.reverify": ("kiểm tra lại", "reverify"),
    "no_pages": ("?", "?"),
    "say_which": ("hãy chọn văn bản: --all hoặc --since DATE", "say which documents: --all or --since DATE"),
    "reverified_line": ("{id:>6}  {before:<15} -> {after:<15} {name}", "{id:>6}  {before:<15} -> {after:<15} {name}"),
    "reverified_total": ("đã kiểm tra lại {count} văn bản, {changed} văn bản đổi kết luận",
                         "{count} re-verified, {changed} changed verdict"),
    "fixity_state.missing": ("MẤT", "MISSING"),
    "fixity_state.altered": ("BỊ SỬA", "ALTERED"),
    "fixity_total": ("đã kiểm tra {checked} tệp, {problems} vấn đề", "{checked} objects checked, {problems} problems"),
    "tampered": ("BỊ SỬA {problem}", "TAMPERED {problem}"),
    "audit_total": ("đã kiểm tra {count} sự kiện; đầu chuỗi {seq} {tip}", "{count} events checked; chain head {seq} {tip}"),
    "db_failed": ("không nâng cấp được cơ sở dữ liệu của kho lưu trữ {url}: {error}. Hãy kiểm tra KYSO_DATABASE_URL "
                  "(hoặc kyso.toml).",
                  "cannot upgrade the archive database {url}: {error}. Check KYSO_DATABASE_URL (or kyso.toml)."),
    "db_done": ("lược đồ ở phiên bản {rev} ({url})", "schema at revision {rev} ({url})"),
    # demo
    "demo_no_samples": ("không thấy các tệp mẫu ở {root}; hãy chạy từ thư mục mã nguồn kyso",
                        "the samples are not at {root}; run from a kyso checkout"),
    "demo_start": ("kyso demo: kho lưu trữ ở {home} ({db})", "kyso demo: archive in {home} ({db})"),
    "demo_counts": ("đã lưu trữ: {counts}", "archived: {counts}"),
    "demo_quarantine": ("tệp bị cách ly và lý do: {path}", "quarantined files and their reasons: {path}"),
    "demo_next": ("tiếp theo: kyso archive list   |   kyso archive show 1   |   kyso audit verify",
                  "next: kyso archive list   |   kyso archive show 1   |   kyso audit verify"),
    # verify (usage errors; the report itself is the render helper's)
    "verify_nothing": ("hãy cho các tệp PDF cần kiểm tra, hoặc --archived ID|SHA256",
                       "give PDF files to verify, or --archived ID|SHA256"),
    "verify_both": ("hãy cho hoặc các tệp, hoặc --archived, không cả hai", "give either files or --archived, not both"),
    "worker_died": ("{error}; hãy kiểm tra riêng tệp đó, hoặc dùng --jobs 1", "{error}; verify that file alone, or with --jobs 1"),
    # certs
    "certs_verb.imported": ("đã nhập", "imported"),
    "certs_verb.known": ("đã có trong kho", "already in store"),
    "certs_status.pinned": ("đã ghim", "pinned"),
    "certs_status.unpinned": ("CHƯA GHIM", "UNPINNED"),
    "certs_unknown_pki": ("hạ tầng chưa rõ", "unknown PKI"),
    "certs_kind.anchor": ("chứng thư gốc", "anchor"),
    "certs_kind.intermediate": ("chứng thư trung gian", "intermediate"),
    "certs_kind.crl": ("CRL", "CRL"),
    "certs_kind.ocsp": ("phản hồi OCSP", "OCSP response"),
    "certs_line": ("{verb}: {name} ({kind}, {pki}) SHA-256 {sha}… {status} [{file}]",
                   "{verb}: {name} ({kind}, {pki}) SHA-256 {sha}… {status} [{file}]"),
    "certs_unpinned_warning": (
        "CẢNH BÁO: '{subject}' (SHA-256 {sha}) CHƯA ĐƯỢC GHIM. Chứng thư này được nhập chỉ vì có --unpinned, "
        "và mọi chữ ký có đường dẫn chứng thực tới nó sẽ được tin cậy. Hãy xác nhận dấu vân tay với CA.",
        "WARNING: '{subject}' (SHA-256 {sha}) is NOT pinned. It was imported only because of --unpinned, and "
        "every signature chaining to it will be trusted. Make sure its fingerprint was confirmed with the CA."),
    "certs_crl_line": ("đã nhập: {kind} của {issuer} ({date}) SHA-256 {sha}… [{file}]",
                       "imported: {kind} of {issuer} ({date}) SHA-256 {sha}… [{file}]"),
    "certs_columns": (("TÊN", "VAI TRÒ", "HẠ TẦNG", "SHA-256", "HIỆU LỰC", "CHỦ THỂ", "TRẠNG THÁI"),
                      ("NAME", "ROLE", "PKI", "SHA-256", "VALID", "SUBJECT", "STATUS")),
    "certs_not_imported": ("chưa nhập, tải tại {url}", "not imported, get {url}"),
    "certs_from_ca": ("chưa nhập, xin từ CA", "not imported, get it from the CA"),
    "pki.government": ("chuyên dùng Chính phủ", "government"),
    "pki.public": ("công cộng", "public"),
    "pki.test": ("thử nghiệm", "test"),
    "role.intermediate": ("chứng thư trung gian", "intermediate"),
    "role.anchor": ("chứng thư gốc", "anchor"),
    # issue 18 (errors18):
    "failure.error": ("Lỗi: {message}", "Error: {message}"),
    "failure.interrupted": ("Đã dừng theo yêu cầu (Ctrl-C): {done}.", "Interrupted (Ctrl-C): {done}."),
    "failure.nothing_said": ("những gì đã xong trước đó được giữ nguyên", "what was finished before is kept"),
    "failure.internal": ("kyso gặp lỗi nội bộ ({error}); đây là lỗi của kyso, không phải của tệp hay của lệnh bạn gõ. "
                         "Chi tiết ở {log}; chạy lại với 'kyso -v' để xem ngay, và gửi tệp đó cho người quản trị.",
                         "kyso stopped on an internal error ({error}); this is a bug in kyso, not in your files or your "
                         "command. Details are in {log}; run again with 'kyso -v' to see them here, and send that file "
                         "to your administrator."),
    "failure.details_in": ("{error} (chi tiết ở {log})", "{error} (details in {log})"),
    "failure.os": ("không dùng được {path}: {reason}; hãy kiểm tra đường dẫn và quyền truy cập.",
                   "cannot use {path}: {reason}; check the path and its permissions."),
    "which_archive": ("Kho lưu trữ: {where} ({engine})", "Archive: {where} ({engine})"),
    "lock_waiting": ("cơ sở dữ liệu {where} đang bị một tiến trình kyso khác khóa; đang chờ tối đa {seconds} giây…",
                     "the archive database {where} is locked by another kyso process; waiting up to {seconds} s…"),
    "object_problem_line": ("{id:>6}  LỖI            {problem}", "{id:>6}  ERROR          {problem}"),
    "reverify_so_far": ("đã kiểm tra lại {done} trên {total} văn bản", "{done} of {total} documents re-verified"),
    "reverified_problems": ("{count} văn bản không kiểm tra lại được vì bản gốc đã lưu bị thiếu hoặc bị sửa; "
                            "hãy chạy 'kyso archive fixity' và khôi phục từ bản sao lưu",
                            "{count} documents could not be re-verified: their stored original is missing or altered; "
                            "run 'kyso archive fixity' and restore from a backup"),
}

# Placeholders of usage lines and option lists (click's metavars), English → Vietnamese.
METAVARS: dict[str, str] = {
    "OPTIONS": "TÙY_CHỌN", "COMMAND": "LỆNH", "ARGS": "ĐỐI_SỐ", "FILE": "TỆP", "FILES": "TỆP",
    "DIRECTORY": "THƯ_MỤC", "PATH": "ĐƯỜNG_DẪN", "PATHS": "ĐƯỜNG_DẪN", "INBOX": "THƯ_MỤC_NHẬN",
    "REF": "ID|SHA256", "INTEGER": "SỐ", "NUMBER": "SỐ", "TEXT": "CHUỖI", "DATE": "NGÀY", "SECONDS": "GIÂY",
    "NAME|FILE": "TÊN|TỆP", "ID|SHA256": "ID|SHA256", "MB": "MB",
}

# click's messages (its gettext msgids, click 8) in Vietnamese. Placeholders kept as click fills
# them; an entry may leave one out (the kind of path click names is said by the sentence).
CLICK: dict[str, str] = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Đối số",
    "Aborted!": "Đã dừng.",
    "deprecated": "không còn dùng",
    "Missing command.": "Thiếu tên lệnh.",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem '{command} {option}' để biết cách dùng.",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Missing argument": "Thiếu đối số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "Did you mean {possibility}?": "Có phải ý bạn là {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Có phải ý bạn là một trong: {possibilities}?)",
    "Got unexpected extra argument ({args})": "Thừa đối số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa các đối số ({args})",
    "Option {name!r} requires an argument.": "Tùy chọn {name!r} cần một giá trị.",
    "Option {name!r} requires {nargs} arguments.": "Tùy chọn {name!r} cần {nargs} giá trị.",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Argument {name!r} takes {nargs} values.": "Đối số {name!r} nhận {nargs} giá trị.",
    "Takes {nargs} values but 1 was given.": "Cần {nargs} giá trị nhưng chỉ có 1.",
    "Takes {nargs} values but {len} were given.": "Cần {nargs} giá trị nhưng có {len}.",
    "Value must be an iterable.": "Giá trị phải là một danh sách.",
    "{value!r} is not {choice}.": "{value!r} không phải là {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} không thuộc {choices}.",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "{value!r} does not match the format {format}.": "{value!r} không đúng định dạng {format}.",
    "{value!r} does not match the formats {formats}.": "{value!r} không đúng các định dạng {formats}.",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải là số hợp lệ.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{name} {filename!r} does not exist.": "Không có {filename!r}.",
    "{name} {filename!r} is a file.": "{filename!r} là một tệp, cần một thư mục.",
    "{name} {filename!r} is a directory.": "{filename!r} là một thư mục, cần một tệp.",
    "{name} {filename!r} is not readable.": "Không đọc được {filename!r}.",
    "{name} {filename!r} is not writable.": "Không ghi được vào {filename!r}.",
    "{name} {filename!r} is not executable.": "Không chạy được {filename!r}.",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "unknown error": "lỗi chưa rõ",
    "env var: {var}": "biến môi trường: {var}",
    "default: {default}": "mặc định: {default}",
    "required": "bắt buộc",
    "(dynamic)": "(tùy lúc chạy)",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Error: invalid input": "Lỗi: giá trị không hợp lệ",
    "Aborted": "Đã dừng",
}


def say(key: str, lang: str, **values) -> str:
    """The message `key` of MESSAGES in `lang`, filled with `values`."""
    return pick(MESSAGES[key], lang).format(**values) if values else pick(MESSAGES[key], lang)


def kind(outcome_kind: str, lang: str) -> str:
    """An ingest or watch outcome kind (archived, duplicate, …) as the reader says it."""
    pair = MESSAGES.get(f"kind.{outcome_kind}")
    return pick(pair, lang) if pair else outcome_kind


def verdict(code: str | None, lang: str) -> str:
    """A document verdict (VALID, …) in words; the code itself when unknown."""
    from verifier.report.codes import VERDICT_TEXT

    pair = VERDICT_TEXT.get(code or "")
    return pick(pair, lang) if pair else (code or "")
