"""Issue 14 (fixes) in a real browser: the ticket's share links on a 360 px phone and the event
page leading back to it, the question box's character count, the dashboard's "needs doing",
and the projector cleared from the moderation page ("Hiqe nga ekrani").

Screenshots also go to /tmp/shots-fixes/ (dashboard.png, share.png, projector-cleared.png).
"""

import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LAPTOP, LiveServer, NewPage
from tests.e2e.test_attendance import event_id_of, register
from tests.e2e.test_foundation import has_no_horizontal_scroll, sign_in
from tests.e2e.test_scheduling import htmx_is_done, settle

pytestmark = pytest.mark.e2e

Screenshot = Callable[[Page, str], Path]
SHOTS = Path(tempfile.gettempdir()) / "shots-fixes"
SHKODER_FORUM = "Forum publik me kandidatët për kryetar të Bashkisë Shkodër"  # D+18, 80 places
COUNCIL_FORUM = "Forum publik me kandidatët për Këshillin Bashkiak të Durrësit"  # D+28, CSDC
SMALL_PHONE = {"viewport": {"width": 360, "height": 740}}
DESK = {**LAPTOP, "viewport": {"width": 1366, "height": 900}}


def keep(screenshot: Screenshot, page: Page, name: str) -> None:
    """The screenshot, and a copy where the note picks it up."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(screenshot(page, name), SHOTS / f"{name}.png")


def test_the_ticket_shares_and_the_event_page_leads_back_to_it(
    new_page: NewPage, server: LiveServer, screenshot: Screenshot
) -> None:
    phone = new_page(**SMALL_PHONE)
    event_id = event_id_of(phone, server, SHKODER_FORUM)
    token = register(phone, server, event_id, "Mirela Çoba")
    share = phone.locator(".ticket-share")
    expect(share).to_be_visible()
    for app in ("whatsapp", "viber", "sms"):
        link = share.locator(f"a.share-{app}")
        expect(link).to_be_visible()
        href = link.get_attribute("href") or ""
        assert href.endswith(f"%2Fr%2F{token}"), href
    assert (share.locator("a.share-whatsapp").get_attribute("href") or "").startswith(
        "https://wa.me/?text="
    )
    has_no_horizontal_scroll(phone, 360)
    share.scroll_into_view_if_needed()
    keep(screenshot, phone, "share")

    # back on the event page, the registration block knows this phone's ticket
    phone.goto(server.url(f"/events/{event_id}"))
    mine = phone.locator("#register .my-tickets")
    expect(mine).to_be_visible()
    expect(mine.locator(f"a[href='/r/{token}']")).to_be_visible()
    expect(mine).not_to_contain_text("Mirela")  # never the name: a phone may be shared
    has_no_horizontal_scroll(phone, 360)
    keep(screenshot, phone, "event-my-ticket")
    mine.locator("form.my-tickets-forget button").click()
    expect(phone).to_have_url(server.url(f"/events/{event_id}"))
    settle(phone)
    expect(phone.locator("#register form.register-form")).to_be_visible()
    expect(phone.locator("#register .my-tickets")).to_have_count(0)

    # another phone never sees it
    other = new_page(**SMALL_PHONE)
    other.goto(server.url(f"/events/{event_id}"))
    settle(other)
    expect(other.locator("#register .my-tickets")).to_have_count(0)


def test_the_dashboard_and_the_projector_cleared(
    new_page: NewPage, server: LiveServer, screenshot: Screenshot
) -> None:
    # a citizen asks, on a phone; the box counts the characters left as they type
    citizen = new_page(**SMALL_PHONE)
    event_id = event_id_of(citizen, server, COUNCIL_FORUM)
    citizen.goto(server.url(f"/events/{event_id}"))
    settle(citizen)
    ask = citizen.locator("#ask")
    if ask.get_attribute("open") is None:
        ask.locator("summary").click()
    box = citizen.locator("#f-body")
    expect(box).to_have_attribute("maxlength", "500")
    body = "Si do ta mbikëqyrni zbatimin e Kontratës Sociale në këshill?"
    box.fill(body)
    count = citizen.locator("#f-body-count")
    expect(count).to_be_visible()
    expect(count).to_contain_text(str(500 - len(body)))
    citizen.locator("#ask button.ask-submit").click()
    htmx_is_done(citizen)

    # the organizer's dashboard says a question waits
    desk = new_page(**DESK)
    sign_in(desk, server)
    waiting = desk.locator("h3#waiting-questions + ul")
    expect(waiting.locator(f"a[href='/manage/events/{event_id}/questions']")).to_be_visible()
    expect(desk.locator("h3#open-invitations + ul")).to_contain_text("Ilir Nika")  # invited
    keep(screenshot, desk, "dashboard")

    # on the screen, then off it
    desk.goto(server.url(f"/manage/events/{event_id}/questions"))
    card = desk.locator(".q-card", has_text=body)
    card.locator("form[action$='/screen'] button").click()
    htmx_is_done(desk)
    projector = new_page(**DESK)
    projector.goto(server.url(f"/events/{event_id}/screen"))
    expect(projector.locator(".screen-question")).to_contain_text(body)
    clear = desk.locator(f"form[action='/manage/events/{event_id}/screen/clear'] button")
    expect(clear).to_be_visible()
    clear.click()
    htmx_is_done(desk)
    expect(desk.locator(f"form[action='/manage/events/{event_id}/screen/clear']")).to_have_count(0)
    # the projector notices at its next poll (every 2 s) and shows its idle state
    expect(projector.locator(".screen-waiting")).to_be_visible(timeout=8_000)
    expect(projector.locator(".screen-current")).not_to_contain_text(body)
    assert re.search(r"/events/\d+/screen$", projector.url)
    keep(screenshot, projector, "projector-cleared")
