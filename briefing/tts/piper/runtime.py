"""Piper voices loaded with ONNX Runtime on a chosen number of threads, and spoken. Everything that
runs Piper (in this process, in worker processes, on a cluster) speaks through these; every voice
loads from an optimised copy, made on its first load (see optimised_session).

numpy is imported before ONNX Runtime: left to ONNX Runtime's C extension, numpy is imported
through its C API, which prints the traceback of a Ctrl-C arriving meanwhile and turns it into an
ImportError. This module is imported only by what speaks (ONNX Runtime, numpy and Piper take
0.35 s that listing voices or a render from the cache never needs)."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from pathlib import Path

import numpy  # noqa: F401  first, as the docstring says
import onnxruntime
from piper import PiperVoice, SynthesisConfig
from piper.config import PiperConfig
from piper.voice import ESPEAK_DATA_DIR

from .folders import cached_voices_folder

GRAPH_VERSION = 1  # part of the optimised copies' names: raise it when graph.two_dimensional_convolutions changes
# Piper rounds each phoneme up to whole frames, so speech speeds up only as length_scale^-0.7:
# length_scale = rate^-1.43 gave the asked pace within 8% on four sentences, 0.8x to 1.5x.
RATE_EXPONENT = 1.43


def load_voice(model: Path, config: Path, threads: int = 0):
    """A PiperVoice whose ONNX Runtime session uses `threads` intra-op threads (0: one per core).

    PiperVoice.load always takes ONNX Runtime's default, a pool as wide as the machine; worker
    processes each need one thread, or they fight over the cores (45% slower measured here).
    On one thread its convolutions run two-dimensional (see optimised_session), 18% faster; on
    more, ONNX Runtime shares that work among the threads less well than the one-dimensional
    (ten sentences on two threads: 2.07 s against 1.93 s), so they stay as they are."""

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Memory patterns are planned and kept per input shape, and every sentence has its own: over an
    # hour of sentences a worker grew to 640-720 MB with them, 550 MB without, at the same speed.
    options.enable_mem_pattern = False
    return PiperVoice(
        config=PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8"))),
        session=optimised_session(model, options, two_dimensional=(threads or os.cpu_count() or 1) == 1),
        espeak_data_dir=Path(ESPEAK_DATA_DIR),
        download_dir=Path.cwd(),
    )


def optimised_session(model: Path, options, two_dimensional: bool):
    """An ONNX Runtime session of the model, loaded from its optimised copy in the user cache folder.

    Optimising is most of loading a voice (0.2-0.3 s of 0.3-0.4 s here), and every render that
    synthesises loads it, in each worker; the copy loads in 0.06-0.08 s with no optimisation left
    to do. two_dimensional: the copy's convolutions made two-dimensional (graph.py: 18% less
    synthesis time on one thread), optimised at ONNX Runtime's highest level, whose blocked layout
    fits this processor's instruction sets; otherwise the model as it is, with only the portable
    optimisations (the "extended" level). The copy is written whole or not at all (renamed into
    place); one that ONNX Runtime cannot read is made again."""

    copy = optimised_copy_path(model, two_dimensional)
    if copy.is_file():
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        try:
            return onnxruntime.InferenceSession(str(copy), sess_options=options, providers=["CPUExecutionProvider"])
        except Exception:  # damaged: ONNX Runtime raises its own classes, with no common base but Exception
            copy.unlink(missing_ok=True)
    if two_dimensional:
        from . import graph  # onnx: 0.15-1.2 s to import, for making a copy alone

        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        source = graph.two_dimensional_convolutions(graph.onnx.load(str(model))).SerializeToString()
    else:
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        source = str(model)
    try:
        copy.parent.mkdir(parents=True, exist_ok=True)
        descriptor, made = tempfile.mkstemp(dir=copy.parent, prefix=".optimising-", suffix=".onnx")
        os.close(descriptor)
    except OSError:  # a read-only cache folder: optimised on every load
        return onnxruntime.InferenceSession(source, sess_options=options, providers=["CPUExecutionProvider"])
    try:
        options.optimized_model_filepath = made
        # At the highest level ONNX Runtime warns, on stderr, that such a copy is for this machine: it is.
        options.log_severity_level = 3
        session = onnxruntime.InferenceSession(source, sess_options=options, providers=["CPUExecutionProvider"])
        os.replace(made, copy)
    finally:
        Path(made).unlink(missing_ok=True)
    return session


def optimised_copy_path(model: Path, two_dimensional: bool) -> Path:
    """Where the model's optimised copy is kept: named by the model's path, size and date and by
    ONNX Runtime's version (its optimised graphs use its own fused operators); a two-dimensional
    copy by GRAPH_VERSION and the processor too (processor_identity), so machines sharing a cache
    folder each make their own."""

    stat = model.stat()
    made_of = f"{model.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{onnxruntime.__version__}"
    if two_dimensional:
        made_of += f":2d:{GRAPH_VERSION}:{processor_identity()}"
    return cached_voices_folder() / f"{model.stem}-optimised-{hashlib.sha256(made_of.encode()).hexdigest()[:16]}.onnx"


def processor_identity() -> str:
    """What ONNX Runtime's highest optimisation level depends on: the architecture and, where the
    system lists them (Linux), the instruction sets; elsewhere the processor's name. (It warns
    that such a copy is for the machine that made it: the blocked layout is 16 channels wide with
    AVX-512, 8 with AVX2.)"""

    try:  # the first processor's line is enough: read no further (the kernel writes each on demand)
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as cpuinfo:
            features = next((line.strip() for line in cpuinfo if line.startswith(("flags", "Features"))), "")
    except OSError:
        features = ""
    # platform.processor() runs `uname -p` (4 ms), and says nothing on Linux: only where no list was read
    return f"{platform.machine()}:{features or platform.processor()}"


def speak(voice, text: str, variation: bool = True, rate: float = 1.0) -> bytes:
    """16-bit PCM of voice saying text, rate times as fast as the voice's own pace (through its
    phoneme length scale, so the pitch stays). variation=False turns off the model's random noise,
    so the same text always gives the same samples."""
    config = SynthesisConfig(length_scale=voice.config.length_scale * rate**-RATE_EXPONENT)
    if not variation:
        config.noise_scale = config.noise_w_scale = 0.0
    return b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text, config))
