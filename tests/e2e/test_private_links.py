"""Private links in a real browser: on every page a private link opens, the language switch
answers 200, in the new language, at the same address.

The switch is a form's POST. Under `Referrer-Policy: no-referrer` Chromium sends it with
`Origin: null`, which the CSRF check refuses (403 "This request came from another site"); the
private pages say "strict-origin" (app/private.py), which sends the origin and never the token.
Demo data: CSDC's forum with the mayoral candidates in Durrës (D+14, 120 places, questions open).
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from app.demo.portal import DEMO_PORTAL_CANDIDATE, demo_portal_token
from tests.e2e.conftest import LiveServer, NewPage
from tests.e2e.test_attendance import MAYOR_FORUM, event_id_of, register
from tests.e2e.test_candidate_portal import add_commitment
from tests.e2e.test_foundation import expect_lang, path_of
from tests.e2e.test_live_forum import ask, my_question

pytestmark = pytest.mark.e2e

QUESTION = "A do të ketë ndriçim rrugor në lagjen Nr. 13 para dimrit?"


def switch_to_english(page: Page) -> None:
    """Clicks "English" on the page; the switch must come back to this page, 200, in English."""
    path = path_of(page)
    expect_lang(page, "sq")
    with page.expect_navigation() as navigation:
        page.locator("form.lang-switch button[name=lang][value=en]").click()
    response = navigation.value
    assert response is not None
    switch = response.request.redirected_from
    assert switch is not None, "the switch did not redirect back"
    assert (switch.method, urlsplit(switch.url).path) == ("POST", "/lang")
    assert response.status == 200, f"{page.url}: {response.status}"
    expect_lang(page, "en")
    assert path_of(page) == path


def test_the_language_switch_works_on_a_ticket(new_page: NewPage, server: LiveServer) -> None:
    citizen = new_page()
    event_id = event_id_of(citizen, server, MAYOR_FORUM)
    token = register(citizen, server, event_id, "Drita Përmeti")
    assert path_of(citizen) == f"/r/{token}"
    switch_to_english(citizen)
    expect(citizen.locator("main")).to_contain_text("Keep this link: it is your ticket.")


def test_the_language_switch_works_on_a_question_link(
    new_page: NewPage, server: LiveServer
) -> None:
    citizen = new_page()
    event_id = event_id_of(citizen, server, MAYOR_FORUM)
    citizen.goto(server.url(f"/events/{event_id}"))
    ask(citizen, QUESTION)
    link = my_question(citizen, QUESTION).locator(".q-private a")
    href = link.get_attribute("href") or ""
    assert re.fullmatch(r"/q/[A-Za-z0-9_-]+", href), href
    link.click()
    expect(citizen).to_have_url(server.url(href))
    switch_to_english(citizen)
    expect(citizen.locator("h1")).to_have_text("Your question")
    expect(citizen.locator(".question-body")).to_have_text(QUESTION)


def demo_portal_path(server: LiveServer) -> str:
    """The demo candidate's link, as `make run` prints it: derived from the server's secret."""
    secret = (server.log.parent / "var" / "secret_key").read_text().strip()
    return f"/c/{demo_portal_token(secret)}"


def test_the_language_switch_works_on_the_candidate_portal(
    new_page: NewPage, server: LiveServer
) -> None:
    commitment_id = add_commitment(
        server, DEMO_PORTAL_CANDIDATE, "Do të ndërtoj dy kopshte të reja në Durrës. [e2e-lang]"
    )
    candidate = new_page()
    portal = demo_portal_path(server)
    candidate.goto(server.url(portal))
    expect(candidate.locator("h1")).to_have_text(DEMO_PORTAL_CANDIDATE)
    switch_to_english(candidate)
    expect(candidate.locator(f"#commitment-{commitment_id} a.button").first).to_have_text(
        "I confirm"
    )
    for kind, heading in (
        ("confirm", "Confirm this commitment"),
        ("dispute", "Dispute this commitment"),
    ):
        step = new_page()
        step.goto(server.url(f"{portal}/commitments/{commitment_id}/{kind}"))
        switch_to_english(step)
        expect(step.locator("h1")).to_have_text(heading)
