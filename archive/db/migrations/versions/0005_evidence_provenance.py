"""evidence says where it came from; a verification says what it judged at and what it decided

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-04

evidence.source (embedded | store | run | fetched), evidence.url (where it was fetched from),
evidence.obtained_at and evidence.layers (the layer numbers it served, "1,3"): what a re-
verification needs to reuse it, and what an auditor reads in `archive show` and the export.
verifications.performed_at is when a run happened (validation_time is the moment it judged at:
earlier for a re-verification as of the archived validation time), verifications.as_of says which
(now | archived) and verifications.decision what the run did to the document's verdict (first,
same, changed, less_founded, conflict, not_used). Rows recorded before have NULL in all of them.

It follows 0004 (the folded search columns).
"""

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('evidence', sa.Column('source', sa.String(length=16), nullable=True))
    op.add_column('evidence', sa.Column('url', sa.Text(), nullable=True))
    op.add_column('evidence', sa.Column('obtained_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('evidence', sa.Column('layers', sa.String(length=255), nullable=True))
    op.add_column('verifications', sa.Column('performed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('verifications', sa.Column('as_of', sa.String(length=16), nullable=True))
    op.add_column('verifications', sa.Column('decision', sa.String(length=24), nullable=True))


def downgrade() -> None:
    # in place (SQLite 3.35+, PostgreSQL), as 0003 does
    for table, column in (('verifications', 'decision'), ('verifications', 'as_of'), ('verifications', 'performed_at'),
                          ('evidence', 'layers'), ('evidence', 'obtained_at'), ('evidence', 'url'), ('evidence', 'source')):
        op.drop_column(table, column)
