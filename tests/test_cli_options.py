"""Every command's options are its own once: click warns on stderr, at every run, of an option
declared twice, and only one of the two declarations can say what it means. `kyso archive ltv`
had --net-timeout from its own option and from the trust options; the one left bounds the TSA's
answer (live test PKI, real SQLite archive, click's runner)."""

from __future__ import annotations

import time
import warnings

import click
import pytest


def _commands(command, path=()):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))


def test_no_command_declares_an_option_twice():
    from archive.cli import main

    seen = 0
    for path, command in _commands(main):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # click's "used more than once" is a UserWarning
            command.make_parser(click.Context(command, info_name=" ".join(path) or "kyso"))
        names = [opt for p in command.params for opt in getattr(p, "opts", ())]
        assert len(names) == len(set(names)), (path, sorted(n for n in names if names.count(n) > 1))
        seen += 1
    assert seen > 20  # every subcommand was looked at, not only the group


def test_archive_ltv_net_timeout_bounds_the_tsa(live_pki, tmp_path):
    pytest.importorskip("certomancer")
    from click.testing import CliRunner

    from archive.cli import main

    env = {"KYSO_HOME": str(tmp_path / "home"), "KYSO_LANG": "en", "KYSO_DATABASE_URL": None, "KYSO_CONFIG": None}
    runner = CliRunner()
    roots = [str(live_pki.write_pem(f"{label}.pem", label)) for label in ("root", "ca")]
    assert runner.invoke(main, ["certs", "import", "--unpinned", *roots], env=env).exit_code == 0
    doc = tmp_path / "plan.pdf"
    doc.write_bytes(live_pki.sign("good"))
    assert runner.invoke(main, ["ingest", str(doc), "--online"], env=env).exit_code == 0
    out = tmp_path / "copy.pdf"
    with live_pki.states(tsa="hang"):
        started = time.monotonic()
        result = runner.invoke(main, ["archive", "ltv", "1", "-o", str(out), "--tsa", live_pki.tsa_url,
                                      "--net-timeout", "1"], env=env)
        elapsed = time.monotonic() - started
    assert result.exit_code == 3, result.output
    assert "no answer within 1 s" in result.stderr and "used more than once" not in result.stderr
    assert elapsed < 8 and not out.exists()
