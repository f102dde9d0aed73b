"""The clerk's workstation: open a counter, call, recall, no-show, park, transfer, finish,
breaks, and a ticket for the citizen at the desk. Every action answers with the new state of
the whole workstation (a self-replacing fragment) and tells the office's screens."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import htmx, realtime
from ..extensions import db
from ..i18n import current_language
from ..models import Counter, Office, Role, Ticket, TicketStatus, User
from ..services import queue as rules
from ..services.offers import offers_today, office_today
from ..services.routing import CALLABLE, call_order, priority_turn, routing_params
from ..services.state import counter_waiting, office_state, office_version
from .common import counter_for_clerk, form_int, roles_required, writes_on_its_own

bp = Blueprint("clerk", __name__)

STAFF = (Role.CLERK, Role.ADMIN)
WAITING_LIST = 12
HISTORY = 8
OUTCOME_LABELS = {
    "served": _l("Served"),
    "incomplete_documents": _l("Documents missing"),
    "referred": _l("Referred elsewhere"),
    "other": _l("Other"),
}
BREAK_LABELS = {
    "short": _l("Short break"),
    "lunch": _l("Lunch"),
    "meeting": _l("Meeting"),
    "technical": _l("Technical problem"),
    "other": _l("Other"),
}
COUNTER_STATE_LABELS = {"open": _l("Open"), "break": _l("On a break"), "closed": _l("Closed")}


@bp.get("/")
@roles_required(*STAFF)
def counters():
    """Let the clerk choose the counter they sit at."""
    query = db.select(Office).filter_by(active=True).order_by(Office.id)
    if current_user.role == Role.CLERK and current_user.office_id is not None:
        query = query.filter_by(id=current_user.office_id)
    offices = db.session.scalars(query).all()
    states = [office_state(db.session, o) for o in offices]
    clerks = {u.id: u for u in db.session.scalars(db.select(User))}
    return render_template(
        "clerk/counters.html", states=states, clerks=clerks, counter_states=COUNTER_STATE_LABELS
    )


def workstation_context(counter: Counter) -> dict:
    """Everything the workstation shows: the counter, its ticket, its queue, its history."""
    # Read first: the lists below are at least this new, so a page that shows an older version
    # than the last "queue" signal knows to fetch its queue again (static/js/live.js).
    version = office_version(db.session, counter.office_id)
    with_service = joinedload(Ticket.service)
    next_up = db.session.scalars(
        select(Ticket)
        .options(with_service)
        .where(CALLABLE)
        .order_by(*call_order(priority_turn(db.session, counter.office, rules.utcnow())))
        .limit(WAITING_LIST),
        routing_params(counter),
    ).all()
    parked = db.session.scalars(
        select(Ticket)
        .options(with_service)
        .where(Ticket.counter_id == counter.id, Ticket.status == TicketStatus.PARKED)
        .order_by(Ticket.called_at)
    ).all()
    history = db.session.scalars(
        select(Ticket)
        .options(with_service)
        .where(
            Ticket.counter_id == counter.id,
            Ticket.status.in_([TicketStatus.DONE, TicketStatus.NO_SHOW]),
        )
        .order_by(Ticket.finished_at.desc())
        .limit(HISTORY)
    ).all()
    office = counter.office
    current = rules.current_ticket(db.session, counter)
    return {
        "counter": counter,
        "office": office,
        "version": version,
        "current": current,
        # sent back by the actions that finish the current ticket (see _seen_ticket)
        "seen": {"seen": current.id if current else ""},
        "serving_since": rules.serving_since(db.session, current) if current else None,
        "waiting": counter_waiting(db.session, counter),
        "next_up": next_up,
        "parked": parked,
        "history": history,
        "other_counters": _other_counters(counter),
        # what a clerk may issue a ticket for or transfer one to: what the kiosks offer today
        "offers": offers_today(db.session, office, office_today(office)),
        "outcomes": rules.OUTCOMES,
        "outcome_labels": OUTCOME_LABELS,
        "break_reasons": rules.BREAK_REASONS,
        "break_labels": BREAK_LABELS,
        "counter_states": COUNTER_STATE_LABELS,
        "grace_minutes": office.no_show_grace_minutes,
        "taken_by": rules.holder_instead_of(db.session, counter, current_user),
        "now": rules.utcnow(),
    }


@bp.get("/counters/<int:counter_id>")
@roles_required(*STAFF)
def workstation(counter_id: int):
    """Show the counter's workstation."""
    counter = counter_for_clerk(counter_id)
    return htmx.page_or_fragment(
        "clerk/workstation.html", "clerk/_workstation.html", **workstation_context(counter)
    )


@bp.get("/counters/<int:counter_id>/queue")
@roles_required(*STAFF)
def queue(counter_id: int):
    """Render the queue panel (refreshed when the office's queue changes). When a colleague
    has taken the counter over meanwhile, the whole workstation is fetched again to say so."""
    counter = counter_for_clerk(counter_id)
    context = workstation_context(counter)
    return htmx.fragment(
        "clerk/_queue.html", trigger="resync" if context["taken_by"] else None, **context
    )


@bp.get("/counters/<int:counter_id>/transfer-counters")
@roles_required(*STAFF)
def transfer_counters(counter_id: int):
    """The transfer dialog's counters with their states now."""
    counter = counter_for_clerk(counter_id)
    return htmx.fragment(
        "clerk/_transfer_counters.html",
        other_counters=_other_counters(counter),
        counter_states=COUNTER_STATE_LABELS,
    )


@bp.post("/counters/<int:counter_id>/open")
@roles_required(*STAFF)
def open_counter(counter_id: int):
    """Sit down at a counter: it opens in the clerk's name."""
    counter = counter_for_clerk(counter_id)
    rules.open_counter(db.session, counter, clerk=current_user)
    db.session.commit()
    realtime.office_changed(counter.office)
    return htmx.redirect(url_for("clerk.workstation", counter_id=counter.id))


# Changes of the counter's own state, by the last part of their URL.
COUNTER_ACTIONS = {
    "break": rules.start_break,
    "end-break": rules.end_break,
    "close": rules.close_counter,
}


@bp.post("/counters/<int:counter_id>/<any('break', 'end-break', 'close'):action>")
@roles_required(*STAFF)
def counter_action(counter_id: int, action: str):
    """Start or end a break, or close the counter."""
    counter = counter_at_desk(counter_id)
    if action == "break":
        rules.start_break(db.session, counter, request.form.get("reason", ""), clerk=current_user)
    else:
        COUNTER_ACTIONS[action](db.session, counter, clerk=current_user)
    return _after_change(counter)


@bp.post("/counters/<int:counter_id>/next")
@writes_on_its_own
@roles_required(*STAFF)
def call_next(counter_id: int):
    """Finish the current ticket, if any, and call the next one to this counter: written
    together with the calls other clerks make at the same moment (``services.call_group``),
    which also checks that the counter is this clerk's."""
    counter = counter_for_clerk(counter_id)
    current_app.extensions["kiosk.call_group"].call_next(
        counter.id,
        clerk_id=current_user.id,
        outcome=request.form.get("outcome") or "served",
        seen=_seen_ticket(),
    )
    return _after_change(counter)


@bp.post("/counters/<int:counter_id>/tickets/<int:ticket_id>/<action>")
@roles_required(*STAFF)
def ticket_action(counter_id: int, ticket_id: int, action: str):
    """Act on one ticket: call, recall, no-show, finish, park, resume, transfer, came back."""
    counter = counter_at_desk(counter_id)
    form, me = request.form, current_user
    if action == "call":
        rules.call_ticket(db.session, counter, ticket_id, clerk=me,
                          outcome=form.get("outcome") or "served", seen=_seen_ticket())
    elif action == "recall":
        rules.recall(db.session, counter, ticket_id, clerk=me)
    elif action == "no-show":
        ticket = rules.mark_no_show(db.session, counter, ticket_id, clerk=me)
        flash(gettext("%(code)s did not come. If they come within %(minutes)d minutes, find them"
                      " under \"Finished at this counter\".", code=ticket.code,
                      minutes=counter.office.no_show_grace_minutes), "info")
    elif action == "finish":
        rules.finish(
            db.session, counter, ticket_id, outcome=form.get("outcome") or "served", clerk=me
        )
    elif action == "park":
        ticket = rules.park(db.session, counter, ticket_id, clerk=me)
        flash(gettext("%(code)s is on hold at this counter.", code=ticket.code), "info")
    elif action == "resume":
        rules.resume(db.session, counter, ticket_id, clerk=me)
    elif action == "return":
        ticket = rules.return_no_show(db.session, counter.office, ticket_id, clerk=me)
        flash(gettext("%(code)s is back in the queue in its old place.", code=ticket.code), "info")
    elif action == "transfer":
        ticket = rules.transfer(
            db.session,
            counter,
            ticket_id,
            service_id=form_int(form, "service") if form.get("service") else None,
            to_counter_id=form_int(form, "counter") if form.get("counter") else None,
            position=form.get("position", "end"),
            clerk=me,
        )
        flash(_transferred(ticket, counter.office), "info")
    else:
        abort(404)
    return _after_change(counter)


@bp.post("/counters/<int:counter_id>/tickets")
@roles_required(*STAFF)
def issue_ticket(counter_id: int):
    """Issue a ticket for a citizen at the desk (priority if they need it; reason not asked)."""
    counter = counter_for_clerk(counter_id)
    ticket = rules.issue_ticket(
        db.session,
        counter.office,
        form_int(request.form, "service"),
        priority=request.form.get("priority") == "1",
        check_hours=False,
    )
    flash(gettext("Ticket %(code)s issued.", code=ticket.code), "info")
    return _after_change(counter, issuing=True)


def counter_at_desk(counter_id: int) -> Counter:
    """The counter the clerk acts at: theirs, or nobody's (``rules.check_holder``)."""
    counter = counter_for_clerk(counter_id)
    rules.check_holder(db.session, counter, current_user)
    return counter


def _other_counters(counter: Counter) -> list[Counter]:
    """The office's other counters in service, a transfer's possible targets."""
    return [c for c in counter.office.counters if c.active and c.id != counter.id]


def _transferred(ticket: Ticket, office: Office) -> str:
    """What the clerk is told after a transfer: where the ticket went."""
    if ticket.target_counter_id is not None:
        number = db.session.get(Counter, ticket.target_counter_id).number
        return gettext("%(code)s was sent to counter %(number)d.", code=ticket.code, number=number)
    service = ticket.service.label([current_language(), *office.languages])
    return gettext("%(code)s was sent to the queue for %(service)s.", code=ticket.code,
                   service=service)


def _seen_ticket() -> int | None | object:
    """The ticket the clerk's screen showed at the desk when they pressed ("seen", sent by
    the actions that finish it first: call next, call a given ticket): "" for none; not sent
    (another client), nothing to check."""
    seen = request.form.get("seen")
    if seen is None:
        return rules.NOT_GIVEN
    return form_int(request.form, "seen") if seen else None


def _after_change(counter: Counter, *, issuing: bool = False):
    """Commit, tell every screen of the office, and re-render the workstation (``issuing``:
    with the desk's ticket form still open, for the next citizen in front of the desk)."""
    db.session.commit()
    realtime.office_changed(counter.office, urgent=True)
    if htmx.is_htmx():
        return htmx.fragment(
            "clerk/_workstation.html",
            trigger="queue-changed",
            oob_alerts=True,
            issuing=issuing,
            **workstation_context(counter),
        )
    return htmx.redirect(url_for("clerk.workstation", counter_id=counter.id))
