"""The segment cache with real Piper renders: hits and misses, edits, corruption, bounds, commands."""

import io
import json
import os
import wave
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from briefing import MakeOptions, make
from briefing.cache import GAIN_SUFFIX, PIECE_SUFFIX, SEGMENT_SUFFIX, SegmentCache
from briefing.cli import main
from briefing.options import CacheOptions
from briefing.settings import parse_size
from briefing.tts.piper import PiperEngine

ARTICLE = (
    "Cache test\n\nThe first paragraph has two sentences. It is short.\n\n"
    "The second paragraph says something else entirely.\n\nThe third paragraph closes the story."
)


def render(tmp_path: Path, source: Path, cache: Path, **cache_options) -> dict:
    episode = make(
        [str(source)], MakeOptions(output_dir=tmp_path / "out", cache=CacheOptions(folder=cache, **cache_options))
    )
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


def test_an_entry_that_is_a_folder_heals_in_make_and_cache_clear(tmp_path):
    """A folder where an entry belongs (a stray program, a copy gone wrong) is taken away and the
    entry made again: never a traceback. One kind at a time, clips last: a new clip's audio differs a little
    (the voice's noise), so the pieces and gain made from it come under new keys."""
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE)
    cache = tmp_path / "cache"
    render(tmp_path, source, cache)
    for suffix, misses in [(GAIN_SUFFIX, 0), (PIECE_SUFFIX, 0), (SEGMENT_SUFFIX, 1)]:
        entry = sorted(cache.glob(f"*/*{suffix}"))[0]
        entry.unlink()
        (entry / "inside").mkdir(parents=True)
        again = render(tmp_path, source, cache)
        assert again["cache"]["misses"] == misses and entry.is_file(), suffix
    for entry in sorted(cache.glob("*/*"))[:2]:
        entry.unlink()
        entry.mkdir()
    cleared = CliRunner().invoke(main, ["cache", "clear", "--cache-dir", str(cache)])
    assert cleared.exit_code == 0 and cleared.stdout.startswith("removed ") and not list(cache.glob("*/*"))


def test_no_cache_and_the_bound(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE)
    cache = tmp_path / "cache"
    uncached = make(
        [str(source)], MakeOptions(output_dir=tmp_path / "out", cache=CacheOptions(folder=cache, enabled=False))
    )
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


@pytest.mark.parametrize(
    "text, size", [("2GB", 2 * 1024**3), ("500MB", 500 * 1024**2), ("1.5g", int(1.5 * 1024**3)), ("800k", 800 * 1024)]
)
def test_parse_size(text, size):
    assert parse_size(text) == size


def test_bad_cache_size_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["make", "x.txt", "--cache-max", "lots"])
    assert result.exit_code == 2 and "a size must look like" in result.output


PIECES_ARTICLE = (
    "Pieces test\n\nThe first paragraph opens the story. It has two sentences.\n\n"
    "The second paragraph says what happened next, at some length.\n\n"
    "The third paragraph says something else entirely.\n\n"
    "The fourth paragraph brings in a voice from the town.\n\n"
    "The fifth paragraph closes the story."
)


@pytest.fixture
def small_pieces(monkeypatch):
    """Pieces of a paragraph or two and a short opening, so a short article has several."""
    from briefing.audio import master, pieces

    monkeypatch.setattr(pieces, "PIECE_CHARACTERS", 60)
    monkeypatch.setattr(pieces, "OPENING_CHARACTERS", 100)
    encoded, gains = [], []  # each piece encoded, each gain found
    real_encode, real_gain = master.encode_piece, master.find_gain
    monkeypatch.setattr(master, "encode_piece", lambda *args, **kw: encoded.append(1) or real_encode(*args, **kw))
    monkeypatch.setattr(master, "find_gain", lambda *args: gains.append(1) or real_gain(*args))
    return encoded, gains


def test_an_unchanged_briefing_encodes_nothing_and_an_edit_only_its_piece(tmp_path, small_pieces):
    encoded, gains = small_pieces
    source = tmp_path / "a.txt"
    source.write_text(PIECES_ARTICLE)
    cache = tmp_path / "cache"
    one = make([str(source)], MakeOptions(output_dir=tmp_path / "one", cache=CacheOptions(folder=cache)))
    first = Path(one.audio).read_bytes()
    pieces = sorted(cache.glob("*/*.piece"))
    assert len(pieces) == len(encoded) >= 4 and gains == [1]
    encoded.clear(), gains.clear()

    two = make([str(source)], MakeOptions(output_dir=tmp_path / "two", cache=CacheOptions(folder=cache)))
    assert encoded == gains == [] and Path(two.audio).read_bytes() == first
    assert (two.timings, two.duration, two.cache_hits) == (one.timings, one.duration, len(one.timings))
    assert Path(two.audio).with_suffix(".vtt").read_text() == Path(one.audio).with_suffix(".vtt").read_text()

    pieces[0].write_bytes(pieces[0].read_bytes()[:-500])  # damaged: found by its digest and made again, alone
    three = make([str(source)], MakeOptions(output_dir=tmp_path / "three", cache=CacheOptions(folder=cache)))
    assert encoded == [1] and gains == [] and Path(three.audio).read_bytes() == first
    encoded.clear()

    clip = SegmentCache(cache).path(SegmentCache.key(PiperEngine().identity(), one.timings[-1].segment.spoken))
    clip.unlink()  # the closing's clip made again (after --retry, say): the last piece is made again
    make([str(source)], MakeOptions(output_dir=tmp_path / "four", cache=CacheOptions(folder=cache)))
    assert encoded == [1] and gains == []
    encoded.clear()

    source.write_text(PIECES_ARTICLE.replace("something else entirely", "something new"))  # after the opening
    edited = make([str(source)], MakeOptions(output_dir=tmp_path / "edited", cache=CacheOptions(folder=cache)))
    assert (
        encoded == [1] and gains == [] and edited.cache_misses == 1
    )  # one sentence spoken, one piece encoded; the gain kept
    assert len(list(cache.glob("*/*.piece"))) == len(pieces) + 2  # the last piece made again, and the edited one


def test_an_edited_render_equals_a_render_of_the_edited_script_from_its_clips(tmp_path, small_pieces):
    """The pieces an edit keeps join the one it makes again as they would have joined in a render of
    the edited script: the same file (the same clips, from the cache), so the same samples around
    every join."""
    import shutil

    from conftest import decode_to_array

    encoded, gains = small_pieces
    source = tmp_path / "a.txt"
    source.write_text(PIECES_ARTICLE)
    cache = tmp_path / "cache"
    make([str(source)], MakeOptions(output_dir=tmp_path / "before", cache=CacheOptions(folder=cache)))
    source.write_text(PIECES_ARTICLE.replace("at some length", "at some length, and then more"))  # the second piece
    encoded.clear()
    edited = make([str(source)], MakeOptions(output_dir=tmp_path / "edited", cache=CacheOptions(folder=cache)))
    assert encoded == [1]
    clips_only = tmp_path / "clips-only"
    shutil.copytree(
        cache, clips_only, ignore=lambda folder, names: [n for n in names if n.endswith((".piece", ".gain"))]
    )
    encoded.clear()
    whole = make([str(source)], MakeOptions(output_dir=tmp_path / "whole", cache=CacheOptions(folder=clips_only)))
    assert len(encoded) >= 4 and whole.cache_misses == 0  # every piece made, from the very same clips
    assert edited.timings == whole.timings and edited.duration == whole.duration
    rate = 44100
    edited_samples, whole_samples = decode_to_array(Path(edited.audio), rate), decode_to_array(Path(whole.audio), rate)
    assert len(edited_samples) == len(whole_samples)
    joins = [timed.start for timed in edited.timings[1:]]
    for join in joins:
        around = slice(int((join - 0.2) * rate), int((join + 0.2) * rate))
        assert np.array_equal(edited_samples[around], whole_samples[around]), f"the audio differs around {join:.2f} s"
    assert Path(edited.audio).read_bytes() == Path(whole.audio).read_bytes()


def test_when_the_opening_gain_misses_the_whole_is_mastered_on_its_own_gain_which_is_kept(
    tmp_path, small_pieces, monkeypatch
):
    from briefing.audio import pieces

    encoded, gains = small_pieces
    real_finish, scopes = pieces.PieceMaster.finish, []

    def finish(self):  # the first pieces made say they missed the target, as a loud opening would
        mastered = real_finish(self)
        scopes.append((len(self.gain_scope), len(self.pieces)))
        return mastered if len(scopes) > 1 else replace(mastered, on_target=False)

    monkeypatch.setattr(pieces.PieceMaster, "finish", finish)
    source = tmp_path / "a.txt"
    source.write_text(PIECES_ARTICLE)
    cache = tmp_path / "cache"
    episode = make([str(source)], MakeOptions(output_dir=tmp_path / "one", cache=CacheOptions(folder=cache)))
    (opening, count), (scope, _) = scopes
    # found on the opening, then on all of it (the pieces made again, unless the rounded gain came out the same)
    assert gains == [1, 1] and opening < scope == count and count <= len(encoded) <= 2 * count
    assert episode.cache_misses == len(episode.timings)  # spoken once; the second pass took the clips from the cache
    encoded.clear(), gains.clear()
    make([str(source)], MakeOptions(output_dir=tmp_path / "two", cache=CacheOptions(folder=cache)))
    assert encoded == gains == [] and len(scopes) == 3  # one pass: the whole's gain came from the cache, and its pieces


def test_the_drawn_cover_is_kept_with_the_segments(tmp_path, monkeypatch):
    from briefing.publish import episode as pipeline

    drawn = []
    real = pipeline.embedded_cover
    monkeypatch.setattr(pipeline, "embedded_cover", lambda *args: drawn.append(args) or real(*args))
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE)
    render(tmp_path, source, tmp_path / "cache")
    render(tmp_path, source, tmp_path / "cache")
    assert len(drawn) == 1 and len(list((tmp_path / "cache").glob("*/*.png"))) == 1
