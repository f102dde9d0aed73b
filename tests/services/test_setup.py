"""Office setup without HTTP: validation field by field, the audit trail, the matrix."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kiosk.models import AuditEntry, CounterService, Office, Queue, Ticket, TicketStatus
from kiosk.services import queue as rules
from kiosk.services import setup
from kiosk.services.errors import InvalidInput, NotFound
from kiosk.services.routing import preferences

LANGS = ["mk", "sq", "bg", "en"]


@pytest.fixture
def office(factory):
    """Office 'centar': two counters, services BIRTH (queue A) and TAX (queue E)."""
    return factory.office()


@pytest.fixture
def admin(factory):
    """The administrator who makes the changes."""
    return factory.user("boss", role="admin")


def office_data(**changes):
    data = {
        "slug": "karpos",
        "name": {"mk": "Карпош", "sq": "Karposh"},
        "address": {},
        "languages": ["mk", "sq"],
        "timezone": "Europe/Skopje",
        "priority_policy": "strict",
        "priority_every": "3",
        "wait_target_minutes": "20",
        "stop_issuing_minutes": "15",
        "no_show_grace_minutes": "10",
        "active": True,
    }
    data.update(changes)
    return data


def queue_data(**changes):
    data = {
        "prefix": "T",
        "name": {},
        "number_min": "1",
        "number_max": "999",
        "reset_time": "00:00",
    }
    data.update(changes)
    return data


def audit_entries(db, entity):
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
    ).all()


def field_problems(excinfo) -> dict[str, str]:
    return {name: p.message % p.params if p.params else p.message
            for name, p in excinfo.value.errors.items()}  # fmt: skip


# ------------------------------------------------------------------------------- offices


def test_create_office_stores_it_and_records_the_creation(db, factory, admin):
    org = factory.organisation()
    office = setup.create_office(
        db.session, office_data(), actor=admin, organisation=org, allowed_languages=LANGS
    )
    assert (office.slug, office.languages, office.no_show_grace_minutes) == (
        "karpos",
        ["mk", "sq"],
        10,
    )
    (entry,) = audit_entries(db, "office")
    assert (entry.action, entry.actor_id, entry.entity_id) == ("create", admin.id, str(office.id))
    assert entry.before is None and entry.after["slug"] == "karpos"
    assert entry.after["name"] == {"mk": "Карпош", "sq": "Karposh"}


def test_create_office_without_a_municipality_creates_one(db, admin):
    office = setup.create_office(
        db.session,
        office_data(organisation="Општина Карпош"),
        actor=admin,
        organisation=None,
        allowed_languages=LANGS,
    )
    assert office.organisation.name == {"mk": "Општина Карпош"}
    assert [e.action for e in audit_entries(db, "organisation")] == ["create"]


def test_every_wrong_office_field_is_reported_at_once(db, factory, admin):
    bad = office_data(
        slug="Not a Slug!",
        name={"mk": "", "sq": "x" * 121},
        languages=["mk", "sq"],
        timezone="Mars/Olympus",
        priority_policy="every_n",
        priority_every="11",
        wait_target_minutes="0",
        stop_issuing_minutes="121",
        no_show_grace_minutes="ten",
    )
    with pytest.raises(setup.FieldErrors) as excinfo:
        setup.create_office(
            db.session, bad, actor=admin, organisation=factory.organisation(),
            allowed_languages=LANGS,
        )  # fmt: skip
    problems = field_problems(excinfo)
    assert set(problems) == {
        "slug",
        "name-mk",
        "name-sq",
        "timezone",
        "priority_every",
        "wait_target_minutes",
        "stop_issuing_minutes",
        "no_show_grace_minutes",
    }
    assert problems["priority_every"] == "Enter a whole number from 2 to 10."
    assert problems["name-sq"] == "Use at most 120 characters."
    assert excinfo.value.status == 422
    assert db.session.scalar(select(Office).filter_by(slug="not a slug!")) is None
    assert audit_entries(db, "office") == []


@pytest.mark.parametrize(
    ("languages", "ok"),
    [
        (["mk", "sq", "tr", "rom"], True),  # Turkish and Romani as content languages
        (["bg", "en"], True),
        ([], False),
        (["mk", "mk"], False),
        (["mk", "xx"], False),
        (["<script>"], False),
    ],
)
def test_office_languages_come_from_the_list_once_each(db, factory, admin, languages, ok):
    name = {lang: f"Име {lang}" for lang in languages}
    data = office_data(languages=languages, name=name)
    allowed = setup.content_languages(LANGS)
    assert allowed == ["mk", "sq", "bg", "en", "tr", "rom"]
    if ok:
        office = setup.create_office(
            db.session, data, actor=admin, organisation=factory.organisation(),
            allowed_languages=allowed,
        )  # fmt: skip
        assert office.languages == languages
    else:
        with pytest.raises(setup.FieldErrors) as excinfo:
            setup.create_office(
                db.session, data, actor=admin, organisation=factory.organisation(),
                allowed_languages=allowed,
            )  # fmt: skip
        assert "languages" in excinfo.value.errors


def test_slug_is_unique_and_normalised(db, factory, admin, office):
    with pytest.raises(setup.FieldErrors) as excinfo:
        setup.create_office(
            db.session, office_data(slug=" Centar "), actor=admin,
            organisation=factory.organisation(), allowed_languages=LANGS,
        )  # fmt: skip
    assert field_problems(excinfo)["slug"] == "Another office already uses centar."
    created = setup.create_office(
        db.session, office_data(slug=" Karpos-2 "), actor=admin,
        organisation=factory.organisation(), allowed_languages=LANGS,
    )  # fmt: skip
    assert created.slug == "karpos-2"


def test_strict_policy_ignores_a_wrong_n(db, office, admin):
    data = office_data(slug="centar", priority_policy="strict", priority_every="nonsense")
    setup.update_office(db.session, office, data, actor=admin, allowed_languages=LANGS)
    assert office.priority_policy == "strict" and office.priority_every == 3


def test_update_office_records_before_and_after(db, office, admin):
    data = office_data(slug="centar", languages=["mk", "sq", "en"], wait_target_minutes="25")
    data["name"] = {"mk": "Нов центар", "sq": "Qendra e re", "en": ""}
    setup.update_office(db.session, office, data, actor=admin, allowed_languages=LANGS)
    (entry,) = audit_entries(db, "office")
    assert entry.action == "update"
    assert entry.before["wait_target_minutes"] == 20 and entry.after["wait_target_minutes"] == 25
    assert entry.before["name"]["mk"] == "Канцеларија centar"
    assert entry.after["name"] == {"mk": "Нов центар", "sq": "Qendra e re"}  # empty = missing


def test_an_update_that_changes_nothing_is_not_recorded(db, office, admin):
    data = office_data(
        slug="centar",
        languages=office.languages,
        name=dict(office.name),
        no_show_grace_minutes="15",
    )
    setup.update_office(db.session, office, data, actor=admin, allowed_languages=LANGS)
    assert audit_entries(db, "office") == []


def test_translations_of_languages_the_form_did_not_show_are_kept(db, office, admin):
    # The office drops English from its languages: its English name is not thrown away.
    data = office_data(slug="centar", languages=["mk", "sq"], name={"mk": "Центар", "sq": "Qendra"})
    setup.update_office(db.session, office, data, actor=admin, allowed_languages=LANGS)
    assert office.name == {"en": "Office centar", "mk": "Центар", "sq": "Qendra"}


def test_control_characters_are_removed_and_markup_is_kept_as_text(db, office, admin):
    data = office_data(
        slug="centar",
        name={"mk": "Центар\x00\x07 <script>alert(1)</script>", "sq": ""},
    )
    setup.update_office(db.session, office, data, actor=admin, allowed_languages=LANGS)
    assert office.name["mk"] == "Центар <script>alert(1)</script>"


# ------------------------------------------------------------------------------- hours


def test_opening_hours_keep_breaks_sorted_and_skip_blank_rows(db, office, admin):
    week = {
        "mon": [["13:00", "16:00"], ["", ""], [" 08:00", "12:00 "]],
        "sat": [],
    }
    setup.update_opening_hours(db.session, office, week, actor=admin)
    assert office.opening_hours["mon"] == [["08:00", "12:00"], ["13:00", "16:00"]]
    assert office.opening_hours["sun"] == []
    (entry,) = audit_entries(db, "office")
    assert entry.before["opening_hours"] == {}
    assert entry.after["opening_hours"]["mon"] == [["08:00", "12:00"], ["13:00", "16:00"]]


def test_wrong_spans_are_reported_per_day(db, office, admin):
    week = {
        "mon": [["08:00", "12:00"], ["11:00", "16:00"]],
        "tue": [["16:00", "08:00"]],
        "wed": [["8", "16:00"]],
        "thu": [["08:00", "16:00"]],
    }
    with pytest.raises(setup.FieldErrors) as excinfo:
        setup.update_opening_hours(db.session, office, week, actor=admin)
    problems = field_problems(excinfo)
    assert problems == {
        "hours-mon": "Opening hours of one day must not overlap.",
        "hours-tue": "A closing time must come after its opening time.",
        "hours-wed": "Times are written as HH:MM, for example 08:30.",
    }
    assert office.opening_hours == {}


def test_no_hours_at_all_means_always_open_but_a_closed_week_is_refused(db, office, admin):
    setup.update_opening_hours(db.session, office, {"mon": [["08:00", "16:00"]]}, actor=admin)
    with pytest.raises(setup.FieldErrors) as excinfo:
        setup.update_opening_hours(db.session, office, {"mon": [["", ""]]}, actor=admin)
    assert set(excinfo.value.errors) == {"mode"}
    setup.update_opening_hours(db.session, office, None, actor=admin)
    assert office.opening_hours == {}


# ------------------------------------------------------------------------------- special days


def test_special_days_closed_or_shortened_replace_by_date_and_are_audited(db, office, admin):
    holiday = setup.save_special_day(
        db.session, office,
        {"date": "2026-12-24", "closed": True, "hours": [["08:00", "12:00"]],
         "note": {"mk": "Празник"}},
        actor=admin,
    )  # fmt: skip
    assert holiday.hours == [] and holiday.note == {"mk": "Празник"}
    shortened = {"date": "2026-12-24", "closed": False, "hours": [["08:00", "12:00"]], "note": {}}
    with pytest.raises(setup.FieldErrors) as taken:  # a second day on that date: refused
        setup.save_special_day(db.session, office, shortened, actor=admin)
    assert set(taken.value.errors) == {"date"}
    assert holiday.hours == []
    again = setup.save_special_day(db.session, office, shortened, actor=admin, changing=holiday)
    assert again.id == holiday.id and again.hours == [["08:00", "12:00"]]
    eve = setup.save_special_day(
        db.session, office, {"date": "2026-12-31", "closed": True}, actor=admin)
    with pytest.raises(setup.FieldErrors):  # moved onto another special day: refused
        setup.save_special_day(db.session, office, {"date": "2026-12-24", "closed": True},
                               actor=admin, changing=eve)
    moved = setup.save_special_day(db.session, office, {"date": "2026-12-30", "closed": True},
                                   actor=admin, changing=eve)
    assert moved.id == eve.id and moved.date == dt.date(2026, 12, 30)
    setup.delete_special_day(db.session, moved, actor=admin)
    setup.delete_special_day(db.session, again, actor=admin)
    assert office.special_days == []
    entries = audit_entries(db, "special_day")
    assert [e.action for e in entries] == ["create", "update", "create", "update", "delete",
                                           "delete"]
    assert entries[1].before["hours"] == [] and entries[1].after["hours"] == [["08:00", "12:00"]]
    assert entries[3].before["date"] == "2026-12-31" and entries[3].after["date"] == "2026-12-30"
    assert entries[5].before["date"] == "2026-12-24" and entries[5].after is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date": "", "closed": True}, "date"),
        ({"date": "24.13.2026", "closed": True}, "date"),
        ({"date": "2026-12-24", "closed": False, "hours": [["", ""]]}, "hours"),
        ({"date": "2026-12-24", "closed": False, "hours": [["12:00", "08:00"]]}, "hours"),
        ({"date": "2026-12-24", "closed": True, "note": {"mk": "x" * 201}}, "note-mk"),
    ],
)
def test_wrong_special_days_name_the_field(db, office, admin, data, field):
    with pytest.raises(setup.FieldErrors) as excinfo:
        setup.save_special_day(db.session, office, data, actor=admin)
    assert field in excinfo.value.errors


def test_a_day_shorter_than_the_stop_issuing_margin_is_refused(db, office, admin):
    """Issuing stops stop_issuing_minutes before closing: a day that short would never issue
    a ticket (the kiosk would say "issuing has stopped" from the opening on)."""
    office.stop_issuing_minutes = 30
    week = {"mon": [["08:00", "16:00"]], "sat": [["09:00", "09:30"]]}
    with pytest.raises(setup.FieldErrors) as excinfo:
        setup.update_opening_hours(db.session, office, week, actor=admin)
    assert field_problems(excinfo) == {"hours-sat": (
        "Tickets could not be issued on this day: it is open for 30 minutes, and issuing stops"
        " 30 minutes before closing. Make the day longer, or mark it as closed.")}
    assert office.opening_hours == {}
    week["sat"] = [["09:00", "09:20"], ["09:40", "10:00"]]  # a break does not count as closed
    setup.update_opening_hours(db.session, office, week, actor=admin)
    assert office.opening_hours["sat"] == [["09:00", "09:20"], ["09:40", "10:00"]]

    short = {"date": "2099-12-24", "closed": False, "hours": [["08:00", "08:20"]]}
    with pytest.raises(setup.FieldErrors) as excinfo:
        setup.save_special_day(db.session, office, short, actor=admin)
    assert set(field_problems(excinfo)) == {"hours"}
    assert office.special_days == []
    short["hours"] = [["08:00", "08:31"]]
    assert setup.save_special_day(db.session, office, short, actor=admin).hours == [
        ["08:00", "08:31"]]


def test_a_margin_longer_than_the_shortest_day_to_come_is_refused(db, office, admin):
    setup.update_opening_hours(db.session, office, {"mon": [["08:00", "16:00"]],
                                                    "fri": [["08:00", "12:00"]]}, actor=admin)
    today = dt.date.today()
    setup.save_special_day(db.session, office, {
        "date": (today - dt.timedelta(days=3)).isoformat(), "hours": [["08:00", "08:30"]]},
        actor=admin)  # past: no longer counts
    setup.save_special_day(db.session, office, {
        "date": (today + dt.timedelta(days=3)).isoformat(), "hours": [["08:00", "09:00"]]},
        actor=admin)
    data = office_data(slug="centar", stop_issuing_minutes="60")
    with pytest.raises(setup.FieldErrors) as excinfo:
        setup.update_office(db.session, office, data, actor=admin, allowed_languages=LANGS)
    assert field_problems(excinfo) == {"stop_issuing_minutes": (
        "The office's shortest day is open for 60 minutes: tickets could not be issued that"
        " day. Stop issuing fewer minutes before closing, or lengthen that day first.")}
    assert office.stop_issuing_minutes == 15
    data["stop_issuing_minutes"] = "59"
    setup.update_office(db.session, office, data, actor=admin, allowed_languages=LANGS)
    assert office.stop_issuing_minutes == 59


def test_an_office_saved_before_the_margin_rule_can_still_change_its_name(db, office, admin):
    office.opening_hours = {"mon": [["08:00", "16:00"]], "sat": [["09:00", "09:10"]]}
    data = office_data(slug="centar", stop_issuing_minutes="15")
    data["name"] = {"mk": "Нов центар", "sq": "Qendra e re"}
    setup.update_office(db.session, office, data, actor=admin, allowed_languages=LANGS)
    assert office.name["mk"] == "Нов центар"


# ------------------------------------------------------------------------------- counters


def test_counters_have_unique_numbers_per_office(db, factory, office, admin):
    with pytest.raises(setup.FieldErrors) as excinfo:
        setup.create_counter(db.session, office, {"number": "2"}, actor=admin)
    assert field_problems(excinfo) == {"number": "Counter 2 already exists here."}
    other = factory.office("drachevo", services=(("PARK", "K"),))
    assert setup.create_counter(db.session, other, {"number": "3"}, actor=admin).number == 3


@pytest.mark.parametrize("number", ["0", "1000", "", "3a", "-1"])
def test_counter_numbers_run_from_1_to_999(db, office, admin, number):
    with pytest.raises(setup.FieldErrors) as excinfo:
        setup.create_counter(db.session, office, {"number": number}, actor=admin)
    assert field_problems(excinfo)["number"] == "Enter a whole number from 1 to 999."


def test_counter_create_and_update_are_audited(db, office, admin):
    counter = setup.create_counter(
        db.session, office,
        {"number": "7", "name": {"mk": "Шалтер 7", "sq": ""}, "location": {"en": "Floor 1"}},
        actor=admin,
    )  # fmt: skip
    assert counter.name == {"mk": "Шалтер 7"} and counter.location == {"en": "Floor 1"}
    assert counter.active is True
    setup.update_counter(
        db.session, counter, {"number": "8", "name": {"mk": "Шалтер 8"}, "active": False},
        actor=admin,
    )  # fmt: skip
    entries = audit_entries(db, "counter")
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].before["number"] == 7 and entries[1].after["number"] == 8
    assert entries[1].before["active"] is True and entries[1].after["active"] is False


def test_a_counter_serving_a_ticket_cannot_be_switched_off(db, factory, office, admin):
    counter = factory.counter(office, 1)
    rules.issue_ticket(db.session, office, factory.service(office, "BIRTH").id)
    ticket = rules.call_next(db.session, counter)
    with pytest.raises(setup.FieldErrors) as excinfo:
        setup.update_counter(db.session, counter, {"number": "1", "active": False}, actor=admin)
    assert field_problems(excinfo) == {
        "active": "Counter 1 is serving ticket A001. Finish or transfer it before switching "
        "the counter off."
    }
    assert counter.active is True
    ticket.status = TicketStatus.DONE
    setup.update_counter(db.session, counter, {"number": "1", "active": False}, actor=admin)
    assert counter.active is False


# ------------------------------------------------------------------------------- queues


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("A", "A"), ("t", "T"), ("km", "KM"), (" M ", "M"), ("А", "A"), ("ЕК", "EK"), ("DZ", "DZ")],
)
def test_good_prefixes_are_normalised_to_latin_capitals(typed, stored):
    assert setup.check_prefix(typed) == (stored, None)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("B", "Cyrillic В, which is read as V"),
        ("H", "Cyrillic Н, which is read as N"),
        ("P", "Cyrillic Р, which is read as R"),
        ("c", "Cyrillic С, which is read as S"),
        ("X", "Cyrillic Х, which is read as H"),
        ("Y", "Cyrillic У, which is read as U"),
        ("Р", "Cyrillic Р"),  # typed in Cyrillic: still read differently in Latin
        ("AB", "Cyrillic В"),
        ("O", "digit 0"),
        ("I", "digit 1"),
        ("Ж", "not a Latin letter"),
        ("Ä", "not a Latin letter"),
        ("ABC", "one or two capital letters"),
        ("1", "one or two capital letters"),
        ("A-", "one or two capital letters"),
        ("", "Enter a prefix"),
    ],
)
def test_confusing_prefixes_are_refused_with_the_reason(typed, words):
    _prefix, problem = setup.check_prefix(typed)
    assert problem is not None
    message = problem.message % problem.params if problem.params else problem.message
    assert words in message


def test_prefix_is_unique_per_office_only(db, factory, office, admin):
    with pytest.raises(setup.FieldErrors) as excinfo:
        setup.create_queue(db.session, office, queue_data(prefix="a"), actor=admin)
    assert field_problems(excinfo) == {"prefix": "Another queue of this office has the prefix A."}
    other = factory.office("drachevo", services=(("PARK", "K"),))
    assert setup.create_queue(db.session, other, queue_data(prefix="A"), actor=admin).prefix == "A"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number_min": "0"}, "number_min"),
        ({"number_max": "1000"}, "number_max"),
        ({"number_min": "500", "number_max": "500"}, "number_max"),
        ({"number_min": "600", "number_max": "100"}, "number_max"),
        ({"reset_time": "24:00"}, "reset_time"),
        ({"reset_time": "7:00"}, "reset_time"),
        ({"reset_time": ""}, "reset_time"),
    ],
)
def test_queue_numbering_range_and_reset_time_are_checked(db, office, admin, changes, field):
    with pytest.raises(setup.FieldErrors) as excinfo:
        setup.create_queue(db.session, office, queue_data(**changes), actor=admin)
    assert set(excinfo.value.errors) == {field}


def test_queue_create_update_delete_are_audited(db, office, admin):
    queue = setup.create_queue(
        db.session, office, queue_data(prefix="T", reset_time="03:30", number_max="500"),
        actor=admin,
    )  # fmt: skip
    assert (queue.reset_time, queue.number_max) == (dt.time(3, 30), 500)
    setup.update_queue(db.session, queue, queue_data(prefix="KM"), actor=admin)
    setup.delete_queue(db.session, queue, actor=admin)
    assert db.session.scalar(select(Queue).filter_by(office_id=office.id, prefix="KM")) is None
    entries = audit_entries(db, "queue")
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[0].after["reset_time"] == "03:30:00"
    assert (entries[1].before["prefix"], entries[1].after["prefix"]) == ("T", "KM")


def test_a_queue_in_use_cannot_be_deleted(db, factory, office, admin):
    queue_a = next(q for q in office.queues if q.prefix == "A")
    with pytest.raises(setup.QueueInUse, match="Services join queue A"):
        setup.delete_queue(db.session, queue_a, actor=admin)
    spare = setup.create_queue(db.session, office, queue_data(prefix="T"), actor=admin)
    db.session.add(
        Ticket(
            office_id=office.id, queue_id=spare.id, service_id=factory.service(office, "TAX").id,
            business_date=dt.date(2026, 11, 23), number=1, code="T001",
        )
    )  # fmt: skip
    db.session.flush()
    with pytest.raises(setup.QueueInUse, match="Tickets were issued in queue T"):
        setup.delete_queue(db.session, spare, actor=admin)


# ------------------------------------------------------------------------------- matrix


def test_a_counter_without_cells_serves_everything_until_one_is_set(db, factory, office, admin):
    counter = factory.counter(office, 1)
    birth, tax = factory.service(office, "BIRTH"), factory.service(office, "TAX")
    cells = setup.matrix_cells(db.session, office)
    assert setup.serves_all(cells, counter.id)
    assert preferences(counter) == {}

    setup.set_matrix_cell(db.session, office, counter.id, tax.id, 2, actor=admin)
    setup.set_matrix_cell(db.session, office, counter.id, birth.id, 1, actor=admin)
    cells = setup.matrix_cells(db.session, office)
    assert cells == {(counter.id, tax.id): 2, (counter.id, birth.id): 1}
    assert not setup.serves_all(cells, counter.id)
    assert preferences(counter) == {birth.id: 1, tax.id: 2}

    setup.set_matrix_cell(db.session, office, counter.id, tax.id, None, actor=admin)
    setup.set_matrix_cell(db.session, office, counter.id, birth.id, None, actor=admin)
    assert setup.serves_all(setup.matrix_cells(db.session, office), counter.id)
    assert preferences(counter) == {}


def test_matrix_changes_are_audited_with_before_and_after(db, factory, office, admin):
    counter = factory.counter(office, 2)
    birth = factory.service(office, "BIRTH")
    setup.set_matrix_cell(db.session, office, counter.id, birth.id, 1, actor=admin)
    setup.set_matrix_cell(db.session, office, counter.id, birth.id, 3, actor=admin)
    setup.set_matrix_cell(db.session, office, counter.id, birth.id, 3, actor=admin)  # unchanged
    setup.set_matrix_cell(db.session, office, counter.id, birth.id, None, actor=admin)
    setup.set_matrix_cell(db.session, office, counter.id, birth.id, None, actor=admin)  # no cell
    entries = audit_entries(db, "counter_service")
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[0].after["preference"] == 1
    assert (entries[1].before["preference"], entries[1].after["preference"]) == (1, 3)
    assert entries[2].before["counter_id"] == counter.id and entries[2].after is None
    assert db.session.scalars(select(CounterService)).all() == []


def test_set_matrix_applies_only_what_changed(db, factory, office, admin):
    c1, c2 = factory.counter(office, 1), factory.counter(office, 2)
    birth, tax = factory.service(office, "BIRTH"), factory.service(office, "TAX")
    factory.serve_only(c1, birth)
    changed = setup.set_matrix(
        db.session, office,
        {(c1.id, birth.id): 1, (c1.id, tax.id): None, (c2.id, tax.id): 2, (c2.id, birth.id): None},
        actor=admin,
    )  # fmt: skip
    assert changed == 1
    assert setup.matrix_cells(db.session, office) == {(c1.id, birth.id): 1, (c2.id, tax.id): 2}
    assert len(audit_entries(db, "counter_service")) == 1


def test_services_no_active_counter_serves_are_found(db, factory, office, admin):
    c1, c2 = factory.counter(office, 1), factory.counter(office, 2)
    birth = factory.service(office, "BIRTH")
    assert setup.unserved_services(db.session, office) == []  # both counters serve all
    factory.serve_only(c1, birth)
    assert setup.unserved_services(db.session, office) == []  # counter 2 still serves all
    factory.serve_only(c2, birth)
    assert [o.service.code for o in setup.unserved_services(db.session, office)] == ["TAX"]
    tax = factory.service(office, "TAX")
    setup.set_matrix_cell(db.session, office, c2.id, tax.id, 2, actor=admin)
    assert setup.unserved_services(db.session, office) == []
    c2.active = False
    assert [o.service.code for o in setup.unserved_services(db.session, office)] == ["TAX"]


def test_matrix_cells_must_belong_to_the_office(db, factory, office, admin):
    other = factory.office("drachevo", services=(("PARK", "K"),))
    park = factory.service(other, "PARK")
    birth = factory.service(office, "BIRTH")
    with pytest.raises(NotFound):
        setup.set_matrix_cell(
            db.session, office, factory.counter(other, 1).id, birth.id, 1, actor=admin
        )
    with pytest.raises(NotFound):
        setup.set_matrix_cell(
            db.session, office, factory.counter(office, 1).id, park.id, 1, actor=admin
        )
    with pytest.raises(InvalidInput):
        setup.set_matrix_cell(
            db.session, office, factory.counter(office, 1).id, birth.id, 4, actor=admin
        )


@pytest.mark.parametrize(("typed", "value"), [("", None), ("1", 1), ("2", 2), ("3", 3)])
def test_parse_preference(typed, value):
    assert setup.parse_preference(typed) == value


@pytest.mark.parametrize("typed", ["4", "first", "1.5"])
def test_parse_preference_refuses_anything_else(typed):
    with pytest.raises(InvalidInput):
        setup.parse_preference(typed)
