"""inbox of received events; replies and resumable pieces in the outbox

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.types


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'inbox_event',
        sa.Column('platform', sa.String(length=16), nullable=False),
        sa.Column('event_id', sa.String(length=128), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=True),
        sa.Column('received_at', core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('handled_at', core.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('platform', 'event_id'),
    )
    op.create_index('ix_inbox_pending', 'inbox_event', ['handled_at', 'received_at'], unique=False)
    # Every event processed so far was handled when it was recorded.
    op.execute(
        'INSERT INTO inbox_event (platform, event_id, received_at, handled_at) '
        'SELECT platform, event_id, processed_at, processed_at FROM processedevent'
    )
    op.drop_table('processedevent')

    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.alter_column('person_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('chat_id', sa.String(length=128), nullable=True))
        batch_op.add_column(
            sa.Column('pieces_sent', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade() -> None:
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_column('pieces_sent')
        batch_op.drop_column('chat_id')
    op.execute('DELETE FROM outboxmessage WHERE person_id IS NULL')
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.alter_column('person_id', existing_type=sa.Integer(), nullable=False)

    op.create_table(
        'processedevent',
        sa.Column('platform', sa.String(length=16), nullable=False),
        sa.Column('event_id', sa.String(length=128), nullable=False),
        sa.Column('processed_at', core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('platform', 'event_id'),
    )
    op.execute(
        'INSERT INTO processedevent (platform, event_id, processed_at) '
        'SELECT platform, event_id, received_at FROM inbox_event'
    )
    op.drop_index('ix_inbox_pending', table_name='inbox_event')
    op.drop_table('inbox_event')
