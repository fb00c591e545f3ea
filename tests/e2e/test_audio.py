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
