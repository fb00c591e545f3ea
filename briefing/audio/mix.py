"""Mixing: clips levelled to one speech level (Piper peak-normalises every sentence, so raw
sentences differ in loudness), edge silence trimmed, and joined in one pass with each segment's
pause, framed by a synthesised sting or the user's music."""

from __future__ import annotations

import math
from pathlib import Path

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


class Stitcher:
    """Joins clips one at a time, in script order, as they come: each trimmed and levelled, with its
    segment's pause after it, framed by the sting. Each call returns the PCM it added (16-bit mono
    at sample_rate), so a caller can master and encode while the rest is still being spoken."""

    def __init__(self, sample_rate: int, sting=None):
        self.sample_rate, self.sting = sample_rate, sting
        self.pieces: list[bytes] = []
        self.timings: list[TimedSegment] = []
        self.samples = 0
        self.opening = self._add(sting, silence(LEAD_IN, sample_rate)) if sting is not None else b""

    def _add(self, *pieces) -> bytes:
        added = []
        for piece in pieces:
            data = piece.set_channels(1).set_sample_width(2).set_frame_rate(self.sample_rate).raw_data
            added.append(data)
            self.samples += len(data) // 2
        self.pieces += added
        return b"".join(added)

    def add(self, segment: Segment, clip) -> bytes:
        start = self.samples
        added = self._add(level(trim_silence(clip)))
        self.timings.append(TimedSegment(segment, start / self.sample_rate, self.samples / self.sample_rate))
        if segment.pause_after:
            added += self._add(silence(segment.pause_after, self.sample_rate))
        return added

    def finish(self) -> bytes:
        return self._add(silence(LEAD_OUT, self.sample_rate), self.sting) if self.sting is not None else b""

    def audio(self):
        """Everything joined so far, as one pydub AudioSegment (every sample copied once)."""
        return ffmpeg.audio_segment_class()(data=b"".join(self.pieces), sample_width=2, frame_rate=self.sample_rate, channels=1)


def stitch(segments: tuple[Segment, ...] | list[Segment], clips: list, sample_rate: int, sting=None):
    """Join clips with each segment's pause after it, framed by the sting; returns (audio, timings)."""
    if len(segments) != len(clips):
        raise ValueError("one clip per segment")
    stitcher = Stitcher(sample_rate, sting)
    for segment, clip in zip(segments, clips):
        stitcher.add(segment, clip)
    stitcher.finish()
    return stitcher.audio(), tuple(stitcher.timings)
