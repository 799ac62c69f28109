"""The declared access table: every route of the app, and who may use it.

A route that the app has and this table does not fails tests/test_access.py, so every new
route must be declared here with its access level:

- "public":    anyone, no sign-in;
- "signed_in": any organizer or admin (session cookie or API token);
- "admin":     network admins only;
- "own":       signed in, and only on things the user owns (others get 404, admins pass);
- "scoped": signed in as the organizing organization of the event (others get 403, admins pass).
- "session":   like "signed_in", but a signed-in browser only: an API token gets 403;
- "own_session": like "own", but a signed-in browser only: an API token gets 403.
- "token":     whoever holds a live private link, signed in or not: the path's {token} is filled
               with a real one (a wrong token gets 404, tests/test_access.py checks it).

Path parameters are filled by tests/test_access.py with an event of the organizer's organization
and a candidate invited to it; BODIES gives a valid body where one is needed to get past
validation to the access check.
"""

from typing import Literal

Access = Literal["public", "signed_in", "admin", "own", "scoped", "session", "own_session", "token"]

ROUTES: dict[tuple[str, str], Access] = {
    ("GET", "/"): "public",
    ("POST", "/lang"): "public",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("POST", "/logout"): "public",
    ("GET", "/healthz"): "public",
    ("GET", "/manage"): "signed_in",
    # a token does not mint or revoke tokens (issue 10, item 4)
    ("GET", "/manage/tokens"): "session",
    ("POST", "/manage/tokens"): "session",
    ("POST", "/manage/tokens/{token_id}/revoke"): "own_session",
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
    ("PATCH", "/api/v1/events/{event_id}"): "scoped",
    ("PATCH", "/api/v1/events/{event_id}/candidates/{candidate_id}"): "scoped",
    # organizer event pages (issue 3)
    ("GET", "/manage/events"): "signed_in",
    ("GET", "/manage/events/new"): "signed_in",
    ("GET", "/manage/events/candidate-options"): "signed_in",
    ("POST", "/manage/events"): "signed_in",
    ("GET", "/manage/events/{event_id}"): "signed_in",
    ("GET", "/manage/events/{event_id}/edit"): "scoped",
    ("POST", "/manage/events/{event_id}"): "scoped",
    ("POST", "/manage/events/{event_id}/status"): "scoped",
    ("POST", "/manage/events/{event_id}/candidates/{candidate_id}"): "scoped",
    # public event pages and calendar feeds (issue 3)
    ("GET", "/events"): "public",
    ("GET", "/events.ics"): "public",
    ("GET", "/events/{event_id}"): "public",
    ("GET", "/events/{event_id}.ics"): "public",
    ("GET", "/municipalities"): "public",
    ("POST", "/events/{event_id}/forget-tickets"): "public",
    ("GET", "/municipalities/{slug}"): "public",
    ("GET", "/municipalities/{slug}/events.ics"): "public",
    # citizens' registration, tickets and the privacy notice (issue 4)
    ("GET", "/events/{event_id}/register"): "public",
    ("POST", "/events/{event_id}/register"): "public",
    ("GET", "/r/{token}"): "public",
    ("GET", "/r/{token}/cancel"): "public",
    ("POST", "/r/{token}/cancel"): "public",
    ("GET", "/privacy"): "public",
    # organizer catalog pages (issue 3)
    ("GET", "/manage/elections"): "signed_in",
    ("GET", "/manage/elections/new"): "admin",
    ("POST", "/manage/elections"): "admin",
    ("GET", "/manage/elections/{election_id}/edit"): "admin",
    ("POST", "/manage/elections/{election_id}"): "admin",
    ("GET", "/manage/parties"): "signed_in",
    ("GET", "/manage/parties/new"): "admin",
    ("POST", "/manage/parties"): "admin",
    ("GET", "/manage/parties/{party_id}/edit"): "admin",
    ("POST", "/manage/parties/{party_id}"): "admin",
    ("GET", "/manage/candidates"): "signed_in",
    ("GET", "/manage/candidates/new"): "signed_in",
    ("POST", "/manage/candidates"): "signed_in",
    ("GET", "/manage/candidates/{candidate_id}/edit"): "signed_in",
    ("POST", "/manage/candidates/{candidate_id}"): "scoped",
    # attendance, organizer side (issue 4)
    ("GET", "/manage/events/{event_id}/registrations"): "scoped",
    ("GET", "/manage/events/{event_id}/registrations.csv"): "scoped",
    ("GET", "/manage/events/{event_id}/checkin"): "scoped",
    ("POST", "/manage/events/{event_id}/checkin"): "scoped",
    ("POST", "/manage/events/{event_id}/walk-in"): "scoped",
    ("GET", "/manage/events/{event_id}/counts"): "scoped",
    # question moderation and the screen (issue 5)
    ("GET", "/manage/events/{event_id}/questions"): "scoped",
    ("GET", "/manage/events/{event_id}/questions/live"): "scoped",
    ("POST", "/manage/events/{event_id}/questions/open"): "scoped",
    ("POST", "/manage/events/{event_id}/questions/close"): "scoped",
    # issue 14 (fixes): the projector can be cleared
    ("POST", "/manage/events/{event_id}/screen/clear"): "scoped",
    ("GET", "/manage/questions/{question_id}/merge"): "scoped",
    ("POST", "/manage/questions/{question_id}/approve"): "scoped",
    ("POST", "/manage/questions/{question_id}/reject"): "scoped",
    ("POST", "/manage/questions/{question_id}/edit"): "scoped",
    ("POST", "/manage/questions/{question_id}/merge"): "scoped",
    ("POST", "/manage/questions/{question_id}/answer"): "scoped",
    ("POST", "/manage/questions/{question_id}/screen"): "scoped",
    ("GET", "/events/{event_id}/screen"): "public",
    ("GET", "/events/{event_id}/screen/live"): "public",
    # citizens' questions: asking, voting, the live list, the private link (issue 5)
    ("GET", "/events/{event_id}/questions"): "public",
    ("POST", "/events/{event_id}/questions"): "public",
    ("GET", "/events/{event_id}/questions/live"): "public",
    ("POST", "/questions/{question_id}/vote"): "public",
    ("POST", "/questions/{question_id}/unvote"): "public",
    ("GET", "/q/{question_token}"): "public",
    # attendance and questions JSON API (issues 4 and 5)
    ("POST", "/api/v1/events/{event_id}/registrations"): "public",
    ("GET", "/api/v1/events/{event_id}/registrations"): "scoped",
    ("POST", "/api/v1/events/{event_id}/checkins"): "scoped",
    ("DELETE", "/api/v1/registrations/{token}"): "public",
    ("POST", "/api/v1/events/{event_id}/questions"): "public",
    ("GET", "/api/v1/events/{event_id}/questions"): "public",
    ("PATCH", "/api/v1/questions/{question_id}"): "scoped",
    ("POST", "/api/v1/questions/{question_id}/merge"): "scoped",
    ("POST", "/api/v1/questions/{question_id}/votes"): "public",
    ("DELETE", "/api/v1/questions/{question_id}/votes"): "public",
    # candidate portal (issue 11)
    ("POST", "/api/v1/candidates/{candidate_id}/portal-link"): "scoped",
    ("DELETE", "/api/v1/candidates/{candidate_id}/portal-link"): "scoped",
    ("GET", "/api/v1/candidate-portal/{token}"): "token",
    ("POST", "/api/v1/candidate-portal/{token}/commitments/{commitment_id}/confirm"): "token",
    ("POST", "/api/v1/candidate-portal/{token}/commitments/{commitment_id}/dispute"): "token",
    ("GET", "/c/{token}"): "token",
    ("GET", "/c/{token}/commitments/{commitment_id}/confirm"): "token",
    ("POST", "/c/{token}/commitments/{commitment_id}/confirm"): "token",
    ("GET", "/c/{token}/commitments/{commitment_id}/dispute"): "token",
    ("POST", "/c/{token}/commitments/{commitment_id}/dispute"): "token",
    ("GET", "/manage/candidates/{candidate_id}/portal"): "scoped",
    ("POST", "/manage/candidates/{candidate_id}/portal"): "scoped",
    ("POST", "/manage/candidates/{candidate_id}/portal/revoke"): "scoped",
    ("GET", "/manage/commitments/{commitment_id}/dispute"): "scoped",
    ("POST", "/manage/commitments/{commitment_id}/accept"): "scoped",
    ("POST", "/manage/commitments/{commitment_id}/keep"): "scoped",
    # e-mail (issue 14): the lost ticket, unsubscribing (its own signed token), the outbox, the
    # candidate's answer to an invitation
    ("GET", "/events/{event_id}/ticket-link"): "public",
    ("POST", "/events/{event_id}/ticket-link"): "public",
    ("GET", "/unsubscribe/{unsubscribe_token}"): "public",
    ("POST", "/unsubscribe/{unsubscribe_token}"): "public",
    ("GET", "/manage/outbox"): "admin",
    ("POST", "/manage/outbox/{message_id}/retry"): "admin",
    ("GET", "/c/{token}/events/{event_id}/{answer}"): "token",
    ("POST", "/c/{token}/events/{event_id}/{answer}"): "token",
    # commitments (issue 11)
    ("POST", "/api/v1/commitments"): "scoped",
    ("GET", "/api/v1/events/{event_id}/commitments"): "public",
    ("GET", "/api/v1/candidates/{candidate_id}/commitments"): "public",
    ("GET", "/api/v1/candidates/{candidate_id}"): "public",
    ("PATCH", "/api/v1/candidates/{candidate_id}"): "scoped",
    ("PATCH", "/api/v1/commitments/{commitment_id}"): "scoped",
    ("DELETE", "/api/v1/commitments/{commitment_id}"): "scoped",
    ("POST", "/manage/events/{event_id}/commitments"): "scoped",
    ("GET", "/manage/commitments/{commitment_id}/edit"): "scoped",
    ("POST", "/manage/commitments/{commitment_id}"): "scoped",
    ("POST", "/manage/commitments/{commitment_id}/delete"): "scoped",
    ("GET", "/candidates"): "public",
    ("GET", "/candidates/{candidate_id}"): "public",
    ("GET", "/candidates/{candidate_id}/commitments.csv"): "public",
    ("GET", "/elections/{election_id}/commitments.csv"): "public",
    # social contracts, public side (issue 12): the matrix's contract is in force; a draft
    # answers 404 to all but its writers (tests/test_contract_pages.py)
    ("GET", "/contracts"): "public",
    ("GET", "/contracts/{contract_id}"): "public",
    ("GET", "/contracts/{contract_id}/versions/{number}"): "public",
    ("GET", "/contracts/{contract_id}/print"): "public",
    # social contracts, the writing side (issue 12): the matrix's contract is open for
    # signature, its version 1 signed (frozen: its priority answers 409 to a change)
    ("GET", "/api/v1/social-contracts"): "public",
    # an organization of the contract's municipality (the matrix's other organizer is not)
    ("POST", "/api/v1/social-contracts"): "scoped",
    ("GET", "/api/v1/social-contracts/{contract_id}"): "public",
    ("PATCH", "/api/v1/social-contracts/{contract_id}"): "scoped",
    ("POST", "/api/v1/social-contracts/{contract_id}/priorities"): "scoped",
    ("PATCH", "/api/v1/contract-priorities/{priority_id}"): "scoped",
    ("DELETE", "/api/v1/contract-priorities/{priority_id}"): "scoped",
    ("POST", "/api/v1/social-contracts/{contract_id}/open"): "scoped",
    ("POST", "/api/v1/social-contracts/{contract_id}/versions"): "scoped",
    ("POST", "/api/v1/social-contracts/{contract_id}/signatures"): "scoped",
    ("POST", "/api/v1/contract-signatures/{signature_id}/document"): "scoped",
    ("GET", "/api/v1/contract-signatures/{signature_id}/document"): "public",
    ("GET", "/manage/contracts"): "signed_in",
    ("GET", "/manage/contracts/new"): "signed_in",
    ("POST", "/manage/contracts"): "signed_in",
    ("GET", "/manage/contracts/{contract_id}"): "scoped",
    ("POST", "/manage/contracts/{contract_id}"): "scoped",
    ("POST", "/manage/contracts/{contract_id}/priorities"): "scoped",
    ("POST", "/manage/contracts/{contract_id}/open"): "scoped",
    ("POST", "/manage/contracts/{contract_id}/versions"): "scoped",
    ("POST", "/manage/contracts/{contract_id}/adoption"): "scoped",
    ("GET", "/manage/priorities/{priority_id}/edit"): "scoped",
    ("POST", "/manage/priorities/{priority_id}"): "scoped",
    ("POST", "/manage/priorities/{priority_id}/move"): "scoped",
    ("POST", "/manage/priorities/{priority_id}/delete"): "scoped",
    # the contract is a field of the form (a body the upload limit covers): checked inside
    ("POST", "/manage/contract-signatures"): "signed_in",
    ("POST", "/manage/contract-signatures/{signature_id}/document"): "scoped",
    # yearly monitoring (issue 13): {contract_id} is a contract in force of the organizer's
    # organization, {round_id} a published round of it, {priority_id} one of its priorities
    ("POST", "/api/v1/social-contracts/{contract_id}/rounds"): "scoped",
    ("PUT", "/api/v1/monitoring-rounds/{round_id}/assessments/{priority_id}"): "scoped",
    ("POST", "/api/v1/monitoring-rounds/{round_id}/publish"): "scoped",
    (
        "POST",
        "/api/v1/monitoring-rounds/{round_id}/assessments/{priority_id}/corrections",
    ): "scoped",
    ("PUT", "/api/v1/monitoring-rounds/{round_id}/assessments/{priority_id}/reply"): "scoped",
    ("PUT", "/api/v1/monitoring-rounds/{round_id}/events/{event_id}"): "scoped",
    ("DELETE", "/api/v1/monitoring-rounds/{round_id}/events/{event_id}"): "scoped",
    ("GET", "/api/v1/monitoring-rounds/{round_id}"): "public",
    ("GET", "/api/v1/monitoring"): "public",
    ("GET", "/api/v1/monitoring/assessments.json"): "public",
    ("GET", "/api/v1/monitoring/assessments.csv"): "public",
    ("GET", "/monitoring"): "public",
    ("GET", "/monitoring/unaddressed"): "public",
    ("GET", "/monitoring/rounds/{round_id}"): "public",
    ("GET", "/monitoring/rounds/{round_id}/print"): "public",
    ("GET", "/manage/monitoring"): "signed_in",
    ("GET", "/manage/monitoring/contracts/{contract_id}"): "scoped",
    ("POST", "/manage/monitoring/contracts/{contract_id}/rounds"): "scoped",
    ("GET", "/manage/monitoring/rounds/{round_id}"): "scoped",
    ("POST", "/manage/monitoring/rounds/{round_id}/assessments/{priority_id}"): "scoped",
    (
        "POST",
        "/manage/monitoring/rounds/{round_id}/assessments/{priority_id}/corrections",
    ): "scoped",
    ("POST", "/manage/monitoring/rounds/{round_id}/assessments/{priority_id}/reply"): "scoped",
    ("POST", "/manage/monitoring/rounds/{round_id}/publish"): "scoped",
    ("POST", "/manage/monitoring/rounds/{round_id}/events"): "scoped",
    ("POST", "/manage/monitoring/rounds/{round_id}/events/{event_id}/remove"): "scoped",
}

# the routes whose {token} is a candidate's portal link (not a ticket's)
TOKEN_PATHS = {path for (_method, path), access in ROUTES.items() if access == "token"}

BODIES: dict[tuple[str, str], dict[str, object]] = {
    ("POST", "/api/v1/events/{event_id}/checkins"): {"code": "filled by test_access"},
    ("PATCH", "/api/v1/questions/{question_id}"): {"status": "approved"},
    ("POST", "/api/v1/questions/{question_id}/merge"): {"into_id": 0},
    ("POST", "/api/v1/elections"): {
        "name": "Zgjedhjet e matricës",
        "kind": "local",
        "election_date": "2040-05-01",
        "municipality_ids": [1],
    },
    ("POST", "/api/v1/parties"): {"name": "Partia e matricës", "abbreviation": "PM"},
    ("PATCH", "/api/v1/events/{event_id}/candidates/{candidate_id}"): {"status": "declined"},
    ("POST", "/api/v1/candidate-portal/{token}/commitments/{commitment_id}/dispute"): {
        "comment": "Kam thënë: brenda dy vjetësh, jo brenda një viti."
    },
    # the matrix's event has not started: the organizer's valid body gets the 422 of that rule
    ("POST", "/api/v1/commitments"): {
        "candidate_id": 0,
        "event_id": 0,
        "text": "Do të rregulloj rrugën e shkollës.",
    },
    ("PATCH", "/api/v1/candidates/{candidate_id}"): {"elected": True},
    ("PATCH", "/api/v1/commitments/{commitment_id}"): {"target": "2 km deri në fund të vitit"},
    ("POST", "/api/v1/social-contracts"): {
        "municipality_id": 0,
        "election_id": 0,
        "title": "Kontrata e matricës",
        "term_start": "2040-06-01",
        "term_end": "2044-05-31",
    },
    ("PATCH", "/api/v1/social-contracts/{contract_id}"): {"title": "Kontrata e matricës"},
    ("POST", "/api/v1/social-contracts/{contract_id}/priorities"): {"title": "Uji"},
    ("PATCH", "/api/v1/contract-priorities/{priority_id}"): {"title": "Uji i pijshëm"},
    ("POST", "/api/v1/social-contracts/{contract_id}/signatures"): {
        "candidate_id": 0,
        "signed_on": "2026-11-20",
        "status": "signed",
    },
    ("POST", "/api/v1/social-contracts/{contract_id}/rounds"): {
        "label": "Viti i matricës",
        "period_start": "2020-09-01",
        "period_end": "2021-08-31",
    },
    # the matrix's round is published: this valid body gets the 409 of that rule
    ("PUT", "/api/v1/monitoring-rounds/{round_id}/assessments/{priority_id}"): {
        "status": "not_addressed",
        "evidence": "Asgjë nuk u bë.",
    },
    ("POST", "/api/v1/monitoring-rounds/{round_id}/assessments/{priority_id}/corrections"): {
        "status": "not_addressed",
        "evidence": "Asgjë nuk u bë.",
        "reason": "Rishikim i matricës.",
    },
    ("PUT", "/api/v1/monitoring-rounds/{round_id}/assessments/{priority_id}/reply"): {
        "text": "Bashkia përgjigjet.",
        "replied_on": "2021-09-15",
    },
}

# Another organization's draft (issue 10, item 3): every route of an event (or of a question to
# it) when the event is a draft of the organizer's organization. Checked by tests/test_access.py:
# the other organization gets exactly what an unknown event gets (no hint it exists), and
# - "organizers": the organizing organization (browser or token) and admins use it as usual;
# - "nobody":     not public yet, so everyone gets what an unknown event gets (the public pages,
#                 and check-in, which opens with the event).
DraftAccess = Literal["organizers", "nobody"]

DRAFT_ROUTES: dict[tuple[str, str], DraftAccess] = {
    # a community meeting linked to a monitoring round (issue 13)
    ("PUT", "/api/v1/monitoring-rounds/{round_id}/events/{event_id}"): "organizers",
    ("DELETE", "/api/v1/monitoring-rounds/{round_id}/events/{event_id}"): "organizers",
    ("POST", "/manage/monitoring/rounds/{round_id}/events/{event_id}/remove"): "organizers",
    ("GET", "/api/v1/events/{event_id}"): "organizers",
    ("PATCH", "/api/v1/events/{event_id}"): "organizers",
    ("PATCH", "/api/v1/events/{event_id}/candidates/{candidate_id}"): "organizers",
    ("GET", "/api/v1/events/{event_id}/questions"): "organizers",
    ("GET", "/api/v1/events/{event_id}/registrations"): "organizers",
    ("POST", "/api/v1/events/{event_id}/checkins"): "nobody",
    ("POST", "/api/v1/events/{event_id}/registrations"): "nobody",
    ("POST", "/api/v1/events/{event_id}/questions"): "nobody",
    ("GET", "/api/v1/events/{event_id}/commitments"): "organizers",
    ("PATCH", "/api/v1/questions/{question_id}"): "organizers",
    ("POST", "/api/v1/questions/{question_id}/merge"): "organizers",
    ("POST", "/api/v1/questions/{question_id}/votes"): "nobody",
    ("DELETE", "/api/v1/questions/{question_id}/votes"): "nobody",
    ("GET", "/manage/events/{event_id}"): "organizers",
    ("GET", "/manage/events/{event_id}/edit"): "organizers",
    ("POST", "/manage/events/{event_id}"): "organizers",
    ("POST", "/manage/events/{event_id}/status"): "organizers",
    ("POST", "/manage/events/{event_id}/candidates/{candidate_id}"): "organizers",
    ("GET", "/manage/events/{event_id}/registrations"): "organizers",
    ("GET", "/manage/events/{event_id}/registrations.csv"): "organizers",
    ("GET", "/manage/events/{event_id}/checkin"): "organizers",
    ("POST", "/manage/events/{event_id}/checkin"): "organizers",
    ("POST", "/manage/events/{event_id}/walk-in"): "organizers",
    ("GET", "/manage/events/{event_id}/counts"): "organizers",
    ("GET", "/manage/events/{event_id}/questions"): "organizers",
    ("GET", "/manage/events/{event_id}/questions/live"): "organizers",
    ("POST", "/manage/events/{event_id}/questions/open"): "organizers",
    ("POST", "/manage/events/{event_id}/questions/close"): "organizers",
    ("POST", "/manage/events/{event_id}/screen/clear"): "organizers",
    ("POST", "/manage/events/{event_id}/commitments"): "organizers",
    ("GET", "/manage/questions/{question_id}/merge"): "organizers",
    ("POST", "/manage/questions/{question_id}/approve"): "organizers",
    ("POST", "/manage/questions/{question_id}/reject"): "organizers",
    ("POST", "/manage/questions/{question_id}/edit"): "organizers",
    ("POST", "/manage/questions/{question_id}/merge"): "organizers",
    ("POST", "/manage/questions/{question_id}/answer"): "organizers",
    ("POST", "/manage/questions/{question_id}/screen"): "organizers",
    ("GET", "/events/{event_id}"): "nobody",
    ("GET", "/events/{event_id}.ics"): "nobody",
    ("GET", "/events/{event_id}/register"): "nobody",
    ("POST", "/events/{event_id}/register"): "nobody",
    ("POST", "/events/{event_id}/forget-tickets"): "nobody",
    ("GET", "/events/{event_id}/questions"): "nobody",
    ("POST", "/events/{event_id}/questions"): "nobody",
    ("GET", "/events/{event_id}/questions/live"): "nobody",
    ("GET", "/events/{event_id}/screen"): "nobody",
    ("GET", "/events/{event_id}/screen/live"): "nobody",
    ("POST", "/questions/{question_id}/vote"): "nobody",
    ("POST", "/questions/{question_id}/unvote"): "nobody",
    ("GET", "/events/{event_id}/ticket-link"): "nobody",
    ("POST", "/events/{event_id}/ticket-link"): "nobody",
    ("GET", "/c/{token}/events/{event_id}/{answer}"): "nobody",
    ("POST", "/c/{token}/events/{event_id}/{answer}"): "nobody",
}
