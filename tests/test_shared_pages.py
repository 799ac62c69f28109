"""The event page and its live list are rendered once per version and shared by every visitor;
each gets their own token, votes and questions in it. Both databases."""

import asyncio
import gzip
import random
import re
import zlib
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from app.db import Database
from app.gzipjoin import Frame, compressed, crc32_combine, gzip_member, stored
from app.models import Candidate, Event, utcnow
from app.pagecache import (
    CSRF_PLACEHOLDER,
    RecentVersions,
    SharedHtml,
    SharedPages,
    SlotRecorder,
)
from app.services import events, questions
from app.sizedcache import SizedCache
from tests.conftest import Browser, Stage
from tests.test_question_pages import (
    add_event,
    approve,
    ask,
    csrf,
    only_question,
    published,
    section,
)

TOKEN_IN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The event ids the event page was rendered for (not served from the shared copy)."""
    seen: list[int] = []
    real = events.visible_event

    async def counting(**kwargs: Any) -> events.EventListing:
        seen.append(kwargs["event_id"])
        return await real(**kwargs)

    monkeypatch.setattr(events, "visible_event", counting)
    return seen


async def test_one_render_serves_every_visitor_until_the_questions_change(
    citizen: Browser, neighbour: Browser, db: Database, stage: Stage, renders: list[int]
) -> None:
    event_id = await add_event(db, stage)
    pages = [await b.get(f"/events/{event_id}") for b in (citizen, neighbour, citizen)]
    assert [p.status_code for p in pages] == [200, 200, 200]
    assert renders == [event_id]
    assert "No published questions yet." in pages[1].text
    await ask(citizen, event_id)
    await approve(db, stage, (await only_question(db)).id or 0)
    renders.clear()
    pages = [await b.get(f"/events/{event_id}") for b in (neighbour, citizen, neighbour)]
    assert all("Kur do të kemi ujë 24 orë?" in section(p.text, "question-list") for p in pages)
    assert renders == [event_id]  # the new version, rendered once for all


async def test_an_edited_event_shows_at_once(citizen: Browser, db: Database, stage: Stage) -> None:
    event_id = await add_event(db, stage)
    assert "Forumi për ujin e pijshëm" in (await citizen.get(f"/events/{event_id}")).text
    async with db.write() as session:
        await session.execute(
            update(Event)
            .where(Event.id == event_id)  # type: ignore[arg-type]
            .values(title="Forumi për rrugët e lagjes", updated_at=utcnow())
        )
        await session.commit()
    assert "Forumi për rrugët e lagjes" in (await citizen.get(f"/events/{event_id}")).text


async def test_each_visitor_sees_only_their_own_questions(
    citizen: Browser, neighbour: Browser, db: Database, stage: Stage
) -> None:
    event_id = await add_event(db, stage)
    await neighbour.get(f"/events/{event_id}")  # the shared page exists before anyone asks
    await ask(citizen, event_id)
    mine = (await citizen.get(f"/events/{event_id}")).text
    theirs = (await neighbour.get(f"/events/{event_id}")).text
    assert "Your questions" in mine
    assert "Waiting for approval" in mine
    assert "Your questions" not in theirs
    assert "Kur do të kemi ujë" not in theirs
    # the form stays folded for whoever has something to read, open for the others
    assert re.search(r'<details id="ask" class="ask">', mine)
    assert re.search(r'<details id="ask" class="ask" open>', theirs)


async def test_the_visitors_token_is_everywhere_the_page_needs_one(
    citizen: Browser, db: Database, stage: Stage
) -> None:
    event_id = await add_event(db, stage)
    await ask(citizen, event_id)
    await approve(db, stage, (await only_question(db)).id or 0)
    page = (await citizen.get(f"/events/{event_id}")).text
    assert CSRF_PLACEHOLDER not in page
    tokens = set(TOKEN_IN.findall(page))
    assert tokens == {csrf(page)}
    # twice, at the top: the form every button posts (#pf: the language, the votes) and the
    # question form's own; no header for htmx (its requests here come from those forms)
    assert page.count(csrf(page)) == len(TOKEN_IN.findall(page)) == 2
    assert "X-CSRF-Token" not in page
    assert page.index("question-list") > max(m.end() for m in TOKEN_IN.finditer(page))
    # what posts with #pf gets through the CSRF check with it
    moved = await citizen.post(
        f"/lang?next=/events/{event_id}", data={"csrf_token": csrf(page), "lang": "en"}
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/events/{event_id}"


async def test_signed_in_people_and_odd_addresses_get_a_page_of_their_own(
    citizen: Browser, neighbour: Browser, db: Database, stage: Stage, renders: list[int]
) -> None:
    event_id = await add_event(db, stage)
    await citizen.get(f"/events/{event_id}")
    await citizen.get(f"/events/{event_id}?sort=newest")
    assert renders == [event_id, event_id]  # one shared page per sort
    odd = await citizen.get(f"/events/{event_id}?from=poster")
    assert f'formaction="/lang?next=%2Fevents%2F{event_id}%3Ffrom%3Dposter"' in odd.text
    await citizen.sign_in(stage.world.organizer.email)
    page = await citizen.get(f"/events/{event_id}")
    assert "Organizer area" in page.text
    assert len(renders) == 4  # neither the odd address nor the organizer used the visitors' page
    again = await citizen.get(f"/events/{event_id}")  # the organizer's own shared page
    assert "Organizer area" in again.text
    assert csrf(again.text) == csrf(page.text) != csrf(odd.text)
    assert len(renders) == 4
    assert "Organizer area" not in (await neighbour.get(f"/events/{event_id}")).text
    assert len(renders) == 4  # the visitors' page, still shared


async def test_the_live_list_is_shared_with_each_visitors_votes(
    citizen: Browser, neighbour: Browser, db: Database, stage: Stage
) -> None:
    event_id = await add_event(db, stage)
    question = await published(citizen, db, stage, event_id)
    token = csrf((await citizen.get(f"/events/{event_id}")).text)
    await citizen.post(f"/questions/{question.id}/vote", data={"csrf_token": token})
    mine = await citizen.get(f"/events/{event_id}/questions/live?v=old")
    theirs = await neighbour.get(f"/events/{event_id}/questions/live?v=old")
    assert mine.status_code == theirs.status_code == 200
    assert 'aria-pressed="true"' in mine.text
    assert 'aria-pressed="false"' in theirs.text
    # the list carries no token: its buttons post the page's one token form (#pf)
    assert token not in mine.text
    assert TOKEN_IN.findall(mine.text) == TOKEN_IN.findall(theirs.text) == []
    assert "Your questions" in mine.text
    assert "Your questions" not in theirs.text
    version = re.search(r"live\?v=(\w+)", theirs.text)
    assert version
    again = await neighbour.get(f"/events/{event_id}/questions/live?v={version.group(1)}")
    assert again.status_code == 204


async def test_a_page_that_is_not_public_is_never_shared(
    citizen: Browser, db: Database, stage: Stage
) -> None:
    draft = await add_event(db, stage, status="draft")
    assert (await citizen.get(f"/events/{draft}")).status_code == 404
    assert (await citizen.get("/events/999999")).status_code == 404
    assert (await citizen.get(f"/events/{draft}/questions/live?v=x")).status_code == 404


async def test_page_state_reads_the_version_votes_and_asking_in_one_statement(
    db: Database, stage: Stage
) -> None:
    event_id = await add_event(db, stage)
    other = await add_event(db, stage)
    async with db.write() as session:
        asked, _token = await questions.ask(
            session=session,
            event_id=event_id,
            data=questions.QuestionCreate(body="Kur hapet çerdhja e re?"),
            asker="browser-a",
        )
        await session.commit()
    await approve(db, stage, asked.id or 0)
    async with db.write() as session:
        await questions.set_vote(
            session=session, question_id=asked.id or 0, voter="browser-b", voted=True
        )
        await session.commit()
    a = await questions.page_state(db=db, event_id=event_id, voter="browser-a")
    b = await questions.page_state(db=db, event_id=event_id, voter="browser-b")
    elsewhere = await questions.page_state(db=db, event_id=other, voter="browser-b")
    missing = await questions.page_state(db=db, event_id=0, voter="x")
    assert (a.voted, a.asked) == (frozenset(), True)
    assert (b.voted, b.asked) == (frozenset({asked.id}), False)
    assert (elsewhere.voted, elsewhere.asked) == (frozenset(), False)
    assert a.version == b.version != elsewhere.version != missing.version
    async with db.read() as session:
        assert await questions.version(session=session, event_id=event_id) == a.version
    async with db.write() as session:
        await questions.set_vote(
            session=session, question_id=asked.id or 0, voter="browser-b", voted=False
        )
        await session.commit()
    after = await questions.page_state(db=db, event_id=event_id, voter="b")
    assert after.version != a.version


async def test_the_read_on_the_loop_and_the_read_through_the_pool_agree(
    db: Database, stage: Stage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite reads page_state on the event loop; when the file is busy, through the pool."""
    event_id = await add_event(db, stage)
    on_loop = await questions.page_state(db=db, event_id=event_id, voter="v")
    reader = db._loop_reader
    assert (reader is not None) == (db.engine.dialect.name == "sqlite")
    if reader is not None:

        def busy(*_args: Any, **_options: Any) -> None:
            raise OperationalError("SELECT", {}, Exception("database is locked"))

        monkeypatch.setattr(reader, "rows", busy)
    through_pool = await questions.page_state(db=db, event_id=event_id, voter="v")
    assert through_pool == on_loop
    assert await questions.vote_counts(db=db, event_id=event_id) == {}


# --- the cache itself ------------------------------------------------------------------------


def shared(text: str) -> SharedHtml:
    recorder = SlotRecorder()
    html = text.format(slot=recorder.slot("x", 1, default="<i>usual</i>"), token=CSRF_PLACEHOLDER)
    return recorder.finish(html)


def test_a_shared_page_is_personalized_per_visitor() -> None:
    page = shared("<p>{token}</p>{slot}<p>{token}</p>")
    assert page.personalize("abc", None) == b"<p>abc</p><i>usual</i><p>abc</p>"
    assert page.personalize("xyz", {0: "<b>1</b>"}) == b"<p>xyz</p><b>1</b><p>xyz</p>"


def test_a_gzipped_shared_page_is_the_same_page_for_each_visitor() -> None:
    """Compressed once in blocks, framed per request: it unzips to exactly the plain page."""
    body = "<p>Pyetje për bashkinë: ujë, rrugë, çerdhe.</p>" * 300
    recorder = SlotRecorder()
    items = "".join(
        recorder.slot("question", n, default=f"<li>{n} ç</li>", key=n) + "<p>ë</p>" * 20
        for n in range(300)
    )
    mine = recorder.slot("mine", default="")
    token = CSRF_PLACEHOLDER
    page = recorder.finish(f"{body}<p>{token}</p>{mine}{items}{token}" + "ë" * 70_000)
    assert page.slot_at("question", 7) == 7
    assert page.slot_at("mine") == 300
    assert page.slot_at("question", 999) is None
    assert len(page._blocks) > 10  # recompressed per voter: a block, not the page
    for token, overrides in [
        ("abc", None),
        ("xyz", {0: f"<b>voted {CSRF_PLACEHOLDER}</b>", 299: "<b>voted</b>"}),
        ("uvw", {300: "<section>Pyetjet e tua</section>", 150: "<b>ë</b>"}),
        ("rst", {}),
        ("kept", {0: f"<b>voted {CSRF_PLACEHOLDER}</b>", 299: "<b>voted</b>"}),  # blocks kept
    ]:
        plain = page.personalize(token, overrides)
        packed = page.personalize_gzip(token, overrides)
        assert gzip.decompress(packed) == plain
        assert len(packed) < len(plain) / 10


def test_crc32_of_a_whole_is_combined_from_its_pieces() -> None:
    rng = random.Random(7)
    for _ in range(50):
        a, b = rng.randbytes(rng.randint(0, 3000)), rng.randbytes(rng.randint(0, 140_000))
        assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)
    pieces = [stored(b"x" * 70_000), compressed("ç".encode() * 9), stored(b"")]
    assert gzip.decompress(gzip_member(pieces)) == b"x" * 70_000 + "ç".encode() * 9
    frame = Frame([None, compressed(b"a" * 500), None, None, compressed("ë".encode()), None])
    for hole in (b"tok", b"", b"other-token" * 7, b"tok"):
        expected = hole + b"a" * 500 + hole + hole + "ë".encode() + hole
        assert gzip.decompress(frame.member(hole)) == expected


async def test_a_version_is_trusted_for_its_seconds_only() -> None:
    versions = RecentVersions(seconds=0.05, max_entries=2)
    versions.put(1, "a")
    assert versions.get(1) == "a"
    assert versions.get(2) is None
    await asyncio.sleep(0.06)
    assert versions.get(1) is None
    for n in range(3):
        versions.put(n, "b")
    assert versions.get(2) == "b"


def test_the_caches_count_bytes_not_pages() -> None:
    cache: SizedCache[str] = SizedCache(100, lambda _key, value: len(value))
    for n in range(10):
        cache.put(n, "x" * 30)
    assert len(cache) == 3
    assert cache.bytes == 90
    assert cache.get(9) is not None
    assert cache.get(6) is None


def test_a_lost_slot_marker_is_an_error_not_a_wrong_page() -> None:
    recorder = SlotRecorder()
    recorder.slot("x")
    with pytest.raises(RuntimeError):
        recorder.finish("no marker here")


async def test_concurrent_visitors_wait_for_one_render_and_a_failure_is_not_kept() -> None:
    pages = SharedPages(ttl=60, max_bytes=2 * shared("{slot}").weight)
    calls: list[str] = []

    async def render() -> SharedHtml:
        calls.append("render")
        await asyncio.sleep(0.01)
        return shared("{slot}")

    got = await asyncio.gather(*(pages.get("k", render) for _ in range(20)))
    assert calls == ["render"]
    assert all(g is got[0] for g in got)

    async def failing() -> SharedHtml:
        calls.append("fail")
        await asyncio.sleep(0.01)
        raise LookupError("gone")

    results = await asyncio.gather(
        *(pages.get("f", failing) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(r, LookupError) for r in results)
    assert calls.count("fail") == 3  # each waiter tried again itself: nothing wrong was kept
    assert await pages.get("f", render) is not None


async def test_the_least_used_pages_go_first() -> None:
    pages = SharedPages(ttl=60, max_bytes=2 * shared("{slot}").weight)
    made: list[str] = []

    def maker(name: str):  # type: ignore[no-untyped-def]
        async def render() -> SharedHtml:
            made.append(name)
            return shared("{slot}")

        return render

    for key in ("a", "b", "a", "c", "a", "b"):
        await pages.get(key, maker(key))
    assert made == ["a", "b", "c", "b"]  # "b" was the least used when "c" came


async def test_an_old_page_is_served_while_it_is_rendered_again() -> None:
    pages = SharedPages(ttl=0.05, max_bytes=1_000_000)
    versions: list[SharedHtml] = []

    async def render() -> SharedHtml:
        await asyncio.sleep(0.01)
        versions.append(shared("{slot}"))
        return versions[-1]

    first = await pages.get("k", render)
    await asyncio.sleep(0.06)  # old, not too old: served at once, rendered anew meanwhile
    assert await pages.get("k", render) is first
    assert await pages.get("k", render) is first  # one renewal is under way, not two
    await asyncio.sleep(0.02)
    assert len(versions) == 2
    assert await pages.get("k", render) is versions[1]
    await asyncio.sleep(0.11)  # too old to serve: rendered before answering
    assert await pages.get("k", render) is versions[2]


async def test_a_page_that_cannot_be_rendered_again_is_not_served(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pages = SharedPages(ttl=0.05, max_bytes=1_000_000)
    first = shared("{slot}")

    async def gone() -> SharedHtml:
        raise LookupError("the event is gone")

    async def once() -> SharedHtml:
        return first

    await pages.get("k", once)
    await asyncio.sleep(0.06)
    assert await pages.get("k", gone) is first  # the renewal fails in the background...
    await asyncio.sleep(0.01)
    assert "could not be rendered again" in caplog.text
    with pytest.raises(LookupError):  # ...so the next visitor asks for it afresh
        await pages.get("k", gone)


async def test_old_versions_do_not_linger() -> None:
    pages = SharedPages(ttl=0.05, max_bytes=1_000_000)

    async def render() -> SharedHtml:
        return shared("{slot}")

    for version in range(10):
        await pages.get(("page", version), render)
    await asyncio.sleep(0.11)
    await pages.get(("page", 10), render)
    assert list(pages._entries) == [("page", 10)]


async def test_a_renewal_cancelled_before_it_began_holds_nobody_up() -> None:
    pages = SharedPages(ttl=0.02, max_bytes=1_000_000)

    async def render() -> SharedHtml:
        return shared("{slot}")

    first = await pages.get("k", render)
    await asyncio.sleep(0.03)
    assert await pages.get("k", render) is first  # starts a renewal in the background...
    for task in list(pages._background):
        task.cancel()  # ...which is cancelled before it ran, as at shutdown
    await asyncio.sleep(0.05)
    assert await asyncio.wait_for(pages.get("k", render), timeout=1) is not first


async def test_a_renamed_candidate_shows_in_the_list_at_once(
    citizen: Browser, neighbour: Browser, db: Database, stage: Stage
) -> None:
    """A question item is kept rendered; the names it shows are part of what it depends on."""
    event_id = await add_event(db, stage)
    await ask(citizen, event_id, candidate_ids=str(stage.anila.id))
    await approve(db, stage, (await only_question(db)).id or 0)
    before = section((await neighbour.get(f"/events/{event_id}")).text, "question-list")
    assert stage.anila.full_name in before
    async with db.write() as session:
        await session.execute(
            update(Candidate)
            .where(Candidate.id == stage.anila.id)  # type: ignore[arg-type]
            .values(full_name="Anila Toska-Hoxha")
        )
        await session.execute(  # what an edit of the event does; the page's version changes
            update(Event).where(Event.id == event_id).values(updated_at=utcnow())  # type: ignore[arg-type]
        )
        await session.commit()
    after = section((await neighbour.get(f"/events/{event_id}")).text, "question-list")
    assert "Anila Toska-Hoxha" in after
