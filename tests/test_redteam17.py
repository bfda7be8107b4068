"""Red-team round on issue 17 (the inbox under attack): holes found by an attacker who can only
write into the inbox. Each test states the behaviour users rely on and is expected to fail
(strict xfail) until the hole is closed."""

from __future__ import annotations

import pytest

from tests.test_inbox_attack import kyso_env, open_archive, receipt_names, watch_once
from tests.conftest import SAMPLES


def test_folder_swapped_for_a_file_between_scan_and_claim(tmp_path):
    from archive.intake.inbox import Inbox

    home, inbox = tmp_path / "home", tmp_path / "inbox"
    inbox.mkdir()
    archive = open_archive(home, trust=True)
    (inbox / "x.pdf").write_bytes(b"%PDF-1.4 a clerk's draft")
    watcher = Inbox(inbox, 0)
    ready, _ = watcher.scan()
    assert [c.path for c in ready] == ["x.pdf"]
    # the attacker's window: between the scan and the claim, the file becomes a folder of files
    (inbox / "x.pdf").unlink()
    (inbox / "x.pdf").mkdir()
    (inbox / "x.pdf" / "inner.pdf").write_bytes((SAMPLES / "plan.pdf").read_bytes())
    claim = watcher.claim(ready[0])
    first = archive.process(claim, watcher.area) if claim is not None else None
    watcher.close()
    archive.engine.dispose()
    # the real service afterwards: nothing held, the folder's file archived
    result, _ = watch_once(kyso_env(home), inbox)
    assert first is None or first.kind != "failed", first.reason
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    assert "x.pdf/inner.pdf" in receipt_names(open_archive(home))
    assert not any((inbox / ".kyso-processing").iterdir())


def test_file_deeper_than_max_depth_is_not_silently_ignored(tmp_path):
    home, inbox = tmp_path / "home", tmp_path / "inbox"
    deep = inbox.joinpath(*[f"d{i}" for i in range(1, 18)])
    deep.mkdir(parents=True)
    (deep / "deep.pdf").write_bytes((SAMPLES / "plan.pdf").read_bytes())
    result, _ = watch_once(kyso_env(home), inbox)
    err = result.stderr.decode(errors="replace")
    archived = any(n.endswith("deep.pdf") for n in receipt_names(open_archive(home)))
    quarantined = any((home / "quarantine").glob("*.reason.txt"))
    handled = archived or quarantined
    # not taken, but said: the folder is named, with what to do
    assert handled or ("d17" in err and "move them up" in err), err[-2000:]
