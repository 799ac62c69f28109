"""The SMTP transport: SMTP_URL read once, one message built and handed to the server."""

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from app.models.base import utcnow

TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class SmtpServer:
    """Where mail goes, as SMTP_URL says."""

    hostname: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool  # smtps://: TLS from the first byte
    start_tls: bool  # ?starttls=true: upgrade after EHLO

    @classmethod
    def from_url(cls, url: str) -> "SmtpServer":
        parts = urlsplit(url)
        query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
        implicit = parts.scheme == "smtps"
        return cls(
            hostname=parts.hostname or "localhost",
            port=parts.port or (465 if implicit else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=implicit,
            start_tls=not implicit and query.get("starttls") in {"1", "true", "yes", "on"},
        )


def build_message(
    *,
    sender: str,
    recipient: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    attachments: list[dict[str, Any]],
    headers: dict[str, str],
) -> EmailMessage:
    """A multipart/alternative message (text, HTML) with its attachments; UTF-8 throughout."""
    message = EmailMessage()
    name, address = parseaddr(sender)
    user, _at, domain = address.partition("@")
    message["From"] = Address(display_name=name, username=user, domain=domain)
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    for attachment in attachments:
        maintype, _slash, subtype = attachment["content_type"].partition("/")
        if maintype == "text":  # text (an .ics) as UTF-8 text
            message.add_attachment(
                attachment["content"],
                subtype=subtype,
                charset="utf-8",
                filename=attachment["filename"],
            )
        else:
            message.add_attachment(
                attachment["content"].encode(),
                maintype=maintype,
                subtype=subtype,
                filename=attachment["filename"],
            )
    for key, value in headers.items():  # last: making the body moves Content-* headers into it
        message[key] = value
    return message


async def send(server: SmtpServer, message: EmailMessage) -> None:
    """Hands one message to the server; raises on any failure (the sender retries)."""
    await aiosmtplib.send(
        message,
        hostname=server.hostname,
        port=server.port,
        username=server.username,
        password=server.password,
        use_tls=server.use_tls,
        start_tls=server.start_tls,
        timeout=TIMEOUT_SECONDS,
    )
