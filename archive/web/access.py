"""The roles and what each may do: every route names one action, and only this table says who
may take it (issue 19: clerk uploads, ingests and releases from quarantine; auditor reads,
re-verifies and exports; admin keeps the trust store and the accounts).

An account holds one or more roles. Reading the archive (search, a document, its report, the
inbox and the quarantine) is open to clerks and auditors alike: a clerk registers what arrived
and must see it. Admin is not a super-role: an administrator who also audits holds both.
"""

from __future__ import annotations

ROLES = ("clerk", "auditor", "admin")

# action -> the roles that may take it
ACTIONS: dict[str, frozenset[str]] = {
    "verify": frozenset(ROLES),  # verify an uploaded PDF without archiving it
    "read": frozenset({"clerk", "auditor"}),  # search, documents, reports, originals, inbox, quarantine
    "ingest": frozenset({"clerk"}),
    "release": frozenset({"clerk"}),  # release a file from quarantine back to the inbox
    "reverify": frozenset({"auditor"}),
    "export": frozenset({"auditor"}),  # export packages, evidence
    "audit": frozenset({"auditor"}),  # the audit chain and fixity status
    "metrics": frozenset(ROLES),
    "trust": frozenset({"admin"}),
    "accounts": frozenset({"admin"}),
}


def parse_roles(text: str) -> frozenset[str]:
    """'clerk, auditor' -> {'clerk', 'auditor'}; ValueError naming what is not a role."""
    roles = frozenset(part.strip().lower() for part in text.split(",") if part.strip())
    unknown = sorted(roles - set(ROLES))
    if unknown or not roles:
        raise ValueError(", ".join(unknown) or text)
    return roles


def allowed(roles: frozenset[str] | set[str], action: str) -> bool:
    return bool(ACTIONS[action] & set(roles))
