"""Small helpers that page routers share for plain HTML forms."""

from urllib.parse import urlsplit

from fastapi.responses import RedirectResponse


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to; anything pointing off-site becomes `default`."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def see_other(url: str) -> RedirectResponse:
    """The answer to every successful form POST: 303, so a reload does not post again."""
    return RedirectResponse(url, status_code=303)
