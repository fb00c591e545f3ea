"""Stage 2, script: clean articles and turn them into a spoken script of engine-sized segments."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

import pysbd

from ..errors import BriefingError
from ..ingest.sources import same_words
from ..model import Article, Draft, DroppedBlock, Paragraph, Script, Section, Segment, Story
from .cleaning import RULES, CleaningRule, clean
from .headlines import spoken_headline
from .speech import DATELINE, NORMALIZERS, normalize, speak_other_scripts, speakable


@dataclass(frozen=True)
class ScriptOptions:
    """How the script is framed (draft) and spoken and paced (render)."""

    show: str = "Briefing"
    date: dt.date | None = None  # the episode date; today when None
    rules: tuple[CleaningRule, ...] = RULES  # boilerplate rules applied to each article
    max_chars: int | None = None  # the engine's request limit, None for no limit
    speech: tuple[Callable[[str], str], ...] = NORMALIZERS  # normalisation rules, a lexicon's first
    # said first in the intro, outro and headlines, for an English voice: names in other scripts
    frame_speech: tuple[Callable[[str], str], ...] = (speak_other_scripts,)
    sentence_pause: float = 0.3
    paragraph_pause: float = 0.8
    intro_pause: float = 0.6  # between the intro's lines
    section_pause: float = 1.5  # after the intro and after each story
    now: dt.datetime | None = None  # for "three hours ago"; the current time when None
    second_voice: str | None = None  # for headlines, intro, transitions, outro and quotations


@lru_cache(maxsize=1)
def _segmenter():
    return pysbd.Segmenter(language="en", clean=False)


SENTENCE_WINDOW = 2000  # characters pysbd reads at once: its abbreviation pass is quadratic in its input
# Paragraphs split and sentences spoken are kept for the process: fitting a briefing to a time
# budget renders it again and again (16 stories to an hour took 11.7 s, nearly all splitting and
# normalising the same sentences), and the render after that once more. About 7 MB when full
# (450 bytes an entry, measured on the eval articles).
KEPT_RENDERINGS = 8192


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph (see _split_sentences)."""
    return list(_split_sentences(paragraph))


@lru_cache(maxsize=KEPT_RENDERINGS)
def _split_sentences(paragraph: str) -> tuple[str, ...]:
    """Sentences of a paragraph, surviving abbreviations such as "U.S. air raid" and "Gen. Haftar".

    pysbd reads a long paragraph a window at a time (cut at a space), the last sentence of each
    window carried into the next, so time stays linear in the paragraph's length; a "sentence"
    longer than a window (run-on text with no full stop) is let go as it is, for the engine's
    length limit to cut at clauses."""
    segmenter = _segmenter()
    sentences: list[str] = []
    carried, start = "", 0
    while start < len(paragraph):
        end = _window_end(paragraph, start + SENTENCE_WINDOW)
        pieces = [piece for piece in segmenter.segment(carried + paragraph[start:end]) if piece.strip()]
        start = end
        carried = pieces.pop().rstrip() if pieces and start < len(paragraph) else ""
        if len(carried) > SENTENCE_WINDOW:
            pieces.append(carried)
            carried = ""
        sentences += [piece.strip() for piece in pieces]
    if carried.strip():
        sentences.append(carried.strip())
    return tuple(rejoin_pieces(sentences))


# Words that go on a sentence after "a.m." or "p.m.": a time zone, never a new sentence.
TIME_ZONE_WORDS = frozenset(
    {
        "ET",
        "EST",
        "EDT",
        "PT",
        "PST",
        "PDT",
        "CT",
        "CST",
        "CDT",
        "MT",
        "MST",
        "MDT",
        "GMT",
        "BST",
        "UTC",
        "CET",
        "CEST",
        "local",
    }
)


def rejoin_pieces(sentences: list[str]) -> list[str]:
    """Sentences cut where they should not be, put back together: after an abbreviation (a sentence
    never starts with a small letter, though iPhone may, a digit or a comma: "... 1119 Eighth St." +
    ", after midnight"; "see vol." + "3"; nor with a time zone after a time: "at 9 a.m." + "ET to
    allow travel"); a stray closing quotation mark goes back to the sentence it closes, and a piece
    with no letters or digits joins the one before (it would be a silent segment of its own)."""
    joined: list[str] = []
    for sentence in sentences:
        closing = re.match(r"([”’»\"']+)\s+(?=\S)", sentence)
        if joined and closing:
            joined[-1] += closing.group(1)
            sentence = sentence[closing.end() :]
        if joined and not re.search(r"\w", sentence):
            joined[-1] += sentence
            continue
        first_word = sentence.split(maxsplit=1)[0].rstrip(",.;:") if sentence.split() else ""
        continues = re.match(r"[a-z](?![A-Z])|[0-9,;:)\]]", sentence) or (
            first_word in TIME_ZONE_WORDS and joined and re.search(r"\b[ap]\.m\.$", joined[-1])
        )
        if joined and continues and re.search(r"\b[A-Za-z][A-Za-z.]{0,5}\.$", joined[-1]):
            joined[-1] += ("" if sentence[0] in ",;:)]" else " ") + sentence
        else:
            joined.append(sentence)
    return joined


def _window_end(text: str, at: int) -> int:
    """The first space at or after `at` (a window never ends inside a word), else the end; a word
    longer than a window is cut after one more window."""
    if at >= len(text):
        return len(text)
    space = text.find(" ", at, at + SENTENCE_WINDOW)
    return space if space != -1 else min(len(text), at + SENTENCE_WINDOW)


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


def speak_sentence(sentence: str, max_chars: int | None, rules=NORMALIZERS) -> list[tuple[str, str]]:
    """(written, spoken) pieces of one sentence (see _speak_sentence)."""
    return list(_speak_sentence(sentence, max_chars, rules))


@lru_cache(maxsize=KEPT_RENDERINGS)
def _speak_sentence(sentence: str, max_chars: int | None, rules: tuple) -> tuple[tuple[str, str], ...]:
    """(written, spoken) pieces of one sentence, each spoken piece within the engine's limit.

    The whole sentence is normalised first (dates and amounts span commas), then the spoken text
    is cut at clause boundaries; the written sentence goes with its first piece.
    """
    spoken = normalize(sentence, rules)
    if max_chars is None or len(spoken) <= max_chars:
        return ((sentence, spoken),)
    clauses = split_clauses(spoken)
    return tuple(fit_pieces([(sentence if i == 0 else "", clause) for i, clause in enumerate(clauses)], max_chars))


def written_date(date: dt.date) -> str:
    """The date as the intro says it, written so normalisation reads it well: "Tuesday, November 24, 2026"."""
    return f"{date:%A}, {date:%B} {date.day}, {date.year}"


def _sentence(text: str) -> str:
    """End a line with a full stop unless it already ends with punctuation."""
    return text if re.search(r"[.!?…]['\"”’)]*$", text) else text + "."


def spoken_show(show: str) -> str:
    """The show's name as the intro and outro say it: "your briefing" when an English voice could
    say nothing of it (a name in Hebrew or Arabic letters, or emoji alone); tags and the page keep it."""
    return show if speakable(show) else "your briefing"


def intro(show: str, date: dt.date, titles: list[str]) -> tuple[Paragraph, ...]:
    """The show's opening: its name and the date, then the stories when there are several."""
    opening = [Paragraph(f"This is {spoken_show(show)}, for {written_date(date)}.")]
    if len(titles) > 1:
        titles = [title.rstrip(".") for title in titles]
        opening.append(Paragraph(f"Today: {'; '.join(titles[:-1])}; and {titles[-1]}."))
    return tuple(opening)


def draft(articles: list[Article] | tuple[Article, ...], options: ScriptOptions = ScriptOptions()) -> Draft:
    """Clean the articles and frame them: an intro with the date (and the stories, when several), the
    stories, and an outro. Nothing is normalised yet: a draft is what an editable script file holds."""
    if not articles:
        raise BriefingError("nothing to brief: no articles")
    date = options.date or dt.date.today()
    headlines = [spoken_headline(article.title, article.outlet, article.url) for article in articles]
    sections = [Section("intro", intro(options.show, date, [headline for headline, _ in headlines]))]
    for article, (headline, cut) in zip(articles, headlines, strict=True):
        kept, dropped = clean(article.paragraphs, options.rules)
        dropped = cut + dropped
        # A body paragraph that only repeats the headline is not read twice.
        repeated = [paragraph for paragraph in kept if same_words(paragraph, article.title)]
        kept = [paragraph for paragraph in kept if paragraph not in repeated]
        dropped += tuple(DroppedBlock("headline-repeated", paragraph) for paragraph in repeated)
        if not kept:
            raise BriefingError(f"{article.source}: no article text left after removing boilerplate")
        if not any(character.isalnum() for paragraph in kept for character in paragraph):
            raise BriefingError(f"{article.source}: nothing to say (no letters or digits, only symbols or punctuation)")
        story = Story(
            headline, article.source, article.url, article.outlet, dropped, article.published, article.extraction
        )
        sections.append(Section("story", tuple(Paragraph(text) for text in kept), story))
    outro = Paragraph(f"That was {spoken_show(options.show)}, for {written_date(date)}. Thanks for listening.")
    sections.append(Section("outro", (outro,)))
    title = headlines[0][0] if len(articles) == 1 else f"{options.show}, {written_date(date)}"
    return Draft(title=title, show=options.show, date=date, sections=tuple(sections))


def default_pause(section: Section, index: int, options: ScriptOptions) -> float:
    """The pause after paragraph `index` of a section when the draft does not set one."""
    last = index == len(section.paragraphs) - 1
    if section.kind == "outro":
        return 0.0
    if last:
        return options.section_pause
    return options.intro_pause if section.kind == "intro" else options.paragraph_pause


def how_long_ago(published: dt.datetime | None, now: dt.datetime) -> str | None:
    """ "in the last hour", "3 hours ago", "yesterday", "4 days ago", "on November 3"; None when unknown or ahead."""
    if published is None:
        return None
    if published.tzinfo is None:
        published = published.replace(tzinfo=dt.UTC)
    age = now - published
    if age < dt.timedelta(0):
        return None
    hours = int(age.total_seconds() // 3600)
    if hours < 1:
        return "in the last hour"
    if hours < 24:
        return "an hour ago" if hours == 1 else f"{hours} hours ago"
    if age.days < 2:
        return "yesterday"
    if age.days < 7:
        return f"{age.days} days ago"
    return f"on {published:%B} {published.day}"


def headline(section: Section, position: int, count: int, now: dt.datetime) -> str:
    """The spoken headline of a story: its title, led by First/Next/Finally when there are several,
    then its outlet and how long ago it was published, when known."""
    story = section.story
    lead = "" if count == 1 else "First: " if position == 0 else "Finally: " if position == count - 1 else "Next: "
    ago = how_long_ago(story.published, now)
    credit = (
        f" From {story.outlet}, {ago}."
        if story.outlet and ago
        else f" From {story.outlet}."
        if story.outlet
        else f" Published {ago}."
        if ago
        else ""
    )
    return f"{lead}{_sentence(story.title)}{credit}"


def render(plan: Draft, options: ScriptOptions = ScriptOptions()) -> Script:
    """Normalise a draft for speech and cut it into engine-sized segments with their pauses."""
    segments: list[Segment] = []
    story_sections = [section for section in plan.sections if section.kind == "story"]
    story_index = -1
    now = options.now or dt.datetime.now(dt.UTC)
    for section in plan.sections:
        if section.kind == "story":
            story_index += 1
            text = headline(section, story_index, len(story_sections), now)
            segments.extend(_segments("headline", text, options.paragraph_pause, story_index, None, None, options))
        story = story_index if section.kind == "story" else None
        for index, paragraph in enumerate(section.paragraphs):
            pause = (
                paragraph.pause_after if paragraph.pause_after is not None else default_pause(section, index, options)
            )
            kind = "body" if section.kind == "story" else section.kind
            segments.extend(
                _segments(kind, paragraph.text, pause, story, index, paragraph.voice or plan.voice, options)
            )
    return Script(title=plan.title, show=plan.show, date=plan.date, stories=plan.stories, segments=tuple(segments))


def _segments(
    kind: str,
    text: str,
    pause: float,
    story: int | None,
    paragraph: int | None,
    voice: str | None,
    options: ScriptOptions,
) -> list[Segment]:
    """Segments of one paragraph: its sentences, cut to the engine's limit, with sentence pauses
    between them and `pause` after the last."""
    segments: list[Segment] = []
    rules = options.speech if kind == "body" else options.frame_speech + options.speech
    for sentence in split_sentences(text):
        parts = [(sentence, voice)]
        if voice is None and options.second_voice:
            if kind != "body":
                parts = [(sentence, options.second_voice)]
            elif is_quotation(sentence):
                parts = voice_parts(sentence, options.second_voice)
        for part_number, (part, speaker) in enumerate(parts):
            pieces = [
                (written, spoken)
                for written, spoken in speak_sentence(part, options.max_chars, rules)
                if spoken.strip()
            ]
            for position, (written, spoken) in enumerate(pieces):
                after = 0.0
                if position == len(pieces) - 1:
                    after = options.sentence_pause if part_number == len(parts) - 1 else QUOTE_PAUSE
                segments.append(Segment(kind, written, spoken, after, story, paragraph, speaker))
    if segments:
        segments[-1] = replace(segments[-1], pause_after=pause)
    return segments


QUOTED = re.compile(r'“[^”]*”|"[^"]*"|«[^»]*»')
QUOTE_PAUSE = 0.15  # seconds between a quotation and its attribution, where the voices change


def is_quotation(sentence: str) -> bool:
    """Whether a sentence is mostly someone's words in quotation marks (at least half its words),
    so the second voice reads it: '"We will not stand by," he said.' is; 'He called it "a farce".' is not."""
    words = len(sentence.split())
    quoted = sum(len(match.group().split()) for match in QUOTED.finditer(sentence))
    return words > 0 and quoted * 2 >= words


def voice_parts(sentence: str, second_voice: str) -> list[tuple[str, str | None]]:
    """A quotation cut into who reads what: the quoted words by the second voice, the rest by the
    main one (None): '"We will not stand by," he said.' -> ('"We will not stand by,"', second),
    ('he said.', None). Punctuation on its own stays with the part before it."""
    parts, last = [], 0
    for match in QUOTED.finditer(sentence):
        parts += [(sentence[last : match.start()], None), (match.group(), second_voice)]
        last = match.end()
    parts.append((sentence[last:], None))
    merged: list[tuple[str, str | None]] = []
    for text, speaker in parts:
        text = text.strip().lstrip(",;:").strip()
        if not text:
            continue
        if merged and not re.search(r"\w", text):
            merged[-1] = (merged[-1][0] + text, merged[-1][1])
        else:
            merged.append((text, speaker))
    return merged


def lead_sentence(script: Script, story: int) -> str:
    """A story's lead, for show notes: its first sentence of at least five words as written (a
    kicker such as "Analysis." is not one), without a dateline ("PARIS (Reuters) - ")."""
    sentences = [
        segment.text
        for segment in script.segments
        if segment.story == story and segment.kind == "body" and segment.text
    ]
    lead = next((text for text in sentences if len(text.split()) >= 5), sentences[0] if sentences else "")
    return DATELINE.sub("", lead)
