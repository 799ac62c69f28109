"""The citizen's side of attendance: the registration form, the ticket page, cancelling, privacy."""

import html
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from app.db import Database
from app.main import create_app
from app.models import Event, EventKind, EventStatus, Registration, RegistrationStatus, utcnow
from tests.conftest import Browser, World, make_settings

HOUR = timedelta(hours=1)


async def add_event(db: Database, world: World, **values: Any) -> int:
    """A public forum in Durrës next week, unless told otherwise."""
    start = values.pop("starts_at", utcnow() + timedelta(days=7))
    fields: dict[str, Any] = {
        "kind": EventKind.forum,
        "title": "Forumi për ujin e pijshëm",
        "municipality_id": world.municipality.id,
        "organization_id": world.organization.id,
        "venue": "Salla e Këshillit",
        "status": EventStatus.scheduled,
        "starts_at": start,
        "ends_at": start + 2 * HOUR,
        **values,
    }
    async with db.write() as session:
        event = Event(**fields)
        session.add(event)
        await session.commit()
    return event.id or 0


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden {name} in the page"
    return match.group(1)


async def open_form(browser: Browser, event_id: int) -> dict[str, str]:
    """The form's hidden fields, as a browser gets them with the page."""
    page = await browser.get(f"/events/{event_id}/register")
    assert page.status_code == 200, page.text
    return {
        "csrf_token": hidden(page.text, "csrf_token"),
        "idempotency_key": hidden(page.text, "idempotency_key"),
    }


async def register(
    browser: Browser, event_id: int, form: dict[str, str] | None = None, **fields: str
) -> httpx.Response:
    values = {"name": "Arta Hoxha", "consent": "true", **fields}
    form = form or await open_form(browser, event_id)
    return await browser.post(f"/events/{event_id}/register", data={**form, **values})


async def ticket_of(browser: Browser, event_id: int, **fields: str) -> str:
    """Registers and returns the ticket's path."""
    response = await register(browser, event_id, **fields)
    assert response.status_code == 303, response.text
    return response.headers["location"]


async def registrations(db: Database, event_id: int) -> list[Registration]:
    async with db.read() as session:
        rows = await session.execute(
            select(Registration)
            .where(col(Registration.event_id) == event_id)
            .order_by(col(Registration.id))
        )
        return list(rows.scalars())


async def test_the_event_page_offers_the_form_with_and_without_javascript(
    citizen: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world, capacity=30)
    page = await citizen.get(f"/events/{event_id}")
    assert f'hx-get="/events/{event_id}/register"' in page.text  # htmx loads it in place
    assert f'href="/events/{event_id}/register"' in page.text  # a plain link without JavaScript
    fragment = await citizen.get(f"/events/{event_id}/register", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section id="register"')
    assert "<html" not in fragment.text
    assert "Places left: 30 of 30" in fragment.text
    assert 'href="/privacy"' in fragment.text
    assert 'name="idempotency_key"' in fragment.text
    full = await citizen.get(f"/events/{event_id}/register")
    assert "<html" in full.text
    assert "Forumi për ujin e pijshëm" in full.text


async def test_register_goes_to_the_ticket_with_code_qr_and_status(
    citizen: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world)
    response = await register(citizen, event_id, phone="069 123 4567", gender="female")
    assert response.status_code == 303
    location = response.headers["location"]
    assert re.fullmatch(r"/r/[0-9a-f]{64}", location)
    [stored] = await registrations(db, event_id)
    assert stored.status == RegistrationStatus.confirmed
    assert stored.phone == "069 123 4567"
    assert stored.consent_at is not None
    ticket = await citizen.get(location)
    assert ticket.status_code == 200
    assert f'<p class="ticket-code">{stored.code}</p>' in ticket.text
    assert re.search(r'<svg role="img" aria-label="[^"]*' + stored.code, ticket.text)
    assert "style=" not in ticket.text
    assert "your place is confirmed" in ticket.text
    assert f'href="/events/{event_id}.ics"' in ticket.text
    assert f'href="{location}/cancel"' in ticket.text
    assert "Keep this link: it is your ticket." in ticket.text
    assert '<meta name="robots" content="noindex">' in ticket.text


async def test_the_qr_code_is_a_full_qr_code_a_phone_camera_reads() -> None:
    from app.qr import qr_svg

    svg = str(qr_svg("K7M-4QX", label="QR code of your code K7M-4QX"))
    assert svg.startswith('<svg role="img" aria-label=')
    assert 'viewBox="0 0 25 25"' in svg  # version 1 (21 modules) and a border of 2: not Micro QR


async def test_a_double_submit_gives_one_registration_and_the_same_ticket(
    citizen: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world)
    form = await open_form(citizen, event_id)
    first = await register(citizen, event_id, form)
    again = await register(citizen, event_id, form)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert len(await registrations(db, event_id)) == 1
    # a new form is a new registration
    other = await register(citizen, event_id, name="Blerina Kola")
    assert other.headers["location"] != first.headers["location"]
    assert len(await registrations(db, event_id)) == 2


async def test_a_full_event_says_waitlist_before_and_on_the_ticket(
    citizen: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world, capacity=1)
    await ticket_of(citizen, event_id)
    form = await citizen.get(f"/events/{event_id}/register")
    assert "The event is full: you will be on the waitlist." in form.text
    assert "Join the waitlist" in form.text
    second = await ticket_of(citizen, event_id, name="Blerina Kola")
    third = await ticket_of(citizen, event_id, name="Çlirim Doda")
    statuses = [r.status for r in await registrations(db, event_id)]
    assert statuses == [RegistrationStatus.confirmed, *[RegistrationStatus.waitlisted] * 2]
    assert "You are number 1 on the waitlist." in (await citizen.get(second)).text
    assert "You are number 2 on the waitlist." in (await citizen.get(third)).text


async def test_cancelling_from_the_ticket_promotes_the_first_waiting(
    citizen: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world, capacity=1)
    first = await ticket_of(citizen, event_id)
    waiting = await ticket_of(citizen, event_id, name="Blerina Kola")
    confirm = await citizen.get(f"{first}/cancel")
    assert confirm.status_code == 200
    assert f'action="{first}/cancel"' in confirm.text
    assert confirm.headers["cache-control"] == "no-store"
    response = await citizen.post(
        f"{first}/cancel", data={"csrf_token": hidden(confirm.text, "csrf_token")}
    )
    assert response.status_code == 303
    assert response.headers["location"] == first
    assert response.headers["cache-control"] == "no-store"
    cancelled = await citizen.get(first)
    assert "This registration is cancelled." in cancelled.text
    assert "ticket-code" not in cancelled.text
    assert "<svg role" not in cancelled.text
    assert f'href="{first}/cancel"' not in cancelled.text
    promoted = await citizen.get(waiting)
    assert "Good news: a place opened and you are now confirmed." in promoted.text
    statuses = [r.status for r in await registrations(db, event_id)]
    assert statuses == [RegistrationStatus.cancelled, RegistrationStatus.confirmed]
    # the confirmation page of a cancelled registration goes back to the ticket
    again = await citizen.get(f"{first}/cancel")
    assert again.status_code == 303
    assert again.headers["location"] == first


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"starts_at": utcnow() - HOUR}, "the event has already started"),
        ({"status": EventStatus.cancelled}, "the event has been cancelled"),
        ({"status": EventStatus.held, "starts_at": utcnow() - 3 * HOUR}, "Registration is closed"),
    ],
)
async def test_a_closed_registration_shows_no_form_and_refuses(
    citizen: Browser, world: World, db: Database, values: dict[str, Any], message: str
) -> None:
    event_id = await add_event(db, world, **values)
    page = await citizen.get(f"/events/{event_id}/register")
    assert page.status_code == 200
    assert message in page.text
    assert 'name="idempotency_key"' not in page.text
    token = hidden(page.text, "csrf_token")
    form = {"csrf_token": token, "idempotency_key": "k" * 32}
    response = await register(citizen, event_id, form)
    assert response.status_code == 409
    assert "Registration for this event is closed." in response.text
    assert await registrations(db, event_id) == []


async def test_a_full_waitlist_refuses(citizen: Browser, world: World, db: Database) -> None:
    event_id = await add_event(db, world, capacity=1, waitlist_capacity=0)
    form = await open_form(citizen, event_id)
    await ticket_of(citizen, event_id)
    page = await citizen.get(f"/events/{event_id}/register")
    assert "The event is full, and so is its waitlist." in page.text
    late = await register(citizen, event_id, form, name="Blerina Kola")
    assert late.status_code == 409
    assert "This event is full and its waitlist too." in late.text
    assert len(await registrations(db, event_id)) == 1


async def test_a_draft_event_is_not_found(citizen: Browser, world: World, db: Database) -> None:
    event_id = await add_event(db, world, status=EventStatus.draft)
    assert (await citizen.get(f"/events/{event_id}/register")).status_code == 404
    token = await citizen.csrf_token()
    form = {"csrf_token": token, "idempotency_key": "k" * 32}
    assert (await register(citizen, event_id, form)).status_code == 404
    assert (await register(citizen, 999_999, form)).status_code == 404


async def test_missing_consent_keeps_everything_typed(
    citizen: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world)
    form = await open_form(citizen, event_id)
    typed = {
        "name": "Arta Hoxha",
        "phone": "+355 69 123 4567",
        "email": "arta@example.org",
        "gender": "female",
        "age_group": "30_44",
    }
    response = await citizen.post(f"/events/{event_id}/register", data={**form, **typed})
    assert response.status_code == 400
    page = response.text
    consent = page[page.index('id="f-consent"') :]
    assert consent.index('id="f-consent-error"') < consent.index("</div>")  # next to the box
    assert "Please agree to the privacy notice to register." in consent
    assert 'aria-invalid="true" aria-describedby="f-consent-error"' in page
    for name in ("name", "phone", "email"):
        assert f'name="{name}" type="' in page
        assert f'value="{html.escape(typed[name])}"' in page
    assert '<option value="female" selected>' in page
    assert '<option value="30_44" selected>' in page
    assert hidden(page, "idempotency_key") == form["idempotency_key"]
    assert await registrations(db, event_id) == []
    # corrected, the same form (same key) registers once
    fixed = await citizen.post(
        f"/events/{event_id}/register", data={**form, **typed, "consent": "true"}
    )
    assert fixed.status_code == 303
    assert len(await registrations(db, event_id)) == 1


async def test_invalid_fields_are_named_and_the_name_is_required(
    citizen: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world)
    response = await register(citizen, event_id, name="", phone="call me", email="nope")
    assert response.status_code == 400
    assert re.search(r'id="f-name-error">This field is required\.', response.text)
    assert 'id="f-phone-error">Write a phone number' in response.text
    assert 'id="f-email-error">Write an e-mail address' in response.text
    assert 'value="call me"' in response.text


async def test_with_htmx_errors_swap_in_place_and_success_goes_to_the_ticket(
    citizen: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world)
    form = await open_form(citizen, event_id)
    headers = {"HX-Request": "true", "X-CSRF-Token": form["csrf_token"]}
    url = f"/events/{event_id}/register"
    data = {"idempotency_key": form["idempotency_key"], "name": "Arta Hoxha"}
    error = await citizen.post(url, data=data, headers=headers)
    assert error.status_code == 400
    assert error.text.lstrip().startswith('<section id="register"')
    done = await citizen.post(url, data={**data, "consent": "true"}, headers=headers)
    assert done.status_code == 204
    assert re.fullmatch(r"/r/[0-9a-f]{64}", done.headers["hx-redirect"])


async def test_html_in_the_name_is_shown_escaped(
    citizen: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world)
    name = '<script>alert("x")</script><b>Arta</b>'
    ticket = await citizen.get(await ticket_of(citizen, event_id, name=name))
    assert "<script>alert" not in ticket.text
    assert "<b>Arta" not in ticket.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;Arta&lt;/b&gt;" in ticket.text
    error = await register(citizen, event_id, name=name, consent="")
    assert "<script>alert" not in error.text
    assert 'value="&lt;script&gt;alert(&#34;x&#34;)' in error.text


async def test_an_albanian_name_round_trips(citizen: Browser, world: World, db: Database) -> None:
    event_id = await add_event(db, world)
    ticket = await citizen.get(await ticket_of(citizen, event_id, name="Çlirim Ëngjëlli"))
    assert "Çlirim Ëngjëlli" in ticket.text
    [stored] = await registrations(db, event_id)
    assert stored.name == "Çlirim Ëngjëlli"


async def test_ticket_pages_are_private_and_unknown_tokens_are_not_found(
    citizen: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world)
    location = await ticket_of(citizen, event_id)
    for path in (location, f"{location}/cancel", "/r/" + "0" * 64, "/r/nope/cancel"):
        response = await citizen.get(path)
        assert response.headers["cache-control"] == "no-store", path
        # the origin alone, never the path with the token (see app/private.py)
        assert response.headers["referrer-policy"] == "strict-origin", path
        assert response.headers["x-robots-tag"].startswith("noindex"), path
    assert (await citizen.get("/r/" + "0" * 64)).status_code == 404
    assert (await citizen.get("/r/" + "x" * 500)).status_code == 404
    assert (await citizen.get("/r/nope/cancel")).status_code == 404
    token = await citizen.csrf_token()
    response = await citizen.post("/r/nope/cancel", data={"csrf_token": token})
    assert response.status_code == 404
    assert response.headers["cache-control"] == "no-store"


async def test_personal_data_never_appears_on_public_pages(
    app, citizen: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world, capacity=10)
    await ticket_of(
        citizen,
        event_id,
        name="Vjollca Zeneli",
        phone="+355 69 765 4321",
        email="vjollca@example.org",
        gender="female",
        age_group="18_29",
    )
    async with Browser(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as stranger:
        for path in (
            f"/events/{event_id}",
            f"/events/{event_id}/register",
            "/events",
            "/",
            f"/events/{event_id}.ics",
            "/events.ics",
        ):
            page = await stranger.get(path)
            assert page.status_code == 200, path
            for secret in ("Vjollca", "765 4321", "vjollca@example.org"):
                assert secret not in page.text, (path, secret)
        english = {"Accept-Language": "en"}
        form = await stranger.get(f"/events/{event_id}/register", headers=english)
        assert "9 of 10" in form.text


async def test_the_privacy_notice_says_what_why_who_and_how_long(citizen: Browser) -> None:
    page = await citizen.get("/privacy")
    assert page.status_code == 200
    for heading in ("What we keep", "Why", "Who sees it", "For how long"):
        assert f"<h2>{heading}</h2>" in page.text
    assert "Only the member organization that organizes the event" in page.text


async def test_registrations_are_rate_limited_per_address(world: World, db: Database) -> None:
    settings = make_settings(db.settings.database_url, rate_limit_registration_ip="2/600")
    app = create_app(settings)
    await app.state.db.dispose()
    app.state.db = db
    event_id = await add_event(db, world)
    transport = httpx.ASGITransport(app=app)
    async with Browser(transport=transport, base_url="http://testserver") as browser:
        browser.cookies.set("pf_lang", "en")
        statuses = []
        for n in range(3):
            response = await register(browser, event_id, name=f"Person {n}")
            statuses.append(response.status_code)
        assert statuses == [303, 303, 429]
        assert int(response.headers["retry-after"]) > 0
        assert "Too many registrations from this network." in response.text
        assert 'value="Person 2"' in response.text  # what was typed is kept
    assert len(await registrations(db, event_id)) == 2


async def test_the_count_in_the_database_agrees(
    citizen: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world, capacity=2)
    for n in range(4):
        await ticket_of(citizen, event_id, name=f"Person {n}")
    async with db.read() as session:
        waiting = await session.scalar(
            select(func.count()).where(
                col(Registration.event_id) == event_id,
                col(Registration.status) == RegistrationStatus.waitlisted,
            )
        )
    assert waiting == 2
