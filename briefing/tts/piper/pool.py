"""Piper in worker processes: each loads the voice once and runs ONNX Runtime on one thread (two
processes on two cores are 5-12% faster than one process on both; scripts/bench measures it).
Sentences are handed out in the order given (the caller puts long ones before short ones, so no
worker is left with a long one while the others wait).

The workers are forked once per process and voice, and kept for later renders: a process that
renders again (a server, a batch, a test run) reuses their loaded voice, and is not forked again
while threads of its own (a progress bar, a server, a recogniser's pools) may hold a lock the
forked child would wait on for ever."""

from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ...errors import WorkerDied
from .runtime import load_voice, speak  # ONNX Runtime and Piper: imported before forking, so workers start with them
from .voices import PiperVoiceFiles

PARENT_CHECK_SECONDS = 0.5

_worker_voice = None  # in a worker process: the voice it loaded once
_pools: dict = {}  # (model, config, workers) -> the live ProcessPoolExecutor speaking that voice
# Renders made at once (batch, the service) ask for the pool together: one of them forks it.
_FORKING = threading.RLock()  # re-entered when _pool drops a broken pool


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

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _worker_speak(text: str, variation: bool, rate: float) -> bytes:
    return speak(_worker_voice, text, variation, rate)


def _worker_ready() -> None:
    """Nothing: submitted to have the workers forked (each loads the voice as it starts)."""


def start_workers(files: PiperVoiceFiles, workers: int) -> None:
    """Fork the workers for this voice now, if they are not running, and have them load it."""
    _pool(files, workers).submit(_worker_ready)


def _key(files: PiperVoiceFiles, workers: int) -> tuple:
    return files.model, files.config, workers


def _pool(files: PiperVoiceFiles, workers: int):
    """The live worker processes speaking this voice, forked on first use, and forked anew when one
    of the kept ones died while idle (the executor then refuses all work)."""
    key = _key(files, workers)
    with _FORKING:
        pool = _pools.get(key)
        if pool is not None and pool._broken:
            _drop(key, pool)
            pool = None
        return pool or _forked(key, files, workers)


def _drop(key: tuple, pool) -> None:
    """End the pool's workers at once, and forget it unless another render has already forked its
    successor under the same key."""
    with _FORKING:
        if _pools.get(key) is pool:
            del _pools[key]
    _stop_at_once(pool)


def _forked(key: tuple, files: PiperVoiceFiles, workers: int):
    """A new pool of worker processes for this voice, kept under key."""
    if not _pools:
        atexit.register(_shut_down_pools)
    # fork, not spawn or forkserver: those re-run the caller's main module in every worker, which
    # breaks scripts that call briefing without an `if __name__ == "__main__"` guard.
    pool = _pools[key] = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_load_worker_voice,
        initargs=(files.model, files.config, os.getpid()),
    )
    return pool


def speak_in_processes(
    files: PiperVoiceFiles,
    texts: list[str],
    workers: int,
    variation: bool,
    rate: float,
    done: Callable[[int, bytes], None] | None = None,
) -> list[bytes]:
    """16-bit PCM for each text, in the order given, spoken by `workers` processes; done(position,
    pcm) as each is made."""

    key = _key(files, workers)
    pool = _pool(files, workers)
    spoken: list = [None] * len(texts)
    try:
        futures = {pool.submit(_worker_speak, text, variation, rate): position for position, text in enumerate(texts)}
        for future in as_completed(futures):
            position = futures[future]
            spoken[position] = future.result()
            if done:
                done(position, spoken[position])
    except BrokenProcessPool:  # a worker died: while this render spoke, or in another that shared the pool
        _drop(key, pool)
        raise WorkerDied("a Piper worker process died; run again to resume from the cache") from None
    except BaseException:
        _drop(key, pool)
        raise
    return spoken


def _shut_down_pools() -> None:
    """At exit, while the interpreter is whole: the workers finish and are joined."""
    while _pools:
        _pools.popitem()[1].shutdown(wait=True)


def _stop_at_once(pool) -> None:
    """Drop the queued sentences and end the workers mid-sentence, so Ctrl-C or a failure does not
    wait for what they are speaking (Python 3.14's terminate_workers does the same)."""
    pool.shutdown(wait=False, cancel_futures=True)
    for process in list((pool._processes or {}).values()):
        process.kill()
