"""Throughput and latency of the home page, /healthz and /login next to a bare ASGI hello-world."""

import argparse

import httpx

from bench.harness import (
    app_command,
    free_port,
    hello_command,
    load,
    machine_note,
    seeded_database,
    server,
    table,
)

PATHS = ("/", "/healthz", "/login")
HEADERS = ["server", "database", "path", "C", "req/s", "x hello"]
HEADERS += ["p50 ms", "p90 ms", "p99 ms", "max ms", "failed", "gen cpu%"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per run")
    parser.add_argument(
        "--concurrency",
        type=int,
        action="append",
        help="concurrent clients (repeat for several levels; default 50)",
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    return parser.parse_args()


def row(server: str, database: str, path: str, c: int, figures: dict, hello_rps: float) -> list:
    ratio = figures["rps"] / hello_rps if hello_rps else float("nan")
    return [server, database, path, c, figures["rps"], ratio] + [
        figures[k] for k in ("p50", "p90", "p99", "max", "failures", "gen_cpu")
    ]


def main() -> None:
    args = parse_args()
    levels = args.concurrency or [50]
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    print(machine_note())
    print(f"{args.seconds:g} s per run after a 2 s warm-up, {args.workers} worker(s).\n")
    rows: list[list] = []
    notes: list[str] = []
    hello: dict[int, float] = {}

    with server("hello", hello_command(free_port(), args.workers)) as srv:
        for c in levels:
            result = load(srv.base_url + "/", c, args.seconds)
            hello[c] = result.rps
            rows.append(row("hello ASGI", "-", "/", c, result.summary(), result.rps))
            print(f"hello C={c}: {result.rps:,.0f} req/s", flush=True)

    for database in databases:
        with (
            seeded_database(database) as env,
            server(
                f"app-{database}",
                app_command(free_port(), args.workers),
                env,
                ready_path="/healthz",
            ) as srv,
        ):
            home = httpx.get(srv.base_url + "/", timeout=10)
            notes.append(f"{database}: GET / is {home.status_code}, {len(home.content):,} bytes")
            for c in levels:
                for path in PATHS:
                    result = load(srv.base_url + path, c, args.seconds)
                    rows.append(row("pop-forums", database, path, c, result.summary(), hello[c]))
                    print(f"{database} {path} C={c}: {result.rps:,.0f} req/s", flush=True)
                    if result.failures:
                        notes.append(f"{database} {path} C={c}: statuses {result.statuses}")
            problems = srv.log_problems()
            if problems:
                notes.append(f"{database}: {len(problems)} error lines in the server log, e.g.")
                notes.extend("    " + line for line in problems[:5])

    print()
    print(table(HEADERS, rows))
    print("\nx hello = page req/s / hello-world req/s at the same concurrency and worker count.")
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
