"""Demo data for trying the product (`make run`, `pop-forums seed-demo`): not domain logic.

`data` holds what is loaded (the network, elections, events, sign-ins), `seed` loads it.
"""

from app.demo.data import (
    DEMO_ADMIN_EMAIL,
    DEMO_ORGANIZER_EMAIL,
    DEMO_ORGANIZER_PASSWORD,
    credentials_text,
)
from app.demo.seed import DemoSummary, database_is_empty, seed

__all__ = [
    "DEMO_ADMIN_EMAIL",
    "DEMO_ORGANIZER_EMAIL",
    "DEMO_ORGANIZER_PASSWORD",
    "DemoSummary",
    "credentials_text",
    "database_is_empty",
    "seed",
]
