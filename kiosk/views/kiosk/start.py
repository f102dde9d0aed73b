"""The kiosk's start screen, its categories and life events, and search."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for

from ... import htmx
from ...extensions import db
from ...models import Office, utcnow
from ...services import offers as offer_rules
from ...services import search as search_rules
from ...services.hours import issuing_state
from ..common import office_or_404
from . import OFFICE_COOKIE, bp, kiosk_context

SEARCH_MAX = 80  # characters: a service name, never an essay
SEARCH_LIMIT = 12


@bp.get("/")
def home():
    """Open the kiosk of the office this device is bound to (or the default office)."""
    slug = request.cookies.get(OFFICE_COOKIE) or current_app.config["DEFAULT_OFFICE"]
    office = None
    if slug:
        office = db.session.scalar(db.select(Office).filter_by(slug=slug, active=True))
    if office is None:
        office = db.session.scalar(db.select(Office).filter_by(active=True).order_by(Office.id))
    if office is None:
        return render_template("kiosk/no_office.html"), 503
    return redirect(url_for("kiosk.start", office=office.slug))


def _today_offers(office: Office):
    now = utcnow()
    return now, offer_rules.offers_today(db.session, office, offer_rules.office_today(office, now))


@bp.get("/kiosk/<office>")
def start(office: str):
    """Show the start screen: search, the most used services, categories and life events."""
    office_obj = office_or_404(office)
    ctx = kiosk_context(office_obj)
    now, offers = _today_offers(office_obj)
    response = htmx.page_or_fragment(
        "kiosk/start.html",
        "kiosk/_services.html",
        offers=offers,
        popular=offer_rules.most_used(db.session, office_obj, offers, now=now),
        categories=offer_rules.groups(offers, "category"),
        life_events=offer_rules.groups(offers, "life_event"),
        issuing=issuing_state(office_obj, now),
        now=now,
        **ctx,
    )
    response.set_cookie(OFFICE_COOKIE, office_obj.slug, max_age=365 * 86400, samesite="Lax")
    return response


def _group_page(office: str, kind: str, code: str | None):
    office_obj = office_or_404(office)
    ctx = kiosk_context(office_obj)
    now, offers = _today_offers(office_obj)
    group = offer_rules.group(offers, kind, code) if code is not None else None
    return htmx.page_or_fragment(
        "kiosk/group.html",
        "kiosk/_group.html",
        group=group,
        offers=group.offers if group else offers,
        issuing=issuing_state(office_obj, now),
        **ctx,
    )


@bp.get("/kiosk/<office>/categories/<code>")
def category(office: str, code: str):
    """List the services of one category."""
    return _group_page(office, "category", code)


@bp.get("/kiosk/<office>/life-events/<code>")
def life_event(office: str, code: str):
    """List the services a life event needs."""
    return _group_page(office, "life_event", code)


@bp.get("/kiosk/<office>/services")
def all_services(office: str):
    """List every service offered here today."""
    return _group_page(office, "all", None)


def _query() -> str:
    query = request.args.get("q", "")
    if len(query) > SEARCH_MAX:
        abort(400)
    return " ".join(query.split())


@bp.get("/kiosk/<office>/search")
def search(office: str):
    """Show the search screen with the on-screen keyboard (and results, if asked)."""
    office_obj = office_or_404(office)
    ctx = kiosk_context(office_obj)
    query = _query()
    return htmx.page_or_fragment(
        "kiosk/search.html", "kiosk/_search.html", query=query, **_results(office_obj, query, ctx)
    )


@bp.get("/kiosk/<office>/search/results")
def search_results(office: str):
    """The results for what the citizen typed so far (the fragment under the search box)."""
    office_obj = office_or_404(office)
    ctx = kiosk_context(office_obj)
    query = _query()
    return htmx.fragment(
        "kiosk/_search_results.html", query=query, **_results(office_obj, query, ctx)
    )


def _results(office: Office, query: str, ctx: dict) -> dict:
    hits = search_rules.search_services(
        db.session, office, query, ctx["content_langs"], limit=SEARCH_LIMIT
    )
    by_id = {s.id: s for s in search_rules.services_by_id(db.session, hits)}
    results = [(hit, by_id[hit.service_id]) for hit in hits if hit.service_id in by_id]
    not_a_service = search_rules.names_no_service([hit for hit, _ in results])
    return {"results": results, "not_a_service": not_a_service,
            "highlight": search_rules.highlight, **ctx}
