"""The Piper engine: worker processes give the same clips, in the same order, as one process."""

import pytest
from helpers import TEXTS

from briefing.errors import BriefingError
from briefing.tts.piper import PiperEngine


def test_the_default_is_a_worker_per_core():
    import os

    assert PiperEngine().workers == (os.cpu_count() or 1)


def test_variation_is_part_of_the_cache_identity():
    assert PiperEngine(variation=False).identity() != PiperEngine().identity()
    assert PiperEngine(workers=1).identity() == PiperEngine(workers=2).identity()


def test_a_worker_that_dies_is_a_clear_error(monkeypatch):
    from briefing.tts.piper import pool

    monkeypatch.setattr(pool, "_worker_speak", _die)
    with pytest.raises(BriefingError, match="worker process died"):
        PiperEngine(workers=2).synthesize_all(TEXTS)


def _die(text, variation, rate):
    import os

    os._exit(1)


class _Node:
    def __init__(self, name: str, op_type: str):
        self.name, self.op_type = name, op_type


class _Graph:
    def __init__(self, stages: int, blocks_per_stage: int, convolutions_per_block: int = 2):
        self.node = [
            _Node("/enc_p/encoder/conv/Conv", "Conv"),
            _Node("/dp/convs.0/Conv", "Conv"),
            _Node("/flow/flows.0/pre/Conv", "Conv"),
            _Node("/flow/flows.0/enc/in_layers.0/Conv", "Conv"),
            _Node("/dec/conv_pre/Conv", "Conv"),
        ]
        for stage in range(stages):
            self.node.append(_Node(f"/dec/ups.{stage}/ConvTranspose", "ConvTranspose"))
            for block in range(stage * blocks_per_stage, (stage + 1) * blocks_per_stage):
                self.node += [
                    _Node(f"/dec/resblocks.{block}/convs.{n}/Conv", "Conv") for n in range(convolutions_per_block)
                ]
                self.node.append(_Node(f"/dec/resblocks.{block}/Add", "Add"))
        self.node.append(_Node("/dec/conv_post/Conv", "Conv"))


@pytest.mark.parametrize(
    "stages, blocks_per_stage, blocks_taken",
    [
        (3, 3, range(6)),  # medium and high voices: the last stage's three blocks stay as they are
        (4, 3, range(9)),
        (2, 2, range(2)),
        (1, 3, range(0)),  # one stage: only the flow and the first convolution
    ],
)
def test_the_fast_copy_takes_the_flow_and_the_decoders_first_convolution_and_every_stage_but_the_last(
    stages, blocks_per_stage, blocks_taken
):
    from briefing.tts.piper.graph import convolutions_to_quantize

    taken = convolutions_to_quantize(_Graph(stages, blocks_per_stage))
    assert taken == ["/flow/flows.0/pre/Conv", "/flow/flows.0/enc/in_layers.0/Conv", "/dec/conv_pre/Conv"] + [
        f"/dec/resblocks.{block}/convs.{n}/Conv" for block in blocks_taken for n in range(2)
    ]  # not the encoder's or the durations'


def test_a_graph_without_a_known_decoder_gives_nothing_to_quantise():
    from briefing.tts.piper.graph import convolutions_to_quantize

    graph = _Graph(3, 3)
    graph.node = [node for node in graph.node if not node.name.startswith("/dec/")]  # the flow alone is not enough
    assert convolutions_to_quantize(graph) == []
