"""The interface catalogues: complete, in step with the sources, compiled, and really used.

A string added to a template or to the code without running the extraction, the update and
the translation makes this suite fail; so does a .po edited without recompiling its .mo.

    .venv/bin/pybabel extract -F babel.cfg -k _l -k N_ -k t:2 -k lazy_gettext \
        --no-location --sort-output -o kiosk/translations/messages.pot .
    .venv/bin/pybabel update -i kiosk/translations/messages.pot -d kiosk/translations \
        --ignore-obsolete
    (translate, remove the fuzzy flags)
    .venv/bin/pybabel compile -d kiosk/translations --statistics
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "kiosk" / "translations"
POT = TRANSLATIONS / "messages.pot"
LANGS = ["mk", "sq", "bg", "en", "tr"]

# The same extraction as the one that wrote messages.pot (see babel.cfg).
EXTRACT_ARGS = [
    "extract",
    "-F",
    "babel.cfg",
    "-k",
    "_l",
    "-k",
    "N_",
    "-k",
    "t:2",
    "-k",
    "lazy_gettext",
    "--no-location",
    "--sort-output",
]

PLURAL_FORMS = {
    "mk": "nplurals=2; plural=(n%10==1 && n%100!=11) ? 0 : 1;",
    "sq": "nplurals=2; plural=(n != 1);",
    "bg": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
    # Babel's own table gives Turkish a single form; CLDR and GNU gettext give it two.
    "tr": "nplurals=2; plural=(n != 1);",
}

# %(name)s, %(num)d, %s, %%: Python's %-formatting, as Flask-Babel applies it.
PLACEHOLDER = re.compile(
    r"%(?:\((\w+)\))?[#0 +\-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?([diouxXeEfFgGcrsa%])"
)


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def mo_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo"


def load_po(path: Path, lang: str | None = None):
    with open(path, "rb") as f:
        return read_po(f, locale=lang)


def load_mo(path: Path):
    with open(path, "rb") as f:
        return read_mo(f)


def placeholders(text: str) -> Counter:
    return Counter(m.group(0) if m.group(2) != "%" else "%%" for m in PLACEHOLDER.finditer(text))


def message_ids(catalog) -> set:
    """Each message as (context, id); a plural message's id is (singular, plural)."""
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in catalog if m.id}


def contents(catalog) -> dict:
    """What a compiled catalogue holds: translated, non-fuzzy messages and their strings."""
    out = {}
    for m in catalog:
        if not m.id or m.fuzzy:
            continue
        strings = (m.string,) if isinstance(m.string, str) else tuple(m.string)
        if not all(strings):
            continue
        key = (m.context, m.id if isinstance(m.id, str) else tuple(m.id))
        out[key] = strings
    return out


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """Extract the sources afresh, with the same command as the committed template."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    cmd = [sys.executable, "-c", "from babel.messages.frontend import main; main()"]
    result = subprocess.run(
        [*cmd, *EXTRACT_ARGS, "-o", str(out), "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out


# (a) complete catalogues --------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_is_complete(lang):
    catalog = load_po(po_path(lang), lang)
    assert not catalog.fuzzy, f"{lang}: the header is marked fuzzy"
    assert catalog.plural_forms == PLURAL_FORMS[lang]
    assert len(catalog) > 0
    problems = []
    for msg in catalog:
        if not msg.id:
            continue
        if msg.fuzzy:
            problems.append(f"fuzzy: {msg.id!r}")
        strings = [msg.string] if isinstance(msg.string, str) else list(msg.string)
        if len(strings) != (catalog.num_plurals if msg.pluralizable else 1) or not all(
            s and s.strip() for s in strings
        ):
            problems.append(f"untranslated: {msg.id!r}")
    assert not problems, f"{lang}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_match(lang):
    catalog = load_po(po_path(lang), lang)
    problems = []
    for msg in catalog:
        if not msg.id:
            continue
        if msg.pluralizable:
            # Every form (mk uses the "singular" for 21, 31...) must carry the number.
            wanted = placeholders(msg.id[0]) | placeholders(msg.id[1])
            strings = list(msg.string)
        else:
            wanted = placeholders(msg.id)
            strings = [msg.string]
        for s in strings:
            if placeholders(s) != wanted:
                problems.append(f"{msg.id!r} -> {s!r}: {dict(placeholders(s))} != {dict(wanted)}")
        # A literal brace example ({"service": "CODE"}) is code: it stays as it is.
        for braces in re.findall(r"\{[^{}]*\}", msg.id if isinstance(msg.id, str) else ""):
            if braces not in msg.string:
                problems.append(f"{msg.id!r} -> {msg.string!r}: lost {braces}")
    problems += [f"{msg.id!r}: {err}" for msg, errors in catalog.check() for err in errors]
    assert not problems, f"{lang}:\n" + "\n".join(problems)


# (b) the template is up to date with the sources -------------------------------------------


def test_template_is_up_to_date(extracted):
    fresh = message_ids(load_po(extracted))
    committed = message_ids(load_po(POT))
    assert fresh, "the extraction found no message at all"
    assert fresh - committed == set(), "strings in the sources missing from messages.pot"
    assert committed - fresh == set(), "stale strings in messages.pot"


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_has_every_source_string(extracted, lang):
    fresh = message_ids(load_po(extracted))
    catalogue = message_ids(load_po(po_path(lang), lang))
    assert fresh - catalogue == set(), f"{lang}: strings not in the catalogue (pybabel update)"
    assert catalogue - fresh == set(), f"{lang}: strings no longer in the sources"


def test_extraction_sees_the_indirect_strings(extracted):
    """Messages that reach gettext through a variable: error ids, t() and multilingual()."""
    ids = {i for _, i in message_ids(load_po(extracted))}
    for expected in [
        "Now serving",  # multilingual(langs, 'Now serving') in display/_board.html
        "Welcome. Please take a ticket at the kiosk.",
        "Reconnecting…",
        "Priority tickets are not issued for this service.",  # raise InvalidInput("...")
        "This ticket does not exist at this office.",  # raise NotFound("...")
        'Send a JSON object such as {"service": "CODE"}.',
        "Nobody is waiting for the services of this counter.",  # N_() class attribute
        "Something went wrong on our side. Please try again.",  # N_() in kiosk/errors.py
        "Wrong username or password.",  # _l()
    ]:
        assert expected in ids


# (c) the compiled catalogues are up to date with the .po files ------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_mo_is_compiled_from_po(lang, tmp_path):
    assert mo_path(lang).exists(), f"{lang}: run pybabel compile -d kiosk/translations"
    catalog = load_po(po_path(lang), lang)
    fresh = tmp_path / "messages.mo"
    with open(fresh, "wb") as f:
        write_mo(f, catalog)
    expected, committed = load_mo(fresh), load_mo(mo_path(lang))
    assert contents(committed) == contents(expected), f"{lang}: recompile the .mo"
    assert committed.plural_forms == expected.plural_forms == PLURAL_FORMS[lang]


# (d) Macedonian plurals --------------------------------------------------------------------


def test_macedonian_plural_rule():
    translations = Translations.load(str(TRANSLATIONS), ["mk_MK"])
    assert isinstance(translations, Translations) and translations.files, "no Macedonian .mo"
    singular, plural = "recalled %(num)d time", "recalled %(num)d times"
    forms = next(m.string for m in load_po(po_path("mk"), "mk") if m.id == (singular, plural))
    assert forms[0] != forms[1]
    for n in (1, 21, 31, 101):
        assert translations.ngettext(singular, plural, n) == forms[0], n
    for n in (11, 2, 5, 12, 111, 0):
        assert translations.ngettext(singular, plural, n) == forms[1], n


@pytest.mark.parametrize("lang", ["sq", "bg", "en", "tr"])
def test_other_plural_rules(lang):
    translations = Translations.load(str(TRANSLATIONS), [lang])
    assert isinstance(translations, Translations) and translations.files
    assert [translations.plural(n) for n in (1, 2, 0, 11, 21, 101)] == [0, 1, 1, 1, 1, 1]
    singular, plural = "%(num)d person is ahead of you.", "%(num)d people are ahead of you."
    one, many = (translations.ngettext(singular, plural, n) for n in (1, 2))
    assert translations.ngettext(singular, plural, 21) == many
    assert translations.ngettext(singular, plural, 0) == many
    if lang != "tr":  # Turkish keeps the noun singular after a number: "3 kişi"
        assert one != many
    assert "%(num)d" in one and "%(num)d" in many


# (e) the application really uses them ------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "script"),
    [("mk", "cyrillic"), ("sq", "latin"), ("bg", "cyrillic"), ("tr", "latin")],
)
def test_app_translates(app, lang, script):
    from flask_babel import force_locale, gettext, ngettext

    from kiosk.i18n import FORMAT_LOCALES, gettext_in

    with app.test_request_context("/"), force_locale(FORMAT_LOCALES[lang]):
        text = gettext("Choose a service")
        rendered = app.jinja_env.from_string("{{ _('Choose a service') }}").render()
        counted = ngettext("%(num)d person is ahead of you.", "%(num)d people are ahead of you.", 3)
    assert text and text != "Choose a service"
    assert rendered == text
    assert "3" in counted and "people" not in counted
    has_cyrillic = bool(re.search(r"[\u0400-\u04FF]", text))
    assert has_cyrillic == (script == "cyrillic")
    with app.test_request_context("/"):
        # Lobby displays show several languages at once through t(lang, message).
        assert gettext_in(lang, "Now serving") != "Now serving"


def test_app_english_and_display_wording(app):
    from kiosk.i18n import gettext_in

    with app.test_request_context("/"):
        assert gettext_in("en", "Choose a service") == "Choose a service"
        assert gettext_in("sq", "Now serving") == "Tani po shërbehet"
        assert gettext_in("mk", "No-show") == "Не се појави"
        assert gettext_in("sq", "No-show") == "Nuk u paraqit"
        assert gettext_in("bg", "No-show") == "Не се яви"
        assert gettext_in("mk", "Counter") == "Шалтер"
        assert gettext_in("bg", "Counter") == "Гише"
        assert gettext_in("sq", "Counter") == "Sporteli"
        assert gettext_in("tr", "Counter") == "Gişe"
        assert gettext_in("tr", "No-show") == "Gelmedi"
        assert gettext_in("tr", "Take a ticket") == "Sıra numarası alın"


def test_parametrised_messages_format(app):
    """Flask-Babel fills %(name)s after translating: the translations must accept it."""
    from flask_babel import force_locale, gettext

    from kiosk.i18n import FORMAT_LOCALES

    for lang in LANGS:
        with app.test_request_context("/"), force_locale(FORMAT_LOCALES[lang]):
            assert "7" in gettext("Counter %(number)d", number=7)
            assert "A012" in gettext("Serving %(code)s", code="A012")
            assert "09:30" in gettext("Called at %(time)s", time="09:30")
