"""Issue 14, what a first-time user tripped on (public pages and the CSV): the organizer's
contact, the registrations CSV, the question box, the /q/ wording, the municipalities list."""

import csv
import io
import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.db import Database
from app.models import EventStatus, Organization, utcnow
from app.models.attendance import RegistrationCreate
from app.models.questions import QuestionCreate
from app.services import attendance, checkins, questions
from tests.conftest import Browser, Stage
from tests.test_fixes_pages import make_event

# --- the organizer's contact -----------------------------------------------------------------


async def test_the_organizers_contact_is_on_the_event_page_the_ticket_and_the_privacy_notice(
    citizen: Browser, stage: Stage, db: Database, settings: Any
) -> None:
    async with db.write() as s:
        organization = await s.get(Organization, stage.world.organization.id)
        assert organization is not None
        organization.contact = "kontakt@csdc.example"
        other = await s.get(Organization, stage.world.other_organization.id)
        assert other is not None
        other.contact = "069 123 4567"
        await s.commit()
    event_id = await make_event(db, stage)
    page = (await citizen.get(f"/events/{event_id}")).text
    assert '<a href="mailto:kontakt@csdc.example">kontakt@csdc.example</a>' in page
    async with db.write() as s:
        ticket = await attendance.register(
            session=s,
            event_id=event_id,
            data=RegistrationCreate(name="Arta", consent=True),
            secret=settings.secret_key,
        )
        await s.commit()
    ticket_page = (await citizen.get(f"/r/{ticket.token}")).text
    assert "Contact the organizers" in ticket_page
    assert 'href="mailto:kontakt@csdc.example"' in ticket_page
    privacy = (await citizen.get("/privacy")).text
    assert "How to reach the organizers" in privacy
    assert 'href="mailto:kontakt@csdc.example"' in privacy
    assert '<a href="tel:0691234567">069 123 4567</a>' in privacy
    assert "Intelektualët e Rinj Shpresë" in privacy


# --- the registrations CSV -------------------------------------------------------------------


async def test_the_csv_speaks_albanian_in_tirana_time_to_the_minute(
    client: Browser, stage: Stage, db: Database, settings: Any
) -> None:
    event_id = await make_event(db, stage, starts_at=utcnow() + timedelta(hours=2))
    async with db.write() as s:
        ticket = await attendance.register(
            session=s,
            event_id=event_id,
            data=RegistrationCreate(
                name="Çlirim Ëngjëlli", gender="female", age_group="18_29", consent=True
            ),
            secret=settings.secret_key,
        )
        await s.commit()
        created = ticket.registration.created_at
    async with db.write() as s:
        await checkins.check_in(
            session=s, actor=stage.world.organizer, event_id=event_id, code=ticket.registration.code
        )
        await s.commit()
    await client.sign_in(stage.world.organizer.email)  # no language chosen: Albanian
    response = await client.get(f"/manage/events/{event_id}/registrations.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Kodi",
        "Emri",
        "Telefoni",
        "E-mail",
        "Gjinia",
        "Grupmosha",
        "Statusi",
        "Mënyra e regjistrimit",
        "Hyri më",
        "U regjistrua më",
    ]
    row = rows[1]
    assert row[1] == "Çlirim Ëngjëlli"
    assert row[4] not in ("female", "")  # a label, not the code
    assert row[5] == "18–29 vjeç"
    assert row[6] not in ("confirmed", "")
    assert row[7] not in ("online", "")

    local = created.astimezone(ZoneInfo("Europe/Tirane")).strftime("%Y-%m-%d %H:%M")
    assert row[9] == local  # Tirana time, to the minute: no seconds, no offset
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[8])

    client.cookies.set("pf_lang", "en")
    english = await client.get(f"/manage/events/{event_id}/registrations.csv")
    header = next(csv.reader(io.StringIO(english.content.decode("utf-8-sig"))))
    assert header[:2] == ["Code", "Name"]


# --- the question box, the /q/ page, the municipalities --------------------------------------


async def test_the_question_box_has_maxlength_and_a_progressive_count(
    citizen: Browser, stage: Stage, db: Database
) -> None:
    event_id = await make_event(db, stage)
    for path in (f"/events/{event_id}/questions", f"/events/{event_id}"):
        page = (await citizen.get(path)).text
        assert re.search(r'<textarea id="f-body" name="body"[^>]*maxlength="500"', page, re.S)
    page = (await citizen.get(f"/events/{event_id}/questions")).text
    assert 'data-chars-left="characters left"' in page
    assert '<script src="/static/charcount.js' in page
    assert "char-count" not in page  # the count itself is made by the script, only with JS
    script = await citizen.get("/static/charcount.js")
    assert script.status_code == 200
    assert "htmx:load" in script.text


async def test_the_question_page_does_not_contradict_itself(
    citizen: Browser, stage: Stage, db: Database
) -> None:
    event_id = await make_event(db, stage)
    async with db.write() as s:
        _question, token = await questions.ask(
            session=s,
            event_id=event_id,
            data=QuestionCreate(body="Pse nuk ka dritë?", author_name="Mira"),
            asker="b-1",
        )
        await s.commit()
    page = (await citizen.get(f"/q/{token}")).text
    assert "Shown publicly as:" in page
    assert "Mira" in page
    assert "does not say who asked" not in page
    assert "The public event page shows the question with the name written with it" in page


async def test_the_municipalities_list(citizen: Browser, stage: Stage, db: Database) -> None:
    await make_event(db, stage)
    await make_event(db, stage, title="I dyti")
    await make_event(db, stage, title="I kaluar", starts_at=utcnow() - timedelta(days=3))
    await make_event(db, stage, title="I anuluar", status=EventStatus.cancelled)
    page = await citizen.get("/municipalities")
    assert page.status_code == 200
    text = page.text
    assert (
        '<a href="/municipalities">Municipalities</a>' in text or 'href="/municipalities"' in text
    )
    assert '<a href="/municipalities/durres">Durrës</a>' in text
    assert '<a href="/municipalities/shkoder">Shkodër</a>' in text
    durres = text[text.index("/municipalities/durres") :]
    durres = durres[: durres.index("</li>")]
    assert "Qendra për Zhvillimin e Shoqërisë Civile" in durres
    assert "2 upcoming events" in durres  # not the past one, not the cancelled one
    shkoder = text[text.index("/municipalities/shkoder") :]
    assert "No upcoming events" in shkoder[: shkoder.index("</li>")]
    assert text.index("Durrës") < text.index("Shkodër")  # Albanian alphabetical order
    nav = (await citizen.get("/events")).text
    assert 'href="/municipalities"' in nav
