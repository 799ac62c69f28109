"""Pages under load, with wrk, each next to a bare ASGI hello served by the same uvicorn on the
same core in the same run (server on core 0, wrk on core 1, gzip asked as a phone does): what
accountability.py and lists.py share."""

import argparse
from collections.abc import Callable, Sequence

from bench.harness import (
    app_command,
    free_port,
    hello_command,
    machine_note,
    pinned,
    seeded_database,
    server,
    table,
    wrk,
)

HEADERS = ["database", "path", "req/s", "x hello", "p50 ms", "p99 ms", "bytes/req", "non-2xx"]
# the demo's ids a path may need, as {name} in it, found once the server is up
Placeholders = Callable[[str], dict[str, object]]


def parse_args(description: str | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seconds", type=float, default=8, help="measured seconds per run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="runs per path; the median counts")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    return parser.parse_args()


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def measure(
    description: str | None, paths: Sequence[str], placeholders: Placeholders | None = None
) -> None:
    """Every path (a template of `placeholders(base_url)`), the median of --rounds wrk runs."""
    args = parse_args(description)
    print(machine_note())
    gzip = ["Accept-Encoding: gzip"]
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    rows = []
    problems: list[str] = []
    for database in databases:
        with seeded_database(database) as env:
            with server("hello", pinned(hello_command(free_port(), 1)), env) as hello:
                hello_rps = median(
                    [wrk(hello.base_url + "/", args.connections, args.seconds).rps
                     for _ in range(args.rounds)]
                )  # fmt: skip
            print(f"hello: {hello_rps:,.0f} req/s", flush=True)
            command = pinned(app_command(free_port(), 1))
            with server(f"app-{database}", command, env, ready_path="/healthz") as app:
                names = placeholders(app.base_url) if placeholders else {}
                for template in paths:
                    path = template.format(**names)
                    runs = [
                        wrk(app.base_url + path, args.connections, args.seconds, gzip)
                        for _ in range(args.rounds)
                    ]
                    best = sorted(runs, key=lambda r: r.rps)[len(runs) // 2]
                    rows.append(
                        [database, path, best.rps, f"{best.rps / hello_rps:.4f}", best.p50_ms,
                         best.p99_ms, round(best.transfer_per_request), best.non_2xx]
                    )  # fmt: skip
                    print(f"{database} {path}: {best.rps:,.0f} req/s", flush=True)
                problems += app.log_problems()
    print()
    print(table(HEADERS, rows))
    print("\nx hello = page req/s / hello req/s, same uvicorn, same core, same run (median run).")
    if problems:
        print(f"{len(problems)} error lines in the server log, e.g.", *problems[:5], sep="\n  ")
