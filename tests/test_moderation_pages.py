"""The moderation page and its actions, the live queue, and the screen — on both databases."""

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from app.db import Database
from app.models import (
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
from app.services.errors import Conflict
from tests.conftest import Browser, Stage

HTMX = {"HX-Request": "true"}
ACTIONS = ("approve", "reject", "edit", "merge", "answer", "screen")


async def make_event(db: Database, stage: Stage, **values: Any) -> int:
    """A scheduled forum of the organizer's organization, both Durrës candidates invited."""
    start = utcnow() + timedelta(days=2)
    fields: dict[str, Any] = {
        "kind": EventKind.forum,
        "title": "Forumi për ujin",
        "municipality_id": stage.world.municipality.id,
        "organization_id": stage.world.organization.id,
        "venue": "Salla e Këshillit",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "status": EventStatus.scheduled,
        **values,
    }
    async with db.write() as s:
        event = Event(**fields)
        s.add(event)
        await s.flush()
        s.add_all(
            EventCandidate(event_id=event.id, candidate_id=c.id, status=InvitationStatus.confirmed)
            for c in (stage.anila, stage.besa)
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


async def set_status(db: Database, question_id: int, status: QuestionStatus) -> None:
    async with db.write() as s:
        question = await s.get(Question, question_id)
        assert question is not None
        question.status = status
        question.updated_at = utcnow()
        await s.commit()


async def vote(db: Database, question_id: int, *voters: str) -> None:
    async with db.write() as s:
        for voter in voters:
            await questions.set_vote(session=s, question_id=question_id, voter=voter, voted=True)
        await s.commit()


async def load(db: Database, question_id: int) -> Question:
    async with db.read() as s:
        question = await s.get(Question, question_id)
    assert question is not None
    return question


async def act(
    browser: Browser, question_id: int, action: str, *, htmx: bool = False, **fields: Any
) -> httpx.Response:
    data = {"csrf_token": await browser.csrf_token("/"), **fields}
    return await browser.post(
        f"/manage/questions/{question_id}/{action}", data=data, headers=HTMX if htmx else {}
    )


def live_version(page: str, kind: str = "questions") -> str:
    match = re.search(rf"/{kind}/live\?v=([0-9a-f]+)", page)
    assert match, f"no live {kind} address in the page"
    return match.group(1)


@pytest.fixture
async def organizer(client: Browser, stage: Stage) -> Browser:
    client.cookies.set("pf_lang", "en")
    await client.sign_in(stage.world.organizer.email)
    return client


@pytest.fixture
async def other(app, stage: Stage) -> AsyncIterator[Browser]:  # type: ignore[no-untyped-def]
    """An organizer of another organization."""
    transport = httpx.ASGITransport(app=app)
    async with Browser(transport=transport, base_url="http://testserver") as browser:
        browser.cookies.set("pf_lang", "en")
        await browser.sign_in(stage.world.other_organizer.email)
        yield browser


@pytest.fixture
async def visitor(neighbour: Browser) -> Browser:
    """Someone in the room, signed in nowhere."""
    return neighbour


# --- who may moderate ------------------------------------------------------------------------


async def test_another_organization_is_refused_every_page_and_action(
    db: Database, stage: Stage, other: Browser
) -> None:
    event_id = await make_event(db, stage)
    question_id = await ask(db, event_id, "Kur do të ketë ujë gjithë ditën?")
    for path in (
        f"/manage/events/{event_id}/questions",
        f"/manage/events/{event_id}/questions/live?v=x",
        f"/manage/questions/{question_id}/merge",
    ):
        assert (await other.get(path)).status_code == 403, path
    token = await other.csrf_token("/")
    posts = [f"/manage/questions/{question_id}/{action}" for action in ACTIONS]
    posts += [f"/manage/events/{event_id}/questions/{p}" for p in ("open", "close")]
    for path in posts:
        # an empty form: refused for who is asking, before anything is validated
        response = await other.post(path, data={"csrf_token": token})
        assert response.status_code == 403, path
        assert (await other.post(path, data={"csrf_token": token}, headers=HTMX)).status_code == 403
    question = await load(db, question_id)
    assert question.status == QuestionStatus.pending
    assert question.on_screen_at is None


async def test_signed_out_visitors_are_sent_to_sign_in(
    db: Database, stage: Stage, visitor: Browser
) -> None:
    event_id = await make_event(db, stage)
    page = await visitor.get(f"/manage/events/{event_id}/questions")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=")


async def test_unknown_event_or_question_is_404(organizer: Browser) -> None:
    assert (await organizer.get("/manage/events/999999/questions")).status_code == 404
    assert (await act(organizer, 999999, "approve")).status_code == 404


# --- the page and its actions ----------------------------------------------------------------


async def test_the_page_lists_questions_by_status_with_their_details(
    db: Database, stage: Stage, organizer: Browser
) -> None:
    event_id = await make_event(db, stage)
    first = await ask(
        db,
        event_id,
        "Pse nuk ka ujë në Shkozet?",
        author_name="Arta",
        candidate_ids=[stage.anila.id],
    )
    second = await ask(db, event_id, "Çfarë do të bëni për rrugët e lagjes?")
    approved = await ask(db, event_id, "Si do ta ulni papunësinë e të rinjve?")
    rejected = await ask(db, event_id, "Një pyetje e refuzuar")
    await set_status(db, approved, QuestionStatus.approved)
    await set_status(db, rejected, QuestionStatus.rejected)

    page = await organizer.get(f"/manage/events/{event_id}/questions")

    assert page.status_code == 200
    text = page.text
    assert text.index(f'id="q-{first}"') < text.index(f'id="q-{second}"')  # oldest first
    pending = text[text.index('id="pending-list"') : text.index('id="approved-heading"')]
    assert "Arta" in pending
    assert "Anonymous" in pending
    assert "Anila Toska" in pending
    assert f'id="q-{approved}"' in text[text.index('id="approved-list"') :]
    rejected_section = text[text.index('id="rejected-section"') :]
    assert "<details" in text[text.index('id="rejected-section"') - 60 :][:80]
    assert f'id="q-{rejected}"' in rejected_section
    assert 'hx-trigger="every 2s"' in text
    assert 'src="/static/moderation.js' in text
    assert "style=" not in text


async def test_approve_and_reject_with_a_private_reason(
    db: Database, stage: Stage, organizer: Browser, visitor: Browser
) -> None:
    event_id = await make_event(db, stage)
    one = await ask(db, event_id, "Kur rregullohet ndriçimi i rrugës?")
    two = await ask(db, event_id, "Fyerje ndaj kandidatit")

    approved = await act(organizer, one, "approve")
    assert approved.status_code == 303
    assert approved.headers["location"] == f"/manage/events/{event_id}/questions#q-{one}"
    assert (await load(db, one)).status == QuestionStatus.approved

    fragment = await act(
        organizer, two, "reject", htmx=True, rejection_reason="Gjuhë fyese, jo publike"
    )
    assert fragment.status_code == 200
    assert 'id="queue"' in fragment.text
    assert "<html" not in fragment.text
    question = await load(db, two)
    assert question.status == QuestionStatus.rejected
    assert question.rejection_reason == "Gjuhë fyese, jo publike"
    assert "Gjuhë fyese, jo publike" in fragment.text[fragment.text.index("rejected-section") :]

    public = await visitor.get(f"/events/{event_id}/screen")
    assert "Gjuhë fyese" not in public.text
    assert "Fyerje" not in public.text


async def test_edit_for_spelling_keeps_the_original(
    db: Database, stage: Stage, organizer: Browser
) -> None:
    event_id = await make_event(db, stage)
    question_id = await ask(db, event_id, "kur do te kete uje ne lagje")

    edited = await act(organizer, question_id, "edit", body="Kur do të ketë ujë në lagje?")

    assert edited.status_code == 303
    question = await load(db, question_id)
    assert question.body == "Kur do të ketë ujë në lagje?"
    assert question.original_body == "kur do te kete uje ne lagje"
    page = await organizer.get(f"/manage/events/{event_id}/questions")
    assert "original:" in page.text
    assert "kur do te kete uje ne lagje" in page.text

    empty = await act(organizer, question_id, "edit", htmx=True, body="   ")
    assert empty.status_code == 400
    assert "This field is required." in empty.text
    assert (await load(db, question_id)).body == "Kur do të ketë ujë në lagje?"

    too_long = await act(organizer, question_id, "edit", body="x" * 501)
    assert too_long.status_code == 400
    assert "<html" in too_long.text
    assert "At most 500 characters." in too_long.text


async def test_merge_moves_the_votes_and_suggests_likely_duplicates(
    db: Database, stage: Stage, organizer: Browser
) -> None:
    event_id = await make_event(db, stage)
    kept = await ask(db, event_id, "Kur do të rregullohet rruga e Shkozetit?")
    await set_status(db, kept, QuestionStatus.approved)
    duplicate = await ask(db, event_id, "kur do te rregullohet rruga e shkozetit")
    unrelated = await ask(db, event_id, "Sa para shkojnë për kulturën?")
    await set_status(db, duplicate, QuestionStatus.approved)
    await vote(db, kept, "b", "c")
    await vote(db, duplicate, "a", "b")
    await set_status(db, duplicate, QuestionStatus.pending)

    page = await organizer.get(f"/manage/events/{event_id}/questions")
    card = page.text[page.text.index(f'id="q-{duplicate}"') :]
    card = card[: card.index("</li>\n", card.index("q-actions"))]
    assert "Looks like a duplicate of:" in card
    assert f"Merge into #{kept}" in card
    assert f"Merge into #{unrelated}" not in card

    choice = await organizer.get(f"/manage/questions/{duplicate}/merge", headers=HTMX)
    assert choice.status_code == 200
    assert "<html" not in choice.text
    options = re.findall(r'<option value="(\d+)">([^<]*)', choice.text)
    assert options[0][0] == str(kept)
    assert "looks like a duplicate" in options[0][1]
    assert str(unrelated) in [value for value, _label in options]
    assert str(duplicate) not in [value for value, _label in options]

    merged = await act(organizer, duplicate, "merge", into_id=str(kept))
    assert merged.status_code == 303
    assert (await load(db, kept)).votes == 3  # a moves over, b is not counted twice
    source = await load(db, duplicate)
    assert source.merged_into_id == kept
    assert source.votes == 0

    page = await organizer.get(f"/manage/events/{event_id}/questions")
    card = page.text.split(f'id="q-{duplicate}"', 1)[1].split("</article>", 1)[0]
    assert f"Merged into #{kept}" in card  # kept with the rejected ones, and says where it went
    assert f"/manage/questions/{duplicate}/approve" not in card  # nothing to do with it

    itself = await act(organizer, kept, "merge", htmx=True, into_id=str(kept))
    assert itself.status_code == 400
    assert "A question cannot be merged into itself." in itself.text
    missing = await act(organizer, unrelated, "merge", htmx=True)
    assert missing.status_code == 400
    assert "This field is required." in missing.text


async def test_mark_answered_by_candidates(db: Database, stage: Stage, organizer: Browser) -> None:
    event_id = await make_event(db, stage)
    question_id = await ask(
        db, event_id, "Çfarë plani keni për ujin?", candidate_ids=[stage.anila.id]
    )
    await set_status(db, question_id, QuestionStatus.approved)

    page = await organizer.get(f"/manage/events/{event_id}/questions")
    assert f'name="answered_by_ids" value="{stage.besa.id}"' in page.text

    answered = await act(
        organizer,
        question_id,
        "answer",
        htmx=True,
        answered_by_ids=[str(stage.anila.id), str(stage.besa.id)],
    )
    assert answered.status_code == 200
    assert (await load(db, question_id)).status == QuestionStatus.answered
    section = answered.text[answered.text.index('id="answered-list"') :]
    assert f'id="q-{question_id}"' in section
    assert "Answered by: Anila Toska, Besa Çuni" in section

    elsewhere = await act(
        organizer, question_id, "answer", answered_by_ids=[str(stage.other_town.id)]
    )
    assert elsewhere.status_code == 400
    assert "Choose candidates who confirmed they take part." in elsewhere.text


async def test_put_on_screen_approves_and_shows_it(
    db: Database, stage: Stage, organizer: Browser, visitor: Browser
) -> None:
    event_id = await make_event(db, stage)
    first = await ask(db, event_id, "Pyetja e parë për ekranin")
    second = await ask(db, event_id, "Pyetja e dytë për ekranin")

    shown = await act(organizer, first, "screen")
    assert shown.status_code == 303
    assert (await load(db, first)).status == QuestionStatus.approved

    fragment = await act(organizer, second, "screen", htmx=True)
    assert fragment.status_code == 200
    card = fragment.text[fragment.text.index(f'id="q-{second}"') :]
    assert "On screen now" in card[: card.index("</li>")]
    async with db.read() as s:
        current = await questions.on_screen(session=s, event_id=event_id)
    assert current is not None
    assert current.question.id == second

    rejected = await ask(db, event_id, "Pyetje e refuzuar")
    await set_status(db, rejected, QuestionStatus.rejected)
    refused = await act(organizer, rejected, "screen", htmx=True)
    assert refused.status_code == 409
    assert "Only a published question can go on the screen." in refused.text


async def test_open_and_close_the_question_period(
    db: Database, stage: Stage, organizer: Browser
) -> None:
    event_id = await make_event(db, stage)
    token = await organizer.csrf_token("/")

    closed = await organizer.post(
        f"/manage/events/{event_id}/questions/close", data={"csrf_token": token}
    )
    assert closed.status_code == 303
    with pytest.raises(Conflict):
        await ask(db, event_id, "Një pyetje pas mbylljes")
    page = await organizer.get(f"/manage/events/{event_id}/questions")
    assert "Questions are closed" in page.text
    assert f'action="/manage/events/{event_id}/questions/open"' in page.text

    opened = await organizer.post(
        f"/manage/events/{event_id}/questions/open", data={"csrf_token": token}, headers=HTMX
    )
    assert opened.status_code == 200
    assert "Questions are open" in opened.text
    assert "<html" not in opened.text
    await ask(db, event_id, "Një pyetje pas rihapjes")


# --- live updates ----------------------------------------------------------------------------


async def test_the_live_queue_answers_204_until_something_changes(
    db: Database, stage: Stage, organizer: Browser
) -> None:
    event_id = await make_event(db, stage)
    page = await organizer.get(f"/manage/events/{event_id}/questions")
    version = live_version(page.text)
    live = f"/manage/events/{event_id}/questions/live?v={version}"

    unchanged = await organizer.get(live, headers=HTMX)
    assert unchanged.status_code == 204
    assert unchanged.text == ""
    assert unchanged.headers["cache-control"] == "no-store"

    await ask(db, event_id, "Një pyetje e re nga salla")
    changed = await organizer.get(live, headers=HTMX)
    assert changed.status_code == 200
    assert "Një pyetje e re nga salla" in changed.text
    assert live_version(changed.text) != version
    assert (
        await organizer.get(
            f"/manage/events/{event_id}/questions/live?v={live_version(changed.text)}"
        )
    ).status_code == 204


async def test_the_screen_live_part_answers_204_until_something_changes(
    db: Database, stage: Stage, organizer: Browser, visitor: Browser
) -> None:
    event_id = await make_event(db, stage)
    question_id = await ask(db, event_id, "Pyetja që del në ekran")
    page = await visitor.get(f"/events/{event_id}/screen")
    version = live_version(page.text, "screen")
    live = f"/events/{event_id}/screen/live?v={version}"
    assert (await visitor.get(live, headers=HTMX)).status_code == 204

    await act(organizer, question_id, "screen")
    changed = await visitor.get(live, headers=HTMX)
    assert changed.status_code == 200
    assert "Pyetja që del në ekran" in changed.text
    assert live_version(changed.text, "screen") != version
    assert 'hx-swap-oob="true"' in changed.text  # the invitation under the QR code


# --- the screen ------------------------------------------------------------------------------


async def test_the_screen_shows_the_current_and_the_top_questions_only(
    db: Database, stage: Stage, organizer: Browser, visitor: Browser
) -> None:
    event_id = await make_event(db, stage)
    current = await ask(
        db,
        event_id,
        "Si do ta sillni ujin 24 orë?",
        author_name="Ilir",
        candidate_ids=[stage.anila.id, stage.besa.id],
    )
    top = []
    for number in range(6):
        question_id = await ask(db, event_id, f"Pyetja e miratuar numër {number}")
        await set_status(db, question_id, QuestionStatus.approved)
        await vote(db, question_id, *[f"v{i}" for i in range(number + 1)])
        top.append(question_id)
    await ask(db, event_id, "Pyetje ende në pritje")
    rejected = await ask(db, event_id, "Pyetje e refuzuar me arsye")
    await set_status(db, rejected, QuestionStatus.rejected)
    await act(organizer, current, "screen")

    screen = await visitor.get(f"/events/{event_id}/screen")

    assert screen.status_code == 200
    text = screen.text
    assert '<html lang="en"' in text
    assert "Si do ta sillni ujin 24 orë?" in text
    assert "Ilir" in text
    assert "Anila Toska" in text
    assert "Besa Çuni" in text
    assert ">PU<" in text
    assert "site-header" not in text
    # the five most voted, most first, with their votes; the least voted one is left out
    listed = re.findall(r"Pyetja e miratuar numër (\d)", text)
    assert listed == ["5", "4", "3", "2", "1"]
    assert "<strong>6</strong> <span>votes</span>" in text
    assert "Pyetje ende në pritje" not in text
    assert "Pyetje e refuzuar" not in text
    # a QR code of the public event page, and its address written out
    assert "<svg" in text
    assert 'class="screen-qr-code"' in text
    assert f"testserver<wbr>/events/{event_id}" in text
    assert "style=" not in text
    assert "<script>" not in text.replace("<script src=", "")

    async with db.write() as s:
        question = await s.get(Question, current)
        assert question is not None
        question.author_name = None
        question.updated_at = utcnow()
        await s.commit()
    assert "Anonymous" in (await visitor.get(f"/events/{event_id}/screen")).text


async def test_the_screen_of_a_draft_is_not_found(
    db: Database, stage: Stage, visitor: Browser
) -> None:
    event_id = await make_event(db, stage, status=EventStatus.draft)
    assert (await visitor.get(f"/events/{event_id}/screen")).status_code == 404
    assert (await visitor.get(f"/events/{event_id}/screen/live?v=x")).status_code == 404
    assert (await visitor.get("/events/999999/screen")).status_code == 404


async def test_the_screen_speaks_albanian_by_default(
    db: Database,
    stage: Stage,
    app,  # type: ignore[no-untyped-def]
) -> None:
    event_id = await make_event(db, stage)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        screen = await browser.get(f"/events/{event_id}/screen")
    assert '<html lang="sq"' in screen.text


async def test_html_in_a_question_is_shown_as_text(
    db: Database, stage: Stage, organizer: Browser, visitor: Browser
) -> None:
    event_id = await make_event(db, stage)
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    question_id = await ask(db, event_id, hostile, author_name="<b>Hacker</b>")

    page = await organizer.get(f"/manage/events/{event_id}/questions")
    assert "<script>alert" not in page.text
    assert "<img src=x" not in page.text
    assert "&lt;script&gt;alert(" in page.text
    assert "&lt;b&gt;Hacker&lt;/b&gt;" in page.text

    await act(organizer, question_id, "screen")
    screen = await visitor.get(f"/events/{event_id}/screen")
    assert "<script>alert" not in screen.text
    assert "<img src=x" not in screen.text
    assert "&lt;script&gt;alert(" in screen.text
    assert "&lt;b&gt;Hacker&lt;/b&gt;" in screen.text


# --- the organizer's event page --------------------------------------------------------------


async def test_the_event_page_has_a_questions_card(
    db: Database, stage: Stage, organizer: Browser, other: Browser
) -> None:
    event_id = await make_event(db, stage)
    await ask(db, event_id, "Pyetja e parë")
    second = await ask(db, event_id, "Pyetja e dytë")
    await set_status(db, second, QuestionStatus.approved)

    page = await organizer.get(f"/manage/events/{event_id}")

    card = page.text[page.text.index('id="questions"') :]
    card = card[: card.index("</section>")]
    assert re.search(r"<dt>Pending</dt><dd>1</dd>", card)
    assert re.search(r"<dt>Approved</dt><dd>1</dd>", card)
    assert f'href="/manage/events/{event_id}/questions"' in card
    assert f'href="/events/{event_id}/screen"' in card
    # another organization sees the event, not its questions card
    assert 'id="questions"' not in (await other.get(f"/manage/events/{event_id}")).text
