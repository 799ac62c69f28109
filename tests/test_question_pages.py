"""The citizen's side of questions: asking, "Your questions", the private link, voting, the live
list, hostile input, the honeypot and the rate limits — through the pages, on both databases."""

import html
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlmodel import col

from app.db import Database
from app.main import create_app
from app.models import (
    Event,
    EventCandidate,
    EventKind,
    EventStatus,
    InvitationStatus,
    Question,
    QuestionStatus,
    QuestionVote,
    Topic,
    utcnow,
)
from app.models.questions import QuestionModeration
from app.services import moderation, questions
from tests.conftest import Browser, Stage, make_settings

HOSTILE = "<script>alert(1)</script>"
HTMX = {"HX-Request": "true"}


async def add_event(db: Database, stage: Stage, **values: Any) -> int:
    """A scheduled forum next week in Durrës, Anila Toska invited."""
    start = utcnow() + timedelta(days=7)
    fields: dict[str, Any] = {
        "kind": EventKind.forum,
        "title": "Forumi për ujin e pijshëm",
        "municipality_id": stage.world.municipality.id,
        "organization_id": stage.world.organization.id,
        "venue": "Salla e Këshillit",
        "status": EventStatus.scheduled,
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        **values,
    }
    async with db.write() as session:
        event = Event(**fields)
        session.add(event)
        await session.flush()
        session.add(
            EventCandidate(
                event_id=event.id,
                candidate_id=stage.anila.id,
                status=InvitationStatus.confirmed,  # only they are asked (issue 14)
            )
        )
        await session.commit()
    return event.id or 0


async def topic_id(db: Database, slug: str = "water") -> int:
    async with db.read() as session:
        found = await session.scalar(select(Topic.id).where(col(Topic.slug) == slug))  # type: ignore[call-overload]
    assert found is not None
    return int(found)


def csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token in the page"
    return match.group(1)


async def ask(
    browser: Browser, event_id: int, headers: dict[str, str] | None = None, **fields: Any
) -> httpx.Response:
    page = await browser.get(f"/events/{event_id}/questions")
    assert page.status_code == 200, page.text
    data = {"csrf_token": csrf(page.text), "body": "Kur do të kemi ujë 24 orë?", **fields}
    return await browser.post(f"/events/{event_id}/questions", data=data, headers=headers)


def section(page: str, element_id: str) -> str:
    """The HTML of the element with this id (up to its closing tag of the same name)."""
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"', page)
    assert match, f"no #{element_id} in the page"
    tag, start = match.group(1), match.start()
    end = page.index(f"</{tag}>", start)
    depth = page.count(f"<{tag}", start + 1, end)
    while depth:  # nested elements of the same name
        next_end = page.index(f"</{tag}>", end + 1)
        depth += page.count(f"<{tag}", end, next_end) - 1
        end = next_end
    return page[start:end]


async def only_question(db: Database) -> Question:
    async with db.read() as session:
        found = list((await session.execute(select(Question))).scalars())
    assert len(found) == 1
    return found[0]


async def published(browser: Browser, db: Database, stage: Stage, event_id: int) -> Question:
    """The browser asks the event a question, and the organizer publishes it."""
    await ask(browser, event_id)
    question = await only_question(db)
    await approve(db, stage, question.id or 0)
    return question


async def approve(db: Database, stage: Stage, question_id: int, **data: Any) -> None:
    async with db.write() as session:
        await moderation.moderate(
            session=session,
            actor=stage.world.organizer,
            question_id=question_id,
            data=QuestionModeration(status=QuestionStatus.approved, **data),
        )
        await session.commit()


async def test_the_event_page_carries_the_questions_itself(
    citizen: Browser, db: Database, stage: Stage
) -> None:
    event_id = await add_event(db, stage)
    page = await citizen.get(f"/events/{event_id}")
    block = section(page.text, "questions")
    assert f'action="/events/{event_id}/questions"' in block  # the form, without JavaScript
    assert f'hx-get="/events/{event_id}/questions/live' in block  # and the live list
    fragment = await citizen.get(f"/events/{event_id}/questions", headers=HTMX)
    assert fragment.text.lstrip().startswith('<section id="questions"')
    assert "<html" not in fragment.text
    assert "Ask a question" in fragment.text
    assert 'name="website"' in fragment.text
    assert 'tabindex="-1"' in fragment.text
    assert "Anila Toska" in fragment.text  # the invited candidate to address
    assert "Water" in fragment.text  # the shared topics, in English


async def test_a_question_waits_for_approval_then_is_public(
    citizen: Browser, neighbour: Browser, db: Database, stage: Stage
) -> None:
    event_id = await add_event(db, stage)
    water = await topic_id(db)
    response = await ask(
        citizen,
        event_id,
        body="Kur do të kemi ujë 24 orë?",
        author_name="Arta",
        topic_id=str(water),
        candidate_ids=str(stage.anila.id),
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/events/{event_id}?sent=1#my-questions"
    cookie = response.headers["set-cookie"]
    assert "pf_my_questions=" in cookie
    assert "HttpOnly" in cookie
    question = await only_question(db)
    assert question.status == QuestionStatus.pending
    assert question.author_name == "Arta"
    assert question.topic_id == water

    page = (await citizen.get(response.headers["location"])).text
    assert "Thank you: your question was sent." in page
    mine = section(page, "my-questions")
    assert "Kur do të kemi ujë 24 orë?" in mine
    assert "Waiting for approval" in mine
    link = re.search(r'href="(/q/[^"]+)"', mine)
    assert link, "no private link"
    assert "Kur do të kemi ujë" not in section(page, "question-list")
    assert question.asker not in page  # the browser's id is never shown
    # another browser sees nothing of it
    other = (await neighbour.get(f"/events/{event_id}/questions")).text
    assert "Kur do të kemi ujë" not in other
    assert "Your questions" not in other

    await approve(db, stage, question.id or 0)
    other = (await neighbour.get(f"/events/{event_id}/questions")).text
    listed = section(other, "question-list")
    assert "Kur do të kemi ujë 24 orë?" in listed
    assert "Arta" in listed
    assert "Anila Toska" in listed
    assert "Water" in listed
    assert "Your questions" not in other
    mine = section((await citizen.get(f"/events/{event_id}/questions")).text, "my-questions")
    assert "Published" in mine

    status = await citizen.get(link.group(1))
    assert status.status_code == 200
    assert "Published" in status.text
    assert "Kur do të kemi ujë 24 orë?" in status.text


async def test_the_private_link_shows_one_question_and_is_kept_private(
    citizen: Browser, neighbour: Browser, db: Database, stage: Stage
) -> None:
    event_id = await add_event(db, stage)
    await ask(citizen, event_id, body="Pyetja e parë")
    await ask(citizen, event_id, body="Pyetja e dytë")
    page = (await citizen.get(f"/events/{event_id}/questions")).text
    links = re.findall(r'href="(/q/[^"]+)"', section(page, "my-questions"))
    assert len(links) == 2
    # newest first; the link works in any browser, and shows that one question only
    status = await neighbour.get(links[0])
    assert status.status_code == 200
    assert "Pyetja e dytë" in status.text
    assert "Pyetja e parë" not in status.text
    assert "Waiting for approval" in status.text
    assert status.headers["cache-control"] == "no-store"
    assert status.headers["referrer-policy"] == "strict-origin"
    assert "noindex" in status.headers["x-robots-tag"]
    missing = await neighbour.get("/q/" + "x" * 43)
    assert missing.status_code == 404
    assert missing.headers["cache-control"] == "no-store"
    # a rejected question reads "not published"; its private reason stays with the organizers
    async with db.write() as session:
        first = await session.scalar(select(Question).where(col(Question.body) == "Pyetja e parë"))
        assert first is not None
        await moderation.moderate(
            session=session,
            actor=stage.world.organizer,
            question_id=first.id or 0,
            data=QuestionModeration(status=QuestionStatus.rejected, rejection_reason="fyese"),
        )
        await session.commit()
    status = await citizen.get(links[1])
    assert "Not published" in status.text
    assert "fyese" not in status.text


async def test_votes_one_per_browser_and_taken_back(
    citizen: Browser, neighbour: Browser, db: Database, stage: Stage
) -> None:
    event_id = await add_event(db, stage)
    question = await published(citizen, db, stage, event_id)
    qid = question.id
    page = (await citizen.get(f"/events/{event_id}/questions")).text
    token = csrf(page)
    button = section(page, f"q-{qid}")
    assert f'action="/questions/{qid}/vote"' in button
    assert 'aria-pressed="false"' in button

    voted = await citizen.post(f"/questions/{qid}/vote", data={"csrf_token": token})
    assert voted.status_code == 303
    assert voted.headers["location"] == f"/events/{event_id}#q-{qid}"
    again = await citizen.post(f"/questions/{qid}/vote", data={"csrf_token": token})
    assert again.status_code == 303
    page = (await citizen.get(f"/events/{event_id}/questions")).text
    button = section(page, f"q-{qid}")
    assert 'aria-pressed="true"' in button
    assert f'action="/questions/{qid}/unvote"' in button
    assert "<b>1</b>" in button

    # a second phone votes too, through htmx: only its button comes back
    other = (await neighbour.get(f"/events/{event_id}/questions")).text
    response = await neighbour.post(
        f"/questions/{qid}/vote", data={"csrf_token": csrf(other)}, headers=HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div class="vote is-voted"><button')
    assert 'aria-pressed="true"' in response.text
    assert ">2</b>" in response.text
    async with db.read() as session:
        assert await session.scalar(select(Question.votes).where(col(Question.id) == qid)) == 2  # type: ignore[call-overload]

    # taking a vote back, keeping the chosen order
    response = await citizen.post(
        f"/questions/{qid}/unvote", data={"csrf_token": token, "sort": "newest"}
    )
    assert response.headers["location"] == f"/events/{event_id}?sort=newest#q-{qid}"
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(QuestionVote)) == 1
        assert await session.scalar(select(Question.votes).where(col(Question.id) == qid)) == 1  # type: ignore[call-overload]
    page = (await citizen.get(f"/events/{event_id}/questions?sort=newest")).text
    assert 'aria-pressed="false"' in section(page, f"q-{qid}")
    # the button posts the page's token form to its own address, which keeps the order
    button = section(page, f"q-{qid}")
    assert f'form="pf" formaction="/questions/{qid}/vote?sort=newest"' in button
    assert token not in button
    response = await citizen.post(
        f"/questions/{qid}/vote?sort=newest", data={"csrf_token": csrf(page)}
    )
    assert response.headers["location"] == f"/events/{event_id}?sort=newest#q-{qid}"


async def test_a_pending_question_cannot_be_voted_for(
    citizen: Browser, db: Database, stage: Stage
) -> None:
    event_id = await add_event(db, stage)
    await ask(citizen, event_id)
    question = await only_question(db)
    token = csrf((await citizen.get(f"/events/{event_id}/questions")).text)
    response = await citizen.post(f"/questions/{question.id}/vote", data={"csrf_token": token})
    assert response.status_code == 404


async def test_the_list_sorts_by_votes_or_newest(
    citizen: Browser, db: Database, stage: Stage
) -> None:
    event_id = await add_event(db, stage)
    await ask(citizen, event_id, body="E vjetra")
    await ask(citizen, event_id, body="E reja")
    async with db.write() as session:
        found = {q.body: q for q in (await session.execute(select(Question))).scalars()}
    for q in found.values():
        await approve(db, stage, q.id or 0)
    async with db.write() as session:
        await questions.set_vote(
            session=session, question_id=found["E vjetra"].id or 0, voter="v1", voted=True
        )
        await session.commit()
    by_votes = section((await citizen.get(f"/events/{event_id}/questions")).text, "question-list")
    assert by_votes.index("E vjetra") < by_votes.index("E reja")
    newest = section(
        (await citizen.get(f"/events/{event_id}/questions?sort=newest")).text, "question-list"
    )
    assert newest.index("E reja") < newest.index("E vjetra")
    assert f'href="/events/{event_id}?sort=newest#questions"' in newest


async def test_the_live_list_answers_204_until_something_changes(
    citizen: Browser, neighbour: Browser, db: Database, stage: Stage
) -> None:
    event_id = await add_event(db, stage)
    page = (await citizen.get(f"/events/{event_id}/questions")).text
    live = re.search(r'hx-get="(/events/\d+/questions/live\?v=(\w+))"', page)
    assert live, "the list does not poll"
    assert 'hx-trigger="every 2s"' in section(page, "questions-live")
    url, version = live.group(1), live.group(2)
    unchanged = await citizen.get(url, headers=HTMX)
    assert unchanged.status_code == 204
    assert unchanged.content == b""

    await ask(neighbour, event_id, body="Pyetje nga fqinji")  # pending: hidden, but it changed
    question = await only_question(db)
    await approve(db, stage, question.id or 0)
    # on this worker at once: its commit made it forget the version it trusted for a second
    # (another worker's change shows within 3 s: tests/test_load_freshness.py)
    changed = await citizen.get(url, headers=HTMX)
    assert changed.status_code == 200
    assert changed.text.lstrip().startswith('<div id="questions-live"')
    assert "Pyetje nga fqinji" in changed.text
    fresh = re.search(r"questions/live\?v=(\w+)", changed.text)
    assert fresh
    assert fresh.group(1) != version
    assert (
        await citizen.get(f"/events/{event_id}/questions/live?v={fresh.group(1)}")
    ).status_code == 204
    # a vote elsewhere changes it again
    async with db.write() as session:
        await questions.set_vote(
            session=session, question_id=question.id or 0, voter="elsewhere", voted=True
        )
        await session.commit()
    after = await citizen.get(f"/events/{event_id}/questions/live?v={fresh.group(1)}")
    assert after.status_code == 200
    assert ">1</b>" in after.text
    # the sort travels with the poll
    newest = await citizen.get(f"/events/{event_id}/questions/live?sort=newest")
    assert "sort=newest" in re.search(r'hx-get="([^"]+)"', newest.text).group(1)  # type: ignore[union-attr]
    assert (await citizen.get("/events/999999/questions/live?v=x")).status_code == 404


async def test_when_only_votes_changed_the_poll_gets_the_counts_alone(
    citizen: Browser, neighbour: Browser, db: Database, stage: Stage
) -> None:
    event_id = await add_event(db, stage)
    first = await published(citizen, db, stage, event_id)
    await ask(neighbour, event_id, body="Pyetja e dytë për çerdhen")
    async with db.read() as session:
        second = (
            await session.execute(select(Question).where(col(Question.id) != first.id))
        ).scalar_one()
    await approve(db, stage, second.id or 0)
    page = (await citizen.get(f"/events/{event_id}")).text
    seen = re.search(r"questions/live\?v=(\w+)", page).group(1)  # type: ignore[union-attr]
    async with db.write() as session:
        await questions.set_vote(
            session=session, question_id=second.id or 0, voter="elsewhere", voted=True
        )
        await session.commit()
    live = f"/events/{event_id}/questions/live?v={seen}"
    counts = await citizen.get(live, headers=HTMX)
    assert counts.status_code == 200
    assert counts.headers["hx-retarget"] == "this"
    assert "question-list" not in counts.text  # not the list again: the changed count alone
    assert f'<b hx-swap-oob="outerHTML:#q-{second.id} .vote b">1</b>' in counts.text
    assert f"#q-{first.id} " not in counts.text
    assert len(counts.content) < 1000
    fresh = re.search(r"questions/live\?v=(\w+)", counts.text).group(1)  # type: ignore[union-attr]
    assert fresh != seen
    assert (await citizen.get(live.replace(seen, fresh), headers=HTMX)).status_code == 204
    # a version this worker never saw, of the same list: every count
    unknown = seen[:12] + "0" * 8
    every = await citizen.get(live.replace(seen, unknown), headers=HTMX)
    assert f"#q-{first.id} .vote b" in every.text
    assert f"#q-{second.id} .vote b" in every.text
    # a change to the list itself (an answer recorded): the whole list
    async with db.write() as session:
        await session.execute(
            update(Question).where(col(Question.id) == first.id).values(updated_at=utcnow())
        )
        await session.commit()
    whole = await citizen.get(live.replace(seen, fresh), headers=HTMX)
    assert whole.text.lstrip().startswith('<div id="questions-live"')
    assert "hx-retarget" not in whole.headers


async def test_hostile_text_is_shown_as_text_everywhere(
    citizen: Browser, neighbour: Browser, db: Database, stage: Stage
) -> None:
    event_id = await add_event(db, stage)
    await ask(citizen, event_id, body=f"Pyetje {HOSTILE}", author_name=HOSTILE)
    question = await only_question(db)
    await approve(db, stage, question.id or 0, answered_by_ids=[stage.anila.id])
    escaped = html.escape(HOSTILE, quote=False)
    pages = [
        (await citizen.get(f"/events/{event_id}/questions")).text,  # "Your questions" and the list
        (await neighbour.get(f"/events/{event_id}/questions", headers=HTMX)).text,
        (await neighbour.get(f"/events/{event_id}/questions/live")).text,
    ]
    link = re.search(r'href="(/q/[^"]+)"', section(pages[0], "my-questions"))
    assert link
    pages.append((await citizen.get(link.group(1))).text)
    for page in pages:
        assert HOSTILE not in page
        assert escaped in page.replace("&#34;", '"').replace("&#39;", "'")
    # and kept as typed when the form comes back with an error
    response = await ask(citizen, event_id, body="", author_name=HOSTILE)
    assert response.status_code == 400
    assert HOSTILE not in response.text
    assert escaped in response.text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"body": "x" * 10_000}, "body", "At most 500 characters: yours has 10000."),
        ({"body": "   "}, "body", "Write your question."),
        ({"topic_id": "999999"}, "topic_id", "Choose a topic from the list."),
        ({"topic_id": "water"}, "topic_id", "Choose a topic from the list."),
        (
            {"candidate_ids": "{far}"},
            "candidate_ids",
            "Choose candidates who confirmed they take part.",
        ),
        (
            {"candidate_ids": "abc"},
            "candidate_ids",
            "Choose candidates who confirmed they take part.",
        ),
    ],
)
async def test_invalid_input_comes_back_with_the_message_and_what_was_typed(
    citizen: Browser,
    db: Database,
    stage: Stage,
    fields: dict[str, str],
    field: str,
    message: str,
) -> None:
    event_id = await add_event(db, stage)
    fields = {k: v.replace("{far}", str(stage.other_town.id)) for k, v in fields.items()}
    data = {"body": "Një pyetje e mirë", "author_name": "Blerina Hoxha", **fields}
    response = await ask(citizen, event_id, **data)
    assert response.status_code == 400
    assert f'<p class="error" id="f-{field}-error">{message}' in response.text
    form = section(response.text, "ask")
    assert "<details" in form
    assert " open" in form.split(">", 1)[0]
    body = data["body"].strip()
    assert f">{body}</textarea>" in form  # all of it, even 10,000 characters
    assert 'value="Blerina Hoxha"' in form
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Question)) == 0


async def test_htmx_asking_swaps_the_section(citizen: Browser, db: Database, stage: Stage) -> None:
    event_id = await add_event(db, stage)
    response = await ask(citizen, event_id, headers=HTMX, body="Pyetje me htmx")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="questions"')
    assert "Thank you: your question was sent." in response.text
    assert "Pyetje me htmx" in section(response.text, "my-questions")
    assert re.search(r'href="/q/[^"]+"', response.text)
    assert "pf_my_questions=" in response.headers["set-cookie"]
    assert "#questions" in response.headers["hx-reswap"]
    invalid = await ask(citizen, event_id, headers=HTMX, body="")
    assert invalid.status_code == 400
    assert invalid.text.lstrip().startswith('<section id="questions"')
    assert "#ask" in invalid.headers["hx-reswap"]


async def test_the_honeypot_is_answered_like_a_person_and_nothing_is_kept(
    citizen: Browser, db: Database, stage: Stage
) -> None:
    event_id = await add_event(db, stage)
    response = await ask(citizen, event_id, body="Blej tani!", website="http://spam.example")
    assert response.status_code == 303
    assert response.headers["location"] == f"/events/{event_id}?sent=1#my-questions"
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Question)) == 0


async def test_closed_questions_refuse_with_409_and_show_no_form(
    citizen: Browser, db: Database, stage: Stage
) -> None:
    event_id = await add_event(db, stage)
    page = (await citizen.get(f"/events/{event_id}/questions")).text
    async with db.write() as session:
        await moderation.set_question_period(
            session=session, actor=stage.world.organizer, event_id=event_id, open_=False
        )
        await session.commit()
    response = await citizen.post(
        f"/events/{event_id}/questions", data={"csrf_token": csrf(page), "body": "Vonë"}
    )
    assert response.status_code == 409
    assert "Questions for this event are closed." in response.text
    assert 'id="ask"' not in response.text
    assert 'name="body"' not in response.text
    assert "Vonë" in response.text  # what they wrote, to keep
    page = (await citizen.get(f"/events/{event_id}/questions")).text
    assert "The organizers have closed the questions for this event." in page
    assert 'name="body"' not in page


async def test_questions_are_rate_limited_per_browser(db: Database, stage: Stage) -> None:
    settings = make_settings(db.settings.database_url, rate_limit_question_browser="2/600")
    app = create_app(settings)
    app.state.db = db
    event_id = await add_event(db, stage)
    async with Browser(transport=httpx.ASGITransport(app=app), base_url="http://t") as browser:
        browser.cookies.set("pf_lang", "en")
        statuses = [(await ask(browser, event_id)).status_code for _ in range(3)]
        assert statuses == [303, 303, 429]
        response = await ask(browser, event_id, body="E katërta")
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) > 0
        assert "You have sent many questions in a short time." in response.text
        assert ">E katërta</textarea>" in response.text  # kept
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Question)) == 2


async def test_votes_are_rate_limited_per_browser(db: Database, stage: Stage) -> None:
    settings = make_settings(db.settings.database_url, rate_limit_vote_browser="2/600")
    app = create_app(settings)
    app.state.db = db
    event_id = await add_event(db, stage)
    async with Browser(transport=httpx.ASGITransport(app=app), base_url="http://t") as browser:
        browser.cookies.set("pf_lang", "en")
        await ask(browser, event_id)
        question = await only_question(db)
        await approve(db, stage, question.id or 0)
        token = csrf((await browser.get(f"/events/{event_id}/questions")).text)
        url = f"/questions/{question.id}"
        assert (await browser.post(f"{url}/vote", data={"csrf_token": token})).status_code == 303
        assert (await browser.post(f"{url}/unvote", data={"csrf_token": token})).status_code == 303
        refused = await browser.post(f"{url}/vote", data={"csrf_token": token}, headers=HTMX)
        assert refused.status_code == 429
        assert "You have voted many times in a short time." in refused.text
        assert 'aria-pressed="false"' in refused.text  # the button as it stands
        page = await browser.post(f"{url}/vote", data={"csrf_token": token})
        assert page.status_code == 429
        assert "<html" in page.text


async def test_cached_list_items_carry_each_visitors_own_token_and_vote_state(
    citizen: Browser, neighbour: Browser, db: Database, stage: Stage
) -> None:
    """The rendered items are shared between visitors; tokens and "you voted" are not."""
    event_id = await add_event(db, stage)
    question = await published(citizen, db, stage, event_id)
    token_in = re.compile(r'name="csrf_token" value="([^"]+)"')
    my_page = (await citizen.get(f"/events/{event_id}")).text
    their_page = (await neighbour.get(f"/events/{event_id}")).text
    # each page's one token form has its visitor's token; the list has none
    my_form, their_form = section(my_page, "pf"), section(their_page, "pf")
    assert token_in.findall(my_form) == [csrf(my_page)]
    assert token_in.findall(their_form) == [csrf(their_page)]
    assert csrf(my_page) != csrf(their_page)
    assert token_in.findall(section(my_page, "question-list")) == []
    voted = await citizen.post(
        f"/questions/{question.id}/vote", data={"csrf_token": token_in.findall(my_form)[0]}
    )
    assert voted.status_code == 303
    mine = section((await citizen.get(f"/events/{event_id}")).text, "question-list")
    theirs = section((await neighbour.get(f"/events/{event_id}")).text, "question-list")
    assert 'aria-pressed="true"' in mine
    assert 'aria-pressed="false"' in theirs
    assert "<b>1</b>" in theirs
