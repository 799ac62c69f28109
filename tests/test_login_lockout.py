"""Sign-in limits count failures per IP, per (account, IP) and per account: an attacker's wrong
passwords lock out the attacker's address, not the account's owner."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from app.config import Settings
from app.main import create_app
from app.services.ratelimit import slot_seconds
from tests.conftest import PASSWORD, Browser, World, make_settings


def _defaults(database_url: str, **overrides: object) -> Settings:
    """The shipped sign-in limits (the other tests raise them out of the way)."""
    values: dict[str, object] = {
        "rate_limit_login_ip": Settings.model_fields["rate_limit_login_ip"].default,
        "rate_limit_login_account": Settings.model_fields["rate_limit_login_account"].default,
        **overrides,
    }
    return make_settings(database_url, **values)


@asynccontextmanager
async def _browser(app, ip: str) -> AsyncIterator[Browser]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, client=(ip, 40_000))
    async with Browser(transport=transport, base_url="http://testserver") as browser:
        yield browser


async def _sign_in(browser: Browser, email: str, password: str) -> httpx.Response:
    token = await browser.csrf_token("/login")
    return await browser.post(
        "/login", data={"csrf_token": token, "email": email, "password": password}
    )


async def test_the_owner_gets_in_from_another_ip_while_an_attacker_is_locked_out(
    world: World, db
) -> None:
    app = create_app(_defaults(db.settings.database_url))
    app.state.db = db
    email = world.organizer.email
    async with _browser(app, "203.0.113.66") as attacker:
        statuses = [(await _sign_in(attacker, email, f"guess {n}")).status_code for n in range(12)]
        assert statuses == [400] * 10 + [429] * 2  # RATE_LIMIT_LOGIN_ACCOUNT_IP: 10/900
        refused = await _sign_in(attacker, email, PASSWORD)
        assert refused.status_code == 429  # even the right password, from the failing IP
        # the failures are 15 minutes old then (counted by slots of 15 s, the oldest whole)
        assert 0 < int(refused.headers["retry-after"]) <= 900 + slot_seconds(900)
        async with _browser(app, "198.51.100.7") as owner:
            response = await _sign_in(owner, email, PASSWORD)
            assert response.status_code == 303, response.text
            assert (await owner.get("/manage")).status_code == 200
        # the attacker keeps hammering: still refused, and the owner still gets in
        assert (await _sign_in(attacker, email, "guess 13")).status_code == 429
    async with _browser(app, "198.51.100.7") as owner_again:
        assert (await _sign_in(owner_again, email, PASSWORD)).status_code == 303


async def test_an_ip_failing_on_many_accounts_is_refused_after_its_own_limit(
    world: World, db
) -> None:
    app = create_app(_defaults(db.settings.database_url, rate_limit_login_ip="5/900"))
    app.state.db = db
    async with _browser(app, "203.0.113.9") as sprayer:
        statuses = [
            (await _sign_in(sprayer, f"user{n}@example.org", "Password1!")).status_code
            for n in range(7)
        ]
        assert statuses == [400] * 5 + [429] * 2
        # the per-IP limit holds for a real account too
        assert (await _sign_in(sprayer, world.organizer.email, PASSWORD)).status_code == 429
    async with _browser(app, "198.51.100.8") as owner:
        assert (await _sign_in(owner, world.organizer.email, PASSWORD)).status_code == 303


async def test_a_success_does_not_count_as_a_failure(world: World, db) -> None:
    app = create_app(_defaults(db.settings.database_url, rate_limit_login_account_ip="3/900"))
    app.state.db = db
    email = world.organizer.email
    async with _browser(app, "192.0.2.10") as browser:
        assert (await _sign_in(browser, email, "wrong one")).status_code == 400
        assert (await _sign_in(browser, email, "wrong two")).status_code == 400
        for _ in range(5):  # an organizer signing in again and again on a shared laptop
            browser.cookies.clear()
            assert (await _sign_in(browser, email, PASSWORD)).status_code == 303
        browser.cookies.clear()
        assert (await _sign_in(browser, email, "wrong three")).status_code == 400
        assert (await _sign_in(browser, email, "wrong four")).status_code == 429


async def test_the_account_ceiling_stops_a_guess_spread_over_many_ips(world: World, db) -> None:
    app = create_app(_defaults(db.settings.database_url, rate_limit_login_account="20/900"))
    app.state.db = db
    email = world.organizer.email
    statuses = []
    for n in range(5):  # five addresses, five guesses each: 25 against a ceiling of 20
        async with _browser(app, f"203.0.113.{100 + n}") as bot:
            statuses += [
                (await _sign_in(bot, email, f"guess {n}.{m}")).status_code for m in range(5)
            ]
    assert statuses.count(400) == 20
    assert statuses[20:] == [429] * 5
