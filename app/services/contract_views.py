"""The read model of a social contract's public page and print view: one version of its text,
the path back from each priority to the commitments and citizens' questions it came from, the
signatures of every version, the organizations behind it and the elected mayor.

A handful of queries per page, whatever its size: the links, points and signatures are each
loaded in one IN query. Only public questions of public events are ever part of it.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.models import (
    Candidate,
    Commitment,
    ContractOrganization,
    ContractPriority,
    ContractSignature,
    ContractStatus,
    ContractVersion,
    Election,
    Event,
    Municipality,
    Office,
    Organization,
    Party,
    PriorityCommitment,
    PriorityPoint,
    PriorityQuestion,
    Question,
    SignatureStatus,
    SocialContract,
    Topic,
)
from app.models.events import PUBLIC_EVENT_STATUSES
from app.services.contract_versions import points_of, versions_of
from app.services.questions import PUBLIC


def web_link(url: str | None) -> str | None:
    """A link given by an organizer, if it is one a page may point at (http or https)."""
    if url and url.strip().lower().startswith(("https://", "http://")):
        return url.strip()
    return None


@dataclass(frozen=True)
class CommitmentSource:
    """A candidate's commitment a priority grew out of, with who made it and where."""

    commitment: Commitment
    candidate: Candidate
    party: Party | None
    event: Event


@dataclass(frozen=True)
class QuestionSource:
    """A citizens' public question a priority grew out of, and the event it was asked at."""

    question: Question
    event: Event


@dataclass(frozen=True)
class PriorityView:
    priority: ContractPriority
    topic: Topic | None
    points: list[PriorityPoint]
    commitments: list[CommitmentSource]
    questions: list[QuestionSource]


@dataclass(frozen=True)
class SignatureView:
    """A candidate's answer to one version of the text."""

    signature: ContractSignature
    version_number: int
    candidate: Candidate
    party: Party | None
    event: Event | None

    @property
    def signed(self) -> bool:
        return self.signature.status == SignatureStatus.signed

    @property
    def document_href(self) -> str | None:
        """The scan of the signed page: the stored upload, or the link given."""
        if self.signature.document_id is not None:
            return f"/api/v1/contract-signatures/{self.signature.id}/document"
        return web_link(self.signature.document_url)


@dataclass(frozen=True)
class CandidateAnswer:
    """A mayoral candidate of the contract's election and what they did with its versions."""

    candidate: Candidate
    party: Party | None
    answers: list[SignatureView] = field(default_factory=list)  # newest version first

    @property
    def latest(self) -> SignatureView | None:
        return self.answers[0] if self.answers else None

    @property
    def signed_versions(self) -> list[int]:
        return sorted(a.version_number for a in self.answers if a.signed)

    def answer_to(self, version_number: int) -> SignatureView | None:
        return next((a for a in self.answers if a.version_number == version_number), None)


@dataclass(frozen=True)
class ContractPage:
    """Everything the contract's page and its print view show, for one version."""

    contract: SocialContract
    municipality: Municipality
    election: Election
    version: ContractVersion
    versions: list[ContractVersion]  # every version, newest first
    priorities: list[PriorityView]
    signatures: list[SignatureView]  # of every version, newest version first
    candidates: list[CandidateAnswer]  # the mayoral candidates, by name
    organizations: list[Organization]

    @property
    def adoption_href(self) -> str | None:
        return web_link(self.contract.adoption_url)

    @property
    def current(self) -> ContractVersion:
        return self.versions[0]

    @property
    def is_current(self) -> bool:
        return self.version.id == self.current.id

    @property
    def earlier_versions(self) -> list[ContractVersion]:
        return [v for v in self.versions if v.id != self.version.id]

    @property
    def version_signatures(self) -> list[SignatureView]:
        return [s for s in self.signatures if s.version_number == self.version.number]

    @property
    def signed_count(self) -> int:
        return sum(1 for c in self.candidates if c.signed_versions)

    @property
    def mayor(self) -> CandidateAnswer | None:
        """The elected mayor of that municipality and election, once marked."""
        return next((c for c in self.candidates if c.candidate.elected), None)

    @property
    def mayor_did_not_sign(self) -> bool:
        """In force, and the elected mayor never signed any version of it."""
        mayor = self.mayor
        return (
            self.contract.status == ContractStatus.in_force
            and mayor is not None
            and not mayor.signed_versions
        )


async def _priorities(session: AsyncSession, version_id: int) -> list[PriorityView]:
    """The version's priorities in order, each with its points and its public sources."""
    rows = await session.execute(
        select(ContractPriority, Topic)
        .outerjoin(Topic, col(Topic.id) == col(ContractPriority.topic_id))
        .where(col(ContractPriority.version_id) == version_id)
        .order_by(col(ContractPriority.position), col(ContractPriority.id))
    )
    priorities = [(p, t) for p, t in rows.all()]
    ids = [p.id or 0 for p, _t in priorities]
    points = await points_of(session=session, priority_ids=ids)
    commitments: dict[int, list[CommitmentSource]] = defaultdict(list)
    questions: dict[int, list[QuestionSource]] = defaultdict(list)
    if ids:
        made = await session.execute(
            select(PriorityCommitment.priority_id, Commitment, Candidate, Party, Event)  # type: ignore[call-overload]
            .join(Commitment, col(Commitment.id) == col(PriorityCommitment.commitment_id))
            .join(Candidate, col(Candidate.id) == col(Commitment.candidate_id))
            .outerjoin(Party, col(Party.id) == col(Candidate.party_id))
            .join(Event, col(Event.id) == col(Commitment.event_id))
            .where(
                col(PriorityCommitment.priority_id).in_(ids),
                col(Event.status).in_(PUBLIC_EVENT_STATUSES),
            )
            .order_by(col(Event.starts_at), col(Commitment.id))
        )
        for priority_id, commitment, candidate, party, event in made.all():
            commitments[priority_id].append(CommitmentSource(commitment, candidate, party, event))
        asked = await session.execute(
            select(PriorityQuestion.priority_id, Question, Event)  # type: ignore[call-overload]
            .join(Question, col(Question.id) == col(PriorityQuestion.question_id))
            .join(Event, col(Event.id) == col(Question.event_id))
            .where(
                col(PriorityQuestion.priority_id).in_(ids),
                col(Question.status).in_(PUBLIC),
                col(Question.merged_into_id).is_(None),
                col(Event.status).in_(PUBLIC_EVENT_STATUSES),
            )
            .order_by(col(Question.votes).desc(), col(Question.id))
        )
        for priority_id, question, event in asked.all():
            questions[priority_id].append(QuestionSource(question, event))
    return [
        PriorityView(p, t, points[p.id or 0], commitments[p.id or 0], questions[p.id or 0])
        for p, t in priorities
    ]


async def _signatures(
    session: AsyncSession, versions: list[ContractVersion]
) -> list[SignatureView]:
    numbers = {v.id: v.number for v in versions}
    rows = await session.execute(
        select(ContractSignature, Candidate, Party, Event)
        .join(Candidate, col(Candidate.id) == col(ContractSignature.candidate_id))
        .outerjoin(Party, col(Party.id) == col(Candidate.party_id))
        .outerjoin(Event, col(Event.id) == col(ContractSignature.event_id))
        .where(col(ContractSignature.version_id).in_(list(numbers)))
    )
    views = [
        SignatureView(s, numbers[s.version_id], c, p, e if e is None or _public(e) else None)
        for s, c, p, e in rows.all()
    ]
    views.sort(key=lambda v: (-v.version_number, v.signature.signed_on, v.candidate.full_name))
    return views


def _public(event: Event) -> bool:
    return event.status in PUBLIC_EVENT_STATUSES


async def _candidates(
    session: AsyncSession, contract: SocialContract, signatures: list[SignatureView]
) -> list[CandidateAnswer]:
    """The mayoral candidates of the contract's municipality and election (and anyone else
    who answered it), each with their answers."""
    rows = await session.execute(
        select(Candidate, Party)
        .outerjoin(Party, col(Party.id) == col(Candidate.party_id))
        .where(
            col(Candidate.municipality_id) == contract.municipality_id,
            col(Candidate.election_id) == contract.election_id,
            col(Candidate.office) == Office.mayor,
        )
    )
    answers: dict[int, list[SignatureView]] = defaultdict(list)
    for view in signatures:
        answers[view.candidate.id or 0].append(view)
    found = {c.id: CandidateAnswer(c, p, answers[c.id or 0]) for c, p in rows.all()}
    for view in signatures:  # a council candidate who signed is listed too
        key = view.candidate.id
        if key not in found:
            found[key] = CandidateAnswer(view.candidate, view.party, answers[key or 0])
    return sorted(found.values(), key=lambda a: a.candidate.full_name)


async def _organizations(session: AsyncSession, contract_id: int) -> list[Organization]:
    statement = (
        select(Organization)
        .join(ContractOrganization, col(ContractOrganization.organization_id) == Organization.id)
        .where(col(ContractOrganization.contract_id) == contract_id)
        .order_by(col(Organization.name))
    )
    return list((await session.execute(statement)).scalars())


async def contract_page(
    *, session: AsyncSession, contract: SocialContract, version_number: int | None = None
) -> ContractPage | None:
    """The contract with its current version (or the one numbered); None if there is none."""
    assert contract.id is not None
    versions = await versions_of(session=session, contract_id=contract.id)
    versions.reverse()  # the newest first
    shown = next(
        (v for v in versions if version_number is None or v.number == version_number), None
    )
    if shown is None or shown.id is None:
        return None
    municipality = await session.get(Municipality, contract.municipality_id)
    election = await session.get(Election, contract.election_id)
    assert municipality is not None
    assert election is not None
    signatures = await _signatures(session, versions)
    return ContractPage(
        contract=contract,
        municipality=municipality,
        election=election,
        version=shown,
        versions=versions,
        priorities=await _priorities(session, shown.id),
        signatures=signatures,
        candidates=await _candidates(session, contract, signatures),
        organizations=await _organizations(session, contract.id),
    )
