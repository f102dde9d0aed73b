"""Staff accounts, kept by administrators: who may log in, as what, at which office.

A clerk tied to an office works only there; a clerk with no office, at any office. An account
is never deleted (the event log and the audit trail name it): it is turned off instead, and
then cannot log in. An administrator cannot take their own access away, so the system never
loses its last way in. Passwords are stored only as argon2 hashes (``User.set_password``) and
never appear in the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Office, Role, User
from . import audit
from .errors import N_
from .setup import FieldErrors, Problem, clean_text

USERNAME_MIN = 3  # "a" or "ad" is easy to guess and easy to mistype for a colleague's
USERNAME_MAX = 64
NAME_MAX = 120
PASSWORD_MIN = 8
PASSWORD_MAX = 200
_USERNAME = re.compile(r"[\w.@-]+")
_AUDITED = ["username", "display_name", "role", "office_id", "active"]  # never the hash


def save_user(
    session: Session, user: User | None, values: Mapping[str, Any], *, actor: User | None
) -> User:
    """Create an account (``user`` None) or change one, from the form's ``values``: username,
    display_name, role, office ("" for every office), active, password and password_again
    (both empty: the password stays). Every problem is reported at once (``FieldErrors``)."""
    errors: dict[str, Problem] = {}
    username = clean_text(values.get("username"))
    if not username:
        errors["username"] = Problem(N_("Enter a username."))
    elif not USERNAME_MIN <= len(username) <= USERNAME_MAX or not _USERNAME.fullmatch(username):
        errors["username"] = Problem(
            N_("Use %(min)d to %(max)d letters, digits, dots, dashes or @, without spaces."),
            {"min": USERNAME_MIN, "max": USERNAME_MAX},
        )
    elif session.scalar(
        select(User.id).where(User.username == username, User.id != (user.id if user else None))
    ):
        errors["username"] = Problem(N_("This username is taken."))
    display_name = clean_text(values.get("display_name"))
    if not display_name:
        errors["display_name"] = Problem(N_("Enter the name colleagues see."))
    elif len(display_name) > NAME_MAX:
        errors["display_name"] = Problem(N_("Use at most %(max)d characters."), {"max": NAME_MAX})
    role = values.get("role")
    if role not in {r.value for r in Role}:
        errors["role"] = Problem(N_("Choose a role."))
    office_id, chosen = None, str(values.get("office") or "")
    if chosen:
        # (a number too large for the column would fail in the database, not here)
        office = session.get(Office, int(chosen)) if chosen.isdigit() and len(chosen) < 10 else None
        if office is None:
            errors["office"] = Problem(N_("Choose an office, or every office."))
        else:
            office_id = office.id
    active = bool(values.get("active"))
    if user is not None and actor is not None and user.id == actor.id:
        if role != Role.ADMIN:
            errors["role"] = Problem(N_("You cannot take away your own administrator access."))
        if not active:
            errors["active"] = Problem(N_("You cannot turn off your own account."))
    password = values.get("password") or ""
    if password or user is None:
        if len(password) < PASSWORD_MIN or len(password) > PASSWORD_MAX:
            errors["password"] = Problem(
                N_("Use a password of %(min)d to %(max)d characters."),
                {"min": PASSWORD_MIN, "max": PASSWORD_MAX},
            )
        elif password != (values.get("password_again") or ""):
            errors["password_again"] = Problem(N_("The two passwords are not the same."))
    if errors:
        raise FieldErrors(errors)

    before = audit.snapshot(user, _AUDITED) if user is not None else None
    if user is None:
        user = User(username=username)
        session.add(user)
    user.username, user.display_name, user.role = username, display_name, role
    user.office_id, user.active = office_id, active
    if password:
        user.set_password(password)
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="user",
        entity_id=user.id,
        action="update" if before is not None else "create",
        before=before,
        after=audit.snapshot(user, _AUDITED) | ({"password": "changed"} if password else {}),
    )
    return user


def staff(session: Session) -> list[User]:
    """Every account: the active ones first, then by name."""
    return list(
        session.scalars(select(User).order_by(User.active.desc(), User.display_name, User.id))
    )
