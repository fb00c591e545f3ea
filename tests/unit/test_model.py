"""The typed episode record: written and read back the same, and a damaged one named, not a traceback."""

import datetime as dt
import json

import pytest

from briefing.model import CheckRecord, DroppedBlock, EpisodeRecord, HeardSegment, SegmentRecord, StoryRecord

RECORD = EpisodeRecord(
    title="Drones over Sabratha",
    show="Morning Desk",
    date=dt.date(2026, 11, 24),
    duration=61.234,
    engine="piper",
    voice="joe",
    loudness_target_lufs=-19.0,
    bitrate_kbps=64,
    sample_rate=44100,
    audio_format="m4a",
    stories=(
        StoryRecord(
            "Drones over Sabratha",
            "drones.txt",
            None,
            "The Daily",
            "Italian officials confirmed the drones.",
            (DroppedBlock("share-prompt", "Share this article"),),
        ),
    ),
    segments=(
        SegmentRecord(0, "intro", None, 0, 1.6, 4.2, "This is Morning Desk.", "This is Morning Desk."),
        SegmentRecord(1, "body", 0, 0, 4.5, 9.0, '"No," he said.', '"No," he said.', "espeak:en-gb", "espeak/en-gb"),
    ),
    cache_hits=1,
    cache_misses=1,
    guid="c7d3",
    published=dt.datetime(2026, 11, 24, 7, 30, tzinfo=dt.UTC),
    check=CheckRecord("tiny.en", 0.05, 0.34, (HeardSegment(0, 0.0, "this is morning desk"),), ()),
)


def test_a_record_reads_back_as_written():
    assert EpisodeRecord.from_json(RECORD.to_json()) == RECORD
    data = json.loads(RECORD.to_json())
    assert data["cache"] == {"hits": 1, "misses": 1} and data["published"] == "2026-11-24T07:30:00+00:00"
    assert "voice" not in data["segments"][0] and data["segments"][1]["made_by"] == "espeak/en-gb"


def test_a_record_from_before_formats_is_an_mp3():
    data = json.loads(RECORD.to_json())
    del data["format"]
    assert EpisodeRecord.from_json(json.dumps(data)).audio_format == "mp3"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[1, 2]", "not a JSON object"),
        ('{"title": null}', "title must be text"),
        (json.dumps({**json.loads(RECORD.to_json()), "duration": "long"}), "duration must be a number"),
        (json.dumps({**json.loads(RECORD.to_json()), "stories": [{"title": 3}]}), "title must be text"),
        (json.dumps({**json.loads(RECORD.to_json()), "segments": [{"index": 0}]}), "not an episode record"),
        (json.dumps({**json.loads(RECORD.to_json()), "date": "soon"}), "Invalid isoformat"),
    ],
)
def test_a_damaged_record_is_a_value_error_saying_what(text, message):
    with pytest.raises(ValueError, match=message):
        EpisodeRecord.from_json(text)
