"""Catalogue exchange as JSON-LD shaped like EU CPSV-AP 3.2, with a ``kiosk:extension`` object
for what CPSV-AP has no property for (document kinds and copies, items the office obtains
itself, fee tiers, payment-slip data, kiosk texts, where each office serves the service).

A file looks like this (every text is a language map, as CPSV-AP's language-tagged strings)::

    {"@context": {...}, "@type": "Catalogue",
     "publisher": {"@type": "PublicOrganisation", "identifier": "kisela-voda", "prefLabel": {...}},
     "categories": [{"@id": "category/civil", "@type": "Concept", "identifier": "civil",
                     "prefLabel": {...}, "kiosk:extension": {"icon": "id", "position": 1}}],
     "lifeEvents": [{"@id": "life-event/birth", "@type": "LifeEvent", ...}],
     "services": [{"@id": "service/MK-KV-001", "@type": "PublicService",
                   "identifier": "MK-KV-001", "name": {"mk": ..., "en": ...},
                   "hasCompetentAuthority": {...}, "hasInput": [Evidence...],
                   "hasCost": [{"@type": "Cost", "value": "250.00", "currency": ".../MKD"}],
                   "processingTime": "P1D", "hasLegalResource": [...],
                   "isClassifiedBy": ["category/civil"], "isGroupedBy": ["life-event/birth"],
                   "kiosk:extension": {...}}]}

``import_catalogue`` checks the whole file before it changes anything. A file that is not JSON
is refused with the line and column of the mistake; a wrong value with its JSON path and the
line where it (or, when it is missing, the object that lacks it) starts.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from json.decoder import scanstring
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Category, LifeEvent, Organisation, Service, User, utcnow
from . import audit
from . import catalogue as cat
from .errors import N_, KioskError
from .setup import FieldErrors, Problem

FORMAT = "kiosk-catalogue/1"
EXT = "kiosk:extension"
CURRENCY_AUTHORITY = "http://publications.europa.eu/resource/authority/currency/"
MAX_BYTES = 5 * 1024 * 1024

CONTEXT: dict[str, Any] = {
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "kiosk": "https://w3id.org/kiosk/ns#",
    "Catalogue": "dcat:Catalog",
    "PublicService": "cpsv:PublicService",
    "PublicOrganisation": "cv:PublicOrganisation",
    "Evidence": "cv:Evidence",
    "Cost": "cv:Cost",
    "Output": "cv:Output",
    "LegalResource": "eli:LegalResource",
    "Concept": "skos:Concept",
    "LifeEvent": "cv:LifeEvent",
    "identifier": "dct:identifier",
    "name": {"@id": "dct:title", "@container": "@language"},
    "title": {"@id": "dct:title", "@container": "@language"},
    "description": {"@id": "dct:description", "@container": "@language"},
    "keyword": {"@id": "dcat:keyword", "@container": "@language"},
    "prefLabel": {"@id": "skos:prefLabel", "@container": "@language"},
    "definition": {"@id": "skos:definition", "@container": "@language"},
    "publisher": {"@id": "dct:publisher"},
    "hasCompetentAuthority": {"@id": "cv:hasCompetentAuthority"},
    "hasInput": {"@id": "cpsv:hasInput", "@container": "@list"},
    "hasCost": {"@id": "cv:hasCost", "@container": "@list"},
    "hasLegalResource": {"@id": "cv:hasLegalResource", "@container": "@list"},
    "produces": {"@id": "cpsv:produces"},
    "processingTime": {"@id": "cv:processingTime", "@type": "xsd:duration"},
    "isClassifiedBy": {"@id": "cv:isClassifiedBy", "@type": "@id"},
    "isGroupedBy": {"@id": "cv:isGroupedBy", "@type": "@id"},
    "value": {"@id": "cv:value", "@type": "xsd:decimal"},
    "currency": {"@id": "cv:currency", "@type": "@id"},
    "services": {"@id": "dcat:service", "@container": "@list"},
    "categories": {"@id": "kiosk:categories", "@container": "@list"},
    "lifeEvents": {"@id": "kiosk:lifeEvents", "@container": "@list"},
    EXT: {"@type": "@json"},
}


# ------------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with an import file: where (line, column, JSON path) and why."""

    line: int
    path: str
    message: str
    params: dict = field(default_factory=dict)
    column: int | None = None


class CatalogueFileError(KioskError):
    """The file was refused; ``problems`` says where and why, nothing was changed."""

    message = N_("The file was not imported: nothing was changed.")
    status = 422

    def __init__(self, problems: list[FileProblem]):
        self.problems = sorted(problems, key=lambda p: (p.line, p.column or 0, p.path))
        super().__init__()


@dataclass
class ImportResult:
    """What an import did."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    categories: int = 0
    life_events: int = 0
    # Offers at offices this organisation does not have: left out, not an error.
    skipped_offers: list[FileProblem] = field(default_factory=list)


# ------------------------------------------------------------------------------- export


def _lang_map(text: Mapping | None) -> dict[str, str]:
    return {k: v for k, v in (text or {}).items() if v}


def _put(node: dict, key: str, value: Any) -> None:
    """Set a property unless it is empty (the file stays readable; empty means absent)."""
    if value not in (None, "", {}, []):
        node[key] = value


def export_catalogue(
    session: Session, organisation: Organisation, *, offers: bool = True
) -> dict[str, Any]:
    """The organisation's live catalogue as a CPSV-AP shaped JSON-LD document.

    Pending drafts are not exported: the file says what citizens are told today. ``offers``
    leaves out where each office serves the services (office setup, not the catalogue).
    """
    categories = cat.classifiers(session, organisation, Category)
    life_events = cat.classifiers(session, organisation, LifeEvent)
    return {
        "@context": CONTEXT,
        "@type": "Catalogue",
        "kiosk:format": FORMAT,
        "publisher": {
            "@type": "PublicOrganisation",
            "identifier": organisation.slug,
            "prefLabel": _lang_map(organisation.name),
        },
        "categories": [_export_classifier(c, "category", "Concept") for c in categories],
        "lifeEvents": [_export_classifier(e, "life-event", "LifeEvent") for e in life_events],
        "services": [
            _export_service(service, offers=offers)
            for service in cat.services_of(session, organisation)
        ],
    }


def _export_classifier(row, prefix: str, kind: str) -> dict[str, Any]:
    label, text = ("prefLabel", "definition") if kind == "Concept" else ("name", "description")
    node: dict[str, Any] = {"@id": f"{prefix}/{row.code}", "@type": kind, "identifier": row.code}
    _put(node, label, _lang_map(row.name))
    _put(node, text, _lang_map(row.description))
    node[EXT] = {"icon": row.icon, "position": row.position}
    return node


def _export_service(service: Service, *, offers: bool) -> dict[str, Any]:
    data = cat.service_data(service)
    code = data["code"]
    node: dict[str, Any] = {
        "@id": f"service/{code}",
        "@type": "PublicService",
        "identifier": code,
        "name": _lang_map(data["name"]),
    }
    _put(node, "description", _lang_map(data["description"]))
    _put(node, "keyword", _lang_map(data["keywords"]))
    if data["authority"]:
        node["hasCompetentAuthority"] = {
            "@type": "PublicOrganisation",
            "prefLabel": _lang_map(data["authority"]),
        }
    _put(
        node,
        "hasInput",
        [_export_document(code, i, d) for i, d in enumerate(data["documents"])],
    )
    _put(node, "hasCost", [_export_fee(code, i, f) for i, f in enumerate(data["fees"])])
    normal = next((t for t in data["processing_times"] if t["tier"] == "normal"), None)
    if normal is not None:
        node["processingTime"] = normal["duration"]
    _put(
        node,
        "hasLegalResource",
        [
            {
                "@type": "LegalResource",
                "title": _lang_map(item["act"]),
                EXT: {k: item[k] for k in ("article", "url") if item.get(k)},
            }
            for item in data["legal_basis"]
        ],
    )
    if data["output"]:
        node["produces"] = {"@type": "Output", "name": _lang_map(data["output"])}
    _put(node, "isClassifiedBy", [f"category/{c}" for c in data["categories"]])
    _put(node, "isGroupedBy", [f"life-event/{e}" for e in data["life_events"]])
    ext: dict[str, Any] = {
        "status": service.status,
        "icon": data["icon"],
        "averageMinutes": data["average_minutes"],
        "priorityAllowed": data["priority_allowed"],
    }
    _put(ext, "shortName", _lang_map(data["short_name"]))
    _put(ext, "summary", _lang_map(data["summary"]))
    _put(ext, "ticketNote", _lang_map(data["ticket_note"]))
    _put(ext, "outputValidity", _lang_map(data["output_validity"]))
    _put(ext, "externalIds", data["external_ids"])
    _put(ext, "validFrom", data["valid_from"])
    _put(ext, "validTo", data["valid_to"])
    _put(ext, "processingTimes", data["processing_times"])
    if data["appeal"]:
        appeal: dict[str, Any] = {}
        _put(appeal, "body", _lang_map(data["appeal"]["body"]))
        _put(appeal, "deadlineDays", data["appeal"]["deadline_days"])
        ext["appeal"] = appeal
    if offers:
        ext["offers"] = [
            {k: v for k, v in offer.items() if v not in (None, {})} for offer in data["offers"]
        ]
    node[EXT] = ext
    return node


def _export_document(code: str, i: int, doc: Mapping[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "Evidence",
        "identifier": f"{code}/input/{i + 1}",
        "name": _lang_map(doc["name"]),
    }
    _put(node, "description", _lang_map(doc["description"]))
    ext: dict[str, Any] = {
        "kind": doc["kind"],
        "mandatory": doc["mandatory"],
        "copies": doc["copies"],
        "obtainedByOffice": doc["obtained_by_office"],
    }
    _put(ext, "condition", _lang_map(doc["condition"]))
    _put(ext, "formUrl", doc["form_url"])
    node[EXT] = ext
    return node


def _export_fee(code: str, i: int, fee: Mapping[str, Any]) -> dict[str, Any]:
    currency = fee["currency"]
    value = cat.amount_decimal(fee["amount_minor"], currency)
    node: dict[str, Any] = {
        "@type": "Cost",
        "identifier": f"{code}/cost/{i + 1}",
        "value": f"{value:.{cat.CURRENCIES.get(currency, 2)}f}",
        "currency": CURRENCY_AUTHORITY + currency,
    }
    _put(node, "description", _lang_map(fee["label"]))
    ext: dict[str, Any] = {"tier": fee["tier"]}
    _put(ext, "paymentMethods", fee["payment_methods"])
    slip = fee["payment_slip"]
    if slip:
        out: dict[str, Any] = {}
        _put(out, "recipient", slip.get("recipient"))
        _put(out, "account", slip.get("account"))
        _put(out, "revenueCode", slip.get("revenue_code"))
        _put(out, "purpose", _lang_map(slip.get("purpose")))
        ext["paymentSlip"] = out
    node[EXT] = ext
    return node


def dumps(document: Mapping[str, Any]) -> str:
    """The export as a file: UTF-8 text (Cyrillic kept readable), indented, one key a line."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------------------- parsing


_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null")


class _Located:
    """Where every value of a JSON text starts: its path -> the character offset."""

    def __init__(self, text: str):
        self.text = text
        self.offsets: dict[tuple, int] = {}
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]
        self._walk(0, ())

    def _walk(self, pos: int, path: tuple) -> int:
        # The text is already known to be valid JSON: this only follows its structure.
        text = self.text
        pos = _WS.match(text, pos).end()
        self.offsets[path] = pos
        ch = text[pos]
        if ch == "{":
            pos = _WS.match(text, pos + 1).end()
            if text[pos] == "}":
                return pos + 1
            while True:
                key, pos = scanstring(text, pos + 1)
                pos = _WS.match(text, pos).end() + 1  # past the colon
                pos = _WS.match(text, self._walk(pos, (*path, key))).end()
                if text[pos] == "}":
                    return pos + 1
                pos = _WS.match(text, pos + 1).end()  # past the comma
        if ch == "[":
            pos = _WS.match(text, pos + 1).end()
            if text[pos] == "]":
                return pos + 1
            index = 0
            while True:
                pos = _WS.match(text, self._walk(pos, (*path, index))).end()
                if text[pos] == "]":
                    return pos + 1
                pos, index = pos + 1, index + 1
        if ch == '"':
            return scanstring(text, pos + 1)[1]
        return _SCALAR.match(text, pos).end()

    def line(self, path: tuple) -> int:
        """The line of the value at ``path``; if it is missing, of the nearest one that exists."""
        while path not in self.offsets and path:
            path = path[:-1]
        return bisect.bisect_left(self._newlines, self.offsets.get(path, 0)) + 1


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not allowed in JSON")


def parse(raw: bytes | str) -> tuple[Any, _Located]:
    """Read an import file: the data, and where each value stands in the text.

    Raises ``CatalogueFileError`` for anything that is not UTF-8 JSON, with line and column.
    """
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            raise CatalogueFileError(
                [FileProblem(1, "$", N_("The file is larger than %(mb)d MB."), {"mb": 5})]
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            line = raw.count(b"\n", 0, err.start) + 1
            problem = FileProblem(line, "$", N_("The file is not UTF-8 text."))
            raise CatalogueFileError([problem]) from None
    else:
        text = raw.removeprefix("\ufeff")
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except json.JSONDecodeError as err:
        problem = FileProblem(
            err.lineno,
            "$",
            N_("This is not valid JSON: %(reason)s."),
            {"reason": err.msg},
            column=err.colno,
        )
        raise CatalogueFileError([problem]) from None
    except (ValueError, RecursionError) as err:
        problem = FileProblem(
            1, "$", N_("This is not valid JSON: %(reason)s."), {"reason": str(err)}
        )
        raise CatalogueFileError([problem]) from None
    try:
        located = _Located(text)
    except RecursionError:
        problem = FileProblem(1, "$", N_("The file is nested too deeply."))
        raise CatalogueFileError([problem]) from None
    return data, located


def path_text(path: tuple) -> str:
    """A JSON path as people read it: services[3].hasCost[0].value."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


# ------------------------------------------------------------------------------- import


class _Reader:
    """Converts the file's nodes into the catalogue's plain data, noting problems by path."""

    def __init__(self, located: _Located):
        self.located = located
        self.problems: list[FileProblem] = []

    def fail(self, path: tuple, message: str, **params: Any) -> None:
        self.problems.append(FileProblem(self.located.line(path), path_text(path), message, params))

    def obj(self, value: Any, path: tuple, *, required: bool = False) -> Mapping | None:
        if value is None and not required:
            return {}
        if not isinstance(value, Mapping):
            self.fail(path, N_("Expected an object { ... } here."))
            return None
        return value

    def items(self, value: Any, path: tuple) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, N_("Expected a list [ ... ] here."))
            return []
        return value

    def refs(self, value: Any, path: tuple, prefix: str) -> list[str]:
        """Links to categories or life events: "category/civil", {"@id": ...} or a code."""
        codes = []
        for i, item in enumerate(self.items(value, path)):
            ref = item.get("@id") or item.get("identifier") if isinstance(item, Mapping) else item
            if not isinstance(ref, str) or not ref:
                self.fail((*path, i), N_("Expected a reference such as %(example)s."),
                          example=f"{prefix}/code")  # fmt: skip
                continue
            codes.append(ref.rsplit("/", 1)[-1] if "/" in ref else ref)
        return codes


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _service_from_node(reader: _Reader, node: Mapping, path: tuple) -> dict[str, Any]:
    """A PublicService node as the plain data ``catalogue.check_service`` checks."""
    ext = reader.obj(node.get(EXT), (*path, EXT)) or {}
    authority = reader.obj(node.get("hasCompetentAuthority"), (*path, "hasCompetentAuthority"))
    produces = node.get("produces")
    if isinstance(produces, list):
        produces = produces[0] if produces else None
    output = reader.obj(produces, (*path, "produces")) or {}
    data: dict[str, Any] = {
        "code": node.get("identifier"),
        "name": node.get("name"),
        "description": node.get("description"),
        "keywords": node.get("keyword"),
        "authority": (authority or {}).get("prefLabel"),
        "output": output.get("name"),
        "short_name": ext.get("shortName"),
        "summary": ext.get("summary"),
        "ticket_note": ext.get("ticketNote"),
        "output_validity": ext.get("outputValidity"),
        "icon": ext.get("icon"),
        "average_minutes": ext.get("averageMinutes", 10),
        "priority_allowed": ext.get("priorityAllowed", True),
        "external_ids": ext.get("externalIds"),
        "valid_from": ext.get("validFrom"),
        "valid_to": ext.get("validTo"),
    }
    for name in ("priority_allowed",):
        if not isinstance(data[name], bool):
            reader.fail((*path, EXT, _camel(name)), N_("Expected true or false here."))
    times = ext.get("processingTimes")
    if times is None and isinstance(node.get("processingTime"), str):
        times = [{"tier": "normal", "duration": node["processingTime"], "days": "working"}]
    data["processing_times"] = reader.items(times, (*path, EXT, "processingTimes"))
    appeal = reader.obj(ext.get("appeal"), (*path, EXT, "appeal")) or {}
    data["appeal"] = {"body": appeal.get("body"), "deadline_days": appeal.get("deadlineDays")}

    data["legal_basis"] = []
    for i, item in enumerate(
        reader.items(node.get("hasLegalResource"), (*path, "hasLegalResource"))
    ):
        item = reader.obj(item, (*path, "hasLegalResource", i), required=True) or {}
        item_ext = reader.obj(item.get(EXT), (*path, "hasLegalResource", i, EXT)) or {}
        data["legal_basis"].append(
            {
                "act": item.get("title"),
                "article": item_ext.get("article"),
                "url": item_ext.get("url"),
            }
        )

    data["documents"] = []
    for i, item in enumerate(reader.items(node.get("hasInput"), (*path, "hasInput"))):
        where = (*path, "hasInput", i)
        item = reader.obj(item, where, required=True) or {}
        item_ext = reader.obj(item.get(EXT), (*where, EXT)) or {}
        for key in ("mandatory", "obtainedByOffice"):
            if key in item_ext and not isinstance(item_ext[key], bool):
                reader.fail((*where, EXT, key), N_("Expected true or false here."))
        data["documents"].append(
            {
                "name": item.get("name"),
                "description": item.get("description"),
                "condition": item_ext.get("condition"),
                "kind": item_ext.get("kind"),
                "mandatory": item_ext.get("mandatory", True) is True,
                "copies": item_ext.get("copies", 1),
                "obtained_by_office": item_ext.get("obtainedByOffice", False) is True,
                "form_url": item_ext.get("formUrl"),
            }
        )

    data["fees"] = []
    for i, item in enumerate(reader.items(node.get("hasCost"), (*path, "hasCost"))):
        where = (*path, "hasCost", i)
        item = reader.obj(item, where, required=True) or {}
        item_ext = reader.obj(item.get(EXT), (*where, EXT)) or {}
        slip = reader.obj(item_ext.get("paymentSlip"), (*where, EXT, "paymentSlip")) or {}
        currency = item.get("currency")
        if isinstance(currency, str) and currency.startswith(CURRENCY_AUTHORITY):
            currency = currency[len(CURRENCY_AUTHORITY) :]
        fee: dict[str, Any] = {
            "label": item.get("description"),
            "currency": currency if isinstance(currency, str) else "",
            "tier": item_ext.get("tier"),
            "payment_methods": item_ext.get("paymentMethods"),
            "payment_slip": {
                "recipient": slip.get("recipient"),
                "account": slip.get("account"),
                "revenue_code": slip.get("revenueCode"),
                "purpose": slip.get("purpose"),
            },
        }
        minor = _minor_units(reader, item.get("value"), fee["currency"], (*where, "value"))
        if minor is not None:
            fee["amount_minor"] = minor
        elif "value" not in item:
            fee["amount"] = ""  # "Enter the amount" at this cost's path
        else:
            fee["amount_minor"] = 0  # the problem is already noted
        data["fees"].append(fee)

    data["categories"] = reader.refs(
        node.get("isClassifiedBy"), (*path, "isClassifiedBy"), "category"
    )
    data["life_events"] = reader.refs(node.get("isGroupedBy"), (*path, "isGroupedBy"), "life-event")
    if "offers" in ext:
        data["offers"] = reader.items(ext.get("offers"), (*path, EXT, "offers"))
    return data


def _minor_units(reader: _Reader, value: Any, currency: str, path: tuple) -> int | None:
    """A Cost's value ("5.11" or 5.11, in major units) in minor units."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        reader.fail(path, N_('Expected an amount such as "5.11" here.'))
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        reader.fail(path, N_('Expected an amount such as "5.11" here.'))
        return None
    digits = cat.CURRENCIES.get(currency, 2)
    if not amount.is_finite():
        reader.fail(path, N_('Expected an amount such as "5.11" here.'))
        return None
    if amount < 0:
        reader.fail(path, N_("The amount cannot be negative."))
        return None
    minor = amount.scaleb(digits)
    if minor != minor.to_integral_value():
        reader.fail(path, N_("Use at most %(digits)d decimals for %(currency)s."),
                    digits=digits, currency=currency)  # fmt: skip
        return None
    return int(minor)


# Where each of the editor's field names lives in a PublicService node.
_FIELD_PATHS: list[tuple[re.Pattern, Any]] = [
    (re.compile(p), f)
    for p, f in [
        (r"^code$", lambda m: ["identifier"]),
        (r"^name-(.+)$", lambda m: ["name", m[1]]),
        (r"^name$", lambda m: ["name"]),
        (r"^description-(.+)$", lambda m: ["description", m[1]]),
        (r"^keywords-(.+)$", lambda m: ["keyword", m[1]]),
        (r"^authority-(.+)$", lambda m: ["hasCompetentAuthority", "prefLabel", m[1]]),
        (r"^output-(.+)$", lambda m: ["produces", "name", m[1]]),
        (
            r"^(short_name|summary|ticket_note|output_validity)-(.+)$",
            lambda m: [EXT, _camel(m[1]), m[2]],
        ),
        (
            r"^(icon|average_minutes|priority_allowed|external_ids|valid_from|valid_to)$",
            lambda m: [EXT, _camel(m[1])],
        ),
        (r"^appeal-body-(.+)$", lambda m: [EXT, "appeal", "body", m[1]]),
        (r"^appeal-deadline_days$", lambda m: [EXT, "appeal", "deadlineDays"]),
        (r"^processing_times-(\d+)-(\w+)$", lambda m: [EXT, "processingTimes", int(m[1]), m[2]]),
        (r"^processing_times$", lambda m: [EXT, "processingTimes"]),
        (r"^legal_basis-(\d+)-act-(.+)$", lambda m: ["hasLegalResource", int(m[1]), "title", m[2]]),
        (r"^legal_basis-(\d+)-act$", lambda m: ["hasLegalResource", int(m[1]), "title"]),
        (
            r"^legal_basis-(\d+)-(article|url)$",
            lambda m: ["hasLegalResource", int(m[1]), EXT, m[2]],
        ),
        (
            r"^documents-(\d+)-(name|description)(?:-(.+))?$",
            lambda m: ["hasInput", int(m[1]), m[2], *([m[3]] if m[3] else [])],
        ),
        (
            r"^documents-(\d+)-(\w+?)(?:-(.+))?$",
            lambda m: ["hasInput", int(m[1]), EXT, _camel(m[2]), *([m[3]] if m[3] else [])],
        ),
        (r"^fees-(\d+)-amount$", lambda m: ["hasCost", int(m[1]), "value"]),
        (r"^fees-(\d+)-currency$", lambda m: ["hasCost", int(m[1]), "currency"]),
        (
            r"^fees-(\d+)-label(?:-(.+))?$",
            lambda m: ["hasCost", int(m[1]), "description", *([m[2]] if m[2] else [])],
        ),
        (
            r"^fees-(\d+)-payment_slip-(\w+?)(?:-(.+))?$",
            lambda m: [
                "hasCost",
                int(m[1]),
                EXT,
                "paymentSlip",
                _camel(m[2]),
                *([m[3]] if m[3] else []),
            ],
        ),  # fmt: skip
        (r"^fees-(\d+)-(\w+)$", lambda m: ["hasCost", int(m[1]), EXT, _camel(m[2])]),
        (
            r"^(documents|fees|legal_basis)$",
            lambda m: [
                {"documents": "hasInput", "fees": "hasCost", "legal_basis": "hasLegalResource"}[
                    m[1]
                ]
            ],
        ),  # fmt: skip
        (r"^categories$", lambda m: ["isClassifiedBy"]),
        (r"^life_events$", lambda m: ["isGroupedBy"]),
    ]
]


def _field_path(key: str, node: Mapping) -> list:
    """The JSON path (inside a service node) of one of the editor's field names."""
    if key.startswith("offers"):
        offers = (node.get(EXT) or {}).get("offers") if isinstance(node.get(EXT), Mapping) else []
        for i, offer in enumerate(offers if isinstance(offers, list) else []):
            slug = offer.get("office") if isinstance(offer, Mapping) else None
            if isinstance(slug, str) and key.startswith(f"offers-{slug}-"):
                rest = key[len(f"offers-{slug}-") :]
                field_name, _sep, lang = rest.partition("-")
                return [EXT, "offers", i, field_name, *([lang] if lang else [])]
        return [EXT, "offers"]
    for pattern, build in _FIELD_PATHS:
        match = pattern.match(key)
        if match:
            return build(match)
    return []


def _classifier_from_node(node: Mapping, kind: str) -> dict[str, Any]:
    label, text = ("prefLabel", "definition") if kind == "category" else ("name", "description")
    ext = node.get(EXT) if isinstance(node.get(EXT), Mapping) else {}
    return {
        "code": node.get("identifier"),
        "name": node.get(label),
        "description": node.get(text),
        "icon": ext.get("icon"),
        "position": ext.get("position", 0),
    }


def _classifier_path(key: str, kind: str) -> list:
    label, text = ("prefLabel", "definition") if kind == "category" else ("name", "description")
    name, _sep, lang = key.partition("-")
    if name == "code":
        return ["identifier"]
    if name in ("icon", "position"):
        return [EXT, name]
    return [label if name == "name" else text, *([lang] if lang else [])]


def import_catalogue(
    session: Session,
    organisation: Organisation,
    raw: bytes | str | Mapping,
    *,
    actor: User | None,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Add or update the categories, life events and services of a file (matched by code).

    Everything is checked first; on any problem ``CatalogueFileError`` lists them all and
    nothing is changed. Services that are not in the file stay as they are. Offers at offices
    the organisation does not have are left out (and reported), not refused.
    """
    if isinstance(raw, Mapping):
        raw = dumps(raw)
    data, located = parse(raw)
    reader = _Reader(located)
    root = reader.obj(data, (), required=True)
    if root is None:
        raise CatalogueFileError(reader.problems)
    if "services" not in root:
        reader.fail((), N_('The file has no "services" list.'))

    plans: dict[str, list] = {"category": [], "life_event": []}
    for kind, key in (("category", "categories"), ("life_event", "lifeEvents")):
        model = cat.CLASSIFIERS[kind]
        seen: set[str] = set()
        for i, node in enumerate(reader.items(root.get(key), (key,))):
            path = (key, i)
            node = reader.obj(node, path, required=True)
            if node is None:
                continue
            values = _classifier_from_node(node, kind)
            code = values["code"] if isinstance(values["code"], str) else None
            row = _existing(session, model, organisation, code)
            try:
                clean = cat.check_classifier(session, organisation, model, values, row=row)
            except FieldErrors as err:
                _note(reader, err, path, lambda k, kind=kind: _classifier_path(k, kind))
                continue
            if clean["code"] in seen:
                reader.fail((*path, "identifier"), N_("The code %(code)s comes twice in the file."),
                            code=clean["code"])  # fmt: skip
            seen.add(clean["code"])
            plans[kind].append((row, values))

    category_codes = set(cat._codes(session, Category, organisation)) | {
        v["code"] for _row, v in plans["category"]
    }
    event_codes = set(cat._codes(session, LifeEvent, organisation)) | {
        v["code"] for _row, v in plans["life_event"]
    }
    offices = {o.slug for o in organisation.offices}
    result = ImportResult()
    service_plans = []
    seen_codes: set[str] = set()
    for i, node in enumerate(reader.items(root.get("services"), ("services",))):
        path = ("services", i)
        node = reader.obj(node, path, required=True)
        if node is None:
            continue
        if node.get("@type", "PublicService") != "PublicService":
            reader.fail((*path, "@type"), N_("Expected a PublicService here."))
            continue
        before_problems = len(reader.problems)
        values = _service_from_node(reader, node, path)
        if values.get("offers"):
            kept = []
            for j, offer in enumerate(values["offers"]):
                slug = offer.get("office") if isinstance(offer, Mapping) else None
                if isinstance(slug, str) and slug not in offices:
                    where = (*path, EXT, "offers", j)
                    result.skipped_offers.append(
                        FileProblem(
                            located.line(where),
                            path_text(where),
                            N_("Office %(office)s is not part of this organisation: left out."),
                            {"office": slug},
                        )
                    )
                else:
                    kept.append(offer)
            if kept:
                values["offers"] = kept
            else:
                # Only other places' offices: the file says nothing about this organisation's.
                del values["offers"]
        ext = node.get(EXT) if isinstance(node.get(EXT), Mapping) else {}
        status = ext.get("status", "draft")
        if status not in cat.STATUSES:
            reader.fail(
                (*path, EXT, "status"), N_("The status must be draft, published or retired.")
            )
        code = values["code"] if isinstance(values["code"], str) else None
        service = _existing(session, Service, organisation, code)
        try:
            clean = cat.check_service(
                session,
                organisation,
                values,
                service=service,
                categories=category_codes,
                life_events=event_codes,
            )
        except FieldErrors as err:
            _note(reader, err, path, lambda k, node=node: _field_path(k, node))
            continue
        if len(reader.problems) > before_problems:
            continue
        if clean["code"] in seen_codes:
            reader.fail((*path, "identifier"), N_("The code %(code)s comes twice in the file."),
                        code=clean["code"])  # fmt: skip
        seen_codes.add(clean["code"])
        service_plans.append((service, clean, status))

    if reader.problems:
        raise CatalogueFileError(reader.problems)

    # Everything is right: now change the database.
    now = now or utcnow()
    for kind in ("category", "life_event"):
        model = cat.CLASSIFIERS[kind]
        for row, values in plans[kind]:
            if row is not None and cat.check_classifier(
                session, organisation, model, values, row=row
            ) == cat.classifier_data(row):
                continue
            cat.save_classifier(
                session, organisation, model, values, actor=actor, row=row, action="import"
            )
            if kind == "category":
                result.categories += 1
            else:
                result.life_events += 1
    for service, clean, status in service_plans:
        before = cat._audit_data(service) if service is not None else None
        if service is None:
            service = Service(organisation=organisation, code=clean["code"], status=status)
            session.add(service)
            session.flush()
        cat._apply(session, service, clean)
        service.status = status
        after = cat._audit_data(service)
        if before == after:
            result.unchanged.append(service.code)
            continue
        service.updated_at = now
        session.flush()
        (result.created if before is None else result.updated).append(service.code)
        audit.record(
            session,
            actor=actor,
            entity="service",
            entity_id=service.id,
            action="import",
            before=before,
            after=after,
            now=now,
        )
    return result


def _existing(session: Session, model, organisation: Organisation, code: str | None):
    if not code or organisation.id is None:
        return None
    return session.scalar(
        select(model).where(model.organisation_id == organisation.id, model.code == code)
    )


def _note(reader: _Reader, err: FieldErrors, path: tuple, where) -> None:
    for key, problem in err.errors.items():
        problem: Problem
        reader.fail((*path, *where(key)), problem.message, **problem.params)
