"""Translated names for the values people see (event kinds, statuses, roles, …)."""

from enum import Enum

from app.i18n import gettext as _
from app.models import (
    AgeGroup,
    AssessmentStatus,
    ContractStatus,
    ElectionKind,
    EventKind,
    EventStatus,
    Gender,
    InvitationStatus,
    Office,
    OutboxStatus,
    QuestionStatus,
    RegistrationSource,
    RegistrationStatus,
    Role,
    RoundStatus,
    SignatureStatus,
)


def label(value: Enum | None) -> str:
    """The translated name of an enum value, e.g. EventKind.forum → "Forum publik"."""
    if value is None:
        return ""
    labels: list[tuple[Enum, str]] = [
        (ElectionKind.local, _("Local elections")),
        (ElectionKind.partial_local, _("Partial local elections")),
        (ElectionKind.parliamentary, _("Parliamentary elections")),
        (EventKind.forum, _("Public forum")),
        (EventKind.meeting, _("Individual meeting")),
        (EventKind.community_meeting, _("Meeting with citizen groups")),
        (EventKind.fair, _("Fair")),
        (EventStatus.draft, _("Draft")),
        (EventStatus.scheduled, _("Scheduled")),
        (EventStatus.held, _("Held")),
        (EventStatus.cancelled, _("Cancelled")),
        (InvitationStatus.invited, _("Invited")),
        (InvitationStatus.confirmed, _("Confirmed")),
        (InvitationStatus.declined, _("Declined")),
        (InvitationStatus.attended, _("Attended")),
        (Office.mayor, _("Candidate for mayor")),
        (Office.council, _("Candidate for council")),
        (Role.admin, _("Network admin")),
        (Role.organizer, _("Organizer")),
        (Gender.female, _("Female")),
        (Gender.male, _("Male")),
        (Gender.other, _("Other")),
        (AgeGroup.under_18, _("Under 18")),
        (AgeGroup.age_18_29, _("18–29")),
        (AgeGroup.age_30_44, _("30–44")),
        (AgeGroup.age_45_64, _("45–64")),
        (AgeGroup.age_65_plus, _("65 and over")),
        (RegistrationStatus.confirmed, _("Registered")),
        (RegistrationStatus.waitlisted, _("On the waitlist")),
        (RegistrationStatus.cancelled, _("Cancelled")),
        (RegistrationSource.online, _("Online")),
        (RegistrationSource.walk_in, _("Walk-in")),
        (QuestionStatus.pending, _("Waiting for approval")),
        (QuestionStatus.approved, _("Approved")),
        (QuestionStatus.rejected, _("Not published")),
        (QuestionStatus.answered, _("Answered")),
        (OutboxStatus.pending, _("Waiting to be sent")),
        (OutboxStatus.sending, _("Being sent")),
        (OutboxStatus.sent, _("Sent")),
        (OutboxStatus.failed, _("Failed")),
        (ContractStatus.draft, _("Draft")),
        (ContractStatus.open_for_signature, _("Open for signature")),
        (ContractStatus.in_force, _("In force")),
        (SignatureStatus.signed, _("Signed")),
        (SignatureStatus.declined, _("Declined")),
        (RoundStatus.draft, _("Draft")),
        (RoundStatus.published, _("Published")),
        (AssessmentStatus.fully_addressed, _("Fully addressed")),
        (AssessmentStatus.partially_addressed, _("Partially addressed")),
        (AssessmentStatus.not_addressed, _("Not addressed")),
    ]
    for member, text in labels:
        if type(member) is type(value) and member.value == value.value:
            return text
    return str(value.value)


def invitation_action(status: InvitationStatus) -> str:
    """The button that sets an invitation to `status` (a verb, unlike the status label)."""
    return {
        InvitationStatus.invited: _("Back to invited"),
        InvitationStatus.confirmed: _("Confirm"),
        InvitationStatus.declined: _("Mark declined"),
        InvitationStatus.attended: _("Mark attended"),
    }[status]
