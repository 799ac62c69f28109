"""The candidate portal in real browsers (issue 11).

The organizer (laptop) issues a candidate's link from the candidate page and gets the A6 card;
the candidate opens the link on a phone, confirms one commitment and disputes another, once
with JavaScript and once without; the organizer sees the dispute on the dashboard and keeps the
recorded wording with a public note.

Demo data: Gentian Marku ran for mayor of Durrës in 2022 and attended CSDC's forums. His
commitments are added straight into the server's database (recording them is not this area's).
"""

import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LAPTOP, PHONE, LiveServer, NewPage, Watch
from tests.e2e.test_foundation import expect_lang, has_no_horizontal_scroll, sign_in

pytestmark = pytest.mark.e2e

Screenshot = Callable[[Page, str], Path]
CANDIDATE = "Gentian Marku"
CONFIRMED = "Do të rikonstruktoj tregun e peshkut brenda vitit 2023. [e2e-1]"
DISPUTED = "Do të ul taksën e pastrimit me 30% që vitin e parë. [e2e-2]"
NO_SCRIPT = "Do të hap 3 qendra komunitare për të moshuarit deri në 2024. [e2e-3]"
WORDING = "Thashë: do ta rishikoj taksën e pastrimit, pa premtuar një përqindje."
NOTE = "Regjistrimi video i forumit tregon fjalët e regjistruara."


def database_of(server: LiveServer) -> Path:
    """The server's SQLite file (tests/e2e/conftest.py puts it next to the log)."""
    return server.log.parent / "e2e.db"


def add_commitment(server: LiveServer, candidate: str, text: str) -> int:
    """A commitment of `candidate` at the first held event they attended; its id."""
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    with sqlite3.connect(database_of(server), timeout=10) as db:
        (candidate_id,) = db.execute(
            "SELECT id FROM candidate WHERE full_name = ?", (candidate,)
        ).fetchone()
        (event_id,) = db.execute(
            "SELECT e.id FROM event e JOIN event_candidate ec ON ec.event_id = e.id "
            "WHERE ec.candidate_id = ? AND e.status = 'held' AND ec.status = 'attended' "
            "ORDER BY e.starts_at LIMIT 1",
            (candidate_id,),
        ).fetchone()
        cursor = db.execute(
            "INSERT INTO commitment (candidate_id, event_id, text, target, confirmation, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, 'recorded', ?, ?)",
            (candidate_id, event_id, text, "Tregu i ri i hapur", now, now),
        )
        return int(cursor.lastrowid or 0)


def candidate_id_of(server: LiveServer, name: str) -> int:
    with sqlite3.connect(database_of(server), timeout=10) as db:
        (found,) = db.execute("SELECT id FROM candidate WHERE full_name = ?", (name,)).fetchone()
    return int(found)


def issue_link(organizer: Page, server: LiveServer, screenshot: Screenshot) -> str:
    """From the candidate page: the portal link, issued; the card looked at as printed."""
    organizer.goto(server.url("/manage/candidates"))
    row = organizer.locator("tr, li", has_text=CANDIDATE).last
    row.locator("a[href$='/edit']").first.click()
    expect(organizer.locator("#f-full_name")).to_have_value(CANDIDATE)
    organizer.locator("a[href$='/portal']").click()
    expect(organizer.locator(".portal-link-state")).to_be_visible()
    organizer.locator("form[action$='/portal'] button[type=submit]").click()
    url = organizer.locator(".portal-link-url").inner_text().strip()
    assert re.fullmatch(re.escape(server.url("/c/")) + r"[A-Za-z0-9_-]{43}", url), url
    card = organizer.locator(".portal-card")
    expect(card).to_contain_text(CANDIDATE)
    expect(card.locator("svg[role=img]")).to_be_visible()
    screenshot(organizer, "portal-link-issued-laptop")
    organizer.emulate_media(media="print")
    card.screenshot(path=str(Path(__file__).parent / "screenshots" / "portal-card-a6-print.png"))
    # printed alone, and small enough for an A6 page (105 × 148 mm, 6 mm margins). Headless
    # Chromium's PDF ignores CSS page sizes, so the @page rule itself is not checked here.
    expect(organizer.locator(".site-header")).to_be_hidden()
    expect(organizer.locator("main > section.card").first).to_be_hidden()
    box = card.bounding_box()
    assert box is not None
    mm = 96 / 25.4  # CSS pixels per millimetre
    assert box["width"] <= 93 * mm, box
    assert box["height"] <= 136 * mm, box
    organizer.emulate_media(media="screen")
    # shown once: the page opened again has no token
    organizer.goto(organizer.url)
    expect(organizer.locator(".portal-link-url")).to_have_count(0)
    expect(organizer.locator(".portal-link-state")).to_contain_text(
        re.compile("Ka një lidhje|Has a working link")
    )
    return url


def answer(page: Page, commitment_id: int, kind: str, wording: str | None = None) -> None:
    """From the portal: the answer's step (a GET), then its form's POST, back to the portal."""
    item = page.locator(f"#commitment-{commitment_id}")
    item.locator(f"a[href$='/commitments/{commitment_id}/{kind}']").click()
    expect(page.locator("h1")).to_be_visible()
    if wording is not None:
        page.locator("#f-comment").fill(wording)
    page.locator(f"form[action$='/{kind}'] button[type=submit]").click()
    expect(page.locator(f"#commitment-{commitment_id} [role=status]")).to_be_visible()


def test_the_candidate_confirms_and_disputes_on_a_phone_and_the_organizer_decides(
    new_page: NewPage, server: LiveServer, screenshot: Screenshot, watch: Watch
) -> None:
    confirmed = add_commitment(server, CANDIDATE, CONFIRMED)
    disputed = add_commitment(server, CANDIDATE, DISPUTED)
    no_script = add_commitment(server, CANDIDATE, NO_SCRIPT)

    organizer = new_page(**LAPTOP)
    sign_in(organizer, server)
    url = issue_link(organizer, server, screenshot)

    # the candidate, on a phone
    phone = new_page()
    phone.goto(url)
    expect_lang(phone, "sq")
    expect(phone.locator("h1")).to_have_text(CANDIDATE)
    expect(phone.locator(f"#commitment-{confirmed}")).to_contain_text(CONFIRMED)
    expect(phone.locator(f"#commitment-{confirmed} a.button").first).to_have_text("Konfirmoj")
    expect(phone.locator(f"#commitment-{disputed} a.button").last).to_have_text("Kundërshtoj")
    has_no_horizontal_scroll(phone, PHONE["viewport"]["width"])
    screenshot(phone, "portal-sq-phone")
    answer(phone, confirmed, "confirm")
    expect(phone.locator(f"#commitment-{confirmed} .status")).to_have_text("E konfirmuat")
    answer(phone, disputed, "dispute", WORDING)
    item = phone.locator(f"#commitment-{disputed}")
    expect(item.locator(".status")).to_have_text("E kundërshtuat")
    expect(item.locator(".commitment-proposed")).to_contain_text(WORDING)
    item.locator(".answer-history summary").click()
    expect(item.locator(".answer-history li")).to_have_count(1)
    screenshot(phone, "portal-answered-sq-phone")

    # the same link without JavaScript: the steps are plain pages and forms
    bare = new_page(java_script_enabled=False)
    bare.goto(url)
    answer(bare, no_script, "dispute", "Tri qendra, por deri në 2025.")
    answer(bare, no_script, "confirm")  # changes the answer: both kept
    item = bare.locator(f"#commitment-{no_script}")
    expect(item.locator(".status")).to_have_text("E konfirmuat")
    item.locator(".answer-history summary").click()
    expect(item.locator(".answer-history li")).to_have_count(2)

    # the organizer: the dispute on the dashboard, kept with a public note
    organizer.goto(server.url("/manage"))
    link = organizer.locator(f"#disputes ~ ul a[href='/manage/commitments/{disputed}/dispute']")
    expect(link).to_contain_text(CANDIDATE)
    expect(organizer.locator(f"a[href='/manage/commitments/{no_script}/dispute']")).to_have_count(
        0
    )  # no longer disputed
    link.click()
    expect(organizer.locator(".commitment-proposed")).to_contain_text(WORDING)
    organizer.locator("#f-note").fill(NOTE)
    organizer.locator("form[action$='/keep'] button[type=submit]").click()
    expect(organizer).to_have_url(re.compile(r"/manage\?resolved=kept"))
    expect(organizer.locator(f"a[href='/manage/commitments/{disputed}/dispute']")).to_have_count(0)
    screenshot(organizer, "dashboard-after-dispute-laptop")

    # the candidate sees the note; still disputed
    phone.goto(url)
    item = phone.locator(f"#commitment-{disputed}")
    expect(item.locator(".status")).to_have_text("E kundërshtuat")
    expect(item.locator(".commitment-note")).to_contain_text(NOTE)

    # revoked: the link then opens the same page as a made-up one
    organizer.goto(server.url(f"/manage/candidates/{candidate_id_of(server, CANDIDATE)}/portal"))
    organizer.locator("form[action$='/portal/revoke'] button[type=submit]").click()
    token = url.rsplit("/", 1)[-1]
    watch.expect_error_status(f"/c/{token}", 404)
    watch.expect_error_status("/c/" + "A" * 43, 404)
    revoked = phone.goto(url)
    made_up = phone.goto(server.url("/c/" + "A" * 43))
    assert revoked is not None
    assert made_up is not None
    assert revoked.status == made_up.status == 404
