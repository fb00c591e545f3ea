"""Stage 2, script: clean articles and turn them into a spoken script of engine-sized segments."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from num2words import num2words

from .cleaning import RULES, CleaningRule, clean
from .errors import BriefingError
from .model import Article, Script, Segment, Story
from .speech import normalize


@dataclass(frozen=True)
class ScriptOptions:
    """How the script is framed and paced."""

    show: str = "Briefing"
    date: dt.date | None = None  # the episode date; today when None
    max_chars: int | None = None  # the engine's request limit, None for no limit
    sentence_pause: float = 0.3
    paragraph_pause: float = 0.8
    section_pause: float = 1.5  # after the intro and before the outro
    rules: tuple[CleaningRule, ...] = RULES


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph, surviving abbreviations such as "U.S. air raid" and "Gen. Haftar"."""
    return [sentence.strip() for sentence in _segmenter().segment(paragraph) if sentence.strip()]


def split_clauses(sentence: str) -> list[str]:
    """Clauses of a sentence: breaks after , ; : and around dashes and parentheses, never inside a word or number."""
    pieces = re.split(r"(?<=[,;:])\s+|\s+(?=[—–]\s)|\s+(?=\()|(?<=\))\s+", sentence)
    return [piece for piece in pieces if piece.strip()]


def split_words(text: str, max_chars: int) -> list[str]:
    """Pieces of at most max_chars, broken at spaces into pieces of about equal length.

    A single word longer than max_chars is cut, as nothing else can be done with it.
    """
    words = [word[i : i + max_chars] for word in text.split() for i in range(0, len(word), max_chars)]
    count = math.ceil(len(text) / max_chars)
    while True:
        target = len(text) / count
        pieces, current = [], ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if current and (len(candidate) > max_chars or len(current) >= target):
                pieces.append(current)
                candidate = word
            current = candidate
        pieces.append(current)
        if len(pieces) <= count:
            return pieces
        count += 1


def fit_pieces(pieces: list[tuple[str, str]], max_chars: int) -> list[tuple[str, str]]:
    """Merge (written, spoken) clauses greedily while the spoken text fits max_chars.

    A clause too long on its own is cut at spaces; its written text goes with its first piece.
    """
    fitted: list[tuple[str, str]] = []
    for written, spoken in pieces:
        if not spoken:
            continue
        if fitted and len(fitted[-1][1]) + 1 + len(spoken) <= max_chars:
            written_before, spoken_before = fitted[-1]
            fitted[-1] = (f"{written_before} {written}".strip(), f"{spoken_before} {spoken}")
        elif len(spoken) <= max_chars:
            fitted.append((written, spoken))
        else:
            words = split_words(spoken, max_chars)
            fitted.append((written, words[0]))
            fitted.extend(("", rest) for rest in words[1:])
    return fitted


def speak_sentence(sentence: str, max_chars: int | None) -> list[tuple[str, str]]:
    """(written, spoken) pieces of one sentence, each spoken piece within the engine's limit.

    Clauses are normalised one by one and merged back while they fit, so a request breaks at a
    clause boundary whenever one is near.
    """
    if max_chars is None:
        return [(sentence, normalize(sentence))]
    return fit_pieces([(clause, normalize(clause)) for clause in split_clauses(sentence)], max_chars)


def spoken_date(date: dt.date) -> tuple[str, str]:
    """(written, spoken) forms of a date: "Tuesday, 24 November 2026", "Tuesday, November twenty-fourth, twenty twenty-six"."""
    written = f"{date:%A}, {date.day} {date:%B %Y}"
    spoken = f"{date:%A}, {date:%B} {num2words(date.day, to='ordinal')}, {num2words(date.year, to='year')}"
    return written, spoken


def _sentence(text: str) -> str:
    """End a line with a full stop unless it already ends with punctuation."""
    return text if re.search(r"[.!?…]['\"”’)]*$", text) else text + "."


def body_segments(paragraphs: tuple[str, ...], story: int, options: ScriptOptions) -> list[Segment]:
    """Segments of a story's paragraphs, with sentence and paragraph pauses."""
    segments: list[Segment] = []
    for index, paragraph in enumerate(paragraphs):
        for sentence in split_sentences(paragraph):
            pieces = speak_sentence(sentence, options.max_chars)
            for position, (written, spoken) in enumerate(pieces):
                last = position == len(pieces) - 1
                segments.append(Segment("body", written, spoken, options.sentence_pause if last else 0.0, story, index))
        if segments:
            segments[-1] = replace(segments[-1], pause_after=options.paragraph_pause)
    return segments


def framing_segment(kind: str, written: str, spoken: str | None, pause: float, story: int | None = None) -> Segment:
    """A segment of the show's own words (intro, headline, outro): normalised like the body."""
    written = _sentence(written)
    return Segment(kind, written, _sentence(spoken) if spoken is not None else normalize(written), pause, story)


def build_script(articles: list[Article] | tuple[Article, ...], options: ScriptOptions = ScriptOptions()) -> Script:
    """The spoken briefing for one or more articles: intro, each story with its headline, outro."""
    if not articles:
        raise BriefingError("nothing to brief: no articles")
    date = options.date or dt.date.today()
    written_date, said_date = spoken_date(date)
    segments: list[Segment] = [
        framing_segment("intro", f"This is {options.show}, for {written_date}", f"This is {options.show}, for {said_date}", 0.6)
    ]
    if len(articles) > 1:
        headlines = "; ".join(article.title for article in articles[:-1]) + f"; and {articles[-1].title}"
        segments.append(framing_segment("intro", f"Today: {headlines}", None, 0.6))
    segments[-1] = replace(segments[-1], pause_after=options.section_pause)

    stories: list[Story] = []
    for index, article in enumerate(articles):
        kept, dropped = clean(article.paragraphs, options.rules)
        if not kept:
            raise BriefingError(f"{article.source}: no article text left after removing boilerplate")
        stories.append(Story(article.title, article.source, article.url, article.outlet, dropped))
        lead = "" if len(articles) == 1 else "First: " if index == 0 else "Finally: " if index == len(articles) - 1 else "Next: "
        outlet = f" From {article.outlet}." if article.outlet else ""
        segments.append(framing_segment("headline", f"{lead}{_sentence(article.title)}{outlet}", None, options.paragraph_pause, index))
        body = body_segments(kept, index, options)
        body[-1] = replace(body[-1], pause_after=options.section_pause)
        segments.extend(body)

    title = articles[0].title if len(articles) == 1 else f"{options.show}, {written_date}"
    segments.append(framing_segment("outro", f"That was {options.show}, for {written_date}. Thanks for listening",
                                    f"That was {options.show}, for {said_date}. Thanks for listening", 0.0))
    if options.max_chars:
        segments = [piece for segment in segments for piece in _fit(segment, options.max_chars)]
    return Script(title=title, show=options.show, date=date, stories=tuple(stories), segments=tuple(segments))


def _fit(segment: Segment, max_chars: int) -> list[Segment]:
    """Split a framing segment that is too long for the engine (body segments already fit)."""
    if len(segment.spoken) <= max_chars:
        return [segment]
    clauses = split_clauses(segment.spoken)
    pieces = fit_pieces([(segment.text if i == 0 else "", clause) for i, clause in enumerate(clauses)], max_chars)
    return [
        replace(segment, text=written, spoken=spoken, pause_after=segment.pause_after if i == len(pieces) - 1 else 0.0)
        for i, (written, spoken) in enumerate(pieces)
    ]
