"""accounts, console sessions and API tokens of `kyso serve`

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

`kyso serve` (archive.web) lets people and other systems use the archive over HTTP: accounts
with roles and argon2id password hashes, the console's sign-in sessions and the API's bearer
tokens, both kept as SHA-256 of the secret only. They live in the archive's database so that
several servers on one PostgreSQL archive know the same accounts and sessions.
"""

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'accounts',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('name', sa.String(length=64), nullable=False, unique=True),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('roles', sa.String(length=64), nullable=False),
        sa.Column('lang', sa.String(length=2), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('disabled_at', sa.DateTime(timezone=True)),
        sa.Column('failed_logins', sa.Integer(), nullable=False),
        sa.Column('locked_until', sa.DateTime(timezone=True)),
    )
    op.create_table(
        'web_sessions',
        sa.Column('token_sha256', sa.String(length=64), primary_key=True),
        sa.Column('account_id', sa.Integer(), sa.ForeignKey('accounts.id'), nullable=False),
        sa.Column('csrf', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_web_sessions_account_id', 'web_sessions', ['account_id'])
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('account_id', sa.Integer(), sa.ForeignKey('accounts.id'), nullable=False),
        sa.Column('label', sa.String(length=64), nullable=False),
        sa.Column('token_sha256', sa.String(length=64), nullable=False, unique=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used', sa.DateTime(timezone=True)),
        sa.Column('revoked_at', sa.DateTime(timezone=True)),
    )
    op.create_index('ix_api_tokens_account_id', 'api_tokens', ['account_id'])


def downgrade() -> None:
    op.drop_index('ix_api_tokens_account_id', table_name='api_tokens')
    op.drop_table('api_tokens')
    op.drop_index('ix_web_sessions_account_id', table_name='web_sessions')
    op.drop_table('web_sessions')
    op.drop_table('accounts')
