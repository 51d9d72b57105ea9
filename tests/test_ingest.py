"""End-to-end ingestion through real HTTP on loopback: pages, feeds, copies, failures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import LoopbackServer, RecordedRequest
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.config import Settings
from newsdesk.ingest import Ingestor
from newsdesk.store import Store

BODY = [
    "The harbour authority of Velmora and the dockworkers' union resumed talks on Monday after a "
    "three-week strike that has left more than two hundred ships waiting at anchor off the coast.",
    "Union negotiator Petra Holm said members would consider a revised offer only if it restored the "
    "overtime rates cut last spring, while the authority insisted its budget could not stretch further.",
    "Importers of fresh produce have warned that refrigerated containers are running short, and the "
    "transport ministry said emergency berths at Ostrava Bay would open to food shipments by Thursday.",
    "Economists at the national bank estimate the stoppage is costing the economy about forty million "
    "crowns a day in delayed exports, a figure the union disputes as exaggerated and politically timed.",
]


def page(title: str, paragraphs: list[str], *, published: str, outlet: str, canonical: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!doctype html><html lang="en"><head><title>{title}</title>{link}
<meta property="og:site_name" content="{outlet}"><meta name="author" content="Anna Reyes">
<meta property="article:published_time" content="{published}"></head><body>
<nav><a href="/">Home</a><a href="/world">World</a><a href="/business">Business</a></nav>
<div class="cookie">We use cookies. Accept all</div>
<article><h1>{title}</h1>{body}</article>
<aside><h3>Related articles</h3><ul><li><a href="/x">Budget vote delayed</a></li></ul></aside>
<footer>© {outlet}</footer></body></html>"""


def rss(items: list[tuple[str, str, str]], title: str = "Meridian Wire") -> str:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{date}</pubDate></item>" for t, link, date in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://example.invalid/</link>{entries}</channel></rss>")


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def html_route(server: LoopbackServer, path: str, html: str) -> None:
    server.route(path, headers={"Content-Type": "text/html; charset=utf-8"}, body=html)


def test_page_is_added_once_and_copies_link_to_the_earliest(server: LoopbackServer, store: Store,
                                                             settings: Settings) -> None:
    html_route(server, "/wire/talks", page("Port talks resume", BODY, published="2026-10-05T08:00:00Z",
                                           outlet="Meridian Wire"))
    copy_body = BODY + ["Newsloop will keep following the dispute as talks continue this week."]
    html_route(server, "/loop/talks", page("Velmora port talks back on", copy_body,
                                           published="2026-10-05T11:30:00Z", outlet="Newsloop"))
    with Ingestor(store, settings, analyze=False) as ingestor:
        # the copy arrives first; the original, published earlier, still ends up as the original
        first = ingestor.add([server.url("/loop/talks")])
        second = ingestor.add([server.url("/wire/talks")])
        again = ingestor.add([server.url("/wire/talks"), server.url("/loop/talks")])
    assert [o.action for o in first] == ["added"]
    assert [o.action for o in second] == ["added"]
    assert [o.action for o in again] == ["unchanged", "unchanged"]
    original = store.get_article(second[0].article_id)  # type: ignore[arg-type]
    copy = store.get_article(first[0].article_id)  # type: ignore[arg-type]
    assert original.duplicate_of is None and original.outlet == "Meridian Wire"
    assert copy.duplicate_of == original.id and copy.duplicate_kind == "near"
    assert "cookies" not in original.text and "Related articles" not in original.text
    assert store.count_articles() == 2


def test_feed_is_subscribed_polled_conditionally_and_failures_are_kept(server: LoopbackServer, store: Store,
                                                                         settings: Settings) -> None:
    html_route(server, "/a", page("Port talks resume", BODY, published="2026-10-05T08:00:00Z",
                                  outlet="Meridian Wire"))
    other = ["Ground staff at Velmora's main airport walked out on Tuesday over rosters, cancelling dozens of "
             "morning departures and stranding travellers who had been rebooked from the closed port routes.",
             "The airport operator said it had offered a one-off payment and a review of night shifts, but the "
             "staff council rejected both and called for binding arbitration before any return to work."]
    html_route(server, "/b", page("Airport staff walk out", other, published="2026-10-06T08:00:00Z",
                                  outlet="Meridian Wire"))
    feed_xml = rss([("Port talks resume", server.url("/a"), "Mon, 05 Oct 2026 08:00:00 GMT"),
                    ("Airport staff walk out", server.url("/b"), "Tue, 06 Oct 2026 08:00:00 GMT")])

    def feed_handler(request: RecordedRequest) -> tuple[int, dict[str, str], bytes | str]:
        if request.header("if-none-match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}, feed_xml

    server.route("/feed.xml", handler=feed_handler)
    server.route("/broken.xml", status=500, body=b"oops")
    with Ingestor(store, settings, analyze=False) as ingestor:
        outcomes = ingestor.add([server.url("/feed.xml")])
        assert [o.action for o in outcomes] == ["subscribed", "added", "added"]
        feed = store.list_feeds()[0]
        assert feed.title == "Meridian Wire" and feed.etag == '"v1"' and feed.article_count == 2
        polled = ingestor.poll(force=True)
        assert [o.action for o in polled] == ["unchanged"] and polled[0].detail == "not modified"
        assert server.last_request("/feed.xml").header("if-none-match") == '"v1"'
        store.add_feed(server.url("/broken.xml"))
        polled = ingestor.poll(force=True)
    broken = next(f for f in store.list_feeds() if f.url.endswith("/broken.xml"))
    assert broken.error_count == 1 and "500" in broken.last_error
    assert broken.next_poll is not None and broken.last_status == "error"
    assert store.count_articles() == 2  # nothing lost


#: what once killed ``newsdesk poll`` (a traceback, nothing recorded on the feed, every later poll too)
HOSTILE_FEEDS = {
    "/deep.json": ("application/feed+json",
                   '{"version": "https://jsonfeed.org/version/1.1", "items": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    "/digits.json": ("application/feed+json",
                     '{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": ' + "9" * 5000 + "}]}"),
    "/open-attribute.xml": ("application/atom+xml",
                            '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title>'
                            '\x9b< a="' + "A" * 40_000),
}


def test_a_feed_turned_hostile_is_recorded_and_poll_goes_on(server: LoopbackServer, store: Store,
                                                             settings: Settings) -> None:
    html_route(server, "/a", page("Port talks resume", BODY, published="2026-10-05T08:00:00Z",
                                  outlet="Meridian Wire"))
    good = rss([("Port talks resume", server.url("/a"), "Mon, 05 Oct 2026 08:00:00 GMT")])
    for path in ["/good.xml", *HOSTILE_FEEDS]:
        server.route(path, headers={"Content-Type": "application/rss+xml"}, body=good)
    with Ingestor(store, settings, analyze=False) as ingestor:
        ingestor.add([server.url(p) for p in ["/good.xml", *HOSTILE_FEEDS]])
        assert len(store.list_feeds()) == 4
        for path, (media, body) in HOSTILE_FEEDS.items():  # each subscribed feed now serves hostile input
            server.route(path, headers={"Content-Type": media}, body=body)
        polled = ingestor.poll(force=True)
    by_url = {o.target: o for o in polled}
    assert by_url[server.url("/a")].action == "unchanged"  # the good feed was read on
    feeds = {f.url: f for f in store.list_feeds()}
    for path in HOSTILE_FEEDS:
        assert by_url[server.url(path)].action == "failed", by_url[server.url(path)]
        feed = feeds[server.url(path)]
        assert feed.error_count == 1 and feed.last_error and feed.last_status == "error", feed
        assert "\n" not in feed.last_error
    assert feeds[server.url("/good.xml")].error_count == 0 and feeds[server.url("/good.xml")].last_status != "error"


@pytest.mark.parametrize("link", ["http://[::1", "http://[zz]/", "javascript:alert(1)"])
def test_entries_with_unusable_links_are_reported_and_the_rest_added(server: LoopbackServer, store: Store,
                                                                      settings: Settings, link: str) -> None:
    html_route(server, "/a", page("Port talks resume", BODY, published="2026-10-05T08:00:00Z",
                                  outlet="Meridian Wire"))
    server.route("/mixed.xml", headers={"Content-Type": "application/rss+xml"},
                 body=rss([("Broken", link, "Sun, 04 Oct 2026 08:00:00 GMT"), ("Broken too", link, ""),
                           ("Port talks resume", server.url("/a"), "Mon, 05 Oct 2026 08:00:00 GMT")]))
    with Ingestor(store, settings, analyze=False) as ingestor:
        outcomes = ingestor.add([server.url("/mixed.xml")])
    assert [o.action for o in outcomes] == ["subscribed", "skipped", "added"], outcomes
    skipped = outcomes[1]
    assert skipped.target == server.url("/mixed.xml") and skipped.detail.startswith("2 entries whose link")
    assert link in skipped.detail and "\n" not in skipped.detail
    assert store.count_articles() == 1


def test_sitemap_locations_with_unusable_links_are_reported(server: LoopbackServer, store: Store,
                                                            settings: Settings) -> None:
    html_route(server, "/a", page("Port talks resume", BODY, published="2026-10-05T08:00:00Z",
                                  outlet="Meridian Wire"))
    urlset = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              f'<url><loc>http://[::1</loc></url><url><loc>{server.url("/a")}</loc></url></urlset>')
    server.route("/pages.xml", headers={"Content-Type": "application/xml"}, body=urlset)
    index = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f'<sitemap><loc>http://[zz]/</loc></sitemap><sitemap><loc>{server.url("/pages.xml")}</loc></sitemap>'
             "</sitemapindex>")
    server.route("/index.xml", headers={"Content-Type": "application/xml"}, body=index)
    with Ingestor(store, settings, analyze=False) as ingestor:
        outcomes = ingestor.add([server.url("/index.xml")])
    skipped = [(o.target, o.detail) for o in outcomes if o.action == "skipped"]
    assert skipped == [
        (server.url("/index.xml"), "1 location whose link is not a usable http(s) URL (first: 'http://[zz]/')"),
        (server.url("/pages.xml"), "1 location whose link is not a usable http(s) URL (first: 'http://[::1')")]
    assert [o.action for o in outcomes if o.action != "skipped"] == ["added"]


def test_opml_outlines_with_unusable_links_are_reported(tmp_path: Path, server: LoopbackServer, store: Store,
                                                        settings: Settings) -> None:
    server.route("/feed.xml", headers={"Content-Type": "application/rss+xml"}, body=rss([]))
    opml = tmp_path / "subs.opml"
    opml.write_text(f"""<?xml version="1.0"?><opml version="2.0"><body><outline text="bad" xmlUrl="http://[::1"/>
<outline text="Wire" type="rss" xmlUrl="{server.url('/feed.xml')}"/></body></opml>""", encoding="utf-8")
    with Ingestor(store, settings, analyze=False) as ingestor:
        outcomes = ingestor.add([str(opml)])
    assert [(o.action, o.target) for o in outcomes] == [("skipped", str(opml)), ("subscribed", server.url("/feed.xml"))]
    assert outcomes[0].detail == "1 outline whose link is not a usable http(s) URL (first: 'http://[::1')"


def test_jsonl_and_opml_targets(tmp_path: Path, server: LoopbackServer, store: Store, settings: Settings) -> None:
    records = tmp_path / "export.jsonl"
    records.write_text("\n".join([
        json.dumps({"url": "https://ledger.example/dam", "title": "Dam deal signed", "source": "The Ledger",
                    "published": "2026-10-09T10:00:00Z", "text": " ".join(BODY).replace("harbour", "river")}),
        "{not json",
        json.dumps({"url": "https://ledger.example/rates", "title": "Rates held", "source": "The Ledger",
                    "text": "The central bank kept its main rate at four per cent. " * 8}),
    ]), encoding="utf-8")
    server.route("/feed.xml", headers={"Content-Type": "application/rss+xml"}, body=rss([]))
    opml = tmp_path / "subs.opml"
    opml.write_text(f"""<?xml version="1.0"?><opml version="2.0"><head><title>s</title></head><body>
<outline text="Wire" type="rss" xmlUrl="{server.url('/feed.xml')}"/></body></opml>""", encoding="utf-8")
    with Ingestor(store, settings, analyze=False) as ingestor:
        outcomes = ingestor.add([str(records), str(opml)])
    actions = [o.action for o in outcomes]
    assert actions.count("added") == 2 and actions.count("failed") == 1 and "subscribed" in actions
    failed = next(o for o in outcomes if o.action == "failed")
    assert "line 2" in failed.detail
    assert {a.title for a in store.list_articles()} == {"Dam deal signed", "Rates held"}
    assert store.list_feeds()[0].url.endswith("/feed.xml")


def test_cli_refuses_private_addresses_by_default(server: LoopbackServer, tmp_path: Path) -> None:
    html_route(server, "/a", page("Port talks resume", BODY, published="2026-10-05T08:00:00Z", outlet="W"))
    runner = CliRunner()
    db = tmp_path / "cli.db"
    env = {"NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_CONFIG": str(tmp_path / "none.toml")}
    for url in (server.url("/a"), "http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data",
                "http://[::1]/", "http://localhost:1/"):
        result = runner.invoke(app, ["--db", str(db), "add", url], env=env)
        assert result.exit_code != 0, url
        assert "not allowed" in result.output.lower() or "refus" in result.output.lower() or \
            "private" in result.output.lower() or "loopback" in result.output.lower(), result.output
    assert server.count("/a") == 0
    ok = runner.invoke(app, ["--db", str(db), "--allow-private-addresses", "add", server.url("/a"), "--json",
                             "--no-analyze"], env=env)
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)[0]["action"] == "added"


def test_front_page_subscribes_to_its_feed_and_reads_it(server: LoopbackServer, store: Store,
                                                        settings: Settings) -> None:
    html_route(server, "/a", page("Port talks resume", BODY, published="2026-10-05T08:00:00Z",
                                  outlet="Meridian Wire"))
    server.route("/feed.xml", headers={"Content-Type": "application/rss+xml"},
                 body=rss([("Port talks resume", server.url("/a"), "Mon, 05 Oct 2026 08:00:00 GMT")]))
    html_route(server, "/", f"""<!doctype html><html><head><title>Meridian Wire</title>
<link rel="alternate" type="application/rss+xml" href="{server.url('/feed.xml')}"></head>
<body><nav>World Business</nav><ul><li><a href="/a">Port talks resume</a></li></ul></body></html>""")
    with Ingestor(store, settings, analyze=False) as ingestor:
        outcomes = ingestor.add([server.url("/")])
    actions = [o.action for o in outcomes]
    assert actions[:2] == ["subscribed", "added"], outcomes
    assert [f.url for f in store.list_feeds()] == [server.url("/feed.xml")]
    assert [a.title for a in store.list_articles()] == ["Port talks resume"]
