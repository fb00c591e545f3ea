"""The Piper engine: worker processes give the same clips, in the same order, as one process."""

import numpy as np
import pytest
from helpers import TEXTS

from briefing.tts.piper import PiperEngine


@pytest.fixture(scope="module")
def serial_clips():
    return PiperEngine(workers=1, variation=False).synthesize_all(TEXTS)


def test_workers_give_the_serial_clips_in_script_order(serial_clips):
    finished = []
    parallel = PiperEngine(workers=2, variation=False).synthesize_all(
        TEXTS, lambda position, clip: finished.append(position)
    )
    assert sorted(finished) == list(range(len(TEXTS)))
    assert [len(clip.raw_data) for clip in parallel] == [len(clip.raw_data) for clip in serial_clips]
    # one ONNX thread or two round differently: a few LSBs
    for ours, theirs in zip(parallel, serial_clips, strict=True):
        difference = np.abs(
            np.frombuffer(ours.raw_data, np.int16).astype(int) - np.frombuffer(theirs.raw_data, np.int16)
        )
        assert difference.max() <= 8
    lengths = [clip.duration_seconds for clip in serial_clips]
    assert lengths[1] > 3 * lengths[0] and lengths[3] > 3 * lengths[4]  # the order really is the texts' order
