"""The lobby kiosk and the ticket's phone page: public, no login, ever.

One blueprint, split by screen: ``start`` (the start screen, categories and life events,
search), ``services`` (a service's page, its printed checklist and its A4 information sheet),
``tickets`` (taking a ticket, the printed slip, the phone page). Every kiosk page is one view
with two renderings: the whole page, or the ``#screen`` fragment that htmx swaps in.
"""

from __future__ import annotations

import segno
from flask import Blueprint, render_template, request, url_for
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from ...i18n import money, offered_languages, use_language
from ...models import Office
from ...services.catalogue import pick_text
from ...services.errors import N_
from ..common import find_office

bp = Blueprint("kiosk", __name__)

OFFICE_COOKIE = "kiosk_office"

TIER_LABELS = {"normal": N_("Normal"), "fast": N_("Fast"), "express": N_("Express")}
METHOD_LABELS = {
    "cash": N_("Cash"),
    "card": N_("Card"),
    "bank": N_("Bank transfer"),
    "online": N_("Online"),
}
KIND_LABELS = {
    "original": N_("Original"),
    "copy": N_("Copy"),
    "certified_copy": N_("Certified copy"),
    "form": N_("Form"),
    "payment_proof": N_("Proof of payment"),
    "id_document": N_("Identity document"),
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def kiosk_languages(office: Office) -> list[str]:
    """The office's languages in its order (those the interface is translated into): the list
    is the office's own choice, and only these have the catalogue's text."""
    offered = offered_languages()
    return [x for x in office.languages if x in offered]


def content_languages(office: Office, lang: str) -> list[str]:
    """The order in which catalogue text is looked up: the chosen language, then the office's."""
    return [lang] + [x for x in office.languages if x != lang]


def kiosk_language(office: Office, requested: str | None) -> str:
    """Bind the request to the language asked for, if the office's kiosk offers it, else to
    the office's first language; return it."""
    lang = requested if requested in kiosk_languages(office) else office.languages[0]
    use_language(lang, office.timezone)
    return lang


def kiosk_context(office: Office) -> dict:
    """Bind the request to the kiosk's language (from the URL only, so a reset restores it)."""
    lang = kiosk_language(office, request.values.get("lang"))
    priority = request.values.get("priority") == "1"

    def k_url(endpoint: str, **values) -> str:
        """A kiosk address that keeps the citizen's language and priority choice."""
        values.setdefault("office", office.slug)
        values.setdefault("lang", lang)
        if priority:
            values.setdefault("priority", 1)
        return url_for(endpoint, **values)

    return {
        "office": office,
        "lang": lang,
        "languages": kiosk_languages(office),
        "content_langs": content_languages(office, lang),
        "priority": priority,
        "k_url": k_url,
        "money": money,
        "pick_text": pick_text,  # a catalogue text in the reader's language, with its lang
        "duration": duration,
        "qr_svg": qr_svg,
        "tier_labels": TIER_LABELS,
        "method_labels": METHOD_LABELS,
        "kind_labels": KIND_LABELS,
        "weekdays": WEEKDAYS,
    }


def duration(parts: list[tuple[str, int]], days: str | None) -> str:
    """An ISO 8601 duration's parts in words, in the kiosk's language."""
    return " ".join(_duration_part(unit, n, days) for unit, n in parts)


def _duration_part(unit: str, n: int, days: str | None) -> str:
    if unit == "years":
        return ngettext("%(num)d year", "%(num)d years", n)
    if unit == "months":
        return ngettext("%(num)d month", "%(num)d months", n)
    if unit == "weeks":
        return ngettext("%(num)d week", "%(num)d weeks", n)
    if unit == "days" and days == "calendar":
        return ngettext("%(num)d calendar day", "%(num)d calendar days", n)
    if unit == "days":
        return ngettext("%(num)d working day", "%(num)d working days", n)
    if unit == "hours":
        return ngettext("%(num)d hour", "%(num)d hours", n)
    if unit == "minutes":
        return ngettext("%(num)d minute", "%(num)d minutes", n)
    return ngettext("%(num)d second", "%(num)d seconds", n)


def qr_svg(data: str, label: str = "") -> Markup:
    """A QR code as inline SVG, sized by CSS (class "qr"), black on white for any printer."""
    code = segno.make(data, error="m")
    return Markup(
        code.svg_inline(
            scale=4, border=2, dark="#000", light="#fff", omitsize=True, svgclass="qr",
            title=label or None,
        )
    )  # fmt: skip


from . import services, start, tickets  # noqa: E402, F401  (the screens register on bp)


def error_page(message: str, status: int):
    """An error on a kiosk page, as a kiosk screen: the message and a way back to the start (a
    kiosk has no browser buttons; the inactivity reset keeps running). None when the address
    names no office, or the database cannot say which."""
    try:
        office = find_office((request.view_args or {}).get("office"))
    except SQLAlchemyError:
        return None
    if office is None:
        return None
    ctx = kiosk_context(office)
    return render_template("kiosk/error.html", message=message, status=status, **ctx), status
