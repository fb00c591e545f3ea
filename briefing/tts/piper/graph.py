"""Changes to a Piper voice's ONNX graph that make it faster to run, or run in less memory, and
leave what it says alone: its convolutions made two-dimensional for ONNX Runtime's fastest kernels
and the graph split before its decoder (every voice's optimised copy), and the convolutions its
fast int8 copy quantises.

Imported only where a copy is made (once per voice and machine): onnx takes 0.1 s to import."""

from __future__ import annotations

import re

import numpy
import onnx
from onnx import helper, numpy_helper

HEIGHT_AXIS = "briefing_height_axis"  # the initializer naming axis 2, where the convolutions' height of 1 goes
LATENT = "briefing_latent"  # the tensor between a split voice's two parts: what its decoder turns into samples
DECODER = "/dec/"  # how Piper's exported voices name the VITS decoder's nodes (HiFi-GAN)


def two_dimensional_convolutions(model: onnx.ModelProto) -> onnx.ModelProto:
    """The model with each one-dimensional convolution (Conv or ConvTranspose whose weights are a
    3-D initializer) run as a two-dimensional one of height 1, between an Unsqueeze and a Squeeze.

    Why: ONNX Runtime runs 2-D convolutions in a blocked channel layout (NCHWc, at its highest
    optimisation level, on processors with AVX2 or AVX-512) with kernels much faster than the
    unfold-and-multiply it uses for 1-D ones, and Piper's voices are 1-D convolutions above all
    (HiFi-GAN's decoder, the flow). Measured on one thread here (AVX-512): 18% less synthesis time
    for the joe voice, the same samples within 4 in 32767. Where the blocked layout is not
    available, the 2-D convolutions run as the 1-D ones did, as fast.

    Convolutions whose weights are not an initializer (the quantised ones of a fast copy, fed by
    DequantizeLinear) are left as they are."""
    graph = model.graph
    weights = {initializer.name: initializer for initializer in graph.initializer}
    opset = next((entry.version for entry in model.opset_import if entry.domain in ("", "ai.onnx")), 0)
    if opset >= 13:  # the axes are an input since opset 13, an attribute before
        graph.initializer.append(numpy_helper.from_array(numpy.array([2], dtype=numpy.int64), HEIGHT_AXIS))
        axes, axes_attribute = [HEIGHT_AXIS], {}
    else:
        axes, axes_attribute = [], {"axes": [2]}
    nodes = []
    for node in graph.node:
        weight = (
            weights.get(node.input[1]) if node.op_type in ("Conv", "ConvTranspose") and len(node.input) > 1 else None
        )
        if weight is None or len(weight.dims) != 3:
            nodes.append(node)
            continue
        weight.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(weight)[:, :, None, :], weight.name))
        for attribute in node.attribute:
            attribute.ints[:] = _two_dimensional(attribute.name, list(attribute.ints))
        flat_input, flat_output = node.input[0], node.output[0]
        node.input[0], node.output[0] = f"{flat_input}/{node.name}/2d", f"{flat_output}/2d"
        nodes += [
            helper.make_node(
                "Unsqueeze", [flat_input, *axes], [node.input[0]], name=f"{node.name}/unsqueeze", **axes_attribute
            ),
            node,
            helper.make_node(
                "Squeeze", [node.output[0], *axes], [flat_output], name=f"{node.name}/squeeze", **axes_attribute
            ),
        ]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.value_info[:]  # the shapes recorded for the rewritten tensors no longer hold
    return model


def _two_dimensional(attribute: str, values: list[int]) -> list[int]:
    """A 1-D convolution's attribute for the same convolution in 2-D, over a height of 1."""
    if attribute in ("kernel_shape", "strides", "dilations", "output_shape"):
        return [1, *values]
    if attribute == "pads":  # [begin, end] -> [top, begin, bottom, end]
        return [0, values[0], 0, values[1]]
    if attribute == "output_padding":
        return [0, *values]
    return values  # group and auto_pad are no list of axes: the same in 2-D


def convolutions_to_quantize(graph) -> list[str]:
    """The convolutions of a Piper (VITS) graph that the fast copy quantises: the flow's (/flow/),
    and the decoder's first (/dec/conv_pre/) and those of its residual blocks (/dec/resblocks.N/)
    before the last upsampling stage's (the decoder has as many residual blocks after each of its
    upsampling layers). The flow runs after the duration predictor, so the timing stays the voice's."""
    block = re.compile(r"/dec/resblocks\.(\d+)/")
    blocks = {int(found.group(1)) for node in graph.node if (found := block.match(node.name))}
    stages = sum(node.op_type == "ConvTranspose" and node.name.startswith("/dec/") for node in graph.node)
    if not blocks or not stages:
        return []
    before_last_stage = len(blocks) - len(blocks) // stages
    return [
        node.name
        for node in graph.node
        if node.op_type == "Conv"
        and (
            node.name.startswith(("/flow/", "/dec/conv_pre/"))
            or ((found := block.match(node.name)) and int(found.group(1)) < before_last_stage)
        )
    ]


def split_at_decoder(model: onnx.ModelProto) -> tuple[onnx.ModelProto, onnx.ModelProto] | None:
    """The model as two: the part that reads phonemes and writes the latent frames (its output
    named LATENT), and the decoder, which turns LATENT into the samples the model wrote; None when
    the decoder reads more than one tensor computed from the inputs (a voice of several speakers
    reads the speaker's too).

    Why: the decoder's activations grow with the length of what it decodes, and decoding a long
    sentence whole took 340 MB on top of the 145 MB of a loaded voice. Its output for a frame
    depends only on a few neighbouring frames, so runtime.DecodedInPieces decodes a sentence in
    pieces, for the same samples. The decoder is the nodes named DECODER and all computed from
    them; the constant nodes they read (the dequantised weights of a fast copy) go with them."""
    graph = model.graph
    constant = {initializer.name for initializer in graph.initializer} | {""}
    for node in graph.node:  # in topological order, as ONNX requires
        if all(name in constant for name in node.input):
            constant.update(node.output)
    decoding = set()
    for node in graph.node:
        if node.name.startswith(DECODER) or any(name in decoding for name in node.input):
            decoding.update(node.output)
    decoder_nodes = [node for node in graph.node if decoding.issuperset(node.output)]
    read = {name for node in decoder_nodes for name in node.input} - decoding - constant
    outputs = {value.name for value in graph.output}
    if len(read) != 1 or not outputs <= decoding:
        return None
    latent = read.pop()
    front_nodes = _needed([node for node in graph.node if not decoding.issuperset(node.output)], {latent})
    decoding |= constant  # with the constants the decoder reads
    decoder_nodes = _needed([node for node in graph.node if decoding.issuperset(node.output)], outputs)
    latent_value = helper.make_tensor_value_info(LATENT, onnx.TensorProto.FLOAT, None)
    front = _part(model, front_nodes, list(graph.input), [latent_value], latent)
    decoder = _part(model, decoder_nodes, [latent_value], list(graph.output), latent)
    return front, decoder


def _needed(nodes: list, outputs: set[str]) -> list:
    """The nodes, of `nodes` and in their order, that compute what `outputs` are computed from."""
    wanted, kept = set(outputs), []
    for node in reversed(nodes):
        if wanted.intersection(node.output):
            kept.append(node)
            wanted.update(node.input)
    return kept[::-1]


def _part(model: onnx.ModelProto, nodes: list, inputs: list, outputs: list, latent: str) -> onnx.ModelProto:
    """A model of nodes with the initializers they read, the tensor latent renamed LATENT."""
    read = {name for node in nodes for name in node.input}
    initializers = [item for item in model.graph.initializer if item.name in read]
    part = helper.make_model(
        helper.make_graph(nodes, model.graph.name, inputs, outputs, initializers),  # copies of them
        opset_imports=model.opset_import,
        ir_version=model.ir_version,
    )
    for node in part.graph.node:
        node.input[:] = [LATENT if name == latent else name for name in node.input]
        node.output[:] = [LATENT if name == latent else name for name in node.output]
    return part
