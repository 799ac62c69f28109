"""The public lists under load, with wrk: the home page and the event list (with a filter,
and in Albanian and English).

Each figure is next to a bare ASGI hello served by the same uvicorn in the same run; the server
runs on core 0 and wrk on core 1 (taskset), 50 connections, gzip asked as a phone does.
"""

from bench.paths import measure

PATHS = ("/", "/events", "/events?when=past", "/events?municipality=durres")


if __name__ == "__main__":
    measure(__doc__, PATHS)
