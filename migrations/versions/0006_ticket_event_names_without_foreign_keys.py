"""ticket_event: the office, counter and clerk an event names are not foreign keys

Every call writes two events, and each of the three keys made PostgreSQL check and lock
(FOR KEY SHARE) the office's, the counter's and the clerk's row again: six checks a call,
with every process's calls locking the same office row. The log keeps the ids as they were;
offices, counters and people are deactivated, never deleted. The event's ticket stays a key.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 16:30:00

"""
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

KEYS = (
    ('fk_ticket_event_office_id_office', 'office', 'office_id'),
    ('fk_ticket_event_counter_id_counter', 'counter', 'counter_id'),
    ('fk_ticket_event_actor_id_user', 'user', 'actor_id'),
)


def upgrade():
    with op.batch_alter_table('ticket_event', schema=None) as batch_op:
        for name, _, _ in KEYS:
            batch_op.drop_constraint(name, type_='foreignkey')


def downgrade():
    with op.batch_alter_table('ticket_event', schema=None) as batch_op:
        for name, table, column in KEYS:
            batch_op.create_foreign_key(name, table, [column], ['id'])
