"""Scoring the script stage against the public evaluation sets in shared/eval (see its README).

- article extraction: mean token F1 of the spoken article text against a person's marking;
- text normalisation: word error rate and exact-line share against reference spoken forms.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import BriefingError
from ..ingest.sources import parse_html
from ..script.cleaning import clean
from ..script.speech import normalize as speech_normalize


@dataclass(frozen=True)
class ExtractionScore:
    mean_f1: float
    pages: int
    per_page: dict[str, float]


@dataclass(frozen=True)
class NormalizationScore:
    wer: float
    exact: float
    lines: int
    lines_per_second: float
    misses: list[tuple[str, str, str]]  # (written, expected, got) of lines not matched exactly


def token_f1(extracted: str, truth: str) -> float:
    """Token F1 as the benchmark defines it: \\w+ tokens, lower-cased, counted as multisets."""
    got, want = Counter(re.findall(r"\w+", extracted.lower())), Counter(re.findall(r"\w+", truth.lower()))
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def spoken_article_text(html: str, url: str | None) -> str:
    """What briefing would speak of a page: extraction, headline removal and the cleaning rules."""
    try:
        article = parse_html(html, url or "page", url)
    except BriefingError:
        return ""
    return "\n".join(clean(article.paragraphs)[0])


def score_extraction(folder: Path, extract: Callable[[str, str | None], str] = spoken_article_text) -> ExtractionScore:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    per_page = {}
    for page_id, item in truth.items():
        html = gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", "replace")
        per_page[page_id] = token_f1(extract(html, item.get("url")), item["articleBody"])
    return ExtractionScore(sum(per_page.values()) / len(per_page), len(per_page), per_page)


def comparable_words(text: str) -> list[str]:
    """Words as the normalisation benchmark compares them, strictly: case-insensitive, no
    punctuation, every word counted ("and" too: "two thousand and one" is not what an American
    reader says)."""
    return re.sub(r"[^\w\s']|(?<!\w)'|'(?!\w)", " ", text.lower()).split()


def edit_distance(a: list[str], b: list[str]) -> int:
    previous = list(range(len(b) + 1))
    for i, word in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other)))
        previous = current
    return previous[-1]


def score_normalization(path: Path, normalize: Callable[[str], str] | None = None) -> NormalizationScore:
    if normalize is None:
        normalize = speech_normalize
    pairs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    start = time.perf_counter()
    outputs = [normalize(pair["written"]) for pair in pairs]
    seconds = time.perf_counter() - start
    errors = words = exact = 0
    misses = []
    for pair, got in zip(pairs, outputs, strict=True):
        want, have = comparable_words(pair["spoken"]), comparable_words(got)
        distance = edit_distance(have, want)
        errors += distance
        words += len(want)
        if distance == 0:
            exact += 1
        else:
            misses.append((pair["written"], pair["spoken"], got))
    return NormalizationScore(errors / words, exact / len(pairs), len(pairs), len(pairs) / seconds, misses)
