"""What every table shares: the constraint naming convention, UTC timestamps, string enums."""

import enum
import re
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from annotated_types import Ge, Le
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Strict, field_validator
from pydantic_core import PydanticCustomError
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


# Every id that comes in (a path, a query, a body) is one of ours: 1 … the largest INTEGER
# both engines store. Anything else is refused before it reaches the database.
ID_MAX = 2**31 - 1
Id = Annotated[int, Ge(1), Le(ID_MAX)]


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite keeps no offset of its own)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store times as timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_type(enum_class: type[enum.Enum], name: str) -> sa.Enum:
    """A VARCHAR with a CHECK constraint holding the enum's values (not a native PG enum)."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(str(m.value)) for m in enum_class) + 4,
        values_callable=lambda members: [str(m.value) for m in members],
        validate_strings=True,
    )


def timestamp_column(**kwargs: Any) -> sa.Column[datetime]:
    return sa.Column(UTCDateTime(), **kwargs)


DEFAULT_TIMEZONE = "Europe/Tirane"


def as_utc(value: datetime) -> datetime:
    """A time given without an offset is Tirana time (what organizers type); stored in UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(DEFAULT_TIMEZONE))
    try:
        return value.astimezone(UTC)
    except OverflowError:  # within hours of year 1 or 9999: no such time in UTC
        raise ValueError("this time is out of range") from None


def no_nul(value: Any) -> Any:
    """Text may not hold a NUL character (PostgreSQL cannot store one): refused on both engines."""
    if isinstance(value, str) and "\x00" in value:
        raise PydanticCustomError("nul_character", "Text may not contain a NUL character.")
    if isinstance(value, list | tuple | set):
        for item in value:
            no_nul(item)
    return value


def iso_text(value: Any) -> Any:
    """A date and time as ISO 8601 text (not a number of seconds, not a bare date)."""
    if isinstance(value, datetime) or (
        isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}", value)
    ):
        return value
    raise PydanticCustomError(
        "datetime_format", "Give a date and a time such as 2030-05-12T18:00 (an offset may follow)."
    )


# A datetime as ISO 8601 text, as the document says (format date-time)
IsoDatetime = Annotated[datetime, BeforeValidator(iso_text)]
# A datetime in API and form input: any offset, or none (then Europe/Tirane); always UTC after.
LocalDatetime = Annotated[IsoDatetime, AfterValidator(as_utc)]


# a yes/no in API and form input: JSON true or false only (not 0, 1 or "yes": the document says
# boolean); the forms turn their checkboxes into one before they validate
Flag = Annotated[bool, Strict()]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def kept(**constraints: Any) -> Any:
    """A field of a partial change that may be left out but not set to null (the row needs it):
    typed without None, so an explicit null is a 422, and documented without a default."""
    return Field(default=None, schema_extra={"json_schema_extra": _no_default}, **constraints)


class Input(SQLModel):
    """Base of every API and form input: trims text, refuses fields it does not know."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")  # type: ignore[assignment]

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return no_nul(value)
