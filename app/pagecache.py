"""Pages every anonymous visitor shares: rendered once per change, personalized per request.

A busy forum page is the same for hundreds of phones but for a few things: the visitor's CSRF
token, which questions this browser voted for and the list of its own questions. The page is
rendered once with a placeholder token and a *slot* for each of those per-visitor parts; a
request joins the parts with its own pieces (`SharedHtml.personalize`). `SharedPages` keeps them
per key (which holds the version of what the page shows), for a few seconds at most, and lets
one request render a missing page while the others that want it wait for that one; a page
that has just grown old is served while it is rendered again in the background.
"""

import asyncio
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any

from markupsafe import Markup

from app.gzipjoin import Frame, Piece, compressed, gzip_member, stored
from app.sizedcache import SizedCache

logger = logging.getLogger(__name__)

# unguessable, so no text a visitor writes can open a slot or forge the token's place
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(12)}"
_SLOT = f"\x00slot-{secrets.token_hex(12)}\x00"


class SlotRecorder:
    """Given to a shared render: each per-visitor part becomes a slot with what it needs."""

    def __init__(self) -> None:
        self.slots: list[Slot] = []

    def slot(self, kind: str, value: Any = None, default: str = "") -> Markup:
        """A hole for `kind` (filled from `value` per visitor); `default` for most visitors."""
        self.slots.append(Slot(kind, value, default))
        return Markup(_SLOT)  # noqa: S704 (a constant of ours, no visitor text)

    def finish(self, html: str) -> "SharedHtml":
        parts = tuple(html.split(_SLOT))
        if len(parts) != len(self.slots) + 1:
            raise RuntimeError("a slot marker was lost or repeated while rendering")
        return SharedHtml(parts=parts, slots=tuple(self.slots))


@dataclass(frozen=True)
class Slot:
    kind: str
    value: Any
    default: str


Filler = Callable[[Slot], str]


@dataclass(frozen=True)
class SharedHtml:
    """Rendered HTML with holes: `parts[i]`, then slot i, then `parts[i + 1]`...

    Made once per version and served to many: its parts are kept compressed too (app/gzipjoin.py),
    so a request that accepts gzip compresses only its own token and slots."""

    parts: tuple[str, ...]
    slots: tuple[Slot, ...]

    def personalize(self, csrf_token: str, fill: Filler | None) -> bytes:
        """The page for one visitor: `fill(slot)` gives each slot's HTML, or every slot its
        default when there is no `fill` (the usual case, served from bytes joined once)."""
        if fill is None:
            return csrf_token.encode().join(self._default_pieces)
        pieces = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:], strict=True):
            pieces.append(fill(slot))
            pieces.append(part)
        return "".join(pieces).replace(CSRF_PLACEHOLDER, csrf_token).encode()

    def personalize_gzip(self, csrf_token: str, fill: Filler | None) -> bytes:
        """The same page, gzipped: the shared parts as compressed once, the rest per request."""
        if fill is None:
            return self._default_frame.member(csrf_token.encode())
        token = stored(csrf_token.encode())
        pieces: list[Piece] = []
        for n, part in enumerate(self._parts_gzip):
            pieces += (token if p is None else p for p in part)
            if n < len(self.slots):
                slot = self.slots[n]
                value = fill(slot)
                own = self._defaults_gzip[n] if value is slot.default else _compressed_text(value)
                pieces += (token if p is None else p for p in own)
        return gzip_member(pieces)

    @property
    def weight(self) -> int:
        """About what it holds, in bytes (what the caches count)."""
        plain = sum(map(len, self.parts)) + sum(len(s.default) for s in self.slots)
        packed = sum(len(p.data) for p in self._default_gzip if p is not None)
        # the text, its bytes, and its pieces compressed (twice, once a voter is served)
        return 2 * plain + sum(map(len, self._default_pieces)) + 2 * packed

    @cached_property
    def _default_pieces(self) -> list[bytes]:
        return self._default_text().encode().split(CSRF_PLACEHOLDER.encode())

    def _default_text(self) -> str:
        pieces = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:], strict=True):
            pieces += [slot.default, part]
        return "".join(pieces)

    @cached_property
    def _default_gzip(self) -> list[Piece | None]:
        return _split_compressed(self._default_text())

    @cached_property
    def _default_frame(self) -> Frame:
        return Frame(self._default_gzip)

    @cached_property
    def _parts_gzip(self) -> list[list[Piece | None]]:
        return [_split_compressed(part) for part in self.parts]

    @cached_property
    def _defaults_gzip(self) -> list[list[Piece | None]]:
        return [_compressed_text(slot.default) for slot in self.slots]


def _split_compressed(text: str) -> list[Piece | None]:
    """`text` compressed in pieces between the token's places (None: the token goes there)."""
    pieces: list[Piece | None] = []
    for n, chunk in enumerate(text.split(CSRF_PLACEHOLDER)):
        if n:
            pieces.append(None)
        if chunk:
            pieces.append(compressed(chunk.encode()))
    return pieces


# a voted question's item is the same for everyone who voted for it: compressed once
_fills: SizedCache[list[Piece | None]] = SizedCache(
    4 * 1024 * 1024, lambda text, pieces: 2 * len(str(text)) + sum(len(p.data) for p in pieces if p)
)


def _compressed_text(text: str) -> list[Piece | None]:
    found = _fills.get(text)
    if found is None:
        found = _split_compressed(text)
        _fills.put(text, found)
    return found


class SharedPages:
    """Shared pages by key. A page is fresh for `ttl` seconds; for `ttl` more it is still
    served while one request renders it anew in the background, so that nobody waits for a
    render of a page already at hand. Keys carry the version of what must never be stale (the
    questions); the `ttl` bounds how old the rest may be. They are kept up to `max_bytes` in
    all (`SharedHtml.weight`); the least used go first."""

    def __init__(self, *, ttl: float, max_bytes: int) -> None:
        self.ttl = ttl
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[Hashable, tuple[float, SharedHtml]] = OrderedDict()
        self._rendering: dict[Hashable, asyncio.Future[None]] = {}
        self._background: set[asyncio.Task[SharedHtml]] = set()

    async def get(self, key: Hashable, render: Callable[[], Awaitable[SharedHtml]]) -> SharedHtml:
        """The page under `key`, rendered by `render()` when missing or too old."""
        while True:
            entry = self._entries.get(key)
            if entry is not None:
                made, page = entry
                age = time.monotonic() - made
                if age < 2 * self.ttl:
                    if age >= self.ttl and key not in self._rendering:
                        done = self._begin(key)
                        task = asyncio.create_task(self._render(key, render, done))
                        self._background.add(task)
                        task.add_done_callback(partial(self._background_done, key, done))
                    self._entries.move_to_end(key)
                    return page
            underway = self._rendering.get(key)
            if underway is None:
                break
            await asyncio.shield(underway)  # then look again (a failed render left nothing)
        return await self._render(key, render, self._begin(key))

    def _begin(self, key: Hashable) -> asyncio.Future[None]:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._rendering[key] = done
        return done

    async def _render(
        self,
        key: Hashable,
        render: Callable[[], Awaitable[SharedHtml]],
        done: asyncio.Future[None],
    ) -> SharedHtml:
        try:
            page = await render()
        except BaseException:
            self._forget(key)  # what cannot be made again is not served either
            raise
        finally:
            del self._rendering[key]
            done.set_result(None)
        now = time.monotonic()
        # a busy page changes version with every vote: the old versions go soon
        for old in [k for k, (made, _page) in self._entries.items() if now - made >= 2 * self.ttl]:
            self._forget(old)
        self._forget(key)
        self._entries[key] = (now, page)
        self.bytes += page.weight
        while self.bytes > self.max_bytes and len(self._entries) > 1:
            self._forget(next(iter(self._entries)))
        return page

    def _forget(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.bytes -= entry[1].weight

    def _background_done(
        self, key: Hashable, done: asyncio.Future[None], task: asyncio.Task[SharedHtml]
    ) -> None:
        self._background.discard(task)
        if not done.done():  # cancelled before it began (shutting down): nobody may wait on it
            del self._rendering[key]
            done.set_result(None)
        if not task.cancelled() and task.exception() is not None:
            logger.warning("a shared page could not be rendered again: %r", task.exception())

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0


class RecentVersions:
    """The version of each event's questions as this worker last read it, trusted for
    `seconds`: a phone that asks every 2 s then sees a change made on any worker within
    2 + `seconds` s, and most of a room's polls are answered without the database."""

    def __init__(self, *, seconds: float, max_entries: int = 10_000) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._known: dict[int, tuple[float, str]] = {}

    def get(self, event_id: int) -> str | None:
        known = self._known.get(event_id)
        if known is None or time.monotonic() - known[0] >= self.seconds:
            return None
        return known[1]

    def put(self, event_id: int, version: str) -> None:
        if len(self._known) >= self.max_entries:
            self._known.clear()  # thousands of events asked for within seconds: start again
        self._known[event_id] = (time.monotonic(), version)

    def clear(self) -> None:
        self._known.clear()
