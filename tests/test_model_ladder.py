"""The models as a ladder: a Base declares the shared fields once; table, input, output inherit."""

import pytest
from pydantic import ValidationError

from app.models import Commitment, Event
from app.models.commitments import (
    CommitmentBase,
    CommitmentCreate,
    CommitmentPublic,
    CommitmentUpdate,
)
from app.models.events import EventBase, EventCreate, EventPublic, EventUpdate

COMMITMENT_IN = [
    "candidate_id",
    "event_id",
    "question_id",
    "topic_id",
    "text",
    "target",
    "deadline",
]
COMMITMENT_OUT = {
    "id",
    "candidate_id",
    "event_id",
    "question_id",
    "topic_id",
    "text",
    "target",
    "deadline",
    "confirmation",
    "candidate_comment",
    "created_at",
}


@pytest.mark.parametrize(
    ("base", "table", "schemas"),
    [
        (EventBase, Event, [EventCreate, EventPublic]),
        (CommitmentBase, Commitment, [CommitmentCreate, CommitmentPublic]),
    ],
)
def test_table_input_and_output_inherit_the_base(base, table, schemas) -> None:  # type: ignore[no-untyped-def]
    for model in [table, *schemas]:
        assert issubclass(model, base)
    assert set(base.model_fields) <= set(table.__table__.columns.keys())  # type: ignore[attr-defined]


def test_commitments_take_and_give_the_fields_of_the_api() -> None:
    assert list(CommitmentCreate.model_fields) == COMMITMENT_IN
    assert set(CommitmentPublic.model_fields) == COMMITMENT_OUT
    required = CommitmentPublic.model_json_schema(mode="serialization")["required"]
    assert set(required) == COMMITMENT_OUT
    data = CommitmentCreate(candidate_id=1, event_id=2, text="  Do ta asfaltoj rrugën.  ")
    assert data.text == "Do ta asfaltoj rrugën."
    assert data.question_id is None
    with pytest.raises(ValidationError):
        CommitmentCreate(candidate_id=1, event_id=2, text=" ")
    with pytest.raises(ValidationError):
        CommitmentCreate(candidate_id=1, event_id=2, text="x", confirmation="confirmed")


def test_updates_change_only_what_is_sent() -> None:
    for update in (EventUpdate, CommitmentUpdate):
        assert all(not field.is_required() for field in update.model_fields.values())
        assert update().model_dump(exclude_unset=True) == {}
    assert "candidate_id" not in CommitmentUpdate.model_fields
    assert "organization_id" not in EventUpdate.model_fields
