"""Boilerplate rules: named patterns that drop whole blocks pasted along with an article.

Each rule only looks at short blocks, so a real paragraph that happens to mention a newsletter
or a photograph is never dropped. `clean` returns what it dropped and why, for the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from ..errors import BriefingError
from ..model import DroppedBlock


@dataclass(frozen=True)
class CleaningRule:
    """A named pattern; a block of at most `max_words` words that matches it is boilerplate."""

    name: str
    description: str
    pattern: str
    max_words: int = 25

    def matches(self, block: str) -> bool:
        """Whether this short block is what the rule drops. Patterns run under a time limit (the
        `regex` module's timeout), since a user's pattern such as "(a+)+$" can take for ever."""
        if len(block.split()) > self.max_words:
            return False
        try:
            return regex.search(self.pattern, block, regex.I | regex.V0, timeout=PATTERN_SECONDS) is not None
        except TimeoutError:
            raise BriefingError(
                f"cleaning rule {self.name} ({self.pattern!r}) took over {PATTERN_SECONDS:g} s on one "
                f"block: simplify the pattern"
            ) from None


PATTERN_SECONDS = 1.0  # for one pattern on one block; the built-in rules take microseconds

_SOCIAL = (
    r"(facebook|twitter|x|instagram|linkedin|whatsapp|telegram|reddit|pinterest|tiktok|youtube|threads|bluesky"
    r"|mastodon|e-?mail)"
)

# A person's name as bylines write it: capitalised words, with the particles names carry.
_NAME = r"[A-Z][\w.'’-]+(\s+(de|la|le|du|van|von|der|den|al|el|da|di|bin|ibn|[A-Z][\w.'’-]+)){0,4}"

RULES: tuple[CleaningRule, ...] = (
    CleaningRule(
        "newsletter-prompt",
        "an invitation to sign up for a newsletter or mailing list, or its tagline",
        r"^\W*(subscribe|sign ?up|register|join|get|receive)\b.{0,60}\b(newsletters?|mailing list|inbox|e-?mail "
        r"updates|alerts)\b"
        r"|^\W*your (daily|weekly|monthly|morning|evening|essential|free)\b.{0,30}"
        r"\b(briefing|digest|newsletter|roundup|round-up|dose|update)s?\b"
        r"|\bdelivered (straight )?to your inbox\b"
        r"|^\W*(enter |your )?e-?mail( address)?\W*$"
        r"|\bsign up (for|to) (our|the) (free )?([\w-]+ ){0,3}(newsletter|briefing|digest)s?\W*$",
        max_words=40,
    ),
    CleaningRule(
        "subscription-confirmation",
        "the thank-you a sign-up form shows",
        r"^\W*(you( have|'ve| are|'re)( been)? (successfully )?(subscribed|signed up)"
        r"|thank(s| you) for (subscribing|signing up|registering)"
        r"|(please )?check your (inbox|e-?mail) to confirm)",
    ),
    CleaningRule(
        "share-prompt",
        "share, follow and like buttons and their labels",
        rf"^\W*(share( this( article| story| post)?)?( on {_SOCIAL})?|tweet|print|copy link|e-?mail this( "
        rf"article)?)\W*$"
        rf"|^\W*(share|click to share|post) (this |it )?(on|to|via) {_SOCIAL}\b"
        rf"|^\W*(follow|like|find) us on {_SOCIAL}\b"
        rf"|^\W*share this:?\W*$"
        r"|^\W*(like|liked|enjoy|enjoyed|love|loved) (this|the|our) "
        r"(story|article|post|piece)\b.{0,50}\b(share|forward|tell|send)\b",
        max_words=16,
    ),
    CleaningRule(
        "byline",
        "the writer's name: By a staff reporter, By Jane Doe and John Roe, Staff Reports, From staff reports, "
        "Reporting by ...",
        r"^\W*(written |words |reporting |story |compiled )?(by|from):?\s+(a |our |the )?"
        r"(staff|special|senior|political|foreign|wire)?\s*(and wire\s+)?"
        r"(reporter|correspondent|writer|editor|staff|team|report)s?\W*$"
        rf"|^\W*(written |words |story )?by:?\s+(?-i:{_NAME}(\s*(,|and|&)\s*{_NAME}){{0,3}}"
        r"(\s*[,|]\s*[A-Z][\w.'’-]*(\s+[A-Z&][\w.'’-]*){0,4})?)\W*$"
        r"|^\W*(staff|wire|news) (reports?|writers?)\W*$"
        r"|^\W*compiled (by|from) (staff|wire|staff and wire|news) (reports?|services?)\W*$"
        r"|^\W*(additional )?reporting by\b.{0,120}$",
        max_words=25,
    ),
    CleaningRule(
        "read-more",
        "links to other stories: read more, related, see also",
        r"^\W*(read more|related( articles| stories| content| coverage)?|see also|more from|more on this( story)?"
        r"|continue reading|recommended( for you)?|most (read|popular)|you may also like|also read|further reading"
        r"|don'?t miss|trending( now)?|top stories|latest( news)?( stories)?)\b"
        r"|\[(insight|video|reaction|news|warning|pictures|photos|poll|latest|analysis|reveal|explained|report|live|comment)\]\W*$",
        max_words=20,
    ),
    CleaningRule(
        "teaser",
        "an excerpt of another story, cut off with an ellipsis",
        r"^(?=(\S+\s+){15}).*(…|\.\.\.|\[…\]|\[\.\.\.\]|\[\+\])\s*$",
        max_words=120,
    ),
    CleaningRule(
        "timestamp",
        "when the page was published or updated, on a line of its own",
        r"^\W*(published|updated|posted|last (updated|modified)|first published|publicado|atualizado)( on| "
        r"at)?\b.{0,60}$"
        r"|^\W*(\w[\w-]*,? )?\d{1,2}(st|nd|rd|th)?( de)? \w+( de)? (19|20)\d\d,? (à?s |at )?\d{1,2}[:h.]\d\d\b.{0,10}$",
        max_words=14,
    ),
    CleaningRule(
        "tags",
        "the page's tags, categories and filing: Tags: ..., Filed under ..., Topics",
        r"^\W*(tags|tagged|topics|categories|category|filed under|keywords|categoria|marcadores)\W*$"
        r"|\b(tags|tagged( with)?|filed under|categor(y|ies|ia)|topics|keywords)\s*:",
        max_words=30,
    ),
    CleaningRule(
        "keyword-list",
        "a list of search keywords: five or more short phrases between commas, with no sentence's full stop",
        r"^([^,.;:!?]{2,40},\s*){4,}[^,.;:!?]{2,40}$",
        max_words=60,
    ),
    CleaningRule(
        "promotion",
        "an offer for a subscription or product: click here, use the code, for as little as, N issues for",
        r"\bclick here\b|\buse (the )?(promo |discount |coupon )?code\b|\bfor as little as\b|\b\d+ issues for\b",
        max_words=60,
    ),
    CleaningRule(
        "comments-prompt",
        "the invitation to comment under a story",
        r"^\W*(\d+ )?(comments?|replies)\W*$|^\W*(leave a (comment|reply)|tell us what you think|have your say"
        r"|join the (conversation|discussion)|what do you think|post a comment|add a comment|show comments|view "
        r"comments)\b",
        max_words=14,
    ),
    CleaningRule(
        "photo-credit",
        "photo and image credits and captions' bylines",
        r"^\W*((main|top|header|lead|featured|hero|cover|banner) "
        r")?(photo(graph)?s?|image|picture|pic|illustration|video|credit|photo credit"
        r"|image caption|image copyright)( credits?)?\s*(:|by\b|credit\b)"
        r"|\((photo|image|picture)s? (by|:|credit)[^)]*\)\s*$"
        r"|\b(getty images|afp via getty|ap photo|reuters/|epa-efe|shutterstock|alamy)\b[^.]{0,40}$",
        max_words=30,
    ),
    CleaningRule(
        "cookie-notice",
        "cookie and privacy consent banners",
        r"\b(we|this (site|website)) uses? cookies\b|\baccept (all )?cookies\b|\bcookie (policy|settings|preferences)\b"
        r"|\bby continuing to (use|browse) (this|our) (site|website)\b",
        max_words=60,
    ),
    CleaningRule(
        "advertisement",
        "advertisement markers",
        r"^\W*(advertisement|sponsored( content)?|skip advertisement|ad"
        r"|(the )?(story|article|text) continues (below|after)( (the|this))?( "
        r"(advertisement|ad|gallery|video|photos?|images?|slideshow))?)\W*$",
        max_words=8,
    ),
    CleaningRule(
        "rating-label",
        "a fact-check's rating shown as a label: Rating: False, Our ruling: Mostly true, Pants on Fire",
        r"^\W*(our |the )?(rating|ruling|verdict|claim rating)\s*:\s*[\w ,'-]{1,30}\W*$"
        r"|^\W*(true|false|mostly true|mostly false|half true|half-true|misleading|pants on fire!?|unproven|mixture"
        r"|miscaptioned|outdated|satire|correct attribution|misattributed|partly false|missing context|altered)\W*$",
        max_words=6,
    ),
    CleaningRule(
        "listen-prompt",
        "links to audio and video elsewhere: Listen: ..., Watch: ..., Listen to this article",
        r"^\W*(listen|watch|podcast|audio|video)\s*:"
        r"|^\W*(listen to|hear) (this|the) (article|story)\b",
        max_words=20,
    ),
    CleaningRule(
        "shortcode",
        "content-system tags pasted as text: [caption id=...], [gallery], [embed]...[/embed]",
        r"^\s*(\[/?(caption|gallery|embed|video|audio|tweet|instagram|youtube|playlist|ad|related|pullquote)\b[^\]]{0,200}\]\s*)+$"
        r"|^\s*\[(caption|gallery|embed)\b[^\]]{0,200}\].{0,200}\[/(caption|gallery|embed)\]\s*$",
        max_words=60,
    ),
)

RULES_BY_NAME = {rule.name: rule for rule in RULES}
USER_RULE_MAX_WORDS = 60


def choose_rules(
    keep: tuple[str, ...] | list[str] = (), drop: tuple[str, ...] | list[str] = ()
) -> tuple[CleaningRule, ...]:
    """The built-in rules less those named in keep, plus a rule for each pattern in drop."""
    unknown = [name for name in keep if name not in RULES_BY_NAME]
    if unknown:
        raise BriefingError(f"unknown cleaning rule {unknown[0]!r} (rules: {', '.join(RULES_BY_NAME)})")
    chosen = [rule for rule in RULES if rule.name not in keep]
    for number, pattern in enumerate(drop, start=1):
        try:
            regex.compile(pattern, regex.V0)
        except (regex.error, ValueError, OverflowError) as error:
            raise BriefingError(f"bad drop pattern {pattern!r}: {error}") from None
        chosen.append(CleaningRule(f"drop-rule-{number}", f"user pattern {pattern}", pattern, USER_RULE_MAX_WORDS))
    return tuple(chosen)


def clean(
    blocks: tuple[str, ...] | list[str], rules: tuple[CleaningRule, ...] = RULES
) -> tuple[tuple[str, ...], tuple[DroppedBlock, ...]]:
    """Split blocks into those kept and those dropped, each dropped block with the first rule that matched."""
    kept: list[str] = []
    dropped: list[DroppedBlock] = []
    for block in blocks:
        rule = next((rule for rule in rules if rule.matches(block)), None)
        if rule is None:
            kept.append(block)
        else:
            dropped.append(DroppedBlock(rule=rule.name, text=block))
    return tuple(kept), tuple(dropped)
