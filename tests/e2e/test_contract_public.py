"""The public side of a social contract on a phone (360×740): from the municipality page to the
demo's Durrës contract, its priorities, and from a priority back to the citizens' question it
came from on its event page; in both languages; and the print view printed to an A4 PDF with
Chromium, always in Albanian (its first page is saved as PNG to look at)."""

import re
import shutil
import subprocess
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import SCREENSHOTS, LiveServer, NewPage
from tests.e2e.test_foundation import expect_lang, has_no_horizontal_scroll, switch_language

pytestmark = pytest.mark.e2e

Screenshot = Callable[[Page, str], Path]
SMALL_PHONE = {"viewport": {"width": 360, "height": 740}}
TITLE = "Kontrata Sociale Durrës 2022–2027"
WATER = "Ujë i pijshëm 24 orë në ditë në çdo lagje"
QUESTION = "Pse lagjja Shkozë ka ujë vetëm dy orë në ditë dhe kur do të ndryshojë kjo?"


def open_durres_contract(page: Page, server: LiveServer) -> None:
    page.goto(server.url("/municipalities/durres"))
    top = page.locator("#social-contract")
    expect(top).to_contain_text(TITLE)
    expect(top).to_contain_text("Në fuqi")
    expect(top).to_contain_text("Nënshkruar nga 2 prej 3 kandidatëve")
    top.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1")).to_have_text(TITLE)


def test_a_phone_follows_a_priority_back_to_the_citizens_question(
    new_page: NewPage, server: LiveServer, screenshot: Screenshot
) -> None:
    page = new_page(**SMALL_PHONE)
    open_durres_contract(page, server)
    expect_lang(page, "sq")
    priority = page.locator("#priority-1")
    expect(priority).to_contain_text("Prioriteti 1")
    expect(priority).to_contain_text(WATER)
    expect(priority.locator(".priority-points li")).to_have_count(4)
    expect(page.locator(".priority")).to_have_count(6)
    expect(page.locator("#signatures")).to_contain_text("Refuzoi versionin 1")
    expect(page.locator("#adoption")).to_contain_text("Vendim i Këshillit Bashkiak nr. 48")
    has_no_horizontal_scroll(page, 360)
    screenshot(page, "contract-durres-phone-sq")

    priority.get_by_role("link", name=QUESTION).click()
    expect(page).to_have_url(re.compile(r"/events/\d+/questions#q-\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    question = page.locator(f"#{anchor}")
    expect(question).to_contain_text(QUESTION)
    expect(question).to_be_in_viewport()
    expect(page.locator("h1")).to_contain_text("Takim me banorët")
    has_no_horizontal_scroll(page, 360)
    screenshot(page, "contract-durres-question-phone")


def test_the_contract_page_in_english_and_back(
    new_page: NewPage, server: LiveServer, screenshot: Screenshot
) -> None:
    page = new_page(**SMALL_PHONE)
    open_durres_contract(page, server)
    switch_language(page, "en")
    expect(page.locator("#priority-1")).to_contain_text("Priority 1")
    expect(page.locator("#priority-1")).to_contain_text("Where this priority came from")
    expect(page.locator(".contract-mayor")).to_contain_text(
        "The elected mayor, Elira Dervishi, signed this contract"
    )
    expect(page.locator("#signatures")).to_contain_text("Declined version 1")
    has_no_horizontal_scroll(page, 360)
    screenshot(page, "contract-durres-phone-en")
    switch_language(page, "sq")
    expect(page.locator("#priority-1")).to_contain_text("Prioriteti 1")


def _first_page_png(pdf: Path) -> Path | None:
    """The PDF's first page as PNG, with poppler's pdftoppm where it is installed."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return None
    stem = pdf.with_suffix("")
    subprocess.run(
        [pdftoppm, "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
        check=True,
        timeout=60,
    )
    return stem.with_suffix(".png")


def test_the_print_view_prints_an_albanian_a4_document(
    new_page: NewPage, server: LiveServer, screenshot: Screenshot
) -> None:
    page = new_page(**SMALL_PHONE)
    open_durres_contract(page, server)
    switch_language(page, "en")
    page.get_by_role("link", name="Print view (A4, in Albanian)").click()
    expect_lang(page, "sq")  # the network's document, whatever the visitor reads
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".doc-priorities > li")).to_have_count(6)
    expect(page.locator(".doc-signatures")).to_contain_text("Nënshkrimet e kandidatëve")
    expect(page.locator(".site-nav")).to_have_count(0)

    page.emulate_media(media="print")
    expect(page.locator(".doc-hint")).to_be_hidden()
    screenshot(page, "contract-durres-print-media")
    pdf = page.pdf(format="A4", print_background=True)
    reader = PdfReader(BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 3, f"{len(reader.pages)} pages"
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Kontrata Sociale Durrës" in text
    assert "Prioriteti 1" in text
    assert "Nënshkrimet e kandidatëve për kryetar" in text
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert abs(float(width) - 595.3) < 2  # A4 in points: 210 × 297 mm
    assert abs(float(height) - 841.9) < 2
    SCREENSHOTS.mkdir(exist_ok=True)
    saved = SCREENSHOTS / "contract-durres-print.pdf"
    saved.write_bytes(pdf)
    _first_page_png(saved)
