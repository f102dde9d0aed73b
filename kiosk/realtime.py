"""The one module that talks Socket.IO: who may join which room, and what is pushed after commit.

Rooms:
- ``display:<office_id>``: lobby displays. After every change they receive the board already
  rendered (``state``), once for all of them: idempotent full state of the region with the
  office's version number, so a lost or repeated message heals on the next one and a message
  that arrives late (from another process) is ignored. The message also lists the calls of
  the last ``ANNOUNCE_WINDOW`` seconds (event id, ticket, counter, the audio of each language),
  which the display announces once each, in order, even when it does not show that board.
  Announcements (the information board) arrive as ``announcements``, also rendered once.
- ``counter:<counter_id>``: the small screen above one counter (``counter``: its panel).
- ``clerk:<office_id>``: clerks' screens. They receive a small ``queue`` signal and fetch their
  own counter's view, which differs per counter.
- ``kiosk:<office_id>``: kiosks and the phone pages that follow a ticket; public content only.
  An ``announcements`` signal makes them fetch the notices in the language the citizen chose,
  ``catalogue`` an idle start screen, ``queue`` a phone page its ticket's place.
- ``device:<device_id>``: one paired screen (or one waiting to be paired): ``paired``,
  ``reload`` after its settings changed, ``revoked``.

Displays authenticate with their device token: the cookie set when the screen first showed its
pairing code (sent with the Socket.IO handshake), or ``auth["token"]`` for other clients. Staff
who are logged in (an administrator, or a clerk of that office) may open a display to preview it.

Every client fetches the full state on each (re)connect; python-socketio has no replay.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from flask import current_app, has_request_context, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from .database import begin_write
from .extensions import db, socketio
from .i18n import format_locale
from .models import Counter, Device, Office, Role
from .services import devices as device_rules
from .services import speech
from .services.state import OfficeState, office_state

log = logging.getLogger(__name__)

DEVICE_COOKIE = "kiosk_device"
ANNOUNCE_WINDOW = 30  # seconds: older calls are shown but never (re)announced
VIEWS = ("display", "counter", "clerk", "kiosk", "pairing")
_warned_no_speech = False


def init_app(app) -> None:
    """Nothing to bind: the handlers below register on the shared ``socketio`` object."""


def room(view: str, key: int) -> str:
    return f"{view}:{key}"


def speech_cache() -> speech.SpeechCache:
    """The app's cache of spoken phrases, in the instance folder."""
    directory = Path(current_app.instance_path) / "speech"
    caches = current_app.extensions.setdefault("kiosk_speech", {})
    if directory not in caches:
        caches[directory] = speech.SpeechCache(directory)
    return caches[directory]


def staff_may_preview(office: Office) -> bool:
    """Whether the logged-in member of staff may watch this office's screens."""
    if not current_user.is_authenticated:
        return False
    if current_user.role == Role.ADMIN:
        return True
    return current_user.role == Role.CLERK and current_user.office_id in (None, office.id)


def request_device(auth: dict | None = None) -> Device | None:
    """The device this request or handshake comes from (by its token), paired or not."""
    token = (auth or {}).get("token") or request.cookies.get(DEVICE_COOKIE)
    return device_rules.device_for_token(db.session, token)


@socketio.on("connect")
def connect(auth):
    """Admit a client to its rooms, or refuse it with a reason."""
    if not isinstance(auth, dict):
        raise ConnectionRefusedError("auth must be an object with 'office' and 'view'")
    view = auth.get("view")
    if view not in VIEWS:
        raise ConnectionRefusedError("unknown view")
    if view == "pairing":
        device = request_device(auth)
        if device is None or device.is_paired:
            raise ConnectionRefusedError("no screen waiting to be paired")
        join_room(room("device", device.id))
        return
    slug = auth.get("office")
    if not isinstance(slug, str):
        raise ConnectionRefusedError("unknown office")
    office = db.session.scalar(db.select(Office).filter_by(slug=slug, active=True))
    if office is None:
        raise ConnectionRefusedError("unknown office")
    if view == "clerk":
        if not current_user.is_authenticated or current_user.role not in (Role.CLERK, Role.ADMIN):
            raise ConnectionRefusedError("login required")
        if current_user.role == Role.CLERK and current_user.office_id not in (None, office.id):
            raise ConnectionRefusedError("not your office")
        join_room(room("clerk", office.id))
    elif view == "kiosk":
        join_room(room("kiosk", office.id))
    else:
        _admit_screen(view, office, auth)
    log.debug("client %s joined %s of %s", request.sid, view, office.slug)


def _admit_screen(view: str, office: Office, auth: dict) -> None:
    """A lobby or counter display: a device paired to this office, or staff previewing it."""
    device = request_device(auth)
    if device_rules.may_show(device, office):
        join_room(room("device", device.id))
        note_seen(device)
    elif not staff_may_preview(office):
        raise ConnectionRefusedError("this screen is not paired with this office")
    if view == "display":
        join_room(room("display", office.id))
        return
    number = auth.get("counter")
    counter = None
    if isinstance(number, int) and not isinstance(number, bool):
        counter = db.session.scalar(
            db.select(Counter).filter_by(office_id=office.id, number=number)
        )
    if counter is None:
        raise ConnectionRefusedError("unknown counter")
    join_room(room("counter", counter.id))


def note_seen(device: Device) -> None:
    """Record that a paired screen checked in (at most every few minutes: it is a write)."""
    if not device_rules.seen_long_ago(device):
        return
    device_id = device.id
    begin_write(db.session)  # a write transaction of its own (BEGIN IMMEDIATE on SQLite)
    device_rules.mark_seen(db.session, device_id)
    db.session.commit()


# ------------------------------------------------------------------------------- pushes


def calls_to_announce(state: OfficeState) -> list[dict]:
    """The calls of the last ``ANNOUNCE_WINDOW`` seconds, oldest first, with their audio."""
    global _warned_no_speech
    cache = speech_cache()
    if not cache.available and not _warned_no_speech:
        log.warning("espeak-ng is not installed: calls are shown and chimed but not spoken")
        _warned_no_speech = True
    result = []
    for call in reversed(state.calls):
        age = (state.now - call.at).total_seconds()
        if age > ANNOUNCE_WINDOW:
            continue
        parts = speech.split_code(call.ticket.code)
        prefix, number = parts if parts else (call.ticket.code, call.ticket.number)
        clips = []
        for phrase in speech.call_phrases(
            state.office.languages, prefix, call.ticket.number, call.counter.number
        ):
            key = cache.prepare(phrase) if cache.available else None
            clips.append(
                {
                    "lang": phrase.lang,
                    "text": phrase.shown,
                    "url": url_for("display.speech_audio", key=key) if key else None,
                    "key": key,
                }
            )
        result.append(
            {
                "id": call.event_id,
                "code": call.ticket.code,
                "spoken": call.ticket.spoken_number,
                "counter": call.counter.number,
                "kind": call.kind,
                "age": round(max(0.0, age), 2),
                "clips": clips,
            }
        )
    return result


def _warm(calls: list[dict]) -> None:
    """Make the audio of new calls in the background, so the displays find it cached."""
    cache = speech_cache()
    keys = [c["key"] for call in calls for c in call["clips"] if c["key"]]
    missing = [k for k in keys if not cache.is_cached(k)]
    if missing:
        socketio.start_background_task(cache.warm, missing)


def render_board(office: Office, state: OfficeState, calls: list[dict]) -> str:
    """The lobby display's board in the office's languages (the first one formats dates)."""
    primary = office.languages[0]
    with force_locale(format_locale(primary)):
        # Stripped: an outerHTML swap inserts whitespace around the region too, and a display
        # swapping every few seconds for weeks would collect it.
        return render_template(
            "display/_board.html", state=state, office=office, lang=primary, calls=calls
        ).strip()


def render_counter(office: Office, state: OfficeState, counter: Counter) -> str:
    """The panel of the small screen above one counter."""
    serving = next((row.ticket for row in state.counters if row.counter.id == counter.id), None)
    primary = office.languages[0]
    with force_locale(format_locale(primary)):
        return render_template(
            "display/_counter.html", state=state, office=office, counter=counter, ticket=serving
        ).strip()


def office_changed(office: Office, *, urgent: bool = False) -> None:
    """Tell an office's screens that its queue changed. Call after the commit.

    The push is made by this process's pusher thread (``Pusher``), so the request that made
    the change answers at once and a burst of changes (a queue of citizens at the kiosk, the
    API) folds into one render. With ``REALTIME_PUSH = "inline"`` (tests that read the
    emitted events right after a request) it is made here, synchronously.

    ``urgent``: a clerk's action at a counter (a call, above all), which the hall is waiting to
    see and hear. It is pushed here, before the request renders the clerk's own screen: the
    push neither waits for ``REALTIME_MIN_INTERVAL`` (a ticket issued a moment before must not
    delay a call) nor shares the processor with that render (bench/display_latency.py, under
    load: p50 74 -> 57 ms, p99 190 -> 117 ms). Clerks click at human speed; a push the pusher
    thread makes at the same moment may carry an older version, which the screens ignore.
    """
    if current_app.config.get("REALTIME_PUSH") == "inline" or not has_request_context():
        push_office(office)  # also from the CLI and the daily close, which have no request
        return
    if urgent:
        try:
            push_office(office)
        except Exception:  # committed already: the clerk gets their screen; the next push heals
            log.exception("pushing the state of office %s failed", office.id)
        return
    pusher(current_app._get_current_object()).changed(office.id, request.script_root)


def push_office(office: Office) -> None:
    """Render the office's board, counter panels and clerks' signal, and emit them."""
    state = office_state(db.session, office, waiting_only=True)
    calls = calls_to_announce(state)
    html = render_board(office, state, calls)
    socketio.emit(
        "state",
        {"version": state.version, "html": html, "calls": calls},
        to=room("display", office.id),
    )
    socketio.emit("queue", {"version": state.version}, to=room("clerk", office.id))
    # Phone pages that follow a ticket listen in the public kiosk room: each fetches its place.
    socketio.emit("queue", {"version": state.version}, to=room("kiosk", office.id))
    # Most changes touch one counter: the others' screens already show their panel. Only a
    # single process knows what it sent last; with several, each sends every panel.
    single = not current_app.config.get("SOCKETIO_MESSAGE_QUEUE")
    panels = current_app.extensions.setdefault("kiosk_counter_panels", {})
    for row in state.counters:
        panel = render_counter(office, state, row.counter)
        if single and panels.get(row.counter.id) == panel:
            continue
        panels[row.counter.id] = panel
        socketio.emit(
            "counter",
            {"version": state.version, "html": panel},
            to=room("counter", row.counter.id),
        )
    if calls:
        _warm(calls)


class Pusher:
    """One per process: pushes each changed office as soon as it is idle, folding bursts.

    ``changed`` only marks the office and wakes the thread. The thread pushes an office at
    once when it has not pushed it in the last ``REALTIME_MIN_INTERVAL`` seconds, otherwise
    when that interval has passed, so every change reaches the screens (the last push always
    follows the last change) and a burst of a hundred changes costs a few renders.
    """

    def __init__(self, app):
        self.app = app
        self.min_interval = float(app.config.get("REALTIME_MIN_INTERVAL", 0.1))
        self.dirty: dict[int, str] = {}  # office id -> script root of the request
        self.last_push: dict[int, float] = {}
        self.wake = threading.Condition()
        self.thread = None

    def changed(self, office_id: int, script_root: str = "") -> None:
        with self.wake:
            self.dirty[office_id] = script_root
            if self.thread is None:
                self.thread = socketio.start_background_task(self._run)
            self.wake.notify()

    def _due(self) -> tuple[list[tuple[int, str]], float | None]:
        """The offices to push now, and how long to wait for the next one otherwise."""
        now = time.monotonic()
        due, wait = [], None
        for office_id, root in list(self.dirty.items()):
            left = self.last_push.get(office_id, 0.0) + self.min_interval - now
            if left <= 0:
                due.append((office_id, root))
                del self.dirty[office_id]
                self.last_push[office_id] = now
            else:
                wait = left if wait is None else min(wait, left)
        return due, wait

    def _run(self) -> None:
        while True:
            with self.wake:
                due, wait = self._due()
                while not due:
                    self.wake.wait(wait)
                    due, wait = self._due()
            for office_id, root in due:
                self._push(office_id, root)

    def _push(self, office_id: int, script_root: str) -> None:
        # A request context of its own (its session ends with it) for url_for and templates.
        try:
            with self.app.test_request_context("/", base_url=f"http://localhost{script_root}"):
                office = db.session.get(Office, office_id)
                if office is not None:
                    push_office(office)
        except Exception:  # the pusher must outlive any one failure; the next change heals
            log.exception("pushing the state of office %s failed", office_id)


_pushers: dict[int, Pusher] = {}
_pushers_lock = threading.Lock()


def pusher(app) -> Pusher:
    """This process's pusher for the app (created on first use)."""
    with _pushers_lock:
        if id(app) not in _pushers:
            _pushers[id(app)] = Pusher(app)
        return _pushers[id(app)]


def announcements_changed(offices: list[Office]) -> None:
    """Push the information board to these offices' displays, and tell their kiosks."""
    from .services.announcements import visible

    for office in offices:
        primary = office.languages[0]
        with force_locale(format_locale(primary)):
            html = render_template(
                "display/_announcements.html",
                office=office,
                announcements=visible(db.session, office),
            ).strip()
        socketio.emit("announcements", {"html": html}, to=room("display", office.id))
        socketio.emit("announcements", {}, to=room("kiosk", office.id))


def catalogue_changed(office: Office) -> None:
    """The office's catalogue changed (a service published, retired, moved): tell its kiosks.

    Only a signal: an idle start screen fetches itself in its own language; a citizen in the
    middle of a service page is left alone (the way back to the start brings the new one).
    """
    socketio.emit("catalogue", {}, to=room("kiosk", office.id))


def device_paired(device: Device, url: str) -> None:
    """Send a screen that showed its code to where it now belongs."""
    socketio.emit("paired", {"url": url}, to=room("device", device.id))


def device_changed(device: Device) -> None:
    """A paired screen's settings changed: it reloads to take them."""
    socketio.emit("reload", {}, to=room("device", device.id))


def device_revoked(device: Device, url: str) -> None:
    """Cut a revoked screen off at once: tell it to show a new code, then disconnect it.

    The clients of this process are disconnected here; with several processes the others'
    clients get ``revoked`` (and go back to pairing) and are refused at their next connect.
    """
    device_room = room("device", device.id)
    socketio.emit("revoked", {"url": url}, to=device_room)
    server = socketio.server
    if server is None:
        return
    for sid, _eio_sid in list(server.manager.get_participants("/", device_room)):
        server.disconnect(sid, namespace="/")
