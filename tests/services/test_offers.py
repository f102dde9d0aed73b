"""What the kiosk offers today: offered services, ranking, groups, counters, a ticket's place."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.models import Category, TicketStatus
from kiosk.services import offers
from kiosk.services.errors import NotFound, ServiceNotOffered, ServiceUnavailable
from kiosk.services.queue import call_next, issue_ticket

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def office(factory):
    return factory.office(services=(("BIRTH", "A"), ("TAX", "E"), ("PARK", "K")))


def codes(rows) -> list[str]:
    return [o.service.code for o in rows]


def test_offers_today_follow_status_validity_and_the_office_date(db, factory, office):
    factory.service(office, "TAX").status = "retired"
    park = factory.service(office, "PARK")
    # 23:30 UTC on 1 March is already 2 March in Skopje: valid from 2 March counts.
    park.valid_from = dt.date(2026, 3, 2)
    late = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    today = offers.office_today(office, late)
    assert today == dt.date(2026, 3, 2)
    assert codes(offers.offers_today(db.session, office, today)) == ["BIRTH", "PARK"]
    assert codes(offers.offers_today(db.session, office, dt.date(2026, 3, 1))) == ["BIRTH"]


def test_a_ticket_is_refused_before_the_service_is_valid(db, factory, office):
    factory.service(office, "PARK").valid_from = dt.date(2026, 3, 3)
    with pytest.raises(ServiceNotOffered):
        issue_ticket(db.session, office, factory.service(office, "PARK").id, now=NOW,
                     check_hours=False)  # fmt: skip
    with pytest.raises(ServiceUnavailable):
        offers.offer_today(db.session, office, factory.service(office, "PARK").id, NOW.date())


def test_most_used_ranks_by_tickets_of_the_last_30_days_then_by_position(db, factory, office):
    tax, park = factory.service(office, "TAX"), factory.service(office, "PARK")
    issue_ticket(db.session, office, tax.id, now=NOW - dt.timedelta(days=40), check_hours=False)
    for _ in range(2):
        issue_ticket(db.session, office, park.id, now=NOW - dt.timedelta(days=1), check_hours=False)
    today = offers.office_today(office, NOW)
    rows = offers.offers_today(db.session, office, today)
    assert codes(offers.most_used(db.session, office, rows, now=NOW)) == ["PARK", "BIRTH", "TAX"]
    assert codes(offers.most_used(db.session, office, rows, now=NOW, limit=1)) == ["PARK"]


def test_groups_hold_only_todays_offers_in_their_order(db, factory, office):
    org = factory.organisation()
    civil = Category(organisation_id=org.id, code="civil", name={"en": "Civil"}, position=2)
    taxes = Category(organisation_id=org.id, code="taxes", name={"en": "Taxes"}, position=1)
    empty = Category(organisation_id=org.id, code="empty", name={"en": "Empty"}, position=0)
    factory.service(office, "BIRTH").categories = [civil]
    factory.service(office, "TAX").categories = [taxes, civil]
    factory.service(office, "PARK").categories = [empty]
    factory.service(office, "PARK").status = "draft"
    db.session.flush()
    rows = offers.offers_today(db.session, office, NOW.date())
    found = offers.groups(rows, "category")
    assert [g.row.code for g in found] == ["taxes", "civil"]
    assert codes(offers.group(rows, "category", "civil").offers) == ["BIRTH", "TAX"]
    with pytest.raises(NotFound):
        offers.group(rows, "category", "empty")


def test_counters_for_follow_the_service_counter_matrix(db, factory, office):
    factory.serve_only(factory.counter(office, 1), factory.service(office, "TAX"))
    birth = factory.service(office, "BIRTH").id
    assert [c.number for c in offers.counters_for(db.session, office, birth)] == [2]
    tax = factory.service(office, "TAX").id
    assert [c.number for c in offers.counters_for(db.session, office, tax)] == [1, 2]


def test_a_tickets_place_from_waiting_to_called_to_finished(db, factory, office):
    birth = factory.service(office, "BIRTH").id
    first = issue_ticket(db.session, office, birth, now=NOW, check_hours=False)
    mine = issue_ticket(db.session, office, birth, now=NOW, check_hours=False)
    place = offers.ticket_place(db.session, mine, NOW)
    assert (place.status, place.ahead) == ("waiting", 1)
    assert place.wait_low is not None and place.wait_high >= place.wait_low

    counter = factory.counter(office, 2)
    counter.status = "open"
    assert call_next(db.session, counter, now=NOW).id == first.id
    assert call_next(db.session, counter, now=NOW).id == mine.id
    place = offers.ticket_place(db.session, mine, NOW)
    assert (place.status, place.counter.number) == ("called", 2)

    mine.status = TicketStatus.NO_SHOW
    assert offers.ticket_place(db.session, mine, NOW).status == "missed"
    mine.status = TicketStatus.DONE
    assert offers.ticket_place(db.session, mine, NOW).status == "finished"


@pytest.mark.parametrize("token", ["", "nope", "x" * 65])
def test_unknown_tokens_are_not_found(db, office, token):
    with pytest.raises(NotFound):
        offers.ticket_by_token(db.session, token)
