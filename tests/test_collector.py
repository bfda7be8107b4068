"""Processes that verify document after document tune the cyclic collector once start-up is over
(archive.collector): start-up's objects frozen out of its scans, and a youngest generation large
enough that a verification's many small acyclic objects are not scanned every 700 allocations."""

from __future__ import annotations

import subprocess
import sys

from archive.collector import GEN0


def test_settle_freezes_start_up_and_widens_the_youngest_generation():
    code = ("import gc; from archive.collector import settle; settle(); "
            "print(gc.get_threshold()[0], gc.get_freeze_count() > 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == [str(GEN0), "True"]

