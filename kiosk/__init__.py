"""kiosk: a kiosk and queue system for public service counters."""

from __future__ import annotations

import functools
import hashlib
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, request

# realtime registers its Socket.IO handlers on import: it must be imported before
# socketio.init_app, which hands the registered handlers to each new app's server.
from . import cli, errors, i18n, realtime
from .database import begin_write, configure_engine
from .extensions import babel, compress, csrf, db, htmx_ext, login, migrate, socketio
from .services.call_group import CallGroup

ROOT = Path(__file__).resolve().parent.parent


STATIC_MAX_AGE = 365 * 86400  # a static URL that names its file's version never changes


class KioskFlask(Flask):
    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """Cache a static file for a year when its URL names the file's version (``?v=``,
        added by ``_static_version``); browsers revalidate any other (fonts named by CSS)."""
        if request.args.get("v"):
            return STATIC_MAX_AGE
        return super().get_send_file_max_age(filename)

    def send_static_file(self, filename: str):
        """A static file read whole, so Flask-Compress gzips it (it leaves streams alone)."""
        response = super().send_static_file(filename)
        response.direct_passthrough = False
        response.make_sequence()  # reads the file and closes it
        return response


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration in layers, extensions, blueprints."""
    app = KioskFlask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_relative_config=True,
    )
    app.config.from_object("config.Config")
    app.config.from_prefixed_env("KIOSK")
    app.config.update(overrides or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _derive_settings(app)

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
        app.extensions["kiosk.call_group"] = CallGroup(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    htmx_ext.init_app(app)
    compress.init_app(app)
    login.init_app(app)
    i18n.init_app(app, babel)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        # Clients connect over WebSocket only: several processes then need no sticky sessions.
        transports=["websocket"],
        cors_allowed_origins=[],
    )

    @app.url_defaults
    def _static_version(endpoint: str, values: dict) -> None:
        # url_for("static", ...) names the file's version (a hash of its content, the same
        # on every host): a kiosk keeps its scripts and styles cached, and fetches them again
        # after an upgrade.
        if endpoint == "static" and "filename" in values and "v" not in values:
            path = Path(app.static_folder, values["filename"])
            try:
                values["v"] = _file_version(path, path.stat().st_mtime_ns)
            except OSError:
                pass  # no such file: the URL answers 404 as it would anyway

    @app.before_request
    def _write_transaction():
        # One transaction per unsafe request, taken as a write transaction from its first
        # statement (BEGIN IMMEDIATE on SQLite); GETs read without taking the write lock, and
        # so do the views that write in a transaction of their own (``writes_on_its_own``).
        if request.method not in ("GET", "HEAD", "OPTIONS") and not getattr(
            app.view_functions.get(request.endpoint), "writes_on_its_own", False
        ):
            begin_write(db.session)

    from .views import admin, api, auth, clerk, display
    from .views import kiosk as kiosk_views

    app.register_blueprint(kiosk_views.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(clerk.bp, url_prefix="/clerk")
    app.register_blueprint(display.bp, url_prefix="/display")
    app.register_blueprint(admin.bp, url_prefix="/admin")
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    csrf.exempt(api.bp)
    errors.init_app(app)
    realtime.init_app(app)
    cli.init_app(app)
    return app


@functools.lru_cache(maxsize=512)
def _file_version(path: Path, mtime_ns: int) -> str:
    """A short hash of a static file's content (read again when the file changes)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _derive_settings(app: Flask) -> None:
    """Fill in what the defaults leave open: the database URL and a kept secret key."""
    url = app.config.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'kiosk.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if not url.startswith("sqlite"):
        # A server database: enough pooled connections for a busy process. A connection beyond
        # the pool is closed when returned, and a new PostgreSQL connection costs a backend
        # process (with SQLAlchemy's 5, issuing tickets at full speed spent much of its time
        # connecting). 16 + 16 per process (and one or two of the calls group's own,
        # services/call_group.py) leaves room for several processes under PostgreSQL's
        # default of 100 connections.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("pool_size", 16)
        options.setdefault("max_overflow", 16)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("SECRET_KEY"):
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()
