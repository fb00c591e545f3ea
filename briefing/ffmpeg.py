"""The ffmpeg edge: find a binary that can do our work, run it, decode audio into pydub segments.

Users have their own ffmpeg on PATH (Ubuntu 22.04's 4.4, Debian 12's 5.1, Ubuntu 24.04's 6.1,
Homebrew's latest), so we use only filters and options those share, and probe the one found once
by running the mastering chain on a moment of silence; one that lacks a filter or the MP3 encoder
is passed over for the one imageio-ffmpeg ships. The verdict is kept in the user cache folder
until that ffmpeg changes. $BRIEFING_FFMPEG names one to use as it is.
We never need ffprobe: decoding always names the output format explicitly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import warnings
from functools import lru_cache
from pathlib import Path

import imageio_ffmpeg

from .errors import BriefingError
from .files import keep, kept

with warnings.catch_warnings():  # pydub warns when no ffmpeg is on PATH: it never runs one (see decode)
    warnings.simplefilter("ignore", RuntimeWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    from pydub import AudioSegment  # after the filter, which must come first

# The loudness meter: its per-frame lines go to the verbose log level, which ffmpeg does not print
# by default (framelog=quiet says the same but exists only from ffmpeg 6).
LOUDNESS_METER = "ebur128=framelog=verbose"
# Every filter and encoder option briefing uses, chained as mastering and pace changes use them.
PROBE_CHAIN = (
    "aresample=44100,aformat=sample_fmts=dbl,volume=1.0dB,alimiter=limit=0.8:attack=5:release=50:level=disabled,"
    f"aformat=sample_rates=44100:channel_layouts=mono,apad=whole_len=23040,atrim=end_sample=23040,atempo=1.25,asplit=1,"
    f"{LOUDNESS_METER}"
)
PROBE_SECONDS = 0.5
PROBE_ARGS = (
    "-hide_banner",
    "-nostdin",
    "-f",
    "s16le",
    "-ar",
    "22050",
    "-ac",
    "1",
    "-i",
    "pipe:0",
    "-af",
    PROBE_CHAIN,
    "-c:a",
    "libmp3lame",
    "-b:a",
    "64k",
    "-compression_level",
    "7",
    "-f",
    "mp3",
    "-write_xing",
    "0",
    "-id3v2_version",
    "0",
    "pipe:1",
)
CHECKS_FILE = "ffmpeg-checks.json"  # in the user cache folder: each ffmpeg's verdict, as long as it is the same file


def bundled_ffmpeg() -> str:
    """The ffmpeg the imageio-ffmpeg package ships (a recent static build)."""
    return imageio_ffmpeg.get_ffmpeg_exe()


def can_master(executable: str) -> bool:
    """True when this ffmpeg runs every filter and the MP3 encoder briefing uses (about 60 ms)."""
    silence = bytes(2 * int(22050 * PROBE_SECONDS))
    try:
        result = subprocess.run([executable, *PROBE_ARGS], input=silence, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0 and bool(result.stdout) and b"Integrated loudness" in result.stderr


def version(executable: str) -> str:
    """The version an ffmpeg reports, e.g. "5.1.9-0+deb12u1", or "unknown"."""
    try:
        first = subprocess.run([executable, "-version"], capture_output=True, timeout=30).stdout.decode(
            errors="replace"
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    match = re.match(r"ffmpeg version (\S+)", first)
    return match.group(1) if match else "unknown"


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg to use: $BRIEFING_FFMPEG, else the system's when it can do our work, else
    the bundled one. Found once per process, on first use (a render from the cache runs none)."""
    configured = os.environ.get("BRIEFING_FFMPEG")
    if configured:
        return configured
    system = shutil.which("ffmpeg")
    if system and checked_can_master(system):
        return system
    return bundled_ffmpeg()


def identity(executable: str) -> list | None:
    """What names an ffmpeg build in what is kept about it: its real path, size and date (None
    when there is no such file)."""
    path = shutil.which(executable) or executable  # $BRIEFING_FFMPEG may name one on PATH
    try:
        found = os.stat(path)
    except OSError:
        return None
    return [os.path.realpath(path), found.st_size, found.st_mtime_ns]


def checked_can_master(executable: str) -> bool:
    """can_master, run once per ffmpeg: its verdict is kept until the file or the probe changes
    (the probe is 60 ms and an ffmpeg process, at the start of every render that encodes)."""
    build = identity(executable)
    if build is None:
        return False
    key = json.dumps([build, PROBE_ARGS])
    verdict = kept(CHECKS_FILE).get(key)
    if verdict is None:
        verdict = can_master(executable)
        keep(CHECKS_FILE, key, verdict)
    return verdict


def command(args: list[str]) -> list[str]:
    """The ffmpeg command line for args: quiet, never asking, overwriting its output."""
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]


def run(args: list[str], stdin: bytes | None = None, what: str = "ffmpeg") -> subprocess.CompletedProcess:
    """Run ffmpeg quietly; on failure raise BriefingError with ffmpeg's last error line."""
    result = subprocess.run(command(args), input=stdin, capture_output=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.decode(errors="replace").splitlines() if line.strip()]
        raise BriefingError(
            f"{what} failed: {lines[-1] if lines else f'ffmpeg exited with status {result.returncode}'}"
        )
    return result


def decode(
    source: bytes | str | Path, sample_rate: int, what: str = "audio", tempo: float = 1.0, at_most: float | None = None
):
    """Decode any audio ffmpeg reads (bytes or a path) to a mono 16-bit pydub AudioSegment at
    sample_rate, tempo times as fast (pitch kept); only its first `at_most` seconds when given
    (a two-hour file is not decoded whole to use its first twenty seconds)."""
    data = source if isinstance(source, bytes) else None
    input_arg = "pipe:0" if data is not None else str(source)
    stretch = ["-af", f"atempo={tempo}"] if tempo != 1.0 else []
    limit = ["-t", f"{at_most:.3f}"] if at_most is not None else []
    result = run(
        [
            "-i",
            input_arg,
            *stretch,
            *limit,
            "-f",
            "s16le",
            "-acodec",
            "pcm_s16le",
            "-ac",
            "1",
            "-ar",
            str(sample_rate),
            "pipe:1",
        ],
        stdin=data,
        what=f"decoding {what}",
    )
    return AudioSegment(data=result.stdout, sample_width=2, frame_rate=sample_rate, channels=1)
