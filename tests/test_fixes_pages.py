"""Issue 14, what a first-time user tripped on (pages): the dashboard's "needs doing", clearing
the projector, questions only to confirmed candidates (the public pages' fixes are in
tests/test_fixes_public.py)."""

import re
from datetime import timedelta
from typing import Any

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
    Question,
    QuestionStatus,
    utcnow,
)
from app.models.questions import QuestionCreate
from app.services import questions
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
