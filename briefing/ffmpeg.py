"""The ffmpeg edge: find the binary, run it, decode audio into pydub segments.

The system ffmpeg is used when on PATH, else the one imageio-ffmpeg ships ($BRIEFING_FFMPEG
overrides both). We never need ffprobe: decoding always names the output format explicitly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from functools import lru_cache
from pathlib import Path

from .errors import BriefingError


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg to use."""
    configured = os.environ.get("BRIEFING_FFMPEG")
    if configured:
        return configured
    system = shutil.which("ffmpeg")
    if system:
        return system
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def audio_segment_class():
    """pydub's AudioSegment class, imported without its "ffmpeg not found" warning and pointed at our ffmpeg."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydub import AudioSegment as segment_class
    segment_class.converter = ffmpeg_exe()
    return segment_class


def run(args: list[str], stdin: bytes | None = None, what: str = "ffmpeg") -> subprocess.CompletedProcess:
    """Run ffmpeg quietly; on failure raise BriefingError with ffmpeg's last error line."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    result = subprocess.run(command, input=stdin, capture_output=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.decode(errors="replace").splitlines() if line.strip()]
        raise BriefingError(f"{what} failed: {lines[-1] if lines else 'ffmpeg exited with status %d' % result.returncode}")
    return result


def decode(source: bytes | str | Path, sample_rate: int, what: str = "audio", tempo: float = 1.0):
    """Decode any audio ffmpeg reads (bytes or a path) to a mono 16-bit pydub AudioSegment at
    sample_rate, tempo times as fast (pitch kept)."""
    data = source if isinstance(source, bytes) else None
    input_arg = "pipe:0" if data is not None else str(source)
    stretch = ["-af", f"atempo={tempo}"] if tempo != 1.0 else []
    result = run(["-i", input_arg, *stretch, "-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"],
                 stdin=data, what=f"decoding {what}")
    return audio_segment_class()(data=result.stdout, sample_width=2, frame_rate=sample_rate, channels=1)
