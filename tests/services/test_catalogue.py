"""The catalogue without HTTP: validation, drafts and publishing, validity dates, language
fallback, missing translations, the audit trail, and CPSV-AP import and export."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from kiosk.demo import SERVICES, load_demo
from kiosk.models import (
    AuditEntry,
    Category,
    LifeEvent,
    OfficeService,
    Organisation,
    RequiredDocument,
    Service,
)
from kiosk.services import catalogue as cat
from kiosk.services import cpsv
from kiosk.services.setup import FieldErrors


@pytest.fixture
def office(factory):
    return factory.office()


@pytest.fixture
def org(office):
    return office.organisation


@pytest.fixture
def admin(factory):
    return factory.user("boss", role="admin")


@pytest.fixture
def civil(db, org):
    category = Category(organisation_id=org.id, code="civil", name={"mk": "Матична"})
    event = LifeEvent(organisation_id=org.id, code="birth", name={"mk": "Раѓање"})
    db.session.add_all([category, event])
    db.session.flush()
    return category


def data(**changes):
    """A complete, valid service as the editor sends it (strings as typed)."""
    base = {
        "code": "MK-T-001",
        "icon": "baby",
        "average_minutes": "6",
        "priority_allowed": True,
        "name": {"mk": "Извод од родени", "sq": "Ekstrakti i lindjes", "en": "Birth certificate"},
        "short_name": {"mk": "Извод", "en": "Birth"},
        "summary": {"mk": "Истиот ден.", "sq": "Në të njëjtën ditë.", "en": "The same day."},
        "description": {"mk": "Прв ред.\nВтор ред."},
        "external_ids": "uslugi.gov.mk: 1021",
        "valid_from": "",
        "valid_to": "",
        "legal_basis": [{"act": {"mk": "Закон за матична евиденција"}, "article": "27", "url": ""}],
        "appeal": {"body": {"mk": "Државна комисија"}, "deadline_days": "15"},
        "processing_times": [
            {"tier": "normal", "duration": "P5D", "days": "working"},
            {"tier": "express", "duration": "PT2H", "days": "working"},
        ],
        "documents": [
            {
                "name": {"mk": "Лична карта", "en": "ID card"},
                "kind": "id_document",
                "mandatory": True,
                "copies": "1",
            },
            {
                "name": {"mk": "Полномошно", "en": "Power of attorney"},
                "condition": {"mk": "ако ве застапува друг", "en": "if represented by a proxy"},
                "kind": "certified_copy",
                "mandatory": False,
                "copies": "1",
            },
            {
                "name": {"mk": "Извод од матична книга на родени"},
                "kind": "original",
                "obtained_by_office": True,
                "copies": "1",
            },
        ],
        "fees": [
            {
                "label": {"mk": "Административна такса", "en": "Administrative tax"},
                "amount": "50",
                "currency": "MKD",
                "tier": "normal",
                "payment_methods": ["cash", "bank"],
                "payment_slip": {
                    "recipient": "Буџет на Општина Кисела Вода",
                    "account": "100000000063095",
                    "revenue_code": "722315 00",
                    "purpose": {"mk": "Такса за извод"},
                },
            }
        ],
        "categories": [],
        "life_events": [],
        "offers": [{"office": "centar", "queue": "A", "active": True, "floor": "0"}],
    }
    base.update(changes)
    return base


def problems(err) -> dict[str, str]:
    return {name: p.message for name, p in err.value.errors.items()}


def entries(db, action=None):
    query = select(AuditEntry).where(AuditEntry.entity == "service").order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return db.session.scalars(query).all()


# ------------------------------------------------------------------------------- creating


def test_a_new_service_starts_as_a_draft_with_its_documents_fees_and_offers(db, org, admin):
    service = cat.create_service(db.session, org, data(), actor=admin)
    assert service.status == "draft" and service.code == "MK-T-001"
    assert [d.kind for d in service.documents] == ["id_document", "certified_copy", "original"]
    assert service.documents[2].obtained_by_office and not service.documents[1].mandatory
    fee = service.fees[0]
    assert (fee.amount_minor, fee.currency, fee.payment_methods) == (5000, "MKD", ["cash", "bank"])
    assert fee.payment_slip["recipient"] == "Буџет на Општина Кисела Вода"
    assert service.description == {"mk": "Прв ред.\nВтор ред."}  # line breaks kept
    assert service.external_ids == {"uslugi.gov.mk": "1021"}
    assert service.processing_times[1] == {"tier": "express", "duration": "PT2H", "days": "working"}
    offer = db.session.scalar(select(OfficeService).filter_by(service_id=service.id))
    assert offer.queue.prefix == "A" and offer.floor == "0"
    assert offer.position == 2  # after the office's last button
    (entry,) = entries(db, "create")
    assert entry.actor_id == admin.id and entry.after["fees"][0]["amount_minor"] == 5000


def test_amounts_are_typed_in_major_units_and_kept_in_minor_units():
    assert cat.parse_amount("5.11", "EUR") == 511
    assert cat.parse_amount("5,11", "EUR") == 511
    assert cat.parse_amount("250", "MKD") == 25000
    assert cat.parse_amount("0", "MKD") == 0
    assert cat.format_amount(511, "EUR") == "5.11" and cat.format_amount(25000, "MKD") == "250"
    for wrong in ("5.111", "-5", "5e3", "", "five", "1.2.3"):
        with pytest.raises(ValueError):
            cat.parse_amount(wrong, "EUR")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"code": ""}, "code"),
        ({"code": "with space"}, "code"),
        ({"icon": "../../base"}, "icon"),
        ({"average_minutes": "0"}, "average_minutes"),
        ({"name": {"mk": "x" * 201, "en": "ok"}}, "name-mk"),
        ({"short_name": {"mk": "x" * 61}}, "short_name-mk"),
        ({"description": {"mk": "x" * 10_000}}, "description-mk"),
        ({"name": {"en": "Only English"}}, "name-mk"),  # centar's first language is mk
        ({"name": "not a map"}, "name"),
        ({"name": {"mk": "Извод", "x y": "bad"}}, "name-x y"),
        ({"external_ids": "no colon here"}, "external_ids"),
        ({"valid_from": "2026-02-30"}, "valid_from"),
        ({"valid_from": "2026-05-01", "valid_to": "2026-04-30"}, "valid_to"),
        ({"categories": ["nope"]}, "categories"),
        ({"appeal": {"body": {}, "deadline_days": "400"}}, "appeal-deadline_days"),
        ({"processing_times": [{"tier": "normal", "duration": "5 days", "days": "working"}]},
         "processing_times-0-duration"),
        ({"processing_times": [{"tier": "normal", "duration": "P", "days": "working"}]},
         "processing_times-0-duration"),
        ({"processing_times": [{"tier": "normal", "duration": "P5D", "days": "weekdays"}]},
         "processing_times-0-days"),
        ({"processing_times": [{"tier": "turbo", "duration": "P5D", "days": "working"}]},
         "processing_times-0-tier"),
        ({"processing_times": [{"tier": "normal", "duration": "P5D"},
                               {"tier": "normal", "duration": "P2D"}]},
         "processing_times-1-tier"),
        ({"legal_basis": [{"act": {}, "article": "5"}]}, "legal_basis-0-act"),
        ({"legal_basis": [{"act": {"mk": "Закон"}, "url": "javascript:alert(1)"}]},
         "legal_basis-0-url"),
        ({"offers": [{"office": "centar", "queue": "Z", "active": True}]}, "offers-centar-queue"),
        ({"offers": [{"office": "centar", "queue": "", "active": True}]}, "offers-centar-queue"),
        ({"offers": [{"office": "nowhere", "queue": "A"}]}, "offers-nowhere-office"),
    ],
)  # fmt: skip
def test_a_wrong_field_is_named(db, org, civil, change, field):
    with pytest.raises(FieldErrors) as err:
        cat.check_service(db.session, org, data(**change))
    assert field in problems(err), problems(err)


@pytest.mark.parametrize(
    "fee, message",
    [
        ({"amount": "-5"}, "The amount cannot be negative."),
        ({"amount": ""}, "Enter the amount, such as 250 or 5.11."),
        ({"amount": "5.111", "currency": "EUR"}, "decimals"),
        ({"amount_minor": -1}, "The amount cannot be negative."),
        ({"amount_minor": 1.5}, "whole number"),
        ({"amount_minor": True}, "whole number"),
        ({"amount_minor": 10**12}, "too large"),
    ],
)
def test_a_fee_amount_is_a_non_negative_whole_number_of_minor_units(db, org, fee, message):
    fees = [{**data()["fees"][0], **fee}]
    if "amount_minor" in fee:
        del fees[0]["amount"]
    with pytest.raises(FieldErrors) as err:
        cat.check_service(db.session, org, data(fees=fees))
    assert message in problems(err)["fees-0-amount"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"currency": "XYZ"}, "fees-0-currency"),
        ({"currency": ""}, "fees-0-currency"),
        ({"tier": "urgent"}, "fees-0-tier"),
        ({"payment_methods": ["cheque"]}, "fees-0-payment_methods"),
        ({"label": {}}, "fees-0-label"),
        ({"payment_slip": {"account": "<b>1</b>"}}, "fees-0-payment_slip-account"),
    ],
)
def test_a_wrong_fee_field_is_named(db, org, change, field):
    fees = [{**data()["fees"][0], **change}]
    with pytest.raises(FieldErrors) as err:
        cat.check_service(db.session, org, data(fees=fees))
    assert field in problems(err)


@pytest.mark.parametrize("currency", ["MKD", "EUR", "BGN", "eur"])
def test_iso_4217_currencies_of_the_region_are_accepted(db, org, currency):
    fees = [{**data()["fees"][0], "currency": currency, "amount": "5.11"}]
    clean = cat.check_service(db.session, org, data(fees=fees))
    assert clean["fees"][0]["currency"] == currency.upper()
    assert clean["fees"][0]["amount_minor"] == 511


@pytest.mark.parametrize("duration", ["P5D", "PT2H", "P2W", "P1M", "P1DT12H", "PT30M", "P0D"])
def test_iso_8601_durations_are_accepted(duration):
    assert cat.is_duration(duration)


def test_documents_accept_only_web_form_addresses(db, org):
    docs = copy.deepcopy(data()["documents"])
    docs[0]["form_url"] = "ftp://files.example/form.pdf"
    with pytest.raises(FieldErrors) as err:
        cat.check_service(db.session, org, data(documents=docs))
    assert "documents-0-form_url" in problems(err)
    docs[0]["form_url"] = "https://kiselavoda.gov.mk/obrasci/izvod.pdf"
    clean = cat.check_service(db.session, org, data(documents=docs))
    assert clean["documents"][0]["form_url"].startswith("https://")


def test_every_problem_is_reported_at_once(db, org):
    fees = [{**data()["fees"][0], "amount": "-1", "currency": "XXX"}]
    with pytest.raises(FieldErrors) as err:
        cat.check_service(db.session, org, data(code="", fees=fees, valid_from="nope"))
    assert {"code", "fees-0-amount", "fees-0-currency", "valid_from"} <= set(problems(err))


def test_a_code_is_unique_within_the_organisation(db, org, admin):
    cat.create_service(db.session, org, data(), actor=admin)
    with pytest.raises(FieldErrors) as err:
        cat.create_service(db.session, org, data(), actor=admin)
    assert "MK-T-001" in str(err.value.errors["code"].params)


def test_hostile_text_is_stored_as_text(db, org, admin):
    hostile = '<script>alert("x")</script>\x00'
    service = cat.create_service(
        db.session, org, data(name={"mk": hostile, "en": "x"}), actor=admin
    )
    assert service.name["mk"] == '<script>alert("x")</script>'  # NUL removed, tags kept as text


# ------------------------------------------------------------------------------- drafts


@pytest.fixture
def published(db, org, admin, civil):
    service = cat.create_service(db.session, org, data(categories=["civil"]), actor=admin)
    cat.publish_service(db.session, service, actor=admin)
    return service


def test_publishing_a_draft_service_marks_who_reviewed_it(db, published, admin):
    assert published.status == "published" and published.draft is None
    assert published.reviewed_by_id == admin.id and published.reviewed_at is not None
    (entry,) = entries(db, "publish")
    assert entry.before["status"] == "draft" and entry.after["status"] == "published"


def test_an_edit_of_a_published_service_waits_as_a_draft(db, published, admin):
    edit = cat.service_data(published)
    edit["name"]["mk"] = "Извод од матична книга на родени"
    edit["fees"][0]["amount_minor"] = 10000
    edit["documents"].pop(1)
    assert cat.update_service(db.session, published, edit, actor=admin) == "draft"
    db.session.flush()
    db.session.expire_all()
    assert published.name["mk"] == "Извод од родени"  # the kiosk still shows the live one
    assert published.fees[0].amount_minor == 5000 and len(published.documents) == 3
    assert published.draft["name"]["mk"] == "Извод од матична книга на родени"
    (entry,) = entries(db, "draft")
    assert entry.before["name"]["mk"] == "Извод од родени"
    assert entry.after["name"]["mk"] == "Извод од матична книга на родени"


def test_publishing_applies_the_whole_draft_in_one_go(db, published, admin, org):
    category = Category(organisation_id=org.id, code="taxes", name={"mk": "Даноци"})
    db.session.add(category)
    db.session.flush()
    edit = cat.service_data(published)
    edit.update(
        name={**edit["name"], "mk": "Нов назив"},
        categories=["taxes"],
        life_events=["birth"],
        valid_to="2030-12-31",
    )
    edit["fees"].append({**edit["fees"][0], "tier": "express", "amount_minor": 20000})
    edit["documents"] = edit["documents"][:1]
    cat.update_service(db.session, published, edit, actor=admin)
    before_review = published.reviewed_at
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    cat.publish_service(db.session, published, actor=admin, now=now)
    db.session.expire_all()
    assert published.name["mk"] == "Нов назив" and published.draft is None
    assert [f.tier for f in published.fees] == ["normal", "express"]
    assert len(db.session.scalars(select(RequiredDocument)).all()) == 1  # old rows are gone
    assert [c.code for c in published.categories] == ["taxes"]
    assert [e.code for e in published.life_events] == ["birth"]
    assert published.valid_to == dt.date(2030, 12, 31)
    assert published.updated_at == now == published.reviewed_at != before_review
    entry = entries(db, "publish")[-1]
    assert entry.before["name"]["mk"] == "Извод од родени"
    assert entry.after["name"]["mk"] == "Нов назив" and len(entry.after["fees"]) == 2


def test_editing_back_to_the_published_version_leaves_nothing_pending(db, published, admin):
    edit = cat.service_data(published)
    edit["summary"] = {"mk": "Друго"}
    cat.update_service(db.session, published, edit, actor=admin)
    assert published.draft
    cat.update_service(db.session, published, cat.service_data(published), actor=admin)
    assert published.draft is None


def test_a_draft_or_retired_service_is_edited_in_place(db, org, admin):
    service = cat.create_service(db.session, org, data(), actor=admin)
    edit = cat.service_data(service)
    edit["short_name"] = {"mk": "Ново"}
    assert cat.update_service(db.session, service, edit, actor=admin) == "saved"
    assert service.short_name == {"mk": "Ново"} and service.draft is None
    (entry,) = entries(db, "update")
    assert entry.before["short_name"] == {"mk": "Извод", "en": "Birth"}


def test_discarding_throws_the_draft_away(db, published, admin):
    edit = cat.service_data(published)
    edit["summary"] = {"mk": "Друго"}
    cat.update_service(db.session, published, edit, actor=admin)
    cat.discard_draft(db.session, published, actor=admin)
    assert published.draft is None and published.summary["mk"] == "Истиот ден."
    with pytest.raises(cat.ServiceStateError):
        cat.discard_draft(db.session, published, actor=admin)


def test_retiring_stops_the_offer_and_publishing_brings_it_back(db, published, admin):
    today = dt.date(2026, 6, 1)
    cat.retire_service(db.session, published, actor=admin)
    assert not cat.is_offered(published, today)
    with pytest.raises(cat.ServiceStateError):
        cat.retire_service(db.session, published, actor=admin)
    cat.publish_service(db.session, published, actor=admin)
    assert cat.is_offered(published, today)
    assert [e.action for e in entries(db)] == ["create", "publish", "retire", "publish"]


def test_a_draft_that_became_invalid_is_not_published(db, published, admin, civil):
    edit = cat.service_data(published)
    edit["summary"] = {"mk": "Друго"}
    cat.update_service(db.session, published, edit, actor=admin)
    cat.delete_classifier(db.session, civil, actor=admin)  # the draft still names "civil"
    with pytest.raises(FieldErrors) as err:
        cat.publish_service(db.session, published, actor=admin)
    assert "categories" in problems(err)


def test_unticking_an_office_switches_the_offer_off_but_keeps_the_row(db, published, admin):
    edit = cat.service_data(published)
    edit["offers"][0]["active"] = False
    cat.update_service(db.session, published, edit, actor=admin)
    cat.publish_service(db.session, published, actor=admin)
    offer = db.session.scalar(select(OfficeService).filter_by(service_id=published.id))
    assert offer is not None and not offer.active


# ------------------------------------------------------------------------------- validity


@pytest.mark.parametrize(
    "status, valid_from, valid_to, offered",
    [
        ("published", None, None, True),
        ("draft", None, None, False),
        ("retired", None, None, False),
        ("published", dt.date(2026, 6, 1), None, True),  # the first day counts
        ("published", dt.date(2026, 6, 2), None, False),
        ("published", None, dt.date(2026, 6, 1), True),  # so does the last
        ("published", None, dt.date(2026, 5, 31), False),
        ("published", dt.date(2026, 1, 1), dt.date(2026, 12, 31), True),
    ],
)
def test_a_service_is_offered_when_published_and_within_its_dates(
    status, valid_from, valid_to, offered
):
    service = Service(status=status, valid_from=valid_from, valid_to=valid_to)
    assert cat.is_offered(service, dt.date(2026, 6, 1)) is offered


# ------------------------------------------------------------------------------- languages


def test_texts_fall_back_through_the_readers_languages():
    text = {"mk": "Извод", "en": "Certificate"}
    assert cat.pick_text(text, ["sq", "mk", "en"]) == cat.Text("Извод", "mk")
    assert cat.pick_text(text, ["en", "mk"]) == cat.Text("Certificate", "en")
    assert cat.pick_text(text, ["tr"]) == cat.Text("Извод", "mk")  # any, rather than nothing
    assert cat.pick_text({}, ["mk"]) == cat.Text("", None) and not cat.pick_text({}, ["mk"])


def test_content_for_groups_documents_and_says_which_language_each_text_is_in(db, org, admin):
    service = cat.create_service(db.session, org, data(), actor=admin)
    content = cat.content_for(service, ["sq", "mk", "en"])
    assert content["name"] == cat.Text("Ekstrakti i lindjes", "sq")
    assert content["short_name"] == cat.Text("Извод", "mk")  # no Albanian: Macedonian
    assert [d["name"].text for d in content["bring"]] == ["Лична карта"]
    assert [d["condition"].text for d in content["conditional"]] == ["ако ве застапува друг"]
    assert [d["name"].text for d in content["obtained"]] == ["Извод од матична книга на родени"]
    assert content["total"] == [{"tier": "normal", "currency": "MKD", "amount": 50}]
    assert content["processing_times"][1]["parts"] == [("hours", 2)]


def test_missing_translations_name_the_fields_per_language(db, org):
    missing = cat.missing_translations(data(), ["mk", "sq", "en"])
    assert "sq" in missing and "mk" not in missing
    assert {"short_name", "documents-0-name", "documents-1-condition", "fees-0-label"} <= set(
        missing["sq"]
    )
    assert "name" not in missing["sq"]  # it has an Albanian name
    assert "description" in missing["en"] and "ticket_note" not in missing["en"]  # empty: n/a
    assert cat.missing_translations({"name": {}}, ["mk"]) == {"mk": ["name"]}


def test_catalogue_languages_follow_the_offices_order(db, factory):
    factory.office("drachevo", languages=("mk", "tr"), services=(("PARK", "K"),))
    factory.office("centar-2", languages=("sq", "mk", "en"), services=(("PARK", "K"),))
    org = db.session.scalar(select(Organisation))
    assert cat.catalogue_languages(org) == ["mk", "tr", "sq", "en"]


def test_the_audit_diff_names_each_changed_field():
    before = {"name": {"mk": "a"}, "fees": [{"amount_minor": 1}], "categories": ["x"]}
    after = {"name": {"mk": "b", "en": "B"}, "fees": [{"amount_minor": 2}], "categories": ["x"]}
    assert cat.changes(before, after) == [
        ("name.mk", "a", "b"),
        ("fees.0.amount_minor", 1, 2),
        ("name.en", None, "B"),
    ]


# ------------------------------------------------------------------------------- categories


def test_categories_are_checked_saved_and_audited(db, org, admin):
    with pytest.raises(FieldErrors) as err:
        cat.save_classifier(db.session, org, Category, {"code": "Bad Code", "name": {}},
                            actor=admin)  # fmt: skip
    assert {"code", "name-mk"} <= set(problems(err))
    row = cat.save_classifier(
        db.session, org, Category, {"code": "taxes", "name": {"mk": "Даноци"}, "position": "2"},
        actor=admin,
    )
    assert (row.code, row.position, row.icon) == ("taxes", 2, "file")
    with pytest.raises(FieldErrors) as err:
        cat.save_classifier(db.session, org, Category, {"code": "taxes", "name": {"mk": "x"}},
                            actor=admin)  # fmt: skip
    assert "code" in problems(err)
    entry = db.session.scalar(select(AuditEntry).filter_by(entity="category"))
    assert entry.action == "create" and entry.after["code"] == "taxes"


def test_deleting_a_category_keeps_its_services(db, published, admin, civil):
    cat.delete_classifier(db.session, civil, actor=admin)
    db.session.expire_all()
    assert published.categories == [] and db.session.get(Service, published.id)
    assert db.session.scalar(select(AuditEntry).filter_by(entity="category", action="delete"))


# ------------------------------------------------------------------------------- the demo


@pytest.fixture
def demo(db):
    load_demo(db.session)
    db.session.flush()
    return {o.slug: o for o in db.session.scalars(select(Organisation))}


def test_the_demo_catalogue_passes_the_editors_checks_unchanged(db, demo):
    services = db.session.scalars(select(Service)).all()
    assert len(services) >= 30
    for service in services:
        live = cat.service_data(service)
        assert cat.check_service(db.session, service.organisation, live, service=service) == live


def test_the_demo_keeps_its_services_and_adds_a_bulgarian_municipality(db, demo):
    codes = {s.code for s in cat.services_of(db.session, demo["kisela-voda"])}
    assert {s["code"] for s in SERVICES} <= codes and len(codes) >= 22
    haskovo = demo["haskovo"]
    (office,) = haskovo.offices
    assert office.slug == "haskovo" and office.languages == ["bg", "en", "tr"]
    assert office.timezone == "Europe/Sofia" and len(office.counters) == 4
    assert [q.prefix for q in office.queues] == ["A", "E", "K", "M"]
    hs_services = cat.services_of(db.session, haskovo)
    assert len(hs_services) >= 12
    fees = [f for s in hs_services for f in s.fees]
    assert fees and {f.currency for f in fees} == {"EUR"}
    assert any(d.obtained_by_office for s in hs_services for d in s.documents)
    kv_fees = [f for s in cat.services_of(db.session, demo["kisela-voda"]) for f in s.fees]
    assert {f.currency for f in kv_fees} == {"MKD"}
    assert {f.payment_slip["recipient"] for f in kv_fees} == {"Буџет на Општина Кисела Вода"}
    categories = cat.classifiers(db.session, demo["kisela-voda"], Category)
    assert categories and all(
        s.categories for s in cat.services_of(db.session, demo["kisela-voda"])
    )


# ------------------------------------------------------------------------------- import/export


def without(document, *keys):
    """The export without some top-level keys, and without the services' offers."""
    document = copy.deepcopy(document)
    for key in keys:
        document.pop(key, None)
    for node in document["services"]:
        node["kiosk:extension"].pop("offers", None)
    return document


def test_export_is_shaped_like_cpsv_ap(db, demo):
    document = cpsv.export_catalogue(db.session, demo["haskovo"])
    assert document["@context"]["PublicService"] == "cpsv:PublicService"
    node = next(n for n in document["services"] if n["identifier"] == "HS-GR-02")
    assert node["@type"] == "PublicService" and node["name"]["bg"] == "Удостоверение за наследници"
    assert node["hasCompetentAuthority"]["@type"] == "PublicOrganisation"
    assert {e["@type"] for e in node["hasInput"]} == {"Evidence"}
    cost = node["hasCost"][0]
    assert cost["@type"] == "Cost" and cost["value"] == "5.11"
    assert cost["currency"].endswith("/currency/EUR")
    assert cost["kiosk:extension"]["paymentSlip"]["recipient"] == "Община Хасково"
    assert node["processingTime"] == "P7D"
    assert node["hasLegalResource"][0]["title"]["bg"] == "Закон за гражданската регистрация"
    assert node["isClassifiedBy"] == ["category/civil"]
    assert node["isGroupedBy"] == ["life-event/death"]
    assert any(e["kiosk:extension"]["obtainedByOffice"] for e in node["hasInput"])
    assert json.loads(cpsv.dumps(document)) == document


def test_export_then_import_into_an_empty_organisation_exports_the_same(db, demo, admin):
    source = cpsv.export_catalogue(db.session, demo["kisela-voda"])
    empty = Organisation(slug="elsewhere", name={"en": "Elsewhere"})
    db.session.add(empty)
    db.session.flush()
    result = cpsv.import_catalogue(db.session, empty, cpsv.dumps(source), actor=admin)
    assert len(result.created) == len(source["services"]) and not result.updated
    assert result.skipped_offers  # centar and drachevo are not this organisation's
    copy_ = cpsv.export_catalogue(db.session, empty)
    # Equal, except who publishes it and where each office serves it (local setup).
    assert without(copy_, "publisher") == without(source, "publisher")


def test_importing_the_export_again_changes_nothing(db, demo, admin):
    org = demo["kisela-voda"]
    source = cpsv.export_catalogue(db.session, org)
    audited = db.session.scalar(select(func.count()).select_from(AuditEntry))
    result = cpsv.import_catalogue(db.session, org, source, actor=admin)
    assert not result.created and not result.updated and len(result.unchanged) == 24
    assert cpsv.export_catalogue(db.session, org) == source
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audited


def test_an_import_updates_a_service_and_records_it(db, demo, admin):
    org = demo["haskovo"]
    source = cpsv.export_catalogue(db.session, org)
    node = next(n for n in source["services"] if n["identifier"] == "HS-GR-03")
    node["hasCost"][0]["value"] = "3.07"
    result = cpsv.import_catalogue(db.session, org, source, actor=admin)
    assert result.updated == ["HS-GR-03"]
    service = db.session.scalar(select(Service).filter_by(code="HS-GR-03"))
    assert service.fees[0].amount_minor == 307
    entry = db.session.scalar(select(AuditEntry).filter_by(action="import"))
    assert entry.before["fees"][0]["amount_minor"] == 256
    assert entry.after["fees"][0]["amount_minor"] == 307


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def count(db, model, organisation) -> int:
    query = select(func.count()).select_from(model)
    return db.session.scalar(query.where(model.organisation_id == organisation.id))


@pytest.fixture
def export_text(db, demo):
    return cpsv.dumps(cpsv.export_catalogue(db.session, demo["haskovo"]))


@pytest.fixture
def empty(db, demo):
    """An organisation with no catalogue (made after the demo, which loads only into an empty
    database)."""
    org = Organisation(slug="elsewhere", name={"en": "Elsewhere"})
    db.session.add(org)
    db.session.flush()
    return org


def test_a_file_that_is_not_json_is_refused_with_its_line_and_column(db, empty, admin):
    text = '{\n  "services": [\n    {"identifier": "X"\n    "name": {}}\n  ]\n}\n'
    with pytest.raises(cpsv.CatalogueFileError) as err:
        cpsv.import_catalogue(db.session, empty, text, actor=admin)
    (problem,) = err.value.problems
    assert (problem.line, problem.column) == (4, 5)
    assert "Expecting ',' delimiter" in problem.params["reason"]
    assert count(db, Service, empty) == 0


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"\xff\xfe{}", "UTF-8"),
        (b'{"services": [NaN]}', "not valid JSON"),
        (b"", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b'["just", "a list"]', "Expected an object"),
        (b"{}", "no \"services\" list"),
    ],
)
def test_broken_files_are_refused_with_a_reason(db, empty, admin, raw, message):
    with pytest.raises(cpsv.CatalogueFileError) as err:
        cpsv.import_catalogue(db.session, empty, raw, actor=admin)
    assert any(message in p.message for p in err.value.problems)


def test_a_wrong_value_is_refused_with_its_path_and_line_and_nothing_changes(
    db, empty, admin, export_text
):
    document = json.loads(export_text)
    index = next(i for i, n in enumerate(document["services"]) if n["identifier"] == "HS-GR-02")
    document["services"][index]["hasCost"][0]["value"] = "-5.11"
    document["services"][index]["hasInput"][0]["kiosk:extension"]["kind"] = "photocopy"
    text = cpsv.dumps(document)
    with pytest.raises(cpsv.CatalogueFileError) as err:
        cpsv.import_catalogue(db.session, empty, text, actor=admin)
    found = {p.path: p for p in err.value.problems}
    value = found[f"$.services[{index}].hasCost[0].value"]
    assert value.message == "The amount cannot be negative."
    assert value.line == line_of(text, '"value": "-5.11"')
    kind = found[f"$.services[{index}].hasInput[0].kiosk:extension.kind"]
    assert kind.line == line_of(text, '"kind": "photocopy"')
    # Not even the good services or the categories were imported.
    assert count(db, Service, empty) == count(db, Category, empty) == 0
    assert db.session.scalar(select(AuditEntry).filter_by(action="import")) is None


def test_a_missing_value_is_reported_at_the_line_of_the_object_lacking_it(
    db, empty, admin, export_text
):
    document = json.loads(export_text)
    del document["services"][2]["name"]
    code = document["services"][2]["identifier"]
    text = cpsv.dumps(document)
    with pytest.raises(cpsv.CatalogueFileError) as err:
        cpsv.import_catalogue(db.session, empty, text, actor=admin)
    (problem,) = err.value.problems
    assert problem.path == "$.services[2].name"
    assert problem.line == line_of(text, f'"@id": "service/{code}"') - 1  # where "{" opens it


def test_a_code_given_twice_and_an_unknown_category_are_refused(db, empty, admin, export_text):
    document = json.loads(export_text)
    document["services"][1]["identifier"] = document["services"][0]["identifier"]
    document["services"][3]["isClassifiedBy"] = ["category/nope"]
    with pytest.raises(cpsv.CatalogueFileError) as err:
        cpsv.import_catalogue(db.session, empty, document, actor=admin)
    messages = {p.path: p.message for p in err.value.problems}
    assert messages["$.services[1].identifier"] == "The code %(code)s comes twice in the file."
    assert "$.services[3].isClassifiedBy" in messages


def test_the_problems_come_in_the_order_of_the_file(db, empty, admin, export_text):
    document = json.loads(export_text)
    for node in document["services"][:3]:
        node["kiosk:extension"]["averageMinutes"] = 0
    with pytest.raises(cpsv.CatalogueFileError) as err:
        cpsv.import_catalogue(db.session, empty, document, actor=admin)
    lines = [p.line for p in err.value.problems]
    assert len(lines) == 3 and lines == sorted(lines)
