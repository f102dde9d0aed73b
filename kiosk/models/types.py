"""Column types shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Translatable text: {"mk": "...", "sq": "...", "en": "..."}, as CPSV-AP's language-tagged strings.
I18nText = JSON


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def pick(text: dict | None, languages) -> str:
    """The first non-empty translation in the given language order, else any, else ""."""
    if not text:
        return ""
    for lang in languages:
        value = text.get(lang)
        if value:
            return value
    return next((v for v in text.values() if v), "")
