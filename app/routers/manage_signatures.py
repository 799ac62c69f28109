"""Organizer pages for the parts of a contract: one priority (edit, move up or down, delete)
and the candidates' signatures (record one with its scanned page or a link; add the scan later).

The signature forms are multipart (a file of up to 10 MB: app/main.py raises the body limit for
/manage/contract-signatures only). Plain POSTs answering 303; a refusal re-renders the page with
what was typed and the message next to the field.
"""

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import UploadFile

from app.deps import CurrentPrincipal, SessionDep, SettingsDep, get_principal
from app.i18n import gettext as _
from app.models import ContractPriority, ContractSignature, ContractVersion, Id
from app.models.contracts import ContractPriorityUpdate, ContractSignatureCreate
from app.pages.contract_drafting import (
    drafting_page,
    lines,
    priority_page,
    refusal,
    writable_contract,
)
from app.routers.forms import form_values, parse_input, see_other
from app.services import contract_priorities, contract_signatures, documents
from app.services.documents import Upload
from app.services.errors import InvalidInput, ServiceError

router = APIRouter(prefix="/manage", dependencies=[Depends(get_principal)], include_in_schema=False)
SIGNATURE_FIELDS = ("candidate_id", "event_id", "signed_on", "status", "reason", "document_url")
_ID = TypeAdapter(Id)


async def _priority(session: SessionDep, principal: CurrentPrincipal, priority_id: int) -> Any:
    priority = await session.get(ContractPriority, priority_id)
    if priority is None:
        raise HTTPException(status_code=404)
    version = await session.get(ContractVersion, priority.version_id)
    assert version is not None
    contract = await writable_contract(session, principal.user, version.contract_id)
    return contract, await contract_priorities.get(session=session, priority_id=priority_id)


@router.get("/priorities/{priority_id}/edit", name="edit_priority")
async def edit_priority(
    request: Request, priority_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    contract, item = await _priority(session, principal, priority_id)
    return await priority_page(request, session, contract, item)


@router.post("/priorities/{priority_id}", name="update_priority")
async def update_priority(
    request: Request, priority_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Every field of the form (points one a line; the ticked sources replace the old)."""
    contract, item = await _priority(session, principal, priority_id)
    contract_id = contract.id or 0
    values = form_values(await request.form(), lists=("commitment_ids", "question_ids"))
    try:
        data = parse_input(
            ContractPriorityUpdate,
            {
                "title": values.get("title"),
                "description": values.get("description") or "",
                "topic_id": values.get("topic_id"),
                "points": lines(values.get("points")),
                "commitment_ids": values["commitment_ids"],
                "question_ids": values["question_ids"],
            },
        )
        await contract_priorities.update(
            session=session, actor=principal.user, priority_id=priority_id, data=data
        )
    except ServiceError as error:
        await session.rollback()
        errors, status = refusal(error)
        contract, item = await _priority(session, principal, priority_id)
        return await priority_page(
            request, session, contract, item, values=values, errors=errors, status_code=status
        )
    await session.commit()
    return see_other(f"/manage/contracts/{contract_id}#priority-{priority_id}")


async def _on_drafting_page(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    priority_id: int,
    action: Any,
) -> Response:
    contract, item = await _priority(session, principal, priority_id)
    contract_id = contract.id or 0
    try:
        await action(item)
    except ServiceError as error:
        await session.rollback()
        errors, status = refusal(error)
        contract = await writable_contract(session, principal.user, contract_id)
        return await drafting_page(
            request,
            session,
            principal.user,
            contract,
            failed="status",
            errors=errors,
            status_code=status,
        )
    await session.commit()
    return see_other(f"/manage/contracts/{contract_id}#priorities")


@router.post("/priorities/{priority_id}/move", name="move_priority")
async def move_priority(
    request: Request, priority_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """One place up or down (`direction`)."""
    direction = (await request.form()).get("direction")

    async def action(item: Any) -> None:
        step = -1 if direction == "up" else 1
        position = max(1, item.priority.position + step)
        await contract_priorities.update(
            session=session,
            actor=principal.user,
            priority_id=priority_id,
            data=ContractPriorityUpdate(position=position),
        )

    return await _on_drafting_page(request, session, principal, priority_id, action)


@router.post("/priorities/{priority_id}/delete", name="delete_priority")
async def delete_priority(
    request: Request, priority_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    async def action(item: Any) -> None:
        await contract_priorities.delete_priority(
            session=session, actor=principal.user, priority_id=priority_id
        )

    return await _on_drafting_page(request, session, principal, priority_id, action)


def _upload(value: Any) -> Upload | None:
    if isinstance(value, UploadFile) and value.filename:
        return Upload(name=value.filename, content=value.file.read(documents.MAX_BYTES + 1))
    return None


@router.post("/contract-signatures", name="record_signature")
async def record_signature(
    request: Request, principal: CurrentPrincipal, session: SessionDep, settings: SettingsDep
) -> Response:
    """A candidate's answer to the contract's current version (`contract_id` in the form),
    with the scanned page as a file or a link."""
    form = await request.form()
    values = form_values(form)
    values.pop("file", None)
    try:
        contract_id = _ID.validate_python(values.get("contract_id"))
    except ValidationError as error:
        raise HTTPException(status_code=400, detail=_("Choose a contract.")) from error
    contract = await writable_contract(session, principal.user, contract_id)
    try:
        data = parse_input(ContractSignatureCreate, {f: values.get(f) for f in SIGNATURE_FIELDS})
        await contract_signatures.record(
            session=session,
            actor=principal.user,
            contract_id=contract_id,
            data=data,
            upload=_upload(form.get("file")),
            upload_dir=settings.uploads,
        )
    except ServiceError as error:
        await session.rollback()
        errors, status = refusal(error)
        contract = await writable_contract(session, principal.user, contract_id)
        return await drafting_page(
            request,
            session,
            principal.user,
            contract,
            failed="signature",
            values=values,
            errors=errors,
            status_code=status,
        )
    await session.commit()
    return see_other(f"/manage/contracts/{contract_id}#signatures")


@router.post("/contract-signatures/{signature_id}/document", name="signature_document")
async def signature_document(
    request: Request,
    signature_id: Id,
    principal: CurrentPrincipal,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """The scanned page of a recorded signature (replaces an earlier one)."""
    signature = await session.get(ContractSignature, signature_id)
    if signature is None:
        raise HTTPException(status_code=404)
    version = await session.get(ContractVersion, signature.version_id)
    assert version is not None
    contract_id = version.contract_id
    contract = await writable_contract(session, principal.user, contract_id)
    form = await request.form()
    try:
        upload = _upload(form.get("file"))
        if upload is None:
            raise InvalidInput({"file": _("Choose the file of the scanned page.")})
        await contract_signatures.attach_document(
            session=session,
            actor=principal.user,
            signature_id=signature_id,
            upload=upload,
            upload_dir=settings.uploads,
        )
    except ServiceError as error:
        await session.rollback()
        errors, status = refusal(error)
        contract = await writable_contract(session, principal.user, contract_id)
        return await drafting_page(
            request,
            session,
            principal.user,
            contract,
            failed=f"document-{signature_id}",
            errors=errors,
            status_code=status,
        )
    await session.commit()
    return see_other(f"/manage/contracts/{contract_id}#signature-{signature_id}")
