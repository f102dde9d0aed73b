"""Kiosk search without HTTP: any script, any spelling, a typo, sensible ranking, and only the
services a citizen may take a ticket for."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.demo import load_demo
from kiosk.models import (
    Category,
    Office,
    OfficeService,
    RequiredDocument,
    Service,
    utcnow,
)
from kiosk.services import catalogue as cat
from kiosk.services import search as s
from kiosk.services.search import fold, highlight, search_services

LANGS = ["mk", "sq", "en"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts without an index left by another test's database."""
    s.invalidate()
    yield
    s.invalidate()


@pytest.fixture
def office(factory):
    return factory.office(services=())


def add(session, office: Office, code: str, name: dict, **fields) -> Service:
    """A service offered at the office (published unless told otherwise)."""
    documents = fields.pop("documents", [])
    categories = fields.pop("categories", [])
    active = fields.pop("active", True)
    service = Service(
        organisation=office.organisation,
        code=code,
        name=name,
        status=fields.pop("status", "published"),
        updated_at=utcnow(),
        **fields,
    )
    service.documents = [RequiredDocument(name=doc, position=i) for i, doc in enumerate(documents)]
    service.categories = categories
    session.add(service)
    queue = office.queues[0] if office.queues else None
    if queue is None:
        from kiosk.models import Queue

        queue = Queue(office=office, prefix="A", name={"en": "A"})
        session.add(queue)
    position = len(office.services)
    session.add(
        OfficeService(office=office, service=service, queue=queue, position=position, active=active)
    )
    session.flush()
    session.expire(office, ["services", "queues"])
    return service


def codes(session, office, query, langs=LANGS, **kwargs) -> list[str]:
    hits = search_services(session, office, query, langs, **kwargs)
    return [session.get(Service, h.service_id).code for h in hits]


@pytest.fixture
def catalogue(db, office):
    """A few services written the way the catalogue writes them."""
    add(
        db.session,
        office,
        "BIRTH",
        {
            "mk": "Извод од матична книга на родени",
            "sq": "Ekstrakt nga libri amë i të lindurve",
            "en": "Birth certificate",
        },
        short_name={"mk": "Извод од родени", "en": "Birth certificate"},
        keywords={"mk": "раѓање бебе", "en": "baby newborn"},
        documents=[{"mk": "Лична карта", "sq": "Letërnjoftimi", "en": "ID card"}],
    )
    add(
        db.session,
        office,
        "IDCARD",
        {"mk": "Лична карта", "sq": "Letërnjoftim", "en": "Identity card"},
        summary={"en": "Apply for a new identity card."},
    )
    add(
        db.session,
        office,
        "CERT",
        {
            "mk": "Потврда за платен данок",
            "sq": "Vërtetim për tatimin e paguar",
            "en": "Tax paid certificate",
        },
    )
    add(
        db.session,
        office,
        "CHURCH",
        {"mk": "Дозвола за џамија и ќерамида", "sq": "Leje për xhami", "en": "Roof permit"},
    )
    add(
        db.session,
        office,
        "BG",
        {"bg": "Удостоверение за съпруг", "tr": "Eş belgesi şehir", "en": "Spouse certificate"},
    )


# ------------------------------------------------------------------------------- folding


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("izvod", "Извод"),
        ("IZVOD", "извод"),
        ("lichna karta", "Лична карта"),
        ("licna karta", "Лична карта"),
        ("ličná karta", "лична карта"),
        ("zhivot", "живот"),
        ("zivot", "живот"),
        ("shuma", "шума"),
        ("dzamija", "џамија"),
        ("djamija", "џамија"),
        ("kjerka", "ќерка"),
        ("kerka", "ќерка"),
        ("gjorgji", "Ѓорѓи"),
        ("gorgi", "Ѓорѓи"),
        ("ljubov", "љубов"),
        ("njiva", "њива"),
        ("carina", "царина"),
        ("hleb", "хлеб"),
        ("majka", "майка"),
        ("mayka", "майка"),
        ("shtastie", "щастие"),
        ("jug", "юг"),
        ("yug", "юг"),
        ("jabalka", "ябълка"),
        ("vertetim", "Vërtetim"),
        ("certifikate", "çertifikatë"),
        ("sehir", "şehir"),
        ("igdir", "Iğdır"),
        ("ozel", "Özel"),
        ("uzum", "üzüm"),
        ("potvrda", "potvrdа"),  # the last letter is a Cyrillic а
        ("dzami", "xhami"),
    ],
)
def test_any_spelling_folds_to_the_same_word(typed, written):
    assert fold(typed) == fold(written)


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("tsarina", "Царина"),
        ("carina", "Царина"),
        ("sad", "Съд"),
        ("sud", "Съд"),
        ("cerka", "Ќерка"),
        ("kerka", "Ќерка"),
        ("kjerka", "Ќерка"),
    ],
)
def test_letters_written_two_ways_match_either_way(db, office, typed, written):
    add(db.session, office, "X", {"mk": written})
    assert codes(db.session, office, typed) == ["X"]


def test_fold_keeps_different_words_apart():
    assert fold("извод") != fold("извoz")
    assert fold("дом") != fold("том")


# ------------------------------------------------------------------------------- finding


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    "typed",
    ["izvod", "Izvod", "ИЗВОД", "извод", "izv", "изв", "izvod od", "maticna", "matichna"],
)
def test_latin_or_cyrillic_finds_the_cyrillic_name(db, office, typed):
    assert codes(db.session, office, typed)[0] == "BIRTH"


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("typed", ["lichna karta", "licna karta", "лична карта", "licna kar"])
def test_every_spelling_of_lichna_karta_finds_the_id_card(db, office, typed):
    assert codes(db.session, office, typed)[0] == "IDCARD"


@pytest.mark.usefixtures("catalogue")
def test_cyrillic_typed_finds_a_latin_only_name(db, office):
    assert codes(db.session, office, "летерњофтим")[0] == "IDCARD"
    assert "CERT" in codes(db.session, office, "вертетим")


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("typed", ["vertetim", "vërtetim", "xhami", "djamija", "dzamija"])
def test_albanian_letters_typed_plain_match(db, office, typed):
    assert codes(db.session, office, typed)


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("typed", ["sehir", "şehir", "es belgesi", "saprug", "suprug", "съпруг"])
def test_turkish_and_bulgarian_spellings_match(db, office, typed):
    assert codes(db.session, office, typed) == ["BG"]


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("typed", ["izvot", "izovd", "ivzod", "извот", "potvdra", "sertificate"])
def test_one_typo_still_finds_the_service(db, office, typed):
    found = codes(db.session, office, typed)
    assert found, typed
    assert found[0] in {"BIRTH", "CERT", "BG"}


@pytest.mark.usefixtures("catalogue")
def test_a_typo_match_is_reported_as_not_exact(db, office):
    hit = search_services(db.session, office, "izvot", LANGS)[0]
    assert not hit.exact
    hit = search_services(db.session, office, "izvod", LANGS)[0]
    assert hit.exact


@pytest.mark.usefixtures("catalogue")
def test_short_words_get_no_typo_allowance(db, office):
    assert codes(db.session, office, "izx") == []


@pytest.mark.usefixtures("catalogue")
def test_every_typed_word_must_match(db, office):
    assert codes(db.session, office, "lichna zzzzzzz") == []


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("typed", ["", "   ", "!!", "—"])
def test_blank_query_finds_nothing(db, office, typed):
    assert codes(db.session, office, typed) == []


# ------------------------------------------------------------------------------- ranking


@pytest.mark.usefixtures("catalogue")
def test_name_that_starts_with_the_query_beats_a_document_mention(db, office):
    # "Лична карта" is the ID card's name and a document the birth certificate needs.
    assert codes(db.session, office, "licna")[:2] == ["IDCARD", "BIRTH"]


def test_name_prefix_beats_word_in_name_beats_keyword_beats_summary(db, office):
    add(db.session, office, "SUMMARY", {"en": "Parking permit"}, summary={"en": "Tax on land"})
    add(db.session, office, "KEYWORD", {"en": "Building permit"}, keywords={"en": "tax"})
    add(db.session, office, "INNAME", {"en": "Property tax"})
    add(db.session, office, "PREFIX", {"en": "Tax clearance"})
    assert codes(db.session, office, "tax", ["en"]) == ["PREFIX", "INNAME", "KEYWORD", "SUMMARY"]


def test_exact_beats_fuzzy(db, office):
    add(db.session, office, "FUZZY", {"en": "Permits"})  # "permit" with one letter more
    add(db.session, office, "EXACT", {"en": "Parking permit"})
    add(db.session, office, "TYPO", {"en": "Permut office"})
    found = codes(db.session, office, "parking permit", ["en"])
    assert found == ["EXACT"]
    assert codes(db.session, office, "permit ", ["en"])[:2] == ["FUZZY", "EXACT"]
    # a typo is forgiven only when nothing matches as typed ("permut" is one edit away)
    assert "TYPO" not in codes(db.session, office, "permit", ["en"])
    assert set(codes(db.session, office, "permt", ["en"])) >= {"EXACT", "TYPO"}


def test_office_button_order_breaks_ties(db, office):
    add(db.session, office, "FIRST", {"en": "Tax one"})
    add(db.session, office, "SECOND", {"en": "Tax two"})
    assert codes(db.session, office, "tax", ["en"]) == ["FIRST", "SECOND"]


def test_category_names_are_searched(db, office):
    civil = Category(
        organisation_id=office.organisation_id,
        code="civil",
        name={"mk": "Матична евиденција", "en": "Civil registry"},
    )
    db.session.add(civil)
    add(db.session, office, "WED", {"en": "Wedding"}, categories=[civil])
    hit = search_services(db.session, office, "evidencija", LANGS)[0]
    assert (hit.field, hit.lang) == ("category", "mk")


def test_limit_caps_the_results(db, office):
    for i in range(30):
        add(db.session, office, f"S{i:02}", {"en": f"Tax number {i}"})
    assert len(codes(db.session, office, "tax", ["en"])) == 20
    assert len(codes(db.session, office, "tax", ["en"], limit=5)) == 5


# ------------------------------------------------------------------------------- what is offered


def test_only_published_and_offered_services_are_found(db, factory, office):
    add(db.session, office, "LIVE", {"en": "Tax live"})
    add(db.session, office, "DRAFT", {"en": "Tax draft"}, status="draft")
    add(db.session, office, "RETIRED", {"en": "Tax retired"}, status="retired")
    add(db.session, office, "OFF", {"en": "Tax switched off"}, active=False)
    other = factory.office("other", services=())
    add(db.session, other, "ELSEWHERE", {"en": "Tax elsewhere"})
    assert codes(db.session, office, "tax", ["en"]) == ["LIVE"]
    assert codes(db.session, other, "tax", ["en"]) == ["ELSEWHERE"]


def test_services_outside_their_validity_are_not_found(db, office):
    today = dt.date(2026, 6, 1)
    add(db.session, office, "FUTURE", {"en": "Tax future"}, valid_from=dt.date(2026, 7, 1))
    add(db.session, office, "PAST", {"en": "Tax past"}, valid_to=dt.date(2026, 5, 31))
    add(db.session, office, "NOW", {"en": "Tax now"}, valid_to=dt.date(2026, 6, 1))
    assert codes(db.session, office, "tax", ["en"], today=today) == ["NOW"]
    assert "FUTURE" in codes(db.session, office, "tax", ["en"], today=dt.date(2026, 7, 1))


def test_retiring_a_service_removes_it_at_once(db, factory, office):
    service = add(db.session, office, "GONE", {"en": "Tax gone"})
    assert codes(db.session, office, "tax", ["en"]) == ["GONE"]
    cat.retire_service(db.session, service, actor=None)
    assert codes(db.session, office, "tax", ["en"]) == []


def test_an_edit_shows_only_after_publishing(db, factory):
    load_demo(db.session)
    office = db.session.scalar(db.select(Office).filter_by(slug="centar"))
    found = search_services(db.session, office, "izvod", ["mk"])
    assert found
    service = db.session.get(Service, found[0].service_id)
    edit = cat.current_data(service)
    edit["name"] = {**edit["name"], "en": "Zebracrossing extract"}
    assert cat.update_service(db.session, service, edit, actor=None) == "draft"
    assert codes(db.session, office, "zebracrossing") == []  # a draft is not public yet
    cat.publish_service(db.session, service, actor=None, now=utcnow() + dt.timedelta(seconds=1))
    assert codes(db.session, office, "zebracrossing") == [service.code]
    assert codes(db.session, office, "зебрацросинг") == [service.code]


def test_publishing_a_new_service_makes_it_findable(db, factory, office):
    add(db.session, office, "OLD", {"mk": "Данок стар", "en": "Tax old"})
    assert codes(db.session, office, "tax", ["en"]) == ["OLD"]
    new = add(db.session, office, "NEW", {"mk": "Данок нов", "en": "Tax new"}, status="draft")
    assert codes(db.session, office, "tax", ["en"]) == ["OLD"]
    cat.publish_service(db.session, new, actor=None, now=utcnow() + dt.timedelta(seconds=1))
    assert codes(db.session, office, "tax", ["en"]) == ["OLD", "NEW"]


def _key(session, office) -> tuple[str, int]:
    return (str(session.get_bind().url), office.id)


def test_index_is_reused_until_something_changes(db, office):
    add(db.session, office, "A1", {"en": "Tax"})
    search_services(db.session, office, "tax", ["en"])
    first = s._cache[_key(db.session, office)]
    search_services(db.session, office, "ta", ["en"])
    assert s._cache[_key(db.session, office)] is first
    add(db.session, office, "A2", {"en": "Tax two"})
    search_services(db.session, office, "tax", ["en"])
    assert s._cache[_key(db.session, office)] is not first


def test_the_demo_catalogue_answers_in_every_language(db):
    load_demo(db.session)
    office = db.session.scalar(db.select(Office).filter_by(slug="centar"))
    for typed in ("izvod", "извод", "ekstrakt", "birth", "izvot"):
        assert search_services(db.session, office, typed, ["mk"]), typed


# ------------------------------------------------------------------------------- highlighting


@pytest.mark.usefixtures("catalogue")
def test_hit_carries_the_matched_text_and_spans(db, office):
    hit = search_services(db.session, office, "izvod", ["en", "mk"])[0]
    assert hit.field in {"name", "short_name"}
    assert hit.text.startswith("Извод")
    assert str(highlight(hit.text, hit.spans)).startswith("<mark>Извод</mark>")


def test_highlight_escapes_the_text():
    html = highlight("<b>Tax</b> & fees", ((3, 6),))
    assert str(html) == "&lt;b&gt;<mark>Tax</mark>&lt;/b&gt; &amp; fees"


def test_services_by_id_keeps_the_order(db, office):
    one = add(db.session, office, "ONE", {"en": "Tax one"})
    two = add(db.session, office, "TWO", {"en": "Tax two"})
    hits = [
        s.SearchHit(two.id, 2, "name", "en", "", True),
        s.SearchHit(one.id, 1, "name", "en", "", True),
    ]
    assert s.services_by_id(db.session, hits) == [two, one]


def test_search_and_its_version_check_work_on_each_database(any_app):
    from kiosk.extensions import db as database
    from tests.factories import Factory

    office = Factory(database.session).office(services=())
    birth = add(database.session, office, "BIRTH", {"mk": "Извод од родени", "en": "Birth"})
    assert codes(database.session, office, "izvot") == ["BIRTH"]
    draft = add(database.session, office, "TAX", {"mk": "Данок", "en": "Tax"}, status="draft")
    assert codes(database.session, office, "danok") == []
    cat.publish_service(database.session, draft, actor=None, now=utcnow() + dt.timedelta(seconds=1))
    assert codes(database.session, office, "danok") == ["TAX"]
    cat.retire_service(database.session, birth, actor=None, now=utcnow() + dt.timedelta(seconds=2))
    assert codes(database.session, office, "izvod") == []


@pytest.mark.usefixtures("catalogue")
def test_a_remembered_answer_is_the_same_and_cannot_be_spoiled(db, office):
    first = search_services(db.session, office, "izvod", LANGS)
    first.clear()  # a caller changing its list changes nothing for the next citizen
    again = search_services(db.session, office, "Izvod", LANGS)
    assert [h.service_id for h in again] == [
        h.service_id for h in search_services(db.session, office, "извод", LANGS)
    ]
    assert again
