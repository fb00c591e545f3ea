"""The audio stage's front door: render(speaker, script, options) is the episode's sound, mastered and
encoded a piece at a time while the voice speaks (pieces.py), with every segment's times and the
episode's record (what was said, by which voice, and when)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import SegmentCache
from ..model import EpisodeRecord, Progress, Script, SegmentRecord, StoryRecord, TimedSegment
from ..script.compose import lead_sentence
from ..settings import check_settings, setting
from ..tts import Speaker
from . import mix, pieces, transcript
from .formats import audio_format
from .master import MasterOptions


@dataclass(frozen=True)
class AudioOptions:
    """Stage 4: the opening and the mastered file."""

    music: Path | None = setting(None, "Intro music file instead of the generated sting", flag="--music")
    master: MasterOptions = field(default_factory=MasterOptions)  # loudness, bitrate, sample rate, format

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True)
class EpisodeAudio:
    """The episode's sound before tagging: its mastered, encoded pieces (made now, or by earlier
    renders of the same clips), with every segment's times, and its record."""

    timings: tuple[TimedSegment, ...]
    duration: float
    made_by: list[str]
    pieces: tuple[bytes, ...]  # the format's frames, piece after piece
    audio_format: str
    record: EpisodeRecord
    fell_back: int = 0

    def write_audio(self, destination: Path) -> None:
        """The mastered, untagged file at destination."""
        audio_format(self.audio_format).join(list(self.pieces), destination)


def render(
    speaker: Speaker,
    script: Script,
    options: AudioOptions,
    cache: SegmentCache | None = None,
    progress: Progress | None = None,
) -> EpisodeAudio:
    """The episode's sound, a piece at a time (pieces.py): pieces earlier renders made from the same
    clips come from the cache; for the others, what the cache lacks is spoken, and each piece is
    joined with its pauses (and the sting), mastered and encoded as soon as its clips are there,
    while the voice is still speaking. When the opening's gain misses the whole (rare), the gain is
    found on the whole and the pieces are made again with it."""
    sound = _rendered(speaker, script, options, cache, progress, whole_gain=False)
    if sound is None:
        sound = _rendered(speaker, script, options, cache, progress, whole_gain=True)
    if cache:
        cache.prune()
    return sound


def _rendered(
    speaker: Speaker,
    script: Script,
    options: AudioOptions,
    cache: SegmentCache | None,
    progress: Progress | None,
    whole_gain: bool,
) -> EpisodeAudio | None:
    """The episode's sound with one gain for every piece, found on the opening (on the whole with
    whole_gain); None when the opening's gain misses the whole."""
    rate = speaker.sample_rate
    music = options.music
    mastering = pieces.PieceMaster(
        script.segments,
        rate,
        lambda: mix.load_music(music, rate) if music else mix.make_sting(rate),
        options.master,
        cache,
        _clip_entry(speaker, script, cache) if cache else None,
        framing(options),
        whole_gain,
    )
    try:
        spoken = speaker.speak(script, mastering.add, cache, progress, mastering.needed(), mastering.speaking_order())
        if progress:
            progress("mastering", 0, 1)
        mastered = mastering.finish()
    except BaseException:
        mastering.abort()
        raise
    if not mastered.on_target and not whole_gain:
        return None
    record = episode_record(script, speaker, mastered.timings, mastered.duration, spoken.made_by, options, cache)
    return EpisodeAudio(
        mastered.timings,
        mastered.duration,
        spoken.made_by,
        mastered.pieces,
        options.master.format,
        record,
        spoken.fell_back,
    )


def _clip_entry(speaker: Speaker, script: Script, cache: SegmentCache) -> Callable[[int], list | None]:
    """For each segment (by index), the cache entry of its clip: its name, and when it was made, so
    that a clip made again (after `check --fix`, say) makes new pieces; None when it is not there."""

    def entry(index: int) -> list | None:
        try:
            path = speaker.cached_clip(cache, script.segments[index])
            stat = path.stat()
        except FileNotFoundError:
            return None
        return [path.stem, stat.st_mtime_ns, stat.st_ino, stat.st_size]

    return entry


def framing(options: AudioOptions) -> list | None:
    """What frames the episode, as the pieces' keys name it: the sting, or the music file as it is
    now (None when it cannot be read: loading it says what is wrong)."""
    if not options.music:
        return ["sting", mix.STING_VERSION]
    try:
        music = options.music.stat()
    except OSError:
        return None
    return [str(options.music.resolve()), music.st_size, music.st_mtime_ns]


def episode_record(
    script: Script,
    speaker: Speaker,
    timings: tuple[TimedSegment, ...],
    duration: float,
    made_by: list[str],
    options: AudioOptions,
    cache: SegmentCache | None = None,
) -> EpisodeRecord:
    """The episode's record: what was said, by which voice, and when; its chapters."""
    master = options.master
    return EpisodeRecord(
        title=script.title,
        show=script.show,
        date=script.date,
        duration=round(duration, 3),
        engine=speaker.main.name,
        voice=speaker.main.voice,
        loudness_target_lufs=master.loudness,
        bitrate_kbps=master.bitrate,
        sample_rate=master.sample_rate,
        audio_format=master.format,
        cache_hits=cache.hits if cache else None,
        cache_misses=cache.misses if cache else None,
        stories=tuple(
            StoryRecord(
                story.title, story.public_source, story.url, story.outlet, lead_sentence(script, index), story.dropped
            )
            for index, story in enumerate(script.stories)
        ),
        chapters=tuple(transcript.chapters(script, timings, duration)),
        segments=tuple(
            SegmentRecord(
                index,
                timed.segment.kind,
                timed.segment.story,
                timed.segment.paragraph,
                timed.start,
                timed.end,
                timed.segment.text,
                timed.segment.spoken,
                timed.segment.voice,
                made_by[index] if made_by else None,
            )
            for index, timed in enumerate(timings)
        ),
    )
