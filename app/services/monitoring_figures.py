"""The monitoring's sums: counts and shares of a round, the network's latest rounds, the term's
figure, the unaddressed list, and the open data of every published assessment.

Shares are whole percents rounded by the largest remainder, so the three parts always add up
to 100 (the pages say so). Only whole-priority assessments count (a point's is detail). Only
published rounds of contracts in force are read here: everything here is public.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.models import (
    AssessmentCorrection,
    AssessmentStatus,
    ContractPriority,
    ContractStatus,
    MonitoringRound,
    Municipality,
    PriorityAssessment,
    PriorityPoint,
    RoundStatus,
    SocialContract,
)
from app.models.monitoring import (
    Figures,
    MunicipalityFigures,
    NetworkFigures,
    OpenAssessment,
    TermFigure,
)

STATUSES = (
    AssessmentStatus.fully_addressed,
    AssessmentStatus.partially_addressed,
    AssessmentStatus.not_addressed,
)
RANK = {
    AssessmentStatus.not_addressed: 0,
    AssessmentStatus.partially_addressed: 1,
    AssessmentStatus.fully_addressed: 2,
}
NOT_ADDRESSED, NO_IMPROVEMENT = "not_addressed", "no_improvement"


def largest_remainder(counts: dict[str, int], total: int = 100) -> dict[str, int]:
    """Whole shares of `total` in proportion to `counts` that add up to `total` exactly (all
    zero when nothing is counted): each gets its floor, the largest remainders one more."""
    whole = sum(counts.values())
    if whole == 0:
        return dict.fromkeys(counts, 0)
    exact = {key: value * total / whole for key, value in counts.items()}
    shares = {key: int(value) for key, value in exact.items()}
    left = total - sum(shares.values())
    order = sorted(counts, key=lambda key: (-(exact[key] - shares[key]), list(counts).index(key)))
    for key in order[:left]:
        shares[key] += 1
    return shares


def figures_of(statuses: Iterable[AssessmentStatus]) -> Figures:
    """Counts and shares of a set of assessments."""
    counts = dict.fromkeys((s.value for s in STATUSES), 0)
    for status in statuses:
        counts[status.value] += 1
    return Figures(**counts, total=sum(counts.values()), percentages=largest_remainder(counts))


def flags(
    current: dict[int, AssessmentStatus], previous: dict[int, AssessmentStatus] | None
) -> dict[int, list[str]]:
    """Priorities to flag: not addressed now; or, with an earlier round, not improved since
    (the same or a lower status, unless fully addressed both times)."""
    flagged: dict[int, list[str]] = {}
    for priority_id, status in current.items():
        reasons = []
        if status == AssessmentStatus.not_addressed:
            reasons.append(NOT_ADDRESSED)
        before = (previous or {}).get(priority_id)
        if (
            before is not None
            and status != AssessmentStatus.fully_addressed
            and RANK[status] <= RANK[before]
        ):
            reasons.append(NO_IMPROVEMENT)
        if reasons:
            flagged[priority_id] = reasons
    return flagged


# --- the network ------------------------------------------------------------------------------


@dataclass
class ContractRounds:
    """A contract in force with its published rounds (oldest first) and their statuses."""

    contract: SocialContract
    municipality: Municipality
    rounds: list[MonitoringRound]
    statuses: dict[int, dict[int, AssessmentStatus]]  # round id → priority id → status
    priorities: dict[int, ContractPriority] = field(default_factory=dict)

    @property
    def latest(self) -> MonitoringRound | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def previous(self) -> MonitoringRound | None:
        return self.rounds[-2] if len(self.rounds) > 1 else None

    def figures(self) -> Figures:
        latest = self.latest
        return figures_of(self.statuses[latest.id or 0].values() if latest else [])

    def flagged(self) -> dict[int, list[str]]:
        latest, previous = self.latest, self.previous
        if latest is None:
            return {}
        before = self.statuses[previous.id or 0] if previous else None
        return flags(self.statuses[latest.id or 0], before)


async def published(
    *, session: AsyncSession, municipality_id: int | None = None
) -> list[ContractRounds]:
    """Every contract in force that has a published round, by municipality name."""
    query = (
        select(MonitoringRound, SocialContract, Municipality)
        .join(SocialContract, col(SocialContract.id) == MonitoringRound.contract_id)
        .join(Municipality, col(Municipality.id) == SocialContract.municipality_id)
        .where(
            col(MonitoringRound.status) == RoundStatus.published,
            col(SocialContract.status) == ContractStatus.in_force,
        )
        .order_by(col(MonitoringRound.period_start), col(MonitoringRound.id))
    )
    if municipality_id is not None:
        query = query.where(col(SocialContract.municipality_id) == municipality_id)
    found: dict[int, ContractRounds] = {}
    for round_, contract, municipality in await session.execute(query):
        entry = found.setdefault(contract.id or 0, ContractRounds(contract, municipality, [], {}))
        entry.rounds.append(round_)
        entry.statuses[round_.id or 0] = {}
    round_ids = [r.id for entry in found.values() for r in entry.rounds]
    by_round = {r.id: entry for entry in found.values() for r in entry.rounds}
    if round_ids:
        rows = await session.execute(
            select(PriorityAssessment, ContractPriority)
            .join(ContractPriority, col(ContractPriority.id) == PriorityAssessment.priority_id)
            .where(
                col(PriorityAssessment.round_id).in_(round_ids),
                col(PriorityAssessment.point_id).is_(None),
            )
        )
        for assessment, priority in rows:
            entry = by_round[assessment.round_id]
            entry.statuses[assessment.round_id][assessment.priority_id] = assessment.status
            entry.priorities[priority.id or 0] = priority
    return sorted(found.values(), key=lambda e: (e.municipality.name, e.contract.id or 0))


def latest_by_municipality(contracts: list[ContractRounds]) -> list[ContractRounds]:
    """One row per municipality: its contract whose latest published round is the newest."""
    best: dict[int, ContractRounds] = {}
    for entry in contracts:
        latest = entry.latest
        held = best.get(entry.municipality.id or 0)
        if latest is None:
            continue
        if held is None or (held.latest and held.latest.period_end < latest.period_end):
            best[entry.municipality.id or 0] = entry
    return sorted(best.values(), key=lambda e: e.municipality.name)


def terms(contracts: list[ContractRounds]) -> list[TermFigure]:
    """Per election's term: the share addressed over every published round of its contracts."""
    grouped: dict[int, list[ContractRounds]] = defaultdict(list)
    for entry in contracts:
        grouped[entry.contract.election_id].append(entry)
    figures = []
    for election_id, entries in grouped.items():
        statuses = [s for e in entries for by in e.statuses.values() for s in by.values()]
        addressed = sum(1 for s in statuses if s != AssessmentStatus.not_addressed)
        longest = max(len(e.rounds) for e in entries)
        years = [
            figures_of(
                s
                for e in entries
                if len(e.rounds) > n
                for s in e.statuses[e.rounds[n].id or 0].values()
            )
            for n in range(longest)
        ]
        figures.append(
            TermFigure(
                election_id=election_id,
                rounds=sum(len(e.rounds) for e in entries),
                assessments=len(statuses),
                addressed=addressed,
                addressed_percent=round(100 * addressed / len(statuses), 1) if statuses else 0.0,
                years=years,
            )
        )
    return sorted(figures, key=lambda t: -t.election_id)


def network_figures(contracts: list[ContractRounds]) -> NetworkFigures:
    """The API's `GET /api/v1/monitoring`: latest rounds side by side, totals, terms."""
    rows = latest_by_municipality(contracts)
    municipalities = []
    every: list[AssessmentStatus] = []
    for entry in rows:
        figures = entry.figures()
        latest = entry.latest
        assert latest is not None
        every.extend(entry.statuses[latest.id or 0].values())
        municipalities.append(
            MunicipalityFigures(
                municipality_id=entry.municipality.id or 0,
                contract_id=entry.contract.id or 0,
                round_id=latest.id or 0,
                fully_addressed=figures.fully_addressed,
                partially_addressed=figures.partially_addressed,
                not_addressed=figures.not_addressed,
                total=figures.total,
            )
        )
    return NetworkFigures(
        municipalities=municipalities, totals=figures_of(every), terms=terms(contracts)
    )


# --- open data -------------------------------------------------------------------------------


async def open_assessments(*, session: AsyncSession) -> list[OpenAssessment]:
    """Every assessment of every published round, oldest round first."""
    rows = await session.execute(
        select(PriorityAssessment, ContractPriority, MonitoringRound, SocialContract, Municipality)
        .join(ContractPriority, col(ContractPriority.id) == PriorityAssessment.priority_id)
        .join(MonitoringRound, col(MonitoringRound.id) == PriorityAssessment.round_id)
        .join(SocialContract, col(SocialContract.id) == MonitoringRound.contract_id)
        .join(Municipality, col(Municipality.id) == SocialContract.municipality_id)
        .where(
            col(MonitoringRound.status) == RoundStatus.published,
            col(SocialContract.status) == ContractStatus.in_force,
        )
        .order_by(
            col(Municipality.name),
            col(MonitoringRound.period_start),
            col(ContractPriority.position),
            col(PriorityAssessment.id),
        )
    )
    found = cast(
        list[
            tuple[
                PriorityAssessment, ContractPriority, MonitoringRound, SocialContract, Municipality
            ]
        ],
        [tuple(row) for row in rows],
    )
    point_ids = [a.point_id for a, *_rest in found if a.point_id is not None]
    points = {}
    if point_ids:
        points = {
            p.id: p
            for p in (
                await session.execute(
                    select(PriorityPoint).where(col(PriorityPoint.id).in_(point_ids))
                )
            ).scalars()
        }
    corrections: dict[int, int] = defaultdict(int)
    ids = [a.id for a, *_rest in found]
    if ids:
        for assessment_id in (
            await session.execute(
                select(AssessmentCorrection.assessment_id).where(  # type: ignore[call-overload]
                    col(AssessmentCorrection.assessment_id).in_(ids)
                )
            )
        ).scalars():
            corrections[assessment_id] += 1
    return [
        OpenAssessment(
            municipality=municipality.name,
            municipality_id=municipality.id or 0,
            contract_id=contract.id or 0,
            contract_title=contract.title,
            round_id=round_.id or 0,
            round_label=round_.label,
            period_start=round_.period_start,
            period_end=round_.period_end,
            priority_id=priority.id or 0,
            priority_position=priority.position,
            priority_title=priority.title,
            point_id=a.point_id,
            point_number=points[a.point_id].number if a.point_id in points else None,
            status=a.status,
            evidence=a.evidence,
            evidence_url=a.evidence_url,
            assessed_at=a.assessed_at,
            municipality_reply=a.municipality_reply,
            municipality_replied_on=a.municipality_replied_on,
            municipality_reply_url=a.municipality_reply_url,
            corrections=corrections[a.id or 0],
        )
        for a, priority, round_, contract, municipality in found
    ]
