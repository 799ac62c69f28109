"""A naive page, as a tutorial would write it: FastAPI, aiosqlite, Jinja2, 50 rows of a table.

The yardstick for `/` and `/events` in `bench/forum_night.py`: each request opens its own
aiosqlite connection to a file database (made at import in a temporary folder), reads the 50
rows and renders them with a Jinja2 template. No gzip, no cache.
"""

import atexit
import shutil
import sqlite3
import tempfile
from pathlib import Path

import aiosqlite
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from jinja2 import Environment

ROWS = 50
_FOLDER = Path(tempfile.mkdtemp(prefix="pop-bench-naive-"))
atexit.register(shutil.rmtree, _FOLDER, True)
DB_PATH = _FOLDER / "naive.db"

TEMPLATE = Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="sq"><head><meta charset="utf-8"><title>Forumet</title></head>
<body><h1>Forumet</h1>
<table><thead><tr><th>#</th><th>Titulli</th><th>Vendi</th><th>Data</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ row[0] }}</td><td>{{ row[1] }}</td><td>{{ row[2] }}</td>
<td>{{ row[3] }}</td></tr>
{% endfor %}</tbody></table></body></html>
"""
)


def _create() -> None:
    with sqlite3.connect(DB_PATH) as db:
        db.execute("CREATE TABLE forum (id INTEGER PRIMARY KEY, title TEXT, venue TEXT, day TEXT)")
        db.executemany(
            "INSERT INTO forum (title, venue, day) VALUES (?, ?, ?)",
            [
                (
                    f"Forum publik nr. {n} me kandidatët",
                    "Salla e Kulturës",
                    f"2026-12-{n % 28 + 1:02d}",
                )
                for n in range(ROWS)
            ],
        )


_create()
app = FastAPI()


@app.get("/", response_class=HTMLResponse)
async def forums() -> str:
    """The 50 forums as an HTML table."""
    async with aiosqlite.connect(DB_PATH) as db:
        cursor = await db.execute("SELECT id, title, venue, day FROM forum ORDER BY id")
        rows = await cursor.fetchall()
    return TEMPLATE.render(rows=rows)
