"""The daily briefing: several stories from local feeds and a local web server, seen-state,
duplicates told once, and a time budget checked against the rendered audio."""

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import Reply, decode_to_array, runner

from briefing import MakeOptions, make
from briefing.cli import main
from briefing.dryrun import dry_run
from briefing.errors import BriefingError
from briefing.ingest.feeds import parse_since
from briefing.ingest.seen import canonical_url
from briefing.options import IngestOptions, WritingOptions
from briefing.script.budget import textrank
from briefing.script.compose import how_long_ago, split_sentences

NOW = dt.datetime.now(dt.UTC)
STORIES = {
    "drones": (
        "Drones over Sabratha",
        "Italian officials confirmed on Monday that American drones would be allowed to fly "
        "from Sigonella for defensive missions over Libya. The decision followed weeks of talks between Rome and "
        "Washington about the use of Italian air bases. Critics in parliament said the government had not explained "
        "the rules of engagement. They demanded a vote before any mission begins. The defence minister said a vote "
        "was not required for defensive flights. Opposition leaders called that a dangerous precedent.",
    ),
    "oil": (
        "Oil exports resume at Ras Lanuf",
        "Tankers loaded crude at the Ras Lanuf terminal on Monday for the first time "
        "in two years. The National Oil Corporation said exports would rise through the month as repairs continue. "
        "Engineers have rebuilt two storage tanks destroyed in fighting. The company expects output to reach its "
        "highest "
        "level since the war began. Traders said the return of Libyan crude could weigh on prices. Security at the "
        "terminal remains a concern, the company said.",
    ),
    "vote": (
        "Tobruk vote postponed again",
        "Members of the parliament in Tobruk postponed a vote on the unity government "
        "for the third time on Tuesday. Half of the members said they had been threatened before the session. The "
        "speaker said the vote would be held next week. Diplomats in Tunis urged the parliament to approve the "
        "government quickly. The United Nations envoy called the delay regrettable. Supporters of the government "
        "accused its opponents of sabotage.",
    ),
}


def page(title: str, body: str) -> bytes:
    sentences = split_sentences(body)
    paragraphs = [" ".join(sentences[:3]), " ".join(sentences[3:])]
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article></body></html>"
    ).encode()


def rss(outlet: str, entries: list[tuple[str, str, dt.datetime]]) -> bytes:
    items = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{when:%a, %d %b %Y %H:%M:%S +0000}</pubDate></item>"
        for t, link, when in entries
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{outlet}</title><link>http://x/</link><description>d</description>{items}</channel></rss>'.encode()


def atom(outlet: str, entries: list[tuple[str, str, dt.datetime]]) -> bytes:
    items = "".join(
        f"<entry><title>{t}</title><link "
        f'href="{link}"/><id>{link}</id><updated>{when:%Y-%m-%dT%H:%M:%SZ}</updated></entry>'
        for t, link, when in entries
    )
    return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{outlet}</title><id>x</id><updated>{NOW:%Y-%m-%dT%H:%M:%SZ}</updated>{items}</feed>'.encode()


@pytest.fixture
def news(local_server, tmp_path, monkeypatch):
    """Article pages and feeds on a local server; feed files beside; a private cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    routes: dict[str, tuple[bytes, str]] = {}
    server = local_server(
        lambda m, p, b: (
            Reply(200, *routes[p][:1], {"Content-Type": routes[p][1]}) if p in routes else Reply(404, b"not here")
        )
    )
    for slug, (title, body) in STORIES.items():
        routes[f"/{slug}"] = (page(title, body), "text/html; charset=utf-8")
    routes["/atom.xml"] = (
        atom("Tripoli Post", [("Oil exports resume at Ras Lanuf", f"{server.url}/oil", NOW - dt.timedelta(hours=5))]),
        "application/atom+xml",
    )
    routes["/broken.xml"] = (b"<rss><channel><item>", "application/rss+xml")
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "desk.rss").write_bytes(
        rss(
            "Libya Desk",
            [
                ("Drones over Sabratha", f"{server.url}/drones", NOW - dt.timedelta(hours=2)),
                ("A page that is gone", f"{server.url}/gone", NOW - dt.timedelta(hours=3)),
                ("Tobruk vote postponed again", f"{server.url}/vote", NOW - dt.timedelta(hours=4)),
                ("Old news", f"{server.url}/drones?utm_source=old", NOW - dt.timedelta(days=5)),
            ],
        )
    )
    (feeds / "list.opml").write_text(
        f'<?xml version="1.0"?><opml version="2.0"><body>'
        f'<outline text="Post" xmlUrl="{server.url}/atom.xml"/>'
        f'<outline text="Broken" xmlUrl="{server.url}/broken.xml"/></body></opml>'
    )
    return server, feeds, routes


def test_feeds_make_one_episode_with_a_chapter_per_story(news, tmp_path):
    server, feeds, _ = news
    out = tmp_path / "out"
    result = runner().invoke(
        main,
        [
            "make",
            "--from-feed",
            str(feeds / "desk.rss"),
            "--from-feed",
            str(feeds / "list.opml"),
            "--since",
            "24h",
            "--title",
            "Morning briefing",
            "-o",
            str(out),
            "-q",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert "skipped entry A page that is gone: cannot fetch" in result.stderr
    assert f"skipped feed {server.url}/broken.xml" in result.stderr
    mp3 = Path(result.stdout.strip())
    assert mp3.name.endswith("-morning-briefing.mp3")
    chapters = json.loads(mp3.with_suffix(".chapters.json").read_text())["chapters"]
    assert [c["title"] for c in chapters] == [
        "Introduction",
        "Drones over Sabratha",
        "Tobruk vote postponed again",
        "Oil exports resume at Ras Lanuf",
        "Closing",
    ]
    assert [c.get("url") for c in chapters[1:-1]] == [f"{server.url}/drones", f"{server.url}/vote", f"{server.url}/oil"]
    written = " ".join(s["text"] for s in json.loads(mp3.with_suffix(".json").read_text())["segments"])
    assert "Today: Drones over Sabratha; Tobruk vote postponed again; and Oil exports resume at Ras Lanuf." in written
    assert "First: Drones over Sabratha. From Libya Desk, 2 hours ago." in written
    assert "Finally: Oil exports resume at Ras Lanuf. From Tripoli Post, 5 hours ago." in written
    assert "Old news" not in written and "two hours ago" in mp3.with_suffix(".txt").read_text()


def test_second_run_skips_what_was_briefed(news, tmp_path):
    _, feeds, _ = news
    out = tmp_path / "out"
    args = ["make", "--from-feed", str(feeds / "desk.rss"), "--since", "24h", "-o", str(out), "-q"]
    assert runner().invoke(main, args).exit_code == 0
    again = runner().invoke(main, args)
    assert again.exit_code == 2 and "nothing new to brief" in again.stderr
    assert runner().invoke(main, args + ["--include-seen"]).exit_code == 0


def test_a_story_seen_under_another_url_is_skipped_by_content(news, tmp_path):
    server, feeds, routes = news
    routes["/drones-copy"] = routes["/drones"]
    out = tmp_path / "out"
    make([f"{server.url}/drones"], MakeOptions(output_dir=out))
    (feeds / "copy.rss").write_bytes(rss("Mirror", [("Drones", f"{server.url}/drones-copy", NOW)]))
    with pytest.raises(BriefingError, match="nothing new to brief"):
        make([], MakeOptions(output_dir=out, ingest=IngestOptions(feeds=(str(feeds / "copy.rss"),))))


def test_the_same_event_from_two_outlets_is_told_once(news, tmp_path):
    server, feeds, routes = news
    title, body = STORIES["drones"]
    routes["/wire"] = (page("Italy clears US drones", "ROME (AP) " + body + " More flights are planned."), "text/html")
    (feeds / "wire.rss").write_bytes(
        rss("Wire Service", [("Italy clears US drones", f"{server.url}/wire", NOW - dt.timedelta(hours=1))])
    )
    plan = dry_run(
        [],
        MakeOptions(
            output_dir=tmp_path,
            ingest=IngestOptions(feeds=(str(feeds / "desk.rss"), str(feeds / "wire.rss")), since=parse_since("24h")),
        ),
    )
    outlets = {story.title: story.outlet for story in plan.stories}
    assert len(plan.stories) == 2 and "Drones over Sabratha" not in outlets  # told once, from the fuller text
    assert outlets["Italy clears US drones"] == "Wire Service and Libya Desk"


def test_limit_takes_the_newest(news, tmp_path):
    _, feeds, _ = news
    plan = dry_run(
        [], MakeOptions(output_dir=tmp_path, ingest=IngestOptions(feeds=(str(feeds / "desk.rss"),), limit=2))
    )
    assert [s.title for s in plan.stories] == ["Drones over Sabratha"]  # the second newest entry's page is gone
    assert len(plan.problems) == 1


def test_budget_lands_within_ten_percent(news, tmp_path):
    _, feeds, _ = news
    sources = (str(feeds / "desk.rss"), str(feeds / "list.opml"))
    options = MakeOptions(
        output_dir=tmp_path / "out",
        ingest=IngestOptions(feeds=sources, since=parse_since("24h")),
        writing=WritingOptions(minutes=1.0),
    )
    episode = make([], options)  # calibrates the voice's pace on first use
    rendered = len(decode_to_array(episode.audio)) / 44100
    assert abs(rendered - 60) <= 6, rendered
    estimated = dry_run(
        [],
        MakeOptions(
            output_dir=tmp_path / "plan",
            ingest=IngestOptions(feeds=sources, since=parse_since("24h")),
            writing=WritingOptions(minutes=1.0),
        ),
    )
    assert estimated.calibrated and abs(estimated.seconds - rendered) <= 0.1 * rendered, (estimated.seconds, rendered)
    meta = json.loads(Path(episode.metadata_json).read_text())
    kept_in_all = 0
    for story_index, story in enumerate(meta["stories"]):
        original = split_sentences(STORIES[next(k for k, (t, _) in STORIES.items() if t == story["title"])][1])
        kept = [s["text"] for s in meta["segments"] if s["story"] == story_index and s["kind"] == "body" and s["text"]]
        assert kept and kept == [s for s in original if s in kept]  # a subsequence, in the original order
        assert kept[0] == original[0]  # every story keeps its lead
        kept_in_all += len(kept)
    assert kept_in_all < sum(len(split_sentences(body)) for _, body in STORIES.values())  # it was condensed


def test_dry_run_writes_and_synthesises_nothing(news, tmp_path):
    _, feeds, _ = news
    out = tmp_path / "out"
    result = runner().invoke(
        main, ["make", "--from-feed", str(feeds / "desk.rss"), "--minutes", "1", "--dry-run", "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert (
        "Drones over Sabratha" in result.stdout
        and "whole episode" in result.stdout
        and "gTTS requests" in result.stdout
    )
    assert not out.exists()
    assert not (tmp_path / "cache" / "briefing" / "speech-rates.json").exists()  # no calibration either


@pytest.mark.parametrize(
    "hours, said",
    [
        (0.5, "in the last hour"),
        (1.2, "an hour ago"),
        (5, "5 hours ago"),
        (30, "yesterday"),
        (80, "3 days ago"),
        (-2, None),
    ],
)
def test_how_long_ago(hours, said):
    now = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
    assert how_long_ago(now - dt.timedelta(hours=hours), now) == said
    assert how_long_ago(dt.datetime(2026, 11, 3, tzinfo=dt.UTC), now) == "on November 3"


@pytest.mark.parametrize(
    "url, canonical",
    [
        ("HTTPS://Example.org/story/?utm_source=x&id=3#top", "https://example.org/story?id=3"),
        ("http://example.org:80/a/", "http://example.org/a"),
        ("https://example.org/a?fbclid=1", "https://example.org/a"),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


@pytest.mark.parametrize("text, hours", [("24h", 24), ("90m", 1.5), ("2d", 48), ("1w", 168)])
def test_parse_since(text, hours):
    assert parse_since(text) == dt.timedelta(hours=hours)


def test_bad_since_is_one_line():
    result = runner().invoke(main, ["make", "--from-feed", "x.rss", "--since", "soon"])
    assert result.exit_code == 2 and "--since takes an age" in result.stderr


def test_textrank_favours_central_sentences():
    sentences = [
        "The vote on the unity government was postponed in Tobruk.",
        "Members said the vote on the government was delayed by threats.",
        "The weather was mild.",
        "The unity government vote may be held next week in Tobruk.",
    ]
    scores = textrank(sentences)
    assert scores.index(min(scores)) == 2 and abs(sum(scores) - 1) < 1e-6


def test_the_voice_loads_while_the_pages_download(local_server, tmp_path):
    # Workers forked before the pages are read do not inherit what reading them takes (about 60 MB
    # each over an hour-long feed briefing), and load the voice meanwhile.
    from briefing.options import VoiceOptions
    from briefing.tts import EngineOptions
    from briefing.tts.piper import PiperOptions, pool

    pool._shut_down_pools()  # as in a new process: none forked yet
    running_when_read = []

    def handler(method, path, body):
        running_when_read.append(bool(pool._pools))
        return Reply(200, page(*STORIES["oil"]), {"Content-Type": "text/html; charset=utf-8"})

    server = local_server(handler)
    options = MakeOptions(
        output_dir=tmp_path / "out", voice=VoiceOptions(engines=EngineOptions(piper=PiperOptions(workers=2)))
    )
    episode = make([f"{server.url}/oil"], options)
    assert running_when_read == [True] and Path(episode.audio).stat().st_size > 0
