"""The demo's commitments: the 2022 Durrës and Shkodër forums, with the candidates' answers."""

from sqlalchemy import select

from app.db import Database
from app.models import (
    Commitment,
    CommitmentAnswer,
    Confirmation,
    Event,
    EventCandidate,
    InvitationStatus,
    Municipality,
)
from tests.test_demo import seeded


async def test_the_2022_forums_have_commitments_the_rules_allow(db: Database) -> None:
    summary = await seeded(db)
    async with db.read() as session:
        rows = (
            await session.execute(
                select(Commitment, Event, Municipality.slug)  # type: ignore[call-overload]
                .join(Event, Event.id == Commitment.event_id)  # type: ignore[arg-type]
                .join(Municipality, Municipality.id == Event.municipality_id)  # type: ignore[arg-type]
            )
        ).all()
        answers = list((await session.execute(select(CommitmentAnswer))).scalars())
        invitations = {
            (i.event_id, i.candidate_id): i.status
            for i in (await session.execute(select(EventCandidate))).scalars()
        }
    assert summary.commitments == len(rows) >= 12
    assert "commitments" in summary.describe()
    assert {slug for *_rest, slug in rows} == {"durres", "shkoder"}
    for commitment, event, _slug in rows:
        assert event.starts_at <= commitment.created_at  # made at the event
        assert invitations[(event.id, commitment.candidate_id)] == InvitationStatus.attended
    made = [c for c, *_rest in rows]
    assert sum(1 for c in made if c.target) >= 4
    assert sum(1 for c in made if c.deadline) >= 4
    confirmed = [c for c in made if c.confirmation == Confirmation.confirmed]
    disputed = [c for c in made if c.confirmation == Confirmation.disputed]
    assert len(confirmed) >= 3
    assert len(disputed) == 1
    assert disputed[0].candidate_comment
    by_commitment = {a.commitment_id: a for a in answers}
    for c in [*confirmed, *disputed]:
        assert c.candidate_answered_at is not None
        answer = by_commitment[c.id or 0]
        assert answer.answer == c.confirmation
        assert answer.text_answered == c.text
    assert by_commitment[disputed[0].id or 0].comment == disputed[0].candidate_comment
    assert all("ë" in c.text or "ç" in c.text for c in made[:3])  # Albanian
