"""A content-addressed cache of synthesised segments, so re-rendering re-synthesises only what changed.

The key is a hash of everything that changes the audio: the engine's identity (name, voice,
settings, model), the exact text after normalisation, and FORMAT_VERSION. A segment entry is a
WAV file behind a digest of its key and content, written to a temporary name and renamed, so
concurrent runs can share the folder; an entry whose digest does not match (damaged, truncated,
replaced, or another key's entry moved here) is deleted and made again. Mastered pieces of
briefings are kept too (audio/pieces.py), keyed by the segment entries they were made of, so
rendering an unchanged briefing again neither synthesises nor masters anything, and an edited one
encodes only the pieces it changed; so are the gains found for them and the cover art drawn for a
show's tags. Reading an entry marks it used (its access time), and the least recently used go
when the folder grows past its bound (mastered pieces first).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

from .ffmpeg import AudioSegment
from .files import user_cache_folder, write_whole

FORMAT_VERSION = 2  # 2: segment entries carry a digest
SEGMENT_SUFFIX = ".clip"
PIECE_SUFFIX = ".piece"  # a mastered, encoded piece of a briefing, in whichever output format its key names
ARTWORK_SUFFIX = ".png"  # cover art drawn for a show's tags
GAIN_SUFFIX = ".gain"  # the mastering gain found for a briefing's opening (or whole)
DEFAULT_MAX_BYTES = 2 * 1024**3


def default_folder() -> Path:
    return user_cache_folder() / "segments"


def used_now(path: Path) -> None:
    """Mark an entry used, for the least-recently-used order: its access time. The modification
    time stays when it was made, so an entry made again is told apart (pipeline.segment_entry)."""
    os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))


def _drop(entry: Path) -> None:
    """Remove a cache entry, whatever is there under its name (a file, or a folder someone made):
    the cache heals itself rather than fail."""
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        entry.unlink(missing_ok=True)


def _write_entry(entry: Path, data: bytes) -> None:
    """Write an entry whole; a folder in its place is taken away first (a rename cannot replace
    one, and an entry whose key is not known until its audio is made is never read before it is
    written, so reading would not heal it)."""
    if entry.is_dir():
        _drop(entry)
    write_whole(entry, lambda handle: handle.write(data))


@dataclass
class SegmentCache:
    folder: Path = field(default_factory=default_folder)
    max_bytes: int = DEFAULT_MAX_BYTES
    hits: int = 0
    misses: int = 0

    @staticmethod
    def key(identity: dict, text: str) -> str:
        material = json.dumps({"format": FORMAT_VERSION, "engine": identity, "text": text}, sort_keys=True)
        return hashlib.sha256(material.encode()).hexdigest()

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{SEGMENT_SUFFIX}"

    def discard(self, key: str) -> None:
        """Forget a segment, so the next render synthesises it afresh."""
        _drop(self.path(key))

    def get(self, key: str):
        """The cached clip, or None (a missing or unreadable entry counts as a miss)."""
        path = self.path(key)
        try:
            entry = path.read_bytes()
            digest, data = entry[:32], entry[32:]
            if hashlib.sha256(key.encode() + data).digest() != digest:
                raise wave.Error("damaged, or not this key's entry")
            with wave.open(io.BytesIO(data)) as wav:
                frames, width, rate, channels = (
                    wav.getnframes(),
                    wav.getsampwidth(),
                    wav.getframerate(),
                    wav.getnchannels(),
                )
                pcm = wav.readframes(frames)
            if len(pcm) != frames * width * channels or frames == 0:
                raise wave.Error("truncated")
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, EOFError, wave.Error):
            _drop(path)  # corrupt: made again by the caller
            self.misses += 1
            return None
        used_now(path)
        self.hits += 1
        return AudioSegment(data=pcm, sample_width=width, frame_rate=rate, channels=channels)

    def put(self, key: str, clip) -> None:
        """Store a clip atomically; a cache that cannot be written only costs speed."""

        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            wav.setnchannels(clip.channels)
            wav.setsampwidth(clip.sample_width)
            wav.setframerate(clip.frame_rate)
            wav.writeframes(clip.raw_data)
        data = buffer.getvalue()
        _write_entry(self.path(key), hashlib.sha256(key.encode() + data).digest() + data)

    @staticmethod
    def material_key(material: dict) -> str:
        """The key of an entry made from material (a mastered piece from its segments, see
        audio/pieces.py; a cover from its show)."""
        return hashlib.sha256(
            json.dumps({"format": FORMAT_VERSION, "master": material}, sort_keys=True).encode()
        ).hexdigest()

    def get_piece(self, key: str) -> tuple[bytes, dict] | None:
        """(encoded audio, what else was kept with it) mastered before from exactly the same
        segments and settings, or None. Entries carry a digest of their content, so a damaged one
        is found, deleted and made again."""
        path = self.folder / key[:2] / f"{key}{PIECE_SUFFIX}"
        body = self._read_checked(path)
        try:
            length = int.from_bytes(body[:4], "big")
            details, encoded = json.loads(body[4 : 4 + length]), body[4 + length :]
            if not encoded:
                raise ValueError("no audio")
        except (TypeError, ValueError):
            _drop(path)
            return None
        return encoded, details

    def put_piece(self, key: str, encoded: bytes, details: dict) -> None:
        header = json.dumps(details).encode()
        self._store_checked(
            self.folder / key[:2] / f"{key}{PIECE_SUFFIX}", len(header).to_bytes(4, "big") + header + encoded
        )

    def get_gain(self, key: str) -> tuple[float, float] | None:
        """(gain, codec loss) found before for exactly the same opening (or whole) and settings, or None."""
        body = self._read_checked(self.folder / key[:2] / f"{key}{GAIN_SUFFIX}")
        try:
            found = json.loads(body) if body else None
            return (float(found["gain"]), float(found["loss"])) if found else None
        except (ValueError, KeyError, TypeError):
            return None

    def put_gain(self, key: str, gain: float, loss: float) -> None:
        self._store_checked(
            self.folder / key[:2] / f"{key}{GAIN_SUFFIX}", json.dumps({"gain": gain, "loss": loss}).encode()
        )

    def get_artwork(self, key: str) -> bytes | None:
        """Cover art drawn before for the same show and size, or None."""
        return self._read_checked(self.folder / key[:2] / f"{key}{ARTWORK_SUFFIX}") or None

    def put_artwork(self, key: str, png: bytes) -> None:
        self._store_checked(self.folder / key[:2] / f"{key}{ARTWORK_SUFFIX}", png)

    @staticmethod
    def _read_checked(path: Path) -> bytes | None:
        """The body of an entry written by _store_checked, or None (a damaged one is deleted)."""
        try:
            data = path.read_bytes()
            if hashlib.sha256(data[32:]).digest() != data[:32]:
                raise ValueError("damaged")
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            _drop(path)
            return None
        used_now(path)
        return data[32:]

    def _store_checked(self, path: Path, body: bytes) -> None:
        """An entry behind a digest of its body, so damage is found when it is read."""
        _write_entry(path, hashlib.sha256(body).digest() + body)

    def entries(self) -> list[Path]:
        """Every entry, of any format version (so entries an older version made are pruned and
        cleared too); not the temporary files of writes under way."""
        if not self.folder.is_dir():
            return []
        return [entry for entry in self.folder.glob("*/*") if not entry.name.startswith(".")]

    def size(self) -> int:
        return sum(entry.stat().st_size for entry in self.entries())

    def prune(self) -> int:
        """Remove entries until the cache is within max_bytes, returning how many went: mastered
        pieces and art first (a second's work to make again), then segments, least recently used first."""
        stats = []
        for entry in self.entries():
            try:
                stat = entry.stat()
                stats.append((entry.suffix == SEGMENT_SUFFIX, stat.st_atime, stat.st_size, entry))
            except FileNotFoundError:
                continue
        total = sum(size for _, _, size, _ in stats)
        removed = 0
        for _, _, size, entry in sorted(stats):
            if total <= self.max_bytes:
                break
            _drop(entry)
            total -= size
            removed += 1
        return removed

    def clear(self) -> int:
        entries = self.entries()
        for entry in entries:
            _drop(entry)
        return len(entries)

    def info(self) -> dict:
        entries = self.entries()
        newest = max((e.stat().st_atime for e in entries), default=None)
        return {
            "folder": str(self.folder),
            "entries": len(entries),
            "bytes": sum(e.stat().st_size for e in entries),
            "max_bytes": self.max_bytes,
            "last_used": time.strftime("%Y-%m-%d %H:%M", time.localtime(newest)) if newest else None,
        }
