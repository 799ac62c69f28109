"""The public side of commitments: the candidate pages, the event page (commitments per
candidate, the one that answered a question, shown as promptly as a new question), open data."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

from app.db import Database
from app.models import (
    Commitment,
    Confirmation,
    EventCandidate,
    EventStatus,
    InvitationStatus,
    Question,
    QuestionCandidate,
    QuestionStatus,
    utcnow,
)
from app.models.commitments import CommitmentCreate
from app.services import commitments, questions
from tests.conftest import Browser, Stage
from tests.test_question_pages import add_event, section
from tests.test_shared_pages import renders  # noqa: F401 (a fixture)


async def _record(db: Database, stage: Stage, event_id: int, text: str, **extra: object) -> int:
    async with db.write() as s:
        made = await commitments.record(
            session=s,
            actor=stage.world.organizer,
            data=CommitmentCreate(
                candidate_id=stage.anila.id or 0, event_id=event_id, text=text, **extra
            ),
        )
        await s.commit()
    return made.id or 0


async def _answer(db: Database, commitment_id: int, answer: Confirmation, **extra: object) -> None:
    async with db.write() as s:
        made = await s.get(Commitment, commitment_id)
        assert made is not None
        made.confirmation = answer
        made.candidate_answered_at = datetime(2022, 3, 12, 10, tzinfo=UTC)
        for key, value in extra.items():
            setattr(made, key, value)
        made.updated_at = utcnow()
        await s.commit()


async def _held_forum(db: Database, stage: Stage) -> tuple[int, int]:
    """A forum held a week ago, Anila there, with an answered question: their ids."""
    start = utcnow() - timedelta(days=7)
    event_id = await add_event(
        db, stage, starts_at=start, ends_at=start + timedelta(hours=2), status=EventStatus.held
    )
    async with db.write() as s:
        question = Question(
            event_id=event_id, body="Kur do të kemi ujë 24 orë?", status=QuestionStatus.answered
        )
        s.add(question)
        await s.flush()
        s.add(
            QuestionCandidate(
                question_id=question.id or 0,
                candidate_id=stage.anila.id or 0,
                addressed=True,
                answered=True,
            )
        )
        await s.commit()
    return event_id, question.id or 0


async def test_the_candidate_page_shows_the_record_with_each_state(
    citizen: Browser, db: Database, stage: Stage
) -> None:
    event_id, question_id = await _held_forum(db, stage)
    confirmed = await _record(
        db, stage, event_id, "Ujë 24 orë në çdo lagje.", question_id=question_id, target="100%"
    )
    disputed = await _record(db, stage, event_id, "Dy kopshte të reja.", deadline=date(2024, 6, 1))
    await _record(db, stage, event_id, "Rrugë të reja.")
    await _answer(db, confirmed, Confirmation.confirmed)
    await _answer(
        db,
        disputed,
        Confirmation.disputed,
        candidate_comment="Një kopsht i ri",
        organizer_note="Regjistrimi audio e konfirmon tekstin.",
    )
    declined_at = await add_event(db, stage, title="Takimi që refuzoi")
    async with db.write() as s:
        invitation = await s.get(EventCandidate, (declined_at, stage.anila.id))
        assert invitation is not None
        invitation.status = InvitationStatus.declined
        await s.commit()

    page = await citizen.get(f"/candidates/{stage.anila.id}")
    assert page.status_code == 200
    text = page.text
    assert "Anila Toska" in text
    assert "PU" in text  # the party
    assert "Durrës" in text
    assert "Confirmed by the candidate on 12 March 2022" in text
    assert "Disputed: proposes “Një kopsht i ri”" in text
    assert "Regjistrimi audio e konfirmon tekstin." in text
    assert "not yet confirmed by the candidate" in text
    assert "Takimi që refuzoi" in section(text, "events")
    assert "Kur do të kemi ujë 24 orë?" in section(text, "answered")
    assert "1 June 2024" in text
    citizen.cookies.set("pf_lang", "sq")
    albanian = await citizen.get(f"/candidates/{stage.anila.id}")
    assert "Konfirmuar nga kandidati më 12 mars 2022" in albanian.text
    assert "Kundërshtuar: propozon" in albanian.text


async def test_the_list_filters_by_election_municipality_and_party(
    citizen: Browser, stage: Stage
) -> None:
    everyone = await citizen.get("/candidates")
    assert all(n in everyone.text for n in ("Anila Toska", "Besa Çuni", "Gentian Lleshi"))
    by_party = await citizen.get(f"/candidates?party={stage.party.id}")
    assert "Anila Toska" in by_party.text
    assert "Besa Çuni" not in by_party.text
    by_place = await citizen.get("/candidates?municipality=shkoder")
    assert "Gentian Lleshi" in by_place.text
    assert "Anila Toska" not in by_place.text
    by_election = await citizen.get(f"/candidates?election={stage.other_election.id}&party=x")
    assert "Gentian Lleshi" in by_election.text
    assert "Besa Çuni" not in by_election.text
    assert (await citizen.get("/candidates/999999")).status_code == 404


async def test_open_data_is_excel_ready_and_formula_safe(
    citizen: Browser, db: Database, stage: Stage
) -> None:
    event_id, _question_id = await _held_forum(db, stage)
    await _record(db, stage, event_id, '=HYPERLINK("http://x")', target="+100 vende pune")
    for path in (
        f"/candidates/{stage.anila.id}/commitments.csv",
        f"/elections/{stage.election.id}/commitments.csv",
    ):
        answer = await citizen.get(path)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/csv")
        assert answer.content.startswith("\ufeff".encode())
        rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
        assert len(rows) == 1
        assert rows[0]["text"] == '\'=HYPERLINK("http://x")'
        assert rows[0]["target"] == "'+100 vende pune"
        assert rows[0]["candidate"] == "Anila Toska"
        assert rows[0]["confirmation"] == "recorded"
    assert (await citizen.get("/elections/999999/commitments.csv")).status_code == 404


async def test_the_event_page_lists_commitments_and_the_one_that_answered_a_question(
    citizen: Browser, db: Database, stage: Stage
) -> None:
    event_id, question_id = await _held_forum(db, stage)
    await _record(db, stage, event_id, "Ujë 24 orë brenda 2025.", question_id=question_id)
    page = await citizen.get(f"/events/{event_id}")
    made_here = section(page.text, "commitments")
    assert "Anila Toska" in made_here
    assert "Ujë 24 orë brenda 2025." in made_here
    item = section(page.text, f"q-{question_id}")
    assert "Commitment of Anila Toska:" in item
    assert "Ujë 24 orë brenda 2025." in item


async def test_a_new_commitment_shows_on_the_shared_page_at_once(
    citizen: Browser,
    neighbour: Browser,
    db: Database,
    stage: Stage,
    renders: list[int],  # noqa: F811
) -> None:
    start = utcnow() - timedelta(minutes=10)
    event_id = await add_event(db, stage, starts_at=start, ends_at=start + timedelta(hours=2))
    async with db.read() as s:
        before = await questions.version(session=s, event_id=event_id)
    first = await citizen.get(f"/events/{event_id}")
    assert 'id="commitments"' not in first.text
    await neighbour.get(f"/events/{event_id}")
    assert renders == [event_id]  # shared
    commitment_id = await _record(db, stage, event_id, "Një park i ri te ish-fusha.")
    async with db.read() as s:
        after = await questions.version(session=s, event_id=event_id)
    assert after != before
    renders.clear()
    pages = [await b.get(f"/events/{event_id}") for b in (citizen, neighbour)]
    assert all("Një park i ri te ish-fusha." in section(p.text, "commitments") for p in pages)
    assert renders == [event_id]
    # the live list, too: the version the browser holds is stale
    live = await citizen.get(f"/events/{event_id}/questions/live?v={before}")
    assert live.status_code == 200
    assert "Një park i ri te ish-fusha." in live.text
    # a confirmation changes the version again (updated_at)
    await _answer(db, commitment_id, Confirmation.confirmed)
    async with db.read() as s:
        assert await questions.version(session=s, event_id=event_id) != after
