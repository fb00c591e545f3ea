"""Publishing: the feed read by real podcast-client parsers, chapters and transcripts parsed by
their own libraries and checked against the MP3, lint, and the feed commands."""

import datetime as dt
import html
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import feedparser
import podcastparser
import pytest
import srt
import webvtt
from conftest import Reply, decode_to_array, finished, runner
from mutagen.id3 import ID3
from PIL import Image

from briefing import MakeOptions, make
from briefing.cli import main
from briefing.model import Show
from briefing.options import PublishOptions, WritingOptions
from briefing.publish.layout import content_type
from briefing.publish.podcast import lint, published_episodes, rebuild
from briefing.publish.rss import podcast_guid, rebase_feed

BASE = "https://pods.example.org/briefing"
SHOW = Show(
    title="Morning Desk",
    author="Jane Doe",
    owner_email="jane@example.org",
    base_url=BASE,
    description="The day's news & more, read aloud.",
)
TRICKY_TITLE = 'Q&A: "Tobruk" <votes> — café ünïcode'


def article(folder: Path, name: str, title: str, body: str) -> str:
    path = folder / name
    path.write_text(f"{title}\n\n{body}")
    return str(path)


@pytest.fixture(scope="module")
def podcast(tmp_path_factory):
    """A folder with two published episodes, the second of two stories."""
    work = tmp_path_factory.mktemp("podcast")
    folder = work / "site"
    first = article(work, "a.txt", "Drones over Sabratha", "Italian officials confirmed the drones. They fly at night.")
    second = article(work, "b.txt", TRICKY_TITLE, "Members met in Tobruk. The vote failed again.")
    third = article(work, "c.txt", "Oil exports resume", "Tankers loaded at Ras Lanuf on Monday.")
    make(
        [first],
        MakeOptions(
            output_dir=folder,
            show=SHOW,
            publish=PublishOptions(to_feed=True),
            writing=WritingOptions(date=dt.date(2026, 11, 23)),
        ),
    )
    make(
        [second, third],
        MakeOptions(
            output_dir=folder,
            show=SHOW,
            publish=PublishOptions(to_feed=True),
            writing=WritingOptions(date=dt.date(2026, 11, 24)),
        ),
    )
    return folder


def feed_bytes(folder: Path) -> bytes:
    return (folder / "feed.xml").read_bytes()


def test_podcastparser_reads_every_episode(podcast):
    parsed = podcastparser.parse(BASE + "/feed.xml", io.BytesIO(feed_bytes(podcast)))
    assert parsed["title"] == "Morning Desk" and parsed["import_prohibited"] is True
    episodes = parsed["episodes"]
    assert len(episodes) == 2
    for episode in episodes:
        stem = episode["enclosures"][0]["url"].rsplit("/", 1)[1][:-4]
        mp3 = podcast / "episodes" / f"{stem}.mp3"
        enclosure = episode["enclosures"][0]
        assert enclosure["url"] == f"{BASE}/episodes/{stem}.mp3"
        assert enclosure["file_size"] == mp3.stat().st_size and enclosure["mime_type"] == "audio/mpeg"
        assert episode["total_time"] == round(len(decode_to_array(mp3)) / 44100)
        assert episode["transcript_url"] in (f"{BASE}/episodes/{stem}.vtt", f"{BASE}/episodes/{stem}.srt")
        assert episode["chapters_json_url"] == f"{BASE}/episodes/{stem}.chapters.json"
    assert [e["title"] for e in episodes] == ["Morning Desk, Tuesday, November 24, 2026", "Drones over Sabratha"]


def test_feedparser_reads_every_episode_and_the_tricky_characters(podcast):
    parsed = feedparser.parse(feed_bytes(podcast))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Morning Desk" and parsed.feed.subtitle == "The day's news & more, read aloud."
    assert (
        parsed.feed.author_detail.email == "jane@example.org"
        or parsed.feed.publisher_detail.email == "jane@example.org"
    )
    assert parsed.feed.image.href == f"{BASE}/cover.png"
    latest = parsed.entries[0]
    assert TRICKY_TITLE in latest.summary.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace(
        "&quot;", '"'
    )
    assert latest.enclosures[0].type == "audio/mpeg" and int(latest.enclosures[0].length) > 10_000
    assert re.fullmatch(r"\d\d:\d\d:\d\d", latest.itunes_duration)
    assert "Members met in Tobruk." in latest.summary and "Tankers loaded at Ras Lanuf on Monday." in latest.summary
    assert len({entry.id for entry in parsed.entries}) == 2


def test_tricky_titles_round_trip_through_both_parsers(tmp_path):
    source = article(tmp_path, "t.txt", TRICKY_TITLE, "A short story about a vote.")
    folder = tmp_path / "site"
    make(
        [source],
        MakeOptions(
            output_dir=folder, show=Show(title='Desk & "Co" <ü>', base_url=BASE), publish=PublishOptions(to_feed=True)
        ),
    )
    assert podcastparser.parse(BASE, io.BytesIO(feed_bytes(folder)))["episodes"][0]["title"] == TRICKY_TITLE
    parsed = feedparser.parse(feed_bytes(folder))
    assert parsed.entries[0].title == TRICKY_TITLE and parsed.feed.title == 'Desk & "Co" <ü>'


def test_the_podcast_guid_is_made_once_and_never_changes(podcast, tmp_path):
    """Another base URL, host or title is the same podcast to the apps: the guid made at the first
    publish (from the first feed address) is kept in the folder's state; a folder published before
    the state was kept takes the guid its feed names."""
    folder = tmp_path / "site"
    shutil.copytree(podcast, folder)
    first = podcast_guid(BASE + "/feed.xml")
    assert f"<podcast:guid>{first}</podcast:guid>" in feed_bytes(folder).decode()
    moved = Show(title="Renamed Desk", base_url="https://cdn.example.net/desk", owner_email="jane@example.org")
    rebuild(folder, moved)
    text = feed_bytes(folder).decode()
    assert "https://cdn.example.net/desk/feed.xml" in text and "Renamed Desk" in text
    assert f"<podcast:guid>{first}</podcast:guid>" in text
    (folder / ".briefing-show.json").unlink()  # as a folder published by an older briefing
    rebuild(folder, Show(title="Third name", base_url="https://third.example.org/x"))
    assert f"<podcast:guid>{first}</podcast:guid>" in feed_bytes(folder).decode()
    assert json.loads((folder / ".briefing-show.json").read_text())["guid"] == first


def test_channel_tags_apple_and_podcasting_2_need(podcast):
    text = feed_bytes(podcast).decode()
    expected_guid = str(
        uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "pods.example.org/briefing/feed.xml")
    )
    assert f"<podcast:guid>{expected_guid}</podcast:guid>" in text and podcast_guid(BASE + "/feed.xml") == expected_guid
    for tag in (
        '<itunes:category text="News"',
        "<itunes:explicit>false</itunes:explicit>",
        "<itunes:author>Jane Doe<",
        "<itunes:email>jane@example.org<",
        '<podcast:locked owner="jane@example.org">yes<',
        f'<itunes:image href="{BASE}/cover.png"',
        "<podcast:transcript",
        'rel="captions"',
        'type="application/json+chapters"',
        "<language>en</language>",
    ):
        assert tag in text, tag


def test_cover_is_square_rgb_3000(podcast):
    with Image.open(podcast / "cover.png") as cover:
        assert cover.size == (3000, 3000) and cover.mode == "RGB" and cover.format == "PNG"


def test_chapters_json_vtt_and_srt_match_the_audio(podcast):
    for episode in published_episodes(podcast):
        base = podcast / "episodes" / episode.stem
        duration = len(decode_to_array(base.with_suffix(".mp3"))) / 44100
        chapters = json.loads(Path(f"{base}.chapters.json").read_text())
        assert chapters["version"] == "1.2.0"
        marks = chapters["chapters"]
        assert (
            marks[0]["startTime"] == 0
            and [m["title"] for m in marks][0] == "Introduction"
            and marks[-1]["title"] == "Closing"
        )
        assert [m["startTime"] for m in marks] == sorted(m["startTime"] for m in marks)
        assert marks[-1]["endTime"] == pytest.approx(duration, abs=0.05)
        assert len(marks) == 2 + len(episode.stories)
        captions = webvtt.read(f"{base}.vtt")
        subtitles = list(srt.parse(Path(f"{base}.srt").read_text()))
        assert len(captions) == len(subtitles) > 3
        assert captions[-1].end_in_seconds <= duration and subtitles[-1].end.total_seconds() <= duration
        # VTT escapes &, < and >; SRT has no escapes, so its angle brackets are look-alike guillemets.
        assert [html.unescape(c.text).replace("<", "‹").replace(">", "›") for c in captions] == [
            s.content for s in subtitles
        ]
        assert all(a.end_in_seconds <= b.start_in_seconds for a, b in itertools.pairwise(captions))


def test_id3_chapters_read_back(podcast):
    episode = published_episodes(podcast)[0]
    tags = ID3(podcast / "episodes" / f"{episode.stem}.mp3")
    toc = tags.getall("CTOC")[0]
    chapters = {frame.element_id: frame for frame in tags.getall("CHAP")}
    assert list(toc.child_element_ids) == sorted(chapters, key=lambda k: chapters[k].start_time)
    titles = [str(chapters[i].sub_frames["TIT2"]) for i in toc.child_element_ids]
    assert titles == ["Introduction", TRICKY_TITLE, "Oil exports resume", "Closing"]
    story = chapters[toc.child_element_ids[1]]
    assert story.sub_frames.getall("WXXX") == []  # a local file has no URL to link
    assert chapters[toc.child_element_ids[-1]].end_time == pytest.approx(
        len(decode_to_array(podcast / "episodes" / f"{episode.stem}.mp3")) / 44.1, abs=50
    )


def test_id3_chapters_are_stored_in_time_order_for_players_that_ignore_the_toc(podcast):
    from e2e.test_formats import ffmpeg_chapters

    for episode in published_episodes(podcast):
        mp3 = podcast / "episodes" / f"{episode.stem}.mp3"
        listed = ffmpeg_chapters(mp3)
        assert [start for start, _ in listed] == sorted(start for start, _ in listed)
        assert [title for _, title in listed] == [c.title for c in episode.record.chapters]
        if shutil.which("ffprobe"):  # Debian's ffmpeg package has it; imageio-ffmpeg ships none
            probe = subprocess.run(
                ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(mp3)], capture_output=True, text=True
            )
            assert probe.returncode == 0, probe.stderr
            probed = json.loads(probe.stdout)[
                "chapters"
            ]  # times shifted by the MP3 encoder's delay: order and titles compared
            assert [c["tags"]["title"] for c in probed] == [title for _, title in listed]
            assert [float(c["start_time"]) for c in probed] == sorted(float(c["start_time"]) for c in probed)


def test_show_notes_list_the_chapters_and_lead_with_a_real_sentence(tmp_path):
    source = article(
        tmp_path,
        "a.txt",
        "Intervention in Libya",
        "Analysis.\n\nPARIS (Reuters) - French commandos took part "
        "in clashes near Benghazi, Le Monde said.\n\nThey were there for months.",
    )
    folder = tmp_path / "site"
    make([source], MakeOptions(output_dir=folder, show=SHOW, publish=PublishOptions(to_feed=True)))
    [entry] = feedparser.parse(feed_bytes(folder)).entries
    text = html.unescape(re.sub(r"<[^>]+>", "\n", entry.description))
    times = re.findall(r"^(\d\d:\d\d) (.+)$", text, re.M)
    assert len(times) >= 3 and times[0] == ("00:00", "Introduction") and times[-1][1] == "Closing"
    assert "Intervention in Libya: French commandos took part in clashes near Benghazi, Le Monde said." in text


def test_podcast_partytime_reads_the_feed_its_transcripts_and_chapters(podcast):
    modules = Path(__file__).resolve().parents[2] / ".venv" / "node" / "node_modules"
    if not shutil.which("node") or not (modules / "podcast-partytime").is_dir():
        pytest.skip("podcast-partytime (npm) is not installed (scripts/test installs it)")
    script = (
        "const {parseFeed} = require('podcast-partytime'); const feed = parseFeed(require('fs').readFileSync(0, "
        "'utf8'));"
        "console.log(JSON.stringify({people: feed.podcastPeople, items: feed.items.map(i => ({enclosure: i.enclosure, "
        "transcripts: i.podcastTranscripts, chapters: i.podcastChapters}))}))"
    )
    node = subprocess.run(
        ["node", "-e", script],
        input=feed_bytes(podcast),
        capture_output=True,
        env={**os.environ, "NODE_PATH": str(modules)},
    )
    assert node.returncode == 0, node.stderr.decode()
    parsed = json.loads(node.stdout)
    assert [person["name"] for person in parsed["people"]] == ["Jane Doe"]
    for item in parsed["items"]:
        stem = item["enclosure"]["url"].rsplit("/", 1)[1].removesuffix(".mp3")
        assert {t["type"] for t in item["transcripts"]} == {"text/vtt", "application/srt"}
        assert item["chapters"] == {"url": f"{BASE}/episodes/{stem}.chapters.json", "type": "application/json+chapters"}


def test_story_chapters_carry_their_source_url(tmp_path, local_server):
    page = (
        b"<html><head><title>Ras Lanuf reopens</title></head><body><article><h1>Ras Lanuf reopens</h1><p>"
        + b"Tankers loaded crude at the terminal on Monday for the first time in two years, officials said.</p><p>"
        + b"The National Oil Corporation said exports would rise through the month as repairs continue.</p>"
        + b"</article></body></html>"
    )
    server = local_server(lambda m, p, b: Reply(200, page, {"Content-Type": "text/html"}))
    folder = tmp_path / "site"
    make([server.url + "/oil"], MakeOptions(output_dir=folder, show=SHOW, publish=PublishOptions(to_feed=True)))
    episode = published_episodes(folder)[0]
    marks = json.loads((folder / "episodes" / f"{episode.stem}.chapters.json").read_text())["chapters"]
    assert marks[1]["url"] == server.url + "/oil"
    tags = ID3(folder / "episodes" / f"{episode.stem}.mp3")
    assert [
        frame.sub_frames.getall("WXXX")[0].url for frame in tags.getall("CHAP") if frame.sub_frames.getall("WXXX")
    ] == [server.url + "/oil"]
    assert f'<a href="{server.url}/oil">' in feedparser.parse(feed_bytes(folder)).entries[0].summary


def test_republishing_replaces_and_keep_prunes(tmp_path):
    folder = tmp_path / "site"
    a = article(tmp_path, "a.txt", "First story", "One sentence.")
    b = article(tmp_path, "b.txt", "Second story", "Another sentence.")
    make([a], MakeOptions(output_dir=folder, show=SHOW, publish=PublishOptions(to_feed=True)))
    before = published_episodes(folder)[0]
    make([a], MakeOptions(output_dir=folder, show=SHOW, publish=PublishOptions(to_feed=True)))
    after = published_episodes(folder)
    assert len(after) == 1 and (after[0].guid, after[0].published) == (before.guid, before.published)
    make([b], MakeOptions(output_dir=folder, show=SHOW, publish=PublishOptions(to_feed=True, keep=1)))
    remaining = published_episodes(folder)
    assert [e.title for e in remaining] == ["Second story"]
    assert not list((folder / "episodes").glob(f"{before.stem}.*"))
    assert len(feedparser.parse(feed_bytes(folder)).entries) == 1


def test_lint_passes_a_good_folder_and_names_problems(podcast, tmp_path):
    assert lint(podcast).problems == []
    broken = tmp_path / "broken"
    shutil.copytree(podcast, broken)
    episode = published_episodes(broken)[0]
    with open(broken / "episodes" / f"{episode.stem}.mp3", "ab") as mp3:
        mp3.write(b"\0" * 10)
    text = (broken / "feed.xml").read_text()
    guids = re.findall(r"<guid[^>]*>([^<]+)</guid>", text)
    (broken / "feed.xml").write_text(
        text.replace(guids[1], guids[0]).replace("<itunes:author>Jane Doe</itunes:author>", "")
    )
    Image.new("RGBA", (1000, 800)).save(broken / "cover.png")
    problems = lint(broken).problems
    assert any("enclosure length" in p and "but the file has" in p for p in problems)
    assert any("is used twice" in p for p in problems)
    assert any("missing <itunes:author>" in p for p in problems)
    assert any("artwork: 1000x800" in p for p in problems) and any("colour mode RGBA" in p for p in problems)
    result = runner().invoke(main, ["feed", "lint", "--dir", str(broken)])
    assert result.exit_code == 1 and len(result.stdout.splitlines()) == len(problems)


def serve_folder(folder: Path, ranges: bool, served_at: list):
    """A plain web host for the folder; the feed's addresses are its own (served_at[0]), as
    `briefing serve` or a push with --base-url makes them."""

    def handler(method, path, body, headers):
        target = folder / path.lstrip("/").split("?")[0]
        if not target.is_file():
            return Reply(404, b"")
        data = target.read_bytes()
        if target.name == "feed.xml":
            data = rebase_feed(data, served_at[0])
        typed = {"Content-Type": content_type(target.name) or "application/octet-stream"}
        wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", headers.get("Range") or "")
        if ranges and wanted:
            start, end = int(wanted.group(1)), int(wanted.group(2) or len(data) - 1)
            return Reply(
                206,
                data[start : end + 1],
                {"Content-Range": f"bytes {start}-{end}/{len(data)}", "Accept-Ranges": "bytes", **typed},
            )
        return Reply(200, data, {"Accept-Ranges": "bytes", **typed} if ranges else typed)

    return handler


def test_lint_checks_the_feed_as_apps_get_it(podcast, local_server):
    """--url: the feed at that address, and every file it names there (no other host is asked)."""
    address: list = []
    good = local_server(serve_folder(podcast, ranges=True, served_at=address), with_headers=True)
    address.append(good.url)
    assert lint(podcast, good.url).problems == []
    assert lint(podcast, good.url + "/feed.xml").problems == []
    address[0] = good.url + "/moved"  # the feed names files where there are none
    assert all("answered 404" in problem for problem in lint(podcast, good.url).problems)
    plain_address: list = []
    plain = local_server(serve_folder(podcast, ranges=False, served_at=plain_address), with_headers=True)
    plain_address.append(plain.url)
    problems = lint(podcast, plain.url).problems
    assert len(problems) == 2 and all("does not answer byte-range requests" in p for p in problems)
    assert lint(podcast, "http://127.0.0.1:9").problems[0].startswith("host: cannot reach")


def test_feed_commands(podcast, tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(podcast, folder)
    listed = runner().invoke(main, ["feed", "list", "--dir", str(folder)])
    assert listed.exit_code == 0 and len(listed.stdout.splitlines()) == 2
    stem = listed.stdout.splitlines()[-1].split()[0]
    removed = runner().invoke(main, ["feed", "remove", stem, "--dir", str(folder), "--base-url", BASE])
    assert removed.exit_code == 0 and not list((folder / "episodes").glob(f"{stem}.*"))
    assert len(feedparser.parse(feed_bytes(folder)).entries) == 1
    missing = runner().invoke(main, ["feed", "remove", stem, "--dir", str(folder), "--base-url", BASE])
    assert missing.exit_code == 2 and f"no episode '{stem}'" in missing.stderr
    remembered = runner().invoke(main, ["feed", "rebuild", "--dir", str(folder)])  # the feed knows its base URL
    assert remembered.exit_code == 0 and feedparser.parse(feed_bytes(folder)).feed.link == BASE + "/"
    (folder / "feed.xml").unlink()
    rebuilt = runner().invoke(main, ["feed", "rebuild", "--dir", str(folder), "--base-url", BASE])
    assert rebuilt.exit_code == 0 and len(feedparser.parse(feed_bytes(folder)).entries) == 1


def test_user_artwork_is_checked_and_made_rgb(tmp_path):
    source = article(tmp_path, "a.txt", "Story", "One sentence.")
    art = tmp_path / "art.png"
    Image.new("RGBA", (1400, 1400), (200, 30, 30, 128)).save(art)
    folder = tmp_path / "site"
    make(
        [source],
        MakeOptions(output_dir=folder, show=Show(base_url=BASE, artwork=art), publish=PublishOptions(to_feed=True)),
    )
    with Image.open(folder / "cover.png") as cover:
        assert cover.size == (1400, 1400) and cover.mode == "RGB"
    mp3 = next((folder / "episodes").glob("*.mp3"))
    with Image.open(io.BytesIO(ID3(mp3)["APIC:Cover"].data)) as embedded:
        assert embedded.mode == "RGB" and embedded.getpixel((700, 700))[0] > 150  # the user's red, not generated art
    wide = tmp_path / "wide.png"
    Image.new("RGB", (2000, 1400)).save(wide)
    result = runner().invoke(
        main, ["make", source, "--publish", "--base-url", BASE, "--artwork", str(wide), "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 2 and "2000x1400; it must be square" in result.stderr
    assert not (tmp_path / "x").exists()


def test_show_settings_come_from_briefing_toml(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Image.new("RGB", (1500, 1500), "navy").save(tmp_path / "art.png")
    (tmp_path / "briefing.toml").write_text(
        f'[show]\ntitle = "Toml Desk"\nauthor = "Ann"\nowner_email = "ann@example.org"\n'
        f'base_url = "{BASE}"\nartwork = "art.png"\ncategory = "News/Daily News"\n'
        f"explicit = true\nkeep = 5\n"
    )
    source = article(tmp_path, "a.txt", "Story", "One sentence.")
    result = runner().invoke(main, ["make", source, "--publish", "-o", "site", "-q"])
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "site" / "feed.xml").read_text()
    assert "<title>Toml Desk</title>" in text and '<itunes:category text="Daily News"/>' in text
    assert "<itunes:explicit>true</itunes:explicit>" in text
    assert lint(tmp_path / "site").problems == []


@pytest.mark.parametrize("keep", [None, 1])
def test_two_publishers_at_once_both_land_in_the_feed(tmp_path, keep):
    """Both land (with --keep 1, the newer stays): pruning decides what is newest under the lock."""
    import subprocess
    import sys

    folder = tmp_path / "site"
    (tmp_path / "briefing.toml").write_text(f'[show]\nowner_email = "jane@example.org"\nbase_url = "{BASE}"\n')
    sources = [
        article(tmp_path, f"{name}.txt", f"Story {name}", f"The {name} story has one sentence.")
        for name in ("one", "two")
    ]
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "briefing",
                "make",
                source,
                "--publish",
                "-o",
                str(folder),
                "-q",
                "--cache-dir",
                str(tmp_path / f"cache-{n}"),
                *(["--keep", str(keep)] if keep else []),
            ],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n, source in enumerate(sources)
    ]
    assert [finished(run) for run in runs] == [0, 0]
    titles = {entry.title for entry in feedparser.parse(feed_bytes(folder)).entries}
    assert titles == {"Story one", "Story two"} if keep is None else len(titles) == 1
    assert len(published_episodes(folder)) == len(titles)
    assert lint(folder).problems == []


@pytest.mark.parametrize("damage", [b"{not json", b'{"title": null}', b"[1, 2]", None])
def test_a_damaged_record_is_reported_and_never_blocks_the_feed(podcast, tmp_path, damage):
    folder = tmp_path / "site"
    shutil.copytree(podcast, folder)
    first, second = published_episodes(folder)
    record = folder / "episodes" / f"{second.stem}.json"
    if damage is None:  # a record that parses, with a title that is not text
        damage = json.dumps({**json.loads(record.read_text()), "title": None, "duration": "long"}).encode()
    record.write_bytes(damage)
    report = lint(folder)
    assert any(f"damaged episode record {record.name}" in problem for problem in report.problems), report.problems
    # made again (by `feed rebuild`, or the next publish) from its audio, side files and the feed that listed it
    rebuilt = runner().invoke(main, ["feed", "rebuild", "--dir", str(folder)])
    assert rebuilt.exit_code == 0 and f"the record of {second.stem} was damaged: made again" in rebuilt.stderr
    restored = next(episode for episode in published_episodes(folder) if episode.stem == second.stem)
    assert restored.guid == second.guid and restored.published == second.published  # the same item to the apps
    assert restored.title == second.title and restored.record.chapters == second.record.chapters
    assert not any("damaged" in problem for problem in lint(folder).problems)
    record.write_bytes(b"{damaged again")
    source = article(tmp_path, "d.txt", "A later story", "It was published after the damage.")
    published = runner().invoke(main, ["make", source, "--publish", "-o", str(folder), "--base-url", BASE])
    assert published.exit_code == 0 and f"the record of {second.stem} was damaged" in published.stderr
    titles = {entry.title for entry in feedparser.parse(feed_bytes(folder)).entries}
    assert titles == {first.title, second.title, "A later story"}


def test_two_stories_with_one_headline_on_one_day_are_two_episodes(tmp_path):
    """The second no longer replaces the first: an episode is its source (its address, or what a
    text says), so another source under the same headline gets its own name and feed item, and the
    same source published again replaces its own episode."""
    folder = tmp_path / "site"
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Live updates\n\nThe council met on Monday and agreed the budget.")
    second.write_text("Live updates\n\nFloods closed the coast road on Tuesday morning.")
    options = MakeOptions(output_dir=folder, show=SHOW, publish=PublishOptions(to_feed=True))
    one = make([str(first)], options)
    two = make([str(second)], options)
    assert Path(one.audio).name != Path(two.audio).name and Path(two.audio).stem.endswith("live-updates-2")
    assert sorted(episode.stem for episode in published_episodes(folder)) == sorted(
        [Path(one.audio).stem, Path(two.audio).stem]
    )
    guid = {episode.stem: episode.guid for episode in published_episodes(folder)}
    again = make([str(first)], options)  # the same source: its own episode again
    assert again.audio == one.audio and len(published_episodes(folder)) == 2
    assert {episode.stem: episode.guid for episode in published_episodes(folder)} == guid
    assert len(feedparser.parse(feed_bytes(folder)).entries) == 2
