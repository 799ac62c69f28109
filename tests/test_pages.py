"""The base layout, security headers, the home page and error pages."""

from datetime import timedelta

import httpx
from fastapi import FastAPI, HTTPException

from app.models import Event, EventKind, EventStatus, utcnow
from app.services.errors import Conflict, InvalidInput
from app.services.ratelimit import RateLimited
from tests.conftest import Browser, World


async def test_every_response_carries_a_strict_csp_and_friends(client: Browser) -> None:
    for path in ["/", "/login", "/healthz", "/api/v1/me", "/static/app.css", "/nope"]:
        response = await client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "object-src 'none'" in csp
        assert "base-uri 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"


async def test_pages_have_no_inline_script_or_style_and_load_only_our_files(
    client: Browser,
) -> None:
    import re

    for path in ["/", "/login"]:
        html = (await client.get(path)).text
        assert "style=" not in html
        assert "<style" not in html
        for tag in re.findall(r"<script[^>]*>", html):
            assert 'src="/static/' in tag
        assert re.search(r"<script[^>]*>\s*[^<\s]", html) is None  # no inline code
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert url.startswith(("/", "#")), url
        assert '"allowEval": false' in html
        assert '"selfRequestsOnly": true' in html


async def test_static_files_are_cached_for_a_year(client: Browser) -> None:
    response = await client.get("/static/htmx.min.js")
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]


async def test_the_home_page_lists_real_upcoming_public_events(
    client: Browser, world: World, db
) -> None:
    now = utcnow()
    async with db.write() as session:
        for title, status, start in [
            ("Forumi i Durrësit për ujin", EventStatus.scheduled, now + timedelta(days=3)),
            ("Takim i planifikuar në Korçë", EventStatus.draft, now + timedelta(days=2)),
            ("Forum i vjetër", EventStatus.held, now - timedelta(days=30)),
            ("Panairi i anuluar", EventStatus.cancelled, now + timedelta(days=5)),
        ]:
            session.add(
                Event(
                    kind=EventKind.forum,
                    title=title,
                    municipality_id=world.municipality.id,
                    organization_id=world.organization.id,
                    venue="Salla e Këshillit",
                    starts_at=start,
                    ends_at=start + timedelta(hours=2),
                    status=status,
                )
            )
        await session.commit()
    html = (await client.get("/")).text
    assert "Forumi i Durrësit për ujin" in html
    assert "Panairi i anuluar" in html  # shown, marked cancelled
    assert "Takim i planifikuar në Korçë" not in html  # drafts are never public
    assert "Forum i vjetër" not in html
    assert html.index("Forumi i Durrësit") < html.index("Panairi i anuluar")


async def test_a_crash_shows_a_translated_500_page_without_a_stack_trace(app: FastAPI) -> None:
    async def boom() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/boom", boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/boom")
        english = await client.get("/boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert "Diçka shkoi keq" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "Something went wrong on our side" in english.text


async def test_signed_in_pages_redirect_to_sign_in_and_back(client: Browser, world: World) -> None:
    response = await client.get("/manage/tokens")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/manage/tokens"
    login = await client.get(response.headers["location"])
    assert 'name="next" value="/manage/tokens"' in login.text


async def test_an_htmx_request_after_the_session_ended_is_sent_to_sign_in(
    client: Browser,
) -> None:
    response = await client.get(
        "/manage/events",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/manage/events/7"},
    )
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/login?next=/manage/events/7"
    assert response.text == ""


async def test_a_busy_database_answers_503_with_retry_after(app: FastAPI) -> None:
    from sqlalchemy.exc import OperationalError

    async def locked() -> None:
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    app.add_api_route("/locked", locked)
    app.add_api_route("/api/v1/locked", locked)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        page = await client.get("/locked")
        api = await client.get("/api/v1/locked")
    assert page.status_code == 503
    assert page.headers["retry-after"] == "2"
    assert "Shërbimi është shumë i ngarkuar" in page.text
    assert api.status_code == 503
    assert api.json()["detail"]


async def test_head_answers_what_get_would_without_the_body(client: Browser) -> None:
    for path, status in [("/", 200), ("/healthz", 200), ("/static/app.css", 200), ("/nope", 404)]:
        got = await client.get(path, headers={"Accept-Encoding": "identity"})
        head = await client.head(path, headers={"Accept-Encoding": "identity"})
        assert (head.status_code, got.status_code) == (status, status), path
        assert head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert head.headers["content-length"] == str(len(got.content)), path
        assert "frame-ancestors 'none'" in head.headers["content-security-policy"], path
    assert (await client.head("/manage")).status_code == 303  # sign in first, as for GET
    assert (await client.request("HEAD", "/logout")).status_code == 405  # POST only


async def test_errors_answer_json_to_the_api_and_the_error_page_to_browsers(app: FastAPI) -> None:
    """Each kind of error at an API address and at a page address: status, body and headers."""
    raised: dict[str, Exception] = {
        "conflict": Conflict("Anila Toska is at another forum then.", field="starts_at"),
        "invalid": InvalidInput({"title": "Too short."}),
        "limited": RateLimited(retry_after=120),
        "token": HTTPException(401, "Invalid API token.", headers={"WWW-Authenticate": "Bearer"}),
        "crash": RuntimeError("secret internals"),
    }

    async def fail(kind: str) -> None:
        raise raised[kind]

    async def number(n: int) -> int:
        return n

    for prefix in ("", "/api/v1"):
        app.add_api_route(prefix + "/fail/{kind}", fail)
        app.add_api_route(prefix + "/number", number)
        app.add_api_route(prefix + "/post-only", number, methods=["POST"])
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers={"Accept-Language": "en"}
    ) as client:

        async def api(path: str) -> tuple[int, object, httpx.Headers]:
            response = await client.get("/api/v1" + path)
            assert response.headers["content-type"] == "application/json"
            return response.status_code, response.json(), response.headers

        async def page(path: str) -> tuple[int, str, httpx.Headers]:
            response = await client.get(path)
            assert response.headers["content-type"].startswith("text/html")
            return response.status_code, response.text, response.headers

        status, body, headers = await api("/fail/conflict")
        assert (status, body) == (
            409,
            {"detail": "Anila Toska is at another forum then.", "field": "starts_at"},
        )
        status, html, _ = await page("/fail/conflict")
        assert status == 409
        assert "Anila Toska is at another forum then." in html

        status, body, _ = await api("/fail/invalid")
        assert (status, body) == (
            422,
            {"detail": [{"loc": ["body", "title"], "msg": "Too short.", "type": "value_error"}]},
        )
        status, html, _ = await page("/fail/invalid")
        assert status == 422
        assert "title: Too short." in html

        waiting = "Too many attempts. Please wait 2 minutes and try again."
        status, body, headers = await api("/fail/limited")
        assert (status, body, headers["retry-after"]) == (429, {"detail": waiting}, "120")
        status, html, headers = await page("/fail/limited")
        assert (status, headers["retry-after"]) == (429, "120")
        assert waiting in html

        status, body, headers = await api("/fail/token")
        assert (status, body) == (401, {"detail": "Invalid API token."})
        assert headers["www-authenticate"] == "Bearer"

        crashed = "Something went wrong on our side. Please try again in a moment."
        status, body, headers = await api("/fail/crash")
        assert (status, body) == (500, {"detail": crashed})
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        status, html, headers = await page("/fail/crash")
        assert status == 500
        assert crashed in html
        assert "frame-ancestors 'none'" in headers["content-security-policy"]

        status, body, _ = await api("/number?n=many")
        assert status == 422
        assert isinstance(body, dict)
        [error] = body["detail"]
        assert (set(error), error["loc"], error["type"]) == (
            {"loc", "msg", "type"},
            ["query", "n"],
            "int_parsing",
        )
        status, html, _ = await page("/number?n=many")
        assert status == 422
        assert "Some of what was sent is not valid." in html

        status, body, headers = await api("/post-only")
        assert (status, body, headers["allow"]) == (405, {"detail": "Method Not Allowed"}, "POST")
        status, html, _ = await page("/post-only")
        assert status == 405
        assert "This address does not take that kind of request." in html

        status, body, _ = await api("/nowhere")
        assert (status, body) == (404, {"detail": "Not Found"})
        status, html, _ = await page("/nowhere")
        assert status == 404
        assert "We could not find this page." in html
