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


def test_a_batch_whose_worker_dies_makes_each_article_again_and_publishes_it_once(tmp_path, monkeypatch):
    """kill -9 of a Piper worker while a batch speaks: each article whose render broke is made
    again (the pool forked anew), and every article is published once."""
    import os
    import signal
    import threading

    import feedparser

    from briefing import batch as batching
    from briefing.model import Article
    from briefing.options import CacheOptions, MakeOptions, PublishOptions
    from briefing.tts import EngineOptions, VoiceOptions
    from briefing.tts.piper import PiperOptions
    from briefing.tts.piper import pool as piper_pool

    articles = [
        Article(
            title,
            tuple(f"{title} was discussed again on day {n}, officials said on Monday." for n in range(8)),
            f"{title}.txt",
        )
        for title in ("Port talks resume", "Oil fields reopen")
    ]
    monkeypatch.setattr(batching, "gather_articles", lambda sources, options: (list(articles), []))
    renders, real_make = [], batching.make
    monkeypatch.setattr(batching, "make", lambda *args: renders.append(args) or real_make(*args))
    killed = []

    def kill_a_worker() -> None:  # once the batch's workers have spoken a clip (it is in the cache)
        while not killed:
            workers = [p for pool in list(piper_pool._pools.values()) for p in (pool._processes or {}).values()]
            if workers and any(path.is_file() for path in (tmp_path / "cache").rglob("*")):
                killed.append(workers[0].pid)
                os.kill(workers[0].pid, signal.SIGKILL)
            else:
                threading.Event().wait(0.01)

    piper_pool._shut_down_pools()  # earlier tests' pools: the one the killer finds must be the batch's
    killer = threading.Thread(target=kill_a_worker, daemon=True)
    killer.start()
    options = MakeOptions(
        output_dir=tmp_path / "site",
        cache=CacheOptions(folder=tmp_path / "cache"),
        voice=VoiceOptions(engines=EngineOptions(piper=PiperOptions(2))),
        publish=PublishOptions(to_feed=True),
    )
    result = batching.batch([], options, concurrency=2)
    killer.join(timeout=60)
    assert killed and not result.failures, result.failures
    assert len(renders) > len(articles)  # a render broke by the kill was made again
    feed = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes())
    assert sorted(entry.title for entry in feed.entries) == sorted(article.title for article in articles)
