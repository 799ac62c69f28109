"""The JSON API, version 1 (OpenAPI at /docs)."""

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from app.api_answers import NO_STORE, SIGNED_IN
from app.deps import CurrentPrincipal
from app.models import Role

router = APIRouter(prefix="/api/v1", tags=["api"])


class Me(BaseModel):
    """Who the API sees behind this token or session."""

    id: int
    email: str
    name: str
    role: Role
    organization_id: int | None
    created_at: datetime


@router.get("/me", response_model=Me, name="api_me", responses=SIGNED_IN, dependencies=NO_STORE)
async def me(principal: CurrentPrincipal) -> Me:
    user = principal.user
    return Me(
        id=user.id or 0,
        email=user.email,
        name=user.name,
        role=user.role,
        organization_id=user.organization_id,
        created_at=user.created_at,
    )
