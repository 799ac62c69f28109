"""The yearly monitoring in a browser: the organizer's laptop runs a Year 1 round for a Durrës
contract (mixed statuses, one refused for want of a link, publish, the municipality's reply);
a phone (360×740) then finds on the municipality page the summary, the statuses and the path
back to the forum's question; the network overview's SVG chart at 320 px and 1366 px, in
Albanian and English (the screenshots are also saved to /tmp/shots-monitor/ to look at).

If the demo has no Durrës 2022 contract in force (the contracts' seed makes one), the test
writes one into the server's SQLite file with the models, as that seed would.
"""

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, select
from sqlmodel import Session, col

from app.models import (
    ContractOrganization,
    ContractPriority,
    ContractStatus,
    ContractVersion,
    Election,
    Event,
    MonitoringRound,
    Municipality,
    Organization,
    PriorityPoint,
    PriorityQuestion,
    Question,
    QuestionStatus,
    SocialContract,
    utcnow,
)
from tests.e2e.conftest import LAPTOP, LiveServer, NewPage, Watch
from tests.e2e.test_foundation import expect_lang, has_no_horizontal_scroll, sign_in

pytestmark = pytest.mark.e2e

Screenshot = Callable[[Page, str], Path]
SHOTS = Path(tempfile.gettempdir()) / "shots-monitor"
FORUM = "Forum publik: uji, mbetjet dhe mjedisi në Durrës"
QUESTION = "Kur do të ketë ujë të pijshëm 24 orë në Shkozet dhe Manëz?"
PRIORITIES = [
    ("Ujë i pijshëm 24 orë në çdo lagje", ["Rrjeti i ri në Shkozet", "Depozita e Manëzit"]),
    ("Plazhe publike të pastra", ["Grumbullimi i mbetjeve çdo ditë në verë"]),
    ("Transport publik drejt fshatrave", ["Linja Durrës–Sukth çdo 30 minuta"]),
]
URL = "https://durres.example/vendim-kk-42-2023.pdf"


def _shot(page: Page, screenshot: Screenshot, name: str) -> None:
    screenshot(page, name)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, caret="initial")


def durres_contract(server: LiveServer) -> tuple[int, list[int], int, int]:
    """A Durrës 2022 contract in force (the demo's, or one written here): its id, its priority
    ids, and a priority that came from a citizens' question (0 if none) with that question's
    event."""
    engine = create_engine(f"sqlite:///{server.log.parent / 'e2e.db'}")
    with Session(engine) as s:
        durres = s.scalars(select(Municipality).where(col(Municipality.slug) == "durres")).one()
        election = s.scalars(
            select(Election).where(col(Election.election_date) == date(2022, 3, 6))
        ).one()
        forum = s.scalars(select(Event).where(col(Event.title) == FORUM)).one()
        forum_id = forum.id or 0
        contract = s.scalars(
            select(SocialContract).where(
                col(SocialContract.municipality_id) == durres.id,
                col(SocialContract.election_id) == election.id,
            )
        ).first()
        if contract is None:
            organization = s.scalars(
                select(Organization).where(col(Organization.slug) == "csdc-durres")
            ).one()
            contract = SocialContract(
                municipality_id=durres.id or 0,
                election_id=election.id or 0,
                title="Kontrata Sociale Durrës 2022–2023",
                term_start=date(2022, 4, 1),
                term_end=date(2023, 6, 30),
                status=ContractStatus.in_force,
            )
            s.add(contract)
            s.flush()
            s.add(
                ContractOrganization(
                    contract_id=contract.id or 0, organization_id=organization.id or 0
                )
            )
            version = ContractVersion(contract_id=contract.id or 0, number=1, frozen_at=utcnow())
            s.add(version)
            s.flush()
            question = Question(
                event_id=forum_id,
                body=QUESTION,
                status=QuestionStatus.approved,
                approved_at=utcnow(),
                votes=17,
            )
            s.add(question)
            for position, (title, points) in enumerate(PRIORITIES, start=1):
                priority = ContractPriority(
                    version_id=version.id or 0, position=position, title=title
                )
                s.add(priority)
                s.flush()
                s.add_all(
                    PriorityPoint(priority_id=priority.id or 0, number=n, text=t)
                    for n, t in enumerate(points, start=1)
                )
                if position == 1:
                    s.add(
                        PriorityQuestion(priority_id=priority.id or 0, question_id=question.id or 0)
                    )
            s.commit()
        version = s.scalars(
            select(ContractVersion)
            .where(col(ContractVersion.contract_id) == contract.id)
            .order_by(col(ContractVersion.number).desc())
        ).first()
        assert version is not None
        priority_ids = list(
            s.scalars(
                select(ContractPriority.id)  # type: ignore[call-overload]
                .where(col(ContractPriority.version_id) == version.id)
                .order_by(col(ContractPriority.position))
            )
        )
        linked = s.execute(
            select(PriorityQuestion.priority_id, Question.event_id)  # type: ignore[call-overload]
            .join(Question, col(Question.id) == PriorityQuestion.question_id)
            .where(col(PriorityQuestion.priority_id).in_(priority_ids))
        ).first()
        taken = s.scalars(
            select(MonitoringRound.label).where(  # type: ignore[call-overload]
                col(MonitoringRound.contract_id) == contract.id
            )
        ).all()
        contract_id = contract.id or 0
    engine.dispose()
    assert "Viti 1 (prova)" not in taken, "the e2e database is fresh for each run"
    # the priority that came from a citizens' question, and that question's event
    source = (int(linked[0]), int(linked[1])) if linked else (0, forum_id)
    return contract_id, priority_ids, source[1], source[0]


def round_url_of(page: Page) -> str:
    """The round page's path, from the page's address."""
    return "/" + page.url.split("#")[0].split("/", 3)[3]


def _assess(page: Page, priority_id: int, status: str, evidence: str, url: str = "") -> None:
    form = page.locator(f"#priority-{priority_id} form.mon-assess-form")
    form.locator(f"input[name=status][value={status}]").check()
    form.locator("textarea[name=evidence]").fill(evidence)
    form.locator("input[name=evidence_url]").fill(url)
    form.locator("button[type=submit]").click()


def test_a_year_one_round_from_the_laptop_to_the_phone(
    new_page: NewPage, server: LiveServer, screenshot: Screenshot, watch: Watch
) -> None:
    contract_id, priority_ids, forum_id, sourced = durres_contract(server)
    first, second, third = priority_ids[:3]
    laptop = new_page(**{**LAPTOP, "viewport": {"width": 1366, "height": 900}})
    sign_in(laptop, server)
    laptop.goto(server.url(f"/manage/monitoring/contracts/{contract_id}"))
    laptop.locator("#f-label").fill("Viti 1 (prova)")
    laptop.locator("#f-period_start").fill("2022-04-01")
    laptop.locator("#f-period_end").fill("2023-03-31")
    laptop.locator("form[action$='/rounds'] button[type=submit]").click()
    expect(laptop.locator("h1")).to_contain_text("Viti 1 (prova)")
    round_url = laptop.url.split("#")[0]
    # partially addressed without a link: refused, the error beside the link, the text kept
    watch.expect_error_status(round_url_of(laptop) + f"/assessments/{first}", 422)
    _assess(laptop, first, "partially_addressed", "Rrjeti i Shkozetit u ndërtua; Manëzi jo.")
    expect(laptop.locator(f"#f-assess-{first}-evidence_url-error")).to_be_visible()
    expect(laptop.locator(f"#f-assess-{first}-evidence")).to_have_value(
        "Rrjeti i Shkozetit u ndërtua; Manëzi jo."
    )
    _shot(laptop, screenshot, "monitoring-organizer-refused")
    _assess(laptop, first, "partially_addressed", "Rrjeti i Shkozetit u ndërtua; Manëzi jo.", URL)
    _assess(laptop, second, "fully_addressed", "Mbetjet u mblodhën çdo ditë gjatë verës.", URL)
    for other in priority_ids[2:]:
        _assess(laptop, other, "not_addressed", "Asnjë linjë e re; bashkia nuk u përgjigj.")
    laptop.locator("form[action$='/publish'] button[type=submit]").click()
    expect(laptop.locator("#publish")).to_contain_text("Publikuar më")
    laptop.locator(f"#priority-{third} details:has(form[action$='/reply']) > summary").click()
    reply = laptop.locator(f"#priority-{third} form[action$='/reply']")
    reply.locator("textarea[name=text]").fill("Linja Durrës–Sukth nis në qershor 2023.")
    reply.locator("input[name=replied_on]").fill("2023-05-10")
    reply.locator("button[type=submit]").click()
    expect(laptop.locator(f"#priority-{third} textarea[name=text]")).to_have_value(
        "Linja Durrës–Sukth nis në qershor 2023."
    )
    _shot(laptop, screenshot, "monitoring-organizer-round")
    assert round_url.startswith(server.url("/manage/monitoring/rounds/"))

    # the phone: the municipality page's section, in Albanian and in English
    for locale, lang, status_text in [
        ("sq-AL", "sq", "Adresuar pjesërisht"),
        ("en-US", "en", "Partially addressed"),
    ]:
        phone = new_page(viewport={"width": 360, "height": 740}, locale=locale)
        phone.goto(server.url("/municipalities/durres#monitoring"))
        expect_lang(phone, lang)
        section = phone.locator("#monitoring")
        expect(section.locator("svg.mon-chart")).to_be_visible()
        expect(section.locator(f"#priority-{first} .mon-status")).to_contain_text(status_text)
        expect(section.locator(f"#priority-{third}")).to_contain_text(
            "Linja Durrës–Sukth nis në qershor 2023."
        )
        has_no_horizontal_scroll(phone, 360)
        source = section.locator(f"#priority-{sourced} details.mon-sources")
        if sourced:
            source.locator("summary").click()
            link = source.locator(f"a[href='/events/{forum_id}#question-list']")
            expect(link).to_be_visible()
        _shot(phone, screenshot, f"monitoring-municipality-phone-{lang}")
        if sourced and lang == "sq":
            source.locator(f"a[href='/events/{forum_id}#question-list']").click()
            expect(phone).to_have_url(server.url(f"/events/{forum_id}#question-list"))


@pytest.mark.parametrize("width", [320, 1366])
@pytest.mark.parametrize(("locale", "lang"), [("sq-AL", "sq"), ("en-US", "en")])
def test_the_network_chart_is_legible(
    new_page: NewPage,
    server: LiveServer,
    screenshot: Screenshot,
    width: int,
    locale: str,
    lang: str,
) -> None:
    page = new_page(viewport={"width": width, "height": 900}, locale=locale)
    page.goto(server.url("/monitoring"))
    expect_lang(page, lang)
    chart = page.locator("svg.mon-chart").first
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    box = chart.bounding_box()
    assert box is not None
    assert box["width"] <= width
    # the labels stay readable: no text in the chart smaller than 9 px on the screen
    smallest = page.evaluate(
        "() => Math.min(...[...document.querySelectorAll('svg.mon-chart text')]"
        ".map(t => t.getBoundingClientRect().height))"
    )
    assert smallest >= 9, smallest
    # labels do not collide: each row's label sits above its own bar
    overlaps = page.evaluate(
        """() => {
          const boxes = [...document.querySelectorAll('svg.mon-chart > g > text:first-child')]
            .map(t => t.getBoundingClientRect());
          return boxes.some((b, i) => i > 0 && b.top < boxes[i - 1].bottom);
        }"""
    )
    assert not overlaps
    has_no_horizontal_scroll(page, width)
    _shot(page, screenshot, f"monitoring-network-{width}-{lang}")
