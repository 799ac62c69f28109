"""Caches (issue 10, item 6): no answer a shared cache may keep sets a cookie, and the API's
personal answers (a citizen's data, a private link, who is signed in) are `no-store`."""

import secrets
from collections.abc import AsyncIterator

import httpx
import pytest

from app.db import Database
from app.templating import STATIC_DIR
from app.voters import publicly_cacheable
from tests.access import ROUTES
from tests.conftest import Browser, World, api_token_for
from tests.test_access import Clients, fill, make_clients


@pytest.fixture
async def clients(app, world: World, db: Database) -> AsyncIterator[Clients]:  # type: ignore[no-untyped-def]
    """The access matrix's browsers and filled-in paths (tests/test_access.py)."""
    made = await make_clients(app, world, db)
    yield made
    for browser in made.browsers.values():
        await browser.aclose()


VISITS = [
    {},
    {"HX-Request": "true"},
    {"Accept-Language": "en"},
]


def static_paths() -> list[str]:
    return sorted(
        "/static/" + path.relative_to(STATIC_DIR).as_posix()
        for path in STATIC_DIR.rglob("*")
        if path.is_file()
    )


@pytest.mark.parametrize(
    ("value", "public"),
    [
        ("public, max-age=300", True),
        ("max-age=60, PUBLIC", True),
        ("s-maxage=60", True),
        ("private, no-cache", False),
        ("no-store", False),
        ("", False),
    ],
)
def test_what_counts_as_publicly_cacheable(value: str, public: bool) -> None:
    assert publicly_cacheable(value) is public


async def test_no_publicly_cacheable_answer_sets_a_cookie(app, clients: Clients) -> None:  # type: ignore[no-untyped-def]
    """Every GET route of the app and every static file, as a new visitor (no cookie at all)."""
    paths = [fill(clients, path) for method, path in sorted(ROUTES) if method == "GET"]
    paths += static_paths()
    paths += ["/events.ics?lang=en", f"/static/app.css?v={secrets.token_hex(4)}"]
    transport = httpx.ASGITransport(app=app)
    both, public = [], []
    for path in paths:
        for headers in VISITS:
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as new:
                for method in ("GET", "HEAD"):
                    response = await new.request(method, path, headers=headers)
                    cache_control = response.headers.get("cache-control", "")
                    if publicly_cacheable(cache_control):
                        public.append(path)
                        if "set-cookie" in response.headers:
                            cookies = response.headers.get_list("set-cookie")
                            both.append(f"{method} {path} {headers}: {cache_control} {cookies}")
    assert not both, "publicly cacheable answers that set a cookie:\n" + "\n".join(both)
    # the walk did meet the public answers: the calendar feeds and the static files
    assert any(p.endswith(".ics") for p in public)
    assert any(p.startswith("/static/") for p in public)


async def test_a_feed_still_gives_a_voter_cookie_to_pages_afterwards(
    client: Browser, world: World
) -> None:
    """The visitor without a cookie gets none with the feed, and one with the next page."""
    feed = await client.get("/events.ics")
    assert feed.status_code == 200
    assert "set-cookie" not in feed.headers
    page = await client.get("/events")
    assert "pf_voter=" in page.headers.get("set-cookie", "")


# --- no-store on the API's personal answers ------------------------------------------------------


async def test_personal_api_answers_are_no_store(
    client: Browser,
    clients: Clients,
    world: World,
    db: Database,
) -> None:
    event_id = clients.path_values["event_id"]
    token = await api_token_for(db, world.organizer)
    bearer = {"Authorization": f"Bearer {token}"}
    key = {"Idempotency-Key": secrets.token_urlsafe(24)}
    body = {"name": "Arta Hoxha", "consent": True}
    url = f"/api/v1/events/{event_id}/registrations"
    created = await client.post(url, json=body, headers=key)
    replayed = await client.post(url, json=body, headers=key)
    ticket = created.json()["ticket_url"].rsplit("/", 1)[-1]
    answers = {
        "POST registrations (201)": created,
        "POST registrations (200, a retry)": replayed,
        "POST registrations (no key)": await client.post(url, json=body),
        "GET registrations": await client.get(url, headers=bearer),
        "POST checkins": await client.post(
            f"/api/v1/events/{event_id}/checkins",
            json={"code": created.json()["code"]},
            headers=bearer,
        ),
        "DELETE registrations/{token}": await client.delete(f"/api/v1/registrations/{ticket}"),
        "GET me (token)": await client.get("/api/v1/me", headers=bearer),
        "POST questions (its private link)": await client.post(
            f"/api/v1/events/{event_id}/questions", json={"body": "Kur rregullohet rruga?"}
        ),
        "GET event (token)": await client.get(f"/api/v1/events/{event_id}", headers=bearer),
        "GET questions (token)": await client.get(
            f"/api/v1/events/{event_id}/questions", headers=bearer
        ),
    }
    session = clients.browsers["organizer"]
    answers["GET me (session)"] = await session.get("/api/v1/me")
    answers["GET event (session)"] = await session.get(f"/api/v1/events/{event_id}")
    wrong = {
        name: (r.status_code, r.headers.get("cache-control"))
        for name, r in answers.items()
        if r.status_code >= 300 or r.headers.get("cache-control") != "no-store"
    }
    assert not wrong, wrong


async def test_public_api_answers_to_the_public_are_not_marked_no_store(
    client: Browser,
    clients: Clients,
) -> None:
    event_id = clients.path_values["event_id"]
    for path in (
        f"/api/v1/events/{event_id}",
        f"/api/v1/events/{event_id}/questions",
        "/api/v1/events",
    ):
        response = await client.get(path)
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("cache-control", ""), path
