"""Municipalities and the member organizations that work in them."""

from sqlmodel import Field, SQLModel


class MunicipalityBase(SQLModel):
    name: str = Field(max_length=100, unique=True)
    slug: str = Field(max_length=100, unique=True)


class Municipality(MunicipalityBase, table=True):
    """A bashki: where events happen and social contracts are signed."""

    __tablename__ = "municipality"
    id: int | None = Field(default=None, primary_key=True)


class MunicipalityPublic(MunicipalityBase):
    id: int


class OrganizationBase(SQLModel):
    name: str = Field(max_length=200, unique=True)
    slug: str = Field(max_length=100, unique=True)
    municipality_id: int = Field(foreign_key="municipality.id", ondelete="RESTRICT", index=True)
    contact: str | None = Field(default=None, max_length=300)


class Organization(OrganizationBase, table=True):
    """A member organization of the network; organizers belong to one."""

    __tablename__ = "organization"
    id: int | None = Field(default=None, primary_key=True)


class OrganizationPublic(OrganizationBase):
    id: int
