"""one vocabulary: columns named like the JSON keys, numbers from 1, hashes lower-case

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

documents.verified_at and verifications.verified_at become validation_time (the report's key);
layers.position (0-based) becomes layer, the layer number from 1; layers.revision counted
pyHanko's way from 0 and now counts from 1 (revision 1 is the file as first written);
signer_cn, signer_org, cert_sha256, cert_serial and issuer_cn take the report's names, and
certificate hashes are stored lower-case so that they join evidence.sha256. The JSON reports
kept in verifications.report are not rewritten: archived reports stay as they were issued, and
verifier.report.load reads either form.
"""

from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_LAYER_RENAMES = (
    ('position', 'layer'),
    ('signer_cn', 'signer_common_name'),
    ('signer_org', 'signer_organization'),
    ('cert_sha256', 'certificate_sha256'),
    ('cert_serial', 'certificate_serial'),
    ('issuer_cn', 'issuer_common_name'),
)


# Plain ALTER TABLE … RENAME COLUMN (SQLite 3.25+, PostgreSQL), not batch mode: batch mode
# would copy each table and drop the original, which SQLite's foreign keys forbid while
# receipts and verifications point at documents.


def upgrade() -> None:
    op.alter_column('documents', 'verified_at', new_column_name='validation_time')
    op.alter_column('verifications', 'verified_at', new_column_name='validation_time')
    op.drop_index('ix_layers_signer_cn', table_name='layers')
    for old, new in _LAYER_RENAMES:
        op.alter_column('layers', old, new_column_name=new)
    op.create_index('ix_layers_signer_common_name', 'layers', ['signer_common_name'], unique=False)
    op.execute(
        "UPDATE layers SET layer = layer + 1, revision = revision + 1, "
        "certificate_sha256 = lower(certificate_sha256)"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE layers SET layer = layer - 1, revision = revision - 1, "
        "certificate_sha256 = upper(certificate_sha256)"
    )
    op.drop_index('ix_layers_signer_common_name', table_name='layers')
    for old, new in _LAYER_RENAMES:
        op.alter_column('layers', new, new_column_name=old)
    op.create_index('ix_layers_signer_cn', 'layers', ['signer_cn'], unique=False)
    op.alter_column('verifications', 'validation_time', new_column_name='verified_at')
    op.alter_column('documents', 'validation_time', new_column_name='verified_at')
