"""Social contracts, their priorities, and the yearly monitoring of them."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, enum_type, utcnow


class ContractStatus(enum.StrEnum):
    draft = "draft"
    signed = "signed"
    published = "published"


class RoundStatus(enum.StrEnum):
    open = "open"
    published = "published"


class AssessmentStatus(enum.StrEnum):
    met = "met"
    partially_met = "partially_met"
    in_progress = "in_progress"
    not_addressed = "not_addressed"


class SocialContract(SQLModel, table=True):
    """The priorities a municipality's elected mayor signs for one election."""

    __tablename__ = "social_contract"
    __table_args__ = (sa.UniqueConstraint("municipality_id", "election_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", ondelete="RESTRICT")
    election_id: int = Field(foreign_key="election.id", ondelete="RESTRICT", index=True)
    title: str = Field(max_length=300)
    status: ContractStatus = Field(
        default=ContractStatus.draft, sa_type=enum_type(ContractStatus, "contract_status")
    )
    signed_by: str | None = Field(default=None, max_length=200)
    signed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ContractPriority(SQLModel, table=True):
    """One priority of a contract, in its place in the list."""

    __tablename__ = "contract_priority"
    __table_args__ = (sa.CheckConstraint("position >= 0", name="position_not_negative"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="social_contract.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_type=sa.Text)
    topic_id: int | None = Field(
        default=None, foreign_key="topic.id", ondelete="RESTRICT", index=True
    )
    position: int = Field(default=0)


class PriorityCommitment(SQLModel, table=True):
    """A commitment that a priority grew out of."""

    __tablename__ = "priority_commitment"
    priority_id: int = Field(
        foreign_key="contract_priority.id", ondelete="CASCADE", primary_key=True
    )
    commitment_id: int = Field(
        foreign_key="commitment.id", ondelete="RESTRICT", primary_key=True, index=True
    )


class MonitoringRound(SQLModel, table=True):
    """A yearly look at how a contract is being kept."""

    __tablename__ = "monitoring_round"
    __table_args__ = (sa.CheckConstraint("period_end >= period_start", name="period_in_order"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="social_contract.id", ondelete="CASCADE", index=True)
    label: str = Field(max_length=100)
    period_start: date
    period_end: date
    status: RoundStatus = Field(
        default=RoundStatus.open, sa_type=enum_type(RoundStatus, "round_status")
    )
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PriorityAssessment(SQLModel, table=True):
    """How one priority stood in one monitoring round, with its evidence."""

    __tablename__ = "priority_assessment"
    __table_args__ = (sa.UniqueConstraint("round_id", "priority_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="monitoring_round.id", ondelete="CASCADE")
    priority_id: int = Field(foreign_key="contract_priority.id", ondelete="CASCADE", index=True)
    status: AssessmentStatus = Field(sa_type=enum_type(AssessmentStatus, "assessment_status"))
    evidence: str = Field(default="", sa_type=sa.Text)
    evidence_url: str | None = Field(default=None, max_length=1000)
    assessed_by_id: int | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True
    )
    assessed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
