"""The accountability pages under load, with wrk: the contract page, its print view, the
municipality page with its contract and monitoring, the network overview, and their JSON.

Each figure is next to a bare ASGI hello served by the same uvicorn in the same run; the server
runs on core 0 and wrk on core 1 (taskset), 50 connections, gzip asked as a phone does.
"""

import httpx

from bench.paths import measure

PATHS = (
    "/contracts/{durres}",
    "/contracts/{durres}/print",
    "/municipalities/durres",
    "/monitoring",
    "/api/v1/social-contracts/{durres}",
    "/api/v1/monitoring",
    "/api/v1/monitoring/assessments.csv",
)


def durres_contract(base_url: str) -> dict[str, object]:
    listed = httpx.get(base_url + "/api/v1/social-contracts", timeout=10).json()
    return {"durres": next(c["id"] for c in listed if "Durrës" in c["title"])}


if __name__ == "__main__":
    measure(__doc__, PATHS, durres_contract)
