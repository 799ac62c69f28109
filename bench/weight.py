"""Page weight of the home and login pages as a phone loads them: HTML, CSS and JS, gzipped."""

import argparse
import gzip
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx

from bench.harness import app_command, free_port, seeded_database, server, table

PAGES = ("/", "/login")
HEADERS = ["page", "resource", "status", "gzip by", "raw bytes", "gzipped bytes", "cache-control"]


class References(HTMLParser):
    """Collects the URLs a page loads (stylesheets, scripts, icons, images) and links to."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, str]] = []  # (kind, url)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        rel = a.get("rel", "").lower().split()
        if tag == "link" and "stylesheet" in rel:
            self.loads.append(("css", a["href"]))
        elif tag == "link" and "icon" in rel:
            self.loads.append(("icon", a["href"]))
        elif tag == "script" and a.get("src"):
            self.loads.append(("js", a["src"]))
        elif tag in {"img", "iframe", "source", "video", "audio", "embed"} and a.get("src"):
            self.loads.append((tag, a["src"]))
        elif tag == "link" and a.get("href"):
            self.links.append(a["href"])
        elif tag in {"a", "form"} and (a.get("href") or a.get("action")):
            self.links.append(a.get("href") or a.get("action") or "")


def fetch(client: httpx.Client, url: str) -> tuple[httpx.Response, list]:
    """The response, and its status, who gzipped it, raw and gzipped bytes, Cache-Control."""
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    raw = len(response.content)
    if response.headers.get("content-encoding") == "gzip":
        wire = int(response.headers.get("content-length", response.num_bytes_downloaded))
        by = "server"
    else:
        wire, by = len(gzip.compress(response.content, compresslevel=6)), "local (gzip -6)"
    return response, [
        response.status_code,
        by,
        raw,
        wire,
        response.headers.get("cache-control", "-"),
    ]


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    rows: list[list] = []
    foreign: list[str] = []
    with (
        seeded_database("sqlite") as env,
        server("app", app_command(free_port(), 1), env, ready_path="/healthz") as srv,
        httpx.Client(base_url=srv.base_url, timeout=10) as client,
    ):
        origin = urlsplit(srv.base_url).netloc
        for page in PAGES:
            response, figures = fetch(client, page)
            rows.append([page, "(html)", *figures])
            refs = References()
            refs.feed(response.text)
            totals = figures[2:4]
            for kind, url in refs.loads:
                absolute = urljoin(srv.base_url + page, url)
                if urlsplit(absolute).netloc != origin:
                    foreign.append(f"{page} loads {kind} from {absolute}")
                    continue
                figures = fetch(client, absolute)[1]
                rows.append([page, f"{kind} {urlsplit(absolute).path}", *figures])
                totals = [totals[0] + figures[2], totals[1] + figures[3]]
            rows.append([page, "TOTAL", "", "", *totals, ""])
            foreign += [
                f"{page} links to {url}"
                for url in refs.links
                if urlsplit(urljoin(srv.base_url + page, url)).netloc not in {origin, ""}
            ]
    print(table(HEADERS, rows))
    print("\ngzipped bytes: the response's Content-Length when the server compressed it,")
    print("else the body gzipped here at level 6 (what the server could have sent).")
    print("Other hosts:", "none - every URL is same-origin" if not foreign else "")
    for line in foreign:
        print("  !", line)


if __name__ == "__main__":
    main()
