"""The demo candidate's portal link, so a newcomer sees the candidate's side too.

Only a link's hash is stored, so the demo token is derived from the SECRET_KEY (an HMAC of a
fixed label): `make run` prints the same link that seeding stored, without keeping it anywhere.
"""

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import get_settings
from app.models import CandidatePortalLink, utcnow
from app.security import hash_token

DEMO_PORTAL_CANDIDATE = "Elira Dervishi"  # mayor of Durrës since the 2022 partial elections
_LABEL = b"pop-forums demo candidate portal link"


def demo_portal_token(secret_key: str) -> str:
    """256 bits, URL-safe, as a real link's token; the same for the same SECRET_KEY."""
    digest = hmac.new(secret_key.encode(), _LABEL, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def add_demo_portal_link(
    *, session: AsyncSession, candidate_id: int, now: datetime | None = None
) -> None:
    """The demo candidate's link, working for a year (in the caller's transaction)."""
    now = now or utcnow()
    token = demo_portal_token(get_settings().secret_key)
    session.add(
        CandidatePortalLink(
            candidate_id=candidate_id,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(days=365),
        )
    )


def portal_link_text() -> str:
    """The line `make run` and `pop-forums seed-demo` print beside the demo sign-ins."""
    settings = get_settings()
    url = f"{settings.base_url}/c/{demo_portal_token(settings.secret_key)}"
    return f"Demo candidate portal ({DEMO_PORTAL_CANDIDATE}, Durrës 2022): {url}"
