"""The gTTS engine against a local stand-in for Google's endpoint that answers with real MP3 bytes.

The real gTTS library builds and parses every request; only the host is ours
(BRIEFING_GTTS_ENDPOINT / the engine's endpoint argument).
"""

import time

import pytest
from conftest import Reply
from helpers import FakeGoogle, engine_for

from briefing.cli import main
from briefing.errors import BriefingError
from briefing.retry import RetryPolicy, parse_retry_after
from briefing.tts.gtts import GTTSEngine


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
    engine = GTTSEngine(
        "en",
        "com",
        endpoint="http://no-such-host.invalid",
        policy=RetryPolicy(attempts=3),
        sleep=sleeps.append,
        jitter=lambda: 0.0,
    )
    with pytest.raises(BriefingError, match=r"gTTS could not speak 'Hello.': .* after 3 attempts"):
        engine.synthesize("Hello.")
    assert len(sleeps) == 2


def test_unreachable_host_is_a_clear_error():
    engine = GTTSEngine(
        "en", "com", endpoint="http://127.0.0.1:9", policy=RetryPolicy(attempts=2), sleep=lambda s: None
    )
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


def test_unknown_language_is_refused():
    from briefing.tts import EngineSettings, create_engine

    with pytest.raises(BriefingError, match="does not speak language 'xx'"):
        create_engine("gtts", EngineSettings(lang="xx"))


def test_without_a_fallback_the_failure_is_one_line(tmp_path, local_server, monkeypatch):
    from conftest import runner

    server = local_server(lambda m, p, b: Reply(403, b"no"))
    monkeypatch.setenv("BRIEFING_GTTS_ENDPOINT", server.url)
    article = tmp_path / "a.txt"
    article.write_text("Headline\n\nOne sentence.")
    result = runner().invoke(main, ["make", str(article), "--engine", "gtts", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "gTTS could not speak" in result.stderr and result.stderr.count("\n") == 1


def test_a_gtts_voice_names_language_and_accent():
    from briefing.tts import EngineSettings, create_engine

    engine = create_engine("gtts", EngineSettings(voice="en-co.uk"))
    assert (engine.lang, engine.tld, engine.voice) == ("en", "co.uk", "en-co.uk")
    with pytest.raises(BriefingError, match="does not speak language 'xx'"):
        create_engine("gtts", EngineSettings(voice="xx-com"))
