"""when each account last wrote, and when it was told that messages wait (reply windows)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.types import UTCDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("identity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_message_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("waiting_notice_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("identity", schema=None) as batch_op:
        batch_op.drop_column("waiting_notice_at")
        batch_op.drop_column("last_message_at")
