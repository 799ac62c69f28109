"""Settings read from the environment (and `.env`), with safe local defaults."""

import ipaddress
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, PrivateAttr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCALES = ("sq", "en")
MIN_SECRET_LENGTH = 32


def parse_rate(value: str) -> tuple[int, int]:
    """Reads a limit written "COUNT/SECONDS" ("10/300": ten per five minutes)."""
    count, _, seconds = str(value).partition("/")
    if not (count.strip().isdigit() and seconds.strip().isdigit() and int(seconds) > 0):
        raise ValueError("a rate limit is written COUNT/SECONDS, e.g. 10/300")
    return int(count), int(seconds)


class Settings(BaseSettings):
    """Everything that differs between a laptop, CI and production."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    var_dir: Path = Path("var")
    database_url: str = ""
    secret_key: str = ""
    # where `serve` listens (`make run` passes HOST and PORT); BASE_URL, when not set, is
    # derived from them, so that the QR codes, .ics feeds and links point where the app is
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    base_url: str = ""
    _base_url_derived: bool = PrivateAttr(default=False)
    timezone: str = "Europe/Tirane"
    default_locale: Literal["sq", "en"] = "sq"
    session_days: int = Field(default=14, ge=1)
    # the proxies whose X-Forwarded-For (and -Proto) is believed: addresses or networks, comma
    # separated, "*" for any; empty: none, each client is the address that connected
    forwarded_allow_ips: str = ""
    # request bodies above this are refused with 413 before they are read
    max_body_bytes: int = Field(default=1_048_576, ge=1)
    # uploaded files (signed contract pages), outside the web root; unset: VAR_DIR/uploads
    # (var/uploads); see `uploads`
    upload_dir: Path | None = None
    rate_limits: bool = True
    # sign-in: failed attempts (a success gives its attempt back) per IP, per account from one
    # IP, and per account from everywhere: a ceiling that takes ten or more IPs to reach, so
    # that one attacker cannot lock the owner out, while guessing stays at 100 in 15 minutes
    rate_limit_login_ip: str = "30/900"
    rate_limit_login_account_ip: str = "10/900"
    rate_limit_login_account: str = "100/900"
    rate_limit_registration_ip: str = "60/600"
    # many citizens share one IP (venue Wi-Fi, carrier NAT): per-IP limits let 300 take part
    rate_limit_question_ip: str = "600/600"
    rate_limit_question_browser: str = "6/300"
    rate_limit_vote_ip: str = "6000/600"
    rate_limit_vote_browser: str = "300/600"
    # "send me my ticket link": per IP, and per address asked for (each sends an e-mail)
    rate_limit_ticket_mail_ip: str = "20/3600"
    rate_limit_ticket_mail_address: str = "3/3600"
    # per worker process: 4 workers × (5 + 5) stay well under PostgreSQL's 100 connections;
    # more would only queue on the same row locks
    db_pool_size: int = Field(default=5, ge=1)
    db_max_overflow: int = Field(default=5, ge=0)
    db_pool_timeout: float = Field(default=10.0, gt=0)
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    # e-mail: smtp://host:port, smtp://user:password@host:587?starttls=true, smtps://host:465
    # (implicit TLS). Empty: messages are made and kept in the outbox (/manage/outbox), not sent
    smtp_url: str = ""
    mail_from: str = "pop-forums <no-reply@pop-forums.invalid>"
    mail_max_attempts: int = Field(default=8, ge=1)
    # how often each worker's sender looks for due messages (seconds); 0: no sender in `serve`
    mail_poll_seconds: float = Field(default=10.0, ge=0)

    @property
    def uploads(self) -> Path:
        """Where uploaded files are kept: UPLOAD_DIR, or VAR_DIR/uploads."""
        return self.upload_dir or self.var_dir / "uploads"

    @field_validator("rate_limits", mode="before")
    @classmethod
    def _on_off(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() in {"on", "off"}:
            return value.strip().lower() == "on"
        return value

    @field_validator(
        "rate_limit_login_ip",
        "rate_limit_login_account_ip",
        "rate_limit_login_account",
        "rate_limit_registration_ip",
        "rate_limit_question_ip",
        "rate_limit_question_browser",
        "rate_limit_vote_ip",
        "rate_limit_vote_browser",
        "rate_limit_ticket_mail_ip",
        "rate_limit_ticket_mail_address",
        mode="before",
    )
    @classmethod
    def _rate(cls, value: object) -> str:
        count, seconds = parse_rate(str(value))
        return f"{count}/{seconds}"

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: str) -> str:
        value = value.strip()
        if value:
            parts = urlsplit(value)
            if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
                raise ValueError("SMTP_URL is smtp://host:port or smtps://host:port")
            try:
                parts.port  # noqa: B018 (raises on a port that is not a number)
            except ValueError as error:
                raise ValueError("SMTP_URL: the port is not a number") from error
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxies(cls, value: str) -> str:
        items = [item.strip() for item in value.split(",") if item.strip()]
        for item in items:
            if item != "*":
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError as error:
                    raise ValueError(
                        f"FORWARDED_ALLOW_IPS: {item!r} is not an address, a network or *"
                    ) from error
        return ",".join(items)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value:
            return ""
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("BASE_URL must be an absolute http(s) URL")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _fill_defaults(self) -> "Settings":
        if not self.base_url:
            self.base_url = derived_base_url(host=self.host, port=self.port)
            self._base_url_derived = True
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.var_dir / 'pop-forums.db'}"
        if self.environment == "production":
            if len(self.secret_key) < MIN_SECRET_LENGTH:
                raise ValueError(
                    "SECRET_KEY must be set to a random value of at least "
                    f"{MIN_SECRET_LENGTH} characters when ENVIRONMENT=production"
                )
        elif not self.secret_key:
            self.secret_key = _local_secret(self.var_dir)
        return self

    @property
    def base_url_derived(self) -> bool:
        """True when BASE_URL was not set and comes from HOST and PORT."""
        return self._base_url_derived

    def base_url_mismatch(self, *, host: str, port: int) -> str | None:
        """Why a set BASE_URL may not reach a server on host:port (None when it does)."""
        if self.base_url_derived:
            return None
        parts = urlsplit(self.base_url)
        url_port = parts.port or (443 if parts.scheme == "https" else 80)
        if url_port != port:
            return f"BASE_URL {self.base_url} names port {url_port}, the server listens on {port}"
        if host not in WILDCARD_HOSTS and (parts.hostname or "") != host:
            return (
                f"BASE_URL {self.base_url} names host {parts.hostname}, "
                f"the server listens on {host}"
            )
        return None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


# listening on every address: the derived BASE_URL names this machine's loopback instead
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 (names, not a bind)


def derived_base_url(*, host: str, port: int) -> str:
    """The public address of a server listening on host:port, for when BASE_URL is not set."""
    name = "127.0.0.1" if host in WILDCARD_HOSTS else host
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"
    return f"http://{name}:{port}"


def _local_secret(var_dir: Path) -> str:
    """Reads the development secret from var/, creating it on first use."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
