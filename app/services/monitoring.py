"""Yearly monitoring of a contract in force: rounds, assessments, publishing, corrections, replies.

Rules: a round only for a contract `in_force` (409); its label unique per contract and its period
in order (422). Each priority of the version in force (the last frozen one; none frozen: the last)
gets one assessment per round, and optionally one per point: evidence text is required for every
status, and a link for `fully_addressed` and `partially_addressed` (422). Publishing needs the
period to have ended (its last day is past, Tirana time) and every priority assessed (409 naming
the others); it is one-way. After it, an assessment changes only by a correction with a reason
(PUT → 409), kept with its before and after. The municipality's reply may be recorded any time.

Every write checks the actor writes the contract (403, services/contract_access.py), is audited
and leaves the commit to the caller. Meetings: monitoring_meetings.py; reads: monitoring_views.py;
sums: monitoring_figures.py.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app import i18n
from app.i18n import gettext as _
from app.models import (
    AssessmentCorrection,
    AssessmentStatus,
    ContractPriority,
    ContractStatus,
    ContractVersion,
    MonitoringRound,
    PriorityAssessment,
    PriorityPoint,
    RoundStatus,
    SocialContract,
    User,
    utcnow,
)
from app.models.monitoring import AssessmentInput, CorrectionInput, ReplyInput, RoundCreate
from app.services import audit
from app.services.contract_access import require_writer
from app.services.errors import Conflict, InvalidInput, NotFound

NEEDS_LINK = {AssessmentStatus.fully_addressed, AssessmentStatus.partially_addressed}


def local_today() -> date:
    """Today in the app's timezone (a period ends on a Tirana day)."""
    return datetime.now(ZoneInfo(i18n._timezone.get())).date()


# --- reading what the writes need ------------------------------------------------------------


async def version_in_force(*, session: AsyncSession, contract_id: int) -> ContractVersion | None:
    """The text monitored: the last frozen (signed) version, or the last one if none was."""
    versions = (
        await session.execute(
            select(ContractVersion)
            .where(col(ContractVersion.contract_id) == contract_id)
            .order_by(col(ContractVersion.number).desc())
        )
    ).scalars()
    listed = list(versions)
    frozen = [v for v in listed if v.frozen_at is not None]
    chosen = frozen or listed
    return chosen[0] if chosen else None


async def priorities(*, session: AsyncSession, contract_id: int) -> list[ContractPriority]:
    """The priorities of the version in force, in their order."""
    version = await version_in_force(session=session, contract_id=contract_id)
    if version is None:
        return []
    rows = await session.execute(
        select(ContractPriority)
        .where(col(ContractPriority.version_id) == version.id)
        .order_by(col(ContractPriority.position), col(ContractPriority.id))
    )
    return list(rows.scalars())


async def _contract(session: AsyncSession, contract_id: int) -> SocialContract:
    contract = await session.get(SocialContract, contract_id)
    if contract is None:
        raise NotFound(_("No such social contract."))
    return contract


async def writable_round(
    *, session: AsyncSession, actor: User, round_id: int
) -> tuple[MonitoringRound, SocialContract]:
    """The round and its contract, for a writer of the contract: 404, then 403."""
    round_ = await session.get(MonitoringRound, round_id)
    if round_ is None:
        raise NotFound(_("No such monitoring round."))
    contract = await _contract(session, round_.contract_id)
    await require_writer(session=session, user=actor, contract=contract)
    return round_, contract


async def _priority(session: AsyncSession, contract_id: int, priority_id: int) -> ContractPriority:
    for priority in await priorities(session=session, contract_id=contract_id):
        if priority.id == priority_id:
            return priority
    raise NotFound(_("This priority is not one of the contract in force."))


async def assessment_of(
    *, session: AsyncSession, round_id: int, priority_id: int, point_id: int | None = None
) -> PriorityAssessment | None:
    query = select(PriorityAssessment).where(
        col(PriorityAssessment.round_id) == round_id,
        col(PriorityAssessment.priority_id) == priority_id,
    )
    if point_id is None:
        query = query.where(col(PriorityAssessment.point_id).is_(None))
    else:
        query = query.where(col(PriorityAssessment.point_id) == point_id)
    return (await session.execute(query)).scalars().first()


# --- rounds ----------------------------------------------------------------------------------


async def create_round(
    *, session: AsyncSession, actor: User, contract_id: int, data: RoundCreate
) -> MonitoringRound:
    """A draft round of a contract in force (409 otherwise)."""
    contract = await _contract(session, contract_id)
    await require_writer(session=session, user=actor, contract=contract)
    if contract.status != ContractStatus.in_force:
        raise Conflict(_("Only a contract in force is monitored: this one is not in force yet."))
    errors: dict[str, str] = {}
    if data.period_end <= data.period_start:
        errors["period_end"] = _("The period ends after it starts.")
    taken = await session.scalar(
        select(func.count())
        .select_from(MonitoringRound)
        .where(
            col(MonitoringRound.contract_id) == contract_id,
            col(MonitoringRound.label) == data.label,
        )
    )
    if taken:
        errors["label"] = _("This contract already has a round with this label.")
    if errors:
        raise InvalidInput(errors)
    round_ = MonitoringRound(contract_id=contract_id, **data.model_dump())
    session.add(round_)
    await session.flush()
    audit.record(
        session=session,
        user=actor,
        action="monitoring_round.create",
        entity_id=round_.id,
        details={"contract_id": contract_id, **data.model_dump(mode="json")},
    )
    return round_


def _check_evidence(data: AssessmentInput) -> None:
    errors: dict[str, str] = {}
    if not data.evidence:
        errors["evidence"] = _("Say what shows this status: evidence is required for every one.")
    if data.status in NEEDS_LINK and not data.evidence_url:
        errors["evidence_url"] = _(
            "Give a link to the evidence (a document, a decision, a photo) for a priority fully "
            "or partially addressed."
        )
    if errors:
        raise InvalidInput(errors)


async def _check_point(session: AsyncSession, priority_id: int, point_id: int | None) -> None:
    if point_id is None:
        return
    point = await session.get(PriorityPoint, point_id)
    if point is None or point.priority_id != priority_id:
        raise InvalidInput({"point_id": _("Choose a point of this priority.")})


async def assess(
    *,
    session: AsyncSession,
    actor: User,
    round_id: int,
    priority_id: int,
    data: AssessmentInput,
    now: datetime | None = None,
) -> PriorityAssessment:
    """Sets (or replaces) the assessment of a priority or point in a draft round."""
    now = now or utcnow()
    round_, contract = await writable_round(session=session, actor=actor, round_id=round_id)
    await _priority(session, contract.id or 0, priority_id)
    if round_.status == RoundStatus.published:
        raise Conflict(
            _("This round is published: change an assessment with the correction route.")
        )
    await _check_point(session, priority_id, data.point_id)
    _check_evidence(data)
    assessment = await assessment_of(
        session=session, round_id=round_id, priority_id=priority_id, point_id=data.point_id
    )
    if assessment is None:
        assessment = PriorityAssessment(
            round_id=round_id,
            priority_id=priority_id,
            point_id=data.point_id,
            status=data.status,
            evidence=data.evidence,
        )
        session.add(assessment)
    assessment.status = data.status
    assessment.evidence = data.evidence
    assessment.evidence_url = data.evidence_url
    assessment.assessed_by_id = actor.id
    assessment.assessed_at = now
    await session.flush()
    audit.record(
        session=session,
        user=actor,
        action="priority_assessment.assess",
        entity_id=assessment.id,
        details={"round_id": round_id, "priority_id": priority_id, **data.model_dump(mode="json")},
    )
    return assessment


async def unassessed(*, session: AsyncSession, round_: MonitoringRound) -> list[ContractPriority]:
    """The priorities of the round's contract with no whole-priority assessment yet."""
    done = set(
        (
            await session.execute(
                select(PriorityAssessment.priority_id).where(  # type: ignore[call-overload]
                    col(PriorityAssessment.round_id) == round_.id,
                    col(PriorityAssessment.point_id).is_(None),
                )
            )
        ).scalars()
    )
    listed = await priorities(session=session, contract_id=round_.contract_id)
    return [p for p in listed if p.id not in done]


async def publish(
    *,
    session: AsyncSession,
    actor: User,
    round_id: int,
    today: date | None = None,
    now: datetime | None = None,
) -> MonitoringRound:
    """Publishes a round whose period has ended and whose every priority is assessed. One-way."""
    today = today or local_today()
    round_, _contract_row = await writable_round(session=session, actor=actor, round_id=round_id)
    if round_.status == RoundStatus.published:
        raise Conflict(_("This round is published already; publishing cannot be undone."))
    if round_.period_end >= today:
        raise Conflict(
            _(
                "The round's period has not ended yet (it ends on %(day)s): publish it after.",
                day=i18n.format_date(round_.period_end),
            )
        )
    if not await priorities(session=session, contract_id=round_.contract_id):
        raise Conflict(_("The contract in force has no priorities: there is nothing to publish."))
    missing = await unassessed(session=session, round_=round_)
    if missing:
        names = "; ".join(f"{p.position}. {p.title}" for p in missing)
        raise Conflict(
            _("Assess every priority before publishing. Not assessed: %(names)s", names=names)
        )
    round_.status = RoundStatus.published
    round_.published_at = now or utcnow()
    await session.flush()
    audit.record(
        session=session, user=actor, action="monitoring_round.publish", entity_id=round_.id
    )
    return round_


async def correct(
    *,
    session: AsyncSession,
    actor: User,
    round_id: int,
    priority_id: int,
    data: CorrectionInput,
    now: datetime | None = None,
) -> AssessmentCorrection:
    """A published assessment changed, with the reason; the before and after are kept."""
    now = now or utcnow()
    round_, contract = await writable_round(session=session, actor=actor, round_id=round_id)
    await _priority(session, contract.id or 0, priority_id)
    if round_.status != RoundStatus.published:
        raise Conflict(_("This round is not published yet: change the assessment itself."))
    await _check_point(session, priority_id, data.point_id)
    assessment = await assessment_of(
        session=session, round_id=round_id, priority_id=priority_id, point_id=data.point_id
    )
    if assessment is None:
        raise Conflict(_("This priority has no assessment in this round to correct."))
    errors: dict[str, str] = {}
    try:
        _check_evidence(data)
    except InvalidInput as error:
        errors.update(error.errors)
    if not data.reason:
        errors["reason"] = _("Say why the assessment is corrected: the reason is published.")
    if errors:
        raise InvalidInput(errors)
    correction = AssessmentCorrection(
        assessment_id=assessment.id or 0,
        previous_status=assessment.status,
        previous_evidence=assessment.evidence,
        previous_evidence_url=assessment.evidence_url,
        previous_document_id=assessment.document_id,
        new_status=data.status,
        new_evidence=data.evidence,
        new_evidence_url=data.evidence_url,
        reason=data.reason,
        corrected_by_id=actor.id,
        corrected_at=now,
    )
    session.add(correction)
    assessment.status = data.status
    assessment.evidence = data.evidence
    assessment.evidence_url = data.evidence_url
    assessment.document_id = None
    await session.flush()
    audit.record(
        session=session,
        user=actor,
        action="priority_assessment.correct",
        entity_id=assessment.id,
        details={"round_id": round_id, "priority_id": priority_id, **data.model_dump(mode="json")},
    )
    return correction


async def reply(
    *,
    session: AsyncSession,
    actor: User,
    round_id: int,
    priority_id: int,
    data: ReplyInput,
    today: date | None = None,
) -> PriorityAssessment:
    """Records (or replaces) the municipality's reply to a priority's assessment."""
    today = today or local_today()
    _round, contract = await writable_round(session=session, actor=actor, round_id=round_id)
    await _priority(session, contract.id or 0, priority_id)
    assessment = await assessment_of(session=session, round_id=round_id, priority_id=priority_id)
    if assessment is None:
        raise Conflict(_("Assess this priority first: the reply answers an assessment."))
    if data.replied_on > today:
        raise InvalidInput({"replied_on": _("The reply's date cannot be in the future.")})
    assessment.municipality_reply = data.text
    assessment.municipality_replied_on = data.replied_on
    assessment.municipality_reply_url = data.document_url
    await session.flush()
    audit.record(
        session=session,
        user=actor,
        action="priority_assessment.reply",
        entity_id=assessment.id,
        details={"round_id": round_id, "priority_id": priority_id, **data.model_dump(mode="json")},
    )
    return assessment
