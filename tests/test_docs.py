"""/docs serves Swagger UI from our own static files: no CDN, no inline script or style."""

import re
from urllib.parse import urlsplit

import pytest

from app.security import CONTENT_SECURITY_POLICY

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
URL_ATTRIBUTE = re.compile(r"""\b(?:src|href|action|data-[\w-]*url)\s*=\s*["']([^"']*)["']""")
VENDORED = [
    "/static/vendor/swagger-ui/swagger-ui-bundle.js",
    "/static/vendor/swagger-ui/swagger-ui.css",
    "/static/vendor/swagger-ui/LICENSE",
    "/static/docs.js",
]


async def test_docs_page_uses_only_our_own_scripts(client) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    html = response.text
    scripts = SCRIPT_TAG.findall(html)
    assert scripts, "the page loads Swagger UI"
    for attributes, body in scripts:
        assert not body.strip(), f"inline script: {body[:80]!r}"
        src = re.search(r"""\bsrc\s*=\s*["']([^"']+)["']""", attributes)
        assert src, f"a <script> without src: {attributes!r}"
        assert src.group(1).startswith("/static/"), src.group(1)
    for path in VENDORED:
        if not path.endswith("LICENSE"):
            assert path in html
    assert 'id="swagger-ui"' in html
    assert "<style" not in html.lower()
    assert "style=" not in html.lower()
    assert re.search(r"\bon[a-z]+\s*=", html) is None, "inline event handler"


async def test_docs_page_references_only_local_urls(client) -> None:
    html = (await client.get("/docs")).text
    urls = URL_ATTRIBUTE.findall(html)
    assert urls
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme, f"not local: {url}"
        assert not parts.netloc, f"not local: {url}"
        assert url.startswith("/"), url
    assert "//" not in re.sub(r"<!doctype[^>]*>", "", html, flags=re.IGNORECASE)


async def test_openapi_json_is_served(client) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert "openapi" in document
    assert "/docs" not in document["paths"]
    assert "/api/v1/me" in document["paths"]


@pytest.mark.parametrize("path", VENDORED)
async def test_vendored_files_are_served(client, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.content


async def test_openapi_declares_errors_and_the_token_where_they_apply(client) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    me = paths["/api/v1/me"]["get"]
    assert me["security"] == [{"APIToken": []}]
    assert "401" in me["responses"]
    register = paths["/api/v1/events/{event_id}/registrations"]["post"]
    assert "security" not in register
    assert {"404", "409", "422", "429"} <= set(register["responses"])
    assert "security" not in paths["/api/v1/municipalities"]["get"]
