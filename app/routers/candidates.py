"""The public candidate pages: every candidate (filtered by election, municipality, party),
one candidate's record (events, declined invitations, commitments, answered questions), and
the open data of commitments (CSV per candidate and per election). No citizen's personal data.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from app.deps import SessionDep, get_principal
from app.models import Id
from app.services import candidates, commitments, contract_lists, elections
from app.templating import render

router = APIRouter(dependencies=[Depends(get_principal)], include_in_schema=False)
Text = Annotated[str, Query(max_length=100)]
PUBLIC_CACHE = {"Cache-Control": "public, max-age=60"}


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


@router.get("/candidates", name="candidates")
async def candidate_list(
    request: Request,
    session: SessionDep,
    election: Text = "",
    municipality: Text = "",
    party: Text = "",
) -> Response:
    """Every candidate, newest election first; an empty or unknown filter means "any"."""
    all_elections = [e.election for e in await elections.list_elections(session=session)]
    municipalities = await elections.list_municipalities(session=session)
    parties = await elections.list_parties(session=session)
    chosen_municipality = next((m for m in municipalities if m.slug == municipality.strip()), None)
    election_id, party_id = _number(election), _number(party)
    rows = await elections.list_candidates(
        session=session,
        election_id=election_id,
        municipality_id=chosen_municipality.id if chosen_municipality else None,
        party_id=party_id,
    )
    filters = {
        "election": election_id,
        "municipality": chosen_municipality.slug if chosen_municipality else None,
        "party": party_id,
    }
    context = {
        "rows": rows,
        "filters": filters,
        "elections": all_elections,
        "municipalities": municipalities,
        "parties": parties,
        "commitment_counts": await commitments.counts_by_candidate(session=session),
    }
    return render(request, "public/candidates/list.html", context, block="results")


@router.get("/candidates/{candidate_id}", name="candidate")
async def candidate_page(request: Request, candidate_id: Id, session: SessionDep) -> Response:
    """The page a journalist links to: who, where, which events, what they promised."""
    listing = await elections.get_candidate(session=session, candidate_id=candidate_id)
    if listing is None:
        raise HTTPException(status_code=404)
    invited = await candidates.invitations(session=session, candidate_id=candidate_id)
    context = {
        "listing": listing,
        "took_part": [i for i in invited if not i.declined],
        "declined": [i for i in invited if i.declined],
        "commitments": await commitments.for_candidate(session=session, candidate_id=candidate_id),
        "answered": await candidates.answered_questions(session=session, candidate_id=candidate_id),
        "contracts": await contract_lists.contracts_of_candidate(
            session=session, candidate_id=candidate_id
        ),
    }
    return render(request, "public/candidates/detail.html", context)


def _csv(body: str, filename: str) -> Response:
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **PUBLIC_CACHE},
    )


@router.get("/candidates/{candidate_id}/commitments.csv", name="candidate_commitments_csv")
async def candidate_commitments_csv(candidate_id: Id, session: SessionDep) -> Response:
    """Open data: the candidate's commitments (UTF-8 with BOM, formula-safe)."""
    if await elections.get_candidate(session=session, candidate_id=candidate_id) is None:
        raise HTTPException(status_code=404)
    views = await commitments.for_candidate(session=session, candidate_id=candidate_id)
    return _csv(commitments.commitments_csv(views), f"commitments-candidate-{candidate_id}.csv")


@router.get("/elections/{election_id}/commitments.csv", name="election_commitments_csv")
async def election_commitments_csv(election_id: Id, session: SessionDep) -> Response:
    """Open data: every commitment of the election's candidates."""
    if not await commitments.election_exists(session=session, election_id=election_id):
        raise HTTPException(status_code=404)
    views = await commitments.for_election(session=session, election_id=election_id)
    return _csv(commitments.commitments_csv(views), f"commitments-election-{election_id}.csv")
