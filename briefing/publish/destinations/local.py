"""A folder as a destination: a mounted disk, a synced folder, a web server's document root."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ...errors import BriefingError
from .base import Destination, Stored, register


@register
class Folder(Destination):
    scheme = ""
    remote = False

    def __init__(self, address: str):
        super().__init__(address)
        self.root = Path(address.removeprefix("file://")).expanduser()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise BriefingError(f"cannot write to {self.root}: {error.strerror or error}") from None

    def listing(self) -> dict[str, Stored]:
        found = {}
        for path in self.root.rglob("*"):
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and not any(part.startswith(".") for part in key.split("/")):
                found[key] = Stored(path.stat().st_size, next(iter(self.digests(path))))
        return found

    def put(self, key: str, source: Path | bytes, content_type: str | None, cache_control: str) -> None:
        target = self.root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                if isinstance(source, bytes):
                    handle.write(source)
                else:
                    with open(source, "rb") as original:
                        shutil.copyfileobj(original, handle, 1024 * 1024)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)  # a reader sees the old file or the new one
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.requests += 1

    def delete(self, keys: list[str]) -> None:
        for key in keys:
            (self.root / key).unlink(missing_ok=True)
            self.requests += 1
