"""Which addresses `kyso serve` may listen on. Passwords, session cookies and the archive's
documents cross the connection, so anything but loopback needs TLS here (--tls-cert/--tls-key)
or an explicit statement that a reverse proxy in front terminates it (--behind-proxy)."""

from __future__ import annotations

import ipaddress

from archive.web.problems import Problem


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve anywhere


def check(host: str, tls: bool, behind_proxy: bool) -> None:
    if is_loopback(host) or tls or behind_proxy:
        return
    raise Problem(2, "needs_tls",
                  f"không nghe trên {host} khi không có TLS: mật khẩu và văn bản sẽ đi qua mạng không mã hóa",
                  f"will not listen on {host} without TLS: passwords and documents would cross the network in clear",
                  "thêm --tls-cert TỆP --tls-key TỆP, hoặc --behind-proxy nếu một reverse proxy phía trước đã dùng HTTPS",
                  "add --tls-cert FILE --tls-key FILE, or --behind-proxy when a reverse proxy in front terminates HTTPS")
