"""A Piper voice's graph changes compute what the voice did: its 1-D convolutions made 2-D, the voice split
before its decoder (and the pieces the decoder runs in)."""

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from briefing.tts.piper.folders import LATENT
from briefing.tts.piper.graph import split_at_decoder, two_dimensional_convolutions

CHANNELS, LENGTH = 16, 50


def _model(op_type: str, weight_shape: tuple, opset: int = 15, **attributes) -> onnx.ModelProto:
    """One convolution of a [1, CHANNELS, LENGTH] input, then a LeakyRelu, as Piper's decoder has."""
    generator = np.random.default_rng(7)
    weight = numpy_helper.from_array(generator.normal(0, 0.2, weight_shape).astype(np.float32), "weight")
    outputs = weight_shape[0] if op_type == "Conv" else weight_shape[1] * attributes.get("group", 1)
    bias = numpy_helper.from_array(generator.normal(0, 0.1, outputs).astype(np.float32), "bias")
    graph = helper.make_graph(
        [
            helper.make_node(op_type, ["x", "weight", "bias"], ["convolved"], name=f"/dec/{op_type}", **attributes),
            helper.make_node("LeakyRelu", ["convolved"], ["y"], alpha=0.1),
        ],
        "voice",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, CHANNELS, LENGTH])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "channels", "length"])],
        [weight, bias],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def _run(model: onnx.ModelProto, level) -> np.ndarray:
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = level
    session = onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    x = np.random.default_rng(3).normal(0, 1, (1, CHANNELS, LENGTH)).astype(np.float32)
    return session.run(None, {"x": x})[0]


@pytest.mark.parametrize(
    "op_type, weight_shape, attributes",
    [
        (
            "Conv",
            (CHANNELS, CHANNELS, 3),
            {"kernel_shape": [3], "pads": [1, 1]},
        ),  # a residual block's first convolution
        ("Conv", (CHANNELS, CHANNELS, 7), {"kernel_shape": [7], "dilations": [3], "pads": [9, 9]}),  # dilated
        (
            "Conv",
            (8, CHANNELS // 2, 4),
            {"kernel_shape": [4], "strides": [2], "pads": [1, 2], "group": 2},
        ),  # strided, grouped, uneven pads
        ("Conv", (1, CHANNELS, 7), {"kernel_shape": [7], "pads": [3, 3]}),  # the output convolution: one channel
        ("Conv", (CHANNELS, CHANNELS, 5), {"kernel_shape": [5], "auto_pad": "SAME_UPPER"}),
        (
            "ConvTranspose",
            (CHANNELS, 8, 16),
            {"kernel_shape": [16], "strides": [8], "pads": [4, 4]},
        ),  # an upsampling layer
        (
            "ConvTranspose",
            (CHANNELS, 8, 4),
            {"kernel_shape": [4], "strides": [2], "pads": [1, 1], "output_padding": [1]},
        ),
    ],
)
@pytest.mark.parametrize("opset", [15, 11])  # Unsqueeze's axes: an input from opset 13, an attribute before
def test_a_convolution_made_two_dimensional_computes_what_it_did(op_type, weight_shape, attributes, opset):
    original = _model(op_type, weight_shape, opset, **attributes)
    expected = _run(original, onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    rewritten = two_dimensional_convolutions(_model(op_type, weight_shape, opset, **attributes))
    onnx.checker.check_model(rewritten)
    assert [node.op_type for node in rewritten.graph.node] == ["Unsqueeze", op_type, "Squeeze", "LeakyRelu"]
    assert len(next(init for init in rewritten.graph.initializer if init.name == "weight").dims) == 4
    for level in (
        onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
    ):
        found = _run(
            rewritten, level
        )  # at the highest level, in ONNX Runtime's blocked layout where the processor has one
        assert found.shape == expected.shape
        np.testing.assert_allclose(found, expected, rtol=1e-4, atol=1e-4)


def test_a_convolution_whose_weights_are_computed_is_left_as_it_is():
    """The quantised convolutions of a fast copy take their weights from DequantizeLinear."""
    model = _model("Conv", (CHANNELS, CHANNELS, 3), kernel_shape=[3], pads=[1, 1])
    graph = model.graph
    graph.node.insert(0, helper.make_node("Identity", ["weight"], ["dequantized"]))
    graph.node[1].input[1] = "dequantized"
    rewritten = two_dimensional_convolutions(model)
    assert [node.op_type for node in rewritten.graph.node] == ["Identity", "Conv", "LeakyRelu"]
    assert len(next(init for init in rewritten.graph.initializer if init.name == "weight").dims) == 3


def _voice(speakers: int = 1) -> onnx.ModelProto:
    """A voice in miniature: its front scales the phonemes' frames (and adds the speaker's, with
    several), its decoder ("/dec/") convolves them with weights dequantised from int8, as a fast copy's are."""
    generator = np.random.default_rng(5)
    weight = numpy_helper.from_array(generator.integers(-100, 100, (CHANNELS, CHANNELS, 3)).astype(np.int8), "weight")
    scale = numpy_helper.from_array(np.array(0.01, dtype=np.float32), "scale")
    two = numpy_helper.from_array(np.array(2.0, dtype=np.float32), "two")
    nodes = [
        helper.make_node("Mul", ["x", "two"], ["frames"], name="/Mul"),
        helper.make_node("DequantizeLinear", ["weight", "scale"], ["weight_float"], name="weight_DequantizeLinear"),
        helper.make_node("Conv", ["frames", "weight_float"], ["convolved"], name="/dec/conv", pads=[1, 1]),
        helper.make_node("Tanh", ["convolved"], ["output"], name="/dec/Tanh"),
    ]
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, CHANNELS, "frames"])]
    if speakers > 1:  # the decoder reads the speaker too: two tensors computed from the inputs
        inputs.append(helper.make_tensor_value_info("speaker", TensorProto.FLOAT, [1, CHANNELS, 1]))
        nodes.insert(3, helper.make_node("Add", ["convolved", "speaker"], ["conditioned"], name="/dec/Add"))
        nodes[-1].input[0] = "conditioned"
    graph = helper.make_graph(
        nodes,
        "voice",
        inputs,
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, None)],
        [weight, scale, two],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])


def test_a_voice_split_before_its_decoder_computes_in_two_parts_what_it_did_whole():
    whole = _voice()
    front, decoder = split_at_decoder(whole)
    assert [node.name for node in front.graph.node] == ["/Mul"]
    assert [node.name for node in decoder.graph.node] == ["weight_DequantizeLinear", "/dec/conv", "/dec/Tanh"]
    assert [value.name for value in decoder.graph.input] == [LATENT] == [value.name for value in front.graph.output]

    def session(model):
        return onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])

    x = np.random.default_rng(3).normal(0, 1, (1, CHANNELS, LENGTH)).astype(np.float32)
    latent = session(front).run(None, {"x": x})[0]
    assert np.array_equal(session(decoder).run(None, {LATENT: latent})[0], session(whole).run(None, {"x": x})[0])


def test_a_voice_whose_decoder_reads_more_than_its_latent_frames_is_not_split():
    assert split_at_decoder(_voice(speakers=2)) is None


@pytest.mark.parametrize(
    "frames, expected",
    [
        (0, []),  # none: decoded whole, as the voice would
        (1, [(0, 1, 0, 1)]),
        (512, [(0, 512, 0, 512)]),
        (513, [(0, 257, 0, 273), (257, 513, 241, 513)]),  # two pieces, not one and a frame
        (1200, [(0, 400, 0, 416), (400, 800, 384, 816), (800, 1200, 784, 1200)]),
    ],
)
def test_a_sentence_is_decoded_in_as_few_even_pieces_as_fit_with_frames_either_side(frames, expected):
    from briefing.tts.piper.runtime import pieces

    assert pieces(frames, largest=512, context=16) == expected
