"""Rebuild every ticket's state from the append-only event log alone.

The log is the record of truth for reports and audits; this proves it is complete: replaying
it gives exactly the state the tickets table holds (tests compare the two after random runs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Ticket, TicketEvent, TicketStatus


@dataclass
class TicketView:
    status: str = TicketStatus.WAITING
    counter_id: int | None = None
    service_id: int | None = None
    target_counter_id: int | None = None
    recalls: int = 0
    transfers: int = 0
    outcome: str | None = None
    history: list[str] = field(default_factory=list)

    def key(self) -> tuple:
        return (self.status, self.counter_id, self.service_id, self.target_counter_id,
                self.recalls, self.transfers, self.outcome)


def apply(view: TicketView, event: TicketEvent) -> None:
    """Apply one event to a ticket's view."""
    data = event.data or {}
    view.history.append(event.kind)
    view.status = event.status
    if event.kind == "issued":
        view.service_id = data.get("service_id")
    elif event.kind in ("called", "resumed"):
        view.counter_id = event.counter_id
        view.target_counter_id = None
        if event.kind == "called":  # a new call: its recalls are counted afresh
            view.recalls = 0
    elif event.kind == "recalled":
        view.recalls += 1
    elif event.kind == "finished":
        view.outcome = data.get("outcome")
    elif event.kind == "returned":
        view.counter_id = None
    elif event.kind == "transferred":
        view.counter_id = None
        view.service_id = data.get("service_id", view.service_id)
        view.target_counter_id = data.get("target_counter_id")
        view.transfers += 1


def replay(events) -> dict[int, TicketView]:
    """Fold events (in log order) into one view per ticket."""
    views: dict[int, TicketView] = {}
    for event in events:
        apply(views.setdefault(event.ticket_id, TicketView()), event)
    return views


def replay_office(session: Session, office_id: int) -> dict[int, TicketView]:
    """Replay an office's whole log."""
    events = session.scalars(
        select(TicketEvent).where(TicketEvent.office_id == office_id).order_by(TicketEvent.id)
    )
    return replay(events)


def current_views(session: Session, office_id: int) -> dict[int, TicketView]:
    """The same views, read from the tickets table (to compare with the replay)."""
    return {
        t.id: TicketView(
            status=t.status, counter_id=t.counter_id, service_id=t.service_id,
            target_counter_id=t.target_counter_id, recalls=t.recalls, transfers=t.transfers,
            outcome=t.outcome,
        )
        for t in session.scalars(select(Ticket).where(Ticket.office_id == office_id))
    }
