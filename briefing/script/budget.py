"""A time budget: how long a script will take to say, before synthesis, at a voice's measured
pace (audio/pace.py), and condensing stories to fit (lead sentences kept, the rest chosen by
TextRank, original order kept).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from ..model import Draft, Script, SpeechRate
from .compose import intro, split_sentences

LEAD_SENTENCES = 2  # kept from every story, whatever the budget


def estimate(script: Script, rate: SpeechRate, framing_seconds: float) -> float:
    """Seconds the rendered script will last: its segments at the voice's pace with their pauses,
    and framing_seconds for the sting and silences around them (the audio stage's)."""
    return framing_seconds + sum(rate.seconds(s.spoken) + s.pause_after for s in script.segments)


def textrank(sentences: list[str], damping: float = 0.85, iterations: int = 50) -> list[float]:
    """TextRank scores (Mihalcea and Tarau, 2004): PageRank over sentences linked by shared words,
    normalised by the sentences' lengths."""
    import numpy as np  # 0.12 s, for --minutes alone

    bags = [set(re.findall(r"\w{3,}", s.lower())) for s in sentences]
    n = len(sentences)
    if n == 0:
        return []
    weights = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            if len(bags[i]) > 1 and len(bags[j]) > 1:
                weights[i, j] = weights[j, i] = len(bags[i] & bags[j]) / (
                    math.log(len(bags[i])) + math.log(len(bags[j]))
                )
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
    choices = sentence_choices(plan)

    def build(kept: set[Choice], stories: list[int]) -> Draft:
        return condensed(plan, choices, kept, stories)

    stories = list(choices)
    kept = {c for number in stories for c in choices[number] if c.lead}
    if cost(build(kept, stories)) > seconds:
        kept = {choices[number][0] for number in stories}
        while len(stories) > 1 and cost(build(kept, stories)) > seconds:
            dropped = stories.pop()
            kept.discard(choices[dropped][0])
    queues = {
        number: sorted((c for c in choices[number] if c not in kept), key=lambda c: -c.score) for number in stories
    }
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


def sentence_choices(plan: Draft) -> dict[int, list[Choice]]:
    """For each story (by section number), its sentences as choices, with their TextRank scores."""
    choices: dict[int, list[Choice]] = {}
    for number, section in enumerate(plan.sections):
        if section.kind != "story":
            continue
        sentences = [
            (p, i, text)
            for p, paragraph in enumerate(section.paragraphs)
            for i, text in enumerate(split_sentences(paragraph.text))
        ]
        scores = textrank([text for _, _, text in sentences])
        choices[number] = [
            Choice(number, p, i, text, position < LEAD_SENTENCES, score)
            for position, ((p, i, text), score) in enumerate(zip(sentences, scores, strict=True))
        ]
    return choices


def condensed(plan: Draft, choices: dict[int, list[Choice]], kept: set[Choice], stories: list[int]) -> Draft:
    """The draft telling only `stories`, each with its `kept` sentences in their original order."""
    sections = []
    for number, section in enumerate(plan.sections):
        if section.kind == "intro" and len(stories) < len(choices):  # name only the stories still told
            titles = [plan.sections[n].story.title for n in stories]
            sections.append(replace(section, paragraphs=intro(plan.show, plan.date, titles)))
        elif section.kind != "story":
            sections.append(section)
        elif number in stories:
            paragraphs = []
            for p, paragraph in enumerate(section.paragraphs):
                text = " ".join(c.text for c in choices[number] if c.paragraph == p and c in kept)
                if text:
                    paragraphs.append(replace(paragraph, text=text))
            sections.append(replace(section, paragraphs=tuple(paragraphs)))
    return replace(plan, sections=tuple(sections))
