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
    """Rendered HTML with holes: `parts[i]`, then slot i, then `parts[i + 1]`..."""

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

    @cached_property
    def _default_pieces(self) -> list[bytes]:
        pieces = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:], strict=True):
            pieces += [slot.default, part]
        return "".join(pieces).encode().split(CSRF_PLACEHOLDER.encode())


class SharedPages:
    """Shared pages by key. A page is fresh for `ttl` seconds; for `ttl` more it is still
    served while one request renders it anew in the background, so that nobody waits for a
    render of a page already at hand. Keys carry the version of what must never be stale (the
    questions); the `ttl` bounds how old the rest may be. The least used pages go first."""

    def __init__(self, *, ttl: float, max_entries: int) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
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
            self._entries.pop(key, None)  # what cannot be made again is not served either
            raise
        finally:
            del self._rendering[key]
            done.set_result(None)
        now = time.monotonic()
        # a busy page changes version with every vote: the old versions go soon
        for old in [k for k, (made, _page) in self._entries.items() if now - made >= 2 * self.ttl]:
            del self._entries[old]
        self._entries[key] = (now, page)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return page

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
