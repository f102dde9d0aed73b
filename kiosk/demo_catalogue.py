"""The demo catalogue's text: categories, life events, documents, fees, processing times and
legal basis for the Municipality of Kisela Voda (Skopje), and the second demo municipality,
Haskovo (Bulgaria), with its office and services.

Realistic examples, not an official catalogue: the laws are real acts named as they are
published; articles, amounts, accounts and revenue codes are plausible, not quoted. Every
service is plain catalogue data (see ``kiosk.services.catalogue``), so the demo goes through
the same checks as the editor and an import would.
"""

from __future__ import annotations

from typing import Any

Text = dict[str, str]


def mk(mk: str, sq: str, bg: str, en: str) -> Text:
    """A text in Kisela Voda's four languages."""
    return {"mk": mk, "sq": sq, "bg": bg, "en": en}


def hs(bg: str, en: str, tr: str | None = None) -> Text:
    """A text in Haskovo's languages; Turkish is a courtesy and sometimes still missing."""
    return {"bg": bg, "en": en, **({"tr": tr} if tr else {})}


def doc(
    name: Text,
    *,
    kind: str = "original",
    mandatory: bool = True,
    condition: Text | None = None,
    copies: int = 1,
    obtained: bool = False,
    description: Text | None = None,
    form_url: str | None = None,
) -> dict[str, Any]:
    """A required document. ``obtained``: the office gets it itself (по службена должност)."""
    return {
        "name": dict(name),
        "description": dict(description or {}),
        "condition": dict(condition or {}),
        "kind": kind,
        "mandatory": mandatory,
        "copies": copies,
        "obtained_by_office": obtained,
        "form_url": form_url,
    }


def law(act: Text, article: str | None = None, url: str | None = None) -> dict[str, Any]:
    return {"act": dict(act), "article": article, "url": url}


def within(duration: str, tier: str = "normal", days: str = "working") -> dict[str, str]:
    """A processing time: an ISO 8601 duration, per tier, in working or calendar days."""
    return {"tier": tier, "duration": duration, "days": days}


def appeal(body: Text, days: int) -> dict[str, Any]:
    return {"body": dict(body), "deadline_days": days}


# =============================================================================== Kisela Voda

KV_SLIP = {
    "recipient": "Буџет на Општина Кисела Вода",
    # The Treasury account all budget payments go through; the revenue code and programme
    # route the money to the municipality.
    "account": "100000000063095",
}


def kv_fee(
    label: Text,
    denars: int,
    *,
    purpose: Text,
    revenue_code: str = "722315 00",
    tier: str = "normal",
    methods: tuple[str, ...] = ("cash", "card", "bank"),
) -> dict[str, Any]:
    """A fee in Macedonian denars (amounts in deni, the minor unit), paid with a slip."""
    return {
        "label": dict(label),
        "amount_minor": denars * 100,
        "currency": "MKD",
        "tier": tier,
        "payment_methods": list(methods),
        "payment_slip": {**KV_SLIP, "revenue_code": revenue_code, "purpose": dict(purpose)},
    }


KV_CATEGORIES: list[dict[str, Any]] = [
    {
        "code": "civil",
        "icon": "id",
        "name": mk(
            "Матична евиденција", "Gjendja civile", "Гражданско състояние", "Civil registry"
        ),
        "description": mk(
            "Изводи и уписи за раѓање, брак и смрт.",
            "Ekstrakte dhe regjistrime për lindje, martesë dhe vdekje.",
            "Извлечения и вписвания за раждане, брак и смърт.",
            "Certificates and entries for births, marriages and deaths.",
        ),
    },
    {
        "code": "taxes",
        "icon": "coins",
        "name": mk("Даноци и такси", "Tatime dhe taksa", "Данъци и такси", "Taxes and fees"),
        "description": mk(
            "Данок на имот, комунални такси и уверенија.",
            "Tatimi në pronë, taksat komunale dhe vërtetimet.",
            "Данък върху имотите, местни такси и удостоверения.",
            "Property tax, local fees and certificates.",
        ),
    },
    {
        "code": "building",
        "icon": "building",
        "name": mk(
            "Урбанизам и градење",
            "Urbanizëm dhe ndërtim",
            "Устройство и строителство",
            "Planning and building",
        ),
        "description": mk(
            "Одобренија за градење, легализација и урбанистички планови.",
            "Leje ndërtimi, legalizim dhe plane urbanistike.",
            "Разрешения за строеж, узаконяване и устройствени планове.",
            "Building permits, legalisation and urban plans.",
        ),
    },
    {
        "code": "communal",
        "icon": "tree",
        "name": mk(
            "Комунални работи и животна средина",
            "Punë komunale dhe mjedis",
            "Комунални дейности и околна среда",
            "Public spaces and environment",
        ),
        "description": mk(
            "Јавни површини, зеленило, чист воздух и пријава на проблеми.",
            "Hapësira publike, gjelbërim, ajër i pastër dhe paraqitja e problemeve.",
            "Обществени площи, зеленина, чист въздух и сигнали за проблеми.",
            "Public spaces, greenery, clean air and reporting problems.",
        ),
    },
    {
        "code": "social",
        "icon": "users",
        "name": mk("Социјална заштита", "Mbrojtje sociale", "Социални дейности", "Social support"),
        "description": mk(
            "Еднократна помош и поддршка за семејства.",
            "Ndihmë e njëhershme dhe mbështetje për familjet.",
            "Еднократна помощ и подкрепа за семейства.",
            "One-off payments and support for families.",
        ),
    },
    {
        "code": "business",
        "icon": "megaphone",
        "name": mk("За бизниси", "Për bizneset", "За бизнеса", "For businesses"),
        "description": mk(
            "Такси и одобренија за фирми, занаетчии и угостители.",
            "Taksa dhe leje për firma, zejtarë dhe hotelierë.",
            "Такси и разрешения за фирми, занаятчии и заведения.",
            "Fees and permits for companies, craftspeople and cafés.",
        ),
    },
    {
        "code": "general",
        "icon": "archive",
        "name": mk(
            "Архива и општи барања",
            "Arkivi dhe kërkesa të përgjithshme",
            "Архив и общи заявления",
            "Archive and general requests",
        ),
        "description": mk(
            "Преписи од архивата, информации и барања до општината.",
            "Kopje nga arkivi, informata dhe kërkesa për komunën.",
            "Преписи от архива, информация и заявления до общината.",
            "Archive copies, information and requests to the municipality.",
        ),
    },
]

KV_LIFE_EVENTS: list[dict[str, Any]] = [
    {
        "code": "birth",
        "icon": "baby",
        "name": mk("Раѓање на дете", "Lindja e fëmijës", "Раждане на дете", "Having a baby"),
        "description": mk(
            "Упис во матична книга, изводи и помош за новороденче.",
            "Regjistrimi në librin amë, ekstraktet dhe ndihma për të porsalindurin.",
            "Вписване в регистъра, извлечения и помощ за новородено.",
            "Registering the birth, certificates and the newborn allowance.",
        ),
    },
    {
        "code": "marriage",
        "icon": "ring",
        "name": mk("Склучување брак", "Martesa", "Сключване на брак", "Getting married"),
        "description": mk(
            "Закажување венчавка и извод од венчани.",
            "Caktimi i kurorëzimit dhe ekstrakti i martesës.",
            "Насрочване на ритуал и извлечение за брак.",
            "Booking the ceremony and the marriage certificate.",
        ),
    },
    {
        "code": "death",
        "icon": "file",
        "name": mk(
            "Смрт во семејството",
            "Vdekje në familje",
            "Смърт в семейството",
            "A death in the family",
        ),
        "description": mk(
            "Извод од умрени, имот и наследство, еднократна помош.",
            "Ekstrakti i vdekjes, prona dhe trashëgimia, ndihma e njëhershme.",
            "Извлечение за смърт, имот и наследство, еднократна помощ.",
            "Death certificate, property and inheritance, one-off help.",
        ),
    },
    {
        "code": "home",
        "icon": "home",
        "name": mk(
            "Купување или градење дом",
            "Blerja ose ndërtimi i shtëpisë",
            "Купуване или строеж на дом",
            "Buying or building a home",
        ),
        "description": mk(
            "Пријава на имот, данок на имот, урбанистички план и одобрение за градење.",
            "Deklarimi i pronës, tatimi në pronë, plani urbanistik dhe leja e ndërtimit.",
            "Деклариране на имот, данък, устройствен план и разрешение за строеж.",
            "Declaring the property, property tax, the urban plan and the building permit.",
        ),
    },
    {
        "code": "business",
        "icon": "building",
        "name": mk(
            "Отворање бизнис", "Hapja e biznesit", "Започване на бизнес", "Starting a business"
        ),
        "description": mk(
            "Фирмарина, летна тераса и користење јавна површина.",
            "Taksa për firmën, tarraca verore dhe përdorimi i hapësirës publike.",
            "Такса за фирмен надпис, лятна градина и ползване на общински терен.",
            "The business sign fee, summer terraces and using public land.",
        ),
    },
    {
        "code": "hardship",
        "icon": "help",
        "name": mk(
            "Тешка животна ситуација",
            "Situatë e vështirë jetësore",
            "Трудна житейска ситуация",
            "Going through hard times",
        ),
        "description": mk(
            "Еднократна парична помош и ослободување од данок на имот.",
            "Ndihmë financiare e njëhershme dhe lirim nga tatimi në pronë.",
            "Еднократна помощ и освобождаване от данък върху имота.",
            "One-off financial help and property tax relief.",
        ),
    },
]

# ------------------------------------------------------------------------------- shared parts

KV_CIVIL_REGISTRY = mk(
    "Управа за матични работи — Одделение Скопје, матично подрачје Кисела Вода",
    "Drejtoria për Udhëheqjen e Librave Amë — Njësia Shkup, zona amë Kisella Voda",
    "Управление за гражданска регистрация — отдел Скопие, район Кисела Вода",
    "Civil Registry Directorate — Skopje department, Kisela Voda registry area",
)
KV_TAX_UNIT = mk(
    "Општина Кисела Вода — Одделение за локални даноци и такси",
    "Komuna e Kisella Vodës — Njësia për tatime dhe taksa lokale",
    "Община Кисела Вода — отдел „Местни данъци и такси“",
    "Municipality of Kisela Voda — Local Taxes and Fees Unit",
)
KV_URBAN_UNIT = mk(
    "Општина Кисела Вода — Сектор за урбанизам, комунални работи и животна средина",
    "Komuna e Kisella Vodës — Sektori për urbanizëm, punë komunale dhe mjedis",
    "Община Кисела Вода — сектор „Устройство, комунални дейности и околна среда“",
    "Municipality of Kisela Voda — Planning, Public Works and Environment Sector",
)
KV_SOCIAL_UNIT = mk(
    "Општина Кисела Вода — Одделение за социјална и детска заштита",
    "Komuna e Kisella Vodës — Njësia për mbrojtje sociale dhe të fëmijëve",
    "Община Кисела Вода — отдел „Социална и детска закрила“",
    "Municipality of Kisela Voda — Social and Child Protection Unit",
)
KV_GENERAL_UNIT = mk(
    "Општина Кисела Вода — Одделение за општи работи и архива",
    "Komuna e Kisella Vodës — Njësia për punë të përgjithshme dhe arkiv",
    "Община Кисела Вода — отдел „Общи дейности и архив“",
    "Municipality of Kisela Voda — General Affairs and Archive Unit",
)

LAW_CIVIL_REGISTRY = mk(
    "Закон за матична евиденција",
    "Ligji për evidencën amë",
    "Закон за матичната евиденция",
    "Law on Civil Registry Records",
)
LAW_PROPERTY_TAXES = mk(
    "Закон за даноците на имот",
    "Ligji për tatimet në pronë",
    "Закон за данъците върху имуществото",
    "Law on Property Taxes",
)
LAW_CONSTRUCTION = mk(
    "Закон за градење", "Ligji për ndërtim", "Закон за строителството", "Law on Construction"
)
LAW_LOCAL_GOVERNMENT = mk(
    "Закон за локалната самоуправа",
    "Ligji për vetëqeverisjen lokale",
    "Закон за местното самоуправление",
    "Law on Local Self-Government",
)
LAW_ADMINISTRATIVE_PROCEDURE = mk(
    "Закон за општата управна постапка",
    "Ligji për procedurën e përgjithshme administrative",
    "Закон за общото административно производство",
    "Law on General Administrative Procedure",
)
LAW_ADMINISTRATIVE_FEES = mk(
    "Закон за административните такси",
    "Ligji për taksat administrative",
    "Закон за административните такси",
    "Law on Administrative Fees",
)
LAW_COMMUNAL_FEES = mk(
    "Закон за комуналните такси",
    "Ligji për taksat komunale",
    "Закон за комуналните такси",
    "Law on Communal Fees",
)
LAW_LEGALISATION = mk(
    "Закон за постапување со бесправно изградени објекти",
    "Ligji për veprim me objektet e ndërtuara pa leje",
    "Закон за процедурата с незаконно построени обекти",
    "Law on the Treatment of Illegally Built Structures",
)
LAW_SOCIAL_PROTECTION = mk(
    "Закон за социјалната заштита",
    "Ligji për mbrojtjen sociale",
    "Закон за социалната закрила",
    "Law on Social Protection",
)
LAW_URBAN_PLANNING = mk(
    "Закон за урбанистичко планирање",
    "Ligji për planifikim urbanistik",
    "Закон за урбанистичното планиране",
    "Law on Urban Planning",
)
LAW_FAMILY = mk("Закон за семејството", "Ligji për familjen", "Закон за семейството", "Family Law")
LAW_ARCHIVES = mk(
    "Закон за архивски материјал",
    "Ligji për materialin arkivor",
    "Закон за архивните материали",
    "Law on Archival Material",
)
LAW_COMMUNAL_SERVICES = mk(
    "Закон за комунални дејности",
    "Ligji për veprimtaritë komunale",
    "Закон за комуналните дейности",
    "Law on Communal Services",
)

APPEAL_STATE_COMMISSION = appeal(
    mk(
        "Државна комисија за одлучување во управна постапка и постапка од работен однос "
        "во втор степен",
        "Komisioni Shtetëror për vendimmarrje në procedurë administrative dhe procedurë nga "
        "marrëdhënia e punës në shkallë të dytë",
        "Държавна комисия за решаване на втора инстанция по административни и трудови "
        "производства",
        "State Commission for Second-Instance Administrative and Employment Procedures",
    ),
    15,
)
APPEAL_FINANCE_MINISTRY = appeal(
    mk(
        "Министерство за финансии, преку Општина Кисела Вода",
        "Ministria e Financave, nëpërmjet Komunës së Kisella Vodës",
        "Министерство на финансите, чрез Община Кисела Вода",
        "Ministry of Finance, lodged through the Municipality of Kisela Voda",
    ),
    15,
)

ID_CARD = doc(
    mk("Лична карта или пасош", "Letërnjoftim ose pasaportë", "Лична карта или паспорт",
       "ID card or passport"),
    kind="id_document",
    description=mk(
        "Само на увид: службеникот не задржува копија.",
        "Vetëm për t'u parë: nëpunësi nuk mban kopje.",
        "Само за проверка: служителят не задържа копие.",
        "Shown only: the clerk keeps no copy.",
    ),
)  # fmt: skip
PROXY = doc(
    mk(
        "Заверено полномошно",
        "Autorizim i vërtetuar te noteri",
        "Нотариално заверено пълномощно",
        "A certified power of attorney",
    ),
    mandatory=False,
    condition=mk(
        "ако ве застапува друго лице (полномошник)",
        "nëse ju përfaqëson një person tjetër (i autorizuar)",
        "ако ви представлява друго лице (пълномощник)",
        "if represented by a proxy",
    ),
)
PAYMENT_PROOF = doc(
    mk("Доказ за платена такса", "Dëshmi për pagesën e taksës", "Документ за платена такса",
       "Proof that the fee was paid"),
    kind="payment_proof",
    mandatory=False,
    condition=mk(
        "ако платите во банка или преку интернет, а не на шалтер",
        "nëse paguani në bankë ose në internet, jo në sportel",
        "ако платите в банка или онлайн, а не на гишето",
        "if you pay at a bank or online rather than at the counter",
    ),
)  # fmt: skip
TITLE_DEED_OBTAINED = doc(
    mk("Имотен лист", "Fleta pronësore", "Имотен лист", "Title deed (property sheet)"),
    obtained=True,
    description=mk(
        "Општината го прибавува по службена должност од Агенцијата за катастар на недвижности.",
        "Komuna e merr sipas detyrës zyrtare nga Agjencia e Kadastrës së Patundshmërive.",
        "Общината го изисква служебно от Агенцията за кадастър на недвижимостите.",
        "The municipality obtains it itself from the Real Estate Cadastre Agency.",
    ),
)
COMPANY_EXTRACT_OBTAINED = doc(
    mk(
        "Тековна состојба од Централниот регистар",
        "Gjendja aktuale nga Regjistri Qendror",
        "Актуално състояние от Централния регистър",
        "Current company extract from the Central Register",
    ),
    obtained=True,
    description=mk(
        "Општината ја прибавува по службена должност, електронски.",
        "Komuna e merr sipas detyrës zyrtare, në mënyrë elektronike.",
        "Общината я изисква служебно, по електронен път.",
        "The municipality obtains it itself, electronically.",
    ),
)
BIRTH_EXTRACT_OBTAINED = doc(
    mk(
        "Извод од матична книга на родени",
        "Ekstrakt nga libri amë i të lindurve",
        "Извлечение от регистъра на ражданията",
        "Birth register extract",
    ),
    obtained=True,
    description=mk(
        "Службата го прибавува по службена должност од матичниот регистар.",
        "Shërbimi e merr sipas detyrës zyrtare nga regjistri amë.",
        "Службата го изисква служебно от регистъра.",
        "The office fetches it from the civil register itself.",
    ),
)
BANK_CARD_COPY = doc(
    mk(
        "Копија од банкарска картичка или број на трансакциска сметка",
        "Kopje e kartelës bankare ose numri i llogarisë",
        "Копие от банкова карта или номер на банкова сметка",
        "Copy of a bank card or the bank account number",
    ),
    kind="copy",
)


def request_form(name: Text, slug: str) -> dict[str, Any]:
    """The municipality's printed request form, also on its website."""
    return doc(
        name,
        kind="form",
        description=mk(
            "Образецот го добивате на шалтерот или го печатите од веб-страницата.",
            "Formularin e merrni në sportel ose e shtypni nga faqja e internetit.",
            "Бланката получавате на гишето или я разпечатвате от сайта.",
            "Get the form at the counter or print it from the website.",
        ),
        form_url=f"https://kiselavoda.gov.mk/obrasci/{slug}.pdf",
    )


ADMIN_TAX = mk("Административна такса", "Taksë administrative", "Административна такса",
               "Administrative tax")  # fmt: skip
EXTRACT_FORM_FEE = mk(
    "Надоместок за образецот на изводот",
    "Kompensim për formularin e ekstraktit",
    "Такса за бланката на извлечението",
    "Charge for the certificate form",
)
EXTRACT_PURPOSE = mk(
    "Такса за извод од матична книга",
    "Taksë për ekstrakt nga libri amë",
    "Такса за извлечение от регистър",
    "Fee for a civil register extract",
)
CERTIFICATE_PURPOSE = mk(
    "Такса за уверение",
    "Taksë për vërtetim",
    "Такса за удостоверение",
    "Fee for a certificate",
)
EXTRACT_VALIDITY = mk(
    "6 месеци за повеќето постапки",
    "6 muaj për shumicën e procedurave",
    "6 месеца за повечето процедури",
    "6 months for most procedures",
)
SAME_DAY = [within("PT2H")]


def extract_fees() -> list[dict[str, Any]]:
    return [
        kv_fee(ADMIN_TAX, 50, purpose=EXTRACT_PURPOSE),
        kv_fee(EXTRACT_FORM_FEE, 200, purpose=EXTRACT_PURPOSE, revenue_code="723012 00"),
    ]


# ------------------------------------------------------------------------------- the existing
# services of the demo (MK-KV-001 ... 014): everything the catalogue adds to them.

KV_DETAILS: dict[str, dict[str, Any]] = {
    "MK-KV-001": {
        "categories": ["civil"],
        "life_events": ["birth"],
        "external_ids": {"uslugi.gov.mk": "1021"},
        "authority": KV_CIVIL_REGISTRY,
        "output": mk(
            "Извод од матична книга на родени",
            "Ekstrakt nga libri amë i të lindurve",
            "Извлечение от регистъра на ражданията",
            "Extract from the register of births",
        ),
        "output_validity": EXTRACT_VALIDITY,
        "keywords": mk("раѓање родени извод", "lindje ekstrakt", "раждане акт",
                       "birth certificate extract"),
        "documents": [
            ID_CARD,
            doc(
                mk("Лична карта на родителот", "Letërnjoftimi i prindit",
                   "Лична карта на родителя", "The parent's ID card"),
                kind="id_document",
                mandatory=False,
                condition=mk(
                    "за извод на малолетно дете",
                    "për ekstraktin e një fëmije të mitur",
                    "за извлечение на непълнолетно дете",
                    "for a child under 18",
                ),
            ),
            PROXY,
            PAYMENT_PROOF,
        ],
        "fees": extract_fees(),
        "processing_times": SAME_DAY,
        "legal_basis": [law(LAW_CIVIL_REGISTRY, "27"), law(LAW_ADMINISTRATIVE_FEES, "1")],
        "appeal": APPEAL_STATE_COMMISSION,
    },  # fmt: skip
    "MK-KV-002": {
        "categories": ["civil"],
        "life_events": ["marriage"],
        "external_ids": {"uslugi.gov.mk": "1022"},
        "authority": KV_CIVIL_REGISTRY,
        "output": mk(
            "Извод од матична книга на венчани",
            "Ekstrakt nga libri amë i të martuarve",
            "Извлечение от регистъра на бракосключванията",
            "Extract from the register of marriages",
        ),
        "output_validity": EXTRACT_VALIDITY,
        "documents": [ID_CARD, PROXY, PAYMENT_PROOF],
        "fees": extract_fees(),
        "processing_times": SAME_DAY,
        "legal_basis": [law(LAW_CIVIL_REGISTRY, "27"), law(LAW_ADMINISTRATIVE_FEES, "1")],
        "appeal": APPEAL_STATE_COMMISSION,
    },
    "MK-KV-003": {
        "categories": ["civil"],
        "life_events": ["death"],
        "external_ids": {"uslugi.gov.mk": "1023"},
        "authority": KV_CIVIL_REGISTRY,
        "output": mk(
            "Извод од матична книга на умрени",
            "Ekstrakt nga libri amë i të vdekurve",
            "Извлечение от регистъра на смъртните случаи",
            "Extract from the register of deaths",
        ),
        "output_validity": EXTRACT_VALIDITY,
        "documents": [
            ID_CARD,
            doc(
                mk(
                    "Потврда за смрт од здравствената установа",
                    "Vërtetim për vdekjen nga institucioni shëndetësor",
                    "Съобщение за смърт от здравното заведение",
                    "Medical certificate of death",
                ),
                obtained=True,
                description=mk(
                    "Установата ја доставува до матичната служба; не ја носите вие.",
                    "Institucioni ia dërgon shërbimit amë; nuk e sillni ju.",
                    "Заведението я изпраща на службата; не я носите вие.",
                    "The hospital sends it to the registry; you do not bring it.",
                ),
            ),
            PROXY,
            PAYMENT_PROOF,
        ],
        "fees": extract_fees(),
        "processing_times": SAME_DAY,
        "legal_basis": [law(LAW_CIVIL_REGISTRY, "34"), law(LAW_ADMINISTRATIVE_FEES, "1")],
        "appeal": APPEAL_STATE_COMMISSION,
    },
    "MK-KV-004": {
        "categories": ["taxes"],
        "life_events": ["home"],
        "external_ids": {"uslugi.gov.mk": "2101"},
        "authority": KV_TAX_UNIT,
        "output": mk(
            "Дупликат од решението и уплатница",
            "Dublikatë e aktvendimit dhe fletëpagesë",
            "Дубликат на решението и вносна бележка",
            "A copy of the assessment and a payment slip",
        ),
        "documents": [
            ID_CARD,
            doc(
                mk("Решение за данок на имот", "Aktvendimi për tatimin në pronë",
                   "Решение за данък върху имот", "The property tax assessment"),
                mandatory=False,
                condition=mk("ако го имате", "nëse e keni", "ако го имате", "if you have it"),
            ),
            PROXY,
        ],
        "fees": [
            kv_fee(
                mk("Дупликат од решение", "Dublikatë e aktvendimit", "Дубликат на решение",
                   "Copy of an assessment"),
                50,
                purpose=mk("Дупликат решение за данок на имот",
                           "Dublikatë e aktvendimit për tatimin në pronë",
                           "Дубликат на решение за данък върху имот",
                           "Copy of a property tax assessment"),
            ),
        ],
        "processing_times": [within("PT30M")],
        "legal_basis": [law(LAW_PROPERTY_TAXES, "16"), law(LAW_ADMINISTRATIVE_PROCEDURE, "84")],
        "appeal": APPEAL_FINANCE_MINISTRY,
        "description": mk(
            "Данокот на имот се плаќа во две рати: до 31 мај и до 15 ноември. Решението "
            "стигнува по пошта; ако го изгубите, на шалтерот добивате дупликат и нова уплатница.",
            "Tatimi në pronë paguhet në dy këste: deri më 31 maj dhe deri më 15 nëntor. "
            "Aktvendimi vjen me postë; nëse e humbni, në sportel merrni dublikatë dhe "
            "fletëpagesë të re.",
            "Данъкът се плаща на две вноски: до 31 май и до 15 ноември. Решението идва по "
            "пощата; ако го загубите, на гишето получавате дубликат и нова вносна бележка.",
            "Property tax is paid in two instalments, by 31 May and by 15 November. The "
            "assessment comes by post; if you lose it, the counter gives you a copy and a new "
            "payment slip.",
        ),
    },  # fmt: skip
    "MK-KV-005": {
        "categories": ["taxes"],
        "life_events": ["home", "death"],
        "external_ids": {"uslugi.gov.mk": "2102"},
        "authority": KV_TAX_UNIT,
        "output": mk(
            "Решение за данок на имот",
            "Aktvendim për tatimin në pronë",
            "Решение за данък върху имот",
            "A property tax assessment",
        ),
        "documents": [
            ID_CARD,
            request_form(
                mk(
                    "Даночна пријава за данок на имот (образец ДИ)",
                    "Deklarata tatimore për tatimin në pronë (formulari DI)",
                    "Данъчна декларация за имот (образец ДИ)",
                    "Property tax return (form DI)",
                ),
                "danocna-prijava-di",
            ),
            doc(
                mk(
                    "Договор за купопродажба, решение за наследство или друг доказ за сопственост",
                    "Kontrata e shitblerjes, aktvendimi për trashëgimi ose dëshmi tjetër pronësie",
                    "Договор за покупко-продажба, удостоверение за наследство или друг документ "
                    "за собственост",
                    "Sales contract, inheritance decision or other proof of ownership",
                ),
                kind="certified_copy",
            ),
            TITLE_DEED_OBTAINED,
            PROXY,
        ],
        "fees": [],
        "processing_times": [within("P15D")],
        "legal_basis": [law(LAW_PROPERTY_TAXES, "17"), law(LAW_PROPERTY_TAXES, "18")],
        "appeal": APPEAL_FINANCE_MINISTRY,
    },
    "MK-KV-006": {
        "categories": ["taxes"],
        "life_events": ["hardship"],
        "external_ids": {"uslugi.gov.mk": "2103"},
        "authority": KV_TAX_UNIT,
        "output": mk(
            "Уверение за имотна состојба",
            "Vërtetim për gjendjen pronësore",
            "Удостоверение за имотно състояние",
            "Certificate of property status",
        ),
        "output_validity": mk("3 месеци", "3 muaj", "3 месеца", "3 months"),
        "documents": [ID_CARD, TITLE_DEED_OBTAINED, PROXY, PAYMENT_PROOF],
        "fees": [
            kv_fee(ADMIN_TAX, 50, purpose=CERTIFICATE_PURPOSE),
            kv_fee(
                mk("Такса за уверение", "Taksë për vërtetim", "Такса за удостоверение",
                   "Certificate fee"),
                100,
                purpose=CERTIFICATE_PURPOSE,
            ),
        ],
        "processing_times": [within("P1D"), within("PT2H", "fast")],
        "legal_basis": [
            law(LAW_ADMINISTRATIVE_PROCEDURE, "109"),
            law(LAW_ADMINISTRATIVE_FEES, "2"),
        ],
        "appeal": APPEAL_STATE_COMMISSION,
    },  # fmt: skip
    "MK-KV-007": {
        "categories": ["taxes", "business"],
        "life_events": ["business"],
        "authority": KV_TAX_UNIT,
        "output": mk(
            "Решение за комунална такса за истакната фирма",
            "Aktvendim për taksën komunale për tabelën e firmës",
            "Решение за местна такса за фирмен надпис",
            "An assessment of the business sign fee",
        ),
        "documents": [ID_CARD, COMPANY_EXTRACT_OBTAINED, PROXY],
        "fees": [
            kv_fee(
                ADMIN_TAX,
                50,
                purpose=mk("Такса за решение", "Taksë për aktvendim", "Такса за решение",
                           "Fee for an assessment"),
            ),
        ],
        "processing_times": [within("P5D")],
        "legal_basis": [law(LAW_COMMUNAL_FEES, "3"), law(LAW_LOCAL_GOVERNMENT, "22")],
        "appeal": APPEAL_FINANCE_MINISTRY,
    },  # fmt: skip
    "MK-KV-008": {
        "categories": ["taxes"],
        "authority": KV_TAX_UNIT,
        "output": mk(
            "Решение по приговорот",
            "Aktvendim për ankesën",
            "Решение по възражението",
            "A decision on the objection",
        ),
        "documents": [
            ID_CARD,
            doc(
                mk("Приговор (писмено, потпишан)", "Ankesa (me shkrim, e nënshkruar)",
                   "Възражение (писмено, подписано)", "The objection (written, signed)"),
                copies=2,
            ),
            doc(
                mk("Оспореното решение", "Aktvendimi që kundërshtohet", "Оспорваното решение",
                   "The assessment you object to"),
                kind="copy",
            ),
            doc(
                mk("Докази за вашите наводи", "Dëshmi për pretendimet tuaja",
                   "Доказателства за твърденията ви", "Evidence for your objection"),
                kind="copy",
                mandatory=False,
                condition=mk("ако ги имате", "nëse i keni", "ако имате", "if you have any"),
            ),
            PROXY,
        ],
        "fees": [
            kv_fee(
                mk("Административна такса за жалба", "Taksë administrative për ankesë",
                   "Такса за жалба", "Administrative tax on an appeal"),
                150,
                purpose=mk("Такса за приговор", "Taksë për ankesë", "Такса за възражение",
                           "Fee for an objection"),
            ),
        ],
        "processing_times": [within("P60D", days="calendar")],
        "legal_basis": [law(LAW_PROPERTY_TAXES, "21"), law(LAW_ADMINISTRATIVE_PROCEDURE, "108")],
        "appeal": APPEAL_FINANCE_MINISTRY,
    },  # fmt: skip
    "MK-KV-009": {
        "categories": ["building"],
        "life_events": ["home"],
        "external_ids": {"uslugi.gov.mk": "3301", "e-odobrenija.mk": "ODG-01"},
        "authority": KV_URBAN_UNIT,
        "output": mk(
            "Одобрение за градење (во системот е-одобренија)",
            "Leje ndërtimi (në sistemin e lejeve elektronike)",
            "Разрешение за строеж (в системата за е-разрешения)",
            "A building permit (in the e-permits system)",
        ),
        "documents": [
            ID_CARD,
            doc(
                mk("Имотен лист", "Fleta pronësore", "Имотен лист", "Title deed"),
                kind="copy",
            ),
            doc(
                mk("Извод од урбанистички план", "Ekstrakt nga plani urbanistik",
                   "Извадка от устройствения план", "Extract from the urban plan"),
            ),
            doc(
                mk("Основен проект со ревизија", "Projekti bazë me revizion",
                   "Технически проект с оценка", "Main design with its review"),
                mandatory=False,
                condition=mk("ако веќе го имате", "nëse e keni tashmë", "ако вече го имате",
                             "if you already have it"),
            ),
            PROXY,
        ],
        "fees": [
            kv_fee(
                ADMIN_TAX,
                250,
                purpose=mk("Такса за барање за одобрение за градење",
                           "Taksë për kërkesë për leje ndërtimi",
                           "Такса за заявление за разрешение за строеж",
                           "Fee for a building permit application"),
                revenue_code="722319 00",
                methods=("bank", "online"),
            ),
        ],
        "processing_times": [within("P5D")],
        "legal_basis": [law(LAW_CONSTRUCTION, "59"), law(LAW_CONSTRUCTION, "62"),
                        law(LAW_URBAN_PLANNING, "55")],
        "appeal": APPEAL_STATE_COMMISSION,
    },  # fmt: skip
    "MK-KV-010": {
        "categories": ["building"],
        "life_events": ["home"],
        "authority": KV_URBAN_UNIT,
        "output": mk(
            "Решение за утврдување правен статус на објектот",
            "Aktvendim për përcaktimin e statusit juridik të objektit",
            "Решение за узаконяване на обекта",
            "A decision on the building's legal status",
        ),
        "documents": [
            ID_CARD,
            doc(
                mk("Известување или решение со број на предметот",
                   "Njoftimi ose aktvendimi me numrin e lëndës",
                   "Уведомление или решение с номера на преписката",
                   "The notice or decision with your case number"),
                kind="copy",
            ),
            doc(
                mk("Геодетски елаборат", "Elaborati gjeodezik", "Геодезическо заснемане",
                   "Geodetic survey"),
                mandatory=False,
                condition=mk("ако е побаран во известувањето",
                             "nëse kërkohet në njoftim",
                             "ако е поискано в уведомлението",
                             "if the notice asks for it"),
            ),
            TITLE_DEED_OBTAINED,
            PROXY,
        ],
        "fees": [
            kv_fee(
                ADMIN_TAX,
                50,
                purpose=mk("Такса за дополнување на предмет", "Taksë për plotësim të lëndës",
                           "Такса за допълване на преписка", "Fee for adding to a case"),
            ),
        ],
        "processing_times": [within("P60D", days="calendar")],
        "legal_basis": [law(LAW_LEGALISATION, "5"), law(LAW_LEGALISATION, "11")],
        "appeal": APPEAL_STATE_COMMISSION,
    },  # fmt: skip
    "MK-KV-011": {
        "categories": ["business", "communal"],
        "life_events": ["business"],
        "authority": KV_URBAN_UNIT,
        "output": mk(
            "Одобрение за поставување урбана опрема",
            "Leje për vendosjen e pajisjeve urbane",
            "Разрешение за поставяне на градско обзавеждане",
            "A permit for street furniture",
        ),
        "output_validity": mk(
            "до крајот на календарската година",
            "deri në fund të vitit kalendarik",
            "до края на календарната година",
            "until the end of the calendar year",
        ),
        "documents": [
            ID_CARD,
            COMPANY_EXTRACT_OBTAINED,
            request_form(
                mk("Барање за урбана опрема", "Kërkesë për pajisje urbane",
                   "Заявление за градско обзавеждане", "Street furniture application"),
                "urbana-oprema",
            ),
            doc(
                mk("Скица со мерки на површината", "Skicë me përmasat e sipërfaqes",
                   "Скица с размерите на площта", "Sketch with the area's measurements"),
                copies=2,
            ),
            PROXY,
        ],
        "fees": [
            kv_fee(
                mk("Комунална такса за јавна површина (по м² месечно)",
                   "Taksë komunale për hapësirë publike (për m² në muaj)",
                   "Такса за ползване на общински терен (на м² месечно)",
                   "Fee for using public land (per m² a month)"),
                60,
                purpose=mk("Комунална такса за јавна површина",
                           "Taksë komunale për hapësirë publike",
                           "Такса за общински терен", "Fee for public land"),
                revenue_code="714112 00",
                methods=("bank",),
            ),
        ],
        "processing_times": [within("P15D")],
        "legal_basis": [law(LAW_COMMUNAL_FEES, "16"), law(LAW_CONSTRUCTION, "78")],
        "appeal": APPEAL_STATE_COMMISSION,
    },  # fmt: skip
    "MK-KV-012": {
        "categories": ["social"],
        "life_events": ["hardship", "death"],
        "authority": KV_SOCIAL_UNIT,
        "output": mk(
            "Решение за еднократна парична помош",
            "Aktvendim për ndihmë financiare të njëhershme",
            "Решение за еднократна помощ",
            "A decision on one-off assistance",
        ),
        "documents": [
            ID_CARD,
            request_form(
                mk("Барање за еднократна помош", "Kërkesë për ndihmë të njëhershme",
                   "Заявление за еднократна помощ", "Application for one-off assistance"),
                "ednokratna-pomos",
            ),
            BANK_CARD_COPY,
            doc(
                mk("Медицинска документација", "Dokumentacion mjekësor",
                   "Медицинска документация", "Medical records"),
                kind="copy",
                mandatory=False,
                condition=mk("при тешка болест", "në rast sëmundjeje të rëndë",
                             "при тежко заболяване", "after a serious illness"),
            ),
            doc(
                mk("Записник за штета од пожар или поплава",
                   "Procesverbal për dëmin nga zjarri ose përmbytja",
                   "Протокол за щети от пожар или наводнение",
                   "Report of the fire or flood damage"),
                kind="copy",
                mandatory=False,
                condition=mk("при пожар или поплава", "në rast zjarri ose përmbytjeje",
                             "при пожар или наводнение", "after a fire or a flood"),
            ),
            doc(
                mk("Уверение за приходи на членовите на домаќинството",
                   "Vërtetim për të ardhurat e anëtarëve të familjes",
                   "Удостоверение за доходите на членовете на домакинството",
                   "Income certificate of the household"),
                obtained=True,
                description=mk(
                    "Општината го прибавува од Управата за јавни приходи.",
                    "Komuna e merr nga Drejtoria e të Hyrave Publike.",
                    "Общината го изисква от Управлението за публични приходи.",
                    "The municipality obtains it from the Public Revenue Office.",
                ),
            ),
        ],
        "fees": [],
        "processing_times": [within("P30D", days="calendar")],
        "legal_basis": [law(LAW_SOCIAL_PROTECTION, "105"), law(LAW_LOCAL_GOVERNMENT, "22")],
        "appeal": APPEAL_STATE_COMMISSION,
    },  # fmt: skip
    "MK-KV-013": {
        "categories": ["general"],
        "authority": KV_GENERAL_UNIT,
        "output": mk(
            "Заверен препис од документот",
            "Kopje e vërtetuar e dokumentit",
            "Заверен препис на документа",
            "A certified copy of the document",
        ),
        "documents": [
            ID_CARD,
            request_form(
                mk("Барање за препис од архива", "Kërkesë për kopje nga arkivi",
                   "Заявление за препис от архива", "Request for an archive copy"),
                "prepis-arhiva",
            ),
            PROXY,
        ],
        "fees": [
            kv_fee(ADMIN_TAX, 50, purpose=CERTIFICATE_PURPOSE),
            kv_fee(
                mk("Препис (по страница)", "Kopje (për faqe)", "Препис (на страница)",
                   "Copy (per page)"),
                20,
                purpose=mk("Препис од архива", "Kopje nga arkivi", "Препис от архив",
                           "Archive copy"),
                revenue_code="723012 00",
            ),
            kv_fee(
                mk("Итен препис (по страница)", "Kopje urgjente (për faqe)",
                   "Бърз препис (на страница)", "Urgent copy (per page)"),
                60,
                tier="fast",
                purpose=mk("Итен препис од архива", "Kopje urgjente nga arkivi",
                           "Бърз препис от архив", "Urgent archive copy"),
                revenue_code="723012 00",
            ),
        ],
        "processing_times": [within("P5D"), within("P1D", "fast")],
        "legal_basis": [law(LAW_ARCHIVES, "38"), law(LAW_ADMINISTRATIVE_PROCEDURE, "50")],
        "appeal": APPEAL_STATE_COMMISSION,
    },  # fmt: skip
    "MK-KV-014": {
        "categories": ["general"],
        "authority": KV_GENERAL_UNIT,
        "documents": [
            doc(
                mk("Писмено барање или допис", "Kërkesë ose shkresë me shkrim",
                   "Писмено заявление или писмо", "A written request or letter"),
                kind="form",
                mandatory=False,
                condition=mk("ако предавате барање", "nëse dorëzoni një kërkesë",
                             "ако подавате заявление", "if you hand in a request"),
                form_url="https://kiselavoda.gov.mk/obrasci/opsto-baranje.pdf",
            ),
        ],
        "fees": [
            kv_fee(
                mk("Административна такса за писмено барање",
                   "Taksë administrative për kërkesë me shkrim",
                   "Административна такса за писмено заявление",
                   "Administrative tax on a written request"),
                50,
                purpose=mk("Такса за барање", "Taksë për kërkesë", "Такса за заявление",
                           "Fee for a request"),
            ),
        ],
        "processing_times": [within("PT15M")],
        "legal_basis": [
            law(LAW_LOCAL_GOVERNMENT, "62"),
            law(LAW_ADMINISTRATIVE_PROCEDURE, "21"),
            law(LAW_ADMINISTRATIVE_FEES, "1"),
        ],
    },
}

# ------------------------------------------------------------------------------- new services
# (the kiosk buttons follow the demo's first fourteen, in this order; "offices" says where).

KV_NEW_SERVICES: list[dict[str, Any]] = [
    {
        "code": "MK-KV-015",
        "queue": "A",
        "icon": "globe",
        "average_minutes": 6,
        "name": mk(
            "Интернационален извод од матична книга на родени",
            "Ekstrakt ndërkombëtar nga libri amë i të lindurve",
            "Многоезично извлечение от акт за раждане",
            "International (multilingual) birth certificate",
        ),
        "short_name": mk(
            "Извод за странство", "Ekstrakt për jashtë", "Извлечение за чужбина",
            "Birth certificate for abroad",
        ),
        "summary": mk(
            "Извод на повеќе јазици, кој се признава во странство без превод и заверка.",
            "Ekstrakt në disa gjuhë, që njihet jashtë vendit pa përkthim dhe vërtetim.",
            "Многоезично извлечение, което се признава в чужбина без превод и заверка.",
            "A multilingual certificate accepted abroad without translation or legalisation.",
        ),
        "ticket_note": mk(
            "Носете лична карта или пасош.",
            "Sillni letërnjoftimin ose pasaportën.",
            "Носете лична карта или паспорт.",
            "Bring your ID card or passport.",
        ),
        "categories": ["civil"],
        "life_events": ["birth"],
        "external_ids": {"uslugi.gov.mk": "1027"},
        "authority": KV_CIVIL_REGISTRY,
        "output": mk(
            "Интернационален извод (образец А според Виенската конвенција)",
            "Ekstrakt ndërkombëtar (formulari A sipas Konventës së Vjenës)",
            "Многоезично извлечение (образец А по Виенската конвенция)",
            "International extract (form A under the Vienna Convention)",
        ),
        "documents": [ID_CARD, PROXY, PAYMENT_PROOF],
        "fees": [
            kv_fee(ADMIN_TAX, 50, purpose=EXTRACT_PURPOSE),
            kv_fee(
                mk("Надоместок за интернационален образец",
                   "Kompensim për formularin ndërkombëtar",
                   "Такса за многоезичната бланка",
                   "Charge for the international form"),
                250,
                purpose=EXTRACT_PURPOSE,
                revenue_code="723012 00",
            ),
        ],
        "processing_times": SAME_DAY,
        "legal_basis": [law(LAW_CIVIL_REGISTRY, "28"), law(LAW_ADMINISTRATIVE_FEES, "1")],
        "appeal": APPEAL_STATE_COMMISSION,
    },  # fmt: skip
    {
        "code": "MK-KV-016",
        "queue": "A",
        "icon": "baby",
        "average_minutes": 12,
        "name": mk(
            "Упис на раѓање и лично име на дете",
            "Regjistrimi i lindjes dhe i emrit të fëmijës",
            "Вписване на раждане и име на дете",
            "Registering a birth and the child's name",
        ),
        "short_name": mk("Упис на раѓање", "Regjistrimi i lindjes", "Вписване на раждане",
                         "Register a birth"),
        "summary": mk(
            "Родителите го пријавуваат личното име на детето во рок од 15 дена од раѓањето.",
            "Prindërit deklarojnë emrin e fëmijës brenda 15 ditëve nga lindja.",
            "Родителите заявяват името на детето до 15 дни след раждането.",
            "Parents register the child's name within 15 days of the birth.",
        ),
        "ticket_note": mk(
            "Дојдете двајцата родители, со личните карти.",
            "Ejani të dy prindërit, me letërnjoftimet.",
            "Елате двамата родители, с личните си карти.",
            "Both parents come, with their ID cards.",
        ),
        "categories": ["civil"],
        "life_events": ["birth"],
        "external_ids": {"uslugi.gov.mk": "1011"},
        "authority": KV_CIVIL_REGISTRY,
        "output": mk(
            "Упис во матична книга на родени и прв извод",
            "Regjistrim në librin amë të të lindurve dhe ekstrakti i parë",
            "Вписване в регистъра и първо извлечение",
            "The entry in the register of births and a first certificate",
        ),
        "documents": [
            doc(
                mk("Лични карти на двајцата родители", "Letërnjoftimet e të dy prindërve",
                   "Личните карти на двамата родители", "Both parents' ID cards"),
                kind="id_document",
                copies=2,
            ),
            doc(
                mk("Пријава за раѓање од породилиштето", "Fletëparaqitja e lindjes nga materniteti",
                   "Съобщение за раждане от родилния дом", "Birth notification from the hospital"),
                obtained=True,
                description=mk(
                    "Породилиштето ја доставува електронски.",
                    "Materniteti e dërgon në mënyrë elektronike.",
                    "Родилният дом я изпраща електронно.",
                    "The maternity hospital sends it electronically.",
                ),
            ),
            doc(
                mk("Извод од матична книга на венчани", "Ekstrakt nga libri amë i të martuarve",
                   "Извлечение за граждански брак", "Marriage register extract"),
                obtained=True,
                description=mk(
                    "Службата го прибавува по службена должност ако бракот е склучен во земјата.",
                    "Shërbimi e merr sipas detyrës zyrtare nëse martesa është lidhur në vend.",
                    "Службата го изисква служебно, ако бракът е сключен в страната.",
                    "The office fetches it itself if the marriage was registered in the country.",
                ),
            ),
            doc(
                mk("Изјава за татковство", "Deklaratë për atësinë", "Декларация за бащинство",
                   "Declaration of paternity"),
                kind="form",
                mandatory=False,
                condition=mk("ако родителите не се во брак",
                             "nëse prindërit nuk janë të martuar",
                             "ако родителите не са в брак",
                             "if the parents are not married"),
            ),
        ],
        "fees": [],
        "processing_times": [within("P1D")],
        "legal_basis": [law(LAW_CIVIL_REGISTRY, "15"), law(LAW_CIVIL_REGISTRY, "18"),
                        law(LAW_FAMILY, "9")],
        "appeal": APPEAL_STATE_COMMISSION,
    },  # fmt: skip
    {
        "code": "MK-KV-017",
        "queue": "A",
        "icon": "ring",
        "average_minutes": 15,
        "name": mk(
            "Пријава за склучување брак (закажување венчавка)",
            "Paraqitja për lidhjen e martesës (caktimi i kurorëzimit)",
            "Заявление за сключване на брак (насрочване на ритуал)",
            "Notice of marriage (booking the ceremony)",
        ),
        "short_name": mk("Закажи венчавка", "Cakto kurorëzimin", "Насрочване на ритуал",
                         "Book a wedding"),
        "summary": mk(
            "Закажете го датумот на венчавката и предајте ги документите најмалку 30 дена пред "
            "тоа.",
            "Caktoni datën e kurorëzimit dhe dorëzoni dokumentet të paktën 30 ditë më parë.",
            "Насрочете датата на ритуала и подайте документите поне 30 дни преди нея.",
            "Book the wedding date and hand in the papers at least 30 days before.",
        ),
        "ticket_note": mk(
            "Дојдете двајцата, со личните карти.",
            "Ejani të dy, me letërnjoftimet.",
            "Елате двамата, с личните си карти.",
            "Come together, with your ID cards.",
        ),
        "categories": ["civil"],
        "life_events": ["marriage"],
        "authority": KV_CIVIL_REGISTRY,
        "output": mk(
            "Закажан термин за склучување брак",
            "Termin i caktuar për lidhjen e martesës",
            "Насрочена дата за сключване на брак",
            "A booked date for the ceremony",
        ),
        "documents": [
            doc(
                mk("Лични карти на двајцата", "Letërnjoftimet e të dyve",
                   "Личните карти на двамата", "ID cards of both partners"),
                kind="id_document",
                copies=2,
            ),
            BIRTH_EXTRACT_OBTAINED,
            doc(
                mk("Уверение за слободна брачна состојба",
                   "Vërtetim për gjendjen e lirë martesore",
                   "Удостоверение за семейно положение",
                   "Certificate of no impediment to marriage"),
                kind="certified_copy",
                mandatory=False,
                condition=mk("за странски државјанин, со заверен превод",
                             "për shtetas të huaj, me përkthim të vërtetuar",
                             "за чужденец, с легализиран превод",
                             "for a foreign national, with a certified translation"),
            ),
            doc(
                mk("Лични карти на двајца сведоци", "Letërnjoftimet e dy dëshmitarëve",
                   "Лични карти на двама свидетели", "ID cards of two witnesses"),
                kind="id_document",
                copies=2,
                description=mk("На денот на венчавката.", "Në ditën e kurorëzimit.",
                               "В деня на ритуала.", "On the day of the wedding."),
            ),
        ],
        "fees": [
            kv_fee(
                mk("Венчавка надвор од службените простории",
                   "Kurorëzim jashtë lokaleve zyrtare",
                   "Ритуал извън служебните помещения",
                   "Ceremony outside the official hall"),
                3000,
                purpose=mk("Надоместок за венчавка", "Kompensim për kurorëzim",
                           "Такса за ритуал", "Wedding ceremony fee"),
                revenue_code="723019 00",
                methods=("card", "bank"),
            ),
        ],
        "processing_times": [within("P30D", days="calendar")],
        "legal_basis": [
            law(LAW_FAMILY, "17"), law(LAW_FAMILY, "20"), law(LAW_CIVIL_REGISTRY, "20")
        ],
        "appeal": APPEAL_STATE_COMMISSION,
    },  # fmt: skip
    {
        "code": "MK-KV-018",
        "queue": "E",
        "icon": "doc-check",
        "average_minutes": 5,
        "name": mk(
            "Уверение за платен данок на имот",
            "Vërtetim për tatimin e paguar në pronë",
            "Удостоверение за платен данък върху имот",
            "Certificate that property tax is paid",
        ),
        "short_name": mk("Платен данок", "Tatimi i paguar", "Платен данък", "Tax paid certificate"),
        "summary": mk(
            "Потврда дека немате долг за данок на имот, потребна при продажба или кредит.",
            "Vërtetim që nuk keni borxh për tatimin në pronë, i nevojshëm për shitje ose kredi.",
            "Удостоверение, че нямате задължения за данък, нужно при продажба или кредит.",
            "Proof that you owe no property tax, needed for a sale or a loan.",
        ),
        "ticket_note": mk(
            "Носете лична карта.", "Sillni letërnjoftimin.", "Носете лична карта.",
            "Bring your ID card.",
        ),
        "categories": ["taxes"],
        "life_events": ["home"],
        "authority": KV_TAX_UNIT,
        "output": mk(
            "Уверение за платени даноци",
            "Vërtetim për tatimet e paguara",
            "Удостоверение за платени данъци",
            "A certificate of taxes paid",
        ),
        "output_validity": mk("30 дена", "30 ditë", "30 дни", "30 days"),
        "documents": [ID_CARD, PROXY, PAYMENT_PROOF],
        "fees": [
            kv_fee(ADMIN_TAX, 50, purpose=CERTIFICATE_PURPOSE),
            kv_fee(mk("Такса за уверение", "Taksë për vërtetim", "Такса за удостоверение",
                      "Certificate fee"), 50, purpose=CERTIFICATE_PURPOSE),
        ],
        "processing_times": [within("P1D"), within("PT1H", "express")],
        "legal_basis": [law(LAW_PROPERTY_TAXES, "35"), law(LAW_ADMINISTRATIVE_FEES, "2")],
        "appeal": APPEAL_FINANCE_MINISTRY,
    },  # fmt: skip
    {
        "code": "MK-KV-019",
        "queue": "K",
        "icon": "map-pin",
        "average_minutes": 12,
        "name": mk(
            "Извод од урбанистички план",
            "Ekstrakt nga plani urbanistik",
            "Извадка от подробния устройствен план",
            "Extract from the urban plan",
        ),
        "short_name": mk("Извод од план", "Ekstrakt nga plani", "Извадка от плана",
                         "Urban plan extract"),
        "summary": mk(
            "Што смее да се гради на вашата парцела: намена, висина и градежна линија.",
            "Çfarë lejohet të ndërtohet në parcelën tuaj: destinimi, lartësia dhe vija e "
            "ndërtimit.",
            "Какво може да се строи в имота ви: предназначение, височина и линия на застрояване.",
            "What may be built on your plot: its use, height and building line.",
        ),
        "ticket_note": mk(
            "Носете имотен лист или број на катастарската парцела.",
            "Sillni fletën pronësore ose numrin e parcelës kadastrale.",
            "Носете имотен лист или номер на кадастралния имот.",
            "Bring the title deed or the cadastral plot number.",
        ),
        "categories": ["building"],
        "life_events": ["home"],
        "authority": KV_URBAN_UNIT,
        "output": mk(
            "Извод од урбанистички план со услови за градење",
            "Ekstrakt nga plani urbanistik me kushtet e ndërtimit",
            "Извадка от плана с условията за застрояване",
            "Extract from the plan with the building conditions",
        ),
        "output_validity": mk(
            "додека важи планот", "sa kohë që plani është në fuqi", "докато планът е в сила",
            "as long as the plan is in force",
        ),
        "documents": [
            ID_CARD,
            request_form(
                mk("Барање за извод од план", "Kërkesë për ekstrakt nga plani",
                   "Заявление за извадка от план", "Application for a plan extract"),
                "izvod-plan",
            ),
            TITLE_DEED_OBTAINED,
            PROXY,
        ],
        "fees": [
            kv_fee(
                mk("Надоместок за извод од план", "Kompensim për ekstrakt nga plani",
                   "Такса за извадка от план", "Charge for a plan extract"),
                1200,
                purpose=mk("Извод од урбанистички план", "Ekstrakt nga plani urbanistik",
                           "Извадка от устройствен план", "Urban plan extract"),
                revenue_code="722319 00",
                methods=("card", "bank"),
            ),
        ],
        "processing_times": [within("P8D")],
        "legal_basis": [law(LAW_URBAN_PLANNING, "61"), law(LAW_CONSTRUCTION, "51")],
        "appeal": APPEAL_STATE_COMMISSION,
    },  # fmt: skip
    {
        "code": "MK-KV-020",
        "queue": "K",
        "icon": "tree",
        "average_minutes": 15,
        "name": mk(
            "Одобрение за раскопување јавна површина",
            "Leje për gërmimin e sipërfaqes publike",
            "Разрешение за разкопаване на обществена площ",
            "Permit to dig up a street or pavement",
        ),
        "short_name": mk("Раскопување", "Gërmim", "Разкопаване", "Digging permit"),
        "summary": mk(
            "За приклучоци на вода, струја или канализација што минуваат низ улица или тротоар.",
            "Për lidhje të ujit, rrymës ose kanalizimit që kalojnë nëpër rrugë ose trotuar.",
            "За присъединяване към вода, ток или канал през улица или тротоар.",
            "For water, power or sewer connections that cross a street or pavement.",
        ),
        "ticket_note": mk(
            "Носете скица на трасата и согласност од јавното претпријатие.",
            "Sillni skicën e trasesë dhe pëlqimin e ndërmarrjes publike.",
            "Носете скица на трасето и съгласие от дружеството.",
            "Bring a sketch of the route and the utility company's consent.",
        ),
        "categories": ["communal", "building"],
        "life_events": ["home"],
        "authority": KV_URBAN_UNIT,
        "output": mk(
            "Одобрение за раскопување со рок за враќање во првобитна состојба",
            "Leje gërmimi me afat për kthimin në gjendjen e mëparshme",
            "Разрешение с краен срок за възстановяване на настилката",
            "A permit with a deadline to restore the surface",
        ),
        "documents": [
            ID_CARD,
            request_form(
                mk("Барање за раскопување", "Kërkesë për gërmim", "Заявление за разкопаване",
                   "Digging permit application"),
                "raskopuvanje",
            ),
            doc(
                mk("Скица на трасата", "Skica e trasesë", "Скица на трасето", "Route sketch"),
                copies=2,
            ),
            doc(
                mk("Согласност од јавното претпријатие (вода, струја, гас)",
                   "Pëlqimi i ndërmarrjes publike (ujë, rrymë, gaz)",
                   "Съгласие от експлоатационното дружество (вода, ток, газ)",
                   "Consent of the utility company (water, power, gas)"),
            ),
            doc(
                mk("Банкарска гаранција за враќање на површината",
                   "Garanci bankare për rikthimin e sipërfaqes",
                   "Банкова гаранция за възстановяване на площта",
                   "Bank guarantee for restoring the surface"),
                mandatory=False,
                condition=mk("за раскоп подолг од 20 метри", "për gërmim më të gjatë se 20 metra",
                             "за изкоп по-дълъг от 20 метра", "for a trench longer than 20 metres"),
            ),
            PROXY,
        ],
        "fees": [
            kv_fee(ADMIN_TAX, 250,
                   purpose=mk("Такса за одобрение за раскопување", "Taksë për leje gërmimi",
                              "Такса за разрешение за разкопаване", "Digging permit fee"),
                   revenue_code="722319 00"),
        ],
        "processing_times": [within("P8D"), within("P2D", "express")],
        "legal_basis": [law(LAW_COMMUNAL_SERVICES, "14"), law(LAW_LOCAL_GOVERNMENT, "22")],
        "appeal": APPEAL_STATE_COMMISSION,
    },  # fmt: skip
    {
        "code": "MK-KV-021",
        "queue": "M",
        "icon": "megaphone",
        "average_minutes": 6,
        "name": mk(
            "Пријава на комунален проблем",
            "Paraqitja e një problemi komunal",
            "Сигнал за комунален проблем",
            "Reporting a problem in public spaces",
        ),
        "short_name": mk("Пријави проблем", "Paraqit problem", "Подай сигнал", "Report a problem"),
        "summary": mk(
            "Дупка на улица, изгорена улична светилка, диво сметлиште: пријавете, ќе добиете "
            "одговор.",
            "Gropë në rrugë, llambë e djegur, deponi e egër: paraqiteni dhe do të merrni "
            "përgjigje.",
            "Дупка на пътя, изгоряла лампа, нерегламентирано сметище: подайте сигнал, ще ви "
            "отговорим.",
            "A pothole, a broken street light, fly-tipping: report it and get an answer.",
        ),
        "ticket_note": mk(
            "Ако можете, носете фотографија и точна адреса.",
            "Nëse mundeni, sillni foto dhe adresën e saktë.",
            "Ако можете, носете снимка и точен адрес.",
            "If you can, bring a photo and the exact address.",
        ),
        "categories": ["communal", "general"],
        "authority": KV_URBAN_UNIT,
        "output": mk(
            "Број на пријавата и писмен одговор",
            "Numri i paraqitjes dhe përgjigje me shkrim",
            "Номер на сигнала и писмен отговор",
            "A report number and a written answer",
        ),
        "documents": [
            doc(
                mk("Фотографија од проблемот", "Fotografi e problemit", "Снимка на проблема",
                   "A photo of the problem"),
                kind="copy",
                mandatory=False,
                condition=mk("ако имате", "nëse keni", "ако имате", "if you have one"),
            ),
        ],
        "fees": [],
        "processing_times": [within("P15D", days="calendar")],
        "legal_basis": [law(LAW_COMMUNAL_SERVICES, "27"), law(LAW_LOCAL_GOVERNMENT, "22")],
    },  # fmt: skip
    {
        "code": "MK-KV-022",
        "queue": "M",
        "icon": "home",
        "average_minutes": 10,
        "valid_from": "2026-10-01",
        "valid_to": "2027-04-30",
        "name": mk(
            "Субвенција за инвертер клима уред",
            "Subvencion për kondicioner inverter",
            "Субсидия за инверторен климатик",
            "Subsidy for an inverter air conditioner",
        ),
        "short_name": mk("Субвенција за клима", "Subvencion për kondicioner",
                         "Субсидия за климатик", "Air conditioner subsidy"),
        "summary": mk(
            "За чист воздух: општината враќа дел од цената на инвертер клима уред за загревање.",
            "Për ajër të pastër: komuna kthen një pjesë të çmimit të kondicionerit inverter.",
            "За чист въздух: общината връща част от цената на инверторен климатик за отопление.",
            "For cleaner air: the municipality refunds part of the price of an inverter "
            "air conditioner for heating.",
        ),
        "ticket_note": mk(
            "Носете фискална сметка, гарантен лист и лична карта.",
            "Sillni kuponin fiskal, fletëgarancinë dhe letërnjoftimin.",
            "Носете фискален бон, гаранционна карта и лична карта.",
            "Bring the receipt, the warranty card and your ID card.",
        ),
        "categories": ["communal", "social"],
        "life_events": ["home"],
        "authority": KV_URBAN_UNIT,
        "output": mk(
            "Уплата на субвенцијата на вашата сметка",
            "Pagesa e subvencionit në llogarinë tuaj",
            "Плащане на субсидията по сметката ви",
            "The subsidy paid into your account",
        ),
        "documents": [
            ID_CARD,
            request_form(
                mk("Барање за субвенција", "Kërkesë për subvencion", "Заявление за субсидия",
                   "Subsidy application"),
                "subvencija-klima",
            ),
            doc(mk("Фискална сметка", "Kuponi fiskal", "Фискален бон", "Receipt"), kind="copy"),
            doc(mk("Гарантен лист", "Fletëgarancia", "Гаранционна карта", "Warranty card"),
                kind="copy"),
            BANK_CARD_COPY,
            TITLE_DEED_OBTAINED,
        ],
        "fees": [],
        "processing_times": [within("P45D", days="calendar")],
        "legal_basis": [
            law(
                mk(
                    "Одлука на Советот на Општина Кисела Вода за субвенционирање на граѓаните "
                    "за набавка на инвертер клима уреди",
                    "Vendimi i Këshillit të Komunës së Kisella Vodës për subvencionimin e "
                    "qytetarëve për blerjen e kondicionerëve inverter",
                    "Решение на Съвета на Община Кисела Вода за субсидиране на гражданите за "
                    "закупуване на инверторни климатици",
                    "Decision of the Kisela Voda Municipal Council on subsidies for inverter "
                    "air conditioners",
                ),
                "3",
            ),
            law(LAW_LOCAL_GOVERNMENT, "22"),
        ],
    },  # fmt: skip
    {
        "code": "MK-KV-023",
        "queue": "M",
        "icon": "baby",
        "average_minutes": 10,
        "name": mk(
            "Еднократна помош за новороденче",
            "Ndihmë e njëhershme për të porsalindurin",
            "Еднократна помощ за новородено",
            "One-off payment for a newborn",
        ),
        "short_name": mk("Помош за бебе", "Ndihmë për foshnjën", "Помощ за бебе",
                         "Newborn payment"),
        "summary": mk(
            "Општината им исплаќа 6.000 денари на родителите на секое новороденче од Кисела Вода.",
            "Komuna u paguan 6.000 denarë prindërve për çdo të porsalindur nga Kisella Voda.",
            "Общината изплаща 6000 денара на родителите на всяко новородено от Кисела Вода.",
            "The municipality pays 6,000 denars to the parents of every newborn from Kisela Voda.",
        ),
        "ticket_note": mk(
            "Носете лична карта и број на сметка.",
            "Sillni letërnjoftimin dhe numrin e llogarisë.",
            "Носете лична карта и номер на сметка.",
            "Bring your ID card and your bank account number.",
        ),
        "categories": ["social"],
        "life_events": ["birth"],
        "authority": KV_SOCIAL_UNIT,
        "output": mk(
            "Уплата на помошта на вашата сметка",
            "Pagesa e ndihmës në llogarinë tuaj",
            "Плащане на помощта по сметката ви",
            "The payment into your account",
        ),
        "documents": [
            ID_CARD,
            BIRTH_EXTRACT_OBTAINED,
            BANK_CARD_COPY,
            doc(
                mk("Потврда за живеалиште на родителите", "Vërtetim për vendbanimin e prindërve",
                   "Удостоверение за адрес на родителите", "Proof of the parents' address"),
                obtained=True,
                description=mk(
                    "Општината ја проверува во регистарот на Министерството за внатрешни работи.",
                    "Komuna e kontrollon në regjistrin e Ministrisë së Punëve të Brendshme.",
                    "Общината я проверява в регистъра на Министерството на вътрешните работи.",
                    "The municipality checks it in the Ministry of the Interior's register.",
                ),
            ),
        ],
        "fees": [],
        "processing_times": [within("P30D", days="calendar")],
        "legal_basis": [
            law(
                mk(
                    "Одлука на Советот на Општина Кисела Вода за еднократна парична помош за "
                    "новороденчиња",
                    "Vendimi i Këshillit të Komunës së Kisella Vodës për ndihmë të njëhershme "
                    "për të porsalindurit",
                    "Решение на Съвета на Община Кисела Вода за еднократна помощ за "
                    "новородени",
                    "Decision of the Kisela Voda Municipal Council on a one-off payment for "
                    "newborns",
                ),
                "2",
            ),
            law(LAW_LOCAL_GOVERNMENT, "22"),
        ],
        "appeal": APPEAL_STATE_COMMISSION,
    },  # fmt: skip
    {
        # Being prepared: not published yet, the Albanian and Bulgarian texts are still missing.
        "code": "MK-KV-024",
        "queue": "E",
        "status": "draft",
        "icon": "coins",
        "average_minutes": 10,
        "name": {
            "mk": "Ослободување од данок на имот",
            "en": "Property tax exemption",
        },
        "short_name": {"mk": "Ослободување од данок", "en": "Tax exemption"},
        "summary": {
            "mk": "Корисниците на социјална помош не плаќаат данок на имот за домот во кој живеат.",
            "en": "People receiving social assistance pay no property tax on the home they "
                  "live in.",
        },
        "ticket_note": {
            "mk": "Носете лична карта и решение за социјална помош.",
            "en": "Bring your ID card and the social assistance decision.",
        },
        "categories": ["taxes", "social"],
        "life_events": ["hardship"],
        "authority": KV_TAX_UNIT,
        "documents": [
            ID_CARD,
            doc(
                {"mk": "Решение за социјална парична помош",
                 "en": "Decision granting social assistance"},
                obtained=True,
                description={
                    "mk": "Општината го проверува кај Центарот за социјална работа.",
                    "en": "The municipality checks it with the Social Work Centre.",
                },
            ),
            TITLE_DEED_OBTAINED,
        ],
        "fees": [],
        "processing_times": [within("P30D", days="calendar")],
        "legal_basis": [law(LAW_PROPERTY_TAXES, "10")],
        "appeal": APPEAL_FINANCE_MINISTRY,
    },  # fmt: skip
]


# =============================================================================== Haskovo

HASKOVO_ORGANISATION: dict[str, Any] = {
    "slug": "haskovo",
    "name": hs("Община Хасково", "Haskovo Municipality", "Hasköy Belediyesi"),
}

HASKOVO_OFFICE: dict[str, Any] = {
    "slug": "haskovo",
    "name": hs(
        "Център за административно обслужване",
        "Administrative Service Centre",
        "İdari Hizmet Merkezi",
    ),
    "address": hs(
        "бул. „България“ 150, 6300 Хасково",
        "150 Bulgaria Blvd., 6300 Haskovo",
        "Bulgaristan Bulvarı 150, 6300 Hasköy",
    ),
    "languages": ["bg", "en", "tr"],
    "timezone": "Europe/Sofia",
    # The Bulgarian standard: no lunch break; people inside are served after closing.
    "hours": ("08:30", "17:30"),
    "queues": {
        "A": hs("Гражданска регистрация", "Civil registration", "Nüfus kayıt"),
        "E": hs("Местни данъци и такси", "Local taxes and fees", "Yerel vergi ve harçlar"),
        "K": hs("Устройство на територията", "Planning and building", "İmar ve inşaat"),
        "M": hs(
            "Общи услуги, туризъм и социални дейности",
            "General services, tourism and social support",
            "Genel hizmetler, turizm ve sosyal destek",
        ),
    },
    "counters": [
        hs("Партер, вляво", "Ground floor, left", "Zemin kat, sol"),
        hs("Партер, вляво", "Ground floor, left", "Zemin kat, sol"),
        hs("Партер, в средата", "Ground floor, centre", "Zemin kat, orta"),
        hs("Партер, вдясно", "Ground floor, right", "Zemin kat, sağ"),
    ],
    # Counter number -> the queues it serves, as (prefix, preference): 1 first.
    "matrix": {1: [("A", 1)], 2: [("A", 1), ("E", 2)], 3: [("E", 1)], 4: [("K", 1), ("M", 1)]},
}

HASKOVO_CATEGORIES: list[dict[str, Any]] = [
    {"code": "civil", "icon": "id",
     "name": hs("Гражданско състояние", "Civil status", "Nüfus ve medeni hal"),
     "description": hs("Удостоверения и актове за раждане, брак и смърт.",
                       "Certificates and records of births, marriages and deaths.",
                       "Doğum, evlilik ve ölüm belgeleri ve kayıtları.")},
    {"code": "taxes", "icon": "coins",
     "name": hs("Местни данъци и такси", "Local taxes and fees", "Yerel vergiler ve harçlar"),
     "description": hs("Данък върху имотите, данъчни оценки и удостоверения.",
                       "Property tax, tax valuations and certificates.",
                       "Emlak vergisi, vergi değerlemeleri ve belgeler.")},
    {"code": "building", "icon": "building",
     "name": hs("Устройство на територията", "Planning and building", "İmar ve inşaat"),
     "description": hs("Скици, разрешения за строеж и преместваеми обекти.",
                       "Plot sketches, building permits and temporary structures.",
                       "Parsel krokileri, yapı ruhsatları ve geçici yapılar.")},
    {"code": "business", "icon": "globe",
     "name": hs("Търговия и туризъм", "Trade and tourism", "Ticaret ve turizm"),
     "description": hs("Категоризация на обекти и разрешения за търговия.",
                       "Classifying tourist sites and trading permits.",
                       "Turistik tesislerin sınıflandırılması ve ticaret izinleri.")},
    {"code": "social", "icon": "users",
     "name": hs("Социални дейности", "Social support", "Sosyal destek"),
     "description": hs("Подкрепа за хора с увреждания и семейства.",
                       "Support for people with disabilities and families.",
                       "Engelli kişilere ve ailelere destek.")},
]  # fmt: skip

HASKOVO_LIFE_EVENTS: list[dict[str, Any]] = [
    {"code": "birth", "icon": "baby",
     "name": hs("Раждане на дете", "Having a baby", "Çocuk sahibi olmak")},
    {"code": "death", "icon": "file",
     "name": hs("Смърт на близък и наследство", "A death and an inheritance",
                "Bir yakının vefatı ve miras")},
    {"code": "home", "icon": "home",
     "name": hs("Купуване или строеж на дом", "Buying or building a home",
                "Ev satın almak veya inşa etmek")},
    {"code": "business", "icon": "building",
     "name": hs("Започване на бизнес", "Starting a business", "İş kurmak")},
    {"code": "disability", "icon": "help",
     "name": hs("Живот с увреждане", "Living with a disability", "Engelli olarak yaşamak")},
]  # fmt: skip

HASKOVO_SLIP = {
    "recipient": "Община Хасково",
    "account": "BG95 CECB 9790 8462 2000 00",  # BIC CECBBGSF
}


def bg_fee(
    label: Text,
    cents: int,
    *,
    tier: str = "normal",
    revenue_code: str = "44 80 07",  # fees for administrative services
    purpose: Text | None = None,
    methods: tuple[str, ...] = ("cash", "card", "bank", "online"),
) -> dict[str, Any]:
    """A fee in euro cents (the euro replaced the lev on 1 January 2026: 10 лв = 5.11 EUR)."""
    return {
        "label": dict(label),
        "amount_minor": cents,
        "currency": "EUR",
        "tier": tier,
        "payment_methods": list(methods),
        "payment_slip": {
            **HASKOVO_SLIP,
            "revenue_code": revenue_code,
            **({"purpose": dict(purpose)} if purpose else {}),
        },
    }


def tiers(label: Text, normal: int, fast: int | None = None, express: int | None = None,
          **options) -> list[dict[str, Any]]:
    """The usual three prices of a Bulgarian municipal service: normal, fast and express."""
    fees = [bg_fee(label, normal, **options)]
    if fast is not None:
        fees.append(bg_fee(label, fast, tier="fast", **options))
    if express is not None:
        fees.append(bg_fee(label, express, tier="express", **options))
    return fees  # fmt: skip


HS_GRAO = hs(
    "Община Хасково — отдел „Гражданска регистрация и административно обслужване“",
    "Haskovo Municipality — Civil Registration and Administrative Services Department",
    "Hasköy Belediyesi — Nüfus Kayıt ve İdari Hizmetler Müdürlüğü",
)
HS_TAXES = hs(
    "Община Хасково — дирекция „Местни данъци и такси“",
    "Haskovo Municipality — Local Taxes and Fees Directorate",
    "Hasköy Belediyesi — Yerel Vergiler ve Harçlar Müdürlüğü",
)
HS_PLANNING = hs(
    "Община Хасково — дирекция „Устройство на територията“",
    "Haskovo Municipality — Spatial Planning Directorate",
    "Hasköy Belediyesi — İmar Müdürlüğü",
)
HS_ECONOMY = hs(
    "Община Хасково — дирекция „Икономическо развитие, туризъм и търговия“",
    "Haskovo Municipality — Economic Development, Tourism and Trade Directorate",
    "Hasköy Belediyesi — Ekonomik Kalkınma, Turizm ve Ticaret Müdürlüğü",
)
HS_SOCIAL = hs(
    "Община Хасково — дирекция „Социални дейности и здравеопазване“",
    "Haskovo Municipality — Social Services and Health Directorate",
    "Hasköy Belediyesi — Sosyal Hizmetler ve Sağlık Müdürlüğü",
)

HS_LAW_CIVIL = hs("Закон за гражданската регистрация", "Civil Registration Act",
                  "Nüfus Kayıt Kanunu")
HS_LAW_TAXES = hs("Закон за местните данъци и такси", "Local Taxes and Fees Act",
                  "Yerel Vergiler ve Harçlar Kanunu")
HS_LAW_PLANNING = hs("Закон за устройство на територията", "Spatial Development Act",
                     "Mekânsal Düzenleme Kanunu")
HS_LAW_APC = hs("Административнопроцесуален кодекс", "Administrative Procedure Code",
                "İdari Usul Kanunu")
HS_LAW_TAX_PROCEDURE = hs(
    "Данъчно-осигурителен процесуален кодекс", "Tax and Social Security Procedure Code",
    "Vergi ve Sosyal Güvenlik Usul Kanunu",
)
HS_LAW_TOURISM = hs("Закон за туризма", "Tourism Act", "Turizm Kanunu")
HS_LAW_DISABILITY = hs("Закон за хората с увреждания", "Persons with Disabilities Act",
                       "Engelliler Kanunu")
HS_LAW_CADASTRE = hs("Закон за кадастъра и имотния регистър",
                     "Cadastre and Property Register Act", "Kadastro ve Tapu Sicili Kanunu")
HS_ORDINANCE_FEES = hs(
    "Наредба за определянето и администрирането на местните такси и цени на услуги на "
    "територията на Община Хасково",
    "Haskovo Municipality Ordinance on Local Fees and Prices of Services",
    "Hasköy Belediyesi Yerel Harçlar ve Hizmet Ücretleri Yönetmeliği",
)  # fmt: skip

HS_APPEAL_COURT = appeal(
    hs(
        "Административен съд — Хасково, чрез кмета на общината",
        "Haskovo Administrative Court, lodged through the mayor",
        "Hasköy İdare Mahkemesi, belediye başkanı aracılığıyla",
    ),
    14,
)

HS_BRING_ID = hs("Носете лична карта.", "Bring your ID card.", "Kimlik kartınızı getirin.")
HS_ID = doc(
    hs("Лична карта или паспорт", "Identity card or passport", "Kimlik kartı veya pasaport"),
    kind="id_document",
)
HS_PROXY = doc(
    hs("Нотариално заверено пълномощно", "A notarised power of attorney",
       "Noter onaylı vekâletname"),
    mandatory=False,
    condition=hs(
        "ако заявлението се подава от пълномощник",
        "if represented by a proxy",
        "başvuruyu bir vekil yapıyorsa",
    ),
)  # fmt: skip


def hs_form(name: Text, number: str) -> dict[str, Any]:
    """A numbered application form of the municipality (printed at the counter, or online)."""
    return doc(
        name,
        kind="form",
        description=hs(
            f"Образец № {number}, на гишето или на сайта на общината.",
            f"Form No. {number}, at the counter or on the municipality's website.",
            f"{number} numaralı form, gişede veya belediyenin internet sitesinde.",
        ),
        form_url=f"https://www.haskovo.bg/uploads/obrazci/{number}.pdf",
    )


def hs_obtained(name: Text, source: Text) -> dict[str, Any]:
    """A document the office obtains itself (служебно): the citizen need not bring it."""
    return doc(name, obtained=True, description=source)


HS_BIRTH_RECORD = hs_obtained(
    hs("Акт за раждане", "Birth record", "Doğum kaydı"),
    hs("Служебно, от регистъра на актовете за гражданско състояние.",
       "Obtained by the office from the civil status register.",
       "Nüfus kayıt sicilinden belediye tarafından alınır."),
)  # fmt: skip
HS_DEATH_RECORD = hs_obtained(
    hs("Акт за смърт", "Death record", "Ölüm kaydı"),
    hs("Служебно, от регистъра на актовете за гражданско състояние.",
       "Obtained by the office from the civil status register.",
       "Nüfus kayıt sicilinden belediye tarafından alınır."),
)  # fmt: skip
HS_OWNERSHIP = doc(
    hs("Документ за собственост (нотариален акт)", "Proof of ownership (notarial deed)",
       "Mülkiyet belgesi (noter senedi)"),
    kind="copy",
)  # fmt: skip
HS_CADASTRE_SKETCH = hs_obtained(
    hs("Скица от кадастралната карта", "Cadastral map sketch", "Kadastro haritası krokisi"),
    hs("Служебно, от Агенцията по геодезия, картография и кадастър.",
       "Obtained by the office from the Geodesy, Cartography and Cadastre Agency."),
)  # fmt: skip


def quick(normal: str, fast: str | None = None, express: str | None = None) -> list[dict]:
    times = [within(normal)]
    if fast:
        times.append(within(fast, "fast"))
    if express:
        times.append(within(express, "express"))
    return times


HASKOVO_SERVICES: list[dict[str, Any]] = [
    {
        "code": "HS-GR-01",
        "queue": "A",
        "icon": "baby",
        "average_minutes": 5,
        "name": hs("Удостоверение за раждане — дубликат", "Birth certificate — duplicate",
                   "Doğum belgesi — ikinci nüsha"),
        "short_name": hs("Дубликат за раждане", "Birth certificate copy", "Doğum belgesi"),
        "summary": hs(
            "Нов екземпляр на удостоверението за раждане, ако оригиналът е изгубен или повреден.",
            "A new copy of a birth certificate that was lost or damaged.",
            "Kaybolan veya hasar gören doğum belgesinin yeni bir nüshası.",
        ),
        "ticket_note": HS_BRING_ID,
        "categories": ["civil"],
        "life_events": ["birth"],
        "external_ids": {"iisda.government.bg": "2047"},
        "authority": HS_GRAO,
        "output": hs("Удостоверение за раждане — дубликат", "Duplicate birth certificate",
                     "Doğum belgesi ikinci nüshası"),
        "documents": [
            HS_ID,
            hs_form(hs("Искане за издаване на дубликат", "Request for a duplicate",
                       "İkinci nüsha talebi"), "GR-01"),
            HS_BIRTH_RECORD,
            HS_PROXY,
        ],
        "fees": tiers(hs("Такса за дубликат", "Duplicate fee", "İkinci nüsha harcı"),
                      256, 511, 767),
        "processing_times": quick("P3D", "P1D", "PT1H"),
        "legal_basis": [law(HS_LAW_CIVIL, "41"), law(HS_ORDINANCE_FEES, "39")],
        "appeal": HS_APPEAL_COURT,
    },  # fmt: skip
    {
        "code": "HS-GR-02",
        "queue": "A",
        "icon": "users",
        "average_minutes": 8,
        "name": hs("Удостоверение за наследници", "Certificate of heirs", "Mirasçılık belgesi"),
        "short_name": hs("Наследници", "Certificate of heirs", "Mirasçılık belgesi"),
        "summary": hs(
            "Кои са наследниците на починал човек: нужно за имоти, банки и нотариус.",
            "Who the heirs of a deceased person are: needed for property, banks and notaries.",
            "Vefat eden kişinin mirasçılarının kim olduğu: tapu, banka ve noter için gereklidir.",
        ),
        "ticket_note": hs(
            "Носете лична карта и, ако го имате, акта за смърт.",
            "Bring your ID card and, if you have it, the death certificate.",
            "Kimlik kartınızı ve varsa ölüm belgesini getirin.",
        ),
        "categories": ["civil"],
        "life_events": ["death"],
        "external_ids": {"iisda.government.bg": "2079"},
        "authority": HS_GRAO,
        "output": hs("Удостоверение за наследници", "Certificate of heirs", "Mirasçılık belgesi"),
        "output_validity": hs("6 месеца за повечето институции", "6 months for most institutions",
                              "Çoğu kurum için 6 ay"),
        "documents": [
            HS_ID,
            hs_form(hs("Заявление за удостоверение за наследници",
                       "Application for a certificate of heirs",
                       "Mirasçılık belgesi başvurusu"), "GR-02"),
            HS_DEATH_RECORD,
            doc(
                hs("Удостоверение за наследници от друга община",
                   "Certificate of heirs from another municipality"),
                kind="original",
                mandatory=False,
                condition=hs(
                    "ако починалият е живял в друга община преди 1 януари 2000 г.",
                    "if the deceased lived in another municipality before 1 January 2000",
                ),
            ),
            HS_PROXY,
        ],
        "fees": tiers(hs("Такса за удостоверение за наследници", "Certificate of heirs fee",
                         "Mirasçılık belgesi harcı"), 511, 1023, 1534),
        "processing_times": quick("P7D", "P3D", "P1D"),
        "legal_basis": [law(HS_LAW_CIVIL, "24"), law(HS_ORDINANCE_FEES, "39")],
        "appeal": HS_APPEAL_COURT,
    },  # fmt: skip
    {
        "code": "HS-GR-03",
        "queue": "A",
        "icon": "ring",
        "average_minutes": 5,
        "name": hs("Удостоверение за семейно положение", "Certificate of marital status",
                   "Medeni hal belgesi"),
        "short_name": hs("Семейно положение", "Marital status", "Medeni hal"),
        "summary": hs(
            "Дали сте семеен, неженен, разведен или вдовец — за банки, съдилища или чужбина.",
            "Whether you are married, single, divorced or widowed — for banks, courts or abroad.",
            "Evli, bekâr, boşanmış veya dul olduğunuzu gösterir — banka, mahkeme veya yurt dışı "
            "için.",
        ),
        "ticket_note": HS_BRING_ID,
        "categories": ["civil"],
        "external_ids": {"iisda.government.bg": "2059"},
        "authority": HS_GRAO,
        "output": hs("Удостоверение за семейно положение", "Certificate of marital status",
                     "Medeni hal belgesi"),
        "documents": [HS_ID, HS_PROXY],
        "fees": tiers(hs("Такса за удостоверение", "Certificate fee", "Belge harcı"),
                      256, 511),
        "processing_times": quick("P1D", "PT1H"),
        "legal_basis": [law(HS_LAW_CIVIL, "106"), law(HS_ORDINANCE_FEES, "39")],
        "appeal": HS_APPEAL_COURT,
    },  # fmt: skip
    {
        "code": "HS-GR-04",
        "queue": "A",
        "icon": "map-pin",
        "average_minutes": 5,
        "name": hs("Удостоверение за настоящ адрес", "Certificate of current address",
                   "Mevcut adres belgesi"),
        "short_name": hs("Настоящ адрес", "Current address", "Mevcut adres"),
        "summary": hs(
            "Потвърждение на адреса, на който живеете — за училище, детска градина или работа.",
            "Proof of the address where you live — for school, kindergarten or work.",
            "Oturduğunuz adresin belgesi — okul, kreş veya iş için.",
        ),
        "ticket_note": HS_BRING_ID,
        "categories": ["civil"],
        "external_ids": {"iisda.government.bg": "2082"},
        "authority": HS_GRAO,
        "output": hs("Удостоверение за настоящ адрес", "Certificate of current address",
                     "Mevcut adres belgesi"),
        "documents": [HS_ID, HS_PROXY],
        "fees": tiers(hs("Такса за удостоверение", "Certificate fee", "Belge harcı"), 256, 511),
        "processing_times": quick("P1D", "PT1H"),
        "legal_basis": [law(HS_LAW_CIVIL, "99"), law(HS_ORDINANCE_FEES, "39")],
        "appeal": HS_APPEAL_COURT,
    },  # fmt: skip
    {
        "code": "HS-GR-05",
        "queue": "A",
        "icon": "id",
        "average_minutes": 8,
        "name": hs("Удостоверение за идентичност на лице с различни имена",
                   "Certificate that differently written names belong to the same person",
                   "Farklı yazılmış isimlerin aynı kişiye ait olduğuna dair belge"),
        "short_name": hs("Различни имена", "Same person, other name", "Farklı isimler"),
        "summary": hs(
            "Когато името ви е изписано различно в различни документи.",
            "When your name is written differently in different documents.",
            "Adınız farklı belgelerde farklı yazıldığında.",
        ),
        "ticket_note": hs(
            "Носете лична карта и документите с различните имена.",
            "Bring your ID card and the documents with the different names.",
            "Kimlik kartınızı ve farklı isimlerin geçtiği belgeleri getirin.",
        ),
        "categories": ["civil"],
        "authority": HS_GRAO,
        "output": hs("Удостоверение за идентичност на имена", "Certificate of name identity",
                     "İsim aynılığı belgesi"),
        "documents": [
            HS_ID,
            doc(hs("Документите с различно изписаните имена",
                   "The documents with the differently written names",
                   "Farklı yazılmış isimlerin geçtiği belgeler"), kind="copy"),
            HS_BIRTH_RECORD,
            HS_PROXY,
        ],
        "fees": tiers(hs("Такса за удостоверение", "Certificate fee", "Belge harcı"), 256, 511),
        "processing_times": quick("P3D", "P1D"),
        "legal_basis": [law(HS_LAW_CIVIL, "24"), law(HS_ORDINANCE_FEES, "39")],
        "appeal": HS_APPEAL_COURT,
    },  # fmt: skip
    {
        "code": "HS-DT-01",
        "queue": "E",
        "icon": "home",
        "average_minutes": 10,
        "name": hs("Удостоверение за данъчна оценка на недвижим имот",
                   "Tax valuation certificate for a property",
                   "Taşınmaz vergi değeri belgesi"),
        "short_name": hs("Данъчна оценка", "Tax valuation", "Vergi değeri"),
        "summary": hs(
            "Данъчната оценка на жилище, сграда или земя — нужна при продажба, дарение или "
            "наследство.",
            "The tax value of a home, building or land — needed for a sale, a gift or an "
            "inheritance.",
            "Konut, bina veya arazinin vergi değeri — satış, bağış veya miras için gereklidir.",
        ),
        "ticket_note": hs(
            "Носете лична карта и документа за собственост.",
            "Bring your ID card and the proof of ownership.",
            "Kimlik kartınızı ve mülkiyet belgesini getirin.",
        ),
        "categories": ["taxes"],
        "life_events": ["home", "death"],
        "external_ids": {"iisda.government.bg": "2119"},
        "authority": HS_TAXES,
        "output": hs("Удостоверение за данъчна оценка", "Tax valuation certificate",
                     "Vergi değeri belgesi"),
        "output_validity": hs("до края на календарната година", "until the end of the year",
                              "takvim yılının sonuna kadar"),
        "documents": [
            HS_ID,
            hs_form(hs("Искане за удостоверение за данъчна оценка",
                       "Request for a tax valuation certificate",
                       "Vergi değeri belgesi talebi"), "DT-01"),
            HS_OWNERSHIP,
            HS_CADASTRE_SKETCH,
            HS_PROXY,
        ],
        "fees": tiers(hs("Такса за данъчна оценка", "Tax valuation fee", "Vergi değeri harcı"),
                      511, 1023, 1534, revenue_code="44 80 07",
                      purpose=hs("Удостоверение за данъчна оценка",
                                 "Tax valuation certificate")),
        "processing_times": quick("P5D", "P3D", "P1D"),
        "legal_basis": [law(HS_LAW_TAXES, "264"), law(HS_LAW_TAXES, "Приложение 2"),
                        law(HS_ORDINANCE_FEES, "41")],
        "appeal": HS_APPEAL_COURT,
    },  # fmt: skip
    {
        "code": "HS-DT-02",
        "queue": "E",
        "icon": "doc-check",
        "average_minutes": 5,
        "name": hs("Удостоверение за липса на задължения", "Certificate of no tax debts",
                   "Vergi borcu yoktur belgesi"),
        "short_name": hs("Липса на задължения", "No tax debts", "Borcu yoktur"),
        "summary": hs(
            "Че нямате неплатени местни данъци и такси — за търгове, банки и нотариуси.",
            "That you owe no local taxes or fees — for tenders, banks and notaries.",
            "Ödenmemiş yerel vergi ve harcınız olmadığını gösterir — ihale, banka ve noter için.",
        ),
        "ticket_note": HS_BRING_ID,
        "categories": ["taxes"],
        "life_events": ["home", "business"],
        "external_ids": {"iisda.government.bg": "2127"},
        "authority": HS_TAXES,
        "output": hs("Удостоверение за липса на задължения", "Certificate of no tax debts",
                     "Borcu yoktur belgesi"),
        "documents": [HS_ID, HS_PROXY],
        "fees": tiers(hs("Такса за удостоверение", "Certificate fee", "Belge harcı"), 256, 511),
        "processing_times": quick("P3D", "P1D"),
        "legal_basis": [law(HS_LAW_TAX_PROCEDURE, "87"), law(HS_LAW_TAXES, "4")],
        "appeal": HS_APPEAL_COURT,
    },  # fmt: skip
    {
        "code": "HS-DT-03",
        "queue": "E",
        "icon": "coins",
        "average_minutes": 12,
        "name": hs("Деклариране на придобит недвижим имот", "Declaring a property you acquired",
                   "Edinilen taşınmazın beyanı"),
        "short_name": hs("Деклариране на имот", "Declare a property", "Taşınmaz beyanı"),
        "summary": hs(
            "Декларация по чл. 14 ЗМДТ до два месеца след като сте придобили сграда.",
            "A declaration within two months of acquiring a building (art. 14 of the act).",
            "Bir binayı edindikten sonra iki ay içinde beyanname.",
        ),
        "ticket_note": hs(
            "Носете лична карта и документа за собственост.",
            "Bring your ID card and the proof of ownership.",
            "Kimlik kartınızı ve mülkiyet belgesini getirin.",
        ),
        "categories": ["taxes"],
        "life_events": ["home"],
        "authority": HS_TAXES,
        "documents": [
            HS_ID,
            hs_form(hs("Декларация по чл. 14 ЗМДТ", "Declaration under art. 14",
                       "14. madde beyannamesi"), "DT-14"),
            HS_OWNERSHIP,
            HS_PROXY,
        ],
        "fees": [],
        "processing_times": quick("PT30M"),
        "legal_basis": [law(HS_LAW_TAXES, "14")],
    },  # fmt: skip
    {
        "code": "HS-UT-01",
        "queue": "K",
        "icon": "map-pin",
        "average_minutes": 10,
        "name": hs("Скица на поземлен имот", "Sketch of a plot of land", "Arsa krokisi"),
        "short_name": hs("Скица на имот", "Plot sketch", "Arsa krokisi"),
        "summary": hs(
            "Скица от действащия подробен устройствен план: граници и предназначение на имота.",
            "A sketch from the detailed development plan: the plot's boundaries and use.",
            "Ayrıntılı imar planından kroki: arsanın sınırları ve kullanım amacı.",
        ),
        "ticket_note": hs(
            "Носете лична карта и номера на имота.",
            "Bring your ID card and the plot number.",
            "Kimlik kartınızı ve parsel numarasını getirin.",
        ),
        "categories": ["building"],
        "life_events": ["home"],
        "external_ids": {"iisda.government.bg": "1987"},
        "authority": HS_PLANNING,
        "output": hs("Скица на поземлен имот", "Plot sketch", "Arsa krokisi"),
        "output_validity": hs("6 месеца", "6 months", "6 ay"),
        "documents": [
            HS_ID,
            hs_form(hs("Заявление за скица", "Application for a sketch", "Kroki başvurusu"),
                    "UT-01"),
            HS_OWNERSHIP,
            HS_PROXY,
        ],
        "fees": tiers(hs("Такса за скица", "Sketch fee", "Kroki harcı"), 1023, 2045),
        "processing_times": quick("P7D", "P3D"),
        "legal_basis": [law(HS_LAW_PLANNING, "133"), law(HS_LAW_CADASTRE, "52"),
                        law(HS_ORDINANCE_FEES, "46")],
        "appeal": HS_APPEAL_COURT,
    },  # fmt: skip
    {
        "code": "HS-UT-02",
        "queue": "K",
        "icon": "building",
        "average_minutes": 20,
        "name": hs("Разрешение за строеж", "Building permit", "İnşaat ruhsatı"),
        "short_name": hs("Разрешение за строеж", "Building permit", "İnşaat ruhsatı"),
        "summary": hs(
            "Разрешение за нова сграда или пристройка, въз основа на одобрен инвестиционен проект.",
            "Permission for a new building or extension, based on an approved design.",
            "Onaylı projeye dayanarak yeni bina veya ek bina için izin.",
        ),
        "ticket_note": hs(
            "Носете документа за собственост и одобрения проект.",
            "Bring the proof of ownership and the approved design.",
            "Mülkiyet belgesini ve onaylı projeyi getirin.",
        ),
        "categories": ["building"],
        "life_events": ["home", "business"],
        "external_ids": {"iisda.government.bg": "1990"},
        "authority": HS_PLANNING,
        "output": hs("Разрешение за строеж", "Building permit", "İnşaat ruhsatı"),
        "output_validity": hs(
            "3 години за започване на строежа",
            "3 years to start building",
            "İnşaata başlamak için 3 yıl",
        ),
        "documents": [
            HS_ID,
            hs_form(hs("Заявление за разрешение за строеж", "Building permit application",
                       "İnşaat ruhsatı başvurusu"), "UT-02"),
            HS_OWNERSHIP,
            doc(hs("Одобрен инвестиционен проект", "Approved investment design",
                   "Onaylı yatırım projesi"), copies=2),
            doc(
                hs("Оценка за съответствие на проекта", "Design compliance assessment"),
                mandatory=False,
                condition=hs("за строежи от първа до четвърта категория",
                             "for buildings of categories one to four"),
            ),
            HS_CADASTRE_SKETCH,
            HS_PROXY,
        ],
        "fees": [bg_fee(hs("Такса за разрешение за строеж (жилищна сграда)",
                           "Building permit fee (house)", "İnşaat ruhsatı harcı (konut)"),
                        5113, revenue_code="44 80 07")],
        "processing_times": quick("P7D"),
        "legal_basis": [law(HS_LAW_PLANNING, "148"), law(HS_LAW_PLANNING, "149"),
                        law(HS_ORDINANCE_FEES, "48")],
        "appeal": HS_APPEAL_COURT,
    },  # fmt: skip
    {
        "code": "HS-UT-03",
        "queue": "K",
        "icon": "tree",
        "average_minutes": 15,
        "name": hs("Разрешение за поставяне на преместваем обект",
                   "Permit for a temporary structure (kiosk, stall, terrace)",
                   "Taşınabilir yapı (büfe, tezgâh, teras) izni"),
        "short_name": hs("Преместваем обект", "Temporary structure", "Taşınabilir yapı"),
        "summary": hs(
            "За павилион, маса за открито сервиране или друг преместваем обект на общински терен.",
            "For a kiosk, an outdoor café area or another temporary structure on public land.",
            "Kamu arazisinde büfe, açık hava oturma alanı veya başka bir taşınabilir yapı için.",
        ),
        "ticket_note": hs(
            "Носете схема на разположението и снимки.",
            "Bring a layout plan and photographs.",
            "Yerleşim planı ve fotoğraflar getirin.",
        ),
        "categories": ["building", "business"],
        "life_events": ["business"],
        "authority": HS_PLANNING,
        "output": hs("Разрешение за поставяне", "Placement permit", "Yerleştirme izni"),
        "documents": [
            HS_ID,
            hs_form(hs("Заявление за преместваем обект", "Temporary structure application",
                       "Taşınabilir yapı başvurusu"), "UT-03"),
            doc(hs("Схема за поставяне", "Layout plan", "Yerleşim planı"), copies=2),
            hs_obtained(hs("Удостоверение за актуално състояние от Търговския регистър",
                           "Current extract from the Commercial Register",
                           "Ticaret sicili güncel kaydı"),
                        hs("Служебно, от Агенцията по вписванията.",
                           "Obtained by the office from the Registry Agency.",
                           "Tescil Ajansı'ndan belediye tarafından alınır.")),
            HS_PROXY,
        ],
        "fees": [bg_fee(hs("Такса за разглеждане на схема", "Layout review fee",
                           "Plan inceleme harcı"), 2556)],
        "processing_times": quick("P14D"),
        "legal_basis": [law(HS_LAW_PLANNING, "56"), law(HS_ORDINANCE_FEES, "49")],
        "appeal": HS_APPEAL_COURT,
    },  # fmt: skip
    {
        "code": "HS-TR-01",
        "queue": "M",
        "icon": "building",
        "average_minutes": 15,
        "name": hs("Категоризация на туристически обект",
                   "Classification of a tourist establishment",
                   "Turistik tesis sınıflandırması"),
        "short_name": hs("Категоризация", "Tourist classification", "Sınıflandırma"),
        "summary": hs(
            "Категория за къща за гости, хотел, ресторант или кафене (1 до 3 звезди).",
            "A category for a guest house, hotel, restaurant or café (1 to 3 stars).",
            "Pansiyon, otel, restoran veya kafe için kategori (1 ila 3 yıldız).",
        ),
        "ticket_note": hs(
            "Носете заявлението и документите за обекта.",
            "Bring the application and the establishment's papers.",
            "Başvuruyu ve tesisin belgelerini getirin.",
        ),
        "categories": ["business"],
        "life_events": ["business"],
        "external_ids": {"iisda.government.bg": "1424"},
        "authority": HS_ECONOMY,
        "output": hs("Удостоверение за категория и табела", "Category certificate and plaque",
                     "Kategori belgesi ve tabela"),
        "output_validity": hs("5 години", "5 years", "5 yıl"),
        "documents": [
            HS_ID,
            hs_form(hs("Заявление за категоризация", "Classification application",
                       "Sınıflandırma başvurusu"), "TR-01"),
            doc(hs("Справка за обекта и персонала", "Details of the site and its staff"),
                kind="form"),
            doc(hs("Документ за ползване на обекта", "Proof of the right to use the premises",
                   "Tesisi kullanma hakkı belgesi"), kind="copy"),
            hs_obtained(hs("Удостоверение за актуално състояние от Търговския регистър",
                           "Current extract from the Commercial Register",
                           "Ticaret sicili güncel kaydı"),
                        hs("Служебно, от Агенцията по вписванията.",
                           "Obtained by the office from the Registry Agency.",
                           "Tescil Ajansı'ndan belediye tarafından alınır.")),
        ],
        "fees": [bg_fee(hs("Такса за категоризация (заведение до 50 места)",
                           "Classification fee (up to 50 seats)",
                           "Sınıflandırma harcı (50 kişiye kadar)"), 7669,
                        revenue_code="44 80 07")],
        "processing_times": [within("P2M", days="calendar")],
        "legal_basis": [law(HS_LAW_TOURISM, "128"), law(HS_LAW_TOURISM, "130")],
        "appeal": HS_APPEAL_COURT,
    },  # fmt: skip
    {
        "code": "HS-SD-01",
        "queue": "M",
        "icon": "car",
        "average_minutes": 10,
        "name": hs("Карта за паркиране на хора с увреждания",
                   "Parking card for people with disabilities",
                   "Engelliler için park kartı"),
        "short_name": hs("Карта за паркиране", "Disabled parking card", "Engelli park kartı"),
        "summary": hs(
            "Европейска карта за паркиране на определените места, безплатно, за 5 години.",
            "A European parking card for the reserved places, free of charge, for 5 years.",
            "Ayrılmış yerlere park etmek için Avrupa park kartı, ücretsiz, 5 yıllığına.",
        ),
        "ticket_note": hs(
            "Носете лична карта, експертното решение на ТЕЛК и снимка.",
            "Bring your ID card, the medical board's decision and a photo.",
            "Kimlik kartınızı, sağlık kurulu kararını ve bir fotoğraf getirin.",
        ),
        "categories": ["social"],
        "life_events": ["disability"],
        "external_ids": {"iisda.government.bg": "2532"},
        "authority": HS_SOCIAL,
        "output": hs("Карта за паркиране (европейски образец)", "Parking card (European model)",
                     "Park kartı (Avrupa modeli)"),
        "output_validity": hs("5 години, но не повече от решението на ТЕЛК",
                              "5 years, but no longer than the medical decision",
                              "5 yıl, ancak sağlık kurulu kararından uzun değil"),
        "documents": [
            HS_ID,
            hs_form(hs("Заявление за карта за паркиране", "Parking card application",
                       "Park kartı başvurusu"), "SD-01"),
            doc(hs("Експертно решение на ТЕЛК (50% или повече)",
                   "Medical board decision (50% or more)",
                   "Sağlık kurulu kararı (%50 veya üzeri)"), kind="copy"),
            doc(hs("Снимка 3,5 × 4,5 см", "Photo 3.5 × 4.5 cm", "Fotoğraf 3,5 × 4,5 cm"),
                copies=1),
            HS_PROXY,
        ],
        "fees": [],
        "processing_times": quick("P14D"),
        "legal_basis": [law(HS_LAW_DISABILITY, "71"), law(HS_LAW_APC, "57")],
        "appeal": HS_APPEAL_COURT,
    },  # fmt: skip
    {
        "code": "HS-GR-06",
        "queue": "A",
        "icon": "file",
        "average_minutes": 6,
        "name": hs("Удостоверение за съпруг/а и родствени връзки",
                   "Certificate of spouse and family relations",
                   "Eş ve akrabalık ilişkileri belgesi"),
        "short_name": hs("Родствени връзки", "Family relations", "Akrabalık belgesi"),
        "summary": hs(
            "Кои са съпругът или съпругата, децата и родителите ви — за социални помощи и съд.",
            "Who your spouse, children and parents are — for social benefits and the courts.",
            "Eşinizin, çocuklarınızın ve ebeveynlerinizin kim olduğu — sosyal yardımlar ve "
            "mahkeme için.",
        ),
        "ticket_note": HS_BRING_ID,
        "categories": ["civil"],
        "authority": HS_GRAO,
        "output": hs("Удостоверение за родствени връзки", "Certificate of family relations",
                     "Akrabalık belgesi"),
        "documents": [HS_ID, HS_PROXY],
        "fees": tiers(hs("Такса за удостоверение", "Certificate fee", "Belge harcı"), 256, 511),
        "processing_times": quick("P1D", "PT1H"),
        "legal_basis": [law(HS_LAW_CIVIL, "106"), law(HS_ORDINANCE_FEES, "39")],
        "appeal": HS_APPEAL_COURT,
    },  # fmt: skip
]
