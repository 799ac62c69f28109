"""Attendance in a real browser: register on a phone, the ticket and its QR code, cancelling, the
organizer's check-in desk, and the waitlist moving up when someone cancels.

Every citizen has a browser context of their own (no account: the ticket's link is the key).
The demo data (app/demo/data.py), D = today: CSDC's forum with the mayoral candidates in
Durrës on D+14 (120 places) and its forum with the council candidates on D+28 (no limit, which
the waitlist test sets to 1 through the edit form). Albanian strings are not asserted: statuses
are read from classes and data attributes, and English where a context is in English.
"""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LAPTOP, LiveServer, NewPage
from tests.e2e.test_foundation import expect_lang, has_no_horizontal_scroll, path_of, sign_in
from tests.e2e.test_scheduling import htmx_is_done, settle

pytestmark = pytest.mark.e2e

Screenshot = Callable[[Page, str], Path]

MAYOR_FORUM = "Forum publik me kandidatët për kryetar të Bashkisë Durrës"  # D+14, 120 places
COUNCIL_FORUM = "Forum publik me kandidatët për Këshillin Bashkiak të Durrësit"  # D+28
TICKET_PATH = re.compile(r"^/r/([A-Za-z0-9_-]+)$")
CODE = re.compile(r"^[A-Z0-9]{3}-[A-Z0-9]{3}$")


def event_id_of(page: Page, server: LiveServer, title: str) -> int:
    """The id of the public event called TITLE, read from the list of upcoming events."""
    page.goto(server.url("/events"))
    link = page.locator(".event-item .event-title a", has_text=title)
    expect(link).to_have_count(1)
    href = link.get_attribute("href") or ""
    match = re.fullmatch(r"/events/(\d+)", href)
    assert match, href
    return int(match.group(1))


def register(page: Page, server: LiveServer, event_id: int, name: str) -> str:
    """Registers NAME through the event page's form (loaded with htmx); returns the ticket token."""
    page.goto(server.url(f"/events/{event_id}"))
    form = page.locator("#register form.register-form")
    expect(form).to_be_visible()
    form.locator("#f-name").fill(name)
    form.locator("#f-consent").check()
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/r/[A-Za-z0-9_-]+$"))
    match = TICKET_PATH.match(path_of(page))
    assert match, page.url
    return match.group(1)


def ticket_code(page: Page) -> str:
    code = page.locator(".ticket-pass .ticket-code").inner_text().strip()
    assert CODE.match(code), code
    return code


def set_capacity(page: Page, server: LiveServer, event_id: int, capacity: int) -> None:
    """The organizer sets the number of places through the edit form."""
    page.goto(server.url(f"/manage/events/{event_id}/edit"))
    page.locator("#f-capacity").fill(str(capacity))
    page.locator("form .form-actions button[type=submit]").click()
    expect(page).to_have_url(server.url(f"/manage/events/{event_id}"))


def check_in(page: Page, typed: str) -> None:
    """Types a code at the desk and waits for htmx to swap the answer in."""
    field = page.locator("#desk-code")
    field.fill("")
    field.press_sequentially(typed)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("#checkin-form button[type=submit]").click()
    assert answer.value.status == 200, answer.value.text()[:500]
    htmx_is_done(page)


def test_citizen_registers_gets_a_ticket_cancels_and_the_desk_checks_a_code_in(
    new_page: NewPage, server: LiveServer, screenshot: Screenshot
) -> None:
    citizen = new_page()  # 390×844, sq-AL
    event_id = event_id_of(citizen, server, MAYOR_FORUM)

    # 1. register on a phone, land on the ticket: confirmed, the code, the QR code
    name = "Drita Çela-Kërçiku"
    token = register(citizen, server, event_id, name)
    expect_lang(citizen, "sq")
    expect(citizen.locator(".ticket-status")).to_have_class(re.compile(r"\bticket-confirmed\b"))
    code = ticket_code(citizen)
    qr = citizen.locator(".ticket-qr svg")
    expect(qr).to_be_visible()
    expect(qr).to_have_attribute("role", "img")
    expect(citizen.locator(".ticket-name")).to_have_text(name)
    expect(citizen.locator(".ticket-event-title")).to_have_text(MAYOR_FORUM)
    box = qr.bounding_box()
    assert box is not None
    assert box["width"] >= 120, f"the QR code is too small to scan: {box}"
    has_no_horizontal_scroll(citizen, 390)
    screenshot(citizen, "ticket-sq-phone")

    # 2. cancel through the confirmation page
    citizen.locator(f".ticket-cancel a[href='/r/{token}/cancel']").click()
    expect(citizen).to_have_url(server.url(f"/r/{token}/cancel"))
    has_no_horizontal_scroll(citizen, 390)
    screenshot(citizen, "ticket-cancel-sq-phone")
    citizen.locator(f"form[action='/r/{token}/cancel'] button[type=submit]").click()
    expect(citizen).to_have_url(server.url(f"/r/{token}"))
    expect(citizen.locator(".ticket-status")).to_have_class(re.compile(r"\bticket-cancelled\b"))
    expect(citizen.locator(".ticket-qr")).to_have_count(0)  # no code to show at the door
    expect(citizen.locator(".ticket-cancel")).to_have_count(0)
    screenshot(citizen, "ticket-cancelled-sq-phone")

    # 3. a second citizen, in a browser of their own, registers
    second_name = "Arbër Çomo"
    second = new_page()
    register(second, server, event_id, second_name)
    expect(second.locator(".ticket-status")).to_have_class(re.compile(r"\bticket-confirmed\b"))
    second_code = ticket_code(second)

    # 4. the organizer at the desk (laptop) types that code, as people type it
    desk = new_page(**LAPTOP)
    sign_in(desk, server)
    desk.goto(server.url(f"/manage/events/{event_id}/checkin"))
    expect(desk.locator("#desk-result")).to_be_visible()
    check_in(desk, second_code.lower().replace("-", ""))
    outcome = desk.locator("#desk-result .desk-outcome")
    # two weeks before the forum: the desk asks first (issue 14), then checks in
    expect(outcome).to_have_attribute("data-outcome", "early")
    with desk.expect_response(lambda r: r.request.method == "POST") as answer:
        outcome.locator("form.desk-confirm button[type=submit]").click()
    assert answer.value.status == 200, answer.value.text()[:500]
    htmx_is_done(desk)
    expect(outcome).to_have_attribute("data-outcome", "checked_in")
    expect(outcome.locator(".desk-name")).to_have_text(second_name)
    expect(outcome.locator(".desk-code-shown")).to_have_text(second_code)
    expect(desk.locator("#attendance-counts .count-main dd")).to_have_text("1")
    settle(desk)
    screenshot(desk, "desk-checked-in-laptop")

    # ... a second time: already checked in
    check_in(desk, second_code)
    expect(outcome).to_have_attribute("data-outcome", "already")
    expect(outcome.locator(".desk-name")).to_have_text(second_name)
    expect(desk.locator("#attendance-counts .count-main dd")).to_have_text("1")
    screenshot(desk, "desk-already-laptop")

    # ... and the cancelled ticket is refused at the door
    check_in(desk, code)
    expect(outcome).to_have_attribute("data-outcome", "cancelled")

    # the desk in English says so in words
    desk.locator("form.lang-switch button[name=lang][value=en]").click()
    expect_lang(desk, "en")
    check_in(desk, second_code)
    expect(outcome).to_have_attribute("data-outcome", "already")
    expect(outcome.locator(".desk-headline")).to_contain_text("Already checked in at")
    desk.locator("form.lang-switch button[name=lang][value=sq]").click()
    expect_lang(desk, "sq")

    # the second citizen's ticket says they came in
    second.reload()
    expect(second.locator(".ticket-status")).to_have_class(re.compile(r"\bticket-confirmed\b"))
    expect(second.locator(".ticket-status p")).to_have_count(2)  # confirmed + checked in at …


def test_a_cancellation_promotes_the_first_on_the_waitlist(
    new_page: NewPage, server: LiveServer, screenshot: Screenshot
) -> None:
    organizer = new_page(**LAPTOP)
    sign_in(organizer, server)
    event_id = event_id_of(organizer, server, COUNCIL_FORUM)
    set_capacity(organizer, server, event_id, 1)

    # citizen A takes the only place
    a = new_page()
    token_a = register(a, server, event_id, "Ëngjëll Çaushi")
    expect(a.locator(".ticket-status")).to_have_class(re.compile(r"\bticket-confirmed\b"))

    # citizen B (a phone in English) finds the event full: the waitlist
    b = new_page(locale="en-US")
    b.goto(server.url(f"/events/{event_id}"))
    expect_lang(b, "en")
    expect(b.locator("#register .register-waitlist")).to_be_visible()
    expect(b.locator("#register button[type=submit]")).to_have_text("Join the waitlist")
    token_b = register(b, server, event_id, "Blerta Hoxhë")
    assert token_b != token_a
    expect(b.locator(".ticket-status")).to_have_class(re.compile(r"\bticket-waitlist\b"))
    expect(b.locator(".ticket-status strong")).to_have_text("You are number 1 on the waitlist.")
    expect(b.locator(".ticket-pass .ticket-code")).to_have_text(CODE)
    has_no_horizontal_scroll(b, 390)
    screenshot(b, "ticket-waitlist-en-phone")

    # A cancels; B's ticket page, reloaded, has the place
    a.goto(server.url(f"/r/{token_a}/cancel"))
    a.locator(f"form[action='/r/{token_a}/cancel'] button[type=submit]").click()
    expect(a.locator(".ticket-status")).to_have_class(re.compile(r"\bticket-cancelled\b"))

    b.reload()
    expect(b.locator(".ticket-status")).to_have_class(re.compile(r"\bticket-confirmed\b"))
    expect(b.locator(".ticket-status strong")).to_have_text(
        "Good news: a place opened and you are now confirmed."
    )
    expect(b.locator(".ticket-qr svg")).to_be_visible()
    screenshot(b, "ticket-promoted-en-phone")

    # the organizer's counts agree: one registered, nobody waiting
    organizer.goto(server.url(f"/manage/events/{event_id}/checkin"))
    counts = organizer.locator("#attendance-counts .count dd")
    expect(counts).to_have_text(["0", "1", "0", "1"])  # checked in, registered, waitlist, places
