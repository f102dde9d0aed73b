"""Office setup: the offices, their opening hours and special days, counters, queues, and
which counter serves which services (the matrix).

Each section of an office's page is its own form. With htmx a section posts and replaces
itself (``hx-target`` the section); without it the form posts normally, a mistake re-renders
the whole page with status 422 and a success redirects back. Either way nothing typed is lost:
the forms render from the submitted values, with each problem beside its field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func

from ... import htmx, realtime
from ...extensions import db
from ...i18n import current_language
from ...models import Counter, Office, OfficeService, Organisation, Queue, Role, SpecialDay
from ...services import setup
from ...services.errors import N_
from ...services.hours import WEEKDAYS
from ..common import roles_required
from . import bp
from .forms import Form, field_errors

ADMIN = Role.ADMIN
LANGUAGE_SLOTS = 6  # how many languages an office may list, in order
MAX_SPANS = 8  # spans a day may have (the form reads no more)

GENERAL_FIELDS = (
    "slug",
    "timezone",
    "priority_policy",
    "priority_every",
    "wait_target_minutes",
    "stop_issuing_minutes",
    "no_show_grace_minutes",
    "organisation",
)

# The weekdays as the hours editor names them.
DAY_NAMES = {
    "mon": N_("Monday"),
    "tue": N_("Tuesday"),
    "wed": N_("Wednesday"),
    "thu": N_("Thursday"),
    "fri": N_("Friday"),
    "sat": N_("Saturday"),
    "sun": N_("Sunday"),
}


def _allowed_languages() -> list[str]:
    """The languages an office may choose: the interface's, then Turkish and Romani."""
    return setup.content_languages(current_app.config["LANGUAGES"])


def _office_or_404(slug: str) -> Office:
    """The office with this slug, active or not (an administrator edits both)."""
    office = db.session.scalar(db.select(Office).filter_by(slug=slug))
    if office is None:
        abort(404)
    return office


def _row_or_404(model, row_id: int, office: Office):
    row = db.session.get(model, row_id)
    if row is None or row.office_id != office.id:
        abort(404)
    return row


def _texts(values: dict, name: str, languages) -> dict[str, str]:
    """{"mk": ..., "sq": ...} from the flat fields "<name>-mk", "<name>-sq"."""
    return {lang: values.get(f"{name}-{lang}", "") for lang in languages}


def _flat(prefix: str, text: dict | None) -> dict[str, str]:
    return {f"{prefix}-{lang}": value for lang, value in (text or {}).items()}


def _typed(*names: str) -> dict[str, Any]:
    """The submitted fields, as typed (never re-read from the database after a mistake)."""
    return {name: request.form.get(name, "") for name in names}


def _typed_texts(*names: str) -> dict[str, str]:
    """The submitted "<name>-<lang>" fields of these names, as typed."""
    return {k: v for k, v in request.form.items() if k.split("-", 1)[0] in names and "-" in k}


def _typed_spans(name: str) -> list[list[str]]:
    """The submitted rows "<name>-<i>-from" / "-to", in order, blank ones included."""
    spans = []
    for i in range(MAX_SPANS):
        start, end = request.form.get(f"{name}-{i}-from"), request.form.get(f"{name}-{i}-to")
        if start is None and end is None:
            continue
        spans.append([start or "", end or ""])
    return spans


def _changed(office: Office, *, notice: str, section: str):
    """Commit, tell the office's screens, and answer: the fresh section, or back to the page."""
    db.session.commit()
    realtime.office_changed(office)
    if htmx.is_htmx():
        form = _default_forms(office)[section]
        form.notice = notice
        # The matrix has a column per counter: it redraws itself when counters change.
        trigger = "setup-changed" if section in ("counters", "queues") else None
        return _render(office, section, form, trigger=trigger)
    flash(notice, "info")
    return htmx.redirect(url_for("admin.edit_office", slug=office.slug) + f"#{section}")


def _render(
    office: Office,
    section: str,
    form: Form | None = None,
    *,
    status: int = 200,
    trigger: str | None = None,
):
    """The office's page, or only the section for htmx (one view, two renderings)."""
    forms = _default_forms(office)
    if form is not None:
        forms[section] = form
    as_fragment = htmx.is_htmx()
    template = f"admin/offices/_{section}.html" if as_fragment else "admin/offices/edit.html"
    response = htmx.fragment(
        template, status, trigger=trigger, fragment=as_fragment, **_page_context(office, forms)
    )
    response.vary.add("HX-Request")
    return response


def _page_context(office: Office, forms: dict[str, Form]) -> dict[str, Any]:
    cells = setup.matrix_cells(db.session, office)
    return {
        "office": office,
        "forms": forms,
        "langs": office.languages,
        "allowed_languages": list(dict.fromkeys([*_allowed_languages(), *office.languages])),
        "ui_langs": [current_language(), *office.languages],
        "weekdays": WEEKDAYS,
        "day_names": DAY_NAMES,
        "cells": cells,
        "serves_all": {c.id: setup.serves_all(cells, c.id) for c in office.counters},
        "unserved": {o.id for o in setup.unserved_services(db.session, office)},
        "preferences": setup.PREFERENCES,
        "services_per_queue": _services_per_queue(office),
        "recommended": setup.RECOMMENDED_PREFIXES,
        "serving": {c.id: setup.serving_ticket(db.session, c) for c in office.counters},
        "fmt_date": _format_day,
        "today": dt.datetime.now(ZoneInfo(office.timezone)).date(),
    }


def _format_day(day: dt.date) -> str:
    return format_date(day, "EEE d MMM y")


def _services_per_queue(office: Office) -> dict[int, int]:
    rows = db.session.execute(
        db.select(OfficeService.queue_id, func.count())
        .where(OfficeService.office_id == office.id)
        .group_by(OfficeService.queue_id)
    ).all()
    return dict(rows)


# ------------------------------------------------------------------------------- defaults


def _general_values(office: Office) -> dict[str, Any]:
    return {
        "slug": office.slug,
        "languages": list(office.languages),
        "timezone": office.timezone,
        "priority_policy": office.priority_policy,
        "priority_every": str(office.priority_every),
        "wait_target_minutes": str(office.wait_target_minutes),
        "stop_issuing_minutes": str(office.stop_issuing_minutes),
        "no_show_grace_minutes": str(office.no_show_grace_minutes),
        "active": office.active,
        **_flat("name", office.name),
        **_flat("address", office.address),
    }


def _new_office_values() -> dict[str, Any]:
    return {
        "slug": "",
        "languages": [current_app.config["DEFAULT_LANGUAGE"]],
        "timezone": current_app.config["TIMEZONE"],
        "priority_policy": "strict",
        "priority_every": "3",
        "wait_target_minutes": "20",
        "stop_issuing_minutes": "15",
        "no_show_grace_minutes": "15",
        "active": True,
    }


def _counter_values(counter: Counter | None, office: Office) -> dict[str, Any]:
    if counter is None:
        numbers = [c.number for c in office.counters]
        return {"number": str(max(numbers, default=0) + 1), "active": True}
    return {
        "number": str(counter.number),
        "active": counter.active,
        **_flat("name", counter.name),
        **_flat("location", counter.location),
    }


def _queue_values(queue: Queue | None, office: Office) -> dict[str, Any]:
    if queue is None:
        used = {q.prefix for q in office.queues}
        free = next((p for p in setup.RECOMMENDED_PREFIXES if p not in used), "")
        return {"prefix": free, "number_min": "1", "number_max": "999", "reset_time": "00:00"}
    return {
        "prefix": queue.prefix,
        "number_min": str(queue.number_min),
        "number_max": str(queue.number_max),
        "reset_time": queue.reset_time.strftime("%H:%M"),
        **_flat("name", queue.name),
    }


def _day_values(special: SpecialDay | None) -> dict[str, Any]:
    if special is None:
        return {"date": "", "closed": False, "hours": [["", ""]]}
    return {
        "date": special.date.isoformat(),
        "closed": not special.hours,
        "hours": [list(span) for span in special.hours] or [["", ""]],
        **_flat("note", special.note),
    }


def _default_forms(office: Office) -> dict[str, Form]:
    return {
        "general": Form("general", _general_values(office), shown=list(office.languages)),
        "hours": Form(
            "week",
            {
                "mode": "hours" if office.opening_hours else "always",
                "hours": _week_values(office.opening_hours),
            },
        ),
        "special_days": Form("day", _day_values(None)),
        "counters": Form("counter", _counter_values(None, office)),
        "queues": Form("queue", _queue_values(None, office)),
        "matrix": Form("matrix", {}),
    }


def _week_values(hours: dict | None) -> dict[str, list[list[str]]]:
    return {day: [list(span) for span in (hours or {}).get(day, [])] for day in WEEKDAYS}


# ------------------------------------------------------------------------------- offices


@bp.get("/offices")
@roles_required(ADMIN)
def list_offices():
    """List every office, active or not, with what is set up there."""
    offices = db.session.scalars(db.select(Office).order_by(Office.id)).all()
    rows = [
        {
            "office": o,
            "counts": setup.counts(db.session, o),
            "missing": [lang for lang in o.languages if not (o.name or {}).get(lang)],
        }
        for o in offices
    ]
    return render_template("admin/offices/index.html", rows=rows)


def _general_form_values() -> dict[str, Any]:
    """The general form as typed: the language slots in order, then every other field."""
    values = _typed(*GENERAL_FIELDS)
    values["languages"] = [
        lang
        for i in range(LANGUAGE_SLOTS)
        if (lang := request.form.get(f"languages-{i}", "").strip())
    ]
    values["active"] = "active" in request.form
    values.update(_typed_texts("name", "address"))
    return values


def _general_data(values: dict[str, Any], shown_languages) -> dict[str, Any]:
    data = {k: v for k, v in values.items() if "-" not in k}
    data["name"] = _texts(values, "name", shown_languages)
    data["address"] = _texts(values, "address", shown_languages)
    return data


def _shown_languages(values: dict[str, Any], fallback) -> list[str]:
    """The languages whose name fields the form shows: the chosen ones, when they are valid."""
    chosen = values.get("languages") or []
    allowed = set(_allowed_languages()) | set(fallback)
    if chosen and all(x in allowed for x in chosen) and len(set(chosen)) == len(chosen):
        return list(chosen)
    return list(fallback)


def _organisations() -> list[Organisation]:
    return list(db.session.scalars(db.select(Organisation).order_by(Organisation.id)))


@bp.route("/offices/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def new_office():
    """Open a new office: its general settings first, the rest on its own page."""
    organisations = _organisations()
    context = {
        "organisations": organisations,
        "allowed_languages": _allowed_languages(),
        "fragment": False,
    }
    if request.method == "GET":
        values = _new_office_values()
        form = Form("general", values, shown=values["languages"])
        return render_template("admin/offices/new.html", form=form, **context)

    values = _general_form_values()
    shown = _shown_languages(values, [current_app.config["DEFAULT_LANGUAGE"]])
    form = Form("general", values, shown=shown)
    status = 200
    if "refresh" not in request.form:
        organisation = None
        if organisations:
            chosen = request.form.get("organisation_id", str(organisations[0].id))
            organisation = next((o for o in organisations if str(o.id) == chosen), None)
            if organisation is None:
                abort(400)
        try:
            office = setup.create_office(
                db.session,
                _general_data(values, shown),
                actor=current_user,
                organisation=organisation,
                allowed_languages=_allowed_languages(),
            )
        except setup.FieldErrors as err:
            db.session.rollback()
            form.errors = field_errors(err)
            status = 422
        else:
            db.session.commit()
            flash(_("The office was created. Now set its hours, counters and queues."), "info")
            return htmx.redirect(url_for("admin.edit_office", slug=office.slug))
    context["fragment"] = htmx.is_htmx()
    template = "admin/offices/_general.html" if htmx.is_htmx() else "admin/offices/new.html"
    return render_template(template, form=form, **context), status


@bp.get("/offices/<slug>")
@roles_required(ADMIN)
def edit_office(slug: str):
    """Show an office's whole setup, one section after another."""
    office = _office_or_404(slug)
    forms = _default_forms(office)
    if (counter_id := request.args.get("counter", type=int)) is not None:
        counter = _row_or_404(Counter, counter_id, office)
        forms["counters"] = Form("counter", _counter_values(counter, office), editing=counter)
    if (queue_id := request.args.get("queue", type=int)) is not None:
        queue = _row_or_404(Queue, queue_id, office)
        forms["queues"] = Form("queue", _queue_values(queue, office), editing=queue)
    if (day_id := request.args.get("day", type=int)) is not None:
        special = _row_or_404(SpecialDay, day_id, office)
        forms["special_days"] = Form("day", _day_values(special), editing=special)
    return render_template(
        "admin/offices/edit.html", fragment=False, **_page_context(office, forms)
    )


@bp.post("/offices/<slug>/general")
@roles_required(ADMIN)
def save_general(slug: str):
    """Save the office's names, languages, time zone and queue policies."""
    office = _office_or_404(slug)
    values = _general_form_values()
    shown = _shown_languages(values, office.languages)
    stored = _general_values(office)
    for lang in shown:  # a language the form did not show (chosen again): its stored texts
        for key in (f"name-{lang}", f"address-{lang}"):
            if key not in request.form and key in stored:
                values[key] = stored[key]
    form = Form("general", values, shown=shown)
    if "refresh" in request.form:  # the language list changed: redraw the name fields only
        return _render(office, "general", form)
    try:
        setup.update_office(
            db.session,
            office,
            _general_data(values, shown),
            actor=current_user,
            allowed_languages=_allowed_languages(),
        )
    except setup.FieldErrors as err:
        db.session.rollback()
        form.errors = field_errors(err)
        return _render(office, "general", form, status=422)
    db.session.commit()
    realtime.office_changed(office)
    # Languages and the address may have changed: every section is drawn anew.
    flash(_("The general settings were saved."), "info")
    return htmx.redirect(url_for("admin.edit_office", slug=office.slug))


# ------------------------------------------------------------------------------- hours


@bp.post("/offices/<slug>/hours")
@roles_required(ADMIN)
def save_hours(slug: str):
    """Save the week's opening hours; the add and remove buttons only redraw the rows."""
    office = _office_or_404(slug)
    week = {day: _typed_spans(f"hours-{day}") for day in WEEKDAYS}
    mode = "always" if request.form.get("mode") == "always" else "hours"
    form = Form("week", {"mode": mode, "hours": week})
    if add := request.form.get("add"):
        form.values["mode"] = "hours"  # adding hours means the office keeps hours
        if add in week and len(week[add]) < MAX_SPANS:
            week[add].append(["", ""])
            form.focus = f"week-hours-{add}-{len(week[add]) - 1}-from"
        return _render(office, "hours", form)
    if remove := request.form.get("remove"):
        day, _sep, index = remove.partition("-")
        if day in week and index.isdigit() and int(index) < len(week[day]):
            week[day].pop(int(index))
        form.focus = f"week-add-{day}"
        return _render(office, "hours", form)
    if (source := request.form.get("copy")) in week:
        for day in ("mon", "tue", "wed", "thu", "fri"):
            week[day] = [list(span) for span in week[source]]
        return _render(office, "hours", form)
    try:
        setup.update_opening_hours(
            db.session, office, None if mode == "always" else week, actor=current_user
        )
    except setup.FieldErrors as err:
        db.session.rollback()
        form.errors = field_errors(err)
        return _render(office, "hours", form, status=422)
    return _changed(office, notice=_("The opening hours were saved."), section="hours")


# ------------------------------------------------------------------------------- special days


@bp.get("/offices/<slug>/special-days")
@roles_required(ADMIN)
def show_special_days(slug: str):
    """Show the special days, with the form to add one or change the one asked for."""
    office = _office_or_404(slug)
    form = Form("day", _day_values(None))
    if (day_id := request.args.get("day", type=int)) is not None:
        special = _row_or_404(SpecialDay, day_id, office)
        form = Form("day", _day_values(special), editing=special)
    return _render(office, "special_days", form)


@bp.post("/offices/<slug>/special-days")
@roles_required(ADMIN)
def save_special_day(slug: str):
    """Add a special day (a holiday, or shorter hours), or change one."""
    office = _office_or_404(slug)
    values = _typed("date")
    values["closed"] = "closed" in request.form
    values["hours"] = _typed_spans("hours") or [["", ""]]
    values.update(_typed_texts("note"))
    editing = None
    if (day_id := request.form.get("editing", type=int)) is not None:
        editing = _row_or_404(SpecialDay, day_id, office)
    form = Form("day", values, editing=editing)
    if request.form.get("add") is not None:
        values["hours"].append(["", ""])
        form.focus = f"day-hours-{len(values['hours']) - 1}-from"
        return _render(office, "special_days", form)
    if (remove := request.form.get("remove")) is not None:
        if remove.isdigit() and int(remove) < len(values["hours"]):
            values["hours"].pop(int(remove))
        values["hours"] = values["hours"] or [["", ""]]
        form.focus = "day-add"
        return _render(office, "special_days", form)
    data = {**values, "note": _texts(values, "note", office.languages)}
    try:  # changed on its date or moved to another, never over another special day
        setup.save_special_day(db.session, office, data, actor=current_user, changing=editing)
    except setup.FieldErrors as err:
        db.session.rollback()
        form.errors = field_errors(err)
        return _render(office, "special_days", form, status=422)
    return _changed(office, notice=_("The special day was saved."), section="special_days")


@bp.post("/offices/<slug>/special-days/<int:day_id>/delete")
@roles_required(ADMIN)
def delete_special_day(slug: str, day_id: int):
    """Remove a special day: the date keeps its weekday's hours again."""
    office = _office_or_404(slug)
    special = _row_or_404(SpecialDay, day_id, office)
    setup.delete_special_day(db.session, special, actor=current_user)
    return _changed(office, notice=_("The special day was removed."), section="special_days")


# ------------------------------------------------------------------------------- counters


@bp.get("/offices/<slug>/counters")
@roles_required(ADMIN)
def show_counters(slug: str):
    """Show the counters, with the form to add one or change the one asked for."""
    office = _office_or_404(slug)
    form = Form("counter", _counter_values(None, office))
    if (counter_id := request.args.get("counter", type=int)) is not None:
        counter = _row_or_404(Counter, counter_id, office)
        form = Form("counter", _counter_values(counter, office), editing=counter)
    return _render(office, "counters", form)


def _counter_form(editing: Counter | None) -> tuple[Form, dict[str, Any]]:
    values = _typed("number")
    values["active"] = "active" in request.form
    values.update(_typed_texts("name", "location"))
    return Form("counter", values, editing=editing), values


@bp.post("/offices/<slug>/counters")
@roles_required(ADMIN)
def add_counter(slug: str):
    """Add a counter to the office."""
    office = _office_or_404(slug)
    form, values = _counter_form(None)
    data = {
        **values,
        "name": _texts(values, "name", office.languages),
        "location": _texts(values, "location", office.languages),
    }
    try:
        counter = setup.create_counter(db.session, office, data, actor=current_user)
    except setup.FieldErrors as err:
        db.session.rollback()
        form.errors = field_errors(err)
        return _render(office, "counters", form, status=422)
    notice = _("Counter %(number)d was added.", number=counter.number)
    return _changed(office, notice=notice, section="counters")


@bp.post("/offices/<slug>/counters/<int:counter_id>")
@roles_required(ADMIN)
def update_counter(slug: str, counter_id: int):
    """Change a counter: its number, names, location, or whether it is in use."""
    office = _office_or_404(slug)
    counter = _row_or_404(Counter, counter_id, office)
    form, values = _counter_form(counter)
    data = {
        **values,
        "name": _texts(values, "name", office.languages),
        "location": _texts(values, "location", office.languages),
    }
    try:
        setup.update_counter(db.session, counter, data, actor=current_user)
    except setup.FieldErrors as err:
        db.session.rollback()
        form.errors = field_errors(err)
        return _render(office, "counters", form, status=422)
    notice = _("Counter %(number)d was saved.", number=counter.number)
    return _changed(office, notice=notice, section="counters")


# ------------------------------------------------------------------------------- queues


@bp.get("/offices/<slug>/queues")
@roles_required(ADMIN)
def show_queues(slug: str):
    """Show the queues, with the form to add one or change the one asked for."""
    office = _office_or_404(slug)
    form = Form("queue", _queue_values(None, office))
    if (queue_id := request.args.get("queue", type=int)) is not None:
        queue = _row_or_404(Queue, queue_id, office)
        form = Form("queue", _queue_values(queue, office), editing=queue)
    return _render(office, "queues", form)


def _queue_form(editing: Queue | None, office: Office) -> tuple[Form, dict[str, Any]]:
    values = _typed("prefix", "number_min", "number_max", "reset_time")
    values.update(_typed_texts("name"))
    data = {**values, "name": _texts(values, "name", office.languages)}
    return Form("queue", values, editing=editing), data


@bp.post("/offices/<slug>/queues")
@roles_required(ADMIN)
def add_queue(slug: str):
    """Add a numbered queue to the office."""
    office = _office_or_404(slug)
    form, data = _queue_form(None, office)
    try:
        queue = setup.create_queue(db.session, office, data, actor=current_user)
    except setup.FieldErrors as err:
        db.session.rollback()
        form.errors = field_errors(err)
        return _render(office, "queues", form, status=422)
    notice = _("Queue %(prefix)s was added.", prefix=queue.prefix)
    return _changed(office, notice=notice, section="queues")


@bp.post("/offices/<slug>/queues/<int:queue_id>")
@roles_required(ADMIN)
def update_queue(slug: str, queue_id: int):
    """Change a queue's prefix, name, numbering range or restart time."""
    office = _office_or_404(slug)
    queue = _row_or_404(Queue, queue_id, office)
    form, data = _queue_form(queue, office)
    try:
        setup.update_queue(db.session, queue, data, actor=current_user)
    except setup.FieldErrors as err:
        db.session.rollback()
        form.errors = field_errors(err)
        return _render(office, "queues", form, status=422)
    notice = _("Queue %(prefix)s was saved.", prefix=queue.prefix)
    return _changed(office, notice=notice, section="queues")


@bp.post("/offices/<slug>/queues/<int:queue_id>/delete")
@roles_required(ADMIN)
def delete_queue(slug: str, queue_id: int):
    """Delete a queue that no service uses and no ticket was issued in."""
    office = _office_or_404(slug)
    queue = _row_or_404(Queue, queue_id, office)
    prefix = queue.prefix
    setup.delete_queue(db.session, queue, actor=current_user)  # QueueInUse: a clear 409
    notice = _("Queue %(prefix)s was deleted.", prefix=prefix)
    return _changed(office, notice=notice, section="queues")


# ------------------------------------------------------------------------------- matrix


@bp.get("/offices/<slug>/matrix")
@roles_required(ADMIN)
def show_matrix(slug: str):
    """Show which counter serves which service, and in which order."""
    office = _office_or_404(slug)
    return _render(office, "matrix")


@bp.post("/offices/<slug>/matrix")
@roles_required(ADMIN)
def save_matrix(slug: str):
    """Save the whole matrix at once (the form without JavaScript)."""
    office = _office_or_404(slug)
    cells = {}
    for counter in office.counters:
        for offer in office.services:
            name = f"cell-{counter.id}-{offer.service_id}"
            if name in request.form:
                cells[(counter.id, offer.service_id)] = setup.parse_preference(request.form[name])
    changed = setup.set_matrix(db.session, office, cells, actor=current_user)
    notice = _("Who serves what was saved.") if changed else _("Nothing was changed.")
    return _changed(office, notice=notice, section="matrix")


@bp.post("/offices/<slug>/matrix/<int:counter_id>/<int:service_id>")
@roles_required(ADMIN)
def save_matrix_cell(slug: str, counter_id: int, service_id: int):
    """Save one cell of the matrix as soon as it changes (htmx)."""
    office = _office_or_404(slug)
    value = request.form.get(f"cell-{counter_id}-{service_id}", request.form.get("preference"))
    if value is None:
        abort(400)
    preference = setup.parse_preference(value)
    setup.set_matrix_cell(
        db.session, office, counter_id, service_id, preference, actor=current_user
    )
    return _changed(office, notice=_("Saved."), section="matrix")
