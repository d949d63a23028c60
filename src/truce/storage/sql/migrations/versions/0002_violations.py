"""Violations as adjudication writes them: the subject incident's id, its start and the run that
superseded the row (like incidents: replaced, never deleted).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 18:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot add NOT NULL columns in place (the table is rebuilt; nothing
    # wrote violations before this revision, so it is empty)
    with op.batch_alter_table('violations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('incident_id', sa.String(length=200), nullable=False))
        batch_op.add_column(sa.Column('start', sa.Float(), nullable=False))
        batch_op.add_column(sa.Column('superseded_by', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_violations_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_violations_start'), ['start'], unique=False)
        batch_op.create_index(batch_op.f('ix_violations_superseded_by'), ['superseded_by'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('violations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_violations_superseded_by'))
        batch_op.drop_index(batch_op.f('ix_violations_start'))
        batch_op.drop_index(batch_op.f('ix_violations_incident_id'))
        batch_op.drop_column('superseded_by')
        batch_op.drop_column('start')
        batch_op.drop_column('incident_id')
