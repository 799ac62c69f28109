"""What comes in and goes out of the yearly monitoring (the tables are in app/models/contracts.py).

One input model per write, shared by the JSON API and the organizer's forms.
"""

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError
from sqlmodel import SQLModel

from app.models.base import Id, Input
from app.models.contracts import AssessmentStatus, RoundSummary


def _web_address(value: str | None) -> str | None:
    """A link people can open: http:// or https:// and something after it."""
    if value is None or value == "":
        return None
    if not value.lower().startswith(("http://", "https://")) or len(value.split("//", 1)[1]) < 3:
        raise PydanticCustomError("url", "Give a web address that starts with https://")
    return value


WebAddress = Annotated[
    str | None, Field(default=None, max_length=1000), AfterValidator(_web_address)
]


class RoundCreate(Input):
    """A new monitoring round of a contract in force: its label and the period it looks at."""

    label: str = Field(min_length=1, max_length=100, examples=["Viti 1"])
    period_start: date
    period_end: date


class AssessmentInput(Input):
    """How a priority (or one of its points) stood: evidence text always; a link as well when
    it was fully or partially addressed."""

    status: AssessmentStatus
    evidence: str = Field(default="", max_length=5_000)
    evidence_url: WebAddress = None
    point_id: Id | None = None  # one point of the priority; none: the whole priority


class CorrectionInput(AssessmentInput):
    """A change to a published assessment, with the reason shown publicly."""

    reason: str = Field(default="", max_length=2_000)


class ReplyInput(Input):
    """The municipality's reply to an assessment, as the organizer received it."""

    text: str = Field(min_length=1, max_length=5_000)
    replied_on: date
    document_url: WebAddress = None


class RoundEventInput(Input):
    """A community meeting held for the round."""

    event_id: Id


class CorrectionPublic(SQLModel):
    previous_status: AssessmentStatus
    previous_evidence: str
    previous_evidence_url: str | None
    new_status: AssessmentStatus
    new_evidence: str
    new_evidence_url: str | None
    reason: str
    corrected_at: datetime


class ReplyPublic(SQLModel):
    text: str
    replied_on: date
    document_url: str | None


class AssessmentPublic(SQLModel):
    """One assessment with its reply and corrections (nobody's personal data)."""

    priority_id: int
    point_id: int | None
    status: AssessmentStatus
    evidence: str
    evidence_url: str | None
    assessed_at: datetime
    reply: ReplyPublic | None
    corrections: list[CorrectionPublic]


class Figures(SQLModel):
    """Counts of a set of assessments, and their shares in percent that add up to 100."""

    fully_addressed: int
    partially_addressed: int
    not_addressed: int
    total: int
    percentages: dict[str, int]


class RoundPublic(RoundSummary):
    """A round, its assessments, its community meetings and its figures."""

    contract_id: int
    municipality_id: int
    published_at: datetime | None
    assessments: list[AssessmentPublic]
    unassessed_priority_ids: list[int]
    event_ids: list[int]
    meetings: int
    participants: int
    figures: Figures


class MunicipalityFigures(SQLModel):
    municipality_id: int
    contract_id: int
    round_id: int
    fully_addressed: int
    partially_addressed: int
    not_addressed: int
    total: int


class TermFigure(SQLModel):
    """The share of priorities addressed (fully + partially) over every published round of the
    contracts of one election's term, in percent with one decimal; and each year of the term
    (every contract's first published round, its second, …) counted across the network."""

    election_id: int
    rounds: int
    assessments: int
    addressed: int
    addressed_percent: float
    years: list[Figures] = []


class NetworkFigures(SQLModel):
    """`GET /api/v1/monitoring`: each municipality's latest published round, and the totals."""

    municipalities: list[MunicipalityFigures]
    totals: Figures
    terms: list[TermFigure]


class OpenAssessment(SQLModel):
    """One row of the open data: a published assessment with where it belongs."""

    municipality: str
    municipality_id: int
    contract_id: int
    contract_title: str
    round_id: int
    round_label: str
    period_start: date
    period_end: date
    priority_id: int
    priority_position: int
    priority_title: str
    point_id: int | None
    point_number: int | None
    status: AssessmentStatus
    evidence: str
    evidence_url: str | None
    assessed_at: datetime
    municipality_reply: str | None
    municipality_replied_on: date | None
    municipality_reply_url: str | None
    corrections: int
