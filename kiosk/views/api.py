"""A small JSON API for integrations and open data. Errors are JSON too (see kiosk.errors)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from .. import realtime
from ..extensions import db
from ..models import Office, OfficeService, Service, pick
from ..services.errors import InvalidInput, ServiceUnavailable
from ..services.queue import issue_ticket
from ..services.state import office_state, people_ahead
from .common import office_or_404

bp = Blueprint("api", __name__)


def _office_json(office: Office) -> dict:
    return {
        "slug": office.slug,
        "name": office.name,
        "address": office.address,
        "languages": office.languages,
        "timezone": office.timezone,
        "opening_hours": office.opening_hours,
        "links": {
            "state": url_for("api.office_state_json", office=office.slug, _external=True),
            "kiosk": url_for("kiosk.start", office=office.slug, _external=True),
            "display": url_for("display.board", office=office.slug, _external=True),
        },
    }


def _ticket_json(ticket) -> dict:
    return {"code": ticket.code, "service": ticket.service.code}


@bp.get("/offices")
def offices():
    """List the active offices."""
    rows = db.session.scalars(db.select(Office).filter_by(active=True).order_by(Office.id))
    return jsonify(offices=[_office_json(o) for o in rows])


@bp.get("/offices/<office>/state")
def office_state_json(office: str):
    """An office's live state: now serving per counter, waiting per service, latest calls."""
    office_obj = office_or_404(office)
    state = office_state(db.session, office_obj)
    langs = office_obj.languages
    return jsonify(
        office=office_obj.slug,
        version=state.version,
        generated_at=state.now.isoformat(),
        waiting=state.waiting,
        counters=[
            {
                "number": c.counter.number,
                "name": pick(c.counter.name, langs),
                "serving": _ticket_json(c.ticket) if c.ticket else None,
            }
            for c in state.counters
        ],
        services=[
            {
                "code": s.offer.service.code,
                "name": s.offer.service.name,
                "queue": s.offer.queue.prefix,
                "waiting": s.waiting,
                "oldest_waiting_since": s.oldest.isoformat() if s.oldest else None,
            }
            for s in state.services
        ],
        recent_calls=[
            {**_ticket_json(c.ticket), "counter": c.counter.number, "at": c.at.isoformat()}
            for c in state.calls
        ],
    )


@bp.post("/offices/<office>/tickets")
def take_ticket(office: str):
    """Issue a ticket for a service (by its code); answer with its number and token."""
    office_obj = office_or_404(office)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput('Send a JSON object such as {"service": "CODE"}.')
    code, priority = body.get("service"), body.get("priority", False)
    if not isinstance(code, str) or not code or not isinstance(priority, bool):
        raise InvalidInput(
            "'service' must be a service code and 'priority', if given, true or false."
        )
    service_id = db.session.scalar(
        db.select(Service.id)
        .join(OfficeService, OfficeService.service_id == Service.id)
        .where(OfficeService.office_id == office_obj.id, Service.code == code)
    )
    if service_id is None:
        raise ServiceUnavailable()
    ticket = issue_ticket(db.session, office_obj, service_id, priority=priority)
    ahead = people_ahead(db.session, ticket)
    db.session.commit()
    realtime.office_changed(office_obj)
    return jsonify(
        code=ticket.code,
        number=ticket.number,
        token=ticket.token,
        service=ticket.service.code,
        people_ahead=ahead,
        issued_at=ticket.issued_at.isoformat(),
        business_date=ticket.business_date.isoformat(),
    ), 201
