"""partner contacts: people of a partner organisation who are not on Gotong

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-29 23:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.types


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'partner_contact',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partner_org_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('phone', sa.String(length=32), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['partner_org_id'], ['partnerorg.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('partner_org_id', 'name', 'phone'),
    )
    with op.batch_alter_table('partner_contact', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_partner_contact_partner_org_id'), ['partner_org_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('partner_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_contact_partner_org_id'))
    op.drop_table('partner_contact')
