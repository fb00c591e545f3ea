"""The output seam: formats in one registry, and M4A (AAC-LC in MP4) as the proof that a new output
is one file: mastered to the same loudness with every ffmpeg, tagged with chapters and cover,
published, linted, served and played like the MP3."""

import subprocess
import sys

import pytest

from briefing.audio import master
from briefing.audio.formats import audio_format, format_names, media_types
from briefing.audio.formats.m4a import ffmetadata, ffmetadata_escape
from briefing.errors import BriefingError
from briefing.model import Chapter


def test_each_format_is_known_by_name_suffix_and_media_type():
    assert format_names() == ["m4a", "mp3"]
    assert media_types() == {".mp3": "audio/mpeg", ".m4a": "audio/mp4"}
    with pytest.raises(BriefingError, match="unknown audio format 'ogg' .formats: m4a, mp3."):
        audio_format("ogg")
    with pytest.raises(BriefingError, match="unknown audio format"):
        master.MasterOptions(format="ogg")


@pytest.mark.parametrize(
    "title, written",
    [
        ("Plain", "Plain"),
        ("a=b; c#d", "a\\=b\\; c\\#d"),
        ("back\\slash", "back\\\\slash"),
        ("Café — été", "Café — été"),
    ],
)
def test_chapter_titles_are_escaped_for_ffmpeg(title, written):
    assert ffmetadata_escape(title) == written


def test_ffmetadata_lists_chapters_in_milliseconds():
    text = ffmetadata((Chapter("Intro", 0.0, 1.5), Chapter("Story", 1.5, 3.25)))
    assert text.splitlines() == [
        ";FFMETADATA1",
        "[CHAPTER]",
        "TIMEBASE=1/1000",
        "START=0",
        "END=1500",
        "title=Intro",
        "[CHAPTER]",
        "TIMEBASE=1/1000",
        "START=1500",
        "END=3250",
        "title=Story",
    ]


def test_the_format_is_a_setting_in_briefing_toml(tmp_path, monkeypatch):
    from briefing.config import load_config

    (tmp_path / "briefing.toml").write_text('[audio]\nformat = "m4a"\n')
    assert load_config(tmp_path / "briefing.toml").options().audio.master.format == "m4a"
    (tmp_path / "briefing.toml").write_text('[audio]\nformat = "ogg"\n')
    monkeypatch.chdir(tmp_path)
    result = subprocess.run([sys.executable, "-m", "briefing", "make", "x.txt"], capture_output=True, text=True)
    assert result.returncode == 2 and "format in [audio] must be an audio format: m4a or mp3" in result.stderr, (
        result.stderr
    )
