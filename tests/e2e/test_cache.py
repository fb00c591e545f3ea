"""The segment cache with real Piper renders: hits and misses, edits, corruption, bounds, commands."""

import io
import json
import os
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import MakeOptions, make
from briefing.cache import SegmentCache, parse_size
from briefing.cli import main
from briefing.options import CacheOptions

ARTICLE = ("Cache test\n\nThe first paragraph has two sentences. It is short.\n\n"
           "The second paragraph says something else entirely.\n\nThe third paragraph closes the story.")


def render(tmp_path: Path, source: Path, cache: Path, **cache_options) -> dict:
    episode = make([str(source)], MakeOptions(output_dir=tmp_path / "out", cache=CacheOptions(folder=cache, **cache_options)))
    return json.loads(Path(episode.metadata_json).read_text())


def test_rerender_is_all_hits_and_an_edit_misses_only_its_own_segments(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE)
    cache = tmp_path / "cache"
    first = render(tmp_path, source, cache)
    segments = len(first["segments"])
    assert first["cache"] == {"hits": 0, "misses": segments}
    assert render(tmp_path, source, cache)["cache"] == {"hits": segments, "misses": 0}
    source.write_text(ARTICLE.replace("says something else entirely", "says something new"))
    assert render(tmp_path, source, cache)["cache"] == {"hits": segments - 1, "misses": 1}


def test_a_corrupt_entry_is_made_again(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE)
    cache = tmp_path / "cache"
    render(tmp_path, source, cache)
    entries = sorted(cache.glob("*/*.clip"))
    entries[0].write_bytes(entries[0].read_bytes()[:100])  # truncated
    entries[1].write_bytes(b"not a wav file at all")
    entries[2].write_bytes(os.urandom(entries[2].stat().st_size))  # random bytes of the right size
    noise = io.BytesIO()
    with wave.open(noise, "wb") as wav:  # a well-formed WAV of noise, as a stray program might leave
        wav.setnchannels(1), wav.setsampwidth(2), wav.setframerate(22050), wav.writeframes(os.urandom(44100))
    entries[3].write_bytes(noise.getvalue())
    entries[4].write_bytes(entries[5].read_bytes())  # another segment's entry under this key
    again = render(tmp_path, source, cache)
    assert again["cache"]["misses"] == 5
    assert render(tmp_path, source, cache)["cache"]["misses"] == 0


def test_no_cache_and_the_bound(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE)
    cache = tmp_path / "cache"
    uncached = make([str(source)], MakeOptions(output_dir=tmp_path / "out", cache=CacheOptions(folder=cache, enabled=False)))
    assert json.loads(Path(uncached.metadata_json).read_text())["cache"] is None and not cache.exists()
    assert uncached.cache_misses == len(uncached.timings) > 3 and uncached.cache_hits == 0  # all synthesised
    render(tmp_path, source, cache, max_bytes=250_000)  # room for the last clip or two (the outro is 180 KB)
    assert SegmentCache(cache).size() <= 250_000 and len(list(cache.glob("*/*.clip"))) >= 1


def test_least_recently_used_go_first(tmp_path, piper_engine):
    cache = SegmentCache(tmp_path / "cache", max_bytes=10**9)
    for number, text in enumerate(["One.", "Two.", "Three."]):
        cache.put(str(number) * 64, piper_engine.synthesize(text))
    for age, key in ((300, "0" * 64), (200, "1" * 64), (100, "2" * 64)):
        os.utime(cache.path(key), (1_700_000_000 - age, 1_700_000_000 - age))
    cache.get("0" * 64)  # used just now
    cache.max_bytes = cache.path("0" * 64).stat().st_size + cache.path("2" * 64).stat().st_size
    assert cache.prune() == 1 and not cache.path("1" * 64).exists() and cache.path("0" * 64).exists()


def test_cache_commands(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE)
    cache = tmp_path / "cache"
    render(tmp_path, source, cache)
    info = CliRunner().invoke(main, ["cache", "info", "--cache-dir", str(cache)])
    assert info.exit_code == 0 and f"{cache}:" in info.output and " segments, " in info.output
    cleared = CliRunner().invoke(main, ["cache", "clear", "--cache-dir", str(cache)])
    assert cleared.exit_code == 0 and not list(cache.glob("*/*.clip"))


@pytest.mark.parametrize("text, size", [("2GB", 2 * 1024**3), ("500MB", 500 * 1024**2), ("1.5g", int(1.5 * 1024**3)), ("800k", 800 * 1024)])
def test_parse_size(text, size):
    assert parse_size(text) == size


def test_bad_cache_size_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["make", "x.txt", "--cache-max", "lots"])
    assert result.exit_code == 2 and "a size must look like" in result.output


def test_an_unchanged_briefing_is_not_mastered_again(tmp_path, monkeypatch):
    from briefing.audio import master as audio

    source = tmp_path / "a.txt"
    source.write_text(ARTICLE)
    cache = tmp_path / "cache"
    one = make([str(source)], MakeOptions(output_dir=tmp_path / "one", cache=CacheOptions(folder=cache)))
    first = Path(one.audio).read_bytes()
    [master] = cache.glob("*/*.episode")
    mastered, gains = [], []  # each mastering encodes once; the opening's gain is found once and kept
    real_finish, real_gain = audio.StreamedMaster.finish, audio.find_gain
    monkeypatch.setattr(audio.StreamedMaster, "finish", lambda self: mastered.append(1) or real_finish(self))
    monkeypatch.setattr(audio, "find_gain", lambda *args: gains.append(1) or real_gain(*args))

    two = make([str(source)], MakeOptions(output_dir=tmp_path / "two", cache=CacheOptions(folder=cache)))
    assert mastered == [] and Path(two.audio).read_bytes() == first
    assert (two.timings, two.duration, two.cache_hits) == (one.timings, one.duration, len(one.timings))
    assert Path(two.audio).with_suffix(".vtt").read_text() == Path(one.audio).with_suffix(".vtt").read_text()

    segment = next(iter(cache.glob("*/*.clip")))  # a segment made again (after --retry, say): mastered again
    segment.write_bytes(segment.read_bytes()[:100])
    make([str(source)], MakeOptions(output_dir=tmp_path / "remade", cache=CacheOptions(folder=cache)))
    assert mastered == [1] and len(list(cache.glob("*/*.episode"))) == 2
    assert gains == [1]  # the segment made again changed the opening: its gain is found afresh
    mastered.clear()
    master.unlink()
    [master] = cache.glob("*/*.episode")

    master.write_bytes(master.read_bytes()[:-500])  # damaged: found by its digest and made again
    remade = make([str(source)], MakeOptions(output_dir=tmp_path / "three", cache=CacheOptions(folder=cache)))
    assert mastered == [1] and Path(remade.audio).stat().st_size > 10_000
    assert gains == [1]  # the same opening as before: its gain came from the cache
    mp3, spans = SegmentCache(cache).get_master(master.stem)
    assert mp3 and len(spans["segments"]) == len(remade.timings) and spans["duration"] == pytest.approx(remade.duration)

    source.write_text(ARTICLE.replace("closes the story", "ends the story"))
    make([str(source)], MakeOptions(output_dir=tmp_path / "four", cache=CacheOptions(folder=cache)))
    assert mastered == [1, 1] and len(list(cache.glob("*/*.episode"))) == 2 and gains == [1, 1]


def test_the_drawn_cover_is_kept_with_the_segments(tmp_path, monkeypatch):
    from briefing import pipeline

    drawn = []
    real = pipeline.embedded_cover
    monkeypatch.setattr(pipeline, "embedded_cover", lambda *args: drawn.append(args) or real(*args))
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE)
    render(tmp_path, source, tmp_path / "cache")
    render(tmp_path, source, tmp_path / "cache")
    assert len(drawn) == 1 and len(list((tmp_path / "cache").glob("*/*.png"))) == 1
