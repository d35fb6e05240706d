"""digests: a person's digest settings and one digest row per person per period

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.types


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest_time', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('digest_mode', sa.String(length=8), nullable=True))
        batch_op.add_column(
            sa.Column('charts', sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_table(
        'digest',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=16), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('due_at', core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('sent_at', core.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('person_id', 'period'),
    )
    with op.batch_alter_table('digest', schema=None) as batch_op:
        batch_op.create_index('ix_digest_due', ['status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_digest_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('digest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_person_id'))
        batch_op.drop_index('ix_digest_due')
    op.drop_table('digest')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('charts')
        batch_op.drop_column('digest_mode')
        batch_op.drop_column('digest_time')
