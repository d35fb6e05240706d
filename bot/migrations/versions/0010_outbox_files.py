"""a file with an outbox message: its kind, name, bytes, the note sent if it is refused

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('attachment_name', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('attachment_data', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('attachment_note', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('attachment_error', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_column('attachment_error')
        batch_op.drop_column('attachment_note')
        batch_op.drop_column('attachment_data')
        batch_op.drop_column('attachment_name')
        batch_op.drop_column('attachment_kind')
