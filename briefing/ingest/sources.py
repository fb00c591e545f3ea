"""Stage 1, ingest: read a text file, Markdown, saved HTML page, standard input or URL into an Article."""

from __future__ import annotations

import random
import re
import sys
import threading
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from charset_normalizer import from_bytes

from ..addresses import WEB_SCHEMES, is_web_address, public_address, web_address
from ..errors import BriefingError
from ..model import Article
from ..retry import RetryPolicy, parse_retry_after
from ..settings import check_settings, parse_size, setting, size_text

MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
MIN_ARTICLE_WORDS = 15  # less than this from a web page is navigation or a notice, not an article

# A headline is short and does not end like a sentence; a kicker ("Analysis. Le Monde has...")
# or standfirst before it is a full sentence.
HEADLINE_MAX_WORDS = 20
HEADLINE_SEARCH_BLOCKS = 4


@dataclass(frozen=True)
class FetchLimits:
    """Bounds on reading a source, so a hostile server or a stray huge file cannot hang or flood us."""

    timeout: float = setting(
        20.0,
        "Seconds allowed for downloading each web page or feed, whole",
        flag="--timeout",
        low=1,
        high=3600,
        group="read",
    )
    # 5 MB is about 90 hours of speech
    max_bytes: int = setting(
        5 * 1024 * 1024,
        "Largest article file, input or download accepted",
        flag="--max-input",
        low=1,
        parse=parse_size,
        shown=size_text,
        group="read",
    )
    max_redirects: int = 5
    retry: RetryPolicy = RetryPolicy(attempts=3, base_delay=1.0, max_delay=10.0)  # for failures that may pass
    # False for what others submit to the service: no loopback, private, link-local or metadata
    # address, the first or after any redirect (a user's own command may read their intranet).
    allow_private: bool = True

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True)
class Fetched:
    """A web response reduced to what ingest needs."""

    url: str
    content_type: str
    charset: str | None
    body: bytes


def read_source(source: str, limits: FetchLimits = FetchLimits()) -> Article:
    """Read one source as the user named it: a path, "-" for standard input, or an http(s) URL."""
    if source == "-":
        data = sys.stdin.buffer.read(limits.max_bytes + 1)
        if len(data) > limits.max_bytes:
            raise BriefingError(f"standard input is larger than the limit of {limits.max_bytes} bytes (--max-input)")
        return parse_document(data, source, kind=None)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", source) and not is_local_path(source):
        scheme = source.split(":", 1)[0].lower()
        if scheme not in WEB_SCHEMES:
            raise BriefingError(f"unsupported URL scheme {scheme!r} in {shown(source)} (use http or https)")
        return read_url(source, limits)
    path = Path(source)
    data = read_file(path, limits.max_bytes)
    suffix = path.suffix.lower()
    kind = "html" if suffix in HTML_SUFFIXES else "markdown" if suffix in MARKDOWN_SUFFIXES else None
    return parse_document(data, source, kind=kind)


def shown(name: str, most: int = 120) -> str:
    """A name as an error line shows it: at most `most` characters, so a hostile one stays one line."""
    return name if len(name) <= most else name[: most - 1] + "…"


def is_local_path(source: str) -> bool:
    """Whether source names something on disk (False for names the system cannot even look up:
    too long, or holding a NUL)."""
    try:
        return Path(source).exists()
    except (OSError, ValueError):
        return False


def read_file(path: Path, max_bytes: int) -> bytes:
    """A file's bytes, at most max_bytes (--max-input), or BriefingError saying why not."""
    try:
        if path.is_dir():
            raise BriefingError(f"{shown(str(path))} is a folder, not an article")
        if not path.is_file():
            raise BriefingError(f"no such file: {shown(str(path))}")
        size = path.stat().st_size
        if size > max_bytes:
            raise BriefingError(
                f"{shown(str(path))} is {size} bytes, larger than the limit of {max_bytes} (--max-input)"
            )
        return path.read_bytes()
    except OSError as error:
        raise BriefingError(f"cannot read {shown(str(path))}: {error.strerror or error}") from None
    except ValueError:  # a NUL in the name
        raise BriefingError(f"cannot read {shown(repr(str(path)))}: a file name cannot hold a NUL") from None


def read_url(url: str, limits: FetchLimits = FetchLimits()) -> Article:
    """Fetch and read a web page. Only http(s): this is how everything reached from a feed, an
    OPML list or (with redirects) a page is read, so none of it can name a local file."""
    fetched = fetch_url(web_address(url, "the page"), limits)
    # A page served with no Content-Type is sniffed (its tags must not be read out as text).
    kind = "html" if "html" in fetched.content_type else "text" if fetched.content_type else None
    return parse_document(fetched.body, url, kind=kind, url=fetched.url, charset=fetched.charset)


def parse_document(
    data: bytes, source: str, kind: str | None, url: str | None = None, charset: str | None = None
) -> Article:
    """Turn raw bytes into an Article; kind None means sniff HTML, else read as plain text."""
    text = decode_text(data, source, charset)
    if not text.strip():
        raise BriefingError(f"{source} is empty")
    if kind is None:
        kind = "html" if re.match(r"\s*(<!doctype html|<html|<head|<body)", text, re.I) else "text"
    if kind == "html":
        return parse_html(text, source, url)
    if kind == "markdown":
        return parse_text(markdown_to_text(text), source, url)
    return parse_text(text, source, url)


BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Control characters other than tab and line breaks: never part of an article, and refused by XML.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def decode_text(data: bytes, source: str, charset: str | None = None) -> str:
    """Text from bytes, without control characters: UTF-32 or UTF-16 by their byte order mark or
    their pattern of zero bytes, else the declared charset, UTF-8 (with or without BOM), a mix of
    UTF-8 and one legacy code page line by line, or what charset_normalizer finds (it honours a
    charset a page declares in a <meta> tag)."""
    return CONTROL_CHARACTERS.sub("", _decode(data, source, charset))


def _decode(data: bytes, source: str, charset: str | None) -> str:
    for mark, encoding in BOMS:
        if data.startswith(mark):
            return data.decode(encoding, errors="replace")
    if b"\x00" in data[:4096]:
        wide = _wide_unicode(data)
        if wide is None:
            raise BriefingError(f"{source} is not text (it looks like a binary file)")
        return wide
    for encoding in filter(None, (charset, "utf-8-sig")):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    lines = [(line, _is_utf8(line)) for line in data.splitlines(keepends=True)]
    valid = sum(len(line) for line, utf8 in lines if utf8)
    if any(utf8 and not line.isascii() for line, utf8 in lines) and valid >= len(data) / 2:
        # Mostly UTF-8, with lines pasted from a legacy code page: each line as it is.
        pasted = b"".join(line for line, utf8 in lines if not utf8)
        legacy = "cp1252" if _reads_as_western(pasted) else _legacy_encoding(pasted, source)
        return "".join(line.decode("utf-8") if utf8 else line.decode(legacy, errors="replace") for line, utf8 in lines)
    return data.decode(_legacy_encoding(data, source), errors="replace")


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _wide_unicode(data: bytes) -> str | None:
    """UTF-32 or UTF-16 text without a byte order mark, told by where its zero bytes fall, or None."""
    for encoding, width in (("utf-32-le", 4), ("utf-32-be", 4), ("utf-16-le", 2), ("utf-16-be", 2)):
        if len(data) % width:
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and sum(
            character.isprintable() or character.isspace() for character in text
        ) >= 0.95 * len(text):
            return text
    return None


def _reads_as_western(data: bytes) -> bool:
    """Whether Windows-1252 (the code page most legacy text is in, a superset of Latin-1) reads
    every non-ASCII byte as a Latin letter or common punctuation: detectors guess wrong on the few
    short lines pasted into UTF-8 text ("café" as Czech "cafť"), while most Cyrillic or Central
    European text read this way gives symbols (¿, ³, Ï) and is left to the detector."""

    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    foreign = {character for character in text if ord(character) > 127}
    return bool(foreign) and all(
        "LATIN" in unicodedata.name(character, "") or character in "’‘“”–—…€«»°·" for character in foreign
    )


def _legacy_encoding(data: bytes, source: str) -> str:
    """The code page charset_normalizer finds for text that is not UTF-8."""
    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise BriefingError(f"{source} is not text (cannot tell its character encoding)")
    # Short text often fits several code pages equally well; like browsers, prefer Windows-1252
    # (a superset of Latin-1) for legacy text when it reads as cleanly as the detector's first pick.
    western = next((r for r in results if r.encoding in ("cp1252", "latin_1", "iso8859_15")), None)
    if western is not None and western.chaos <= best.chaos and western.coherence >= best.coherence:
        return western.encoding
    return best.encoding


def split_blocks(text: str) -> list[str]:
    """Split text into paragraphs: blank-line separated blocks, or one a line when there are no blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"\n[ \t]*\n", text):
        blocks = [" ".join(line.strip() for line in block.splitlines()) for block in re.split(r"\n[ \t]*\n", text)]
    else:
        blocks = text.splitlines()
    return [re.sub(r"\s+", " ", block).strip() for block in blocks if block.strip()]


def looks_like_headline(block: str) -> bool:
    """A headline is one short line that does not end with sentence punctuation."""
    words = block.split()
    return 0 < len(words) <= HEADLINE_MAX_WORDS and not re.search(r"[.!:;,]['\"”’)]*$", block)


def parse_text(text: str, source: str, url: str | None = None) -> Article:
    """Plain text: the headline is the first short, headline-like block near the top.

    Blocks above it (a kicker or standfirst) stay in the body, first; when no block looks like a
    headline the first line is the title and the body is everything.
    """
    blocks = split_blocks(text)
    if not blocks:
        raise BriefingError(f"{source} has no text")
    for index, block in enumerate(blocks[:HEADLINE_SEARCH_BLOCKS]):
        if looks_like_headline(block):
            body = blocks[:index] + blocks[index + 1 :]
            return Article(title=block, paragraphs=tuple(body), source=source, url=url)
    return Article(title=shorten_title(blocks[0]), paragraphs=tuple(blocks), source=source, url=url)


def shorten_title(line: str, max_words: int = 14) -> str:
    """A title from a long first line: its first sentence, cut to a few words."""
    first_sentence = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0]
    words = first_sentence.split()
    return " ".join(words[:max_words]).rstrip(".,;:") + ("…" if len(words) > max_words else "")


# Linear on any input: a span stops at the next opening bracket (so "[[[[..." cannot make each
# bracket scan to the end), and emphasis spans at most EMPHASIS_MAX characters.
EMPHASIS_MAX = 300
MARKDOWN_RULES: tuple[tuple[str, str], ...] = (
    (r"!\[[^\[\]\n]*\]\([^()\s]*\)", ""),  # images
    (r"\[([^\[\]\n]+)\]\([^()\s]*\)", r"\1"),  # links keep their text
    (r"`([^`\n]*)`", r"\1"),  # inline code
    (rf"(\*\*|__)([^\n]{{1,{EMPHASIS_MAX}}}?)\1", r"\2"),  # bold
    (rf"(?<![\w*])[*_](?!\s)([^\n]{{1,{EMPHASIS_MAX}}}?)(?<!\s)[*_](?![\w*])", r"\1"),  # emphasis
    (r"(?m)^[ \t]{0,3}>[ \t]?", ""),  # block quotes
    (r"(?m)^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", ""),  # list markers
    (r"(?m)^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$", ""),  # rules
    (r"<[^<>\n]+>", ""),  # inline HTML
)


def markdown_to_text(markdown: str) -> str:
    """Plain text from Markdown: the first level-1 heading goes first as the headline; markup is dropped."""
    for pattern, replacement in MARKDOWN_RULES:
        markdown = re.sub(pattern, replacement, markdown)
    lines = markdown.replace("\r\n", "\n").split("\n")
    title = None
    for index, line in enumerate(lines):
        match = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
        if match:
            title = match.group(1)
            del lines[index]
            break
    text = "\n".join(re.sub(r"^#{1,6}\s+(.+?)\s*#*\s*$", r"\1", line) for line in lines)
    return f"{title}\n\n{text}" if title else text


def parse_html(html: str, source: str, url: str | None = None) -> Article:
    """An Article from a web page's main text (see extract.py)."""
    from .extract import extract  # lxml and the extractors: 40 ms, for web pages alone

    page = extract(html, url)
    paragraphs = list(page.paragraphs)
    if sum(len(p.split()) for p in paragraphs) < MIN_ARTICLE_WORDS:  # a menu or a cookie wall, not an article
        raise BriefingError(f"no article text found in {source}")
    title = page.title or shorten_title(paragraphs[0])
    while len(paragraphs) > 1 and same_words(paragraphs[0], title):
        paragraphs.pop(0)  # the headline, which the script already speaks
    return Article(
        title=title,
        paragraphs=tuple(paragraphs),
        source=source,
        url=url,
        outlet=page.outlet,
        published=page.published,
        extraction=page.choice,
    )


def same_words(text: str, other: str) -> bool:
    """The same words, whatever the case and punctuation ("Oil exports resume." and "Oil exports
    resume"); never for text with no words."""
    words = re.findall(r"\w+", text.lower())
    return bool(words) and words == re.findall(r"\w+", other.lower())


FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/x-opml")


class _MayPass(Exception):
    """A failure worth another attempt: 429, 5xx, a timeout or a dropped connection."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def fetch_url(url: str, limits: FetchLimits, accept_feeds: bool = False) -> Fetched:
    """GET an http(s) URL with a time limit, a size cap and bounded redirects, trying again with
    backoff (and Retry-After) when the failure may pass."""
    for attempt in range(1, limits.retry.attempts + 1):
        try:
            return _within_deadline(url, limits, lambda: _fetch_once(url, limits, accept_feeds))
        except _MayPass as failure:
            if attempt == limits.retry.attempts:
                tries = f" after {attempt} attempts" if attempt > 1 else ""
                raise BriefingError(f"{failure}{tries}") from None
            time.sleep(limits.retry.delay(attempt, failure.retry_after, random.random()))
    raise AssertionError("unreachable")


def _within_deadline(url: str, limits: FetchLimits, download: Callable[[], Fetched]) -> Fetched:
    """download() given limits.timeout seconds in all. requests' timeouts bound each socket read,
    so a server trickling a byte a second would never time out: the download runs on a daemon
    thread, and we stop waiting for it at the deadline (its next read ends it; Ctrl-C interrupts
    the wait at once)."""
    outcome: Future = Future()

    def run() -> None:
        try:
            outcome.set_result(download())
        except BaseException as error:  # handed to the waiting thread, which raises it
            outcome.set_exception(error)

    threading.Thread(target=run, name="briefing-fetch", daemon=True).start()
    try:
        return outcome.result(timeout=limits.timeout)
    except FutureTimeout:
        raise _MayPass(f"cannot fetch {url}: timed out after {limits.timeout:g} s") from None


def _follow(session, url: str, limits: FetchLimits):
    """GET url, following redirects one at a time: each must be an http(s) address and, unless
    private addresses are allowed, a public one, connected to at the very address checked."""

    for _ in range(limits.max_redirects + 1):
        if not is_web_address(url):
            raise BriefingError(f"cannot fetch {url[:200]}: it leads to something that is not an http(s) address")
        target, headers = url, {"User-Agent": "briefing/0.1 (+https://pypi.org/project/briefing)"}
        if not limits.allow_private:
            try:
                target, headers = pinned(session, url, public_address(url)), {**headers, "Host": urlsplit(url).netloc}
            except BriefingError as error:
                raise BriefingError(f"cannot fetch {url[:200]}: {error}") from None
        response = session.get(
            target,
            stream=True,
            allow_redirects=False,
            headers=headers,
            timeout=(min(10.0, limits.timeout), limits.timeout),
        )
        if not response.is_redirect:
            return response
        response.close()
        url = urljoin(url, response.headers["Location"])
    raise BriefingError(f"cannot fetch {url[:200]}: more than {limits.max_redirects} redirects")


def pinned(session, url: str, address: str) -> str:
    """url with its host replaced by address, the session set to check https certificates (and
    send SNI) for the host by name: the connection goes where the check looked."""
    from requests.adapters import HTTPAdapter  # requests: 0.15 s, for web addresses alone

    parts = urlsplit(url)
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    if parts.scheme == "https":

        class NamedHost(HTTPAdapter):
            def init_poolmanager(self, *args, **kwargs):
                super().init_poolmanager(
                    *args, **kwargs, server_hostname=parts.hostname, assert_hostname=parts.hostname
                )

        session.mount(f"https://{netloc}/", NamedHost())
    return parts._replace(netloc=netloc).geturl()


def _fetch_once(url: str, limits: FetchLimits, accept_feeds: bool) -> Fetched:
    import requests  # 0.15 s to import, for web addresses alone

    session = requests.Session()
    deadline = time.monotonic() + limits.timeout
    try:
        response = _follow(session, url, limits)
        with response:
            if response.status_code == 429 or response.status_code >= 500:
                raise _MayPass(
                    f"cannot fetch {url}: HTTP {response.status_code} {response.reason}",
                    parse_retry_after(response.headers.get("Retry-After")),
                )
            if response.status_code >= 400:
                raise BriefingError(f"cannot fetch {url}: HTTP {response.status_code} {response.reason}")
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > limits.max_bytes:
                raise BriefingError(f"cannot fetch {url}: larger than {limits.max_bytes} bytes")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limits.max_bytes:
                    raise BriefingError(f"cannot fetch {url}: larger than {limits.max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise _MayPass(f"cannot fetch {url}: timed out after {limits.timeout:g} s")
                chunks.append(chunk)
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            readable = (
                content_type.startswith("text/")
                or "html" in content_type
                or (accept_feeds and content_type in FEED_TYPES)
            )
            if content_type and not readable:
                raise BriefingError(f"cannot read {url}: it is {content_type}, not an article")
            charset = response.encoding if "charset" in response.headers.get("Content-Type", "") else None
            return Fetched(url=response.url, content_type=content_type, charset=charset, body=b"".join(chunks))
    except (requests.exceptions.InvalidSchema, requests.exceptions.InvalidURL, requests.exceptions.MissingSchema):
        raise BriefingError(f"cannot fetch {url}: it leads to something that is not an http(s) address") from None
    except requests.Timeout:
        raise _MayPass(f"cannot fetch {url}: timed out after {limits.timeout:g} s") from None
    except requests.RequestException as error:
        raise _MayPass(f"cannot fetch {url}: {type(error).__name__}") from None
