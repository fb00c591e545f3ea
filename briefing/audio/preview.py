"""A short clip of a voice, normalised and mastered as an episode would be: `briefing preview`."""

from __future__ import annotations

from pathlib import Path

from ..errors import BriefingError
from ..files import StagedFiles, ensure_writable_dir, slugify, writing_errors
from ..model import Segment
from ..script import ScriptOptions
from ..script.compose import speak_sentence, split_sentences
from ..tts import Speaker
from . import master, mix
from .formats import audio_format

PREVIEW_MAX_CHARS = 1000


def preview(
    text: str,
    speaker: Speaker,
    rendering: ScriptOptions,
    mastering: master.MasterOptions = master.MasterOptions(),
    destination: Path | None = None,
) -> Path:
    """The speaker's voice saying text, spoken as the script would say it (rendering) and mastered,
    to compare voices and rates; written to destination (default: output/preview-ENGINE-VOICE.mp3,
    or the suffix of the mastering's format)."""
    if not text.strip():
        raise BriefingError("nothing to preview: give some text")
    if len(text) > PREVIEW_MAX_CHARS:
        raise BriefingError(f"a preview is at most {PREVIEW_MAX_CHARS} characters; render longer texts with make")
    voice = speaker.main
    spoken = [
        spoken
        for sentence in split_sentences(text)
        for _, spoken in speak_sentence(sentence, rendering.max_chars, rendering.speech)
        if spoken.strip()
    ]
    clips = [clip.set_frame_rate(voice.sample_rate) for clip in voice.synthesize_all(spoken)]
    segments = [Segment("body", piece, piece, rendering.sentence_pause) for piece in spoken]
    stitched, _ = mix.stitch(segments, clips, voice.sample_rate)
    suffix = audio_format(mastering.format).suffix
    destination = Path(destination or Path("output") / f"preview-{voice.name}-{slugify(voice.voice)}{suffix}")
    ensure_writable_dir(destination.parent)
    with writing_errors(destination.parent), StagedFiles() as staged:
        master.master_to_file(stitched, staged.path(destination), mastering)
    return destination
