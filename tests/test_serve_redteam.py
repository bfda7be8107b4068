"""`kyso serve` attacked from outside and from each role (issue 19, red team): every test here
failed on the server as it was built, and passes with the fix committed beside it. A real server
on 127.0.0.1 (tests/serving.py), answered over real HTTP and raw sockets."""

from __future__ import annotations

import re

import pytest

from tests.serving import PASSWORD

BEYOND = "99999999999999999999"  # larger than any integer column of SQLite or PostgreSQL


def _csrf(client, path: str = "/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


@pytest.mark.parametrize("path", [f"/documents/{BEYOND}", f"/documents/{BEYOND}/original",
                                  f"/documents/{BEYOND}/report.html", f"/documents/1/report.html?verification={BEYOND}"])
def test_a_document_or_run_beyond_any_id_is_not_found_not_an_internal_error(served, path):
    answer = served.signed_in("auditor").get(path)
    assert answer.status_code == 404, answer.text
    assert "không có" in answer.text


@pytest.mark.parametrize("field", ["received_from", "received_to", "issued_from", "issued_to"])
@pytest.mark.parametrize("day", ["01/01/0001", "31/12/9999"])
def test_a_search_from_the_first_or_to_the_last_day_answers(served, field, day):
    answer = served.signed_in("clerk").get("/search", params={field: day})
    assert answer.status_code == 200, answer.text
