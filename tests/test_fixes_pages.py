"""Issue 14, what a first-time user tripped on (pages): the dashboard's "needs doing", clearing
the projector, questions only to confirmed candidates, the organizer's contact, the CSV, the
question box, the /q/ wording, the municipalities list."""

import csv
import io
import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.db import Database
from app.models import (
    Commitment,
    Confirmation,
    Event,
    EventCandidate,
    EventKind,
    EventStatus,
    InvitationStatus,
    Organization,
    Question,
    QuestionStatus,
    utcnow,
)
from app.models.attendance import RegistrationCreate
from app.models.questions import QuestionCreate
from app.services import attendance, checkins, questions
from app.services.errors import InvalidInput
from tests.conftest import Browser, Stage, api_token_for
from tests.test_manage_events import post


async def make_event(db: Database, stage: Stage, **values: Any) -> int:
    """A forum next week: Anila confirmed, Besa only invited."""
    start = values.pop("starts_at", utcnow() + timedelta(days=7))
    fields: dict[str, Any] = {
        "kind": EventKind.forum,
        "title": "Forumi për ujin",
        "municipality_id": stage.world.municipality.id,
        "organization_id": stage.world.organization.id,
        "venue": "Salla e Këshillit",
        "status": EventStatus.scheduled,
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        **values,
    }
    async with db.write() as s:
        event = Event(**fields)
        s.add(event)
        await s.flush()
        s.add_all(
            [
                EventCandidate(
                    event_id=event.id,
                    candidate_id=stage.anila.id,
                    status=InvitationStatus.confirmed,
                ),
                EventCandidate(event_id=event.id, candidate_id=stage.besa.id),
            ]
        )
        await s.commit()
    return event.id or 0


async def ask(db: Database, event_id: int, body: str, **extra: Any) -> int:
    async with db.write() as s:
        question, _token = await questions.ask(
            session=s, event_id=event_id, data=QuestionCreate(body=body, **extra), asker="b-1"
        )
        await s.commit()
    return question.id or 0


async def signed_in(client: Browser, stage: Stage) -> Browser:
    client.cookies.set("pf_lang", "en")
    await client.sign_in(stage.world.organizer.email)
    return client


# --- the dashboard ---------------------------------------------------------------------------


async def test_the_dashboard_lists_questions_invitations_and_disputes_to_deal_with(
    client: Browser, stage: Stage, db: Database
) -> None:
    event_id = await make_event(db, stage)
    await ask(db, event_id, "Kur do të ketë ujë 24 orë?")
    await ask(db, event_id, "Po kanalizimet?")
    published = await ask(db, event_id, "Pyetje e miratuar")
    async with db.write() as s:
        question = await s.get(Question, published)
        assert question is not None
        question.status = QuestionStatus.approved
        s.add(
            Commitment(
                event_id=event_id,
                candidate_id=stage.anila.id or 0,
                text="Ujë 24 orë në ditë brenda 2031",
                confirmation=Confirmation.disputed,
                candidate_comment="Nuk e thashë kështu.",
            )
        )
        await s.commit()
    other = await make_event(
        db, stage, title="Forumi i tjetrës", organization_id=stage.world.other_organization.id
    )
    await ask(db, other, "Pyetje e një organizate tjetër")

    page = (await (await signed_in(client, stage)).get("/manage")).text
    waiting = page[page.index('id="waiting-questions"') : page.index('id="open-invitations"')]
    assert f'href="/manage/events/{event_id}/questions"' in waiting
    assert "2 waiting" in waiting
    assert "Forumi i tjetrës" not in waiting  # another organization's
    invitations = page[page.index('id="open-invitations"') : page.index('id="disputes"')]
    assert "Besa Çuni" in invitations  # invited, no answer
    assert "Anila Toska" not in invitations  # confirmed
    assert f'href="/manage/events/{event_id}#candidates"' in invitations
    disputes = page[page.index('id="disputes"') :]
    assert "Ujë 24 orë në ditë brenda 2031" in disputes
    assert "/dispute" in disputes


async def test_the_dashboard_says_when_nothing_waits(client: Browser, stage: Stage) -> None:
    page = (await (await signed_in(client, stage)).get("/manage")).text
    assert "No question is waiting for moderation." in page
    assert "Every candidate invited to an upcoming event has answered." in page


# --- the projector ---------------------------------------------------------------------------


async def test_the_projector_can_be_cleared(
    client: Browser, neighbour: Browser, stage: Stage, db: Database
) -> None:
    event_id = await make_event(db, stage)
    question_id = await ask(db, event_id, "Pyetja në ekran")
    organizer = await signed_in(client, stage)
    shown = await post(organizer, f"/manage/questions/{question_id}/screen", {})
    assert shown.status_code == 303
    live = await neighbour.get(f"/events/{event_id}/screen/live")
    version = re.search(r'data-version="([^"]+)"', live.text)
    assert version
    assert "Pyetja në ekran" in live.text

    page = (await organizer.get(f"/manage/events/{event_id}/questions")).text
    assert f'action="/manage/events/{event_id}/screen/clear"' in page
    assert "Remove from screen" in page
    cleared = await post(organizer, f"/manage/events/{event_id}/screen/clear", {})
    assert cleared.status_code == 303
    # the screen's next poll gets the change: the idle state, the question gone from it
    after = await neighbour.get(f"/events/{event_id}/screen/live?v={version.group(1)}")
    assert after.status_code == 200
    current = after.text[after.text.index("screen-current") : after.text.index("</section>")]
    assert "Pyetja në ekran" not in current
    assert "screen-waiting" in current
    async with db.read() as s:
        assert await questions.on_screen(session=s, event_id=event_id) is None
        question = await s.get(Question, question_id)
        assert question is not None
        assert question.status == QuestionStatus.approved  # still published, only off screen
    page = (await organizer.get(f"/manage/events/{event_id}/questions")).text
    assert "screen/clear" not in page  # nothing on screen: nothing to remove


async def test_clearing_the_screen_is_for_the_events_organizers_only(
    app, stage: Stage, db: Database
) -> None:  # type: ignore[no-untyped-def]
    import httpx

    event_id = await make_event(db, stage)
    async with Browser(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as other:
        await other.sign_in(stage.world.other_organizer.email)
        refused = await post(other, f"/manage/events/{event_id}/screen/clear", {})
        assert refused.status_code == 403


# --- only confirmed candidates are asked and credited ----------------------------------------


async def test_questions_go_only_to_confirmed_candidates(
    citizen: Browser, stage: Stage, db: Database
) -> None:
    event_id = await make_event(db, stage)
    section = (await citizen.get(f"/events/{event_id}/questions")).text
    choices = section[section.index('name="csrf_token"') :]
    assert f'name="candidate_ids" value="{stage.anila.id}"' in choices
    assert f'name="candidate_ids" value="{stage.besa.id}"' not in choices  # only invited
    ask_to_besa = await ask_with_form(citizen, event_id, [stage.besa.id or 0])
    assert ask_to_besa.status_code == 400
    assert "Choose candidates who confirmed they take part." in ask_to_besa.text
    ask_to_anila = await ask_with_form(citizen, event_id, [stage.anila.id or 0])
    assert ask_to_anila.status_code == 303

    # the API, the same rule
    refused = await citizen.post(
        f"/api/v1/events/{event_id}/questions",
        json={"body": "Pyetje për Besën", "candidate_ids": [stage.besa.id]},
        headers={"X-CSRF-Token": await citizen.csrf_token()},
    )
    assert refused.status_code == 422
    assert "candidate_ids" in refused.text


async def ask_with_form(browser: Browser, event_id: int, candidate_ids: list[int]) -> Any:
    token = await browser.csrf_token(f"/events/{event_id}/questions")
    return await browser.post(
        f"/events/{event_id}/questions",
        data={
            "csrf_token": token,
            "body": "Kur rregullohet rruga?",
            "candidate_ids": [str(c) for c in candidate_ids],
        },
    )


async def test_answers_are_credited_only_to_confirmed_candidates(
    client: Browser, stage: Stage, db: Database
) -> None:
    event_id = await make_event(db, stage)
    question_id = await ask(db, event_id, "Pyetje për të dyja")
    organizer = await signed_in(client, stage)
    page = (await organizer.get(f"/manage/events/{event_id}/questions")).text
    card = page[page.index(f'id="q-{question_id}"') :]
    assert f'name="answered_by_ids" value="{stage.anila.id}"' in card
    assert f'name="answered_by_ids" value="{stage.besa.id}"' not in card
    refused = await post(
        organizer,
        f"/manage/questions/{question_id}/answer",
        {"answered_by_ids": str(stage.besa.id)},
    )
    assert refused.status_code == 400
    assert "Choose candidates who confirmed they take part." in refused.text
    done = await post(
        organizer,
        f"/manage/questions/{question_id}/answer",
        {"answered_by_ids": str(stage.anila.id)},
    )
    assert done.status_code == 303

    headers = {"Authorization": f"Bearer {await api_token_for(db, stage.world.organizer)}"}
    api = await client.patch(
        f"/api/v1/questions/{question_id}",
        json={"answered_by_ids": [stage.besa.id]},
        headers=headers,
    )
    assert api.status_code == 422
    # once Besa confirms, she can be credited
    async with db.write() as s:
        link = await s.get(EventCandidate, (event_id, stage.besa.id))
        assert link is not None
        link.status = InvitationStatus.attended
        await s.commit()
    api = await client.patch(
        f"/api/v1/questions/{question_id}",
        json={"answered_by_ids": [stage.anila.id, stage.besa.id]},
        headers=headers,
    )
    assert api.status_code == 200, api.text


async def test_the_service_refuses_a_declined_candidate(stage: Stage, db: Database) -> None:
    event_id = await make_event(db, stage)
    async with db.write() as s:
        link = await s.get(EventCandidate, (event_id, stage.anila.id))
        assert link is not None
        link.status = InvitationStatus.declined
        await s.commit()
    async with db.write() as s:
        with pytest.raises(InvalidInput) as refused:
            await questions.ask(
                session=s,
                event_id=event_id,
                data=QuestionCreate(body="?", candidate_ids=[stage.anila.id or 0]),
                asker=None,
            )
    assert "candidate_ids" in refused.value.errors


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
