"""Long-term validation of the archive (issue 15): evidence that outlives the services it came from.

- net: the TSA's and the CRLs' downloads through verifier.net.http, errors that name the URL
- settings: the `[ltv]` table of kyso.toml
- tsa: RFC 3161 requests to a TSA, and checking a token against an expected imprint
- chainstamp: timestamps over the audit chain head, taken, kept and checked
- crls: `kyso certs refresh`, the trust store's CRLs downloaded from their distribution points
- pades: `kyso archive ltv`, a PAdES-LTV copy of an archived document
- upkeep: what the watcher does on its own (chain timestamps on a schedule, stale CRLs)
- vgca: the VGCA trust list (JSON) checked against the pinned roots
"""
