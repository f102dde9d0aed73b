"""The information board: administrators write notices for the displays and kiosks of one
office or of all offices, in each language side by side, from one moment to another, some
pinned on top. Every change is audited and reaches the screens at once.

The forms post normally: a mistake re-renders with status 422 and every problem named; a
success redirects to the list. Text is stored as typed and always rendered escaped.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import htmx, realtime
from ...extensions import db
from ...models import Announcement, Office, Role, utcnow
from ...services import announcements as notices
from ...services.setup import FieldErrors
from ..common import roles_required
from . import bp
from .forms import Form, all_offices, field_errors

ADMIN = Role.ADMIN


def _languages(offices: list[Office]) -> list[str]:
    """The languages the form offers: the interface languages, then the offices' others."""
    langs = list(current_app.config["LANGUAGES"])
    for office in offices:
        langs += [x for x in office.languages if x not in langs]
    return langs


def _timezone(values: dict, offices: list[Office]) -> str:
    office_id = str(values.get("office", ""))
    office = next((o for o in offices if str(o.id) == office_id), None)
    return office.timezone if office else current_app.config["TIMEZONE"]


def _values(announcement: Announcement | None, offices: list[Office]) -> dict[str, Any]:
    if announcement is None:
        return {
            "office": notices.ALL_OFFICES,
            "publish_from": "",
            "publish_to": "",
            "pinned": False,
        }
    values = {
        "office": str(announcement.office_id) if announcement.office_id else notices.ALL_OFFICES,
        "pinned": announcement.pinned,
    }
    tz = _timezone(values, offices)
    values["publish_from"] = notices.format_local(announcement.publish_from, tz)
    values["publish_to"] = notices.format_local(announcement.publish_to, tz)
    for lang, text in (announcement.title or {}).items():
        values[f"title-{lang}"] = text
    for lang, text in (announcement.body or {}).items():
        values[f"body-{lang}"] = text
    return values


def _typed(languages: list[str]) -> dict[str, Any]:
    values = {name: request.form.get(name, "") for name in ("office", "publish_from", "publish_to")}
    values["pinned"] = "pinned" in request.form
    for lang in languages:
        values[f"title-{lang}"] = request.form.get(f"title-{lang}", "")
        values[f"body-{lang}"] = request.form.get(f"body-{lang}", "")
    return values


def _form_page(form: Form, status: int = 200):
    offices = all_offices()
    page = render_template(
        "admin/announcements/form.html",
        form=form,
        offices=offices,
        languages=_languages(offices),
        timezone=_timezone(form.values, offices),
        all_offices=notices.ALL_OFFICES,
    )
    return page, status


def _save(announcement: Announcement | None):
    offices = all_offices()
    languages = _languages(offices)
    values = _typed(languages)
    try:
        saved, before = notices.save(
            db.session,
            announcement,
            values,
            languages=languages,
            default_timezone=current_app.config["TIMEZONE"],
            actor=current_user,
        )
    except FieldErrors as err:
        db.session.rollback()
        errors = field_errors(err)
        return _form_page(Form("notice", values, errors, editing=announcement), 422)
    reached = notices.offices_reached(db.session, before, saved)
    db.session.commit()
    realtime.announcements_changed(reached)
    flash(_("Announcement saved."), "info")
    return htmx.redirect(url_for("admin.list_announcements"))


@bp.get("/announcements")
@roles_required(ADMIN)
def list_announcements():
    """List every announcement: live, scheduled and ended."""
    offices = {o.id: o for o in all_offices()}
    return render_template(
        "admin/announcements/index.html",
        announcements=notices.for_admin(db.session),
        offices=offices,
        status=notices.status,
        now=utcnow(),
        languages=_languages(list(offices.values())),
    )


@bp.get("/announcements/new")
@roles_required(ADMIN)
def new_announcement():
    """Show an empty announcement form."""
    return _form_page(Form("notice", _values(None, all_offices())))


@bp.post("/announcements")
@roles_required(ADMIN)
def create_announcement():
    """Publish a new announcement."""
    return _save(None)


@bp.get("/announcements/<int:announcement_id>")
@roles_required(ADMIN)
def edit_announcement(announcement_id: int):
    """Show an announcement's form."""
    announcement = db.get_or_404(Announcement, announcement_id)
    return _form_page(Form("notice", _values(announcement, all_offices()), editing=announcement))


@bp.post("/announcements/<int:announcement_id>")
@roles_required(ADMIN)
def update_announcement(announcement_id: int):
    """Change an announcement."""
    return _save(db.get_or_404(Announcement, announcement_id))


@bp.post("/announcements/<int:announcement_id>/delete")
@roles_required(ADMIN)
def delete_announcement(announcement_id: int):
    """Delete an announcement: it leaves the screens at once."""
    announcement = db.get_or_404(Announcement, announcement_id)
    before = notices.remove(db.session, announcement, actor=current_user)
    reached = notices.offices_reached(db.session, before)
    db.session.commit()
    realtime.announcements_changed(reached)
    flash(_("Announcement deleted."), "info")
    return htmx.redirect(url_for("admin.list_announcements"))
