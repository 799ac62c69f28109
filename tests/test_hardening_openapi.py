"""The OpenAPI document tells the truth (issue 10, item 6): each route declares the error
answers it gives, with their body, and the bearer scheme only where a token is taken."""

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from app.api_answers import Problem
from app.db import Database
from app.deps import get_principal
from tests.access import ROUTES
from tests.conftest import World
from tests.test_access import UNSAFE, Clients, fill, make_clients, request_as

TOKEN = {"APIToken": []}
RATE_LIMITED = {
    ("POST", "/api/v1/events/{event_id}/registrations"),
    ("POST", "/api/v1/events/{event_id}/questions"),
    ("POST", "/api/v1/questions/{question_id}/votes"),
    ("DELETE", "/api/v1/questions/{question_id}/votes"),
}


def _calls(dependant: Dependant) -> set[Any]:
    found = set()
    for sub in dependant.dependencies:
        found.add(sub.call)
        found |= _calls(sub)
    return found


def operations(app: FastAPI) -> list[tuple[str, APIRoute, dict[str, Any]]]:
    """(method, route, its operation in the document) for every documented route."""
    document = app.openapi()
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.route
        if isinstance(route, APIRoute) and route.include_in_schema:
            for method in sorted(route.methods):
                found.append((method, route, document["paths"][route.path][method.lower()]))
    return found


def takes_token(route: APIRoute) -> bool:
    return get_principal in _calls(route.dependant)


async def test_the_bearer_scheme_is_declared_only_where_a_token_is_taken(app) -> None:  # type: ignore[no-untyped-def]
    wrong = []
    for method, route, operation in operations(app):
        access = ROUTES[(method, route.path)]
        security = operation.get("security")
        if not takes_token(route):
            expected: list[dict[str, list[str]]] | None = None
        elif access == "public":  # anyone; an organizer's token shows more
            expected = [TOKEN, {}]
        else:
            expected = [TOKEN]
        if security != expected:
            wrong.append(f"{method} {route.path}: {security}, expected {expected}")
    assert not wrong, "\n".join(wrong)
    # the public lists take none
    document = app.openapi()
    assert "security" not in document["paths"]["/api/v1/events"]["get"]
    assert "security" not in document["paths"]["/api/v1/events/{event_id}/registrations"]["post"]


async def test_each_route_declares_the_errors_it_gives_with_their_body(app) -> None:  # type: ignore[no-untyped-def]
    document = app.openapi()
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["properties"]) == {"detail", "field"}
    assert problem["required"] == ["detail"]
    wrong = []
    for method, route, operation in operations(app):
        if not route.path.startswith("/api/"):
            continue
        declared = set(operation["responses"])
        expected = set()
        if takes_token(route):
            expected.add("401")
        access = ROUTES[(method, route.path)]
        if access not in {"public", "token"}:  # a private link is no sign-in: never 401
            expected.add("401")
        if access in {"admin", "own", "scoped"}:
            expected.add("403")
        if method in UNSAFE:
            expected.add("403")  # CSRF, when a session cookie is sent
        if "{" in route.path:
            expected.add("404")
        if route.dependant.path_params or route.dependant.query_params or route.body_field:
            expected.add("422")
        if (method, route.path) in RATE_LIMITED:
            expected.add("429")
            if "Retry-After" not in operation["responses"]["429"].get("headers", {}):
                wrong.append(f"{method} {route.path}: 429 without Retry-After")
        if missing := expected - declared:
            wrong.append(f"{method} {route.path}: does not declare {sorted(missing)}")
        for status, answer in operation["responses"].items():
            if status.startswith("4"):
                schema = answer["content"]["application/json"]["schema"]
                if schema != {"$ref": "#/components/schemas/Problem"}:
                    wrong.append(f"{method} {route.path} {status}: body {schema}")
    assert not wrong, "\n".join(wrong)


# --- what the routes really answer is what they declare --------------------------------------


@pytest.fixture
async def clients(app, world: World, db: Database) -> AsyncIterator[Clients]:  # type: ignore[no-untyped-def]
    made = await make_clients(app, world, db)
    yield made
    for browser in made.browsers.values():
        await browser.aclose()


def _unknown(path: str) -> str:
    """The path with ids no row has, and a token no ticket has."""
    return re.sub(r"\{(\w+)\}", lambda m: "nope" if m.group(1) == "token" else "999999", path)


async def test_every_answer_the_api_gives_is_declared(app, clients: Clients) -> None:  # type: ignore[no-untyped-def]
    declared = {(method, route.path): operation for method, route, operation in operations(app)}
    api = sorted(key for key in ROUTES if key[1].startswith("/api/"))
    transport = httpx.ASGITransport(app=app)
    stranger = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    forged = httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver",
        headers={"Authorization": "Bearer pf_not-a-token"},
    )
    token = clients.browsers["token"]
    answers: list[tuple[str, str, httpx.Response]] = []
    for role in ("anonymous", "other_organizer", "token", "admin"):
        for method, path in api:
            answers.append((method, path, await request_as(clients, role, method, path)))
    for method, path in api:
        unknown = _unknown(path)
        for who in (stranger, forged, token):
            answers.append((method, path, await who.request(method, unknown, json={})))
        if method in UNSAFE:
            answers.append((method, path, await token.request(method, fill(clients, path))))
            answers.append(
                (method, path, await token.request(method, fill(clients, path), json={"x": 1}))
            )
    await stranger.aclose()
    await forged.aclose()
    wrong = []
    seen = set()
    for method, path, response in answers:
        status = str(response.status_code)
        seen.add(status)
        if status not in declared[(method, path)]["responses"]:
            wrong.append(f"{method} {path} -> {status} {response.text[:120]}")
        elif response.status_code >= 400:
            Problem.model_validate(response.json())
    assert not wrong, "undeclared answers:\n" + "\n".join(sorted(set(wrong)))
    assert {"401", "403", "404", "409", "422"} <= seen
