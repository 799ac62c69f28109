"""Scheduling in a real browser: an organizer plans a forum, citizens find it on a phone.

The demo organizer (CSDC, Durrës) plans a forum through the form on a laptop, confirms its two
candidates with one click each (htmx swaps only the candidate's row), and is refused when
confirming one of them at the demo's own forum, which overlaps in time. A citizen then finds
the forum on a 390×844 phone, in Albanian and in English. Without JavaScript, a form with the
end before the start comes back with the message next to the end field and everything typed.

The demo data these tests build on (app/demo/data.py), in Tirana time, D = today:
"Forum publik me kandidatët për kryetar të Bashkisë Durrës" on D+14, 18:00–20:00, in
"Salla e Këshillit Bashkiak", with Ermira Prifti and Dritan Bregu confirmed and Klodian Mema
(independent, mayor) only invited; Ilir Nika (AL, council) is invited to a forum on D+28 only.
The new forum is on D+14, 19:00–21:00, in another venue: it overlaps the demo forum, so
Klodian Mema, once confirmed here, cannot be confirmed there too.
"""

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from babel.dates import format_date
from playwright.sync_api import Locator, Page, expect

from app.demo.seed import TIRANE, local_today, next_election_date
from tests.e2e.conftest import LAPTOP, LiveServer, NewPage, Watch
from tests.e2e.test_foundation import expect_lang, has_no_horizontal_scroll, path_of, sign_in

pytestmark = pytest.mark.e2e

Screenshot = Callable[[Page, str], Path]

TITLE = "Forum për ujin dhe rrugët – Durrës"
DESCRIPTION = (
    "Qytetarët pyesin kandidatët për furnizimin me ujë dhe rrugët e lagjeve.\nHyrja e lirë."
)
VENUE = "Biblioteka Publike, Rruga Aleksandër Goga"
DEMO_FORUM = "Forum publik me kandidatët për kryetar të Bashkisë Durrës"
CANDIDATE_A = "Klodian Mema"  # independent, mayor; only invited to the demo forum
CANDIDATE_B = "Ilir Nika"  # Aleanca e Lumenjve (AL), council
PARTY_B = "Aleanca e Lumenjve (demo)"
MUNICIPALITY = "Durrës"
EVENT_PATH = re.compile(r"^/manage/events/(\d+)$")


def local_input(day: date, at: time) -> str:
    """A Tirana wall-clock time as a datetime-local field takes it."""
    return datetime.combine(day, at, tzinfo=TIRANE).strftime("%Y-%m-%dT%H:%M")


def forum_day() -> date:
    """The day of the demo's forum in Durrës."""
    return local_today() + timedelta(days=14)


def election_name() -> str:
    return f"Zgjedhjet vendore {next_election_date(local_today()).year}"


def candidate_choice(page: Page, name: str) -> Locator:
    return page.locator("#candidate-choices label.choice", has_text=name).locator(
        "input[type=checkbox][name=candidate_ids]"
    )


def invitation_row(page: Page, name: str) -> Locator:
    return page.locator("#candidates li[id^='invitation-']", has_text=name)


def candidate_id(row: Locator) -> int:
    row_id = row.get_attribute("id") or ""
    assert row_id.startswith("invitation-"), row_id
    return int(row_id.removeprefix("invitation-"))


def set_status_button(row: Locator, status: str) -> Locator:
    """The one-click button of ROW that sets the invitation to STATUS."""
    return row.locator(f"form:has(input[name=status][value={status}]) button[type=submit]")


def choose_and_wait_for_candidates(page: Page, select_id: str, label: str) -> None:
    """Chooses an option of a select that refreshes the candidate checkboxes (htmx)."""
    with page.expect_response(lambda r: "/manage/events/candidate-options" in r.url) as answer:
        page.locator(select_id).select_option(label=label)
    assert answer.value.status == 200
    htmx_is_done(page)


def htmx_is_done(page: Page) -> None:
    """Waits until no htmx request is in flight and the last swap has settled.

    (Not page.wait_for_function: its string predicate is evaluated, which the CSP refuses.)
    """
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def settle(page: Page) -> None:
    """Waits for what the page fetches after loading (htmx parts with hx-trigger="load")."""
    page.wait_for_load_state("networkidle")
    htmx_is_done(page)


def mark_document(page: Page) -> None:
    """Marks the current document, so that a full page load can be told from an htmx swap."""
    page.evaluate("window.__sameDocument = true")


def is_same_document(page: Page) -> bool:
    return bool(page.evaluate("window.__sameDocument === true"))


def click_status(page: Page, row: Locator, status: str, expected_http: int) -> None:
    """Clicks ROW's STATUS button and waits for htmx to swap the row."""
    url = page.url
    mark_document(page)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        set_status_button(row, status).click()
    assert answer.value.status == expected_http, answer.value.text()[:500]
    assert answer.value.request.headers.get("hx-request") == "true", "not sent by htmx"
    htmx_is_done(page)
    assert page.url == url
    assert is_same_document(page), "the page was reloaded instead of the row being swapped"


def expect_invitation_status(row: Locator, status: str, text: str) -> None:
    expect(row.locator(".status")).to_have_class(re.compile(rf"\bstatus-{status}\b"))
    expect(row.locator(".status")).to_have_text(text)


def plan_the_forum(page: Page, server: LiveServer, screenshot: Screenshot) -> int:
    """Flow 1: the organizer plans the forum through the form; returns its id."""
    page.goto(server.url("/manage/events"))
    page.locator("main a[href='/manage/events/new']").click()
    expect(page).to_have_url(server.url("/manage/events/new"))
    expect_lang(page, "sq")
    expect(page.locator("h1")).to_have_text("Planifiko një aktivitet")

    expect(page.locator("#f-kind")).to_have_value("forum")
    page.locator("#f-title").fill(TITLE)
    page.locator("#f-description").fill(DESCRIPTION)
    choose_and_wait_for_candidates(page, "#f-municipality_id", label=MUNICIPALITY)
    # the organizer's own organization is the only choice, already chosen
    expect(page.locator("#f-organization_id option:checked")).to_have_text(
        "Qendra për Zhvillimin e Shoqërisë Civile"
    )
    choose_and_wait_for_candidates(page, "#f-election_id", label=election_name())
    page.locator("#f-venue").fill(VENUE)
    page.locator("#f-starts_at").fill(local_input(forum_day(), time(19, 0)))
    page.locator("#f-ends_at").fill(local_input(forum_day(), time(21, 0)))
    page.locator("#f-capacity").fill("60")

    # the election narrowed the list to Durrës's candidates in the coming election
    choices = page.locator("#candidate-choices input[name=candidate_ids]")
    expect(choices).to_have_count(5)
    expect(page.locator("#candidate-choices")).not_to_contain_text("Elira Dervishi")  # 2022
    candidate_choice(page, CANDIDATE_A).check()
    candidate_choice(page, CANDIDATE_B).check()
    expect(page.locator("#candidate-choices input:checked")).to_have_count(2)
    screenshot(page, "plan-event-form-laptop")

    page.locator("button[type=submit][name=status][value=scheduled]").click()
    expect(page).to_have_url(re.compile(r"/manage/events/\d+$"))
    match = EVENT_PATH.match(path_of(page))
    assert match, page.url
    return int(match.group(1))


def test_organizer_schedules_a_forum_and_citizens_find_it_on_a_phone(
    new_page: NewPage, server: LiveServer, watch: Watch, screenshot: Screenshot
) -> None:
    page = new_page(**LAPTOP)
    sign_in(page, server)

    # 1. plan the forum: it is public, both candidates invited
    event_id = plan_the_forum(page, server, screenshot)
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".page-head .status")).to_have_text("Planifikuar")  # scheduled
    expect(page.locator(".details-list")).to_contain_text(VENUE)
    expect(page.locator("#candidates li[id^='invitation-']")).to_have_count(2)
    row_a, row_b = invitation_row(page, CANDIDATE_A), invitation_row(page, CANDIDATE_B)
    expect_invitation_status(row_a, "invited", "Ftuar")
    expect_invitation_status(row_b, "invited", "Ftuar")
    id_a = candidate_id(row_a)
    screenshot(page, "event-manage-invited-laptop")

    # 2. one click each: htmx swaps the row in place, no page load
    click_status(page, row_a, "confirmed", 200)
    expect_invitation_status(row_a, "confirmed", "Konfirmuar")
    expect_invitation_status(row_b, "invited", "Ftuar")
    expect(set_status_button(row_a, "confirmed")).to_have_count(0)
    expect(set_status_button(row_a, "invited")).to_be_visible()  # and back again, if need be
    click_status(page, row_b, "confirmed", 200)
    expect_invitation_status(row_b, "confirmed", "Konfirmuar")
    expect(page.locator("#candidates [role=alert]")).to_have_count(0)
    screenshot(page, "event-manage-confirmed-laptop")
    page.reload()  # what the server stored, not only what was swapped in
    expect_invitation_status(invitation_row(page, CANDIDATE_A), "confirmed", "Konfirmuar")
    expect_invitation_status(invitation_row(page, CANDIDATE_B), "confirmed", "Konfirmuar")

    # 3. a refused conflict: candidate A is invited to the demo forum too, which overlaps
    page.goto(server.url("/manage/events"))
    page.locator("main a", has_text=DEMO_FORUM).click()
    expect(page.locator("h1")).to_have_text(DEMO_FORUM)
    match = EVENT_PATH.match(path_of(page))
    assert match, page.url
    demo_id = int(match.group(1))
    assert demo_id != event_id
    demo_row = invitation_row(page, CANDIDATE_A)
    assert candidate_id(demo_row) == id_a
    expect_invitation_status(demo_row, "invited", "Ftuar")
    # the refusal answers 409, which Chromium logs as a failed load: that one is expected
    watch.expect_error_status(f"/manage/events/{demo_id}/candidates/{id_a}", 409)
    click_status(page, demo_row, "confirmed", 409)
    alert = demo_row.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(CANDIDATE_A)
    expect(alert).to_contain_text(f"“{TITLE}”")  # names the other event
    expect(alert).to_contain_text("mbivendoset")  # "overlaps"
    expect_invitation_status(demo_row, "invited", "Ftuar")  # unchanged
    expect(set_status_button(demo_row, "confirmed")).to_be_visible()  # still on offer
    # the other rows are untouched, and only the refused row has a message
    expect_invitation_status(invitation_row(page, "Ermira Prifti"), "confirmed", "Konfirmuar")
    expect(page.locator("#candidates [role=alert]")).to_have_count(1)
    screenshot(page, "event-manage-conflict-laptop")
    page.reload()
    expect_invitation_status(invitation_row(page, CANDIDATE_A), "invited", "Ftuar")

    # 4. a citizen on a phone, in Albanian: the list, then the forum's page
    phone = new_page()  # 390×844, sq-AL
    phone.goto(server.url("/"))
    phone.locator("nav a[href='/events']").click()
    expect(phone).to_have_url(server.url("/events"))
    expect_lang(phone, "sq")
    item = phone.locator(".event-item", has=phone.locator(".event-title", has_text=TITLE))
    expect(item).to_have_count(1)
    expect(item.locator(".event-kind")).to_have_text("Forum publik")
    expect(item.locator(".event-title a")).to_have_attribute("href", f"/events/{event_id}")
    expect(item.locator(".event-when")).to_contain_text(
        format_date(forum_day(), "EEEE, d MMMM y", locale="sq")
    )
    expect(item.locator(".event-when")).to_contain_text("19:00–21:00")
    expect(item.locator(".event-where")).to_have_text(f"{VENUE}, {MUNICIPALITY}")
    who = item.locator(".event-who li")
    expect(who).to_have_count(2)
    expect(who.filter(has_text=CANDIDATE_A)).to_contain_text("I/e pavarur")
    expect(who.filter(has_text=CANDIDATE_B).locator("abbr")).to_have_text("AL")
    # the demo forum, at the same hour, comes first: upcoming events by time
    titles = phone.locator(".event-item .event-title").all_inner_texts()
    assert titles.index(DEMO_FORUM) < titles.index(TITLE), titles
    settle(phone)
    has_no_horizontal_scroll(phone, 390)
    screenshot(phone, "events-sq-phone")

    item.locator(".event-title a").click()
    expect(phone).to_have_url(server.url(f"/events/{event_id}"))
    expect(phone.locator("h1")).to_have_text(TITLE)
    facts = phone.locator("dl.facts")
    expect(facts).to_contain_text(format_date(forum_day(), "EEEE, d MMMM y", locale="sq"))
    expect(facts).to_contain_text("19:00–21:00")
    expect(facts).to_contain_text(VENUE)
    expect(facts).to_contain_text("Zgjedhjet vendore")
    expect(phone.locator("#candidates-heading")).to_have_text("Kandidatët e konfirmuar")
    confirmed = phone.locator(".candidate-list li")
    expect(confirmed).to_have_count(2)
    expect(confirmed.filter(has_text=CANDIDATE_A)).to_contain_text("I/e pavarur")
    expect(confirmed.filter(has_text=CANDIDATE_A)).to_contain_text("Kandidat/e për kryetar/e")
    expect(confirmed.filter(has_text=CANDIDATE_B)).to_contain_text(PARTY_B)
    expect(confirmed.filter(has_text=CANDIDATE_B)).to_contain_text("Kandidat/e për këshill")
    expect(phone.locator(".invitations")).to_have_count(0)  # nobody is left waiting
    settle(phone)
    has_no_horizontal_scroll(phone, 390)
    screenshot(phone, "event-sq-phone")

    # ... in English, with the header switch
    phone.locator("form.lang-switch button[name=lang][value=en]").click()
    expect_lang(phone, "en")
    expect(phone).to_have_url(server.url(f"/events/{event_id}"))
    expect(phone.locator("h1")).to_have_text(TITLE)  # what organizers type is not translated
    expect(phone.locator(".event-kind")).to_have_text("Public forum")
    expect(phone.locator("#candidates-heading")).to_have_text("Confirmed candidates")
    expect(facts.locator("dt")).to_contain_text(["When", "Where", "Organized by", "Election"])
    expect(facts).to_contain_text(format_date(forum_day(), "EEEE, d MMMM y", locale="en"))
    expect(confirmed.filter(has_text=CANDIDATE_A)).to_contain_text("Independent")
    expect(confirmed.filter(has_text=CANDIDATE_A)).to_contain_text("Candidate for mayor")
    expect(confirmed.filter(has_text=CANDIDATE_B)).to_contain_text("Candidate for council")
    expect(phone.get_by_role("link", name="Add to calendar")).to_have_attribute(
        "href", f"/events/{event_id}.ics"
    )
    settle(phone)
    has_no_horizontal_scroll(phone, 390)
    screenshot(phone, "event-en-phone")

    phone.get_by_role("link", name="All events").click()
    expect(phone).to_have_url(server.url("/events"))
    expect_lang(phone, "en")
    expect(phone.get_by_role("heading", name="Upcoming events")).to_be_attached()
    expect(item.locator(".event-kind")).to_have_text("Public forum")
    expect(item.locator(".event-when")).to_contain_text(
        format_date(forum_day(), "EEEE, d MMMM y", locale="en")
    )
    expect(who.filter(has_text=CANDIDATE_A)).to_contain_text("Independent")
    settle(phone)
    has_no_horizontal_scroll(phone, 390)
    screenshot(phone, "events-en-phone")

    # ... and back to Albanian
    phone.locator("form.lang-switch button[name=lang][value=sq]").click()
    expect_lang(phone, "sq")
    expect(phone).to_have_url(server.url("/events"))
    expect(item.locator(".event-kind")).to_have_text("Forum publik")
    item.locator(".event-title a").click()
    expect_lang(phone, "sq")
    expect(phone.locator("#candidates-heading")).to_have_text("Kandidatët e konfirmuar")


def test_plan_form_without_javascript_keeps_what_was_typed_on_an_error(
    new_page: NewPage, server: LiveServer, watch: Watch, screenshot: Screenshot
) -> None:
    # the form comes back with status 400, on purpose
    watch.expect_error_status("/manage/events", 400)
    page = new_page(**LAPTOP, java_script_enabled=False)
    sign_in(page, server)
    page.goto(server.url("/manage/events/new"))
    expect(page.locator("h1")).to_have_text("Planifiko një aktivitet")
    screenshot(page, "plan-event-new-nojs-laptop")

    title = "Takim për transportin publik – Durrës (gabim)"
    day = local_today() + timedelta(days=20)
    starts, ends = local_input(day, time(18, 0)), local_input(day, time(17, 0))  # ends first
    page.locator("#f-title").fill(title)
    page.locator("#f-description").fill(DESCRIPTION)
    page.locator("#f-municipality_id").select_option(label=MUNICIPALITY)
    page.locator("#f-election_id").select_option(label=election_name())
    page.locator("#f-venue").fill(VENUE)
    page.locator("#f-starts_at").fill(starts)
    page.locator("#f-ends_at").fill(ends)
    page.locator("#f-capacity").fill("45")
    # (without JavaScript the list is not narrowed to the election chosen: it lists Durrës's
    # candidates of every election, those of the coming one included)
    candidate_choice(page, CANDIDATE_A).check()
    candidate_choice(page, CANDIDATE_B).check()

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("button[type=submit][name=status][value=scheduled]").click()
    assert posted.value.status == 400
    assert path_of(page) == "/manage/events"
    expect_lang(page, "sq")

    # the message sits next to the end field, which points at it
    end_field = page.locator(".field", has=page.locator("#f-ends_at"))
    expect(end_field).to_have_class(re.compile(r"\bhas-error\b"))
    expect(end_field.locator("#f-ends_at-error")).to_have_text(
        "Aktiviteti duhet të mbarojë pasi fillon."
    )
    expect(page.locator("#f-ends_at")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-ends_at")).to_have_attribute("aria-describedby", "f-ends_at-error")
    expect(page.locator("form .alert-error[role=alert]")).to_be_visible()
    expect(page.locator(".field.has-error")).to_have_count(1)  # nothing else is blamed

    # everything typed is kept
    expect(page.locator("#f-kind")).to_have_value("forum")
    expect(page.locator("#f-title")).to_have_value(title)
    expect(page.locator("#f-description")).to_have_value(DESCRIPTION)
    expect(page.locator("#f-municipality_id option:checked")).to_have_text(MUNICIPALITY)
    expect(page.locator("#f-election_id option:checked")).to_have_text(election_name())
    expect(page.locator("#f-venue")).to_have_value(VENUE)
    expect(page.locator("#f-starts_at")).to_have_value(starts)
    expect(page.locator("#f-ends_at")).to_have_value(ends)
    expect(page.locator("#f-capacity")).to_have_value("45")
    expect(candidate_choice(page, CANDIDATE_A)).to_be_checked()
    expect(candidate_choice(page, CANDIDATE_B)).to_be_checked()
    expect(page.locator("#candidate-choices input:checked")).to_have_count(2)
    screenshot(page, "plan-event-error-nojs-laptop")

    # nothing was scheduled
    page.goto(server.url("/manage/events"))
    expect(page.locator("main")).not_to_contain_text(title)
