"""Only web addresses are followed or shown as links: a feed, an OPML list, a redirect or an edited
script cannot make briefing read a local file or put a javascript: link in the page."""

import datetime as dt
import html

import pytest
from conftest import Reply

from briefing.addresses import is_web_address, web_address, web_link
from briefing.errors import BriefingError
from briefing.ingest.feeds import gather
from briefing.ingest.sources import FetchLimits, read_url
from briefing.retry import RetryPolicy
from briefing.script.scriptfile import parse_script

QUICK = FetchLimits(timeout=5, retry=RetryPolicy(attempts=1))


@pytest.mark.parametrize(
    "text, web",
    [
        ("https://example.org/a?b=1", True),
        ("http://127.0.0.1:8000/x", True),
        ("http://[::1]:80/", True),
        ("file:///etc/passwd", False),
        ("/etc/passwd", False),
        ("javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("ftp://example.org/", False),
        ("http://", False),
        ("http://example.org:99999/", False),
        ("http://[::1/", False),
        ("http://example.org:port/", False),
        ("https://exa mple.org/", False),
        ("http://example.org/\x00", False),
        ("", False),
        (None, False),
        ("HTTPS://EXAMPLE.ORG/", True),
    ],
)
def test_web_addresses(text, web):
    assert is_web_address(text) is web
    assert web_link(text) == (text if web else None)


def test_web_address_names_what_is_wrong():
    with pytest.raises(BriefingError, match="a feed listed in OPML 'file:///etc/passwd' is not an http"):
        web_address("file:///etc/passwd", "a feed listed in OPML")


def test_a_feed_cannot_make_briefing_read_local_files(tmp_path, local_server):
    secret = tmp_path / "secret.txt"
    secret.write_text("Private notes\n\nMy bank password is hunter2 and nobody should hear it read aloud.")
    now = dt.datetime.now(dt.UTC)
    items = "".join(
        f"<item><title>{title}</title><link>{html.escape(link)}</link>"
        f"<pubDate>{now:%a, %d %b %Y %H:%M:%S +0000}</pubDate></item>"
        for title, link in (
            ("plain path", str(secret)),
            ("file url", f"file://{secret}"),
            ("bad port", "http://example.org:99999/x"),
            ("ipv6", "http://[::1/x"),
        )
    )
    feed = tmp_path / "feed.rss"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Evil</title>{items}</channel></rss>')
    server = local_server(
        lambda m, p, b: Reply(
            200, f"<opml><body><outline xmlUrl='{secret}'/></body></opml>".encode(), {"Content-Type": "text/xml"}
        )
    )
    gathered = gather([str(feed), server.url + "/list.opml"], limits=QUICK)
    assert gathered.articles == ()
    # Four entries and the feed the remote OPML list names: each a problem line, none read.
    assert len(gathered.problems) == 5 and all("not an http(s) address" in p for p in gathered.problems), (
        gathered.problems
    )


def test_an_opml_list_cannot_name_a_local_feed(tmp_path):
    local_feed = tmp_path / "feed.rss"
    local_feed.write_text('<rss version="2.0"><channel><title>x</title></channel></rss>')
    listing = tmp_path / "list.opml"
    listing.write_text(f'<?xml version="1.0"?><opml version="2.0"><body><outline xmlUrl="{local_feed}"/></body></opml>')
    gathered = gather([str(listing)], limits=QUICK)
    assert gathered.articles == () and "not an http(s) address" in gathered.problems[0]


def test_a_redirect_to_a_local_file_is_refused(local_server):
    server = local_server(lambda m, p, b: Reply(302, b"", {"Location": "file:///etc/passwd"}))
    with pytest.raises(BriefingError, match="not an http\\(s\\) address"):
        read_url(server.url + "/story", QUICK)


def test_a_script_link_must_be_a_web_address():
    script = "+++\ntitle = 'T'\n+++\n# Story\n<!-- url: javascript:alert(document.cookie) -->\nOne paragraph.\n"
    with pytest.raises(BriefingError, match="line 5: a story's url must be an http\\(s\\) address"):
        parse_script(script, "edited.md")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        # every special-purpose IPv4 block, at its start, and a public address beside some
        ("0.0.0.1", False),
        ("10.0.0.1", False),
        ("100.64.0.1", False),
        ("127.0.0.1", False),
        ("169.254.169.254", False),
        ("172.16.0.1", False),
        ("192.0.0.8", False),
        ("192.0.2.1", False),
        ("192.88.99.1", False),
        ("192.168.1.1", False),
        ("198.18.0.1", False),
        ("198.51.100.1", False),
        ("203.0.113.1", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("8.8.8.8", True),
        ("172.32.0.1", True),
        ("100.128.0.1", True),
        # IPv6: special blocks, and every form that carries an IPv4 address, judged by that address
        ("::", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("::a9fe:a9fe", False),  # IPv4-compatible 169.254.169.254
        ("::808:808", True),
        ("64:ff9b::a9fe:a9fe", False),  # NAT64: the cloud metadata address on a NAT64 network
        ("64:ff9b::a00:1", False),
        ("64:ff9b::808:808", True),
        ("64:ff9b:1::808:808", False),  # local-use NAT64
        ("100::1", False),  # discard-only
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo, client 192.0.2.45
        ("2001:0:5ef5:79fd:0:59d:a0e5:ba1", True),  # Teredo, client 95.26.244.94
        ("2001:2::1", False),  # benchmarking
        ("2001:db8::1", False),
        ("2002:a9fe:a9fe::1", False),  # 6to4 of 169.254.169.254
        ("2002:808:808::1", True),
        ("3fff::1", False),  # documentation
        ("5f00::1", False),  # segment routing
        ("fc00::1", False),
        ("fd12:3456::1", False),
        ("fe80::1", False),
        ("fec0::1", False),  # site-local
        ("ff02::1", False),
        ("2606:4700::1111", True),
    ],
)
def test_only_public_addresses_are_fetched_for_others(address, public):
    import ipaddress

    from briefing.addresses import is_public, private_address

    assert is_public(ipaddress.ip_address(address)) is public
    literal = f"[{address}]" if ":" in address else address
    assert (private_address(f"http://{literal}/story") is None) is public
