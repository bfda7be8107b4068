"""The console of `kyso serve` (issue 19) in a real browser: Debian's Chromium, headless, driven by
Playwright, against a real server on a copy of a real archive (tests/serving.py). A clerk who
also audits signs in, verifies a PDF without archiving it, archives another, finds it by
searching without accents, opens its page and reads the report, releases a broken file from
quarantine, and signs out; the pages fetch nothing from elsewhere, run no script of a document,
and fit a phone's screen."""

from __future__ import annotations

import re

import pytest

from tests.browser import chromium
from tests.conftest import SAMPLES
from tests.serving import ACCOUNTS, PASSWORD

HEADLINE_VALID = "HỢP LỆ — mọi chữ ký số đều đúng, do tổ chức được tin cậy cấp, và nội dung đã ký không bị thay đổi."


@pytest.fixture(scope="module")
def browser():
    """Chromium driven by Playwright; in CI (CI=true) it must be there, elsewhere the test skips
    saying what is missing (as tests/test_report_files.py)."""
    yield from chromium()


def _fits(page) -> bool:
    """Nothing wider than the screen: no sideways scrolling to read a table."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_clerk_works_through_the_console_in_a_browser(served, browser, tmp_path):
    inbox = served.home.parent / f"{served.home.name}-inbox"  # Settings.default_inbox, where release puts files
    inbox.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    elsewhere, errors, dialogs = [], [], []
    page.on("request", lambda r: None if r.url.startswith((served.url, "data:", "about:")) else elsewhere.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # sign in: the console sends who is not signed in to the sign-in page, and back
    page.goto(served.url + "/search")
    assert page.url.startswith(served.url + "/login")
    page.fill("input[name=name]", ACCOUNTS["both"][0])
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(served.url + "/search")
    assert "hai.vai" in page.inner_text("header")

    # verify a PDF without archiving it: the verdict in words first, then the report
    page.click("nav >> text=Kiểm tra tệp")
    page.set_input_files("input[type=file]", str(SAMPLES / "plan.pdf"))
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("#verdict")
    assert page.inner_text("#verdict .verdict") == "Hợp lệ"
    assert page.frame_locator("iframe.report").locator("#verdict").inner_text() == HEADLINE_VALID
    assert "không lưu trữ" in page.inner_text("#verdict")

    # archive another one
    page.click("nav >> text=Lưu trữ tệp")
    page.set_input_files("input[type=file]", str(SAMPLES / "unit-report.pdf"))
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("#outcome")
    assert page.inner_text("#outcome .headline").startswith("Đã lưu trữ")
    archived = page.get_attribute("#document-link", "href")

    # find it without typing the accents, and open its page
    page.click("nav >> text=Tìm kiếm")
    page.fill("input[name=q]", "bao cao 12/BC-THPTCQT")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("table.results")
    page.click(f"table.results a[href='{archived}'] >> nth=0")
    page.wait_for_url(served.url + archived)
    assert page.inner_text("h1") == "Báo cáo 12/BC-THPTCQT"
    assert page.inner_text("#verdict .verdict") == "Hợp lệ"
    assert page.get_attribute("iframe.report", "sandbox") == ""  # the report runs nothing, whatever it holds
    report = page.frame_locator("iframe.report")
    assert report.locator("#verdict").inner_text() == HEADLINE_VALID
    assert report.locator("img").count() > 0  # the report's pictures, drawn from the stored original
    assert page.frame_locator("iframe.report").locator("img").evaluate_all(
        "imgs => imgs.every(i => i.complete && i.naturalWidth > 0)")
    assert "lần kiểm tra đầu tiên" in page.inner_text("#history")
    with page.expect_download() as download:
        page.click("text=Tải bản gốc (PDF)")
    assert open(download.value.path(), "rb").read() == (SAMPLES / "unit-report.pdf").read_bytes()

    # a broken file: archiving it sets it aside; the clerk releases it from the quarantine
    broken = tmp_path / "van-ban-hong.pdf"
    broken.write_bytes((SAMPLES / "truncated.pdf").read_bytes())
    page.click("nav >> text=Lưu trữ tệp")
    page.set_input_files("input[type=file]", str(broken))
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("#outcome")
    assert "cách ly" in page.inner_text("#outcome .headline")
    page.click("#outcome a[href='/inbox#quarantine']")
    row = page.locator("#quarantine tr", has_text="van-ban-hong.pdf")
    assert "không đọc được" in row.inner_text().lower()
    row.locator("button", has_text="Trả về thư mục nhận").click()
    page.wait_for_selector("#released")
    assert "van-ban-hong.pdf" in page.inner_text("#released")
    assert page.locator("#quarantine tr", has_text="van-ban-hong.pdf").count() == 0
    assert (inbox / "van-ban-hong.pdf").read_bytes() == broken.read_bytes()
    assert "van-ban-hong.pdf" in page.inner_text("#waiting")

    # the same pages on a phone: tables become one block per row, nothing to scroll sideways
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/inbox", archived, "/search?q=ke+hoach", "/audit"):
        page.goto(served.url + path)
        assert _fits(page), path

    # sign out: the session ends, the next page asks to sign in again
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("form.out button[type=submit]")
    page.wait_for_url(re.compile(re.escape(served.url) + r"/login.*"))
    page.goto(served.url + "/inbox")
    assert page.url.startswith(served.url + "/login")

    assert elsewhere == [] and errors == [] and dialogs == []
    context.close()
    (inbox / "van-ban-hong.pdf").unlink()
