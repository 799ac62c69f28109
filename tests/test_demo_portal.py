"""The demo candidate's portal link (issue 11): `make run` prints it, and it opens her portal."""

import re

from app import demo
from app.config import get_settings
from app.db import Database
from app.demo.portal import DEMO_PORTAL_CANDIDATE, demo_portal_token
from tests.conftest import Browser


def test_the_demo_token_is_derived_from_the_secret_key() -> None:
    token = demo_portal_token("one secret" * 5)
    assert token == demo_portal_token("one secret" * 5)
    assert token != demo_portal_token("another secret" * 5)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # 256 bits, as a real link's


async def test_the_printed_demo_link_opens_the_candidates_portal(
    db: Database, citizen: Browser
) -> None:
    async with db.write() as session:
        await demo.seed(session=session)
        await session.commit()
    printed = demo.credentials_text()
    match = re.search(r"Demo candidate portal \(([^,]+),[^)]*\): (\S+)/c/(\S+)", printed)
    assert match, printed
    assert match.group(1) == DEMO_PORTAL_CANDIDATE
    assert match.group(2) == get_settings().base_url
    assert match.group(3) == demo_portal_token(get_settings().secret_key)
    page = await citizen.get(f"/c/{match.group(3)}")
    assert page.status_code == 200
    assert DEMO_PORTAL_CANDIDATE in page.text
    assert "Durrës" in page.text
