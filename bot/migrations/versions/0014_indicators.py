"""indicators, their values, and withdrawn field updates

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.types


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'indicator',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('unit', sa.String(length=80), nullable=False),
        sa.Column('target', core.types.Money(precision=20, scale=4), nullable=False),
        sa.Column('baseline', core.types.Money(precision=20, scale=4), nullable=False),
        sa.Column('combine', sa.String(length=8), nullable=False),
        sa.Column('by_region', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['program_id'], ['program.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['person.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('program_id', 'code'),
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_program_id'), ['program_id'], unique=False)
    op.create_table(
        'indicator_value',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('update_id', sa.Integer(), nullable=False),
        sa.Column('reporter_id', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=120), nullable=False),
        sa.Column('region_key', sa.String(length=120), nullable=False),
        sa.Column('value', core.types.Money(precision=20, scale=4), nullable=False),
        sa.Column('recorded_at', core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_at', core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('review', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id']),
        sa.ForeignKeyConstraint(['update_id'], ['field_update.id']),
        sa.ForeignKeyConstraint(['reporter_id'], ['person.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.create_index(
            'ix_indicator_value_indicator', ['indicator_id', 'reporter_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_indicator_value_update_id'), ['update_id'], unique=False
        )
    with op.batch_alter_table('field_update', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('withdrawn_at', core.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('field_update', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_value_update_id'))
        batch_op.drop_index('ix_indicator_value_indicator')
    op.drop_table('indicator_value')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_program_id'))
    op.drop_table('indicator')
