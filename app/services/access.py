"""Who may write what: one place for the rules every page, fragment and API call obeys."""

from app.i18n import gettext as _
from app.models import Event, Role, User
from app.services.errors import NotAllowed


def is_admin(user: User) -> bool:
    return user.role == Role.admin


def can_write_for_organization(user: User, organization_id: int | None) -> bool:
    """Admins write for every organization; an organizer only for their own."""
    return is_admin(user) or (
        organization_id is not None and user.organization_id == organization_id
    )


def require_admin(user: User) -> None:
    if not is_admin(user):
        raise NotAllowed(_("Only a network admin may do this."))


def require_event_writer(user: User, event: Event) -> None:
    if not can_write_for_organization(user, event.organization_id):
        raise NotAllowed(_("Only the organizing organization may change this event."))
