"""`briefing serve` as an origin phones trust: HTTPS with a test CA's certificate (trustme), checked by
curl, a Python client and Chromium (a secure context: the service worker and the share target
work); a reverse proxy's forwarded scheme and host from trusted addresses only; private feeds per
listener, revoked at once."""

from __future__ import annotations

import base64
import hashlib
import http.client
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from conftest import runner
from lxml import etree

from briefing import MakeOptions, make
from briefing.cli import main
from briefing.model import Show
from briefing.options import PublishOptions
from e2e.test_page import ARGS, CHROMIUM
from e2e.test_serve import Served

trustme = pytest.importorskip("trustme")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A published folder with no base URL: its addresses follow the listener's."""
    work = tmp_path_factory.mktemp("https")
    source = work / "a.txt"
    source.write_text("Drones over Sabratha\n\nItalian officials confirmed the drones. They fly at night.")
    folder = work / "site"
    make([str(source)], MakeOptions(output_dir=folder, show=Show(title="Desk"), publish=PublishOptions(to_feed=True)))
    return folder


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """(CA file, certificate chain file, key file, the certificate's SPKI hash) for 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1", "localhost")
    authority.cert_pem.write_to_path(str(folder / "ca.pem"))
    with open(folder / "chain.pem", "wb") as chain:
        for pem in issued.cert_chain_pems:
            chain.write(pem.bytes())
    issued.private_key_pem.write_to_path(str(folder / "key.pem"))
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    leaf = x509.load_pem_x509_certificate(issued.cert_chain_pems[0].bytes())
    spki = leaf.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return folder / "ca.pem", folder / "chain.pem", folder / "key.pem", base64.b64encode(hashlib.sha256(spki).digest())


@pytest.fixture(scope="module")
def secure(site, certificate):
    ca, chain, key, _ = certificate
    served = Served(site, "--tls-cert", str(chain), "--tls-key", str(key))
    served.url = f"https://127.0.0.1:{served.port}"
    yield served
    served.stop()


def as_proxied(port: int, path: str, headers: dict) -> bytes:
    """GET path with exactly these headers (Host among them), as a reverse proxy sends it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    body = connection.getresponse().read()
    connection.close()
    return body


def enclosures(document: bytes) -> list[str]:
    return [element.get("url") for element in etree.fromstring(document).iter("enclosure")]


def test_https_is_verified_by_curl_and_python_and_the_feed_names_https(secure, certificate):
    ca = certificate[0]
    if shutil.which("curl"):
        fetched = subprocess.run(
            ["curl", "--silent", "--show-error", "--fail", "--cacert", str(ca), f"{secure.url}/feed.xml"],
            capture_output=True,
            timeout=30,
        )
        assert fetched.returncode == 0, fetched.stderr.decode()
        assert enclosures(fetched.stdout)[0].startswith(f"{secure.url}/episodes/")
    feed = requests.get(f"{secure.url}/feed.xml", verify=str(ca), timeout=10)
    audio = enclosures(feed.content)[0]
    assert audio.startswith("https://127.0.0.1:")
    ranged = requests.get(audio, headers={"Range": "bytes=10-19"}, verify=str(ca), timeout=10)
    assert ranged.status_code == 206 and len(ranged.content) == 10
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{secure.url}/feed.xml", timeout=10)  # a client that does not trust the CA refuses it


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (scripts/test installs it)")
def test_chromium_trusting_the_certificate_gets_a_secure_context_with_the_service_worker(secure, certificate):
    from playwright.sync_api import sync_playwright

    spki = certificate[3].decode()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*ARGS, f"--ignore-certificate-errors-spki-list={spki}"]
        )
        page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        page.goto(secure.url + "/")
        assert page.evaluate("window.isSecureContext") is True
        scope = page.evaluate(
            "navigator.serviceWorker.ready.then((registration) => registration.active && registration.scope)"
        )
        assert scope == secure.url + "/"
        manifest = page.evaluate("fetch('manifest.webmanifest').then((r) => r.json())")
        assert manifest["share_target"]["params"]["url"] == "url"
        browser.close()


def test_a_trusted_proxy_says_the_scheme_and_host_and_an_untrusted_one_does_not(site):
    """Behind Caddy on the same machine, the feed's addresses are the public https ones; the same
    headers from an address not trusted change nothing (no name is looked up: only headers)."""
    forwarded = {"X-Forwarded-Proto": "https", "Host": "pods.example.org"}
    served = Served(site)
    try:
        assert enclosures(as_proxied(served.port, "/feed.xml", forwarded))[0].startswith(
            "https://pods.example.org/episodes/"
        )
    finally:
        served.stop()
    untrusting = Served(site, "--trusted-proxy", "192.0.2.1")
    try:
        assert enclosures(as_proxied(untrusting.port, "/feed.xml", forwarded))[0].startswith(
            f"http://127.0.0.1:{untrusting.port}/episodes/"
        )
    finally:
        untrusting.stop()


def test_listeners_have_private_feeds_and_a_revoked_one_stops_at_once(site, tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(site, folder)
    served = Served(folder)
    try:
        assert served.raw("GET", "/feed.xml").status == 200  # no listeners yet: the public feed
        added = runner().invoke(main, ["feed", "listener", "add", "Ann", str(folder)])
        assert added.exit_code == 0, added.stderr
        token = added.stdout.strip().split("/p/")[1].split("/")[0]
        for path in ("/feed.xml", "/", "/index.html", "/episodes/", "/p/wrong-token/feed.xml"):
            assert served.raw("GET", path).status == 404, path
        feed = served.raw("GET", f"/p/{token}/feed.xml")
        assert feed.status == 200
        audio = enclosures(feed.body)[0]
        assert audio.startswith(f"http://127.0.0.1:{served.port}/p/{token}/episodes/")
        assert requests.get(audio, headers={"Range": "bytes=0-9"}, timeout=10).status_code == 206
        assert served.raw("GET", f"/p/{token}/").status == 200  # the page, under the same path
        listed = runner().invoke(main, ["feed", "listener", "list", str(folder)])
        assert listed.stdout.startswith("Ann\t") and token in listed.stdout
        revoked = runner().invoke(main, ["feed", "listener", "revoke", "Ann", str(folder)])
        assert revoked.exit_code == 0, revoked.stderr
        assert served.raw("GET", f"/p/{token}/feed.xml").status == 404  # the next request, no restart
    finally:
        served.stop()
    assert token not in served.process.stderr.read() + served.process.stdout.read()  # never logged


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--tls-cert", "cert.pem"], "needs both --tls-cert and --tls-key"),
        (["--tls-cert", "missing.pem", "--tls-key", "missing.pem"], "no such file"),
    ],
)
def test_bad_tls_settings_are_one_line(site, arguments, expected, tmp_path):
    (tmp_path / "cert.pem").write_text("x")
    result = runner().invoke(
        main, ["serve", str(site), *[str(tmp_path / a) if a.endswith(".pem") else a for a in arguments]]
    )
    assert result.exit_code == 2 and expected in result.stderr and result.stderr.count("\n") == 1


def test_serving_on_loopback_says_who_cannot_reach_it(site):
    served = Served(site)
    served.stop()
    assert "this machine's own" in served.process.stderr.read()
