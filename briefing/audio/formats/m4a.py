"""M4A: AAC-LC in an MP4 file, with iTunes-style tags, cover art and chapters. AAC sounds better
than MP3 at the same bitrate; Apple Podcasts and audiobook apps read its chapters."""

from __future__ import annotations

import os
import re
from pathlib import Path

from mutagen.mp4 import MP4, MP4Cover

from ... import ffmpeg
from ...errors import BriefingError
from ...model import Chapter
from .base import AudioFormat, Tags, register

# The index goes first, so a player can start before the whole file is fetched.
MP4_MUXER = ("-f", "mp4", "-movflags", "+faststart")


@register
class M4a(AudioFormat):
    name = "m4a"
    suffix = ".m4a"
    media_type = "audio/mp4"
    codec = ("-c:a", "aac")  # ffmpeg's own AAC-LC encoder: in every build, unlike libfdk_aac
    frames_muxer = ("-f", "adts")  # AAC frames each behind a 7-byte header giving its length
    encoder_delay = 1024  # the encoder's priming frame
    # ffmpeg's AAC at 64 kbps adds up to 2.2 dB to speech's peaks (measured at -16 LUFS, ffmpeg 5.1 and 9.0).
    peak_margin = 2.8

    @classmethod
    def frame_samples(cls, sample_rate: int) -> int:
        return 1024

    @classmethod
    def frame_lengths(cls, frames: bytes) -> list[int]:
        """From each ADTS header: the frame's length is its 13 bits from bit 30."""
        lengths, offset = [], 0
        while offset + 7 <= len(frames):
            header = frames[offset : offset + 7]
            length = ((header[3] & 3) << 11) | (header[4] << 3) | (header[5] >> 5)
            if header[0] != 0xFF or header[1] & 0xF0 != 0xF0 or length < 7:
                raise BriefingError("encoding audio failed: the encoder wrote something other than ADTS frames")
            lengths.append(length)
            offset += length
        return lengths

    @classmethod
    def join(cls, pieces: list[bytes], destination: Path) -> None:
        """The pieces' AAC frames put into an MP4 file as they are (not encoded again)."""
        ffmpeg.run(
            ["-f", "aac", "-i", "pipe:0", "-c", "copy", *MP4_MUXER, str(destination)],
            stdin=b"".join(pieces),
            what="writing the M4A file",
        )

    @classmethod
    def write_tags(cls, path: Path, tags: Tags) -> None:
        """Chapters (QuickTime chapter track and Nero chapters, both written by ffmpeg, in a copy
        of the file renamed over it), then the iTunes tags and cover (mutagen)."""
        if tags.chapters:
            chaptered = path.with_name(f".{path.name}.chapters{cls.suffix}")
            try:
                ffmpeg.run(
                    [
                        "-i",
                        str(path),
                        "-f",
                        "ffmetadata",
                        "-i",
                        "pipe:0",
                        "-map",
                        "0:a",
                        "-map_chapters",
                        "1",
                        "-c",
                        "copy",
                        *MP4_MUXER,
                        str(chaptered),
                    ],
                    stdin=ffmetadata(tags.chapters).encode(),
                    what="writing MP4 chapters",
                )
                os.replace(chaptered, path)
            finally:
                chaptered.unlink(missing_ok=True)
        mp4 = MP4(str(path))
        if mp4.tags is None:
            mp4.add_tags()
        mp4.tags.update(
            {
                "\xa9nam": [tags.title],
                "\xa9ART": [tags.show],
                "\xa9alb": [tags.show],
                "\xa9day": [tags.date],
                "\xa9gen": ["Podcast"],
                "\xa9cmt": [tags.comment],
                "stik": [21],
            }
        )  # 21: podcast
        if tags.cover_png:
            mp4.tags["covr"] = [MP4Cover(tags.cover_png, imageformat=MP4Cover.FORMAT_PNG)]
        mp4.save()


def ffmetadata(chapters: tuple[Chapter, ...]) -> str:
    """The chapters in ffmpeg's metadata file format, times in milliseconds."""
    lines = [";FFMETADATA1"]
    for chapter in chapters:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(chapter.start * 1000)}",
            f"END={round(chapter.end * 1000)}",
            f"title={ffmetadata_escape(chapter.title)}",
        ]
    return "\n".join(lines) + "\n"


def ffmetadata_escape(text: str) -> str:
    """A value safe in an ffmetadata file: '=', ';', '#', backslash and line breaks escaped."""
    return re.sub(r"([=;#\\\n])", r"\\\1", text)
