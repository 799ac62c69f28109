"""JSON API for social contracts: draft one, its priorities, open it, record the candidates'
signatures with their scanned pages, new versions; the public list and one contract.

The rules are app/services/contracts.py's (and contract_priorities, contract_signatures,
documents): a draft is its organizations' own (404 to everyone else), a signed version's text
is frozen (409), links to another municipality's or election's things are 422. A scanned page
is a PDF, JPEG or PNG by its content (422 for anything else), at most 10 MB (413).
"""

from typing import Annotated

import anyio
from fastapi import APIRouter, File, HTTPException, Response, UploadFile
from fastapi.responses import FileResponse

from app.api_answers import (
    NO_STORE_WHEN_SIGNED_IN,
    OPTIONAL_TOKEN,
    PUBLIC_ITEM,
    PUBLIC_LIST,
    SIGNED_IN_CREATE,
    SIGNED_IN_WRITE,
    answers,
)
from app.deps import CurrentPrincipal, MaybePrincipal, SessionDep, SettingsDep
from app.models import AssessmentStatus, Id, MonitoringRound
from app.models.contracts import (
    ContractPriorityCreate,
    ContractPriorityPublic,
    ContractPriorityUpdate,
    ContractSignatureCreate,
    ContractSignaturePublic,
    SocialContractCreate,
    SocialContractPublic,
    SocialContractSummary,
    SocialContractUpdate,
)
from app.services import (
    contract_access,
    contract_priorities,
    contract_signatures,
    contract_versions,
    contracts,
    documents,
    monitoring_views,
)
from app.services.contract_versions import ContractView, PriorityView
from app.services.documents import Upload

# each priority's status in the latest published round, and the contract's rounds
Monitoring = tuple[dict[int, AssessmentStatus | None], list[MonitoringRound]]

router = APIRouter(prefix="/api/v1", tags=["social contracts"])
SIGNED_IN_ACTION = answers(401, 403, 404, 409, 422)  # no body
UPLOAD = answers(400, 401, 403, 404, 409, 413, 422)
DOWNLOAD = answers(401, 404, 422)


def priority_public(
    item: PriorityView, latest_status: AssessmentStatus | None = None
) -> ContractPriorityPublic:
    p = item.priority
    return ContractPriorityPublic(
        id=p.id or 0,
        position=p.position,
        title=p.title,
        description=p.description,
        topic_id=p.topic_id,
        written_by_hand=p.written_by_hand,
        points=[point.text for point in item.points],
        commitment_ids=item.commitment_ids,
        question_ids=item.question_ids,
        latest_status=latest_status,
    )


def contract_public(
    view: ContractView, monitoring: Monitoring | None = None
) -> SocialContractPublic:
    """The contract's answer; `monitoring` adds each priority's latest status and the rounds."""
    c = view.contract
    statuses, rounds = monitoring or ({}, [])
    return SocialContractPublic(
        id=c.id or 0,
        municipality_id=c.municipality_id,
        election_id=c.election_id,
        title=c.title,
        status=c.status,
        version=view.version.number,
        frozen=view.frozen,
        term_start=c.term_start,
        term_end=c.term_end,
        introduction=view.version.introduction,
        organization_ids=sorted(view.organization_ids),
        adoption_decision_number=c.adoption_decision_number,
        adopted_on=c.adopted_on,
        adoption_url=c.adoption_url,
        signatures=[contract_signatures.public(s, n) for s, n in view.signatures],
        priorities=[priority_public(p, statuses.get(p.priority.id or 0)) for p in view.priorities],
        rounds=monitoring_views.summaries(rounds),
    )


@router.get(
    "/social-contracts",
    response_model=list[SocialContractSummary],
    responses=PUBLIC_LIST,
)
async def list_contracts(
    session: SessionDep, municipality_id: Id | None = None, election_id: Id | None = None
) -> list[SocialContractSummary]:
    """Contracts open for signature or in force (never drafts), newest election first."""
    rows = await contract_versions.list_contracts(
        session=session, municipality_id=municipality_id, election_id=election_id
    )
    return [SocialContractSummary.model_validate({**c.model_dump(), "version": n}) for c, n in rows]


@router.post(
    "/social-contracts",
    response_model=SocialContractPublic,
    status_code=201,
    responses=SIGNED_IN_CREATE,
)
async def create_contract(
    data: SocialContractCreate, principal: CurrentPrincipal, session: SessionDep
) -> SocialContractPublic:
    """A draft with its version 1: organizers of an organization in that municipality (theirs
    is behind it), admins (choose `organization_ids`). A second one for the same municipality
    and election → 409."""
    view = await contracts.create(session=session, actor=principal.user, data=data)
    await session.commit()
    return contract_public(view)


@router.get(
    "/social-contracts/{contract_id}",
    response_model=SocialContractPublic,
    responses=PUBLIC_ITEM,
    dependencies=NO_STORE_WHEN_SIGNED_IN,
    openapi_extra=OPTIONAL_TOKEN,
)
async def get_contract(
    contract_id: Id, session: SessionDep, principal: MaybePrincipal
) -> SocialContractPublic:
    """The contract in its current version, with every version's signatures; a draft is 404
    to all but its organizations."""
    viewer = principal.user if principal else None
    contract = await contract_versions.visible(
        session=session, contract_id=contract_id, viewer=viewer
    )
    view = await contract_versions.view(session=session, contract=contract)
    assert contract.id is not None
    statuses = await monitoring_views.latest_statuses(session=session, contract_id=contract.id)
    rounds = await monitoring_views.rounds_of(
        session=session,
        contract_id=contract.id,
        drafts=contract_access.can_write(viewer, view.organization_ids),
    )
    return contract_public(view, (statuses, rounds))


@router.patch(
    "/social-contracts/{contract_id}",
    response_model=SocialContractPublic,
    responses=SIGNED_IN_WRITE,
)
async def update_contract(
    contract_id: Id, data: SocialContractUpdate, principal: CurrentPrincipal, session: SessionDep
) -> SocialContractPublic:
    """Title, term, introduction (409 once the current version is signed: make a new one);
    the adoption reference (409 unless in force)."""
    view = await contracts.update(
        session=session, actor=principal.user, contract_id=contract_id, data=data
    )
    await session.commit()
    return contract_public(view)


@router.post(
    "/social-contracts/{contract_id}/priorities",
    response_model=ContractPriorityPublic,
    status_code=201,
    responses=SIGNED_IN_WRITE,
)
async def add_priority(
    contract_id: Id, data: ContractPriorityCreate, principal: CurrentPrincipal, session: SessionDep
) -> ContractPriorityPublic:
    """A priority at the end of the current version, with its points and sources."""
    item = await contract_priorities.add(
        session=session, actor=principal.user, contract_id=contract_id, data=data
    )
    await session.commit()
    return priority_public(item)


@router.patch(
    "/contract-priorities/{priority_id}",
    response_model=ContractPriorityPublic,
    responses=SIGNED_IN_WRITE,
)
async def update_priority(
    priority_id: Id, data: ContractPriorityUpdate, principal: CurrentPrincipal, session: SessionDep
) -> ContractPriorityPublic:
    """Changes the fields sent; `points` and sources replace the old; `position` moves it."""
    item = await contract_priorities.update(
        session=session, actor=principal.user, priority_id=priority_id, data=data
    )
    await session.commit()
    return priority_public(item)


@router.delete("/contract-priorities/{priority_id}", status_code=204, responses=SIGNED_IN_ACTION)
async def delete_priority(
    priority_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Only from a version not signed yet (409 after); the ones after it move up."""
    await contract_priorities.delete_priority(
        session=session, actor=principal.user, priority_id=priority_id
    )
    await session.commit()
    return Response(status_code=204)


@router.post(
    "/social-contracts/{contract_id}/open",
    response_model=SocialContractPublic,
    responses=SIGNED_IN_ACTION,
)
async def open_contract(
    contract_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> SocialContractPublic:
    """draft → open_for_signature (public); needs a priority (409)."""
    view = await contracts.open_for_signature(
        session=session, actor=principal.user, contract_id=contract_id
    )
    await session.commit()
    return contract_public(view)


@router.post(
    "/social-contracts/{contract_id}/versions",
    response_model=SocialContractPublic,
    status_code=201,
    responses=SIGNED_IN_ACTION,
)
async def new_version(
    contract_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> SocialContractPublic:
    """A new version copied from the last (409 if the last is not signed yet)."""
    view = await contracts.new_version(
        session=session, actor=principal.user, contract_id=contract_id
    )
    await session.commit()
    return contract_public(view)


@router.post(
    "/social-contracts/{contract_id}/signatures",
    response_model=ContractSignaturePublic,
    status_code=201,
    responses=SIGNED_IN_WRITE,
)
async def record_signature(
    contract_id: Id,
    data: ContractSignatureCreate,
    principal: CurrentPrincipal,
    session: SessionDep,
) -> ContractSignaturePublic:
    """A candidate's answer to the current version; the first one freezes its text. One per
    candidate and version (409)."""
    signature, number = await contract_signatures.record(
        session=session, actor=principal.user, contract_id=contract_id, data=data
    )
    await session.commit()
    return contract_signatures.public(signature, number)


async def read_upload(file: UploadFile) -> Upload:
    """The upload's bytes, at most one more than the limit (enough to know it is too large)."""
    content = await file.read(documents.MAX_BYTES + 1)
    return Upload(name=file.filename or "", content=content)


@router.post(
    "/contract-signatures/{signature_id}/document",
    response_model=ContractSignaturePublic,
    responses=UPLOAD,
)
async def upload_document(
    signature_id: Id,
    principal: CurrentPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    # optional in the schema so that who may upload is checked first; none sent → 422
    file: Annotated[
        UploadFile | None, File(description="The scanned page: PDF, JPEG or PNG, ≤ 10 MB")
    ] = None,
) -> ContractSignaturePublic:
    """The scanned signed page (multipart field `file`), checked by its content; replaces an
    earlier scan or link."""
    signature = await contract_signatures.attach_document(
        session=session,
        actor=principal.user,
        signature_id=signature_id,
        upload=await read_upload(file) if file is not None else None,
        upload_dir=settings.uploads,
    )
    await session.commit()
    version = await contract_signatures.version_number(session=session, signature=signature)
    return contract_signatures.public(signature, version)


@router.get(
    "/contract-signatures/{signature_id}/document",
    response_class=Response,
    responses={**DOWNLOAD, 200: {"content": {"application/pdf": {}, "image/png": {}}}},
    dependencies=NO_STORE_WHEN_SIGNED_IN,
    openapi_extra=OPTIONAL_TOKEN,
)
async def download_document(
    signature_id: Id, session: SessionDep, principal: MaybePrincipal, settings: SettingsDep
) -> Response:
    """The uploaded scan, as an attachment, for whoever may see the contract."""
    document = await contract_signatures.visible_document(
        session=session, signature_id=signature_id, viewer=principal.user if principal else None
    )
    path = documents.path_of(settings.uploads, document)
    if not await anyio.Path(path).is_file():  # its file went missing from the upload folder
        raise HTTPException(status_code=404)
    name = documents.download_name(document, f"contract-signature-{signature_id}")
    return FileResponse(
        path,
        media_type=document.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-cache",
        },
    )
