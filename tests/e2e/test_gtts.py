"""The gTTS engine against a local stand-in for Google's endpoint that answers with real MP3 bytes.

The real gTTS library builds and parses every request; only the host is ours
(BRIEFING_GTTS_ENDPOINT / the engine's endpoint argument).
"""

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Reply, decode_to_array
from helpers import FAST, FakeGoogle, engine_for

from briefing.cli import main
from briefing.errors import BriefingError
from briefing.retry import RetryPolicy
from briefing.tts.gtts import MAX_CHARS, GTTSEngine


def test_timeout_is_retried(local_server, piper_engine):
    google = FakeGoogle(piper_engine, [Reply(200, b"late", delay=10)])
    google.mp3_for("Hello there.")  # spoken before, so the second answer is immediate
    sleeps = []
    short = RetryPolicy(attempts=4, base_delay=1.0, max_delay=30.0, timeout=1.0)
    clip = engine_for(local_server(google), sleeps, short).synthesize("Hello there.")
    assert clip.duration_seconds > 0.3 and len(sleeps) == 1


def test_concurrent_requests_share_one_pause(local_server, piper_engine):
    google = FakeGoogle(piper_engine, [Reply(429, b"", {"Retry-After": "1"})])
    server = local_server(google)
    engine = GTTSEngine("en", "com", endpoint=server.url, policy=FAST)
    start = time.monotonic()
    clips = engine.synthesize_all([f"Sentence number {n}." for n in range(6)])
    assert len(clips) == 6 and all(clip.duration_seconds > 0.5 for clip in clips)
    assert time.monotonic() - start >= 1.0  # everyone waited out the Retry-After
    assert len(google.texts) == 7 and {t for t, _ in google.texts} == {f"Sentence number {n}." for n in range(6)}


def test_real_wait_on_retry_after(local_server, piper_engine):
    google = FakeGoogle(piper_engine, [Reply(429, b"", {"Retry-After": "1"})])
    server = local_server(google)
    start = time.monotonic()
    GTTSEngine("en", "com", endpoint=server.url, policy=FAST).synthesize("Hello.")
    assert time.monotonic() - start >= 1.0


def test_make_with_gtts_sends_only_short_requests(tmp_path, local_server, piper_engine, monkeypatch):
    google = FakeGoogle(piper_engine)
    server = local_server(google)
    monkeypatch.setenv("BRIEFING_GTTS_ENDPOINT", server.url)
    article = tmp_path / "article.txt"
    article.write_text(
        "Drones over Sabratha\n\nItalian officials confirmed on Monday that American drones, "
        "which had been based in Sicily for months, would be allowed to fly from Sigonella for "
        "defensive missions over Libya, a decision that followed weeks of talks.\n\nCritics objected."
    )
    result = CliRunner().invoke(
        main,
        ["make", str(article), "--engine", "gtts", "--lang", "en", "--tld", "co.uk", "-o", str(tmp_path / "out"), "-q"],
    )
    assert result.exit_code == 0, result.output
    assert all(len(text) <= MAX_CHARS for text, _ in google.texts)
    assert all(lang == "en" for _, lang in google.texts)
    said = " ".join(text for text, _ in google.texts)
    assert "a decision that followed weeks of talks." in said and "Critics objected." in said
    mp3 = tmp_path / "out" / result.output.strip().split("/")[-1]
    assert len(decode_to_array(mp3)) / 44100 > 10
    meta = json.loads(mp3.with_suffix(".json").read_text())
    assert (meta["engine"], meta["voice"]) == ("gtts", "en-co.uk")


def test_concurrent_output_is_in_script_order(local_server, piper_engine):
    google = FakeGoogle(piper_engine)
    engine = GTTSEngine("en", "com", endpoint=local_server(google).url, policy=FAST)
    # Lengths of 1, 3, 6, 9, 13 and 18 words (at most 90 characters), mixed, so each clip's length says which
    # text it is.
    counts = [6, 1, 13, 3, 18, 9]
    texts = [" ".join(["word"] * n) + "." for n in counts]
    concurrent = engine.synthesize_all(texts)
    serial = [engine.synthesize(text) for text in texts]
    assert [len(c.raw_data) for c in concurrent] == [len(s.raw_data) for s in serial]
    assert len({len(c.raw_data) for c in concurrent}) == len(texts)  # all different, so order shows


def test_a_failed_run_keeps_what_it_made_and_the_next_run_resumes(tmp_path, local_server, piper_engine, monkeypatch):
    from briefing import MakeOptions, make
    from briefing.options import CacheOptions, VoiceOptions

    google = FakeGoogle(piper_engine)
    server = local_server(google)
    monkeypatch.setenv("BRIEFING_GTTS_ENDPOINT", server.url)
    article = tmp_path / "a.txt"
    article.write_text(
        "Headline\n\nFirst sentence here. Second sentence here. Third sentence here. Doomed sentence here."
    )

    def refuse_doomed(method, path, body):
        return Reply(403, b"no") if b"Doomed" in body else google(method, path, body)

    server.handler = refuse_doomed
    options = MakeOptions(
        output_dir=tmp_path / "out", voice=VoiceOptions(engine="gtts"), cache=CacheOptions(folder=tmp_path / "cache")
    )
    with pytest.raises(BriefingError, match="Doomed"):
        make([str(article)], options)
    made_before = len(list((tmp_path / "cache").glob("*/*.clip")))
    assert made_before >= 4  # intro, headline and the sentences that were spoken
    server.handler = google
    asked = len(google.texts)
    episode = make([str(article)], options)
    assert episode.cache_hits == made_before and len(google.texts) - asked == episode.cache_misses


def test_fallback_engine_finishes_offline_at_one_loudness(tmp_path, local_server, piper_engine, monkeypatch):
    from conftest import integrated_loudness, runner

    google = FakeGoogle(piper_engine)
    server = local_server(lambda m, p, b: Reply(503, b"down") if b"Third" in b or b"Fourth" in b else google(m, p, b))
    monkeypatch.setattr(
        GTTSEngine,
        "create",
        classmethod(
            lambda cls, settings, options: GTTSEngine(
                settings.lang,
                options.tld,
                endpoint=server.url,
                policy=RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.05),
            )
        ),
    )
    article = tmp_path / "a.txt"
    article.write_text(
        "Headline\n\nFirst sentence here. Second sentence here. Third sentence here. Fourth sentence here."
    )
    result = runner().invoke(
        main,
        [
            "make",
            str(article),
            "--engine",
            "gtts",
            "--fallback-engine",
            "piper",
            "-o",
            str(tmp_path / "out"),
            "-q",
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert "gtts kept failing; 2 segments were made by piper" in result.stderr
    meta = json.loads(Path(result.stdout.strip()).with_suffix(".json").read_text())
    made_by = {s["text"]: s["made_by"] for s in meta["segments"]}
    assert made_by["First sentence here."] == "gtts/en-com" and made_by["Third sentence here."] == "piper/joe"
    assert abs(integrated_loudness(decode_to_array(result.stdout.strip())) - (-19.0)) <= 1.0


def test_rate_time_stretches_google_speech_keeping_its_pitch(local_server, piper_engine):
    server = local_server(FakeGoogle(piper_engine))
    normal = GTTSEngine("en", "com", endpoint=server.url, policy=FAST).synthesize("Hello there, how are you today?")
    faster = GTTSEngine("en", "com", endpoint=server.url, policy=FAST, rate=1.25).synthesize(
        "Hello there, how are you today?"
    )
    assert faster.duration_seconds / normal.duration_seconds == pytest.approx(0.8, rel=0.03)
