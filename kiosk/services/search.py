"""Kiosk search: find a service as a citizen types, in any language and either script.

Public API (framework-free; the session is passed in, nothing is committed):

``search_services(session, office, query, langs, *, limit=20, today=None) -> list[SearchHit]``
    The published services offered at ``office`` (an active ``OfficeService``, status
    "published", today within ``valid_from``..``valid_to``) that match ``query``, best first.
    ``langs`` is the reader's language order (``content_langs`` in the kiosk views): it picks
    which language's text a hit reports (a match counts the same in every language).
    ``today`` defaults to the office's local date. An empty or blank query gives ``[]``.

    Matching: every word of the query must match a word of the service (the last word as a
    prefix, since the citizen is still typing), in any language of the catalogue. Text is
    *folded* first (see ``fold``), so "izvod" finds "Извод", "извод" finds "izvod",
    "lichna karta" / "licna karta" / "лична карта" are the same, Albanian "ë"/"ç" typed as
    "e"/"c" match. A word of 4+ letters may have one typo (7+ letters: two), as an edit of the
    word or of the beginning of a longer word ("izvot" finds "Извод").

    Ranking, best first: the name or short name starts with the query; then every word found in
    the name or short name; then keywords, categories and life events, summary, required
    documents. Within a level an exact word beats a prefix beats a typo, and the office's button
    order breaks ties.

``SearchHit`` (a frozen dataclass)
    ``service_id: int``  the ``Service.id`` (load the services yourself, e.g. with
                         ``services_by_id(session, hits)``)
    ``score: float``     higher is better; only meaningful within one result list
    ``field: str``       where the best match was: "name", "short_name", "keywords",
                         "category", "life_event", "summary" or "document"
    ``lang: str``        the language of the text that matched
    ``text: str``        that text, as written (for a "found in: ..." hint)
    ``exact: bool``      False when the match needed a typo allowance
    ``spans: tuple[tuple[int, int], ...]``  character ranges of ``text`` that matched, for
                         highlighting (``highlight(text, spans)`` gives safe ``Markup`` with
                         ``<mark>``)

``services_by_id(session, hits) -> list[Service]``
    The hits' services in the hits' order.

``fold(text: str) -> str``
    Lowercase, Cyrillic (Macedonian, Bulgarian, Serbian) transliterated to Latin, diacritics
    removed (Albanian ë ç, Turkish ı ş ğ ç ö ü, Serbian/Croatian č ć ž š đ), and the usual
    alternative spellings collapsed to one (zh/z, ch/c, sh/s, kj/k, gj/g, dj/dz, xh/dz, y/j);
    the catalogue side also keeps a second spelling for ъ (a/u), ќ (k/c) and ц (c/ts).
    Used on both the catalogue and the query, so any spelling of the same word meets.

``highlight(text: str, spans) -> Markup``
    ``text`` escaped with the given spans wrapped in ``<mark>``.

``invalidate(office_id: int | None = None) -> None``
    Drop the cached index of one office (or all). Not needed after publishing: the cache notices
    changes by itself through a version read from the database on every search (the offers'
    count, active flags and the services' latest ``updated_at``, plus the classifiers' names),
    so it also stays right across several server processes.

The index per office lives in memory (about 17 MB for 1,000 services in five languages) and
is rebuilt on the first search after a change; it also remembers the last 2,000 answers it
gave, since most citizens start with the same few letters.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy import String, case, cast, func, select
from sqlalchemy.orm import Session

from ..models import (
    Category,
    LifeEvent,
    Office,
    OfficeService,
    RequiredDocument,
    Service,
)
from ..models.catalogue import service_category, service_life_event
from ..models.types import utcnow
from .clock import local_now

__all__ = [
    "SearchHit",
    "fold",
    "highlight",
    "invalidate",
    "search_services",
    "services_by_id",
]

# ------------------------------------------------------------------------------- folding

# Cyrillic letters to Latin, one canonical spelling each (the alternatives are collapsed below,
# on both sides, so "ж", "zh", "ž" and "z" all end up as "z").
# fmt: off
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ѓ": "gj", "ђ": "dj", "е": "e",
    "ё": "jo", "ж": "zh", "з": "z", "ѕ": "dz", "и": "i", "й": "j", "ј": "j", "к": "k",
    "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "ќ": "kj", "ћ": "c", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "ch", "џ": "dzh", "ш": "sh", "щ": "sht", "ъ": "a", "ь": "", "ю": "ju", "я": "ja",
    "ѝ": "i", "ы": "y", "э": "e", "є": "je", "і": "i", "ї": "ji", "ў": "u", "ѐ": "e",
}
# Letters that NFKD does not take apart.
_SPECIAL = {
    "ı": "i", "ł": "l", "đ": "dj", "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "þ": "th",
    "ð": "dh", "ŧ": "t", "ħ": "h",
}
# fmt: on
_TABLE = str.maketrans({**_CYRILLIC, **_SPECIAL})

# Alternative Latin spellings of one sound, collapsed to one. Order matters (longest first).
# fmt: off
_COLLAPSE = [
    ("dzh", "dz"), ("xh", "dz"), ("dj", "dz"), ("zh", "z"), ("ch", "c"), ("sh", "s"),
    ("kj", "k"), ("gj", "g"), ("y", "j"), ("w", "v"), ("q", "k"),
]
# fmt: on
_COLLAPSE_RE = re.compile("|".join(a for a, _ in _COLLAPSE))
_COLLAPSE_MAP = dict(_COLLAPSE)

# A second spelling for a few letters that readers write two ways that do not collapse:
# Bulgarian ъ as "a" or "u", Macedonian ќ as "k" or "c", ц as "c" or "ts". ("ts" is not
# collapsed into "c" in general: "permit" typed must stay a prefix of "permits".)
_VARIANTS = {"ъ": ("a", "u"), "ќ": ("kj", "c"), "ц": ("c", "ts")}

_WORD = re.compile(r"[a-z0-9]+")


def _strip(text: str) -> str:
    """Remove combining marks from already transliterated text."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """The comparable form of a text: lowercase Latin without diacritics or digraph variants."""
    if not text:
        return ""
    lowered = unicodedata.normalize("NFC", text).lower()
    latin = _strip(lowered.translate(_TABLE))
    for old, new in _COLLAPSE:  # str.replace in turn: the same result as _COLLAPSE_RE, faster
        if old in latin:
            latin = latin.replace(old, new)
    return latin


def _fold_variants(text: str) -> list[str]:
    """``fold(text)`` and, for words with ъ or ќ, the other common spelling."""
    lowered = unicodedata.normalize("NFC", text).lower()
    first = fold(lowered)
    if not any(ch in lowered for ch in _VARIANTS):
        return [first]
    other = lowered
    for ch, (_, alt) in _VARIANTS.items():
        other = other.replace(ch, alt)
    second = fold(other)
    return [first] if second == first else [first, second]


def _words(folded: str) -> list[str]:
    return _WORD.findall(folded)


def _folded_chars(text: str) -> tuple[str, list[int]]:
    """``fold`` applied per character, with the original index of each folded character (so
    spans in the folded text map back to the text as written)."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        piece = _strip(ch.lower().translate(_TABLE))
        out.append(piece)
        index.extend([i] * len(piece))
    # Collapse digraphs while keeping the map: rebuild piece by piece.
    joined = "".join(out)
    result: list[str] = []
    result_index: list[int] = []
    pos = 0
    for m in _COLLAPSE_RE.finditer(joined):
        result.append(joined[pos : m.start()])
        result_index.extend(index[pos : m.start()])
        repl = _COLLAPSE_MAP[m.group(0)]
        result.append(repl)
        result_index.extend([index[m.start()]] * len(repl))
        pos = m.end()
    result.append(joined[pos:])
    result_index.extend(index[pos:])
    return "".join(result), result_index


# ------------------------------------------------------------------------------- typos


def _max_edits(length: int) -> int:
    """How many typos a query word of this length may have."""
    if length >= 7:
        return 2
    if length >= 4:
        return 1
    return 0


def _prefix_distance(query: str, word: str, limit: int) -> int | None:
    """The fewest edits (insert, delete, substitute, swap of neighbours) that turn ``query``
    into some prefix of ``word``, if at most ``limit``; else None."""
    n, m = len(query), len(word)
    if m < n - limit:
        return None
    m = min(m, n + limit)
    # Rows of the Damerau (optimal string alignment) table, columns over word[:m].
    prev2: list[int] | None = None
    prev = list(range(m + 1))
    for i in range(1, n + 1):
        cur = [i] + [0] * m
        qc = query[i - 1]
        low = i
        for j in range(1, m + 1):
            cost = 0 if qc == word[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and j > 1 and qc == word[j - 2] and query[i - 2] == word[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            if v < low:
                low = v
        if low > limit:
            return None
        prev2, prev = prev, cur
    best = min(prev[max(0, n - limit) :])
    return best if best <= limit else None


def _trigrams(word: str) -> set[str]:
    padded = "  " + word
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


# ------------------------------------------------------------------------------- the index

# Field weights: what a match in each part of a service is worth.
FIELDS = {
    "name": 100.0,
    "short_name": 100.0,
    "keywords": 60.0,
    "category": 45.0,
    "life_event": 45.0,
    "summary": 35.0,
    "document": 25.0,
}
_NAME_FIELDS = ("name", "short_name")
_EXACT, _PREFIX = 1.0, 0.85
_TYPO = (1.0, 0.55, 0.4)  # by the number of edits
_NAME_START_BONUS = 200.0


@dataclass(frozen=True)
class SearchHit:
    """One service found, with where and how it matched."""

    service_id: int
    score: float
    field: str
    lang: str
    text: str
    exact: bool
    spans: tuple[tuple[int, int], ...] = ()


@dataclass
class _Entry:
    service_id: int
    position: tuple[int, int]
    valid_from: dt.date | None
    valid_to: dt.date | None
    # (field, lang, text as written, its folded words, its folded spellings if a name)
    texts: list[tuple[str, str, str, frozenset[str], tuple[str, ...]]] = field(default_factory=list)


@dataclass
class _Index:
    version: tuple
    entries: list[_Entry]
    vocabulary: list[str]  # sorted folded words
    postings: dict[str, dict[int, float]]  # word -> {entry number: best field weight}
    trigrams: dict[str, list[str]]  # trigram -> words that contain it
    names: list[tuple[str, int]]  # sorted (folded name or short name, entry number)
    # Answers already given (most citizens start with the same few letters); a new version of
    # the catalogue is a new index, so this never outlives what it was computed from.
    answers: dict[tuple, list[SearchHit]] = field(default_factory=dict)


# Keyed by (database URL, office id): tests, benches and tools may open several databases.
_cache: dict[tuple[str, int], _Index] = {}
_lock = threading.Lock()


def invalidate(office_id: int | None = None) -> None:
    """Forget the cached index of one office, or of all offices."""
    with _lock:
        for key in list(_cache):
            if office_id is None or key[1] == office_id:
                del _cache[key]


def _version(session: Session, office: Office) -> tuple:
    """A cheap fingerprint of everything the office's index is built from (one query)."""

    def classifier(model) -> tuple:
        where = model.organisation_id == office.organisation_id
        return (
            select(func.count(model.id)).where(where).scalar_subquery(),
            select(func.sum(func.length(cast(model.name, String)))).where(where).scalar_subquery(),
        )

    row = session.execute(
        select(
            func.count(OfficeService.id),
            func.sum(case((OfficeService.active.is_(True), OfficeService.service_id), else_=0)),
            func.max(Service.updated_at),
            func.sum(case((Service.status == "published", Service.id), else_=0)),
            *classifier(Category),
            *classifier(LifeEvent),
        )
        .select_from(OfficeService)
        .join(Service, Service.id == OfficeService.service_id)
        .where(OfficeService.office_id == office.id)
    ).one()
    return tuple(row)


def _build(session: Session, office: Office, version: tuple) -> _Index:
    """Read the office's offered services (plain rows, no ORM objects) and index their words."""
    rows = session.execute(
        select(
            Service.id,
            OfficeService.position,
            OfficeService.id,
            Service.valid_from,
            Service.valid_to,
            Service.name,
            Service.short_name,
            Service.keywords,
            Service.summary,
        )
        .join(Service, Service.id == OfficeService.service_id)
        .where(
            OfficeService.office_id == office.id,
            OfficeService.active.is_(True),
            Service.status == "published",
        )
        .order_by(OfficeService.position, OfficeService.id)
    ).all()
    entries: list[_Entry] = []
    number_of: dict[int, int] = {}
    extra: dict[int, list[tuple[str, dict]]] = {}
    for sid, position, offer_id, valid_from, valid_to, *_ in rows:
        number_of[sid] = len(entries)
        entries.append(_Entry(sid, (position, offer_id), valid_from, valid_to))
        extra[sid] = []
    ids = list(number_of)
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for sid, name in session.execute(
            select(RequiredDocument.service_id, RequiredDocument.name)
            .where(RequiredDocument.service_id.in_(chunk))
            .order_by(RequiredDocument.service_id, RequiredDocument.position)
        ):
            extra[sid].append(("document", name))
        for field_name, link, model, column in (
            ("category", service_category, Category, service_category.c.category_id),
            ("life_event", service_life_event, LifeEvent, service_life_event.c.life_event_id),
        ):
            for sid, name in session.execute(
                select(link.c.service_id, model.name)
                .join(model, model.id == column)
                .where(link.c.service_id.in_(chunk))
            ):
                extra[sid].append((field_name, name))

    folded_cache: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {}
    postings: dict[str, dict[int, float]] = {}
    names: list[tuple[str, int]] = []

    def add(number: int, field_name: str, values: dict | None) -> None:
        weight = FIELDS[field_name]
        for lang, value in (values or {}).items():
            if not isinstance(value, str) or not value.strip():
                continue
            cached = folded_cache.get(value)
            if cached is None:
                variants = tuple(" ".join(_words(f)) for f in _fold_variants(value))
                cached = folded_cache[value] = (
                    variants,
                    frozenset(w for v in variants for w in v.split()),
                )
            variants, words = cached
            if not words:
                continue
            spellings = tuple(variants) if field_name in _NAME_FIELDS else ()
            entries[number].texts.append((field_name, lang, value, words, spellings))
            for word in words:
                posting = postings.get(word)
                if posting is None:
                    posting = postings[word] = {}
                if posting.get(number, 0.0) < weight:
                    posting[number] = weight
            if field_name in _NAME_FIELDS:
                names.extend((variant, number) for variant in variants)

    for sid, _pos, _offer, _from, _to, name, short_name, keywords, summary in rows:
        number = number_of[sid]
        add(number, "name", name)
        add(number, "short_name", short_name)
        add(number, "keywords", keywords)
        for field_name, values in extra[sid]:
            add(number, field_name, values)
        add(number, "summary", summary)
    vocabulary = sorted(postings)
    trigrams: dict[str, list[str]] = {}
    for word in vocabulary:
        for gram in _trigrams(word):
            trigrams.setdefault(gram, []).append(word)
    names.sort()
    return _Index(version, entries, vocabulary, postings, trigrams, names)


def _index(session: Session, office: Office) -> _Index:
    version = _version(session, office)
    key = (str(session.get_bind().url), office.id)
    index = _cache.get(key)
    if index is not None and index.version == version:
        return index
    with _lock:
        index = _cache.get(key)
        if index is None or index.version != version:
            index = _build(session, office, version)
            _cache[key] = index
    return index


# ------------------------------------------------------------------------------- matching


def _word_matches(index: _Index, word: str, last: bool) -> dict[str, float]:
    """Vocabulary words that the query word matches, each with the quality of the match."""
    found: dict[str, float] = {}
    if word in index.postings:
        found[word] = _EXACT
    if last:
        # Still typing: every word that starts with what is typed so far.
        start = bisect.bisect_left(index.vocabulary, word)
        for candidate in index.vocabulary[start:]:
            if not candidate.startswith(word):
                break
            found.setdefault(candidate, _PREFIX)
    limit = _max_edits(len(word))
    if limit:
        grams = _trigrams(word)
        need = max(1, len(grams) - 4 * limit)  # a swap of neighbours spoils four
        counts: dict[str, int] = {}
        for gram in grams:
            for candidate in index.trigrams.get(gram, ()):
                counts[candidate] = counts.get(candidate, 0) + 1
        for candidate, count in counts.items():
            if count < need or candidate in found:
                continue
            if not last and abs(len(candidate) - len(word)) > limit:
                continue  # a finished word must be the whole word, give or take typos
            edits = _prefix_distance(word, candidate, limit)
            if edits:
                found[candidate] = _TYPO[edits] * (_PREFIX if last else _EXACT)
    return found


def search_services(
    session: Session,
    office: Office,
    query: str,
    langs: Sequence[str],
    *,
    limit: int = 20,
    today: dt.date | None = None,
) -> list[SearchHit]:
    """The office's offered services that match what the citizen typed, best first."""
    words = _words(fold(query or ""))
    if not words:
        return []
    # A repeated word counts once; the last word stays last (it is the one being typed).
    words = [w for i, w in enumerate(words) if w not in words[i + 1 :]]
    if today is None:
        today = local_now(utcnow(), office.timezone).date()
    index = _index(session, office)
    key = (tuple(words), today, tuple(langs), limit)
    answer = index.answers.get(key)
    if answer is None:
        answer = _search(index, words, query, langs, limit, today)
        if len(index.answers) >= _ANSWERS_KEPT:
            index.answers.clear()
        index.answers[key] = answer
    return list(answer)


_ANSWERS_KEPT = 2000


def _search(
    index: _Index,
    words: list[str],
    query: str,
    langs: Sequence[str],
    limit: int,
    today: dt.date,
) -> list[SearchHit]:
    last = len(words) - 1
    totals: dict[int, float] | None = None
    exact: set[int] | None = None
    matched: set[str] = set()
    for qi, word in enumerate(words):
        scores: dict[int, float] = {}
        exact_here: set[int] = set()
        for vocab_word, quality in _word_matches(index, word, qi == last).items():
            matched.add(vocab_word)
            posting = index.postings[vocab_word]
            if totals is not None:
                posting = {n: w for n, w in posting.items() if n in totals}
            for number, weight in posting.items():
                score = weight * quality
                if score > scores.get(number, 0.0):
                    scores[number] = score
            if quality >= _PREFIX:
                exact_here.update(posting)
        if totals is None:
            totals, exact = scores, exact_here
        else:
            totals = {n: t + scores[n] for n, t in totals.items() if n in scores}
            exact &= exact_here  # type: ignore[operator]
        if not totals:
            return []
    assert totals is not None and exact is not None
    phrase = " ".join(words)
    starts: set[int] = set()
    for name, number in index.names[bisect.bisect_left(index.names, (phrase,)) :]:
        if not name.startswith(phrase):
            break
        starts.add(number)
    # Typos are forgiven only when nothing matches as typed: "dogum" then finds "doğum"
    # alone, not also every service with "dokument" somewhere in its text.
    candidates = {n: t for n, t in totals.items() if n in exact} if exact else totals
    ranked = []
    for number, total in candidates.items():
        entry = index.entries[number]
        if entry.valid_from is not None and today < entry.valid_from:
            continue
        if entry.valid_to is not None and today > entry.valid_to:
            continue
        score = total / len(words) + (_NAME_START_BONUS if number in starts else 0.0)
        ranked.append((-score, entry.position, number))
    ranked.sort()
    order = {lang: i for i, lang in enumerate(langs)}
    hits = []
    for neg_score, _position, number in ranked[:limit]:
        entry = index.entries[number]
        field_name, lang, text = _shown_text(entry, matched, phrase, number in starts, order)
        hits.append(
            SearchHit(
                service_id=entry.service_id,
                score=round(-neg_score, 3),
                field=field_name,
                lang=lang,
                text=text,
                exact=number in exact,
                spans=match_spans(text, query),
            )
        )
    return hits


def _shown_text(
    entry: _Entry, matched: set[str], phrase: str, starts: bool, order: dict[str, int]
) -> tuple[str, str, str]:
    """The text that carried the match, in the reader's language where possible: the name
    that starts with the phrase, else the best-weighted text with a matched word."""
    best = None
    for field_name, lang, text, words, spellings in entry.texts:
        if starts:
            if not any(v.startswith(phrase) for v in spellings):
                continue
            weight = FIELDS[field_name]
        elif words & matched:
            weight = FIELDS[field_name]
        else:
            continue
        key = (-weight, order.get(lang, len(order)))
        if best is None or key < best[0]:
            best = (key, (field_name, lang, text))
    if best is None:  # cannot happen for a hit; keep the API total anyway
        field_name, lang, text, *_ = entry.texts[0]
        return field_name, lang, text
    return best[1]


# ------------------------------------------------------------------------------- highlighting


def match_spans(text: str, query: str) -> tuple[tuple[int, int], ...]:
    """Character ranges of ``text`` whose words begin with a word of ``query`` (folded), to
    highlight; words matched only with a typo are left plain."""
    words = _words(fold(query or ""))
    if not words or not text:
        return ()
    folded, mapping = _folded_chars(text)
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(folded):
        token = m.group(0)
        for word in words:
            if token.startswith(word):
                start = mapping[m.start()]
                end_index = m.start() + len(word) - 1
                end = mapping[end_index] + 1
                # Extend over the rest of a letter that folded into several (ш -> s, щ -> st).
                spans.append((start, end))
                break
    return tuple(spans)


def highlight(text: str, spans: Iterable[tuple[int, int]]) -> Markup:
    """``text`` escaped, with the spans wrapped in ``<mark>``."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(str(escape(text[pos:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def names_no_service(hits: Sequence[SearchHit]) -> bool:
    """Whether what was typed is no service's name but a paper some services ask for
    ("лична карта"): the best hit is a required document and no hit is a service's own name.
    The kiosk says so, lest the citizen think this office issues it."""
    return (
        bool(hits)
        and hits[0].field == "document"
        and not any(hit.field in ("name", "short_name") for hit in hits)
    )


def services_by_id(session: Session, hits: Sequence[SearchHit]) -> list[Service]:
    """The hits' services, in the hits' order."""
    ids = [h.service_id for h in hits]
    if not ids:
        return []
    rows = {s.id: s for s in session.scalars(select(Service).where(Service.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]
