"""Stitching, sting, music and mastering, measured on the decoded output."""

import numpy as np
import pytest

from briefing.audio import master, mix
from briefing.errors import BriefingError
from briefing.ffmpeg import AudioSegment, decode
from briefing.model import Segment

RATE = 22050


pytestmark = pytest.mark.usefixtures("each_ffmpeg")  # users have their own ffmpeg: every test runs with each


def tone(seconds: float, frequency: float = 440.0, level: float = 0.3):
    t = np.arange(int(seconds * RATE)) / RATE
    pcm = (np.sin(2 * np.pi * frequency * t) * level * 32767).astype("<i2").tobytes()
    return AudioSegment(data=pcm, sample_width=2, frame_rate=RATE, channels=1)


def test_stitch_places_clips_and_pauses_exactly():
    segments = [Segment("body", "a", "a", 0.3), Segment("body", "b", "b", 0.8), Segment("body", "c", "c", 0.0)]
    clips = [tone(1.0), tone(0.5), tone(0.25)]
    sting = mix.make_sting(RATE)
    stitched, timings = mix.stitch(segments, clips, RATE, sting)
    lead = len(sting.raw_data) // 2 + int(mix.LEAD_IN * RATE)
    starts = [round(t.start * RATE) for t in timings]
    ends = [round(t.end * RATE) for t in timings]
    assert starts == [lead, lead + 22050 + 6615, lead + 22050 + 6615 + 11025 + 17640]
    assert [e - s for s, e in zip(starts, ends, strict=True)] == [22050, 11025, 5512]
    total = ends[-1] + int(mix.LEAD_OUT * RATE) + len(sting.raw_data) // 2
    assert len(stitched.raw_data) // 2 == total


def test_stitch_levels_clips_to_one_speech_level():
    segments = [Segment("body", "a", "a", 0.0)] * 2
    _, timings = mix.stitch(segments, [tone(1.0, level=0.9), tone(1.0, level=0.05)], RATE)
    stitched, _ = mix.stitch(segments, [tone(1.0, level=0.9), tone(1.0, level=0.05)], RATE)
    first, second = stitched[:1000], stitched[1000:]
    assert abs(first.dBFS - second.dBFS) < 0.1
    assert abs(first.dBFS - mix.SPEECH_LEVEL_DBFS) < 0.1


def test_sting_is_short_and_quieter_than_speech():
    sting = mix.make_sting(RATE)
    assert 0.8 < sting.duration_seconds < 2.0
    assert sting.dBFS == pytest.approx(mix.SPEECH_LEVEL_DBFS - mix.STING_BELOW_SPEECH_DB, abs=0.2)


def test_music_is_cut_and_faded(tmp_path):
    long_music = tone(30.0, 220.0)
    path = tmp_path / "music.wav"
    long_music.export(path, format="wav")
    music = mix.load_music(path, RATE)
    assert music.duration_seconds == pytest.approx(mix.MUSIC_MAX_SECONDS, abs=0.05)
    assert music[-50:].dBFS < music[1000:2000].dBFS - 20  # faded out


def test_music_that_is_not_audio(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not music")
    with pytest.raises(BriefingError, match="decoding music file"):
        mix.load_music(path, RATE)


def test_silence_is_refused(tmp_path):
    with pytest.raises(BriefingError, match="silent"):
        master.master_to_file(mix.silence(3.0, RATE), tmp_path / "x.mp3")


def test_decode_reads_what_ffmpeg_reads(tmp_path):
    path = tmp_path / "t.wav"
    tone(1.0).export(path, format="wav")
    assert decode(path, 16000).frame_rate == 16000
    assert decode(path.read_bytes(), 22050).duration_seconds == pytest.approx(1.0, abs=0.01)


def test_edge_silence_is_trimmed_to_a_small_margin():
    padded = mix.silence(0.4, RATE) + tone(1.0) + mix.silence(0.6, RATE)
    trimmed = mix.trim_silence(padded)
    assert trimmed.duration_seconds == pytest.approx(1.0 + 2 * mix.EDGE_KEEP_MS / 1000, abs=0.006)
    assert mix.trim_silence(tone(1.0)).duration_seconds == pytest.approx(1.0, abs=0.001)
    assert mix.trim_silence(mix.silence(1.0, RATE)).duration_seconds == pytest.approx(1.0)


def test_stitching_2000_segments_gives_the_exact_sample_count():
    clips = [tone(0.05 + (n % 7) * 0.01) for n in range(2000)]
    segments = [Segment("body", "t", "t", 0.3 if n % 5 else 0.8) for n in range(2000)]
    stitched, timings = mix.stitch(segments, clips, RATE)
    expected = sum(len(c.raw_data) // 2 for c in clips) + sum(int(s.pause_after * RATE) for s in segments)
    assert len(stitched.raw_data) // 2 == expected
    assert timings[-1].end * RATE == pytest.approx(expected - int(0.3 * RATE), abs=1)


def test_decode_stops_at_what_is_used(tmp_path):
    """A long file (intro music of two hours, say) is decoded only as far as it is used."""
    path = tmp_path / "long.wav"
    tone(60.0).export(path, format="wav")
    assert decode(path, RATE, at_most=1.5).duration_seconds == pytest.approx(1.5, abs=0.01)
    assert mix.load_music(path, RATE).duration_seconds == pytest.approx(mix.MUSIC_MAX_SECONDS, abs=0.05)


@pytest.mark.parametrize(
    "readings, goal_offset, passes",
    [
        ([-18.6], 0.5, 1),  # one meter step (0.1 LU) from the goal -18.5: done (0.1 came out as 0.10000000000000142)
        ([-18.7, -18.5], 0.5, 2),  # two steps away: one more pass
        ([-18.6, -18.6, -18.6, -18.6], 0.0, 4),  # never closer to -19.0: stops after MASTERING_PASSES
    ],
)
def test_gain_search_stops_within_the_tolerance(monkeypatch, readings, goal_offset, passes):
    """The search counts passes through the mastering chain; the meter reads in 0.1 LU steps."""
    monkeypatch.setattr(master, "kept", lambda name: {})  # a known codec loss, so no encoding runs
    monkeypatch.setattr(master, "keep", lambda *args: None)
    monkeypatch.setattr(master, "codec_loss", lambda *args: goal_offset)
    chained = iter(readings)
    calls = []

    def meter(audio, chain=None):
        calls.append(chain)
        return -26.2 if chain is None else next(chained)

    monkeypatch.setattr(master, "measure", meter)
    master.find_gain(mix.silence(1.0, RATE), master.MasterOptions())
    assert len([chain for chain in calls if chain is not None]) == passes
