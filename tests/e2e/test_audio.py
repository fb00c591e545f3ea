"""Stitching, sting, music and mastering, measured on the decoded output."""

from dataclasses import replace

import numpy as np
import pytest
from conftest import decode_to_array, integrated_loudness, true_peak_dbfs
from mutagen.mp3 import MP3

from briefing import ffmpeg
from briefing.audio import master, mix, pieces
from briefing.audio.formats import audio_format
from briefing.audio.formats.mp3 import Mp3
from briefing.model import Segment

pytestmark = pytest.mark.usefixtures("each_ffmpeg")  # users have their own ffmpeg: every test runs with each


@pytest.fixture(scope="module")
def speech(piper_engine):
    texts = [
        "Special units from France joined troops from Libya's parliament in a counter-offensive.",
        "The British Royal Air Force is flying reconnaissance missions.",
        "Crucial to their success would be the green light.",
    ]
    segments = [Segment("body", t, t, 0.5) for t in texts]
    stitched, _ = mix.stitch(
        segments,
        [piper_engine.synthesize(t) for t in texts],
        piper_engine.sample_rate,
        mix.make_sting(piper_engine.sample_rate),
    )
    return stitched


@pytest.mark.parametrize(
    "options", [master.MasterOptions(), master.MasterOptions(loudness=-16.0, sample_rate=22050, bitrate=96)]
)
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
    assert (info.sample_rate, info.channels) == (options.sample_rate, 1)
    assert info.bitrate == pytest.approx(options.bitrate * 1000, rel=0.001)  # mutagen estimates it from the length
    per_frame = (144 if options.sample_rate >= 32000 else 72) * options.bitrate * 1000 / options.sample_rate
    assert {length - int(per_frame) for length in Mp3.frame_lengths(mp3.read_bytes())} <= {0, 1}  # a constant bitrate
    frame = Mp3.frame_samples(options.sample_rate)  # the encoder's delay before, its last frame's flush after
    assert (
        0
        <= len(samples) - speech.frame_count() * options.sample_rate / speech.frame_rate - Mp3.encoder_delay
        <= 2 * frame
    )


def test_the_codec_loss_is_measured_once_per_encoder_and_settings(speech, monkeypatch):
    measured = []
    real = master.codec_loss
    monkeypatch.setattr(master, "codec_loss", lambda *args: measured.append(args[2]) or real(*args))
    options = master.MasterOptions(bitrate=48)  # settings no other test masters with: nothing kept for them yet
    first = master.find_gain(speech, options)
    again = master.find_gain(speech, options)
    assert len(measured) == 1 and again[2] == first[2]  # the same goal: the kept loss
    assert abs(again[1] - again[2]) <= master.LOUDNESS_TOLERANCE + 1e-9  # the search reached its goal
    master.find_gain(speech, replace(options, format="m4a"))
    assert measured == [options, replace(options, format="m4a")]


@pytest.fixture(scope="module")
def long_speech(piper_engine):
    """Three minutes of speech in paragraphs of two sentences, joined as a render joins it: longer
    than the opening the gain is found on, and several pieces."""
    texts = [
        "Special units from France joined troops from Libya's parliament in a counter-offensive.",
        "The British Royal Air Force is flying reconnaissance missions over the coast.",
        "Crucial to their success would be the green light to fly drones from Italy.",
        "Officials in Rome said they would decide case by case, after talks with Washington.",
    ]
    clips = [piper_engine.synthesize(text) for text in texts]
    segments = [
        Segment("body", text, text, 0.8 if number % 2 else 0.3, story=0, paragraph=number // 2)
        for number, text in enumerate(texts * 12)
    ]
    return segments, clips * 12


def master_in_pieces(segments, clips, sample_rate, options, sting, order=reversed):
    mastering = pieces.PieceMaster(segments, sample_rate, lambda: sting, options)
    for index in order(sorted(mastering.needed())):  # in any order, as workers hand them over
        mastering.add(index, clips[index])
    return mastering, mastering.finish()


@pytest.mark.parametrize("options", [master.MasterOptions(), master.MasterOptions(format="m4a", loudness=-16.0)])
def test_pieces_sound_as_the_whole_mastered_at_once(tmp_path, piper_engine, long_speech, options):
    segments, clips = long_speech
    rate, kind = options.sample_rate, audio_format(options.format)
    sting = mix.make_sting(piper_engine.sample_rate)
    mastering, mastered = master_in_pieces(segments, clips, piper_engine.sample_rate, options, sting)
    assert len(mastering.pieces) >= 6 and mastering.gain_scope.stop < len(
        mastering.pieces
    )  # the opening is not all of it
    path = tmp_path / f"pieces{kind.suffix}"
    kind.join(list(mastered.pieces), path)
    stitched, whole_timings = mix.stitch(segments, clips, piper_engine.sample_rate, sting)
    whole = tmp_path / f"whole{kind.suffix}"  # the same audio, mastered and encoded at once, at the same gain
    kind.join(
        [master.encode_piece(stitched.raw_data, stitched.frame_rate, mastering.gain, options, last=True).frames], whole
    )
    in_pieces, at_once = decode_to_array(path, rate), decode_to_array(whole, rate)

    # Loudness and peaks: on target, as the pieces' meters said, and as the whole measures.
    loudness = integrated_loudness(in_pieces, rate)
    assert mastered.on_target and abs(mastered.loudness - loudness) <= 0.3
    assert abs(loudness - integrated_loudness(at_once, rate)) <= 0.5 and abs(loudness - options.loudness) <= 0.5
    assert true_peak_dbfs(in_pieces) <= options.true_peak
    # Duration: what the record says, to the sample (the decoder adds only the last frame's flush,
    # silent), and the whole's but for the silence that rounds each piece to whole frames.
    frame = kind.frame_samples(rate)
    assert round(mastered.duration * rate) <= len(in_pieces) <= round(mastered.duration * rate) + 2 * frame
    assert np.max(np.abs(in_pieces[round(mastered.duration * rate) :])) < 0.003  # -50 dBFS: the sting's last ring
    assert (
        0
        <= mastered.duration - (stitched.duration_seconds + kind.encoder_delay / rate)
        <= len(mastering.pieces) * frame / rate
    )
    # Every segment where the record says, and every join inaudible: around each piece's first
    # segment, the pieces' file is as close to the mastered audio before encoding as the whole's is
    # on the same clip somewhere (the codec's own variation: ffmpeg's AAC adapts its noise frame by
    # frame), with no gap or shift, no click in the pause before, no step in level.
    ffmpeg.run(
        [
            "-f",
            "s16le",
            "-ar",
            str(stitched.frame_rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-af",
            master.mastering_filter(mastering.gain, options),
            "-c:a",
            "pcm_f32le",
            str(tmp_path / "reference.wav"),
        ],
        stdin=stitched.raw_data,
    )
    reference = decode_to_array(tmp_path / "reference.wav", rate)

    def window(samples, at, before=0.3, after=0.15):
        at = round(at * rate)
        return samples[at - round(before * rate) : at + round(after * rate)]

    def error_db(samples, at, index):
        """The codec's error around segment index (at `at` seconds), against the reference, below
        the level of the segment's speech."""
        timed = whole_timings[index]
        speech = reference[round(timed.start * rate) : round(timed.end * rate)]
        part, truth = window(samples, at), window(reference, timed.start)
        return 10 * np.log10(np.mean((part - truth) ** 2) / np.mean(speech**2))

    delay = kind.encoder_delay / rate
    # ffmpeg's AAC encoder, started afresh, is sometimes noisier on the first words after the
    # join than anywhere else on them: up to 7 dB measured, for about 150 ms, still 26 dB under
    # the speech. LAME's noise at a join is its noise elsewhere.
    margin = 1.5 if options.format == "mp3" else 9.0  # dB
    for first in (piece.start for piece in mastering.pieces[1:]):
        in_pieces_error = error_db(in_pieces, mastered.timings[first].start, first)
        # the whole's own error on the same clip (they repeat every four segments), wherever it is
        same_clip = [error_db(at_once, whole_timings[i].start + delay, i) for i in range(first % 4, len(segments), 4)]
        assert in_pieces_error <= max(max(same_clip) + margin, -40.0), (first, in_pieces_error, same_clip)
        assert in_pieces_error <= -20  # where the record says: 1 ms off, speech differs from itself by -6 dB
        first_words = (
            window(in_pieces, mastered.timings[first].start, 0, 0.2),
            window(at_once, whole_timings[first].start + delay, 0, 0.2),
        )
        assert (
            abs(10 * np.log10(np.mean(first_words[0] ** 2) / np.mean(first_words[1] ** 2))) <= 0.5
        )  # no step in level
        assert np.max(np.abs(window(in_pieces, mastered.timings[first].start, 0.2, -0.03))) < 0.003  # -50 dBFS: silence


def test_pieces_that_miss_the_target_say_so(piper_engine, long_speech):
    segments, clips = long_speech
    plan = pieces.plan(segments)
    after_opening = {index for piece in plan[pieces.opening(segments, plan) :] for index in piece}

    def quiet_with_a_click(clip):
        """20 dB quieter, with one full-scale sample: levelling is held back by the peak, so it stays quiet."""
        samples = np.frombuffer(clip.apply_gain(-20).raw_data, "<i2").copy()
        samples[len(samples) // 2] = 32767
        return ffmpeg.AudioSegment(data=samples.tobytes(), sample_width=2, frame_rate=clip.frame_rate, channels=1)

    clips = [quiet_with_a_click(clip) if index in after_opening else clip for index, clip in enumerate(clips)]
    _, mastered = master_in_pieces(
        segments, clips, piper_engine.sample_rate, master.MasterOptions(), mix.make_sting(piper_engine.sample_rate)
    )
    assert not mastered.on_target  # the opening's gain is wrong for the rest: the caller masters again on the whole's
