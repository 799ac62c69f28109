"""The monitoring's organizer pages (plain forms, errors next to the field, 303) and public pages
(the network overview with its SVG chart, a round's report, the municipality's section, the
Albanian print view, the unaddressed list), on both engines; the sums without a database."""

import re
from datetime import date

import pytest

from app.db import Database
from app.models import AssessmentStatus, MonitoringRound, RoundStatus, utcnow
from app.services.monitoring_figures import figures_of, flags, largest_remainder
from tests.conftest import Browser, World
from tests.monitoring_fixtures import Monitored, contract_in_force

FULLY, PARTLY, NOT = (
    AssessmentStatus.fully_addressed,
    AssessmentStatus.partially_addressed,
    AssessmentStatus.not_addressed,
)
URL = "https://bashkia.example/raport.pdf"


# --- the sums --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "counts",
    [(1, 1, 1), (2, 7, 3), (17, 58, 25), (1, 0, 0), (0, 0, 0), (5, 5, 1), (4, 13, 6), (1, 1, 4)],
)
def test_shares_always_add_up_to_100(counts: tuple[int, int, int]) -> None:
    shares = largest_remainder(dict(zip("abc", counts, strict=True)))
    assert sum(shares.values()) == (100 if sum(counts) else 0)
    for key, count in zip("abc", counts, strict=True):
        if sum(counts):
            assert abs(shares[key] - 100 * count / sum(counts)) < 1


def test_figures_of_a_round() -> None:
    figures = figures_of([FULLY, PARTLY, PARTLY, NOT, PARTLY, PARTLY, PARTLY])
    assert (figures.fully_addressed, figures.partially_addressed, figures.not_addressed) == (
        1,
        5,
        1,
    )
    assert figures.percentages == {
        "fully_addressed": 14,
        "partially_addressed": 72,
        "not_addressed": 14,
    }


def test_flags_not_addressed_and_not_improved() -> None:
    previous = {1: PARTLY, 2: PARTLY, 3: NOT, 4: FULLY, 5: FULLY}
    current = {1: PARTLY, 2: FULLY, 3: NOT, 4: FULLY, 5: PARTLY, 6: NOT}
    assert flags(current, previous) == {
        1: ["no_improvement"],
        3: ["not_addressed", "no_improvement"],
        5: ["no_improvement"],
        6: ["not_addressed"],
    }
    assert flags(current, None) == {3: ["not_addressed"], 6: ["not_addressed"]}


# --- the organizer's pages -------------------------------------------------------------------


@pytest.fixture
async def monitored(db: Database, world: World) -> Monitored:
    return await contract_in_force(db, world)


@pytest.fixture
async def organizer(client: Browser, world: World) -> Browser:
    client.cookies.set("pf_lang", "en")
    await client.sign_in(world.organizer.email)
    return client


async def _round_id(organizer: Browser, monitored: Monitored) -> int:
    response = await organizer.post_form(
        f"/manage/monitoring/contracts/{monitored.contract_id}/rounds",
        {"label": "Viti 1", "period_start": "2019-09-01", "period_end": "2020-08-31"},
    )
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


async def test_the_organizer_runs_a_round(organizer: Browser, monitored: Monitored) -> None:
    listing = await organizer.get("/manage/monitoring")
    assert "Kontrata Sociale 2019–2023" in listing.text
    bad = await organizer.post_form(
        f"/manage/monitoring/contracts/{monitored.contract_id}/rounds",
        {"label": "Viti 1", "period_start": "2020-09-01", "period_end": "2019-08-31"},
    )
    assert bad.status_code == 422
    assert 'value="Viti 1"' in bad.text
    assert "The period ends after it starts." in bad.text
    round_id = await _round_id(organizer, monitored)
    page = f"/manage/monitoring/rounds/{round_id}"
    first, second, third = monitored.priority_ids
    # fully addressed without a link: the form again, the error beside the link, the text kept
    refused = await organizer.post_form(
        f"{page}/assessments/{first}",
        {"status": "fully_addressed", "evidence": "U ndërtua depoja."},
    )
    assert refused.status_code == 422
    assert "U ndërtua depoja." in refused.text
    assert f'id="f-assess-{first}-evidence_url-error"' in refused.text
    for priority, status in [(first, "fully_addressed"), (second, "partially_addressed")]:
        saved = await organizer.post_form(
            f"{page}/assessments/{priority}",
            {"status": status, "evidence": "Vendimi nr. 7.", "evidence_url": URL},
        )
        assert saved.status_code == 303
    # publishing with a priority unassessed: 409, naming it, on the page
    blocked = await organizer.post_form(f"{page}/publish")
    assert blocked.status_code == 409
    assert "Kopshte dhe çerdhe" in blocked.text
    await organizer.post_form(
        f"{page}/assessments/{third}", {"status": "not_addressed", "evidence": "Asnjë kopsht i ri."}
    )
    assert (
        await organizer.post_form(f"{page}/events", {"event_id": str(monitored.meeting_id)})
    ).status_code == 303
    assert (await organizer.post_form(f"{page}/publish")).status_code == 303
    # after publishing: a correction with a reason; the reply
    no_reason = await organizer.post_form(
        f"{page}/assessments/{third}/corrections",
        {"status": "not_addressed", "evidence": "Asnjë kopsht i ri, as projekt."},
    )
    assert no_reason.status_code == 422
    assert "Asnjë kopsht i ri, as projekt." in no_reason.text
    corrected = await organizer.post_form(
        f"{page}/assessments/{third}/corrections",
        {
            "status": "partially_addressed",
            "evidence": "Projekti i kopshtit u miratua.",
            "evidence_url": URL,
            "reason": "Bashkia dërgoi vendimin e miratimit.",
        },
    )
    assert corrected.status_code == 303
    replied = await organizer.post_form(
        f"{page}/assessments/{second}/reply",
        {"text": "Linja e re nis në janar.", "replied_on": "2020-10-05"},
    )
    assert replied.status_code == 303
    shown = await organizer.get(f"/monitoring/rounds/{round_id}")
    assert "Bashkia dërgoi vendimin e miratimit." in shown.text
    assert "Linja e re nis në janar." in shown.text
    assert "23 participants" in shown.text


async def test_another_organization_gets_403(
    client: Browser, world: World, monitored: Monitored
) -> None:
    await client.sign_in(world.other_organizer.email)
    response = await client.get(f"/manage/monitoring/contracts/{monitored.contract_id}")
    assert response.status_code == 403


# --- the public pages ------------------------------------------------------------------------


async def _published_round(
    db: Database, monitored: Monitored, statuses: list[AssessmentStatus], label: str, year: int
) -> int:
    from app.models import PriorityAssessment

    async with db.write() as s:
        round_ = MonitoringRound(
            contract_id=monitored.contract_id,
            label=label,
            period_start=date(year, 9, 1),
            period_end=date(year + 1, 8, 31),
            status=RoundStatus.published,
            published_at=utcnow(),
        )
        s.add(round_)
        await s.flush()
        for priority_id, status in zip(monitored.priority_ids, statuses, strict=True):
            url = URL if status != NOT else None
            s.add(
                PriorityAssessment(
                    round_id=round_.id or 0,
                    priority_id=priority_id,
                    status=status,
                    evidence=f"Dëshmi për {label}.",
                    evidence_url=url,
                )
            )
        await s.commit()
    return round_.id or 0


async def test_the_network_overview(citizen: Browser, db: Database, monitored: Monitored) -> None:
    empty = await citizen.get("/monitoring")
    assert empty.status_code == 200
    assert "No monitoring round has been published yet." in empty.text
    await _published_round(db, monitored, [PARTLY, PARTLY, NOT], "Viti 1", 2019)
    await _published_round(db, monitored, [FULLY, PARTLY, NOT], "Viti 2", 2020)
    page = await citizen.get("/monitoring")
    svg = re.search(r"<svg class=\"mon-chart\".*?</svg>", page.text, re.S)
    assert svg is not None
    assert 'role="img"' in svg.group(0)
    assert "viewBox=" in svg.group(0)
    assert "style=" not in page.text.split("<main", 1)[1]
    assert (
        "Durrës: Fully addressed: 1 (34%); Partially addressed: 1 (33%); Not addressed: 1 (33%)"
        in svg.group(0)
    )
    assert "largest remainder" in page.text
    # the term: 6 assessments over two rounds, 4 addressed
    assert "66.7% of priorities addressed" in page.text
    assert "Year 1 of the term: Fully addressed 0%, partially addressed 67%" in page.text
    unaddressed = await citizen.get("/monitoring/unaddressed")
    assert "Kopshte dhe çerdhe" in unaddressed.text  # not addressed
    assert "Transport publik për fshatrat" in unaddressed.text  # partly, both rounds
    assert "Ujë i pijshëm 24 orë" not in unaddressed.text  # improved


async def test_the_municipality_page_and_the_report(
    citizen: Browser, db: Database, monitored: Monitored
) -> None:
    round_id = await _published_round(db, monitored, [FULLY, PARTLY, NOT], "Viti 1", 2019)
    page = await citizen.get("/municipalities/durres")
    assert 'id="monitoring"' in page.text
    assert "Fully addressed" in page.text
    assert "Dëshmi për Viti 1." in page.text
    # the path back: the candidate's commitment and the citizens' question, with links
    assert f'href="/candidates/{monitored.candidate_id}"' in page.text
    assert f'href="/events/{monitored.forum_id}#question-list"' in page.text
    assert f'href="/contracts/{monitored.contract_id}"' in page.text
    report = await citizen.get(f"/monitoring/rounds/{round_id}")
    assert report.status_code == 200
    printed = await citizen.get(f"/monitoring/rounds/{round_id}/print")
    assert '<html lang="sq">' in printed.text
    assert "Adresuar plotësisht" in printed.text


async def test_a_draft_round_is_private(
    citizen: Browser, db: Database, monitored: Monitored
) -> None:
    async with db.write() as s:
        draft = MonitoringRound(
            contract_id=monitored.contract_id,
            label="Viti 1",
            period_start=date(2019, 9, 1),
            period_end=date(2020, 8, 31),
        )
        s.add(draft)
        await s.commit()
    assert (await citizen.get(f"/monitoring/rounds/{draft.id}")).status_code == 404
    assert (await citizen.get(f"/monitoring/rounds/{draft.id}/print")).status_code == 404
    assert 'id="monitoring"' not in (await citizen.get("/municipalities/durres")).text
