"""API tokens (issue 10): a token cannot mint or revoke tokens, and last_used_at is kept, at most
once a minute per token."""

from datetime import timedelta

from sqlalchemy import func, select, update
from sqlmodel import col

from app.db import Database
from app.models import ApiToken, utcnow
from app.security import hash_token
from tests.conftest import Browser, World, api_token_for


async def token_row(db: Database, secret: str) -> ApiToken:
    async with db.read() as session:
        row = await session.scalar(
            select(ApiToken).where(col(ApiToken.token_hash) == hash_token(secret))
        )
    assert row is not None
    return row


async def token_count(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(ApiToken)) or 0)


async def test_a_token_cannot_mint_a_token(client: Browser, world: World, db: Database) -> None:
    secret = await api_token_for(db, world.organizer)
    bearer = {"Authorization": f"Bearer {secret}"}
    before = await token_count(db)
    page = await client.get("/manage/tokens", headers=bearer)
    assert page.status_code == 403
    minted = await client.post("/manage/tokens", data={"name": "another"}, headers=bearer)
    assert minted.status_code == 403
    assert "pf_" not in minted.text
    assert await token_count(db) == before


async def test_a_token_cannot_revoke_a_token(client: Browser, world: World, db: Database) -> None:
    secret = await api_token_for(db, world.organizer)
    victim = await token_row(db, await api_token_for(db, world.organizer))
    revoked = await client.post(
        f"/manage/tokens/{victim.id}/revoke", headers={"Authorization": f"Bearer {secret}"}
    )
    assert revoked.status_code == 403
    assert (await token_row(db, secret)).revoked_at is None
    async with db.read() as session:
        assert (await session.get(ApiToken, victim.id)).revoked_at is None  # type: ignore[union-attr]


async def test_a_token_with_a_session_cookie_too_is_still_refused(
    client: Browser, world: World, db: Database
) -> None:
    """The bearer decides who asks (cookies are then ignored): still a token, still 403."""
    await client.sign_in(world.organizer.email)
    secret = await api_token_for(db, world.organizer)
    page = await client.get("/manage/tokens", headers={"Authorization": f"Bearer {secret}"})
    assert page.status_code == 403
    assert (await client.get("/manage/tokens")).status_code == 200  # the browser alone may


async def test_a_signed_in_browser_still_manages_its_tokens(
    client: Browser, world: World, db: Database
) -> None:
    await client.sign_in(world.organizer.email)
    created = await client.post_form("/manage/tokens", {"name": "Skaneri i derës"})
    assert created.status_code == 200
    assert "pf_" in created.text
    [row] = [t for t in await _tokens(db) if t.name == "Skaneri i derës"]
    revoked = await client.post_form(f"/manage/tokens/{row.id}/revoke")
    assert revoked.status_code == 303


async def _tokens(db: Database) -> list[ApiToken]:
    async with db.read() as session:
        return list((await session.execute(select(ApiToken))).scalars())


async def test_last_used_at_is_set_when_a_token_authenticates(
    client: Browser, world: World, db: Database
) -> None:
    secret = await api_token_for(db, world.organizer)
    assert (await token_row(db, secret)).last_used_at is None
    before = utcnow()
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    used = (await token_row(db, secret)).last_used_at
    assert used is not None
    assert before - timedelta(seconds=1) <= used <= utcnow()


async def test_last_used_at_is_written_at_most_once_a_minute(
    client: Browser, world: World, db: Database
) -> None:
    secret = await api_token_for(db, world.organizer)
    bearer = {"Authorization": f"Bearer {secret}"}
    await client.get("/api/v1/me", headers=bearer)
    first = (await token_row(db, secret)).last_used_at
    for _ in range(5):
        assert (await client.get("/api/v1/me", headers=bearer)).status_code == 200
    assert (await token_row(db, secret)).last_used_at == first
    # a minute and more later, the next use is recorded
    stale = utcnow() - timedelta(minutes=2)
    async with db.write() as session:
        await session.execute(
            update(ApiToken)
            .where(col(ApiToken.token_hash) == hash_token(secret))
            .values(last_used_at=stale)
        )
        await session.commit()
    await client.get("/api/v1/events", headers=bearer)  # a public route: no token needed there
    assert (await token_row(db, secret)).last_used_at == stale  # and none was looked at
    await client.get("/api/v1/events/999999", headers=bearer)  # a route that takes a token
    later = (await token_row(db, secret)).last_used_at
    assert later is not None
    assert later > stale + timedelta(minutes=1)


async def test_a_refused_token_records_nothing(client: Browser, world: World, db: Database) -> None:
    secret = await api_token_for(db, world.organizer)
    async with db.write() as session:
        await session.execute(
            update(ApiToken)
            .where(col(ApiToken.token_hash) == hash_token(secret))
            .values(revoked_at=utcnow())
        )
        await session.commit()
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 401
    assert (await token_row(db, secret)).last_used_at is None
