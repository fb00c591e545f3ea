"""The gTTS engine against a local stand-in for Google's endpoint that answers with real MP3 bytes.

The real gTTS library builds and parses every request; only the host is ours
(BRIEFING_GTTS_ENDPOINT / the engine's endpoint argument).
"""

import base64
import json
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner
from conftest import Reply, decode_to_array

from briefing.cli import main
from briefing.errors import BriefingError
from briefing.ffmpeg import ffmpeg_exe
from briefing.retry import RetryPolicy, parse_retry_after
from briefing.tts.gtts import MAX_CHARS, GTTSEngine

# A generous timeout: the fake service speaks each new text with Piper while the client waits,
# which takes seconds on a busy machine. The timeout test sets a short one of its own.
FAST = RetryPolicy(attempts=4, base_delay=1.0, max_delay=30.0, timeout=30.0)


class FakeGoogle:
    """Speaks each request's text with Piper and answers in the batchexecute format gTTS parses."""

    def __init__(self, piper_engine, failures=()):
        self.piper = piper_engine
        self.failures = list(failures)  # Replies to give, in order, before speaking
        self.texts: list[tuple[str, str]] = []  # (text, lang) of every request
        self.spoken: dict[str, bytes] = {}

    def mp3_for(self, text: str) -> bytes:
        if text not in self.spoken:  # the same text always gets the same audio, as from a real service
            self.spoken[text] = self.encode(self.piper.synthesize(text).raw_data)
        return self.spoken[text]

    @staticmethod
    def encode(pcm: bytes) -> bytes:
        return subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "s16le", "-ar", "22050", "-ac", "1", "-i", "pipe:0",
                               "-ar", "24000", "-c:a", "libmp3lame", "-b:a", "32k", "-f", "mp3", "pipe:1"],
                              input=pcm, capture_output=True, check=True).stdout

    def __call__(self, method, path, body):
        rpc = json.loads(parse_qs(body.decode())["f.req"][0])
        text, lang = json.loads(rpc[0][0][1])[:2]
        self.texts.append((text, lang))
        if self.failures:
            return self.failures.pop(0)
        audio = base64.b64encode(self.mp3_for(text)).decode()
        payload = f')]}}\'\n\n123\n[["wrb.fr","jQ1olc","[\\"{audio}\\"]",null,null,null,"generic"]]\n'
        return Reply(200, payload.encode(), {"Content-Type": "application/json; charset=utf-8"})


def engine_for(server, sleeps, policy=FAST):
    return GTTSEngine("en", "com", endpoint=server.url, policy=policy, sleep=sleeps.append, jitter=lambda: 0.0)


def test_speaks_through_the_real_gtts_library(local_server, piper_engine):
    google = FakeGoogle(piper_engine)
    server = local_server(google)
    clip = engine_for(server, []).synthesize("The French commandos were stationed at a base in Benina.")
    assert clip.frame_rate == 24000 and clip.duration_seconds > 2.0
    assert google.texts == [("The French commandos were stationed at a base in Benina.", "en")]
    assert server.requests[0][1] == "/_/TranslateWebserverUi/data/batchexecute"


def test_429_then_success_honours_retry_after(local_server, piper_engine):
    google = FakeGoogle(piper_engine, [Reply(429, b"slow down", {"Retry-After": "7"})])
    sleeps = []
    clip = engine_for(local_server(google), sleeps).synthesize("Hello there.")
    assert clip.duration_seconds > 0.3
    assert sleeps == [pytest.approx(7.0, abs=0.05)] and len(google.texts) == 2


def test_5xx_backs_off_exponentially(local_server, piper_engine):
    google = FakeGoogle(piper_engine, [Reply(503), Reply(500), Reply(502)])
    sleeps = []
    engine_for(local_server(google), sleeps).synthesize("Hello there.")
    assert sleeps == [0.5, 1.0, 2.0]  # base 1 s doubled each time, jitter at its low end halves it


def test_jitter_and_ceiling():
    policy = RetryPolicy(base_delay=1.0, max_delay=30.0)
    assert policy.delay(1, None, 0.999) == pytest.approx(1.0, abs=0.01)
    assert policy.delay(10, None, 0.5) == 30.0
    assert policy.delay(1, 3600.0, 0.0) == 30.0  # a Retry-After of an hour is not waited out whole


@pytest.mark.slow
def test_timeout_is_retried(local_server, piper_engine):
    google = FakeGoogle(piper_engine, [Reply(200, b"late", delay=10)])
    google.mp3_for("Hello there.")  # spoken before, so the second answer is immediate
    sleeps = []
    short = RetryPolicy(attempts=4, base_delay=1.0, max_delay=30.0, timeout=1.0)
    clip = engine_for(local_server(google), sleeps, short).synthesize("Hello there.")
    assert clip.duration_seconds > 0.3 and len(sleeps) == 1


@pytest.mark.slow
def test_concurrent_requests_share_one_pause(local_server, piper_engine):
    google = FakeGoogle(piper_engine, [Reply(429, b"", {"Retry-After": "1"})])
    server = local_server(google)
    engine = GTTSEngine("en", "com", endpoint=server.url, policy=FAST)
    start = time.monotonic()
    clips = engine.synthesize_all([f"Sentence number {n}." for n in range(6)])
    assert len(clips) == 6 and all(clip.duration_seconds > 0.5 for clip in clips)
    assert time.monotonic() - start >= 1.0  # everyone waited out the Retry-After
    assert len(google.texts) == 7 and {t for t, _ in google.texts} == {f"Sentence number {n}." for n in range(6)}


@pytest.mark.slow
def test_real_wait_on_retry_after(local_server, piper_engine):
    google = FakeGoogle(piper_engine, [Reply(429, b"", {"Retry-After": "1"})])
    server = local_server(google)
    start = time.monotonic()
    GTTSEngine("en", "com", endpoint=server.url, policy=FAST).synthesize("Hello.")
    assert time.monotonic() - start >= 1.0


def test_permanent_failure_is_a_clear_error_without_retries(local_server, piper_engine):
    google = FakeGoogle(piper_engine, [Reply(403, b"forbidden")])
    sleeps = []
    with pytest.raises(BriefingError, match=r"gTTS could not speak 'Hello there.': 403 \(Forbidden\)"):
        engine_for(local_server(google), sleeps).synthesize("Hello there.")
    assert sleeps == []


def test_giving_up_names_the_attempts(local_server, piper_engine):
    google = FakeGoogle(piper_engine, [Reply(500)] * 10)
    sleeps = []
    with pytest.raises(BriefingError, match="500 .* after 4 attempts"):
        engine_for(local_server(google), sleeps).synthesize("Hello there.")
    assert len(sleeps) == 3


def test_connection_reset_is_retried(local_server, piper_engine):
    google = FakeGoogle(piper_engine, [Reply(reset=True), Reply(reset=True)])
    sleeps = []
    clip = engine_for(local_server(google), sleeps).synthesize("Hello there.")
    assert clip.duration_seconds > 0.3 and sleeps == [0.5, 1.0]


def test_dns_failure_is_retried_then_a_clear_error():
    sleeps = []
    engine = GTTSEngine("en", "com", endpoint="http://no-such-host.invalid", policy=RetryPolicy(attempts=3),
                        sleep=sleeps.append, jitter=lambda: 0.0)
    with pytest.raises(BriefingError, match=r"gTTS could not speak 'Hello.': .* after 3 attempts"):
        engine.synthesize("Hello.")
    assert len(sleeps) == 2


def test_unreachable_host_is_a_clear_error():
    engine = GTTSEngine("en", "com", endpoint="http://127.0.0.1:9", policy=RetryPolicy(attempts=2), sleep=lambda s: None)
    with pytest.raises(BriefingError, match="Failed to connect.* after 2 attempts"):
        engine.synthesize("Hello.")


def test_default_host_follows_the_tld():
    from briefing.tts.gtts import _routed_gtts_class

    request = _routed_gtts_class()("Hi", lang="en", tld="co.uk", lang_check=False)._prepare_requests()[0]
    assert request.url.startswith("https://translate.google.co.uk/")


@pytest.mark.parametrize("value, seconds", [("120", 120.0), (None, None), ("soon", None)])
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value) == seconds


def test_parse_retry_after_http_date():
    from email.utils import formatdate

    assert 8 <= parse_retry_after(formatdate(time.time() + 10, usegmt=True)) <= 10


@pytest.mark.slow
def test_make_with_gtts_sends_only_short_requests(tmp_path, local_server, piper_engine, monkeypatch):
    google = FakeGoogle(piper_engine)
    server = local_server(google)
    monkeypatch.setenv("BRIEFING_GTTS_ENDPOINT", server.url)
    article = tmp_path / "article.txt"
    article.write_text("Drones over Sabratha\n\nItalian officials confirmed on Monday that American drones, "
                       "which had been based in Sicily for months, would be allowed to fly from Sigonella for "
                       "defensive missions over Libya, a decision that followed weeks of talks.\n\nCritics objected.")
    result = CliRunner().invoke(main, ["make", str(article), "--engine", "gtts", "--lang", "en", "--tld", "co.uk",
                                       "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    assert all(len(text) <= MAX_CHARS for text, _ in google.texts)
    assert all(lang == "en" for _, lang in google.texts)
    said = " ".join(text for text, _ in google.texts)
    assert "a decision that followed weeks of talks." in said and "Critics objected." in said
    mp3 = tmp_path / "out" / result.output.strip().split("/")[-1]
    assert len(decode_to_array(mp3)) / 44100 > 10
    meta = json.loads(mp3.with_suffix(".json").read_text())
    assert (meta["engine"], meta["voice"]) == ("gtts", "en-co.uk")


def test_unknown_language_is_refused():
    from briefing.tts import EngineSettings, create_engine

    with pytest.raises(BriefingError, match="does not speak language 'xx'"):
        create_engine("gtts", EngineSettings(lang="xx"))


@pytest.mark.slow
def test_concurrent_output_is_in_script_order(local_server, piper_engine):
    google = FakeGoogle(piper_engine)
    engine = GTTSEngine("en", "com", endpoint=local_server(google).url, policy=FAST)
    # Lengths of 1, 3, 6, 9, 13 and 18 words (at most 90 characters), mixed, so each clip's length says which text it is.
    counts = [6, 1, 13, 3, 18, 9]
    texts = [" ".join(["word"] * n) + "." for n in counts]
    concurrent = engine.synthesize_all(texts)
    serial = [engine.synthesize(text) for text in texts]
    assert [len(c.raw_data) for c in concurrent] == [len(s.raw_data) for s in serial]
    assert len({len(c.raw_data) for c in concurrent}) == len(texts)  # all different, so order shows


@pytest.mark.slow
def test_a_failed_run_keeps_what_it_made_and_the_next_run_resumes(tmp_path, local_server, piper_engine, monkeypatch):
    from briefing import MakeOptions, make
    from briefing.options import CacheOptions, VoiceOptions

    google = FakeGoogle(piper_engine)
    server = local_server(google)
    monkeypatch.setenv("BRIEFING_GTTS_ENDPOINT", server.url)
    article = tmp_path / "a.txt"
    article.write_text("Headline\n\nFirst sentence here. Second sentence here. Third sentence here. Doomed sentence here.")
    def refuse_doomed(method, path, body):
        return Reply(403, b"no") if b"Doomed" in body else google(method, path, body)

    server.handler = refuse_doomed
    options = MakeOptions(output_dir=tmp_path / "out", voice=VoiceOptions(engine="gtts"), cache=CacheOptions(folder=tmp_path / "cache"))
    with pytest.raises(BriefingError, match="Doomed"):
        make([str(article)], options)
    made_before = len(list((tmp_path / "cache").glob("*/*.clip")))
    assert made_before >= 4  # intro, headline and the sentences that were spoken
    server.handler = google
    asked = len(google.texts)
    episode = make([str(article)], options)
    assert episode.cache_hits == made_before and len(google.texts) - asked == episode.cache_misses


@pytest.mark.slow
def test_fallback_engine_finishes_offline_at_one_loudness(tmp_path, local_server, piper_engine, monkeypatch):
    from conftest import integrated_loudness, runner

    google = FakeGoogle(piper_engine)
    server = local_server(lambda m, p, b: Reply(503, b"down") if b"Third" in b or b"Fourth" in b else google(m, p, b))
    monkeypatch.setattr(GTTSEngine, "create", classmethod(lambda cls, settings: GTTSEngine(
        settings.lang, settings.tld, endpoint=server.url, policy=RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.05))))
    article = tmp_path / "a.txt"
    article.write_text("Headline\n\nFirst sentence here. Second sentence here. Third sentence here. Fourth sentence here.")
    result = runner().invoke(main, ["make", str(article), "--engine", "gtts", "--fallback-engine", "piper",
                                    "-o", str(tmp_path / "out"), "-q", "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.stderr
    assert "gtts kept failing; 2 segments were made by piper" in result.stderr
    meta = json.loads(Path(result.stdout.strip()).with_suffix(".json").read_text())
    made_by = {s["text"]: s["made_by"] for s in meta["segments"]}
    assert made_by["First sentence here."] == "gtts/en-com" and made_by["Third sentence here."] == "piper/joe"
    assert abs(integrated_loudness(decode_to_array(result.stdout.strip())) - (-19.0)) <= 1.0


def test_without_a_fallback_the_failure_is_one_line(tmp_path, local_server, monkeypatch):
    from conftest import runner

    server = local_server(lambda m, p, b: Reply(403, b"no"))
    monkeypatch.setenv("BRIEFING_GTTS_ENDPOINT", server.url)
    article = tmp_path / "a.txt"
    article.write_text("Headline\n\nOne sentence.")
    result = runner().invoke(main, ["make", str(article), "--engine", "gtts", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "gTTS could not speak" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.slow
def test_rate_time_stretches_google_speech_keeping_its_pitch(local_server, piper_engine):
    server = local_server(FakeGoogle(piper_engine))
    normal = GTTSEngine("en", "com", endpoint=server.url, policy=FAST).synthesize("Hello there, how are you today?")
    faster = GTTSEngine("en", "com", endpoint=server.url, policy=FAST, rate=1.25).synthesize("Hello there, how are you today?")
    assert faster.duration_seconds / normal.duration_seconds == pytest.approx(0.8, rel=0.03)


def test_a_gtts_voice_names_language_and_accent():
    from briefing.tts import EngineSettings, create_engine

    engine = create_engine("gtts", EngineSettings(voice="en-co.uk"))
    assert (engine.lang, engine.tld, engine.voice) == ("en", "co.uk", "en-co.uk")
    with pytest.raises(BriefingError, match="does not speak language 'xx'"):
        create_engine("gtts", EngineSettings(voice="xx-com"))
