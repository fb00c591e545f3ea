"""Output files: names from titles, and staging so nothing half-written appears under a final name;
and what briefing keeps between runs in the user's cache folder."""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path

from platformdirs import user_cache_dir

from .errors import BriefingError


def slugify(title: str, max_length: int = 60) -> str:
    """A lowercase ASCII file name part: "Intervention in Libya has already begun" ->
    "intervention-in-libya-has-already-begun"."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "briefing"


def ensure_writable_dir(directory: Path) -> Path:
    """Create the output folder if needed and check we may write there, before any slow work."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=directory, prefix=".briefing-probe-", delete=True)
        probe.close()
    except OSError as error:
        raise BriefingError(f"cannot write to output folder {directory}: {error.strerror or error}") from None
    return directory


@contextmanager
def writing_errors(folder: Path):
    """A full disk or a folder gone read-only while writing is the user's to fix: one line, not a traceback."""
    try:
        yield
    except OSError as error:
        raise BriefingError(f"cannot write to {folder}: {error.strerror or error}") from None


class StagedFiles:
    """Temporary files beside their final names, renamed into place together only when all are written.

    with StagedFiles() as staged:
        write(staged.path(final_mp3)); write(staged.path(final_json))
    # on success every file is renamed into place; on any exception every temporary file is removed
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def path(self, final: Path) -> Path:
        descriptor, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".part")
        os.close(descriptor)
        self._staged.append((Path(name), final))
        return Path(name)

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            for temporary, final in self._staged:
                os.chmod(temporary, 0o644)
                os.replace(temporary, final)
        else:
            for temporary, _ in self._staged:
                temporary.unlink(missing_ok=True)


def user_cache_folder() -> Path:
    """briefing's folder in the user's cache (~/.cache/briefing on Linux): what is worth keeping
    between runs and can always be made again (voice copies, calibrations, checks of tools)."""
    return Path(user_cache_dir("briefing"))


def kept(name: str) -> dict:
    """The measurements kept in the user cache file `name` (JSON); empty when there are none or
    the file is damaged (they are measured again)."""
    try:
        found = json.loads((user_cache_folder() / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def keep(name: str, key: str, value) -> None:
    """Add one measurement to the user cache file `name`, written whole or not at all (other
    processes may read it meanwhile). An unwritable cache only costs measuring again next time."""
    found = kept(name)
    found[key] = value
    write_whole(user_cache_folder() / name, lambda handle: handle.write(json.dumps(found, indent=1).encode()))


def write_whole(path: Path, write) -> None:
    """write(handle) under a hidden temporary name beside path, renamed into place when done, so a
    reader sees the old file or the new one, never a part; for caches, where a folder that cannot
    be written only costs speed (OSError is swallowed)."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
        os.replace(temporary, path)
    except OSError:
        if temporary:
            Path(temporary).unlink(missing_ok=True)


@contextmanager
def exclusive_lock(path: Path, wait: bool = True):
    """Held by one process at a time: an advisory lock on the file at path (made if missing), which
    the system releases if the holder dies. Yields True when held; with wait=False, False at once
    when another process holds it."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
