"""An idempotency key is not a credential (issue 10, item 2): it must be strong, only its keyed
hash is stored, and a replay with another body is refused instead of handing out the ticket."""

import asyncio
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import col

from app.db import Database
from app.models import Event, EventKind, EventStatus, Registration
from app.models.attendance import RegistrationCreate
from app.security import hash_token
from app.services import attendance, tickets
from app.services.errors import InvalidInput
from tests.conftest import TEST_SECRET, Browser, World, alembic_config

SOON = datetime.now(UTC) + timedelta(days=7)
BODY = {"name": "Arta Hoxha", "phone": "069 123 4567", "consent": True}


async def add_event(db: Database, world: World) -> int:
    async with db.write() as session:
        event = Event(
            kind=EventKind.forum,
            title="Forumi i çelësave",
            municipality_id=world.municipality.id,
            organization_id=world.organization.id,
            venue="Salla e Këshillit",
            starts_at=SOON,
            ends_at=SOON + timedelta(hours=2),
            status=EventStatus.scheduled,
        )
        session.add(event)
        await session.commit()
    return event.id or 0


def new_key() -> str:
    return secrets.token_urlsafe(24)


async def post(
    client: Browser, event_id: int, body: dict[str, Any], key: str | None
) -> Any:  # httpx.Response
    headers = {"Accept-Language": "en"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return await client.post(f"/api/v1/events/{event_id}/registrations", json=body, headers=headers)


async def stored(db: Database, event_id: int) -> list[Registration]:
    async with db.read() as session:
        rows = await session.execute(
            select(Registration)
            .where(col(Registration.event_id) == event_id)
            .order_by(col(Registration.id))
        )
        return list(rows.scalars())


@pytest.mark.parametrize(
    "key",
    ["k", "short-key-19-chars!", "x" * 65, "has space in it 12345", "base64+with/padding=12345"],
)
async def test_a_weak_or_malformed_key_is_refused_with_422(
    client: Browser, world: World, db: Database, key: str
) -> None:
    event_id = await add_event(db, world)
    response = await post(client, event_id, BODY, key)
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["header", "idempotency-key"]
    assert problem["msg"]
    assert await stored(db, event_id) == []


async def test_the_service_refuses_a_weak_key_too(db: Database, world: World) -> None:
    event_id = await add_event(db, world)
    async with db.write() as session:
        with pytest.raises(InvalidInput) as refused:
            await attendance.register(
                session=session,
                event_id=event_id,
                data=RegistrationCreate(name="Ana", consent=True),
                secret=TEST_SECRET,
                idempotency_key="abc",
            )
    assert "idempotency_key" in refused.value.errors


async def test_a_replay_with_another_body_gets_422_and_no_ticket(
    client: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world)
    key = new_key()
    first = await post(client, event_id, BODY, key)
    assert first.status_code == 201
    ticket_url = first.json()["ticket_url"]
    for other in (
        {"name": "Someone Else", "consent": True},
        {**BODY, "phone": "069 999 9999"},
        {**BODY, "email": "arta@example.org"},
    ):
        replay = await post(client, event_id, other, key)
        assert replay.status_code == 422, replay.text
        body = replay.json()
        assert body["field"] == "idempotency_key"
        assert "other details" in body["detail"]
        assert first.json()["code"] not in replay.text
        assert ticket_url not in replay.text
        assert "ticket_url" not in body
    assert len(await stored(db, event_id)) == 1


async def test_a_replay_with_the_same_body_returns_the_same_registration(
    client: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world)
    key = new_key()
    first = await post(client, event_id, BODY, key)
    # the same input, written differently, is the same input
    again = await post(client, event_id, {**BODY, "name": "  Arta Hoxha "}, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    # the same key for another event is another registration
    other_event = await add_event(db, world)
    elsewhere = await post(client, other_event, BODY, key)
    assert elsewhere.status_code == 201
    assert elsewhere.json()["ticket_url"] != first.json()["ticket_url"]


async def test_without_a_key_each_post_is_a_new_registration(
    client: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world)
    one = await post(client, event_id, BODY, None)
    two = await post(client, event_id, BODY, None)
    assert one.status_code == two.status_code == 201
    assert one.json()["ticket_url"] != two.json()["ticket_url"]
    rows = await stored(db, event_id)
    assert [r.idempotency_key_hash for r in rows] == [None, None]
    ticket = await client.get(one.json()["ticket_url"].removeprefix("http://testserver"))
    assert ticket.status_code == 200


async def test_neither_the_key_nor_the_ticket_can_be_read_from_the_database(
    client: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world)
    key = new_key()
    response = await post(client, event_id, BODY, key)
    token = response.json()["ticket_url"].rsplit("/", 1)[-1]
    [row] = await stored(db, event_id)
    values = [str(v) for v in row.model_dump().values() if v is not None]
    for secret_thing in (key, token):
        assert not any(secret_thing in value for value in values), secret_thing
    # what is stored are keyed hashes: without the secret key they say nothing
    assert row.idempotency_key_hash == tickets.key_hash(
        secret=TEST_SECRET, event_id=event_id, idempotency_key=key
    )
    assert row.idempotency_key_hash != tickets.key_hash(
        secret="another-secret-" + "y" * 30, event_id=event_id, idempotency_key=key
    )
    assert len(row.request_fingerprint or "") == 64
    assert row.token_hash == hash_token(token)
    # and the stored hashes are not the ticket, nor lead to it
    assert token not in {row.idempotency_key_hash, row.request_fingerprint}
    assert hash_token(row.idempotency_key_hash or "") != row.token_hash
    assert hash_token(row.request_fingerprint or "") != row.token_hash


async def test_the_form_reused_with_other_details_gets_a_fresh_form_not_the_ticket(
    citizen: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world)
    page = await citizen.get(f"/events/{event_id}/register")
    form = {
        name: re.search(rf'name="{name}" value="([^"]*)"', page.text).group(1)  # type: ignore[union-attr]
        for name in ("csrf_token", "idempotency_key")
    }
    url = f"/events/{event_id}/register"
    first = await citizen.post(url, data={**form, "name": "Arta Hoxha", "consent": "true"})
    assert first.status_code == 303
    ticket = first.headers["location"]
    # Back, another name, the same hidden key: not Arta's ticket
    reused = await citizen.post(url, data={**form, "name": "Blerina Kola", "consent": "true"})
    assert reused.status_code == 422
    assert ticket not in reused.text
    assert "This form was already sent with other details." in reused.text
    assert 'value="Blerina Kola"' in reused.text  # what was typed is kept
    fresh = re.search(r'name="idempotency_key" value="([^"]*)"', reused.text)
    assert fresh
    assert fresh.group(1) != form["idempotency_key"]
    # the fresh form registers her
    done = await citizen.post(
        url,
        data={**form, "idempotency_key": fresh.group(1), "name": "Blerina Kola", "consent": "true"},
    )
    assert done.status_code == 303
    assert done.headers["location"] != ticket
    assert [r.name for r in await stored(db, event_id)] == ["Arta Hoxha", "Blerina Kola"]


# --- the migration ------------------------------------------------------------------------------


def _run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


async def _seed_at_0003(url: str) -> None:
    """A registration as revision 0003 stored it: its idempotency key in clear."""
    engine = create_async_engine(url)
    now = datetime(2030, 1, 1, 12, tzinfo=UTC)
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO municipality (id, name, slug) VALUES (1, 'Durrës', 'durres')")
        )
        await connection.execute(
            text(
                "INSERT INTO organization (id, name, slug, municipality_id) "
                "VALUES (1, 'CSDC', 'csdc', 1)"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO event (id, kind, title, description, municipality_id, "
                "organization_id, venue, starts_at, ends_at, status, created_at, updated_at) "
                "VALUES (1, 'forum', 'F', '', 1, 1, 'Salla', :start, :end, 'scheduled', "
                ":now, :now)"
            ),
            {"start": now, "end": now + timedelta(hours=2), "now": now},
        )
        await connection.execute(
            text(
                "INSERT INTO registration (id, event_id, name, status, source, code, token_hash, "
                "idempotency_key, created_at) VALUES (1, 1, 'Ana', 'confirmed', 'online', "
                "'ACD-EFG', :token_hash, 'the-old-key-in-clear-1234', :now)"
            ),
            {"token_hash": hash_token("old-ticket"), "now": now},
        )
    await engine.dispose()


async def _registration_row(url: str) -> dict[str, Any]:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        row = (await connection.execute(text("SELECT * FROM registration"))).mappings().one()
    await engine.dispose()
    return dict(row)


def _check_migration(url: str) -> None:
    config = alembic_config(url)
    command.upgrade(config, "0003")
    _run(_seed_at_0003(url))
    command.upgrade(config, "head")
    row = _run(_registration_row(url))
    assert "idempotency_key" not in row
    assert row["idempotency_key_hash"] is None
    assert "the-old-key-in-clear-1234" not in {str(v) for v in row.values()}
    assert row["token_hash"] == hash_token("old-ticket")  # the ticket still opens
    command.downgrade(config, "0003")
    command.upgrade(config, "head")


def test_the_migration_drops_the_keys_in_clear_on_sqlite(new_sqlite_database) -> None:  # type: ignore[no-untyped-def]
    _check_migration(new_sqlite_database())


def test_the_migration_drops_the_keys_in_clear_on_postgresql(new_postgres_database) -> None:  # type: ignore[no-untyped-def]
    _check_migration(new_postgres_database())
