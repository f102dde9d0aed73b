"""Administrators' pages: one blueprint, one module per area (dashboard, offices, ...)."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

# The areas register their routes on ``bp`` when imported.
from . import announcements, catalogue, dashboard, devices, offices, people  # noqa: E402,F401
