"""commitments and their receipts

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.types


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('partner_org_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=300), nullable=False),
    sa.Column('quantity', core.types.Money(precision=20, scale=4), nullable=True),
    sa.Column('unit', sa.String(length=80), nullable=False),
    sa.Column('money', sa.Boolean(), nullable=False),
    sa.Column('due_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('proposed_due_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.String(length=300), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['partner_org_id'], ['partnerorg.id'], ),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ),
    sa.ForeignKeyConstraint(['requested_by_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.create_index('ix_commitment_org_status', ['partner_org_id', 'status', 'due_at'], unique=False)
        batch_op.create_index('ix_commitment_program_status', ['program_id', 'status', 'due_at'], unique=False)

    op.create_table('commitmentreceipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('quantity', core.types.Money(precision=20, scale=4), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('photo_file_id', sa.String(length=256), nullable=True),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('commitmentreceipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitmentreceipt_commitment_id'), ['commitment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('commitmentreceipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitmentreceipt_commitment_id'))

    op.drop_table('commitmentreceipt')
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_index('ix_commitment_program_status')
        batch_op.drop_index('ix_commitment_org_status')

    op.drop_table('commitment')
