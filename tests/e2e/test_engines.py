"""The engine seam: an engine registered from outside briefing (here, this test module) renders a
briefing end to end through make, with no edit to briefing's code."""

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import decode_to_array

from briefing import MakeOptions, make
from briefing.errors import BriefingError
from briefing.ffmpeg import AudioSegment
from briefing.options import CacheOptions, VoiceOptions
from briefing.tts import Engine, EngineSettings, VoiceInfo, create_engine, engine_class, engine_names, register


@register
class ToneEngine(Engine):
    """Speaks in tones: a short beep for every word, its pitch from the word's length."""

    name = "tones"
    max_chars = 80
    default_pace = (0.2, 0.05)

    def __init__(self, voice: str = "beeps"):
        self.voice, self.sample_rate = voice, 16000

    @classmethod
    def create(cls, settings: EngineSettings, options=None) -> "ToneEngine":
        return cls(settings.voice or "beeps")

    @classmethod
    def voices(cls) -> list[VoiceInfo]:
        return [VoiceInfo("tones", "beeps", "none", 16000, True, "a test engine")]

    def synthesize(self, text: str):
        time = np.arange(int(0.15 * self.sample_rate)) / self.sample_rate
        beeps = [
            np.concatenate([0.5 * np.sin(2 * np.pi * (300 + 40 * len(word)) * time), np.zeros(800)])
            for word in text.split()
        ] or [np.zeros(800)]
        pcm = (np.concatenate(beeps) * 32767).astype("<i2").tobytes()
        return AudioSegment(data=pcm, sample_width=2, frame_rate=self.sample_rate, channels=1)


def test_a_registered_engine_is_known_everywhere():
    assert "tones" in engine_names() and engine_class("tones") is ToneEngine
    assert isinstance(create_engine("tones", EngineSettings()), ToneEngine)
    with pytest.raises(BriefingError, match="unknown engine 'nope' \\(choose from .*tones"):
        create_engine("nope")


def test_a_registered_engine_renders_a_briefing_end_to_end(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text(
        "Council agrees budget\n\nThe city council agreed the budget on Tuesday. "
        "It pays for new buses and twelve bridges, the mayor said."
    )
    episode = make(
        [str(source)],
        MakeOptions(
            output_dir=tmp_path / "out",
            voice=VoiceOptions(engine="tones"),
            cache=CacheOptions(folder=tmp_path / "cache"),
        ),
    )
    record = json.loads(Path(episode.metadata_json).read_text())
    assert (episode.engine, episode.voice) == ("tones", "beeps")
    assert {segment["made_by"] for segment in record["segments"]} == {"tones/beeps"}
    assert all(len(segment["spoken"]) <= ToneEngine.max_chars for segment in record["segments"])  # its limit is kept
    samples = decode_to_array(episode.audio)
    assert len(samples) / 44100 == pytest.approx(record["duration"], abs=0.05) and np.abs(samples).max() > 0.1
