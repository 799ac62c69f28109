"""Issue 14 (fixes): BASE_URL derived from HOST/PORT, "share via WhatsApp / Viber / SMS", and the
event page recognising this browser's registration (app/ticket_cookie.py)."""

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from app.cli import listening_settings
from app.config import Settings, get_settings
from app.db import Database
from app.main import create_app
from app.ticket_cookie import TICKET_COOKIE, read
from tests.conftest import Browser, Stage, make_settings
from tests.test_fixes_pages import make_event
from tests.test_manage_events import post

# --- BASE_URL --------------------------------------------------------------------------------


def test_base_url_is_derived_from_host_and_port_when_not_set(tmp_path: Path) -> None:
    derived = Settings(var_dir=tmp_path, port=8101)
    assert derived.base_url == "http://127.0.0.1:8101"
    assert derived.base_url_derived
    assert derived.base_url_mismatch(host="127.0.0.1", port=8101) is None
    everywhere = Settings(var_dir=tmp_path, host="0.0.0.0", port=9000)  # noqa: S104
    assert everywhere.base_url == "http://127.0.0.1:9000"
    named = Settings(var_dir=tmp_path, host="pop.local", port=8200)
    assert named.base_url == "http://pop.local:8200"
    ipv6 = Settings(var_dir=tmp_path, host="::1", port=8300)
    assert ipv6.base_url == "http://[::1]:8300"


def test_a_set_base_url_that_differs_from_where_serve_listens_is_warned_about(
    tmp_path: Path,
) -> None:
    fixed = Settings(var_dir=tmp_path, base_url="http://127.0.0.1:8000")
    assert not fixed.base_url_derived
    assert fixed.base_url == "http://127.0.0.1:8000"
    assert fixed.base_url_mismatch(host="127.0.0.1", port=8000) is None
    port = fixed.base_url_mismatch(host="127.0.0.1", port=8101)
    assert port is not None
    assert "8000" in port
    assert "8101" in port
    host = fixed.base_url_mismatch(host="192.168.1.20", port=8000)
    assert host is not None
    assert "192.168.1.20" in host
    assert fixed.base_url_mismatch(host="0.0.0.0", port=8000) is None  # noqa: S104
    public = Settings(var_dir=tmp_path, base_url="https://forums.example.org")
    assert public.base_url_mismatch(host="0.0.0.0", port=443) is None  # noqa: S104
    # behind a proxy it differs, and serve says so (a warning, it still starts)
    assert public.base_url_mismatch(host="0.0.0.0", port=8000) is not None  # noqa: S104


def test_serve_passes_its_host_and_port_to_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HOST", "PORT"):
        monkeypatch.setenv(name, "placeholder")  # restored after the test
        monkeypatch.delenv(name)
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    try:
        settings = listening_settings(host="127.0.0.1", port=8101)
        assert settings.base_url == "http://127.0.0.1:8101"
        # what a worker process reads, from the environment serve leaves it
        assert Settings().base_url == "http://127.0.0.1:8101"
        monkeypatch.setenv("PORT", "8102")
        assert listening_settings(host=None, port=None).port == 8102  # PORT when no --port
    finally:
        get_settings.cache_clear()


async def test_the_projector_qr_and_the_ics_carry_the_derived_port(
    database_url: str, db: Database, stage: Stage
) -> None:
    application = create_app(make_settings(database_url, base_url="", port=8101))
    await application.state.db.dispose()
    application.state.db = db
    event_id = await make_event(db, stage)
    transport = httpx.ASGITransport(app=application)
    async with Browser(transport=transport, base_url="http://testserver") as browser:
        screen = (await browser.get(f"/events/{event_id}/screen")).text
        assert f"127.0.0.1:8101/events/{event_id}" in screen
        assert ":8000" not in screen
        ics = (await browser.get(f"/events/{event_id}.ics")).text.replace("\r\n ", "")
        assert f"URL:http://127.0.0.1:8101/events/{event_id}" in ics
        assert ":8000" not in ics
        feed = (await browser.get("/events.ics")).text.replace("\r\n ", "")
        assert f"http://127.0.0.1:8101/events/{event_id}" in feed


# --- share via WhatsApp / Viber / SMS --------------------------------------------------------


def share_hrefs(page: str) -> dict[str, str]:
    found = re.findall(r'<a class="button share-(\w+)" href="([^"]+)"', page)
    return {app: href.replace("&amp;", "&") for app, href in found}


async def register(browser: Browser, event_id: int, name: str = "Arta Hoxha") -> httpx.Response:
    page = (await browser.get(f"/events/{event_id}/register")).text
    fields = dict(re.findall(r'name="(csrf_token|idempotency_key)" value="([^"]+)"', page))
    return await browser.post(
        f"/events/{event_id}/register", data={**fields, "name": name, "consent": "true"}
    )


async def test_the_ticket_has_share_links_in_the_pages_language(
    client: Browser, stage: Stage, db: Database
) -> None:
    event_id = await make_event(db, stage)
    done = await register(client, event_id)
    ticket = done.headers["location"]
    page = (await client.get(ticket)).text  # Albanian, the default
    links = share_hrefs(page)
    assert set(links) == {"whatsapp", "viber", "sms"}
    url = quote(f"http://testserver{ticket}", safe="")
    assert links["whatsapp"].startswith("https://wa.me/?text=Bilet%C3%AB%20p%C3%ABr%20")
    assert links["whatsapp"].endswith(url)
    assert links["viber"].startswith("viber://forward?text=Bilet%C3%AB")
    assert links["sms"].startswith("sms:?body=Bilet%C3%AB")
    assert quote("Forumi për ujin", safe="") in links["sms"]
    assert " " not in "".join(links.values())  # every character is encoded

    client.cookies.set("pf_lang", "en")
    english = share_hrefs((await client.get(ticket)).text)
    assert english["whatsapp"].startswith("https://wa.me/?text=Ticket%20for%20%E2%80%9C")

    # a cancelled ticket has nothing to share
    token = ticket.rsplit("/", 1)[1]
    cancelled = await post(client, f"/r/{token}/cancel", {})
    assert cancelled.status_code == 303
    assert share_hrefs((await client.get(ticket)).text) == {}


async def test_a_new_portal_link_has_share_links(
    client: Browser, stage: Stage, db: Database
) -> None:
    await make_event(db, stage)
    client.cookies.set("pf_lang", "en")
    await client.sign_in(stage.world.organizer.email)
    issued = await post(client, f"/manage/candidates/{stage.anila.id}/portal", {})
    assert issued.status_code == 200, issued.text
    token = re.search(r"http://testserver/c/([A-Za-z0-9_-]+)", issued.text)
    assert token
    links = share_hrefs(issued.text)
    assert set(links) == {"whatsapp", "viber", "sms"}
    encoded = quote(f"http://testserver/c/{token.group(1)}", safe="")
    assert all(href.endswith(encoded) for href in links.values())
    assert quote("Anila Toska, your private link", safe="") in links["whatsapp"]


# --- this browser's tickets ------------------------------------------------------------------


def set_cookie_header(response: httpx.Response) -> str:
    found = [v for v in response.headers.get_list("set-cookie") if v.startswith(TICKET_COOKIE)]
    assert len(found) == 1, response.headers.get_list("set-cookie")
    return found[0]


async def test_the_event_page_leads_this_browser_back_to_its_tickets(
    client: Browser, neighbour: Browser, stage: Stage, db: Database, settings: Any
) -> None:
    event_id = await make_event(db, stage)
    other_event = await make_event(db, stage, title="Tjetri")
    client.cookies.set("pf_lang", "en")
    before = (await client.get(f"/events/{event_id}/register")).text
    assert "my-tickets" not in before

    first = await register(client, event_id, "Arta Hoxha")
    cookie = set_cookie_header(first).lower()
    assert f"path=/events/{event_id};" in cookie or cookie.endswith(f"path=/events/{event_id}")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "max-age=" in cookie
    assert "secure" not in cookie  # http://testserver; under https it is Secure
    first_token = first.headers["location"].rsplit("/", 1)[1]
    assert first_token not in cookie.split(";")[0].rsplit(".", 1)[-1]  # signed, the sig apart

    block = await client.get(f"/events/{event_id}/register")
    assert f'href="/r/{first_token}"' in block.text
    assert "You registered for this event from this phone." in block.text
    assert "Arta Hoxha" not in block.text  # a phone may be shared: never the name
    assert "no-store" in block.headers["cache-control"]
    assert block.headers["referrer-policy"] == "strict-origin"

    second = await register(client, event_id, "Besnik Hoxha")  # the family, from one phone
    second_token = second.headers["location"].rsplit("/", 1)[1]
    both = (await client.get(f"/events/{event_id}/register")).text
    assert f'href="/r/{first_token}"' in both
    assert f'href="/r/{second_token}"' in both
    assert both.index(second_token) < both.index(first_token)  # the newest first

    # only this browser, only this event
    assert "my-tickets" not in (await neighbour.get(f"/events/{event_id}/register")).text
    assert "my-tickets" not in (await client.get(f"/events/{other_event}/register")).text

    # a cancelled ticket is not offered
    cancelled = await post(client, f"/r/{first_token}/cancel", {})
    assert cancelled.status_code == 303
    after = (await client.get(f"/events/{event_id}/register")).text
    assert first_token not in after
    assert second_token in after

    # "forget them on this phone"
    forgotten = await post(client, f"/events/{event_id}/forget-tickets", {})
    assert forgotten.status_code == 303
    assert forgotten.headers["location"] == f"/events/{event_id}"
    removal = set_cookie_header(forgotten).lower()
    assert 'pf_tickets=""' in removal or "max-age=0" in removal
    assert "my-tickets" not in (await client.get(f"/events/{event_id}/register")).text
    assert (await client.get(f"/r/{second_token}")).status_code == 200  # the link still works


async def test_a_tampered_ticket_cookie_is_ignored(
    client: Browser, stage: Stage, db: Database, settings: Any
) -> None:
    event_id = await make_event(db, stage)
    done = await register(client, event_id)
    token = done.headers["location"].rsplit("/", 1)[1]
    value = set_cookie_header(done).split(";")[0].split("=", 1)[1].strip('"')

    class Fake:
        def __init__(self, cookie: str) -> None:
            self.cookies = {TICKET_COOKIE: cookie}

    assert read(Fake(value), secret=settings.secret_key, event_id=event_id) == [token]  # type: ignore[arg-type]
    assert read(Fake(value), secret=settings.secret_key, event_id=event_id + 1) == []  # type: ignore[arg-type]
    assert read(Fake(value), secret="another-secret" * 3, event_id=event_id) == []  # type: ignore[arg-type]
    forged = "a" * 64 + "." + value.rsplit(".", 1)[1]
    assert read(Fake(forged), secret=settings.secret_key, event_id=event_id) == []  # type: ignore[arg-type]
    assert read(Fake("garbage"), secret=settings.secret_key, event_id=event_id) == []  # type: ignore[arg-type]

    client.cookies.clear()
    client.cookies.set(TICKET_COOKIE, forged, domain="testserver", path=f"/events/{event_id}")
    page = await client.get(f"/events/{event_id}/register")
    assert page.status_code == 200
    assert "my-tickets" not in page.text
