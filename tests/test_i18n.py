"""Albanian first, English second: catalogs, negotiation, the switch, dates in Europe/Tirane."""

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app import i18n
from tests.conftest import Browser

LOCALES_DIR = Path(i18n.__file__).parent / "locales"
PROJECT_DIR = LOCALES_DIR.parent.parent


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with open(LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=locale)


def test_the_template_holds_every_message_in_the_code(tmp_path: Path) -> None:
    """A user-visible string added without `make translations` fails here."""
    fresh = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [
            str(pybabel),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "gettext",
            "-k",
            "ngettext:1,2",
            "-o",
            str(fresh),
            "--no-location",
            ".",
        ],
        cwd=PROJECT_DIR,
        check=True,
        capture_output=True,
    )
    with open(fresh, "rb") as pot:
        in_code = {m.id for m in read_po(pot) if m.id}
    in_catalog = {m.id for m in _catalog("sq") if m.id}
    assert in_code - in_catalog == set(), "run `make translations` and translate"


def test_every_message_has_an_albanian_translation() -> None:
    catalog = _catalog("sq")
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []


@pytest.mark.parametrize(
    ("cookie", "accept", "expected"),
    [
        (None, None, "sq"),
        (None, "en-US,en;q=0.9", "en"),
        (None, "de-DE,de;q=0.9", "sq"),
        (None, "de;q=0.9,en;q=0.5,sq;q=0.8", "sq"),
        ("en", "sq", "en"),
        ("xx", "en", "en"),
        (None, "garbage;q=x", "sq"),
    ],
)
def test_language_negotiation(cookie: str | None, accept: str | None, expected: str) -> None:
    assert i18n.negotiate(cookie, accept, "sq") == expected


@pytest.mark.parametrize(
    ("moment", "locale", "expected"),
    [
        (datetime(2022, 3, 6, 17, 0, tzinfo=UTC), "sq", "6 mars 2022, 18:00"),
        (datetime(2022, 3, 6, 17, 0, tzinfo=UTC), "en", "6 March 2022, 18:00"),
        # summer time: UTC+2
        (datetime(2022, 5, 9, 16, 0, tzinfo=UTC), "sq", "9 maj 2022, 18:00"),
        (datetime(2022, 12, 24, 23, 30, tzinfo=UTC), "sq", "25 dhjetor 2022, 00:30"),
    ],
)
def test_dates_are_shown_in_tirana_time_per_locale(
    moment: datetime, locale: str, expected: str
) -> None:
    i18n.set_locale(locale)
    i18n.set_timezone("Europe/Tirane")
    assert i18n.format_datetime(moment) == expected


async def test_albanian_is_the_default_and_english_follows_the_browser(client: Browser) -> None:
    albanian = await client.get("/")
    assert '<html lang="sq">' in albanian.text
    assert "Aktivitetet e ardhshme" in albanian.text
    english = await client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en">' in english.text
    assert "Upcoming events" in english.text


async def test_the_language_switch_sticks(client: Browser) -> None:
    response = await client.post_form("/lang", {"lang": "en", "next": "/login?next=/manage"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/manage"
    assert "pf_lang=en" in response.headers["set-cookie"]
    page = await client.get("/login", headers={"Accept-Language": "sq"})
    assert '<html lang="en">' in page.text
    assert "Organizer sign-in" in page.text
    await client.post_form("/lang", {"lang": "sq", "next": "/"})
    page = await client.get("/login", headers={"Accept-Language": "en"})
    assert "Hyrja e organizatorëve" in page.text


async def test_the_switch_refuses_to_send_people_off_site(client: Browser) -> None:
    response = await client.post_form("/lang", {"lang": "en", "next": "https://evil.example/"})
    assert response.headers["location"] == "/"
    # the page's buttons say where to go back to in their address (formaction)
    response = await client.post_form("/lang?next=https://evil.example/", {"lang": "en"})
    assert response.headers["location"] == "/"
    response = await client.post_form("/lang?next=/events%3Fwhen%3Dpast", {"lang": "en"})
    assert response.headers["location"] == "/events?when=past"


async def test_error_pages_speak_the_language_of_the_person(client: Browser) -> None:
    albanian = await client.get("/nuk-ekziston")
    assert albanian.status_code == 404
    assert "Nuk e gjetëm këtë faqe." in albanian.text
    english = await client.get("/nope", headers={"Accept-Language": "en"})
    assert "We could not find this page." in english.text
    api = await client.get("/api/v1/me", headers={"Accept-Language": "sq"})
    assert api.status_code == 401
    assert api.json() == {"detail": "Ju lutemi hyni në llogari."}
