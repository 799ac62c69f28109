"""GET /healthz tells whether the database answers."""

from app.main import create_app
from tests.conftest import make_settings


async def test_healthz_is_ok_with_the_database_up(client) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_healthz_is_503_when_the_database_is_unreachable(tmp_path) -> None:
    import httpx

    unreachable = "postgresql+asyncpg://nobody@127.0.0.1:1/none"
    app = create_app(make_settings(unreachable))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
