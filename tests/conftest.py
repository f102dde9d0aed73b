"""Fixtures: an app on a fresh migrated database (SQLite, or PostgreSQL where asked), its
clients, a logged-in clerk, a Socket.IO client, and factories for offices and tickets.

In CI (CI=true) a skipped test is a failure: PostgreSQL, Redis and Chromium must be there.
"""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
import sqlalchemy as sa

from kiosk import create_app
from kiosk.extensions import db as _db
from kiosk.extensions import socketio
from tests.factories import Factory

POSTGRES_URL = os.environ.get("KIOSK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("KIOSK_TEST_REDIS", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI nothing may be skipped: a missing database, broker or browser fails the run."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run everything: {report.longrepr}"


def _migrate(url: str, instance_path) -> None:
    from flask_migrate import upgrade

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test", "TESTING": True})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        _db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """An SQLite file with the schema built by the migrations, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "kiosk.db"
    _migrate(f"sqlite:///{path}", path.parent)
    return path


def postgres_available() -> bool:
    try:
        engine = sa.create_engine(f"{POSTGRES_URL}/postgres")
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_database():
    """A fresh PostgreSQL database for this test run, migrated, dropped at the end."""
    if not postgres_available():
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    name = f"kiosk_test_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(f"{POSTGRES_URL}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = f"{POSTGRES_URL}/{name}"
    _migrate(url, None)
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _truncate_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    engine.dispose()


def _make_app(url: str, tmp_path, **overrides):
    from kiosk.services.estimates import clear_cache

    clear_cache()
    config = {
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret",
        "TESTING": True,
        "DEMO_DATA": False,
        "SOCKETIO_MESSAGE_QUEUE": None,
        "SERVER_NAME": "kiosk.test",
        "REALTIME_PUSH": "inline",  # the events are there when the request returns
    }
    config.update(overrides)
    app = create_app(config)
    app.instance_path = str(tmp_path)
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_state)
    return app


def _fresh_request_state() -> None:
    """Start each request with an empty ``g`` and no cached locale, as a real server does.

    The tests keep one app context open around all their requests (the fixtures below), and
    with it ``g``: one request would otherwise lend its user, its language or Flask-Babel's
    resolved locale to the next.
    """
    from flask import g
    from flask_babel import refresh

    for name in list(vars(g)):
        delattr(g, name)
    refresh()


@pytest.fixture
def app(tmp_path, sqlite_template):
    """The application on a fresh, migrated SQLite database (the embedded default)."""
    path = tmp_path / "kiosk.db"
    shutil.copy(sqlite_template, path)
    app = _make_app(f"sqlite:///{path}", tmp_path)
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def pg_app(tmp_path, postgres_database):
    """The application on a fresh PostgreSQL database (tables emptied before each test)."""
    _truncate_postgres(postgres_database)
    app = _make_app(postgres_database, tmp_path)
    with app.app_context():
        yield app
        _db.session.remove()
        app.extensions["kiosk.call_group"].dispose()
        _db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request):
    """The application on each database in turn: SQLite, then PostgreSQL."""
    name = "app" if request.param == "sqlite" else "pg_app"
    return request.getfixturevalue(name)


@pytest.fixture
def db(app):
    """The Flask-SQLAlchemy handle, bound to the test app."""
    return _db


@pytest.fixture
def factory(app):
    """Helpers that build offices, services, counters, users and tickets."""
    return Factory(_db.session)


@pytest.fixture
def client(app):
    """A browser-like test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """The CLI runner for ``flask --app kiosk`` commands."""
    return app.test_cli_runner()


class AuthActions:
    """Log in and out through the real login form (CSRF token included)."""

    def __init__(self, client):
        self._client = client

    def login(self, username="clerk", password="clerk-password-1", lang="en"):
        """Log in; the login page is opened in ``lang``, which the browser then keeps (the
        tests read the English interface unless they choose another language)."""
        from tests.factories import csrf_token

        token = csrf_token(self._client, f"/login?lang={lang}")
        return self._client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )

    def logout(self):
        from tests.factories import csrf_token

        return self._client.post(
            "/logout", data={"csrf_token": csrf_token(self._client, "/clerk/")}
        )


@pytest.fixture
def auth(client):
    """Log the test client in as a user the factory made."""
    return AuthActions(client)


@pytest.fixture
def socket_client(app, client):
    """Make Socket.IO test clients that share the HTTP client's session (and login)."""
    made = []

    def connect(office: str, view: str = "display", **extra):
        sc = socketio.test_client(
            app, auth={"office": office, "view": view, **extra}, flask_test_client=client
        )
        made.append(sc)
        return sc

    yield connect
    for sc in made:
        if sc.is_connected():
            sc.disconnect()
