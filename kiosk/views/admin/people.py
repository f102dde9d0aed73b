"""Staff accounts: administrators add clerks and administrators, tie a clerk to an office,
change a name or a password, and turn an account off. The rules are in
``kiosk.services.people``; a mistake re-renders the form with status 422 and every problem
named, what was typed kept (except the passwords, which are never sent back).
"""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import htmx
from ...extensions import db
from ...models import Role, User
from ...services import people
from ...services.setup import FieldErrors
from ..common import roles_required
from . import bp
from .forms import Form, all_offices, field_errors

FIELDS = ("username", "display_name", "role", "office")


def _form_page(form: Form, status: int = 200):
    page = render_template(
        "admin/people/form.html",
        form=form,
        offices=all_offices(),
        roles=[Role.CLERK, Role.ADMIN],
        password_min=people.PASSWORD_MIN,
    )
    return page, status


def _save(user: User | None):
    values = {name: request.form.get(name, "") for name in FIELDS}
    values["active"] = "active" in request.form
    secrets = {name: request.form.get(name, "") for name in ("password", "password_again")}
    try:
        saved = people.save_user(db.session, user, values | secrets, actor=current_user)
    except FieldErrors as err:
        db.session.rollback()
        errors = field_errors(err)
        return _form_page(Form("user", values, errors, editing=user), 422)
    db.session.commit()
    flash(_("The account of %(name)s is saved.", name=saved.display_name), "info")
    return htmx.redirect(url_for("admin.list_people"))


@bp.get("/people")
@roles_required(Role.ADMIN)
def list_people():
    """List every account: who, role, office, on or off, last login."""
    offices = {o.id: o for o in all_offices()}
    return render_template(
        "admin/people/index.html", users=people.staff(db.session), offices=offices
    )


@bp.get("/people/new")
@roles_required(Role.ADMIN)
def new_person():
    """Show an empty account form (a clerk, active)."""
    return _form_page(Form("user", {"role": Role.CLERK.value, "office": "", "active": True}))


@bp.post("/people")
@roles_required(Role.ADMIN)
def create_person():
    """Add an account."""
    return _save(None)


@bp.get("/people/<int:user_id>")
@roles_required(Role.ADMIN)
def edit_person(user_id: int):
    """Show an account's form."""
    user = db.get_or_404(User, user_id)
    values = {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "office": str(user.office_id or ""),
        "active": user.active,
    }
    return _form_page(Form("user", values, editing=user))


@bp.post("/people/<int:user_id>")
@roles_required(Role.ADMIN)
def update_person(user_id: int):
    """Change an account (a new password only when one is typed)."""
    return _save(db.get_or_404(User, user_id))
