"""`pop-forums serve` in a subprocess on a free loopback port, on a fresh SQLite file."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from alembic import command

from tests.conftest import alembic_config

POP_FORUMS = Path(sys.executable).with_name("pop-forums")


@dataclass
class LiveServer:
    base_url: str
    port: int
    pid: int
    database_url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(
    directory: Path, *options: str, env: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    """Migrates a database in `directory`, serves it, and stops the server afterwards."""
    directory.mkdir(parents=True, exist_ok=True)
    url = f"sqlite+aiosqlite:///{directory / 'pop-forums.db'}"
    command.upgrade(alembic_config(url), "head")
    port = free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"FORWARDED_ALLOW_IPS", "MAX_BODY_BYTES"}
    }
    environment.update(
        {"DATABASE_URL": url, "SECRET_KEY": "s" * 48, "VAR_DIR": str(directory), **(env or {})}
    )
    log_path = directory / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(POP_FORUMS), "serve", "--port", str(port), *options],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", port, process.pid, url, log_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(server.base_url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the server did not start:\n" + server.log())
            time.sleep(0.2)
        yield server
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
