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

import numpy  # first, as the docstring says
import onnxruntime
from piper import PiperVoice, SynthesisConfig
from piper.config import PiperConfig
from piper.voice import ESPEAK_DATA_DIR

from ...files import exclusive_lock
from .folders import LATENT, decoder_copy_path, is_two_dimensional, optimised_copy_path

# Piper rounds each phoneme up to whole frames, so speech speeds up only as length_scale^-0.7:
# length_scale = rate^-1.43 gave the asked pace within 8% on four sentences, 0.8x to 1.5x.
RATE_EXPONENT = 1.43
# A split voice's decoder (DecodedInPieces) decodes at most PIECE_FRAMES latent frames at once (6 s of
# speech for a voice of 22050 Hz, 256 samples a frame), with CONTEXT_FRAMES more on either side whose
# samples are dropped. A sample depends on the frames 12 either side of its own at most for joe (with
# 8, samples differed from decoding the sentence whole by 0.003; with 12 or 16, by 2e-7); Piper's
# high-quality voices' wider decoder reaches 15 by the same count (kernel widths and dilations).
# Pieces of at most 256 frames took 3.8% more synthesis time than decoding whole; of 512, as even as
# they can be, 0.7%.
PIECE_FRAMES = 512
CONTEXT_FRAMES = 16


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
    processor's instruction sets, and split before its decoder (DecodedInPieces); otherwise the model
    as it is, with only the portable optimisations (the "extended" level). A copy is written whole or
    not at all (renamed into place); one that ONNX Runtime cannot read is made again. One process
    makes it (workers starting together each made their own: two cores busy for 1.6 s on a first
    run); another that wants it meanwhile (the other worker) loads the model as shipped, optimised
    in memory at the portable level (0.5 s), rather than wait for the copy with its core idle."""

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
    """A session of the model optimised in memory, as its copy would be but whole, with no copy kept."""
    options.graph_optimization_level = _level(two_dimensional)
    source = _two_dimensional(model, split=False)[0].SerializeToString() if two_dimensional else str(model)
    return _session(source, options)


def _load_copy(copy: Path, options):
    """A session of the optimised copy (with its decoder, when split), or None when there is none (a
    damaged one, or one whose decoder is missing, is removed)."""
    if not copy.is_file():
        return None
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    try:
        session = _session(str(copy), options)
        if session.get_outputs()[0].name != LATENT:
            return session
        return DecodedInPieces(session, _session(str(decoder_copy_path(copy)), options))
    except Exception:  # damaged: ONNX Runtime raises its own classes, with no common base but Exception
        copy.unlink(missing_ok=True)
        decoder_copy_path(copy).unlink(missing_ok=True)
        return None


def _session(source, options):
    """An ONNX Runtime session of source (a model's path, or its bytes) on the processor."""
    return onnxruntime.InferenceSession(source, sess_options=options, providers=["CPUExecutionProvider"])


def _level(two_dimensional: bool):
    levels = onnxruntime.GraphOptimizationLevel
    return levels.ORT_ENABLE_ALL if two_dimensional else levels.ORT_ENABLE_EXTENDED


def _two_dimensional(model: Path, split: bool) -> tuple:
    """The model with its convolutions two-dimensional (graph.py); split before its decoder (front,
    decoder) if asked and it can be (graph.split_at_decoder)."""
    from . import graph  # onnx: 0.1 s to import (0.8 s with ml_dtypes 0.7), for making a copy alone

    rewritten = graph.two_dimensional_convolutions(graph.onnx.load(str(model)))
    return (split and graph.split_at_decoder(rewritten)) or (rewritten,)


def _make_copy(model: Path, copy: Path, options, two_dimensional: bool):
    """A session of the model, optimised now, its optimised graph kept as copy. The two-dimensional
    copy (one thread: the workers') is kept in two parts when it splits before its decoder, the
    decoder written first, so that a copy found has its decoder beside it. A voice on several
    threads stays whole: split, its two sessions' thread pools took 6-15% more time."""
    options.graph_optimization_level = _level(two_dimensional)
    # At the highest level ONNX Runtime warns, on stderr, that such a copy is for this machine: it is.
    options.log_severity_level = 3
    if not two_dimensional:
        return _optimised(str(model), copy, options)
    parts = [part.SerializeToString() for part in _two_dimensional(model, split=True)]
    if len(parts) == 1:
        return _optimised(parts[0], copy, options)
    decoder = _optimised(parts[1], decoder_copy_path(copy), options)
    return DecodedInPieces(_optimised(parts[0], copy, options), decoder)


def _optimised(source, path: Path, options):
    """A session of source (a model's path, or its bytes), optimised now, the optimised graph written
    to path whole or not at all."""
    descriptor, made = tempfile.mkstemp(dir=path.parent, prefix=".optimising-", suffix=".onnx")
    os.close(descriptor)
    try:
        options.optimized_model_filepath = made
        session = _session(source, options)
        os.replace(made, path)
    finally:
        Path(made).unlink(missing_ok=True)
    return session


class DecodedInPieces:
    """A voice split before its decoder (graph.split_at_decoder), run as one session: its first part
    writes a sentence's latent frames, and its decoder turns them into samples a piece at a time
    (pieces). The workers' voices run so (see _make_copy). Decoding a long sentence whole took 340 MB
    of activations, and a worker 485 MB; in pieces of at most 6 s, 277 MB, for 0.7% more synthesis
    time on one thread, and the samples of decoding it whole (within 2e-7)."""

    def __init__(self, front, decoder):
        self.front, self.decoder = front, decoder

    def run(self, output_names, feeds: dict) -> list:
        """What the voice's session returns for feeds: [samples] (output_names: every output, as Piper asks)."""
        latent = self.front.run(None, feeds)[0]
        decoded = []
        frames = latent.shape[-1]
        for start, end, first, last in pieces(frames, PIECE_FRAMES, CONTEXT_FRAMES) or [(0, frames, 0, frames)]:
            samples = self.decoder.run(None, {LATENT: latent[..., first:last]})[0]
            per_frame = samples.shape[-1] // (last - first)
            decoded.append(samples[..., (start - first) * per_frame : (end - first) * per_frame])
        return [numpy.concatenate(decoded, axis=-1)]


def pieces(frames: int, largest: int, context: int) -> list[tuple[int, int, int, int]]:
    """How `frames` latent frames are decoded: as few pieces of at most `largest` frames as there can
    be, of equal length but for rounding, each (start, end, first, last): its frames from start to
    end, decoded with the frames from first to last, `context` more either side where there are any."""
    count = max(1, -(-frames // largest))
    length = max(1, -(-frames // count))
    return [
        (start, min(frames, start + length), max(0, start - context), min(frames, start + length + context))
        for start in range(0, frames, length)
    ]


def speak(voice, text: str, variation: bool = True, rate: float = 1.0) -> bytes:
    """16-bit PCM of voice saying text, rate times as fast as the voice's own pace (through its
    phoneme length scale, so the pitch stays). variation=False turns off the model's random noise,
    so the same text always gives the same samples."""
    config = SynthesisConfig(length_scale=voice.config.length_scale * rate**-RATE_EXPONENT)
    if not variation:
        config.noise_scale = config.noise_w_scale = 0.0
    return b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text, config))
