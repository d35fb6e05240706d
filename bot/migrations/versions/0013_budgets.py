"""budgets: budget lines, expenses (reversed, never deleted), who may spend, alerts sent

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.types


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'budget_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('planned', core.types.Money(), nullable=False),
        sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['program_id'], ['program.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('program_id', 'key'),
    )
    with op.batch_alter_table('budget_line', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_budget_line_program_id'), ['program_id'], unique=False
        )
    op.create_table(
        'expense',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('line_id', sa.Integer(), nullable=False),
        sa.Column('amount', core.types.Money(), nullable=False),
        sa.Column('text', sa.String(length=300), nullable=False),
        sa.Column('photo_file_id', sa.String(length=256), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('reversed_at', core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('reversed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['line_id'], ['budget_line.id']),
        sa.ForeignKeyConstraint(['program_id'], ['program.id']),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['person.id']),
        sa.ForeignKeyConstraint(['reversed_by_id'], ['person.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('expense', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expense_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expense_program_id'), ['program_id'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_expense_recorded_by_id'), ['recorded_by_id'], unique=False
        )
    op.create_table(
        'budget_permission',
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('granted_by_id', sa.Integer(), nullable=True),
        sa.Column('granted_at', core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['granted_by_id'], ['person.id']),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.ForeignKeyConstraint(['program_id'], ['program.id']),
        sa.PrimaryKeyConstraint('program_id', 'person_id'),
    )
    op.create_table(
        'budget_alert',
        sa.Column('line_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('sent_at', core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['line_id'], ['budget_line.id']),
        sa.PrimaryKeyConstraint('line_id', 'kind'),
    )


def downgrade() -> None:
    op.drop_table('budget_alert')
    op.drop_table('budget_permission')
    with op.batch_alter_table('expense', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expense_recorded_by_id'))
        batch_op.drop_index(batch_op.f('ix_expense_program_id'))
        batch_op.drop_index(batch_op.f('ix_expense_line_id'))
    op.drop_table('expense')
    with op.batch_alter_table('budget_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_line_program_id'))
    op.drop_table('budget_line')
