"""The event page with 200 questions, votes under contention, and the page's weight on a phone.

a. A database holding 10,000 and then 100,000 questions across 1,000 events (bulk core inserts),
   one target event with exactly 200 approved questions (and their votes): GET /events/{target}
   served by one worker at C clients, next to the bare ASGI hello-world served the same way.
b. 300 voters (each its own client, so its own `pf_voter` cookie) on one question for
   --vote-seconds, each alternating POST and DELETE /api/v1/questions/{id}/votes; afterwards the
   question's `votes` column and its question_vote rows are compared with what the acknowledged
   answers imply (each client's last acknowledged state). SQLite 1 worker, PostgreSQL 4.
c. The event page's weight as a phone loads it (HTML, CSS, JS gzipped) and any foreign host.
d. The room on forum night: --room-phones phones polling the live list of the target event
   every 2 s (as the page does, each with its own cookies and the version it last got) while
   --room-voters others vote for random questions of it every 2.5 s; 1 worker. Every vote makes
   a new version, so nearly every poll gets a fresh list: this is the shared list's worst case.
"""

import argparse
import asyncio
import contextlib
import os
import random
import re
import time
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from sqlalchemy import func, insert, select, text

from app.config import Settings
from app.db import Database
from app.models import (
    Event,
    EventKind,
    EventStatus,
    Organization,
    Question,
    QuestionStatus,
    QuestionVote,
)
from bench.harness import (
    SECRET_KEY,
    app_command,
    free_port,
    hello_command,
    load,
    machine_note,
    seeded_database,
    server,
    table,
)
from bench.weight import References, fetch

EVENTS = 1_000
SIZES = (10_000, 100_000)
TARGET_APPROVED = 200
TARGET_OTHERS = {QuestionStatus.pending: 15, QuestionStatus.rejected: 5}
BATCH = 5_000
VOTERS = 300
VOTE_WORKERS = {"sqlite": 1, "postgresql": 4}
MARKER = 'class="question-item'  # one per question in the public list
PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
PAGE_HEADERS = ["server", "database", "questions", "C", "req/s", "x hello"]
PAGE_HEADERS += ["p50 ms", "p90 ms", "p99 ms", "max ms", "failed", "gen cpu%", "goal"]
VOTE_HEADERS = ["database", "workers", "voters", "s", "acked", "acked/s", "p50 ms", "p99 ms"]
VOTE_HEADERS += ["failed", "expected", "votes col", "vote rows", "counted once"]
WEIGHT_HEADERS = ["database", "resource", "status", "gzip by", "raw bytes", "gzipped bytes"]
ROOM_HEADERS = ["database", "phones", "voters", "s", "polls/s", "fresh lists", "p50 ms", "p99 ms"]
ROOM_HEADERS += ["failed", "votes/s", "server cpu%"]

WORDS = (
    "rruga",
    "lagjja",
    "uji",
    "kanalizimi",
    "shkolla",
    "spitali",
    "qyteti",
    "bashkia",
    "kryetari",
    "buxheti",
    "transporti",
    "autobusi",
    "ndriçimi",
    "parku",
    "kopshti",
    "mbeturinat",
    "pastrimi",
    "trotuari",
    "parkimi",
    "rinia",
    "punësimi",
    "bujqësia",
    "fermerët",
    "pensionistët",
    "taksat",
    "lejet",
    "ndërtimi",
    "ajri",
    "zhurma",
    "qendra",
    "shëndetësore",
    "biblioteka",
    "sporti",
    "fusha",
    "mësuesit",
    "nxënësit",
    "çerdhja",
    "tregu",
    "i",
    "fermerëve",
    "ura",
    "lumi",
    "përmbytjet",
)
OPENINGS = (
    "Zoti kandidat, ",
    "Pyetje për të gjithë kandidatët: ",
    "Si banore e lagjes, dua të di: ",
    "Kemi vite që presim. ",
    "",
)
ASKS = (
    "kur do të rregullohet {a} në lagjen tonë?",
    "çfarë do të bëni për {a} dhe {b} në vitin e parë?",
    "sa para do të shkojnë nga buxheti për {a}?",
    "pse {a} nuk funksionon ende si duhet, ndërsa për {b} flitet prej vitesh?",
    "a keni një plan konkret për {a}, me afate dhe përgjegjës?",
)
DETAILS = (
    " Fëmijët tanë ecin çdo ditë në baltë deri te {a}.",
    " Në dimër {a} mbetet pa drita dhe është e rrezikshme.",
    " Banorët kanë bërë disa ankesa në bashki, por askush nuk u përgjigj.",
    " Na duhen fakte dhe shifra, jo premtime si herën e kaluar.",
    " Të rinjtë po largohen sepse nuk ka {a} dhe as {b}.",
)
NAMES = (
    "Arta", "Besnik", "Dritan", "Elona", "Fatmir", "Gentiana", "Ilir", "Jonida", "Klodian",
    "Lindita", "Mirela", "Ndriçim", "Orjana", "Përparim", "Rezarta", "Sokol", "Teuta", "Valbona",
)  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per page run")
    parser.add_argument("--concurrency", type=int, default=50, help="clients for the page runs")
    parser.add_argument("--vote-seconds", type=float, default=30, help="length of the vote run")
    parser.add_argument("--room-phones", type=int, default=250, help="phones polling, part d")
    parser.add_argument("--room-voters", type=int, default=50, help="phones voting, part d")
    parser.add_argument("--room-seconds", type=float, default=30, help="length of part d")
    return parser.parse_args()


# --- filling the database ----------------------------------------------------------------------


def body(rng: random.Random) -> str:
    """An Albanian question of 40 to ~400 characters (the form allows 500)."""
    a, b = rng.sample(WORDS, 2)
    parts = [rng.choice(OPENINGS), rng.choice(ASKS).format(a=a, b=b)]
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        c, d = rng.sample(WORDS, 2)
        parts.append(rng.choice(DETAILS).format(a=c, b=d))
    sentence = "".join(parts)
    return (sentence[0].upper() + sentence[1:])[:500]


def question_row(
    rng: random.Random, event_id: int, status: QuestionStatus, votes: int, when: datetime
) -> dict[str, Any]:
    public = status in (QuestionStatus.approved, QuestionStatus.answered)
    return {
        "event_id": event_id,
        "body": body(rng),
        "author_name": rng.choice(NAMES) if rng.random() < 0.7 else None,
        "topic_id": None,
        "status": status,
        "votes": votes,
        "approved_at": when if public else None,
        "answered_at": when if status == QuestionStatus.answered else None,
        "created_at": when,
        "updated_at": when,
    }


def random_status(rng: random.Random) -> QuestionStatus:
    roll = rng.random()
    if roll < 0.82:
        return QuestionStatus.approved
    if roll < 0.87:
        return QuestionStatus.answered
    return QuestionStatus.pending if roll < 0.96 else QuestionStatus.rejected


def open_db(url: str) -> Database:
    return Database(Settings(database_url=url, secret_key=SECRET_KEY))


async def create_events(url: str) -> list[int]:
    """1,000 scheduled events of the first seeded organization; the first is the target."""
    db = open_db(url)
    try:
        async with db.write() as s:
            org = await s.scalar(select(Organization).order_by(Organization.id).limit(1))  # type: ignore[arg-type]
            assert org is not None, "the demo data has no organization"
            starts = datetime.now(UTC) + timedelta(days=20)
            rows = [
                {
                    "kind": EventKind.forum,
                    "title": f"Forum për zgjedhjet nr. {n}",
                    "description": "Takim i hapur me kandidatët për bashkinë.",
                    "municipality_id": org.municipality_id,
                    "organization_id": org.id,
                    "venue": "Salla e Kulturës",
                    "starts_at": starts + timedelta(hours=n),
                    "ends_at": starts + timedelta(hours=n + 2),
                    "status": EventStatus.scheduled,
                    "created_at": datetime.now(UTC),
                    "updated_at": datetime.now(UTC),
                }
                for n in range(EVENTS)
            ]
            await s.execute(insert(Event), rows)
            ids = await s.execute(
                select(Event.id)  # type: ignore[call-overload]
                .where(Event.title.like("Forum për zgjedhjet nr. %"))  # type: ignore[attr-defined]
                .order_by(Event.id)
            )
            await s.commit()
            return list(ids.scalars())
    finally:
        await db.dispose()


async def fill_target(url: str, target: int, rng: random.Random) -> None:
    """Exactly 200 approved questions (and 20 not public) with their question_vote rows."""
    db = open_db(url)
    try:
        async with db.write() as s:
            start = datetime.now(UTC) - timedelta(days=3)
            rows = [
                question_row(rng, target, QuestionStatus.approved, 0, start + timedelta(minutes=n))
                for n in range(TARGET_APPROVED)
            ]
            rows += [
                question_row(rng, target, status, 0, start)
                for status, n in TARGET_OTHERS.items()
                for _ in range(n)
            ]
            await s.execute(insert(Question), rows)
            ids = (
                await s.execute(
                    select(Question.id)  # type: ignore[call-overload]
                    .where(Question.event_id == target, Question.status == "approved")  # type: ignore[arg-type]
                    .order_by(Question.id)
                )
            ).scalars()
            votes = [
                {"question_id": qid, "voter": f"{qid:08d}{v:056d}", "created_at": start}
                for qid in ids
                for v in range(min(400, int(rng.paretovariate(1.3)) - 1))
            ]
            for i in range(0, len(votes), BATCH):
                await s.execute(insert(QuestionVote), votes[i : i + BATCH])
            counted = (
                select(func.count())
                .select_from(QuestionVote)
                .where(QuestionVote.question_id == Question.id)  # type: ignore[arg-type]
                .scalar_subquery()
            )
            await s.execute(
                Question.__table__.update()  # type: ignore[attr-defined]
                .where(Question.__table__.c.event_id == target)  # type: ignore[attr-defined]
                .values(votes=counted)
            )
            await s.commit()
    finally:
        await db.dispose()


async def fill_others(url: str, events: list[int], count: int, rng: random.Random) -> None:
    """`count` questions spread over every event but the target, in batches of BATCH rows."""
    db = open_db(url)
    try:
        start = datetime.now(UTC) - timedelta(days=60)
        for offset in range(0, count, BATCH):
            rows = [
                question_row(
                    rng,
                    rng.choice(events),
                    random_status(rng),
                    int(rng.paretovariate(1.5)) - 1,
                    start + timedelta(seconds=rng.randrange(5_000_000)),
                )
                for _ in range(min(BATCH, count - offset))
            ]
            async with db.write() as s:
                await s.execute(insert(Question), rows)
                await s.commit()
        if db.engine.dialect.name == "postgresql":
            async with db.engine.connect() as conn:
                await conn.execute(text("ANALYZE question"))
                await conn.commit()
    finally:
        await db.dispose()


async def count_questions(url: str) -> int:
    db = open_db(url)
    try:
        async with db.read() as s:
            return int(await s.scalar(select(func.count()).select_from(Question)) or 0)
    finally:
        await db.dispose()


# --- b. voting ---------------------------------------------------------------------------------


async def vote_question(url: str, event_id: int) -> int:
    db = open_db(url)
    try:
        async with db.write() as s:
            question = Question(
                event_id=event_id,
                body="A do të ketë ujë të pijshëm 24 orë në ditë në të gjithë qytetin?",
                author_name="Teuta",
                status=QuestionStatus.approved,
                approved_at=datetime.now(UTC),
            )
            s.add(question)
            await s.commit()
            return question.id or 0
    finally:
        await db.dispose()


async def stored_votes(url: str, question_id: int) -> tuple[int, int]:
    db = open_db(url)
    try:
        async with db.read() as s:
            votes = await s.scalar(select(Question.votes).where(Question.id == question_id))  # type: ignore[call-overload, arg-type]
            rows = await s.scalar(
                select(func.count())
                .select_from(QuestionVote)
                .where(QuestionVote.question_id == question_id)  # type: ignore[arg-type]
            )
            return int(votes or 0), int(rows or 0)
    finally:
        await db.dispose()


async def voters(base_url: str, question_id: int, seconds: float) -> dict[str, Any]:
    """VOTERS clients alternate POST/DELETE; every acknowledged (200) answer is recorded."""
    url = f"{base_url}/api/v1/questions/{question_id}/votes"
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    acked: list[list[bool]] = [[] for _ in range(VOTERS)]
    latencies: list[float] = []
    errors: dict[str, int] = {}
    unsure: list[int] = []  # clients whose last request got no acknowledgment

    async def one(client: httpx.AsyncClient, n: int, until: float) -> None:
        voting = True
        last_ok = True
        while time.perf_counter() < until:
            start = time.perf_counter()
            try:
                response = await (client.post(url) if voting else client.delete(url))
                status = str(response.status_code)
            except httpx.HTTPError as error:
                response, status = None, type(error).__name__
            latencies.append((time.perf_counter() - start) * 1000)
            last_ok = response is not None and response.status_code == 200
            if last_ok and response is not None:
                answer = response.json()
                assert answer["voted"] is voting, answer
                assert answer["question_id"] == question_id, answer
                acked[n].append(answer["voted"])
            else:
                errors[status] = errors.get(status, 0) + 1
            voting = not voting
        if not last_ok:
            unsure.append(n)

    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(httpx.AsyncClient(limits=limits, timeout=30))
            for _ in range(VOTERS)
        ]
        start = time.perf_counter()
        await asyncio.gather(*(one(c, n, start + seconds) for n, c in enumerate(clients)))
        elapsed = time.perf_counter() - start
        # a request with no answer may or may not have counted: settle those clients' state
        for n in unsure:
            response = await clients[n].delete(url)
            if response.status_code == 200:
                acked[n].append(False)
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1)] if ordered else 0

    return {
        "acked": sum(len(a) for a in acked),
        "seconds": elapsed,
        "p50": pct(50),
        "p99": pct(99),
        "failed": sum(errors.values()),
        "errors": errors,
        "expected": sum(1 for a in acked if a and a[-1]),
        "unsettled": sum(1 for n in unsure if not acked[n] or acked[n][-1]),
    }


# --- d. the room --------------------------------------------------------------------------------

POLL_EVERY = 2.0
VOTE_EVERY = 2.5
LIVE_VERSION = re.compile(r"live\?v=(\w+)")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def room(base_url: str, event_id: int, phones: int, voters: int, seconds: float) -> dict:
    """Phones poll the live list every POLL_EVERY s, voters vote every VOTE_EVERY s."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        listed = await client.get(f"/api/v1/events/{event_id}/questions")
    question_ids = [q["id"] for q in listed.json()]
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    votes = [0]

    async def phone(client: httpx.AsyncClient, until: float) -> None:
        page = await client.get(f"/events/{event_id}")
        found = LIVE_VERSION.search(page.text)
        version = found.group(1) if found else ""
        await asyncio.sleep(random.random() * POLL_EVERY)
        while time.perf_counter() < until:
            start = time.perf_counter()
            url = f"/events/{event_id}/questions/live?v={version}"
            try:
                response = await client.get(url, headers={"HX-Request": "true"})
                status = str(response.status_code)
                found = LIVE_VERSION.search(response.text) if response.status_code == 200 else None
                version = found.group(1) if found else version
            except httpx.HTTPError as error:
                status = type(error).__name__
            latencies.append((time.perf_counter() - start) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
            await asyncio.sleep(POLL_EVERY)

    async def voter(client: httpx.AsyncClient, until: float) -> None:
        await asyncio.sleep(random.random() * VOTE_EVERY)
        while time.perf_counter() < until:
            with contextlib.suppress(httpx.HTTPError):
                question = random.choice(question_ids)
                response = await client.post(f"/api/v1/questions/{question}/votes")
                votes[0] += response.status_code == 200
            await asyncio.sleep(VOTE_EVERY)

    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(httpx.AsyncClient(base_url=base_url, timeout=30))
            for _ in range(phones + voters)
        ]
        until = time.perf_counter() + seconds
        await asyncio.gather(
            *(phone(c, until) for c in clients[:phones]),
            *(voter(c, until) for c in clients[phones:]),
        )
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1)] if ordered else 0

    return {
        "polls": len(ordered),
        "fresh": statuses.get("200", 0),
        "failed": sum(n for s, n in statuses.items() if s not in ("200", "204")),
        "p50": pct(50),
        "p99": pct(99),
        "votes": votes[0],
    }


# --- c. weight ---------------------------------------------------------------------------------


def weigh(base_url: str, path: str, database: str) -> tuple[list[list[Any]], list[str]]:
    rows: list[list[Any]] = []
    foreign: list[str] = []
    headers = {"User-Agent": PHONE_UA}
    with httpx.Client(base_url=base_url, timeout=10, headers=headers) as client:
        origin = urlsplit(base_url).netloc
        response, figures = fetch(client, path)
        rows.append([database, f"(html) {path}", *figures[:4]])
        refs = References()
        refs.feed(response.text)
        totals = figures[2:4]
        for kind, url in refs.loads:
            absolute = urljoin(base_url + path, url)
            if urlsplit(absolute).netloc != origin:
                foreign.append(f"{path} loads {kind} from {absolute}")
                continue
            if kind not in ("css", "js"):
                continue
            figures = fetch(client, absolute)[1]
            rows.append([database, f"{kind} {urlsplit(absolute).path}", *figures[:4]])
            totals = [totals[0] + figures[2], totals[1] + figures[3]]
        goal = "OK" if totals[1] < 60_000 else "OVER 60 KB"
        rows.append([database, f"TOTAL html+css+js ({goal})", "", "", *totals])
        foreign += [
            f"{path} links to {url}"
            for url in refs.links
            if urlsplit(urljoin(base_url + path, url)).netloc not in {origin, ""}
        ]
    return rows, foreign


# --- the run -----------------------------------------------------------------------------------


def page_row(label: str, database: str, size: Any, c: int, f: dict, hello_rps: float) -> list:
    ratio = f["rps"] / hello_rps if hello_rps else float("nan")
    goal = "OK" if ratio >= 0.10 and f["p99"] < 150 and not f["failures"] else "MISSED"
    return (
        [label, database, size, c, f["rps"], ratio]
        + [f[k] for k in ("p50", "p90", "p99", "max", "failures", "gen_cpu")]
        + [goal if label != "hello ASGI" else "-"]
    )


def main() -> None:
    args = parse_args()
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    c = args.concurrency
    print(machine_note())
    print(
        f"Pages: {args.seconds:g} s per run after a 2 s warm-up, 1 worker, C={c}. "
        f"Votes: {VOTERS} voters for {args.vote_seconds:g} s. Room: {args.room_phones} phones, "
        f"{args.room_voters} voters for {args.room_seconds:g} s.\n"
    )
    page_rows: list[list[Any]] = []
    vote_rows: list[list[Any]] = []
    weight_rows: list[list[Any]] = []
    room_rows: list[list[Any]] = []
    notes: list[str] = []

    with server("hello", hello_command(free_port(), 1)) as srv:
        hello = load(srv.base_url + "/", c, args.seconds)
    page_rows.append(page_row("hello ASGI", "-", "-", c, hello.summary(), hello.rps))
    print(f"hello 1 worker C={c}: {hello.rps:,.0f} req/s", flush=True)

    for database in databases:
        rng = random.Random(20_240_501)
        with seeded_database(database) as env:
            url = env["DATABASE_URL"]
            started = time.perf_counter()
            events = asyncio.run(create_events(url))
            target = events[0]
            asyncio.run(fill_target(url, target, rng))
            existing = asyncio.run(count_questions(url))
            asyncio.run(fill_others(url, events[1:], SIZES[0] - existing, rng))
            fill_times = [time.perf_counter() - started]
            print(f"{database}: filled {SIZES[0]:,} in {fill_times[0]:.1f} s", flush=True)
            path = f"/events/{target}"
            with server(
                f"app-{database}", app_command(free_port(), 1), env, ready_path="/healthz"
            ) as srv:
                for n, size in enumerate(SIZES):
                    if n:
                        started = time.perf_counter()
                        have = asyncio.run(count_questions(url))
                        asyncio.run(fill_others(url, events[1:], size - have, rng))
                        fill_times.append(time.perf_counter() - started)
                        print(f"{database}: filled to {size:,} in {fill_times[-1]:.1f} s")
                    stored = asyncio.run(count_questions(url))
                    page = httpx.get(srv.base_url + path, timeout=30)
                    found = page.text.count(MARKER)
                    notes.append(
                        f"{database} {stored:,} questions: GET {path} is {page.status_code}, "
                        f"{len(page.content):,} bytes, {found} questions in the page "
                        f"({'OK' if found == TARGET_APPROVED else 'EXPECTED 200'})"
                    )
                    result = load(srv.base_url + path, c, args.seconds)
                    page_rows.append(
                        page_row("pop-forums", database, stored, c, result.summary(), hello.rps)
                    )
                    print(f"{database} {stored:,}: {result.rps:,.0f} req/s", flush=True)
                    if result.failures:
                        notes.append(f"{database} {stored:,}: statuses {result.statuses}")
                rows, foreign = weigh(srv.base_url, path, database)
                weight_rows += rows
                notes += [f"! {database}: {line}" for line in foreign] or [
                    f"{database}: the event page loads and links nothing from another host"
                ]
                problems = srv.log_problems()
                if problems:
                    notes.append(f"{database} page server: {len(problems)} error lines, e.g.")
                    notes.extend("    " + line for line in problems[:5])
            notes.append(
                f"{database}: fill times {', '.join(f'{t:.1f} s' for t in fill_times)} "
                f"(batches of {BATCH:,})"
            )

            workers = VOTE_WORKERS[database]
            question_id = asyncio.run(vote_question(url, events[1]))
            with server(
                f"votes-{database}", app_command(free_port(), workers), env, ready_path="/healthz"
            ) as srv:
                v = asyncio.run(voters(srv.base_url, question_id, args.vote_seconds))
                problems = srv.log_problems()
            votes, rows_n = asyncio.run(stored_votes(url, question_id))
            ok = votes == rows_n == v["expected"] and not v["unsettled"]
            vote_rows.append(
                [
                    *(database, workers, VOTERS, v["seconds"], v["acked"]),
                    *(v["acked"] / v["seconds"], v["p50"], v["p99"], v["failed"]),
                    *(v["expected"], votes, rows_n, "OK" if ok else "FAIL"),
                ]
            )
            print(
                f"{database}: acknowledged votes counted once: {'OK' if ok else 'FAIL'} "
                f"(expected {v['expected']}, votes column {votes}, question_vote rows {rows_n})",
                flush=True,
            )
            if v["failed"]:
                notes.append(
                    f"{database} votes: failures {v['errors']}; unsettled {v['unsettled']}"
                )
            if problems:
                notes.append(f"{database} vote server: {len(problems)} error lines, e.g.")
                notes.extend("    " + line for line in problems[:5])

            if args.room_seconds > 0:
                with server(
                    f"room-{database}", app_command(free_port(), 1), env, ready_path="/healthz"
                ) as srv:
                    pid = srv.process.pid
                    cpu = cpu_seconds(pid)
                    r = asyncio.run(
                        room(srv.base_url, target, args.room_phones, args.room_voters,
                             args.room_seconds)
                    )  # fmt: skip
                    cpu = cpu_seconds(pid) - cpu
                    problems = srv.log_problems()
                room_rows.append(
                    [
                        *(database, args.room_phones, args.room_voters, args.room_seconds),
                        *(r["polls"] / args.room_seconds, r["fresh"], r["p50"], r["p99"]),
                        *(r["failed"], r["votes"] / args.room_seconds),
                        100 * cpu / args.room_seconds,
                    ]
                )
                print(f"{database}: room p99 {r['p99']:.0f} ms", flush=True)
                if problems:
                    notes.append(f"{database} room server: {len(problems)} error lines, e.g.")
                    notes.extend("    " + line for line in problems[:5])

    print("\na. GET /events/{target} (200 approved questions), 1 worker")
    print(table(PAGE_HEADERS, page_rows))
    print("goal: x hello >= 0.10, p99 < 150 ms, no failures; and no slower at 100k than at 10k.")
    print("\nb. 300 voters alternating POST/DELETE on one question")
    print(table(VOTE_HEADERS, vote_rows))
    print("expected = clients whose last acknowledged answer said voted=true.")
    for row in vote_rows:
        print(
            f"{row[0]}: acknowledged votes counted once: {row[-1]} "
            f"(expected {row[9]}, votes column {row[10]}, question_vote rows {row[11]})"
        )
    print("\nc. Event page weight on a phone (gzipped; goal under 60 KB)")
    print(table(WEIGHT_HEADERS, weight_rows))
    if room_rows:
        print("\nd. The room: phones polling the live list every 2 s, voters every 2.5 s, 1 worker")
        print(table(ROOM_HEADERS, room_rows))
        print("fresh lists = polls answered with a new list (200) rather than 204 (no change).")
    print()
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
