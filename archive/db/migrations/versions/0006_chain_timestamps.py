"""RFC 3161 timestamps over the audit chain head

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-04

chain_timestamps keeps each token a TSA gave over the hash of the audit chain's head event
(archive.ltv.chainstamp): proof, from outside the archive, that the log and everything it
records (documents, verifications, evidence) existed by the token's time. It follows 0005
(the evidence's provenance).
"""

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'chain_timestamps',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('chain_hash', sa.String(length=64), nullable=False),
        sa.Column('tsa_url', sa.Text(), nullable=False),
        sa.Column('gen_time', sa.DateTime(timezone=True), nullable=False),
        sa.Column('token', sa.LargeBinary(), nullable=False),
        sa.Column('token_sha256', sa.String(length=64), nullable=False),
        sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_chain_timestamps_seq', 'chain_timestamps', ['seq'])


def downgrade() -> None:
    op.drop_index('ix_chain_timestamps_seq', table_name='chain_timestamps')
    op.drop_table('chain_timestamps')
