"""Liveness for load balancers and orchestrators."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from app.deps import DatabaseDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str


UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": Health, "description": "The database does not answer."}
}


@router.get("/healthz", name="healthz", response_model=Health, responses=UNAVAILABLE)
async def healthz(db: DatabaseDep) -> JSONResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        async with db.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
    return JSONResponse({"status": "ok", "database": "ok"})
