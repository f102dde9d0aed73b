"""Screens nobody touches: lobby displays, the small screens above counters, and the pairing
screen they show until an administrator pairs them with an office.

A screen opens its office's pages with the device token in its cookie (set when it first
showed its pairing code); logged-in staff may open them to preview. Everything else gets the
pairing screen. The spoken calls are served from here too, for displays and kiosks alike.
"""

from __future__ import annotations

import logging
import time
from collections import deque

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from markupsafe import Markup

from .. import htmx, realtime
from ..database import begin_write
from ..extensions import db
from ..i18n import use_language
from ..models import Counter, Device, DeviceKind, Office, Ticket
from ..services import announcements as notices
from ..services import devices as device_rules
from ..services import speech
from ..services.state import office_state
from .common import office_or_404
from .kiosk import content_languages, kiosk_language

bp = Blueprint("display", __name__)
log = logging.getLogger(__name__)

DEVICE_COOKIE = realtime.DEVICE_COOKIE
COOKIE_YEARS = 10
AUDIO_MAX_AGE = 365 * 86400  # a phrase's audio never changes: its URL is its content's hash
PROBLEMS_PER_MINUTE = 30  # audio problems logged per process per minute; the rest are counted
_problems: deque[float] = deque()


# ------------------------------------------------------------------------------- helpers


def screen_url(device: Device) -> str | None:
    """Where a paired device belongs; None when it is not paired."""
    if not device.is_paired or device.office is None:
        return None
    slug = device.office.slug
    if device.kind == DeviceKind.COUNTER_DISPLAY and device.counter is not None:
        return url_for("display.counter", office=slug, number=device.counter.number)
    if device.kind == DeviceKind.KIOSK:
        return url_for("kiosk.start", office=slug)
    return url_for("display.board", office=slug)


def _viewer(office: Office) -> Device | bool | None:
    """Who is looking: the paired device, True for staff previewing, None for nobody allowed."""
    device = realtime.request_device()
    if device_rules.may_show(device, office):
        return device
    if realtime.staff_may_preview(office):
        return True
    return None


def _allowed_or_403(office: Office) -> Device | bool:
    viewer = _viewer(office)
    if viewer is None:
        abort(403)
    if isinstance(viewer, Device):
        realtime.note_seen(viewer)
    return viewer


def _screen_settings(viewer: Device | bool) -> dict:
    """Layout, volume and speech: the device's, or the defaults (a preview may choose)."""
    if isinstance(viewer, Device):
        return device_rules.settings_of(viewer)
    settings = dict(device_rules.DEFAULT_SETTINGS)
    layout = request.args.get("layout")
    if layout in device_rules.LAYOUTS:
        settings["layout"] = layout
    return settings


def _pairing_page(device: Device | None = None, office: Office | None = None):
    """The pairing screen: a one-time code, big, and where an administrator enters it.

    In the office's first language when the address names an office, else the default."""
    token = None
    if device is None or device.revoked_at is not None:
        begin_write(db.session)
        device, token = device_rules.start_pairing(db.session)
        db.session.commit()
    elif device_rules.refresh_code(db.session, device):
        db.session.commit()
    lang = office.languages[0] if office else current_app.config["DEFAULT_LANGUAGE"]
    use_language(lang)
    langs = list(dict.fromkeys([lang, "en"]))
    admin_url = url_for("admin.list_devices", _external=True)
    qr = segno.make(f"{admin_url}?code={device.pairing_code}", error="m")
    response = make_response(
        render_template(
            "display/pairing.html",
            device=device,
            code=device_rules.format_code(device.pairing_code),
            admin_url=admin_url,
            langs=langs,
            qr=Markup(qr.svg_inline(dark="#071528", light="#ffffff", border=2, omitsize=True)),
            ttl_minutes=int(device_rules.PAIRING_TTL.total_seconds() // 60),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    if token:
        response.set_cookie(
            DEVICE_COOKIE,
            token,
            max_age=COOKIE_YEARS * 365 * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


def _board_context(office: Office) -> dict:
    state = office_state(db.session, office, waiting_only=True)
    return {
        "office": office,
        "state": state,
        "lang": office.languages[0],
        "calls": realtime.calls_to_announce(state),
    }


# ------------------------------------------------------------------------------- pairing


@bp.get("/")
def pairing():
    """Show this screen's pairing code, or open its screen once it is paired."""
    device = realtime.request_device()
    if device is not None:
        url = screen_url(device)
        if url:
            return redirect(url)
    return _pairing_page(device)


@bp.get("/pairing/status")
def pairing_status():
    """Refresh the pairing code (it expires); send the screen on once it is paired."""
    device = realtime.request_device()
    if device is not None and (url := screen_url(device)):
        return htmx.redirect(url)
    if device is None or device.revoked_at is not None:
        return htmx.redirect(url_for("display.pairing"))
    if device_rules.refresh_code(db.session, device):
        db.session.commit()
    return htmx.fragment(
        "display/_pairing_code.html",
        code=device_rules.format_code(device.pairing_code),
    )


# ------------------------------------------------------------------------------- lobby display


@bp.get("/<office>")
def board(office: str):
    """Show the office's lobby display (to its paired screens and to staff), else pair."""
    office_obj = office_or_404(office)
    viewer = _viewer(office_obj)
    if viewer is None:
        device = realtime.request_device()
        if device is not None and (url := screen_url(device)):
            return redirect(url)  # paired to another office or kind of screen
        return _pairing_page(device, office_obj)
    if isinstance(viewer, Device):
        realtime.note_seen(viewer)
    use_language(office_obj.languages[0], office_obj.timezone)
    return render_template(
        "display/board.html",
        **_board_context(office_obj),
        settings=_screen_settings(viewer),
        announcements=notices.visible(db.session, office_obj),
        device=viewer if isinstance(viewer, Device) else None,
    )


@bp.get("/<office>/board")
def board_fragment(office: str):
    """Render the display's board: the full state, fetched on every (re)connect."""
    office_obj = office_or_404(office)
    _allowed_or_403(office_obj)
    use_language(office_obj.languages[0], office_obj.timezone)
    return htmx.fragment("display/_board.html", **_board_context(office_obj))


@bp.get("/<office>/announcements")
def announcements_fragment(office: str):
    """Render the display's information board (also fetched every minute: notices start and
    end by the clock)."""
    office_obj = office_or_404(office)
    _allowed_or_403(office_obj)
    use_language(office_obj.languages[0], office_obj.timezone)
    return htmx.fragment(
        "display/_announcements.html",
        office=office_obj,
        announcements=notices.visible(db.session, office_obj),
    )


# ------------------------------------------------------------------------------- counter display


def _counter_or_404(office: Office, number: int) -> Counter:
    counter = db.session.scalar(db.select(Counter).filter_by(office_id=office.id, number=number))
    if counter is None:
        abort(404)
    return counter


def _counter_context(office: Office, counter: Counter) -> dict:
    state = office_state(db.session, office, waiting_only=True)
    ticket = db.session.scalar(
        db.select(Ticket).where(Ticket.counter_id == counter.id, Ticket.status == "called")
    )
    return {"office": office, "state": state, "counter": counter, "ticket": ticket}


@bp.get("/<office>/counter/<int:number>")
def counter(office: str, number: int):
    """Show the small screen above a counter: the ticket served there, or closed."""
    office_obj = office_or_404(office)
    counter_obj = _counter_or_404(office_obj, number)
    viewer = _viewer(office_obj)
    if viewer is None:
        device = realtime.request_device()
        if device is not None and (url := screen_url(device)):
            return redirect(url)
        return _pairing_page(device, office_obj)
    if isinstance(viewer, Device):
        realtime.note_seen(viewer)
    use_language(office_obj.languages[0], office_obj.timezone)
    return render_template(
        "display/counter.html",
        **_counter_context(office_obj, counter_obj),
        settings=_screen_settings(viewer),
    )


@bp.get("/<office>/counter/<int:number>/panel")
def counter_fragment(office: str, number: int):
    """Render the counter screen's panel (on every reconnect, and every minute)."""
    office_obj = office_or_404(office)
    counter_obj = _counter_or_404(office_obj, number)
    _allowed_or_403(office_obj)
    use_language(office_obj.languages[0], office_obj.timezone)
    return htmx.fragment("display/_counter.html", **_counter_context(office_obj, counter_obj))


# ------------------------------------------------------------------------------- kiosk notices


@bp.get("/<office>/notices")
def kiosk_notices(office: str):
    """Render the notices for a kiosk's start screen in the citizen's language (public)."""
    office_obj = office_or_404(office)
    lang = kiosk_language(office_obj, request.args.get("lang"))
    response = htmx.fragment(
        "kiosk/_announcements.html",
        office=office_obj,
        fetched=True,  # the page has its live client already
        lang=lang,
        content_langs=content_languages(office_obj, lang),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------------------- speech


@bp.get("/speech/<key>.wav")
def speech_audio(key: str):
    """Serve the audio of a phrase the server prepared (made by espeak-ng on first use)."""
    cache = realtime.speech_cache()
    try:
        path = cache.audio(key)
    except speech.UnknownPhrase:
        abort(404)
    except speech.SpeechError as exc:
        log.error("speech: %s", exc)  # the call is still shown; the screen plays what it can
        abort(503)
    response = send_file(path, mimetype="audio/wav", max_age=AUDIO_MAX_AGE, conditional=True)
    response.cache_control.immutable = True
    response.cache_control.public = True
    return response


@bp.post("/audio-problems")
def audio_problem():
    """Log a screen's report that a chime or a spoken call could not be played."""
    now = time.monotonic()
    while _problems and now - _problems[0] > 60:
        _problems.popleft()
    if len(_problems) < PROBLEMS_PER_MINUTE:
        _problems.append(now)
        data = request.get_json(silent=True) or {}
        device = realtime.request_device()
        log.warning(
            "audio problem on %s (%s): %s [%s]",
            f"device {device.id}" if device else "an unpaired screen",
            str(data.get("page", ""))[:120],
            str(data.get("error", ""))[:300],
            str(data.get("url", ""))[:200],
        )
    return "", 204


def ticket_speech(ticket: Ticket, lang: str, service_name: str) -> str | None:
    """The URL of a kiosk ticket read aloud in the citizen's language; None without a voice."""
    parts = speech.split_code(ticket.code)
    prefix = parts[0] if parts else ticket.code
    phrase = speech.ticket_phrase(lang, prefix, ticket.number, service_name)
    cache = realtime.speech_cache()
    if phrase is None or not cache.available:
        return None
    return url_for("display.speech_audio", key=cache.prepare(phrase))


def office_notices(office: Office) -> list:
    """The notices an office's kiosks show now (for kiosk/_announcements.html)."""
    return notices.visible(db.session, office)


@bp.app_context_processor
def _template_helpers():
    return {"ticket_speech": ticket_speech, "office_notices": office_notices}
