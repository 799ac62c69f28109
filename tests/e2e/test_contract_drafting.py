"""Drafting a social contract on the organizer's laptop, from the demo data of Durrës 2022:
priorities built from a community meeting's questions and a forum's commitments, opened for
signature, two candidates' answers recorded (one declined with a reason, one signed with the
scanned page uploaded), the winner marked elected, and the contract in force.

The demo holds a finished Durrës 2022 contract; the test first removes it (and unmarks the
winner) straight in the SQLite file of a server of its own (the other browser tests read that
contract), and adds a community meeting of January 2022 with two citizens' questions (events of
no election count for the election that follows them).
"""

import re
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, NewPage, SmtpServer, live_server
from tests.e2e.test_foundation import sign_in, switch_language

pytestmark = pytest.mark.e2e

SHOTS = Path(tempfile.gettempdir()) / "shots-cwrite"  # the screenshots looked at
MEETING = "Takim me banorët e Durrësit: prioritetet e qytetarëve (test)"
QUESTIONS = [
    ("Kur do të kemi ujë të pijshëm 24 orë në lagjen Spitallë?", 41),
    ("A do të ndërtohet një çerdhe e re në Shkozet?", 17),
]
WINNER, DECLINER = "Elira Dervishi", "Gentian Marku"
REASON = "Nuk pajtohem me afatet e prioritetit të ujit."
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CHILD_TABLES = [  # what refers to a contract, in the order it can be deleted
    "DELETE FROM priority_point WHERE priority_id IN (SELECT id FROM contract_priority"
    " WHERE version_id IN (SELECT id FROM contract_version WHERE contract_id = ?))",
    "DELETE FROM priority_commitment WHERE priority_id IN (SELECT id FROM contract_priority"
    " WHERE version_id IN (SELECT id FROM contract_version WHERE contract_id = ?))",
    "DELETE FROM priority_question WHERE priority_id IN (SELECT id FROM contract_priority"
    " WHERE version_id IN (SELECT id FROM contract_version WHERE contract_id = ?))",
    "DELETE FROM assessment_correction WHERE assessment_id IN (SELECT id FROM"
    " priority_assessment WHERE round_id IN (SELECT id FROM monitoring_round"
    " WHERE contract_id = ?))",
    "DELETE FROM priority_assessment WHERE round_id IN (SELECT id FROM monitoring_round"
    " WHERE contract_id = ?)",
    "DELETE FROM round_event WHERE round_id IN (SELECT id FROM monitoring_round"
    " WHERE contract_id = ?)",
    "DELETE FROM monitoring_round WHERE contract_id = ?",
    "DELETE FROM contract_priority WHERE version_id IN (SELECT id FROM contract_version"
    " WHERE contract_id = ?)",
    "DELETE FROM contract_signature WHERE version_id IN (SELECT id FROM contract_version"
    " WHERE contract_id = ?)",
    "DELETE FROM contract_version WHERE contract_id = ?",
    "DELETE FROM contract_organization WHERE contract_id = ?",
    "DELETE FROM social_contract WHERE id = ?",
]


@pytest.fixture(scope="module")
def server(
    chromium_path: Path, tmp_path_factory: pytest.TempPathFactory, mail_server: SmtpServer
) -> Iterator[LiveServer]:
    """A server of this module's own: it removes the demo's Durrës contract."""
    with live_server(tmp_path_factory.mktemp("e2e-drafting"), mail_server) as live:
        yield live


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def prepare(server: LiveServer) -> str:
    """No Durrës 2022 contract, its winner not marked, a community meeting with questions;
    the 2022 election's name."""
    database = server.log.parent / "e2e.db"
    with sqlite3.connect(database) as connection:
        durres, election, election_name = connection.execute(
            "SELECT m.id, e.id, e.name FROM municipality m, election e "
            "WHERE m.slug = 'durres' AND e.election_date = '2022-03-06'"
        ).fetchone()
        for (contract_id,) in connection.execute(
            "SELECT id FROM social_contract WHERE municipality_id = ? AND election_id = ?",
            (durres, election),
        ).fetchall():
            for statement in CHILD_TABLES:
                connection.execute(statement, (contract_id,))
        connection.execute(
            "UPDATE candidate SET elected = 0 WHERE municipality_id = ? AND election_id = ?",
            (durres, election),
        )
        if not connection.execute("SELECT 1 FROM event WHERE title = ?", (MEETING,)).fetchone():
            cursor = connection.execute(
                "INSERT INTO event (kind, title, description, municipality_id, organization_id,"
                " election_id, venue, starts_at, ends_at, status, created_at, updated_at)"
                " SELECT 'community_meeting', ?, '', municipality_id, organization_id, NULL,"
                " 'Biblioteka Publike', '2022-01-20 16:00:00.000000',"
                " '2022-01-20 17:30:00.000000', 'held', ?, ? FROM event"
                " WHERE municipality_id = ? AND election_id = ? LIMIT 1",
                (MEETING, _now(), _now(), durres, election),
            )
            for body, votes in QUESTIONS:
                connection.execute(
                    "INSERT INTO question (event_id, body, status, votes, created_at, updated_at)"
                    " VALUES (?, ?, 'approved', ?, ?, ?)",
                    (cursor.lastrowid, body, votes, _now(), _now()),
                )
    return str(election_name)


def _candidate_id(server: LiveServer, name: str) -> int:
    with sqlite3.connect(server.log.parent / "e2e.db") as connection:
        row = connection.execute(
            "SELECT c.id FROM candidate c JOIN election e ON e.id = c.election_id "
            "WHERE c.full_name = ? AND e.election_date = '2022-03-06'",
            (name,),
        ).fetchone()
    return int(row[0])


def _record(
    page: Page, candidate_id: int, status: str, *, reason: str = "", pdf: Path | None = None
) -> None:
    form = page.locator("form[action='/manage/contract-signatures']")
    form.locator("select[name=candidate_id]").select_option(str(candidate_id))
    form.locator("select[name=event_id]").select_option(index=1)
    form.locator("input[name=signed_on]").fill("2022-02-09")
    form.locator("select[name=status]").select_option(status)
    if reason:
        form.locator("textarea[name=reason]").fill(reason)
    if pdf is not None:
        form.locator("input[name=file]").set_input_files(str(pdf))
    form.locator("button[type=submit]").click()


def test_drafting_a_contract_from_the_sources(
    server: LiveServer, new_page: NewPage, tmp_path: Path
) -> None:
    election_name = prepare(server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page(
        viewport={"width": 1366, "height": 900}, is_mobile=False, has_touch=False, locale="en-GB"
    )
    sign_in(page, server)
    page.goto(server.url("/manage/contracts/new"))
    page.locator("select[name=municipality_id]").select_option(label="Durrës")
    page.locator("select[name=election_id]").select_option(label=election_name)
    page.locator("input[name=title]").fill("Kontrata Sociale Durrës 2022–2023 (test)")
    page.locator("input[name=term_start]").fill("2022-04-01")
    page.locator("input[name=term_end]").fill("2023-06-30")
    page.locator("textarea[name=introduction]").fill(
        "Prioritetet e qytetarëve të Durrësit, të ngritura në takimet me komunitetin."
    )
    page.locator("form[action='/manage/contracts'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/manage/contracts/\d+$"))
    contract_url = page.url
    # the sources beside: the meeting's questions, most voted first, and the forum commitments
    sources = page.locator(".drafting-sources")
    expect(sources).to_contain_text(QUESTIONS[0][0])
    expect(sources).to_contain_text("Brenda dy viteve të para çdo lagje e Durrësit")
    first_question = sources.locator(f"label:has-text('{QUESTIONS[0][0]}') input")
    first_question.check()
    sources.locator("label:has-text('Brenda dy viteve të para çdo lagje') input").check()
    form = page.locator("#priority-form")
    form.locator("input[name=title]").fill("Ujë i pijshëm 24 orë në çdo lagje")
    form.locator("textarea[name=points]").fill(
        "Rrjeti i ri i ujësjellësit në Spitallë\nMatës uji për çdo familje\n"
        "Raport publik çdo 6 muaj"
    )
    form.locator("button[type=submit]").click()
    expect(page.locator(".priority-list")).to_contain_text("Priority 1: Ujë i pijshëm 24 orë")
    sources.locator(f"label:has-text('{QUESTIONS[1][0]}') input").check()
    form.locator("input[name=title]").fill("Çerdhe publike në lagjet periferike")
    form.locator("textarea[name=points]").fill("Çerdhja e re në Shkozet")
    form.locator("button[type=submit]").click()
    expect(page.locator(".priority-list")).to_contain_text("Priority 2: Çerdhe publike")
    page.screenshot(path=str(SHOTS / "drafting-page.png"), full_page=True, caret="initial")
    page.locator("form[action$='/open'] button").click()
    expect(page.locator(".page-head")).to_contain_text("Open for signature")
    _record(page, _candidate_id(server, DECLINER), "declined", reason=REASON)
    expect(page.locator(".signature-list")).to_contain_text(REASON)
    scan = tmp_path / "faqja-e-nenshkruar.pdf"
    scan.write_bytes(PDF)
    _record(page, _candidate_id(server, WINNER), "signed", pdf=scan)
    signatures = page.locator(".signature-list")
    expect(signatures).to_contain_text(WINNER)
    expect(signatures.locator("a:has-text('Scanned page')")).to_have_count(1)
    expect(page.locator(".page-head")).to_contain_text("signed: its text is frozen")
    # the winner, on their candidate page
    page.goto(server.url(f"/manage/candidates/{_candidate_id(server, WINNER)}/edit"))
    page.locator("input[name=elected]").check()
    page.locator("form.form-grid button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/manage/candidates\?"))
    page.goto(contract_url)
    expect(page.locator(".page-head")).to_contain_text("In force")
    expect(page.locator("#adoption form")).to_be_visible()
    page.screenshot(path=str(SHOTS / "drafting-in-force.png"), full_page=True, caret="initial")
    switch_language(page, "sq")  # the network's language
    expect(page.locator(".page-head")).to_contain_text("Në fuqi")
    expect(page.locator(".signature-list")).to_contain_text("Refuzoi")
    page.screenshot(path=str(SHOTS / "drafting-in-force-sq.png"), full_page=True, caret="initial")
