"""Private feeds: each listener of a show gets a feed address of their own, with a long random token
in its path (BASE/p/TOKEN/feed.xml), which can be taken back. Kept in the folder's hidden state
(.briefing-listeners.json: never served, never pushed); tokens are compared in constant time and
never logged."""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BriefingError
from ..files import write_whole
from ..model import Show
from .layout import FEED, LISTENERS, listener_path
from .podcast import feed_lock

TOKEN_BYTES = 24  # 192 random bits: 32 characters in the address


@dataclass
class Listeners:
    """The show's listeners by name, each with their token."""

    tokens_by_name: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Listeners:
        try:
            data = json.loads((Path(folder) / LISTENERS).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as error:
            raise BriefingError(
                f"{Path(folder) / LISTENERS} is damaged ({error}): remove it and add the listeners again"
            ) from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise BriefingError(f"{Path(folder) / LISTENERS} is damaged: remove it and add the listeners again")
        return cls(dict(data))

    def save(self, folder: Path) -> None:
        body = json.dumps(self.tokens_by_name, indent=2, sort_keys=True).encode() + b"\n"
        write_whole(Path(folder) / LISTENERS, lambda handle: handle.write(body))
        if not (Path(folder) / LISTENERS).is_file():
            raise BriefingError(f"cannot write the listeners to {folder}")

    def add(self, name: str) -> str:
        """A new listener's token (BriefingError when the name is taken or empty)."""
        name = " ".join(name.split())
        if not name or len(name) > 100:
            raise BriefingError("a listener's name is 1 to 100 characters")
        if name in self.tokens_by_name:
            raise BriefingError(f"there is a listener {name!r} already (revoke it first to give a new address)")
        self.tokens_by_name[name] = secrets.token_urlsafe(TOKEN_BYTES)
        return self.tokens_by_name[name]

    def revoke(self, name: str) -> str:
        """Take a listener's address back; returns its token (what to delete at a destination)."""
        if name not in self.tokens_by_name:
            known = ", ".join(sorted(self.tokens_by_name)) or "none"
            raise BriefingError(f"no listener {name!r} (listeners: {known})")
        return self.tokens_by_name.pop(name)

    @classmethod
    def watched(cls, folder: Path):
        """() -> the folder's listeners now: read again only when their file has changed (its size
        or modification time), so a server asks the disk one stat a request, and a revocation
        counts from the next request."""
        path = Path(folder) / LISTENERS
        seen: dict = {}

        def current() -> Listeners:
            try:
                stat = path.stat()
                version = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            except FileNotFoundError:
                version = None
            if seen.get("version", ()) != version:
                seen.update(version=version, listeners=cls.load(folder))
            return seen["listeners"]

        return current

    def tokens(self) -> list[str]:
        return sorted(self.tokens_by_name.values())

    def knows(self, token: str) -> bool:
        """Whether token is a listener's, compared in constant time against every one."""
        found = False
        for known in self.tokens_by_name.values():
            found |= hmac.compare_digest(known.encode(), token.encode())
        return found


def private_feed_url(show: Show, token: str) -> str:
    """A listener's feed address: under the show's base URL, or relative to where the folder is served."""
    return show.url(listener_path(token) + FEED)


def add_listener(folder: Path, name: str, show: Show) -> str:
    """Give NAME a private feed of the show; returns its address. From now on `briefing serve`
    answers the public feed and page with 404, and a push gives each listener their own feed."""
    with feed_lock(folder):
        listeners = Listeners.load(folder)
        token = listeners.add(name)
        listeners.save(folder)
    return private_feed_url(show, token)


def listed(folder: Path, show: Show) -> list[tuple[str, str]]:
    """(name, private feed address) of every listener."""
    return sorted(
        (name, private_feed_url(show, token)) for name, token in Listeners.load(folder).tokens_by_name.items()
    )


def revoke_listener(folder: Path, name: str) -> None:
    """Take NAME's feed back: `briefing serve` refuses its token from the next request on, and the
    next push deletes its feed at the destination."""
    with feed_lock(folder):
        listeners = Listeners.load(folder)
        listeners.revoke(name)
        listeners.save(folder)
