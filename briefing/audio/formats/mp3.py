"""MP3 (the default): LAME at a constant bitrate, with ID3v2.4 tags, cover art, and chapters that
carry each story's source URL."""

from __future__ import annotations

from pathlib import Path

from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLEN, TPE1, WXXX, CTOCFlags
from mutagen.id3._tags import save_frame  # the one frame writer mutagen has; no public name

from ...errors import BriefingError
from .base import AudioFormat, Tags, register

# Layer III bitrates in kbps by the header's index (0: free format, not written by LAME here).
MPEG1_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
MPEG2_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)


@register
class Mp3(AudioFormat):
    name = "mp3"
    suffix = ".mp3"
    media_type = "audio/mpeg"
    # LAME -q 7 encodes in half the time of its default -q 5; on speech at 64 kbps its error
    # against the source measured no worse (16.6 dB SNR against 16.5).
    codec = ("-c:a", "libmp3lame", "-compression_level", "7")
    frames_muxer = ("-f", "mp3", "-write_xing", "0", "-id3v2_version", "0")
    encoder_delay = 576 + 529  # LAME's priming, and the decoder's filter bank
    peak_margin = 0.7  # LAME at 64 kbps adds up to 0.5 dB to speech's peaks

    @classmethod
    def frame_samples(cls, sample_rate: int) -> int:
        return 1152 if sample_rate >= 32000 else 576  # MPEG-1 Layer III, or MPEG-2 below 32 kHz

    @classmethod
    def frame_lengths(cls, frames: bytes) -> list[int]:
        """From each frame's header: its bitrate, sample rate and padding give its length."""
        lengths, offset = [], 0
        while offset + 4 <= len(frames):
            header = int.from_bytes(frames[offset : offset + 4], "big")
            mpeg1 = (header >> 19) & 3 == 3
            bitrate = (MPEG1_KBPS if mpeg1 else MPEG2_KBPS)[(header >> 12) & 15] * 1000
            rates = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}.get(
                (header >> 19) & 3
            )
            if header >> 21 != 0x7FF or not bitrate or not rates or (header >> 10) & 3 == 3:
                raise BriefingError("encoding audio failed: the encoder wrote something other than MP3 frames")
            length = (144 if mpeg1 else 72) * bitrate // rates[(header >> 10) & 3] + ((header >> 9) & 1)
            lengths.append(length)
            offset += length
        return lengths

    @classmethod
    def join(cls, pieces: list[bytes], destination: Path) -> None:
        """Frames one after another are an MP3 file (constant bitrate: players time it from its size)."""
        with open(destination, "wb") as file:
            for piece in pieces:
                file.write(piece)

    @classmethod
    def write_tags(cls, path: Path, tags: Tags) -> None:
        """ID3v2.4: text frames, cover art, and chapters (CHAP frames, with the source URL of each
        story, under a CTOC table of contents)."""
        id3 = chaptered_id3()
        id3.add(TIT2(encoding=3, text=tags.title))
        id3.add(TPE1(encoding=3, text=tags.show))
        id3.add(TALB(encoding=3, text=tags.show))
        id3.add(TDRC(encoding=3, text=tags.date))
        id3.add(TCON(encoding=3, text="Podcast"))
        id3.add(COMM(encoding=3, lang="eng", desc="", text=tags.comment))
        id3.add(TLEN(encoding=3, text=str(tags.length_ms)))
        if tags.cover_png:
            id3.add(APIC(encoding=3, mime="image/png", type=3, desc="Cover", data=tags.cover_png))
        ids = [f"chp{index}" for index in range(len(tags.chapters))]
        for element_id, chapter in zip(ids, tags.chapters, strict=True):
            sub_frames = [TIT2(encoding=3, text=chapter.title)]
            if chapter.url:
                sub_frames.append(WXXX(encoding=3, desc="Source", url=chapter.url))
            id3.add(
                CHAP(
                    element_id=element_id,
                    start_time=round(chapter.start * 1000),
                    end_time=round(chapter.end * 1000),
                    sub_frames=sub_frames,
                )
            )
        if ids:
            id3.add(
                CTOC(
                    element_id="toc",
                    flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                    child_element_ids=ids,
                    sub_frames=[TIT2(encoding=3, text="Chapters")],
                )
            )
        id3.save(str(path), v2_version=4)


def chaptered_id3():
    """An empty ID3 tag that writes its chapters last, CTOC first, then CHAP frames in time order.

    mutagen orders frames by size, which scatters the chapters (chp3, chp0, CTOC, chp1...): players
    that ignore the table of contents, ffmpeg's among them, list chapters in file order, and a
    conversion to M4A then has them out of order too."""

    class ChapteredID3(ID3):
        def _write(self, config):
            chapters = sorted(
                (frame for frame in self.values() if frame.FrameID in ("CTOC", "CHAP")),
                key=lambda frame: (frame.FrameID != "CTOC", getattr(frame, "start_time", 0)),
            )
            for frame in chapters:
                del self[frame.HashKey]
            try:
                others = super()._write(config)
            finally:
                for frame in chapters:
                    self.add(frame)
            return others + b"".join(save_frame(frame, config=config) for frame in chapters)

    return ChapteredID3()
