"""espeak-ng: the classic formant synthesiser, used when `espeak-ng` is on PATH."""

from __future__ import annotations

import io
import shutil
import subprocess
import wave

from ..errors import BriefingError
from ..ffmpeg import AudioSegment
from .base import Engine, EngineSettings, VoiceInfo, register

DEFAULT_WORDS_A_MINUTE = 175  # espeak-ng's own default pace


def espeak_exe() -> str | None:
    return shutil.which("espeak-ng")


@register
class EspeakEngine(Engine):
    name = "espeak"
    max_chars = 1000  # espeak-ng gets the text as an argument
    accepts_ipa = False  # its [[ ]] blocks take its own phoneme codes, not IPA
    default_pace = (0.33, 0.1)

    def __init__(self, voice: str, rate: float = 1.0):
        self.voice = voice
        self.language = voice  # espeak-ng's voices are named by language: en-us, en-gb, en-gb-scotland
        self.rate = rate
        self.sample_rate = 22050

    def identity(self) -> dict:
        return {"name": self.name, "voice": self.voice, **({} if self.rate == 1.0 else {"rate": self.rate})}

    def synthesize(self, text: str):
        words_a_minute = str(round(DEFAULT_WORDS_A_MINUTE * self.rate))
        result = subprocess.run(
            [espeak_exe() or "espeak-ng", "-v", self.voice, "-s", words_a_minute, "--stdout", text], capture_output=True
        )
        if result.returncode != 0:
            raise BriefingError(f"espeak-ng failed: {result.stderr.decode(errors='replace').strip()}")
        with wave.open(io.BytesIO(result.stdout)) as wav:
            rate, pcm = wav.getframerate(), wav.readframes(wav.getnframes())
        return AudioSegment(data=pcm, sample_width=2, frame_rate=rate, channels=1)

    @classmethod
    def create(cls, settings: EngineSettings, options=None) -> EspeakEngine:
        if espeak_exe() is None:
            raise BriefingError("engine 'espeak' needs espeak-ng on PATH (e.g. apt-get install espeak-ng)")
        voice = settings.voice or ("en-us" if settings.lang == "en" else settings.lang)
        known = {info.voice for info in cls.voices()}
        if voice not in known:
            raise BriefingError(f"unknown espeak-ng voice {voice!r}")
        return cls(voice, settings.rate)

    @classmethod
    def voices(cls) -> list[VoiceInfo]:
        exe = espeak_exe()
        if exe is None:
            return [VoiceInfo("espeak", "en-us", "en", 22050, False, "espeak-ng not installed")]
        listing = subprocess.run([exe, "--voices"], capture_output=True, text=True).stdout.splitlines()[1:]
        found = []
        for line in listing:
            fields = line.split()
            if len(fields) >= 4:
                found.append(VoiceInfo("espeak", fields[1], fields[1], 22050, True, "offline"))
        return found
