"""docs/schemas/report.schema.json describes the report `kyso verify --json` prints: every
sample's report (each verdict, each kind of layer and finding) and the report
of a file that cannot be read validate against it, and a report that breaks a promise does not.

A real `kyso verify --json` over the samples folder, checked with jsonschema."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import jsonschema
import pytest

from tests.conftest import ROOT, SAMPLES, manifest

SCHEMA = json.loads((ROOT / "docs" / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> list[dict]:
    missing = tmp_path_factory.mktemp("gone") / "gone.pdf"
    result = subprocess.run([sys.executable, "-m", "archive", "verify", "--json", "--lang", "vi", "--trust",
                             str(SAMPLES / manifest()["trust"]), str(SAMPLES), str(missing)],
                            capture_output=True, text=True, timeout=600, env={**os.environ})
    assert result.returncode == 1, result.stderr  # INVALID among them: 1 wins over 4 and 3
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_every_sample_report_validates(reports):
    assert {r["verdict"] for r in reports} == {"VALID", "INVALID", "INDETERMINATE", "ERROR"}
    assert any(f["code"] == "FILE_UNREADABLE" for r in reports for f in r["findings"])
    for report in reports:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(report)]
        assert not errors, (report["file"], errors[:5])


@pytest.mark.parametrize("breach", [
    lambda r: r.__setitem__("verdict", "PROBABLY_VALID"),
    lambda r: r.pop("layers"),
    lambda r: r["layers"][0].__setitem__("status", "OK"),
    lambda r: r["layers"][0].__setitem__("revision", 0),
    lambda r: r["findings"].append({"code": "no such code", "severity": "fatal", "message": "x"}),
    lambda r: r.__setitem__("sha256", "ABC"),
])
def test_a_report_that_breaks_a_promise_does_not_validate(reports, breach):
    report = copy.deepcopy(next(r for r in reports if r["layers"]))
    breach(report)
    assert list(VALIDATOR.iter_errors(report))
