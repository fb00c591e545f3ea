"""Piper voices loaded with ONNX Runtime on a chosen number of threads, and spoken. Everything that
runs Piper (in this process, in worker processes, on a cluster) speaks through these; every voice
loads from an optimised copy, made on its first load (see optimised_session).

numpy is imported before ONNX Runtime: left to ONNX Runtime's C extension, numpy is imported
through its C API, which prints the traceback of a Ctrl-C arriving meanwhile and turns it into an
ImportError. This module is imported only by what speaks (ONNX Runtime, numpy and Piper take
0.35 s that listing voices or a render from the cache never needs)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy  # noqa: F401  first, as the docstring says
import onnxruntime
from piper import PiperVoice, SynthesisConfig
from piper.config import PiperConfig
from piper.voice import ESPEAK_DATA_DIR

from ...files import exclusive_lock
from .folders import is_two_dimensional, optimised_copy_path

# Piper rounds each phoneme up to whole frames, so speech speeds up only as length_scale^-0.7:
# length_scale = rate^-1.43 gave the asked pace within 8% on four sentences, 0.8x to 1.5x.
RATE_EXPONENT = 1.43


def load_voice(model: Path, config: Path, threads: int = 0):
    """A PiperVoice whose ONNX Runtime session uses `threads` intra-op threads (0: one per core).

    PiperVoice.load always takes ONNX Runtime's default, a pool as wide as the machine; worker
    processes each need one thread, or they fight over the cores (45% slower measured here).
    On one thread its convolutions run two-dimensional (see optimised_session and
    folders.is_two_dimensional); on more, as the model has them."""

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Memory patterns are planned and kept per input shape, and every sentence has its own: over an
    # hour of sentences a worker grew to 640-720 MB with them, 550 MB without, at the same speed.
    options.enable_mem_pattern = False
    return PiperVoice(
        config=PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8"))),
        session=optimised_session(model, options, is_two_dimensional(threads)),
        espeak_data_dir=Path(ESPEAK_DATA_DIR),
        download_dir=Path.cwd(),
    )


def optimised_session(model: Path, options, two_dimensional: bool):
    """An ONNX Runtime session of the model, loaded from its optimised copy in the user cache folder.

    Optimising is most of loading a voice (0.2-0.3 s of 0.3-0.4 s here), and every render that
    synthesises loads it, in each worker; the copy loads in 0.06-0.08 s with no optimisation left
    to do. two_dimensional: the copy's convolutions made two-dimensional (graph.py: less synthesis
    time on one thread), optimised at ONNX Runtime's highest level, whose blocked layout fits this
    processor's instruction sets; otherwise the model as it is, with only the portable
    optimisations (the "extended" level). A copy is written whole or not at all (renamed into
    place); one that ONNX Runtime cannot read is made again. One process makes it (workers
    starting together each made their own: two cores busy for 1.6 s on a first run); another that
    wants it meanwhile (the other worker) loads the model as shipped, optimised in memory at the
    portable level (0.5 s), rather than wait for the copy with its core idle."""

    copy = optimised_copy_path(model, two_dimensional)
    session = _load_copy(copy, options)
    if session is not None:
        return session
    try:
        with exclusive_lock(copy.with_name(copy.name + ".lock"), wait=False) as held:
            if not held:  # another process is making it: speak from the model as shipped meanwhile
                return _in_memory(model, options, two_dimensional=False)
            # made by another process just now, or made here now
            return _load_copy(copy, options) or _make_copy(model, copy, options, two_dimensional)
    except OSError:  # a read-only cache folder: optimised on every load
        return _in_memory(model, options, two_dimensional)


def _in_memory(model: Path, options, two_dimensional: bool):
    """A session of the model optimised in memory, as its copy would be, with no copy kept."""
    options.graph_optimization_level = _level(two_dimensional)
    return onnxruntime.InferenceSession(
        _source(model, two_dimensional), sess_options=options, providers=["CPUExecutionProvider"]
    )


def _load_copy(copy: Path, options):
    """A session of the optimised copy, or None when there is none (a damaged one is removed)."""
    if not copy.is_file():
        return None
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    try:
        return onnxruntime.InferenceSession(str(copy), sess_options=options, providers=["CPUExecutionProvider"])
    except Exception:  # damaged: ONNX Runtime raises its own classes, with no common base but Exception
        copy.unlink(missing_ok=True)
        return None


def _level(two_dimensional: bool):
    levels = onnxruntime.GraphOptimizationLevel
    return levels.ORT_ENABLE_ALL if two_dimensional else levels.ORT_ENABLE_EXTENDED


def _source(model: Path, two_dimensional: bool):
    """What ONNX Runtime optimises: the model's path, or its two-dimensional rewrite (bytes)."""
    if not two_dimensional:
        return str(model)
    from . import graph  # onnx: 0.15-1.2 s to import, for making a copy alone

    return graph.two_dimensional_convolutions(graph.onnx.load(str(model))).SerializeToString()


def _make_copy(model: Path, copy: Path, options, two_dimensional: bool):
    """A session of the model, optimised now, its optimised graph kept as copy."""
    descriptor, made = tempfile.mkstemp(dir=copy.parent, prefix=".optimising-", suffix=".onnx")
    os.close(descriptor)
    try:
        options.graph_optimization_level = _level(two_dimensional)
        options.optimized_model_filepath = made
        # At the highest level ONNX Runtime warns, on stderr, that such a copy is for this machine: it is.
        options.log_severity_level = 3
        session = onnxruntime.InferenceSession(
            _source(model, two_dimensional), sess_options=options, providers=["CPUExecutionProvider"]
        )
        os.replace(made, copy)
    finally:
        Path(made).unlink(missing_ok=True)
    return session


def speak(voice, text: str, variation: bool = True, rate: float = 1.0) -> bytes:
    """16-bit PCM of voice saying text, rate times as fast as the voice's own pace (through its
    phoneme length scale, so the pitch stays). variation=False turns off the model's random noise,
    so the same text always gives the same samples."""
    config = SynthesisConfig(length_scale=voice.config.length_scale * rate**-RATE_EXPONENT)
    if not variation:
        config.noise_scale = config.noise_w_scale = 0.0
    return b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text, config))
