"""reporting windows: a program's reporting rhythm, and who reported in a window

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.types


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'reporting_rhythm',
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('every', sa.String(length=8), nullable=False),
        sa.Column('weekday', sa.Integer(), nullable=True),
        sa.Column('at', sa.String(length=5), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('next_close', core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('set_by_id', sa.Integer(), nullable=True),
        sa.Column('set_at', core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['program_id'], ['program.id']),
        sa.ForeignKeyConstraint(['set_by_id'], ['person.id']),
        sa.PrimaryKeyConstraint('program_id'),
    )
    with op.batch_alter_table('reporting_rhythm', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_reporting_rhythm_next_close'), ['next_close'], unique=False
        )
    with op.batch_alter_table('field_update', schema=None) as batch_op:
        batch_op.create_index(
            'ix_field_update_program_author_at',
            ['program_id', 'author_id', 'created_at'],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('field_update', schema=None) as batch_op:
        batch_op.drop_index('ix_field_update_program_author_at')
    with op.batch_alter_table('reporting_rhythm', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reporting_rhythm_next_close'))
    op.drop_table('reporting_rhythm')
