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

        FILES là tệp hoặc thư mục (duyệt cả thư mục con, lấy các tệp có đuôi .pdf, theo thứ tự
        tên); '-' đọc danh sách đường dẫn từ đầu vào chuẩn, mỗi dòng một đường dẫn. Tệp không đọc
        được được báo đúng chỗ của nó và các tệp khác vẫn được kiểm tra.

        Mã thoát: 0 tất cả Hợp lệ, 1 có tệp Không hợp lệ, 4 có tệp không đọc được như PDF,
        3 có tệp Không xác định (ví dụ chưa biết tình trạng thu hồi khi ngoại tuyến), 2 lỗi cách dùng.

        \b
        Ví dụ:
          kyso verify samples/plan.pdf --trust samples/pki/trust.pem
          kyso verify --lang en --json incoming/*.pdf
          kyso verify samples/
          find /mail -name '*.pdf' -print0 | kyso verify -0 -
          kyso verify --policy strict.toml samples/plan.pdf --trust samples/pki/trust.pem
          kyso verify --archived 12""",
        """Verify every signature layer of signed PDF FILES.

        FILES are files or folders (walked with their subfolders, taking the files named .pdf, in
        name order); '-' reads a list of paths from standard input, one per line. A file that
        cannot be read is reported in its place and the other files are still verified.

        Exit code: 0 all VALID, 1 any INVALID, 4 any file unreadable as a PDF,
        3 any INDETERMINATE (e.g. revocation unknown offline), 2 usage error.

        \b
        Examples:
          kyso verify samples/plan.pdf --trust samples/pki/trust.pem
          kyso verify --lang en --json incoming/*.pdf
          kyso verify samples/
          find /mail -name '*.pdf' -print0 | kyso verify -0 -
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

        Thư mục được duyệt cả các thư mục con; '-' đọc danh sách đường dẫn từ đầu vào chuẩn, mỗi
        dòng một đường dẫn. Chỉ nhận tệp PDF theo nội dung (có phần đầu %PDF-, đuôi tên thế nào
        cũng được); tệp khác được để nguyên chỗ cũ, chỉ được liệt kê và đếm; tệp hệ thống
        (Thumbs.db, desktop.ini, .DS_Store, ~$…) bị bỏ qua. Chạy lại cùng lệnh (ví dụ sau khi
        dừng giữa chừng) không nhận lại tệp đã lưu trữ. Ctrl-C dừng sau tệp hiện tại.

        Mã thoát 0 khi mọi tệp PDF đã được lưu trữ (dù kết quả kiểm tra thế nào), 4 khi có tệp
        phải cách ly (bị mã hóa, quá lớn, hỏng, …: lý do trong 'kyso quarantine list') hoặc một tệp
        được chỉ định không phải PDF, 2 lỗi cách dùng, 130 khi dừng bằng Ctrl-C.

        \b
        Ví dụ:
          kyso ingest samples/ --trust samples/pki/trust.pem
          find /srv/van-thu -name '*.pdf' | kyso ingest -""",
        """Verify and archive PDF files or folders (copies: the originals stay where they are).

        Folders are walked with their sub-folders; '-' reads a list of paths from standard input,
        one per line. Only PDFs are taken, by content (a %PDF- header, whatever the name); other
        files are left where they are, listed and counted; system files (Thumbs.db, desktop.ini,
        .DS_Store, ~$…) are ignored. Running the same command again (after an interruption, say)
        receives no file twice. Ctrl-C stops after the current file.

        Exit code 0 when every PDF was archived (whatever its verdict), 4 when some had to be
        quarantined (encrypted, too large, damaged, …: see 'kyso quarantine list') or a file named
        on the command line is not a PDF, 2 usage error, 130 stopped by Ctrl-C.

        \b
        Examples:
          kyso ingest samples/ --trust samples/pki/trust.pem
          find /srv/van-thu -name '*.pdf' | kyso ingest -""",
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

        Chỉ nhận tệp PDF (theo nội dung, hoặc tên có đuôi .pdf); tệp khác và tệp hệ thống được để
        nguyên trong thư mục nhận. Trên màn hình: mỗi tệp một dòng (tên, kết luận, số ký hiệu, cơ quan
        ban hành, nơi lưu) và phần tổng kết khi dừng; không có màn hình: mỗi tệp một dòng JSON.

        \b
        Ví dụ:
          kyso watch /srv/van-thu/den --workers 2
          kyso watch samples-inbox --once --trust samples/pki/trust.pem""",
        """Archive every PDF dropped into INBOX (default: KYSO_INBOX, or <home>-inbox beside $KYSO_HOME).

        Reacts to file events and rescans periodically; SIGTERM or Ctrl-C finishes the current
        files and stops. Several watchers (on several machines, with PostgreSQL) may share one inbox.
        An INBOX that is, contains or lies inside the archive's own data is refused (exit 2).

        Only PDFs are taken (by content, or named .pdf); other files and system files stay in the
        inbox untouched. On a terminal: one line per file (name, verdict, number, issuer, where it
        went) and a summary when it stops; without one: one JSON line per file.

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
        thời gian hiển thị theo giờ Việt Nam. Bộ lọc chữ không phân biệt chữ hoa, chữ thường và
        dấu ("trinh van nam", "SO GIAO DUC", "45/KH-SGDDT").

        \b
        Ví dụ:
          kyso archive list --verdict INVALID --received-from 01/01/2026""",
        """List archived documents, newest first. Filter dates as dd/mm/yyyy or yyyy-mm-dd; times
        are shown in Vietnam time. Text filters ignore case and diacritics ("trinh van nam",
        "SO GIAO DUC", "45/KH-SGDDT").

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
    "archive reverify": ("Kiểm tra lại văn bản đã lưu trữ (sau khi đổi chính sách hoặc kho tin cậy) tại thời điểm kiểm "
                         "tra đã lưu, với bằng chứng (chứng thư số, CRL, OCSP) đã lưu, không tải gì qua mạng. Mỗi lần "
                         "kiểm tra được giữ trong lịch sử; kết luận của văn bản chỉ đổi khi kết quả mới có căn cứ ít "
                         "nhất bằng (một kết luận đã chứng minh không bao giờ thành 'Không xác định' vì thiếu dữ liệu). "
                         "Mã thoát: 0 xong; 1 có văn bản chuyển sang Không hợp lệ hoặc kết quả mâu thuẫn cần người "
                         "xem xét; 5 bản gốc đã lưu bị mất hoặc bị sửa.",
                         "Verify archived documents again (after a policy or trust-store change) as of the archived "
                         "validation time, with the stored evidence (certificates, CRLs, OCSP responses), fetching "
                         "nothing. Every run is kept in the history; a document's verdict changes only for a result "
                         "at least as well founded (a proven verdict never becomes INDETERMINATE for want of data). "
                         "Exit codes: 0 done; 1 a document became INVALID or a contradicting result needs a person; "
                         "5 a stored original is missing or altered."),
    "archive reverify --all": ("Mọi văn bản đã lưu trữ.", "Every archived document."),
    "archive reverify --since": ("Các văn bản nhận từ ngày này (dd/mm/yyyy hoặc yyyy-mm-dd).",
                                 "Documents received on or after this date (dd/mm/yyyy or yyyy-mm-dd)."),
    # issue 15 (evidence15):
    "archive reverify --now": ("Kiểm tra thêm một lần tại thời điểm hiện tại với bằng chứng mới (tải qua mạng khi có "
                               "--online; --online bao hàm --now). Kết quả này chỉ quyết định khi lần kiểm tra tại "
                               "thời điểm đã lưu không kết luận được.",
                               "Also verify as of now with fresh evidence (fetched with --online, which implies "
                               "--now). That result decides only when the run as of the archived time proves "
                               "nothing."),
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
    # issue 15 (net15): bounds of --online
    "--net-timeout": ("Với --online: số giây chờ tối đa cho mỗi lần tải (CRL, OCSP, chứng thư số); mặc định 5, hoặc [network] timeout_seconds trong kyso.toml.",
                      "With --online: seconds to wait at most for each download (CRL, OCSP, certificate); 5 by default, or [network] timeout_seconds in kyso.toml."),
    "--net-budget": ("Với --online: tổng số giây tải qua mạng cho mỗi văn bản, dịch vụ không trả lời thì kết quả là Không xác định; mặc định 15, hoặc [network] budget_seconds trong kyso.toml.",
                     "With --online: total seconds of downloads for each document; services that do not answer make it Indeterminate; 15 by default, or [network] budget_seconds in kyso.toml."),
    # issue 15 (ltv15):
    "audit timestamp": (
        """Lấy ngay một dấu thời gian RFC 3161 cho đầu chuỗi nhật ký sự kiện từ máy chủ cấp dấu thời gian
        (TSA) và lưu nó trong kho: bằng chứng từ bên ngoài rằng nhật ký và mọi thứ nó ghi lại đã có
        từ thời điểm đó. Địa chỉ TSA lấy từ --tsa hoặc [ltv] tsa_url trong kyso.toml; 'kyso watch' tự
        lấy theo lịch ([ltv] timestamp_every_hours). 'kyso audit verify' kiểm tra mọi dấu thời gian đã lưu.
        Mã thoát 3 nếu không lấy được (hãy thử lại sau).

        \b
        Ví dụ:
          kyso audit timestamp --tsa http://tsa.example.vn/tsa""",
        """Take an RFC 3161 timestamp over the audit chain head from a time-stamping authority (TSA)
        now and keep it in the archive: proof from outside that the log and everything it records
        existed by then. The TSA is --tsa or [ltv] tsa_url of kyso.toml; 'kyso watch' takes them on a
        schedule ([ltv] timestamp_every_hours). 'kyso audit verify' checks every kept timestamp.
        Exit 3 when none could be had (try again later).

        \b
        Examples:
          kyso audit timestamp --tsa http://tsa.example.vn/tsa""",
    ),
    "--tsa": ("Địa chỉ URL của máy chủ cấp dấu thời gian (TSA, RFC 3161); mặc định [ltv] tsa_url trong kyso.toml.",
              "URL of the time-stamping authority (TSA, RFC 3161); default [ltv] tsa_url of kyso.toml."),
    "audit timestamp --net-timeout": ("Số giây chờ máy chủ cấp dấu thời gian trả lời (mặc định [ltv] timeout_seconds, 10).",
                                      "Seconds to wait for the TSA's answer (default [ltv] timeout_seconds, 10)."),
    "archive ltv": (
        """Ghi một bản sao PAdES-LTV của văn bản đã lưu trữ để gửi đi: thêm kho dữ liệu kiểm tra (DSS) với
        chứng thư số, CRL và phản hồi OCSP của mọi chữ ký, rồi một dấu thời gian tài liệu từ TSA. Bản
        gốc trong kho không bị thay đổi. Dữ liệu kiểm tra lấy từ những gì kho đã lưu, kho tin cậy và,
        với --online, từ mạng. Bản sao được kiểm tra lại ngay, không dùng mạng. Mã thoát 3 nếu thiếu dữ
        liệu hoặc không lấy được dấu thời gian.

        \b
        Ví dụ:
          kyso archive ltv 12 -o gui-di/ke-hoach-45.pdf
          kyso archive ltv 12 --online --tsa http://tsa.example.vn/tsa""",
        """Write a PAdES-LTV copy of an archived document, for sending on: a Document Security Store
        with the certificates, CRLs and OCSP responses of every signature, then a document timestamp
        from the TSA. The stored original is not changed. The validation data comes from what the
        archive kept, the trust store and, with --online, the network. The copy is verified again at
        once, offline. Exit 3 when data is missing or no timestamp could be had.

        \b
        Examples:
          kyso archive ltv 12 -o outgoing/plan-45.pdf
          kyso archive ltv 12 --online --tsa http://tsa.example.vn/tsa""",
    ),
    "archive ltv --output": ("Tệp bản sao cần ghi (mặc định <tên văn bản>.ltv.pdf trong thư mục hiện tại); không ghi đè.",
                             "The copy to write (default <document name>.ltv.pdf in the current folder); never overwritten."),
    "archive ltv --net-timeout": ("Số giây chờ mỗi lần tải qua mạng (mặc định [ltv] timeout_seconds, 10).",
                                  "Seconds to wait for each download (default [ltv] timeout_seconds, 10)."),
    "certs refresh": (
        """Tải CRL của mọi CA trong kho tin cậy từ các điểm phân phối CRL ghi trong chứng thư số (của
        các CA và của người ký mà kho lưu trữ đã giữ), kiểm tra chữ ký của CA trên CRL, lưu kèm thời
        điểm cập nhật tiếp theo và thay CRL cũ. Cho biết CRL nào đã quá hạn hoặc không tải được (mã thoát
        3: hãy thử lại sau). 'kyso watch --online' tự làm việc này khi CRL sắp hết hạn.

        \b
        Ví dụ:
          kyso certs refresh
          kyso certs refresh --json""",
        """Download the CRL of every CA of the trust store from the CRL distribution points written in
        certificates (the CAs' and the signers' the archive kept), check the CA's signature on each,
        keep it with its next update and drop the older ones. Says which CRLs are stale or could not
        be fetched (exit 3: try again later). 'kyso watch --online' does this on its own when CRLs
        are about to expire.

        \b
        Examples:
          kyso certs refresh
          kyso certs refresh --json""",
    ),
    "certs refresh --net-timeout": ("Số giây chờ mỗi lần tải CRL (mặc định [ltv] timeout_seconds, 10).",
                                    "Seconds to wait for each CRL download (default [ltv] timeout_seconds, 10)."),
    "certs refresh --json": ("In kết quả dạng JSON.", "Print the outcome as JSON."),
    "certs import-vgca": (
        """Nhập chứng thư số CA từ danh sách tin cậy của Ban Cơ yếu (tệp JSON gca.ctl mà phần mềm VGCA
        đọc). Chỉ nhận chứng thư số CA có chữ ký nối được tới một chứng thư gốc đã ghim trong
        certs/pins.toml có trong kho tin cậy; bỏ qua chứng thư số của người dùng; từ chối và nêu tên
        những chứng thư còn lại (mã thoát 1).

        \b
        Ví dụ:
          kyso certs import-vgca gca.ctl""",
        """Import the CA certificates of the Government Cipher Committee's trust list (the gca.ctl
        JSON file the VGCA tools read). Only CA certificates whose signatures chain to a root pinned
        in certs/pins.toml and present in the trust store are taken; end-entity certificates are
        skipped; the rest are refused and named (exit 1).

        \b
        Examples:
          kyso certs import-vgca gca.ctl""",
    ),
    # issue 18 (search18):
    "archive search": (
        """Tìm văn bản đã lưu trữ theo chữ: mọi từ tìm kiếm phải có trong số, ký hiệu, trích yếu, loại
        văn bản, cơ quan ban hành, nơi ban hành hoặc tên một người ký. Không phân biệt chữ hoa, chữ
        thường và dấu: "Binh Phuoc" tìm thấy "Bình Phước", "SGDDT" tìm thấy "SGDĐT", "Thuỷ" tìm
        thấy "Thủy". Nhận cùng các bộ lọc và cách in như 'kyso archive list'.

        \b
        Ví dụ:
          kyso archive search ke hoach binh phuoc
          kyso archive search 45/KH-SGDDT --verdict VALID --json""",
        """Search archived documents by their words: every word of TEXT must appear in the number,
        notation, subject, document type, issuing agency, place or the name of a signer. Case, tone
        marks and other diacritics are ignored (D also finds the barred D), so words may be typed
        without them. Takes the same filters and output options as 'kyso archive list'.

        \b
        Examples:
          kyso archive search ke hoach binh phuoc
          kyso archive search 45/KH-SGDDT --verdict VALID --json""",
    ),
    "archive list --lang": ("Ngôn ngữ hiển thị: vi (mặc định, hoặc theo KYSO_LANG) hoặc en.",
                            "Language of the listing: vi (the default, or KYSO_LANG) or en."),
    # issue 18 (intake18):
    "quarantine": (
        """Các tệp bị cách ly khi nhận (bởi 'kyso ingest' hoặc 'kyso watch'): xem lý do và trả tệp về
        để xử lý lại.

        Thư mục cách ly: $KYSO_HOME/quarantine. Mỗi tệp nằm cạnh tệp lý do của nó (.reason.txt).

        \b
        Ví dụ:
          kyso quarantine list
          kyso quarantine show 3f2a9c1b
          kyso quarantine release 3f2a9c1b""",
        """Files set aside when they were received (by 'kyso ingest' or 'kyso watch'): see why, and
        put one back for another try.

        The quarantine folder is $KYSO_HOME/quarantine; each file lies beside its reason file
        (.reason.txt).

        \b
        Examples:
          kyso quarantine list
          kyso quarantine show 3f2a9c1b
          kyso quarantine release 3f2a9c1b""",
    ),
    "quarantine list": ("Liệt kê các tệp bị cách ly, cũ nhất trước: mã, thời điểm, tên tệp và lý do.",
                        "List quarantined files, oldest first: ID, when, file name and why."),
    "quarantine list --json": ("Mỗi tệp bị cách ly một dòng JSON (thời gian ISO 8601 có múi giờ).",
                               "One JSON line per quarantined file (times in ISO 8601 with their offset)."),
    "quarantine show": ("Xem tệp lý do của một tệp bị cách ly (ID: mã do 'kyso quarantine list' liệt kê, ít nhất 4 ký tự đầu).",
                        "Show the reason file of one quarantined file (ID: as 'kyso quarantine list' shows it, at least its first 4 characters)."),
    "quarantine show --json": ("Một đối tượng JSON.", "One JSON object."),
    "quarantine release": (
        """Trả một tệp bị cách ly về thư mục nhận (hoặc thư mục --to) với tên cũ để xử lý lại.

        Không bao giờ ghi đè: nếu tên đó đã có ở đó, lệnh từ chối (mã thoát 2). Thư mục đích không
        được nằm trong dữ liệu của kho lưu trữ.

        \b
        Ví dụ:
          kyso quarantine release 3f2a9c1b
          kyso quarantine release 3f2a9c1b --to /srv/van-thu/den""",
        """Put a quarantined file back into the inbox (or the folder --to) under its name, for another try.

        Nothing is ever replaced: if the name is taken there, it refuses (exit 2). The target
        may not lie inside the archive's own data.

        \b
        Examples:
          kyso quarantine release 3f2a9c1b
          kyso quarantine release 3f2a9c1b --to /srv/van-thu/den""",
    ),
    "quarantine release --to": ("Thư mục đích (mặc định: thư mục nhận, KYSO_INBOX).",
                                "The target folder (default: the inbox, KYSO_INBOX)."),
    # issue 18 (batch18):
    "verify --null": ("Danh sách đọc từ '-' ngăn cách bằng ký tự NUL (như find -print0), không phải xuống dòng.",
                      "The list read from '-' is NUL-separated (as find -print0 writes it), not one per line."),
    "verify --password": ("Mật khẩu mở tệp PDF được mã hóa; '-' để được hỏi mà không hiện ra (hoặc đặt KYSO_PDF_PASSWORD). "
                          "Mật khẩu chỉ dùng để mở tệp, không ghi vào báo cáo hay nhật ký.",
                          "Password that opens encrypted PDFs; '-' to be asked for it without echo (or set KYSO_PDF_PASSWORD). "
                          "It only opens the files and goes into no report or log."),
    # issue 18 (errors18):
    "kyso --quiet": ("Chỉ in kết quả và lỗi: không có thanh tiến độ, không có dòng cho biết kho lưu trữ nào.",
                     "Print only results and errors: no progress, no line saying which archive."),
    "audit verify --json": ("In kết quả dưới dạng một dòng JSON.", "Print the result as one JSON line."),
}

# issue 18 (search18): `archive search` takes the filters of `archive list`, worded the same
HELP.update({"archive search" + key.removeprefix("archive list"): text
             for key, text in list(HELP.items()) if key.startswith("archive list --")})

# issue 19 (serve): the console, the HTTP API and their accounts
HELP.update({
    "serve": (
        """Phục vụ giao diện web (tiếng Việt, có tiếng Anh) và API HTTP của kho lưu trữ.

        Mặc định chỉ nghe trên 127.0.0.1:8080. Nghe trên địa chỉ khác cần --tls-cert và --tls-key, hoặc
        --behind-proxy khi một reverse proxy phía trước đã dùng HTTPS. Cần có tài khoản: 'kyso accounts add'.

        \b
        Ví dụ:
          kyso accounts add van.thu --role clerk
          kyso serve --trust samples/pki/trust.pem""",
        """Serve the web console (Vietnamese, English switchable) and the HTTP API of the archive.

        Listens on 127.0.0.1:8080 by default. Any other address needs --tls-cert and --tls-key, or
        --behind-proxy when a reverse proxy in front terminates HTTPS. Accounts come from 'kyso accounts add'.

        \b
        Examples:
          kyso accounts add van.thu --role clerk
          kyso serve --trust samples/pki/trust.pem"""),
    "serve --host": ("Địa chỉ để nghe (mặc định 127.0.0.1).", "Address to listen on (default 127.0.0.1)."),
    "serve --port": ("Cổng để nghe.", "Port to listen on."),
    "serve --tls-cert": ("Tệp chứng thư số TLS (PEM) để phục vụ qua HTTPS.", "TLS certificate file (PEM) to serve HTTPS."),
    "serve --tls-key": ("Tệp khóa riêng TLS (PEM) đi cùng --tls-cert.", "TLS private key file (PEM) that goes with --tls-cert."),
    "serve --behind-proxy": ("Một reverse proxy phía trước đã dùng HTTPS: cookie được đánh dấu Secure và tiêu đề X-Forwarded-* được tin.",
                             "A reverse proxy in front terminates HTTPS: cookies are marked Secure and X-Forwarded-* headers are trusted."),
    "serve --workers": ("Số tiến trình kiểm tra chạy sẵn.", "Number of warm verification processes."),
    "serve --max-upload": ("Kích thước tối đa của một tệp tải lên, MB.", "Largest upload accepted, in MB."),
    "serve --timeout": ("Số giây tối đa cho một lần kiểm tra; quá thì yêu cầu được trả lời lỗi và máy chủ vẫn chạy.",
                        "Seconds at most for one verification; beyond it the request gets an error and the server serves on."),
    "serve --memory-limit": ("Bộ nhớ tối đa của mỗi tiến trình kiểm tra, MB.", "Memory limit of each verification process, in MB."),
    "serve --inbox": ("Thư mục nhận mà giao diện web cho xem trạng thái (mặc định như 'kyso watch').",
                      "The watched folder whose state the console shows (default: as 'kyso watch')."),
    "accounts": ("Tài khoản dùng giao diện web và API: vai trò clerk (văn thư), auditor (kiểm tra), admin (quản trị).",
                 "Accounts of the web console and the API: roles clerk, auditor, admin."),
    "accounts add": ("Thêm một tài khoản; mật khẩu được hỏi (không hiện) hoặc đọc từ stdin với --password-stdin.",
                     "Add an account; the password is asked for (not echoed) or read from stdin with --password-stdin."),
    "accounts add --role": ("Các vai trò, cách nhau bằng dấu phẩy: clerk, auditor, admin.",
                            "Roles, comma-separated: clerk, auditor, admin."),
    "accounts add --account-lang": ("Ngôn ngữ mặc định của tài khoản trên giao diện web.", "The account's default language in the console."),
    "accounts add --password-stdin": ("Đọc mật khẩu từ dòng đầu của stdin.", "Read the password from the first line of stdin."),
    "accounts list": ("Liệt kê các tài khoản và vai trò.", "List the accounts and their roles."),
    "accounts list --json": ("In dưới dạng JSON.", "Print as JSON."),
    "accounts password": ("Đặt mật khẩu mới cho một tài khoản; các phiên đăng nhập của nó kết thúc.",
                          "Set an account's password; its sign-in sessions end."),
    "accounts password --password-stdin": ("Đọc mật khẩu từ dòng đầu của stdin.", "Read the password from the first line of stdin."),
    "accounts roles": ("Đặt vai trò của một tài khoản (ví dụ: clerk,auditor).", "Set an account's roles (e.g. clerk,auditor)."),
    "accounts disable": ("Khóa một tài khoản: phiên đăng nhập kết thúc, mã API bị thu hồi.",
                         "Disable an account: its sessions end and its API tokens are revoked."),
    "accounts enable": ("Mở lại một tài khoản đã khóa.", "Enable a disabled account again."),
    "accounts token": ("Cấp một mã truy cập API cho tài khoản (chỉ hiện một lần), hoặc thu hồi với --revoke.",
                       "Issue an API token for the account (shown once), or revoke with --revoke."),
    "accounts token --label": ("Tên của mã, để phân biệt các hệ thống dùng nó.", "The token's label, to tell the systems using it apart."),
    "accounts token --revoke": ("Thu hồi các mã có tên này của tài khoản.", "Revoke the account's tokens with this label."),
})

# issue 19 (serve-pool): the limits and the workers, each also a key of kyso.toml [serve]
HELP.update({
    "serve --host": ("Địa chỉ để nghe (mặc định 127.0.0.1; kyso.toml [serve] host).",
                     "Address to listen on (default 127.0.0.1; kyso.toml [serve] host)."),
    "serve --port": ("Cổng để nghe (mặc định 8080; kyso.toml [serve] port).", "Port to listen on (default 8080; kyso.toml [serve] port)."),
    "serve --workers": ("Số tiến trình kiểm tra chạy sẵn; mỗi tiến trình xử lý một yêu cầu một lúc (mặc định 2; [serve] workers).",
                        "Number of warm verification processes, each handling one request at a time (default 2; [serve] workers)."),
    "serve --max-upload": ("Kích thước tối đa của một tệp tải lên, MB; lớn hơn thì trả lời 413 (mặc định 50; [serve] max_upload_mb).",
                           "Largest upload accepted, in MB; larger ones are answered 413 (default 50; [serve] max_upload_mb)."),
    "serve --timeout": ("Số giây tối đa cho một lần kiểm tra; quá thì tiến trình bị dừng và thay, yêu cầu được trả lời lỗi 503 "
                        "và máy chủ vẫn chạy (mặc định 120; [serve] timeout_seconds).",
                        "Seconds at most for one verification; beyond it the worker is stopped and replaced, the request gets "
                        "an error (503) and the server serves on (default 120; [serve] timeout_seconds)."),
    "serve --memory-limit": ("Bộ nhớ tối đa của mỗi tiến trình kiểm tra, MB (mặc định 2048; [serve] memory_limit_mb).",
                             "Memory limit of each verification process, in MB (default 2048; [serve] memory_limit_mb)."),
    "serve --queue-limit": ("Số yêu cầu được chờ tiến trình kiểm tra rảnh; thêm nữa thì trả lời ngay 503 kèm Retry-After "
                            "(mặc định 32; [serve] queue_limit).",
                            "Requests that may wait for a free worker; beyond them the answer is 503 with Retry-After at once "
                            "(default 32; [serve] queue_limit)."),
})


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
    # issue 15 (ltv15):
    "ltv_no_tsa": ("chưa có máy chủ cấp dấu thời gian: hãy cho --tsa URL hoặc đặt [ltv] tsa_url trong kyso.toml",
                   "no time-stamping authority configured: give --tsa URL or set [ltv] tsa_url in kyso.toml"),
    "ltv_bad_tsa": ("'{url}' không phải địa chỉ http:// hoặc https://", "'{url}' is not an http:// or https:// address"),
    "stamp_nothing": ("nhật ký sự kiện còn trống: chưa có gì để lấy dấu thời gian",
                      "the event log is empty: nothing to timestamp yet"),
    "stamp_taken": ("đã lấy dấu thời gian cho đầu chuỗi nhật ký (sự kiện {seq}, {hash}…) từ {tsa}: {time}",
                    "audit chain head (event {seq}, {hash}…) timestamped by {tsa}: {time}"),
    "stamp_failed": ("chưa lấy được dấu thời gian: {error}; nhật ký không thay đổi, hãy thử lại sau",
                     "no timestamp taken: {error}; the log is unchanged, try again later"),
    "audit_stamp_ok": ("dấu thời gian của sự kiện {seq} ({time}, {tsa}): nguyên vẹn, do TSA tin cậy cấp",
                       "timestamp of event {seq} ({time}, {tsa}): intact, from a trusted TSA"),
    "audit_stamp_untrusted": ("dấu thời gian của sự kiện {seq} ({time}, {tsa}): nguyên vẹn nhưng TSA không nối được "
                              "tới chứng thư gốc trong kho tin cậy, nên chưa chứng minh được thời điểm; hãy nhập "
                              "chứng thư gốc của TSA (kyso certs import)",
                              "timestamp of event {seq} ({time}, {tsa}): intact, but its TSA does not chain to an "
                              "anchor of the trust store, so it proves no time yet; import the TSA's root "
                              "(kyso certs import)"),
    "ltv_exists": ("{path} đã có; hãy chọn tên khác bằng -o (kyso không ghi đè)",
                   "{path} already exists; choose another name with -o (kyso never overwrites)"),
    "ltv_original_damaged": ("bản gốc đã lưu của văn bản {id} bị thiếu hoặc không còn nguyên vẹn; hãy chạy "
                             "'kyso archive fixity'",
                             "the stored original of document {id} is missing or fails fixity; run 'kyso archive fixity'"),
    "ltv_failed": ("chưa tạo được bản sao LTV: {error}", "no LTV copy made: {error}"),
    "ltv_unwritable": ("không ghi được {path}: {error}", "cannot write {path}: {error}"),
    "ltv_written": ("đã ghi bản sao PAdES-LTV của văn bản {id}: {path} (SHA-256 {sha}…); bản gốc trong kho không đổi",
                    "PAdES-LTV copy of document {id} written: {path} (SHA-256 {sha}…); the stored original is unchanged"),
    "ltv_offline_verdict": ("kiểm tra lại bản sao không dùng mạng: {verdict}",
                            "the copy verified again offline: {verdict}"),
    "refresh_line": ("{status:<16} {issuer} — {url}{detail}", "{status:<16} {issuer} — {url}{detail}"),
    "refresh_status.refreshed": ("đã cập nhật", "refreshed"),
    "refresh_status.unchanged": ("không đổi", "unchanged"),
    "refresh_status.failed": ("KHÔNG TẢI ĐƯỢC", "FAILED"),
    "refresh_next": (" (cập nhật tiếp theo {date})", " (next update {date})"),
    "refresh_none": ("không biết địa chỉ CRL nào: chứng thư số trong kho tin cậy không ghi điểm phân phối CRL và kho "
                     "lưu trữ chưa có chứng thư số nào do các CA đó cấp; hãy nhập CRL bằng kyso certs import-crl",
                     "no CRL address known: the trust store's certificates name no CRL distribution point and the "
                     "archive holds no certificate their CAs issued; import a CRL with kyso certs import-crl"),
    "refresh_stale": ("QUÁ HẠN: CRL của {issuer} hết hạn cập nhật ngày {date}; không dùng được để kiểm tra thu hồi",
                      "STALE: the CRL of {issuer} was due for update on {date}; revocation cannot be checked with it"),
    "refresh_total": ("CRL: {refreshed} đã cập nhật, {unchanged} không đổi, {failed} không tải được, {stale} quá hạn",
                      "CRLs: {refreshed} refreshed, {unchanged} unchanged, {failed} failed, {stale} stale"),
    "vgca_imported": ("đã nhập      {name} ({sha}…), nối tới {root}", "imported     {name} ({sha}…), chains to {root}"),
    "vgca_refused": ("TỪ CHỐI      {name}: {why}", "REFUSED      {name}: {why}"),
    "vgca_total": ("danh sách VGCA: {imported} đã nhập, {skipped} bỏ qua (người dùng hoặc đã có), {refused} từ chối",
                   "VGCA list: {imported} imported, {skipped} skipped (end-entity or already present), {refused} refused"),
    # issue 15 (evidence15): re-verification with the stored evidence, evidence in `archive show`
    "reverify_trust_differs": (
        "Lưu ý: cấu hình tin cậy của lần chạy này khác với cấu hình đã dùng cho {n}/{count} văn bản; kết quả kém căn "
        "cứ hơn (ví dụ 'Không xác định' vì thiếu chứng thư gốc) sẽ không thay kết luận đã lưu. Hãy cho --trust như "
        "khi nhận văn bản để kiểm tra lại đúng cách.",
        "Note: the trust configuration of this run differs from the one recorded for {n} of {count} documents; "
        "results less founded (e.g. INDETERMINATE for want of the anchor) will not replace their verdicts. Give "
        "--trust as when they were archived to re-verify them properly."),
    "reverify_policy_differs": (
        "Lưu ý: chính sách kiểm tra của lần chạy này khác với chính sách đã dùng cho {n}/{count} văn bản.",
        "Note: the policy of this run differs from the one recorded for {n} of {count} documents."),
    "reverify_summary": (
        "đã kiểm tra lại {count} văn bản: {same} giữ nguyên, {changed} đổi kết luận, {less} giữ kết luận cũ vì kết "
        "quả mới ít căn cứ hơn, {conflict} mâu thuẫn cần người xem xét",
        "{count} re-verified: {same} kept the same verdict, {changed} changed verdict, {less} kept their verdict "
        "because the new result is less founded, {conflict} contradicting results need a person"),
    "reverify_summary_broken": ("{n} văn bản có bản gốc đã lưu bị mất hoặc bị sửa, không được kiểm tra lại",
                                "{n} documents whose stored original is missing or altered were not re-verified"),
    "reverify_as_of.archived": ("tại thời điểm đã lưu {at}, với bằng chứng đã lưu: {verdict}",
                                "as of the archived time {at}, with the stored evidence: {verdict}"),
    "reverify_as_of.now": ("tại thời điểm hiện tại {at}: {verdict}", "as of now {at}: {verdict}"),
    "reverify_decision.same": ("kết luận giữ nguyên", "verdict unchanged"),
    "reverify_decision.changed": ("kết luận đã đổi", "verdict changed"),
    "reverify_decision.less_founded": ("giữ kết luận đã lưu: kết quả mới ít căn cứ hơn",
                                       "verdict kept: the new result is less founded"),
    "reverify_decision.conflict": ("giữ kết luận đã lưu: kết quả mới mâu thuẫn với kết luận đã chứng minh, cần người "
                                   "xem xét", "verdict kept: the new result contradicts a proven one; a person must look"),
    "reverify_decision.not_used": ("không dùng: kết quả tại thời điểm đã lưu đã đủ căn cứ",
                                   "not used: the result as of the archived time is founded"),
    "reverify_decision.first": ("lần kiểm tra đầu tiên", "first verification"),
    "archived_standing": ("Văn bản #{id}: kết luận lưu trữ {verdict} ({decision})",
                          "Document #{id}: archived verdict {verdict} ({decision})"),
    "show_as_of.archived": ("  (tại thời điểm đã lưu; chạy lúc {ran})", "  (as of the archived time; run {ran})"),
    "show_as_of.now": ("", ""),
    "show_evidence_head": ("Bằng chứng của kết luận (lần kiểm tra #{verification}, {n} mục):",
                           "Evidence of the verdict (verification #{verification}, {n} items):"),
    "show_evidence_none": ("Bằng chứng của kết luận: không có mục nào được lưu.",
                           "Evidence of the verdict: none stored."),
    "show_evidence_line": ("  {kind:<13} {sha}  {source:<17} {obtained:<16}  chữ ký {layers}{url}",
                           "  {kind:<13} {sha}  {source:<17} {obtained:<16}  layers {layers}{url}"),
    "evidence_kind.certificate": ("chứng thư số", "certificate"),
    "evidence_kind.crl": ("CRL", "CRL"),
    "evidence_kind.ocsp": ("phản hồi OCSP", "OCSP response"),
    "evidence_kind.timestamp": ("dấu thời gian", "timestamp"),
    "evidence_source.embedded": ("nhúng trong tệp", "embedded"),
    "evidence_source.store": ("kho tin cậy", "trust store"),
    "evidence_source.run": ("cho khi chạy", "given for the run"),
    "evidence_source.fetched": ("tải qua mạng", "fetched"),
    "evidence_source.unknown": ("không rõ nguồn", "source unknown"),
    # issue 18 (search18):
    "search_no_words": ("không có từ nào để tìm; hãy cho ít nhất một từ, ví dụ: kyso archive search ke hoach",
                        "no word to search for; give at least one, e.g. kyso archive search ke hoach"),
    # issue 18 (batch18):
    "progress_left": ("còn khoảng {t}", "about {t} left"),
    "progress_rate": ("{r} tệp/giây", "{r} files/s"),
    "progress_on": ("đang kiểm tra {name}: {s} giây", "working on {name}: {s} s"),
    # issue 18 (intake18):
    "kind.already": ("đã có", "already archived"),
    "outcome_went": ("→ cách ly tại {path}", "→ quarantined at {path}"),
    "summary_nothing": ("không có tệp nào", "no files"),
    "summary_counts": ("Tổng cộng {total} tệp: {counts}.", "{total} files in all: {counts}."),
    "summary_verdicts": ("Kết luận: {counts}.", "Verdicts: {counts}."),
    "summary_skipped": ("{count} tệp không phải PDF được để nguyên chỗ cũ (đã liệt kê ở trên).",
                        "{count} files that are not PDFs were left where they are (listed above)."),
    "summary_quarantine": ("Tệp bị cách ly và lý do: {path} ('kyso quarantine list').",
                           "Quarantined files and their reasons: {path} ('kyso quarantine list')."),
    "summary_interrupted": ("Đã dừng theo yêu cầu (Ctrl-C); còn {left} tệp chưa xử lý: chạy lại cùng lệnh để tiếp tục, "
                            "các tệp đã lưu trữ không bị nhận lại.",
                            "Stopped on request (Ctrl-C); {left} files not handled: run the same command again to go "
                            "on, files already archived are not received twice."),
    "ingest_stopping": ("Đang dừng sau tệp hiện tại (nhấn Ctrl-C lần nữa để dừng ngay)…",
                        "Stopping after the current file (Ctrl-C again to stop at once)…"),
    "quarantine_columns": (("MÃ", "THỜI ĐIỂM", "TÊN TỆP", "LÝ DO"), ("ID", "WHEN", "FILE", "REASON")),
    "quarantine_row": ("{id:<8}  {at:<16}  {file}  |  {reason}", "{id:<8}  {at:<16}  {file}  |  {reason}"),
    "quarantine_total": ("{count} tệp bị cách ly trong {path}", "{count} quarantined files in {path}"),
    "quarantine_unknown": ("Không có tệp bị cách ly nào có mã {ref!r}; 'kyso quarantine list' liệt kê các mã.",
                           "No quarantined file has the ID {ref!r}; 'kyso quarantine list' lists them."),
    "quarantine_ambiguous": ("Mã {ref!r} khớp với {count} tệp bị cách ly; hãy gõ thêm ký tự của mã.",
                             "The ID {ref!r} matches {count} quarantined files; type more of it."),
    "quarantine_kept_at": ("Tệp được giữ tại: {path}", "The file is kept at: {path}"),
    "quarantine_nothing_kept_short": ("không giữ gì (xem lý do ở trên)", "nothing kept (see above)"),
    "quarantine_release_hint": ("Để xử lý lại: kyso quarantine release {id}", "To try again: kyso quarantine release {id}"),
    "quarantine_no_folder": ("Thư mục đích {path} không tồn tại; hãy tạo nó hoặc chọn thư mục khác với --to.",
                             "The target folder {path} does not exist; create it or give another with --to."),
    "quarantine_clash": ("Đã có một tệp tên {path}: không ghi đè. Hãy đổi tên hoặc chuyển tệp đó đi, hoặc chọn thư mục "
                         "khác với --to.",
                         "A file named {path} is already there: nothing is replaced. Rename or move that file, or "
                         "give another folder with --to."),
    "quarantine_not_file": ("Mục cách ly {id} không giữ tệp nào để trả lại (xem 'kyso quarantine show {id}').",
                            "The quarantine entry {id} holds no file to put back (see 'kyso quarantine show {id}')."),
    "quarantine_released": ("Đã trả {file} về {path}.", "{file} put back at {path}."),
    "verify_none_found": ("không tìm thấy tệp PDF nào (tệp có đuôi .pdf) để kiểm tra; hãy kiểm tra lại đường dẫn",
                          "no PDF file (named .pdf) was found to verify; check the paths"),
    "verify_interrupted": ("đã dừng (Ctrl-C) sau khi kiểm tra {n} tệp; {left} tệp còn lại chưa được kiểm tra",
                           "interrupted (Ctrl-C) after {n} files were verified; {left} files left unverified"),
    "password_prompt": ("Mật khẩu của tệp PDF", "Password of the PDF files"),
    "password_stdin_list": ("--password - và danh sách '-' cùng cần đầu vào chuẩn; hãy đặt mật khẩu trong KYSO_PDF_PASSWORD",
                            "--password - and the list '-' both need standard input; put the password in KYSO_PDF_PASSWORD"),
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
}

# Placeholders of usage lines and option lists (click's metavars), English → Vietnamese.
METAVARS: dict[str, str] = {
    "OPTIONS": "TÙY_CHỌN", "COMMAND": "LỆNH", "ARGS": "ĐỐI_SỐ", "FILE": "TỆP", "FILES": "TỆP",
    "DIRECTORY": "THƯ_MỤC", "PATH": "ĐƯỜNG_DẪN", "PATHS": "ĐƯỜNG_DẪN", "INBOX": "THƯ_MỤC_NHẬN",
    "REF": "ID|SHA256", "INTEGER": "SỐ", "NUMBER": "SỐ", "TEXT": "CHUỖI", "DATE": "NGÀY", "SECONDS": "GIÂY",
    "NAME|FILE": "TÊN|TỆP", "ID|SHA256": "ID|SHA256", "MB": "MB",
    # issue 18 (intake18):
    "ID": "ID",
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
