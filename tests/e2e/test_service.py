"""briefing as a service, on a real server on 127.0.0.1: articles submitted with the token become
episodes in the feed; no token, no entry; private addresses refused; a server killed mid-render
finishes the job once after a restart."""

import json
import os
import re
import signal
import socket
import time
from pathlib import Path

import feedparser
import pytest
import requests
from conftest import Reply, wait_for

from briefing.errors import BriefingError
from briefing.ingest import sources
from briefing.ingest.sources import FetchLimits, fetch_url
from e2e.test_serve import Served

TOKEN = "test-token-123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
STORY = (
    "Drones over Sabratha",
    "Italian officials confirmed the drones on Monday. They fly at night from Sicily, "
    "officials said, and will carry no weapons of their own.",
)


def submit(server, payload, headers=AUTH) -> requests.Response:
    return requests.post(f"{server.url}/api/articles", json=payload, headers=headers, timeout=10)


def until(server, job_id: str, statuses=("published", "failed"), seconds: float = 240) -> dict:
    """The job once its status is one of statuses (polled: the status is what the test observes)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = requests.get(f"{server.url}/api/articles/{job_id}", headers=AUTH, timeout=10).json()
        if job["status"] in statuses:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job['status']} after {seconds} s")


@pytest.fixture
def service(tmp_path):
    served = Served(tmp_path / "site", "--accept-submissions", "--token", TOKEN)
    yield served
    served.stop()


def test_submitted_text_becomes_an_episode_in_the_feed(service, tmp_path):
    answer = submit(service, {"title": STORY[0], "text": STORY[1]})
    assert answer.status_code == 202 and answer.json()["status"] == "queued"
    job = until(service, answer.json()["id"])
    assert job["status"] == "published", job
    feed = feedparser.parse(requests.get(f"{service.url}/feed.xml", timeout=10).content)
    assert [entry.title for entry in feed.entries] == [STORY[0]]
    assert requests.head(f"{service.url}/{job['episode']}", timeout=10).status_code == 200
    listed = requests.get(f"{service.url}/api/articles", headers=AUTH, timeout=10).json()["articles"]
    assert [item["id"] for item in listed] == [job["id"]]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}])
def test_without_the_token_nothing_is_queued(service, headers):
    assert submit(service, {"title": "T", "text": "Some text."}, headers).status_code == 401
    assert requests.get(f"{service.url}/api/articles", headers=headers, timeout=10).status_code == 401
    assert requests.get(f"{service.url}/api/articles", headers=AUTH, timeout=10).json()["articles"] == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://10.0.0.1/story",
        "http://169.254.169.254/latest/meta-data",
        "http://localhost/story",
        "http://[::1]/story",
        "file:///etc/passwd",
    ],
)
def test_private_addresses_are_refused(service, url):
    answer = submit(service, {"url": url})
    assert answer.status_code == 400, answer.text
    assert requests.get(f"{service.url}/api/articles", headers=AUTH, timeout=10).json()["articles"] == []


def test_a_redirect_to_a_private_address_is_not_followed(local_server, monkeypatch):
    server = local_server(lambda method, path, body: Reply(302, b"", {"Location": "http://10.0.0.1/inside"}))
    real = sources.public_address
    # The test's own server stands in for a public site: only its address is let through.
    monkeypatch.setattr(sources, "public_address", lambda url: "127.0.0.1" if url.startswith(server.url) else real(url))
    with pytest.raises(BriefingError, match=r"10\.0\.0\.1 is a private or local address"):
        fetch_url(server.url + "/story", FetchLimits(allow_private=False))


def test_the_connection_goes_to_the_address_checked_not_a_second_lookup(local_server, monkeypatch):
    """A name that answers one address to the check and another to the connection (DNS rebinding)
    cannot slip through: the fetch connects to the checked address, naming the host in Host."""
    seen = []

    def answer(method, path, body, headers):
        seen.append(headers.get("Host"))
        return Reply(
            200, b"<html><body><article><p>The story itself.</p></article></body></html>", {"Content-Type": "text/html"}
        )

    server = local_server(answer, with_headers=True)
    port = server.url.rsplit(":", 1)[1]
    # The check sees this name at the test server's address; no resolver knows the name at all.
    monkeypatch.setattr(sources, "public_address", lambda url: "127.0.0.1")
    fetched = fetch_url(f"http://news.invalid:{port}/story", FetchLimits(allow_private=False))
    assert b"The story itself." in fetched.body and seen == [f"news.invalid:{port}"]


def test_a_url_is_fetched_and_published_when_private_addresses_are_allowed(tmp_path, local_server):
    page = (
        b"<html><head><title>Ras Lanuf reopens</title></head><body><article><h1>Ras Lanuf reopens</h1><p>Tankers "
        b"loaded crude at the terminal on Monday for the first time in two years, officials said.</p><p>The National "
        b"Oil Corporation said exports would rise through the month as repairs continue.</p></article></body></html>"
    )
    site = local_server(lambda method, path, body: Reply(200, page, {"Content-Type": "text/html; charset=utf-8"}))
    served = Served(tmp_path / "site", "--accept-submissions", "--token", TOKEN, "--allow-private")
    try:
        first = submit(served, {"url": site.url + "/oil"}).json()
        again = submit(served, {"url": site.url + "/oil"})
        assert again.json()["id"] == first["id"] or again.json()["status"] == "published"  # one job while it waits
        job = until(served, first["id"])
    finally:
        served.stop()
    assert job["status"] == "published", job
    assert "Ras Lanuf reopens" in (tmp_path / "site" / "feed.xml").read_text()


def test_a_server_killed_mid_render_finishes_the_job_once_after_a_restart(tmp_path):
    folder = tmp_path / "site"
    long_text = " ".join(
        f"Paragraph {n} says that officials in Tripoli met again on Monday to talk about the oil ports, "
        "the drones and the vote in Tobruk."
        for n in range(40)
    )
    served = Served(folder, "--accept-submissions", "--token", TOKEN)
    job_id = submit(served, {"title": "The long story", "text": long_text}).json()["id"]
    until(served, job_id, statuses=("rendering",))
    deadline = time.monotonic() + 120
    while not (job := requests.get(f"{served.url}/api/articles/{job_id}", headers=AUTH, timeout=10).json())["progress"]:
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert re.fullmatch(r"(reading|synthesising \d+/\d+|mastering 0/1)", job["progress"]), (
        job
    )  # how far, while it renders
    served.process.send_signal(signal.SIGKILL)  # kill -9, mid-render
    served.process.wait(timeout=10)
    restarted = Served(folder, "--accept-submissions", "--token", TOKEN)
    try:
        job = until(restarted, job_id)
    finally:
        restarted.stop()
    assert job["status"] == "published", job
    titles = [entry.title for entry in feedparser.parse((folder / "feed.xml").read_bytes()).entries]
    assert titles == ["The long story"]
    records = [p for p in (folder / "episodes").glob("*.json") if not p.name.endswith(".chapters.json")]
    assert len(records) == 1 and json.loads(records[0].read_text())["title"] == "The long story"
    assert not [p for p in folder.rglob(".*.part")]  # the killed run's half-written files were cleared


def test_a_network_address_needs_a_chosen_token(tmp_path):
    import subprocess
    import sys

    env = {key: value for key, value in os.environ.items() if key != "BRIEFING_TOKEN"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "briefing",
            "serve",
            str(tmp_path),
            "--host",
            "0.0.0.0",
            "--port",
            "9",
            "--accept-submissions",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2 and "needs a token you choose" in result.stderr, result.stderr


def test_the_page_signs_in_from_the_qr_code_adds_articles_and_takes_shares(service):
    from e2e.test_page import ARGS, CHROMIUM

    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (scripts/test installs it)")
    from playwright.sync_api import sync_playwright

    manifest = requests.get(f"{service.url}/manifest.webmanifest", timeout=10).json()
    assert manifest["share_target"]["params"] == {"title": "title", "text": "text", "url": "url"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
            ).new_page()
            page.goto(f"{service.url}/#token={TOKEN}")  # what the QR code serve prints opens
            page.wait_for_selector(".add:not([hidden])", timeout=15000)
            assert "token" not in page.url  # taken out of the address bar at once
            assert page.locator(".bookmarklet").get_attribute("href").startswith("javascript:location.href=")
            page.get_by_role("button", name="Add an article").tap()
            page.fill("input[name=title]", STORY[0])
            page.fill("textarea[name=text]", STORY[1])
            page.tap("button[type=submit]")
            page.wait_for_selector(".queue .job.published", timeout=240_000)
            assert page.locator(".queue .job.published").inner_text().startswith(STORY[0])
            page.goto(
                f"{service.url}/?title=Shared&text="
                + requests.utils.quote("Oil exports resume. Tankers loaded at Ras Lanuf on Monday.")
            )
            page.locator(".queue .job").nth(1).wait_for(timeout=15000)
            assert "?" not in page.url
        finally:
            browser.close()
    titles = [
        job["title"] for job in requests.get(f"{service.url}/api/articles", headers=AUTH, timeout=10).json()["articles"]
    ]
    assert titles == ["Shared", STORY[0]]


def test_a_scheduled_briefing_is_made_from_its_feeds(tmp_path, local_server):
    import datetime as dt

    from briefing.config import Schedule
    from briefing.options import CacheOptions, MakeOptions
    from briefing.service.jobs import Jobs
    from briefing.service.renderer import Renderer
    from briefing.service.schedules import queue_due

    page = (
        b"<html><head><title>Ras Lanuf reopens</title></head><body><article><h1>Ras Lanuf reopens</h1><p>Tankers "
        b"loaded crude at the terminal on Monday for the first time in two years, officials said.</p><p>The National "
        b"Oil Corporation said exports would rise through the month as repairs continue.</p></article></body></html>"
    )

    def answer(method, path, body):
        if path == "/feed":
            item = f"<item><title>Ras Lanuf reopens</title><link>{site.url}/story</link></item>"
            return Reply(
                200,
                f"<rss version='2.0'><channel><title>Desk</title>{item}</channel></rss>".encode(),
                {"Content-Type": "application/rss+xml"},
            )
        return Reply(200, page, {"Content-Type": "text/html; charset=utf-8"})

    site = local_server(answer)
    morning = Schedule(at="06:30", timezone="UTC", from_feed=(f"{site.url}/feed",), title="Morning briefing")
    jobs = Jobs(tmp_path / "site")
    renderer = Renderer(
        jobs,
        MakeOptions(output_dir=tmp_path / "site", cache=CacheOptions(folder=tmp_path / "cache")),
        schedules=(morning,),
    )
    queue_due(jobs, (morning,), dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC))
    assert queue_due(jobs, (morning,), dt.datetime(2026, 12, 1, 6, 31, tzinfo=dt.UTC)) == [morning.name]
    job = jobs.claim()
    renderer.render(job)
    done = jobs.get(job.id)
    assert done.status == "published", done.error
    assert "Morning briefing" in (tmp_path / "site" / "feed.xml").read_text()


def test_https_is_checked_against_the_name_while_connecting_to_the_checked_address(tmp_path, monkeypatch):
    import http.server
    import ssl
    import subprocess
    import threading

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    made = subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=news.invalid",
            "-addext",
            "subjectAltName=DNS:news.invalid",
        ],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        pytest.skip(f"openssl cannot make a test certificate: {made.stderr[-200:]}")

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<html><body><article><p>Over TLS.</p></article></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # trust the test certificate, for news.invalid only
        monkeypatch.setattr(sources, "public_address", lambda url: "127.0.0.1")
        port = server.server_address[1]
        fetched = fetch_url(f"https://news.invalid:{port}/story", FetchLimits(allow_private=False))
        assert b"Over TLS." in fetched.body
        # The certificate is checked for the name asked for, not the address connected to.
        with pytest.raises(BriefingError, match="cannot fetch"):
            fetch_url(
                f"https://other.invalid:{port}/story",
                FetchLimits(allow_private=False, retry=sources.RetryPolicy(attempts=1)),
            )
    finally:
        server.shutdown()


def test_requests_the_api_refuses_are_one_json_error_and_lock_no_one_out(service):
    """Deep JSON, long or multi-line titles are 400 with one JSON error; refused requests do not
    count against the rate limit, so a client sending junk locks no one out."""
    deep = b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    answer = requests.post(f"{service.url}/api/articles", data=deep, headers=AUTH, timeout=30)
    assert answer.status_code == 400 and answer.json() == {"error": "the body is nested too deeply"}
    for title in ("x" * 301, "Headline\n\nA paragraph that is not the headline", "one\u2028two"):
        answer = submit(service, {"title": title, "text": "Enough words for a story here."})
        assert answer.status_code == 400 and "one line of at most 300 characters" in answer.json()["error"]
    for _ in range(35):  # more than the limit's 30 a minute
        assert submit(service, {"nonsense": True}).status_code == 400
    accepted = submit(service, {"title": "Still open", "text": "The council met on Monday and agreed the budget."})
    assert accepted.status_code == 202
    assert all(name in accepted.headers for name in ("Content-Security-Policy", "X-Content-Type-Options"))


def test_a_body_that_stalls_after_its_headers_is_cut_off(tmp_path):
    served = Served(tmp_path / "site", "--accept-submissions", "--token", TOKEN, "--client-timeout", "1")
    try:
        connection = socket.create_connection(("127.0.0.1", served.port), timeout=30)
        connection.sendall(
            b"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {TOKEN}\r\nContent-Length: 1000\r\n\r\n".encode()
            + b'{"text": "'
        )
        reply = b""  # the server answers once the body is overdue, then closes: headers and body may come apart
        while chunk := connection.recv(65536):
            reply += chunk
        connection.close()
        assert reply.startswith(b"HTTP/1.1 408") and b"did not arrive within 1 seconds" in reply
    finally:
        served.stop()


@pytest.mark.parametrize(
    ("stop", "code", "line"), [(signal.SIGTERM, 0, "stopped"), (signal.SIGINT, 130, "interrupted")]
)
def test_a_stop_while_rendering_is_clean_and_the_render_resumes_on_the_next_start(tmp_path, stop, code, line):
    """A service manager's stop (SIGTERM) or Ctrl-C while a job renders: the service stops taking
    jobs, closes the queue and leaves within 2 s with one line and 0 or 130, never an abort (ONNX
    Runtime's threads used to run on into the interpreter's shutdown: SIGABRT); the job renders
    again on the next start and is published once."""
    folder = tmp_path / "site"
    text = " ".join(f"Paragraph {n} says that the port reopened on Monday after the storm." for n in range(30))
    served = Served(folder, "--accept-submissions", "--token", TOKEN)
    job_id = submit(served, {"title": "Ports reopen", "text": text}).json()["id"]
    until(served, job_id, statuses=("rendering",))
    served.process.send_signal(stop)
    started = time.monotonic()
    assert served.process.wait(timeout=10) == code
    assert time.monotonic() - started < 2
    errors = served.process.stderr.read()
    assert errors.splitlines()[-1] == f"briefing: {line}" and "terminate called" not in errors
    restarted = Served(folder, "--accept-submissions", "--token", TOKEN)
    try:
        assert until(restarted, job_id)["status"] == "published"
    finally:
        restarted.stop()
    assert [entry.title for entry in feedparser.parse((folder / "feed.xml").read_bytes()).entries] == ["Ports reopen"]


def job_of(server, job_id: str) -> dict | None:
    answer = requests.get(f"{server.url}/api/articles/{job_id}", headers=AUTH, timeout=10)
    return answer.json() if answer.status_code == 200 else None


def test_a_url_job_is_titled_once_read_a_failed_one_retried_and_jobs_deleted(tmp_path, local_server):
    """The queue shows a page's headline while it renders; a failed job is tried again on POST;
    DELETE takes a queued or finished job off the list."""
    answers = {"status": 404}
    page = (
        b"<html><head><title>Ras Lanuf reopens</title></head><body><article><h1>Ras Lanuf reopens</h1><p>Tankers "
        b"loaded crude at the terminal on Monday for the first time in two years, officials said.</p></article>"
        b"</body></html>"
    )
    site = local_server(
        lambda method, path, body: Reply(answers["status"], page, {"Content-Type": "text/html; charset=utf-8"})
    )
    served = Served(tmp_path / "site", "--accept-submissions", "--token", TOKEN, "--allow-private")
    try:
        job_id = submit(served, {"url": site.url + "/oil"}).json()["id"]
        failed = until(served, job_id)
        assert failed["status"] == "failed" and "404" in failed["error"] and failed["title"] is None
        answers["status"] = 200
        assert requests.post(f"{served.url}/api/articles/{job_id}", headers=AUTH, timeout=10).json()["status"] in (
            "queued",
            "rendering",
        )
        titled = wait_for(lambda: (job := job_of(served, job_id)) and job["title"] and job, what="the headline")
        assert titled["title"] == "Ras Lanuf reopens"
        assert until(served, job_id)["status"] == "published"
        deleted = requests.delete(f"{served.url}/api/articles/{job_id}", headers=AUTH, timeout=10)
        assert deleted.status_code == 200 and deleted.json()["status"] == "deleted" and job_of(served, job_id) is None
        assert "Ras Lanuf reopens" in (tmp_path / "site" / "feed.xml").read_text()  # the episode stays
        assert requests.delete(f"{served.url}/api/articles/{job_id}", headers=AUTH, timeout=10).status_code == 404
        assert requests.delete(f"{served.url}/api/articles/{job_id}", timeout=10).status_code == 401
    finally:
        served.stop()


def test_a_rendering_job_is_cancelled_leaving_nothing_and_an_episode_is_deleted(tmp_path):
    """DELETE of a rendering job stops it at its next step: no episode, no file half written, the
    job gone; one queued behind it is taken off the queue; DELETE /api/episodes/STEM removes a
    published episode from the folder and the feed, and names nothing outside it."""
    folder = tmp_path / "site"
    long_text = " ".join(f"Paragraph {n} says that the port reopened on Monday after the storm." for n in range(40))
    served = Served(folder, "--accept-submissions", "--token", TOKEN)
    try:
        short = until(served, submit(served, {"title": STORY[0], "text": STORY[1]}).json()["id"])
        stem = short["episode"].split("/")[-1].rsplit(".", 1)[0]
        rendering = submit(served, {"title": "Ports reopen", "text": long_text}).json()["id"]
        queued = submit(served, {"title": "Oil exports", "text": STORY[1]}).json()["id"]
        until(served, rendering, statuses=("rendering",))
        files_before = sorted(path.name for path in (folder / "episodes").iterdir())
        answer = requests.delete(f"{served.url}/api/articles/{rendering}", headers=AUTH, timeout=10)
        assert answer.status_code == 202 and answer.json()["status"] == "cancelling"
        assert requests.delete(f"{served.url}/api/articles/{queued}", headers=AUTH, timeout=10).json()["status"] == (
            "deleted"
        )
        started = time.monotonic()
        wait_for(lambda: job_of(served, rendering) is None, what="the cancelled job's end")
        print(f"cancelled in {time.monotonic() - started:.2f} s")
        assert sorted(path.name for path in (folder / "episodes").iterdir()) == files_before
        assert not [path for path in folder.rglob("*") if path.name.startswith(".") and ".part" in path.name]
        assert [
            job["id"] for job in requests.get(f"{served.url}/api/articles", headers=AUTH, timeout=10).json()["articles"]
        ] == [short["id"]]
        for bad in ("..", "..%2Ffeed", "%2E%2E", "feed.xml", ".briefing"):  # ".." never reaches the route: 405
            assert requests.delete(f"{served.url}/api/episodes/{bad}", headers=AUTH, timeout=10).status_code in (
                404,
                405,
            )
        assert requests.delete(f"{served.url}/api/episodes/{stem}", timeout=10).status_code == 401
        removed = requests.delete(f"{served.url}/api/episodes/{stem}", headers=AUTH, timeout=10)
        assert removed.status_code == 200 and f"{stem}.json" in removed.json()["removed"]
        assert not list((folder / "episodes").glob(f"{stem}.*")) and STORY[0] not in (folder / "feed.xml").read_text()
        assert (folder / "feed.xml").is_file() and feedparser.parse((folder / "feed.xml").read_bytes()).entries == []
    finally:
        served.stop()


AXE = Path(__file__).resolve().parents[2] / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[str]:
    """axe-core's violations of any impact on the page as it is (rule, impact, the first element)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "; true")  # as the debugger does: the page's own policy stays on
    found = page.evaluate("axe.run(document).then((result) => result.violations)")
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in found]


def cached(page) -> dict:
    """The page's Cache Storage: each cache's URLs."""
    return page.evaluate(
        """caches.keys().then((names) => Promise.all(names.map((name) => caches.open(name)
            .then((cache) => cache.keys()).then((keys) => [name, keys.map((key) => key.url)]))))
            .then(Object.fromEntries)"""
    )


def test_the_page_on_a_phone_signs_in_an_open_tab_and_acts_on_the_queue(service):
    """At 390x844, then 1280x800: a sign-in link into a tab already open; an article added from the
    form's button, its progress and its episode arriving without a reload; a rendering job
    cancelled (nothing written); an episode saved for offline once and removed; the episode deleted
    from the podcast; axe-core finds nothing, signed out, with the queue and with episodes; the
    newest episode's player is on the first screen."""
    from e2e.test_page import ARGS, CHROMIUM

    if not os.path.exists(CHROMIUM) or not AXE.is_file():
        pytest.skip("Debian's chromium or axe-core (npm) is not installed (scripts/test installs them)")
    from playwright.sync_api import sync_playwright

    folder = Path(service.folder)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            page = context.new_page()
            refused = []  # the page runs under its own Content-Security-Policy: nothing may be refused
            page.on("console", lambda message: "Content Security" in message.text and refused.append(message.text))
            page.goto(f"{service.url}/")
            assert axe_violations(page) == []  # signed out, no episode yet
            page.evaluate("window.stillThisPage = true")
            page.evaluate(f"location.hash = '#token={TOKEN}'")  # the QR code's link, into the open tab
            page.wait_for_selector(".add:not([hidden])", timeout=15000)
            assert "token" not in page.url and "Signed in" in page.locator(".signed-in").inner_text()
            assert page.locator(".api-auth").text_content() == f"Bearer {TOKEN}"
            assert page.locator(".api-url").text_content() == f"{service.url}/api/articles"
            page.get_by_role("button", name="Add an article").tap()
            page.fill("input[name=title]", STORY[0])
            page.fill("textarea[name=text]", STORY[1])
            page.tap("button[type=submit]")
            page.wait_for_selector(".queue .job.rendering, .queue .job.published", timeout=120_000)
            assert axe_violations(page) == []  # with the queue
            page.wait_for_selector("main .episode", timeout=240_000)  # the new episode's card, without a reload
            assert page.locator(".queue .job.published a").inner_text() == "Listen"
            long_text = " ".join(f"Paragraph {n} says that the port reopened after the storm." for n in range(40))
            page.fill("input[name=title]", "Ports reopen")
            page.fill("textarea[name=text]", long_text)
            page.tap("button[type=submit]")
            page.locator(".queue .job.rendering").get_by_role("button", name="Cancel").tap(timeout=120_000)
            page.locator(".queue .job.rendering, .queue .job.queued").first.wait_for(state="detached", timeout=60000)
            assert page.evaluate("window.stillThisPage") is True
            assert len(list((folder / "episodes").glob("*.mp3"))) == 1  # the cancelled one wrote nothing
            page.locator(".queue .job.published").get_by_role("button", name="Remove from list").tap()
            page.locator(".queue .job").first.wait_for(state="detached", timeout=30000)
            assert len(list((folder / "episodes").glob("*.mp3"))) == 1  # the job goes, its episode stays

            page.reload()  # no job waits: the form is closed, and the player is on the first screen
            box = page.locator("main .episode audio").first.bounding_box()
            assert box["y"] + box["height"] <= 844, box
            assert axe_violations(page) == []
            page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            page.locator(".episode .offline").first.tap()
            page.wait_for_selector(".episode .unsave:not([hidden])", timeout=30000)
            page.wait_for_selector(".saved-space:has-text('Saved for offline: 1 episode')", timeout=15000)
            saved = cached(page)
            audio = page.evaluate("document.querySelector('audio').src")
            assert saved["briefing-episodes"] == [audio]
            assert not [url for urls in saved.values() for url in urls if "/api/" in url]
            assert audio not in saved.get("briefing-page", [])
            page.locator(".episode .unsave").first.tap()
            page.wait_for_selector(".episode .offline:not([hidden])", timeout=15000)
            assert cached(page)["briefing-episodes"] == []

            page.set_viewport_size({"width": 1280, "height": 800})
            assert axe_violations(page) == []
            page.once("dialog", lambda dialog: dialog.accept())
            page.locator(".episode .delete-episode").first.tap()
            page.locator("main .episode").first.wait_for(state="detached", timeout=30000)
            assert refused == []
        finally:
            browser.close()
    assert not list((folder / "episodes").glob("*.mp3")) and STORY[0] not in (folder / "feed.xml").read_text()


@pytest.mark.parametrize(("host", "shown"), [("192.168.1.5", True), ("0.0.0.0", True), ("127.0.0.1", False)])
def test_the_sign_in_qr_code_is_printed_for_any_address_a_phone_can_reach(tmp_path, host, shown):
    from briefing.options import MakeOptions
    from briefing.service.server import submission_service

    said = []
    with submission_service(tmp_path, host, 8000, MakeOptions(output_dir=tmp_path), token=TOKEN, echo=said.append):
        pass
    assert any(line.startswith("scan to add articles from your phone") for line in said) is shown
    if host == "192.168.1.5":
        assert f"http://192.168.1.5:8000/#token={TOKEN}" in said[-2]


def test_jobs_render_as_many_at_once_as_workers_and_a_job_whose_worker_dies_is_published_once(tmp_path):
    """With two Piper workers, two jobs render at once sharing them; a worker killed mid-render
    (SIGKILL) breaks the renders speaking on it: each is queued again, made again from what the
    cache kept, and published once."""
    from briefing.options import CacheOptions, MakeOptions
    from briefing.service.jobs import Jobs
    from briefing.service.renderer import Renderer
    from briefing.tts import EngineOptions, VoiceOptions
    from briefing.tts.piper import PiperOptions
    from briefing.tts.piper import pool as piper_pool

    folder = tmp_path / "site"
    jobs = Jobs(folder)
    texts = {
        title: " ".join(
            f"{title} was discussed again on day {n}, and officials said more talks would follow." for n in range(6)
        )
        for title in ("Port talks resume", "Oil fields reopen")
    }
    submitted = [jobs.submit(title=title, text=text)[0] for title, text in texts.items()]
    options = MakeOptions(
        output_dir=folder,
        cache=CacheOptions(folder=tmp_path / "cache"),
        voice=VoiceOptions(engines=EngineOptions(piper=PiperOptions(workers=2))),
    )
    renderer = Renderer(jobs, options)
    at_once, killed, reported = [], [], jobs.progressed

    def progressed(job_id: str, progress: str) -> None:
        at_once.append(len(renderer.rendering))
        if progress.startswith("synthesising") and not killed:
            workers = [process for pool in piper_pool._pools.values() for process in (pool._processes or {}).values()]
            killed.append(workers[0].pid)
            os.kill(workers[0].pid, signal.SIGKILL)
        reported(job_id, progress)

    jobs.progressed = progressed
    piper_pool._shut_down_pools()  # earlier tests' pools: the worker killed must be one of these jobs'
    renderer.start()
    assert renderer.at_once() == 2
    try:
        deadline = time.monotonic() + 300
        while any(jobs.get(job.id).status in ("queued", "rendering") for job in submitted):
            assert time.monotonic() < deadline, [jobs.get(job.id) for job in submitted]
            time.sleep(0.2)
    finally:
        renderer.stop()
    done = [jobs.get(job.id) for job in submitted]
    assert [job.status for job in done] == ["published", "published"], [job.error for job in done]
    assert killed and max(at_once) == 2  # a worker was killed; both jobs were rendering together
    assert max(job.attempts for job in done) == 2  # the broken render was made again
    feed = feedparser.parse((folder / "feed.xml").read_bytes())
    assert sorted(entry.title for entry in feed.entries) == sorted(texts)  # each once
    assert len(list((folder / "episodes").glob("*.mp3"))) == 2
    jobs.close()
