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
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import cached_property, partial
from time import monotonic
from typing import Any
from weakref import WeakSet

from markupsafe import Markup
from sqlalchemy import event

from app.gzipjoin import Frame, Piece, compressed, gzip_member, stored

logger = logging.getLogger(__name__)

# unguessable, so no text a visitor writes can open a slot or forge the token's place
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(12)}"
_SLOT = f"\x00slot-{secrets.token_hex(12)}\x00"


class SlotRecorder:
    """Given to a shared render: each per-visitor part becomes a slot with what it needs."""

    def __init__(self) -> None:
        self.slots: list[Slot] = []

    def slot(self, kind: str, value: Any = None, default: str = "", key: Hashable = None) -> Markup:
        """A hole for `kind` (filled from `value` per visitor); `default` for most visitors;
        `key` tells it from the other slots of its kind (`SharedHtml.slot_at`)."""
        self.slots.append(Slot(kind, value, default, key))
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
    key: Hashable = None


# what one visitor gets in place of some slots' defaults: slot index -> HTML
Overrides = Mapping[int, str]
_BLOCK_CHARACTERS = 6_000  # the gzip path recompresses a block that has a visitor's own part
_BLOCKS_KEPT = 64  # such blocks kept per page (~6 KB compressed to ~2 KB each)


@dataclass(frozen=True)
class SharedHtml:
    """Rendered HTML with holes: `parts[i]`, then slot i, then `parts[i + 1]`...

    Made once per version and served to many: it is kept compressed too (app/gzipjoin.py), as
    a whole between the token's places for most visitors, and in blocks of a few KB for those
    with parts of their own (a voter's few voted questions): a request that accepts gzip
    compresses only its token, or the blocks where its parts go."""

    parts: tuple[str, ...]
    slots: tuple[Slot, ...]

    def slot_at(self, kind: str, key: Hashable = None) -> int | None:
        """The index of the slot of `kind` and `key`, if the page has one."""
        return self._index.get((kind, key))

    def personalize(self, csrf_token: str, overrides: Overrides | None) -> bytes:
        """The page for one visitor: each slot its default but those in `overrides` (none: the
        usual case, served from bytes joined once)."""
        if not overrides:
            return csrf_token.encode().join(self._default_pieces)
        pieces = [self.parts[0]]
        for n, part in enumerate(self.parts[1:]):
            pieces.append(overrides.get(n, self.slots[n].default))
            pieces.append(part)
        return "".join(pieces).replace(CSRF_PLACEHOLDER, csrf_token).encode()

    def personalize_gzip(self, csrf_token: str, overrides: Overrides | None) -> bytes:
        """The same page, gzipped: the blocks as compressed once, but those with an override."""
        if not overrides:
            return self._default_frame.member(csrf_token.encode())
        token = stored(csrf_token.encode())
        pieces: list[Piece] = []
        blocks = zip(self._blocks, self._blocks_gzip, strict=True)
        for block, ((first, last), packed) in enumerate(blocks):
            own = tuple((n, html) for n, html in overrides.items() if first <= n < last)
            if own:
                packed = self._block_with(block, own)
            pieces += (token if p is None else p for p in packed)
        return gzip_member(pieces)

    def _block_with(self, block: int, own: tuple[tuple[int, str], ...]) -> list[Piece | None]:
        """A block compressed with these slots' HTML: kept for whoever has the same (all who
        voted for the same question of the block, and nothing else in it)."""
        key = (block, own)
        packed = self._blocks_seen.get(key)
        if packed is None:
            first, last = self._blocks[block]
            packed = _split_compressed(self._block_text(first, last, dict(own)))
            if len(self._blocks_seen) >= _BLOCKS_KEPT:
                self._blocks_seen.clear()
            self._blocks_seen[key] = packed
        return packed

    @cached_property
    def _blocks_seen(self) -> dict[tuple[int, tuple[tuple[int, str], ...]], list[Piece | None]]:
        return {}

    @property
    def weight(self) -> int:
        """About what it holds, in bytes (what the caches count)."""
        plain = sum(map(len, self.parts)) + sum(len(s.default) for s in self.slots)
        packed = sum(len(p.data) for p in self._default_gzip if p is not None)
        # the text, its bytes, its pieces compressed (whole, and in blocks: ~2x as big), and
        # room for the blocks kept with voters' parts
        blocks_kept = min(len(self._blocks), _BLOCKS_KEPT) * 3_000
        return 2 * plain + sum(map(len, self._default_pieces)) + 3 * packed + blocks_kept

    @cached_property
    def _index(self) -> dict[tuple[str, Hashable], int]:
        return {(slot.kind, slot.key): n for n, slot in enumerate(self.slots)}

    @cached_property
    def _default_pieces(self) -> list[bytes]:
        return self._block_text(-1, len(self.slots), {}).encode().split(CSRF_PLACEHOLDER.encode())

    @cached_property
    def _default_gzip(self) -> list[Piece | None]:
        # in one stream between the token's places (most visitors get this: the best ratio);
        # the blocks are for the visitors with parts of their own
        return _split_compressed(self._block_text(-1, len(self.slots), {}))

    @cached_property
    def _default_frame(self) -> Frame:
        return Frame(self._default_gzip)

    @cached_property
    def _blocks(self) -> list[tuple[int, int]]:
        """Runs of slots [first, last): block i is slot `first`, its part, ..., to slot `last`
        (the first block begins with parts[0]: first = -1)."""
        blocks, first, size = [], -1, len(self.parts[0])
        for n, slot in enumerate(self.slots):
            if size >= _BLOCK_CHARACTERS:
                blocks.append((first, n))
                first, size = n, 0
            size += len(slot.default) + len(self.parts[n + 1])
        blocks.append((first, len(self.slots)))
        return blocks

    @cached_property
    def _blocks_gzip(self) -> list[list[Piece | None]]:
        return [_split_compressed(self._block_text(a, b, {})) for a, b in self._blocks]

    def _block_text(self, first: int, last: int, overrides: Overrides) -> str:
        pieces = [self.parts[0]] if first < 0 else []
        for n in range(max(first, 0), last):
            pieces += [overrides.get(n, self.slots[n].default), self.parts[n + 1]]
        return "".join(pieces)


def _split_compressed(text: str) -> list[Piece | None]:
    """`text` compressed in pieces between the token's places (None: the token goes there)."""
    pieces: list[Piece | None] = []
    for n, chunk in enumerate(text.split(CSRF_PLACEHOLDER)):
        if n:
            pieces.append(None)
        if chunk:
            pieces.append(compressed(chunk.encode()))
    return pieces


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


# how long a worker trusts a version it read (of an event's questions, of the event lists):
# well inside the 3 s in which a change must show on every worker's pages
VERSION_SECONDS = 1.0


class RecentVersions:
    """Versions (of an event's questions, of the event lists) as this worker last read them,
    trusted for `seconds`: a phone that asks every 2 s then sees a change made on any worker
    within 2 + `seconds` s, and most polls and page loads are answered without reading it. A
    commit on this worker (`follow`) forgets them all: its own changes show at once."""

    def __init__(self, *, seconds: float = VERSION_SECONDS, max_entries: int = 10_000) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._known: dict[Hashable, tuple[float, str]] = {}
        self._reading: dict[Hashable, asyncio.Future[str]] = {}
        self._cleared = 0  # how many times it was cleared: a read begun before is not kept
        self._followed: WeakSet[Any] = WeakSet()

    def follow(self, engine: Any) -> None:
        """From now on, every commit through this (sync) engine clears what is known."""
        if engine not in self._followed:
            self._followed.add(engine)
            event.listen(engine, "commit", lambda _connection: self.clear())

    def get(self, key: Hashable) -> str | None:
        known = self._known.get(key)
        if known is None or monotonic() - known[0] >= self.seconds:
            return None
        return known[1]

    def put(self, key: Hashable, version: str, *, read_at: float | None = None) -> None:
        if len(self._known) >= self.max_entries:
            self._known.clear()  # thousands of events asked for within seconds: start again
        self._known[key] = (monotonic() if read_at is None else read_at, version)

    async def read(self, key: Hashable, read: Callable[[], Awaitable[str]]) -> str:
        """The version under `key`, read by `read()` once it is too old: by one request, while
        the others that want it then wait for that one."""
        known = self.get(key)
        if known is not None:
            return known
        reading = self._reading.get(key)
        if reading is None:
            reading = asyncio.ensure_future(self._read(key, read))
            self._reading[key] = reading
            reading.add_done_callback(lambda _done: self._reading.pop(key, None))
        return await asyncio.shield(reading)

    async def _read(self, key: Hashable, read: Callable[[], Awaitable[str]]) -> str:
        read_at, cleared = monotonic(), self._cleared
        version = await read()
        if cleared == self._cleared:  # no commit meanwhile: it may be older than that commit
            self.put(key, version, read_at=read_at)
        return version

    def clear(self) -> None:
        self._known.clear()
        self._cleared += 1
