"""E-mail in real browsers (issue 14), the live server sending to a test SMTP server.

A citizen registers with an e-mail on a phone, reads the confirmation from the SMTP server and
opens the ticket link from it; a candidate gets an invitation by e-mail, opens the portal link
in it and confirms from the portal; the admin looks at the outbox. Screenshots go to
tests/e2e/screenshots/ (and SHOTS_DIR, when set).
"""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from app.demo.data import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_ORGANIZER_EMAIL
from tests.e2e.conftest import LAPTOP, PROJECT_DIR, LiveServer, NewPage
from tests.e2e.test_attendance import MAYOR_FORUM, event_id_of
from tests.e2e.test_foundation import submit_login
from tests.e2e.test_scheduling import settle
from tests.smtp import SmtpServer, attachments_of, text_of

pytestmark = pytest.mark.e2e

Screenshot = Callable[[Page, str], Path]
SMALL_PHONE = {"viewport": {"width": 360, "height": 740}}
# a copy of this test's screenshots, for a reviewer: SHOTS_DIR=/tmp/shots-outbox pytest ...
SHOTS_DIR = os.environ.get("SHOTS_DIR")


def keep(path: Path, name: str) -> None:
    if SHOTS_DIR:
        Path(SHOTS_DIR).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(SHOTS_DIR) / f"{name}.png")


def database_of(server: LiveServer) -> Path:
    return server.log.parent / "e2e.db"


def mail_to(smtp: SmtpServer, address: str, timeout: float = 20.0) -> list:  # type: ignore[type-arg]
    deadline = datetime.now(UTC) + timedelta(seconds=timeout)
    while datetime.now(UTC) < deadline:
        found = smtp.inbox.to(address)
        if found:
            return found
        smtp.inbox.wait_for(len(smtp.inbox.messages) + 1, timeout=0.5)
    pytest.fail(f"no e-mail to {address} within {timeout:.0f} s", pytrace=False)


def link_in(text: str, server: LiveServer, prefix: str) -> str:
    match = re.search(rf"{re.escape(server.base_url)}({re.escape(prefix)}[^\s]+)", text)
    assert match, text
    return match.group(1)


def test_register_with_an_email_then_open_the_ticket_from_the_message(
    new_page: NewPage, server: LiveServer, mail_server: SmtpServer, screenshot: Screenshot
) -> None:
    page = new_page(**SMALL_PHONE)
    event_id = event_id_of(page, server, MAYOR_FORUM)
    page.goto(server.url(f"/events/{event_id}"))
    settle(page)
    form = page.locator("#register form.register-form")
    form.locator("#f-name").fill("Mimoza Përmeti")
    form.locator("#f-email").fill("mimoza.e2e@example.al")
    form.locator("#f-consent").check()
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/r/[A-Za-z0-9_-]+$"))
    code = page.locator(".ticket-pass .ticket-code").inner_text().strip()
    [message] = mail_to(mail_server, "mimoza.e2e@example.al")
    assert message["Subject"].startswith("Vendi juaj u konfirmua: ")
    body = text_of(message)
    assert "Përshëndetje Mimoza Përmeti," in body
    assert code in body
    [ics] = attachments_of(message)
    assert ics.get_filename() == f"event-{event_id}.ics"
    # the ticket, opened from the e-mail on another phone (a new browser, no cookies)
    reader = new_page(**SMALL_PHONE)
    reader.goto(server.url(link_in(body, server, "/r/")))
    expect(reader.locator(".ticket-pass .ticket-code")).to_have_text(code)
    keep(screenshot(reader, "mail-ticket-from-email-phone"), "ticket-from-email-phone")
    # "send me my ticket link": the same answer for anyone; a new link to the address
    reader.goto(server.url(f"/events/{event_id}"))
    reader.locator("a[href$='/ticket-link']").click()
    reader.locator("#f-email").fill("mimoza.e2e@example.al")
    reader.locator("form[action$='/ticket-link'] button[type=submit]").click()
    expect(reader.locator(".alert-success")).to_be_visible()
    keep(screenshot(reader, "mail-ticket-link-sent-phone"), "ticket-link-sent-phone")
    assert len(mail_to(mail_server, "mimoza.e2e@example.al")) >= 1


def _api_token() -> str:
    script = Path(sys.executable).parent / "pop-forums"
    result = subprocess.run(
        [str(script), "create-api-token", "--email", DEMO_ORGANIZER_EMAIL, "--name", "e2e mail"],
        cwd=PROJECT_DIR,
        env={**os.environ, **_server_env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


_server_env: dict[str, str] = {}


def test_a_candidate_confirms_an_invitation_from_the_link_in_the_email(
    new_page: NewPage, server: LiveServer, mail_server: SmtpServer, screenshot: Screenshot
) -> None:
    database = database_of(server)
    with sqlite3.connect(database, timeout=10) as db:
        event_id = db.execute("SELECT id FROM event WHERE title = ?", (MAYOR_FORUM,)).fetchone()[0]
        election_id, municipality_id, organization_id = db.execute(
            "SELECT election_id, municipality_id, organization_id FROM event WHERE id = ?",
            (event_id,),
        ).fetchone()
        candidate_id, name = db.execute(
            "SELECT id, full_name FROM candidate WHERE election_id = ? AND municipality_id = ? "
            "ORDER BY id LIMIT 1",
            (election_id, municipality_id),
        ).fetchone()
        db.execute(
            "UPDATE candidate SET contact = ? WHERE id = ?",
            ("+355 69 111 2222 · kandidati.e2e@example.al", candidate_id),
        )
    _server_env.update(DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    _server_env.update(VAR_DIR=str(server.log.parent / "var"))
    token = _api_token()
    starts = (datetime.now(UTC) + timedelta(days=60)).replace(microsecond=0)
    response = httpx.post(
        server.url("/api/v1/events"),
        headers={"Authorization": f"Bearer {token}"},
        json={
            "kind": "meeting",
            "title": "Takim me kandidatin për ujësjellësin [e2e-mail]",
            "municipality_id": municipality_id,
            "organization_id": organization_id,
            "election_id": election_id,
            "venue": "Biblioteka e qytetit",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "candidate_ids": [candidate_id],
        },
        timeout=30,
    )
    assert response.status_code == 201, response.text
    meeting_id = response.json()["id"]
    [invitation] = mail_to(mail_server, "kandidati.e2e@example.al")
    assert invitation["Subject"] == "Ftesë: Takim me kandidatin për ujësjellësin [e2e-mail]"
    portal_path = link_in(text_of(invitation), server, "/c/")
    phone = new_page(**SMALL_PHONE)
    phone.goto(server.url(portal_path))
    expect(phone.locator("h1")).to_have_text(name)
    section = phone.locator(f"#event-{meeting_id}-title").locator("xpath=..")
    section.locator(f"a[href$='/events/{meeting_id}/confirm']").click()
    keep(screenshot(phone, "mail-portal-invitation-step-phone"), "portal-invitation-step-phone")
    phone.locator(f"form[action$='/events/{meeting_id}/confirm'] button[type=submit]").click()
    expect(phone.locator(".alert-success")).to_be_visible()
    expect(section.locator(".status-confirmed")).to_be_visible()
    keep(screenshot(phone, "mail-portal-invitation-confirmed-phone"), "portal-confirmed-phone")


def test_the_admin_reads_the_outbox(
    new_page: NewPage, server: LiveServer, screenshot: Screenshot
) -> None:
    page = new_page(**{**LAPTOP, "viewport": {"width": 1366, "height": 900}})
    page.goto(server.url("/login"))
    submit_login(page, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)
    expect(page).to_have_url(server.url("/manage"))
    page.locator("a[href='/manage/outbox']").click()
    expect(page.locator("h1")).to_have_text("Kutia e e-maileve")
    expect(page.locator(".outbox-message").first).to_be_visible()
    page.locator(".outbox-message details summary").first.click()
    keep(screenshot(page, "mail-outbox-admin-laptop"), "outbox-admin-laptop")
