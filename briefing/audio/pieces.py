"""An episode mastered and encoded a piece at a time. A piece is a run of whole paragraphs, about
half a minute; each is encoded as soon as its clips are there, while the voice speaks the rest,
and kept in the cache under the clips it was made of, so a render of the same script encodes
nothing and an edit encodes only the pieces it changed. The joins sit in the middle of the pauses
after paragraphs, so each piece ends in silence (formats/base.py says how the pieces' frames follow
one another across it) and starts in silence too, so the encoder, started afresh, has mostly
settled by the first word (ffmpeg's AAC encoder starting on a word added noise 20 dB over its usual
for 60 ms; after half a pause, up to 7 dB for 150 ms at times; LAME shows no difference).

One gain serves every piece: every clip is levelled to one speech level, so the gain the opening
(about the first minute) needs is the gain the whole needs. It is found on the opening's audio and
kept in the cache under the opening's clips, rounded to GAIN_STEP so that an edit in the opening
mostly finds the same gain and keeps the other pieces. Each piece is metered as it is encoded;
when the pieces together miss the target by more than TOLERANCE (none of 24 eval articles did:
scripts/eval --opening-gain), the caller masters again with the gain found on the whole
(whole_gain=True).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace

from .. import ffmpeg
from ..cache import SegmentCache
from ..model import Segment, TimedSegment
from . import master, mix
from .formats import audio_format

# Spoken characters a piece has at least (about 25 s of Piper's speech) before it ends. Each piece
# is an ffmpeg process (Debian's takes 50 ms of processor time just to start), and an edit encodes
# its whole piece. Measured side by side on the sample, pieces of 400, 600 and 800 characters:
# cold 0.94, 0.93 and 0.92x bare Piper; one paragraph edited 0.135, 0.149 and 0.156x cold.
PIECE_CHARACTERS = 400
OPENING_CHARACTERS = 900  # the pieces the gain is found on: the first minute, about
JOIN_PAUSE = 0.3  # seconds of silence a join is made in, at least: half before it, half after
GAIN_STEP = 0.05  # dB: the gain is rounded to it (the search stops within 0.1 LU of the goal anyway)
TOLERANCE = 0.5  # LU: pieces further than this from the target together are mastered again on the whole's gain
ENCODERS = 2  # pieces encoded at once
PIECE_VERSION = 1  # part of the pieces' keys in the cache: raise it when the joining of clips or pieces changes


def plan(segments: Sequence[Segment]) -> tuple[range, ...]:
    """The pieces: runs of segments, each ending with a paragraph (or story, or section) once it
    holds PIECE_CHARACTERS, where a pause of JOIN_PAUSE at least follows; and the outro on its own,
    so that what is left to encode once the voice has finished is short. Decided by the text alone,
    so an edit moves no join but perhaps the one after it."""
    pieces, start, characters = [], 0, 0
    for index, segment in enumerate(segments):
        characters += len(segment.spoken)
        following = segments[index + 1] if index + 1 < len(segments) else None
        if following is None or (
            segment.pause_after >= JOIN_PAUSE
            and _paragraph(following) != _paragraph(segment)
            and (characters >= PIECE_CHARACTERS or following.kind == "outro")
        ):
            pieces.append(range(start, index + 1))
            start, characters = index + 1, 0
    return tuple(pieces)


def _paragraph(segment: Segment) -> tuple:
    return segment.kind, segment.story, segment.paragraph


def opening(segments: Sequence[Segment], pieces: Sequence[range]) -> int:
    """How many pieces the gain is found on: the first that hold OPENING_CHARACTERS between them."""
    characters = 0
    for count, piece in enumerate(pieces, start=1):
        characters += sum(len(segments[index].spoken) for index in piece)
        if characters >= OPENING_CHARACTERS:
            return count
    return len(pieces)


@dataclass(frozen=True)
class Mastered:
    """An episode's sound, in pieces, and the times of its segments in the file they make."""

    pieces: tuple[bytes, ...]  # each piece's frames, in order (the format joins them into its file)
    timings: tuple[TimedSegment, ...]
    duration: float  # seconds
    loudness: float  # LUFS: what the file will measure
    on_target: bool  # within TOLERANCE of the target: when not, the caller masters again (whole_gain=True)


class PieceMaster:
    """Masters and encodes an episode's pieces as their clips come (add), taking from the cache
    the pieces made before from the same clips: needed() says whose clips are still wanted.

    entry(index) names the cache entry of a segment's clip (its name and when it was made, so a
    clip made again makes a new piece), or None when it is not there: a piece with such a clip
    (one the fallback engine made, say) is not kept. framing names the sting or music, which the
    first and last pieces hold; make_sting makes it, only when one of those is encoded."""

    def __init__(
        self,
        segments: Sequence[Segment],
        sample_rate: int,
        make_sting: Callable[[], object],
        options: master.MasterOptions = master.MasterOptions(),
        cache: SegmentCache | None = None,
        entry: Callable[[int], list | None] | None = None,
        framing: list | None = None,
        whole_gain: bool = False,
    ):
        self.segments, self.sample_rate, self.options, self.cache = segments, sample_rate, options, cache
        self.make_sting, self._sting = make_sting, None
        self.entry, self.framing = entry, framing
        self.pieces = plan(segments)
        self.gain_scope = range(len(self.pieces)) if whole_gain else range(opening(segments, self.pieces))
        self.piece_of = {index: number for number, piece in enumerate(self.pieces) for index in piece}
        self.clips: dict[int, dict[int, object]] = {}  # piece -> its clips so far, by segment
        self.stitched: dict[int, tuple[bytes, tuple]] = {}  # piece -> (PCM, spans), waiting for the gain
        self.encoded: dict[int, master.EncodedPiece] = {}
        self.encoding: dict[int, Future] = {}
        self.pool = ThreadPoolExecutor(ENCODERS, thread_name_prefix="briefing-encode")
        self.gain: float | None = None
        self.loss = master.TYPICAL_CODEC_LOSS
        found = self._cached_gain(whole_gain)
        if found is not None:
            self.gain, self.loss = found
            for number in range(len(self.pieces)):
                piece = self._cached_piece(number)
                if piece is not None:
                    self.encoded[number] = piece

    def needed(self) -> set[int]:
        """The segments whose clips are wanted: those of the pieces not taken from the cache."""
        return {index for number, piece in enumerate(self.pieces) if number not in self.encoded for index in piece}

    def speaking_order(self) -> list[int]:
        """The segments in the order best spoken: piece after piece, so that each is encoded while
        the voice goes on; in each, the longest first, so that parallel workers run out of work at
        about the same moment, and what is left to encode when the voice stops is the outro's short
        piece (measured on the sample: the last body piece was done 0.1-0.2 s before the outro,
        where in the script's own order it was the last to finish, a 22 s piece left to encode)."""
        return [
            index
            for piece in self.pieces
            for index in sorted(piece, key=lambda index: -len(self.segments[index].spoken))
        ]

    def add(self, index: int, clip) -> None:
        """A needed segment's clip (in any order); its piece is encoded once all of its clips are here."""
        number = self.piece_of[index]
        clips = self.clips.setdefault(number, {})
        clips[index] = clip
        if len(clips) < len(self.pieces[number]):
            return
        del self.clips[number]
        stitcher = mix.Stitcher(self.sample_rate)
        if number == 0:
            stitcher.add_audio(*mix.opening(self.sting(), self.sample_rate))
        else:
            stitcher.add_audio(mix.silence(self._join_pause(number - 1) / 2, self.sample_rate))
        for segment_index in self.pieces[number]:
            segment = self.segments[segment_index]
            if segment_index == self.pieces[number][-1] and number < len(self.pieces) - 1:
                segment = replace(segment, pause_after=self._join_pause(number) / 2)
            stitcher.add(segment, clips[segment_index])
        if number == len(self.pieces) - 1:
            stitcher.add_audio(*mix.closing(self.sting(), self.sample_rate))
        self.stitched[number] = (stitcher.pcm(), tuple(stitcher.spans))
        if self.gain is None and all(number in self.stitched for number in self.gain_scope):
            self._find_gain()
        if self.gain is not None:
            for waiting in sorted(self.stitched):
                self._encode(waiting)

    def finish(self) -> Mastered:
        """Wait for the pieces; the episode they make, with its segments' times and loudness."""
        for number, future in self.encoding.items():
            self.encoded[number] = future.result()
        self.pool.shutdown()
        kind = audio_format(self.options.format)
        rate = self.options.sample_rate
        timings, offset = [], kind.encoder_delay
        for number, piece in enumerate(self.pieces):
            encoded = self.encoded[number]
            timings += [
                TimedSegment(self.segments[index], (offset + start) / rate, (offset + end) / rate)
                for index, (start, end) in zip(piece, encoded.spans, strict=True)
            ]
            offset += encoded.samples
        loudness = (
            master.integrated_loudness(
                [block for number in range(len(self.pieces)) for block in self.encoded[number].blocks]
            )
            - self.loss
        )
        return Mastered(
            tuple(self.encoded[number].frames for number in range(len(self.pieces))),
            tuple(timings),
            offset / rate,
            loudness,
            abs(loudness - self.options.loudness) <= TOLERANCE,
        )

    def abort(self) -> None:
        """Stop: pieces not yet encoding are dropped (one encoding ends within a second)."""
        self.pool.shutdown(wait=False, cancel_futures=True)

    def _join_pause(self, number: int) -> float:
        """The pause a piece ends with, which the join halves."""
        return self.segments[self.pieces[number][-1]].pause_after

    def sting(self):
        if self._sting is None:
            self._sting = self.make_sting()
        return self._sting

    def _find_gain(self) -> None:
        """The gain, found on the pieces of the gain's scope (the opening, or all), and kept."""
        pcm = b"".join(self.stitched[number][0] for number in self.gain_scope)
        audio = ffmpeg.AudioSegment(data=pcm, sample_width=2, frame_rate=self.sample_rate, channels=1)
        gain, _, goal = master.find_gain(audio, self.options)
        self.gain, self.loss = round(round(gain / GAIN_STEP) * GAIN_STEP, 2), goal - self.options.loudness
        key = self._gain_key(self.gain_scope)
        if key is not None:
            self.cache.put_gain(key, self.gain, self.loss)

    def _encode(self, number: int) -> None:
        pcm, spans = self.stitched.pop(number)
        found = self._cached_piece(number)
        if found is not None:
            self.encoded[number] = found
            return
        self.encoding[number] = self.pool.submit(self._encode_and_keep, number, pcm, spans)

    def _encode_and_keep(self, number: int, pcm: bytes, spans: tuple) -> master.EncodedPiece:
        piece = master.encode_piece(pcm, self.sample_rate, self.gain, self.options, last=number == len(self.pieces) - 1)
        rate = self.options.sample_rate  # the segments' places in the piece, at the output rate
        piece = replace(
            piece,
            spans=tuple((start * rate // self.sample_rate, end * rate // self.sample_rate) for start, end in spans),
        )
        key = self._piece_key(number)
        if key is not None:
            self.cache.put_piece(
                key, piece.frames, {"samples": piece.samples, "blocks": piece.blocks, "spans": piece.spans}
            )
        return piece

    def _cached_gain(self, whole_gain: bool) -> tuple[float, float] | None:
        """The gain kept for the whole (found when the opening's missed), else for the opening."""
        everything = range(len(self.pieces))
        for scope in [everything] if whole_gain else [everything, self.gain_scope]:
            key = self._gain_key(scope)
            found = self.cache.get_gain(key) if key else None
            if found is not None:
                return found
        return None

    def _cached_piece(self, number: int) -> master.EncodedPiece | None:
        key = self._piece_key(number)
        found = self.cache.get_piece(key) if key else None
        if found is None:
            return None
        frames, details = found
        try:
            return master.EncodedPiece(
                frames,
                int(details["samples"]),
                tuple(map(float, details["blocks"])),
                tuple((int(start), int(end)) for start, end in details["spans"]),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def _content(self, number: int) -> dict | None:
        """What a piece is made of, as the cache knows it; None when a clip is not in the cache."""
        if self.cache is None or self.entry is None or self.framing is None:
            return None
        entries = []
        for index in self.pieces[number]:
            found = self.entry(index)
            if found is None:
                return None
            entries.append([*found, self.segments[index].pause_after])
        last = len(self.pieces) - 1
        return {
            "segments": entries,
            "opening": self.framing if number == 0 else self._join_pause(number - 1),
            "closing": self.framing if number == last else None,
            "rate": self.sample_rate,
            "version": PIECE_VERSION,
        }

    def _settings(self) -> dict:
        return {"master": asdict(self.options), "mastering": master.MASTERING_VERSION}

    def _piece_key(self, number: int) -> str | None:
        content = self._content(number) if self.gain is not None else None
        return self.cache.material_key({"piece": content, "gain": self.gain, **self._settings()}) if content else None

    def _gain_key(self, scope: range) -> str | None:
        contents = [self._content(number) for number in scope]
        if not contents or None in contents:
            return None
        return self.cache.material_key({"gain for": contents, **self._settings()})
