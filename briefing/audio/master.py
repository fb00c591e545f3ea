"""Mastering: the whole briefing measured, given one linear gain under a look-ahead limiter, and
encoded once, in the chosen output format (formats/)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from .. import ffmpeg
from ..errors import BriefingError
from .formats import DEFAULT_FORMAT, audio_format

LOUDNESS_TOLERANCE = 0.1  # LU from the goal at which the gain search stops
MASTERING_PASSES = 4  # measurements at most, searching for the gain
CODEC_EXCERPT_MS = 30_000
TYPICAL_CODEC_LOSS = 0.4  # LU the MP3 and AAC encoders take off speech: the first guess, measured each time
MASTERING_VERSION = 3  # part of the key of mastered briefings in the cache: raise it when mastering changes


@dataclass(frozen=True)
class MasterOptions:
    """Loudness and encoding targets."""

    loudness: float = -19.0  # integrated LUFS; -19 mono is the -16 LUFS stereo podcast norm
    true_peak: float = -1.0  # dBTP ceiling
    bitrate: int = 64  # kbps, constant
    sample_rate: int = 44100  # 44100 or 22050
    format: str = DEFAULT_FORMAT  # the episode's file: a name in the formats registry (mp3, m4a)

    def __post_init__(self) -> None:
        # Checked when made, so a library caller hears of a bad value before any synthesis.
        audio_format(self.format)
        if not (isinstance(self.loudness, (int, float)) and -30 <= self.loudness <= -10):
            raise BriefingError(f"loudness must be from -30 to -10 LUFS, not {self.loudness}")
        if not (isinstance(self.true_peak, (int, float)) and -9 <= self.true_peak <= 0):
            raise BriefingError(f"true peak must be from -9 to 0 dBTP, not {self.true_peak}")
        if not (isinstance(self.bitrate, int) and 32 <= self.bitrate <= 320):
            raise BriefingError(f"bitrate must be from 32 to 320 kbps, not {self.bitrate}")
        if self.sample_rate not in (22050, 44100):
            raise BriefingError(f"sample rate must be 22050 or 44100, not {self.sample_rate}")


def _pcm_input(audio) -> list[str]:
    return ["-f", "s16le", "-ar", str(audio.frame_rate), "-ac", "1", "-i", "pipe:0"]


def measure(audio, chain: str | None = None) -> float:
    """Integrated loudness (LUFS) of the audio, after the filter chain when one is given.

    ffmpeg's ebur128 meter agrees with pyloudnorm to 0.1 LU here; loudnorm's own analysis
    reads speech about 0.4 LU louder, so it is not used.
    """
    result = ffmpeg.run([*_pcm_input(audio), "-af", f"{chain},{ffmpeg.LOUDNESS_METER}" if chain else ffmpeg.LOUDNESS_METER, "-f", "null", "-"],
                        stdin=audio.raw_data, what="measuring loudness")
    return parse_ebur128(result.stderr.decode(errors="replace"))


def parse_ebur128(log: str) -> float:
    """The integrated loudness from ffmpeg's ebur128 summary."""
    found = re.findall(r"I:\s+(-?[\d.]+|-inf) LUFS", log)
    if not found:
        raise BriefingError("measuring loudness failed: ffmpeg printed no measurement")
    return float(found[-1])


def mastering_filter(gain_db: float, options: MasterOptions) -> str:
    """A linear gain, then a look-ahead limiter holding peaks under the ceiling less a margin.

    The margin covers inter-sample peaks and the overshoot lossy encoding adds.
    """
    ceiling = 10 ** ((options.true_peak - audio_format(options.format).peak_margin) / 20)
    return (f"aresample={options.sample_rate},aformat=sample_fmts=dbl,volume={gain_db:.3f}dB,"
            f"alimiter=limit={ceiling:.5f}:attack=5:release=50:level=disabled")


def _encode_args(options: MasterOptions) -> list[str]:
    return ["-ar", str(options.sample_rate), "-ac", "1", *audio_format(options.format).codec, "-b:a", f"{options.bitrate}k"]


def codec_loss(audio, gain_db: float, options: MasterOptions) -> float:
    """How much loudness the encoder takes off (about 0.4 LU, even on a sine), measured on an
    excerpt of this audio encoded in memory."""
    middle = len(audio) // 2
    excerpt = audio[max(0, middle - CODEC_EXCERPT_MS // 2) : middle + CODEC_EXCERPT_MS // 2]
    chain = mastering_filter(gain_db, options)
    encoded = ffmpeg.run([*_pcm_input(excerpt), "-af", chain, *_encode_args(options), "-f", audio_format(options.format).stream_muxer,
                          "pipe:1"], stdin=excerpt.raw_data, what="encoding audio").stdout
    decoded = ffmpeg.run(["-i", "pipe:0", "-af", ffmpeg.LOUDNESS_METER, "-f", "null", "-"], stdin=encoded,
                         what="measuring loudness")
    return measure(excerpt, chain) - parse_ebur128(decoded.stderr.decode(errors="replace"))


def find_gain(audio, options: MasterOptions) -> tuple[float, float, float]:
    """(gain in dB, the loudness it reaches through the mastering chain, the goal it was aimed at:
    the target plus what the codec takes off).

    One linear gain keeps speech natural (loudnorm's own second pass turns to dynamic compression
    when the peaks do not allow a linear gain, and then misses the target by half a unit or more).
    The limiter shaves loudness off speech whose peaks stand 18-23 dB above it, so the gain is found
    by secant steps on the PCM through the mastering chain; the codec's own loss is measured on an
    excerpt, alongside the first step, and made good in the same gain.
    """
    from concurrent.futures import ThreadPoolExecutor

    before = measure(audio)
    if math.isinf(before) or before <= -70:
        raise BriefingError("the rendered briefing is silent")
    gain = options.loudness - before + TYPICAL_CODEC_LOSS
    with ThreadPoolExecutor(1) as pool:  # a second ffmpeg at once: mastering has both cores to itself
        loss = pool.submit(codec_loss, audio, gain, options)
        reached = measure(audio, mastering_filter(gain, options))
        goal = options.loudness + loss.result()
    steps = [(gain, reached)]
    while abs(goal - reached) > LOUDNESS_TOLERANCE and len(steps) < MASTERING_PASSES:
        slope = 1.0
        if len(steps) > 1 and steps[-1][0] != steps[-2][0]:
            # Loudness gained per dB of gain: below 1 where the limiter is already working.
            slope = min(1.0, max(0.2, (steps[-1][1] - steps[-2][1]) / (steps[-1][0] - steps[-2][0])))
        gain += (goal - reached) / slope
        reached = measure(audio, mastering_filter(gain, options))
        steps.append((gain, reached))
    return gain, reached, goal


def master_to_file(audio, destination: str | Path, options: MasterOptions = MasterOptions()) -> float:
    """Master the whole briefing to the target loudness and encode it once; returns the loudness
    the file is expected to measure (see find_gain)."""
    gain, reached, goal = find_gain(audio, options)
    ffmpeg.run([*_pcm_input(audio), "-af", mastering_filter(gain, options), *_encode_args(options),
                *audio_format(options.format).file_muxer, str(destination)], stdin=audio.raw_data, what="encoding audio")
    return reached - (goal - options.loudness)


STREAM_EXCERPT_SECONDS = 60.0  # of the opening, to find the gain on before encoding starts
STREAM_TOLERANCE = 0.5  # LU: a streamed master further than this from the target is mastered again whole


class StreamedMaster:
    """Masters and encodes a briefing while it is still being spoken.

    Every clip is levelled to one speech level, so the gain the opening needs is the gain the whole
    needs: it is found on the first minute (as master_to_file finds it on the whole), and from then
    on the PCM goes through the mastering chain into the encoder as it comes. The encoder's input is
    metered in the same pass; finish() says the loudness the file will measure, or None when it
    misses the target by more than STREAM_TOLERANCE, and the caller masters the whole again.
    """

    def __init__(self, destination: Path, sample_rate: int, options: MasterOptions = MasterOptions(), cache=None):
        self.destination, self.sample_rate, self.options = Path(destination), sample_rate, options
        self.cache = cache  # a SegmentCache: the gain found for an opening is kept (an edit later on reuses it)
        self.waiting: list[bytes] = []  # PCM held until the gain is known
        self.held = 0
        self.process = None
        self.loss = TYPICAL_CODEC_LOSS
        self.log: list[bytes] = []

    def feed(self, pcm: bytes) -> None:
        if self.process is None:
            self.waiting.append(pcm)
            self.held += len(pcm)
            if self.held >= STREAM_EXCERPT_SECONDS * self.sample_rate * 2:
                self._start()
        elif pcm:
            self.process.stdin.write(pcm)

    def _start(self) -> None:
        import subprocess
        import threading

        gain, self.loss = self._opening_gain(b"".join(self.waiting))
        chain = mastering_filter(gain, self.options)
        self.process = subprocess.Popen(
            ffmpeg.command(["-f", "s16le", "-ar", str(self.sample_rate), "-ac", "1", "-i", "pipe:0", "-filter_complex",
                            f"[0:a]{chain},asplit=2[out][meter];[meter]{ffmpeg.LOUDNESS_METER}[metered]", "-map", "[out]", *_encode_args(self.options), *audio_format(self.options.format).file_muxer, str(self.destination),
             "-map", "[metered]", "-f", "null", "-"]),
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # Read ffmpeg's log as it comes, so a full pipe never stops it.
        self.reader = threading.Thread(target=lambda: self.log.extend(self.process.stderr), daemon=True)
        self.reader.start()
        for pcm in self.waiting:
            self.process.stdin.write(pcm)
        self.waiting = []

    def _opening_gain(self, pcm: bytes) -> tuple[float, float]:
        """(gain, codec loss) for the opening: from the cache when the same opening was mastered
        before with the same settings, else found (half a second of a render)."""
        import hashlib
        import json
        from dataclasses import asdict

        key = None
        if self.cache is not None:
            settings = json.dumps({"master": asdict(self.options), "rate": self.sample_rate, "version": MASTERING_VERSION}, sort_keys=True)
            key = hashlib.sha256(settings.encode() + pcm).hexdigest()
            found = self.cache.get_gain(key)
            if found is not None:
                return found
        opening = ffmpeg.audio_segment_class()(data=pcm, sample_width=2, frame_rate=self.sample_rate, channels=1)
        gain, _, goal = find_gain(opening, self.options)
        if key is not None:
            self.cache.put_gain(key, gain, goal - self.options.loudness)
        return gain, goal - self.options.loudness

    def finish(self) -> float | None:
        """Encode what is left and wait; the loudness the file will measure, or None when it misses
        the target by more than STREAM_TOLERANCE."""
        if self.process is None:
            if not self.held:
                raise BriefingError("the rendered briefing is silent")
            self._start()  # a briefing shorter than the excerpt: its gain is found on the whole
        self.process.stdin.close()
        status = self.process.wait()
        self.reader.join()
        log = b"".join(self.log).decode(errors="replace")
        if status != 0:
            lines = [line for line in log.splitlines() if line.strip()]
            raise BriefingError(f"encoding audio failed: {lines[-1] if lines else f'ffmpeg exited with status {status}'}")
        expected = parse_ebur128(log) - self.loss
        return expected if abs(expected - self.options.loudness) <= STREAM_TOLERANCE else None

    def abort(self) -> None:
        """Stop encoding (synthesis failed or was interrupted) and remove what was written."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.destination.unlink(missing_ok=True)
