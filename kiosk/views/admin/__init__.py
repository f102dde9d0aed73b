"""Administrators' pages: one blueprint, one module per area (dashboard, offices, ...)."""

from flask import Blueprint

from .forms import field_label, remember_label

bp = Blueprint("admin", __name__)

# The field macros (templates/admin/offices/_fields.html) note each field's label, so that the
# error summary above the form names the field of each problem.
bp.add_app_template_global(remember_label)
bp.add_app_template_global(field_label)

# The areas register their routes on ``bp`` when imported.
from . import announcements, catalogue, dashboard, devices, offices, people  # noqa: E402,F401
