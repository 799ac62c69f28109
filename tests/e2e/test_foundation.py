"""The foundation in a real browser: home, sign-in, language switch, sign-out, on a phone.

Albanian strings are not asserted (the catalog is being written): the tests look at `lang`
attributes, URLs, English strings when the page is in English, and the demo data.
"""

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from app.demo import DEMO_ORGANIZER_EMAIL, DEMO_ORGANIZER_PASSWORD
from tests.e2e.conftest import LAPTOP, PHONE, LiveServer, NewPage, Watch

pytestmark = pytest.mark.e2e

Screenshot = Callable[[Page, str], Path]


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def expect_lang(page: Page, lang: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang)


def submit_login(page: Page, email: str, password: str) -> None:
    page.locator("#f-email").fill(email)
    page.locator("#f-password").fill(password)
    page.locator("form[action='/login'] [type=submit]").click()


def sign_in(page: Page, server: LiveServer) -> None:
    page.goto(server.url("/login"))
    submit_login(page, DEMO_ORGANIZER_EMAIL, DEMO_ORGANIZER_PASSWORD)
    expect(page).to_have_url(server.url("/manage"))


def switch_language(page: Page, lang: str) -> None:
    page.locator(f"form.lang-switch button[name=lang][value={lang}]").click()
    expect_lang(page, lang)


def sign_out_button(page: Page) -> Locator:
    return page.locator("nav form[action='/logout'] [type=submit]")


def has_no_horizontal_scroll(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width} px > {width} px"


def test_home_is_in_albanian_by_default_and_lists_events(
    new_page: NewPage, server: LiveServer, screenshot: Screenshot
) -> None:
    page = new_page()
    response = page.goto(server.url("/"))
    assert response is not None
    assert response.status == 200
    expect_lang(page, "sq")
    expect(page.locator(".event-item").first).to_be_visible()
    assert page.locator(".event-item").count() >= 1
    # demo data: the first upcoming event is CSDC's forum in Durrës, two weeks from today
    expect(page.locator(".event-list")).to_contain_text("Durrës")
    has_no_horizontal_scroll(page, 390)
    screenshot(page, "home-sq-phone")


def test_organizer_signs_in_and_is_greeted_by_name(
    new_page: NewPage, server: LiveServer, screenshot: Screenshot
) -> None:
    page = new_page()
    page.goto(server.url("/"))
    page.locator("nav a[href='/login']").click()
    expect(page).to_have_url(server.url("/login"))
    expect_lang(page, "sq")
    screenshot(page, "login-phone")
    submit_login(page, DEMO_ORGANIZER_EMAIL, DEMO_ORGANIZER_PASSWORD)
    expect(page).to_have_url(server.url("/manage"))
    expect(page.locator("h1")).to_contain_text(server.organizer_name)
    expect(sign_out_button(page)).to_be_visible()
    has_no_horizontal_scroll(page, 390)
    screenshot(page, "dashboard-phone")


def test_language_switch_reloads_the_page_and_sticks(
    new_page: NewPage, server: LiveServer, screenshot: Screenshot
) -> None:
    page = new_page()
    sign_in(page, server)
    expect_lang(page, "sq")

    switch_language(page, "en")
    expect(page).to_have_url(server.url("/manage"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.locator("h1")).to_have_text(f"Welcome, {server.organizer_name}")
    expect(page.locator("form.lang-switch button[value=en]")).to_have_attribute(
        "aria-current", "true"
    )
    screenshot(page, "dashboard-en-phone")

    page.goto(server.url("/"))  # the choice is remembered across pages
    expect_lang(page, "en")
    expect(page.get_by_role("heading", name="Upcoming events")).to_be_visible()
    screenshot(page, "home-en-phone")

    switch_language(page, "sq")
    expect(page).to_have_url(server.url("/"))
    page.goto(server.url("/manage"))
    expect_lang(page, "sq")
    expect(sign_out_button(page)).to_be_visible()


def test_sign_out_ends_the_session(new_page: NewPage, server: LiveServer) -> None:
    page = new_page()
    sign_in(page, server)
    sign_out_button(page).click()
    expect(page).to_have_url(server.url("/"))
    expect(sign_out_button(page)).to_have_count(0)
    expect(page.locator("nav a[href='/login']")).to_be_visible()

    page.goto(server.url("/manage"))
    assert path_of(page) == "/login"
    assert urlsplit(page.url).query == "next=/manage"
    expect(page.locator("#f-email")).to_be_visible()


def test_wrong_password_shows_an_error_and_keeps_the_email(
    new_page: NewPage, server: LiveServer, watch: Watch, screenshot: Screenshot
) -> None:
    # A failed sign-in re-renders the form with status 400, on purpose.
    watch.expect_error_status("/login", 400)
    page = new_page()
    page.goto(server.url("/login"))
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        submit_login(page, DEMO_ORGANIZER_EMAIL, "not-the-password")
    assert posted.value.status == 400
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("alert")).not_to_be_empty()
    expect(page.locator("#f-email")).to_have_value(DEMO_ORGANIZER_EMAIL)
    expect(page.locator("#f-password")).to_have_value("")
    assert path_of(page) == "/login"
    expect_lang(page, "sq")
    screenshot(page, "login-error-phone")


def test_first_visit_in_english_gets_english(new_page: NewPage, server: LiveServer) -> None:
    page = new_page(locale="en-US")
    page.goto(server.url("/"))
    expect_lang(page, "en")
    expect(page.get_by_role("heading", name="Upcoming events")).to_be_visible()
    expect(page.get_by_role("link", name="Organizer sign-in")).to_be_visible()
    page.goto(server.url("/login"))
    expect_lang(page, "en")
    expect(page.get_by_label("E-mail")).to_be_visible()


def test_everything_works_without_javascript(new_page: NewPage, server: LiveServer) -> None:
    page = new_page(java_script_enabled=False)
    page.goto(server.url("/"))
    expect_lang(page, "sq")
    expect(page.locator(".event-item").first).to_be_visible()

    sign_in(page, server)
    expect(page.locator("h1")).to_contain_text(server.organizer_name)

    switch_language(page, "en")
    expect(page).to_have_url(server.url("/manage"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    switch_language(page, "sq")
    expect(page).to_have_url(server.url("/manage"))

    sign_out_button(page).click()
    expect(page).to_have_url(server.url("/"))
    page.goto(server.url("/manage"))
    assert path_of(page) == "/login"


def test_nothing_is_loaded_from_another_host(
    new_page: NewPage, server: LiveServer, watch: Watch
) -> None:
    page = new_page()
    page.goto(server.url("/"))
    sign_in(page, server)
    page.goto(server.url("/manage/tokens"))
    page.goto(server.url("/docs"))
    page.wait_for_load_state("networkidle")

    paths = {urlsplit(url).path for url in watch.requests}
    # the recording works: the pages' own stylesheet and script were seen
    assert {"/", "/login", "/manage", "/static/app.css", "/static/htmx.min.js"} <= paths
    assert watch.foreign_requests() == []


def test_login_inputs_have_labels(new_page: NewPage, server: LiveServer) -> None:
    page = new_page()
    page.goto(server.url("/login"))
    inputs = page.locator("input:not([type=hidden]), select, textarea")
    assert inputs.count() >= 2
    for index in range(inputs.count()):
        field = inputs.nth(index)
        field_id = field.get_attribute("id")
        name = field.get_attribute("name")
        assert field_id, f"the {name!r} field has no id, so no label can point at it"
        assert page.locator(f"label[for='{field_id}']").count() == 1, f"#{field_id} has no label"
        expect(page.locator(f"label[for='{field_id}']")).not_to_be_empty()


@pytest.mark.parametrize("lang", ["sq", "en"])
def test_no_horizontal_scroll_at_320_px(
    new_page: NewPage, server: LiveServer, screenshot: Screenshot, lang: str
) -> None:
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto(server.url("/"))
    if lang != "sq":
        switch_language(page, lang)
    for path in ["/", "/login"]:
        page.goto(server.url(path))
        expect_lang(page, lang)
        has_no_horizontal_scroll(page, 320)
    screenshot(page, f"login-{lang}-320")
    sign_in(page, server)
    has_no_horizontal_scroll(page, 320)
    page.goto(server.url("/"))
    has_no_horizontal_scroll(page, 320)
    screenshot(page, f"home-{lang}-320")


def test_on_a_laptop(new_page: NewPage, server: LiveServer, screenshot: Screenshot) -> None:
    page = new_page(**LAPTOP)
    page.goto(server.url("/"))
    expect_lang(page, "sq")
    expect(page.locator(".event-item").first).to_be_visible()
    has_no_horizontal_scroll(page, 1280)
    screenshot(page, "home-sq-laptop")

    page.goto(server.url("/login"))
    screenshot(page, "login-laptop")
    submit_login(page, DEMO_ORGANIZER_EMAIL, DEMO_ORGANIZER_PASSWORD)
    expect(page).to_have_url(server.url("/manage"))
    expect(page.locator("h1")).to_contain_text(server.organizer_name)
    screenshot(page, "dashboard-laptop")

    switch_language(page, "en")
    page.goto(server.url("/"))
    expect_lang(page, "en")
    screenshot(page, "home-en-laptop")
    sign_out_button(page).click()
    expect(page).to_have_url(server.url("/"))


def test_the_watch_sees_csp_violations_and_script_errors(
    chromium: Browser, server: LiveServer
) -> None:
    """The guard every test relies on is not blind: a page that breaks the rules is caught."""
    watch = Watch(origin=server.base_url)
    context = chromium.new_context(**PHONE)
    try:
        page = context.new_page()
        watch.attach(page)
        page.goto(server.url("/"))
        page.evaluate(  # an inline script, which the CSP refuses to run
            "document.head.append(Object.assign(document.createElement('script'),"
            " {textContent: 'window.inlineRan = true'}))"
        )
        page.evaluate("setTimeout(() => { throw new Error('boom') })")
        page.wait_for_timeout(200)
        assert page.evaluate("window.inlineRan === undefined")
    finally:
        context.close()
    problems = "\n".join(watch.problems())
    assert "Refused to" in problems
    assert "boom" in problems
