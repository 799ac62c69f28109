"""Translated names for the values people see (event kinds, statuses, roles, …)."""

from enum import Enum

from app.i18n import gettext as _
from app.models import (
    ElectionKind,
    EventKind,
    EventStatus,
    InvitationStatus,
    Office,
    Role,
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
    ]
    for member, text in labels:
        if type(member) is type(value) and member.value == value.value:
            return text
    return str(value.value)


def invitation_action(status: InvitationStatus) -> str:
    """The button that sets an invitation to `status`."""
    return {
        InvitationStatus.invited: _("Back to invited"),
        InvitationStatus.confirmed: _("Confirmed"),
        InvitationStatus.declined: _("Declined"),
        InvitationStatus.attended: _("Attended"),
    }[status]
