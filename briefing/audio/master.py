"""Mastering: the briefing measured, given one linear gain under a look-ahead limiter, and encoded
in the chosen output format (formats/), a piece at a time (pieces.py joins the pieces)."""

from __future__ import annotations

import json
import math
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import ffmpeg
from ..errors import BriefingError
from ..files import keep, kept
from ..settings import check_settings, setting
from .formats import DEFAULT_FORMAT, audio_format, format_names

LOUDNESS_TOLERANCE = 0.1  # LU from the goal at which the gain search stops
MASTERING_PASSES = 4  # measurements at most, searching for the gain
CODEC_EXCERPT_MS = 30_000
TYPICAL_CODEC_LOSS = 0.4  # LU the MP3 and AAC encoders take off speech: the first guess, measured once per encoder
CODEC_LOSSES_FILE = "codec-losses.json"  # in the user cache folder: each encoder's loss, by ffmpeg build and settings
# The limiter's share, and how much of a gain step reaches the loudness where it works: first
# guesses for the search, measured on Piper's speech at the default target (0.6-0.7 LU; 0.7).
TYPICAL_LIMITER_LOSS = 0.6
TYPICAL_SLOPE = 0.7
MASTERING_VERSION = 4  # part of the key of mastered pieces in the cache: raise it when mastering changes


@dataclass(frozen=True)
class MasterOptions:
    """Loudness and encoding targets."""

    # -19 LUFS mono is the -16 LUFS stereo podcast norm
    loudness: float = setting(-19.0, "Target integrated loudness, LUFS", flag="--loudness", low=-30, high=-10)
    true_peak: float = setting(-1.0, "The ceiling of true peaks, dBTP", low=-9, high=0)
    bitrate: int = setting(64, "Audio bitrate, kbps, constant", flag="--bitrate", low=32, high=320)
    sample_rate: int = setting(44100, "Audio sample rate, Hz", flag="--sample-rate", choices=(44100, 22050), parse=int)
    format: str = setting(
        DEFAULT_FORMAT,
        "The episode's audio file: mp3, or m4a (AAC in MP4)",
        flag="--format",
        toml="audio.format",
        choices=format_names,
        must=f"an audio format: {' or '.join(format_names())}",
        dest="audio_format",
    )

    def __post_init__(self) -> None:
        # Checked when made, so a library caller hears of a bad value before any synthesis.
        audio_format(self.format)  # an unknown one is named with the formats there are
        check_settings(self)


def _pcm_input(sample_rate: int) -> list[str]:
    return ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0"]


def measure(audio, chain: str | None = None) -> float:
    """Integrated loudness (LUFS) of the audio, after the filter chain when one is given.

    ffmpeg's ebur128 meter agrees with pyloudnorm to 0.1 LU here; loudnorm's own analysis
    reads speech about 0.4 LU louder, so it is not used.
    """
    result = ffmpeg.run(
        [
            *_pcm_input(audio.frame_rate),
            "-af",
            f"{chain},{ffmpeg.LOUDNESS_METER}" if chain else ffmpeg.LOUDNESS_METER,
            "-f",
            "null",
            "-",
        ],
        stdin=audio.raw_data,
        what="measuring loudness",
    )
    return parse_ebur128(result.stderr.decode(errors="replace"))


def parse_ebur128(log: str) -> float:
    """The integrated loudness from ffmpeg's ebur128 summary."""
    found = re.findall(r"I:\s+(-?[\d.]+|-inf) LUFS", log)
    if not found:
        raise BriefingError("measuring loudness failed: ffmpeg printed no measurement")
    return float(found[-1])


def mastering_filter(gain_db: float, options: MasterOptions) -> str:
    """A linear gain, then a look-ahead limiter holding peaks under the ceiling less a margin.

    The margin covers inter-sample peaks and the overshoot lossy encoding adds. The chain ends at
    the output's sample rate, pinned, so no ffmpeg resamples again for its encoder's liking (4.2
    picked 48 kHz for LAME).
    """
    ceiling = 10 ** ((options.true_peak - audio_format(options.format).peak_margin) / 20)
    return (
        f"aresample={options.sample_rate},aformat=sample_fmts=dbl,volume={gain_db:.3f}dB,"
        f"alimiter=limit={ceiling:.5f}:attack=5:release=50:level=disabled,"
        f"aformat=sample_rates={options.sample_rate}:channel_layouts=mono"
    )


def _encode_args(options: MasterOptions) -> list[str]:
    """The encoder's arguments, after the mastering chain (which sets the sample rate: ffmpeg 4.2,
    given -ar too after -filter_complex, dropped the last seconds)."""
    return [*audio_format(options.format).codec, "-b:a", f"{options.bitrate}k"]


def codec_loss(audio, gain_db: float, options: MasterOptions) -> float:
    """How much loudness the encoder takes off (about 0.4 LU, even on a sine), measured on an
    excerpt of this audio encoded in memory."""
    middle = len(audio) // 2
    excerpt = audio[max(0, middle - CODEC_EXCERPT_MS // 2) : middle + CODEC_EXCERPT_MS // 2]
    chain = mastering_filter(gain_db, options)
    encoded = ffmpeg.run(
        [
            *_pcm_input(excerpt.frame_rate),
            "-af",
            chain,
            *_encode_args(options),
            *audio_format(options.format).frames_muxer,
            "pipe:1",
        ],
        stdin=excerpt.raw_data,
        what="encoding audio",
    ).stdout
    decoded = ffmpeg.run(
        ["-i", "pipe:0", "-af", ffmpeg.LOUDNESS_METER, "-f", "null", "-"], stdin=encoded, what="measuring loudness"
    )
    return measure(excerpt, chain) - parse_ebur128(decoded.stderr.decode(errors="replace"))


def find_gain(audio, options: MasterOptions) -> tuple[float, float, float]:
    """(gain in dB, the loudness it reaches through the mastering chain, the goal it was aimed at:
    the target plus what the codec takes off).

    One linear gain keeps speech natural (loudnorm's own second pass turns to dynamic compression
    when the peaks do not allow a linear gain, and then misses the target by half a unit or more).
    The limiter shaves loudness off speech whose peaks stand 18-23 dB above it, so the gain is found
    by secant steps on the PCM through the mastering chain; the codec's own loss is measured on an
    excerpt, alongside the first step, and made good in the same gain. That loss is a property of
    the encoder (0.4-0.5 LU for LAME at 64 kbps, 0.0-0.2 for ffmpeg's AAC, over six articles'
    speech: the spread of the meter's 0.1 LU steps), so it is kept, per ffmpeg build and settings,
    and later renders run three ffmpeg processes fewer.
    """

    before = measure(audio)
    if math.isinf(before) or before <= -70:
        raise BriefingError("the rendered briefing is silent")
    build = ffmpeg.identity(ffmpeg.ffmpeg_exe())
    key = json.dumps([build, asdict(options), MASTERING_VERSION]) if build else None
    loss = kept(CODEC_LOSSES_FILE).get(key) if key else None
    gain = options.loudness - before + (TYPICAL_CODEC_LOSS if loss is None else loss) + TYPICAL_LIMITER_LOSS
    with ThreadPoolExecutor(1) as pool:  # a second ffmpeg at once: mastering has both cores to itself
        measuring = pool.submit(codec_loss, audio, gain, options) if loss is None else None
        reached = measure(audio, mastering_filter(gain, options))
        if measuring is not None:
            loss = round(measuring.result(), 3)
            if key:
                keep(CODEC_LOSSES_FILE, key, loss)
        goal = options.loudness + loss
    steps = [(gain, reached)]
    # Rounded: the meter reads in 0.1 LU steps, and a difference of one step came out as
    # 0.10000000000000142, so one more pass (an ffmpeg process) ran on most renders.
    while round(abs(goal - reached), 6) > LOUDNESS_TOLERANCE and len(steps) < MASTERING_PASSES:
        slope = TYPICAL_SLOPE
        if len(steps) > 1 and steps[-1][0] != steps[-2][0]:
            # Loudness gained per dB of gain: below 1 where the limiter is already working.
            slope = min(1.0, max(0.2, (steps[-1][1] - steps[-2][1]) / (steps[-1][0] - steps[-2][0])))
        gain += (goal - reached) / slope
        reached = measure(audio, mastering_filter(gain, options))
        steps.append((gain, reached))
    return gain, reached, goal


def master_to_file(audio, destination: str | Path, options: MasterOptions = MasterOptions()) -> float:
    """Master the whole of a clip (a preview) to the target loudness as one piece and write it;
    returns the loudness the file is expected to measure (see find_gain)."""
    gain, reached, goal = find_gain(audio, options)
    piece = encode_piece(audio.raw_data, audio.frame_rate, gain, options, last=True)
    audio_format(options.format).join([piece.frames], Path(destination))
    return reached - (goal - options.loudness)


@dataclass(frozen=True)
class EncodedPiece:
    """A piece of an episode, mastered and encoded on its own."""

    frames: bytes  # whole frames of the format, to follow the previous piece's
    samples: int  # its length in the episode, in samples at the output rate
    blocks: tuple[
        float, ...
    ]  # the momentary loudness after the mastering chain, every 100 ms (see integrated_loudness)
    spans: tuple[tuple[int, int], ...] = ()  # each of its segments' start and end, in output samples from its start


def encode_piece(pcm: bytes, sample_rate: int, gain: float, options: MasterOptions, last: bool) -> EncodedPiece:
    """PCM (16-bit mono at sample_rate) through the mastering chain at gain, encoded, and metered in
    the same pass. A piece followed by another is padded with silence to whole frames and cut to
    them (the encoder's flush dropped): the next piece's frames then start where its audio does."""
    kind = audio_format(options.format)
    samples = -(-len(pcm) // 2 * options.sample_rate // sample_rate)  # rounded up
    frame = kind.frame_samples(options.sample_rate)
    if not last:
        samples = -(-samples // frame) * frame
    chain = f"{mastering_filter(gain, options)},apad=whole_len={samples},atrim=end_sample={samples}"
    result = ffmpeg.run(
        [
            "-v",
            "verbose",
            *_pcm_input(sample_rate),
            "-filter_complex",
            f"[0:a]{chain},asplit=2[out][meter];[meter]{ffmpeg.LOUDNESS_METER}[metered]",
            "-map",
            "[out]",
            *_encode_args(options),
            *kind.frames_muxer,
            "pipe:1",
            "-map",
            "[metered]",
            "-f",
            "null",
            "-",
        ],
        stdin=pcm,
        what="encoding audio",
    )
    frames = result.stdout if last else kind.first_frames(result.stdout, samples // frame)
    return EncodedPiece(frames, samples, parse_blocks(result.stderr.decode(errors="replace")))


def parse_blocks(log: str) -> tuple[float, ...]:
    """The momentary loudness of every 400 ms block, one each 100 ms, from ebur128's per-frame log
    lines (printed at the verbose level)."""
    return tuple(float(value) for value in re.findall(r"\bt:\s*\S+\s+TARGET:\S+ LUFS\s+M:\s*(\S+)", log))


def integrated_loudness(blocks) -> float:
    """The integrated loudness (LUFS) of momentary blocks (400 ms, every 100 ms), gated as ITU-R
    BS.1770 says: blocks under -70 LUFS are left out, then those 10 LU under the mean of the rest.
    Pieces metered apart are measured together this way, as ffmpeg measures one file."""

    def mean_power(values) -> float:
        return sum(10 ** (value / 10) for value in values) / len(values)

    audible = [block for block in blocks if block > -70]
    if not audible:
        return -math.inf
    relative_gate = 10 * math.log10(mean_power(audible)) - 10
    return 10 * math.log10(mean_power([block for block in audible if block > relative_gate]))
