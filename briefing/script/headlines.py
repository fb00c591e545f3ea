"""The spoken headline: a page's title without the outlet's name or a section label at either end
("Headline | Outlet", "Headline - Outlet.com", "Headline, Outlet", "Opinion | Headline"). The outlet is already said
("From Reuters"), so the listener would hear it twice. A headline whose subject is the outlet
("Reuters wins award") has no separator before the name and is left as it is. Each cut is kept
with the rule that made it, for `--explain`."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from urllib.parse import urlsplit

from ..model import DroppedBlock

# What stands between a headline and a name: a bar, a dash with spaces, a middle dot, double colons.
SEPARATOR = re.compile(r"\s+(?:\||-|–|—|·|::|//)\s+")
LABEL_SEPARATOR = re.compile(r"\s*(?:\||:)\s+|\s+(?:-|–|—)\s+")


@cache
def section_labels() -> frozenset[str]:
    """The section labels of data/headline_labels.txt."""
    text = files(__package__).joinpath("data", "headline_labels.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _key(text: str) -> str:
    """A name as compared: letters and digits only, lower case ("SpaceNews.com" -> "spacenewscom")."""
    return "".join(character for character in text.lower() if character.isalnum())


def outlet_names(outlet: str | None, url: str | None) -> set[str]:
    """The keys the outlet may appear under: its name, and its web address's host with and without
    "www." and the top-level domain ("www.theguardian.com" -> "theguardiancom", "theguardian")."""
    names = {_key(outlet)} if outlet else set()
    host = (urlsplit(url).hostname or "") if url else ""
    host = host.removeprefix("www.")
    if host:
        names |= {_key(host), _key(host.split(".")[0])}
    return {name for name in names if len(name) >= 2}


def without_outlet(title: str, outlet: str | None, url: str | None = None) -> tuple[str, str | None]:
    """title without the outlet's name at its start or end, with its separator ("Headline | Outlet",
    "Outlet - Headline"), and what was cut (None when nothing was)."""
    names = outlet_names(outlet, url)
    if not names:
        return title, None
    for match in [*SEPARATOR.finditer(title), *re.finditer(r",\s+", title)]:  # "Headline, Outlet" too
        head, tail = title[: match.start()], title[match.end() :]
        if _key(tail) in names and _key(head):
            return head.strip(), tail
    for match in reversed(list(SEPARATOR.finditer(title))):
        head, tail = title[: match.start()], title[match.end() :]
        if _key(head) in names and _key(tail):
            return tail.strip(), head
    return title, None


def without_label(title: str) -> tuple[str, str | None]:
    """title without a section label at its start or end ("Opinion | Headline", "Headline |
    Editorial"), and the label (None when there is none)."""
    labels = section_labels()
    parts = LABEL_SEPARATOR.split(title, maxsplit=1)
    if len(parts) == 2 and parts[0].strip().lower() in labels and _key(parts[1]):
        return parts[1].strip(), parts[0].strip()
    matches = list(SEPARATOR.finditer(title))
    if matches:
        last = matches[-1]
        tail = title[last.end() :]
        if tail.strip().lower() in labels and _key(title[: last.start()]):
            return title[: last.start()].strip(), tail.strip()
    return title, None


def spoken_headline(title: str, outlet: str | None, url: str | None = None) -> tuple[str, tuple[DroppedBlock, ...]]:
    """The headline to say, and what was cut from it (rule "outlet-in-headline" or "section-label")."""
    cut = []
    title, outlet_part = without_outlet(title, outlet, url)
    if outlet_part:
        cut.append(DroppedBlock("outlet-in-headline", outlet_part))
    title, label = without_label(title)
    if label:
        cut.append(DroppedBlock("section-label", label))
    return title, tuple(cut)
