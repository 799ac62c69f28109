"""The `pop-forums` command: serve, migrate, seed demo data, manage accounts and tokens."""

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings, get_settings
from app.db import Database
from app.models import Role

cli = typer.Typer(
    help="pop-forums: public forums with candidates, citizens' questions and social contracts.",
    no_args_is_help=True,
    add_completion=False,
)
T = TypeVar("T")
PROJECT_DIR = Path(__file__).resolve().parent.parent


def _alembic_ini() -> Path:
    for candidate in (PROJECT_DIR / "alembic.ini", Path.cwd() / "alembic.ini"):
        if candidate.exists():
            return candidate
    raise typer.BadParameter("alembic.ini not found; run from the project folder")


def _with_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Runs `work` in one write transaction, committed when it returns."""

    async def run() -> T:
        db = Database(get_settings())
        try:
            async with db.write() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await db.dispose()

    return asyncio.run(run())


WORKER_HEALTHCHECK_SECONDS = 30
# an idle keep-alive connection is closed after this long (uvicorn: 5 s). A phone in the room
# between two actions, or a client whose request crosses the server's close, would otherwise
# find its connection gone ("Server disconnected"): a request sent as the server closes is lost
KEEP_ALIVE_SECONDS = 30
# asyncio's own event loop, not uvloop: uvloop's libuv (since 1.45) accepts one connection per
# turn of the loop, and under load a turn answers every open connection once (50 requests, 25 to
# 100 ms), so 50 connections opened together waited up to 50 turns, ~1 s, for their first answer
# (p99 0.5-1.2 s under wrk). asyncio accepts all that wait at once, for 3-6 % more CPU a request
EVENT_LOOP = "asyncio"


def listening_settings(*, host: str | None, port: int | None) -> Settings:
    """The settings as `serve` on host:port sees them, passed on to its worker processes.

    The options win over HOST and PORT; they are written back to the environment, so that
    every worker derives the same BASE_URL when it is not set.
    """
    if host is not None:
        os.environ["HOST"] = host
    if port is not None:
        os.environ["PORT"] = str(port)
    get_settings.cache_clear()
    return get_settings()


@cli.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default: HOST, or 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on (default: PORT, or 8000).")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (use PostgreSQL for more than one).")
    ] = 1,
    reload: Annotated[
        bool, typer.Option(help="Restart when the code changes (development).")
    ] = False,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
) -> None:
    """Serve the web app with uvicorn."""
    import uvicorn

    from app.accesslog import uvicorn_log_config
    from app.http_protocol import HTTP_PROTOCOL

    settings = listening_settings(host=host, port=port)
    host, port = settings.host, settings.port
    if workers > 1 and settings.is_sqlite:
        typer.secho(
            "Note: several workers on SQLite share one file and queue their writes; "
            "PostgreSQL is the engine for more than one worker.",
            fg=typer.colors.YELLOW,
        )
    mismatch = settings.base_url_mismatch(host=host, port=port)
    if mismatch:
        logging.getLogger("app").warning(
            "%s: QR codes, calendar feeds and shared links will point there "
            "(fine behind a reverse proxy that forwards it; otherwise unset BASE_URL)",
            mismatch,
        )
    typer.secho(f"pop-forums is starting on http://{host}:{port}", fg=typer.colors.GREEN)
    if settings.base_url_derived:
        typer.echo(f"Public address (BASE_URL, derived from HOST and PORT): {settings.base_url}")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        # X-Forwarded-For and -Proto are believed only from the proxies FORWARDED_ALLOW_IPS names
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
        server_header=False,
        # uvicorn kills a worker that has not answered its ping in this many seconds, dropping
        # every connection it holds; a burst on a busy machine stalls a worker for more than
        # uvicorn's 5 s without it being stuck, so a worker is given longer before it is killed
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        loop=EVENT_LOOP,
        http=HTTP_PROTOCOL,  # Nagle off on every connection, several workers too
        # uvicorn's own access log writes whole paths, tokens and all: app/accesslog.py instead
        access_log=False,
        log_config=uvicorn_log_config(access_log=access_log),
    )


@cli.command()
def migrate(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply the database migrations (Alembic) up to REVISION."""
    from alembic import command
    from alembic.config import Config

    command.upgrade(Config(str(_alembic_ini())), revision)
    typer.echo(f"Database is at revision {revision}.")


@cli.command("seed-demo")
def seed_demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the database has data already.")
    ] = False,
) -> None:
    """Load the demo data: the POP network's 12 organizations, elections, events, demo users."""
    from app import demo

    settings = get_settings()
    if settings.environment == "production":
        typer.secho("Refusing to load demo data with ENVIRONMENT=production.", fg="red")
        raise typer.Exit(1)

    async def work(session: AsyncSession) -> demo.DemoSummary | None:
        if if_empty and not await demo.database_is_empty(session=session):
            return None
        return await demo.seed(session=session)

    summary = _with_session(work)
    if summary is None:
        typer.echo("The database has data already; demo data not loaded.")
    else:
        typer.echo(summary.describe())
    typer.echo(demo.credentials_text())


@cli.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="E-mail, used to sign in.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    password: Annotated[
        str,
        typer.Option(
            help="At least 10 characters.", prompt=True, hide_input=True, confirmation_prompt=True
        ),
    ],
    role: Annotated[
        Role, typer.Option(help="admin (everything) or organizer (one organization).")
    ] = Role.organizer,
    organization: Annotated[
        str | None, typer.Option(help="Organization slug (organizers).")
    ] = None,
) -> None:
    """Create an admin or organizer account."""
    from app.services.accounts import AccountError
    from app.services.accounts import create_user as create

    try:
        user = _with_session(
            lambda session: create(
                session=session,
                email=email,
                name=name,
                password=password,
                role=role,
                organization_slug=organization,
            )
        )
    except AccountError as error:
        typer.secho(f"{error.field}: {error.message}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from error
    typer.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@cli.command("create-api-token")
def create_api_token(
    email: Annotated[str, typer.Option(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "CLI",
) -> None:
    """Create a personal API token; it is printed once, only its hash is stored."""
    from app.services import accounts

    async def work(session: AsyncSession) -> accounts.IssuedToken | None:
        user = await accounts.user_by_email(session=session, email=email)
        if user is None:
            return None
        return await accounts.create_api_token(session=session, user=user, name=name)

    issued = _with_session(work)
    if issued is None:
        typer.secho(f"No user with e-mail {email}.", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    typer.echo(f"Token {issued.token.id} ({issued.token.name}) for {email}. Copy it now:")
    typer.echo(issued.secret)


@cli.command("revoke-api-token")
def revoke_api_token(
    token_id: Annotated[int, typer.Argument(help="The token's id (printed when created).")],
) -> None:
    """Revoke an API token by its id."""
    from app.services import accounts

    async def work(session: AsyncSession) -> bool:
        revoked = await accounts.revoke_api_token(session=session, user=None, token_id=token_id)
        return revoked is not None

    if not _with_session(work):
        typer.secho(f"No token {token_id}.", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    typer.echo(f"Token {token_id} revoked.")


@cli.command("purge-personal-data")
def purge_personal_data(
    older_than: Annotated[
        int,
        typer.Option(
            "--older-than",
            min=0,
            metavar="DAYS",
            help="Only events that ended more than DAYS days ago.",
        ),
    ],
) -> None:
    """Blank the names and contacts of past events' registrations, keeping the counts.

    Statuses, check-ins, gender and age group stay, so attendance figures still add up.
    """
    from app.services import registrants

    blanked = _with_session(
        lambda session: registrants.purge_personal_data(session=session, older_than_days=older_than)
    )
    typer.echo(
        f"Blanked the names and contacts of {blanked} registrations "
        f"of events that ended more than {older_than} days ago."
    )


@cli.command("send-mail")
def send_mail(
    batch: Annotated[
        int, typer.Option(min=1, max=500, help="Claim at most this many messages.")
    ] = 50,
) -> None:
    """Send the e-mails waiting in the outbox, once (for a cron; `serve` also sends them).

    Enqueues the 24-hour reminders now due, then claims due messages (new ones, retries whose
    time has come, and those a stopped sender left behind) and hands them to SMTP_URL. Safe to
    run beside `serve` and other senders: each message is claimed by one sender. Without
    SMTP_URL nothing is sent and the messages are kept (see /manage/outbox).
    """
    from app.services.mail_sender import send_pass

    settings = get_settings()

    async def run() -> str:
        db = Database(settings)
        try:
            return (await send_pass(db, batch=batch)).describe()
        finally:
            await db.dispose()

    summary = asyncio.run(run())
    if not settings.smtp_url:
        typer.secho(
            "SMTP_URL is not set: nothing was sent; the messages are kept in the outbox.",
            fg=typer.colors.YELLOW,
        )
    typer.echo(summary)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
