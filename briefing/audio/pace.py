"""A voice's pace, measured: each engine and voice is calibrated once by speaking a fixed passage
and fitting, over its sentences, seconds = per_word * words + per_segment (the per-segment part
covers each clip's onset and release); the fit is cached per engine and voice in the user cache
folder. Before calibration (--dry-run) the engine's default_pace is the guess. The script stage's
budget condenses stories with it.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from ..files import keep, kept
from ..model import Draft, SpeechRate
from ..script import budget
from ..script.compose import ScriptOptions, render, speak_sentence
from .mix import LEAD_IN, LEAD_OUT, make_sting, trim_silence

RATES_FILE = "speech-rates.json"  # in the user cache folder
CALIBRATION = (
    "Officials confirmed the talks on Monday.",
    "The agreement, signed in December after months of negotiation, has not yet been put to a vote.",
    "Prices rose sharply.",
    "Half of the members of parliament said they had been threatened, and the session was postponed for lack of a "
    "quorum.",
    "Exports resumed at two terminals on the coast this week.",
    "Critics said the government had not explained the rules of engagement, and demanded a debate before any mission "
    "begins.",
)


def calibrate(engine) -> SpeechRate:
    """Speak the calibration passage and fit the engine's pace by least squares."""
    import numpy as np  # imported where used: most renders never need it

    words, seconds = [], []
    for sentence in CALIBRATION:
        words.append(len(re.findall(r"\w+", sentence)))
        seconds.append(trim_silence(engine.synthesize(sentence)).duration_seconds)
    per_word, per_segment = np.linalg.lstsq(np.vstack([words, np.ones(len(words))]).T, np.array(seconds), rcond=None)[0]
    return SpeechRate(float(per_word), max(0.0, float(per_segment)))


def speech_rate(engine, measure: bool = True) -> SpeechRate:
    """The engine's calibrated pace from the cache; calibrated now (and cached) when missing and
    measure is set, else a built-in guess marked as uncalibrated."""
    key = json.dumps(engine.identity(), sort_keys=True)  # voice, rate and all that changes the pace
    cached = kept(RATES_FILE).get(key)
    if cached is not None:
        return SpeechRate(*cached)
    if not measure:
        return SpeechRate(*engine.default_pace, calibrated=False)
    rate = calibrate(engine)
    keep(RATES_FILE, key, [rate.per_word, rate.per_segment])
    return rate


@lru_cache(maxsize=4)
def framing_seconds(sample_rate: int) -> float:
    """The sting at both ends and the silences beside it."""
    return 2 * make_sting(sample_rate).duration_seconds + LEAD_IN + LEAD_OUT


def fit(plan: Draft, minutes: float | None, engine, rendering: ScriptOptions, measure: bool = True) -> Draft:
    """The draft condensed to about `minutes` at the engine's pace, when a budget is set."""
    if not minutes:
        return plan
    rate = speech_rate(engine, measure=measure)

    def sentence_cost(text: str) -> float:
        pieces = speak_sentence(text, rendering.max_chars, rendering.speech)
        return sum(rate.seconds(spoken) for _, spoken in pieces) + rendering.sentence_pause

    def estimate(candidate: Draft) -> float:
        return budget.estimate(render(candidate, rendering), rate, framing_seconds(engine.sample_rate))

    return budget.condense(plan, minutes * 60, estimate, sentence_cost)
