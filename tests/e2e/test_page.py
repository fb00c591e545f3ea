"""The web page in headless Chromium (Debian's, driven by Playwright) at a phone's viewport,
against `briefing serve` on a free local port."""

import io
import json
import re
import shutil
from pathlib import Path

import pytest
import requests

from briefing import MakeOptions, make
from briefing.model import Show
from briefing.options import PublishOptions
from briefing.publish.podcast import published_episodes
from e2e.test_serve import Served

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (scripts/test installs it)"
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("page")
    first = work / "a.txt"
    first.write_text(
        "Drones over Sabratha\n\nItalian officials confirmed the drones. They fly at night from Sicily.\n\n"
        "Critics in parliament asked for a vote."
    )
    second = work / "b.txt"
    second.write_text("Oil exports resume\n\nTankers loaded at Ras Lanuf on Monday. Exports will rise this month.")
    folder = work / "site"
    show = Show(title="Morning Desk", base_url="https://pods.example.org/briefing")
    make([str(first)], MakeOptions(output_dir=folder, show=show, publish=PublishOptions(to_feed=True)))
    make([str(second)], MakeOptions(output_dir=folder, show=show, publish=PublishOptions(to_feed=True)))
    return folder


@pytest.fixture(scope="module")
def server(site):
    served = Served(site)
    yield served
    served.stop()


@pytest.fixture
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        # bypass_csp: Playwright's wait_for_function evaluates a string, which the page's policy forbids
        # its own scripts (test_the_page_runs_under_its_content_security_policy checks the page under it)
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, bypass_csp=True
        )
        page = context.new_page()
        page.requests = []
        page.on("request", lambda request: page.requests.append(request.url))
        page.goto(server.url + "/")
        yield page
        browser.close()


def test_lists_the_episodes_newest_first(page, site):
    titles = page.locator(".episode h2").all_inner_texts()
    assert (
        titles
        == [episode.title for episode in published_episodes(site)]
        == ["Oil exports resume", "Drones over Sabratha"]
    )
    assert page.locator("a.feed-link").get_attribute("href") == "feed.xml"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d · 0:\d\d", page.locator(".episode").first.locator(".meta").inner_text())


def test_durations_are_shown_as_the_feed_rounds_them(page, site):
    import feedparser

    feed = feedparser.parse((site / "feed.xml").read_bytes())
    shown = [meta.split(" · ")[1] for meta in page.locator(".episode .meta").all_inner_texts()]
    in_feed = [entry.itunes_duration for entry in feed.entries]  # HH:MM:SS
    assert shown == [f"{int(d[3:5])}:{d[6:8]}" for d in in_feed]


def test_one_tap_subscribe_links_and_the_feed_qr_code(page, server):
    import zxingcpp
    from PIL import Image

    bare = f"127.0.0.1:{server.port}/feed.xml"
    links = {link.get_attribute("data-app"): link.get_attribute("href") for link in page.locator("[data-app]").all()}
    assert links == {
        "apple": f"podcast://{bare}",
        "pocketcasts": f"pktc://subscribe/{bare}",
        "overcast": f"overcast://x-callback-url/add?url=http%3A%2F%2F{bare.replace(':', '%3A').replace('/', '%2F')}",
        "antennapod": f"antennapod-subscribe://{bare}",
    }
    qr = page.locator("img.feed-qr")
    page.wait_for_function("document.querySelector('img.feed-qr').naturalWidth > 0", timeout=10000)
    shot = Image.open(io.BytesIO(qr.screenshot()))
    assert [result.text for result in zxingcpp.read_barcodes(shot)] == [f"http://{bare}"]


def test_tap_targets_are_44_pixels(page):
    page.locator(".episode").first.locator("summary", has_text="Transcript").tap()
    targets = "header a, header button, .episode button, .episode select, summary"
    small = page.evaluate(f"""Array.from(document.querySelectorAll('{targets}'))
        .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
        .map((el) => el.textContent.trim() + ' ' + el.getBoundingClientRect().height)""")
    assert small == []


def test_another_origin_can_read_the_transcript(page, server, site, local_server):
    from conftest import Reply

    other = local_server(
        lambda method, path, body: Reply(200, b"<!doctype html><title>player</title>", {"Content-Type": "text/html"})
    )
    stem = published_episodes(site)[0].stem
    page.goto(other.url + "/")
    text = page.evaluate(f"fetch('{server.url}/episodes/{stem}.vtt').then((r) => r.text())")
    assert text.startswith("WEBVTT")
    chapters = page.evaluate(f"fetch('{server.url}/episodes/{stem}.chapters.json').then((r) => r.json())")
    assert chapters["chapters"][0]["title"] == "Introduction"


def test_a_saved_episode_plays_offline(page, site):
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # installed: the page and its files are kept
    keep = page.locator(".episode").first.locator(".offline")
    keep.tap()
    page.wait_for_selector(".episode .unsave:not([hidden])", timeout=15000)
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    page.context.set_offline(True)
    try:
        page.reload()
        page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=15000)
        duration = page.evaluate("document.querySelector('audio').duration")
    finally:
        page.context.set_offline(False)
    record = published_episodes(site)[0].record
    assert duration == pytest.approx(record.duration, rel=0.01)


def test_audio_loads_with_the_right_duration(page, site):
    page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=15000)
    duration = page.evaluate("document.querySelector('audio').duration")
    record = json.loads((site / "episodes" / f"{published_episodes(site)[0].stem}.json").read_text())
    assert duration == pytest.approx(record["duration"], rel=0.01)


def test_tapping_a_chapter_seeks_to_its_start(page, site):
    page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=15000)
    chapter = page.locator(".episode").first.locator(".chapters button").nth(1)
    start = float(chapter.get_attribute("data-seek"))
    assert start > 1
    chapter.tap()
    page.wait_for_function(f"Math.abs(document.querySelector('audio').currentTime - {start}) < 0.5", timeout=10000)


def test_speed_control_and_skips(page):
    page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=15000)
    episode = page.locator(".episode").first
    episode.locator(".speed").select_option("1.5")
    assert page.evaluate("document.querySelector('audio').playbackRate") == 1.5
    episode.locator(".speed").select_option("0.8")
    assert page.evaluate("document.querySelector('audio').playbackRate") == 0.8
    episode.get_by_role("button", name="Forward 15 seconds").tap()
    page.wait_for_function("document.querySelector('audio').currentTime >= 14.9", timeout=5000)
    episode.get_by_role("button", name="Back 15 seconds").tap()
    page.wait_for_function("document.querySelector('audio').currentTime < 0.1", timeout=5000)


def test_transcript_follows_and_seeks(page, tmp_path):
    page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=15000)
    episode = page.locator(".episode").first
    episode.locator("summary", has_text="Transcript").tap()
    lines = episode.locator(".transcript button")
    target = lines.nth(2)
    start, end = float(target.get_attribute("data-seek")), float(target.get_attribute("data-end"))
    page.evaluate(f"document.querySelector('audio').currentTime = {(start + end) / 2}")
    page.wait_for_function("document.querySelector('.transcript .current') !== null", timeout=5000)
    assert episode.locator(".transcript .current").inner_text() == target.inner_text()
    pause = (end + float(lines.nth(3).get_attribute("data-seek"))) / 2  # between this sentence and the next
    page.evaluate(f"document.querySelector('audio').currentTime = {pause}")
    page.wait_for_function(f"Math.abs(document.querySelector('audio').currentTime - {pause}) < 0.05", timeout=5000)
    page.wait_for_function("document.querySelector('audio').seeking === false", timeout=5000)
    assert episode.locator(".transcript .current").inner_text() == target.inner_text()  # still lit through the pause
    assert episode.locator(".transcript .current").get_attribute("aria-current") == "true"
    lines.nth(1).tap()
    first_start = float(lines.nth(1).get_attribute("data-seek"))
    page.wait_for_function(f"Math.abs(document.querySelector('audio').currentTime - {first_start}) < 0.5", timeout=5000)
    page.evaluate("document.querySelector('audio').pause()")
    page.screenshot(path=str(tmp_path / "phone.png"))
    assert (tmp_path / "phone.png").stat().st_size > 10_000


def test_no_outside_requests_and_a_web_app(page, server):
    page.wait_for_load_state("networkidle")
    assert page.requests and all(url.startswith(server.url) for url in page.requests), page.requests
    manifest = page.evaluate("fetch('manifest.webmanifest').then(r => r.json())")
    assert manifest["display"] == "standalone" and {icon["sizes"] for icon in manifest["icons"]} == {
        "192x192",
        "512x512",
    }
    assert page.evaluate("'mediaSession' in navigator")


def test_media_session_metadata_on_play(page):
    page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=15000)
    page.evaluate("document.querySelector('audio').play()")
    page.wait_for_function("navigator.mediaSession.metadata !== null", timeout=5000)
    metadata = page.evaluate(
        "({title: navigator.mediaSession.metadata.title, artist: navigator.mediaSession.metadata.artist,"
        " artwork: navigator.mediaSession.metadata.artwork.length})"
    )
    assert metadata == {"title": "Oil exports resume", "artist": "Morning Desk", "artwork": 2}


def test_controls_are_labelled_and_keyboard_operable(page):
    unlabelled = page.evaluate("""Array.from(document.querySelectorAll('button, select, audio')).filter((el) =>
        !(el.getAttribute('aria-label') || el.textContent.trim() || el.closest('label'))).length""")
    assert unlabelled == 0
    page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=15000)
    page.locator(".episode").first.get_by_role("button", name="Forward 15 seconds").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('audio').currentTime >= 14.9", timeout=5000)


def test_the_page_runs_under_its_content_security_policy(server):
    """The policy every answer carries allows the page's own files alone; nothing on it is refused,
    and its script runs (the speed control works)."""
    from playwright.sync_api import sync_playwright

    headers = requests.get(server.url + "/", timeout=10).headers
    assert "default-src 'self'" in headers["Content-Security-Policy"] and headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        refused = []
        page.on("console", lambda message: refused.append(message.text) if "Content Security" in message.text else None)
        page.goto(server.url + "/")
        page.locator(".episode").first.locator(".speed").select_option("1.5")
        assert page.evaluate("document.querySelector('audio').playbackRate") == 1.5
        browser.close()
    assert refused == []


def test_axe_finds_nothing_and_the_newest_player_is_on_the_first_screen(page):
    """axe-core (npm) at a phone's size and a desktop's, with episodes, chapters and the feed's QR
    code; on the phone, the newest episode's player shows without scrolling."""
    from e2e.test_service import AXE, axe_violations

    if not AXE.is_file():
        pytest.skip("axe-core (npm) is not installed (scripts/test installs it)")
    box = page.locator("main .episode audio").first.bounding_box()
    assert box["y"] + box["height"] <= 844, box
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 800})
    assert axe_violations(page) == []
