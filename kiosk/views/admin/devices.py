"""Paired screens: pair a lobby display, a counter display or a kiosk by the code on its
screen; change its settings; revoke it. Every change is audited (services.devices).

The forms post normally (no htmx needed): a mistake re-renders the page with status 422, every
problem beside its field and in the summary at the top; a success redirects back to the list.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import htmx, realtime
from ...extensions import db
from ...models import Device, Role
from ...services import devices as device_rules
from ...services.setup import FieldErrors
from ..common import roles_required
from ..display import screen_url
from . import bp
from .forms import Form, all_offices, field_errors

ADMIN = Role.ADMIN
FIELDS = ("code", "kind", "office", "counter", "name", "layout", "volume", "speech")


def _typed() -> dict[str, Any]:
    values = {name: request.form.get(name, "") for name in FIELDS}
    values["speech"] = "speech" in request.form
    return values


def _device_values(device: Device) -> dict[str, Any]:
    settings = device_rules.settings_of(device)
    return {
        "kind": device.kind,
        "office": str(device.office_id or ""),
        "counter": str(device.counter.number) if device.counter else "",
        "name": device.name,
        "layout": settings["layout"],
        "volume": str(settings["volume"]),
        "speech": settings["speech"],
    }


def _new_values() -> dict[str, Any]:
    offices = all_offices()
    return {
        "code": device_rules.normalise_code(request.args.get("code", ""))[:12],
        "kind": "display",
        "office": str(offices[0].id) if len(offices) == 1 else "",
        "counter": "",
        "name": "",
        "layout": "auto",
        "volume": str(device_rules.DEFAULT_SETTINGS["volume"]),
        "speech": True,
    }


def _context(form: Form) -> dict[str, Any]:
    return {
        "form": form,
        "offices": all_offices(),
        "devices": device_rules.paired_devices(db.session),
        "kinds": device_rules.KINDS,
        "kind_names": device_rules.KIND_NAMES,
        "layouts": device_rules.LAYOUTS,
        "layout_names": device_rules.LAYOUT_NAMES,
        "online": device_rules.is_online,
        "settings_of": device_rules.settings_of,
        "screen_url": screen_url,
    }


def _device_or_404(device_id: int) -> Device:
    device = db.session.get(Device, device_id)
    if device is None or device.paired_at is None:
        abort(404)
    return device


@bp.get("/devices")
@roles_required(ADMIN)
def list_devices():
    """List the paired screens, with the form that pairs a new one by its code."""
    return render_template("admin/devices/index.html", **_context(Form("pair", _new_values())))


@bp.post("/devices")
@roles_required(ADMIN)
def pair_device():
    """Pair the screen that shows this code with an office (and a counter)."""
    values = _typed()
    try:
        device = device_rules.pair(db.session, values, actor=current_user)
    except FieldErrors as err:
        db.session.rollback()
        form = Form("pair", values, field_errors(err))
        return render_template("admin/devices/index.html", **_context(form)), 422
    db.session.commit()
    realtime.device_paired(device, screen_url(device) or url_for("display.pairing"))
    flash(
        _("Screen paired: %(name)s.", name=device.name or device_rules.format_code(values["code"])),
        "info",
    )
    return htmx.redirect(url_for("admin.list_devices"))


@bp.get("/devices/<int:device_id>")
@roles_required(ADMIN)
def edit_device(device_id: int):
    """Show a paired screen's settings."""
    device = _device_or_404(device_id)
    form = Form("device", _device_values(device), editing=device)
    return render_template("admin/devices/edit.html", device=device, **_context(form))


@bp.post("/devices/<int:device_id>")
@roles_required(ADMIN)
def update_device(device_id: int):
    """Change a paired screen: where it is, its name, layout, volume and speech."""
    device = _device_or_404(device_id)
    if device.revoked_at is not None:
        abort(409)
    values = _typed()
    try:
        device_rules.update(db.session, device, values, actor=current_user)
    except FieldErrors as err:
        db.session.rollback()
        form = Form("device", values, field_errors(err), editing=device)
        return render_template("admin/devices/edit.html", device=device, **_context(form)), 422
    db.session.commit()
    realtime.device_changed(device)
    flash(_("Settings saved. The screen reloads to take them."), "info")
    return htmx.redirect(url_for("admin.list_devices"))


@bp.post("/devices/<int:device_id>/revoke")
@roles_required(ADMIN)
def revoke_device(device_id: int):
    """End a screen's pairing: it goes back to showing a code, at once."""
    device = _device_or_404(device_id)
    device_rules.revoke(db.session, device, actor=current_user)
    db.session.commit()
    realtime.device_revoked(device, url_for("display.pairing"))
    flash(_("Pairing revoked. The screen shows a new code."), "info")
    return htmx.redirect(url_for("admin.list_devices"))
