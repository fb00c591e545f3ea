"""The cache's entries as files: each kind written over a folder left where it belongs."""

from briefing.cache import GAIN_SUFFIX, PIECE_SUFFIX, SegmentCache
from briefing.ffmpeg import AudioSegment


def test_an_entry_is_written_over_a_folder_in_its_place(tmp_path):
    """A key known only once its audio is made is written before it is ever read, so the write
    itself takes the folder away (a rename cannot replace one)."""
    cache = SegmentCache(tmp_path)
    clip = AudioSegment.silent(duration=50, frame_rate=22050)
    keys = {"clip": "a" * 64, "piece": "b" * 64, "gain": "c" * 64}
    places = [
        tmp_path / key[:2] / f"{key}{suffix}"
        for key, suffix in [(keys["piece"], PIECE_SUFFIX), (keys["gain"], GAIN_SUFFIX)]
    ]
    for path in [cache.path(keys["clip"]), *places]:
        (path / "inside").mkdir(parents=True)
    cache.put(keys["clip"], clip)
    cache.put_piece(keys["piece"], b"frames", {"samples": 1})
    cache.put_gain(keys["gain"], 1.5, 0.2)
    assert cache.get(keys["clip"]).raw_data == clip.raw_data
    assert cache.get_piece(keys["piece"]) == (b"frames", {"samples": 1})
    assert cache.get_gain(keys["gain"]) == (1.5, 0.2)
