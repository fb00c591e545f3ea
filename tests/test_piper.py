"""The Piper engine: worker processes give the same clips, in the same order, as one process."""

import numpy as np
import pytest

from briefing.errors import BriefingError
from briefing.tts.piper import PiperEngine

TEXTS = [
    "Yes.",
    "The council met on Tuesday to discuss the budget for the coming year, and it agreed on most of it.",
    "Rain is expected tonight.",
    "Officials said the talks would resume next week in Geneva, after a pause of almost a month.",
    "That is all.",
]


@pytest.fixture(scope="module")
def serial_clips():
    return PiperEngine(workers=1, variation=False).synthesize_all(TEXTS)


@pytest.mark.slow
def test_workers_give_the_serial_clips_in_script_order(serial_clips):
    finished = []
    parallel = PiperEngine(workers=2, variation=False).synthesize_all(TEXTS, lambda position, clip: finished.append(position))
    assert sorted(finished) == list(range(len(TEXTS)))
    assert [len(clip.raw_data) for clip in parallel] == [len(clip.raw_data) for clip in serial_clips]
    for ours, theirs in zip(parallel, serial_clips):  # one ONNX thread or two round differently: a few LSBs
        difference = np.abs(np.frombuffer(ours.raw_data, np.int16).astype(int) - np.frombuffer(theirs.raw_data, np.int16))
        assert difference.max() <= 8
    lengths = [clip.duration_seconds for clip in serial_clips]
    assert lengths[1] > 3 * lengths[0] and lengths[3] > 3 * lengths[4]  # the order really is the texts' order


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
