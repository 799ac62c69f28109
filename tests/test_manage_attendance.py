"""Organizer side of attendance: the registrations list and CSV, the check-in desk, walk-ins,
live counts, the closing report's figures, and purging personal data."""

import asyncio
import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.models import (
    AgeGroup,
    Event,
    EventKind,
    EventStatus,
    Gender,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    utcnow,
)
from app.models.attendance import RegistrationCreate
from app.services import attendance, checkins, registrants
from tests.conftest import TEST_SECRET, Browser, World

HTMX = {"HX-Request": "true"}


async def make_event(
    db,  # type: ignore[no-untyped-def]
    world: World,
    *,
    starts_in: timedelta = timedelta(days=7),
    capacity: int | None = None,
    waitlist: int | None = None,
    title: str = "Forum publik: uji në Durrës",
) -> int:
    start = utcnow().replace(microsecond=0) + starts_in
    async with db.write() as s:
        event = Event(
            kind=EventKind.forum,
            title=title,
            municipality_id=world.municipality.id,
            organization_id=world.organization.id,
            venue="Salla e Këshillit Bashkiak",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=capacity,
            waitlist_capacity=waitlist,
            status=EventStatus.scheduled,
        )
        s.add(event)
        await s.commit()
    return event.id or 0


async def register(  # type: ignore[no-untyped-def]
    db, event_id: int, name: str, *, now: datetime | None = None, **fields: object
) -> Registration:
    async with db.write() as s:
        ticket = await attendance.register(
            session=s,
            event_id=event_id,
            data=RegistrationCreate(name=name, consent=True, **fields),  # type: ignore[arg-type]
            secret=TEST_SECRET,
            now=now,
        )
        await s.commit()
    return ticket.registration


async def signed_in(client: Browser, email: str) -> Browser:
    client.cookies.set("pf_lang", "en")  # the assertions read the English text
    await client.sign_in(email)
    return client


async def post(client: Browser, path: str, data: dict[str, str] | None = None, **headers: str):  # type: ignore[no-untyped-def]
    token = await client.csrf_token()
    return await client.post(path, data={"csrf_token": token, **(data or {})}, headers=headers)


def count_of(html: str, term: str) -> str:
    match = re.search(rf"<dt>{term}</dt>\s*<dd>(.*?)</dd>", html, re.S)
    assert match, f"no count {term!r} in {html}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


async def test_registrations_are_only_for_the_organizing_organization_and_admins(
    client: Browser, world: World, db, app
) -> None:
    import httpx

    event_id = await make_event(db, world)
    await register(db, event_id, "Çlirim Ëngjëlli", phone="+355 69 123 4567")
    base = f"/manage/events/{event_id}"
    pages = [
        f"{base}/registrations",
        f"{base}/registrations.csv",
        f"{base}/checkin",
        f"{base}/counts",
    ]

    await signed_in(client, world.other_organizer.email)
    for path in pages:
        response = await client.get(path)
        assert response.status_code == 403, path
        assert "Ëngjëlli" not in response.text
        assert "123 4567" not in response.text
    for path in (f"{base}/checkin", f"{base}/walk-in"):  # an empty POST: refused before input
        assert (await post(client, path)).status_code == 403, path
    # the event page is open to every organizer, but not its attendance card
    event_page = await client.get(base)
    assert event_page.status_code == 200
    assert f"{base}/registrations" not in event_page.text

    transport = httpx.ASGITransport(app=app)
    for email in (world.organizer.email, world.admin.email):
        async with Browser(transport=transport, base_url="http://testserver") as browser:
            await signed_in(browser, email)
            listing = await browser.get(f"{base}/registrations")
            assert listing.status_code == 200
            assert "Çlirim Ëngjëlli" in listing.text
            assert "+355 69 123 4567" in listing.text
            assert "no-store" in listing.headers["cache-control"]
            assert f"{base}/registrations" in (await browser.get(base)).text
            for path in pages:
                assert (await browser.get(path)).status_code == 200, path

    async with Browser(transport=transport, base_url="http://testserver") as anonymous:
        response = await anonymous.get(f"{base}/registrations")
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


async def test_the_list_searches_by_name_and_code_and_filters_by_status(
    client: Browser, world: World, db
) -> None:
    event_id = await make_event(db, world, capacity=1)
    first = await register(db, event_id, "Çlirim Ëngjëlli", gender="male")
    await register(db, event_id, "Mimoza Hoxha", email="mimoza@example.org")  # waitlisted
    await signed_in(client, world.organizer.email)
    path = f"/manage/events/{event_id}/registrations"

    by_name = await client.get(path, params={"q": "ngjëll"})
    assert "Çlirim Ëngjëlli" in by_name.text
    assert "Mimoza Hoxha" not in by_name.text
    by_code = await client.get(path, params={"q": first.code.lower()})
    assert "Çlirim Ëngjëlli" in by_code.text
    assert "Mimoza Hoxha" not in by_code.text
    by_mail = await client.get(path, params={"q": "mimoza@"})
    assert "Mimoza Hoxha" in by_mail.text
    assert "Çlirim" not in by_mail.text
    waitlist = await client.get(path, params={"status": "waitlisted"})
    assert "Mimoza Hoxha" in waitlist.text
    assert "Çlirim" not in waitlist.text
    assert re.search(r'href="[^"]*status=waitlisted"\s+aria-current="page"', waitlist.text)
    all_rows = await client.get(path)
    assert "Male" in all_rows.text
    assert "On the waitlist" in all_rows.text
    assert first.code in all_rows.text

    # htmx asks for the results only; the search field stays where the person types
    fragment = await client.get(path, params={"q": "Mimoza"}, headers=HTMX)
    assert "<html" not in fragment.text
    assert 'id="registration-q"' not in fragment.text
    assert "Mimoza Hoxha" in fragment.text
    assert "HX-Request" in fragment.headers["vary"]
    none = await client.get(path, params={"q": "askush"})
    assert "No registrations match." in none.text


async def test_search_ignores_the_case_of_albanian_letters(
    client: Browser, world: World, db
) -> None:
    event_id = await make_event(db, world)
    await register(db, event_id, "Çlirim Ëngjëlli")
    await signed_in(client, world.organizer.email)
    found = await client.get(
        f"/manage/events/{event_id}/registrations", params={"q": "çlirim ëngjë"}
    )
    assert "Çlirim Ëngjëlli" in found.text


async def test_the_csv_opens_in_excel_with_albanian_letters_and_no_formulas(
    client: Browser, world: World, db
) -> None:
    event_id = await make_event(db, world)
    await register(db, event_id, "Çlirim Ëngjëlli", age_group="18_29")
    await register(db, event_id, '=HYPERLINK("http://evil.example","kliko")')
    await signed_in(client, world.organizer.email)

    response = await client.get(f"/manage/events/{event_id}/registrations.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["content-disposition"]
        == f'attachment; filename="registrations-{event_id}.csv"'
    )
    assert "no-store" in response.headers["cache-control"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # headers in the exporter's language, here English (issue 14; tests/test_fixes_pages.py
    # checks the Albanian default, the labels and the times)
    assert rows[0][:4] == ["Code", "Name", "Phone", "E-mail"]
    assert len(rows[0]) == len(registrants.CSV_COLUMNS)
    names = [row[1] for row in rows[1:]]
    assert "Çlirim Ëngjëlli" in names
    assert '\'=HYPERLINK("http://evil.example","kliko")' in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


async def test_check_in_by_code_then_twice_then_unknown_and_cancelled(
    client: Browser, world: World, db
) -> None:
    event_id = await make_event(db, world, starts_in=timedelta(hours=2))  # not "too early"
    ana = await register(db, event_id, "Ana Çela")
    gone = await register(db, event_id, "Besa Gjoka")
    async with db.write() as s:
        await attendance.cancel(session=s, registration=await s.get(Registration, gone.id))
        await s.commit()
    await signed_in(client, world.organizer.email)
    desk = f"/manage/events/{event_id}/checkin"

    page = await client.get(desk)
    assert page.status_code == 200
    assert re.search(r'<input id="desk-code"[^>]*autocapitalize="characters"', page.text, re.S)
    assert 'autocomplete="off"' in page.text
    assert 'inputmode="text"' in page.text
    assert '<script src="/static/checkin.js' in page.text
    assert " defer>" in page.text
    assert "<script>" not in page.text
    assert "style=" not in page.text

    typed = ana.code.replace("-", "").lower()  # what a hurried volunteer types
    first = await post(client, desk, {"code": typed})
    assert first.status_code == 200
    assert "Checked in" in first.text
    assert "Ana Çela" in first.text
    assert 'data-outcome="checked_in"' in first.text
    async with db.read() as s:
        stored = await s.get(Registration, ana.id)
        assert stored is not None
        assert stored.checked_in_at is not None
        at = stored.checked_in_at

    again = await post(client, desk, {"code": ana.code.lower()})
    local = at.astimezone(ZoneInfo("Europe/Tirane")).strftime("%H:%M")
    assert f"Already checked in at {local}" in again.text
    assert "Ana Çela" in again.text

    unknown = await post(client, desk, {"code": "XXX-XXX"})
    assert "No registration with this code" in unknown.text
    assert 'data-outcome="unknown"' in unknown.text
    assert 'value="XXX-XXX"' in unknown.text  # kept, to correct a typo

    cancelled = await post(client, desk, {"code": gone.code})
    assert "This registration was cancelled." in cancelled.text

    empty = await post(client, desk, {"code": " "})
    assert empty.status_code == 400

    # with htmx: only the result box, and the counts out of band
    fragment = await post(client, desk, {"code": ana.code}, **HTMX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert 'id="checkin-form"' not in fragment.text
    assert "Already checked in" in fragment.text
    assert 'id="attendance-counts"' in fragment.text
    assert 'hx-swap-oob="true"' in fragment.text
    assert count_of(fragment.text, "Checked in") == "1"


async def test_a_walk_in_is_registered_and_checked_in_in_one_step(
    client: Browser, world: World, db
) -> None:
    event_id = await make_event(db, world)
    await signed_in(client, world.organizer.email)
    base = f"/manage/events/{event_id}"

    refused = await post(client, f"{base}/walk-in", {"gender": "female"})
    assert refused.status_code == 400
    assert re.search(r'id="f-name"[^>]*aria-invalid="true"', refused.text)
    assert re.search(r'<details class="card desk-walk-in" id="walk-in" open>', refused.text)

    response = await post(
        client,
        f"{base}/walk-in",
        {"name": "Dritan Ëndeni", "gender": "male", "age_group": "65_plus", "consent": "true"},
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"{base}/checkin?walk_in=")
    shown = await client.get(response.headers["location"])
    assert "Walk-in registered and checked in" in shown.text
    assert "Dritan Ëndeni" in shown.text

    fragment = await post(client, f"{base}/walk-in", {"name": "Elira Kola"}, **HTMX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert 'id="walk-in-form"' in fragment.text
    assert 'hx-swap-oob="innerHTML"' in fragment.text
    assert "Elira Kola" in fragment.text
    assert count_of(fragment.text, "Checked in") == "2"

    async with db.read() as s:
        rows = (await s.execute(select(Registration).order_by(Registration.id))).scalars().all()  # type: ignore[arg-type]
    assert [r.name for r in rows] == ["Dritan Ëndeni", "Elira Kola"]
    assert all(r.source == RegistrationSource.walk_in for r in rows)
    assert all(r.checked_in_at is not None for r in rows)
    assert all(r.status == RegistrationStatus.confirmed for r in rows)
    assert rows[0].gender == Gender.male
    assert rows[0].age_group == AgeGroup.age_65_plus
    assert rows[0].consent_at is not None
    assert rows[1].consent_at is None
    listing = await client.get(f"{base}/registrations", params={"status": "checked_in"})
    assert "Dritan Ëndeni" in listing.text
    assert "Walk-in" in listing.text


async def test_the_counts_fragment_matches_the_database(client: Browser, world: World, db) -> None:
    event_id = await make_event(db, world, capacity=2)
    people = [await register(db, event_id, f"Qytetar/e {n}") for n in range(3)]
    async with db.write() as s:
        await checkins.check_in(
            session=s, actor=world.organizer, event_id=event_id, code=people[0].code
        )
        await s.commit()
    await signed_in(client, world.organizer.email)

    response = await client.get(f"/manage/events/{event_id}/counts")
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<body" not in response.text
    assert 'hx-trigger="every 5s"' in response.text
    assert f'hx-get="/manage/events/{event_id}/counts"' in response.text
    async with db.read() as s:
        counts = await attendance.counts(session=s, event_id=event_id)
    assert (counts.confirmed, counts.waitlisted, counts.checked_in) == (2, 1, 1)
    assert count_of(response.text, "Registered") == str(counts.confirmed)
    assert count_of(response.text, "Waitlist") == str(counts.waitlisted)
    assert count_of(response.text, "Checked in") == str(counts.checked_in)
    assert count_of(response.text, "Places") == "2"
    # the same numbers on the desk and on the event page
    for path in (f"/manage/events/{event_id}/checkin", f"/manage/events/{event_id}"):
        page = await client.get(path)
        assert count_of(page.text, "Waitlist") == "1"
        assert count_of(page.text, "Checked in") == "1"


async def test_the_closing_report_is_prefilled_with_who_came(
    client: Browser, world: World, db
) -> None:
    event_id = await make_event(db, world, starts_in=timedelta(hours=-1))
    before = utcnow() - timedelta(hours=3)
    people = [
        await register(db, event_id, "Ana", now=before, gender="female", age_group="18_29"),
        await register(db, event_id, "Besi", now=before, gender="male", age_group="18_29"),
        await register(db, event_id, "Cima", now=before),
        await register(db, event_id, "Dea", now=before, gender="female"),
    ]
    async with db.write() as s:
        for person in people[:3]:
            await checkins.check_in(
                session=s, actor=world.organizer, event_id=event_id, code=person.code
            )
        await s.commit()
    await signed_in(client, world.organizer.email)

    page = await client.get(f"/manage/events/{event_id}")
    assert re.search(
        r'id="f-report_attendees" name="report_attendees" type="number" value="3"', page.text
    )
    assert "3 people checked in at the door" in page.text
    assert "Female: <strong>1</strong>" in page.text
    assert "Male: <strong>1</strong>" in page.text
    assert "Not given: <strong>1</strong>" in page.text
    assert "18–29: <strong>2</strong>" in page.text

    # once the report has its number, that number stays
    saved = await post(
        client,
        f"/manage/events/{event_id}/status",
        {"status": "held", "report_attendees": "40", "report_summary": "Shumë pyetje."},
    )
    assert saved.status_code == 303
    page = await client.get(f"/manage/events/{event_id}")
    assert 'name="report_attendees" type="number" value="40"' in page.text


async def test_purge_personal_data_blanks_old_events_only(
    world: World, db, database_url: str, monkeypatch
) -> None:
    now = utcnow()
    old = await make_event(db, world, starts_in=timedelta(days=-40), title="I vjetër")
    recent = await make_event(db, world, starts_in=timedelta(days=-10), title="I ri")
    for event_id, days in ((old, 41), (recent, 11)):
        then = now - timedelta(days=days)
        came = await register(
            db, event_id, "Çlirim Ëngjëlli", now=then, phone="+355691234567", gender="male"
        )
        await register(db, event_id, "Mimoza Hoxha", now=then, email="m@example.org")
        async with db.write() as s:
            await checkins.check_in(
                session=s, actor=world.organizer, event_id=event_id, code=came.code
            )
            await s.commit()
    async with db.read() as s:
        before = await attendance.counts(session=s, event_id=old)

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("ENVIRONMENT", "test")
    get_settings.cache_clear()
    try:
        # the command runs its own event loop: in a thread, beside the test's
        result = await asyncio.to_thread(
            CliRunner().invoke, cli, ["purge-personal-data", "--older-than", "30"]
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "Blanked the names and contacts of 2 registrations" in result.output

    async with db.read() as s:
        rows = (await s.execute(select(Registration))).scalars().all()
        after = await attendance.counts(session=s, event_id=old)
        figures = await attendance.attendance_figures(session=s, event_id=old)
    by_event = {e: [r for r in rows if r.event_id == e] for e in (old, recent)}
    assert all(r.name == "" and r.phone is None and r.email is None for r in by_event[old])
    assert sorted(r.name for r in by_event[recent]) == ["Mimoza Hoxha", "Çlirim Ëngjëlli"]
    assert any(r.phone for r in by_event[recent])
    assert any(r.email for r in by_event[recent])
    assert after == before
    assert figures.checked_in == 1
    assert figures.by_gender == {"male": 1}

    help_text = CliRunner().invoke(cli, ["purge-personal-data", "--help"])
    assert "--older-than" in help_text.output
    assert "DAYS" in help_text.output
