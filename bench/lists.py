"""The public lists under load, with wrk: the home page and the event list (with a filter,
and in Albanian and English).

Each figure is next to a bare ASGI hello served by the same uvicorn in the same run; the server
runs on core 0 and wrk on core 1 (taskset), 50 connections, gzip asked as a phone does.
"""

import argparse

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

PATHS = ("/", "/events", "/events?when=past", "/events?municipality=durres")
HEADERS = ["database", "path", "req/s", "x hello", "p50 ms", "p99 ms", "bytes/req", "non-2xx"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8, help="measured seconds per run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="runs per path; the median counts")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    return parser.parse_args()


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def main() -> None:
    args = parse_args()
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
                for path in PATHS:
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


if __name__ == "__main__":
    main()
