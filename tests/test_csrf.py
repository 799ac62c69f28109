"""CSRF: every unsafe route in the access table refuses a request that cannot prove its origin."""

import re

import pytest

from app.security import CSRF_EXEMPT_PREFIXES
from tests.access import ROUTES
from tests.conftest import Browser, World, api_token_for

# the one-click unsubscribe is exempt on purpose (app/security.py; tests/test_mail_pages.py)
EXEMPT = {(m, p) for m, p in ROUTES if p.startswith(CSRF_EXEMPT_PREFIXES)}
UNSAFE_ROUTES = sorted(
    (m, p) for m, p in ROUTES if m in {"POST", "PUT", "PATCH", "DELETE"} and (m, p) not in EXEMPT
)


def test_only_the_one_click_unsubscribe_goes_without_a_csrf_token() -> None:
    assert CSRF_EXEMPT_PREFIXES == ("/unsubscribe/",)
    assert {key for key in EXEMPT if key[0] != "GET"} == {
        ("POST", "/unsubscribe/{unsubscribe_token}")
    }


def fill(path: str) -> str:
    return re.sub(r"\{\w+\}", "1", path)


@pytest.fixture
async def signed_in(client: Browser, world: World) -> Browser:
    await client.sign_in(world.organizer.email)
    return client


@pytest.mark.parametrize(("method", "path"), UNSAFE_ROUTES)
async def test_missing_token_is_refused(signed_in: Browser, method: str, path: str) -> None:
    response = await signed_in.request(method, fill(path), data={"lang": "en"})
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "path"), UNSAFE_ROUTES)
async def test_wrong_token_is_refused(signed_in: Browser, method: str, path: str) -> None:
    good = await signed_in.csrf_token()
    wrong = good[:-4] + ("0000" if not good.endswith("0000") else "1111")
    response = await signed_in.request(method, fill(path), data={"csrf_token": wrong})
    assert response.status_code == 403
    response = await signed_in.request(method, fill(path), headers={"X-CSRF-Token": wrong})
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "path"), UNSAFE_ROUTES)
async def test_foreign_origin_is_refused_even_with_a_good_token(
    signed_in: Browser, method: str, path: str
) -> None:
    token = await signed_in.csrf_token()
    for headers in (
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
    ):
        response = await signed_in.request(
            method, fill(path), data={"csrf_token": token}, headers=headers
        )
        assert response.status_code == 403, headers


async def test_a_good_token_in_the_form_or_the_htmx_header_passes(signed_in: Browser) -> None:
    token = await signed_in.csrf_token()
    form = await signed_in.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/"})
    assert form.status_code == 303
    header = await signed_in.post(
        "/lang",
        data={"lang": "sq", "next": "/"},
        headers={"X-CSRF-Token": token, "HX-Request": "true", "Origin": "http://testserver"},
    )
    assert header.status_code == 303


async def test_a_token_from_before_sign_in_does_not_work_after(client: Browser, world) -> None:
    anonymous_token = await client.csrf_token()
    await client.sign_in(world.organizer.email)
    response = await client.post(
        "/manage/tokens", data={"csrf_token": anonymous_token, "name": "x"}
    )
    assert response.status_code == 403


async def test_bearer_requests_are_not_subject_to_csrf(client: Browser, stage, db) -> None:
    """A bearer token is not sent by browsers on their own, so it needs no CSRF token.

    (On a form route a token may use; token management is not one: tests/test_hardening_tokens.py.)
    """
    secret = await api_token_for(db, stage.world.organizer)
    response = await client.post(
        "/manage/candidates",
        data={
            "full_name": "Ermira Prifti",
            "election_id": str(stage.election.id),
            "municipality_id": str(stage.world.municipality.id),
            "office": "council",
        },
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 303
    listing = await client.get(
        response.headers["location"], headers={"Authorization": f"Bearer {secret}"}
    )
    assert "Ermira Prifti" in listing.text


async def test_a_bearer_request_ignores_the_session_cookie(client: Browser, world) -> None:
    await client.sign_in(world.organizer.email)
    response = await client.get("/api/v1/me", headers={"Authorization": "Bearer pf_not-a-token"})
    assert response.status_code == 401
