"""What the organizers' catalog pages (elections, parties, candidates) share: the option lists
of their forms and filters, and the candidate's history as the edit page shows it."""

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.labels import label
from app.models import AuditEntry, ElectionKind, Office, Party
from app.services import elections


def election_kinds() -> dict[str, str]:
    """The translated name of each kind of election, in the order the form offers them."""
    return {kind.value: label(kind) for kind in ElectionKind}


async def election_options(session: AsyncSession) -> list[tuple[int, str]]:
    rows = await elections.list_elections(session=session)
    return [(row.election.id or 0, row.election.name) for row in rows]


async def municipality_options(session: AsyncSession) -> list[tuple[int, str]]:
    return [(m.id or 0, m.name) for m in await elections.list_municipalities(session=session)]


def history_item(entry: AuditEntry, name: str | None, parties: list[Party]) -> dict[str, Any]:
    """One audit entry as the history list shows it: who, when, and each change in words."""
    fields = {
        "full_name": _("Full name"),
        "party_id": _("Party"),
        "office": _("Candidacy"),
        "contact": _("Contact"),
        "elected": _("Elected"),
    }
    party_names = {p.id: p.name for p in parties}

    def shown(field: str, value: Any) -> str:
        if field == "party_id":
            return party_names.get(value, "") if value else _("Independent")
        if field == "office" and value in Office._value2member_map_:
            return label(Office(value))
        if field == "elected":
            return _("Yes") if value else _("No")
        return "—" if value in (None, "") else str(value)

    changes = []
    if entry.action == "candidate.update":
        for field, pair in json.loads(entry.details).items():
            if field in fields and isinstance(pair, list) and len(pair) == 2:
                changes.append((fields[field], shown(field, pair[0]), shown(field, pair[1])))
    return {
        "who": name or entry.actor,
        "when": entry.created_at,
        "created": entry.action == "candidate.create",
        "changes": changes,
    }
