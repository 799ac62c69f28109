"""The declared access table: every route of the app, and who may use it.

A route that the app has and this table does not fails tests/test_access.py, so every new
route must be declared here with its access level:

- "public":    anyone, no sign-in;
- "signed_in": any organizer or admin (session cookie or API token);
- "admin":     network admins only;
- "own":       signed in, and only on things the user owns (others get 404, admins pass).
"""

from typing import Literal

Access = Literal["public", "signed_in", "admin", "own"]

ROUTES: dict[tuple[str, str], Access] = {
    ("GET", "/"): "public",
    ("POST", "/lang"): "public",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("POST", "/logout"): "public",
    ("GET", "/healthz"): "public",
    ("GET", "/manage"): "signed_in",
    ("GET", "/manage/tokens"): "signed_in",
    ("POST", "/manage/tokens"): "signed_in",
    ("POST", "/manage/tokens/{token_id}/revoke"): "own",
    ("GET", "/api/v1/me"): "signed_in",
    ("GET", "/docs"): "public",
    ("GET", "/openapi.json"): "public",
}
