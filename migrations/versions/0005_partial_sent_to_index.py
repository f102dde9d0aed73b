"""ticket: the index of tickets sent to a counter holds those tickets only

With every ticket in it, PostgreSQL's planner walked it for call next's "oldest ticket not sent
anywhere" and sorted the whole queue whenever the table's statistics were older than the day's
tickets (a fresh database, or a morning's rush before autovacuum's next analyse): a claim then
cost 0.9 ms instead of 0.4 ms with 1,200 tickets waiting.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 11:20:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

SENT = sa.text('target_counter_id IS NOT NULL')


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_sent_to')
        batch_op.create_index('ix_ticket_sent_to', ['target_counter_id', 'status'], unique=False,
                              postgresql_where=SENT, sqlite_where=SENT)


def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_sent_to')
        batch_op.create_index('ix_ticket_sent_to', ['target_counter_id', 'status'], unique=False)
