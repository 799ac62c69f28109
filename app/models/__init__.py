"""Every table, imported here so that `SQLModel.metadata` knows them all."""

from app.models.accounts import ApiToken, Role, User, UserSession
from app.models.attendance import (
    AgeGroup,
    Gender,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from app.models.audit import AuditEntry, RateLimitCounter
from app.models.base import UTCDateTime, utcnow
from app.models.commitments import Commitment, Confirmation
from app.models.contracts import (
    AssessmentStatus,
    ContractPriority,
    ContractStatus,
    MonitoringRound,
    PriorityAssessment,
    PriorityCommitment,
    RoundStatus,
    SocialContract,
)
from app.models.elections import (
    Candidate,
    Election,
    ElectionKind,
    ElectionMunicipality,
    Office,
    Party,
)
from app.models.events import Event, EventCandidate, EventKind, EventStatus, InvitationStatus
from app.models.places import Municipality, Organization
from app.models.questions import Question, QuestionCandidate, QuestionStatus, QuestionVote, Topic

__all__ = [
    "AgeGroup",
    "ApiToken",
    "AssessmentStatus",
    "AuditEntry",
    "Candidate",
    "Commitment",
    "Confirmation",
    "ContractPriority",
    "ContractStatus",
    "Election",
    "ElectionKind",
    "ElectionMunicipality",
    "Event",
    "EventCandidate",
    "EventKind",
    "EventStatus",
    "Gender",
    "InvitationStatus",
    "MonitoringRound",
    "Municipality",
    "Office",
    "Organization",
    "Party",
    "PriorityAssessment",
    "PriorityCommitment",
    "Question",
    "QuestionCandidate",
    "QuestionStatus",
    "QuestionVote",
    "RateLimitCounter",
    "Registration",
    "RegistrationSource",
    "RegistrationStatus",
    "Role",
    "RoundStatus",
    "SocialContract",
    "Topic",
    "UTCDateTime",
    "User",
    "UserSession",
    "utcnow",
]
