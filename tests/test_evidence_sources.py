"""The archive keeps each piece of evidence with the source the verifier found for it (the trust
store's, the run's, the document's) without reading the trust store a second time per run: the
store is read once, to assemble the trust, whose material says where it came from. `kyso certs
import` and `kyso ingest` in this process (click's runner), a real SQLite archive."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from tests.conftest import SAMPLES, manifest


def test_ingest_reads_the_trust_store_once_and_names_it_as_the_source(monkeypatch):
    from click.testing import CliRunner

    from archive.cli import main
    from archive.trust.store import TrustStore

    runner = CliRunner()
    assert runner.invoke(main, ["certs", "import", "--unpinned", str(SAMPLES / manifest()["trust"])]).exit_code == 0
    reads = []
    real = TrustStore.material

    def counted(self):
        reads.append(self.root)
        return real(self)

    monkeypatch.setattr(TrustStore, "material", counted)
    result = runner.invoke(main, ["ingest", str(SAMPLES / "plan.pdf")])
    assert result.exit_code == 0, result.output
    assert len(reads) == 1, reads  # assembling the trust; the evidence's sources come with it
    home = Path(os.environ["KYSO_HOME"])
    with sqlite3.connect(home / "kyso.sqlite") as db:
        sources = dict(db.execute("SELECT kind, group_concat(DISTINCT source) FROM evidence GROUP BY kind").fetchall())
    assert "store" in sources["certificate"].split(",")  # the root and the CA: the store's, not the run's
