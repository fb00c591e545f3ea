"""Main text of a web page: trafilatura (precision settings) checked against readability-lxml.

Two extractors built on different ideas agreeing is the best evidence that a paragraph is
article text. trafilatura leads; readability confirms its paragraphs, and takes over when
trafilatura found too little or clearly cut the article short. When they disagree outright, the
text that looks more like an article wins (prose paragraphs, a lead that shares the headline's
words, enough of it), so a page with 100 words of article text in either is never refused. The
choice is recorded (`briefing script --explain` prints it). Measured on the article-extraction
benchmark in shared/eval (scripts/eval), with the headline and boilerplate rules after it: mean
token F1 0.981, against 0.963 for trafilatura alone with the same settings.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from readability import Document

# A paragraph of trafilatura's is kept when at least this share of its words is in readability's text.
CONFIRMED_SHARE = 0.5
# readability's text replaces trafilatura's when it is this much longer and holds nearly all of it.
CUT_SHORT_GROWTH = 2.0
CUT_SHORT_COVER = 0.9
# readability's text is too little to judge by when it is shorter than this share of trafilatura's.
READABILITY_MIN_SHARE = 0.5
# Either extractor's text of at least this many words is an article; less is a notice or a menu.
ARTICLE_WORDS = 100

# trafilatura and readability-lxml parse with lxml parsers made once, at import, and shared by every
# thread: two threads parsing at once can crash the process (trafilatura's issues 840 and 925). Here
# 2 of 25 runs planning a 16-story feed, whose pages are fetched in parallel, died with SIGSEGV in
# the extractor; none of 25 with this lock. Pages are still fetched in parallel, and read in turn.
PARSING = threading.Lock()

BLOCK_TAGS = (
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "td",
    "th",
    "br",
    "tr",
    "section",
    "article",
)


@dataclass(frozen=True)
class Extracted:
    title: str | None
    paragraphs: tuple[str, ...]
    outlet: str | None
    published: dt.datetime | None = None
    choice: str = ""  # which extractor's text was kept, and why


@dataclass(frozen=True)
class Reconciled:
    paragraphs: list[str]
    choice: str


def words(text: str) -> list[str]:
    """Lower-case word tokens, as the benchmark counts them."""
    return re.findall(r"\w+", text.lower())


def share_contained(part: list[str], whole: list[str]) -> float:
    """Share of part's words (as a multiset) that also occur in whole."""
    if not part:
        return 0.0
    return sum((Counter(part) & Counter(whole)).values()) / len(part)


def reconcile(precise: list[str], readable: list[str], title: str | None = None) -> Reconciled:
    """Combine trafilatura's paragraphs (precise) with readability's (readable), saying which was
    kept and why; see the module docstring."""
    precise_words = [w for p in precise for w in words(p)]
    readable_words = [w for p in readable for w in words(p)]
    if len(precise_words) < ARTICLE_WORDS <= len(readable_words):
        return Reconciled(
            readable, f"readability's {len(readable_words)} words: trafilatura found only {len(precise_words)}"
        )
    if not precise_words:
        return Reconciled(readable, "readability's text: trafilatura found none")
    if (
        len(readable_words) >= CUT_SHORT_GROWTH * len(precise_words)
        and share_contained(precise_words, readable_words) >= CUT_SHORT_COVER
    ):
        return Reconciled(
            readable, f"readability's {len(readable_words)} words: they hold all of trafilatura's {len(precise_words)}"
        )
    if len(readable_words) < READABILITY_MIN_SHARE * len(precise_words):
        return Reconciled(precise, f"trafilatura's {len(precise_words)} words: readability found too few to check them")
    vocabulary = set(readable_words)
    confirmed = [
        p for p in precise if words(p) and sum(w in vocabulary for w in words(p)) / len(words(p)) >= CONFIRMED_SHARE
    ]
    if confirmed:
        return Reconciled(
            confirmed, f"trafilatura's text, {len(confirmed)} of {len(precise)} paragraphs confirmed by readability"
        )
    # They disagree outright: keep the text that looks more like the article.
    ours, theirs = article_likeness(precise, title), article_likeness(readable, title)
    if theirs > ours:
        return Reconciled(
            readable,
            f"readability's text: the extractors disagree and it looks more like the article "
            f"({theirs:.2f} against {ours:.2f})",
        )
    return Reconciled(
        precise,
        f"trafilatura's text: the extractors disagree and it looks more like the article "
        f"({ours:.2f} against {theirs:.2f})",
    )


def article_likeness(paragraphs: list[str], title: str | None) -> float:
    """How much a text looks like a news article, 0 to 3: the share of its words in prose paragraphs
    (a dozen words or more, ending a sentence), how many of the headline's words its lead repeats,
    and whether it is long enough to be an article at all."""
    total = sum(len(words(p)) for p in paragraphs)
    if not total:
        return 0.0
    prose = sum(len(words(p)) for p in paragraphs if len(words(p)) >= 12 and re.search(r"[.!?…\"”’)]\s*$", p))
    headline = {w for w in words(title or "") if len(w) > 3}
    lead = set(w for p in paragraphs[:2] for w in words(p))
    echoed = len(headline & lead) / len(headline) if headline else 0.0
    return prose / total + echoed + min(1.0, total / ARTICLE_WORDS)


TEASER = re.compile(r"^(?=(\S+\s+){15}).*(…|\.\.\.|\[…\]|\[\.\.\.\])\s*$")


def without_story_lists(paragraphs: list[str]) -> list[str]:
    """The article without the list of other stories after it: where two or more excerpts cut off
    with an ellipsis follow the article, everything from the first of them on is that list (its
    entries' bylines and uncut excerpts too)."""
    teasers = [index for index, paragraph in enumerate(paragraphs) if index > 0 and TEASER.match(paragraph)]
    return paragraphs[: teasers[0]] if len(teasers) >= 2 else paragraphs


def block_texts(fragment: str) -> list[str]:
    """Paragraph texts of an HTML fragment, one per block element."""
    if not fragment.strip():
        return []
    tree = lxml.html.fromstring(fragment)
    for element in tree.iter(*BLOCK_TAGS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    lines = (re.sub(r"\s+", " ", line).strip() for line in tree.text_content().split("\n"))
    return [line for line in lines if line]


def readability_paragraphs(html: str) -> list[str]:
    try:
        return block_texts(Document(html).summary(html_partial=True))
    except Exception:  # readability gives up on some pages (no body, odd markup): then it has no say
        return []


def extract(html: str, url: str | None = None) -> Extracted:
    """Title, main-text paragraphs and outlet name of a page (one page at a time: see PARSING)."""
    with PARSING:
        document = trafilatura.bare_extraction(
            html, url=url, favor_precision=True, include_comments=False, with_metadata=True
        )
        readable = readability_paragraphs(html)
    text = (getattr(document, "text", None) or "") if document is not None else ""
    precise = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n")]
    title = (getattr(document, "title", None) or "").strip() or None if document is not None else None
    reconciled = reconcile([p for p in precise if p], readable, title)
    paragraphs = without_story_lists(reconciled.paragraphs)
    outlet = (getattr(document, "sitename", None) or "").strip() or None if document is not None else None
    if outlet is None and url:
        outlet = urlsplit(url).hostname
    choice = reconciled.choice + (
        "; the list of other stories after it left out" if len(paragraphs) < len(reconciled.paragraphs) else ""
    )
    return Extracted(title, tuple(paragraphs), outlet, _date(getattr(document, "date", None)), choice)


def _date(text: str | None) -> dt.datetime | None:
    """The page's publication date (trafilatura gives YYYY-MM-DD) as midday UTC, when there is one."""
    try:
        return dt.datetime.fromisoformat(text).replace(hour=12, tzinfo=dt.UTC) if text else None
    except ValueError:
        return None
