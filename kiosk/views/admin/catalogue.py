"""The service catalogue editor: the list of services, the editor with every field and each
language side by side, categories and life events, a preview as the kiosk shows a service,
publishing, retiring, the audit history, and import and export as CPSV-AP shaped JSON.

The editor is one form. Its add and remove buttons redraw only their section with htmx (the
whole page without JavaScript) and save nothing; "Save" checks everything and either saves
(an edit of a published service becomes its pending draft) or shows the form again with status
422, every problem beside its field and nothing typed lost.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter as Tally
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_datetime, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ... import htmx, realtime
from ...extensions import db
from ...i18n import FORMAT_LOCALES, current_language, money
from ...models import (
    AuditEntry,
    Category,
    LifeEvent,
    Office,
    Organisation,
    Role,
    Service,
    User,
    pick,
)
from ...services import catalogue as cat
from ...services import cpsv
from ...services.errors import N_
from ...services.setup import FieldErrors
from ..common import roles_required
from . import bp
from .forms import Form, field_errors

ADMIN = Role.ADMIN
PREFIX = "service"  # element ids are "service-<field>"
ROW_KINDS = ("documents", "fees", "processing_times", "legal_basis")
CLASSIFIER_KINDS = {"categories": Category, "life-events": LifeEvent}

STATUS_LABELS = {"draft": N_("Draft"), "published": N_("Published"), "retired": N_("Retired")}
KIND_LABELS = {
    "original": N_("Original"),
    "copy": N_("Copy"),
    "certified_copy": N_("Certified copy"),
    "form": N_("Form to fill in"),
    "payment_proof": N_("Proof of payment"),
    "id_document": N_("Identity document"),
}
TIER_LABELS = {"normal": N_("Normal"), "fast": N_("Fast"), "express": N_("Express")}
METHOD_LABELS = {
    "cash": N_("Cash"),
    "card": N_("Card"),
    "bank": N_("Bank transfer"),
    "online": N_("Online"),
}
DAY_KIND_LABELS = {"working": N_("working days"), "calendar": N_("calendar days")}
ACTION_LABELS = {
    "create": N_("Created"),
    "update": N_("Saved"),
    "draft": N_("Changes saved for review"),
    "publish": N_("Published"),
    "retire": N_("Retired"),
    "discard": N_("Unpublished changes discarded"),
    "import": N_("Imported"),
    "delete": N_("Deleted"),
}
# The editor's names for the fields, as the history and the badges name them.
FIELD_LABELS = {
    "code": N_("Code"),
    "icon": N_("Icon"),
    "status": N_("Status"),
    "average_minutes": N_("Usual time at the counter"),
    "priority_allowed": N_("Priority tickets allowed"),
    "name": N_("Name"),
    "short_name": N_("Short name for the kiosk button"),
    "summary": N_("Summary in plain words"),
    "ticket_note": N_("Note before taking a ticket"),
    "description": N_("Description"),
    "keywords": N_("Search words"),
    "authority": N_("Competent authority"),
    "output": N_("What the citizen receives"),
    "output_validity": N_("How long it is valid"),
    "external_ids": N_("Identifiers in other registers"),
    "valid_from": N_("Offered from"),
    "valid_to": N_("Offered until"),
    "legal_basis": N_("Legal basis"),
    "appeal": N_("Appeal"),
    "processing_times": N_("Processing times"),
    "documents": N_("Documents"),
    "fees": N_("Fees"),
    "categories": N_("Categories"),
    "life_events": N_("Life events"),
    "offers": N_("Where it is served"),
    "act": N_("Law or decision"),
    "article": N_("Article"),
    "url": N_("Web address"),
    "body": N_("Appeal to"),
    "deadline_days": N_("Deadline in days"),
    "tier": N_("Tier"),
    "duration": N_("Duration"),
    "days": N_("Days"),
    "kind": N_("Kind"),
    "mandatory": N_("Always needed"),
    "condition": N_("Only if"),
    "copies": N_("Copies"),
    "obtained_by_office": N_("The office obtains it itself"),
    "form_url": N_("Form to download"),
    "label": N_("What it is for"),
    "amount_minor": N_("Amount (minor units)"),
    "amount": N_("Amount"),
    "currency": N_("Currency"),
    "payment_methods": N_("Ways to pay"),
    "payment_slip": N_("Payment slip"),
    "recipient": N_("Recipient"),
    "account": N_("Account"),
    "revenue_code": N_("Revenue code"),
    "purpose": N_("Purpose of payment"),
    "queue": N_("Queue"),
    "active": N_("Offered"),
    "location": N_("Where in the office"),
    "floor": N_("Floor"),
    "room": N_("Room"),
}
IMPORT_MAX_BYTES = cpsv.MAX_BYTES


# ------------------------------------------------------------------------------- helpers


def _organisation_or_404(slug: str) -> Organisation:
    organisation = db.session.scalar(db.select(Organisation).filter_by(slug=slug))
    if organisation is None:
        abort(404)
    return organisation


def _service_or_404(org: str, service_id: int) -> Service:
    service = db.session.get(Service, service_id)
    if service is None or service.organisation.slug != org:
        abort(404)
    return service


def service_url(endpoint: str, service: Service, **params: Any) -> str:
    """The address of one of a service's pages (they sit under its organisation's)."""
    return url_for(
        f"admin.{endpoint}", org=service.organisation.slug, service_id=service.id, **params
    )


def _organisations() -> list[Organisation]:
    return list(db.session.scalars(db.select(Organisation).order_by(Organisation.id)))


def _today(organisation: Organisation) -> dt.date:
    """Today where the organisation's first office is (validity dates are local dates)."""
    offices = sorted(organisation.offices, key=lambda o: o.id)
    zone = offices[0].timezone if offices else current_app.config["TIMEZONE"]
    return dt.datetime.now(ZoneInfo(zone)).date()


def _icons() -> list[str]:
    """The icons a service or category may show: the vendored SVGs."""
    folder = Path(current_app.root_path).parent / "templates" / "components" / "icons"
    return sorted(p.stem for p in folder.glob("*.svg"))


def _labels(mapping: Mapping[str, str]) -> dict[str, str]:
    return {key: _(label) for key, label in mapping.items()}


def _ui_langs(languages) -> list[str]:
    return list(dict.fromkeys([current_language(), *languages]))


def _notify(offices) -> None:
    """Tell the offices' screens that the catalogue changed, if realtime offers that yet."""
    notify = getattr(realtime, "catalogue_changed", None)
    if notify is None:
        return
    for office in dict.fromkeys(offices):
        notify(office)


# ------------------------------------------------------------------------------- list


def _row_summary(service: Service, languages: list[str], today: dt.date) -> dict[str, Any]:
    data = cat.current_data(service)
    offers = [o for o in data.get("offers") or [] if o.get("active")]
    validity = None
    if service.valid_from and today < service.valid_from:
        validity = "not_yet"
    elif service.valid_to and today > service.valid_to:
        validity = "expired"
    return {
        "service": service,
        "missing": {
            lang: [_missing_label(name) for name in names]
            for lang, names in cat.missing_translations(data, languages).items()
        },
        "offices": len(offers),
        "pending": bool(service.draft),
        "validity": validity,
        "offered": cat.is_offered(service, today),
    }


def _missing_label(name: str) -> str:
    """documents-1-condition -> "Documents 2 › Only if": the field a translation is missing in."""
    return _path_label(name.replace("-", "."))


def _filtered(services: list[Service], status: str, category: str, query: str) -> list[Service]:
    result = []
    needle = query.casefold()
    for service in services:
        if status == "pending" and not service.draft:
            continue
        if status in cat.STATUSES and service.status != status:
            continue
        if category and category not in {c.code for c in service.categories}:
            continue
        if needle:
            haystack = " ".join(
                [service.code, *(service.name or {}).values(), *(service.short_name or {}).values()]
            ).casefold()
            if needle not in haystack:
                continue
        result.append(service)
    return result


@bp.get("/catalogue")
@roles_required(ADMIN)
def catalogue_home():
    """Open the catalogue of the first organisation."""
    organisations = _organisations()
    if not organisations:
        flash(_("Set up an office first: the catalogue belongs to its municipality."), "info")
        return redirect(url_for("admin.list_offices"))
    return redirect(url_for("admin.list_services", org=organisations[0].slug))


@bp.get("/catalogue/<org>")
@roles_required(ADMIN)
def list_services(org: str):
    """List an organisation's services with their status and missing translations."""
    organisation = _organisation_or_404(org)
    languages = cat.catalogue_languages(organisation)
    status = request.args.get("status", "")
    category = request.args.get("category", "")
    query = request.args.get("q", "").strip()[:100]
    services = cat.services_of(db.session, organisation)
    today = _today(organisation)
    rows = [_row_summary(s, languages, today) for s in _filtered(services, status, category, query)]
    counts = Tally(s.status for s in services)
    counts["pending"] = sum(1 for s in services if s.draft)
    return htmx.page_or_fragment(
        "admin/catalogue/index.html",
        "admin/catalogue/_list.html",
        organisation=organisation,
        organisations=_organisations(),
        rows=rows,
        total=len(services),
        counts=counts,
        languages=languages,
        ui_langs=_ui_langs(languages),
        categories=cat.classifiers(db.session, organisation, Category),
        filters={"status": status, "category": category, "q": query},
        status_labels=_labels(STATUS_LABELS),
        field_labels=_labels(FIELD_LABELS),
    )


# ------------------------------------------------------------------------------- the form


def _languages_in(data: Mapping[str, Any]) -> list[str]:
    """Every language a service's texts are written in (so that the editor hides none)."""
    found: list[str] = []

    def add(text: Any) -> None:
        if isinstance(text, Mapping):
            found.extend(k for k, v in text.items() if v and k not in found)

    for name in cat.SERVICE_TEXTS:
        add(data.get(name))
    for doc in data.get("documents") or []:
        for name in cat.DOCUMENT_TEXTS:
            add(doc.get(name))
    for fee in data.get("fees") or []:
        add(fee.get("label"))
        add((fee.get("payment_slip") or {}).get("purpose"))
    for item in data.get("legal_basis") or []:
        add(item.get("act"))
    add((data.get("appeal") or {}).get("body"))
    return found


def _editor_languages(organisation: Organisation, data: Mapping[str, Any]) -> list[str]:
    langs = cat.catalogue_languages(organisation)
    return langs + [lang for lang in _languages_in(data) if lang not in langs]


def _offer_languages(office: Office, offer: Mapping | None) -> list[str]:
    langs = list(office.languages)
    location = (offer or {}).get("location") or {}
    return langs + [lang for lang, v in location.items() if v and lang not in langs]


def _typed(data: Mapping[str, Any]) -> dict[str, Any]:
    """Clean data as the form shows it: amounts in major units, numbers and ids as text."""
    typed = json.loads(json.dumps(data))  # a deep copy with plain types
    typed["average_minutes"] = str(data.get("average_minutes") or "")
    typed["external_ids"] = "\n".join(
        f"{k}: {v}" for k, v in (data.get("external_ids") or {}).items()
    )
    typed["valid_from"] = data.get("valid_from") or ""
    typed["valid_to"] = data.get("valid_to") or ""
    appeal = data.get("appeal") or {}
    typed["appeal"] = {
        "body": dict(appeal.get("body") or {}),
        "deadline_days": str(appeal.get("deadline_days") or ""),
    }
    for doc in typed.get("documents") or []:
        doc["copies"] = str(doc.get("copies") or 1)
        doc["form_url"] = doc.get("form_url") or ""
    for fee in typed.get("fees") or []:
        fee["amount"] = cat.format_amount(fee.pop("amount_minor", 0) or 0, fee.get("currency"))
        slip = fee.get("payment_slip") or {}
        fee["payment_slip"] = {
            "recipient": slip.get("recipient") or "",
            "account": slip.get("account") or "",
            "revenue_code": slip.get("revenue_code") or "",
            "purpose": dict(slip.get("purpose") or {}),
        }
    for item in typed.get("legal_basis") or []:
        item["article"] = item.get("article") or ""
        item["url"] = item.get("url") or ""
    for offer in typed.get("offers") or []:
        offer["floor"] = offer.get("floor") or ""
        offer["room"] = offer.get("room") or ""
    return typed


def _flat(typed: Mapping[str, Any]) -> dict[str, Any]:
    """The typed data as the form's fields: "name-mk", "fees-0-amount", "offers-centar-queue"."""
    data = dict(typed)
    data["offers"] = {
        o["office"]: o
        for o in data.get("offers") or []
        if isinstance(o, Mapping) and o.get("office")
    }
    out: dict[str, Any] = {}

    def walk(value: Any, prefix: str) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                walk(item, f"{prefix}-{key}" if prefix else str(key))
        elif isinstance(value, list) and value and all(isinstance(x, Mapping) for x in value):
            for i, item in enumerate(value):
                walk(item, f"{prefix}-{i}")
        else:
            out[prefix] = value

    walk(data, "")
    return out


def _indexes(form, kind: str, marker: str) -> list[int]:
    pattern = re.compile(rf"^{kind}-(\d{{1,3}})-{marker}$")
    found = {int(m[1]) for key in form if (m := pattern.match(key))}
    return sorted(i for i in found if i < cat.MAX_ROWS)


def _form_languages(organisation: Organisation, fallback: list[str]) -> list[str]:
    """The languages the submitted form showed (a hidden field), else the editor's default."""
    shown = [x for x in request.form.get("langs", "").split(",") if re.fullmatch(r"[a-z]{2,3}", x)]
    return list(dict.fromkeys(shown))[:12] or fallback


def _typed_from_form(organisation: Organisation, langs: list[str]) -> dict[str, Any]:
    """The whole editor as typed, nested like the catalogue's data (strings, not checked)."""
    form = request.form

    def texts(name: str, languages=langs) -> dict[str, str]:
        return {lang: form.get(f"{name}-{lang}", "") for lang in languages}

    data: dict[str, Any] = {
        "code": form.get("code", ""),
        "icon": form.get("icon", ""),
        "average_minutes": form.get("average_minutes", ""),
        "priority_allowed": "priority_allowed" in form,
        **{name: texts(name) for name in cat.SERVICE_TEXTS},
        "external_ids": form.get("external_ids", ""),
        "valid_from": form.get("valid_from", ""),
        "valid_to": form.get("valid_to", ""),
        "appeal": {
            "body": texts("appeal-body"),
            "deadline_days": form.get("appeal-deadline_days", ""),
        },
        "categories": form.getlist("categories"),
        "life_events": form.getlist("life_events"),
    }
    data["documents"] = [
        {
            **{name: texts(f"documents-{i}-{name}") for name in cat.DOCUMENT_TEXTS},
            "kind": form.get(f"documents-{i}-kind", ""),
            "mandatory": f"documents-{i}-mandatory" in form,
            "copies": form.get(f"documents-{i}-copies", ""),
            "obtained_by_office": f"documents-{i}-obtained_by_office" in form,
            "form_url": form.get(f"documents-{i}-form_url", ""),
        }
        for i in _indexes(form, "documents", "kind")
    ]
    data["fees"] = [
        {
            "label": texts(f"fees-{i}-label"),
            "amount": form.get(f"fees-{i}-amount", ""),
            "currency": form.get(f"fees-{i}-currency", ""),
            "tier": form.get(f"fees-{i}-tier", ""),
            "payment_methods": form.getlist(f"fees-{i}-payment_methods"),
            "payment_slip": {
                "recipient": form.get(f"fees-{i}-payment_slip-recipient", ""),
                "account": form.get(f"fees-{i}-payment_slip-account", ""),
                "revenue_code": form.get(f"fees-{i}-payment_slip-revenue_code", ""),
                "purpose": texts(f"fees-{i}-payment_slip-purpose"),
            },
        }
        for i in _indexes(form, "fees", "currency")
    ]
    data["processing_times"] = [
        {
            "tier": form.get(f"processing_times-{i}-tier", ""),
            "duration": form.get(f"processing_times-{i}-duration", ""),
            "days": form.get(f"processing_times-{i}-days", ""),
        }
        for i in _indexes(form, "processing_times", "tier")
    ]
    data["legal_basis"] = [
        {
            "act": texts(f"legal_basis-{i}-act"),
            "article": form.get(f"legal_basis-{i}-article", ""),
            "url": form.get(f"legal_basis-{i}-url", ""),
        }
        for i in _indexes(form, "legal_basis", "article")
    ]
    offers = []
    for office in sorted(organisation.offices, key=lambda o: o.id):
        p = f"offers-{office.slug}"
        if f"{p}-queue" not in form:
            continue  # the form did not show this office
        offers.append(
            {
                "office": office.slug,
                "active": f"{p}-active" in form,
                "queue": form.get(f"{p}-queue", ""),
                "location": texts(f"{p}-location", _offer_languages(office, None)),
                "floor": form.get(f"{p}-floor", ""),
                "room": form.get(f"{p}-room", ""),
            }
        )
    data["offers"] = offers
    return data


def _blank(text: Any) -> bool:
    if isinstance(text, Mapping):
        return not any(str(v).strip() for v in text.values())
    return not str(text or "").strip()


def _without_empty_rows(data: dict[str, Any]) -> dict[str, Any]:
    """Rows the user added but left empty are not an error: they are dropped on saving."""
    data["documents"] = [
        d
        for d in data["documents"]
        if not all(_blank(d[n]) for n in (*cat.DOCUMENT_TEXTS, "form_url"))
    ]
    data["fees"] = [f for f in data["fees"] if not (_blank(f["label"]) and _blank(f["amount"]))]
    data["legal_basis"] = [
        x for x in data["legal_basis"] if not all(_blank(x[n]) for n in ("act", "article", "url"))
    ]
    data["processing_times"] = [t for t in data["processing_times"] if not _blank(t["duration"])]
    return data


def _default_fee(organisation: Organisation) -> dict[str, Any]:
    """A new fee row: the organisation's usual currency and payment slip, prefilled."""
    fees = [f for s in cat.services_of(db.session, organisation) for f in s.fees]
    currency = Tally(f.currency for f in fees).most_common(1)
    slips = Tally(
        (f.payment_slip.get("recipient", ""), f.payment_slip.get("account", ""))
        for f in fees
        if f.payment_slip
    ).most_common(1)
    recipient, account = slips[0][0] if slips else ("", "")
    return {
        "label": {},
        "amount": "",
        "currency": currency[0][0] if currency else "EUR",
        "tier": "normal",
        "payment_methods": ["cash", "card"],
        "payment_slip": {"recipient": recipient, "account": account, "revenue_code": "",
                         "purpose": {}},
    }  # fmt: skip


def _new_row(kind: str, organisation: Organisation, data: Mapping[str, Any]) -> dict[str, Any]:
    if kind == "documents":
        return {
            "name": {},
            "description": {},
            "condition": {},
            "kind": "original",
            "mandatory": True,
            "copies": "1",
            "obtained_by_office": False,
            "form_url": "",
        }
    if kind == "fees":
        return _default_fee(organisation)
    if kind == "processing_times":
        used = {t.get("tier") for t in data.get("processing_times") or []}
        tier = next((t for t in cat.TIERS if t not in used), "normal")
        return {"tier": tier, "duration": "", "days": "working"}
    return {"act": {}, "article": "", "url": ""}


def _form(typed: Mapping[str, Any], langs: list[str], **extra: Any) -> Form:
    form = Form(PREFIX, _flat(typed), **extra)
    form.rows = {kind: len(typed.get(kind) or []) for kind in ROW_KINDS}
    missing = cat.missing_translations(typed, langs)
    form.missing = {f"{name}-{lang}" for lang, names in missing.items() for name in names}
    return form


def _draft_entry(service: Service) -> AuditEntry | None:
    """Who saved the pending draft last, and when."""
    if not service.draft:
        return None
    return db.session.scalar(
        db.select(AuditEntry)
        .where(
            AuditEntry.entity == "service",
            AuditEntry.entity_id == str(service.id),
            AuditEntry.action == "draft",
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(1)
    )


def _editor_context(
    organisation: Organisation, form: Form, langs: list[str], service: Service | None
) -> dict[str, Any]:
    offices = sorted(organisation.offices, key=lambda o: o.id)
    offers = {o["office"]: o for o in cat.current_data(service)["offers"]} if service else {}
    # The name is required in the first language of each office that offers the service.
    required = [
        o.languages[0]
        for o in offices
        if form.values.get(f"offers-{o.slug}-active") and o.languages
    ]
    categories = cat.classifiers(db.session, organisation, Category)
    life_events = cat.classifiers(db.session, organisation, LifeEvent)
    return {
        "organisation": organisation,
        "service": service,
        "form": form,
        "langs": langs,
        "ui_langs": _ui_langs(langs),
        "required_langs": list(dict.fromkeys(required)) or langs[:1],
        "category_options": [(c.code, pick(c.name, _ui_langs(langs))) for c in categories],
        "event_options": [(e.code, pick(e.name, _ui_langs(langs))) for e in life_events],
        "currency_options": [(c, c) for c in cat.CURRENCIES],
        "offices": offices,
        "offer_langs": {o.slug: _offer_languages(o, offers.get(o.slug)) for o in offices},
        "kinds": _labels(KIND_LABELS),
        "tiers": _labels(TIER_LABELS),
        "methods": _labels(METHOD_LABELS),
        "day_kinds": _labels(DAY_KIND_LABELS),
        "currencies": list(cat.CURRENCIES),
        "icons": _icons(),
        "limits": cat.TEXT_LIMITS,
        "status_labels": _labels(STATUS_LABELS),
        "draft_entry": _draft_entry(service) if service else None,
        "today": _today(organisation),
        "offered": cat.is_offered(service, _today(organisation)) if service else False,
    }


def _render_editor(service: Service, form: Form, langs: list[str], *, status: int = 200):
    """The editor page, or only its form for htmx (one view, two renderings)."""
    as_fragment = htmx.is_htmx()
    template = "admin/catalogue/_editor.html" if as_fragment else "admin/catalogue/edit.html"
    response = htmx.fragment(
        template,
        status,
        fragment=as_fragment,
        **_editor_context(service.organisation, form, langs, service),
    )
    response.vary.add("HX-Request")
    return response


# ------------------------------------------------------------------------------- new service


@bp.route("/catalogue/<org>/services/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def new_service(org: str):
    """Add a service: it starts as a draft, with its names, links and offices."""
    organisation = _organisation_or_404(org)
    langs = cat.catalogue_languages(organisation) or [current_app.config["DEFAULT_LANGUAGE"]]
    if request.method == "GET":
        typed = {"code": "", "icon": "file", "average_minutes": "10", "priority_allowed": True}
        form = _form(typed, langs)
        form.missing = set()  # nothing is missing from a form nobody has filled in yet
        return render_template(
            "admin/catalogue/new.html", **_editor_context(organisation, form, langs, None)
        )
    langs = _form_languages(organisation, langs)
    typed = _typed_from_form(organisation, langs)
    form = _form(typed, langs)
    try:
        service = cat.create_service(db.session, organisation, typed, actor=current_user)
    except FieldErrors as err:
        db.session.rollback()
        form.errors = field_errors(err)
        return render_template(
            "admin/catalogue/new.html", **_editor_context(organisation, form, langs, None)
        ), 422
    db.session.commit()
    flash(_("The service was added as a draft. Complete it, then publish it."), "info")
    return htmx.redirect(service_url("edit_service", service))


# ------------------------------------------------------------------------------- editor


@bp.get("/catalogue/<org>/services/<int:service_id>")
@roles_required(ADMIN)
def edit_service(org: str, service_id: int):
    """Show the editor: the pending draft if there is one, else the live service."""
    service = _service_or_404(org, service_id)
    data = cat.current_data(service)
    langs = _editor_languages(service.organisation, data)
    form = _form(_typed(data), langs)
    return _render_editor(service, form, langs)


@bp.post("/catalogue/<org>/services/<int:service_id>")
@roles_required(ADMIN)
def save_service(org: str, service_id: int):
    """Save the editor (without JavaScript its add and remove buttons come here too)."""
    service = _service_or_404(org, service_id)
    organisation = service.organisation
    langs = _form_languages(
        organisation, _editor_languages(organisation, cat.current_data(service))
    )
    typed = _typed_from_form(organisation, langs)
    if request.form.get("add") or request.form.get("remove"):
        form = _change_rows(organisation, typed, langs)
        return _render_editor(service, form, langs)
    typed = _without_empty_rows(typed)
    form = _form(typed, langs)
    try:
        outcome = cat.update_service(db.session, service, typed, actor=current_user)
    except FieldErrors as err:
        db.session.rollback()
        form.errors = field_errors(err)
        return _render_editor(service, form, langs, status=422)
    if request.form.get("then") == "publish":
        try:
            cat.publish_service(db.session, service, actor=current_user)
        except FieldErrors as err:
            db.session.rollback()
            form.errors = field_errors(err)
            return _render_editor(service, form, langs, status=422)
        offices = cat.offices_offering(service)
        db.session.commit()
        _notify(offices)
        flash(_("The service was saved and published."), "info")
        return htmx.redirect(service_url("edit_service", service))
    db.session.commit()
    if outcome == "draft":
        flash(
            _("Your changes were saved. Citizens see them once someone publishes them.")
            if service.draft
            else _("The service is as published again: nothing is waiting to be published."),
            "info",
        )
    else:
        flash(_("The service was saved."), "info")
    return htmx.redirect(service_url("edit_service", service))


def _change_rows(organisation: Organisation, typed: dict[str, Any], langs: list[str]) -> Form:
    """Add or remove a row of documents, fees, times or laws; nothing is saved."""
    focus = None
    if (kind := request.form.get("add")) in ROW_KINDS:
        rows = typed[kind]
        if len(rows) < cat.MAX_ROWS:
            rows.append(_new_row(kind, organisation, typed))
            first = {
                "documents": f"documents-{len(rows) - 1}-name-{langs[0]}",
                "fees": f"fees-{len(rows) - 1}-label-{langs[0]}",
                "processing_times": f"processing_times-{len(rows) - 1}-duration",
                "legal_basis": f"legal_basis-{len(rows) - 1}-act-{langs[0]}",
            }[kind]
            focus = f"{PREFIX}-{first}"
    elif remove := request.form.get("remove"):
        kind, _sep, index = remove.rpartition("-")
        if kind in ROW_KINDS and index.isdigit() and int(index) < len(typed[kind]):
            typed[kind].pop(int(index))
        focus = f"{PREFIX}-add-{kind}"
    return _form(typed, langs, focus=focus)


@bp.post("/catalogue/<org>/services/<int:service_id>/rows")
@roles_required(ADMIN)
def edit_rows(org: str, service_id: int):
    """Add or remove a row and redraw only its section (htmx); nothing is saved."""
    service = _service_or_404(org, service_id)
    organisation = service.organisation
    langs = _form_languages(
        organisation, _editor_languages(organisation, cat.current_data(service))
    )
    typed = _typed_from_form(organisation, langs)
    kind = request.form.get("add") or request.form.get("remove", "").rpartition("-")[0]
    if kind not in ROW_KINDS:
        abort(400)
    form = _change_rows(organisation, typed, langs)
    response = htmx.fragment(
        f"admin/catalogue/_{kind}.html",
        fragment=True,
        **_editor_context(organisation, form, langs, service),
    )
    response.vary.add("HX-Request")
    return response


# ------------------------------------------------------------------------------- publishing


def _back(service: Service):
    return htmx.redirect(service_url("edit_service", service))


@bp.post("/catalogue/<org>/services/<int:service_id>/publish")
@roles_required(ADMIN)
def publish_service(org: str, service_id: int):
    """Publish the pending changes (or the draft service): the kiosks show them at once."""
    service = _service_or_404(org, service_id)
    try:
        cat.publish_service(db.session, service, actor=current_user)
    except FieldErrors as err:
        db.session.rollback()
        problems = "; ".join(field_errors(err).values())
        flash(_("The service could not be published: %(problems)s", problems=problems), "error")
        return _back(service)
    offices = cat.offices_offering(service)
    db.session.commit()
    _notify(offices)
    flash(_("The service was published."), "info")
    return _back(service)


@bp.post("/catalogue/<org>/services/<int:service_id>/retire")
@roles_required(ADMIN)
def retire_service(org: str, service_id: int):
    """Stop offering the service; publishing it again brings it back."""
    service = _service_or_404(org, service_id)
    cat.retire_service(db.session, service, actor=current_user)  # already retired: a clear 409
    offices = cat.offices_offering(service)
    db.session.commit()
    _notify(offices)
    flash(_("The service was retired: the kiosks no longer offer it."), "info")
    return _back(service)


@bp.post("/catalogue/<org>/services/<int:service_id>/discard")
@roles_required(ADMIN)
def discard_draft(org: str, service_id: int):
    """Throw away the unpublished changes."""
    service = _service_or_404(org, service_id)
    cat.discard_draft(db.session, service, actor=current_user)
    db.session.commit()
    flash(_("The unpublished changes were discarded."), "info")
    return _back(service)


# ------------------------------------------------------------------------------- preview


def _locale(lang: str) -> str:
    """A Babel locale for a content language (Romani has none: English formats it)."""
    return FORMAT_LOCALES.get(lang, "en_GB")


class _Speaker:
    """Interface words of the preview in the previewed language, as the kiosk would say them."""

    def __init__(self, lang: str):
        self.lang = lang
        self.locale = _locale(lang)

    def __call__(self, message: str, **params: Any) -> str:
        with force_locale(self.locale):
            return _(message, **params)

    def money(self, amount, currency: str) -> str:
        return money(amount, currency, self.locale)

    def day(self, iso: str | None) -> str:
        if not iso:
            return ""
        return babel_format_date(dt.date.fromisoformat(iso), "d MMMM y", locale=self.locale)

    def duration(self, parts: list[tuple[str, int]], days: str) -> str:
        if not parts:
            return self(N_("While you wait"))
        with force_locale(self.locale):
            words = [_duration_part(unit, n, days) for unit, n in parts]
        return " ".join(words)


def _say(lang: str, message: str, **params: Any) -> str:
    """The preview's ``t``: a kiosk word in the previewed language."""
    return _Speaker(lang)(message, **params)


def _duration_part(unit: str, n: int, days: str) -> str:
    if unit == "years":
        return ngettext("%(num)d year", "%(num)d years", n)
    if unit == "months":
        return ngettext("%(num)d month", "%(num)d months", n)
    if unit == "weeks":
        return ngettext("%(num)d week", "%(num)d weeks", n)
    if unit == "days" and days == "working":
        return ngettext("%(num)d working day", "%(num)d working days", n)
    if unit == "days":
        return ngettext("%(num)d calendar day", "%(num)d calendar days", n)
    if unit == "hours":
        return ngettext("%(num)d hour", "%(num)d hours", n)
    if unit == "minutes":
        return ngettext("%(num)d minute", "%(num)d minutes", n)
    return ngettext("%(num)d second", "%(num)d seconds", n)


@bp.get("/catalogue/<org>/services/<int:service_id>/preview")
@roles_required(ADMIN)
def preview_service(org: str, service_id: int):
    """Show the service as the kiosk would, in one of its languages (the draft by default)."""
    service = _service_or_404(org, service_id)
    organisation = service.organisation
    live = request.args.get("version") == "live" or not service.draft
    data = cat.service_data(service) if live else cat.current_data(service)
    languages = cat.catalogue_languages(organisation) or list(data["name"]) or ["en"]
    lang = request.args.get("language")
    if lang not in languages:
        lang = languages[0]
    order = [lang] + [x for x in languages if x != lang]
    offices = {o.slug: o for o in organisation.offices}
    where = [
        {
            "office": offices[o["office"]],
            "queue": next((q for q in offices[o["office"]].queues if q.prefix == o["queue"]), None),
            "location": cat.pick_text(o.get("location"), order),
            "floor": o.get("floor"),
            "room": o.get("room"),
        }
        for o in data["offers"]
        if o.get("active") and o["office"] in offices
    ]
    categories = {c.code: c for c in cat.classifiers(db.session, organisation, Category)}
    speaker = _Speaker(lang)
    return render_template(
        "admin/catalogue/preview.html",
        service=service,
        organisation=organisation,
        content=cat.content_for(data, order),
        categories=[categories[c] for c in data["categories"] if c in categories],
        where=where,
        order=order,
        lang=lang,
        languages=languages,
        live=live,
        t=_say,
        money=speaker.money,
        duration=speaker.duration,
        day=speaker.day,
        tier_names={key: speaker(label) for key, label in TIER_LABELS.items()},
        offered=cat.is_offered(service, _today(organisation)),
        status_labels=_labels(STATUS_LABELS),
        ui_langs=_ui_langs(languages),
    )


# ------------------------------------------------------------------------------- history


def _path_label(path: str) -> str:
    """fees.0.label.mk -> "Fees 1 › What it is for › MK"."""
    parts = []
    for part in path.split("."):
        if part.isdigit():
            parts[-1] = f"{parts[-1]} {int(part) + 1}" if parts else part
        elif part in FIELD_LABELS:
            parts.append(_(FIELD_LABELS[part]))
        else:
            parts.append(part.upper() if len(part) <= 3 else part)
    return " › ".join(parts)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@bp.get("/catalogue/<org>/services/<int:service_id>/history")
@roles_required(ADMIN)
def service_history(org: str, service_id: int):
    """Who changed the service, when, and what changed (before and after)."""
    service = _service_or_404(org, service_id)
    entries = cat.service_history(db.session, service)
    actors = {
        u.id: u
        for u in db.session.scalars(
            db.select(User).where(User.id.in_({e.actor_id for e in entries if e.actor_id}))
        )
    }
    rows = [
        {
            "entry": entry,
            "actor": actors.get(entry.actor_id),
            "action": _(ACTION_LABELS.get(entry.action, entry.action)),
            "when": format_datetime(entry.at, "d MMM y, HH:mm"),
            "changes": [
                (_path_label(path), _shown(before), _shown(after))
                for path, before, after in cat.changes(entry.before, entry.after)
            ],
        }
        for entry in entries
    ]
    languages = cat.catalogue_languages(service.organisation)
    return render_template(
        "admin/catalogue/history.html",
        service=service,
        organisation=service.organisation,
        rows=rows,
        ui_langs=_ui_langs(languages),
        status_labels=_labels(STATUS_LABELS),
    )


# ------------------------------------------------------------------------------- categories


def _classifier_model(kind: str):
    model = CLASSIFIER_KINDS.get(kind)
    if model is None:
        abort(404)
    return model


def _classifier_values(row, organisation: Organisation, model) -> dict[str, Any]:
    if row is None:
        rows = cat.classifiers(db.session, organisation, model)
        last = max((r.position for r in rows), default=0)
        return {"code": "", "icon": "file", "position": str(last + 1)}
    return _flat(
        {
            "code": row.code,
            "icon": row.icon,
            "position": str(row.position),
            "name": dict(row.name or {}),
            "description": dict(row.description or {}),
        }
    )


def _render_classifiers(organisation: Organisation, kind: str, form: Form, *, status: int = 200):
    model = _classifier_model(kind)
    rows = cat.classifiers(db.session, organisation, model)
    langs = cat.catalogue_languages(organisation) or [current_app.config["DEFAULT_LANGUAGE"]]
    counts = {
        row.id: sum(
            1
            for s in cat.services_of(db.session, organisation)
            if row in (s.categories if model is Category else s.life_events)
        )
        for row in rows
    }
    as_fragment = htmx.is_htmx()
    response = htmx.fragment(
        "admin/catalogue/_classifiers.html" if as_fragment else "admin/catalogue/classifiers.html",
        status,
        fragment=as_fragment,
        organisation=organisation,
        kind=kind,
        rows=rows,
        counts=counts,
        form=form,
        langs=langs,
        ui_langs=_ui_langs(langs),
        icons=_icons(),
    )
    response.vary.add("HX-Request")
    return response


@bp.get("/catalogue/<org>/<kind>")
@roles_required(ADMIN)
def list_classifiers(org: str, kind: str):
    """List the categories (or life events), with the form to add one or change one."""
    organisation = _organisation_or_404(org)
    model = _classifier_model(kind)
    row = None
    if (row_id := request.args.get("edit", type=int)) is not None:
        row = db.session.get(model, row_id)
        if row is None or row.organisation_id != organisation.id:
            abort(404)
    form = Form("classifier", _classifier_values(row, organisation, model), editing=row)
    return _render_classifiers(organisation, kind, form)


def _classifier_form(organisation: Organisation, row) -> tuple[Form, dict[str, Any]]:
    langs = cat.catalogue_languages(organisation) or [current_app.config["DEFAULT_LANGUAGE"]]
    values = {name: request.form.get(name, "") for name in ("code", "icon", "position")}
    values.update(
        {k: v for k, v in request.form.items() if k.split("-", 1)[0] in ("name", "description")}
    )
    data = {
        **{k: values[k] for k in ("code", "icon", "position")},
        "name": {lang: values.get(f"name-{lang}", "") for lang in langs},
        "description": {lang: values.get(f"description-{lang}", "") for lang in langs},
    }
    if row is not None:  # keep translations in languages the form does not show
        for key in ("name", "description"):
            data[key] = {
                **{k: v for k, v in (getattr(row, key) or {}).items() if k not in langs},
                **data[key],
            }
    return Form("classifier", values, editing=row), data


@bp.post("/catalogue/<org>/<kind>")
@roles_required(ADMIN)
def add_classifier(org: str, kind: str):
    """Add a category (or life event)."""
    organisation = _organisation_or_404(org)
    model = _classifier_model(kind)
    form, data = _classifier_form(organisation, None)
    try:
        row = cat.save_classifier(db.session, organisation, model, data, actor=current_user)
    except FieldErrors as err:
        db.session.rollback()
        form.errors = field_errors(err)
        return _render_classifiers(organisation, kind, form, status=422)
    db.session.commit()
    return _classifiers_changed(organisation, kind, _("%(code)s was added.", code=row.code))


@bp.post("/catalogue/<org>/<kind>/<int:row_id>")
@roles_required(ADMIN)
def update_classifier(org: str, kind: str, row_id: int):
    """Change a category (or life event)."""
    organisation = _organisation_or_404(org)
    model = _classifier_model(kind)
    row = db.session.get(model, row_id)
    if row is None or row.organisation_id != organisation.id:
        abort(404)
    form, data = _classifier_form(organisation, row)
    try:
        cat.save_classifier(db.session, organisation, model, data, actor=current_user, row=row)
    except FieldErrors as err:
        db.session.rollback()
        form.errors = field_errors(err)
        return _render_classifiers(organisation, kind, form, status=422)
    db.session.commit()
    return _classifiers_changed(organisation, kind, _("%(code)s was saved.", code=row.code))


@bp.post("/catalogue/<org>/<kind>/<int:row_id>/delete")
@roles_required(ADMIN)
def delete_classifier(org: str, kind: str, row_id: int):
    """Remove a category (or life event); its services stay, only the link goes."""
    organisation = _organisation_or_404(org)
    model = _classifier_model(kind)
    row = db.session.get(model, row_id)
    if row is None or row.organisation_id != organisation.id:
        abort(404)
    code = row.code
    cat.delete_classifier(db.session, row, actor=current_user)
    db.session.commit()
    return _classifiers_changed(organisation, kind, _("%(code)s was removed.", code=code))


def _classifiers_changed(organisation: Organisation, kind: str, notice: str):
    if htmx.is_htmx():
        model = _classifier_model(kind)
        form = Form("classifier", _classifier_values(None, organisation, model), notice=notice)
        return _render_classifiers(organisation, kind, form)
    flash(notice, "info")
    return redirect(url_for("admin.list_classifiers", org=organisation.slug, kind=kind), 303)


# ------------------------------------------------------------------------------- import/export


@bp.get("/catalogue/<org>/export")
@roles_required(ADMIN)
def export_catalogue(org: str):
    """Download the live catalogue as CPSV-AP shaped JSON-LD."""
    organisation = _organisation_or_404(org)
    document = cpsv.export_catalogue(db.session, organisation)
    name = f"catalogue-{organisation.slug}-{_today(organisation).isoformat()}.json"
    return Response(
        cpsv.dumps(document),
        mimetype="application/ld+json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/catalogue/<org>/import", methods=["GET", "POST"])
@roles_required(ADMIN)
def import_catalogue(org: str):
    """Upload a catalogue file: checked whole; refused with each problem's line and reason."""
    organisation = _organisation_or_404(org)
    context = {"organisation": organisation, "problems": [], "skipped": [], "filename": None}
    if request.method == "GET":
        return render_template("admin/catalogue/import.html", **context)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        context["missing_file"] = True
        return render_template("admin/catalogue/import.html", **context), 422
    raw = upload.stream.read(IMPORT_MAX_BYTES + 1)
    context["filename"] = upload.filename
    try:
        result = cpsv.import_catalogue(db.session, organisation, raw, actor=current_user)
    except cpsv.CatalogueFileError as err:
        db.session.rollback()
        context["problems"] = [
            {
                "line": p.line,
                "column": p.column,
                "path": p.path,
                "message": _(p.message, **p.params),
            }
            for p in err.problems
        ]
        return render_template("admin/catalogue/import.html", **context), 422
    changed = result.created + result.updated
    services = {s.code: s for s in cat.services_of(db.session, organisation)}
    offices = [o for code in changed for o in cat.offices_offering(services[code])]
    db.session.commit()
    _notify(offices)
    flash(
        _(
            "The file was imported: %(created)d services added, %(updated)d changed, "
            "%(unchanged)d unchanged, %(classifiers)d categories and life events added or changed.",
            created=len(result.created),
            updated=len(result.updated),
            unchanged=len(result.unchanged),
            classifiers=result.categories + result.life_events,
        ),
        "info",
    )
    for problem in result.skipped_offers[:10]:
        flash(
            _("Line %(line)d: %(message)s", line=problem.line,
              message=_(problem.message, **problem.params)),
            "info",
        )  # fmt: skip
    return redirect(url_for("admin.list_services", org=organisation.slug), 303)
