"""Registrations per second: C clients POST /api/v1/events/{id}/registrations in a closed loop,
on SQLite (1 worker) and PostgreSQL (4 workers), next to a bare ASGI hello-world for scale.

Every registration of one event queues on that event's row lock (on SQLite on the one writer
lock), so this measures the app's slowest path under contention: the lock, the count of places,
the insert and the commit. The event has room for 1,000,000, so every answer is a real insert
of a confirmed registration; each run gets a fresh event, and the database is checked afterwards.
"""

import argparse
import asyncio
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from app.config import Settings
from app.db import Database
from app.models import Event, EventKind, EventStatus, Organization, Registration
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

CAPACITY = 1_000_000
HEADERS = ["server", "database", "workers", "C", "reg/s", "x hello"]
HEADERS += ["p50 ms", "p90 ms", "p99 ms", "max ms", "failed", "gen cpu%"]
DEFAULT_WORKERS = {"sqlite": 1, "postgresql": 4}
# the last line of a traceback: "asyncpg.exceptions.TooManyConnectionsError: sorry, ..."
ERROR_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Timeout)\w*: ")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per run")
    parser.add_argument(
        "--concurrency",
        type=int,
        action="append",
        help="concurrent clients (repeat for several levels; default 50 and 200)",
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--workers",
        type=int,
        help="server worker processes (default 1 on SQLite, 4 on PostgreSQL)",
    )
    return parser.parse_args()


async def _make_event(database_url: str, title: str) -> int:
    """A scheduled event of the first seeded organization, with room for everyone."""
    db = Database(Settings(database_url=database_url, secret_key=SECRET_KEY))
    try:
        async with db.write() as s:
            org = await s.scalar(select(Organization).order_by(Organization.id).limit(1))  # type: ignore[arg-type]
            assert org is not None, "the demo data has no organization"
            starts = datetime.now(UTC) + timedelta(days=30)
            event = Event(
                kind=EventKind.forum,
                title=title,
                municipality_id=org.municipality_id,
                organization_id=org.id or 0,
                venue="Salla e Madhe",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                status=EventStatus.scheduled,
                capacity=CAPACITY,
            )
            s.add(event)
            await s.commit()
            return event.id or 0
    finally:
        await db.dispose()


async def _stored(database_url: str, event_id: int) -> Counter[str]:
    """The event's registrations by status, as the database has them."""
    db = Database(Settings(database_url=database_url, secret_key=SECRET_KEY))
    try:
        async with db.read() as s:
            rows = await s.execute(
                select(Registration.status, func.count())  # type: ignore[call-overload]
                .where(Registration.event_id == event_id)
                .group_by(Registration.status)
            )
            return Counter({status.value: n for status, n in rows.all()})
    finally:
        await db.dispose()


class Bodies:
    """Registration bodies with unique names; counts how many were sent (warm-up included)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.sent = 0

    def __call__(self, n: int) -> dict[str, Any]:
        self.sent += 1
        return {
            "name": f"{self.prefix} {n}",
            "phone": f"+355 69 {n % 10_000_000:07d}",
            "email": f"bench{n}@example.org",
            "gender": ("female", "male", "other")[n % 3],
            "age_group": ("18_29", "30_44", "45_64", "65_plus")[n % 4],
            "consent": True,
        }


def row(
    name: str, database: str, workers: int, c: int, figures: dict, hello_rps: float
) -> list[Any]:
    ratio = figures["rps"] / hello_rps if hello_rps else float("nan")
    return [name, database, workers, c, figures["rps"], ratio] + [
        figures[k] for k in ("p50", "p90", "p99", "max", "failures", "gen_cpu")
    ]


def main() -> None:
    args = parse_args()
    levels = args.concurrency or [50, 200]
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    workers = {db: args.workers or DEFAULT_WORKERS[db] for db in databases}
    print(machine_note())
    print(f"{args.seconds:g} s per run after a 2 s warm-up; workers: {workers}.\n")
    rows: list[list[Any]] = []
    notes: list[str] = []
    hello: dict[tuple[int, int], float] = {}

    for n_workers in sorted(set(workers.values())):
        with server("hello", hello_command(free_port(), n_workers)) as srv:
            for c in levels:
                result = load(srv.base_url + "/", c, args.seconds)
                hello[n_workers, c] = result.rps
                rows.append(row("hello ASGI", "-", n_workers, c, result.summary(), result.rps))
                print(f"hello {n_workers} worker(s) C={c}: {result.rps:,.0f} req/s", flush=True)

    for database in databases:
        n_workers = workers[database]
        with (
            seeded_database(database) as env,
            server(
                f"app-{database}",
                app_command(free_port(), n_workers),
                env,
                ready_path="/healthz",
            ) as srv,
        ):
            url = env["DATABASE_URL"]
            for c in levels:
                event_id = asyncio.run(_make_event(url, f"Forum i madh (C={c})"))
                bodies = Bodies(f"Qytetar {database} C{c}")
                target = f"{srv.base_url}/api/v1/events/{event_id}/registrations"
                result = load(target, c, args.seconds, json_body=bodies)
                figures = result.summary()
                # registrations made, not requests answered: a 500 is no registration
                figures["rps"] = result.statuses.get("201", 0) / result.seconds
                rows.append(row("pop-forums", database, n_workers, c, figures, hello[n_workers, c]))
                print(f"{database} C={c}: {result.rps:,.0f} registrations/s", flush=True)
                stored = asyncio.run(_stored(url, event_id))
                total = sum(stored.values())
                notes.append(
                    f"{database} C={c}: {bodies.sent:,} requests sent (warm-up included), "
                    f"{total:,} registrations stored ({dict(stored)})"
                )
                if result.failures:
                    notes.append(f"{database} C={c}: statuses {result.statuses}")
                if result.failures == 0 and (total != bodies.sent or set(stored) != {"confirmed"}):
                    notes.append(f"! {database} C={c}: the database does not match the answers")
            problems = srv.log_problems()
            if problems:
                notes.append(f"{database}: {len(problems)} error lines in the server log; errors:")
                errors = Counter(line for line in srv.log().splitlines() if ERROR_LINE.match(line))
                notes.extend(f"    {n:,} x {line}" for line, n in errors.most_common(5))

    print()
    print(table(HEADERS, rows))
    print(
        "\nreg/s = registrations made (201 answers) per second; for hello, requests answered "
        "per second.\nfailed = answers that were not 2xx/3xx, or errors (latencies include "
        "them). x hello = reg/s\n/ hello-world req/s at the same concurrency and worker count."
    )
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
