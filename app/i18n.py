"""Translations (Albanian first, English second) and locale-aware dates in the app's timezone."""

from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.support import NullTranslations, Translations

from app.config import LOCALES

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGE_COOKIE = "pf_lang"
LANGUAGE_NAMES = {"sq": "Shqip", "en": "English"}

_current_locale: ContextVar[str] = ContextVar("locale", default="sq")
_timezone: ContextVar[str] = ContextVar("timezone", default="Europe/Tirane")


@cache
def translations(locale: str) -> NullTranslations:
    return Translations.load(str(LOCALES_DIR), [locale], domain="messages")


def set_locale(locale: str) -> None:
    _current_locale.set(locale if locale in LOCALES else "sq")


def set_timezone(name: str) -> None:
    _timezone.set(name)


def get_locale() -> str:
    return _current_locale.get()


def gettext(message: str, **variables: object) -> str:
    text = translations(get_locale()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext


def negotiate(cookie: str | None, accept_language: str | None, default: str) -> str:
    """The language cookie wins; else the browser's Accept-Language; else the default."""
    if cookie in LOCALES:
        return cookie
    preferred = []
    for part in (accept_language or "").split(","):
        tag, _sep, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if tag:
            preferred.append((weight, tag.replace("_", "-")))
    preferred.sort(key=lambda item: -item[0])
    match = Locale.negotiate([tag for _w, tag in preferred], list(LOCALES), sep="-")
    return str(match) if match else default


def _local(value: datetime) -> datetime:
    return value.astimezone(ZoneInfo(_timezone.get()))


def format_datetime(value: datetime | None, pattern: str = "d MMMM y, HH:mm") -> str:
    """ "6 mars 2022, 18:00" in Albanian, "6 March 2022, 18:00" in English, in Europe/Tirane."""
    if value is None:
        return ""
    return babel_format_datetime(_local(value), pattern, locale=get_locale())


def format_date(value: date | datetime | None, pattern: str = "d MMMM y") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    return babel_format_date(value, pattern, locale=get_locale())


def format_time(value: datetime | None) -> str:
    return "" if value is None else _local(value).strftime("%H:%M")
