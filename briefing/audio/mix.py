"""Mixing: clips levelled to one speech level (Piper peak-normalises every sentence, so raw
sentences differ in loudness), edge silence trimmed, and joined in one pass with each segment's
pause, framed by a synthesised sting or the user's music."""

from __future__ import annotations

import math
from pathlib import Path

from pydub.silence import detect_leading_silence

from .. import ffmpeg
from ..errors import BriefingError
from ..model import Segment, TimedSegment

SPEECH_LEVEL_DBFS = -26.0  # RMS every clip is brought to before mastering; leaves headroom for peaks
CLIP_PEAK_CEILING_DBFS = -1.0
STING_BELOW_SPEECH_DB = 4.0
EDGE_SILENCE_BELOW_PEAK_DB = 50.0  # what counts as silence at a clip's edges, relative to its peak
EDGE_KEEP_MS = 20  # kept of it, so soft onsets and releases are not cut
LEAD_IN = 0.4  # seconds between the sting and the first words
LEAD_OUT = 1.0  # seconds between the last words and the closing sting
MUSIC_MAX_SECONDS = 20.0
MUSIC_FADE_SECONDS = 2.0
STING_VERSION = 1  # part of the key of mastered briefings in the cache: raise it when make_sting changes


def level(clip, target_dbfs: float = SPEECH_LEVEL_DBFS):
    """Bring a clip's RMS level to target_dbfs without letting its peak rise above the clip ceiling."""
    if clip.rms == 0:
        return clip
    gain = min(target_dbfs - clip.dBFS, CLIP_PEAK_CEILING_DBFS - clip.max_dBFS)
    return clip.apply_gain(gain)


def trim_silence(clip, below_peak_db: float = EDGE_SILENCE_BELOW_PEAK_DB, keep_ms: int = EDGE_KEEP_MS):
    """Cut the near-silence engines leave at a clip's edges, keeping keep_ms, so placed pauses are exact."""
    if clip.rms == 0:
        return clip
    threshold = clip.max_dBFS - below_peak_db
    lead = detect_leading_silence(clip, silence_threshold=threshold, chunk_size=5)
    trail = detect_leading_silence(clip.reverse(), silence_threshold=threshold, chunk_size=5)
    return clip[max(0, lead - keep_ms) : max(lead, len(clip) - max(0, trail - keep_ms))]


def silence(seconds: float, sample_rate: int):
    return ffmpeg.AudioSegment.silent(duration=seconds * 1000, frame_rate=sample_rate)


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
        tone = sum(
            weight * np.sin(2 * math.pi * frequency * multiple * time)
            for multiple, weight in ((1, 1.0), (2, 0.35), (3, 0.12), (4.2, 0.05))
        )
        start = int(index * spacing * sample_rate)
        signal[start : start + len(time)] += tone * envelope
    pcm = (signal / np.max(np.abs(signal)) * 0.9 * 32767).astype("<i2").tobytes()
    sting = ffmpeg.AudioSegment(data=pcm, sample_width=2, frame_rate=sample_rate, channels=1)
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


class Stitcher:
    """Joins clips one at a time, in order: each trimmed and levelled, with its segment's pause
    after it, as 16-bit mono PCM at sample_rate; keeps where each segment's clip starts and ends,
    in samples."""

    def __init__(self, sample_rate: int):
        self.sample_rate = sample_rate
        self.chunks: list[bytes] = []
        self.spans: list[tuple[int, int]] = []
        self.samples = 0

    def add_audio(self, *pieces) -> None:
        """Audio that is not a segment's (the sting, the lead-in and lead-out)."""
        for piece in pieces:
            data = piece.set_channels(1).set_sample_width(2).set_frame_rate(self.sample_rate).raw_data
            self.chunks.append(data)
            self.samples += len(data) // 2

    def add(self, segment: Segment, clip) -> None:
        start = self.samples
        self.add_audio(level(trim_silence(clip)))
        self.spans.append((start, self.samples))
        if segment.pause_after:
            self.add_audio(silence(segment.pause_after, self.sample_rate))

    def pcm(self) -> bytes:
        return b"".join(self.chunks)


def opening(sting, sample_rate: int) -> tuple:
    """What comes before the first segment: the sting (or music), then a breath."""
    return (sting, silence(LEAD_IN, sample_rate))


def closing(sting, sample_rate: int) -> tuple:
    """What comes after the last segment's pause: a longer breath, then the sting again."""
    return (silence(LEAD_OUT, sample_rate), sting)


def stitch(segments: tuple[Segment, ...] | list[Segment], clips: list, sample_rate: int, sting=None):
    """Join clips with each segment's pause after it, framed by the sting; returns (audio, timings)."""
    if len(segments) != len(clips):
        raise ValueError("one clip per segment")
    stitcher = Stitcher(sample_rate)
    if sting is not None:
        stitcher.add_audio(*opening(sting, sample_rate))
    for segment, clip in zip(segments, clips, strict=True):
        stitcher.add(segment, clip)
    if sting is not None:
        stitcher.add_audio(*closing(sting, sample_rate))
    audio = ffmpeg.AudioSegment(data=stitcher.pcm(), sample_width=2, frame_rate=sample_rate, channels=1)
    return audio, tuple(
        TimedSegment(segment, start / sample_rate, end / sample_rate)
        for segment, (start, end) in zip(segments, stitcher.spans, strict=True)
    )
