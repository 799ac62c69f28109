"""Benchmark building blocks: servers as subprocesses, a closed-loop load generator, tables."""

import asyncio
import itertools
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AsyncExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx

try:  # the event loop `serve` runs on, to serve the hello the same way
    from app.cli import EVENT_LOOP
except ImportError:  # an app from before it chose one (uvicorn's "auto": uvloop when installed)
    EVENT_LOOP = "auto"

PROJECT_DIR = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent
POP_FORUMS = str(BIN_DIR / "pop-forums")
SECRET_KEY = "bench-" + "k" * 42  # 48 characters


def machine_note() -> str:
    """Cores and load average: the load generator shares this machine's CPU with the server."""
    load_1m = os.getloadavg()[0]
    return (
        f"Note: {os.cpu_count()} cores, load average {load_1m:.1f} before starting. The load "
        "generator runs on\nthe same machine and competes with the server for CPU (gen cpu% = "
        "its share of one core;\nnear 100 it is the bottleneck): compare ratios, not absolute "
        "figures."
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for the app: this database, rate limits off, a fixed secret."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "RATE_LIMITS": "off",
        "VAR_DIR": str(var_dir),
        **extra,
    }


def pop_forums(*args: str, env: dict[str, str]) -> str:
    """Runs a `pop-forums` command from the project folder and returns its output."""
    done = subprocess.run(
        [POP_FORUMS, *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"pop-forums {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


@contextmanager
def seeded_database(kind: str) -> Iterator[dict[str, str]]:
    """A fresh, migrated database with the demo data; yields the app's environment."""
    with tempfile.TemporaryDirectory(prefix="pop-bench-") as tmp:
        pg_name = f"pop_bench_{os.getpid()}_{os.urandom(3).hex()}"
        if kind == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp}/pop-forums.db"
        else:
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", pg_name], check=True)
            url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{pg_name}"
        env = app_env(url, Path(tmp))
        try:
            pop_forums("migrate", env=env)
            pop_forums("seed-demo", env=env)
            yield env
        finally:
            if kind != "sqlite":
                subprocess.run(
                    ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--force", pg_name],
                    check=False,
                )


def serve_has_no_access_log() -> bool:
    """Whether `pop-forums serve` accepts --no-access-log."""
    done = subprocess.run(
        [POP_FORUMS, "serve", "--help"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    return "--no-access-log" in done.stdout


def app_command(port: int, workers: int) -> list[str]:
    """The app's own `serve`, or uvicorn directly when `serve` cannot switch access logs off."""
    if serve_has_no_access_log():
        return [POP_FORUMS, "serve", "--no-access-log", *_port_workers(port, workers)]
    print("! `pop-forums serve` has no --no-access-log; launching uvicorn directly instead.")
    uvicorn = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    return [*uvicorn, *uvicorn_args(port, workers)]


def hello_command(port: int, workers: int) -> list[str]:
    """The bare ASGI hello-world, served by uvicorn the same way (bench/hello_server.py)."""
    return [sys.executable, "-m", "bench.hello_server", *_port_workers(port, workers)[2:]]


def _port_workers(port: int, workers: int) -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]


def uvicorn_args(port: int, workers: int) -> list[str]:
    loop = ["--loop", EVENT_LOOP]
    return ["--no-access-log", "--no-server-header", *loop, *_port_workers(port, workers)]


@dataclass
class Server:
    """A server subprocess (in its own process group) and where its output goes."""

    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_problems(self) -> list[str]:
        """Lines of the server's output that look like errors."""
        words = ("Traceback", "ERROR", "Exception", "error:")
        return [line for line in self.log().splitlines() if any(w in line for w in words)]


@contextmanager
def server(
    name: str, command: list[str], env: dict[str, str] | None = None, ready_path: str = "/"
) -> Iterator[Server]:
    """Starts `command` (which listens on the port in its --port), waits for it, stops it."""
    port = command[command.index("--port") + 1]
    log_file: IO[bytes] = tempfile.NamedTemporaryFile(  # noqa: SIM115
        prefix=f"bench-{name}-", suffix=".log", delete=False
    )
    process = subprocess.Popen(
        command,
        cwd=PROJECT_DIR,
        env=env or dict(os.environ),
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    srv = Server(name, f"http://127.0.0.1:{port}", process, Path(log_file.name))
    try:
        _wait_ready(srv, ready_path, timeout=60)
        yield srv
    except BaseException:
        print(
            f"--- last lines of the {name} server's output:",
            *srv.log().splitlines()[-30:],
            sep="\n",
        )
        raise
    finally:
        _stop(process)
        log_file.close()
        srv.log_path.unlink(missing_ok=True)


def _wait_ready(srv: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if srv.process.poll() is not None:
            raise RuntimeError(f"{srv.name} exited with {srv.process.returncode}:\n{srv.log()}")
        with suppress(httpx.HTTPError):
            if httpx.get(srv.base_url + path, timeout=2).status_code < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{srv.name} did not answer within {timeout} s:\n{srv.log()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's own process group, SIGKILL if it lingers."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies_ms: list[float]
    failures: int
    statuses: dict[str, int]
    cpu_seconds: float  # the load generator's own CPU time while measuring

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of the latencies, in ms."""
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    def summary(self) -> dict[str, Any]:
        return {
            "rps": self.rps,
            "p50": self.percentile(50),
            "p90": self.percentile(90),
            "p99": self.percentile(99),
            "max": max(self.latencies_ms, default=float("nan")),
            "failures": self.failures,
            "gen_cpu": 100 * self.cpu_seconds / self.seconds if self.seconds else 0.0,
        }


async def _load(
    urls: Sequence[str],
    concurrency: int,
    seconds: float,
    warmup: float,
    json_body: Callable[[int], Any] | None = None,
) -> LoadResult:
    """C closed-loop clients, each with its own httpx.AsyncClient (one keep-alive connection)."""
    # One shared AsyncClient with a pool of C connections costs the generator CPU that grows
    # with C (httpcore scans its pool on every request): ~8 ms a request at C=50, ~1 ms this way.
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    sequence = itertools.count()  # numbers every request body, warm-up included

    async def send(client: httpx.AsyncClient, url: str) -> httpx.Response:
        if json_body is None:
            return await client.get(url)
        return await client.post(url, json=json_body(next(sequence)))

    async def client_loop(
        client: httpx.AsyncClient, worker: int, until: float, record: bool
    ) -> None:
        i = worker
        while time.perf_counter() < until:
            url = urls[i % len(urls)]
            i += 1
            start = time.perf_counter()
            try:
                status = str((await send(client, url)).status_code)
            except httpx.HTTPError as error:
                status = type(error).__name__
            if record:
                latencies.append((time.perf_counter() - start) * 1000)
                statuses[status] = statuses.get(status, 0) + 1

    async def phase(clients: list[httpx.AsyncClient], length: float, record: bool) -> float:
        start = time.perf_counter()
        until = start + length
        await asyncio.gather(*(client_loop(c, w, until, record) for w, c in enumerate(clients)))
        return time.perf_counter() - start

    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(httpx.AsyncClient(limits=limits, timeout=30))
            for _ in range(concurrency)
        ]
        await phase(clients, warmup, record=False)
        cpu = time.process_time()
        elapsed = await phase(clients, seconds, record=True)
        cpu = time.process_time() - cpu
    failures = sum(n for s, n in statuses.items() if not (s.isdigit() and 200 <= int(s) < 400))
    return LoadResult(len(latencies), elapsed, latencies, failures, statuses, cpu)


def load(
    urls: str | Sequence[str],
    concurrency: int,
    seconds: float,
    warmup: float = 2.0,
    *,
    json_body: Callable[[int], Any] | None = None,
) -> LoadResult:
    """C clients each GET the URL(s) in a closed loop for `seconds` after a warm-up.

    With `json_body` they POST instead: `json_body(n)` makes the n-th request's JSON body
    (n counts from 0 over the whole run, warm-up included, so every body can be unique).
    """
    url_list = [urls] if isinstance(urls, str) else list(urls)
    work = _load(url_list, concurrency, seconds, warmup, json_body)
    try:
        import uvloop
    except ImportError:
        return asyncio.run(work)
    return uvloop.run(work)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table: text left-aligned, numbers right-aligned."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return (
                f"{value:.2f}"
                if value < 10
                else f"{value:,.1f}"
                if value < 100
                else f"{value:,.0f}"
            )
        return f"{value:,}" if isinstance(value, int) else str(value)

    text = [[cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in text)) for i, h in enumerate(headers)]
    numeric = [all(isinstance(row[i], int | float) for row in rows) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in text)])


# --- wrk: the load generator that does not saturate before the app ------------------------------

SERVER_CPU, LOAD_CPU = "0", "1"  # the server on one core, wrk on the other


def pinned(command: list[str], cpu: str = SERVER_CPU) -> list[str]:
    """The command run on one core (taskset), so that the server and wrk do not share one."""
    return ["taskset", "-c", cpu, *command]


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int
    transfer_per_request: float  # bytes


def _ms(text: str) -> float:
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    for unit in ("us", "ms", "s"):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * units[unit]
    return float(text)


def _bytes(text: str) -> float:
    units = {"KB": 1024.0, "MB": 1024.0**2, "GB": 1024.0**3, "B": 1.0}
    for unit in ("KB", "MB", "GB", "B"):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * units[unit]
    return float(text)


def wrk(
    url: str,
    connections: int = 50,
    seconds: float = 8,
    headers: Sequence[str] = (),
    timeout: float | None = None,
    cpu: str = LOAD_CPU,
) -> WrkResult:
    """`wrk --latency` on its own core against one URL; the figures it prints.

    `timeout`: wrk's own (2 s unless given); slower answers count as errors, not in p99.
    """
    command = [
        "wrk", "--latency", "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s",
        *(["--timeout", f"{timeout:g}s"] if timeout else []),
        *(arg for header in headers for arg in ("-H", header)), url,
    ]  # fmt: skip
    out = subprocess.run(pinned(command, cpu), capture_output=True, text=True, check=True)
    text = out.stdout
    percentiles = dict(
        line.split()[:2] for line in text.splitlines() if line.strip()[:3] in ("50%", "99%")
    )
    requests = int(text.split(" requests in ")[0].split()[-1])
    transfer = next(line for line in text.splitlines() if "Transfer/sec" in line).split()[-1]
    rps = float(next(line for line in text.splitlines() if "Requests/sec" in line).split()[-1])
    non_2xx = next((int(line.split()[-1]) for line in text.splitlines() if "Non-2xx" in line), 0)
    errors = 0
    for line in text.splitlines():
        if "Socket errors" in line:
            errors = sum(int(part.strip(",")) for part in line.split()[3::2])
    return WrkResult(
        rps=rps,
        p50_ms=_ms(percentiles["50%"]),
        p99_ms=_ms(percentiles["99%"]),
        non_2xx=non_2xx,
        errors=errors,
        transfer_per_request=_bytes(transfer) / rps if rps and requests else 0.0,
    )
