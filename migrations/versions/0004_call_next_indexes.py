"""ticket: indexes in call next's order

The waiting tickets by priority, queue position and id; the tickets sent to a counter.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 04:20:00

"""
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_waiting')
        batch_op.create_index('ix_ticket_waiting',
                              ['office_id', 'status', 'priority', 'queued_at', 'id'], unique=False)
        batch_op.create_index('ix_ticket_sent_to', ['target_counter_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_sent_to')
        batch_op.drop_index('ix_ticket_waiting')
        batch_op.create_index('ix_ticket_waiting',
                              ['office_id', 'status', 'priority', 'queued_at'], unique=False)
