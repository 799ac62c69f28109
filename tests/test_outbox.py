"""E-mail end to end against a real SMTP server (aiosmtpd on a loopback port), on both engines:
the message made with its change, delivered once, in the person's language, with working links
and a valid .ics; retries with backoff; a sender that dies mid-batch; two senders at once."""

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import icalendar
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from app.db import Database
from app.models import OutboxMessage, OutboxStatus, Registration
from app.services import mail_sender, outbox
from tests.conftest import TEST_SECRET, Browser, World, make_settings
from tests.smtp import Inbox, SmtpServer, attachments_of, html_of, text_of
from tests.test_attendance import make_event
from tests.test_registration_pages import register


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def mail_db(database_url: str, smtp: SmtpServer, db: Database) -> AsyncIterator[Database]:
    """The same database, as a sender with SMTP_URL pointing at the test server sees it."""
    database = Database(make_settings(database_url, smtp_url=smtp.url, mail_max_attempts=3))
    yield database
    await database.dispose()


async def messages(db: Database) -> list[OutboxMessage]:
    async with db.read() as session:
        rows = await session.execute(select(OutboxMessage).order_by(col(OutboxMessage.id)))
        return list(rows.scalars())


async def deliver(db: Database, **kwargs: object) -> mail_sender.PassResult:
    return await mail_sender.send_pass(db, **kwargs)  # type: ignore[arg-type]


async def test_registration_email_arrives_once_in_english_with_ics_and_a_ticket_link_that_works(
    citizen: Browser, world: World, db: Database, mail_db: Database, smtp: SmtpServer
) -> None:
    event_id = await make_event(db, world, title="Forum me kandidatët për Durrësin")
    response = await register(citizen, event_id, name="Arta Hoxha", email="arta@example.org")
    assert response.status_code == 303
    result = await deliver(mail_db)
    assert len(result.sent) == 1
    assert await deliver(mail_db) == mail_sender.PassResult()  # nothing twice
    [message] = smtp.inbox.wait_for(1)
    assert len(smtp.inbox.messages) == 1
    assert message["To"] == "arta@example.org"
    assert message["Subject"] == "Your place is confirmed: Forum me kandidatët për Durrësin"
    assert message["Content-Language"] == "en"
    body = text_of(message)
    assert "Hello Arta Hoxha," in body
    assert "Salla e Këshillit" in body
    ticket_path = response.headers["location"]
    assert f"http://testserver{ticket_path}" in body
    assert f'href="http://testserver{ticket_path}"' in html_of(message)
    ticket = await citizen.get(ticket_path)  # the link from the e-mail opens the ticket
    assert ticket.status_code == 200
    async with db.read() as session:
        code = await session.scalar(select(Registration.code))  # type: ignore[call-overload]
    assert code in ticket.text
    assert code in body
    [ics] = attachments_of(message)
    assert ics.get_content_type() == "text/calendar"
    calendar = icalendar.Calendar.from_ical(ics.get_content())
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Forum me kandidatët për Durrësin"
    assert str(vevent["LOCATION"]).startswith("Salla e Këshillit")
    assert message["List-Unsubscribe"].startswith("<http://testserver/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [row] = await messages(db)
    assert (row.status, row.attempts, row.kind) == (OutboxStatus.sent, 1, "registration_confirmed")
    assert message["Message-ID"] == row.message_id


async def test_albanian_by_default_with_diacritics_in_subject_and_body(
    client: Browser, world: World, db: Database, mail_db: Database, smtp: SmtpServer
) -> None:
    event_id = await make_event(db, world, title="Forumi i qytetarëve", capacity=1)
    await register(client, event_id, name="Ëngjëll Çoku", email="engjell@example.org")
    await register(client, event_id, name="Dritë Shehu", email="drite@example.org")
    await deliver(mail_db)
    confirmed, waitlisted = smtp.inbox.wait_for(2)
    assert confirmed["Subject"] == "Vendi juaj u konfirmua: Forumi i qytetarëve"
    assert "Përshëndetje Ëngjëll Çoku," in text_of(confirmed)
    assert "Ëngjëll Çoku" in html_of(confirmed)
    assert waitlisted["Subject"] == "Jeni në listën e pritjes: Forumi i qytetarëve"
    assert "numri 1" in text_of(waitlisted)
    assert confirmed["Content-Language"] == "sq"


async def test_no_email_no_message_and_an_unsubscribed_address_gets_nothing(
    citizen: Browser, world: World, db: Database, mail_db: Database, smtp: SmtpServer
) -> None:
    event_id = await make_event(db, world)
    await register(citizen, event_id, name="Pa Email", phone="+355 69 123 4567")
    async with db.write() as session:
        await outbox.unsubscribe(session=session, address="Stop@Example.org")
        await session.commit()
    await register(citizen, event_id, name="Mos më shkruaj", email="stop@example.org")
    assert await messages(db) == []
    await deliver(mail_db)
    assert smtp.inbox.messages == []


async def test_smtp_down_retries_with_backoff_then_delivers_when_it_is_back(
    citizen: Browser, world: World, db: Database, mail_db: Database, smtp: SmtpServer
) -> None:
    event_id = await make_event(db, world)
    await register(citizen, event_id, email="arta@example.org")
    smtp.stop()
    first = await deliver(mail_db)
    assert len(first.retried) == 1
    assert not first.sent
    [row] = await messages(db)
    assert row.status == OutboxStatus.pending
    assert row.attempts == 1
    assert "Connect" in (row.last_error or "") or "refused" in (row.last_error or "").lower()
    wait = row.next_attempt_at - datetime.now(UTC)
    assert timedelta(seconds=20) < wait <= timedelta(seconds=30)
    assert (await deliver(mail_db)).retried == []  # not before its time
    second = await deliver(mail_db, now=datetime.now(UTC) + timedelta(seconds=31))
    assert len(second.retried) == 1
    [row] = await messages(db)
    assert row.attempts == 2
    assert row.next_attempt_at - datetime.now(UTC) > timedelta(seconds=50)  # doubled
    smtp.start()
    third = await deliver(mail_db, now=datetime.now(UTC) + timedelta(minutes=2))
    assert len(third.sent) == 1
    assert len(smtp.inbox.wait_for(1)) == 1
    [row] = await messages(db)
    assert row.status == OutboxStatus.sent
    assert row.last_error is None


async def test_after_the_last_attempt_the_message_is_failed_and_an_admin_may_retry_it(
    citizen: Browser, world: World, db: Database, mail_db: Database, smtp: SmtpServer
) -> None:
    event_id = await make_event(db, world)
    await register(citizen, event_id, email="arta@example.org")
    smtp.stop()
    later = datetime.now(UTC)
    for _attempt in range(3):  # MAIL_MAX_ATTEMPTS=3 here
        later += timedelta(hours=7)
        await deliver(mail_db, now=later)
    [row] = await messages(db)
    assert row.status == OutboxStatus.failed
    assert row.attempts == 3
    assert (await deliver(mail_db, now=later + timedelta(days=1))).failed == []  # left alone
    page = await citizen.get("/manage/outbox")
    assert page.status_code in (303, 401, 403)  # not for the public
    await citizen.sign_in(world.organizer.email)
    assert (await citizen.get("/manage/outbox")).status_code == 403  # nor for organizers
    await citizen.post("/logout", data={"csrf_token": await citizen.csrf_token("/manage")})
    admin = citizen
    await admin.sign_in(world.admin.email)
    page = await admin.get("/manage/outbox")
    assert page.status_code == 200
    assert "outbox-failed" in page.text
    assert "arta@example.org" in page.text
    assert "Your place is confirmed" in page.text
    retried = await admin.post_form(f"/manage/outbox/{row.id}/retry")
    assert retried.status_code == 303
    smtp.start()
    assert len((await deliver(mail_db)).sent) == 1
    assert len(smtp.inbox.wait_for(1)) == 1


async def test_a_sender_that_dies_between_send_and_mark_is_recognisable_by_its_message_id(
    citizen: Browser, world: World, db: Database, mail_db: Database, smtp: SmtpServer
) -> None:
    event_id = await make_event(db, world, capacity=None)
    for i in range(3):
        await register(citizen, event_id, name=f"Qytetar {i}", email=f"q{i}@example.org")
    settings = mail_db.settings
    claimed = await mail_sender.claim(mail_db, worker="dies", batch=10)
    assert len(claimed) == 3
    # it sends the first one, then is killed before marking it (and before sending the rest)
    first = mail_sender.email_of(
        claimed[0],
        sender=settings.mail_from,
        secret=settings.secret_key,
        base_url=settings.base_url,
    )
    await mail_sender.smtp_transport(settings.smtp_url)(first)
    # another sender meanwhile finds nothing: the claims hold
    assert (await deliver(mail_db)).sent == []
    # the claims expire: the next pass sends all three
    after = datetime.now(UTC) + mail_sender.claim_duration(10) + timedelta(seconds=1)
    assert len((await deliver(mail_db, now=after)).sent) == 3
    received = smtp.inbox.wait_for(4)
    assert len(received) == 4
    ids = [m["Message-ID"] for m in received]
    assert len(set(ids)) == 3  # the one sent twice carries the same Message-ID
    assert ids.count(claimed[0].message_id) == 2
    assert all((m.status, m.attempts) == (OutboxStatus.sent, 2) for m in await messages(db))


class KillsTheSender(Inbox):
    """An SMTP server that takes the first message, then SIGKILLs the sender before answering."""

    pid: int | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)
        return answer


async def test_a_send_mail_process_killed_with_sigkill_mid_batch_loses_nothing(
    citizen: Browser,
    world: World,
    db: Database,
    mail_db: Database,
    smtp: SmtpServer,
    database_url: str,
) -> None:
    """`pop-forums send-mail` killed by SIGKILL once its first message is on the SMTP server:
    the next pass after the claims expire sends all three, the first again with its Message-ID."""
    event_id = await make_event(db, world, capacity=None)
    for i in range(3):
        await register(citizen, event_id, name=f"Qytetar {i}", email=f"k{i}@example.org")
    killer = SmtpServer()
    killer.inbox = KillsTheSender()
    killer.start()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "ENVIRONMENT": "test",
        "BASE_URL": "http://testserver",
        "SMTP_URL": killer.url,
    }
    try:
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "pop-forums"), "send-mail", "--batch", "10",
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        killer.inbox.pid = process.pid
        assert await asyncio.wait_for(process.wait(), timeout=60) == -signal.SIGKILL
    finally:
        killer.stop()
    assert len(killer.inbox.messages) == 1
    # nothing is lost: the three are claimed by the dead sender, none marked sent
    assert all(m.status == OutboxStatus.sending for m in await messages(db))
    after = datetime.now(UTC) + mail_sender.claim_duration(10) + timedelta(seconds=1)
    assert len((await deliver(mail_db, now=after)).sent) == 3
    again = smtp.inbox.wait_for(3)
    assert sorted(str(m["To"]) for m in again) == [f"k{i}@example.org" for i in range(3)]
    # the one that reached the SMTP server before the kill went again, recognisably
    assert killer.inbox.messages[0]["Message-ID"] in {m["Message-ID"] for m in again}
    assert all(m.status == OutboxStatus.sent for m in await messages(db))


async def test_two_senders_at_once_never_send_the_same_message_twice(
    world: World, db: Database, mail_db: Database, database_url: str
) -> None:
    event_id = await make_event(db, world, capacity=None)
    async with db.write() as session:
        for i in range(40):
            await outbox.enqueue(
                session=session,
                kind="test",
                recipient=f"q{i}@example.org",
                locale="sq",
                template="event_cancelled",
                context={
                    "event": (await session.get(__import__("app.models").models.Event, event_id)),
                    "item": None,
                    "event_url": "http://testserver/",
                    "registration": Registration(name=f"Q {i}", code="X", event_id=event_id),
                },
            )
        await session.commit()
    sent: list[str] = []

    async def slow_transport(message: EmailMessage) -> None:
        await asyncio.sleep(0.01)
        sent.append(str(message["Message-ID"]))

    other = Database(make_settings(database_url, smtp_url="smtp://127.0.0.1:1"))
    try:

        async def sender(database: Database, name: str) -> None:
            for _round in range(10):
                await mail_sender.send_pass(
                    database, worker=name, transport=slow_transport, batch=5
                )

        await asyncio.gather(sender(mail_db, "one"), sender(other, "two"))
    finally:
        await other.dispose()
    assert len(sent) == 40
    assert len(set(sent)) == 40
    async with db.read() as session:
        assert (
            await session.scalar(
                select(func.count()).where(col(OutboxMessage.status) == OutboxStatus.sent)
            )
            == 40
        )
        workers = set(
            (await session.execute(select(OutboxMessage.claimed_by))).scalars()  # type: ignore[call-overload]
        )
    assert workers == {"one", "two"}  # both took part


async def test_without_smtp_messages_are_made_and_kept_pending(
    citizen: Browser, world: World, db: Database
) -> None:
    event_id = await make_event(db, world)
    await register(citizen, event_id, email="arta@example.org")
    result = await mail_sender.send_pass(db)  # the test settings have no SMTP_URL
    assert result.sent == []
    assert result.retried == []
    [row] = await messages(db)
    assert row.status == OutboxStatus.pending
    assert row.attempts == 0
    assert "Hello Arta Hoxha" in row.text_body


def test_send_mail_is_a_command_for_cron_with_its_help(
    new_sqlite_database,  # type: ignore[no-untyped-def]
    smtp: SmtpServer,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    from alembic import command

    from tests.conftest import alembic_config

    script = Path(sys.executable).parent / "pop-forums"
    shown = subprocess.run(
        [str(script), "send-mail", "--help"], capture_output=True, text=True, check=True
    )
    assert "for a cron" in shown.stdout
    assert "--batch" in shown.stdout
    url = new_sqlite_database()
    command.upgrade(alembic_config(url), "head")
    env = {**os.environ, "DATABASE_URL": url, "VAR_DIR": str(tmp_path), "SMTP_URL": smtp.url}
    done = subprocess.run(
        [str(script), "send-mail"], capture_output=True, text=True, env=env, check=True
    )
    assert "0 sent" in done.stdout
    env.pop("SMTP_URL")
    env["SMTP_URL"] = ""
    kept = subprocess.run(
        [str(script), "send-mail"], capture_output=True, text=True, env=env, check=True
    )
    assert "SMTP_URL is not set" in kept.stdout
