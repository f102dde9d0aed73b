"""The schema comes from the migrations only, and they agree with the models."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from kiosk.extensions import db


def _diff(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return compare_metadata(ctx, db.metadata)


def test_models_and_migrations_agree(any_app):
    assert _diff(db.engine) == []


def test_every_constraint_is_named(any_app):
    inspector = sa.inspect(db.engine)
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        for fk in inspector.get_foreign_keys(table):
            assert fk["name"], f"unnamed foreign key on {table}"
        for uq in inspector.get_unique_constraints(table):
            assert uq["name"], f"unnamed unique constraint on {table}"


def test_downgrade_and_upgrade_the_newest_revision(any_app):
    directory = any_app.extensions["migrate"].directory
    db.session.remove()
    downgrade(directory=directory, revision="-1")
    upgrade(directory=directory)
    assert _diff(db.engine) == []


@pytest.mark.parametrize("command", ["init-db"])
def test_cli_init_db_on_an_empty_database(tmp_path, command):
    from kiosk import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/new.db", "SECRET_KEY": "x"})
    result = app.test_cli_runner().invoke(args=[command])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert "ticket" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_sqlite_migration_keeps_child_rows(app, factory):
    """A batch migration must not cascade-delete tickets (foreign keys off while migrating)."""
    from kiosk.services import queue as rules

    office = factory.office()
    for _ in range(3):
        rules.issue_ticket(db.session, office, factory.service(office, "BIRTH").id)
    db.session.commit()
    db.session.remove()
    directory = app.extensions["migrate"].directory
    downgrade(directory=directory, revision="base")
    upgrade(directory=directory)
    # The initial revision drops everything on the way down; what matters is that foreign
    # keys are back on and intact afterwards.
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []


def test_cli_create_user_and_seed_demo(runner, db):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "Demo data loaded" in result.output
    result = runner.invoke(args=["seed-demo"])
    assert "nothing was changed" in result.output
    result = runner.invoke(
        args=["create-user", "vesna", "--office", "centar", "--password", "long-enough-1"]
    )
    assert result.exit_code == 0, result.output
    from kiosk.models import User

    assert db.session.scalar(db.select(User).filter_by(username="vesna")).office_id


@pytest.mark.parametrize(
    "args, message",
    [
        (["create-user", "x", "--password", "short"], "at least 8"),
        (["create-user", "y", "--office", "nowhere", "--password", "long-enough-1"], "no office"),
        (["create-user", "z", "--role", "king", "--password", "long-enough-1"], "king"),
    ],
)
def test_cli_create_user_refuses_bad_input(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and message in result.output


def test_cli_close_day_closes_what_yesterday_left_open(runner, db):
    import datetime as dt

    from kiosk.models import Ticket, TicketStatus
    from kiosk.services import queue as rules
    from tests.factories import Factory

    factory = Factory(db.session)
    office = factory.office()
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1, hours=1)
    ticket = rules.issue_ticket(db.session, office, factory.service(office, "BIRTH").id,
                                now=yesterday)
    db.session.commit()
    result = runner.invoke(args=["close-day"])
    assert result.exit_code == 0 and "centar: 1 closed" in result.output
    db.session.rollback()
    assert db.session.get(Ticket, ticket.id).status == TicketStatus.CANCELLED
