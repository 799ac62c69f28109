"""The organizer's commitment pages: the box on the moderation page (htmx and plain form), and
the Commitments card of the event page with edit, correction and delete."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db import Database
from app.models import (
    Commitment,
    Confirmation,
    EventCandidate,
    InvitationStatus,
    Question,
    QuestionStatus,
    Topic,
    utcnow,
)
from tests.conftest import Browser, Stage
from tests.test_moderation_pages import make_event

HTMX = {"HX-Request": "true"}


@pytest.fixture
async def organizer(client: Browser, stage: Stage) -> Browser:
    client.cookies.set("pf_lang", "en")
    await client.sign_in(stage.world.organizer.email)
    return client


@pytest.fixture
async def live(db: Database, stage: Stage) -> tuple[int, int]:
    """A forum under way (Besa declined), with an approved question on the screen: ids."""
    start = utcnow() - timedelta(minutes=20)
    event_id = await make_event(db, stage, starts_at=start, ends_at=start + timedelta(hours=2))
    async with db.write() as s:
        water = await s.scalar(select(Topic).where(Topic.slug == "water"))  # type: ignore[arg-type]
        assert water is not None
        invitation = await s.get(EventCandidate, (event_id, stage.besa.id))
        assert invitation is not None
        invitation.status = InvitationStatus.declined
        question = Question(
            event_id=event_id,
            body="Kur do të kemi ujë 24 orë?",
            status=QuestionStatus.approved,
            topic_id=water.id,
            on_screen_at=utcnow(),
        )
        s.add(question)
        await s.commit()
    return event_id, question.id or 0


async def test_the_box_offers_the_present_candidates_and_the_question_on_screen(
    organizer: Browser, stage: Stage, live: tuple[int, int]
) -> None:
    event_id, question_id = live
    page = await organizer.get(f"/manage/events/{event_id}/questions")
    assert page.status_code == 200
    box = page.text[page.text.index('id="commitment-box"') :]
    assert "Record a commitment" in box
    assert re.search(r'<textarea id="cm-text"[^>]*autofocus', box)
    assert f'name="candidate_id" value="{stage.anila.id}"' in box
    assert f'name="candidate_id" value="{stage.besa.id}"' not in box  # declined
    assert re.search(rf'<option value="{question_id}"[^>]*selected', box)


async def test_htmx_saves_and_answers_the_box_alone_keeping_candidate_and_question(
    organizer: Browser, db: Database, stage: Stage, live: tuple[int, int]
) -> None:
    event_id, question_id = live
    token = await organizer.csrf_token(f"/manage/events/{event_id}/questions")
    text = "Brenda dy vitesh çdo lagje do të ketë ujë 24 orë."
    answer = await organizer.post(
        f"/manage/events/{event_id}/commitments",
        data={
            "csrf_token": token,
            "candidate_id": str(stage.anila.id),
            "text": text,
            "question_id": str(question_id),
            "topic_id": "",
            "target": "24 orë ujë në 100% të lagjeve",
            "deadline": "2032-06-30",
        },
        headers=HTMX,
    )
    assert answer.status_code == 200, answer.text
    assert answer.text.lstrip().startswith('<section class="commit-box" id="commitment-box"')
    assert 'id="queue"' not in answer.text  # the queue is left alone
    assert "Saved." in answer.text
    assert text in answer.text  # in the list of those just recorded
    textarea = re.search(r'<textarea id="cm-text"[^>]*>([^<]*)</textarea>', answer.text)
    assert textarea is not None
    assert textarea.group(1) == ""  # ready for the next one
    assert re.search(rf'value="{stage.anila.id}" required\s+checked', answer.text)
    async with db.read() as s:
        saved = await s.scalar(select(Commitment))
        water = await s.scalar(select(Topic).where(Topic.slug == "water"))  # type: ignore[arg-type]
    assert saved is not None
    assert saved.question_id == question_id
    assert water is not None
    assert saved.topic_id == water.id  # the question's topic
    assert saved.deadline is not None


async def test_plain_form_redirects_and_errors_keep_what_was_typed(
    organizer: Browser, db: Database, stage: Stage, live: tuple[int, int]
) -> None:
    event_id, _question_id = live
    token = await organizer.csrf_token(f"/manage/events/{event_id}/questions")
    text = "Do të hap një çerdhe në lagjen 11 Nëntori."
    refused = await organizer.post(
        f"/manage/events/{event_id}/commitments",
        data={"csrf_token": token, "candidate_id": str(stage.besa.id), "text": text},
    )
    assert refused.status_code == 422
    assert 'id="queue"' in refused.text  # the whole page, without JavaScript
    assert "declined the invitation" in refused.text
    assert text in refused.text
    missing = await organizer.post(
        f"/manage/events/{event_id}/commitments",
        data={"csrf_token": token, "candidate_id": str(stage.anila.id), "text": ""},
        headers=HTMX,
    )
    assert missing.status_code == 422
    assert 'id="cm-text-error"' in missing.text
    done = await organizer.post(
        f"/manage/events/{event_id}/commitments",
        data={"csrf_token": token, "candidate_id": str(stage.anila.id), "text": text},
    )
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"/manage/events/{event_id}/questions?saved=")
    page = await organizer.get(done.headers["location"])
    assert "Saved." in page.text


async def test_the_event_card_edits_corrects_and_deletes(
    organizer: Browser, db: Database, stage: Stage, live: tuple[int, int]
) -> None:
    event_id, _question_id = live
    async with db.write() as s:
        first = Commitment(event_id=event_id, candidate_id=stage.anila.id, text="Teksti i parë.")
        answered = Commitment(
            event_id=event_id,
            candidate_id=stage.anila.id,
            text="Do të ndërtoj dy shkolla.",
            confirmation=Confirmation.confirmed,
            candidate_answered_at=utcnow(),
        )
        s.add_all([first, answered])
        await s.commit()
    card = await organizer.get(f"/manage/events/{event_id}")
    assert 'id="commitments"' in card.text
    assert "Teksti i parë." in card.text
    assert f"/manage/commitments/{first.id}/delete" in card.text
    assert f"/manage/commitments/{answered.id}/delete" not in card.text  # confirmed: no delete
    token = await organizer.csrf_token(f"/manage/events/{event_id}")

    no_reason = await organizer.post(
        f"/manage/commitments/{answered.id}",
        data={"csrf_token": token, "text": "Do të ndërtoj një shkollë."},
    )
    assert no_reason.status_code == 422
    assert "say why" in no_reason.text
    assert "Do të ndërtoj një shkollë." in no_reason.text  # kept
    corrected = await organizer.post(
        f"/manage/commitments/{answered.id}",
        data={
            "csrf_token": token,
            "text": "Do të ndërtoj një shkollë.",
            "reason": "Gabim shtypi: tha një, jo dy.",
        },
    )
    assert corrected.status_code == 303
    edit = await organizer.get(f"/manage/commitments/{answered.id}/edit")
    assert "Do të ndërtoj dy shkolla." in edit.text  # the recorded text, in the history
    assert "Gabim shtypi" in edit.text
    async with db.read() as s:
        fresh = await s.get(Commitment, answered.id)
    assert fresh is not None
    assert fresh.confirmation == Confirmation.recorded

    deleted = await organizer.post(
        f"/manage/commitments/{first.id}/delete", data={"csrf_token": token}
    )
    assert deleted.status_code == 303
    async with db.read() as s:
        assert await s.get(Commitment, first.id) is None


async def test_another_organization_gets_403(
    client: Browser, db: Database, stage: Stage, live: tuple[int, int]
) -> None:
    event_id, _question_id = live
    async with db.write() as s:
        made = Commitment(event_id=event_id, candidate_id=stage.anila.id, text="Premtim.")
        s.add(made)
        await s.commit()
    await client.sign_in(stage.world.other_organizer.email)
    assert (await client.get(f"/manage/commitments/{made.id}/edit")).status_code == 403
    assert (await client.get("/manage/commitments/999999/edit")).status_code == 404
