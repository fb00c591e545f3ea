"""`briefing feed push` to a real S3 API (moto's server on 127.0.0.1) and to a folder: the feed read
back anonymously by a podcast parser, types and caching, only what changed sent again, a push
killed at any moment leaving a feed that names only complete files, private listener feeds, and
one clear line for every destination that cannot be used."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import podcastparser
import pytest
import requests
from conftest import finished, runner
from helpers import copy_episode
from lxml import etree

from briefing import MakeOptions, make
from briefing.cli import main
from briefing.model import Show
from briefing.options import PublishOptions
from briefing.publish.podcast import lint, rebuild
from briefing.publish.push import push

moto_server = pytest.importorskip("moto.server")
boto3 = pytest.importorskip("boto3")

BUCKET = "pods"
NAMESPACES = {"podcast": "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"}


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """A real S3 API on 127.0.0.1 (moto's server), the AWS variables pointing at it, and a client."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    settings = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
        "AWS_CONFIG_FILE": str(tmp_path_factory.mktemp("aws") / "config"),  # never the machine's own
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path_factory.mktemp("aws") / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",  # no credentials looked for at the cloud's link-local address
    }
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET)
    yield client, f"http://{host}:{port}"
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    server.stop()


def public_read(client, prefix: str) -> None:
    """The bucket policy README shows: anyone may read the show's prefix."""
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/{prefix}/*",
    }
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))


def keys(client, prefix: str) -> dict[str, int]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix + "/")
    return {item["Key"][len(prefix) + 1 :]: item["Size"] for page in pages for item in page.get("Contents", ())}


@pytest.fixture(scope="module")
def show_folder(tmp_path_factory):
    """A published podcast of four episodes: one rendered, three more made from its files as other
    days' episodes (the feed is rebuilt from their records, as for any folder)."""
    work = tmp_path_factory.mktemp("show")
    source = work / "story.txt"
    source.write_text("Ras Lanuf reopens\n\nTankers loaded crude at the terminal on Monday, officials said.\n")
    folder = work / "site"
    show = Show(title="Desk", owner_email="desk@example.org")
    make([str(source)], MakeOptions(output_dir=folder, show=show, publish=PublishOptions(to_feed=True)))
    for day in (2, 3, 4):
        copy_episode(folder, f"2026-01-0{day}")
    rebuild(folder, show)
    return folder


def fetched(url: str, timeout: float = 10):
    """An object's answer as an app sees it (its body not read): moto answers an anonymous HEAD with
    403 where S3 lets GetObject's permission cover it, so a GET stands in for it."""
    answer = requests.get(url, timeout=timeout, stream=True)
    answer.close()
    return answer


def feed_names(document: bytes) -> list[str]:
    """Every address the feed names of its own files: enclosures, transcripts, chapters."""
    channel = etree.fromstring(document).find("channel")
    names = [item.find("enclosure").get("url") for item in channel.findall("item")]
    for tag in ("podcast:transcript", "podcast:chapters"):
        names += [element.get("url") for element in channel.iterfind(f"item/{tag}", NAMESPACES)]
    return names


def test_a_pushed_show_is_read_back_anonymously_as_an_app_reads_it(s3, show_folder, tmp_path):
    client, endpoint = s3
    folder = tmp_path / "site"
    shutil.copytree(show_folder, folder)
    public_read(client, "first")
    base = f"{endpoint}/{BUCKET}/first"
    report = push(folder, f"s3://{BUCKET}/first", base)
    assert report.warnings and all("this machine's own" in line for line in report.warnings)  # moto is on loopback
    assert report.sent[-1] == "feed.xml" and report.unchanged == 0  # the feed last
    feed = requests.get(f"{base}/feed.xml", timeout=10)  # no credentials
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("application/rss+xml")
    assert "max-age=60" in feed.headers["Cache-Control"]
    parsed = podcastparser.parse(f"{base}/feed.xml", io.BytesIO(feed.content))
    assert len(parsed["episodes"]) == 4
    enclosure = parsed["episodes"][0]["enclosures"][0]
    assert enclosure["url"].startswith(base + "/episodes/") and enclosure["mime_type"] == "audio/mpeg"
    ranged = requests.get(enclosure["url"], headers={"Range": "bytes=0-99"}, timeout=10)
    assert ranged.status_code == 206 and len(ranged.content) == 100
    assert ranged.headers["Content-Range"] == f"bytes 0-99/{enclosure['file_size']}"
    assert "immutable" in fetched(enclosure["url"], timeout=10).headers["Cache-Control"]
    expected = {".vtt": "text/vtt", ".chapters.json": "application/json+chapters", ".srt": "application/x-subrip"}
    for url in feed_names(feed.content):
        answer = fetched(url, timeout=10)
        assert answer.status_code == 200, url
        for suffix, kind in expected.items():
            if url.endswith(suffix):
                assert answer.headers["Content-Type"].startswith(kind), url
    assert fetched(f"{base}/cover.png", timeout=10).headers["Content-Type"] == "image/png"
    assert fetched(f"{base}/index.html", timeout=10).headers["Content-Type"].startswith("text/html")
    assert not any(name.startswith(".") or "/." in name for name in keys(client, "first"))  # no hidden state
    assert lint(folder, f"{base}/feed.xml").problems == []  # every file the pushed feed names, as apps get it


def test_a_second_push_sends_only_what_changed(s3, show_folder, tmp_path):
    client, endpoint = s3
    folder = tmp_path / "site"
    shutil.copytree(show_folder, folder)
    base = f"{endpoint}/{BUCKET}/second"
    first = push(folder, f"s3://{BUCKET}/second", base)
    again = push(folder, f"s3://{BUCKET}/second", base)
    assert again.sent == [] and again.unchanged == len(first.sent) and again.requests == 1  # one listing
    new = copy_episode(folder, "2026-01-09")
    rebuild(folder, Show(title="Desk", owner_email="desk@example.org"))
    third = push(folder, f"s3://{BUCKET}/second", base)
    episode_files = [key for key in third.sent if key.startswith("episodes/")]
    assert sorted(episode_files) == sorted(f"episodes/{path.name}" for path in (folder / "episodes").glob(f"{new}.*"))
    assert set(third.sent) - set(episode_files) <= {"feed.xml", "index.html"}


def test_an_episode_gone_from_the_feed_is_deleted_after_the_new_feed_is_up(s3, show_folder, tmp_path):
    client, endpoint = s3
    folder = tmp_path / "site"
    shutil.copytree(show_folder, folder)
    base = f"{endpoint}/{BUCKET}/third"
    push(folder, f"s3://{BUCKET}/third", base)
    gone = sorted((folder / "episodes").glob("2026-01-02*.json"))[0].name.removesuffix(".json")
    result = runner().invoke(main, ["feed", "remove", gone, "-d", str(folder), "--base-url", base])
    assert result.exit_code == 0, result.stderr
    report = push(folder, f"s3://{BUCKET}/third", base)
    assert report.deleted and all(key.startswith(f"episodes/{gone}.") for key in report.deleted)
    assert not any(key.startswith(f"episodes/{gone}") for key in keys(client, "third"))


def test_a_push_killed_at_any_moment_leaves_a_feed_naming_only_complete_files(s3, show_folder, tmp_path):
    """kill -9 once each of the first ten objects of a push has arrived; after every kill the
    destination's feed names only files that are there whole; the next push finishes the job."""
    client, endpoint = s3
    folder = tmp_path / "site"
    shutil.copytree(show_folder, folder)
    base = f"{endpoint}/{BUCKET}/killed"
    local = folder / "episodes"
    command = [sys.executable, "-m", "briefing", "feed", "push", str(folder), f"s3://{BUCKET}/killed", "-q"]
    command += ["--base-url", base]
    for moment in range(1, 11):
        for day in (1, 2):  # each round two new episodes to send: a dozen objects
            copy_episode(folder, f"2026-{moment + 1:02d}-{day:02d}")
        rebuild(folder, Show(title="Desk", owner_email="desk@example.org"))
        before = len(keys(client, "killed"))
        process = subprocess.Popen(command, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 120
        while process.poll() is None and len(keys(client, "killed")) < before + moment and time.monotonic() < deadline:
            time.sleep(0.01)  # watching the destination: killed once `moment` new objects are there
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        stored = keys(client, "killed")
        if "feed.xml" in stored:
            document = client.get_object(Bucket=BUCKET, Key="killed/feed.xml")["Body"].read()
            for url in feed_names(document):
                key = url[len(base) + 1 :]
                assert key in stored, f"killed after {moment}: the feed names {key}, not there"
                assert stored[key] == (folder / key).stat().st_size or not (folder / key).exists()
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    assert finished(process) == 0, process.stderr.read().decode()
    stored = keys(client, "killed")
    document = client.get_object(Bucket=BUCKET, Key="killed/feed.xml")["Body"].read()
    assert all(url[len(base) + 1 :] in stored for url in feed_names(document))
    assert {key for key in stored if key.startswith("episodes/")} == {
        f"episodes/{path.name}" for path in local.iterdir() if not path.name.startswith(".")
    }


def test_listeners_get_private_feeds_on_the_destination_and_revoking_deletes_them(s3, show_folder, tmp_path):
    client, endpoint = s3
    folder = tmp_path / "site"
    shutil.copytree(show_folder, folder)
    base = f"{endpoint}/{BUCKET}/private"
    added = runner().invoke(main, ["feed", "listener", "add", "Ann", str(folder), "--base-url", base])
    assert added.exit_code == 0, added.stderr
    address = added.stdout.strip()
    token = address.split("/p/")[1].split("/")[0]
    assert address == f"{base}/p/{token}/feed.xml" and len(token) >= 32
    push(folder, f"s3://{BUCKET}/private", base)
    stored = keys(client, "private")
    assert f"p/{token}/feed.xml" in stored and "feed.xml" not in stored and "index.html" not in stored
    document = client.get_object(Bucket=BUCKET, Key=f"private/p/{token}/feed.xml")["Body"].read()
    assert f"{base}/p/{token}/feed.xml".encode() in document  # its own address
    assert all(url.startswith(base + "/episodes/") and url[len(base) + 1 :] in stored for url in feed_names(document))
    (tmp_path / "briefing.toml").write_text(f'[publish]\nto = "s3://{BUCKET}/private"\n[show]\nbase_url = "{base}"\n')
    revoked = runner().invoke(
        main, ["feed", "listener", "revoke", "Ann", str(folder), "--config", str(tmp_path / "briefing.toml")]
    )
    assert revoked.exit_code == 0, revoked.stderr
    assert not any(key.startswith("p/") for key in keys(client, "private"))


def test_a_feed_apps_cannot_read_is_said_in_one_line(s3, show_folder, tmp_path):
    client, endpoint = s3
    client.delete_bucket_policy(Bucket=BUCKET)
    base = f"{endpoint}/{BUCKET}/closed"
    report = push(show_folder, f"s3://{BUCKET}/closed", base)
    assert any(line.startswith(f"the feed is not readable at {base}/feed.xml (403)") for line in report.warnings)


def test_make_publish_to_a_destination_pushes_after_each_publish(s3, tmp_path):
    client, endpoint = s3
    source = tmp_path / "story.txt"
    source.write_text("Ports reopen\n\nShips docked at Benghazi on Tuesday for the first time this year.\n")
    base = f"{endpoint}/{BUCKET}/made"
    (tmp_path / "briefing.toml").write_text(f'[publish]\nto = "s3://{BUCKET}/made"\n')
    result = runner().invoke(
        main,
        ["make", str(source), "--publish", "-o", str(tmp_path / "site"), "--base-url", base, "-q"]
        + ["--config", str(tmp_path / "briefing.toml")],
    )
    assert result.exit_code == 0, result.stderr
    stored = keys(client, "made")
    assert "feed.xml" in stored and any(key.endswith(".mp3") for key in stored)


@pytest.mark.parametrize(
    ("destination", "variables", "expected"),
    [
        ("s3://no-such-bucket/x", {}, "no bucket 'no-such-bucket'"),
        (f"s3://{BUCKET}/x", {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}, "no credentials for"),
        (f"s3://{BUCKET}/x", {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}, "cannot reach the S3 endpoint"),
        ("ftp://host/x", {}, "no destination for 'ftp://host/x'"),
    ],
)
def test_a_destination_that_cannot_be_used_is_one_line_and_exit_2(
    s3, show_folder, destination, variables, expected, monkeypatch
):
    """(Every address here is on 127.0.0.1: no test looks up a name.)"""
    for name, value in variables.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    client, endpoint = s3
    result = runner().invoke(main, ["feed", "push", str(show_folder), destination, "--base-url", f"{endpoint}/x"])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and expected in result.stderr, result.stderr
    assert "testing" not in result.stderr  # never the credentials


def test_a_remote_destination_needs_the_public_address(s3, show_folder):
    result = runner().invoke(main, ["feed", "push", str(show_folder), f"s3://{BUCKET}/x"])
    assert result.exit_code == 2 and "needs --base-url" in result.stderr


def test_a_folder_is_a_destination_too(show_folder, tmp_path):
    mirror = tmp_path / "mirror"
    result = runner().invoke(
        main, ["feed", "push", str(show_folder), str(mirror), "--base-url", "https://pods.example.org/desk"]
    )
    assert result.exit_code == 0, result.stderr
    assert (mirror / "feed.xml").is_file() and not list(mirror.glob(".*"))
    assert b"https://pods.example.org/desk/episodes/" in (mirror / "feed.xml").read_bytes()
    again = runner().invoke(
        main, ["feed", "push", str(show_folder), str(mirror), "--base-url", "https://pods.example.org/desk"]
    )
    assert again.exit_code == 0 and " 0 files sent" in again.stdout
