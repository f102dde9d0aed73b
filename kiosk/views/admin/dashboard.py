"""The administrators' start page: every office today."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import func

from ...extensions import db
from ...models import Office, Role, Ticket, TicketStatus, User
from ...services.clock import business_date
from ...services.state import office_state
from ..common import roles_required
from . import bp


@bp.get("/")
@roles_required(Role.ADMIN)
def dashboard():
    """Show each office's queue today: waiting, served, no-shows, counters at work."""
    offices = db.session.scalars(db.select(Office).order_by(Office.id)).all()
    rows = []
    for office in offices:
        state = office_state(db.session, office, waiting_only=True)
        today = business_date(state.now, office.timezone)
        by_status = dict(
            db.session.execute(
                db.select(Ticket.status, func.count())
                .where(Ticket.office_id == office.id, Ticket.business_date == today)
                .group_by(Ticket.status)
            ).all()
        )
        rows.append({"state": state, "by_status": by_status})
    users = db.session.scalars(db.select(User).order_by(User.role, User.username)).all()
    return render_template(
        "admin/dashboard.html", rows=rows, users=users, TicketStatus=TicketStatus
    )
