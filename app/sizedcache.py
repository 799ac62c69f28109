"""A least-recently-used cache bounded by the bytes it holds, not by its number of entries."""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class SizedCache(Generic[V]):
    """Keeps values until their `size()` passes `max_bytes` in all; the least used go first."""

    def __init__(self, max_bytes: int, size: Callable[[Hashable, V], int]) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._size = size
        self._entries: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()

    def get(self, key: Hashable) -> V | None:
        found = self._entries.get(key)
        if found is None:
            return None
        self._entries.move_to_end(key)
        return found[0]

    def put(self, key: Hashable, value: V) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        size = self._size(key, value)
        self._entries[key] = (value, size)
        self.bytes += size
        while self.bytes > self.max_bytes and len(self._entries) > 1:
            _key, (_value, dropped) = self._entries.popitem(last=False)
            self.bytes -= dropped

    def __len__(self) -> int:
        return len(self._entries)
