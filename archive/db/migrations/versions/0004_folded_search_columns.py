"""folded search columns

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

`kyso archive list` and `kyso archive search` compare Vietnamese text folded (case, diacritics,
NFC/NFD, Đ/đ: archive.db.folded), the same in SQLite and PostgreSQL. The folded forms are kept
in columns beside the text they come from, which the model fills on every write; this revision
adds them and fills them for the rows written before, with the model's own function, so an
archive upgraded from 0003 finds exactly what a new one finds.
"""

import sqlalchemy as sa
from alembic import op

from archive.db.folded import FOLDED

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# the columns this revision adds (named here, not taken from FOLDED, which a later revision may
# extend), and the columns they are made from
_COLUMNS = {
    'documents': ('type_name_folded', 'code_notation_folded', 'organ_name_folded', 'text_folded'),
    'layers': ('signer_common_name_folded',),
    'receipts': ('name_folded',),
}
_SOURCES = {
    'documents': ('code_number', 'code_notation', 'type_name', 'subject', 'organ_name', 'signer_name', 'place'),
    'layers': ('signer_common_name',),
    'receipts': ('name_nfc',),
}
_INDEXES = (('ix_documents_code_notation_folded', 'documents', ['code_notation_folded', 'code_number']),)
_BATCH = 2000


def upgrade() -> None:
    # in place (add_column is an ALTER TABLE in both): batch mode would copy the tables, which
    # the foreign keys pointing at them forbid in SQLite
    for table, columns in _COLUMNS.items():
        for column in columns:
            op.add_column(table, sa.Column(column, sa.Text(), nullable=True))
    conn = op.get_bind()
    for table, columns in _COLUMNS.items():
        _backfill(conn, table, {c: FOLDED[table][c] for c in columns})
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns, unique=False)


def _backfill(conn, table: str, makers) -> None:
    """Fill the folded columns of every existing row, a batch of ids at a time (memory flat in
    the number of rows)."""
    t = sa.table(table, sa.column('id'), *(sa.column(c) for c in _SOURCES[table]), *(sa.column(c) for c in makers))
    update = t.update().where(t.c.id == sa.bindparam('row_id')).values({c: sa.bindparam(c) for c in makers})
    last = 0
    while True:
        rows = conn.execute(sa.select(t.c.id, *(t.c[c] for c in _SOURCES[table]))
                            .where(t.c.id > last).order_by(t.c.id).limit(_BATCH)).mappings().all()
        if not rows:
            return
        conn.execute(update, [{'row_id': row['id'], **{c: make(row) for c, make in makers.items()}} for row in rows])
        last = rows[-1]['id']


def downgrade() -> None:
    for name, table, _columns in _INDEXES:
        op.drop_index(name, table_name=table)
    for table, columns in _COLUMNS.items():
        for column in columns:
            op.drop_column(table, column)
