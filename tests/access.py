"""The declared access table: every route of the app, and who may use it.

A route that the app has and this table does not fails tests/test_access.py, so every new
route must be declared here with its access level:

- "public":    anyone, no sign-in;
- "signed_in": any organizer or admin (session cookie or API token);
- "admin":     network admins only;
- "own":       signed in, and only on things the user owns (others get 404, admins pass);
- "event_org": signed in as the organizing organization of the event (others get 403, admins pass).

Path parameters are filled by tests/test_access.py with an event of the organizer's organization
and a candidate invited to it; BODIES gives a valid body where one is needed to get past
validation to the access check.
"""

from typing import Literal

Access = Literal["public", "signed_in", "admin", "own", "event_org"]

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
    # scheduling API (issue 3)
    ("GET", "/api/v1/municipalities"): "public",
    ("GET", "/api/v1/organizations"): "public",
    ("GET", "/api/v1/elections"): "public",
    ("POST", "/api/v1/elections"): "admin",
    ("GET", "/api/v1/parties"): "public",
    ("POST", "/api/v1/parties"): "admin",
    ("GET", "/api/v1/candidates"): "public",
    ("POST", "/api/v1/candidates"): "signed_in",
    ("GET", "/api/v1/events"): "public",
    ("POST", "/api/v1/events"): "signed_in",
    ("GET", "/api/v1/events/{event_id}"): "public",
    ("PATCH", "/api/v1/events/{event_id}"): "event_org",
    ("PATCH", "/api/v1/events/{event_id}/candidates/{candidate_id}"): "event_org",
}

BODIES: dict[tuple[str, str], dict[str, object]] = {
    ("POST", "/api/v1/elections"): {
        "name": "Zgjedhjet e matricës",
        "kind": "local",
        "election_date": "2040-05-01",
        "municipality_ids": [1],
    },
    ("POST", "/api/v1/parties"): {"name": "Partia e matricës", "abbreviation": "PM"},
    ("PATCH", "/api/v1/events/{event_id}/candidates/{candidate_id}"): {"status": "declined"},
}
