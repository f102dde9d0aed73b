"""The kiosk: start screen, taking a ticket, languages, bad input."""

import re

import pytest

from tests.factories import csrf_token

HX = {"HX-Request": "true"}


def take(client, office, service_id, headers=None, lang=None):
    token = csrf_token(client, f"/kiosk/{office.slug}")
    data = {"service": str(service_id), "csrf_token": token}
    if lang:
        data["lang"] = lang
    return client.post(f"/kiosk/{office.slug}/tickets", data=data, headers=headers or {})


def test_root_opens_the_kiosk_of_the_first_office(client, office):
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.endswith("/kiosk/centar")


def test_start_screen_lists_the_services_in_the_primary_language(client, office):
    html = client.get("/kiosk/centar").get_data(as_text=True)
    assert '<html lang="mk">' in html
    assert "Услуга BIRTH" in html and "Услуга TAX" in html


def test_language_switch_shows_albanian_text_and_lang(client, office):
    html = client.get("/kiosk/centar?lang=sq").get_data(as_text=True)
    assert '<html lang="sq">' in html
    assert "Shërbimi BIRTH" in html


def test_unknown_language_falls_back_to_the_office_primary(client, office):
    html = client.get("/kiosk/centar?lang=xx").get_data(as_text=True)
    assert '<html lang="mk">' in html


def test_kiosk_language_does_not_stick_to_the_next_citizen(client, office):
    client.get("/kiosk/centar?lang=en")
    assert '<html lang="mk">' in client.get("/kiosk/centar").get_data(as_text=True)


def test_taking_a_ticket_shows_number_service_and_people_ahead(client, office, factory):
    birth = factory.service(office, "BIRTH")
    take(client, office, birth.id)
    response = take(client, office, birth.id, lang="en")
    html = response.get_data(as_text=True)
    assert response.status_code == 201
    assert "A002" in html and "Service BIRTH" in html
    assert re.search(r"1 person is ahead of you|1 \w+", html)
    assert "<html" in html  # a plain form post gets the whole page


def test_htmx_ticket_is_a_fragment_without_the_page_shell(client, office, factory):
    response = take(client, office, factory.service(office, "BIRTH").id, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 201
    assert html.lstrip().startswith('<main id="screen"') and "<html" not in html
    assert "A001" in html
    assert "HX-Request" in response.headers.get("Vary", "")


def test_htmx_start_screen_is_a_fragment(client, office):
    html = client.get("/kiosk/centar", headers=HX).get_data(as_text=True)
    assert "<html" not in html and 'id="screen"' in html


@pytest.mark.parametrize("value", ["", "abc", "99999", "-1", "1.5", "<script>"])
def test_garbage_or_unknown_service_gets_a_clear_4xx(client, office, value):
    token = csrf_token(client, "/kiosk/centar")
    response = client.post(
        "/kiosk/centar/tickets", data={"service": value, "csrf_token": token}, headers=HX
    )
    assert 400 <= response.status_code < 500
    assert response.headers["HX-Retarget"] == "#alerts"
    assert "alert-error" in response.get_data(as_text=True)
    assert "<script>" not in response.get_data(as_text=True)


def test_a_service_of_another_office_is_refused(client, office, factory, db):
    other = factory.office("drachevo", services=(("PARK", "K"),))
    db.session.commit()
    response = take(client, office, factory.service(other, "PARK").id)
    assert response.status_code == 404


def test_unknown_office_is_404(client, office):
    assert client.get("/kiosk/nowhere").status_code == 404


def test_ticket_without_csrf_token_is_refused(client, office, factory):
    response = client.post(
        "/kiosk/centar/tickets", data={"service": factory.service(office, "BIRTH").id}
    )
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True) or "истече" in response.get_data(
        as_text=True
    )


def test_pages_and_scripts_travel_compressed_to_a_browser_that_asks(client, office):
    page = client.get("/kiosk/centar", headers={"Accept-Encoding": "gzip, deflate"})
    assert page.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in page.headers["Vary"]
    script = client.get("/static/js/htmx-2.0.11.min.js", headers={"Accept-Encoding": "gzip"})
    assert script.headers["Content-Encoding"] == "gzip"
    assert len(script.data) < 25_000  # 52 KB as a file
    script.close()
    plain = client.get("/kiosk/centar")  # a client that does not ask gets plain text
    assert "Content-Encoding" not in plain.headers and "<html" in plain.get_data(as_text=True)
    font = client.get("/static/fonts/noto-sans-latin-400-normal.woff2",
                      headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in font.headers  # woff2 is compressed already
    font.close()
    chromium = "gzip, deflate, br, zstd"
    script = client.get("/static/js/htmx-2.0.11.min.js", headers={"Accept-Encoding": chromium})
    assert script.headers["Content-Encoding"] == "br" and len(script.data) < 17_000
    script.close()


def test_a_kiosk_keeps_its_scripts_and_styles_until_an_upgrade_changes_them(client, office):
    html = client.get("/kiosk/centar").get_data(as_text=True)
    css = re.search(r'href="(/static/css/kiosk\.css\?v=[0-9a-f]{12})"', html).group(1)
    cached = client.get(css)
    assert cached.status_code == 200
    assert "max-age=31536000" in cached.headers["Cache-Control"]
    cached.close()
    # an address without the version (a font named by the stylesheet) is checked each time
    font = client.get("/static/fonts/noto-sans-latin-400-normal.woff2")
    assert "max-age=31536000" not in font.headers.get("Cache-Control", "")
    font.close()
