"""a program's field updates by moment, for digests since the last one

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 02:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_field_update_program_at", "field_update", ["program_id", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_field_update_program_at", table_name="field_update")
