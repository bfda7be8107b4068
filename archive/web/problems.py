"""An error as the asker should see it: an HTTP status, a stable code, one sentence of what
went wrong and one of what to do next, in the asker's language. The API answers JSON
({"error", "message", "next"}), the console a page; neither ever shows a traceback
(archive.web.app turns any other exception into "internal", logged with its traceback).
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.lang import LANGS


@dataclass
class Problem(Exception):
    status: int
    code: str
    vi: str
    en: str
    next_vi: str = ""
    next_en: str = ""
    headers: dict | None = None

    def message(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en

    def next(self, lang: str) -> str:
        return self.next_vi if lang == "vi" else self.next_en

    def body(self, lang: str) -> dict:
        return {"error": self.code, "message": self.message(lang), "next": self.next(lang)}


def request_lang(request) -> str:
    """?lang=, then the console's language cookie, then Accept-Language's first of vi/en, then vi."""
    for value in (request.query_params.get("lang"), request.cookies.get("kyso_lang")):
        if value in LANGS:
            return value
    accept = request.headers.get("accept-language", "")
    for part in accept.split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGS:
            return tag
    return "vi"


def unauthenticated() -> Problem:
    return Problem(401, "unauthenticated", "cần đăng nhập hoặc một mã truy cập API",
                   "sign-in or an API token is needed",
                   "gửi tiêu đề 'Authorization: Bearer <mã>' (tạo mã bằng 'kyso accounts token TÊN')",
                   "send 'Authorization: Bearer <token>' (make one with 'kyso accounts token NAME')",
                   headers={"WWW-Authenticate": 'Bearer realm="kyso"'})


def forbidden(action: str) -> Problem:
    return Problem(403, "forbidden", f"tài khoản này không có quyền '{action}'",
                   f"this account may not '{action}'",
                   "nhờ quản trị viên cấp vai trò phù hợp ('kyso accounts roles')",
                   "ask an administrator for a role that may ('kyso accounts roles')")


def not_found(what_vi: str = "không có trang này", what_en: str = "no such page") -> Problem:
    return Problem(404, "not_found", what_vi, what_en)


def internal() -> Problem:
    return Problem(500, "internal", "kyso gặp lỗi nội bộ khi xử lý yêu cầu này (đã ghi vào nhật ký máy chủ)",
                   "kyso failed inside while handling this request (the server log has the details)",
                   "thử lại; nếu vẫn lỗi, gửi nhật ký của 'kyso serve' cho bộ phận kỹ thuật",
                   "try again; if it fails again, send the 'kyso serve' log to your technical staff")
