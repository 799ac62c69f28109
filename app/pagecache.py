"""Pages every anonymous visitor shares: rendered once per change, personalized per request.

A busy forum page is the same for hundreds of phones but for a few things: the visitor's CSRF
token, which questions this browser voted for and the list of its own questions. The page is
rendered once with a placeholder token and a *slot* for each of those per-visitor parts; a
request joins the parts with its own pieces (`SharedHtml.personalize`). `SharedPages` keeps them
per key (which holds the version of what the page shows), for a few seconds at most, and lets
one request render a missing page while the others that want it wait for that one.
"""

import asyncio
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from markupsafe import Markup

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
    """Shared pages by key, each kept at most `ttl` seconds; the least used go first."""

    def __init__(self, *, ttl: float, max_entries: int) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, SharedHtml]] = OrderedDict()
        self._rendering: dict[Hashable, asyncio.Future[None]] = {}

    async def get(self, key: Hashable, render: Callable[[], Awaitable[SharedHtml]]) -> SharedHtml:
        """The page under `key`, rendered by `render()` when missing or too old."""
        while True:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > time.monotonic():
                self._entries.move_to_end(key)
                return entry[1]
            underway = self._rendering.get(key)
            if underway is None:
                break
            await asyncio.shield(underway)  # then look again (a failed render left nothing)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._rendering[key] = done
        try:
            page = await render()
            self._entries[key] = (time.monotonic() + self.ttl, page)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
            return page
        finally:
            del self._rendering[key]
            done.set_result(None)

    def clear(self) -> None:
        self._entries.clear()
