"""Typed SQLAlchemy models, one module per area."""

from .announcements import Announcement
from .audit import AuditEntry
from .catalogue import (
    Category,
    CounterService,
    DocumentKind,
    Fee,
    LifeEvent,
    OfficeService,
    RequiredDocument,
    Service,
)
from .devices import Device, DeviceKind
from .offices import Counter, CounterEvent, CounterStatus, Office, Organisation, SpecialDay
from .people import Role, User
from .queue import OPEN_STATUSES, Queue, Ticket, TicketEvent, TicketNumber, TicketStatus
from .types import pick, utcnow

__all__ = [
    "OPEN_STATUSES",
    "Announcement",
    "AuditEntry",
    "Category",
    "DocumentKind",
    "Fee",
    "LifeEvent",
    "RequiredDocument",
    "Counter",
    "CounterEvent",
    "CounterStatus",
    "Device",
    "DeviceKind",
    "SpecialDay",
    "CounterService",
    "Office",
    "OfficeService",
    "Organisation",
    "Queue",
    "Role",
    "Service",
    "Ticket",
    "TicketEvent",
    "TicketNumber",
    "TicketStatus",
    "User",
    "pick",
    "utcnow",
]
