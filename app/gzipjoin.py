"""One gzip answer made of pieces compressed ahead of time and a few small ones of this request.

A shared page is the same for every visitor but for a few short parts (their token, their votes),
so its long parts are compressed once per version and each request only frames what is its own:
each piece is a raw deflate stream of its own, ended by a sync flush (so it ends on a byte and
refers to nothing before it), and any run of such pieces followed by a final empty block is one
valid deflate stream (RFC 1951). The gzip trailer needs the CRC-32 of the whole, which is
combined from the pieces' CRCs (arithmetic modulo the CRC polynomial), not computed again.
"""

import zlib
from dataclasses import dataclass
from functools import lru_cache

LEVEL = 4  # as the GZipMiddleware's (app/main.py)
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no time, unknown OS
_FINAL = b"\x03\x00"  # an empty last block with fixed codes
_STORED_MAX = 65_535
_POLY = 0xEDB88320  # CRC-32, bits reversed as zlib keeps them


@dataclass(frozen=True, slots=True)
class Piece:
    """Deflate blocks that end on a byte boundary, with the CRC-32 and size of their text."""

    data: bytes
    crc: int
    size: int


def compressed(text: bytes) -> Piece:
    """`text` compressed on its own (for the parts that many answers share)."""
    engine = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    data = engine.compress(text) + engine.flush(zlib.Z_SYNC_FLUSH)
    return Piece(data, zlib.crc32(text), len(text))


def stored(text: bytes) -> Piece:
    """`text` as it is, in stored blocks: for short parts of one answer, nothing to compress."""
    blocks = []
    for start in range(0, len(text), _STORED_MAX):
        chunk = text[start : start + _STORED_MAX]
        size = len(chunk)
        # a block header on a byte boundary (not last, stored), then LEN and its complement
        lengths = size.to_bytes(2, "little") + (size ^ 0xFFFF).to_bytes(2, "little")
        blocks += [b"\x00", lengths, chunk]
    return Piece(b"".join(blocks), zlib.crc32(text), len(text))


def gzip_member(pieces: list[Piece]) -> bytes:
    """The pieces, in order, as one gzip file."""
    crc, size = 0, 0
    for piece in pieces:
        crc = crc32_combine(crc, piece.crc, piece.size)
        size += piece.size
    trailer = crc.to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little")
    return b"".join([_HEADER, *(p.data for p in pieces), _FINAL, trailer])


class Frame:
    """A gzip answer of fixed pieces and holes that one request fills with the same bytes (a
    visitor's token): its CRC-32 is worked out once per size of the hole, so an answer costs
    one multiplication, whatever the number of pieces."""

    def __init__(self, pieces: list[Piece | None]) -> None:
        self.pieces = pieces  # None: a hole
        self._sums: dict[int, tuple[int, int, int]] = {}

    def member(self, hole: bytes) -> bytes:
        filler = stored(hole)
        sums = self._sums.get(filler.size)
        if sums is None:
            sums = self._sums[filler.size] = self._prepare(filler.size)
        fixed, holes, size = sums
        # crc(whole) = the sum of each piece's crc times x^(8 * the bytes after it)
        crc = fixed ^ _multiply(holes, filler.crc)
        trailer = crc.to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little")
        body = [filler.data if p is None else p.data for p in self.pieces]
        return b"".join([_HEADER, *body, _FINAL, trailer])

    def _prepare(self, hole_size: int) -> tuple[int, int, int]:
        fixed = holes = after = 0
        for piece in reversed(self.pieces):
            shift = _shift(after)
            if piece is None:
                holes ^= shift
                after += hole_size
            else:
                fixed ^= _multiply(shift, piece.crc)
                after += piece.size
        return fixed, holes, after


# --- CRC-32 of a concatenation, from the CRCs of its parts ------------------------------------
# crc(A + B) = crc(A) * x^(8 * len(B)) + crc(B), modulo the polynomial (zlib's crc32_combine).


def _multiply(a: int, b: int) -> int:
    """a * b modulo the polynomial, both in zlib's reflected order (x^0 is the top bit)."""
    product = 0
    mask = 1 << 31
    while a:
        if a & mask:
            product ^= b
            a ^= mask
        mask >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1
    return product


def _powers_of_two() -> list[int]:
    """x^(2^k) modulo the polynomial, for k = 0..31."""
    powers = [1 << 30]  # x^1
    for _ in range(31):
        powers.append(_multiply(powers[-1], powers[-1]))
    return powers


_X2K = _powers_of_two()


@lru_cache(maxsize=4096)
def _shift(size: int) -> int:
    """x^(8 * size) modulo the polynomial: what appending `size` bytes multiplies a CRC by."""
    power = 1 << 31  # x^0, the identity
    k = 3  # 8 * size = size * 2^3
    while size:
        if size & 1:
            power = _multiply(_X2K[k % 32], power)
        size >>= 1
        k += 1
    return power


def crc32_combine(crc1: int, crc2: int, size2: int) -> int:
    """The CRC-32 of A + B from crc1 = crc32(A), crc2 = crc32(B) and size2 = len(B)."""
    if size2 == 0:
        return crc1
    return _multiply(_shift(size2), crc1) ^ crc2
