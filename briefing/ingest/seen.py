"""Stories already briefed, kept in a small state file in the output folder, so later runs from the
same feeds skip them: by canonical URL and by content."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..files import StagedFiles
from ..model import Article

STATE = ".briefing-seen.json"
TRACKING_PARAMETERS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid|ocid)$", re.I)


def canonical_url(url: str) -> str:
    """The URL without fragment, tracking parameters, default port or trailing slash, host lower-cased."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and (parts.scheme, parts.port) not in (("http", 80), ("https", 443)):
        host += f":{parts.port}"
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMETERS.match(k))
    )
    return urlunsplit((parts.scheme.lower(), host, parts.path.rstrip("/") or "/", query, ""))


def content_key(paragraphs: tuple[str, ...]) -> str:
    """A fingerprint of an article's words, the same whatever the markup or spacing."""
    return hashlib.sha256(" ".join(re.findall(r"\w+", " ".join(paragraphs).lower())).encode()).hexdigest()[:32]


@dataclass
class Seen:
    urls: set[str] = field(default_factory=set)
    contents: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, folder: Path) -> Seen:
        path = Path(folder) / STATE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(set(data.get("urls", ())), set(data.get("contents", ())))
        except (OSError, ValueError):
            return cls()

    def save(self, folder: Path) -> None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        with StagedFiles() as staged:
            staged.path(Path(folder) / STATE).write_text(
                json.dumps({"urls": sorted(self.urls), "contents": sorted(self.contents)}, indent=1) + "\n",
                encoding="utf-8",
            )

    def has_url(self, url: str) -> bool:
        return canonical_url(url) in self.urls

    def has(self, article: Article) -> bool:
        return (article.url is not None and self.has_url(article.url)) or content_key(
            article.paragraphs
        ) in self.contents

    def add(self, article: Article) -> None:
        if article.url:
            self.urls.add(canonical_url(article.url))
        self.contents.add(content_key(article.paragraphs))
