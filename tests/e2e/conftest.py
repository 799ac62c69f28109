"""Browser end-to-end fixtures: the real server in a subprocess, driven by Debian's Chromium.

The server is started the way an operator starts it (`pop-forums migrate`, `seed-demo`,
`serve`) on a fresh SQLite file, once per test session. Chromium is Debian's
/usr/bin/chromium driven by Playwright's sync API; without it the tests are skipped, except
under CI (CI=true), where that is a failure.

Every page a test opens is watched: a console error (Chromium reports CSP violations as
console errors starting with "Refused to"), an uncaught JavaScript error, or a request to
another host fails the test when its context is closed.

The e2e tests are plain sync functions with sync fixtures: Playwright's sync API refuses to
run inside a running event loop, and pytest-asyncio (asyncio_mode=auto) would otherwise run
them in one. Playwright lives in a package-scoped fixture, so it is stopped when the run
leaves tests/e2e: while it is alive it marks its own event loop as the thread's running loop
between calls, which would break the async tests of the other packages.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from app.demo import DEMO_ORGANIZER_EMAIL
from tests.smtp import SmtpServer

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() == "true"
HOST = "127.0.0.1"
STARTUP_TIMEOUT = 20.0

# A cheap phone held upright, an ordinary laptop; both in Albania.
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "sq-AL",
}
LAPTOP: dict[str, Any] = {
    "viewport": {"width": 1280, "height": 800},
    "device_scale_factor": 1,
    "is_mobile": False,
    "has_touch": False,
    "locale": "sq-AL",
}


@dataclass(frozen=True)
class LiveServer:
    """The running server: where it listens, and what the demo data holds."""

    base_url: str
    organizer_name: str
    log: Path

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _pop_forums() -> Path:
    """The `pop-forums` script of the virtualenv running the tests."""
    script = Path(sys.executable).parent / "pop-forums"
    if not script.exists():
        pytest.fail(f"{script} not found: install the project (pip install -e '.[dev]')")
    return script


def _run_cli(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(
        [str(_pop_forums()), *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"pop-forums {' '.join(args)} exited with {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}",
            pytrace=False,
        )


def _organizer_name(database: Path) -> str:
    """The demo organizer's name, as `seed-demo` stored it."""
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT name FROM app_user WHERE email = ?", (DEMO_ORGANIZER_EMAIL,)
        ).fetchone()
    assert row, f"seed-demo did not create {DEMO_ORGANIZER_EMAIL}"
    return str(row[0])


def _wait_until_healthy(process: subprocess.Popen[bytes], server: LiveServer) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last = "no answer yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the server exited with {process.returncode} before it answered:\n"
                f"{server.output()}",
                pytrace=False,
            )
        try:
            response = httpx.get(server.url("/healthz"), timeout=1.0)
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}: {response.text[:200]}"
        except httpx.TransportError as error:
            last = f"{type(error).__name__}: {error}"
        time.sleep(0.1)
    pytest.fail(
        f"GET /healthz did not answer 200 within {STARTUP_TIMEOUT:.0f} s ({last}); "
        f"server output:\n{server.output()}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """/usr/bin/chromium, or a skip (a failure under CI) before anything is started."""
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        message = f"Chromium not found at {CHROMIUM}; install Debian's chromium package"
        if IN_CI:
            pytest.fail(message + " (CI=true: the browser tests must run)", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def mail_server() -> Iterator[SmtpServer]:
    """The SMTP server the live server sends its e-mail to (aiosmtpd, kept in memory)."""
    smtp = SmtpServer()
    smtp.start()
    yield smtp
    smtp.stop()


@contextmanager
def live_server(tmp: Path, mail_server: SmtpServer) -> Iterator[LiveServer]:
    """`pop-forums serve` on a free port, over a freshly migrated and seeded SQLite file in
    `tmp`, sending its e-mail to `mail_server`."""
    database = tmp / "e2e.db"
    port = _free_port()
    base_url = f"http://{HOST}:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "VAR_DIR": str(tmp / "var"),
        "ENVIRONMENT": "development",
        "BASE_URL": base_url,
        # Every test signs in through the real form from 127.0.0.1, and the default limits
        # (10 attempts per account in 15 minutes) would start refusing after ten tests.
        # The limits themselves are tested in tests/test_accounts.py.
        "RATE_LIMIT_LOGIN_IP": "1000/60",
        "RATE_LIMIT_LOGIN_ACCOUNT": "1000/60",
        "PYTHONUNBUFFERED": "1",
        "SMTP_URL": mail_server.url,
        "MAIL_POLL_SECONDS": "0.5",
    }
    _run_cli(["migrate"], env)
    _run_cli(["seed-demo"], env)

    log = tmp / "server.log"
    live = LiveServer(base_url=base_url, organizer_name=_organizer_name(database), log=log)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(_pop_forums()), "serve", "--host", HOST, "--port", str(port)],
            cwd=PROJECT_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(process, live)
        yield live
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def server(
    chromium_path: Path, tmp_path_factory: pytest.TempPathFactory, mail_server: SmtpServer
) -> Iterator[LiveServer]:
    """The server the browser tests share (a test that changes the demo data has its own)."""
    with live_server(tmp_path_factory.mktemp("e2e"), mail_server) as live:
        yield live


@pytest.fixture(scope="package")
def chromium(chromium_path: Path) -> Iterator[Browser]:
    """Debian's Chromium, headless, for the tests of this package."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


FAILED_LOAD = "Failed to load resource: the server responded with a status of {status} ("


@dataclass
class Watch:
    """What the pages of one test did: console errors, uncaught errors, every request."""

    origin: str
    # (the page's URL, the URL the message is about, the message)
    console_errors: list[tuple[str, str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    expected_statuses: set[tuple[str, int]] = field(default_factory=set)

    def attach(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))
        page.on("request", lambda request: self.requests.append(request.url))

    def expect_error_status(self, path: str, status: int) -> None:
        """Declares that PATH answers STATUS on purpose.

        Chromium logs every 4xx/5xx answer, the page's own document included, as a console
        error "Failed to load resource: the server responded with a status of ...". A test
        that provokes such an answer says so here; only that exact message for that exact
        path is then let through.
        """
        self.expected_statuses.add((path, status))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            page = message.page.url if message.page else "?"
            where = message.location.get("url") or page
            self.console_errors.append((page, where, message.text))

    def _path(self, url: str) -> str | None:
        return urlsplit(url).path if url.startswith(self.origin + "/") else None

    def _expected(self, page: str, where: str, text: str) -> bool:
        path = self._path(where)
        return any(
            path == expected_path and text.startswith(FAILED_LOAD.format(status=status))
            for expected_path, status in self.expected_statuses
        )

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.origin + "/")]

    def problems(self) -> list[str]:
        return (
            [
                f"console error (CSP violations read 'Refused to ...') on {page} ({where}): {text}"
                for page, where, text in self.console_errors
                if not self._expected(page, where, text)
            ]
            + [f"uncaught JavaScript error: {error}" for error in self.page_errors]
            + [f"request to another host: {url}" for url in self.foreign_requests()]
        )


NewPage = Callable[..., Page]


@pytest.fixture
def watch(server: LiveServer) -> Watch:
    return Watch(origin=server.base_url)


@pytest.fixture
def new_page(chromium: Browser, server: LiveServer, watch: Watch) -> Iterator[NewPage]:
    """Opens a page in a new browser context (a phone unless told otherwise), watched.

    new_page() is a phone in Albania; new_page(**LAPTOP) a laptop; any other keyword is a
    Playwright context option (locale="en-US", java_script_enabled=False, ...). After the test
    every context is closed and the test fails if any of its pages logged a console error,
    threw an uncaught error, or requested anything from another host.
    """
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Page:
        context = chromium.new_context(**{**PHONE, **options})
        context.set_default_timeout(10_000)
        context.on("page", watch.attach)  # every page of the context, popups included
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    problems = watch.problems()
    assert not problems, "the pages were not clean:\n" + "\n".join(problems)


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """Saves a full-page screenshot as tests/e2e/screenshots/NAME.png (gitignored).

    caret="initial": Playwright's default ("hide") leaves an empty style="" on the focused
    input, which htmx may copy into a swap, and the CSP then refuses it (a console error).
    """
    SCREENSHOTS.mkdir(exist_ok=True)

    def save(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True, caret="initial")
        return path

    return save
