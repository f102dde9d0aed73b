"""Languages through the real app: plurals, money and dates per language, Turkish, Romani."""

import datetime as dt
import re

import pytest

from kiosk.extensions import db
from kiosk.models import Fee
from kiosk.services.queue import issue_ticket
from tests.factories import csrf_token

ALL = ("mk", "sq", "bg", "en", "tr")


def text_of(html: str) -> str:
    """The page's words without tags, spaces collapsed (no-break spaces kept)."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def test_macedonian_plural_counts_21_as_one_and_11_as_many(client, factory):
    office = factory.office(languages=("mk", "en"))
    birth = factory.service(office, "BIRTH")
    tickets = [issue_ticket(db.session, office, birth.id, check_hours=False) for _ in range(22)]
    db.session.commit()

    def ahead(ticket) -> str:
        html = client.get(f"/t/{ticket.token}?lang=mk").get_data(as_text=True)
        return text_of(html)

    assert "Пред вас има 21 лице." in ahead(tickets[21])
    assert "Пред вас има 11 лица." in ahead(tickets[11])
    assert "Пред вас има 2 лица." in ahead(tickets[2])
    assert "Пред вас има 1 лице." in ahead(tickets[1])
    assert "Пред вас има 1 лица." not in ahead(tickets[1])


# The same 250 MKD fee as each language writes money (CLDR, through Flask-Babel).
FEES = {
    "mk": "250,00\xa0ден.",
    "sq": "250,00\xa0den",
    "bg": "250,00\xa0MKD",
    "en": "MKD\xa0250.00",  # CLDR currency spacing (Babel leaves it out)
    "tr": "MKD\xa0250,00",
}
# Monday 2 March 2026, 10:00 UTC, as each language writes the date (office_date's pattern).
DATES = {
    "mk": "понеделник, 2 март",
    "sq": "e hënë, 2 mars",
    "bg": "понеделник, 2 март",
    "en": "Monday, 2 March",
    "tr": "Pazartesi, 2 Mart",
}


@pytest.mark.parametrize("lang", ALL)
def test_the_same_fee_is_written_as_the_kiosk_language_writes_money(client, factory, lang):
    office = factory.office(languages=ALL)
    birth = factory.service(office, "BIRTH")
    birth.fees.append(Fee(label={"en": "Fee"}, amount_minor=25000, currency="MKD"))
    db.session.commit()
    html = client.get(f"/kiosk/centar/services/{birth.id}?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert FEES[lang] in html
    others = {v for k, v in FEES.items() if k != lang and v != FEES[lang]}
    assert not any(other in html for other in others)


@pytest.mark.parametrize("lang", ALL)
def test_the_same_date_is_written_in_the_language_shown(app, factory, lang):
    office = factory.office(languages=ALL)
    moment = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    with app.test_request_context(f"/?lang={lang}"):
        rendered = app.jinja_env.from_string("{{ m | office_date(o) }}").render(m=moment, o=office)
        clock = app.jinja_env.from_string("{{ m | office_time(o) }}").render(m=moment, o=office)
    assert rendered == DATES[lang]
    assert clock == "11:00"  # Europe/Skopje, 24-hour in every language (sq as sq_MK)


def test_turkish_kiosk_speaks_turkish_and_says_so(client, factory):
    office = factory.office(languages=("bg", "en", "tr"))
    birth = factory.service(office, "BIRTH")
    db.session.commit()
    html = client.get("/kiosk/centar?lang=tr").get_data(as_text=True)
    assert '<html lang="tr">' in html
    assert 'lang="tr"' in html and "Türkçe" in html  # the switch names it in Turkish
    token = csrf_token(client, "/kiosk/centar?lang=tr")
    response = client.post(
        "/kiosk/centar/tickets", data={"service": birth.id, "lang": "tr", "csrf_token": token}
    )
    ticket = response.get_data(as_text=True)
    assert response.status_code == 201
    assert '<html lang="tr">' in ticket
    assert "Numaranız" in ticket and "A001" in ticket
    assert "Sıradaki sizsiniz." in text_of(ticket)


def test_turkish_is_the_default_where_the_browser_asks_for_it(client, factory):
    factory.office(languages=("bg", "en", "tr"))
    db.session.commit()
    html = client.get("/login", headers={"Accept-Language": "tr-TR,tr;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="tr">' in html and "Giriş yap" in html


@pytest.fixture
def romani_office(factory):
    """An office whose first language is Romani: no CLDR locale, no interface catalogue."""
    office = factory.office("roma", languages=("rom", "mk", "en"))
    birth = factory.service(office, "BIRTH")
    birth.name = {"rom": "Lil bijandimasko", "mk": "Извод од матична книга на родени"}
    birth.short_name = {}
    db.session.commit()
    return office


def test_romani_content_shows_and_falls_back_through_the_office_order(client, romani_office):
    birth = romani_office.services[0].service
    html = client.get(f"/kiosk/roma/services/{birth.id}").get_data(as_text=True)
    assert html.count("<html") == 1
    assert re.search(r'<html lang="(mk|sq|bg|en|tr)">', html)  # an interface language
    assert re.search(r'lang="rom"[^>]*>\s*Lil bijandimasko', html)  # the text says its own
    # English chosen, no English name: the next language in the office's order (Romani).
    english = client.get(f"/kiosk/roma/services/{birth.id}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Lil bijandimasko" in english
    # The TAX service has no Romani name: Macedonian, the office's next language.
    start = client.get("/kiosk/roma").get_data(as_text=True)
    assert "Lil bijandimasko" in start and "Услуга TAX" in start


def test_a_romani_office_issues_tickets_and_updates_its_displays(client, romani_office):
    birth = romani_office.services[0].service
    token = csrf_token(client, "/kiosk/roma")
    response = client.post("/kiosk/roma/tickets", data={"service": birth.id, "csrf_token": token})
    assert response.status_code == 201  # the board is rendered with Romani first: no crash
    assert "A001" in response.get_data(as_text=True)


def test_romani_as_an_offered_language_falls_back_to_a_locale(app, client, romani_office):
    app.config["LANGUAGES"] = ["mk", "sq", "bg", "en", "tr", "rom"]
    html = client.get("/kiosk/roma?lang=rom").get_data(as_text=True)
    assert '<html lang="mk">' in html  # the interface really shown, not the one asked for
    assert "Lil bijandimasko" in html
    from kiosk.i18n import format_locale, gettext_in, has_locale

    with app.test_request_context("/?lang=rom"):
        assert not has_locale("rom") and has_locale("tr")
        assert format_locale("rom") == "mk_MK" and format_locale("tr") == "tr_TR"
        assert gettext_in("rom", "Counter") == gettext_in("mk", "Counter") == "Шалтер"


def test_a_kiosk_offers_only_its_offices_languages(client, factory):
    factory.office(languages=("mk", "sq"))
    db.session.commit()
    html = client.get("/kiosk/centar").get_data(as_text=True)
    assert re.findall(r'class="k-lang" href="[^"]*" lang="(\w+)"', html) == ["mk", "sq"]
    # a language the office does not offer is not forced on it: its first language shows
    assert '<html lang="mk">' in client.get("/kiosk/centar?lang=tr").get_data(as_text=True)
