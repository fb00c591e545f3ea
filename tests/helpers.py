"""Test parts shared by a module's unit tests (tests/unit) and its end-to-end tests (tests/e2e)."""

import base64
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from conftest import Reply

from briefing.ffmpeg import ffmpeg_exe
from briefing.retry import RetryPolicy
from briefing.tts.gtts import GTTSEngine

# test_bad_input.py
CASES = [
    # (arguments, with {d} the folder and {u} the server, expected part of the message)
    (["{d}/missing.txt"], "no such file"),
    (["{d}/folder"], "is a folder, not an article"),
    (["{d}/empty.txt"], "is empty"),
    (["{d}/blank.txt"], "is empty"),
    (["{d}/image.txt"], "not text"),
    (["{d}/archive.txt"], "not text"),
    (["{d}/huge.txt", "--max-input", "1MB"], "larger than the limit"),
    (["{d}/nobody.html"], "no article text found"),
    (["{d}/boilerplate.txt"], "no article text left after removing boilerplate"),
    (["file:///etc/passwd"], "unsupported URL scheme 'file'"),
    (["ftp://example.org/a.txt"], "unsupported URL scheme 'ftp'"),
    (["data:text/plain,hello"], "unsupported URL scheme 'data'"),
    (["javascript:alert(1)"], "unsupported URL scheme 'javascript'"),
    (["{u}/404"], "HTTP 404"),
    (["{u}/500"], "HTTP 500"),
    (["{u}/slow", "--timeout", "1"], "timed out"),
    (["{u}/loop"], "more than 5 redirects"),
    (["{u}/zip"], "application/zip, not an article"),
    (["{u}/big", "--max-input", "1MB"], "larger than 1048576 bytes"),
    (["{u}/empty"], "no article text found"),
    (["http://127.0.0.1:9/nothing"], "cannot fetch"),
    (["{d}/bad-script.md"], "bad-script.md line 6: unknown mark"),
    (["{d}/bad-front.md"], "bad-front.md line 2: front matter"),
    (["{d}/good.txt", "--engine", "nope"], "unknown engine 'nope'"),
    (["{d}/good.txt", "--voice", "nobody"], "unknown piper voice 'nobody'"),
    (["{d}/good.txt", "--engine", "gtts", "--lang", "xx"], "does not speak language 'xx'"),
    (["{d}/good.txt", "-o", "{d}/a-file/out"], "cannot write to output folder"),
    (["{d}/good.txt", "--music", "{d}/none.mp3"], "no such music file"),
    (["{d}/good.txt", "--music", "{d}/not-music.mp3"], "decoding music file"),
    (["{d}/good.txt", "--lexicon", "{d}/lexicon.toml"], "lexicon"),
    (["{d}/good.txt", "--lexicon", "{d}/none.toml"], "cannot read lexicon"),
    (["{d}/good.txt", "--keep-rule", "nope"], "unknown cleaning rule 'nope'"),
    (["{d}/good.txt", "--drop-rule", "(unclosed"], "bad drop pattern"),
    (["--from-feed", "{d}/missing.rss"], "nothing new to brief"),
    (["{d}/good.txt", "--since", "soon"], "--since takes an age"),
    (["{d}/good.txt", "--cache-max", "lots"], "a size must look like"),
    (["{d}/good.txt", "--publish", "--base-url", "https://x.org", "--artwork", "{d}/wide.png"], "it must be square"),
    (["{d}/voice-number.md"], "voice-number.md line 2: front matter: voice must be text"),
    (["{d}/nul.md"], "nul.md line 5: a NUL character"),
    (["{d}/good.txt", "--lexicon", "{d}/lexicon-table.toml"], "entry 'Haftar' needs a respelling"),
    (["{d}/good.txt", "--lexicon", "{d}/lexicon-empty.toml"], "an entry's word is empty"),
    (["{d}/good.txt", "--publish", "--base-url", "https://x.org", "--artwork", "{d}/huge.png"], "12000 px square"),
    ([], "no sources given"),
]


# test_espeak.py
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


# test_gtts.py
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
        return subprocess.run(
            [
                ffmpeg_exe(),
                "-v",
                "error",
                "-f",
                "s16le",
                "-ar",
                "22050",
                "-ac",
                "1",
                "-i",
                "pipe:0",
                "-ar",
                "24000",
                "-c:a",
                "libmp3lame",
                "-b:a",
                "32k",
                "-f",
                "mp3",
                "pipe:1",
            ],
            input=pcm,
            capture_output=True,
            check=True,
        ).stdout

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


# test_ingest.py
QUICK = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)


ARTICLE_HTML = b"""<!doctype html><html><head><title>Drones over Sabratha | The Daily</title>
<meta property="og:site_name" content="The Daily"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Drones over Sabratha</h1>
<p>Italian officials confirmed on Monday that American drones would be allowed to fly from Sigonella for defensive missions over Libya.</p>
<p>The decision followed weeks of talks between Rome and Washington about the use of Italian air bases for operations against ISIS.</p>
<p>Critics in parliament said the government had not explained the rules of engagement, and demanded a vote before any mission begins.</p>
</article><footer>Subscribe to our newsletter. Copyright 2016.</footer></body></html>"""


# test_piper.py
TEXTS = [
    "Yes.",
    "The council met on Tuesday to discuss the budget for the coming year, and it agreed on most of it.",
    "Rain is expected tonight.",
    "Officials said the talks would resume next week in Geneva, after a pause of almost a month.",
    "That is all.",
]


# test_push.py and scripts/bench.py --push
def copy_episode(folder: Path, date: str) -> str:
    """Another episode from the folder's first: its files under a new stem, its record with a new
    guid and date. Returns the stem."""
    episodes = folder / "episodes"
    original = sorted(path for path in episodes.glob("*.json") if not path.name.endswith(".chapters.json"))[0]
    stem = original.name.removesuffix(".json")
    new = date + stem[10:]
    for path in episodes.glob(f"{stem}.*"):
        shutil.copy(path, episodes / (new + path.name[len(stem) :]))
    record = json.loads((episodes / f"{new}.json").read_text())
    record.update(guid=f"guid-{new}", published=f"{date}T06:00:00+00:00", date=date)
    (episodes / f"{new}.json").write_text(json.dumps(record))
    return new
