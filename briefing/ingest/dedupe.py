"""The same event from several outlets, told once: near-duplicate articles found by the overlap of
their word shingles, merged into the fullest text with every outlet credited."""

from __future__ import annotations

import re
from dataclasses import replace

from ..model import Article

SHINGLE_WORDS = 4
SAME_EVENT = 0.4  # Jaccard similarity of shingle sets above which two articles are one story


def shingles(article: Article) -> set[int]:
    """Hashes of every run of SHINGLE_WORDS words in the article."""
    words = re.findall(r"\w+", " ".join(article.paragraphs).lower())
    return {hash(tuple(words[i : i + SHINGLE_WORDS])) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}


def similarity(a: set[int], b: set[int]) -> float:
    """Jaccard similarity of two shingle sets."""
    return len(a & b) / len(a | b) if a and b else 0.0


def credit(outlets: list[str]) -> str | None:
    """ "Le Monde", "Le Monde and Reuters", "Le Monde, AP and Reuters"."""
    unique = list(dict.fromkeys(o for o in outlets if o))
    if len(unique) < 2:
        return unique[0] if unique else None
    return ", ".join(unique[:-1]) + f" and {unique[-1]}"


def merge_duplicates(articles: list[Article] | tuple[Article, ...]) -> list[tuple[Article, tuple[Article, ...]]]:
    """Articles with near-duplicates merged, in first-seen order: each the longest text of its
    group crediting every outlet that ran it, with the group's articles."""
    groups: list[list[Article]] = []
    fingerprints: list[set[int]] = []
    for article in articles:
        mine = shingles(article)
        match = next((i for i, theirs in enumerate(fingerprints) if similarity(mine, theirs) >= SAME_EVENT), None)
        if match is None:
            groups.append([article])
            fingerprints.append(mine)
        else:
            groups[match].append(article)
    merged = []
    for group in groups:
        fullest = max(group, key=lambda a: sum(len(p) for p in a.paragraphs))
        merged.append(
            (replace(fullest, outlet=credit([a.outlet for a in group])) if len(group) > 1 else fullest, tuple(group))
        )
    return merged
