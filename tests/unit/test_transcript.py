"""Transcripts and chapters from the segment times: speakers labelled when two voices speak, and
text that survives the readers of each format."""

import subprocess

import srt
import webvtt

from briefing.ffmpeg import ffmpeg_exe
from briefing.model import SegmentRecord
from briefing.publish.sidefiles import cues
from briefing.publish.sidefiles.srt import srt as to_srt
from briefing.publish.sidefiles.webvtt import webvtt as to_webvtt


def record(index: int, kind: str, start: float, text: str, voice: str | None = None) -> SegmentRecord:
    return SegmentRecord(
        index, kind, 0 if kind in ("headline", "body") else None, 0, start, start + 1.0, text, text, voice
    )


ONE_VOICE = (
    record(0, "intro", 0.0, "This is the Desk."),
    record(1, "body", 1.5, 'He wrote "<visible>" & left.'),
    record(2, "body", 3.0, ""),
)  # the second piece of a sentence cut for the engine
TWO_VOICES = (
    record(0, "intro", 0.0, "This is the Desk.", "espeak:en-gb"),
    record(1, "body", 1.5, "Troops landed."),
    record(2, "body", 3.0, '"We will stay,"', "espeak:en-gb"),
    record(3, "body", 4.2, "he said."),
)


def test_one_voice_has_no_speaker_and_a_cut_sentence_is_one_cue():
    found = cues(ONE_VOICE)
    assert [(c.start, c.end, c.speaker) for c in found] == [(0.0, 1.0, None), (1.5, 4.0, None)]


def test_two_voices_name_their_roles_in_webvtt_and_srt(tmp_path):
    found = cues(TWO_VOICES)
    assert [c.speaker for c in found] == ["Host", "Anchor", "Quote", "Anchor"]
    path = tmp_path / "t.vtt"
    path.write_text(to_webvtt(found))
    assert [(caption.voice, caption.text) for caption in webvtt.read(str(path))] == [
        ("Host", "This is the Desk."),
        ("Anchor", "Troops landed."),
        ("Quote", '"We will stay,"'),
        ("Anchor", "he said."),
    ]
    assert [s.content for s in srt.parse(to_srt(found))][2] == 'Quote: "We will stay,"'


def test_angle_brackets_survive_an_srt_reader(tmp_path):
    def read_back(text: str) -> str:
        path = tmp_path / "t.srt"
        path.write_text(text)
        # ffmpeg's SRT decoder, like players', takes <...> for formatting and drops what it does not know.
        return subprocess.run(
            [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "webvtt", "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert "visible" not in read_back("1\n00:00:00,000 --> 00:00:01,000\nHe wrote <visible> and left.\n")  # the problem
    assert "‹visible›" in read_back(to_srt(cues(ONE_VOICE)))
