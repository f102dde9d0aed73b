"""The one module that reads or writes htmx's HX-* headers (so a move to htmx 4 is one file)."""

from __future__ import annotations

from flask import render_template, request
from htmx_flask import make_response


def is_htmx() -> bool:
    """Whether htmx made this request (and so wants a fragment, not the page shell)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def page_or_fragment(page: str, fragment: str, status: int = 200, **context):
    """Render the full page, or only its fragment for htmx: one view, two renderings."""
    html = render_template(fragment if is_htmx() else page, **context)
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response


def fragment(
    template: str, status: int = 200, *, trigger=None, retarget=None, reswap=None, **context
):
    """Render a fragment, optionally with client events and a different target or swap."""
    return make_response(
        render_template(template, **context),
        status,
        trigger=trigger,
        retarget=retarget,
        reswap=reswap,
    )


def redirect(url: str):
    """Send the browser elsewhere: HX-Redirect for htmx, a 303 for a plain form post."""
    if is_htmx():
        return make_response("", 204, redirect=url)
    from flask import redirect as flask_redirect

    return flask_redirect(url, 303)
