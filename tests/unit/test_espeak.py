"""The espeak-ng engine, where espeak-ng is installed (scripts/test installs it with apt-get when it can)."""

import pytest
from helpers import needs_espeak

from briefing.errors import BriefingError
from briefing.tts import EngineSettings, create_engine, list_voices


@needs_espeak
def test_speaks():
    engine = create_engine("espeak")
    clip = engine.synthesize("General Haftar met the French commandos.")
    assert engine.voice == "en-us" and clip.duration_seconds > 1.0 and clip.dBFS > -40


@needs_espeak
def test_voices_are_listed_as_usable():
    espeak = [v for v in list_voices() if v.engine == "espeak"]
    assert len(espeak) > 20 and all(v.usable for v in espeak)
    assert "en-us" in {v.voice for v in espeak}


@needs_espeak
def test_unknown_voice():
    with pytest.raises(BriefingError, match="unknown espeak-ng voice 'klingon'"):
        create_engine("espeak", EngineSettings(voice="klingon"))


def test_missing_espeak_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(BriefingError, match="needs espeak-ng on PATH"):
        create_engine("espeak")
