"""Organizer pages for elections, parties and candidates: forms, refusals, history, escaping."""

import re
from datetime import date

from sqlalchemy import func, select, update

from app.models import Candidate, Election, ElectionKind, Party
from app.services import elections
from tests.conftest import Browser, Stage


async def post(client: Browser, path: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    token = await client.csrf_token()
    return await client.post(path, data={"csrf_token": token, **data})  # type: ignore[dict-item]


async def sign_in(client: Browser, email: str) -> None:
    client.headers["Accept-Language"] = "en"  # messages as written in the code
    await client.sign_in(email)


async def count(db, model) -> int:  # type: ignore[no-untyped-def]
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


# --- elections -------------------------------------------------------------------------------


async def test_an_admin_adds_and_edits_an_election(client: Browser, stage: Stage, db) -> None:
    world = stage.world
    await sign_in(client, world.admin.email)
    listing = await client.get("/manage/elections")
    assert 'href="/manage/elections/new"' in listing.text
    new = await client.get("/manage/elections/new")
    assert new.status_code == 200
    assert 'type="date"' in new.text
    assert "Durrës" in new.text
    assert "Shkodër" in new.text

    response = await post(
        client,
        "/manage/elections",
        {
            "name": "Zgjedhjet vendore 2027",
            "kind": "local",
            "election_date": "2027-05-09",
            "municipality_ids": [str(world.municipality.id)],
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/elections"
    async with db.read() as s:
        election = await s.scalar(select(Election).where(Election.name == "Zgjedhjet vendore 2027"))
    assert election is not None
    assert election.election_date == date(2027, 5, 9)

    listing = await client.get("/manage/elections")
    row = listing.text.split("Zgjedhjet vendore 2027", 1)[1].split("</tr>", 1)[0]
    assert "Local elections" in row
    assert "Durrës" in row
    assert "Shkodër" not in row
    # newest first
    assert listing.text.index("Zgjedhjet e pjesshme 2031") < listing.text.index(
        "Zgjedhjet vendore 2027"
    )

    edit = await client.get(f"/manage/elections/{election.id}/edit")
    assert 'value="2027-05-09"' in edit.text
    assert re.search(rf'value="{world.municipality.id}"\s+checked', edit.text)
    response = await post(
        client,
        f"/manage/elections/{election.id}",
        {
            "name": "Zgjedhjet vendore 2027 (rishikuar)",
            "kind": "partial_local",
            "election_date": "2027-06-13",
            "municipality_ids": [
                str(world.municipality.id),
                str(world.other_organization.municipality_id),
            ],
        },
    )
    assert response.status_code == 303
    async with db.read() as s:
        changed = await s.get(Election, election.id)
        voting = await elections.election_municipality_ids(session=s, election_id=election.id or 0)
    assert changed is not None
    assert changed.name == "Zgjedhjet vendore 2027 (rishikuar)"
    assert changed.kind == ElectionKind.partial_local
    assert voting == {world.municipality.id, world.other_organization.municipality_id}


async def test_an_election_form_error_keeps_everything_typed(
    client: Browser, stage: Stage, db
) -> None:
    await sign_in(client, stage.world.admin.email)
    before = await count(db, Election)
    response = await post(
        client,
        "/manage/elections",
        {
            "name": "Partia Ç'ë",
            "kind": "parliamentary",
            "election_date": "2027-02-30",
            "municipality_ids": [str(stage.world.municipality.id)],
        },
    )
    assert response.status_code == 400
    html = response.text
    assert 'value="Partia Ç&#39;ë"' in html
    assert 'value="2027-02-30"' in html
    assert re.search(r'id="f-election_date"[^>]*aria-invalid="true"', html)
    assert re.search(r'id="f-election_date-error">Enter a date.<', html)
    assert re.search(r'value="parliamentary"\s+selected', html)
    assert re.search(rf'value="{stage.world.municipality.id}"\s+checked', html)
    assert await count(db, Election) == before

    # no municipality chosen: the message sits on the checkboxes
    response = await post(
        client,
        f"/manage/elections/{stage.election.id}",
        {"name": "", "kind": "local", "election_date": "2030-05-12"},
    )
    assert response.status_code == 400
    assert re.search(r'id="f-name"[^>]*aria-invalid="true"', response.text)
    assert 'id="f-municipality_ids-error"' in response.text
    # refused by the service after it started changing the election: nothing is kept
    response = await post(
        client,
        f"/manage/elections/{stage.election.id}",
        {
            "name": "Zgjedhjet e ndryshuara",
            "kind": "local",
            "election_date": "2030-05-12",
            "municipality_ids": ["9999"],
        },
    )
    assert response.status_code == 400
    assert 'value="Zgjedhjet e ndryshuara"' in response.text
    assert "Choose municipalities from the list." in response.text
    async with db.read() as s:
        unchanged = await s.get(Election, stage.election.id)
    assert unchanged is not None
    assert unchanged.name == "Zgjedhjet vendore 2030"


async def test_organizers_may_read_but_not_write_elections_and_parties(
    client: Browser, stage: Stage, db
) -> None:
    await sign_in(client, stage.world.organizer.email)
    listing = await client.get("/manage/elections")
    assert listing.status_code == 200
    assert "Zgjedhjet vendore 2030" in listing.text
    assert "/manage/elections/new" not in listing.text
    assert f"/manage/elections/{stage.election.id}/edit" not in listing.text
    parties = await client.get("/manage/parties")
    assert parties.status_code == 200
    assert "Partia e Urave (demo)" in parties.text
    assert "/manage/parties/new" not in parties.text

    elections_before, parties_before = await count(db, Election), await count(db, Party)
    for path in [
        "/manage/elections/new",
        f"/manage/elections/{stage.election.id}/edit",
        "/manage/parties/new",
        f"/manage/parties/{stage.party.id}/edit",
    ]:
        response = await client.get(path)
        assert response.status_code == 403, path
        assert "Only a network admin may do this." in response.text
    for path, data in [
        (
            "/manage/elections",
            {
                "name": "Zgjedhjet e organizatorit",
                "kind": "local",
                "election_date": "2027-05-09",
                "municipality_ids": [str(stage.world.municipality.id)],
            },
        ),
        (f"/manage/elections/{stage.election.id}", {"name": "X"}),
        ("/manage/parties", {"name": "Partia e organizatorit", "abbreviation": "PO"}),
        (f"/manage/parties/{stage.party.id}", {"name": "X", "abbreviation": "X"}),
    ]:
        response = await post(client, path, data)
        assert response.status_code == 403, path
    assert await count(db, Election) == elections_before
    assert await count(db, Party) == parties_before


async def test_unknown_ids_answer_404(client: Browser, stage: Stage) -> None:
    await sign_in(client, stage.world.admin.email)
    for path in [
        "/manage/elections/9999/edit",
        "/manage/parties/9999/edit",
        "/manage/candidates/9999/edit",
    ]:
        response = await client.get(path)
        assert response.status_code == 404, path
    response = await post(client, "/manage/candidates/9999", {"full_name": "X", "office": "mayor"})
    assert response.status_code == 404


# --- parties ---------------------------------------------------------------------------------


async def test_an_admin_adds_and_edits_a_party(client: Browser, stage: Stage, db) -> None:
    await sign_in(client, stage.world.admin.email)
    new = await client.get("/manage/parties/new")
    assert 'type="color"' in new.text
    response = await post(
        client,
        "/manage/parties",
        {"name": "Lëvizja për Qytetin e Gjelbër", "abbreviation": "LQGJ", "color": "#2DA44E"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/parties"
    async with db.read() as s:
        party = await s.scalar(select(Party).where(Party.abbreviation == "LQGJ"))
    assert party is not None
    assert party.color == "#2da44e"

    listing = await client.get("/manage/parties")
    assert '<rect width="14" height="14" rx="3" fill="#2da44e"/>' in listing.text
    assert "style=" not in listing.text

    edit = await client.get(f"/manage/parties/{party.id}/edit")
    assert 'value="#2da44e"' in edit.text
    response = await post(
        client,
        f"/manage/parties/{party.id}",
        {"name": "Lëvizja e Gjelbër", "abbreviation": "LGJ", "color": "#116633"},
    )
    assert response.status_code == 303
    async with db.read() as s:
        changed = await s.get(Party, party.id)
    assert changed is not None
    assert (changed.name, changed.abbreviation, changed.color) == (
        "Lëvizja e Gjelbër",
        "LGJ",
        "#116633",
    )


async def test_a_party_form_error_keeps_the_input(client: Browser, stage: Stage, db) -> None:
    await sign_in(client, stage.world.admin.email)
    response = await post(
        client,
        "/manage/parties",
        {"name": "Partia Ç'ë", "abbreviation": "pu", "color": "#abcdef"},
    )
    assert response.status_code == 400
    html = response.text
    assert 'value="Partia Ç&#39;ë"' in html
    assert 'value="pu"' in html
    assert 'value="#abcdef"' in html
    assert re.search(r'id="f-abbreviation"[^>]*aria-invalid="true"', html)
    assert "Another party has this already." in html
    assert await count(db, Party) == 1


# --- candidates ------------------------------------------------------------------------------


def candidate_form(stage: Stage, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "full_name": "Ermira Prifti",
        "party_id": str(stage.party.id),
        "election_id": str(stage.election.id),
        "municipality_id": str(stage.world.municipality.id),
        "office": "council",
        "contact": "ermira@example.org",
    }
    values.update(overrides)
    return values


async def test_an_organizer_adds_and_edits_a_candidate_with_history(
    client: Browser, stage: Stage, db
) -> None:
    await sign_in(client, stage.world.organizer.email)
    new = await client.get("/manage/candidates/new")
    assert new.status_code == 200
    # the organizer's own municipality and the newest election are preselected
    assert re.search(rf'value="{stage.world.municipality.id}"\s+selected', new.text)
    assert '<option value="">Independent</option>' in new.text

    response = await post(client, "/manage/candidates", candidate_form(stage, party_id=""))
    assert response.status_code == 303
    async with db.read() as s:
        candidate = await s.scalar(select(Candidate).where(Candidate.full_name == "Ermira Prifti"))
    assert candidate is not None
    assert candidate.party_id is None
    assert response.headers["location"] == (
        f"/manage/candidates?election={stage.election.id}"
        f"&municipality={stage.world.municipality.id}"
    )
    listing = await client.get(response.headers["location"])
    row = listing.text.split("Ermira Prifti", 1)[1].split("</tr>", 1)[0]
    assert "Independent" in row
    assert "Candidate for council" in row

    edit = await client.get(f"/manage/candidates/{candidate.id}/edit")
    assert 'value="ermira@example.org"' in edit.text
    assert "Added the candidate." in edit.text
    # marked elected only from election day on (issue 12): the election took place
    async with db.write() as s:
        await s.execute(
            update(Election)
            .where(Election.id == candidate.election_id)  # type: ignore[arg-type]
            .values(election_date=date(2020, 5, 12))
        )
        await s.commit()
    response = await post(
        client,
        f"/manage/candidates/{candidate.id}",
        {
            "full_name": "Ermira Prifti-Hoxha",
            "party_id": str(stage.party.id),
            "office": "mayor",
            "contact": "",
            "elected": "true",
        },
    )
    assert response.status_code == 303
    async with db.read() as s:
        changed = await s.get(Candidate, candidate.id)
    assert changed is not None
    assert (changed.full_name, changed.party_id, changed.elected) == (
        "Ermira Prifti-Hoxha",
        stage.party.id,
        True,
    )
    assert changed.contact is None

    edit = await client.get(f"/manage/candidates/{candidate.id}/edit")
    history = edit.text.split('id="history-heading"', 1)[1]
    assert "<del>Ermira Prifti</del>" in history
    assert "<ins>Ermira Prifti-Hoxha</ins>" in history
    assert "<ins>Partia e Urave (demo)</ins>" in history
    assert stage.world.organizer.name in history
    assert re.search(r'id="f-elected"[^>]*checked', edit.text)

    # an unticked box means "not elected"
    response = await post(
        client,
        f"/manage/candidates/{candidate.id}",
        {"full_name": "Ermira Prifti-Hoxha", "party_id": "", "office": "mayor"},
    )
    assert response.status_code == 303
    async with db.read() as s:
        changed = await s.get(Candidate, candidate.id)
    assert changed is not None
    assert changed.elected is False
    assert changed.party_id is None


async def test_a_candidate_form_error_keeps_the_input(client: Browser, stage: Stage, db) -> None:
    await sign_in(client, stage.world.organizer.email)
    before = await count(db, Candidate)
    response = await post(
        client,
        "/manage/candidates",
        candidate_form(stage, full_name="Partia Ç'ë", election_id=str(stage.other_election.id)),
    )
    assert response.status_code == 400
    html = response.text
    assert 'value="Partia Ç&#39;ë"' in html
    assert re.search(r'id="f-municipality_id"[^>]*aria-invalid="true"', html)
    assert "This municipality does not vote in that election." in html
    assert re.search(rf'value="{stage.other_election.id}"\s+selected', html)
    assert re.search(rf'value="{stage.party.id}"\s+selected', html)
    assert 'value="ermira@example.org"' in html
    assert await count(db, Candidate) == before

    response = await post(
        client,
        f"/manage/candidates/{stage.anila.id}",
        {"full_name": "", "party_id": "", "office": "mayor", "contact": "Tel. 069"},
    )
    assert response.status_code == 400
    assert re.search(r'id="f-full_name"[^>]*aria-invalid="true"', response.text)
    assert 'value="Tel. 069"' in response.text


async def test_an_organizer_may_not_add_a_candidate_in_another_municipality(
    client: Browser, stage: Stage, db
) -> None:
    await sign_in(client, stage.world.organizer.email)
    before = await count(db, Candidate)
    response = await post(
        client,
        "/manage/candidates",
        candidate_form(
            stage,
            full_name="Gjergj Zefi",
            election_id=str(stage.other_election.id),
            municipality_id=str(stage.world.other_organization.municipality_id),
        ),
    )
    assert response.status_code == 403
    assert "Organizers add candidates only in their own municipality." in response.text
    assert 'value="Gjergj Zefi"' in response.text
    assert re.search(r'id="f-municipality_id"[^>]*aria-invalid="true"', response.text)
    assert await count(db, Candidate) == before

    # another municipality's candidate: read-only, with its history; a forced post is refused
    page = await client.get(f"/manage/candidates/{stage.other_town.id}/edit")
    assert page.status_code == 200
    assert 'action="/manage/candidates/' not in page.text
    assert "History" in page.text
    response = await post(
        client,
        f"/manage/candidates/{stage.other_town.id}",
        {"full_name": "Gentian Lleshi i ri", "office": "mayor"},
    )
    assert response.status_code == 403
    assert "Organizers add candidates only in their own municipality." in response.text
    assert 'value="Gentian Lleshi i ri"' in response.text
    async with db.read() as s:
        unchanged = await s.get(Candidate, stage.other_town.id)
    assert unchanged is not None
    assert unchanged.full_name == "Gentian Lleshi"


async def test_the_candidate_list_filters_and_escapes_names(
    client: Browser, stage: Stage, db
) -> None:
    await sign_in(client, stage.world.admin.email)
    response = await post(
        client, "/manage/candidates", candidate_form(stage, full_name="<b>Ana</b> & Co")
    )
    assert response.status_code == 303
    listing = await client.get("/manage/candidates")
    assert "&lt;b&gt;Ana&lt;/b&gt; &amp; Co" in listing.text
    assert "<b>Ana</b>" not in listing.text
    assert "Anila Toska" in listing.text
    assert "Gentian Lleshi" in listing.text

    only_other = await client.get(f"/manage/candidates?election={stage.other_election.id}")
    assert "Gentian Lleshi" in only_other.text
    assert "Anila Toska" not in only_other.text
    assert re.search(rf'value="{stage.other_election.id}"\s+selected', only_other.text)
    by_town = await client.get(f"/manage/candidates?municipality={stage.world.municipality.id}")
    assert "Anila Toska" in by_town.text
    assert "Gentian Lleshi" not in by_town.text
    # an empty or nonsense filter means "all"
    everything = await client.get("/manage/candidates?election=&municipality=x")
    assert everything.status_code == 200
    assert "Anila Toska" in everything.text
    assert "Gentian Lleshi" in everything.text


async def test_organizers_see_edit_only_where_they_may(client: Browser, stage: Stage) -> None:
    await sign_in(client, stage.world.organizer.email)
    listing = await client.get("/manage/candidates")
    own = listing.text.split("Anila Toska", 1)[1].split("</tr>", 1)[0]
    other = listing.text.split("Gentian Lleshi", 1)[1].split("</tr>", 1)[0]
    assert ">Edit<" in own
    assert ">History<" in other
    assert ">Edit<" not in other
