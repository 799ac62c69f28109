"""Forum night at the limit (issue 15): the phone's routes under wrk next to a bare ASGI hello.

table    the event page (200 approved questions) for a returning visitor (gzip and plain), for
         one who voted and asked, the live poll with nothing changed (204), `/`, `/events`, an
         organizer signed in, and a naive FastAPI + aiosqlite + Jinja2 page; each round measures
         the hello, the routes and the naive page one after the other (server on core 0, wrk on
         core 1; --cores) and each run's ratio uses the hello runs on either side of it.
weight   the event page's HTML, raw and gzipped, and how often the visitor's CSRF token is in it.
room     forum night: phones poll the live list every 2 s following its version while others
         vote; the bytes each phone receives per minute (httpx, not wrk: it is about bytes).
scaling  PostgreSQL, 1, 2 and 4 workers: the event page and the poll next to the hello.
"""

import argparse
import asyncio
import hashlib
import hmac
import os
import random
import re
import secrets
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AsyncExitStack, ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, insert, select, update

from app.demo.data import DEMO_ORGANIZER_EMAIL, DEMO_ORGANIZER_PASSWORD
from app.models import Question, QuestionStatus, QuestionVote
from app.security import hash_token
from app.services.questions import browser_id
from bench.harness import (
    SECRET_KEY,
    Server,
    WrkResult,
    app_command,
    free_port,
    hello_command,
    machine_note,
    pinned,
    seeded_database,
    server,
    table,
    uvicorn_args,
    wrk,
)
from bench.questions import (
    SIZES,
    count_questions,
    create_events,
    fill_others,
    fill_target,
    open_db,
)

PARTS = ("table", "weight", "room", "scaling")
SCALING_WORKERS = (1, 2, 4)
P99_GOAL_MS = 150.0
CORES = {"server": "0", "wrk": "1"}  # --cores: where the server and the load generator run
WRK_TIMEOUT = 10.0  # s: slower answers still count in p99 (wrk's own 2 s makes them errors)
LIVE = re.compile(r"questions/live\?v=([0-9a-f]+)")
FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
VOTED = 5  # questions the voting visitor voted for
POLL_EVERY, VOTE_EVERY = 2.0, 2.5
GZIP = "Accept-Encoding: gzip"
HX = "HX-Request: true"
TABLE_HEADERS = ["route", "status", "req/s", "p50 ms", "p99 ms", "x hello", "bytes/resp"]
TABLE_HEADERS += ["non-2xx+err", "server cpu%", "goal", "result", "p99<150"]
SCALE_HEADERS = ["workers", "server cores", "route", "req/s", "x hello", "p50 ms", "p99 ms"]
SCALE_HEADERS += ["non-2xx+err", "server cpu%", "req/s per core"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--hello-seconds", type=float, default=4, help="each hello run between two routes"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median counts")
    parser.add_argument(
        "--database", choices=["sqlite", "postgresql", "both"], default="sqlite",
        help="for table, weight and room (scaling is always PostgreSQL)",
    )  # fmt: skip
    parser.add_argument(
        "--parts", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS)
    )
    parser.add_argument(
        "--cores", default="0,1", help="SERVER,WRK: the cores of the server and of wrk (0,1)"
    )
    parser.add_argument("--room-phones", type=int, default=250)
    parser.add_argument("--room-voters", type=int, default=50)
    parser.add_argument("--room-seconds", type=float, default=30)
    args = parser.parse_args()
    args.parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    return args


def median_by(values: Sequence[Any], key: Callable[[Any], float]) -> Any:
    return sorted(values, key=key)[len(values) // 2]


# --- visitors ----------------------------------------------------------------------------------


@dataclass
class Visitor:
    """A browser's cookies, as a Cookie header, and the CSRF nonce in them."""

    cookies: dict[str, str]

    @property
    def header(self) -> str:
        return "Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    @property
    def csrf_token(self) -> str:
        """The token the pages put in their forms (the formula of app/security.py)."""
        nonce, session = self.cookies["pf_csrf"], self.cookies.get("pf_session") or "-"
        message = f"{nonce}|{session}".encode()
        return hmac.new(SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def returning_visitor() -> Visitor:
    """A voter cookie (32 characters) and a CSRF nonce (43) that have never voted or asked."""
    return Visitor({"pf_voter": secrets.token_urlsafe(24), "pf_csrf": secrets.token_urlsafe(32)})


async def voted_and_asked(url: str, target: int) -> Visitor:
    """A visitor who voted for VOTED questions of the target and asked one (pending), written
    straight into the database; with the `pf_my_questions` cookie of its private link."""
    visitor = returning_visitor()
    voter = browser_id(secret=SECRET_KEY, cookie=visitor.cookies["pf_voter"])
    token = secrets.token_urlsafe(32)
    db = open_db(url)
    try:
        async with db.write() as s:
            ids = list(
                (
                    await s.execute(
                        select(Question.id)  # type: ignore[call-overload]
                        .where(Question.event_id == target, Question.status == "approved")  # type: ignore[arg-type]
                        .order_by(Question.id)
                        .limit(VOTED)
                    )
                ).scalars()
            )
            now = datetime.now(UTC)
            rows = [{"question_id": q, "voter": voter, "created_at": now} for q in ids]
            await s.execute(insert(QuestionVote), rows)
            await s.execute(
                update(Question)
                .where(Question.id.in_(ids))  # type: ignore[union-attr]
                .values(votes=Question.votes + 1)
            )
            s.add(
                Question(
                    event_id=target,
                    body="A do të ketë drita në rrugën e shkollës para dimrit?",
                    author_name="Teuta",
                    status=QuestionStatus.pending,
                    asker=voter,
                    token_hash=hash_token(token),
                )
            )
            await s.commit()
    finally:
        await db.dispose()
    visitor.cookies["pf_my_questions"] = f"{target}:{token}"
    return visitor


def organizer(base_url: str) -> Visitor:
    """The demo organizer signed in through /login; its cookies (pf_session among them)."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        form = client.get("/login")
        found = FORM_TOKEN.search(form.text)
        assert found, "no csrf_token field in /login"
        data = {"email": DEMO_ORGANIZER_EMAIL, "password": DEMO_ORGANIZER_PASSWORD}
        done = client.post("/login", data={**data, "csrf_token": found.group(1)})
        assert done.status_code == 303, f"POST /login answered {done.status_code}"
        assert "pf_session" in client.cookies, "no pf_session cookie after signing in"
        return Visitor(dict(client.cookies.items()))


async def total_votes(url: str, target: int) -> tuple[int, int]:
    """(approved questions, their votes) at the target event."""
    db = open_db(url)
    try:
        async with db.read() as s:
            row = (
                await s.execute(
                    select(func.count(), func.coalesce(func.sum(Question.votes), 0)).where(
                        Question.event_id == target,  # type: ignore[arg-type]
                        Question.status == "approved",  # type: ignore[arg-type]
                    )
                )
            ).one()
            return int(row[0]), int(row[1])
    finally:
        await db.dispose()


@dataclass
class Filled:
    env: dict[str, str]
    target: int
    notes: list[str] = field(default_factory=list)


@contextmanager
def filled_database(kind: str) -> Iterator[Filled]:
    """The demo database with 1,000 events and 10,000 questions, the target holding 200 approved
    ones with their votes (bench/questions.py's fill, same seed)."""
    with seeded_database(kind) as env:
        url = env["DATABASE_URL"]
        started = time.perf_counter()
        rng = random.Random(20_240_501)
        events = asyncio.run(create_events(url))
        target = events[0]
        asyncio.run(fill_target(url, target, rng))
        approved, votes = asyncio.run(total_votes(url, target))
        existing = asyncio.run(count_questions(url))
        asyncio.run(fill_others(url, events[1:], SIZES[0] - existing, rng))
        note = (
            f"{kind}: {asyncio.run(count_questions(url)):,} questions, target event {target}: "
            f"{approved} approved questions with {votes} votes (filled in "
            f"{time.perf_counter() - started:.1f} s)"
        )
        print(note, flush=True)
        yield Filled(env, target, [note])


def live_version(base_url: str, target: int, visitor: Visitor) -> str:
    """The version the event page's live poll asks with."""
    headers = {"Cookie": visitor.header.split(": ", 1)[1]}
    page = httpx.get(f"{base_url}/events/{target}", headers=headers, timeout=30)
    found = LIVE.search(page.text)
    assert found, f"no questions/live?v= in the event page ({page.status_code})"
    return found.group(1)


def status_of(url: str, headers: Sequence[str]) -> int:
    """The status of one request with these headers (wrk counts only >= 400 as non-2xx)."""
    pairs = dict(h.split(": ", 1) for h in headers)
    return httpx.get(url, headers=pairs, timeout=30, follow_redirects=False).status_code


# --- part: table -------------------------------------------------------------------------------


@dataclass
class Route:
    label: str
    server: str  # "app" or "naive"
    path: str
    headers: list[str]
    goal: float | None  # x hello; None: at least the naive page's
    public: bool = True
    runs: list[tuple[WrkResult, float, float]] = field(default_factory=list)  # result, ratio, cpu
    status: int = 0

    def best(self) -> tuple[WrkResult, float, float]:
        return median_by(self.runs, key=lambda run: run[1])


def pin(command: list[str]) -> list[str]:
    """The command on the server's core."""
    return pinned(command, CORES["server"])


def measure(
    srv: Server, url: str, args: argparse.Namespace, headers: Sequence[str], seconds: float = 0
) -> tuple[WrkResult, float]:
    """A wrk run and the share of one core the server's processes used meanwhile."""
    pids = group_pids(srv)
    cpu, start = cpu_seconds(pids), time.perf_counter()
    result = wrk(url, args.connections, seconds or args.seconds, headers, WRK_TIMEOUT, CORES["wrk"])
    busy = (cpu_seconds(pids) - cpu) / (time.perf_counter() - start)
    settle(srv)
    return result, busy


def settle(*servers: Server, idle: float = 0.1, longest: float = 15.0) -> float:
    """Waits until the servers' processes use under `idle` of a core and answer /healthz
    within 50 ms (the requests wrk left in flight when it stopped are answered first)."""
    pids = [pid for srv in servers for pid in group_pids(srv)]
    start = time.perf_counter()
    while time.perf_counter() - start < longest:
        cpu = cpu_seconds(pids)
        time.sleep(0.25)
        if cpu_seconds(pids) - cpu < idle * 0.25 and all(quick(srv) for srv in servers):
            break
    return time.perf_counter() - start


def quick(srv: Server) -> bool:
    """Whether the server answers a cheap request within 50 ms."""
    with httpx.Client(timeout=5) as client:
        start = time.perf_counter()
        with suppress(httpx.HTTPError):
            client.get(srv.base_url + "/healthz")
        return time.perf_counter() - start < 0.05


def tracebacks(srv: Server, keep: int = 25) -> list[str]:
    """The first traceback (or error line) in the server's output, with what follows it."""
    lines = srv.log().splitlines()
    problems = srv.log_problems()
    if not problems:
        return []
    first = lines.index(problems[0])
    return [f"({len(problems)} error lines in {srv.name}'s log)", *lines[first : first + keep]]


def naive_command(port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "bench.naive:app", *uvicorn_args(port, 1)]


def part_table(filled: Filled, database: str, args: argparse.Namespace) -> list[str]:
    target, env = filled.target, filled.env
    url = env["DATABASE_URL"]
    fresh = returning_visitor()
    active = asyncio.run(voted_and_asked(url, target))
    out: list[str] = []
    with ExitStack() as stack:
        hello = stack.enter_context(server("hello", pin(hello_command(free_port(), 1))))
        naive = stack.enter_context(server("naive", pin(naive_command(free_port()))))
        app = stack.enter_context(
            server(f"app-{database}", pin(app_command(free_port(), 1)), env, "/healthz")
        )
        boss = organizer(app.base_url)
        version = live_version(app.base_url, target, fresh)
        page = f"/events/{target}"
        routes = [
            Route("event page, returning visitor, gzip", "app", page, [GZIP, fresh.header], 0.10),
            Route("event page, returning visitor, plain", "app", page, [fresh.header], 0.10),
            Route("event page, voted 5 + asked, gzip", "app", page, [GZIP, active.header], 0.05),
            Route(
                "live poll, nothing changed (204)",
                "app",
                f"{page}/questions/live?v={version}",
                [GZIP, HX, fresh.header],
                0.12,
            ),
            Route("GET /, gzip", "app", "/", [GZIP, fresh.header], None),
            Route("GET /events, gzip", "app", "/events", [GZIP, fresh.header], None),
            Route(
                "event page, organizer signed in, gzip",
                "app",
                page,
                [GZIP, boss.header],
                0.01,
                public=False,
            ),
            Route(
                "naive page (FastAPI+aiosqlite+Jinja2, 50 rows)",
                "naive",
                "/",
                [GZIP],
                None,
                public=False,
            ),
        ]
        bases = {"app": app.base_url, "naive": naive.base_url}
        for route in routes:
            route.status = status_of(bases[route.server] + route.path, route.headers)
            # warm-up: caches filled, connections open
            wrk(
                bases[route.server] + route.path,
                args.connections,
                1,
                route.headers,
                cpu=CORES["wrk"],
            )
        settle(app, naive, hello)
        # the plain page (200 KB answers) last but the organizer's and the naive page: the
        # runs right after it stalled (server idle, wrk unanswered) while other work shared
        # the machine
        measured = [routes[0], routes[2], routes[3], routes[4], routes[5], routes[1], *routes[6:]]
        hello_url = hello.base_url + "/"
        hello_runs: list[tuple[WrkResult, float]] = []
        for n in range(args.rounds):
            before = measure(hello, hello_url, args, [], args.hello_seconds)
            hello_runs.append(before)
            for route in measured:
                srv = app if route.server == "app" else naive
                result, busy = measure(srv, bases[route.server] + route.path, args, route.headers)
                after = measure(hello, hello_url, args, [], args.hello_seconds)
                hello_runs.append(after)
                # the higher of the two: other work on the core only ever lowers the hello
                anchor = max(before[0].rps, after[0].rps)
                route.runs.append((result, result.rps / anchor if anchor else 0.0, busy))
                before = after
            hellos = ", ".join(f"{h.rps:,.0f}" for h, _ in hello_runs[-len(routes) - 1 :])
            print(f"{database} round {n + 1}/{args.rounds}: hello {hellos} req/s", flush=True)
        problems = tracebacks(app) + tracebacks(naive)
    naive_ratio = routes[-1].best()[1]
    rows: list[list[Any]] = []
    best_hello, hello_busy = median_by(hello_runs, key=lambda run: run[0].rps)
    rows.append(["bare ASGI hello (median run)", 200, best_hello.rps, best_hello.p50_ms,
                 best_hello.p99_ms, "1.0000", round(best_hello.transfer_per_request),
                 best_hello.non_2xx + best_hello.errors, 100 * hello_busy,
                 "-", "-", "-"])  # fmt: skip
    p99_ok = True
    for route in routes:
        result, ratio, busy = route.best()
        goal = route.goal if route.goal is not None else naive_ratio
        is_naive = route.server == "naive"
        failures = result.non_2xx + result.errors
        wanted = 204 if "live" in route.path else 200
        passed = ratio >= goal and failures == 0 and route.status == wanted
        p99 = "-"
        if route.public:
            p99 = "PASS" if result.p99_ms < P99_GOAL_MS else "FAIL"
            p99_ok = p99_ok and p99 == "PASS"
        rows.append(
            [route.label, route.status, result.rps, result.p50_ms, result.p99_ms, f"{ratio:.4f}",
             round(result.transfer_per_request), failures, 100 * busy,
             "-" if is_naive else f">= {goal:.4f}" + (" (naive)" if route.goal is None else ""),
             "-" if is_naive else ("PASS" if passed else "FAIL"), p99]
        )  # fmt: skip
    out.append(
        f"\nTable ({database}, 1 worker on core {CORES['server']}, wrk -t1 -c{args.connections} "
        f"-d{args.seconds:g}s --timeout {WRK_TIMEOUT:g}s on core {CORES['wrk']}; median of "
        f"{args.rounds} rounds by x hello; each route's run between two "
        f"{args.hello_seconds:g} s hello runs)"
    )
    out.append(table(TABLE_HEADERS, rows))
    out.append(
        f"p99 goal (every public route, rows 1-6, p99 < {P99_GOAL_MS:.0f} ms): "
        + ("PASS" if p99_ok else "FAIL")
    )
    out.append(
        "x hello = route req/s / the higher of the hello runs just before and after it; after "
        "each run the next waits until the server has answered what wrk left in flight. "
        "server cpu% = the server's CPU time / wall time during the run (the kernel's loopback "
        "work is partly counted elsewhere; a page well under 100 waited: on its database "
        "threads, or for its core when it was shared). bytes/resp = wrk Transfer/sec / req/s "
        "(headers included). status: one request's answer (wrk counts only >= 400 as non-2xx); "
        "result needs the goal met, no failures and the right status (204 for the poll)."
    )
    for route in routes:
        ratios = ", ".join(f"{r.rps:,.0f} ({ratio:.4f})" for r, ratio, _ in route.runs)
        out.append(f"  {route.label}: req/s (x hello) per round {ratios}")
    if problems:
        out.append("! the server logs hold errors; the first:")
        out.extend("    " + line for line in problems)
    return out


# --- part: weight ------------------------------------------------------------------------------


def part_weight(filled: Filled, database: str) -> list[str]:
    visitor = returning_visitor()
    cookie = {"Cookie": visitor.header.split(": ", 1)[1]}
    command = app_command(free_port(), 1)
    with server(f"weight-{database}", command, filled.env, "/healthz") as app:
        path = f"{app.base_url}/events/{filled.target}"
        raw = httpx.get(path, headers={**cookie, "Accept-Encoding": "identity"}, timeout=30)
        with httpx.stream("GET", path, headers={**cookie, "Accept-Encoding": "gzip"}) as gz:
            gz.read()
            gzipped = gz.num_bytes_downloaded
            encoding = gz.headers.get("content-encoding", "none")
    html = raw.text
    token = visitor.csrf_token
    count = html.count(token)
    how = "the visitor's token (HMAC of its pf_csrf)"
    if not count:  # the token's formula changed: count what the page's form carries
        found = FORM_TOKEN.search(html)
        token = found.group(1) if found else ""
        count = html.count(token) if token else 0
        how = "the token of the page's first csrf_token field"
    kb = len(raw.content) / 1024
    return [
        f"\nWeight ({database}): GET /events/{filled.target} as a returning visitor",
        f"  HTML raw {len(raw.content):,} bytes ({kb:.1f} KB; goal <= 100 KB: "
        f"{'PASS' if kb <= 100 else 'FAIL'}), gzipped by the server {gzipped:,} bytes "
        f"(Content-Encoding: {encoding})",
        f"  CSRF token in the page: {count} times ({how}; goal once: "
        f"{'PASS' if count == 1 else 'FAIL'})",
    ]


# --- part: room --------------------------------------------------------------------------------


def received_bytes(response: httpx.Response) -> int:
    """What came over the wire: status line, headers and the (compressed) body."""
    reason = response.reason_phrase or ""
    status_line = len(f"HTTP/1.1 {response.status_code} {reason}\r\n")
    headers = sum(len(name) + len(value) + 4 for name, value in response.headers.raw)
    return status_line + headers + 2 + response.num_bytes_downloaded


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of these processes so far (Linux /proc), in seconds."""
    total = 0
    for pid in pids:
        with suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def group_pids(srv: Server) -> list[int]:
    """The server's process and its workers (its own process group)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError, ProcessLookupError):
                if os.getpgid(int(entry.name)) == srv.process.pid:
                    pids.append(int(entry.name))
    return pids


async def room(base_url: str, target: int, phones: int, voters: int, seconds: float) -> dict:
    """Phones poll every POLL_EVERY s following the version; voters vote every VOTE_EVERY s."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        listed = await client.get(f"/api/v1/events/{target}/questions")
    question_ids = [q["id"] for q in listed.json()]
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    poll_bytes = [0]
    page_bytes: list[int] = []
    votes = [0]
    headers = {"Accept-Encoding": "gzip"}

    async def phone(client: httpx.AsyncClient, until: float) -> None:
        page = await client.get(f"/events/{target}")
        page_bytes.append(received_bytes(page))
        found = LIVE.search(page.text)
        version = found.group(1) if found else ""
        await asyncio.sleep(random.random() * POLL_EVERY)
        while time.perf_counter() < until:
            start = time.perf_counter()
            try:
                response = await client.get(
                    f"/events/{target}/questions/live?v={version}", headers={"HX-Request": "true"}
                )
                status = str(response.status_code)
                poll_bytes[0] += received_bytes(response)
                if response.status_code == 200:
                    found = LIVE.search(response.text)
                    version = found.group(1) if found else version
            except httpx.HTTPError as error:
                status = type(error).__name__
            latencies.append((time.perf_counter() - start) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
            await asyncio.sleep(max(0.0, POLL_EVERY - (time.perf_counter() - start)))

    async def voter(client: httpx.AsyncClient, until: float) -> None:
        await asyncio.sleep(random.random() * VOTE_EVERY)
        while time.perf_counter() < until:
            with suppress(httpx.HTTPError):
                question = random.choice(question_ids)
                response = await client.post(f"/api/v1/questions/{question}/votes")
                votes[0] += response.status_code == 200
            await asyncio.sleep(VOTE_EVERY)

    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=base_url, timeout=30, headers=headers)
            )
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
        "statuses": statuses,
        "bytes": poll_bytes[0],
        "page": sum(page_bytes) / len(page_bytes) if page_bytes else 0,
        "p50": pct(50),
        "p99": pct(99),
        "votes": votes[0],
    }


def part_room(filled: Filled, database: str, args: argparse.Namespace) -> list[str]:
    command = pin(app_command(free_port(), 1))
    mask = os.sched_getaffinity(0)
    with server(f"room-{database}", command, filled.env, "/healthz") as app:
        pids = group_pids(app)
        cpu = cpu_seconds(pids)
        os.sched_setaffinity(0, {int(CORES["wrk"])})  # the phones apart from the server
        own = time.process_time()
        try:
            r = asyncio.run(
                room(app.base_url, filled.target, args.room_phones, args.room_voters,
                     args.room_seconds)
            )  # fmt: skip
        finally:
            os.sched_setaffinity(0, mask)
        own = time.process_time() - own
        cpu = cpu_seconds(pids) - cpu
        problems = app.log_problems()
    s = args.room_seconds
    polls = r["polls"] or 1
    fresh, unchanged = r["statuses"].get("200", 0), r["statuses"].get("204", 0)
    failed = polls - fresh - unchanged if r["polls"] else 0
    per_minute = r["bytes"] / args.room_phones / (s / 60)
    out = [
        f"\nRoom ({database}, 1 worker on core {CORES['server']}; the phones are httpx clients "
        f"on core {CORES['wrk']} — "
        "this part counts bytes, not throughput): "
        f"{args.room_phones} phones poll every {POLL_EVERY:g} s (HX-Request, gzip, following "
        f"the version), {args.room_voters} voters vote every {VOTE_EVERY:g} s, {s:g} s",
        f"  bytes per phone per minute: {per_minute:,.0f} (status line + headers + compressed "
        f"body of the polls; the first page load, {r['page']:,.0f} bytes, not counted); "
        f"{r['bytes'] / polls:,.0f} bytes per poll",
        f"  polls/s {r['polls'] / s:,.1f}; 200 (new list) {100 * fresh / polls:.1f}%, "
        f"204 (unchanged) {100 * unchanged / polls:.1f}%, failed {failed}; "
        f"p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms; votes/s {r['votes'] / s:.1f}; "
        f"server cpu {100 * cpu / s:.0f}%, the phones' (httpx) cpu {100 * own / s:.0f}%",
    ]
    if failed:
        out.append(f"  statuses: {r['statuses']}")
    if problems:
        out.append(f"! {len(problems)} error lines in the server log, e.g.")
        out.extend("    " + line for line in problems[:5])
    return out


# --- part: scaling -----------------------------------------------------------------------------


def part_scaling(filled: Filled, args: argparse.Namespace) -> list[str]:
    visitor = returning_visitor()
    page = f"/events/{filled.target}"
    rows: list[list[Any]] = []
    for workers in SCALING_WORKERS:
        # one worker: pinned as in the table; more: both cores, shared with wrk
        wrap = pin if workers == 1 else (lambda command: command)
        cores = 1 if workers == 1 else 2
        with ExitStack() as stack:
            hello = stack.enter_context(
                server(f"hello-{workers}", wrap(hello_command(free_port(), workers)))
            )
            app = stack.enter_context(
                server(f"app-pg-{workers}", wrap(app_command(free_port(), workers)), filled.env,
                       "/healthz")
            )  # fmt: skip
            version = live_version(app.base_url, filled.target, visitor)
            targets = {
                "hello": (hello, "/", []),
                "event page, gzip": (app, page, [GZIP, visitor.header]),
                "live poll (204)": (app, f"{page}/questions/live?v={version}",
                                    [GZIP, HX, visitor.header]),
            }  # fmt: skip
            for srv, path, headers in targets.values():
                wrk(srv.base_url + path, args.connections, 1, headers, cpu=CORES["wrk"])
            settle(hello, app)
            runs: dict[str, list[tuple[WrkResult, float, float]]] = {k: [] for k in targets}
            for _ in range(args.rounds):
                hello_rps = 0.0
                for name, (srv, path, headers) in targets.items():
                    result, busy = measure(srv, srv.base_url + path, args, headers)
                    hello_rps = result.rps if name == "hello" else hello_rps
                    runs[name].append((result, result.rps / hello_rps if hello_rps else 0, busy))
            print(f"scaling {workers} workers done", flush=True)
        for name, measured in runs.items():
            result, ratio, busy = median_by(measured, key=lambda run: run[1] if name != "hello"
                                            else run[0].rps)  # fmt: skip
            rows.append(
                [workers, cores, name, result.rps, f"{ratio:.4f}", result.p50_ms, result.p99_ms,
                 result.non_2xx + result.errors, 100 * busy, result.rps / busy if busy else 0.0]
            )  # fmt: skip
    return [
        f"\nScaling (PostgreSQL, wrk -t1 -c{args.connections} -d{args.seconds:g}s pinned to core "
        f"{CORES['wrk']}; 1 worker pinned to core {CORES['server']}, 2 and 4 workers NOT pinned: "
        f"they share both cores with wrk on this {os.cpu_count()}-core machine; median of "
        f"{args.rounds} rounds)",
        table(SCALE_HEADERS, rows),
        "server cpu% = CPU time of the server's processes / wall time (100 = one core busy); "
        "req/s per core = req/s / (server cpu% / 100).",
    ]


# --- the run -----------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    # a SIGTERM stops the servers and drops the scratch database (the context managers' exits)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    CORES["server"], CORES["wrk"] = args.cores.split(",")
    print(machine_note())
    print(f"Parts: {', '.join(args.parts)}. The machine may be shared with other work.\n")
    started = time.perf_counter()
    out: list[str] = []
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    if {"table", "weight", "room"} & set(args.parts):
        for database in databases:
            with filled_database(database) as filled:
                out += filled.notes
                if "table" in args.parts:
                    out += part_table(filled, database, args)
                if "weight" in args.parts:
                    out += part_weight(filled, database)
                if "room" in args.parts and args.room_seconds > 0:
                    out += part_room(filled, database, args)
    if "scaling" in args.parts:
        with filled_database("postgresql") as filled:
            out += filled.notes
            out += part_scaling(filled, args)
    print("\n".join(out))
    print(f"\n({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
