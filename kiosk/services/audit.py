"""The audit trail: every change an administrator makes, with who, when, before and after."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from ..models import AuditEntry, User, utcnow


def snapshot(obj: Any, fields: list[str] | None = None) -> dict:
    """The object's column values as JSON-ready data (what "before" and "after" store)."""
    mapper = inspect(obj).mapper
    names = fields or [c.key for c in mapper.column_attrs]
    return {name: _jsonable(getattr(obj, name)) for name in names}


def record(
    session: Session,
    *,
    actor: User | None,
    entity: str,
    entity_id: Any,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    now: dt.datetime | None = None,
) -> AuditEntry | None:
    """Append one audit entry; an update that changed nothing is not recorded."""
    if action == "update" and before == after:
        return None
    entry = AuditEntry(
        at=now or utcnow(),
        actor_id=actor.id if actor is not None else None,
        entity=entity,
        entity_id=str(entity_id),
        action=action,
        before=before,
        after=after,
    )
    session.add(entry)
    session.flush()
    return entry


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value
