"""The API against its own OpenAPI description (issue 19): schemathesis generates requests for
every operation of /api/openapi.json of a live `kyso serve`, as an account holding both clerk
and auditor roles, well-formed and malformed, and checks that no answer is a server error and
that every status code, content type, header and body is one the description declares. A
second pass names a document the archive holds (and a quarantined file), so the answers about
them are checked too.

The operations are driven from inside one test (schemathesis' own pytest loader cannot take a
schema from a fixture under pytest 9), every failure named with its operation."""

from __future__ import annotations

import re

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis (test extra) tests the API's description")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

# (mode, examples per operation, whether the path names a document the archive holds)
PASSES = ((GenerationMode.POSITIVE, 12, False), (GenerationMode.NEGATIVE, 8, False), (GenerationMode.POSITIVE, 4, True))


def _run(operation, mode, examples: int, headers: dict, path_parameters: dict | None) -> str | None:
    # an upload the description allows is any file; only a PDF is verified (415 otherwise)
    excluded = [positive_data_acceptance] if operation.body else []

    @given(case=operation.as_strategy(generation_mode=mode, headers=headers, path_parameters=path_parameters))
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def answers_as_described(case):
        case.call_and_validate(excluded_checks=excluded)

    try:
        answers_as_described()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE, operation.label  # no parameter: nothing to get wrong
    except Exception as exc:  # noqa: BLE001 - every operation is tried; all failures are shown
        return f"{operation.label} ({mode.value}{', a held document' if path_parameters else ''}): {exc}"
    return None


def test_every_answer_is_as_described(served):
    schema = schemathesis.openapi.from_url(served.url + "/api/openapi.json")
    client = served.api("both")
    auth = {"Authorization": f"Bearer {served.tokens['both']}"}
    # a quarantined file (truncated.pdf is quarantined) and the inbox its release goes to
    # (Settings.default_inbox), so a release of a held entry can succeed
    from tests.conftest import SAMPLES

    served.home.with_name(served.home.name + "-inbox").mkdir(exist_ok=True)
    sent = client.post("/api/documents", files={"file": ("truncated.pdf", (SAMPLES / "truncated.pdf").read_bytes())})
    assert sent.status_code == 422 and sent.json()["error"] == "quarantined", sent.text
    quarantined = client.get("/api/quarantine").json()["entries"]
    held = {"ref": "1", "sha256": client.get("/api/documents/1/evidence").json()["evidence"][0]["sha256"],
            "id": next(e["id"] for e in quarantined if e["file"] == "truncated.pdf")}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {"POST /api/verify", "GET /api/documents", "POST /api/documents",
                                               "GET /api/documents/{ref}", "POST /api/documents/{ref}/reverify",
                                               "GET /metrics"}
    failed = []
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        for mode, examples, holding in PASSES:
            if holding and not names:
                continue
            failure = _run(operation, mode, examples, auth, {k: v for k, v in held.items() if k in names} if holding else None)
            if failure:
                failed.append(failure)
    assert not failed, "\n\n".join(failed)
    # the requests did reach every operation, and each naming a document was answered with success
    # at least once, so its body was checked (the server's own count, by route template and status)
    answered: dict[str, set[str]] = {}
    for route, status in re.findall(r'kyso_http_requests_total\{route="([^"]+)",status="([0-9]+)"\}',
                                    client.get("/metrics").text):
        answered.setdefault(route, set()).add(status)
    for operation in operations:
        assert operation.path in answered, (operation.label, answered)
        if operation.path_parameters:
            assert any(status.startswith("2") for status in answered[operation.path]), (operation.label, answered)
