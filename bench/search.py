"""Kiosk search as a citizen types: per-keystroke latency on 1,000 services in five languages.

Builds a temporary SQLite database through the migrations, one organisation with one office
offering --services services (names, short names, keywords, summaries, three required documents,
a category and a life event, each in mk, sq, bg, en and tr), then:

  build      the time to build the office's index from the database (cold, --builds times)
             and the memory it holds (tracemalloc: what stays allocated after the build)
  keystroke  ``search_services`` for every prefix of realistic queries typed letter by letter
             (Latin and Cyrillic, with and without typos), --rounds times over; each call
             includes the version check against the database that a real request makes
  publish    the first search after a service is published (version changes: a rebuild)

    .venv/bin/python bench/search.py
    .venv/bin/python bench/search.py --services 1000 --rounds 20
"""

from __future__ import annotations

import argparse
import gc
import itertools
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c  # noqa: E402

LANGS = ("mk", "sq", "bg", "en", "tr")

# What a citizen asks for: (mk, sq, bg, en, tr)
KINDS = [
    ("Извод од", "Ekstrakt nga", "Извлечение от", "Extract from", "Sureti"),
    ("Потврда за", "Vërtetim për", "Удостоверение за", "Certificate of", "Belgesi"),
    ("Уверение за", "Certifikatë për", "Уверение за", "Statement of", "Tasdiki"),
    ("Барање за", "Kërkesë për", "Заявление за", "Application for", "Başvurusu"),
    ("Дозвола за", "Leje për", "Разрешение за", "Permit for", "İzni"),
    ("Решение за", "Aktvendim për", "Решение за", "Decision on", "Kararı"),
    ("Пријава на", "Paraqitje e", "Регистрация на", "Registration of", "Kaydı"),
    ("Промена на", "Ndryshim i", "Промяна на", "Change of", "Değişikliği"),
    ("Одјава на", "Çregjistrim i", "Отписване на", "Deregistration of", "Silinmesi"),
    ("Надомест за", "Kompensim për", "Обезщетение за", "Allowance for", "Ödeneği"),
    ("Жалба за", "Ankesë për", "Жалба за", "Appeal on", "İtirazı"),
    ("Копија од", "Kopje e", "Копие от", "Copy of", "Kopyası"),
    ("Продолжување на", "Vazhdim i", "Продължаване на", "Renewal of", "Yenilenmesi"),
    ("Упис во", "Regjistrim në", "Вписване в", "Entry in", "Kaydı girişi"),
    ("Ослободување од", "Lirim nga", "Освобождаване от", "Exemption from", "Muafiyeti"),
    ("Поврат на", "Kthim i", "Възстановяване на", "Refund of", "İadesi"),
    ("Заверка на", "Vërtetim i", "Заверка на", "Certification of", "Onayı"),
    ("Издавање на", "Lëshim i", "Издаване на", "Issue of", "Verilmesi"),
    ("Согласност за", "Pëlqim për", "Съгласие за", "Consent for", "Muvafakati"),
    ("Мислење за", "Mendim për", "Становище за", "Opinion on", "Görüşü"),
]
SUBJECTS = [
    (
        "матична книга на родени",
        "librin amë të të lindurve",
        "акт за раждане",
        "birth register",
        "doğum kaydı",
    ),
    (
        "матична книга на венчани",
        "librin amë të të kurorëzuarve",
        "акт за брак",
        "marriage register",
        "evlilik kaydı",
    ),
    (
        "матична книга на умрени",
        "librin amë të të vdekurve",
        "акт за смърт",
        "death register",
        "ölüm kaydı",
    ),
    ("државјанство", "shtetësi", "гражданство", "citizenship", "vatandaşlık"),
    ("лична карта", "letërnjoftim", "лична карта", "identity card", "kimlik kartı"),
    ("живеалиште", "vendbanim", "постоянен адрес", "permanent address", "ikamet"),
    ("престојувалиште", "vendqëndrim", "настоящ адрес", "temporary address", "geçici ikamet"),
    ("данок на имот", "tatim në pronë", "данък върху имот", "property tax", "emlak vergisi"),
    ("комунална такса", "taksë komunale", "такса битови отпадъци", "waste fee", "çöp vergisi"),
    ("градежна парцела", "parcelë ndërtimi", "урегулиран имот", "building plot", "inşaat arsası"),
    ("градба", "ndërtim", "строеж", "construction", "inşaat"),
    (
        "урбанистички план",
        "plan urbanistik",
        "подробен устройствен план",
        "urban plan",
        "imar planı",
    ),
    ("раскопување", "gërmim", "разкопаване", "road digging", "kazı"),
    ("јавна површина", "sipërfaqe publike", "общинска площ", "public space", "kamu alanı"),
    ("угостителски објект", "objekt hotelier", "заведение", "restaurant", "lokanta"),
    ("работно време", "orar pune", "работно време", "opening hours", "çalışma saatleri"),
    ("такси возило", "automjet taksi", "таксиметров автомобил", "taxi vehicle", "taksi aracı"),
    ("паркинг", "parkim", "паркиране", "parking", "otopark"),
    ("социјална помош", "ndihmë sociale", "социална помощ", "social assistance", "sosyal yardım"),
    ("детски додаток", "shtesë për fëmijë", "детски надбавки", "child benefit", "çocuk yardımı"),
    (
        "еднократна помош",
        "ndihmë e njëhershme",
        "еднократна помощ",
        "one-off aid",
        "tek seferlik yardım",
    ),
    ("стипендија", "bursë", "стипендия", "scholarship", "burs"),
    ("градинка", "kopsht", "детска градина", "kindergarten", "anaokulu"),
    ("основно училиште", "shkollë fillore", "основно училище", "primary school", "ilkokul"),
    ("гробно место", "varr", "гробно място", "grave plot", "mezar yeri"),
    ("куче миленик", "qen shtëpiak", "домашен любимец", "pet dog", "evcil köpek"),
    (
        "бизнис регистар",
        "regjistër biznesi",
        "търговски регистър",
        "business register",
        "ticaret sicili",
    ),
    (
        "занаетчиска дејност",
        "veprimtari zejtare",
        "занаятчийска дейност",
        "craft business",
        "zanaat faaliyeti",
    ),
    ("земјоделско земјиште", "tokë bujqësore", "земеделска земя", "farmland", "tarım arazisi"),
    ("легализација", "legalizim", "узаконяване", "legalisation", "yasallaştırma"),
    ("водовод", "ujësjellës", "водопровод", "water supply", "su şebekesi"),
    (
        "улично осветлување",
        "ndriçim rrugor",
        "улично осветление",
        "street lighting",
        "sokak aydınlatması",
    ),
    ("дрво за сечење", "dru për prerje", "сеч на дърво", "tree felling", "ağaç kesimi"),
    (
        "настан на отворено",
        "ngjarje në natyrë",
        "събитие на открито",
        "outdoor event",
        "açık hava etkinliği",
    ),
    ("реклама", "reklamë", "реклама", "advertising sign", "reklam tabelası"),
    ("ветеран", "veteran", "ветеран", "veteran", "gazi"),
    (
        "лице со попреченост",
        "person me aftësi të kufizuara",
        "човек с увреждане",
        "person with disability",
        "engelli kişi",
    ),
    ("пензионер", "pensionist", "пенсионер", "pensioner", "emekli"),
    ("стан", "banesë", "жилище", "flat", "daire"),
    ("фасада", "fasadë", "фасада", "facade", "cephe"),
    ("велосипед", "biçikletë", "велосипед", "bicycle", "bisiklet"),
    ("пазар", "treg", "пазар", "market stall", "pazar tezgahı"),
    ("брак", "martesë", "брак", "marriage", "evlilik"),
    ("погреб", "varrim", "погребение", "funeral", "cenaze"),
    ("патна исправа", "dokument udhëtimi", "паспорт", "passport", "pasaport"),
    ("возачка дозвола", "patentë shoferi", "шофьорска книжка", "driving licence", "ehliyet"),
    ("имотен лист", "fletë pronësie", "скица на имот", "title deed", "tapu"),
    ("адреса", "adresë", "адрес", "address", "adres"),
    ("сведоштво", "dëftesë", "свидетелство", "school report", "karne"),
    ("волонтерство", "vullnetarizëm", "доброволчество", "volunteering", "gönüllülük"),
]
DOCUMENTS = [
    ("Лична карта", "Letërnjoftim", "Лична карта", "ID card", "Kimlik kartı"),
    ("Полномошно", "Autorizim", "Пълномощно", "Power of attorney", "Vekaletname"),
    ("Уплатница", "Fletëpagesë", "Платежно нареждане", "Payment slip", "Ödeme makbuzu"),
    ("Имотен лист", "Fletë pronësie", "Нотариален акт", "Title deed", "Tapu"),
    ("Барање", "Kërkesë", "Заявление", "Application form", "Başvuru formu"),
    (
        "Извод од родени",
        "Ekstrakt i lindjes",
        "Удостоверение за раждане",
        "Birth certificate",
        "Doğum belgesi",
    ),
]
CATEGORIES = [
    (
        "civil",
        (
            "Матична евиденција",
            "Gjendja civile",
            "Гражданска регистрация",
            "Civil registry",
            "Nüfus",
        ),
    ),
    ("tax", ("Даноци и такси", "Tatime dhe taksa", "Данъци и такси", "Taxes and fees", "Vergiler")),
    (
        "build",
        (
            "Урбанизам и градење",
            "Urbanizëm dhe ndërtim",
            "Устройство и строителство",
            "Building",
            "İmar",
        ),
    ),
    (
        "social",
        (
            "Социјална заштита",
            "Mbrojtje sociale",
            "Социални дейности",
            "Social support",
            "Sosyal yardım",
        ),
    ),
    ("business", ("За бизниси", "Për bizneset", "За бизнеса", "For businesses", "İşletmeler")),
]

# Typed letter by letter: every prefix is one keystroke.
QUERIES = [
    "izvod",
    "извод",
    "izvot",
    "potvrda",
    "потврда",
    "potvdra",
    "lichna karta",
    "licna karta",
    "лична карта",
    "vertetim",
    "vërtetim",
    "certifikate",
    "dozvola za gradba",
    "dozvola gradb",
    "danok na imot",
    "данок",
    "udostoverenie",
    "удостоверение",
    "belgesi",
    "kimlik",
    "izin",
    "birth certificate",
    "property tax",
    "parking",
    "social assistance",
    "drzavjanstvo",
    "drzhavjanstvo",
    "zivealiste",
    "zhivealishte",
    "stipendija",
    "stipendia",
    "pasaport",
    "patenta",
    "sertifikat",
    "reshenie",
    "resenie",
    "razreshenie",
    "ekstrakt",
    "kopsht",
    "bursë",
    "cocuk yardimi",
    "çocuk",
    "ndihme sociale",
    "ndihmë",
    "grobno mesto",
]


def texts(row: tuple, extra: str = "") -> dict:
    return {lang: f"{value}{extra}" for lang, value in zip(LANGS, row, strict=True)}


def migrate(url: str) -> None:
    from flask_migrate import upgrade

    from kiosk import create_app
    from kiosk.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "DEMO_DATA": False})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.session.remove()
        db.engine.dispose()


def seed(session, count: int, seed_value: int = 7):
    """One organisation, one office offering ``count`` services; returns the office."""
    from kiosk.models import (
        Category,
        LifeEvent,
        Office,
        OfficeService,
        Organisation,
        Queue,
        RequiredDocument,
        Service,
        utcnow,
    )

    rng = random.Random(seed_value)
    org = Organisation(slug="bench", name={"mk": "Општина", "en": "Municipality"})
    session.add(org)
    session.flush()
    office = Office(organisation=org, slug="bench", name={"en": "Bench"}, languages=list(LANGS))
    session.add(office)
    queues = [Queue(office=office, prefix=p, name={"en": p}) for p in "AEKMT"]
    session.add_all(queues)
    categories = [
        Category(organisation_id=org.id, code=code, name=texts(row), position=i)
        for i, (code, row) in enumerate(CATEGORIES)
    ]
    events = [
        LifeEvent(organisation_id=org.id, code=f"ev{i}", name=texts(subject))
        for i, subject in enumerate(SUBJECTS[:8])
    ]
    session.add_all(categories + events)
    session.flush()
    now = utcnow()
    combos = list(itertools.product(range(len(KINDS)), range(len(SUBJECTS))))
    rng.shuffle(combos)
    for n in range(count):
        kind, subject = KINDS[combos[n % len(combos)][0]], SUBJECTS[combos[n % len(combos)][1]]
        suffix = "" if n < len(combos) else f" {n // len(combos) + 1}"
        name = {
            lang: f"{k} {s}{suffix}" if lang != "tr" else f"{s} {k}{suffix}"
            for lang, k, s in zip(LANGS, kind, subject, strict=True)
        }
        service = Service(
            organisation_id=org.id,
            code=f"B-{n:04}",
            name=name,
            short_name={lang: value.split(" ", 1)[-1][:30] for lang, value in name.items()},
            keywords=texts(subject),
            summary={
                lang: f"{value}. {rng.choice(('1', '2', '5'))} {unit}"
                for lang, value, unit in zip(
                    LANGS, kind, ("дена", "ditë", "дни", "days", "gün"), strict=True
                )
            },
            status="published",
            updated_at=now,
        )
        service.documents = [
            RequiredDocument(name=texts(doc), position=i)
            for i, doc in enumerate(rng.sample(DOCUMENTS, 3))
        ]
        service.categories = [rng.choice(categories)]
        service.life_events = [rng.choice(events)] if rng.random() < 0.3 else []
        session.add(service)
        session.add(
            OfficeService(office=office, service=service, queue=rng.choice(queues), position=n)
        )
    session.flush()
    return office


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10, help="times each query is typed")
    parser.add_argument("--builds", type=int, default=5, help="cold index builds to time")
    args = parser.parse_args()

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from kiosk.models import Service, utcnow
    from kiosk.services import catalogue as cat
    from kiosk.services import search as s

    c.print_background_load()
    with c.fresh_sqlite() as url:
        migrate(url)
        engine = create_engine(url)
        with Session(engine) as session:
            office = seed(session, args.services)
            session.commit()
            office_id = office.id
        print(f"catalogue: {args.services} services in {len(LANGS)} languages (SQLite)")

        other = c.OtherWork().start()
        with Session(engine) as session:
            from kiosk.models import Office

            office = session.get(Office, office_id)
            builds, builds_cpu = [], []
            for _ in range(args.builds):
                s.invalidate()
                session.expire_all()
                t0, cpu0 = c.now(), time.thread_time()
                s.search_services(session, office, "x", ["mk"])
                builds.append(c.now() - t0)
                builds_cpu.append(time.thread_time() - cpu0)
            print("index build (cold, includes reading SQLite):")
            print(f"    wall time: {c.summary_ms(builds)}")
            print(f"    CPU time:  {c.summary_ms(builds_cpu)}")

            s.invalidate()
            session.expire_all()
            gc.collect()
            tracemalloc.start()
            before = tracemalloc.get_traced_memory()[0]
            s.search_services(session, office, "x", ["mk"])
            session.expunge_all()  # the ORM rows are not part of the index
            gc.collect()
            held = tracemalloc.get_traced_memory()[0] - before
            tracemalloc.stop()
            office = session.get(Office, office_id)
            index = s._cache[(str(engine.url), office_id)]
            print(
                f"index memory held: {held / 1e6:.1f} MB"
                f"  ({sum(len(e.texts) for e in index.entries)} texts,"
                f" {len(index.vocabulary)} distinct words, {len(index.trigrams)} trigrams)"
            )

            per_key: list[float] = []
            per_key_cpu: list[float] = []
            by_length: dict[int, list[float]] = {}
            empty = []
            memo: list[float] = []
            for _ in range(args.rounds):
                for query in QUERIES:
                    for end in range(1, len(query) + 1):
                        typed = query[:end]
                        # Every keystroke computed afresh: no answer remembered from before.
                        index.answers.clear()
                        t0, cpu0 = c.now(), time.thread_time()
                        hits = s.search_services(session, office, typed, ["mk", "en"])
                        elapsed = c.now() - t0
                        per_key_cpu.append(time.thread_time() - cpu0)
                        per_key.append(elapsed)
                        by_length.setdefault(min(len(typed), 6), []).append(elapsed)
                        if end == len(query) and not hits:
                            empty.append(query)
                        t0 = c.now()  # the same keystroke again: the remembered answer
                        s.search_services(session, office, typed, ["mk", "en"])
                        memo.append(c.now() - t0)
            print(
                f"per keystroke ({len(QUERIES)} queries typed letter by letter, "
                f"{args.rounds} rounds)"
            )
            print(f"    wall time: {c.summary_ms(per_key)}")
            print(f"    CPU time:  {c.summary_ms(per_key_cpu)}  (what contention cannot inflate)")
            print(f"    wall time, answer remembered (typed before): {c.summary_ms(memo)}")
            print("    wall time by letters typed (computed afresh):")
            for length, values in sorted(by_length.items()):
                label = f"{length}+ letters" if length == 6 else f"{length} letter(s)"
                print(f"      {label:>11}: {c.summary_ms(values)}")
            if empty:
                print(f"queries that found nothing: {sorted(set(empty))}")

            # Search without the version check: the in-memory part alone.
            real_index = s._index
            s._index = lambda _session, _office: index
            try:
                memory_only = []
                for query in QUERIES:
                    for end in range(1, len(query) + 1):
                        index.answers.clear()
                        t0 = c.now()
                        s.search_services(session, office, query[:end], ["mk", "en"])
                        memory_only.append(c.now() - t0)
            finally:
                s._index = real_index
            print(f"per keystroke without the database version check: {c.summary_ms(memory_only)}")

            t0, cpu0 = c.now(), time.thread_time()
            for _ in range(200):
                s._version(session, office)
            print(
                f"version check alone: {(c.now() - t0) / 200 * 1000:.2f} ms wall,"
                f" {(time.thread_time() - cpu0) / 200 * 1000:.2f} ms CPU"
            )

            service = session.scalars(
                Service.__table__.select().with_only_columns(Service.id).limit(1)
            ).first()
            service = session.get(Service, service)
            cat.publish_service(session, service, actor=None, now=utcnow())
            session.commit()
            t0 = c.now()
            s.search_services(session, office, "izvod", ["mk"])
            print(f"first search after a publish (rebuild): {(c.now() - t0) * 1000:.1f} ms")

            for query in ("izvod", "izvot", "лична карта", "vertetim", "kimlik"):
                hits = s.search_services(session, office, query, ["mk"], limit=3)
                names = [session.get(Service, h.service_id).title(["mk"]) for h in hits]
                print(f"    {query!r}: {names}")
        print(other.describe())
        engine.dispose()


if __name__ == "__main__":
    main()
