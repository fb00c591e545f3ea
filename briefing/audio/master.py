"""Stage 4, audio: stitch clips with pauses and a sting, master the loudness, encode MP3, tag it.

Clips are levelled to one speech level first (Piper peak-normalises every sentence, so raw
sentences differ in loudness) and joined in one pass; the whole briefing is then measured, given
one linear gain under a look-ahead limiter, and encoded once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from .. import ffmpeg
from ..errors import BriefingError
from ..model import Segment, TimedSegment
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
LOUDNESS_TOLERANCE = 0.1  # LU from the goal at which the gain search stops
MASTERING_PASSES = 4  # measurements at most, searching for the gain
CODEC_EXCERPT_MS = 30_000
TYPICAL_CODEC_LOSS = 0.4  # LU the MP3 encoder takes off speech: the first guess, measured each time
MASTERING_VERSION = 2  # part of the key of mastered briefings in the cache: raise it when mastering changes
STING_VERSION = 1  # the same for make_sting
TRUE_PEAK_MARGIN = 0.7  # dB kept in hand for inter-sample peaks and the overshoot MP3 encoding adds


@dataclass(frozen=True)
class MasterOptions:
    """Loudness and encoding targets."""

    loudness: float = -19.0  # integrated LUFS; -19 mono is the -16 LUFS stereo podcast norm
    true_peak: float = -1.0  # dBTP ceiling
    bitrate: int = 64  # kbps, constant
    sample_rate: int = 44100  # 44100 or 22050

    def __post_init__(self) -> None:
        # Checked when made, so a library caller hears of a bad value before any synthesis.
        if not (isinstance(self.loudness, (int, float)) and -30 <= self.loudness <= -10):
            raise BriefingError(f"loudness must be from -30 to -10 LUFS, not {self.loudness}")
        if not (isinstance(self.true_peak, (int, float)) and -9 <= self.true_peak <= 0):
            raise BriefingError(f"true peak must be from -9 to 0 dBTP, not {self.true_peak}")
        if not (isinstance(self.bitrate, int) and 32 <= self.bitrate <= 320):
            raise BriefingError(f"bitrate must be from 32 to 320 kbps, not {self.bitrate}")
        if self.sample_rate not in (22050, 44100):
            raise BriefingError(f"sample rate must be 22050 or 44100, not {self.sample_rate}")


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
    import numpy as np  # here, not at the top: a render served from the cache never needs it
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
    music = ffmpeg.decode(Path(path), sample_rate, what=f"music file {path}", at_most=MUSIC_MAX_SECONDS + 1)
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


def measure(audio, chain: str | None = None) -> float:
    """Integrated loudness (LUFS) of the audio, after the filter chain when one is given.

    ffmpeg's ebur128 meter agrees with pyloudnorm to 0.1 LU here; loudnorm's own analysis
    reads speech about 0.4 LU louder, so it is not used.
    """
    result = ffmpeg.run([*_pcm_input(audio), "-af", f"{chain},{ffmpeg.LOUDNESS_METER}" if chain else ffmpeg.LOUDNESS_METER, "-f", "null", "-"],
                        stdin=audio.raw_data, what="measuring loudness")
    return parse_ebur128(result.stderr.decode(errors="replace"))


def parse_ebur128(log: str) -> float:
    """The integrated loudness from ffmpeg's ebur128 summary."""
    found = re.findall(r"I:\s+(-?[\d.]+|-inf) LUFS", log)
    if not found:
        raise BriefingError("measuring loudness failed: ffmpeg printed no measurement")
    return float(found[-1])


def mastering_filter(gain_db: float, options: MasterOptions) -> str:
    """A linear gain, then a look-ahead limiter holding peaks under the ceiling less a margin.

    The margin covers inter-sample peaks and the overshoot MP3 encoding adds.
    """
    ceiling = 10 ** ((options.true_peak - TRUE_PEAK_MARGIN) / 20)
    return (f"aresample={options.sample_rate},aformat=sample_fmts=dbl,volume={gain_db:.3f}dB,"
            f"alimiter=limit={ceiling:.5f}:attack=5:release=50:level=disabled")


def _encode_args(options: MasterOptions) -> list[str]:
    # LAME -q 7 encodes in half the time of its default -q 5; on speech at 64 kbps its error
    # against the source measured no worse (16.6 dB SNR against 16.5).
    return ["-ar", str(options.sample_rate), "-ac", "1", "-c:a", "libmp3lame", "-b:a", f"{options.bitrate}k",
            "-compression_level", "7", "-f", "mp3"]


def codec_loss(audio, gain_db: float, options: MasterOptions) -> float:
    """How much loudness the MP3 encoder takes off (about 0.4 LU, even on a sine), measured on an
    excerpt of this audio encoded in memory."""
    middle = len(audio) // 2
    excerpt = audio[max(0, middle - CODEC_EXCERPT_MS // 2) : middle + CODEC_EXCERPT_MS // 2]
    chain = mastering_filter(gain_db, options)
    mp3 = ffmpeg.run([*_pcm_input(excerpt), "-af", chain, *_encode_args(options), "pipe:1"], stdin=excerpt.raw_data,
                     what="encoding MP3").stdout
    decoded = ffmpeg.run(["-i", "pipe:0", "-af", ffmpeg.LOUDNESS_METER, "-f", "null", "-"], stdin=mp3,
                         what="measuring loudness")
    return measure(excerpt, chain) - parse_ebur128(decoded.stderr.decode(errors="replace"))


def master_to_mp3(audio, destination: str | Path, options: MasterOptions = MasterOptions()) -> float:
    """Master the whole briefing to the target loudness and encode it once; returns the loudness
    the MP3 is expected to measure.

    One linear gain keeps speech natural (loudnorm's own second pass turns to dynamic compression
    when the peaks do not allow a linear gain, and then misses the target by half a unit or more).
    The limiter shaves loudness off speech whose peaks stand 18-23 dB above it, so the gain is found
    by secant steps on the PCM through the mastering chain; the codec's own loss is measured on an
    excerpt, alongside the first step, and made good in the same gain.
    """
    from concurrent.futures import ThreadPoolExecutor

    before = measure(audio)
    if math.isinf(before) or before <= -70:
        raise BriefingError("the rendered briefing is silent")
    gain = options.loudness - before + TYPICAL_CODEC_LOSS
    with ThreadPoolExecutor(1) as pool:  # a second ffmpeg at once: mastering has both cores to itself
        loss = pool.submit(codec_loss, audio, gain, options)
        reached = measure(audio, mastering_filter(gain, options))
        goal = options.loudness + loss.result()
    steps = [(gain, reached)]
    while abs(goal - reached) > LOUDNESS_TOLERANCE and len(steps) < MASTERING_PASSES:
        slope = 1.0
        if len(steps) > 1 and steps[-1][0] != steps[-2][0]:
            # Loudness gained per dB of gain: below 1 where the limiter is already working.
            slope = min(1.0, max(0.2, (steps[-1][1] - steps[-2][1]) / (steps[-1][0] - steps[-2][0])))
        gain += (goal - reached) / slope
        reached = measure(audio, mastering_filter(gain, options))
        steps.append((gain, reached))
    ffmpeg.run([*_pcm_input(audio), "-af", mastering_filter(gain, options), *_encode_args(options), str(destination)],
               stdin=audio.raw_data, what="encoding MP3")
    return reached - (goal - options.loudness)


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
