"""The cyclic garbage collector tuned for a process that verifies document after document.

One call, `settle()`, once start-up is over (modules imported, trust assembled):

- `gc.freeze()`: what exists then lives as long as the process; out of the collector's scans,
  which otherwise walk it again and again (a tenth of a document's time on the 10-layer
  benchmark), and, in forked workers, out of copy-on-write.
- a youngest generation of GEN0 allocations instead of Python's 700: a verification makes
  hundreds of thousands of small dicts, lists and tuples (light copies of every object version,
  path memos) that die together with its reader, nearly none in cycles; collecting every 700
  of them cost a fifth of a tagged decree's verification (50-2026-ND-CP: 2.5 s CPU against
  1.8 s). What cycles there are wait a little longer to be freed; the memory that holds is a
  few megabytes.
"""

from __future__ import annotations

import gc

GEN0 = 50_000


def settle() -> None:
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0, gen1, gen2)
