"""Work that runs by the clock: the daily close, so the queue never carries yesterday over.

The embedded server (``python -m kiosk``) runs it every minute in a background task; with
several processes, run ``flask --app kiosk close-day`` from cron (it is idempotent, so two
processes doing it at once do no harm).
"""

from __future__ import annotations

import logging

from flask import Flask

from . import realtime
from .database import begin_write
from .extensions import db, socketio
from .models import Office
from .services.queue import close_day

log = logging.getLogger(__name__)


def run_daily_close() -> dict[str, int]:
    """Close what earlier business days left open in every office; tell their screens."""
    begin_write(db.session)
    offices = db.session.scalars(db.select(Office)).all()
    closed = {office.slug: close_day(db.session, office) for office in offices}
    db.session.commit()
    for office in offices:
        if closed[office.slug]:
            log.info("daily close: %d tickets closed at %s", closed[office.slug], office.slug)
            realtime.office_changed(office)
    return closed


def start(app: Flask, interval: float = 60) -> None:
    """Run the daily close now and then every ``interval`` seconds, for as long as we serve."""

    def loop():
        while True:
            try:
                with app.test_request_context():
                    run_daily_close()
            except Exception:  # keep serving; the next round tries again
                log.exception("daily close failed")
            socketio.sleep(interval)

    socketio.start_background_task(loop)
