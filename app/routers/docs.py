"""The OpenAPI docs at /docs: Swagger UI from our own static files, under our strict CSP."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/docs", name="api_docs")
async def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI for the JSON API; it reads the description from the app's openapi_url."""
    openapi_url = request.app.openapi_url or "/openapi.json"
    return render(request, "docs/swagger.html", {"openapi_url": openapi_url})
