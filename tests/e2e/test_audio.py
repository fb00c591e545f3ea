"""Stitching, sting, music and mastering, measured on the decoded output."""

import numpy as np
import pytest
from conftest import decode_to_array, integrated_loudness, true_peak_dbfs
from mutagen.mp3 import MP3, BitrateMode

from briefing.audio import master, mix
from briefing.model import Segment

pytestmark = pytest.mark.usefixtures("each_ffmpeg")  # users have their own ffmpeg: every test runs with each


@pytest.fixture(scope="module")
def speech(piper_engine):
    texts = ["Special units from France joined troops from Libya's parliament in a counter-offensive.",
             "The British Royal Air Force is flying reconnaissance missions.", "Crucial to their success would be the green light."]
    segments = [Segment("body", t, t, 0.5) for t in texts]
    stitched, _ = mix.stitch(segments, [piper_engine.synthesize(t) for t in texts], piper_engine.sample_rate,
                               mix.make_sting(piper_engine.sample_rate))
    return stitched


@pytest.mark.parametrize("options", [master.MasterOptions(), master.MasterOptions(loudness=-16.0, sample_rate=22050, bitrate=96)])
def test_mastering_hits_loudness_and_peak_targets(tmp_path, speech, options):
    mp3 = tmp_path / "out.mp3"
    reported = master.master_to_file(speech, mp3, options)
    samples = decode_to_array(mp3, options.sample_rate)
    loudness = integrated_loudness(samples, options.sample_rate)
    assert abs(loudness - options.loudness) <= 0.5
    assert abs(reported - loudness) <= 0.3
    assert true_peak_dbfs(samples) <= options.true_peak
    assert np.count_nonzero(np.abs(samples) >= 0.999) == 0
    info = MP3(mp3).info
    assert (info.sample_rate, info.channels, info.bitrate_mode) == (options.sample_rate, 1, BitrateMode.CBR)
    assert info.bitrate == pytest.approx(options.bitrate * 1000, rel=0.001)  # mutagen estimates it from the length
    assert len(samples) / options.sample_rate == pytest.approx(speech.duration_seconds, abs=0.01)


@pytest.fixture(scope="module")
def long_speech(piper_engine):
    """Three minutes of speech, joined as a render joins it: longer than the streamed master's opening."""
    texts = ["Special units from France joined troops from Libya's parliament in a counter-offensive.",
             "The British Royal Air Force is flying reconnaissance missions over the coast.",
             "Crucial to their success would be the green light to fly drones from Italy.",
             "Officials in Rome said they would decide case by case, after talks with Washington."]
    clips = [piper_engine.synthesize(text) for text in texts]
    segments = [Segment("body", text, text, 0.4) for text in texts] * 12
    return segments, clips * 12


@pytest.mark.parametrize("options", [master.MasterOptions(), master.MasterOptions(format="m4a", loudness=-16.0)])
def test_streamed_master_matches_mastering_the_whole(tmp_path, piper_engine, long_speech, options):
    segments, clips = long_speech
    stitcher = mix.Stitcher(piper_engine.sample_rate, mix.make_sting(piper_engine.sample_rate))
    streamed = master.StreamedMaster(tmp_path / f"streamed{options.format}", piper_engine.sample_rate, options)
    streamed.feed(stitcher.opening)
    for segment, clip in zip(segments, clips):  # fed piece by piece, as synthesis hands them over
        streamed.feed(stitcher.add(segment, clip))
    streamed.feed(stitcher.finish())
    expected = streamed.finish()
    whole = tmp_path / f"whole{options.format}"
    master.master_to_file(stitcher.audio(), whole, options)
    assert stitcher.samples / piper_engine.sample_rate > master.STREAM_EXCERPT_SECONDS * 2  # the opening is not all of it
    streamed_samples, whole_samples = decode_to_array(tmp_path / f"streamed{options.format}"), decode_to_array(whole)
    assert len(streamed_samples) == len(whole_samples)  # the same duration, to the sample
    loudness = integrated_loudness(streamed_samples)
    assert expected is not None and abs(expected - loudness) <= 0.3
    assert abs(loudness - integrated_loudness(whole_samples)) <= 0.5 and abs(loudness - options.loudness) <= 0.5
    assert true_peak_dbfs(streamed_samples) <= options.true_peak


def test_a_streamed_master_that_misses_says_so(tmp_path, piper_engine, long_speech):
    segments, clips = long_speech
    streamed = master.StreamedMaster(tmp_path / "streamed.mp3", piper_engine.sample_rate)
    stitcher = mix.Stitcher(piper_engine.sample_rate)
    for index, (segment, clip) in enumerate(zip(segments, clips)):
        pcm = stitcher.add(segment, clip)
        if stitcher.samples > master.STREAM_EXCERPT_SECONDS * piper_engine.sample_rate * 1.2:
            pcm = clip.apply_gain(-12).raw_data  # after the opening, the rest 12 dB quieter: the opening's gain is wrong
        streamed.feed(pcm)
    assert streamed.finish() is None  # the caller masters the whole again
