"""the reason a person gave when declining a meeting

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 20:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('meetingattendee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=300), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('meetingattendee', schema=None) as batch_op:
        batch_op.drop_column('reason')
