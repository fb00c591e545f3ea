"""gTTS: Google Translate's online voice, with our own chunking and retries.

The script stage already cuts text into pieces of at most MAX_CHARS at clause boundaries, so
each synthesize call is one request. Failures that may pass (429, 5xx, timeouts, dropped
connections) are retried with exponential backoff and jitter, honouring Retry-After.
$BRIEFING_GTTS_ENDPOINT sends the requests to another host (a mirror, a proxy, or a test server).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import BriefingError
from ..ffmpeg import decode
from ..retry import RetryPolicy, parse_retry_after
from ..settings import check_settings, setting
from .base import Engine, EngineSettings, VoiceInfo, register

MAX_CHARS = 100  # Google's limit per request
SAMPLE_RATE = 24000  # what the service sends


def _library():
    """The gtts package (with gtts.lang), imported on first use: 0.19 s, for this engine alone."""
    import gtts  # as the docstring says

    return gtts


def _routed_gtts_class():
    class RoutedGTTS(_library().gTTS):
        """gTTS whose requests go to `endpoint` instead of translate.google.<tld> when one is set."""

        def __init__(self, *args, endpoint: str | None = None, **kwargs):
            super().__init__(*args, **kwargs)
            self.endpoint = endpoint

        def _prepare_requests(self):
            prepared = super()._prepare_requests()
            if self.endpoint:
                for request in prepared:
                    request.prepare_url(self.endpoint.rstrip("/") + urlsplit(request.url).path, None)
            return prepared

    return RoutedGTTS


CONCURRENT_REQUESTS = 4


@dataclass(frozen=True)
class GTTSOptions:
    """gTTS's own settings."""

    tld: str = setting("com", "gTTS accent host, e.g. co.uk, com.au", flag="--tld", group="voice")

    def __post_init__(self) -> None:
        check_settings(self)


def languages() -> dict[str, str]:
    return _library().lang.tts_langs()


@register
class GTTSEngine(Engine):
    name = "gtts"
    max_chars = MAX_CHARS
    accepts_ipa = False
    default_pace = (0.38, 0.35)
    sample_rate = SAMPLE_RATE
    Options = GTTSOptions

    def __init__(
        self,
        lang: str = "en",
        tld: str = "com",
        endpoint: str | None = None,
        policy: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        rate: float = 1.0,
    ):
        self.lang, self.tld, self.endpoint, self.policy, self.rate = lang, tld, endpoint, policy, rate
        self.voice = self.language = f"{lang}-{tld}"  # the Google host gives the accent: en-co.uk is British
        self._sleep, self._jitter = sleep, jitter
        self._gtts = _routed_gtts_class()
        self._pause_until = 0.0  # shared by concurrent requests: when the service says slow down, all wait
        self._pause_lock = threading.Lock()

    def identity(self) -> dict:
        return {
            "name": self.name,
            "lang": self.lang,
            "tld": self.tld,
            **({} if self.rate == 1.0 else {"rate": self.rate}),
        }

    def _wait_for_pause(self) -> None:
        with self._pause_lock:
            remaining = self._pause_until - time.monotonic()
        if remaining > 0:
            self._sleep(remaining)

    def _pause_all(self, seconds: float) -> None:
        with self._pause_lock:
            self._pause_until = max(self._pause_until, time.monotonic() + seconds)

    def fetch_mp3(self, text: str) -> bytes:
        """The MP3 bytes for text (at most MAX_CHARS), retrying failures that may pass."""
        if len(text) > MAX_CHARS:
            raise ValueError(f"gTTS request of {len(text)} characters exceeds {MAX_CHARS}")
        request = self._gtts(
            text,
            lang=self.lang,
            tld=self.tld,
            lang_check=False,
            timeout=self.policy.timeout,
            pre_processor_funcs=[],
            tokenizer_func=lambda whole: [whole],
            endpoint=self.endpoint,
        )
        for attempt in range(1, self.policy.attempts + 1):
            self._wait_for_pause()
            try:
                mp3 = b"".join(request.stream())
                if not mp3:
                    raise BriefingError(f"gTTS sent no audio for {text[:40]!r}")
                return mp3
            except _library().gTTSError as error:
                response = error.rsp
                status = response.status_code if response is not None else None
                may_pass = status is None or status == 429 or status >= 500
                if not may_pass or attempt == self.policy.attempts:
                    tries = f" after {attempt} attempts" if attempt > 1 else ""
                    raise BriefingError(f"gTTS could not speak {text[:40]!r}: {error.msg}{tries}") from None
                retry_after = parse_retry_after(response.headers.get("Retry-After")) if response is not None else None
                delay = self.policy.delay(attempt, retry_after, self._jitter())
                if retry_after is not None or status == 429:
                    self._pause_all(delay)  # the service asked us to slow down: every request waits, this one too
                else:
                    self._sleep(delay)
        raise AssertionError("unreachable")

    def synthesize(self, text: str):
        # Google speaks at one pace: other rates are time-stretched (ffmpeg atempo keeps the pitch).
        return decode(self.fetch_mp3(text), self.sample_rate, what="gTTS audio", tempo=self.rate)

    def synthesize_all(self, texts: list[str], done=None) -> list:
        """Several requests at a time (CONCURRENT_REQUESTS), results in the order given."""

        def one(position: int, text: str):
            clip = self.synthesize(text)
            if done:
                done(position, clip)
            return clip

        with ThreadPoolExecutor(CONCURRENT_REQUESTS) as pool:
            return list(pool.map(one, range(len(texts)), texts))

    @classmethod
    def create(cls, settings: EngineSettings, options: GTTSOptions | None = None) -> GTTSEngine:
        """The gTTS engine for settings.lang and options.tld, or for a voice named LANG-TLD (en-co.uk)."""
        options = options or GTTSOptions()
        lang, tld = settings.lang, options.tld
        if settings.voice:
            lang, _, tld = settings.voice.partition("-")
            tld = tld or options.tld
        if lang not in languages():
            raise BriefingError(f"gTTS does not speak language {lang!r} (see `briefing voices`)")
        return cls(lang, tld, endpoint=os.environ.get("BRIEFING_GTTS_ENDPOINT") or None, rate=settings.rate)

    @classmethod
    def voices(cls) -> list[VoiceInfo]:
        return [
            VoiceInfo(
                "gtts", code, name, SAMPLE_RATE, True, "online: needs translate.google.<tld>; --tld picks the accent"
            )
            for code, name in sorted(languages().items())
        ]
