"""The fast copy of a Piper voice (NAME-int8): its decoder's convolutions quantised to 8 bits.
Imported only while a copy is made (voices.fast_copy): onnx and the quantizer take 0.5 s."""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import io
import logging
from pathlib import Path

import numpy  # numpy before ONNX Runtime's modules: see runtime.py
import onnx
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static

from ...errors import BriefingError
from .folders import cached_voices_folder
from .graph import convolutions_to_quantize
from .runtime import load_voice

DATA = Path(__file__).parent / "data"
CALIBRATION_TEXT = DATA / "calibration.txt"  # what the fast copies' ranges are measured on
# ONNX Runtime keeps measured ranges in a file it reads instead of calibrating (1.32 and later)
KEEPS_RANGES = "calibration_cache_path" in inspect.signature(quantize_static).parameters


def kept_ranges(model: Path) -> Path:
    """The file of the model's measured ranges: shipped for the bundled voice (data/ranges-DIGEST.json,
    so a new user's first fast copy takes 3.3 s, not 15 s of calibrating), else kept in the user
    cache once measured. Named by the model's digest: ranges fit only the graph they were measured on."""
    with open(model, "rb") as source:
        digest = hashlib.file_digest(source, "sha256").hexdigest()[:16]
    shipped = DATA / f"ranges-{digest}.json"
    return shipped if shipped.is_file() else cached_voices_folder() / f"ranges-{digest}.json"


def quantize(model: Path, config: Path, destination: Path, name: str) -> None:
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

    class CalibrationSpeech(CalibrationDataReader):
        """The model's input for CALIBRATION_TEXT, as one utterance (the percentile calibration
        wants every input the same shape)."""

        def __init__(self):
            spoken = load_voice(model, config)
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

    ranges = kept_ranges(model) if KEEPS_RANGES else None
    graph = onnx.load(str(model), load_external_data=False).graph
    chosen = convolutions_to_quantize(graph)
    if not chosen:
        raise BriefingError(f"piper voice {name!r} has no decoder this version knows how to quantise")
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # it logs a warning for each tensor it leaves as it is (dozens)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # and the calibration prints its progress
            quantize_static(
                str(model),
                str(destination),
                None if ranges and ranges.is_file() else CalibrationSpeech(),
                quant_format=QuantFormat.QDQ,
                op_types_to_quantize=["Conv"],
                nodes_to_quantize=chosen,
                per_channel=True,
                activation_type=QuantType.QUInt8,
                weight_type=QuantType.QInt8,
                calibrate_method=CalibrationMethod.Percentile,
                **({"calibration_cache_path": str(ranges)} if ranges else {}),
            )
    finally:
        root.setLevel(level)
