"""The versioned contract and monitoring tables refuse what the model forbids, on both engines."""

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col

from app.db import Database
from app.models import (
    AssessmentCorrection,
    AssessmentStatus,
    ContractPriority,
    ContractSignature,
    ContractStatus,
    ContractVersion,
    MonitoringRound,
    PriorityAssessment,
    PriorityPoint,
    RoundStatus,
    SignatureStatus,
    SocialContract,
    StoredDocument,
)
from app.models.base import utcnow
from tests.conftest import Stage

FULLY = AssessmentStatus.fully_addressed
NOT = AssessmentStatus.not_addressed


@dataclass
class Signed:
    """A contract in force: version 1 (frozen, signed by Anila), one priority with two points,
    a draft monitoring round."""

    stage: Stage
    contract_id: int
    version_id: int
    priority_id: int
    points: tuple[int, int]
    round_id: int
    document_id: int


def _id(value: int | None) -> int:
    assert value is not None
    return value


def _contract(stage: Stage, **overrides: object) -> SocialContract:
    values: dict[str, object] = {
        "municipality_id": stage.world.municipality.id,
        "election_id": stage.election.id,
        "title": "Kontrata Sociale Durrës 2030–2034",
        "term_start": date(2030, 7, 1),
        "term_end": date(2034, 6, 30),
    }
    return SocialContract(**(values | overrides))


def _round(signed: Signed, **overrides: object) -> MonitoringRound:
    values: dict[str, object] = {
        "contract_id": signed.contract_id,
        "label": "Viti 2",
        "period_start": date(2031, 9, 1),
        "period_end": date(2032, 9, 1),
    }
    return MonitoringRound(**(values | overrides))


def _assessment(signed: Signed, **overrides: object) -> PriorityAssessment:
    values: dict[str, object] = {
        "round_id": signed.round_id,
        "priority_id": signed.priority_id,
        "status": FULLY,
        "evidence": "Rruga u asfaltua (vendim i Këshillit Bashkiak nr. 12).",
    }
    return PriorityAssessment(**(values | overrides))


@pytest.fixture
async def signed(stage: Stage, db: Database) -> Signed:
    async with db.write() as s:
        contract = _contract(stage, status=ContractStatus.in_force)
        s.add(contract)
        await s.flush()
        version = ContractVersion(contract_id=_id(contract.id), number=1, frozen_at=utcnow())
        document = StoredDocument(
            path="2030/anila.pdf", original_name="anila.pdf", content_type="application/pdf", size=9
        )
        s.add_all([version, document])
        await s.flush()
        priority = ContractPriority(version_id=_id(version.id), position=1, title="Rrugët rurale")
        s.add(priority)
        await s.flush()
        points = [
            PriorityPoint(priority_id=_id(priority.id), number=n, text=text)
            for n, text in [(1, "Asfaltimi i rrugës Shkozet–Manëz"), (2, "Ndriçimi i rrugës")]
        ]
        round_ = MonitoringRound(
            contract_id=_id(contract.id),
            label="Viti 1",
            period_start=date(2030, 9, 1),
            period_end=date(2031, 9, 1),
        )
        signature = ContractSignature(
            version_id=_id(version.id),
            candidate_id=_id(stage.anila.id),
            signed_on=date(2030, 4, 20),
            status=SignatureStatus.signed,
        )
        s.add_all([*points, round_, signature])
        await s.commit()
        return Signed(
            stage,
            _id(contract.id),
            _id(version.id),
            _id(priority.id),
            (_id(points[0].id), _id(points[1].id)),
            _id(round_.id),
            _id(document.id),
        )


async def refused(db: Database, *rows: SQLModel) -> None:
    async with db.write() as s:
        s.add_all(rows)
        with pytest.raises(IntegrityError):
            await s.flush()
        await s.rollback()


async def accepted(db: Database, *rows: SQLModel) -> None:
    async with db.write() as s:
        s.add_all(rows)
        await s.commit()


async def test_one_contract_per_municipality_and_election_over_a_term_in_order(
    signed: Signed, db: Database
) -> None:
    stage = signed.stage
    await refused(db, _contract(stage))
    await refused(
        db, _contract(stage, election_id=stage.other_election.id, term_end=date(2030, 7, 1))
    )
    await refused(
        db, _contract(stage, election_id=stage.other_election.id, term_end=date(2029, 1, 1))
    )
    await accepted(db, _contract(stage, election_id=stage.other_election.id))


async def test_versions_are_numbered_from_one_once_per_contract(
    signed: Signed, db: Database
) -> None:
    await refused(db, ContractVersion(contract_id=signed.contract_id, number=1))
    await refused(db, ContractVersion(contract_id=signed.contract_id, number=0))
    await accepted(db, ContractVersion(contract_id=signed.contract_id, number=2))


async def test_priorities_have_a_place_and_points_a_number_once_per_priority(
    signed: Signed, db: Database
) -> None:
    await refused(db, ContractPriority(version_id=signed.version_id, position=0, title="Uji"))
    await refused(db, PriorityPoint(priority_id=signed.priority_id, number=2, text="Sërish"))
    await refused(db, PriorityPoint(priority_id=signed.priority_id, number=0, text="Zero"))
    await accepted(db, PriorityPoint(priority_id=signed.priority_id, number=3, text="Trotuaret"))


async def test_a_candidate_answers_each_version_once_with_one_document(
    signed: Signed, db: Database
) -> None:
    stage = signed.stage

    def signature(version_id: int, candidate_id: int | None, **extra: object) -> ContractSignature:
        return ContractSignature(
            version_id=version_id,
            candidate_id=candidate_id,
            signed_on=date(2030, 4, 27),
            status=SignatureStatus.declined,
            **extra,
        )

    await refused(db, signature(signed.version_id, stage.anila.id))
    await refused(
        db,
        signature(
            signed.version_id,
            stage.besa.id,
            document_id=signed.document_id,
            document_url="https://example.org/besa.pdf",
        ),
    )
    await accepted(db, signature(signed.version_id, stage.besa.id, document_id=signed.document_id))
    version_2 = ContractVersion(contract_id=signed.contract_id, number=2)
    await accepted(db, version_2)
    await accepted(db, signature(_id(version_2.id), stage.anila.id))


async def delete_refused(db: Database, table: type[SQLModel], key: int) -> None:
    async with db.write() as s:
        with pytest.raises(IntegrityError):
            await s.execute(delete(table).where(col(table.id) == key))  # type: ignore[attr-defined]
        await s.rollback()


async def test_a_signed_text_or_a_monitored_contract_cannot_be_deleted(
    signed: Signed, db: Database
) -> None:
    await delete_refused(db, ContractVersion, signed.version_id)  # its signature
    await delete_refused(db, SocialContract, signed.contract_id)  # its round, its signature
    async with db.write() as s:
        await s.execute(delete(MonitoringRound))
        await s.commit()
    await delete_refused(db, SocialContract, signed.contract_id)  # its signed version
    async with db.write() as s:
        await s.execute(delete(ContractSignature))
        await s.execute(delete(SocialContract).where(col(SocialContract.id) == signed.contract_id))
        await s.commit()
    async with db.read() as s:  # an unsigned contract goes with its versions, priorities, points
        for table in (ContractVersion, ContractPriority, PriorityPoint):
            assert (await s.execute(select(table))).first() is None


async def test_rounds_cover_a_period_in_order_with_a_label_once_per_contract(
    signed: Signed, db: Database
) -> None:
    await refused(db, _round(signed, label="Viti 1"))
    await refused(db, _round(signed, period_end=date(2031, 9, 1)))
    await refused(db, _round(signed, period_end=date(2031, 8, 31)))
    await refused(db, _round(signed, status=RoundStatus.published))
    await accepted(db, _round(signed, status=RoundStatus.published, published_at=utcnow()))


async def test_one_assessment_per_round_and_priority_and_per_round_and_point(
    signed: Signed, db: Database
) -> None:
    first, second = signed.points
    await accepted(db, _assessment(signed))
    await refused(db, _assessment(signed, status=NOT))  # NULL point_id: still the same priority
    await accepted(db, _assessment(signed, point_id=first), _assessment(signed, point_id=second))
    await refused(db, _assessment(signed, point_id=first, status=NOT))
    later = _round(signed)
    await accepted(db, later)
    await accepted(
        db,
        _assessment(signed, round_id=later.id),
        _assessment(signed, round_id=later.id, point_id=first),
    )


async def test_assessments_carry_evidence_and_a_dated_reply_corrections_a_reason(
    signed: Signed, db: Database
) -> None:
    await refused(db, _assessment(signed, evidence=""))
    await refused(db, _assessment(signed, municipality_reply="Po punojmë."))
    await refused(db, _assessment(signed, municipality_replied_on=date(2031, 10, 1)))
    assessment = _assessment(
        signed, municipality_reply="Po punojmë.", municipality_replied_on=date(2031, 10, 1)
    )
    await accepted(db, assessment)

    def correction(reason: str) -> AssessmentCorrection:
        return AssessmentCorrection(
            assessment_id=assessment.id,
            previous_status=FULLY,
            previous_evidence=assessment.evidence,
            new_status=AssessmentStatus.partially_addressed,
            new_evidence="Vetëm gjysma e rrugës u asfaltua.",
            reason=reason,
        )

    await refused(db, correction(""))
    await accepted(db, correction("Verifikuam në terren: punimet janë në gjysmë."))


async def test_stored_documents_have_a_size_and_a_path_of_their_own(
    signed: Signed, db: Database
) -> None:
    def document(path: str, size: int) -> StoredDocument:
        return StoredDocument(
            path=path, original_name="skan.png", content_type="image/png", size=size
        )

    await refused(db, document("2030/anila.pdf", 100))
    await refused(db, document("2030/besa.png", 0))
    await accepted(db, document("2030/besa.png", 100))
