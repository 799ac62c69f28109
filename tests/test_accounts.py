"""Signing in and out, server-side sessions, API tokens, and the sign-in rate limit."""

import asyncio

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.main import create_app
from app.models import ApiToken, AuditEntry, Role, UserSession
from app.security import SESSION_COOKIE
from app.services import accounts
from tests.conftest import (
    PASSWORD,
    TEST_SECRET,
    Browser,
    World,
    api_token_for,
    make_settings,
)


async def test_sign_in_sets_a_hardened_session_cookie_and_opens_the_dashboard(
    client: Browser, world: World
) -> None:
    token = await client.csrf_token("/login")
    response = await client.post(
        "/login",
        data={"csrf_token": token, "email": " Organizer@Example.org ", "password": PASSWORD},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/manage"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # BASE_URL is http in tests
    dashboard = await client.get("/manage")
    assert dashboard.status_code == 200
    assert "Ana Çela" in dashboard.text


async def test_the_session_cookie_is_secure_when_served_over_https(world: World, db) -> None:
    app = create_app(make_settings(db.settings.database_url, base_url="https://pop.example"))
    app.state.db = db
    transport = httpx.ASGITransport(app=app)
    async with Browser(transport=transport, base_url="https://pop.example") as browser:
        token = await browser.csrf_token("/login")
        response = await browser.post(
            "/login",
            data={"csrf_token": token, "email": world.organizer.email, "password": PASSWORD},
        )
    assert "Secure" in response.headers["set-cookie"]
    assert "max-age=31536000" in response.headers["strict-transport-security"]


async def test_a_wrong_password_re_renders_the_form_with_the_email_kept(
    client: Browser, world: World
) -> None:
    token = await client.csrf_token("/login")
    response = await client.post(
        "/login",
        data={"csrf_token": token, "email": "organizer@example.org", "password": "nope nope nope"},
    )
    assert response.status_code == 400
    assert 'value="organizer@example.org"' in response.text
    assert 'role="alert"' in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


async def test_sign_out_revokes_the_session_on_the_server(
    client: Browser, world: World, db
) -> None:
    await client.sign_in(world.organizer.email)
    stolen = client.cookies[SESSION_COOKIE]
    response = await client.post_form("/logout")
    assert response.status_code == 303
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(UserSession)) == 0
    # the old cookie value, replayed, no longer signs anyone in
    client.cookies.set(SESSION_COOKIE, stolen)
    response = await client.get("/manage")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_sign_in_keeps_only_local_next_targets(client: Browser, world: World) -> None:
    token = await client.csrf_token("/login")
    for target, expected in [
        ("/manage/tokens", "/manage/tokens"),
        ("https://evil.example/", "/manage"),
        ("//evil.example/x", "/manage"),
    ]:
        client.cookies.clear()
        token = await client.csrf_token("/login")
        response = await client.post(
            "/login",
            data={
                "csrf_token": token,
                "email": world.organizer.email,
                "password": PASSWORD,
                "next": target,
            },
        )
        assert response.headers["location"] == expected


async def test_an_inactive_user_cannot_sign_in(client: Browser, world: World, db) -> None:
    async with db.write() as session:
        user = await accounts.user_by_email(session=session, email=world.organizer.email)
        assert user is not None
        user.is_active = False
        await session.commit()
    token = await client.csrf_token("/login")
    response = await client.post(
        "/login", data={"csrf_token": token, "email": world.organizer.email, "password": PASSWORD}
    )
    assert response.status_code == 400


async def test_sign_in_attempts_are_rate_limited_per_account(world: World, db) -> None:
    settings = make_settings(db.settings.database_url, rate_limit_login_account="3/600")
    app = create_app(settings)
    app.state.db = db
    async with Browser(transport=httpx.ASGITransport(app=app), base_url="http://t") as browser:
        statuses = []
        for _ in range(5):
            token = await browser.csrf_token("/login")
            response = await browser.post(
                "/login",
                data={"csrf_token": token, "email": world.organizer.email, "password": "bad"},
            )
            statuses.append(response.status_code)
        assert statuses == [400, 400, 400, 429, 429]
        assert int(response.headers["retry-after"]) > 0
        # the limit holds even for the right password until the window ends
        token = await browser.csrf_token("/login")
        response = await browser.post(
            "/login",
            data={"csrf_token": token, "email": world.organizer.email, "password": PASSWORD},
        )
        assert response.status_code == 429


async def test_rate_limits_can_be_switched_off(world: World, db) -> None:
    settings = make_settings(db.settings.database_url, rate_limit_login_account="1/600")
    settings = settings.model_copy(update={"rate_limits": False})
    app = create_app(settings)
    db.settings = settings
    app.state.db = db
    async with Browser(transport=httpx.ASGITransport(app=app), base_url="http://t") as browser:
        for _ in range(3):
            token = await browser.csrf_token("/login")
            response = await browser.post(
                "/login",
                data={"csrf_token": token, "email": world.organizer.email, "password": "bad"},
            )
            assert response.status_code == 400


async def test_api_tokens_are_stored_hashed_and_can_be_revoked(
    client: Browser, world: World, db
) -> None:
    secret = await api_token_for(db, world.organizer)
    async with db.read() as session:
        stored = (await session.execute(select(ApiToken))).scalar_one()
    assert secret not in stored.token_hash
    assert len(stored.token_hash) == 64
    headers = {"Authorization": f"Bearer {secret}"}
    me = await client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["email"] == "organizer@example.org"
    assert me.json()["role"] == "organizer"

    await client.sign_in(world.organizer.email)
    revoked = await client.post_form(f"/manage/tokens/{stored.id}/revoke")
    assert revoked.status_code == 303
    client.cookies.clear()
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    async with db.read() as session:
        actions = (await session.execute(select(AuditEntry.action))).scalars().all()  # type: ignore[call-overload]
    assert "api_token.create" in actions
    assert "api_token.revoke" in actions


async def test_the_tokens_page_shows_a_new_token_once(client: Browser, world: World) -> None:
    await client.sign_in(world.organizer.email)
    created = await client.post_form("/manage/tokens", {"name": "Importi i kandidatëve"})
    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    assert "Importi i kandidatëve" in created.text
    assert "pf_" in created.text
    later = await client.get("/manage/tokens")
    assert "Importi i kandidatëve" in later.text
    assert "pf_" not in later.text.replace('"pf_', "")


async def test_an_empty_token_name_is_refused_next_to_the_field(
    client: Browser, world: World
) -> None:
    await client.sign_in(world.organizer.email)
    response = await client.post_form("/manage/tokens", {"name": "   "})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text


async def test_create_user_rules(session, world: World) -> None:
    import pytest

    with pytest.raises(accounts.AccountError) as error:
        await accounts.create_user(
            session=session, email="x@example.org", name="X", password="short", role=Role.admin
        )
    assert error.value.field == "password"
    with pytest.raises(accounts.AccountError) as error:
        await accounts.create_user(
            session=session,
            email="y@example.org",
            name="Y",
            password="long enough password",
            role=Role.organizer,
        )
    assert error.value.field == "organization"
    with pytest.raises(accounts.AccountError) as error:
        await accounts.create_user(
            session=session,
            email="ORGANIZER@example.org",
            name="Dup",
            password="long enough password",
            role=Role.admin,
        )
    assert error.value.field == "email"
    user = await accounts.create_user(
        session=session,
        email="Zana@Example.org",
        name="Zana Përmeti",
        password="long enough password",
        role=Role.organizer,
        organization_slug="irsh",
    )
    assert user.email == "zana@example.org"
    assert user.password_hash.startswith("$argon2id$")


async def test_the_command_line_revokes_a_token_and_says_who_did(
    client: Browser, world: World, db, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = await api_token_for(db, world.organizer)
    async with db.read() as session:
        token_id = (await session.execute(select(ApiToken))).scalar_one().id
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("ENVIRONMENT", "test")
    get_settings.cache_clear()
    try:  # the command runs its own event loop: in a thread, beside the test's
        revoke = CliRunner().invoke
        done = await asyncio.to_thread(revoke, cli, ["revoke-api-token", str(token_id)])
        missing = await asyncio.to_thread(revoke, cli, ["revoke-api-token", "999999"])
    finally:
        get_settings.cache_clear()
    assert done.exit_code == 0, done.output
    assert f"Token {token_id} revoked." in done.output
    assert missing.exit_code == 2
    headers = {"Authorization": f"Bearer {secret}"}
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    async with db.read() as session:
        entry = (
            await session.execute(
                select(AuditEntry).where(col(AuditEntry.action) == "api_token.revoke")
            )
        ).scalar_one()
    assert (entry.actor, entry.entity_type, entry.entity_id) == ("cli", "api_token", token_id)
