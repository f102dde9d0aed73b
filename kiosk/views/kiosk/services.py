"""A service at the kiosk: what it needs, costs and takes; its checklist slip; its A4 sheet."""

from __future__ import annotations

from babel.dates import get_day_names
from flask import render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ... import htmx
from ...extensions import db
from ...models import Office, utcnow
from ...services import catalogue as cat
from ...services import offers as offer_rules
from ...services.hours import issuing_state
from ..common import office_or_404
from . import WEEKDAYS, bp, kiosk_context


def _service_context(office: Office, service_id: int) -> dict:
    """Everything a service's screens show: its content in the reader's languages, the place."""
    ctx = kiosk_context(office)
    now = utcnow()
    offer = offer_rules.offer_today(
        db.session, office, service_id, offer_rules.office_today(office, now)
    )
    langs = ctx["content_langs"]
    return {
        **ctx,
        "back_url": _back_url(ctx),
        "offer": offer,
        "service": offer.service,
        "content": cat.content_for(offer.service, langs),
        "where": service_place(office, offer, langs),
        "issuing": issuing_state(office, now),
        "hours": opening_lines(office),
        "now": now,
    }


def _back_url(ctx: dict) -> str:
    """Where "Back" leads: the list the citizen came from (``via``), else the start screen."""
    kind, _sep, code = request.args.get("via", "")[:100].partition(":")
    k_url = ctx["k_url"]
    if kind == "category" and code:
        return k_url("kiosk.category", code=code)
    if kind == "life_event" and code:
        return k_url("kiosk.life_event", code=code)
    if kind == "all":
        return k_url("kiosk.all_services")
    if kind == "search":
        return k_url("kiosk.search", q=code or None)
    return k_url("kiosk.start")


def opening_lines(office: Office) -> list[tuple[str, str]]:
    """The office's week as lines a reader takes in at once: ("Monday – Friday", "08:00–16:00")."""
    if not office.opening_hours:
        return []
    names = get_day_names("wide", locale=get_locale())
    lines: list[tuple[list[int], str]] = []
    for index, key in enumerate(WEEKDAYS):
        spans = office.opening_hours.get(key) or []
        text = ", ".join(f"{a}–{b}" for a, b in spans) if spans else _("Closed")
        if lines and lines[-1][1] == text and lines[-1][0][-1] == index - 1:
            lines[-1][0].append(index)
        else:
            lines.append(([index], text))
    return [
        (names[days[0]] if len(days) == 1 else f"{names[days[0]]} – {names[days[-1]]}", text)
        for days, text in lines
    ]


def service_place(office: Office, offer, langs: list[str]) -> dict:
    """Where in the office the service is served: its counters' numbers, place, floor, room."""
    return {
        "location": cat.pick_text(offer.location, langs),
        "floor": offer.floor,
        "room": offer.room,
        "counters": [
            c.number for c in offer_rules.counters_for(db.session, office, offer.service_id)
        ],
    }


@bp.get("/kiosk/<office>/services/<int:service_id>")
def service(office: str, service_id: int):
    """Show what the service needs, costs and takes, where to go, and the ticket button."""
    ctx = _service_context(office_or_404(office), service_id)
    return htmx.page_or_fragment("kiosk/service.html", "kiosk/_service.html", **ctx)


@bp.get("/kiosk/<office>/services/<int:service_id>/checklist")
def print_checklist(office: str, service_id: int):
    """Print the service's checklist for a citizen who must first fetch a document."""
    ctx = _service_context(office_or_404(office), service_id)
    return htmx.page_or_fragment("kiosk/checklist.html", "kiosk/_checklist.html", **ctx)


@bp.get("/kiosk/<office>/services/<int:service_id>/sheet")
def sheet(office: str, service_id: int):
    """The service's A4 information sheet: everything of its page, the office's hours, a QR."""
    office_obj = office_or_404(office)
    ctx = _service_context(office_obj, service_id)
    page_url = url_for(
        "kiosk.service", office=office_obj.slug, service_id=service_id, lang=ctx["lang"],
        _external=True,
    )  # fmt: skip
    return render_template("kiosk/sheet.html", page_url=page_url, **ctx)
