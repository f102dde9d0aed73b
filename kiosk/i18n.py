"""Languages: which interface language a request gets, and how it formats dates and numbers.

The interface language (the gettext catalogue) is kept apart from the formatting locale:
Albanian in North Macedonia formats as ``sq_MK`` (a 24-hour clock), and a language without a
CLDR locale (Romani, Aromanian) can still have a catalogue.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency
from flask import current_app, g, request
from flask_babel import force_locale, get_locale, gettext, refresh

from .models.types import pick

# Interface language -> Babel locale used for formatting and catalogue look-up.
FORMAT_LOCALES = {
    "mk": "mk_MK",
    "sq": "sq_MK",
    "bg": "bg_BG",
    "en": "en_GB",
    "tr": "tr_TR",
    "sr": "sr_Latn_RS",
    "bs": "bs_BA",
}
# Each language's name in itself, for the language switch.
NATIVE_NAMES = {
    "mk": "Македонски",
    "sq": "Shqip",
    "bg": "Български",
    "en": "English",
    "tr": "Türkçe",
    "sr": "Srpski",
    "bs": "Bosanski",
    "rom": "Romani",
}
LANG_COOKIE = "kiosk_lang"


def init_app(app, babel) -> None:
    babel.init_app(
        app,
        locale_selector=_locale_for_request,
        timezone_selector=lambda: g.get("timezone") or current_app.config["TIMEZONE"],
        default_translation_directories="translations",
    )
    app.jinja_env.globals.update(
        current_language=current_language, native_name=NATIVE_NAMES.get, t=gettext_in
    )
    app.jinja_env.filters["office_time"] = office_time
    app.jinja_env.filters["office_date"] = office_date
    app.jinja_env.filters["office_datetime"] = office_datetime
    app.jinja_env.filters["elapsed"] = elapsed
    app.jinja_env.filters["waited"] = waited
    app.jinja_env.globals["waited_format"] = waited_format
    app.jinja_env.filters["pick"] = pick

    @app.after_request
    def _remember_language(response):
        chosen = g.get("chosen_lang")
        if chosen:
            response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 86400, samesite="Lax")
        return response


def offered_languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def has_locale(lang: str | None) -> bool:
    """Whether Babel (CLDR) can format and look up catalogues in this language.

    Romani (rom) and Aromanian (rup) have no CLDR locale: their text can be in the service
    catalogue and an office can list them, but the interface around it is in another language.
    """
    if not lang:
        return False
    if lang in FORMAT_LOCALES:
        return True
    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def format_locale(lang: str | None) -> str:
    """The Babel locale for a language, or the default language's when CLDR has none."""
    if lang in FORMAT_LOCALES:
        return FORMAT_LOCALES[lang]
    if has_locale(lang):
        return lang
    default = current_app.config["DEFAULT_LANGUAGE"]
    return FORMAT_LOCALES.get(default, default if has_locale(default) else "en_GB")


def current_language() -> str:
    """The interface language of this request, chosen once and kept on ``g``."""
    if "lang" not in g:
        g.lang = _choose_language()
    return g.lang


def use_language(lang: str | None, timezone: str | None = None) -> None:
    """Let a view impose the language (a kiosk passes its own, in the URL) and time zone."""
    if lang in offered_languages() and has_locale(lang):
        g.lang = lang
    if timezone:
        g.timezone = timezone
    refresh()  # Flask-Babel keeps the locale it resolved earlier in the request (CSRF errors...)


def gettext_in(lang: str, message: str, **params) -> str:
    """Translate a message into a given language (displays show several at once)."""
    with force_locale(format_locale(lang)):
        return gettext(message, **params)


def _choose_language() -> str:
    offered = [lang for lang in offered_languages() if has_locale(lang)]
    asked = request.args.get("lang") if request else None
    if asked in offered:
        g.chosen_lang = asked
        return asked
    cookie = request.cookies.get(LANG_COOKIE) if request else None
    if cookie in offered:
        return cookie
    if request:
        best = request.accept_languages.best_match(offered)
        if best:
            return best
    return current_app.config["DEFAULT_LANGUAGE"]


def _locale_for_request() -> str:
    return format_locale(current_language())


# A currency code or word glued to a digit: CLDR's currency spacing, which Babel does not apply.
_GLUED = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def money(amount, currency: str, locale: Locale | str | None = None) -> str:
    """An amount in major units as the language writes money ("250,00 ден.", "MKD 250.00"),
    in the current locale unless one is given."""
    text = format_currency(amount, currency or "EUR", locale=locale or get_locale())
    return _GLUED.sub("\u00a0", text)


def office_time(moment: dt.datetime | None, office, pattern: str = "HH:mm") -> str:
    """A moment as the office's local clock shows it, in the current locale's digits."""
    if moment is None:
        return ""
    return format_time(moment, pattern, tzinfo=ZoneInfo(office.timezone), locale=get_locale())


def office_date(moment: dt.datetime, office, pattern: str = "EEEE, d MMMM") -> str:
    """The office's local date in the current locale (browsers often lack mk or sq data)."""
    local = moment.astimezone(ZoneInfo(office.timezone))
    return format_date(local.date(), pattern, locale=get_locale())


def _seconds_since(since: dt.datetime, now: dt.datetime | None) -> int:
    return max(0, int(((now or dt.datetime.now(dt.UTC)) - since).total_seconds()))


def elapsed(since: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """Time gone by as the clerk's timers show it: m:ss, or h:mm:ss (JS keeps it ticking)."""
    if since is None:
        return ""
    seconds = _seconds_since(since, now)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def waited(since: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """How long a ticket has waited, in whole minutes ("12 min"): a wait is read in minutes,
    and m:ss beside clock times reads like hours. ``waited_format`` keeps it ticking in JS."""
    if since is None:
        return ""
    minutes = _seconds_since(since, now) // 60
    return gettext("%(minutes)s min", minutes=minutes)


def waited_format() -> str:
    """``waited``'s text with {n} for the minutes (static/js/live.js fills it in)."""
    return gettext("%(minutes)s min", minutes="{n}")


def office_datetime(moment: dt.datetime, office, pattern: str = "EEEE, d MMMM, HH:mm", *,
                    lang: str | None = None) -> str:
    """A moment as the office's local date and time, in the current locale (or ``lang``'s:
    displays show several languages at once)."""
    locale = format_locale(lang) if lang else get_locale()
    return format_datetime(moment, pattern, tzinfo=ZoneInfo(office.timezone), locale=locale)
