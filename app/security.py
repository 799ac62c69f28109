"""Passwords, random tokens, CSRF and the security headers every response carries."""

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from starlette.requests import cookie_parser

SESSION_COOKIE = "pf_session"
CSRF_COOKIE = "pf_csrf"
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()"),
]

# Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): cheap enough that a burst of
# organizers signing in on election night does not starve the workers (bench/README.md).
_password_hash = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19_456, parallelism=1),))
# A hash to verify against when the account does not exist, so timing does not tell.
_DUMMY_HASH = _password_hash.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _password_hash.verify(password, _DUMMY_HASH)
        return False
    return _password_hash.verify(password, password_hash)


def new_token(prefix: str = "") -> str:
    """A random secret of 256 bits, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Tokens are long and random, so a plain SHA-256 is a safe way to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- CSRF: a random cookie, and a form/header token bound to it and to the session ---------


def _csrf_nonce(request: Request) -> str:
    nonce = request.cookies.get(CSRF_COOKIE)
    if nonce and len(nonce) >= 32:
        return nonce
    if getattr(request.state, "new_csrf_nonce", None) is None:
        request.state.new_csrf_nonce = secrets.token_urlsafe(32)
    return str(request.state.new_csrf_nonce)


def _expected_csrf_token(secret: str, nonce: str, session_token: str | None) -> str:
    message = f"{nonce}|{session_token or '-'}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token a page puts in its forms (and htmx sends as a header)."""
    secret = request.app.state.settings.secret_key
    return _expected_csrf_token(secret, _csrf_nonce(request), request.cookies.get(SESSION_COOKIE))


def csrf_token_is_valid(request: Request, given: str | None) -> bool:
    nonce = request.cookies.get(CSRF_COOKIE)
    if not given or not nonce:
        return False
    secret = request.app.state.settings.secret_key
    expected = _expected_csrf_token(secret, nonce, request.cookies.get(SESSION_COOKIE))
    return hmac.compare_digest(expected, given)


def origin_is_foreign(request: Request, own_origin: str) -> bool:
    """True when the browser says the request comes from another site."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in {"same-origin", "none"}:
        return True
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin == "null"
    host = request.headers.get("host", "")
    allowed = {own_origin, f"{request.url.scheme}://{host}"}
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" not in allowed


def is_bearer_request(request: Request) -> bool:
    return request.headers.get("authorization", "").lower().startswith("bearer ")


def may_be_signed_in(request: Request) -> bool:
    """An API token or a session cookie: someone to look up (neither: a visitor)."""
    return is_bearer_request(request) or SESSION_COOKIE in request.cookies


# Deliberately without a CSRF token: a mail client's one-click unsubscribe (RFC 8058) posts from
# no page of ours, with no cookie; the signed token in the path is what authorizes it, and all
# it can do is stop e-mail to the address the token names.
CSRF_EXEMPT_PREFIXES = ("/unsubscribe/",)


def needs_csrf_check(request: Request) -> bool:
    """Anything a cookie authorizes; not a bearer call nor a cookie-less public API call, nor
    the one-click unsubscribe (CSRF_EXEMPT_PREFIXES)."""
    if request.method in SAFE_METHODS or is_bearer_request(request):
        return False
    if request.url.path.startswith(CSRF_EXEMPT_PREFIXES):
        return False
    return not (request.url.path.startswith("/api/") and SESSION_COOKIE not in request.cookies)


# --- headers -------------------------------------------------------------------------------

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def scope_cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies, read once for every middleware that needs one (kept in the
    scope's state); a malformed header is read as well as it can be, as browsers do."""
    state = scope.setdefault("state", {})
    cookies: dict[str, str] | None = state.get("cookies")
    if cookies is None:
        header = b"; ".join(v for name, v in scope.get("headers", []) if name == b"cookie")
        cookies = state["cookies"] = cookie_parser(header.decode("latin-1"))
    return cookies


class SecurityHeadersMiddleware:
    """Adds CSP and friends to every HTTP response (HSTS too when served over https)."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.headers = list(SECURITY_HEADERS)
        if https:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _value in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    header for header in self.headers if header[0] not in present
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
