"""Candidates' signatures of a contract: recording one, its scanned page, and what a candidate
did (for their portal).

Rules: a contract open for signature or in force (409 for a draft); the candidate of its
municipality and election (422 `candidate_id`); the event, if any, one of its municipality and
election (422 `event_id`); a reason only with `declined`; a scan by upload or by link, not both;
one answer per candidate and version (409). The first answer recorded — signed or declined —
freezes the version's text: it is the text the candidate answered.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import (
    Candidate,
    ContractSignature,
    ContractStatus,
    ContractVersion,
    Event,
    SignatureStatus,
    SocialContract,
    StoredDocument,
    User,
    utcnow,
)
from app.models.contracts import ContractSignatureCreate, ContractSignaturePublic
from app.services import audit, contract_sources, documents
from app.services.contract_access import is_visible, organization_ids
from app.services.contract_versions import current_version
from app.services.contracts import for_writing, touch
from app.services.documents import Upload
from app.services.errors import Conflict, InvalidInput, NotFound


def document_link(signature: ContractSignature) -> str | None:
    """Where the scan is: the link given, or the address the upload is served at."""
    if signature.document_id is not None:
        return f"/api/v1/contract-signatures/{signature.id}/document"
    return signature.document_url


def public(signature: ContractSignature, version: int) -> ContractSignaturePublic:
    return ContractSignaturePublic(
        id=signature.id or 0,
        version=version,
        candidate_id=signature.candidate_id,
        event_id=signature.event_id,
        signed_on=signature.signed_on,
        status=signature.status,
        reason=signature.reason,
        document_url=document_link(signature),
    )


async def _check(
    session: AsyncSession,
    contract: SocialContract,
    data: ContractSignatureCreate,
    upload: Upload | None,
) -> None:
    errors: dict[str, str] = {}
    candidate = await session.get(Candidate, data.candidate_id)
    if (
        candidate is None
        or candidate.municipality_id != contract.municipality_id
        or candidate.election_id != contract.election_id
    ):
        errors["candidate_id"] = _("Choose a candidate of this municipality in this election.")
    if data.event_id is not None and not await contract_sources.event_counts(
        session=session, contract=contract, event_id=data.event_id
    ):
        errors["event_id"] = _("Choose an event of this municipality for this election, or none.")
    if data.signed_on > date.today() + timedelta(days=1):
        errors["signed_on"] = _("The date of the signature cannot be in the future.")
    if data.reason and data.status == SignatureStatus.signed:
        errors["reason"] = _("A reason is recorded only when the candidate declines.")
    if data.document_url and upload is not None:
        errors["document_url"] = _("Give the scanned page as a file or as a link, not both.")
    if errors:
        raise InvalidInput(errors)


async def record(
    *,
    session: AsyncSession,
    actor: User,
    contract_id: int,
    data: ContractSignatureCreate,
    upload: Upload | None = None,
    upload_dir: Path | None = None,
) -> tuple[ContractSignature, int]:
    """The candidate's answer to the current version (and its number); freezes that version."""
    contract = await for_writing(session=session, actor=actor, contract_id=contract_id)
    if contract.status == ContractStatus.draft:
        raise Conflict(_("Open the contract for signature before recording signatures."))
    await _check(session, contract, data, upload)
    if upload is not None:
        documents.check(upload)  # before anything is written
    version = await current_version(session=session, contract_id=contract_id)
    taken = await session.scalar(
        select(ContractSignature.id).where(  # type: ignore[call-overload]
            col(ContractSignature.version_id) == version.id,
            col(ContractSignature.candidate_id) == data.candidate_id,
        )
    )
    if taken is not None:
        raise Conflict(_("This candidate's answer to this version is recorded already."))
    document = None
    if upload is not None:
        assert upload_dir is not None
        document = await documents.store(
            session=session, actor=actor, upload=upload, upload_dir=upload_dir
        )
    signature = ContractSignature(
        **data.model_dump(),
        version_id=version.id or 0,
        document_id=document.id if document else None,
        recorded_by_id=actor.id,
    )
    session.add(signature)
    try:
        await session.flush()
    except IntegrityError as error:  # the same answer recorded at the same moment
        raise Conflict(_("This candidate's answer to this version is recorded already.")) from error
    details: dict[str, Any] = {
        "contract_id": contract_id,
        "version": version.number,
        **data.model_dump(mode="json"),
    }
    if version.frozen_at is None:
        version.frozen_at = utcnow()
        details["frozen"] = True
    if document is not None:
        details["document_id"] = document.id
    touch(contract)
    audit.record(
        session=session,
        user=actor,
        action="contract_signature.create",
        entity_id=signature.id,
        details=details,
    )
    return signature, version.number


async def _contract_of(session: AsyncSession, signature: ContractSignature) -> SocialContract:
    version = await session.get(ContractVersion, signature.version_id)
    assert version is not None  # foreign key
    contract = await session.get(SocialContract, version.contract_id)
    assert contract is not None
    return contract


async def attach_document(
    *,
    session: AsyncSession,
    actor: User,
    signature_id: int,
    upload: Upload | None,
    upload_dir: Path,
) -> ContractSignature:
    """The scanned page of a recorded signature; replaces an earlier scan or link."""
    signature = await session.get(ContractSignature, signature_id)
    if signature is None:
        raise NotFound(_("No such signature."))
    contract = await _contract_of(session, signature)
    await for_writing(session=session, actor=actor, contract_id=contract.id or 0)
    if upload is None:
        raise InvalidInput({"file": _("Choose the file of the scanned page.")})
    document = await documents.store(
        session=session, actor=actor, upload=upload, upload_dir=upload_dir
    )
    details = {
        "document_id": [signature.document_id, document.id],
        "document_url": [signature.document_url, None],
        "original_name": document.original_name,
    }
    signature.document_id, signature.document_url = document.id, None
    signature.updated_at = utcnow()
    audit.record(
        session=session,
        user=actor,
        action="contract_signature.document",
        entity_id=signature_id,
        details=details,
    )
    return signature


async def visible_document(
    *, session: AsyncSession, signature_id: int, viewer: User | None
) -> StoredDocument:
    """The uploaded scan of a signature, for whoever may see its contract."""
    signature = await session.get(ContractSignature, signature_id)
    if signature is None or signature.document_id is None:
        raise NotFound(_("No such document."))
    contract = await _contract_of(session, signature)
    ids = await organization_ids(session=session, contract_id=contract.id or 0)
    if not is_visible(contract, viewer, ids):
        raise NotFound(_("No such document."))
    document = await session.get(StoredDocument, signature.document_id)
    assert document is not None
    return document


@dataclass(frozen=True)
class CandidateContract:
    """A contract a candidate was asked to sign, and their answers (any version)."""

    contract: SocialContract
    version: int  # the current one
    answers: list[tuple[ContractSignature, int, Event | None]]  # with the version number


async def for_candidate(*, session: AsyncSession, candidate: Candidate) -> list[CandidateContract]:
    """The open or in-force contract of the candidate's municipality and election."""
    contracts = (
        await session.execute(
            select(SocialContract).where(
                col(SocialContract.municipality_id) == candidate.municipality_id,
                col(SocialContract.election_id) == candidate.election_id,
                col(SocialContract.status) != ContractStatus.draft,
            )
        )
    ).scalars()
    result = []
    for contract in contracts:
        version = await current_version(session=session, contract_id=contract.id or 0)
        rows = await session.execute(
            select(ContractSignature, ContractVersion.number, Event)  # type: ignore[call-overload]
            .join(ContractVersion, col(ContractVersion.id) == col(ContractSignature.version_id))
            .outerjoin(Event, col(Event.id) == col(ContractSignature.event_id))
            .where(col(ContractVersion.contract_id) == contract.id)
            .where(col(ContractSignature.candidate_id) == candidate.id)
            .order_by(col(ContractVersion.number))
        )
        answers = [(s, n, e) for s, n, e in rows.all()]
        result.append(CandidateContract(contract, version.number, answers))
    return result


async def version_number(*, session: AsyncSession, signature: ContractSignature) -> int:
    version = await session.get(ContractVersion, signature.version_id)
    assert version is not None  # foreign key
    return version.number
