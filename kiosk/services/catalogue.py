"""The service catalogue: what each service needs, costs and takes, and how it gets published.

A service is described by plain data, the same shape everywhere: the editor's form (strings as
typed), a pending draft (``Service.draft``), an import file (after conversion, see ``cpsv``) and
the audit trail's before and after::

    {"code": "MK-KV-001", "icon": "baby", "average_minutes": 5, "priority_allowed": True,
     "name": {"mk": ..., "en": ...}, "short_name": {...}, "summary": {...}, ...,
     "external_ids": {"uslugi.gov.mk": "123"}, "valid_from": "2026-01-01", "valid_to": None,
     "legal_basis": [{"act": {...}, "article": "12", "url": None}],
     "appeal": {"body": {...}, "deadline_days": 15},
     "processing_times": [{"tier": "normal", "duration": "P5D", "days": "working"}],
     "documents": [{"name": {...}, "description": {...}, "condition": {...}, "kind": "original",
                    "mandatory": True, "copies": 1, "obtained_by_office": False, "form_url": None}],
     "fees": [{"label": {...}, "amount_minor": 25000, "currency": "MKD", "tier": "normal",
               "payment_methods": ["cash"], "payment_slip": {"recipient": ..., "account": ...,
               "revenue_code": ..., "purpose": {...}}}],
     "categories": ["civil"], "life_events": ["birth"],
     "offers": [{"office": "centar", "queue": "A", "active": True, "location": {...},
                 "floor": "0", "room": "3"}]}

``check_service`` checks every field before anything changes and raises ``FieldErrors`` whose
keys are the editor's field names ("name-mk", "fees-0-amount", "offers-centar-queue").

Publishing: a service in "draft" (never published) or "retired" status is edited in place. An
edit of a *published* service is kept whole in ``Service.draft`` until someone publishes it, so
the kiosk never shows half-finished changes; ``publish_service`` applies the draft to the live
columns and rows in one go and records who reviewed it. Functions flush; the caller commits.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    AuditEntry,
    Category,
    Fee,
    LifeEvent,
    Office,
    OfficeService,
    Organisation,
    RequiredDocument,
    Service,
    User,
    utcnow,
)
from . import audit
from .errors import N_, KioskError
from .setup import FieldErrors, Problem, clean_text

STATUSES = ("draft", "published", "retired")
TIERS = ("normal", "fast", "express")
DAY_KINDS = ("working", "calendar")
DOCUMENT_KINDS = ("original", "copy", "certified_copy", "form", "payment_proof", "id_document")
PAYMENT_METHODS = ("cash", "card", "bank", "online")
# ISO 4217 codes the catalogue accepts, with their minor-unit digits (all have cents today).
CURRENCIES: dict[str, int] = {
    "MKD": 2, "EUR": 2, "BGN": 2, "ALL": 2, "RSD": 2, "TRY": 2,
    "HUF": 2, "RON": 2, "USD": 2, "GBP": 2, "CHF": 2,
}  # fmt: skip

# Limits of free text, in characters: a name fits a sign, a description a page.
TEXT_LIMITS: dict[str, int] = {
    "name": 200,
    "short_name": 60,  # a kiosk button
    "summary": 300,
    "ticket_note": 300,
    "description": 5000,
    "keywords": 300,
    "authority": 200,
    "output": 200,
    "output_validity": 120,
}
SERVICE_TEXTS = tuple(TEXT_LIMITS)
MULTILINE = frozenset({"description"})
DOCUMENT_TEXTS = {"name": 200, "description": 1000, "condition": 300}
FEE_LABEL_MAX = 200
SLIP_LIMITS = {"recipient": 200, "account": 64, "revenue_code": 32}
SLIP_PURPOSE_MAX = 200
LEGAL_ACT_MAX = 300
ARTICLE_MAX = 64
APPEAL_BODY_MAX = 300
LOCATION_MAX = 120
FLOOR_MAX = 16
URL_MAX = 500
EXTERNAL_ID_MAX = 64
EXTERNAL_IDS_MAX = 10
CLASSIFIER_NAME_MAX = 120
CLASSIFIER_DESCRIPTION_MAX = 300

AVERAGE_MINUTES_RANGE = (1, 240)
COPIES_RANGE = (1, 20)
APPEAL_DAYS_RANGE = (1, 365)
POSITION_RANGE = (0, 999)
# A fee above a hundred million (in major units) is a typing mistake, not a municipal fee.
AMOUNT_MINOR_MAX = 10_000_000_000
MAX_ROWS = 40  # documents, fees, ... per service

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
_CLASSIFIER_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
_ICON = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
_LANG = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")
_SCHEME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")
_ACCOUNT = re.compile(r"^[A-Za-z0-9 -]*$")
_PREFIX = re.compile(r"^[A-Z]{1,2}$")
_AMOUNT = re.compile(r"^(?P<units>[0-9]{1,9})(?:[.,](?P<cents>[0-9]{1,4}))?$")
_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d{1,4})Y)?(?:(?P<months>\d{1,4})M)?(?:(?P<weeks>\d{1,4})W)?"
    r"(?:(?P<days>\d{1,4})D)?(?:T(?=\d)(?:(?P<hours>\d{1,4})H)?(?:(?P<minutes>\d{1,4})M)?"
    r"(?:(?P<seconds>\d{1,4})S)?)?$"
)
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

DURATION_UNITS = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")


class ServiceStateError(KioskError):
    message = N_("This service cannot be changed that way now.")


# ------------------------------------------------------------------------------- checks


def clean_multiline(value: Any) -> str:
    """Several lines of user text: NFC, line breaks kept (as \\n), other control chars out."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_MULTILINE.sub("", text.replace("\t", " "))
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def _flag(value: Any, default: bool = False) -> bool:
    """A checkbox or a JSON boolean: present and not "0"/"false"/"off" means ticked."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return clean_text(value).lower() not in ("", "0", "false", "off", "no")


class _Checks:
    """Collects the problems of a whole service, so that the editor shows them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, Problem] = {}

    def fail(self, name: str, message: str, **params: Any) -> None:
        self.errors.setdefault(name, Problem(message, params))

    def raise_if_any(self) -> None:
        if self.errors:
            raise FieldErrors(self.errors)

    def text(
        self,
        name: str,
        value: Any,
        limit: int,
        *,
        required: str | None = None,
        multiline: bool = False,
    ) -> str:
        if value is not None and not isinstance(value, str | int | float):
            self.fail(name, N_("Enter text here."))
            return ""
        text = clean_multiline(value) if multiline else clean_text(value)
        if not text and required:
            self.fail(name, required)
        elif len(text) > limit:
            self.fail(name, N_("Use at most %(max)d characters."), max=limit)
        return text

    def texts(self, name: str, values: Any, limit: int, *, multiline: bool = False) -> dict:
        """Text in several languages; empty translations are left out."""
        if values is None or values == "":
            return {}
        if not isinstance(values, Mapping):
            self.fail(name, N_('Give this text per language, such as {"mk": "..."}.'))
            return {}
        result = {}
        for lang, value in values.items():
            if not isinstance(lang, str) or not _LANG.match(lang):
                self.fail(f"{name}-{lang}", N_("%(lang)s is not a language code."), lang=lang)
                continue
            text = self.text(f"{name}-{lang}", value, limit, multiline=multiline)
            if text:
                result[lang] = text
        return result

    def number(
        self, name: str, value: Any, bounds: tuple[int, int], *, optional: bool = False
    ) -> int | None:
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        else:
            text = clean_text(value)
            if not text and optional:
                return None
            number = int(text) if re.fullmatch(r"[+-]?[0-9]{1,9}", text) else None
        if number is None or not bounds[0] <= number <= bounds[1]:
            self.fail(
                name,
                N_("Enter a whole number from %(low)d to %(high)d."),
                low=bounds[0],
                high=bounds[1],
            )
            return None
        return number

    def choice(self, name: str, value: Any, choices: Iterable[str], message: str) -> str:
        text = clean_text(value)
        if text not in tuple(choices):
            self.fail(name, message)
        return text

    def url(self, name: str, value: Any) -> str | None:
        text = self.text(name, value, URL_MAX)
        if not text:
            return None
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
            self.fail(name, N_("Enter a web address that starts with https:// or http://."))
        return text

    def date(self, name: str, value: Any) -> dt.date | None:
        text = clean_text(value)
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail(name, N_("Enter a date as YYYY-MM-DD, such as 2026-01-31."))
            return None

    def rows(self, name: str, value: Any) -> list:
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            self.fail(name, N_("Give a list here."))
            return []
        if len(value) > MAX_ROWS:
            self.fail(name, N_("Give at most %(max)d rows."), max=MAX_ROWS)
            return []
        return list(value)


def _row(value: Any) -> Mapping:
    return value if isinstance(value, Mapping) else {}


# ------------------------------------------------------------------------------- amounts, times


def parse_amount(value: Any, currency: str) -> int:
    """A typed amount ("250", "5.11", "5,11") in minor units; ValueError when it is not one."""
    text = clean_text(value).replace(" ", "").replace("\u00a0", "")
    match = _AMOUNT.match(text)
    digits = CURRENCIES.get(currency, 2)
    if not match or len(match.group("cents") or "") > digits:
        raise ValueError(text)
    cents = (match.group("cents") or "").ljust(digits, "0")
    return int(match.group("units")) * 10**digits + (int(cents) if cents else 0)


def format_amount(amount_minor: int, currency: str) -> str:
    """Minor units as the editor shows them: "250" for whole amounts, "5.11" otherwise."""
    digits = CURRENCIES.get(currency, 2)
    units, cents = divmod(int(amount_minor), 10**digits)
    return str(units) if cents == 0 else f"{units}.{cents:0{digits}d}"


def amount_decimal(amount_minor: int, currency: str) -> Decimal:
    """Minor units as a decimal in major units (5.11 EUR), for formatting and export."""
    return Decimal(int(amount_minor)).scaleb(-CURRENCIES.get(currency, 2))


def is_duration(text: str) -> bool:
    """Whether the text is an ISO 8601 duration with whole numbers (P5D, PT2H, P1M, P2W)."""
    return bool(_DURATION.match(text or ""))


def duration_parts(text: str | None) -> list[tuple[str, int]]:
    """The non-zero parts of an ISO 8601 duration, largest first: P1DT2H -> [(days, 1), ...]."""
    match = _DURATION.match(text or "")
    if not match:
        return []
    return [(unit, int(match.group(unit))) for unit in DURATION_UNITS if int(match[unit] or 0)]


# ------------------------------------------------------------------------------- languages


def catalogue_languages(organisation: Organisation) -> list[str]:
    """The languages of the organisation's offices: the first office's order, then the rest."""
    result: list[str] = []
    for office in sorted(organisation.offices, key=lambda o: o.id or 0):
        for lang in office.languages or []:
            if lang not in result:
                result.append(lang)
    return result


def is_offered(service: Service, today: dt.date) -> bool:
    """Whether citizens may take a ticket for the service on this (office-local) date:
    published, and today within its validity (valid_from and valid_to both inclusive)."""
    if service.status != "published":
        return False
    if service.valid_from is not None and today < service.valid_from:
        return False
    return service.valid_to is None or today <= service.valid_to


# ------------------------------------------------------------------------------- the data


def service_data(service: Service) -> dict[str, Any]:
    """The live service as plain data (the editor's, the draft's and the audit's shape)."""
    categories = sorted(service.categories, key=lambda c: (c.position, c.code))
    life_events = sorted(service.life_events, key=lambda c: (c.position, c.code))
    offers = sorted(_offers_of(service), key=lambda o: (o.office_id, o.id or 0))
    data: dict[str, Any] = {
        "code": service.code,
        "icon": service.icon,
        "average_minutes": service.average_minutes,
        "priority_allowed": bool(service.priority_allowed),
    }
    for name in SERVICE_TEXTS:
        data[name] = dict(getattr(service, name) or {})
    data.update(
        {
            "external_ids": dict(service.external_ids or {}),
            "valid_from": service.valid_from.isoformat() if service.valid_from else None,
            "valid_to": service.valid_to.isoformat() if service.valid_to else None,
            "legal_basis": [
                {
                    "act": dict(item.get("act") or {}),
                    "article": item.get("article") or None,
                    "url": item.get("url") or None,
                }
                for item in service.legal_basis or []
            ],
            "appeal": _appeal(service.appeal or {}),
            "processing_times": [
                {"tier": t.get("tier"), "duration": t.get("duration"), "days": t.get("days")}
                for t in service.processing_times or []
            ],
            "documents": [
                {
                    "name": dict(d.name or {}),
                    "description": dict(d.description or {}),
                    "condition": dict(d.condition or {}),
                    "kind": d.kind,
                    "mandatory": bool(d.mandatory),
                    "copies": d.copies,
                    "obtained_by_office": bool(d.obtained_by_office),
                    "form_url": d.form_url or None,
                }
                for d in service.documents
            ],
            "fees": [
                {
                    "label": dict(f.label or {}),
                    "amount_minor": f.amount_minor,
                    "currency": f.currency,
                    "tier": f.tier,
                    "payment_methods": list(f.payment_methods or []),
                    "payment_slip": _slip(f.payment_slip or {}),
                }
                for f in service.fees
            ],
            "categories": [c.code for c in categories],
            "life_events": [e.code for e in life_events],
            "offers": [
                {
                    "office": o.office.slug,
                    "queue": o.queue.prefix,
                    "active": bool(o.active),
                    "location": dict(o.location or {}),
                    "floor": o.floor or None,
                    "room": o.room or None,
                }
                for o in offers
            ],
        }
    )
    return copy.deepcopy(data)


def current_data(service: Service) -> dict[str, Any]:
    """What the editor shows: the pending draft if there is one, else the live service."""
    return copy.deepcopy(service.draft) if service.draft else service_data(service)


def _appeal(appeal: Mapping) -> dict:
    body = dict(appeal.get("body") or {})
    days = appeal.get("deadline_days")
    return {"body": body, "deadline_days": days} if body or days else {}


def _slip(slip: Mapping) -> dict:
    result = {k: slip[k] for k in ("recipient", "account", "revenue_code") if slip.get(k)}
    if slip.get("purpose"):
        result["purpose"] = dict(slip["purpose"])
    return result


def _offers_of(service: Service) -> list[OfficeService]:
    from sqlalchemy.orm import object_session

    session = object_session(service)
    if session is None or service.id is None:
        return []
    return list(
        session.scalars(select(OfficeService).where(OfficeService.service_id == service.id))
    )


# ------------------------------------------------------------------------------- validation


def check_service(
    session: Session,
    organisation: Organisation,
    data: Mapping[str, Any],
    *,
    service: Service | None = None,
    categories: Iterable[str] | None = None,
    life_events: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Check a whole service and return it clean; raise ``FieldErrors`` naming every problem.

    ``categories`` and ``life_events`` are the codes that may be referred to (by default the
    organisation's; an import adds the ones its file defines).
    """
    checks = _Checks()
    clean: dict[str, Any] = {}

    code = clean_text(data.get("code"))
    if not code:
        checks.fail("code", N_("Enter a code, such as MK-KV-015."))
    elif not _CODE.match(code):
        checks.fail(
            "code",
            N_("Use at most 32 letters, digits, dots, hyphens and underscores, such as MK-KV-015."),
        )
    elif organisation.id is not None:
        taken = session.scalar(
            select(Service.id).where(
                Service.organisation_id == organisation.id,
                Service.code == code,
                Service.id != (service.id if service is not None and service.id else -1),
            )
        )
        if taken is not None:
            checks.fail("code", N_("Another service already has the code %(code)s."), code=code)
    clean["code"] = code

    icon = clean_text(data.get("icon")) or "file"
    if not _ICON.match(icon):
        checks.fail("icon", N_("Choose an icon from the list."))
    clean["icon"] = icon
    clean["average_minutes"] = checks.number(
        "average_minutes", data.get("average_minutes", 10), AVERAGE_MINUTES_RANGE
    )
    clean["priority_allowed"] = _flag(data.get("priority_allowed"), True)

    for name in SERVICE_TEXTS:
        clean[name] = checks.texts(
            name, data.get(name), TEXT_LIMITS[name], multiline=name in MULTILINE
        )

    clean["external_ids"] = _check_external_ids(checks, data.get("external_ids"))

    valid_from = checks.date("valid_from", data.get("valid_from"))
    valid_to = checks.date("valid_to", data.get("valid_to"))
    if valid_from and valid_to and valid_to < valid_from:
        checks.fail("valid_to", N_("The last day must not be before the first day."))
    clean["valid_from"] = valid_from.isoformat() if valid_from else None
    clean["valid_to"] = valid_to.isoformat() if valid_to else None

    clean["legal_basis"] = []
    for i, item in enumerate(checks.rows("legal_basis", data.get("legal_basis"))):
        item, p = _row(item), f"legal_basis-{i}"
        act = checks.texts(f"{p}-act", item.get("act"), LEGAL_ACT_MAX)
        if not act:
            checks.fail(f"{p}-act", N_("Name the law or decision in at least one language."))
        clean["legal_basis"].append(
            {
                "act": act,
                "article": checks.text(f"{p}-article", item.get("article"), ARTICLE_MAX) or None,
                "url": checks.url(f"{p}-url", item.get("url")),
            }
        )

    appeal = _row(data.get("appeal"))
    body = checks.texts("appeal-body", appeal.get("body"), APPEAL_BODY_MAX)
    days = checks.number(
        "appeal-deadline_days", appeal.get("deadline_days"), APPEAL_DAYS_RANGE, optional=True
    )
    clean["appeal"] = {"body": body, "deadline_days": days} if body or days else {}

    clean["processing_times"] = []
    tiers_seen: set[str] = set()
    for i, item in enumerate(checks.rows("processing_times", data.get("processing_times"))):
        item, p = _row(item), f"processing_times-{i}"
        tier = checks.choice(f"{p}-tier", item.get("tier"), TIERS, N_("Choose a tier."))
        if tier in tiers_seen:
            checks.fail(f"{p}-tier", N_("Give each tier one processing time."))
        tiers_seen.add(tier)
        duration = clean_text(item.get("duration")).upper()
        if not is_duration(duration):
            checks.fail(
                f"{p}-duration",
                N_("Enter an ISO 8601 duration, such as P5D (5 days), P2W or PT2H (2 hours)."),
            )
        days_kind = checks.choice(
            f"{p}-days",
            item.get("days") or "working",
            DAY_KINDS,
            N_("Choose working or calendar days."),
        )
        clean["processing_times"].append({"tier": tier, "duration": duration, "days": days_kind})

    clean["documents"] = [
        _check_document(checks, f"documents-{i}", _row(item))
        for i, item in enumerate(checks.rows("documents", data.get("documents")))
    ]
    clean["fees"] = [
        _check_fee(checks, f"fees-{i}", _row(item))
        for i, item in enumerate(checks.rows("fees", data.get("fees")))
    ]

    known_categories = set(
        categories if categories is not None else _codes(session, Category, organisation)
    )
    known_events = set(
        life_events if life_events is not None else _codes(session, LifeEvent, organisation)
    )
    clean["categories"] = _check_codes(
        checks, "categories", data.get("categories"), known_categories
    )
    clean["life_events"] = _check_codes(
        checks, "life_events", data.get("life_events"), known_events
    )

    offers = data.get("offers")
    clean["offers"] = None if offers is None else _check_offers(checks, organisation, offers)

    # The name is required in the first language of every office that offers the service (or,
    # when none does yet, in the organisation's first language).
    offices = {o.slug: o for o in organisation.offices}
    required = [
        offices[o["office"]].languages[0]
        for o in clean["offers"] or []
        if o["active"] and o["office"] in offices and offices[o["office"]].languages
    ]
    if not required:
        languages = catalogue_languages(organisation)
        required = languages[:1]
    for lang in dict.fromkeys(required):
        if not clean["name"].get(lang):
            checks.fail(
                f"name-{lang}",
                N_("Enter the name in this language: it is the first language of an office "
                   "that offers the service."),
            )  # fmt: skip
    if not clean["name"] and not required:
        checks.fail("name", N_("Enter the name in at least one language."))

    checks.raise_if_any()
    return clean


def _check_external_ids(checks: _Checks, value: Any) -> dict[str, str]:
    """Identifiers in other registers: a mapping, or lines of "register: id" from the editor."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        pairs = []
        for line in value.splitlines():
            if line.strip():
                scheme, sep, ident = line.partition(":")
                if not sep:
                    scheme, sep, ident = line.partition("=")
                if not sep:
                    checks.fail(
                        "external_ids",
                        N_("Write one identifier a line, as register: number, such as "
                           "uslugi.gov.mk: 1234."),
                    )  # fmt: skip
                    return {}
                pairs.append((scheme.strip(), ident.strip()))
    elif isinstance(value, Mapping):
        pairs = [(str(k), v) for k, v in value.items()]
    else:
        checks.fail("external_ids", N_("Give the identifiers as register: number."))
        return {}
    result: dict[str, str] = {}
    for scheme, ident in pairs:
        ident = clean_text(ident) if isinstance(ident, str | int) else ""
        if not _SCHEME.match(scheme) or not ident or len(ident) > EXTERNAL_ID_MAX:
            checks.fail(
                "external_ids",
                N_("Write one identifier a line, as register: number, such as "
                   "uslugi.gov.mk: 1234."),
            )  # fmt: skip
            return {}
        result[scheme] = ident
    if len(result) > EXTERNAL_IDS_MAX:
        checks.fail("external_ids", N_("Give at most %(max)d identifiers."), max=EXTERNAL_IDS_MAX)
    return result


def _check_document(checks: _Checks, p: str, item: Mapping) -> dict[str, Any]:
    texts = {
        name: checks.texts(f"{p}-{name}", item.get(name), limit, multiline=name == "description")
        for name, limit in DOCUMENT_TEXTS.items()
    }
    if not texts["name"]:
        checks.fail(f"{p}-name", N_("Name the document in at least one language."))
    kind = checks.choice(
        f"{p}-kind",
        item.get("kind") or "original",
        DOCUMENT_KINDS,
        N_("Choose what kind of paper."),
    )
    return {
        **texts,
        "kind": kind,
        "mandatory": _flag(item.get("mandatory"), True),
        "copies": checks.number(f"{p}-copies", item.get("copies", 1), COPIES_RANGE),
        "obtained_by_office": _flag(item.get("obtained_by_office"), False),
        "form_url": checks.url(f"{p}-form_url", item.get("form_url")),
    }


def _check_fee(checks: _Checks, p: str, item: Mapping) -> dict[str, Any]:
    label = checks.texts(f"{p}-label", item.get("label"), FEE_LABEL_MAX)
    if not label:
        checks.fail(f"{p}-label", N_("Say what the fee is for, in at least one language."))
    currency = clean_text(item.get("currency")).upper()
    if currency not in CURRENCIES:
        checks.fail(f"{p}-currency", N_("Choose a currency from the list, such as MKD or EUR."))
    amount = None
    if "amount_minor" in item:
        value = item["amount_minor"]
        if isinstance(value, bool) or not isinstance(value, int):
            checks.fail(f"{p}-amount", N_("The amount in minor units must be a whole number."))
        elif value < 0:
            checks.fail(f"{p}-amount", N_("The amount cannot be negative."))
        else:
            amount = value
    else:
        text = clean_text(item.get("amount"))
        if not text:
            checks.fail(f"{p}-amount", N_("Enter the amount, such as 250 or 5.11."))
        elif text.startswith("-"):
            checks.fail(f"{p}-amount", N_("The amount cannot be negative."))
        else:
            try:
                amount = parse_amount(text, currency)
            except ValueError:
                checks.fail(
                    f"{p}-amount",
                    N_("Enter the amount in numbers with at most %(digits)d decimals, "
                       "such as 250 or 5.11."),
                    digits=CURRENCIES.get(currency, 2),
                )  # fmt: skip
    if amount is not None and amount > AMOUNT_MINOR_MAX:
        checks.fail(f"{p}-amount", N_("This amount is too large for a fee."))
    tier = checks.choice(f"{p}-tier", item.get("tier") or "normal", TIERS, N_("Choose a tier."))
    methods = item.get("payment_methods") or []
    if isinstance(methods, str):
        methods = [methods]
    if not isinstance(methods, list | tuple) or any(m not in PAYMENT_METHODS for m in methods):
        checks.fail(f"{p}-payment_methods", N_("Choose the ways to pay from the list."))
        methods = []
    slip_in = _row(item.get("payment_slip"))
    slip: dict[str, Any] = {}
    for name, limit in SLIP_LIMITS.items():
        text = checks.text(f"{p}-payment_slip-{name}", slip_in.get(name), limit)
        if name != "recipient" and not _ACCOUNT.match(text):
            checks.fail(
                f"{p}-payment_slip-{name}", N_("Use only letters, digits, spaces and hyphens.")
            )
        if text:
            slip[name] = text
    purpose = checks.texts(f"{p}-payment_slip-purpose", slip_in.get("purpose"), SLIP_PURPOSE_MAX)
    if purpose:
        slip["purpose"] = purpose
    return {
        "label": label,
        "amount_minor": amount,
        "currency": currency,
        "tier": tier,
        "payment_methods": [m for m in PAYMENT_METHODS if m in methods],
        "payment_slip": slip,
    }


def _check_codes(checks: _Checks, name: str, value: Any, known: set[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        checks.fail(name, N_("Give a list here."))
        return []
    result = []
    for code in value:
        code = clean_text(code)
        if code not in known:
            checks.fail(name, N_("There is no %(code)s to choose."), code=code)
        elif code not in result:
            result.append(code)
    return result


def _check_offers(checks: _Checks, organisation: Organisation, value: Any) -> list[dict]:
    if not isinstance(value, list | tuple):
        checks.fail("offers", N_("Give a list here."))
        return []
    offices = {o.slug: o for o in organisation.offices}
    result = []
    seen = set()
    for item in value:
        item = _row(item)
        slug = clean_text(item.get("office"))
        p = f"offers-{slug}"
        office = offices.get(slug)
        if office is None:
            checks.fail(f"{p}-office", N_("There is no office %(office)s here."), office=slug)
            continue
        if slug in seen:
            checks.fail(f"{p}-office", N_("Name each office only once."))
            continue
        seen.add(slug)
        active = _flag(item.get("active"), True)
        prefix = clean_text(item.get("queue")).upper()
        queue = next((q for q in office.queues if q.prefix == prefix), None)
        if prefix and queue is None:
            checks.fail(f"{p}-queue", N_("This office has no queue %(prefix)s."), prefix=prefix)
        elif active and queue is None:
            checks.fail(f"{p}-queue", N_("Choose the queue its tickets join."))
        location = checks.texts(f"{p}-location", item.get("location"), LOCATION_MAX)
        floor = checks.text(f"{p}-floor", item.get("floor"), FLOOR_MAX) or None
        room = checks.text(f"{p}-room", item.get("room"), FLOOR_MAX) or None
        if not prefix:
            continue  # not offered, and never was: nothing to keep
        result.append(
            {
                "office": slug,
                "queue": prefix,
                "active": active,
                "location": location,
                "floor": floor,
                "room": room,
            }
        )
    result.sort(key=lambda o: offices[o["office"]].id or 0)
    return result


def _codes(session: Session, model, organisation: Organisation) -> list[str]:
    if organisation.id is None:
        return []
    return list(session.scalars(select(model.code).where(model.organisation_id == organisation.id)))


# ------------------------------------------------------------------------------- changes


def _audit_data(service: Service) -> dict[str, Any]:
    return {"status": service.status, **service_data(service)}


def _apply(session: Session, service: Service, clean: Mapping[str, Any]) -> None:
    """Write clean data to the live columns and rows (documents, fees, categories, offers)."""
    organisation = service.organisation
    for name in ("code", "icon", "average_minutes", "priority_allowed", *SERVICE_TEXTS):
        setattr(service, name, copy.deepcopy(clean[name]))
    service.external_ids = dict(clean["external_ids"])
    service.valid_from = dt.date.fromisoformat(clean["valid_from"]) if clean["valid_from"] else None
    service.valid_to = dt.date.fromisoformat(clean["valid_to"]) if clean["valid_to"] else None
    service.legal_basis = copy.deepcopy(clean["legal_basis"])
    service.appeal = copy.deepcopy(clean["appeal"])
    service.processing_times = copy.deepcopy(clean["processing_times"])
    service.documents = [
        RequiredDocument(position=i, **copy.deepcopy(doc))
        for i, doc in enumerate(clean["documents"])
    ]
    service.fees = [Fee(position=i, **copy.deepcopy(fee)) for i, fee in enumerate(clean["fees"])]
    service.categories = _by_codes(session, Category, organisation, clean["categories"])
    service.life_events = _by_codes(session, LifeEvent, organisation, clean["life_events"])
    session.flush()
    if clean.get("offers") is not None:
        _apply_offers(session, service, clean["offers"])


def _by_codes(session: Session, model, organisation: Organisation, codes: list[str]) -> list:
    if not codes:
        return []
    rows = session.scalars(
        select(model).where(model.organisation_id == organisation.id, model.code.in_(codes))
    ).all()
    by_code = {row.code: row for row in rows}
    return [by_code[code] for code in codes if code in by_code]


def _apply_offers(session: Session, service: Service, offers: list[dict]) -> None:
    """Offer the service where the data says; an office left out stops offering it (the row
    stays, switched off, because tickets and the counter matrix refer to it)."""
    offices = {o.slug: o for o in service.organisation.offices}
    existing = {o.office_id: o for o in _offers_of(service)}
    wanted = set()
    for item in offers:
        office = offices[item["office"]]
        queue = next(q for q in office.queues if q.prefix == item["queue"])
        wanted.add(office.id)
        offer = existing.get(office.id)
        if offer is None:
            last = session.scalar(
                select(func.max(OfficeService.position)).where(OfficeService.office_id == office.id)
            )
            offer = OfficeService(office=office, service=service, position=(last or 0) + 1)
            session.add(offer)
        offer.queue = queue
        offer.active = item["active"]
        offer.location = dict(item["location"])
        offer.floor = item["floor"]
        offer.room = item["room"]
    for office_id, offer in existing.items():
        if office_id not in wanted:
            offer.active = False
    session.flush()
    for office in offices.values():
        session.expire(office, ["services"])


def create_service(
    session: Session,
    organisation: Organisation,
    data: Mapping[str, Any],
    *,
    actor: User | None,
    now: dt.datetime | None = None,
) -> Service:
    """Add a service as a draft: it reaches the kiosks when someone publishes it."""
    clean = check_service(session, organisation, data)
    service = Service(organisation=organisation, code=clean["code"], status="draft")
    session.add(service)
    session.flush()
    _apply(session, service, clean)
    service.updated_at = now or utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="service",
        entity_id=service.id,
        action="create",
        after=_audit_data(service),
        now=now,
    )
    return service


def update_service(
    session: Session,
    service: Service,
    data: Mapping[str, Any],
    *,
    actor: User | None,
    now: dt.datetime | None = None,
) -> str:
    """Save an edit. A published service keeps it as a draft until published ("draft");
    a draft or retired one changes at once ("saved")."""
    clean = check_service(session, service.organisation, data, service=service)
    if service.status == "published":
        before = current_data(service)
        if clean == service_data(service):
            clean_draft = None  # edited back to what is live: nothing is pending any more
        else:
            clean_draft = clean
        service.draft = copy.deepcopy(clean_draft)
        session.flush()
        if current_data(service) == before:
            return "draft"  # saved again unchanged: nothing to record
        audit.record(
            session,
            actor=actor,
            entity="service",
            entity_id=service.id,
            action="draft",
            before=before,
            after=current_data(service),
            now=now,
        )
        return "draft"
    before = _audit_data(service)
    _apply(session, service, clean)
    service.draft = None
    after = _audit_data(service)
    if after != before:
        service.updated_at = now or utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="service",
        entity_id=service.id,
        action="update",
        before=before,
        after=after,
        now=now,
    )
    return "saved"


def publish_service(
    session: Session, service: Service, *, actor: User | None, now: dt.datetime | None = None
) -> Service:
    """Apply the pending draft (if any) to the live service in one go, mark it published and
    reviewed by the actor. Publishing without a draft records a review of what is live."""
    now = now or utcnow()
    data = service.draft if service.draft else service_data(service)
    clean = check_service(session, service.organisation, data, service=service)
    before = _audit_data(service)
    _apply(session, service, clean)
    service.status = "published"
    service.draft = None
    service.updated_at = now
    service.reviewed_at = now
    service.reviewed_by_id = actor.id if actor is not None else None
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="service",
        entity_id=service.id,
        action="publish",
        before=before,
        after=_audit_data(service),
        now=now,
    )
    return service


def retire_service(
    session: Session, service: Service, *, actor: User | None, now: dt.datetime | None = None
) -> Service:
    """Stop offering a service everywhere (its history stays; publishing brings it back)."""
    if service.status == "retired":
        raise ServiceStateError(N_("This service is already retired."))
    before = _audit_data(service)
    service.status = "retired"
    service.updated_at = now or utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="service",
        entity_id=service.id,
        action="retire",
        before=before,
        after=_audit_data(service),
        now=now,
    )
    return service


def discard_draft(
    session: Session, service: Service, *, actor: User | None, now: dt.datetime | None = None
) -> Service:
    """Throw away the unpublished changes of a published service."""
    if not service.draft:
        raise ServiceStateError(N_("There are no unpublished changes."))
    before = current_data(service)
    service.draft = None
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="service",
        entity_id=service.id,
        action="discard",
        before=before,
        after=service_data(service),
        now=now,
    )
    return service


def offices_offering(service: Service) -> list[Office]:
    """The offices that have (or had) the service among their kiosk buttons."""
    return [o.office for o in sorted(_offers_of(service), key=lambda o: o.office_id)]


def service_history(session: Session, service: Service) -> list[AuditEntry]:
    """The service's audit entries, newest first."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "service", AuditEntry.entity_id == str(service.id))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        )
    )


def changes(before: Any, after: Any) -> list[tuple[str, Any, Any]]:
    """What differs between two snapshots, as (path, before, after), paths like fees.0.label.mk."""
    flat_before, flat_after = _flatten(before), _flatten(after)
    keys = list(dict.fromkeys([*flat_before, *flat_after]))
    return [
        (key, flat_before.get(key), flat_after.get(key))
        for key in keys
        if flat_before.get(key) != flat_after.get(key)
    ]


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping) and value:
        result: dict[str, Any] = {}
        for key, item in value.items():
            result.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return result
    if isinstance(value, list) and value and any(isinstance(x, Mapping) for x in value):
        result = {}
        for i, item in enumerate(value):
            result.update(_flatten(item, f"{prefix}.{i}" if prefix else str(i)))
        return result
    if value in (None, {}, [], ""):
        return {}
    return {prefix: value}


# ------------------------------------------------------------------------------- translations


def missing_translations(data: Mapping[str, Any], languages: Iterable[str]) -> dict[str, list[str]]:
    """Per language, the fields that have text in some language but not in this one.

    The name counts always. Keys are the editor's field names without the language:
    "name", "summary", "documents-0-condition", "fees-1-label", ...
    """
    fields: list[tuple[str, Mapping]] = [("name", data.get("name") or {})]
    fields += [(n, data.get(n) or {}) for n in SERVICE_TEXTS if n != "name"]
    for i, doc in enumerate(data.get("documents") or []):
        fields += [(f"documents-{i}-{n}", doc.get(n) or {}) for n in DOCUMENT_TEXTS]
    for i, fee in enumerate(data.get("fees") or []):
        fields.append((f"fees-{i}-label", fee.get("label") or {}))
        fields.append(
            (f"fees-{i}-payment_slip-purpose", (fee.get("payment_slip") or {}).get("purpose") or {})
        )
    for i, item in enumerate(data.get("legal_basis") or []):
        fields.append((f"legal_basis-{i}-act", item.get("act") or {}))
    fields.append(("appeal-body", (data.get("appeal") or {}).get("body") or {}))
    for offer in data.get("offers") or []:
        fields.append((f"offers-{offer['office']}-location", offer.get("location") or {}))
    result = {}
    for lang in languages:
        missing = [
            name
            for name, text in fields
            if (name == "name" or any(text.values())) and not text.get(lang)
        ]
        if missing:
            result[lang] = missing
    return result


@dataclass(frozen=True)
class Text:
    """A text chosen for a reader, with the language it is really in (for ``lang=``)."""

    text: str
    lang: str | None

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def pick_text(text: Mapping | None, languages: Iterable[str]) -> Text:
    """The first translation in the reader's language order, else any; with its language."""
    text = text or {}
    for lang in languages:
        if text.get(lang):
            return Text(text[lang], lang)
    for lang, value in text.items():
        if value:
            return Text(value, lang)
    return Text("", None)


def content_for(data: Mapping[str, Any] | Service, languages: Iterable[str]) -> dict[str, Any]:
    """A service in one reader's languages, falling back through them: what a kiosk shows.

    Texts come as ``Text`` (text plus the language it is really in); documents are grouped
    into what to bring, what only some people bring, and what the office obtains itself.
    """
    if isinstance(data, Service):
        data = service_data(data)
    langs = list(languages)
    documents = [
        {
            "name": pick_text(d.get("name"), langs),
            "description": pick_text(d.get("description"), langs),
            "condition": pick_text(d.get("condition"), langs),
            "kind": d.get("kind"),
            "copies": d.get("copies") or 1,
            "mandatory": d.get("mandatory", True),
            "obtained_by_office": d.get("obtained_by_office", False),
            "form_url": d.get("form_url"),
        }
        for d in data.get("documents") or []
    ]
    fees = [
        {
            "label": pick_text(f.get("label"), langs),
            "amount_minor": f.get("amount_minor") or 0,
            "amount": amount_decimal(f.get("amount_minor") or 0, f.get("currency") or "EUR"),
            "currency": f.get("currency"),
            "tier": f.get("tier"),
            "payment_methods": f.get("payment_methods") or [],
            "payment_slip": f.get("payment_slip") or {},
            "purpose": pick_text((f.get("payment_slip") or {}).get("purpose"), langs),
        }
        for f in data.get("fees") or []
    ]
    result: dict[str, Any] = {name: pick_text(data.get(name), langs) for name in SERVICE_TEXTS}
    result.update(
        {
            "code": data.get("code"),
            "icon": data.get("icon") or "file",
            "bring": [d for d in documents if d["mandatory"] and not d["condition"]
                      and not d["obtained_by_office"]],
            "conditional": [d for d in documents if (not d["mandatory"] or d["condition"])
                            and not d["obtained_by_office"]],
            "obtained": [d for d in documents if d["obtained_by_office"]],
            "fees": fees,
            "total": _totals(fees),
            "processing_times": [
                {**t, "parts": duration_parts(t.get("duration"))}
                for t in data.get("processing_times") or []
            ],
            "legal_basis": [
                {"act": pick_text(x.get("act"), langs), "article": x.get("article"),
                 "url": x.get("url")}
                for x in data.get("legal_basis") or []
            ],
            "appeal": {
                "body": pick_text((data.get("appeal") or {}).get("body"), langs),
                "deadline_days": (data.get("appeal") or {}).get("deadline_days"),
            },
            "valid_from": data.get("valid_from"),
            "valid_to": data.get("valid_to"),
        }
    )  # fmt: skip
    return result


def _totals(fees: list[dict]) -> list[dict]:
    """The sum per tier and currency (a service often has a fee plus an administrative tax)."""
    totals: dict[tuple[str, str], int] = {}
    for fee in fees:
        key = (fee["tier"], fee["currency"])
        totals[key] = totals.get(key, 0) + fee["amount_minor"]
    return [
        {"tier": tier, "currency": cur, "amount": amount_decimal(total, cur)}
        for (tier, cur), total in totals.items()
    ]


# ------------------------------------------------------------------------------- categories


CLASSIFIERS = {"category": Category, "life_event": LifeEvent}


def check_classifier(
    session: Session,
    organisation: Organisation,
    model,
    data: Mapping[str, Any],
    *,
    row: Category | LifeEvent | None = None,
) -> dict[str, Any]:
    """Check a category or a life event: code, names, description, icon, place in the list."""
    checks = _Checks()
    code = clean_text(data.get("code")).lower()
    if not code:
        checks.fail("code", N_("Enter a short code, such as civil-registry."))
    elif not _CLASSIFIER_CODE.match(code):
        checks.fail(
            "code", N_("Use at most 32 lowercase letters a-z, digits and hyphens, such as taxes.")
        )
    elif organisation.id is not None:
        taken = session.scalar(
            select(model.id).where(
                model.organisation_id == organisation.id,
                model.code == code,
                model.id != (row.id if row is not None else -1),
            )
        )
        if taken is not None:
            checks.fail("code", N_("The code %(code)s is already used."), code=code)
    name = checks.texts("name", data.get("name"), CLASSIFIER_NAME_MAX)
    languages = catalogue_languages(organisation)
    if languages and not name.get(languages[0]):
        checks.fail(f"name-{languages[0]}", N_("Enter the name in the first language."))
    elif not name:
        checks.fail("name", N_("Enter the name in at least one language."))
    description = checks.texts("description", data.get("description"), CLASSIFIER_DESCRIPTION_MAX)
    icon = clean_text(data.get("icon")) or "file"
    if not _ICON.match(icon):
        checks.fail("icon", N_("Choose an icon from the list."))
    position = checks.number("position", data.get("position", 0), POSITION_RANGE)
    checks.raise_if_any()
    return {
        "code": code,
        "name": name,
        "description": description,
        "icon": icon,
        "position": position,
    }


def classifier_data(row: Category | LifeEvent) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": dict(row.name or {}),
        "description": dict(row.description or {}),
        "icon": row.icon,
        "position": row.position,
    }


def _entity(model) -> str:
    return "category" if model is Category else "life_event"


def save_classifier(
    session: Session,
    organisation: Organisation,
    model,
    data: Mapping[str, Any],
    *,
    actor: User | None,
    row: Category | LifeEvent | None = None,
    action: str | None = None,
):
    """Add a category or life event, or change ``row``; recorded in the audit trail."""
    clean = check_classifier(session, organisation, model, data, row=row)
    before = classifier_data(row) if row is not None else None
    if row is None:
        row = model(organisation_id=organisation.id, **clean)
        session.add(row)
    else:
        for name, value in clean.items():
            setattr(row, name, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity=_entity(model),
        entity_id=row.id,
        action=action or ("create" if before is None else "update"),
        before=before,
        after={**classifier_data(row), "id": row.id},
    )
    return row


def delete_classifier(session: Session, row: Category | LifeEvent, *, actor: User | None) -> None:
    """Remove a category or life event; the services in it stay, only the link goes."""
    model = type(row)
    before = {**classifier_data(row), "id": row.id}
    association = Service.categories if model is Category else Service.life_events
    for service in session.scalars(select(Service).where(association.any(model.id == row.id))):
        collection = service.categories if model is Category else service.life_events
        collection.remove(row)
    session.delete(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity=_entity(model),
        entity_id=before["id"],
        action="delete",
        before=before,
    )


def classifiers(session: Session, organisation: Organisation, model) -> list:
    """An organisation's categories or life events, in their order."""
    return list(
        session.scalars(
            select(model)
            .where(model.organisation_id == organisation.id)
            .order_by(model.position, model.code)
        )
    )


def services_of(session: Session, organisation: Organisation) -> list[Service]:
    """An organisation's services, by code."""
    return list(
        session.scalars(
            select(Service).where(Service.organisation_id == organisation.id).order_by(Service.code)
        )
    )
