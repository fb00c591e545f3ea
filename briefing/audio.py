"""Stage 4, audio: stitch clips with pauses and a sting, master the loudness, encode MP3, tag it.

Clips are levelled to one speech level first (Piper peak-normalises every sentence, so raw
sentences differ in loudness) and joined in one pass; the whole briefing is then measured once,
given one linear gain under a look-ahead limiter, and encoded in the same ffmpeg pass.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import ffmpeg
from .errors import BriefingError
from .model import Segment, TimedSegment
from .transcript import Chapter

SPEECH_LEVEL_DBFS = -26.0  # RMS every clip is brought to before mastering; leaves headroom for peaks
CLIP_PEAK_CEILING_DBFS = -1.0
STING_BELOW_SPEECH_DB = 4.0
EDGE_SILENCE_BELOW_PEAK_DB = 50.0  # what counts as silence at a clip's edges, relative to its peak
EDGE_KEEP_MS = 20  # kept of it, so soft onsets and releases are not cut
LEAD_IN = 0.4  # seconds between the sting and the first words
LEAD_OUT = 1.0  # seconds between the last words and the closing sting
MUSIC_MAX_SECONDS = 20.0
MUSIC_FADE_SECONDS = 2.0
LOUDNESS_TOLERANCE = 0.2  # LU off target before the MP3 is encoded again
MASTERING_PASSES = 4  # encodes at most, searching for the gain
TRUE_PEAK_MARGIN = 0.7  # dB kept in hand for inter-sample peaks and the overshoot MP3 encoding adds


@dataclass(frozen=True)
class MasterOptions:
    """Loudness and encoding targets."""

    loudness: float = -19.0  # integrated LUFS; -19 mono is the -16 LUFS stereo podcast norm
    true_peak: float = -1.0  # dBTP ceiling
    bitrate: int = 64  # kbps, constant
    sample_rate: int = 44100  # 44100 or 22050


@dataclass(frozen=True)
class Loudness:
    """What ffmpeg's EBU R128 meter measured."""

    integrated: float  # LUFS
    true_peak: float  # dBTP


def level(clip, target_dbfs: float = SPEECH_LEVEL_DBFS):
    """Bring a clip's RMS level to target_dbfs without letting its peak rise above the clip ceiling."""
    if clip.rms == 0:
        return clip
    gain = min(target_dbfs - clip.dBFS, CLIP_PEAK_CEILING_DBFS - clip.max_dBFS)
    return clip.apply_gain(gain)


def trim_silence(clip, below_peak_db: float = EDGE_SILENCE_BELOW_PEAK_DB, keep_ms: int = EDGE_KEEP_MS):
    """Cut the near-silence engines leave at a clip's edges, keeping keep_ms, so placed pauses are exact."""
    from pydub.silence import detect_leading_silence

    if clip.rms == 0:
        return clip
    threshold = clip.max_dBFS - below_peak_db
    lead = detect_leading_silence(clip, silence_threshold=threshold, chunk_size=5)
    trail = detect_leading_silence(clip.reverse(), silence_threshold=threshold, chunk_size=5)
    return clip[max(0, lead - keep_ms) : max(lead, len(clip) - max(0, trail - keep_ms))]


def silence(seconds: float, sample_rate: int):
    return ffmpeg.audio_segment_class().silent(duration=seconds * 1000, frame_rate=sample_rate)


def make_sting(sample_rate: int):
    """A short rising three-note chime, synthesised (bell-like partials with a decaying envelope)."""
    notes = (659.25, 783.99, 1046.50)  # E5 G5 C6
    spacing, ring = 0.16, 0.9
    length = int(sample_rate * (spacing * (len(notes) - 1) + ring))
    signal = np.zeros(length)
    time = np.arange(int(sample_rate * ring)) / sample_rate
    envelope = np.exp(-time * 5.0) * np.minimum(1.0, time / 0.005)
    for index, frequency in enumerate(notes):
        tone = sum(weight * np.sin(2 * math.pi * frequency * multiple * time)
                   for multiple, weight in ((1, 1.0), (2, 0.35), (3, 0.12), (4.2, 0.05)))
        start = int(index * spacing * sample_rate)
        signal[start : start + len(time)] += tone * envelope
    pcm = (signal / np.max(np.abs(signal)) * 0.9 * 32767).astype("<i2").tobytes()
    sting = ffmpeg.audio_segment_class()(data=pcm, sample_width=2, frame_rate=sample_rate, channels=1)
    return level(sting, SPEECH_LEVEL_DBFS - STING_BELOW_SPEECH_DB)


def load_music(path: str | Path, sample_rate: int):
    """The user's intro music, decoded, at most MUSIC_MAX_SECONDS with a fade-out when cut."""
    if not Path(path).is_file():
        raise BriefingError(f"no such music file: {path}")
    music = ffmpeg.decode(Path(path), sample_rate, what=f"music file {path}")
    if len(music) == 0:
        raise BriefingError(f"music file {path} has no audio")
    if music.duration_seconds > MUSIC_MAX_SECONDS:
        music = music[: int(MUSIC_MAX_SECONDS * 1000)].fade_out(int(MUSIC_FADE_SECONDS * 1000))
    return level(music.fade_in(20), SPEECH_LEVEL_DBFS - STING_BELOW_SPEECH_DB)


def stitch(segments: tuple[Segment, ...] | list[Segment], clips: list, sample_rate: int, sting=None):
    """Join clips with each segment's pause after it, framed by the sting; returns (audio, timings).

    Linear: every piece's samples are copied once into one buffer.
    """
    if len(segments) != len(clips):
        raise ValueError("one clip per segment")
    pieces: list[bytes] = []
    timings: list[TimedSegment] = []
    samples = 0

    def add(piece) -> None:
        nonlocal samples
        piece = piece.set_channels(1).set_sample_width(2).set_frame_rate(sample_rate)
        pieces.append(piece.raw_data)
        samples += len(piece.raw_data) // 2

    if sting is not None:
        add(sting)
        add(silence(LEAD_IN, sample_rate))
    for segment, clip in zip(segments, clips):
        start = samples
        add(level(trim_silence(clip)))
        timings.append(TimedSegment(segment, start / sample_rate, samples / sample_rate))
        if segment.pause_after:
            add(silence(segment.pause_after, sample_rate))
    if sting is not None:
        add(silence(LEAD_OUT, sample_rate))
        add(sting)
    audio = ffmpeg.audio_segment_class()(data=b"".join(pieces), sample_width=2, frame_rate=sample_rate, channels=1)
    return audio, tuple(timings)


def _pcm_input(audio) -> list[str]:
    return ["-f", "s16le", "-ar", str(audio.frame_rate), "-ac", "1", "-i", "pipe:0"]


def measure(audio, chain: str | None = None) -> Loudness:
    """Integrated loudness and true peak of the audio (after the filter chain when one is given).

    ffmpeg's ebur128 meter agrees with pyloudnorm to 0.1 LU here; loudnorm's own analysis
    reads speech about 0.4 LU louder, so it is not used.
    """
    meter = "ebur128=peak=true:framelog=quiet"
    result = ffmpeg.run([*_pcm_input(audio), "-af", f"{chain},{meter}" if chain else meter, "-f", "null", "-"],
                        stdin=audio.raw_data, what="measuring loudness")
    return parse_ebur128(result.stderr.decode(errors="replace"))


def parse_ebur128(log: str) -> Loudness:
    """The summary figures from ffmpeg's ebur128 log."""
    integrated = re.findall(r"I:\s+(-?[\d.]+|-inf) LUFS", log)
    peak = re.findall(r"Peak:\s+(-?[\d.]+|-inf) dBFS", log)
    if not integrated or not peak:
        raise BriefingError("measuring loudness failed: ffmpeg printed no measurement")
    return Loudness(float(integrated[-1]), float(peak[-1]))


def mastering_filter(gain_db: float, options: MasterOptions) -> str:
    """A linear gain, then a look-ahead limiter holding peaks under the ceiling less a margin.

    The margin covers inter-sample peaks and the overshoot MP3 encoding adds.
    """
    ceiling = 10 ** ((options.true_peak - TRUE_PEAK_MARGIN) / 20)
    return (f"aresample={options.sample_rate},aformat=sample_fmts=dbl,volume={gain_db:.3f}dB,"
            f"alimiter=limit={ceiling:.5f}:attack=5:release=50:level=disabled")


def encode_mp3(audio, gain_db: float, destination: str | Path, options: MasterOptions) -> None:
    """Apply the mastering chain with this gain and encode a constant-bitrate mono MP3."""
    ffmpeg.run([*_pcm_input(audio), "-af", mastering_filter(gain_db, options), "-ar", str(options.sample_rate),
                "-ac", "1", "-c:a", "libmp3lame", "-b:a", f"{options.bitrate}k", "-f", "mp3", str(destination)],
               stdin=audio.raw_data, what="encoding MP3")


def measure_file(path: str | Path) -> Loudness:
    """Loudness of an audio file as a player would decode it."""
    result = ffmpeg.run(["-i", str(path), "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"],
                        what="measuring loudness")
    return parse_ebur128(result.stderr.decode(errors="replace"))


def master_to_mp3(audio, destination: str | Path, options: MasterOptions = MasterOptions()) -> Loudness:
    """Master the whole briefing to the target loudness as encoded, and return what the MP3 measures.

    One linear gain keeps speech natural (loudnorm's own second pass turns to dynamic compression
    when the peaks do not allow a linear gain, and then misses the target by half a unit or more).
    The limiter shaves loudness off speech whose peaks stand 18-23 dB above it, and the MP3 codec
    another 0.4 dB, so the encoded file is measured and the gain corrected by secant steps until
    it lands within LOUDNESS_TOLERANCE (one correction at the default target).
    """
    if options.sample_rate not in (22050, 44100):
        raise BriefingError(f"sample rate must be 22050 or 44100, not {options.sample_rate}")
    before = measure(audio)
    if math.isinf(before.integrated) or before.integrated <= -70:
        raise BriefingError("the rendered briefing is silent")
    gain, slope = options.loudness - before.integrated, 1.0
    previous: tuple[float, float] | None = None
    for _ in range(MASTERING_PASSES):
        encode_mp3(audio, gain, destination, options)
        result = measure_file(destination)
        miss = options.loudness - result.integrated
        if abs(miss) <= LOUDNESS_TOLERANCE:
            break
        if previous is not None and gain != previous[0]:
            # Loudness gained per dB of gain: below 1 where the limiter is already working.
            slope = min(1.0, max(0.2, (result.integrated - previous[1]) / (gain - previous[0])))
        previous = (gain, result.integrated)
        gain += miss / slope
    return result


@dataclass(frozen=True)
class Tags:
    """ID3 tags for an episode."""

    title: str
    show: str
    date: str  # ISO date
    comment: str
    length_ms: int
    cover_png: bytes | None = None
    chapters: tuple[Chapter, ...] = ()


def write_tags(path: str | Path, tags: Tags) -> None:
    """Write ID3v2.4 tags to an MP3: text frames, cover art, and chapters (CHAP frames, with the
    source URL of each story, under a CTOC table of contents)."""
    from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLEN, TPE1, WXXX, CTOCFlags

    id3 = ID3()
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
    for element_id, chapter in zip(ids, tags.chapters):
        sub_frames = [TIT2(encoding=3, text=chapter.title)]
        if chapter.url:
            sub_frames.append(WXXX(encoding=3, desc="Source", url=chapter.url))
        id3.add(CHAP(element_id=element_id, start_time=round(chapter.start * 1000), end_time=round(chapter.end * 1000),
                     sub_frames=sub_frames))
    if ids:
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                     sub_frames=[TIT2(encoding=3, text="Chapters")]))
    id3.save(str(path), v2_version=4)
