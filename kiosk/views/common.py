"""Small helpers the blueprints share: look-ups that 404 and the role check."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..extensions import db, login
from ..models import Counter, Office, Role, User


@login.user_loader
def load_user(user_id: str) -> User | None:
    """Load the logged-in member of staff from the session."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def find_office(slug: str | None) -> Office | None:
    """The active office with this slug, if there is one."""
    return db.session.scalar(db.select(Office).filter_by(slug=slug, active=True))


def office_or_404(slug: str) -> Office:
    """The active office with this slug, or a 404."""
    office = find_office(slug)
    if office is None:
        abort(404)
    return office


def roles_required(*roles: Role):
    """Let only logged-in staff with one of these roles through; others get 403 (or the login)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def writes_on_its_own(view):
    """Mark a view whose writes go through a transaction of its own (the calls' group): the
    request itself only reads, and no write transaction is begun for it (``create_app``)."""
    view.writes_on_its_own = True
    return view


def counter_for_clerk(counter_id: int) -> Counter:
    """The counter, if the logged-in clerk may work at it (their own office); else 404/403."""
    counter = db.session.get(Counter, counter_id, options=[joinedload(Counter.office)])
    if counter is None or not counter.office.active:
        abort(404)
    if current_user.role == Role.CLERK and current_user.office_id not in (None, counter.office_id):
        abort(403)
    return counter


def form_int(form, name: str) -> int:
    """An integer from a form or JSON field, or a 400 that says which field is wrong."""
    value = form.get(name)
    if isinstance(value, bool):
        abort(400)
    try:
        return int(value)
    except (TypeError, ValueError):
        abort(400)
