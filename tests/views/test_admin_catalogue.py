"""The catalogue editor over HTTP: access, CSRF, the editor's 422 that keeps what was typed,
escaping, htmx fragments, publishing, history, categories, import and export."""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import select

from kiosk import realtime
from kiosk.models import AuditEntry, Category, OfficeService, Service
from kiosk.services import catalogue as cat
from kiosk.services import cpsv
from tests.factories import csrf_token

HX = {"HX-Request": "true"}
ORG = "test-town"
LIST = f"/admin/catalogue/{ORG}"


@pytest.fixture
def service(db, office, factory, admin):
    """BIRTH, published, with a document and a fee, offered at centar (queue A)."""
    birth = factory.service(office, "BIRTH")
    data = cat.service_data(birth)
    data["documents"] = [
        {"name": {"mk": "Лична карта", "en": "ID card"}, "kind": "id_document", "copies": 1}
    ]
    data["fees"] = [
        {
            "label": {"mk": "Такса", "en": "Fee"},
            "amount_minor": 5000,
            "currency": "MKD",
            "tier": "normal",
            "payment_methods": ["cash"],
        }
    ]
    birth.status = "draft"
    cat.update_service(db.session, birth, data, actor=admin)
    cat.publish_service(db.session, birth, actor=admin)
    db.session.commit()
    return birth


def page(service_) -> str:
    return f"{LIST}/services/{service_.id}"


def post(client, url, data=None, headers=None, token_from=LIST):
    """POST a form with a page's CSRF token, as the browser would."""
    token = csrf_token(client, token_from)
    return client.post(url, data={"csrf_token": token, **(data or {})}, headers=headers or {})


def editor_form(client, service_):
    """Every field of the editor as the browser would submit it, read off the page."""
    html = client.get(page(service_)).get_data(as_text=True)
    form = html[html.index('<form class="service-form"') :]
    form = form[: form.index("</form>")]
    data: dict[str, list[str]] = {}
    import re

    for tag in re.finditer(r"<(input|select|textarea)\b([^>]*)>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag[2]))
        name = attrs.get("name")
        if not name or name == "csrf_token":
            continue
        if tag[1] == "input":
            kind = attrs.get("type", "text")
            if kind == "checkbox" and " checked" not in tag[2]:
                continue
            value = attrs.get("value", "")
        elif tag[1] == "select":
            options = form[tag.end() : form.index("</select>", tag.end())]
            chosen = re.search(r'<option value="([^"]*)" selected', options)
            value = chosen[1] if chosen else ""
        else:
            value = form[tag.end() : form.index("</textarea>", tag.end())]
        value = (
            value.replace("&#34;", '"').replace("&lt;", "<").replace("&gt;", ">")
            .replace("&#39;", "'").replace("&amp;", "&")
        )  # fmt: skip
        data.setdefault(name, []).append(value)
    return data


def submit(client, service_, changes=None, headers=None, **extra):
    data = editor_form(client, service_)
    for key, value in (changes or {}).items():
        data[key] = value if isinstance(value, list) else [value]
    data.update({k: [v] for k, v in extra.items()})
    data["csrf_token"] = [csrf_token(client, page(service_))]
    return client.post(page(service_), data=data, headers=headers or {})


# ------------------------------------------------------------------------------- access


@pytest.mark.parametrize(
    "url",
    ["/admin/catalogue", LIST, f"{LIST}/services/new", f"{LIST}/categories", f"{LIST}/export",
     f"{LIST}/import"],
)  # fmt: skip
def test_anonymous_visitors_are_sent_to_the_login(client, office, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.location


def test_clerks_may_not_open_or_change_the_catalogue(client, auth, clerk, service, db):
    auth.login()
    assert client.get(LIST).status_code == 403
    assert client.get(page(service)).status_code == 403
    token = csrf_token(client, "/clerk/")
    response = client.post(f"{page(service)}/retire", data={"csrf_token": token})
    assert response.status_code == 403
    assert db.session.get(Service, service.id).status == "published"


def test_a_post_without_csrf_token_is_refused(admin_client, service, db):
    response = admin_client.post(f"{page(service)}/retire")
    assert response.status_code == 400
    response = admin_client.post(f"{page(service)}/retire", headers=HX)
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Service, service.id).status == "published"


def test_a_service_of_another_organisation_is_404(admin_client, service):
    assert admin_client.get(f"/admin/catalogue/elsewhere/services/{service.id}").status_code == 404
    assert admin_client.get(f"{LIST}/services/99999").status_code == 404


def test_the_navigation_links_to_the_catalogue(admin_client):
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/catalogue"' in html
    assert admin_client.get("/admin/catalogue").location.endswith(LIST)


# ------------------------------------------------------------------------------- list


def test_the_list_shows_status_and_missing_translations(admin_client, service, db):
    html = admin_client.get(LIST).get_data(as_text=True)
    assert "Service BIRTH" in html and "Service TAX" in html
    assert "Published" in html and "<html" in html
    assert "css/admin.css" in html
    # The short name, the document and the fee have no Albanian text: SQ is marked, with how
    # many; the short name is only in English, so MK lacks one.
    assert "SQ · 3" in html and "MK · 1" in html and "EN ·" not in html


def test_the_list_filters_by_status_as_an_htmx_fragment(admin_client, service):
    submit(admin_client, service, {"name-en": "Changed"})
    response = admin_client.get(f"{LIST}?status=pending", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="service-list">')
    assert "Service BIRTH" in html and "Service TAX" not in html
    assert "HX-Request" in response.headers["Vary"]
    html = admin_client.get(f"{LIST}?status=retired", headers=HX).get_data(as_text=True)
    assert "No service matches these filters." in html
    html = admin_client.get(f"{LIST}?q=tax", headers=HX).get_data(as_text=True)
    assert "Service TAX" in html and "Service BIRTH" not in html


# ------------------------------------------------------------------------------- editor


def test_the_editor_has_every_section_with_languages_side_by_side(admin_client, service):
    html = admin_client.get(page(service)).get_data(as_text=True)
    for section in ("texts", "basics", "classification", "documents", "fees",
                    "processing_times", "legal_basis", "offers"):  # fmt: skip
        assert f'<section id="{section}"' in html
    for lang in ("mk", "sq", "en"):
        assert f'name="name-{lang}"' in html
    assert 'name="documents-0-name-mk"' in html and 'name="fees-0-amount" ' not in html
    assert 'value="50"' in html  # 5000 deni shown as 50 denars
    assert "badge-missing" in html  # the fee label has no Albanian


def test_the_icon_is_chosen_by_looking_at_the_icons(admin_client, service, db):
    service.icon = "baby"
    db.session.commit()
    html = admin_client.get(page(service)).get_data(as_text=True)
    radios = re.findall(r'<input type="radio" name="icon" value="([\w-]+)"( checked)?>', html)
    assert len(radios) > 30 and [v for v, checked in radios if checked] == ["baby"]
    assert 'class="icon"' in html.split('value="car"', 1)[1][:300]  # the icon itself


def test_saving_a_published_service_keeps_the_change_for_review(admin_client, service, db):
    response = submit(admin_client, service, {"name-mk": "Извод од родени"})
    assert response.status_code == 303
    db.session.expire_all()
    fresh = db.session.get(Service, service.id)
    assert fresh.name["mk"] == "Услуга BIRTH" and fresh.draft["name"]["mk"] == "Извод од родени"
    html = admin_client.get(response.location).get_data(as_text=True)
    assert "There are unpublished changes." in html and 'value="Извод од родени"' not in html
    assert "Извод од родени</textarea>" in html  # the editor shows the draft


def test_a_mistake_comes_back_422_with_everything_typed(admin_client, service, db):
    typed = {
        "name-sq": "Ekstrakt <i>i ri</i>",
        "fees-0-amount": "-5",
        "fees-0-currency": "XYZ",
        "documents-0-form_url": "javascript:alert(1)",
        "valid_to": "2020-13-01",
    }
    response = submit(admin_client, service, typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in html and 'href="#service-fees-0-amount"' in html
    assert "The amount cannot be negative." in html
    assert 'value="-5"' in html and 'value="javascript:alert(1)"' in html
    assert "Ekstrakt &lt;i&gt;i ri&lt;/i&gt;</textarea>" in html
    assert '<option value="XYZ" selected>' in html and 'value="2020-13-01"' in html
    assert 'aria-invalid="true"' in html
    db.session.expire_all()
    assert db.session.get(Service, service.id).draft is None


def test_a_mistake_in_htmx_comes_back_as_the_editor_without_the_page(admin_client, service):
    response = submit(admin_client, service, {"average_minutes": "0"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.lstrip().startswith('<div id="service-editor">') and "<html" not in html
    assert "Enter a whole number from 1 to 240." in html


def test_ten_thousand_characters_are_refused_and_kept(admin_client, service):
    text = "ж" * 10_000
    response = submit(admin_client, service, {"description-mk": text})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Use at most 5000 characters." in html
    assert text in html


def test_script_tags_are_stored_as_text_and_shown_escaped(admin_client, service, db):
    hostile = '<script>alert("x")</script>'
    response = submit(admin_client, service,
                      {"name-mk": hostile, "name-en": hostile, "summary-en": hostile},
                      then="publish")  # fmt: skip
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Service, service.id).name["mk"] == hostile
    for url in (page(service), LIST, f"{page(service)}/preview?language=en",
                f"{page(service)}/history"):  # fmt: skip
        html = admin_client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(" in html, url


def test_an_add_button_redraws_only_its_section(admin_client, service, db):
    data = editor_form(admin_client, service)
    data.update(csrf_token=[csrf_token(admin_client, page(service))], add=["documents"])
    data["documents-0-name-sq"] = ["Letërnjoftim"]
    response = admin_client.post(f"{page(service)}/rows", data=data, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="documents"')
    assert 'name="documents-1-name-mk"' in html and "autofocus" in html
    assert ">Letërnjoftim</textarea>" in html  # what was typed stays
    data.update(add=[], remove=["documents-0"])
    html = admin_client.post(f"{page(service)}/rows", data=data, headers=HX).get_data(as_text=True)
    assert 'name="documents-0-name-mk"' not in html and "No documents are needed." in html
    db.session.expire_all()
    assert len(db.session.get(Service, service.id).documents) == 1  # nothing was saved


def test_without_javascript_the_add_button_redraws_the_page(admin_client, service):
    response = submit(admin_client, service, add="fees")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert 'name="fees-1-currency"' in html


def test_an_empty_added_row_is_dropped_on_saving(admin_client, service, db):
    response = submit(
        admin_client,
        service,
        {"legal_basis-0-act-mk": "", "legal_basis-0-article": "", "legal_basis-0-url": ""},
    )
    assert response.status_code == 303


def test_save_and_publish_puts_the_change_live_and_tells_the_offices(
    admin_client, service, db, monkeypatch
):
    told = []
    monkeypatch.setattr(realtime, "catalogue_changed", told.append, raising=False)
    response = submit(admin_client, service, {"fees-0-amount": "60"}, then="publish")
    assert response.status_code == 303
    db.session.expire_all()
    fresh = db.session.get(Service, service.id)
    assert fresh.fees[0].amount_minor == 6000 and fresh.draft is None
    assert [o.slug for o in told] == ["centar"]
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity == "service").order_by(AuditEntry.id)
    ).all()
    assert actions[-2:] == ["draft", "publish"]


def test_publishing_works_when_realtime_does_not_know_the_catalogue_yet(
    admin_client, service, db, monkeypatch
):
    monkeypatch.delattr(realtime, "catalogue_changed", raising=False)
    submit(admin_client, service, {"name-en": "Birth certificate"})
    response = post(admin_client, f"{page(service)}/publish", token_from=page(service))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Service, service.id).name["en"] == "Birth certificate"


def test_retire_and_discard_over_htmx_reload_the_editor(admin_client, service, db):
    submit(admin_client, service, {"name-en": "Changed"})
    response = post(admin_client, f"{page(service)}/discard", headers=HX, token_from=page(service))
    assert response.status_code == 204 and response.headers["HX-Redirect"] == page(service)
    response = post(admin_client, f"{page(service)}/retire", headers=HX, token_from=page(service))
    assert response.status_code == 204
    db.session.expire_all()
    fresh = db.session.get(Service, service.id)
    assert fresh.status == "retired" and fresh.draft is None
    response = post(admin_client, f"{page(service)}/retire", headers=HX, token_from=page(service))
    assert response.status_code == 409 and "already retired" in response.get_data(as_text=True)


def test_a_new_service_is_added_as_a_draft(admin_client, office, db):
    url = f"{LIST}/services/new"
    data = {
        "csrf_token": csrf_token(admin_client, url),
        "langs": "mk,sq,en",
        "code": "PARK-1",
        "icon": "car",
        "average_minutes": "10",
        "name-mk": "Паркинг",
        "offers-centar-active": "1",
        "offers-centar-queue": "E",
        "offers-centar-floor": "",
        "offers-centar-room": "",
    }
    response = admin_client.post(url, data=data)
    assert response.status_code == 303
    created = db.session.scalar(select(Service).filter_by(code="PARK-1"))
    assert created.status == "draft" and response.location == page(created)
    offer = db.session.scalar(select(OfficeService).filter_by(service_id=created.id))
    assert offer.queue.prefix == "E"
    response = admin_client.post(url, data={**data, "name-mk": "", "code": "PARK-1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Another service already has the code" in html


# ------------------------------------------------------------------------------- preview


def test_the_preview_shows_the_draft_in_the_chosen_language(admin_client, service):
    submit(admin_client, service, {"name-sq": "Ekstrakti i lindjes"})
    html = admin_client.get(f"{page(service)}/preview?language=sq").get_data(as_text=True)
    assert '<article class="kp" lang="sq">' in html
    assert "Ekstrakti i lindjes" in html
    assert 'lang="mk">Лична карта' in html  # no Albanian: Macedonian, marked as such
    assert "50,00" in html or "50.00" in html
    live = admin_client.get(f"{page(service)}/preview?language=sq&version=live")
    assert "Ekstrakti i lindjes" not in live.get_data(as_text=True)


# ------------------------------------------------------------------------------- history


def test_the_history_says_who_changed_what(admin_client, service):
    submit(admin_client, service, {"fees-0-amount": "70"})
    html = admin_client.get(f"{page(service)}/history").get_data(as_text=True)
    assert "Changes saved for review" in html and "Boss" in html
    assert "<del>5000</del>" in html and "<ins>7000</ins>" in html
    assert "Fees 1 › Amount (minor units)" in html


# ------------------------------------------------------------------------------- categories


def test_categories_are_added_changed_and_removed(admin_client, office, db):
    url = f"{LIST}/categories"
    response = post(admin_client, url, {"code": "civil", "name-mk": "Матична", "icon": "id",
                                     "position": "1"}, headers=HX)  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="classifiers"')
    row = db.session.scalar(select(Category).filter_by(code="civil"))
    response = post(admin_client, f"{url}/{row.id}", {"code": "civil", "name-mk": "",
                                                  "position": "1"}, headers=HX)  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Enter the name in the first language." in html
    response = post(admin_client, f"{url}/{row.id}/delete")
    assert response.status_code == 303
    assert db.session.scalar(select(Category).filter_by(code="civil")) is None
    assert admin_client.get(f"{LIST}/nonsense").status_code == 404


# ------------------------------------------------------------------------------- import/export


def test_the_export_downloads_the_catalogue(admin_client, service):
    response = admin_client.get(f"{LIST}/export")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    assert 'attachment; filename="catalogue-test-town-' in response.headers["Content-Disposition"]
    document = json.loads(response.get_data(as_text=True))
    assert [n["identifier"] for n in document["services"]] == ["BIRTH", "TAX"]


def upload(client, content: bytes, name="catalogue.json"):
    url = f"{LIST}/import"
    data = {"csrf_token": csrf_token(client, url), "file": (io.BytesIO(content), name)}
    return client.post(url, data=data, content_type="multipart/form-data")


def test_an_uploaded_file_is_imported(admin_client, service, db):
    document = json.loads(admin_client.get(f"{LIST}/export").get_data(as_text=True))
    node = document["services"][0]
    node["identifier"] = "BIRTH-2"
    node["@id"] = "service/BIRTH-2"
    response = upload(admin_client, cpsv.dumps({**document, "services": [node]}).encode())
    assert response.status_code == 303 and response.location.endswith(LIST)
    assert "1 services added" in admin_client.get(LIST).get_data(as_text=True)
    assert db.session.scalar(select(Service).filter_by(code="BIRTH-2")).fees[0].amount_minor == 5000


def test_a_broken_upload_is_refused_with_line_and_reason(admin_client, service, db):
    text = admin_client.get(f"{LIST}/export").get_data(as_text=True)
    broken = text.replace('"value": "50.00"', '"value": "-50.00"', 1)
    response = upload(admin_client, broken.encode())
    html = response.get_data(as_text=True)
    line = broken[: broken.index('"value": "-50.00"')].count("\n") + 1
    assert response.status_code == 422 and "nothing was changed" in html
    assert f'<td class="num">{line}</td>' in html and "The amount cannot be negative." in html
    assert "$.services[0].hasCost[0].value" in html
    response = upload(admin_client, b'{"services": [}')
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and '<td class="num">1:15</td>' in html
    assert db.session.scalar(select(AuditEntry).filter_by(action="import")) is None


def test_an_upload_without_a_file_asks_for_one(admin_client, office):
    url = f"{LIST}/import"
    response = admin_client.post(url, data={"csrf_token": csrf_token(admin_client, url)})
    assert response.status_code == 422 and "Choose a file to import." in response.get_data(
        as_text=True
    )
