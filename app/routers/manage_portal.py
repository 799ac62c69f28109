"""The organizers' side of the candidate portal: a candidate's private link (issue, reissue,
revoke; shown once, with a printable A6 card), and the decision on a disputed commitment."""

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.deps import CurrentPrincipal, Principal, SessionDep, SettingsDep, get_principal
from app.i18n import gettext as _
from app.models import Id
from app.models.portal import DISPUTE_MAX_LENGTH, DisputeKept, PortalLinkCreate
from app.qr import qr_svg
from app.routers.forms import form_values, parse_input, see_other
from app.services import disputes, elections, portal, portal_links
from app.services.errors import InvalidInput, NotAllowed
from app.share import share_links
from app.templating import render

router = APIRouter(prefix="/manage", dependencies=[Depends(get_principal)], include_in_schema=False)


# --- the candidate's link --------------------------------------------------------------------


async def _link_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    candidate_id: int,
    *,
    issued: portal_links.IssuedLink | None = None,
    url: str | None = None,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    listing = await elections.get_candidate(session=session, candidate_id=candidate_id)
    if listing is None:
        raise HTTPException(status_code=404)
    if not await portal_links.may_issue_links(
        session=session, actor=principal.user, candidate=listing.candidate
    ):
        raise HTTPException(
            status_code=403,
            detail=_(
                "Only an organization that invited this candidate, or works in their "
                "municipality, may give them a portal link."
            ),
        )
    context = {
        "listing": listing,
        "live": await portal_links.live_link(session=session, candidate_id=candidate_id),
        "issued": issued,
        "url": url,
        "share": share_links(
            _(
                "%(name)s, your private link to the POP candidate portal: your events, the "
                "questions to you and your commitments, to confirm or correct. "
                "Keep it to yourself.",
                name=listing.candidate.full_name,
            ),
            url,
        )
        if url
        else [],
        "qr": qr_svg(url, css_class="qr-code portal-card-qr", label=_("QR code of the link"))
        if url
        else None,
        "form": form or {},
        "errors": errors or {},
    }
    response = render(request, "manage/portal/link.html", context, status_code=status_code)
    if issued is not None:  # the token is on this page, and only on it
        response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/candidates/{candidate_id}/portal", name="manage_portal_link")
async def link_page(
    request: Request, candidate_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Whether the candidate has a working link, and the buttons to issue or revoke one."""
    return await _link_page(request, session, principal, candidate_id)


def _expiry_value(value: str | None) -> str | None:
    """The form's date: the link works until the end of that day (Tirana)."""
    if not value:
        return None
    try:
        return f"{date.fromisoformat(value).isoformat()}T23:59:59"
    except ValueError:
        return value  # the input model says what is wrong with it


@router.post("/candidates/{candidate_id}/portal", name="issue_portal_link")
async def issue(
    request: Request,
    candidate_id: Id,
    principal: CurrentPrincipal,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """A new link (the old one stops working), shown on this answer only, with its card."""
    values = form_values(await request.form())
    try:
        data = parse_input(
            PortalLinkCreate, {"expires_at": _expiry_value(values.get("expires_on"))}
        )
        issued = await portal_links.issue_link(
            session=session,
            actor=principal.user,
            candidate_id=candidate_id,
            expires_at=data.expires_at,
        )
    except InvalidInput as error:
        await session.rollback()
        errors = {"expires_on": error.errors.get("expires_at", _("Enter a date."))}
        return await _link_page(
            request, session, principal, candidate_id, form=values, errors=errors, status_code=400
        )
    except NotAllowed:
        await session.rollback()
        return await _link_page(request, session, principal, candidate_id)  # says 403
    await session.commit()
    url = f"{settings.base_url}/c/{issued.token}"
    return await _link_page(request, session, principal, candidate_id, issued=issued, url=url)


@router.post("/candidates/{candidate_id}/portal/revoke", name="revoke_portal_link")
async def revoke(
    request: Request, candidate_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    await portal_links.revoke_link(session=session, actor=principal.user, candidate_id=candidate_id)
    await session.commit()
    return see_other(request.app.url_path_for("manage_portal_link", candidate_id=str(candidate_id)))


# --- a disputed commitment -------------------------------------------------------------------


async def _dispute_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    commitment_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    found = await disputes.dispute_for_organizer(
        session=session, actor=principal.user, commitment_id=commitment_id
    )
    item = (await portal.portal_items(session=session, commitments=[found.commitment]))[0]
    context = {
        "dispute": found,
        "item": item,
        "values": values or {"note": found.commitment.organizer_note},
        "errors": errors or {},
        "max_length": DISPUTE_MAX_LENGTH,
    }
    return render(request, "manage/portal/dispute.html", context, status_code=status_code)


@router.get("/commitments/{commitment_id}/dispute", name="manage_dispute")
async def dispute_page(
    request: Request, commitment_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """The recorded wording and the candidate's, side by side, with the two decisions."""
    return await _dispute_page(request, session, principal, commitment_id)


@router.post("/commitments/{commitment_id}/accept", name="accept_candidate_wording")
async def accept(commitment_id: Id, principal: CurrentPrincipal, session: SessionDep) -> Response:
    """The candidate's wording becomes the text, confirmed (the old one stays in the audit log)."""
    await disputes.accept_wording(
        session=session, actor=principal.user, commitment_id=commitment_id
    )
    await session.commit()
    return see_other("/manage?resolved=accepted#disputes")


@router.post("/commitments/{commitment_id}/keep", name="keep_recorded_wording")
async def keep(
    request: Request, commitment_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """The recorded wording stays, with a public note."""
    values = form_values(await request.form())
    try:
        data = parse_input(DisputeKept, {"note": values.get("note")})
        await disputes.keep_wording(
            session=session, actor=principal.user, commitment_id=commitment_id, note=data.note
        )
    except InvalidInput as error:
        await session.rollback()
        message = _(
            "Write a note of at most %(count)s characters: it is shown publicly next to the "
            "dispute.",
            count=DISPUTE_MAX_LENGTH,
        )
        errors = {"note": message} if "note" in error.errors else error.errors
        return await _dispute_page(
            request,
            session,
            principal,
            commitment_id,
            values=values,
            errors=errors,
            status_code=400,
        )
    await session.commit()
    return see_other("/manage?resolved=kept#disputes")
