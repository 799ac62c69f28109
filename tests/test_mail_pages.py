"""The public pages about e-mail, on both engines: unsubscribing (a confirm button; the mail
client's one-click POST without a CSRF token, deliberately) and "send me my ticket link"."""

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.db import Database
from app.models import OutboxMessage
from app.services import outbox
from tests.conftest import TEST_SECRET, Browser, World
from tests.test_attendance import make_event
from tests.test_mail_notices import link_in, outbox_rows
from tests.test_registration_pages import register


async def test_unsubscribe_shows_a_button_and_the_one_click_post_needs_no_csrf_token(
    app, db: Database, citizen: Browser, world: World
) -> None:  # type: ignore[no-untyped-def]
    token = outbox.unsubscribe_token(secret=TEST_SECRET, address="arta@example.org")
    page = await citizen.get(f"/unsubscribe/{token}")
    assert page.status_code == 200
    assert "arta@example.org" in page.text
    assert 'method="post"' in page.text
    async with db.read() as session:  # a GET changes nothing (mail apps preview links)
        assert not await outbox.unsubscribed(session=session, address="arta@example.org")
    # a mail client: no cookie, no CSRF token, the RFC 8058 body
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as mailer:
        response = await mailer.post(
            f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}
        )
    assert response.status_code == 303
    async with db.read() as session:
        assert await outbox.unsubscribed(session=session, address="ARTA@example.org")
    done = await citizen.get(response.headers["location"])
    assert "arta@example.org" in done.text
    event_id = await make_event(db, world)
    await register(citizen, event_id, email="arta@example.org")
    assert await outbox_rows(db) == []  # nothing more to that address


async def test_a_forged_unsubscribe_token_is_refused_and_other_posts_still_need_csrf(
    app, citizen: Browser
) -> None:  # type: ignore[no-untyped-def]
    token = outbox.unsubscribe_token(secret="another-secret-" * 3, address="arta@example.org")
    assert (await citizen.get(f"/unsubscribe/{token}")).status_code == 404
    assert (await citizen.post(f"/unsubscribe/{token}")).status_code == 404
    assert (await citizen.get("/unsubscribe/nonsense")).status_code == 404
    # the exemption is this one path: a form elsewhere without its token is still refused
    assert (
        await citizen.post("/events/1/ticket-link", data={"email": "a@b.al"})
    ).status_code == 403


async def test_send_me_my_ticket_link_answers_alike_and_mails_only_the_registered_address(
    citizen: Browser, db: Database, world: World
) -> None:
    event_id = await make_event(db, world)
    first = await register(citizen, event_id, name="Arta Hoxha", email="Arta@Example.org")
    old_ticket = first.headers["location"]
    event_page = await citizen.get(f"/events/{event_id}")
    assert f'href="/events/{event_id}/ticket-link"' in event_page.text
    form = await citizen.get(f"/events/{event_id}/ticket-link")
    assert form.status_code == 200
    assert 'name="email"' in form.text
    before = len(await outbox_rows(db))
    unknown = await citizen.post_form(
        f"/events/{event_id}/ticket-link", {"email": "nobody@example.org"}
    )
    known = await citizen.post_form(
        f"/events/{event_id}/ticket-link", {"email": " arta@example.ORG "}
    )
    assert unknown.status_code == known.status_code == 303
    assert unknown.headers["location"] == known.headers["location"]
    answer = await citizen.get(known.headers["location"])
    assert "on their way" in answer.text
    rows = await outbox_rows(db, "ticket_links")
    assert len(await outbox_rows(db)) == before + 1
    [sent] = rows
    assert sent.recipient == "Arta@Example.org"  # as given at registration, nowhere else
    new_ticket = link_in(sent.text_body, "/r/")
    assert (await citizen.get(new_ticket)).status_code == 200
    assert (await citizen.get(old_ticket)).status_code == 404  # the new link replaces it


async def test_ticket_link_requests_are_rate_limited_per_address(
    citizen: Browser, db: Database, world: World
) -> None:
    event_id = await make_event(db, world)
    await register(citizen, event_id, email="arta@example.org")
    answers = [
        (
            await citizen.post_form(
                f"/events/{event_id}/ticket-link", {"email": "arta@example.org"}
            )
        ).status_code
        for _ in range(4)
    ]
    assert answers == [303, 303, 303, 429]
    async with db.read() as session:
        rows = await session.execute(
            select(OutboxMessage).where(col(OutboxMessage.kind) == "ticket_links")
        )
        assert len(list(rows.scalars())) == 3
    bad = await citizen.post_form(f"/events/{event_id}/ticket-link", {"email": "not an address"})
    assert bad.status_code == 422
    assert "not an address" in bad.text
