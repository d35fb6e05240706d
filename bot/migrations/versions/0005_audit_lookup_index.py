"""an index for looking up one account's recent audit entries of one kind

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 20:15:00
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_audit_action_entity', 'auditentry', ['action', 'entity_id', 'at'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_audit_action_entity', table_name='auditentry')
