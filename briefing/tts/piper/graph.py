"""Changes to a Piper voice's ONNX graph that make it faster to run and leave what it says alone:
its convolutions made two-dimensional for ONNX Runtime's fastest kernels (every voice's optimised
copy), and the convolutions its fast int8 copy quantises.

Imported only where a copy is made (once per voice and machine): onnx takes 0.15 s to import."""

from __future__ import annotations

import re

import numpy
import onnx
from onnx import helper, numpy_helper

HEIGHT_AXIS = "briefing_height_axis"  # the initializer naming axis 2, where the convolutions' height of 1 goes


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
