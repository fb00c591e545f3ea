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
