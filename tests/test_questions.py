"""Questions on both databases: asking, moderation, merging, voting under concurrency."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.db import Database
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
)
from app.models.questions import QuestionCreate, QuestionModeration
from app.services import moderation, questions
from app.services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tests.conftest import Stage

SOON = datetime.now(UTC) + timedelta(days=3)


async def make_event(db: Database, stage: Stage, **overrides: object) -> int:
    values: dict[str, object] = {
        "kind": EventKind.forum,
        "title": "Forum për ujin",
        "municipality_id": stage.world.municipality.id,
        "organization_id": stage.world.organization.id,
        "venue": "Salla",
        "starts_at": SOON,
        "ends_at": SOON + timedelta(hours=2),
        "status": EventStatus.scheduled,
    }
    values.update(overrides)
    async with db.write() as s:
        event = Event(**values)  # type: ignore[arg-type]
        s.add(event)
        await s.flush()
        s.add(
            EventCandidate(
                event_id=event.id,
                candidate_id=stage.anila.id,
                status=InvitationStatus.confirmed,  # only they are asked (issue 14)
            )
        )
        await s.commit()
    return event.id or 0


async def ask(db: Database, event_id: int, body: str, **extra: object) -> Question:
    async with db.write() as s:
        question, _token = await questions.ask(
            session=s,
            event_id=event_id,
            data=QuestionCreate(body=body, **extra),  # type: ignore[arg-type]
            asker="browser-a",
        )
        await s.commit()
    return question


async def moderate(db: Database, stage: Stage, question_id: int, **data: object) -> Question:
    async with db.write() as s:
        question = await moderation.moderate(
            session=s,
            actor=stage.world.organizer,
            question_id=question_id,
            data=QuestionModeration(**data),  # type: ignore[arg-type]
        )
        await s.commit()
    return question


async def test_a_question_waits_for_approval_then_is_public(db: Database, stage: Stage) -> None:
    event_id = await make_event(db, stage)
    async with db.read() as s:
        water = await s.scalar(select(Topic).where(Topic.slug == "water"))  # type: ignore[arg-type]
    assert water is not None
    question = await ask(
        db,
        event_id,
        "Kur do të kemi ujë 24 orë në ditë?",
        author_name="Ana",
        topic_id=water.id,
        candidate_ids=[stage.anila.id],
    )
    assert question.status == QuestionStatus.pending
    async with db.read() as s:
        assert await questions.public_questions(session=s, event_id=event_id) == []
        mine = await questions.asked_by(session=s, event_id=event_id, asker="browser-a")
    assert [q.id for q in mine] == [question.id]
    await moderate(db, stage, question.id, status="approved")
    async with db.read() as s:
        public = await questions.public_questions(session=s, event_id=event_id)
    assert [v.question.id for v in public] == [question.id]
    assert [c.full_name for c in public[0].addressed] == ["Anila Toska"]
    assert public[0].topic is not None


async def test_the_private_link_finds_the_question(db: Database, stage: Stage) -> None:
    event_id = await make_event(db, stage)
    async with db.write() as s:
        question, token = await questions.ask(
            session=s, event_id=event_id, data=QuestionCreate(body="Pse?"), asker=None
        )
        await s.commit()
    async with db.read() as s:
        found = await questions.question_by_token(session=s, token=token)
        assert await questions.question_by_token(session=s, token="nope") is None
    assert found is not None
    assert found.id == question.id


async def test_questions_close_with_the_period(db: Database, stage: Stage) -> None:
    event_id = await make_event(db, stage)
    async with db.write() as s:
        await moderation.set_question_period(
            session=s, actor=stage.world.organizer, event_id=event_id, open_=False
        )
        await s.commit()
    with pytest.raises(Conflict):
        await ask(db, event_id, "Tepër vonë?")
    with pytest.raises(NotAllowed):
        async with db.write() as s:
            await moderation.set_question_period(
                session=s, actor=stage.world.other_organizer, event_id=event_id, open_=True
            )


async def test_unknown_topics_and_foreign_candidates_are_refused(
    db: Database, stage: Stage
) -> None:
    event_id = await make_event(db, stage)
    with pytest.raises(InvalidInput) as error:
        await ask(db, event_id, "A?", topic_id=999_999, candidate_ids=[stage.other_town.id])
    assert set(error.value.errors) == {"topic_id", "candidate_ids"}
    draft = await make_event(db, stage, status=EventStatus.draft, title="Draft")
    with pytest.raises(NotFound):
        await ask(db, draft, "A?")


async def test_editing_keeps_the_original_and_rejection_has_a_private_reason(
    db: Database, stage: Stage
) -> None:
    event_id = await make_event(db, stage)
    question = await ask(db, event_id, "kur do te rregullohet rruga")
    edited = await moderate(db, stage, question.id, body="Kur do të rregullohet rruga?")
    assert edited.original_body == "kur do te rregullohet rruga"
    edited = await moderate(db, stage, question.id, body="Kur do të rregullohet rruga kryesore?")
    assert edited.original_body == "kur do te rregullohet rruga"
    rejected = await moderate(db, stage, question.id, status="rejected", rejection_reason="Fyese")
    assert rejected.rejection_reason == "Fyese"


async def test_answered_by_candidates(db: Database, stage: Stage) -> None:
    event_id = await make_event(db, stage)
    question = await ask(db, event_id, "Po plehrat?")
    answered = await moderate(db, stage, question.id, answered_by_ids=[stage.anila.id])
    assert answered.status == QuestionStatus.answered
    async with db.read() as s:
        [view] = await questions.public_questions(session=s, event_id=event_id)
    assert [c.id for c in view.answered_by] == [stage.anila.id]
    with pytest.raises(InvalidInput):
        await moderate(db, stage, question.id, answered_by_ids=[stage.other_town.id])


async def test_one_vote_per_browser_and_it_can_be_taken_back(db: Database, stage: Stage) -> None:
    event_id = await make_event(db, stage)
    question = await ask(db, event_id, "Pse nuk ka ndriçim?")
    async with db.write() as s:
        with pytest.raises(NotFound):  # pending questions take no votes
            await questions.set_vote(
                session=s, question_id=question.id or 0, voter="v1", voted=True
            )
    await moderate(db, stage, question.id, status="approved")

    async def act(voted: bool, voter: str) -> int:
        async with db.write() as s:
            votes, _voted = await questions.set_vote(
                session=s, question_id=question.id or 0, voter=voter, voted=voted
            )
            await s.commit()
        return votes

    assert await act(True, "v1") == 1
    assert await act(True, "v1") == 1
    assert await act(True, "v2") == 2
    assert await act(False, "v1") == 1
    assert await act(False, "v1") == 1
    async with db.read() as s:
        assert await questions.voted_by(session=s, event_id=event_id, voter="v2") == {question.id}


async def test_concurrent_votes_are_each_counted_once(db: Database, stage: Stage) -> None:
    event_id = await make_event(db, stage)
    question = await ask(db, event_id, "Sa do të kushtojë?")
    await moderate(db, stage, question.id, status="approved")

    async def vote(voter: str) -> None:
        async with db.write() as s:
            await questions.set_vote(
                session=s, question_id=question.id or 0, voter=voter, voted=True
            )
            await s.commit()

    # 60 browsers, each tapping twice at once
    await asyncio.gather(*(vote(f"browser-{i}") for i in range(60) for _ in range(2)))
    async with db.read() as s:
        stored = await s.get(Question, question.id)
        rows = await s.scalar(select(func.count()).select_from(QuestionVote))
    assert stored is not None
    assert stored.votes == 60
    assert rows == 60


async def test_merging_moves_votes_without_counting_anyone_twice(
    db: Database, stage: Stage
) -> None:
    event_id = await make_event(db, stage)
    kept = await ask(db, event_id, "Kur do të ndërtohet shkolla e re?")
    duplicate = await ask(db, event_id, "kur do te ndertohet shkolla e re")
    for q in (kept, duplicate):
        await moderate(db, stage, q.id, status="approved")
    for voter, q in [("a", kept), ("b", kept), ("b", duplicate), ("c", duplicate)]:
        async with db.write() as s:
            await questions.set_vote(session=s, question_id=q.id or 0, voter=voter, voted=True)
            await s.commit()
    async with db.write() as s:
        target = await moderation.merge(
            session=s,
            actor=stage.world.organizer,
            question_id=duplicate.id or 0,
            into_id=kept.id or 0,
        )
        await s.commit()
    assert target.votes == 3  # a, b, c: b counted once
    async with db.read() as s:
        public = await questions.public_questions(session=s, event_id=event_id)
        merged = await s.get(Question, duplicate.id)
    assert [v.question.id for v in public] == [kept.id]
    assert merged is not None
    assert merged.merged_into_id == kept.id


def test_likeness_ignores_case_punctuation_and_albanian_diacritics() -> None:
    assert questions.normalize("Çfarë do të bëni për UJIN?!") == "cfare do te beni per ujin"
    # alike even at the strictest threshold: the same words once normalized
    assert questions._alike("Kur do të ketë ujë?", "kur do te kete uje", 1.0)
    # below the threshold moderation uses
    assert not questions._alike("Kur do të ketë ujë?", "Si do të pastrohen rrugët?", 0.6)


def test_likely_duplicates_pairs_each_question_with_the_others_that_read_alike() -> None:
    def view(question_id: int, body: str) -> questions.QuestionView:
        question = Question(id=question_id, event_id=1, body=body)
        return questions.QuestionView(question=question, addressed=[], answered_by=[], topic=None)

    water = view(1, "Kur do të ketë ujë të pijshëm në lagjen tonë?")
    same = view(2, "kur do te kete uje te pijshem ne lagjen tone")
    reworded = view(3, "Kur do të ketë ujë të pijshëm lagjja jonë?")
    roads = view(4, "Si do të pastrohen rrugët e qytetit?")
    found = questions.likely_duplicates([water, roads], [water, same, reworded, roads])
    assert {qid: [v.question.id for v in views] for qid, views in found.items()} == {1: [2, 3]}


async def test_the_screen_shows_the_last_question_put_on_it(db: Database, stage: Stage) -> None:
    event_id = await make_event(db, stage)
    first = await ask(db, event_id, "E para?")
    second = await ask(db, event_id, "E dyta?")
    for q in (first, second):
        async with db.write() as s:
            await moderation.put_on_screen(
                session=s, actor=stage.world.organizer, question_id=q.id or 0
            )
            await s.commit()
        await asyncio.sleep(0.01)
    async with db.read() as s:
        current = await questions.on_screen(session=s, event_id=event_id)
    assert current is not None
    assert current.question.id == second.id
    assert current.question.status == QuestionStatus.approved


async def test_the_version_changes_with_every_visible_change(db: Database, stage: Stage) -> None:
    event_id = await make_event(db, stage)

    async def current() -> str:
        async with db.read() as s:
            return await questions.version(session=s, event_id=event_id)

    seen = [await current()]
    question = await ask(db, event_id, "A?")
    seen.append(await current())
    await moderate(db, stage, question.id, status="approved")
    seen.append(await current())
    async with db.write() as s:
        await questions.set_vote(session=s, question_id=question.id or 0, voter="x", voted=True)
        await s.commit()
    seen.append(await current())
    assert len(set(seen)) == 4
    assert await current() == seen[-1]
