"""kyso's changes to pyHanko, pyhanko-certvalidator and asn1crypto (verifier/patches/) are made by
install() alone, on the releases they were written for. Each check that depends on what a
process imported runs in a fresh interpreter, since imports and patches are process-wide."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT
from verifier.patches import PATCHES, WRITTEN_FOR, installed, installed_versions, refusal

TRUST = "from verifier.trust.config import TrustConfig\n" \
        "trust = TrustConfig(); trust.add_bundle(open('samples/pki/trust.pem', 'rb').read())\n"

VERIFY_PLAN = TRUST + (
    "import datetime\nfrom verifier.document import verify_pdf\nfrom verifier.report.render import render_json\n"
    "report = verify_pdf(open('samples/plan.pdf', 'rb').read(), trust,\n"
    "                    now=datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.timezone.utc))\n"
)

# where each function pyHanko's parser, validator and difference analysis call now comes from
STATE = r"""
import importlib, json, sys
from verifier.patches import PATCHES, installed
def where(fn):
    code = fn.__code__
    return [fn.__module__, fn.__qualname__, code.co_filename, code.co_firstlineno]
functions = {}
for target, attribute, ours, name in PATCHES:
    value = importlib.import_module(target)
    for part in attribute.split("."):
        value = getattr(value, part)
    functions[f"{target}.{attribute}"] = {"now": where(value), "kyso": where(getattr(importlib.import_module(ours), name))}
sign = sys.modules["pyhanko.sign"]
out = {"functions": functions, "installed": installed(), "sign_deferred": "__getattr__" in vars(sign),
       "sign_init_ran": "sign_pdf" in vars(sign), "signers": "pyhanko.sign.signers" in sys.modules}
if "report" in globals():
    out["verdict"], out["layers"], out["json"] = report.verdict, len(report.layers), render_json(report, "en")
print(json.dumps(out))
"""

# the same functions in an interpreter that never imported kyso: pyHanko's own
PYHANKO_ALONE = r"""
import importlib, json
TARGETS = %r
def where(fn):
    code = fn.__code__
    return [fn.__module__, fn.__qualname__, code.co_filename, code.co_firstlineno]
out = {}
for target, attribute in TARGETS:
    value = importlib.import_module(target)
    for part in attribute.split("."):
        value = getattr(value, part)
    out[f"{target}.{attribute}"] = where(value)
print(json.dumps(out))
""" % [(target, attribute) for target, attribute, _, _ in PATCHES]


def _run(code: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # pyHanko lists some sets in hash order in its messages
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_and_verifying_without_install_leaves_pyhanko_as_pyhanko_defines_it():
    """A program that uses kyso as a library gets pyHanko's own functions and pyhanko.sign's own
    __init__, and the same report as the kyso command gives."""
    alone = _run(PYHANKO_ALONE)
    library = _run("import verifier, verifier.document\n" + VERIFY_PLAN + STATE)
    assert library["verdict"] == "VALID" and library["layers"] == 6
    assert {name: f["now"] for name, f in library["functions"].items()} == alone
    assert all(f["now"] != f["kyso"] for f in library["functions"].values())
    assert not library["installed"] and not library["sign_deferred"]
    assert library["sign_init_ran"] and library["signers"]

    command = _run("from verifier.patches import install\nassert install()\n" + VERIFY_PLAN + STATE)
    assert command["json"] == library["json"]


def test_after_install_pyhanko_runs_kysos_functions_and_defers_its_signing_stack():
    state = _run("from verifier.patches import install\nassert install()\n" + VERIFY_PLAN + STATE)
    assert state["installed"] and state["verdict"] == "VALID" and state["layers"] == 6
    assert len(state["functions"]) == len(PATCHES)
    assert all(f["now"] == f["kyso"] for f in state["functions"].values()), state["functions"]
    assert state["sign_deferred"] and not state["sign_init_ran"] and not state["signers"]


def test_install_twice_is_harmless():
    """The second call changes nothing: kyso's functions still fall back on pyHanko's own, not on
    themselves, and the report is the one of a single call."""
    once = _run("from verifier.patches import install\nassert install()\n" + VERIFY_PLAN + STATE)
    twice = _run(
        "from verifier.patches import install\nassert install() and install()\n" + VERIFY_PLAN +
        "assert install()\n"
        "from verifier.patches import tokens, crlindex, nameprep, pathshare, diffshare\n"
        "kept = [tokens._pyhanko_read_hex, tokens._pyhanko_read_literal, tokens._pyhanko_decode_name, crlindex._walk,\n"
        "        nameprep._values_of, pathshare._find_valid_path, diffshare._find_orphans]\n"
        "assert not any(fn.__module__.startswith('verifier') for fn in kept), kept\n" + STATE)
    assert twice["functions"] == once["functions"] and twice["json"] == once["json"]


def test_install_imports_nothing_of_pyhankos_validation():
    """`kyso verify --help` and the archive's listings pay for the deferral alone; a change to a
    module not yet imported is made when a command imports it."""
    code = ("import sys, json\nfrom verifier.patches import install\nassert install()\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('pyhanko.sign.', 'verifier.')))))")
    modules = set(_run(code))
    assert not {"pyhanko.sign.validation", "pyhanko.sign.diff_analysis", "pyhanko.sign.validation.generic_cms",
                "pyhanko.sign.signers", "verifier.document"} & modules


# --- the versions it was written for --------------------------------------------------------

def test_the_releases_written_for_are_accepted():
    assert refusal(dict(WRITTEN_FOR)) is None
    assert refusal(installed_versions()) is None  # this environment: what pyproject.toml installs
    assert installed()  # the suite runs as the kyso command does (tests/conftest.py)


def test_any_other_release_is_refused_by_name():
    found = {**WRITTEN_FOR, "pyHanko": "0.38.1"}
    why = refusal(found)
    assert why is not None and "pyHanko 0.38.0" in why and "found pyHanko 0.38.1" in why
    assert "pyhanko-certvalidator" not in why  # only what differs is named
    missing = refusal({"pyHanko": "0.38.0", "pyhanko-certvalidator": "0.33.0"})
    assert missing is not None and "asn1crypto not installed" in missing
    assert refusal(WRITTEN_FOR, {**WRITTEN_FOR, "asn1crypto": "1.6.0"}) is not None


def test_install_over_other_releases_patches_nothing_and_warns_once():
    code = (
        "import logging\nrecords = []\n"
        "class Keep(logging.Handler):\n    def emit(self, record): records.append(record.getMessage())\n"
        "logging.getLogger().addHandler(Keep()); logging.getLogger().setLevel(logging.WARNING)\n"
        "from verifier.patches import WRITTEN_FOR, install\n"
        "assert not install({**WRITTEN_FOR, 'pyHanko': '0.37.0'})\n"
        "import verifier.document\n" + VERIFY_PLAN + STATE.replace("print(json.dumps(out))",
                                                                   "out['warnings'] = records\nprint(json.dumps(out))"))
    state = _run(code)
    assert state["verdict"] == "VALID" and not state["installed"]
    assert all(f["now"] != f["kyso"] for f in state["functions"].values())
    assert not state["sign_deferred"] and state["sign_init_ran"]
    assert len(state["warnings"]) == 1 and "pyHanko 0.38.0" in state["warnings"][0] and "0.37.0" in state["warnings"][0]


# --- the worker processes -------------------------------------------------------------------

PROBE = '''
import sys

def state():
    from verifier.patches import installed
    sign = sys.modules.get("pyhanko.sign")
    return {"installed": installed(), "sign_deferred": sign is not None and "__getattr__" in vars(sign),
            "signers": "pyhanko.sign.signers" in sys.modules}
'''


def test_a_spawned_verification_worker_installs_kysos_changes(tmp_path):
    """Where fork is missing, verify_pool spawns its workers: a spawned process starts with
    pyHanko as pyHanko defines it, so its start installs kyso's changes (before unpickling the
    trust, which imports kyso's modules), and a batch on such workers gives the same verdicts."""
    (tmp_path / "kyso_probe.py").write_text(PROBE)
    code = (
        f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\n"
        "from verifier.patches import install\nassert install()\n" + TRUST +
        "import json, multiprocessing\nfrom concurrent.futures import ProcessPoolExecutor\nfrom pathlib import Path\n"
        "from archive import verify_pool\nimport kyso_probe\n"
        "ctx = multiprocessing.get_context('spawn')\n"
        "with ProcessPoolExecutor(1, mp_context=ctx, initializer=verify_pool._start, initargs=(verify_pool._portable(trust),)) as pool:\n"
        "    worker = pool.submit(kyso_probe.state).result()\n"
        "multiprocessing.get_all_start_methods = lambda: ['spawn']  # a platform without fork\n"
        "jobs = [verify_pool.Job(Path('samples/plan.pdf'), 10**8, 'en', False)] * 2\n"
        "verdicts = [r.verdict for r in verify_pool.results(jobs, trust, 2)]\n"
        "print(json.dumps({'worker': worker, 'verdicts': verdicts}))"
    )
    out = _run(code)
    assert out["worker"] == {"installed": True, "sign_deferred": True, "signers": False}
    assert out["verdicts"] == ["VALID", "VALID"]
