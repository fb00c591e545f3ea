"""Where Piper voices are kept: the user's voices folder, and the cache folder of the copies made
of them (fast int8 copies, optimised copies)."""

from __future__ import annotations

import hashlib
import os
import platform
from importlib.metadata import PackageNotFoundError, packages_distributions, version
from pathlib import Path

from platformdirs import user_data_dir

from ...files import user_cache_folder

GRAPH_VERSION = 2  # part of the two-dimensional copies' names: raise it when graph.py's changes to them change
LATENT = "briefing_latent"  # the tensor between a split copy's two parts (graph.split_at_decoder)


def user_voices_folder() -> Path:
    """Where a user drops Piper voices (.onnx with .onnx.json) to make them usable by name."""
    return Path(user_data_dir("briefing")) / "voices"


def cached_voices_folder() -> Path:
    return user_cache_folder() / "voices"


def optimised_copy_path(model: Path, two_dimensional: bool) -> Path:
    """Where the model's optimised copy is kept (runtime.optimised_session): named by the model's
    path, size and date and by ONNX Runtime's version (its optimised graphs use its own fused
    operators; read from the installed package, so finding a copy imports none of it); a
    two-dimensional copy by GRAPH_VERSION and the processor too (processor_identity), so machines
    sharing a cache folder each make their own. A copy split before its decoder keeps the decoder
    beside it (decoder_copy_path)."""

    stat = model.stat()
    made_of = f"{model.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{runtime_version()}"
    if two_dimensional:
        made_of += f":2d:{GRAPH_VERSION}:{processor_identity()}"
    return cached_voices_folder() / f"{model.stem}-optimised-{hashlib.sha256(made_of.encode()).hexdigest()[:16]}.onnx"


def decoder_copy_path(copy: Path) -> Path:
    """Where the decoder of an optimised copy split before it is kept: beside the copy."""
    return copy.with_name(f"{copy.stem}-decoder.onnx")


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


def runtime_version() -> str:
    """The installed ONNX Runtime's version, from its package's metadata (importing it takes 0.35 s):
    the onnxruntime distribution's, or that of whichever provides the module (onnxruntime-gpu...)."""
    try:
        return version("onnxruntime")
    except PackageNotFoundError:
        return next((version(name) for name in packages_distributions().get("onnxruntime", ())), "unknown")


def is_two_dimensional(threads: int) -> bool:
    """Whether a voice loaded for `threads` ONNX Runtime threads (0: one per core) runs from the
    two-dimensional copy: on one thread it is faster (2-18% measured on two machines); on two, the
    model's own convolutions are (6.29 s against 7.3 s for eight sentences here)."""
    return (threads or os.cpu_count() or 1) == 1
