"""each verification keeps its HTML report

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

verifications.report_html_sha256 names the HTML report made when the verification ran (in
Vietnamese, with the pictures drawn from the original), stored as a content-addressed object
beside the originals and the evidence; the JSON report stays in verifications.report.
Verifications recorded before have none: `kyso archive report` makes theirs from the JSON
report and the stored original.
"""

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('verifications', sa.Column('report_html_sha256', sa.String(length=64), nullable=True))


def downgrade() -> None:
    # in place (SQLite 3.35+, PostgreSQL): batch mode would copy the table, which the foreign
    # keys of layers and evidence forbid
    op.drop_column('verifications', 'report_html_sha256')
