"""A time budget: how long a script will take to say, before synthesis, and condensing stories
to fit (lead sentences kept, the rest chosen by TextRank, original order kept).

Each voice's pace is calibrated once by speaking a fixed passage and fitting, over its sentences,
seconds = per_word * words + per_segment (the per-segment part covers each clip's onset and
release); the fit is cached per engine and voice in the user cache folder.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from ..audio.master import LEAD_IN, LEAD_OUT, make_sting, trim_silence
from ..model import Draft, Script
from .compose import intro, split_sentences

CALIBRATION = (
    "Officials confirmed the talks on Monday.",
    "The agreement, signed in December after months of negotiation, has not yet been put to a vote.",
    "Prices rose sharply.",
    "Half of the members of parliament said they had been threatened, and the session was postponed for lack of a quorum.",
    "Exports resumed at two terminals on the coast this week.",
    "Critics said the government had not explained the rules of engagement, and demanded a debate before any mission begins.",
)
LEAD_SENTENCES = 2  # kept from every story, whatever the budget
DEFAULT_RATES = {"piper": (0.36, 0.15), "gtts": (0.38, 0.35), "espeak": (0.33, 0.1)}  # used only by --dry-run before calibration


@dataclass(frozen=True)
class SpeechRate:
    """Seconds = per_word * words + per_segment, for one engine and voice."""

    per_word: float
    per_segment: float
    calibrated: bool = True

    def seconds(self, spoken: str) -> float:
        return self.per_word * len(re.findall(r"\w+", spoken)) + self.per_segment


def calibrate(engine) -> SpeechRate:
    """Speak the calibration passage and fit the engine's pace by least squares."""
    import numpy as np  # imported where used: most renders never need it

    words, seconds = [], []
    for sentence in CALIBRATION:
        words.append(len(re.findall(r"\w+", sentence)))
        seconds.append(trim_silence(engine.synthesize(sentence)).duration_seconds)
    per_word, per_segment = np.linalg.lstsq(np.vstack([words, np.ones(len(words))]).T, np.array(seconds), rcond=None)[0]
    return SpeechRate(float(per_word), max(0.0, float(per_segment)))


def rates_file() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("briefing")) / "speech-rates.json"


def speech_rate(engine, measure: bool = True) -> SpeechRate:
    """The engine's calibrated pace from the cache; calibrated now (and cached) when missing and
    measure is set, else a built-in guess marked as uncalibrated."""
    key = json.dumps(engine.identity(), sort_keys=True)  # voice, rate and all that changes the pace
    path = rates_file()
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cached = {}
    if key in cached:
        return SpeechRate(*cached[key])
    if not measure:
        return SpeechRate(*DEFAULT_RATES.get(engine.name, (0.36, 0.2)), calibrated=False)
    rate = calibrate(engine)
    cached[key] = [rate.per_word, rate.per_segment]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(cached, indent=1) + "\n", encoding="utf-8")
    except OSError:
        pass  # an unwritable cache only costs a calibration next time
    return rate


@lru_cache(maxsize=4)
def framing_seconds(sample_rate: int) -> float:
    """The sting at both ends and the silences beside it."""
    return 2 * make_sting(sample_rate).duration_seconds + LEAD_IN + LEAD_OUT


def estimate(script: Script, rate: SpeechRate, sample_rate: int) -> float:
    """Seconds the rendered script will last."""
    return framing_seconds(sample_rate) + sum(rate.seconds(s.spoken) + s.pause_after for s in script.segments)


def textrank(sentences: list[str], damping: float = 0.85, iterations: int = 50) -> list[float]:
    """TextRank scores (Mihalcea and Tarau, 2004): PageRank over sentences linked by shared words,
    normalised by the sentences' lengths."""
    import numpy as np

    bags = [set(re.findall(r"\w{3,}", s.lower())) for s in sentences]
    n = len(sentences)
    if n == 0:
        return []
    weights = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            if len(bags[i]) > 1 and len(bags[j]) > 1:
                weights[i, j] = weights[j, i] = len(bags[i] & bags[j]) / (math.log(len(bags[i])) + math.log(len(bags[j])))
    totals = weights.sum(axis=1, keepdims=True)
    transition = np.divide(weights, totals, out=np.full_like(weights, 1.0 / n), where=totals > 0)
    scores = np.full(n, 1.0 / n)
    for _ in range(iterations):
        scores = (1 - damping) / n + damping * transition.T @ scores
    return scores.tolist()


@dataclass(frozen=True)
class Choice:
    """A sentence of a story that may be kept."""

    section: int
    paragraph: int
    index: int  # position in its paragraph
    text: str
    lead: bool
    score: float


def condense(plan: Draft, seconds: float, cost, sentence_cost) -> Draft:
    """The draft with stories cut to whole sentences so that it lasts about `seconds`.

    cost(draft) -> estimated seconds of a whole draft; sentence_cost(text) -> seconds one more
    sentence adds (each is computed once: re-estimating the whole draft for every candidate made
    condensing 8 stories to 10 minutes take 7.8 s). Every story keeps its lead sentences; the
    other sentences are taken in turn from each story, best TextRank score first, while they fit;
    the kept sentences stay in their original order. If even the leads do not fit, stories keep
    their first sentence only, and then the last stories are dropped.
    """
    if cost(plan) <= seconds:
        return plan
    choices: dict[int, list[Choice]] = {}
    for number, section in enumerate(plan.sections):
        if section.kind != "story":
            continue
        sentences = [(p, i, text) for p, paragraph in enumerate(section.paragraphs)
                     for i, text in enumerate(split_sentences(paragraph.text))]
        scores = textrank([text for _, _, text in sentences])
        choices[number] = [Choice(number, p, i, text, position < LEAD_SENTENCES, score)
                           for position, ((p, i, text), score) in enumerate(zip(sentences, scores))]

    def build(kept: set[Choice], stories: list[int]) -> Draft:
        sections = []
        for number, section in enumerate(plan.sections):
            if section.kind == "intro" and len(stories) < len(choices):  # name only the stories still told
                titles = [plan.sections[n].story.title for n in stories]
                sections.append(replace(section, paragraphs=intro(plan.show, plan.date, titles)))
                continue
            if section.kind != "story":
                sections.append(section)
                continue
            if number not in stories:
                continue
            paragraphs = []
            for p, paragraph in enumerate(section.paragraphs):
                text = " ".join(c.text for c in choices[number] if c.paragraph == p and c in kept)
                if text:
                    paragraphs.append(replace(paragraph, text=text))
            sections.append(replace(section, paragraphs=tuple(paragraphs)))
        return replace(plan, sections=tuple(sections))

    stories = list(choices)
    kept = {c for number in stories for c in choices[number] if c.lead}
    if cost(build(kept, stories)) > seconds:
        kept = {choices[number][0] for number in stories}
        while len(stories) > 1 and cost(build(kept, stories)) > seconds:
            dropped = stories.pop()
            kept.discard(choices[dropped][0])
    queues = {number: sorted((c for c in choices[number] if c not in kept), key=lambda c: -c.score) for number in stories}
    total = cost(build(kept, stories))
    added: list[Choice] = []
    while any(queues.values()):
        for number in stories:
            if queues[number]:
                candidate = queues[number].pop(0)
                extra = sentence_cost(candidate.text)
                if total + extra <= seconds:
                    kept.add(candidate)
                    added.append(candidate)
                    total += extra
    # Sentence costs leave out the longer pause where a kept sentence starts a new paragraph:
    # check the whole draft, and give back the last sentences taken while it runs over.
    while added and cost(build(kept, stories)) > seconds:
        kept.discard(added.pop())
    return build(kept, stories)
