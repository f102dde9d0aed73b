"""``flask --app kiosk ...`` commands: database set-up, demo data, users, the daily close."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from .database import begin_write
from .extensions import db
from .models import Office, Role, User


def init_app(app) -> None:
    for command in (init_db, seed_demo, create_user, close_day_command):
        app.cli.add_command(command)


def prepare_database(*, demo: bool) -> bool:
    """Bring the schema up to date and load the demo data into an empty database.

    Returns whether demo data was loaded now.
    """
    upgrade(directory=current_app.extensions["migrate"].directory)
    if not demo:
        return False
    from .demo import load_demo
    from .models import Organisation

    begin_write(db.session)
    if db.session.scalar(db.select(Organisation.id)) is not None:
        db.session.rollback()
        return False
    load_demo(db.session)
    db.session.commit()
    return True


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database schema (runs the migrations)."""
    prepare_database(demo=False)
    click.echo("Database is up to date.")


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load the demo municipalities (Kisela Voda, Haskovo) into an empty database."""
    if prepare_database(demo=True):
        click.echo("Demo data loaded.")
    else:
        click.echo("The database already has data; nothing was changed.")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.CLERK.value)
@click.option("--office", "office_slug", help="The clerk's office (its slug).")
@click.option("--name", "display_name", default="", help="The name shown to colleagues.")
@click.password_option(help="Asked for when not given.")
def create_user(username, role, office_slug, display_name, password):
    """Create a member of staff (an administrator or a clerk)."""
    username = username.strip()
    if not username or len(username) > 64:
        raise click.BadParameter("must be 1 to 64 characters", param_hint="USERNAME")
    if len(password) < 8:
        raise click.BadParameter("must be at least 8 characters", param_hint="--password")
    begin_write(db.session)
    if db.session.scalar(db.select(User.id).filter_by(username=username)) is not None:
        raise click.BadParameter(f"a user named {username!r} already exists", param_hint="USERNAME")
    office = None
    if office_slug:
        office = db.session.scalar(db.select(Office).filter_by(slug=office_slug))
        if office is None:
            raise click.BadParameter(f"no office {office_slug!r}", param_hint="--office")
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        office_id=office.id if office else None,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {username!r}.")


@click.command("close-day")
@with_appcontext
def close_day_command():
    """Cancel the tickets of earlier days that were left open, in every office."""
    from .housekeeping import run_daily_close

    with current_app.test_request_context():
        closed = run_daily_close()
    click.echo(", ".join(f"{slug}: {n} closed" for slug, n in closed.items()) or "No offices.")
