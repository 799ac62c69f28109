"""Elections, the parties that run in them and their candidates."""

import enum
from datetime import date
from typing import Annotated

import sqlalchemy as sa
from pydantic import StringConstraints
from sqlmodel import Field, SQLModel

from app.models.base import Flag, Id, Input, enum_type, kept


class ElectionKind(enum.StrEnum):
    local = "local"
    partial_local = "partial_local"
    parliamentary = "parliamentary"


class Office(enum.StrEnum):
    mayor = "mayor"
    council = "council"


class Election(SQLModel, table=True):
    """An election day and the municipalities that vote on it."""

    __tablename__ = "election"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    kind: ElectionKind = Field(sa_type=enum_type(ElectionKind, "election_kind"))
    election_date: date = Field(index=True)


class ElectionMunicipality(SQLModel, table=True):
    """A municipality that votes in an election."""

    __tablename__ = "election_municipality"
    election_id: int = Field(foreign_key="election.id", ondelete="CASCADE", primary_key=True)
    municipality_id: int = Field(
        foreign_key="municipality.id", ondelete="RESTRICT", primary_key=True, index=True
    )


class Party(SQLModel, table=True):
    """A political party, shown with its abbreviation and colour."""

    __tablename__ = "party"
    __table_args__ = (sa.CheckConstraint("length(color) = 7", name="color_is_hex"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    abbreviation: str = Field(max_length=20, unique=True)
    color: str = Field(default="#666666", max_length=7)


class Candidate(SQLModel, table=True):
    """A person running for mayor or council in one municipality; no party means independent."""

    __tablename__ = "candidate"
    id: int | None = Field(default=None, primary_key=True)
    full_name: str = Field(max_length=200)
    party_id: int | None = Field(
        default=None, foreign_key="party.id", ondelete="RESTRICT", index=True
    )
    election_id: int = Field(foreign_key="election.id", ondelete="RESTRICT", index=True)
    municipality_id: int = Field(foreign_key="municipality.id", ondelete="RESTRICT", index=True)
    office: Office = Field(sa_type=enum_type(Office, "office"))
    contact: str | None = Field(default=None, max_length=300)
    elected: Flag = Field(default=False)
    access_token_hash: str | None = Field(default=None, max_length=64, unique=True)


HexColor = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]


class ElectionCreate(Input):
    """An election as the API and the forms take it."""

    name: str = Field(min_length=1, max_length=200)
    kind: ElectionKind
    election_date: date
    municipality_ids: list[Id] = Field(min_length=1)


class ElectionUpdate(Input):
    # a partial change: what is sent changes; what every election has may not be set to null
    name: str = kept(min_length=1, max_length=200)
    kind: ElectionKind = kept()
    election_date: date = kept()
    municipality_ids: list[Id] = kept(min_length=1)


class ElectionPublic(SQLModel):
    id: int
    name: str
    kind: ElectionKind
    election_date: date
    municipality_ids: list[int]


class PartyCreate(Input):
    name: str = Field(min_length=1, max_length=200)
    abbreviation: str = Field(min_length=1, max_length=20)
    color: HexColor = "#666666"


class PartyUpdate(Input):
    name: str = kept(min_length=1, max_length=200)
    abbreviation: str = kept(min_length=1, max_length=20)
    color: HexColor = kept()


class PartyPublic(SQLModel):
    id: int
    name: str
    abbreviation: str
    color: str


class CandidateCreate(Input):
    full_name: str = Field(min_length=1, max_length=200)
    party_id: Id | None = None
    election_id: Id
    municipality_id: Id
    office: Office
    contact: str | None = Field(default=None, max_length=300)


class CandidateUpdate(Input):
    full_name: str = kept(min_length=1, max_length=200)
    party_id: Id | None = None  # null: independent
    office: Office = kept()
    contact: str | None = Field(default=None, max_length=300)
    elected: Flag = kept()


class CandidatePublic(SQLModel):
    id: int
    full_name: str
    party_id: int | None
    election_id: int
    municipality_id: int
    office: Office
    elected: bool
