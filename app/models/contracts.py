"""Social contracts in versions, the candidates' signatures, and the yearly monitoring of them.

A contract (one per municipality and election) is signed in versions: the first signature freezes
a version's text (its introduction, priorities and numbered points), and a later change makes a
new version, so a signature always points at the very text that was signed. Monitoring rounds
assess the priorities of the version in force, one status per priority (or per point).
"""

import enum
from datetime import date, datetime
from typing import Annotated

import sqlalchemy as sa
from pydantic import ConfigDict, StringConstraints
from sqlmodel import Field, SQLModel

from app.models.base import Id, Input, UTCDateTime, enum_type, kept, utcnow


class ContractStatus(enum.StrEnum):
    draft = "draft"
    open_for_signature = "open_for_signature"
    in_force = "in_force"


class SignatureStatus(enum.StrEnum):
    signed = "signed"
    declined = "declined"


class RoundStatus(enum.StrEnum):
    draft = "draft"
    published = "published"


class AssessmentStatus(enum.StrEnum):
    fully_addressed = "fully_addressed"
    partially_addressed = "partially_addressed"
    not_addressed = "not_addressed"


class StoredDocument(SQLModel, table=True):
    """An uploaded file (a signed page, evidence), kept outside the web root."""

    __tablename__ = "stored_document"
    __table_args__ = (sa.CheckConstraint("size > 0", name="size_positive"),)
    id: int | None = Field(default=None, primary_key=True)
    path: str = Field(max_length=500, unique=True)  # relative to the upload directory
    original_name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int  # bytes
    uploaded_by_id: int | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True
    )
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SocialContract(SQLModel, table=True):
    """The contract of one municipality for one election, over the mayor's term."""

    __tablename__ = "social_contract"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "election_id"),
        sa.CheckConstraint("term_end > term_start", name="term_in_order"),
    )
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", ondelete="RESTRICT")
    election_id: int = Field(foreign_key="election.id", ondelete="RESTRICT", index=True)
    title: str = Field(max_length=300)
    term_start: date
    term_end: date
    status: ContractStatus = Field(
        default=ContractStatus.draft, sa_type=enum_type(ContractStatus, "contract_status")
    )
    # the municipality's adoption: taken into its work plans, often by a council decision
    adoption_decision_number: str | None = Field(default=None, max_length=100)
    adopted_on: date | None = Field(default=None)
    adoption_url: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ContractOrganization(SQLModel, table=True):
    """A member organization behind a contract (its organizers draft and monitor it)."""

    __tablename__ = "contract_organization"
    contract_id: int = Field(foreign_key="social_contract.id", ondelete="CASCADE", primary_key=True)
    organization_id: int = Field(
        foreign_key="organization.id", ondelete="RESTRICT", primary_key=True, index=True
    )


class ContractVersion(SQLModel, table=True):
    """One text of a contract, numbered from 1; frozen from its first signature on."""

    __tablename__ = "contract_version"
    __table_args__ = (
        sa.UniqueConstraint("contract_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="social_contract.id", ondelete="CASCADE")
    number: int
    introduction: str = Field(default="", sa_type=sa.Text)
    frozen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ContractPriority(SQLModel, table=True):
    """A priority of one version, in its place in the list ("priority 1")."""

    __tablename__ = "contract_priority"
    __table_args__ = (
        sa.CheckConstraint("position >= 1", name="position_positive"),
        sa.Index("ix_contract_priority_version_id_position", "version_id", "position"),
    )
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="contract_version.id", ondelete="CASCADE")
    position: int
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_type=sa.Text)
    topic_id: int | None = Field(
        default=None, foreign_key="topic.id", ondelete="RESTRICT", index=True
    )
    # written by the organizer rather than drawn from questions or commitments (it says so)
    written_by_hand: bool = Field(default=False)


class PriorityPoint(SQLModel, table=True):
    """A numbered point of a priority ("priority 1, point 5")."""

    __tablename__ = "priority_point"
    __table_args__ = (
        sa.UniqueConstraint("priority_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )
    id: int | None = Field(default=None, primary_key=True)
    priority_id: int = Field(foreign_key="contract_priority.id", ondelete="CASCADE")
    number: int
    text: str = Field(sa_type=sa.Text)


class PriorityCommitment(SQLModel, table=True):
    """A candidate's commitment that a priority grew out of."""

    __tablename__ = "priority_commitment"
    priority_id: int = Field(
        foreign_key="contract_priority.id", ondelete="CASCADE", primary_key=True
    )
    commitment_id: int = Field(
        foreign_key="commitment.id", ondelete="RESTRICT", primary_key=True, index=True
    )


class PriorityQuestion(SQLModel, table=True):
    """A citizens' question that a priority grew out of."""

    __tablename__ = "priority_question"
    priority_id: int = Field(
        foreign_key="contract_priority.id", ondelete="CASCADE", primary_key=True
    )
    question_id: int = Field(
        foreign_key="question.id", ondelete="RESTRICT", primary_key=True, index=True
    )


class ContractSignature(SQLModel, table=True):
    """A candidate's answer to one version: signed or declined, when, where, with the scan."""

    __tablename__ = "contract_signature"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "candidate_id"),
        sa.CheckConstraint("document_id IS NULL OR document_url IS NULL", name="one_document"),
    )
    id: int | None = Field(default=None, primary_key=True)
    # RESTRICT: a signed text cannot be deleted from under its signatures
    version_id: int = Field(foreign_key="contract_version.id", ondelete="RESTRICT")
    candidate_id: int = Field(foreign_key="candidate.id", ondelete="RESTRICT", index=True)
    event_id: int | None = Field(
        default=None, foreign_key="event.id", ondelete="RESTRICT", index=True
    )
    signed_on: date
    status: SignatureStatus = Field(sa_type=enum_type(SignatureStatus, "signature_status"))
    reason: str | None = Field(default=None, sa_type=sa.Text)  # the candidate's, if declined
    # the signed page: an upload or a link, not both
    document_id: int | None = Field(
        default=None, foreign_key="stored_document.id", ondelete="RESTRICT", index=True
    )
    document_url: str | None = Field(default=None, max_length=1000)
    recorded_by_id: int | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MonitoringRound(SQLModel, table=True):
    """A yearly look at how a contract in force is kept, over a period of any dates."""

    __tablename__ = "monitoring_round"
    __table_args__ = (
        sa.UniqueConstraint("contract_id", "label"),
        sa.CheckConstraint("period_end > period_start", name="period_in_order"),
        sa.CheckConstraint(
            "status = 'draft' OR published_at IS NOT NULL", name="published_has_date"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    # RESTRICT: a contract with monitoring rounds cannot be deleted
    contract_id: int = Field(foreign_key="social_contract.id", ondelete="RESTRICT")
    label: str = Field(max_length=100)  # "Viti 1"
    period_start: date
    period_end: date
    status: RoundStatus = Field(
        default=RoundStatus.draft, sa_type=enum_type(RoundStatus, "round_status")
    )
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RoundEvent(SQLModel, table=True):
    """A community meeting held for a round: the citizens' voice in the report."""

    __tablename__ = "round_event"
    round_id: int = Field(foreign_key="monitoring_round.id", ondelete="CASCADE", primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="RESTRICT", primary_key=True, index=True)


# One assessment per round and priority (point_id NULL), and per round and point: a plain UNIQUE
# would let NULL point_ids repeat on PostgreSQL, hence two partial unique indexes.
_WHOLE_PRIORITY = sa.text("point_id IS NULL")
_ONE_POINT = sa.text("point_id IS NOT NULL")


class PriorityAssessment(SQLModel, table=True):
    """How a priority (or one of its points) stood in a round, with evidence and the reply."""

    __tablename__ = "priority_assessment"
    __table_args__ = (
        sa.Index(
            "uq_priority_assessment_round_id_priority_id",
            "round_id",
            "priority_id",
            unique=True,
            sqlite_where=_WHOLE_PRIORITY,
            postgresql_where=_WHOLE_PRIORITY,
        ),
        sa.Index(
            "uq_priority_assessment_round_id_point_id",
            "round_id",
            "point_id",
            unique=True,
            sqlite_where=_ONE_POINT,
            postgresql_where=_ONE_POINT,
        ),
        sa.CheckConstraint("evidence <> ''", name="evidence_given"),
        sa.CheckConstraint(
            "(municipality_reply IS NULL) = (municipality_replied_on IS NULL)",
            name="reply_has_date",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    # indexed of its own: the partial indexes serve only queries that say which point_id
    round_id: int = Field(foreign_key="monitoring_round.id", ondelete="CASCADE", index=True)
    priority_id: int = Field(foreign_key="contract_priority.id", ondelete="RESTRICT", index=True)
    point_id: int | None = Field(
        default=None, foreign_key="priority_point.id", ondelete="RESTRICT", index=True
    )
    status: AssessmentStatus = Field(sa_type=enum_type(AssessmentStatus, "assessment_status"))
    evidence: str = Field(sa_type=sa.Text)
    evidence_url: str | None = Field(default=None, max_length=1000)
    document_id: int | None = Field(
        default=None, foreign_key="stored_document.id", ondelete="RESTRICT", index=True
    )
    assessed_by_id: int | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True
    )
    assessed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # the municipality's right of reply, recorded by the organizer
    municipality_reply: str | None = Field(default=None, sa_type=sa.Text)
    municipality_replied_on: date | None = Field(default=None)
    municipality_reply_url: str | None = Field(default=None, max_length=1000)


class AssessmentCorrection(SQLModel, table=True):
    """A change to an assessment after its round was published: before, after, and why."""

    __tablename__ = "assessment_correction"
    __table_args__ = (sa.CheckConstraint("reason <> ''", name="reason_given"),)
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="priority_assessment.id", ondelete="CASCADE", index=True)
    previous_status: AssessmentStatus = Field(
        sa_type=enum_type(AssessmentStatus, "previous_status")
    )
    previous_evidence: str = Field(sa_type=sa.Text)
    previous_evidence_url: str | None = Field(default=None, max_length=1000)
    previous_document_id: int | None = Field(
        default=None, foreign_key="stored_document.id", ondelete="RESTRICT", index=True
    )
    new_status: AssessmentStatus = Field(sa_type=enum_type(AssessmentStatus, "new_status"))
    new_evidence: str = Field(sa_type=sa.Text)
    new_evidence_url: str | None = Field(default=None, max_length=1000)
    new_document_id: int | None = Field(
        default=None, foreign_key="stored_document.id", ondelete="RESTRICT", index=True
    )
    reason: str = Field(sa_type=sa.Text)
    corrected_by_id: int | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True
    )
    corrected_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# --- what the API and the forms take and give (issue 12) ---------------------------------------

# a link to a document elsewhere (the scan, the council's decision): http(s) only, no spaces
WebLink = Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"]+$", max_length=1000)]
PointText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]


class SocialContractCreate(Input):
    """A new contract (a draft, version 1): municipality, election, title, term, introduction."""

    municipality_id: Id
    election_id: Id
    title: str = Field(min_length=1, max_length=300)
    term_start: date
    term_end: date
    introduction: str = Field(default="", max_length=20_000)
    # the organizations behind it: admins choose; an organizer's contract is their organization's
    organization_ids: list[Id] | None = Field(default=None, max_length=20)


class SocialContractUpdate(Input):
    """A partial change: the text (refused once the current version is frozen) and, once the
    contract is in force, the municipality's adoption reference."""

    title: str = kept(min_length=1, max_length=300)
    term_start: date = kept()
    term_end: date = kept()
    introduction: str = kept(max_length=20_000)
    adoption_decision_number: str | None = Field(default=None, min_length=1, max_length=100)
    adopted_on: date | None = None
    adoption_url: WebLink | None = None


class ContractAdoption(Input):
    """The municipality took the contract into its work plans: decision number, date, link."""

    adoption_decision_number: str | None = Field(default=None, min_length=1, max_length=100)
    adopted_on: date | None = None
    adoption_url: WebLink | None = None


class ContractPriorityCreate(Input):
    """A priority with its numbered points and where it came from (none: written by hand)."""

    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=10_000)
    topic_id: Id | None = None
    points: list[PointText] = Field(default_factory=list, max_length=50)
    commitment_ids: list[Id] = Field(default_factory=list, max_length=200)
    question_ids: list[Id] = Field(default_factory=list, max_length=200)


class ContractPriorityUpdate(Input):
    """A partial change of a priority; `points` and the sources, when sent, replace the old;
    `position` moves it (the others are renumbered)."""

    title: str = kept(min_length=1, max_length=300)
    description: str = kept(max_length=10_000)
    topic_id: Id | None = None
    points: list[PointText] = kept(max_length=50)
    commitment_ids: list[Id] = kept(max_length=200)
    question_ids: list[Id] = kept(max_length=200)
    position: Id = kept()


class ContractPriorityPublic(SQLModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)  # type: ignore[assignment]

    id: int
    position: int
    title: str
    description: str
    topic_id: int | None
    written_by_hand: bool
    points: list[str]
    commitment_ids: list[int]
    question_ids: list[int]
    # its status in the latest published monitoring round; null before any (issue 13)
    latest_status: AssessmentStatus | None = None


class ContractSignatureCreate(Input):
    """A candidate's answer to the current version: signed or declined, when, where."""

    candidate_id: Id
    event_id: Id | None = None
    signed_on: date
    status: SignatureStatus
    reason: str | None = Field(default=None, min_length=1, max_length=5_000)
    document_url: WebLink | None = None


class ContractSignaturePublic(SQLModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)  # type: ignore[assignment]

    id: int
    version: int
    candidate_id: int
    event_id: int | None
    signed_on: date
    status: SignatureStatus
    reason: str | None
    document_url: str | None  # the link given, or where the uploaded scan is served


class RoundSummary(SQLModel):
    """A round as the contract's answer lists it."""

    id: int
    label: str
    status: RoundStatus
    period_start: date
    period_end: date


class SocialContractPublic(SQLModel):
    """A contract in its current version (the one presented), with its signatures of every
    version (`version` says which) and its priorities."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)  # type: ignore[assignment]

    id: int
    municipality_id: int
    election_id: int
    title: str
    status: ContractStatus
    version: int
    frozen: bool
    term_start: date
    term_end: date
    introduction: str
    organization_ids: list[int]
    adoption_decision_number: str | None
    adopted_on: date | None
    adoption_url: str | None
    signatures: list[ContractSignaturePublic]
    priorities: list[ContractPriorityPublic]
    rounds: list[RoundSummary] = []


class SocialContractSummary(SQLModel):
    """A contract in a list (no priorities)."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)  # type: ignore[assignment]

    id: int
    municipality_id: int
    election_id: int
    title: str
    status: ContractStatus
    version: int
    term_start: date
    term_end: date
