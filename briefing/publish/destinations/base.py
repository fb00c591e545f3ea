"""The destination seam: where `feed push` (and `make --publish --to`) mirrors a podcast folder;
this is the one registry of them.

A destination is a subclass of Destination decorated with @register, in one file of this folder
(every module here is imported by __init__.py), named by the scheme of the addresses it takes.
local.py (a folder: a mounted disk, a synced folder) and s3.py (any S3-compatible store) are the
built-in ones.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ...errors import BriefingError


@dataclass(frozen=True)
class Stored:
    """An object at the destination: its size, and its digest as the destination reports it (an
    MD5, or S3's ETag of a multipart upload), which Destination.same() compares."""

    size: int
    digest: str


class Destination:
    """A place a podcast folder is mirrored to, object by object.

    Capabilities (class attributes):
      scheme   the addresses it takes: "s3" for s3://BUCKET/PREFIX; "" for a folder path
      remote   reached over a network, so apps need its public address (--base-url)

    Each put is atomic (a reader sees the old object or the new one, whole); `requests` counts the
    calls made to the destination (for scripts/bench).
    """

    scheme: ClassVar[str]
    remote: ClassVar[bool]

    def __init__(self, address: str):
        self.address = address
        self.requests = 0

    def listing(self) -> dict[str, Stored]:
        """Every object under the destination, by key ("episodes/x.mp3")."""
        raise NotImplementedError

    def put(self, key: str, source: Path | bytes, content_type: str | None, cache_control: str) -> None:
        """Store source (a file, streamed; or bytes) at key, with its type and caching."""
        raise NotImplementedError

    def delete(self, keys: list[str]) -> None:
        raise NotImplementedError

    def digests(self, source: Path | bytes) -> set[str]:
        """What a stored object's digest is when it holds source: its MD5."""
        digest = hashlib.md5(usedforsecurity=False)
        if isinstance(source, bytes):
            digest.update(source)
        else:
            with open(source, "rb") as handle:
                for block in iter(lambda: handle.read(1024 * 1024), b""):
                    digest.update(block)
        return {digest.hexdigest()}

    def unchanged(self, stored: Stored | None, source: Path | bytes) -> bool:
        """Whether the stored object already holds source (so it is not sent again)."""
        size = len(source) if isinstance(source, bytes) else source.stat().st_size
        return stored is not None and stored.size == size and stored.digest in self.digests(source)


_DESTINATIONS: dict[str, type[Destination]] = {}


def register(destination: type[Destination]) -> type[Destination]:
    """Add a destination to the registry (a class decorator)."""
    _DESTINATIONS[destination.scheme] = destination
    return destination


def destination_for(address: str) -> Destination:
    """The destination an address names: SCHEME://... by its scheme, else a folder path."""
    scheme, separator, _ = address.partition("://")
    kind = _DESTINATIONS.get(scheme.lower() if separator else "")
    if kind is None:
        known = ", ".join(f"{name}://" for name in _DESTINATIONS if name)
        raise BriefingError(f"no destination for {address!r}: give a folder path or {known}")
    return kind(address)
