"""Turn domain errors and HTTP errors into a clear answer in the user's language.

The API gets JSON; htmx gets an alert fragment swapped into the page's alert region (what was
typed stays where it was); a plain browser request gets an error page.
"""

from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from . import htmx
from .services.errors import N_, KioskError

HTTP_MESSAGES = {
    400: N_("The request is not valid."),
    401: N_("Please log in first."),
    403: N_("You are not allowed to do that."),
    404: N_("This page does not exist."),
    405: N_("This action is not allowed here."),
    413: N_("What was sent is too large."),
    429: N_("Too many requests. Please wait a moment."),
    500: N_("Something went wrong on our side. Please try again."),
}
CSRF_MESSAGE = N_("This form has expired. Please reload the page and try again.")


def init_app(app) -> None:
    app.register_error_handler(KioskError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)


def error_response(message: str, status: int, code: str):
    """Render one error message for whoever asked: API client, htmx or a browser."""
    if request.blueprint == "api":
        return jsonify(error={"code": code, "message": message}), status
    if htmx.is_htmx():
        return htmx.fragment(
            "components/_alert.html",
            status,
            retarget="#alerts",
            reswap="innerHTML",
            message=message,
            level="error",
        )
    if request.blueprint == "kiosk":
        from .views.kiosk import error_page

        page = error_page(message, status)
        if page is not None:
            return page
    return render_template("errors/error.html", message=message, status=status), status


def _domain_error(err: KioskError):
    from .extensions import db

    db.session.rollback()
    code = type(err).__name__
    return error_response(gettext(err.message, **err.params), err.status, code)


def _csrf_error(err: CSRFError):
    return error_response(gettext(CSRF_MESSAGE), 400, "csrf")


def _http_error(err: HTTPException):
    status = err.code or 500
    message = HTTP_MESSAGES.get(status) or HTTP_MESSAGES[400 if status < 500 else 500]
    return error_response(gettext(message), status, f"http_{status}")
