"""The feed lint's rules, each on small feeds that break it and one that keeps it."""

from __future__ import annotations

import pytest
from lxml import etree
from PIL import Image

from briefing.publish import rss_lint
from briefing.publish.rss_lint import LintedFeed

HEAD = (
    '<rss xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    'xmlns:podcast="https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"><channel>'
)
FULL_CHANNEL = (
    "<title>Desk</title><link>https://pods.example.org/desk</link><description>d</description>"
    "<language>en</language><itunes:image href='https://pods.example.org/desk/cover.png'/>"
    "<itunes:category text='News'/><itunes:explicit>false</itunes:explicit><itunes:author>a</itunes:author>"
    "<itunes:owner><itunes:email>a@example.org</itunes:email></itunes:owner><podcast:guid>g</podcast:guid>"
)
ITEM = (
    "<item><title>{title}</title><guid>{guid}</guid><itunes:duration>60</itunes:duration>"
    "<enclosure url='https://pods.example.org/desk/episodes/{name}' length='{length}' type='{kind}'/>"
    "<podcast:transcript url='https://pods.example.org/desk/episodes/{stem}.vtt' type='text/vtt'/></item>"
)


def feed(tmp_path, channel: str = FULL_CHANNEL, items: str = "") -> LintedFeed:
    return LintedFeed(etree.fromstring(f"{HEAD}{channel}{items}</channel></rss>".encode()).find("channel"), tmp_path)


def item(title="One", guid="g1", name="one.mp3", length=3, kind="audio/mpeg") -> str:
    return ITEM.format(title=title, guid=guid, name=name, length=length, kind=kind, stem=name.rsplit(".", 1)[0])


def texts(rule, linted) -> list[str]:
    return [finding.text for finding in rule(linted)]


def test_a_feed_without_a_base_url_is_a_warning_not_a_problem(tmp_path):
    relative = FULL_CHANNEL.replace("https://pods.example.org/desk</link>", "./</link>")
    assert [f.warning for f in rss_lint.base_url_given(feed(tmp_path, relative))] == [True]
    assert texts(rss_lint.base_url_given, feed(tmp_path)) == []


@pytest.mark.parametrize(
    ("missing", "expected"),
    [
        ("<language>en</language>", "channel: missing <language>"),
        ("<podcast:guid>g</podcast:guid>", "channel: missing <podcast:guid>"),
        ("<itunes:email>a@example.org</itunes:email>", "channel: <itunes:owner> has no <itunes:email>"),
    ],
)
def test_channel_tags(tmp_path, missing, expected):
    found = texts(rss_lint.channel_tags, feed(tmp_path, FULL_CHANNEL.replace(missing, "")))
    assert len(found) == 1 and found[0].startswith(expected)
    assert texts(rss_lint.channel_tags, feed(tmp_path)) == []


@pytest.mark.parametrize(
    ("size", "mode", "expected"),
    [
        (None, "RGB", "artwork: https://pods.example.org/desk/cover.png is not a file"),
        ((1400, 1000), "RGB", "artwork: 1400x1000; must be square"),
        ((1000, 1000), "RGB", "artwork: 1000x1000; must be square, 1400-3000 px"),
        ((1400, 1400), "RGBA", "artwork: colour mode RGBA"),
        ((1400, 1400), "RGB", None),
    ],
)
def test_artwork(tmp_path, size, mode, expected):
    if size:
        Image.new(mode, size).save(tmp_path / "cover.png")
    found = texts(rss_lint.artwork, feed(tmp_path))
    assert found == [] if expected is None else found[0].startswith(expected)


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (item(guid=""), ["episode 'One': no <guid>"]),
        (item() + item(title="Two"), ["episode 'Two': guid g1 is used twice"]),
        (item().replace("<itunes:duration>60</itunes:duration>", ""), ["episode 'One': no <itunes:duration>"]),
        (item() + item(title="Two", guid="g2"), []),
    ],
)
def test_episode_identity(tmp_path, items, expected):
    assert texts(rss_lint.episode_identity, feed(tmp_path, items=items)) == expected


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ("<item><title>One</title></item>", "episode 'One': no <enclosure>"),
        (item(name="one.ogg"), "episode 'One': enclosure https://pods.example.org/desk/episodes/one.ogg is not an"),
        (item(kind="audio/mp3"), "episode 'One': enclosure type 'audio/mp3', expected audio/mpeg"),
        (item(length=4), "episode 'One': enclosure length 4 but the file has 3 bytes"),
        (item(name="two.mp3"), "episode 'One': enclosure https://pods.example.org/desk/episodes/two.mp3 is not a"),
        (item(), None),
    ],
)
def test_enclosures(tmp_path, items, expected):
    (tmp_path / "episodes").mkdir()
    (tmp_path / "episodes" / "one.mp3").write_bytes(b"abc")
    found = texts(rss_lint.enclosures, feed(tmp_path, items=items))
    assert found == [] if expected is None else found[0].startswith(expected)


def test_linked_files(tmp_path):
    (tmp_path / "episodes").mkdir()
    assert texts(rss_lint.linked_files, feed(tmp_path, items=item())) == [
        "episode 'One': https://pods.example.org/desk/episodes/one.vtt is not a file in " + str(tmp_path)
    ]
    (tmp_path / "episodes" / "one.vtt").write_text("WEBVTT\n")
    assert texts(rss_lint.linked_files, feed(tmp_path, items=item())) == []


def test_every_rule_has_a_docstring():
    assert all(rule.__doc__ for rule in rss_lint.RULES)
