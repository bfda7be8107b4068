"""verifier.patches.install() defers pyHanko's signing stack (verifier/patches/deferred.py) without
changing how anything parses: each check runs in a fresh interpreter that calls install() first,
as kyso's entry points do, since imports are process-wide."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

REGISTRIES = r"""
import inspect, json, sys
out = {}
for modname, mod in list(sys.modules.items()):
    if not modname.startswith("asn1crypto.") or mod is None:
        continue
    for name, cls in vars(mod).items():
        if inspect.isclass(cls) and cls.__module__ == modname:
            for attr in ("_map", "_oid_specs"):  # what registrations write (_reverse_map is a lazy cache)
                value = cls.__dict__.get(attr)
                if isinstance(value, dict):
                    out[f"{modname}.{name}.{attr}"] = sorted(f"{k}={v!r}" for k, v in value.items())
print(json.dumps({"registries": out, "modules": sorted(sys.modules)}))
"""

INSTALL = "from verifier.patches import install\nassert install()\n"
VERIFIER_IMPORTS = INSTALL + "import verifier, verifier.document, verifier.signatures.layer, verifier.signatures.diff.policy, verifier.trust.config\n"
PYHANKO_FULL = "import pyhanko.sign, pyhanko.sign.validation, pyhanko.sign.diff_analysis, pyhanko.sign.fields\n"


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_asn1_registrations_are_those_of_a_full_pyhanko_import():
    deferred = _run(VERIFIER_IMPORTS + REGISTRIES)["registries"]
    full = _run(PYHANKO_FULL + VERIFIER_IMPORTS.replace(INSTALL, "") + REGISTRIES)["registries"]
    missing = {k: sorted(set(full[k]) - set(deferred.get(k, ()))) for k in full if set(full[k]) - set(deferred.get(k, ()))}
    assert not missing, f"pyHanko's signing chain registers these ASN.1 types; add their module to deferred.REGISTRATIONS: {missing}"


def test_verification_imports_leave_the_signing_stack_and_its_http_client_out():
    modules = set(_run(VERIFIER_IMPORTS + REGISTRIES)["modules"])
    assert "aiohttp" not in modules
    assert "pyhanko.sign.signers" not in modules and "pyhanko.stamp" not in modules


def test_without_install_the_signing_stack_loads_as_pyhanko_defines_it():
    """The deferral is install()'s doing: a program that imports verifier and never calls it
    gets pyhanko.sign's __init__ at the first import of pyhanko.sign, as pyHanko defines it."""
    modules = set(_run(VERIFIER_IMPORTS.replace(INSTALL, "") + REGISTRIES)["modules"])
    assert "pyhanko.sign.signers" in modules and "aiohttp" in modules


def test_the_package_is_whole_when_asked_for():
    code = VERIFIER_IMPORTS + "from pyhanko.sign import PdfSigner, signers\nimport pyhanko.sign\n" \
        "print(__import__('json').dumps({'ok': PdfSigner is signers.PdfSigner and hasattr(pyhanko.sign, 'sign_pdf')}))"
    assert _run(code) == {"ok": True}


def test_an_encrypted_file_opens_with_the_signing_stack_deferred():
    """Decryption checks a PDF MAC with code from pyhanko.sign.signers, imported mid-verification."""
    code = VERIFIER_IMPORTS + (
        "from verifier.document import verify_pdf\nfrom verifier.trust.config import TrustConfig\n"
        "trust = TrustConfig(); trust.add_bundle(open('samples/pki/trust.pem', 'rb').read())\n"
        "r = verify_pdf(open('samples/encrypted-empty-password.pdf', 'rb').read(), trust)\n"
        "print(__import__('json').dumps({'verdict': r.verdict, 'layers': len(r.layers)}))"
    )
    assert _run(code) == {"verdict": "VALID", "layers": 1}


def test_verifying_one_file_starts_no_worker_machinery():
    """A single `kyso verify FILE` runs in its own process: the worker pool's imports
    (multiprocessing, concurrent.futures) and pyHanko's signing stack stay out of its start-up."""
    code = ("import json, sys\nsys.argv = ['kyso', 'verify', 'samples/plan.pdf', '--trust', 'samples/pki/trust.pem']\n"
            "from archive.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(json.dumps({'modules': sorted(sys.modules)}))")
    modules = set(_run(code)["modules"])
    assert "verifier.document" in modules and "archive.verify_pool" in modules
    assert not {"multiprocessing", "concurrent.futures.process", "aiohttp", "pyhanko.sign.signers"} & modules


CLI = """
import json, sys
from archive.cli import main
from verifier.patches import installed
try:
    main({args!r})
except SystemExit:
    pass
print(json.dumps({{"modules": sorted(sys.modules), "installed": bool(installed())}}))
"""


def test_a_command_help_answers_without_loading_pyhanko():
    out = _run(CLI.format(args=["verify", "--help"]))
    assert not out["installed"]
    assert not any(m.startswith("pyhanko") for m in out["modules"])


def test_a_command_that_runs_installs_kyso_changes_first():
    from tests.conftest import SAMPLES, manifest

    out = _run(CLI.format(args=["verify", str(SAMPLES / "plan.pdf"), "--trust", str(SAMPLES / manifest()["trust"])]))
    assert out["installed"] and "pyhanko.sign.validation" in out["modules"]
