"""One trust assembly for every command: `kyso verify` and `kyso ingest` trust the same anchors
(kyso.toml's [trust] included), and a bad trust setting is the same clear usage error in both,
with no click and no traceback inside the assembly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests import inprocess
from tests.conftest import SAMPLES, manifest

TRUST = SAMPLES / manifest()["trust"]


def kyso(env: dict, *args: str, real: bool = False) -> subprocess.CompletedProcess:
    """`kyso ARGS` in this process (tests/inprocess.py), or with `real` in a process of its own."""
    if not real:
        return inprocess.kyso(*args, env=env)
    return subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture
def home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    return home


@pytest.fixture
def env(home):
    # these tests read the English wording (tests/test_clilang_errors.py: the Vietnamese)
    return {**os.environ, "KYSO_HOME": str(home), "KYSO_DATABASE_URL": f"sqlite:///{home / 'kyso.sqlite'}",
            "KYSO_LANG": "en"}


def test_verify_and_ingest_agree_under_kyso_toml_anchors(home, env):
    shutil.copy(TRUST, home / "sample-root.pem")  # a path relative to kyso.toml, as the README shows
    (home / "kyso.toml").write_text('[trust]\nanchors = ["sample-root.pem"]\n', encoding="utf-8")
    verified = kyso(env, "verify", "--json", str(SAMPLES / "plan.pdf"))
    assert verified.returncode == 0, verified.stderr[-2000:]
    assert json.loads(verified.stdout)["verdict"] == "VALID"
    ingested = kyso(env, "ingest", "--json", str(SAMPLES / "plan.pdf"))
    assert ingested.returncode == 0, ingested.stderr[-2000:]
    outcome = json.loads(ingested.stdout.splitlines()[0])
    assert (outcome["event"], outcome["verdict"]) == ("archived", "VALID")
    again = kyso(env, "verify", "--json", "--archived", str(outcome["document_id"]))
    assert again.returncode == 0 and json.loads(again.stdout)["verdict"] == "VALID", again.stderr[-2000:]
    # the anchors come from kyso.toml, not from somewhere else: without it both lose them alike
    (home / "kyso.toml").unlink()
    assert json.loads(kyso(env, "verify", "--json", str(SAMPLES / "plan.pdf")).stdout)["verdict"] == "INDETERMINATE"


@pytest.mark.parametrize("anchor, problem", [
    ("missing-root.pem", "cannot read"),
    ("not-a-certificate.pem", "not-a-certificate.pem"),
])
@pytest.mark.parametrize("command", ["verify", "ingest"])
def test_a_bad_anchor_in_kyso_toml_is_a_usage_error(home, env, anchor, problem, command):
    (home / "not-a-certificate.pem").write_text("hello\n", encoding="utf-8")
    (home / "kyso.toml").write_text(f'[trust]\nanchors = ["{anchor}"]\n', encoding="utf-8")
    result = kyso(env, command, str(SAMPLES / "plan.pdf"))
    assert result.returncode == 2, (result.stdout[-1000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    assert f"{home / 'kyso.toml'} [trust] anchors" in result.stderr and problem in result.stderr, result.stderr
    assert not (home / "objects").exists()  # nothing archived with half the trust


def test_a_bad_trust_option_names_the_option(env):
    result = kyso(env, "verify", str(SAMPLES / "plan.pdf"), "--trust", str(SAMPLES / "manifest.json"), real=True)
    assert result.returncode == 2 and "Invalid value for --trust" in result.stderr and "Traceback" not in result.stderr


def test_the_assembly_raises_its_own_error_not_click(home, monkeypatch):
    from archive.config import load_settings
    from archive.trust.assembly import TrustOptions, TrustSetupError, assemble_trust

    with pytest.raises(TrustSetupError) as caught:
        assemble_trust(TrustOptions(trust=(home / "absent.pem",)), load_settings(home))
    assert caught.value.where == "--trust" and "absent.pem" in caught.value.message
    with pytest.raises(TrustSetupError) as caught:
        assemble_trust(TrustOptions(policy="no-such-policy"), load_settings(home))
    assert caught.value.where == "--policy"
    code = "import sys, archive.trust.assembly, archive.intake.watcher; print('click' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_kyso_toml_trust_settings_reach_the_configuration(home):
    from archive.config import load_settings
    from archive.trust.assembly import TrustOptions, assemble_trust
    from verifier.trust.config import TrustConfig

    shutil.copy(TRUST, home / "sample-root.pem")
    (home / "kyso.toml").write_text('[trust]\nanchors = ["sample-root.pem"]\nonline = true\n', encoding="utf-8")
    config = assemble_trust(TrustOptions(use_store=False), load_settings(home))
    expected = TrustConfig()
    expected.add_bundle(TRUST.read_bytes())
    assert config.online
    assert [a.cert.dump() for a in config.anchors] == [a.cert.dump() for a in expected.anchors]
