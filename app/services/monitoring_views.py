"""Reading the monitoring: a round with everything its page shows, a contract's rounds and the
latest status of each priority (for `GET /api/v1/social-contracts/{id}`), the open data as CSV.

A draft round is seen only by the contract's writers (others get 404, as for an unknown one).
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import (
    AssessmentCorrection,
    AssessmentStatus,
    Candidate,
    Commitment,
    ContractPriority,
    Event,
    MonitoringRound,
    Municipality,
    PriorityAssessment,
    PriorityCommitment,
    PriorityPoint,
    PriorityQuestion,
    Question,
    Registration,
    RoundEvent,
    RoundStatus,
    SocialContract,
    User,
)
from app.models.contracts import RoundSummary
from app.models.events import PUBLIC_EVENT_STATUSES
from app.models.monitoring import (
    AssessmentPublic,
    CorrectionPublic,
    Figures,
    OpenAssessment,
    ReplyPublic,
    RoundPublic,
)
from app.services import contract_access
from app.services.errors import NotFound
from app.services.monitoring import priorities
from app.services.monitoring_figures import figures_of, flags
from app.services.questions import is_public
from app.services.registrants import csv_cell


async def may_write(*, session: AsyncSession, contract: SocialContract, user: User | None) -> bool:
    ids = await contract_access.organization_ids(session=session, contract_id=contract.id or 0)
    return contract_access.can_write(user, ids)


async def visible_round(
    *, session: AsyncSession, round_id: int, viewer: User | None
) -> tuple[MonitoringRound, SocialContract]:
    """A published round of a public contract, or any round for the contract's writers."""
    round_ = await session.get(MonitoringRound, round_id)
    contract = await session.get(SocialContract, round_.contract_id) if round_ else None
    if round_ is None or contract is None:
        raise NotFound(_("No such monitoring round."))
    ids = await contract_access.organization_ids(session=session, contract_id=contract.id or 0)
    public = round_.status == RoundStatus.published and contract_access.is_visible(
        contract, None, ids
    )
    if not public and not contract_access.can_write(viewer, ids):
        raise NotFound(_("No such monitoring round."))
    return round_, contract


async def rounds_of(
    *, session: AsyncSession, contract_id: int, drafts: bool = False
) -> list[MonitoringRound]:
    """A contract's rounds, oldest period first: published ones (and drafts, if asked)."""
    query = select(MonitoringRound).where(col(MonitoringRound.contract_id) == contract_id)
    if not drafts:
        query = query.where(col(MonitoringRound.status) == RoundStatus.published)
    query = query.order_by(col(MonitoringRound.period_start), col(MonitoringRound.id))
    return list((await session.execute(query)).scalars())


def summaries(rounds: list[MonitoringRound]) -> list[RoundSummary]:
    """The `rounds: [...]` of the contract's answer."""
    return [RoundSummary.model_validate(r, from_attributes=True) for r in rounds]


async def _statuses(session: AsyncSession, round_id: int) -> dict[int, AssessmentStatus]:
    rows = await session.execute(
        select(PriorityAssessment).where(
            col(PriorityAssessment.round_id) == round_id,
            col(PriorityAssessment.point_id).is_(None),
        )
    )
    return {a.priority_id: a.status for a in rows.scalars()}


async def latest_statuses(
    *, session: AsyncSession, contract_id: int
) -> dict[int, AssessmentStatus | None]:
    """Each priority in force → its status in the latest published round (None before any)."""
    listed = await priorities(session=session, contract_id=contract_id)
    published = await rounds_of(session=session, contract_id=contract_id)
    latest = await _statuses(session, published[-1].id or 0) if published else {}
    return {p.id or 0: latest.get(p.id or 0) for p in listed}


# --- one round, as its pages show it ---------------------------------------------------------


@dataclass
class Meeting:
    event: Event
    participants: int


@dataclass
class Source:
    """Where a priority came from: a commitment (with its candidate) or a citizens' question."""

    event: Event
    commitment: Commitment | None = None
    candidate: Candidate | None = None
    question: Question | None = None


@dataclass
class PriorityItem:
    priority: ContractPriority
    points: list[PriorityPoint]
    assessment: PriorityAssessment | None
    point_assessments: dict[int, PriorityAssessment]
    corrections: list[AssessmentCorrection]
    trend: list[tuple[MonitoringRound, AssessmentStatus | None]]
    reasons: list[str]
    sources: list[Source] = field(default_factory=list)


@dataclass
class RoundView:
    round: MonitoringRound
    contract: SocialContract
    municipality: Municipality
    items: list[PriorityItem]
    figures: Figures
    meetings: list[Meeting]
    rounds: list[MonitoringRound]

    @property
    def participants(self) -> int:
        return sum(m.participants for m in self.meetings)

    @property
    def unassessed(self) -> list[ContractPriority]:
        return [i.priority for i in self.items if i.assessment is None]

    @property
    def flagged(self) -> list[PriorityItem]:
        return [i for i in self.items if i.reasons]


async def meetings(*, session: AsyncSession, round_id: int) -> list[Meeting]:
    """The community meetings held for a round; citizens who took part: the closing report's
    count, or else those checked in at the door."""
    events = list(
        (
            await session.execute(
                select(Event)
                .join(RoundEvent, col(RoundEvent.event_id) == Event.id)
                .where(col(RoundEvent.round_id) == round_id)
                .order_by(col(Event.starts_at))
            )
        ).scalars()
    )
    checked: dict[int, int] = {}
    if events:
        rows = await session.execute(
            select(Registration.event_id, func.count())  # type: ignore[call-overload]
            .where(
                col(Registration.event_id).in_([e.id for e in events]),
                col(Registration.checked_in_at).is_not(None),
            )
            .group_by(Registration.event_id)
        )
        checked = {int(row[0]): int(row[1]) for row in rows}
    return [
        Meeting(
            e, e.report_attendees if e.report_attendees is not None else checked.get(e.id or 0, 0)
        )
        for e in events
    ]


async def _sources(session: AsyncSession, priority_ids: list[int]) -> dict[int, list[Source]]:
    found: dict[int, list[Source]] = defaultdict(list)
    if not priority_ids:
        return found
    commitments = await session.execute(
        select(PriorityCommitment.priority_id, Commitment, Candidate, Event)  # type: ignore[call-overload]
        .join(Commitment, col(Commitment.id) == PriorityCommitment.commitment_id)
        .join(Candidate, col(Candidate.id) == Commitment.candidate_id)
        .join(Event, col(Event.id) == Commitment.event_id)
        .where(
            col(PriorityCommitment.priority_id).in_(priority_ids),
            col(Event.status).in_(PUBLIC_EVENT_STATUSES),
        )
        .order_by(col(Event.starts_at), col(Commitment.id))
    )
    for priority_id, commitment, candidate, event in commitments:
        found[priority_id].append(Source(event, commitment=commitment, candidate=candidate))
    questions = await session.execute(
        select(PriorityQuestion.priority_id, Question, Event)  # type: ignore[call-overload]
        .join(Question, col(Question.id) == PriorityQuestion.question_id)
        .join(Event, col(Event.id) == Question.event_id)
        .where(
            col(PriorityQuestion.priority_id).in_(priority_ids),
            col(Event.status).in_(PUBLIC_EVENT_STATUSES),
        )
        .order_by(col(Question.votes).desc(), col(Question.id))
    )
    for priority_id, question, event in questions:
        if is_public(question):
            found[priority_id].append(Source(event, question=question))
    return found


async def round_view(
    *, session: AsyncSession, round_: MonitoringRound, contract: SocialContract
) -> RoundView:
    """Everything a round's pages show: each priority with its assessment, points, reply,
    corrections, trend and flags; the figures; the community meetings."""
    listed = await priorities(session=session, contract_id=contract.id or 0)
    ids = [p.id or 0 for p in listed]
    published = await rounds_of(session=session, contract_id=contract.id or 0)
    trend_rounds = [r for r in published if r.period_start <= round_.period_start]
    if round_.status != RoundStatus.published:
        trend_rounds.append(round_)
    by_round = {r.id or 0: await _statuses(session, r.id or 0) for r in trend_rounds}
    earlier = [r for r in trend_rounds if r.id != round_.id]
    previous = by_round[earlier[-1].id or 0] if earlier else None
    current = by_round.get(round_.id or 0, {})
    flagged = flags(current, previous) if round_.status == RoundStatus.published else {}
    assessments = list(
        (
            await session.execute(
                select(PriorityAssessment).where(col(PriorityAssessment.round_id) == round_.id)
            )
        ).scalars()
    )
    whole = {a.priority_id: a for a in assessments if a.point_id is None}
    by_point = {a.point_id: a for a in assessments if a.point_id is not None}
    corrections: dict[int, list[AssessmentCorrection]] = defaultdict(list)
    if assessments:
        rows = await session.execute(
            select(AssessmentCorrection)
            .where(col(AssessmentCorrection.assessment_id).in_([a.id for a in assessments]))
            .order_by(col(AssessmentCorrection.corrected_at))
        )
        for correction in rows.scalars():
            corrections[correction.assessment_id].append(correction)
    points: dict[int, list[PriorityPoint]] = defaultdict(list)
    if ids:
        rows_p = await session.execute(
            select(PriorityPoint)
            .where(col(PriorityPoint.priority_id).in_(ids))
            .order_by(col(PriorityPoint.number))
        )
        for point in rows_p.scalars():
            points[point.priority_id].append(point)
    sources = await _sources(session, ids)
    items = []
    for priority in listed:
        pid = priority.id or 0
        assessment = whole.get(pid)
        items.append(
            PriorityItem(
                priority=priority,
                points=points[pid],
                assessment=assessment,
                point_assessments={
                    p.id or 0: by_point[p.id] for p in points[pid] if p.id in by_point
                },
                corrections=[
                    c for a in assessments if a.priority_id == pid for c in corrections[a.id or 0]
                ],
                trend=[(r, by_round[r.id or 0].get(pid)) for r in trend_rounds],
                reasons=flagged.get(pid, []),
                sources=sources[pid],
            )
        )
    municipality = await session.get(Municipality, contract.municipality_id)
    assert municipality is not None
    return RoundView(
        round=round_,
        contract=contract,
        municipality=municipality,
        items=items,
        figures=figures_of(current.values()),
        meetings=await meetings(session=session, round_id=round_.id or 0),
        rounds=await rounds_of(session=session, contract_id=contract.id or 0, drafts=True),
    )


def round_public(view: RoundView) -> RoundPublic:
    """A round as `GET /api/v1/monitoring-rounds/{id}` answers it."""
    assessments = []
    for item in view.items:
        listed = [item.assessment] if item.assessment else []
        listed += [
            item.point_assessments[p.id or 0] for p in item.points if p.id in item.point_assessments
        ]
        for a in listed:
            own = [c for c in item.corrections if c.assessment_id == a.id]
            assessments.append(
                AssessmentPublic(
                    priority_id=a.priority_id,
                    point_id=a.point_id,
                    status=a.status,
                    evidence=a.evidence,
                    evidence_url=a.evidence_url,
                    assessed_at=a.assessed_at,
                    reply=ReplyPublic(
                        text=a.municipality_reply,
                        replied_on=a.municipality_replied_on,
                        document_url=a.municipality_reply_url,
                    )
                    if a.municipality_reply and a.municipality_replied_on
                    else None,
                    corrections=[
                        CorrectionPublic.model_validate(c, from_attributes=True) for c in own
                    ],
                )
            )
    r = view.round
    return RoundPublic(
        id=r.id or 0,
        label=r.label,
        status=r.status,
        period_start=r.period_start,
        period_end=r.period_end,
        contract_id=view.contract.id or 0,
        municipality_id=view.contract.municipality_id,
        published_at=r.published_at,
        assessments=assessments,
        unassessed_priority_ids=[p.id or 0 for p in view.unassessed],
        event_ids=[m.event.id or 0 for m in view.meetings],
        meetings=len(view.meetings),
        participants=view.participants,
        figures=view.figures,
    )


def open_data_csv(rows: list[OpenAssessment]) -> str:
    """The open data as CSV (UTF-8, a header row; cells that a spreadsheet would run are quoted)."""
    out = io.StringIO()
    writer = csv.writer(out)
    names = list(OpenAssessment.model_fields)
    writer.writerow(names)
    for row in rows:
        writer.writerow([csv_cell(getattr(row, name)) for name in names])
    return out.getvalue()
