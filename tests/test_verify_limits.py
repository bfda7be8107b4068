"""`kyso verify --max-size` bounds what is read, whatever the file's size says: a device such as
/dev/zero (size 0, endless) is refused at the limit (FILE_TOO_LARGE, exit 4), never read until
memory runs out. A real `kyso verify` process, its memory capped so that a regression fails the
test instead of the machine."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_an_endless_device_is_refused_at_the_size_limit():
    def capped():
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    result = subprocess.run([sys.executable, "-m", "archive", "verify", "--json", "--max-size", "1", "/dev/zero"],
                            capture_output=True, text=True, timeout=120, preexec_fn=capped,
                            env={**os.environ, "KYSO_LANG": "en"})
    assert result.returncode == 4, result.stderr
    report = json.loads(result.stdout.splitlines()[0])
    assert report["verdict"] == "ERROR"
    assert [f["code"] for f in report["findings"]] == ["FILE_TOO_LARGE"]
