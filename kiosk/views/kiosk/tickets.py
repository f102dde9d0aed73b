"""Taking a ticket at the kiosk (shown, and printed as a slip), and the ticket's phone page."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for

from ... import htmx, realtime
from ...extensions import db
from ...i18n import use_language
from ...models import Office
from ...services import catalogue as cat
from ...services import offers as offer_rules
from ...services.errors import NotFound
from ...services.queue import issue_ticket
from ...services.state import office_version, people_ahead
from ..common import form_int, office_or_404
from . import bp, content_languages, kiosk_context, kiosk_language, kiosk_languages
from .services import service_place


@bp.post("/kiosk/<office>/tickets")
def take_ticket(office: str):
    """Issue a ticket for the chosen service, show it and print its slip."""
    office_obj = office_or_404(office)
    ctx = kiosk_context(office_obj)
    service_id = form_int(request.form, "service")
    ticket = issue_ticket(db.session, office_obj, service_id, priority=ctx["priority"])
    ahead = people_ahead(db.session, ticket)
    offer = offer_rules.offer_today(
        db.session, office_obj, service_id, offer_rules.office_today(office_obj)
    )
    db.session.commit()
    realtime.office_changed(office_obj)
    return htmx.page_or_fragment(
        "kiosk/ticket.html",
        "kiosk/_ticket.html",
        status=201,
        ticket=ticket,
        ahead=ahead,
        content=cat.content_for(ticket.service, ctx["content_langs"]),
        where=service_place(office_obj, offer, ctx["content_langs"]),
        phone_url=url_for("kiosk.phone", token=ticket.token, lang=ctx["lang"], _external=True),
        seconds=current_app.config["KIOSK_TICKET_SECONDS"],
        **ctx,
    )


def _phone_context(office: Office) -> dict:
    """The phone page speaks the language in its URL (the slip's QR carries the one the ticket
    was taken in), else the phone's own if the office offers it, else the office's first."""
    languages = kiosk_languages(office)
    asked = request.args.get("lang") or request.accept_languages.best_match(languages)
    lang = kiosk_language(office, asked)
    return {"office": office, "lang": lang, "languages": languages,
            "content_langs": content_languages(office, lang)}


@bp.get("/t/<token>")
def phone(token: str):
    """Follow a ticket on a phone: its place in the queue, live; nothing personal."""
    try:
        ticket = offer_rules.ticket_by_token(db.session, token)
    except NotFound:
        use_language(request.args.get("lang"))
        return render_template("kiosk/phone_missing.html"), 404
    ctx = _phone_context(ticket.office)
    # Read before the place: a page that shows an older version than the last "queue" signal
    # fetches its place again (static/js/live.js).
    version = office_version(db.session, ticket.office_id)
    response = htmx.page_or_fragment(
        "kiosk/phone.html",
        "kiosk/_phone_status.html",
        version=version,
        place=offer_rules.ticket_place(db.session, ticket),
        ticket=ticket,
        **ctx,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is the only key
    return response
