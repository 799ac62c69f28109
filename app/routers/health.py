"""Liveness for load balancers and orchestrators."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.deps import DatabaseDep

router = APIRouter(tags=["health"])


@router.get("/healthz", name="healthz")
async def healthz(db: DatabaseDep) -> JSONResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        async with db.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
    return JSONResponse({"status": "ok", "database": "ok"})
