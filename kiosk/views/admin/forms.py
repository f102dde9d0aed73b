"""The administrators' forms as their templates draw them (templates/admin/offices/_fields.html):
what was typed, and each problem beside its field in the editor's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import g
from flask_babel import gettext as _

from ...extensions import db
from ...models import Office
from ...services.setup import FieldErrors


@dataclass
class Form:
    """One form (or one section of a page's forms): values as typed, problems by field name."""

    prefix: str  # element ids are "<prefix>-<field>": unique on the page
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    editing: Any = None  # the row being changed; None when adding a new one
    notice: str | None = None  # "Saved." after an htmx save
    focus: str | None = None  # the id to focus after an add-row action
    shown: list[str] | None = None  # an office's general form: the languages of its name fields
    rows: dict[str, int] = field(default_factory=dict)  # the service editor: rows per list
    missing: set[str] = field(default_factory=set)  # the service editor: "<field>-<lang>" unfilled


def all_offices() -> list[Office]:
    """Every office, active or not, in the order they were made: a form's choice of office."""
    return list(db.session.scalars(db.select(Office).order_by(Office.id)))


def field_errors(err: FieldErrors) -> dict[str, str]:
    """The problems of a refused form, by field, in the editor's language."""
    return {name: _(p.message, **p.params) for name, p in err.errors.items()}


def remember_label(field_id: str, label: str) -> str:
    """Note a field's label as its macro draws it (template global); draws nothing."""
    g.setdefault("field_labels", {})[field_id] = str(label)
    return ""


def field_label(field_id: str) -> str | None:
    """The label noted for a field of this page, for the error summary (template global)."""
    return g.get("field_labels", {}).get(field_id)
