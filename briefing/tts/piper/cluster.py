"""Piper as Dask tasks (`pip install 'briefing[cluster]'`): only segments the cache lacks travel,
as (voice, text) tasks; each worker process loads a voice once (VoicePlugin, which the client
registers on every worker, those that join later included) with ONNX Runtime on one thread, and
sends back 16-bit PCM, which the driver puts back in script order. A worker killed mid-task is
Dask's to retry on another; a cluster that goes away is one clear error, and what was made is
already cached. The connection itself is briefing.tts.cluster's."""

from __future__ import annotations

import threading
import weakref

from distributed import WorkerPlugin, as_completed, get_worker

from ...errors import BriefingError
from .runtime import load_voice, speak
from .voices import find_voice

VOICE_PLUGIN = "briefing-voices"  # the worker plugin holding each worker's loaded voices


def _voice_plugin_class():
    class VoicePlugin(WorkerPlugin):
        """Loads each Piper voice once per worker process, ONNX Runtime on one thread."""

        name = VOICE_PLUGIN
        idempotent = True

        def setup(self, worker) -> None:
            self.voices = {}

        def voice(self, name: str):
            if name not in self.voices:
                files = find_voice(name)
                self.voices[name] = load_voice(files.model, files.config, threads=1)
            return self.voices[name]

    return VoicePlugin


def speak_task(voice: str, text: str, variation: bool, rate: float) -> tuple[bytes, str]:
    """On a worker: (PCM of voice saying text, the worker's address)."""
    worker = get_worker()
    return speak(worker.plugins[VOICE_PLUGIN].voice(voice), text, variation, rate), worker.address


_REGISTERING = threading.Lock()
_REGISTERED: weakref.WeakSet = weakref.WeakSet()  # the clients whose workers have the plugin


def load_voices_on(client) -> None:
    """Have every worker of the client's cluster (later ones too) load voices once, on one thread.
    Registered once per client: briefings made at once on one client (batch) registering it again
    each raced Dask's replacing of the plugin, and a task could find none (KeyError)."""
    with _REGISTERING:
        if client not in _REGISTERED:
            client.register_plugin(_voice_plugin_class()())
            _REGISTERED.add(client)


def speak_on(client, voice: str, texts: list[str], variation: bool, rate: float, done=None) -> list[tuple[bytes, str]]:
    """(PCM, worker) for each text, in the order given, made on the cluster; done(position, pcm)
    as each arrives, so what is made is kept even if the cluster goes away."""
    futures = client.map(
        speak_task, [voice] * len(texts), texts, [variation] * len(texts), [rate] * len(texts), pure=False
    )
    position_of = {future.key: position for position, future in enumerate(futures)}
    results: list = [None] * len(texts)
    try:
        for future in as_completed(futures):
            position = position_of[future.key]
            results[position] = future.result()
            if done:
                done(position, results[position][0])
    except BriefingError:
        raise
    except Exception as error:  # the cluster went away, or a task could not be run anywhere
        client.cancel(futures)
        reason = " ".join(str(error).split())
        raise BriefingError(
            f"the cluster failed: {type(error).__name__}: {reason}; what was made is cached, so running again resumes"
        ) from None
    return results
