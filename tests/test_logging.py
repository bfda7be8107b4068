"""The library leaves global logging alone but for a NullHandler on pyHanko's loggers (so that a
program without logging configured gets no traceback on stderr); the `kyso` command shows kyso's
own warnings and errors on stderr, and the libraries' only with -v."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys

from tests.conftest import SAMPLES, manifest

TRUST = SAMPLES / manifest()["trust"]
LOGGERS = ("", "pypdf", "pyhanko", "pyhanko.sign.validation.generic_cms", "pyhanko.sign.diff_analysis.policies",
           "pyhanko_certvalidator")


def _state():
    return {name: (lg.level, [h for h in lg.handlers if not isinstance(h, logging.NullHandler)], lg.propagate,
                   lg.disabled)
            for name, lg in ((n, logging.getLogger(n)) for n in LOGGERS)}


def test_verifying_changes_no_logger_and_the_application_still_sees_pyhankos_records(sample_trust):
    from verifier.document import verify_pdf

    seen = []

    class Seen(logging.Handler):  # the application's own handler on the root logger
        def emit(self, record):
            seen.append((record.name, logging.getLogger(record.name).level, logging.getLogger(record.name).propagate))

    app = Seen(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(app)
    try:
        before = _state()
        revoked = verify_pdf((SAMPLES / "revoked-signer.pdf").read_bytes(), sample_trust, file="revoked-signer.pdf")
        plan = verify_pdf((SAMPLES / "plan.pdf").read_bytes(), sample_trust, file="plan.pdf")  # its text read too
        after = _state()
    finally:
        root.removeHandler(app)
    assert after == before
    assert plan.verdict == "VALID" and plan.metadata  # the text was read
    # pyHanko's warning reached the application's handler, with its logger untouched meanwhile ...
    from_pyhanko = [s for s in seen if s[0] == "pyhanko.sign.validation.generic_cms"]
    assert from_pyhanko and all(level == before[name][0] and propagate for name, level, propagate in from_pyhanko)
    # ... and the report gives that reason, which kyso takes from the exception, not the record
    # (tests/test_reasons.py: the same reports with logging silenced)
    layer = revoked.layers[-1]
    assert layer.subindication == "REVOKED_NO_POE" and "revoked at" in str(layer.problem or "")


def test_a_program_without_logging_configured_gets_no_traceback(tmp_path):
    """pyHanko logs why a path could not be built with its traceback; Python's last resort
    printed it on stderr of a program that calls verify_pdf, as if kyso had crashed."""
    script = ("import sys\n"
              "from pathlib import Path\n"
              "from verifier.document import verify_pdf\n"
              "from verifier.trust.config import TrustConfig\n"
              f"data = Path({str(SAMPLES / 'untrusted-root.pdf')!r}).read_bytes()\n"
              "print(verify_pdf(data, TrustConfig()).verdict)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=str(SAMPLES.parent))
    assert done.stdout.strip() == "INDETERMINATE", done.stderr
    assert "Traceback" not in done.stderr and "Failed to build path" not in done.stderr, done.stderr


def _damaged_dss(tmp_path):
    """samples/plan.pdf with an update whose /DSS is not a DSS: kyso warns (verifier.document)
    and pyHanko logs a traceback per revision for the rejected change."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO((SAMPLES / "plan.pdf").read_bytes()))
    w.root["/DSS"] = generic.DictionaryObject({generic.NameObject("/Certs"): generic.NumberObject(5)})
    w.update_root()
    out = io.BytesIO()
    w.write(out)
    path = tmp_path / "damaged-dss.pdf"
    path.write_bytes(out.getvalue())
    return path


def test_kyso_shows_its_own_warnings_and_the_libraries_only_with_v(tmp_path):
    path = _damaged_dss(tmp_path)
    env = {**os.environ, "KYSO_HOME": str(tmp_path / "home")}

    def kyso(*args):
        return subprocess.run([sys.executable, "-m", "archive", *args, "verify", str(path), "--trust", str(TRUST)],
                              capture_output=True, text=True, env=env, timeout=300)

    quiet = kyso()
    assert quiet.returncode == 1, quiet.stderr[-2000:]  # the unexplained update makes it INVALID
    assert "WARNING verifier.document: unreadable DSS" in quiet.stderr
    assert "pyhanko" not in quiet.stderr and "Traceback" not in quiet.stderr, quiet.stderr[-2000:]
    verbose = kyso("-v")
    assert "WARNING verifier.document: unreadable DSS" in verbose.stderr
    assert "WARNING pyhanko.sign.diff_analysis.policies" in verbose.stderr
    assert quiet.stdout == verbose.stdout  # what is logged never changes the report
