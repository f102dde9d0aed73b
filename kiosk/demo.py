"""Demo data: the Municipality of Kisela Voda (Skopje) with two offices, and the Municipality
of Haskovo (Bulgaria) with its administrative service centre, ready to try.

``python -m kiosk`` and ``flask --app kiosk seed-demo`` load it into an empty database. Kisela
Voda's texts are given in Macedonian, Albanian, Bulgarian and English, Haskovo's in Bulgarian,
English and (mostly) Turkish. The services, their documents, fees and notes and the addresses
are realistic examples, not an official catalogue (the catalogue's details are in
``demo_catalogue``); the demo passwords below are printed at start-up and must be changed (or
the accounts removed) before real use.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import demo_catalogue as catalogue
from .models import (
    Category,
    Counter,
    CounterService,
    Fee,
    LifeEvent,
    Office,
    OfficeService,
    Organisation,
    Queue,
    RequiredDocument,
    Role,
    Service,
    User,
    utcnow,
)
from .models.offices import WEEKDAYS

Text = dict[str, str]

DEMO_PASSWORDS: dict[str, str] = {
    "admin": "admin-demo-2026",
    "ana": "clerk-demo-2026",
    "besnik": "clerk-demo-2026",
    "maria": "clerk-demo-2026",
}


def _t(mk: str, sq: str, bg: str, en: str) -> Text:
    """A translatable text in the four demo languages."""
    return {"mk": mk, "sq": sq, "bg": bg, "en": en}


def _workdays(start: str, end: str) -> dict[str, list[list[str]]]:
    """Opening hours from Monday to Friday, closed at the weekend."""
    return {day: [] if day in ("sat", "sun") else [[start, end]] for day in WEEKDAYS}


ORGANISATION: dict[str, Any] = {
    "slug": "kisela-voda",
    "name": _t(
        "Општина Кисела Вода",
        "Komuna e Kisella Vodës",
        "Община Кисела Вода",
        "Municipality of Kisela Voda",
    ),
}

# Settings shared by both offices.
OFFICE_DEFAULTS: dict[str, Any] = {
    "timezone": "Europe/Skopje",
    "priority_policy": "strict",
    "wait_target_minutes": 20,
}

# Queue prefixes read and sound the same in Cyrillic and Latin: A, E, K, M (and T, unused here).
QUEUE_NAMES: dict[str, Text] = {
    "A": _t("Матична евиденција", "Gjendja civile", "Гражданско състояние", "Civil registry"),
    "E": _t("Даноци и такси", "Tatime dhe taksa", "Местни данъци и такси", "Local taxes and fees"),
    "K": _t(
        "Урбанизам и градежништво",
        "Urbanizëm dhe ndërtim",
        "Устройство на територията и строителство",
        "Urban planning and building",
    ),
    "M": _t(
        "Информации, социјална заштита и архива",
        "Informata, mbrojtje sociale dhe arkiv",
        "Информация, социални дейности и архив",
        "Information, social support and archive",
    ),
}

# Where a counter stands, as the signs in the hall say.
COUNTER_PLACES: dict[str, Text] = {
    "left": _t("Приземје, лево", "Kati përdhes, majtas", "Партер, вляво", "Ground floor, left"),
    "centre": _t(
        "Приземје, во средина", "Kati përdhes, në mes", "Партер, в средата", "Ground floor, centre"
    ),
    "right": _t(
        "Приземје, десно", "Kati përdhes, djathtas", "Партер, вдясно", "Ground floor, right"
    ),
    "entrance": _t(
        "Приземје, до влезот",
        "Kati përdhes, pranë hyrjes",
        "Партер, до входа",
        "Ground floor, by the entrance",
    ),
}


def _counter_name(number: int) -> Text:
    return _t(f"Шалтер {number}", f"Sporteli {number}", f"Гише {number}", f"Counter {number}")


# The catalogue of the municipality. "queue" is the prefix of the queue the service joins at
# every office that offers it; average_minutes is the usual time at the counter. Documents,
# fees, processing times, legal basis, categories and life events of these services are in
# ``demo_catalogue.KV_DETAILS``; the services added since are ``demo_catalogue.KV_NEW_SERVICES``.
SERVICES: list[dict[str, Any]] = [
    {
        "code": "MK-KV-001",
        "queue": "A",
        "icon": "baby",
        "average_minutes": 5,
        "name": _t(
            "Извод од матична книга на родени",
            "Ekstrakt nga libri amë i të lindurve",
            "Препис-извлечение от акт за раждане",
            "Birth certificate (extract from the register of births)",
        ),
        "short_name": _t(
            "Извод од родени", "Ekstrakti i lindjes", "Акт за раждане", "Birth certificate"
        ),
        "summary": _t(
            "Добивате извод за раѓање за вас или за вашето малолетно дете, обично истиот ден.",
            "Merrni ekstraktin e lindjes për veten ose për fëmijën tuaj të mitur, zakonisht "
            "në të njëjtën ditë.",
            "Получавате препис-извлечение от акта за раждане за себе си или за "
            "непълнолетното си дете, обикновено в същия ден.",
            "Get a birth certificate for yourself or your child under 18, usually the same day.",
        ),
        "ticket_note": _t(
            "Носете лична карта или пасош.",
            "Sillni letërnjoftimin ose pasaportën.",
            "Носете лична карта или паспорт.",
            "Bring your ID card or passport.",
        ),
    },
    {
        "code": "MK-KV-002",
        "queue": "A",
        "icon": "ring",
        "average_minutes": 5,
        "name": _t(
            "Извод од матична книга на венчани",
            "Ekstrakt nga libri amë i të martuarve",
            "Препис-извлечение от акт за граждански брак",
            "Marriage certificate (extract from the register of marriages)",
        ),
        "short_name": _t(
            "Извод од венчани",
            "Ekstrakti i martesës",
            "Акт за граждански брак",
            "Marriage certificate",
        ),
        "summary": _t(
            "Добивате извод за склучен брак, потребен за промена на презиме, нови документи "
            "или постапки во странство.",
            "Merrni ekstraktin e martesës, të nevojshëm për ndryshimin e mbiemrit, dokumente "
            "të reja ose procedura jashtë vendit.",
            "Получавате препис-извлечение от акта за граждански брак, нужно при смяна на "
            "фамилия, нови документи или процедури в чужбина.",
            "Get a marriage certificate, needed to change a surname, renew documents or for "
            "procedures abroad.",
        ),
        "ticket_note": _t(
            "Носете лична карта или пасош на еден од брачните другари.",
            "Sillni letërnjoftimin ose pasaportën e njërit prej bashkëshortëve.",
            "Носете лична карта или паспорт на единия от съпрузите.",
            "Bring the ID card or passport of one of the spouses.",
        ),
    },
    {
        "code": "MK-KV-003",
        "queue": "A",
        "icon": "file",
        "average_minutes": 6,
        "name": _t(
            "Извод од матична книга на умрени",
            "Ekstrakt nga libri amë i të vdekurve",
            "Препис-извлечение от акт за смърт",
            "Death certificate (extract from the register of deaths)",
        ),
        "short_name": _t(
            "Извод од умрени", "Ekstrakti i vdekjes", "Акт за смърт", "Death certificate"
        ),
        "summary": _t(
            "Добивате извод за смрт на член на семејството, потребен за наследство, пензија "
            "или банка.",
            "Merrni ekstraktin e vdekjes së një anëtari të familjes, të nevojshëm për "
            "trashëgimi, pension ose bankë.",
            "Получавате препис-извлечение от акта за смърт на ваш близък, нужно за "
            "наследство, пенсия или банка.",
            "Get a death certificate for a family member, needed for inheritance, pensions or "
            "the bank.",
        ),
        "ticket_note": _t(
            "Носете ја вашата лична карта и, ако го знаете, ЕМБГ на починатиот.",
            "Sillni letërnjoftimin tuaj dhe, nëse e dini, numrin amë (NUAQ) të të ndjerit.",
            "Носете лична карта и, ако го знаете, личния номер (ЕМБГ) на починалия.",
            "Bring your ID card and, if you know it, the deceased's personal number (EMBG).",
        ),
    },
    {
        "code": "MK-KV-004",
        "queue": "E",
        "icon": "coins",
        "average_minutes": 8,
        "name": _t(
            "Данок на имот — решение и плаќање",
            "Tatimi në pronë — aktvendimi dhe pagesa",
            "Данък върху недвижимите имоти — решение и плащане",
            "Property tax — assessment and payment",
        ),
        "short_name": _t("Данок на имот", "Tatimi në pronë", "Данък върху имот", "Property tax"),
        "summary": _t(
            "Проверете го решението за данок на имот или земете дупликат и уплатница за плаќање.",
            "Kontrolloni aktvendimin për tatimin në pronë ose merrni një kopje dhe fletëpagesë.",
            "Проверете решението за данъка върху имота си или вземете дубликат и вносна "
            "бележка за плащане.",
            "Check your property tax assessment, or get a copy of it and a payment slip.",
        ),
        "ticket_note": _t(
            "Носете лична карта и, ако го имате, решението за данок.",
            "Sillni letërnjoftimin dhe, nëse e keni, aktvendimin për tatimin.",
            "Носете лична карта и, ако го имате, решението за данъка.",
            "Bring your ID card and, if you have it, the tax assessment letter.",
        ),
    },
    {
        "code": "MK-KV-005",
        "queue": "E",
        "icon": "home",
        "average_minutes": 12,
        "name": _t(
            "Даночна пријава за данок на имот",
            "Deklarata tatimore për tatimin në pronë",
            "Декларация за данък върху недвижимите имоти",
            "Property tax return (new or changed property)",
        ),
        "short_name": _t(
            "Пријава на имот", "Deklarimi i pronës", "Деклариране на имот", "Declare a property"
        ),
        "summary": _t(
            "Пријавете имот што сте го купиле, наследиле или изградиле, во рок од 30 дена "
            "од стекнувањето.",
            "Deklaroni pronën që e keni blerë, trashëguar ose ndërtuar, brenda 30 ditëve nga "
            "fitimi i saj.",
            "Декларирайте имот, който сте купили, наследили или построили, до 30 дни след "
            "придобиването му.",
            "Declare a property you have bought, inherited or built, within 30 days of "
            "acquiring it.",
        ),
        "ticket_note": _t(
            "Носете лична карта и имотен лист или договор за купопродажба.",
            "Sillni letërnjoftimin dhe fletën pronësore ose kontratën e shitblerjes.",
            "Носете лична карта и имотен лист или договор за покупко-продажба.",
            "Bring your ID card and the title deed or the sales contract.",
        ),
    },
    {
        "code": "MK-KV-006",
        "queue": "E",
        "icon": "doc-check",
        "average_minutes": 7,
        "name": _t(
            "Уверение за имотна состојба",
            "Vërtetim për gjendjen pronësore",
            "Удостоверение за имотно състояние",
            "Certificate of property status",
        ),
        "short_name": _t(
            "Имотна состојба", "Gjendja pronësore", "Имотно състояние", "Property certificate"
        ),
        "summary": _t(
            "Потврда за имотите што ги поседувате во општината, потребна за стипендии, "
            "социјална помош или суд.",
            "Vërtetim për pronat që keni në komunë, i nevojshëm për bursa, ndihmë sociale "
            "ose gjykatë.",
            "Удостоверение за имотите, които притежавате в общината, нужно за стипендии, "
            "социално подпомагане или съд.",
            "A certificate of the property you own in the municipality, for grants, social "
            "support or the courts.",
        ),
        "ticket_note": _t(
            "Носете лична карта; за друго лице – и полномошно.",
            "Sillni letërnjoftimin; për person tjetër – edhe autorizimin.",
            "Носете лична карта; за друго лице – и пълномощно.",
            "Bring your ID card; for someone else, also their signed authorisation.",
        ),
    },
    {
        "code": "MK-KV-007",
        "queue": "E",
        "icon": "building",
        "average_minutes": 8,
        "name": _t(
            "Комунална такса за истакната фирма",
            "Taksa komunale për tabelën e firmës",
            "Местна такса за фирмен надпис",
            "Business sign fee (local utility fee)",
        ),
        "short_name": _t(
            "Такса за фирма", "Taksa për firmën", "Такса за фирмен надпис", "Business sign fee"
        ),
        "summary": _t(
            "За фирми и занаетчии: решение и уплатница за годишната комунална такса за "
            "истакната фирма.",
            "Për firma dhe zejtarë: aktvendimi dhe fletëpagesa për taksën vjetore komunale "
            "për tabelën e firmës.",
            "За фирми и занаятчии: решение и вносна бележка за годишната местна такса за "
            "фирмен надпис.",
            "For businesses and craftspeople: the assessment and payment slip for the yearly "
            "business sign fee.",
        ),
        "ticket_note": _t(
            "Носете тековна состојба од Централниот регистар и лична карта.",
            "Sillni gjendjen aktuale nga Regjistri Qendror dhe letërnjoftimin.",
            "Носете актуално състояние от Централния регистър и лична карта.",
            "Bring a current company extract from the Central Register and your ID card.",
        ),
    },
    {
        "code": "MK-KV-008",
        "queue": "E",
        "icon": "file",
        "average_minutes": 12,
        "name": _t(
            "Приговор на решение за данок на имот",
            "Ankesë kundër aktvendimit për tatimin në pronë",
            "Възражение срещу решение за данък върху имот",
            "Objection to a property tax assessment",
        ),
        "short_name": _t(
            "Приговор за данок", "Ankesë për tatimin", "Възражение за данък", "Tax objection"
        ),
        "summary": _t(
            "Ако мислите дека данокот е погрешно пресметан, поднесете приговор во рокот "
            "напишан во решението.",
            "Nëse mendoni se tatimi është llogaritur gabim, dorëzoni ankesë brenda afatit të "
            "shënuar në aktvendim.",
            "Ако смятате, че данъкът е изчислен грешно, подайте възражение в срока, посочен "
            "в решението.",
            "If you think your tax was worked out wrongly, object within the deadline stated "
            "on the assessment.",
        ),
        "ticket_note": _t(
            "Носете лична карта, решението и документите со кои го оспорувате.",
            "Sillni letërnjoftimin, aktvendimin dhe dokumentet me të cilat e kundërshtoni.",
            "Носете лична карта, решението и документите, с които го оспорвате.",
            "Bring your ID card, the assessment and any papers that support your objection.",
        ),
    },
    {
        "code": "MK-KV-009",
        "queue": "K",
        "icon": "building",
        "average_minutes": 20,
        "name": _t(
            "Одобрение за градење — совет и прием",
            "Leje për ndërtim — këshillim dhe pranim",
            "Разрешение за строеж — консултация и прием",
            "Building permit — advice and submission",
        ),
        "short_name": _t(
            "Одобрение за градење", "Leje ndërtimi", "Разрешение за строеж", "Building permit"
        ),
        "summary": _t(
            "Совет за барањето и документацијата; самото барање се поднесува електронски, "
            "во системот е-одобренија.",
            "Këshilla për kërkesën dhe dokumentacionin; vetë kërkesa dorëzohet në mënyrë "
            "elektronike, në sistemin e lejeve elektronike.",
            "Консултация за заявлението и документите; самото заявление се подава "
            "електронно, в системата за е-разрешения.",
            "Advice on the application and drawings; the application itself is filed online "
            "in the e-permits system.",
        ),
        "ticket_note": _t(
            "Носете имотен лист, извод од урбанистички план и проектот, ако го имате.",
            "Sillni fletën pronësore, ekstraktin nga plani urbanistik dhe projektin, nëse e keni.",
            "Носете имотен лист, извадка от подробния устройствен план и проекта, ако го имате.",
            "Bring the title deed, the extract from the urban plan and your project, if you "
            "have one.",
        ),
    },
    {
        "code": "MK-KV-010",
        "queue": "K",
        "icon": "home",
        "average_minutes": 20,
        "name": _t(
            "Легализација на бесправно изграден објект",
            "Legalizimi i objektit të ndërtuar pa leje",
            "Узаконяване на незаконно построена сграда",
            "Legalising a building built without a permit",
        ),
        "short_name": _t("Легализација", "Legalizimi", "Узаконяване", "Legalising a building"),
        "summary": _t(
            "Информации каде е вашиот предмет за легализација и дополнување на документацијата.",
            "Informata për gjendjen e lëndës suaj për legalizim dhe plotësimi i dokumentacionit.",
            "Информация докъде е преписката ви за узаконяване и допълване на документите.",
            "Find out where your legalisation case stands and hand in missing documents.",
        ),
        "ticket_note": _t(
            "Носете лична карта и бројот на вашиот предмет (од решението или известувањето).",
            "Sillni letërnjoftimin dhe numrin e lëndës suaj (nga aktvendimi ose njoftimi).",
            "Носете лична карта и номера на преписката си (от решението или уведомлението).",
            "Bring your ID card and your case number (from the decision or the notice).",
        ),
    },
    {
        "code": "MK-KV-011",
        "queue": "K",
        "icon": "tree",
        "average_minutes": 15,
        "name": _t(
            "Одобрение за поставување урбана опрема (летна тераса)",
            "Leje për vendosjen e pajisjeve urbane (tarracë verore)",
            "Разрешение за поставяне на градско обзавеждане (лятна градина)",
            "Permit for street furniture (summer terrace)",
        ),
        "short_name": _t("Летна тераса", "Tarracë verore", "Лятна градина", "Summer terrace"),
        "summary": _t(
            "За угостители и продавници: барање за летна тераса, штанд или друга урбана "
            "опрема на јавна површина.",
            "Për lokale dhe dyqane: kërkesë për tarracë verore, stendë ose pajisje tjetër "
            "urbane në sipërfaqe publike.",
            "За заведения и магазини: заявление за лятна градина, щанд или друго градско "
            "обзавеждане на общински терен.",
            "For cafés and shops: apply for a summer terrace, stand or other street furniture "
            "on public land.",
        ),
        "ticket_note": _t(
            "Носете тековна состојба, скица со мерки на површината и лична карта.",
            "Sillni gjendjen aktuale, skicën me përmasat e sipërfaqes dhe letërnjoftimin.",
            "Носете актуално състояние, скица с размерите на площта и лична карта.",
            "Bring a current company extract, a sketch with the area's measurements and your "
            "ID card.",
        ),
    },
    {
        "code": "MK-KV-012",
        "queue": "M",
        "icon": "coins",
        "average_minutes": 15,
        "name": _t(
            "Барање за еднократна парична помош",
            "Kërkesë për ndihmë financiare të njëhershme",
            "Заявление за еднократна финансова помощ",
            "Application for one-off financial assistance",
        ),
        "short_name": _t(
            "Еднократна помош", "Ndihmë e njëhershme", "Еднократна помощ", "One-off assistance"
        ),
        "summary": _t(
            "Општината може еднократно да помогне при тешка болест, пожар, поплава или смрт "
            "во семејството.",
            "Komuna mund të ndihmojë një herë në rast sëmundjeje të rëndë, zjarri, "
            "përmbytjeje ose vdekjeje në familje.",
            "Общината може да помогне еднократно при тежко заболяване, пожар, наводнение "
            "или смърт в семейството.",
            "The municipality can make a one-off payment after a serious illness, a fire, a "
            "flood or a death in the family.",
        ),
        "ticket_note": _t(
            "Носете лична карта, број на трансакциска сметка и документи за вашата состојба "
            "(на пр. медицинска документација).",
            "Sillni letërnjoftimin, numrin e llogarisë bankare dhe dokumente për gjendjen "
            "tuaj (p.sh. dokumentacion mjekësor).",
            "Носете лична карта, номер на банкова сметка и документи за положението си "
            "(напр. медицинска документация).",
            "Bring your ID card, your bank account number and papers showing your situation "
            "(e.g. medical records).",
        ),
    },
    {
        "code": "MK-KV-013",
        "queue": "M",
        "icon": "archive",
        "average_minutes": 8,
        "name": _t(
            "Препис на документ од архивата",
            "Kopje e dokumentit nga arkivi",
            "Препис на документ от архива",
            "Copy of a document from the archive",
        ),
        "short_name": _t("Архива – препис", "Kopje nga arkivi", "Препис от архива", "Archive copy"),
        "summary": _t(
            "Заверен препис од решение, договор или друг документ што општината го чува во "
            "архивата.",
            "Kopje e vërtetuar e një aktvendimi, kontrate ose dokumenti tjetër që komuna e "
            "ruan në arkiv.",
            "Заверен препис на решение, договор или друг документ, който общината пази в "
            "архива си.",
            "A certified copy of a decision, contract or other document kept in the "
            "municipal archive.",
        ),
        "ticket_note": _t(
            "Носете лична карта и, ако ги знаете, бројот и датумот на документот.",
            "Sillni letërnjoftimin dhe, nëse i dini, numrin dhe datën e dokumentit.",
            "Носете лична карта и, ако ги знаете, номера и датата на документа.",
            "Bring your ID card and, if you know them, the document's number and date.",
        ),
    },
    {
        "code": "MK-KV-014",
        "queue": "M",
        "icon": "info",
        "average_minutes": 4,
        "name": _t(
            "Информации и општи барања",
            "Informata dhe kërkesa të përgjithshme",
            "Информация и общи заявления",
            "Information and general requests",
        ),
        "short_name": _t(
            "Информации и барања",
            "Informata dhe kërkesa",
            "Информация и заявления",
            "Information and requests",
        ),
        "summary": _t(
            "Тука добивате совет и обрасци и предавате барања и дописи до општината.",
            "Këtu merrni këshilla e formularë dhe dorëzoni kërkesa e shkresa për komunën.",
            "Тук получавате съвет и бланки и подавате заявления и писма до общината.",
            "Get advice and forms here, and hand in requests and letters to the municipality.",
        ),
        "ticket_note": _t(
            "Ако имате, носете ги документите поврзани со вашето прашање.",
            "Nëse i keni, sillni dokumentet që lidhen me pyetjen tuaj.",
            "Ако имате, носете документите, свързани с въпроса ви.",
            "If you have them, bring any papers about your question.",
        ),
    },
]

# The offices. "counters" lists where counters 1, 2, ... stand; "services" gives the kiosk
# buttons in order, most used first; "matrix" maps a counter number to the queues whose services
# it serves, as (prefix, preference), 1 first. A counter not in the matrix serves everything.
OFFICES: list[dict[str, Any]] = [
    {
        "slug": "centar",
        "name": _t(
            "Општина Кисела Вода — Шалтер сала",
            "Komuna e Kisella Vodës — Salla e sporteleve",
            "Община Кисела Вода — Гишетна зала",
            "Municipality of Kisela Voda — Service Hall",
        ),
        "address": _t(
            "ул. Прешевска бр. 10, 1000 Скопје",
            "Rr. Preshevska nr. 10, 1000 Shkup",
            "ул. „Прешевска“ № 10, 1000 Скопие",
            "10 Preshevska St., 1000 Skopje",
        ),
        "languages": ["mk", "sq", "bg", "en"],
        # The demo's town hall keeps no opening hours (a round-the-clock service centre), so
        # the demo loop works at any hour; Drachevo shows real hours and the issuing cut-off.
        "opening_hours": {},
        "queues": ["A", "E", "K", "M"],
        "counters": ["left", "left", "centre", "centre", "right", "entrance"],
        "services": [
            "MK-KV-001",
            "MK-KV-004",
            "MK-KV-002",
            "MK-KV-006",
            "MK-KV-003",
            "MK-KV-005",
            "MK-KV-007",
            "MK-KV-009",
            "MK-KV-010",
            "MK-KV-012",
            "MK-KV-013",
            "MK-KV-011",
            "MK-KV-008",
            "MK-KV-014",
            # Added with the catalogue (MK-KV-024 is a draft: not shown until published).
            "MK-KV-015",
            "MK-KV-016",
            "MK-KV-017",
            "MK-KV-018",
            "MK-KV-019",
            "MK-KV-020",
            "MK-KV-021",
            "MK-KV-022",
            "MK-KV-023",
            "MK-KV-024",
        ],
        "matrix": {
            1: [("A", 1)],
            2: [("A", 1)],
            3: [("E", 1)],
            4: [("E", 1)],
            5: [("K", 1)],
            6: [("M", 1), ("A", 2)],
        },
    },
    {
        "slug": "drachevo",
        "name": _t(
            "Подрачна канцеларија Драчево",
            "Zyra rajonale në Draçevë",
            "Районен офис Драчево",
            "Drachevo District Office",
        ),
        "address": _t(
            "ул. Драчевска бр. 2, Драчево, 1000 Скопје",
            "Rr. Draçevska nr. 2, Draçevë, 1000 Shkup",
            "ул. „Драчевска“ № 2, Драчево, 1000 Скопие",
            "2 Drachevska St., Drachevo, 1000 Skopje",
        ),
        "languages": ["mk", "sq", "en", "bg"],
        "opening_hours": _workdays("08:00", "16:00"),
        "queues": ["A", "E", "M"],
        "counters": ["left", "centre", "right"],
        "services": [
            "MK-KV-001",
            "MK-KV-004",
            "MK-KV-002",
            "MK-KV-006",
            "MK-KV-003",
            "MK-KV-005",
            "MK-KV-012",
            "MK-KV-014",
            # Added with the catalogue.
            "MK-KV-016",
            "MK-KV-018",
            "MK-KV-021",
            "MK-KV-023",
        ],
        "matrix": {},
    },
]

USERS: list[dict[str, Any]] = [
    {"username": "admin", "role": Role.ADMIN, "office": None, "display_name": "Администратор"},
    {
        "username": "ana",
        "role": Role.CLERK,
        "office": "centar",
        "display_name": "Ана Стојановска",
        "language": "mk",
    },
    {
        "username": "besnik",
        "role": Role.CLERK,
        "office": "drachevo",
        "display_name": "Besnik Rexhepi",
        "language": "sq",
    },
    {
        "username": "maria",
        "role": Role.CLERK,
        "office": "haskovo",
        "display_name": "Мария Петкова",
        "language": "bg",
    },
]


# What a service spec may set on the service itself; "queue" is where its tickets go, and the
# documents, fees, categories and life events become rows and links.
_SERVICE_COLUMNS = (
    "code", "icon", "average_minutes", "status", "name", "short_name", "summary", "ticket_note",
    "description", "keywords", "authority", "output", "output_validity", "external_ids",
    "legal_basis", "appeal", "processing_times", "valid_from", "valid_to",
)  # fmt: skip


def _haskovo_counter_name(number: int) -> Text:
    return catalogue.hs(f"Гише {number}", f"Counter {number}", f"Gişe {number}")


def _classifiers(session: Session, organisation: Organisation, model, specs) -> dict[str, Any]:
    """An organisation's categories or life events, in the order given."""
    rows = {
        spec["code"]: model(
            organisation_id=organisation.id,
            code=spec["code"],
            name=dict(spec["name"]),
            description=dict(spec.get("description") or {}),
            icon=spec["icon"],
            position=position,
        )
        for position, spec in enumerate(specs, start=1)
    }
    session.add_all(rows.values())
    return rows


def _service(
    organisation: Organisation,
    spec: dict[str, Any],
    categories: dict[str, Category],
    life_events: dict[str, LifeEvent],
    now: dt.datetime,
) -> Service:
    """A service from its spec: the catalogue's plain data (see services.catalogue)."""
    columns = {key: copy.deepcopy(spec[key]) for key in _SERVICE_COLUMNS if key in spec}
    for key in ("valid_from", "valid_to"):
        if columns.get(key):
            columns[key] = dt.date.fromisoformat(columns[key])
    documents = spec.get("documents", [])
    fees = spec.get("fees", [])
    return Service(
        organisation=organisation,
        priority_allowed=True,
        updated_at=now,
        documents=[
            RequiredDocument(position=i, **copy.deepcopy(d)) for i, d in enumerate(documents)
        ],
        fees=[Fee(position=i, **copy.deepcopy(f)) for i, f in enumerate(fees)],
        categories=[categories[code] for code in spec.get("categories", [])],
        life_events=[life_events[code] for code in spec.get("life_events", [])],
        **columns,
    )


def _office(
    session: Session,
    organisation: Organisation,
    *,
    queues: dict[str, Text],
    counters: list[tuple[Text, Text]],
    services: list[str],
    matrix: dict[int, list[tuple[str, int]]],
    catalogue_services: dict[str, Service],
    queue_of: dict[str, str],
    **settings: Any,
) -> Office:
    """An office with its queues, numbered counters, kiosk buttons and counter matrix."""
    office = Office(organisation=organisation, **settings)
    queue_rows = {
        prefix: Queue(office=office, prefix=prefix, name=dict(name))
        for prefix, name in queues.items()
    }
    counter_rows = [
        Counter(office=office, number=number, name=dict(name), location=dict(place))
        for number, (name, place) in enumerate(counters, start=1)
    ]
    offered = [
        OfficeService(
            office=office,
            service=catalogue_services[code],
            queue=queue_rows[queue_of[code]],
            position=position,
        )
        for position, code in enumerate(services, start=1)
    ]
    cells = [
        CounterService(
            counter=counter_rows[number - 1],
            service=catalogue_services[code],
            preference=preference,
        )
        for number, choices in matrix.items()
        for prefix, preference in choices
        for code in services
        if queue_of[code] == prefix
    ]
    session.add_all([office, *queue_rows.values(), *counter_rows, *offered, *cells])
    return office


def _load_kisela_voda(session: Session, now: dt.datetime) -> dict[str, Office]:
    organisation = Organisation(slug=ORGANISATION["slug"], name=dict(ORGANISATION["name"]))
    session.add(organisation)
    session.flush()  # categories refer to the organisation by id
    categories = _classifiers(session, organisation, Category, catalogue.KV_CATEGORIES)
    life_events = _classifiers(session, organisation, LifeEvent, catalogue.KV_LIFE_EVENTS)

    specs = [{**spec, **catalogue.KV_DETAILS.get(spec["code"], {})} for spec in SERVICES]
    specs += catalogue.KV_NEW_SERVICES
    services = {s["code"]: _service(organisation, s, categories, life_events, now) for s in specs}
    queue_of = {spec["code"]: spec["queue"] for spec in specs}
    session.add_all(services.values())

    offices = {}
    for spec in OFFICES:
        offices[spec["slug"]] = _office(
            session,
            organisation,
            slug=spec["slug"],
            name=dict(spec["name"]),
            address=dict(spec["address"]),
            languages=list(spec["languages"]),
            opening_hours=spec["opening_hours"],
            queues={prefix: QUEUE_NAMES[prefix] for prefix in spec["queues"]},
            counters=[
                (_counter_name(number), COUNTER_PLACES[place])
                for number, place in enumerate(spec["counters"], start=1)
            ],
            services=spec["services"],
            matrix=spec["matrix"],
            catalogue_services=services,
            queue_of=queue_of,
            **OFFICE_DEFAULTS,
        )
    return offices


def _load_haskovo(session: Session, now: dt.datetime) -> dict[str, Office]:
    spec = catalogue.HASKOVO_OFFICE
    organisation = Organisation(
        slug=catalogue.HASKOVO_ORGANISATION["slug"],
        name=dict(catalogue.HASKOVO_ORGANISATION["name"]),
    )
    session.add(organisation)
    session.flush()
    categories = _classifiers(session, organisation, Category, catalogue.HASKOVO_CATEGORIES)
    life_events = _classifiers(session, organisation, LifeEvent, catalogue.HASKOVO_LIFE_EVENTS)
    services = {
        s["code"]: _service(organisation, s, categories, life_events, now)
        for s in catalogue.HASKOVO_SERVICES
    }
    session.add_all(services.values())
    office = _office(
        session,
        organisation,
        slug=spec["slug"],
        name=dict(spec["name"]),
        address=dict(spec["address"]),
        languages=list(spec["languages"]),
        timezone=spec["timezone"],
        opening_hours=_workdays(*spec["hours"]),
        priority_policy="strict",
        wait_target_minutes=20,  # the Bulgarian standard: at most 20 minutes' wait
        queues=spec["queues"],
        counters=[
            (_haskovo_counter_name(number), place)
            for number, place in enumerate(spec["counters"], start=1)
        ],
        services=[s["code"] for s in catalogue.HASKOVO_SERVICES],
        matrix=spec["matrix"],
        catalogue_services=services,
        queue_of={s["code"]: s["queue"] for s in catalogue.HASKOVO_SERVICES},
    )
    return {spec["slug"]: office}


def load_demo(session: Session) -> None:
    """Create the demo municipalities if the database has no organisation yet; flush, don't
    commit."""
    if session.scalar(select(Organisation.id)) is not None:
        return
    now = utcnow()
    offices = _load_kisela_voda(session, now)
    offices.update(_load_haskovo(session, now))
    session.flush()  # the offices get their ids, which the clerks' accounts refer to

    for spec in USERS:
        office = offices.get(spec["office"]) if spec["office"] else None
        user = User(
            username=spec["username"],
            display_name=spec["display_name"],
            role=spec["role"],
            office_id=office.id if office else None,
            language=spec.get("language"),
        )
        user.set_password(DEMO_PASSWORDS[spec["username"]])
        session.add(user)
    session.flush()
