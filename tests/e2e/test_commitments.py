"""Commitments in a live forum: the organizer's laptop records two from the moderation page,
one for the question on screen, without leaving the page; a citizen's phone then finds them on
the candidate's public page and on the event page, in Albanian and in English.

The demo has no forum under way, so the test starts one: a copy of CSDC's mayoral forum in
Durrës (same candidates) that began a quarter of an hour ago, written straight into the
server's SQLite file. Its question comes in through the public API, as a citizen's would.
"""

import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LAPTOP, LiveServer, NewPage
from tests.e2e.test_attendance import MAYOR_FORUM
from tests.e2e.test_foundation import expect_lang, has_no_horizontal_scroll, sign_in
from tests.e2e.test_live_forum import moderate, queue_card
from tests.e2e.test_scheduling import htmx_is_done, is_same_document, mark_document, settle

pytestmark = pytest.mark.e2e

Screenshot = Callable[[Page, str], Path]
LIVE_FORUM = "Forum i drejtpërdrejtë: angazhimet e kandidatëve për Durrësin"
QUESTION = "Kur do të ketë çdo lagje ujë të pijshëm 24 orë në ditë?"
FIRST = "Brenda dy vitesh, çdo lagje e Durrësit do të ketë ujë të pijshëm 24 orë në ditë."
SECOND = "Do të hap tri çerdhe të reja publike në lagjet periferike."
TARGET = "3 çerdhe, 150 fëmijë"


def _sqlite_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def start_live_forum(server: LiveServer) -> int:
    """A copy of the demo's Durrës mayoral forum, begun 15 minutes ago: its id."""
    database = server.log.parent / "e2e.db"
    now = datetime.now(UTC)
    with sqlite3.connect(database) as connection:
        existing = connection.execute("SELECT id FROM event WHERE title = ?", (LIVE_FORUM,))
        if (row := existing.fetchone()) is not None:
            return int(row[0])
        cursor = connection.execute(
            "INSERT INTO event (kind, title, description, municipality_id, organization_id, "
            "election_id, venue, starts_at, ends_at, capacity, status, created_at, updated_at) "
            "SELECT kind, ?, description, municipality_id, organization_id, election_id, venue, "
            "?, ?, capacity, 'scheduled', ?, ? FROM event WHERE title = ?",
            (
                LIVE_FORUM,
                _sqlite_time(now - timedelta(minutes=15)),
                _sqlite_time(now + timedelta(minutes=105)),
                _sqlite_time(now),
                _sqlite_time(now),
                MAYOR_FORUM,
            ),
        )
        event_id = int(cursor.lastrowid or 0)
        connection.execute(
            "INSERT INTO event_candidate (event_id, candidate_id, status, updated_at) "
            "SELECT ?, ec.candidate_id, ec.status, ec.updated_at FROM event_candidate ec "
            "JOIN event e ON e.id = ec.event_id WHERE e.title = ?",
            (event_id, MAYOR_FORUM),
        )
    return event_id


def save(page: Page, *, keyboard: bool) -> None:
    """Saves the box (Ctrl+Enter or its button); htmx swaps the box alone."""
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/commitments")
    ) as answer:
        if keyboard:
            page.keyboard.press("Control+Enter")
        else:
            page.locator("#commitment-box button[type=submit]").click()
    assert answer.value.status == 200, answer.value.text()[:500]
    assert answer.value.request.headers.get("hx-request") == "true", "not sent by htmx"
    htmx_is_done(page)


def test_record_two_commitments_live_and_find_them_on_the_public_pages(
    new_page: NewPage, server: LiveServer, screenshot: Screenshot
) -> None:
    event_id = start_live_forum(server)
    asked = httpx.post(
        server.url(f"/api/v1/events/{event_id}/questions"),
        json={"body": QUESTION, "author_name": "Arta Hoxha"},
    )
    assert asked.status_code == 201, asked.text
    question_id = asked.json()["id"]

    organizer = new_page(**LAPTOP)
    sign_in(organizer, server)
    organizer.goto(server.url(f"/manage/events/{event_id}/questions"))
    expect_lang(organizer, "sq")
    box = organizer.locator("#commitment-box")
    expect(box.locator("h2")).to_have_text("Regjistro një angazhim")
    expect(organizer.locator("#cm-text")).to_be_focused()  # the scribe types at once
    mark_document(organizer)

    # the question goes on screen: the box follows it (and takes its topic)
    card = queue_card(organizer, QUESTION)
    moderate(organizer, card, "approve")
    moderate(organizer, queue_card(organizer, QUESTION), "screen")
    expect(organizer.locator("#cm-question")).to_have_value(str(question_id))

    # 1. for the question on screen, typed while the candidate speaks, saved with Ctrl+Enter
    candidates = box.locator("input[name=candidate_id]")
    expect(candidates).to_have_count(3)  # the forum's list, none declined
    ermira = box.locator("label.commit-candidate", has_text="Ermira Prifti")
    ermira_id = ermira.locator("input").get_attribute("value")
    organizer.locator("#cm-text").focus()
    organizer.keyboard.type(FIRST)
    ermira.click()
    organizer.locator("#cm-text").focus()
    save(organizer, keyboard=True)
    expect(box.locator(".commit-saved")).to_be_visible()
    expect(box.locator("#commitments-recorded li")).to_have_count(1)
    expect(box.locator("#commitments-recorded li").first).to_contain_text(FIRST[:60])
    expect(organizer.locator("#cm-text")).to_have_value("")  # ready for the next one
    expect(ermira.locator("input")).to_be_checked()  # the same candidate, likely to go on

    # 2. for no question, another candidate (invited, so now counted as attended)
    organizer.locator("#cm-text").fill(SECOND)
    box.locator("label.commit-candidate", has_text="Klodian Mema").click()
    organizer.locator("#cm-question").select_option("")
    box.locator("details.commit-more summary").click()
    organizer.locator("#cm-target").fill(TARGET)
    organizer.locator("#cm-deadline").fill("2027-09-01")
    save(organizer, keyboard=False)
    expect(box.locator("#commitments-recorded li")).to_have_count(2)
    # the moderation state is untouched: the same page, the queue still there and polling
    assert is_same_document(organizer), "the moderation page was reloaded"
    expect(organizer.locator(f"#queue #q-{question_id}")).to_have_class(
        re.compile(r"\bis-on-screen\b")
    )
    settle(organizer)
    screenshot(organizer, "commitments-moderation-sq-laptop")

    # the candidate's public page, on a phone
    citizen = new_page()
    citizen.goto(server.url(f"/candidates/{ermira_id}"))
    expect_lang(citizen, "sq")
    expect(citizen.locator("h1")).to_have_text("Ermira Prifti")
    item = citizen.locator("#commitments .commit-item", has_text=FIRST)
    expect(item).to_have_count(1)
    expect(item).to_contain_text("ende i pakonfirmuar nga kandidati")
    expect(item).to_contain_text(QUESTION)
    expect(item.locator("a", has_text=LIVE_FORUM)).to_be_visible()
    settle(citizen)
    has_no_horizontal_scroll(citizen, 390)
    screenshot(citizen, "commitments-candidate-sq-phone")

    # every candidate, filtered by municipality (htmx swaps the results)
    citizen.goto(server.url("/candidates"))
    citizen.locator("details.filters summary").click()
    citizen.locator("#filter-municipality").select_option("durres")
    expect(citizen).to_have_url(re.compile(r"/candidates\?.*municipality=durres"))
    htmx_is_done(citizen)
    row = citizen.locator(".candidate-item", has_text="Ermira Prifti")
    expect(row).to_contain_text("1 angazhim")
    expect(citizen.locator(".candidate-item", has_text="Lindita Gjoni")).to_have_count(0)
    has_no_horizontal_scroll(citizen, 390)
    screenshot(citizen, "commitments-candidates-sq-phone")

    # the event page: the commitments per candidate, and under the question it answered
    citizen.goto(server.url(f"/events/{event_id}"))
    settle(citizen)
    made_here = citizen.locator("#commitments")
    expect(made_here.locator(".commit-group", has_text="Ermira Prifti")).to_contain_text(FIRST)
    expect(made_here.locator(".commit-group", has_text="Klodian Mema")).to_contain_text(TARGET)
    expect(citizen.locator(f"#q-{question_id} .question-commitment")).to_contain_text(FIRST)
    has_no_horizontal_scroll(citizen, 390)
    screenshot(citizen, "commitments-event-sq-phone")

    # in English
    english = new_page(locale="en-US")
    english.goto(server.url(f"/candidates/{ermira_id}"))
    expect_lang(english, "en")
    expect(english.locator("#commitments-heading")).to_contain_text("Commitments")
    expect(english.locator("#commitments .commit-item", has_text=FIRST)).to_contain_text(
        "Recorded by the organizers; not yet confirmed by the candidate"
    )
    english.goto(server.url(f"/events/{event_id}"))
    expect(english.locator("#commitments-heading")).to_have_text("Commitments made here")
    expect(english.locator(f"#q-{question_id} .question-commitment")).to_contain_text(
        "Commitment of Ermira Prifti:"
    )
    screenshot(english, "commitments-event-en-phone")
