"""Write what points at the demo articles: RSS, Atom and JSON feeds, the OPML list, a news sitemap,
and the two non-article pages (a homepage and a section page) in ``site-extras/``."""

from __future__ import annotations

import json
from email.utils import format_datetime
from html import escape
from pathlib import Path
from xml.sax.saxutils import quoteattr

from newsdesk.demo import build_pdf
from newsdesk.demo.corpus import ArticleSpec
from newsdesk.demo.outlets import OUTLETS, SITEMAP_OUTLET, Outlet

ISO = "%Y-%m-%dT%H:%M:%SZ"


def x(text: str) -> str:
    return escape(text, quote=False)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def feed_file(out: Path, outlet: Outlet) -> Path:
    return out / "feeds" / outlet.domain / outlet.feed_path.lstrip("/")


def rss(outlet: Outlet, articles: list[ArticleSpec]) -> str:
    items = []
    for a in articles:
        creator = f"\n      <dc:creator>{x(a.author)}</dc:creator>" if a.author else ""
        items.append(f"""    <item>
      <title>{x(a.title)}</title>
      <link>{x(a.url)}</link>
      <guid isPermaLink="true">{x(a.url)}</guid>
      <pubDate>{format_datetime(a.published, usegmt=True)}</pubDate>{creator}
      <category>{x(a.storyline)}</category>
      <description>{x(a.description)}</description>
    </item>""")
    newest = format_datetime(articles[0].published, usegmt=True)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{x(outlet.name)}</title>
    <link>{x(outlet.home)}</link>
    <description>{x(outlet.tagline)}</description>
    <language>en</language>
    <lastBuildDate>{newest}</lastBuildDate>
    <atom:link href={quoteattr(outlet.feed_url)} rel="self" type="application/rss+xml"/>
{chr(10).join(items)}
  </channel>
</rss>
"""


def _atom_entry(url: str, title: str, published: str, author: str, summary: str) -> str:
    return f"""  <entry>
    <id>{x(url)}</id>
    <title>{x(title)}</title>
    <link rel="alternate" href={quoteattr(url)}/>
    <published>{published}</published>
    <updated>{published}</updated>
    <author><name>{x(author)}</name></author>
    <summary>{x(summary)}</summary>
  </entry>"""


def atom(outlet: Outlet, articles: list[ArticleSpec]) -> str:
    brief = build_pdf.manifest_entry()
    entries = [(a.published.strftime(ISO), _atom_entry(a.url, a.title, a.published.strftime(ISO),
                                                       a.author or outlet.name, a.description)) for a in articles]
    entries.append((brief["published"], _atom_entry(brief["url"], brief["title"], brief["published"],
                                                    brief["author"], brief["description"])))
    entries.sort(reverse=True)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>{x(outlet.home)}</id>
  <title>{x(outlet.name)}: Policy Briefs</title>
  <subtitle>{x(outlet.tagline)}</subtitle>
  <link rel="self" href={quoteattr(outlet.feed_url)}/>
  <link rel="alternate" href={quoteattr(outlet.home)}/>
  <updated>{entries[0][0]}</updated>
{chr(10).join(entry for _, entry in entries)}
</feed>
"""


def json_feed(outlet: Outlet, articles: list[ArticleSpec]) -> str:
    items = []
    for a in articles:
        item: dict[str, object] = {"id": a.url, "url": a.url, "title": a.title, "summary": a.description,
                                   "date_published": a.published.strftime(ISO), "tags": [a.storyline]}
        if a.author:
            item["authors"] = [{"name": a.author}]
        items.append(item)
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": outlet.name, "home_page_url": outlet.home,
            "feed_url": outlet.feed_url, "description": outlet.tagline, "language": "en", "items": items}
    return json.dumps(feed, indent=2, ensure_ascii=False) + "\n"


def opml() -> str:
    lines = [f'    <outline type="rss" text={quoteattr(o.name)} title={quoteattr(o.name)} '
             f'xmlUrl={quoteattr(o.feed_url)} htmlUrl={quoteattr(o.home)}/>' for o in OUTLETS.values()]
    return f"""<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head>
    <title>newsdesk demo outlets</title>
    <dateCreated>Mon, 30 Nov 2026 09:00:00 GMT</dateCreated>
  </head>
  <body>
  <outline text="Veridia desk" title="Veridia desk">
{chr(10).join(lines)}
  </outline>
  </body>
</opml>
"""


def news_sitemap(outlet: Outlet, articles: list[ArticleSpec]) -> str:
    urls = [f"""  <url>
    <loc>{x(a.url)}</loc>
    <lastmod>{a.published.strftime(ISO)}</lastmod>
    <news:news>
      <news:publication><news:name>{x(outlet.name)}</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>{a.published.strftime(ISO)}</news:publication_date>
      <news:title>{x(a.title)}</news:title>
    </news:news>
  </url>""" for a in articles]
    return f"""<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{chr(10).join(urls)}
</urlset>
"""


def _headline_items(articles: list[ArticleSpec]) -> str:
    return "\n".join(
        f'<li class="hl"><a href="{escape(a.url)}">{escape(a.title)}</a> <time datetime="{a.published.strftime(ISO)}">'
        f'{a.published.strftime("%-d %b")}</time><p>{escape(a.description)}</p></li>' for a in articles)


def homepage(outlet: Outlet, articles: list[ArticleSpec]) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{escape(outlet.name)}: latest news</title>
  <link rel="canonical" href="{escape(outlet.home)}">
  <meta property="og:site_name" content="{escape(outlet.name)}">
  <meta property="og:type" content="website">
  <meta name="description" content="{escape(outlet.tagline)}">
  <link rel="alternate" type="{outlet.feed_mime}" title="{escape(outlet.name)}" href="{escape(outlet.feed_url)}">
</head>
<body class="mw home">
<header class="mw-masthead"><a class="mw-logo" href="/">MERIDIAN WIRE</a>
<nav class="mw-nav"><a href="/world">World</a><a href="/business">Business</a><a href="/politics">Politics</a></nav>
</header>
<main class="mw-front"><h1>Latest from the wire</h1>
<ul class="headlines">
{_headline_items(articles)}
</ul></main>
<footer class="mw-footer"><a href="/feed.xml">RSS</a> &copy; 2026 Meridian Wire Ltd.</footer>
</body>
</html>
"""


def section_page(outlet: Outlet, articles: list[ArticleSpec], section: str) -> str:
    url = f"https://{outlet.domain}/topics/{section.lower()}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{section} | {escape(outlet.name)}</title>
  <link rel="canonical" href="{url}">
  <meta property="og:site_name" content="{escape(outlet.name)}">
  <meta property="og:type" content="website">
  <link rel="alternate" type="{outlet.feed_mime}" href="{escape(outlet.feed_url)}">
</head>
<body class="ledger section-page">
<header id="masthead"><a class="wordmark" href="/">The Ledger</a></header>
<main><h1>{section}</h1><p class="intro">All our coverage of the economy, newest first.</p>
<ol class="section-list">
{_headline_items(articles)}
</ol>
<nav class="paging"><a href="/topics/{section.lower()}?page=2">Older stories</a></nav></main>
</body>
</html>
"""


def write_all(out: Path, articles: list[ArticleSpec]) -> None:
    """Feeds for every outlet, the OPML, the Ledger's news sitemap and the two extra pages."""
    newest_first = sorted(articles, key=lambda a: (a.published, a.id), reverse=True)
    writers = {"rss": rss, "atom": atom, "json": json_feed}
    for outlet in OUTLETS.values():
        own = [a for a in newest_first if a.outlet == outlet.domain]
        _write(feed_file(out, outlet), writers[outlet.feed_type](outlet, own))
    _write(out / "feeds.opml", opml())
    ledger = OUTLETS[SITEMAP_OUTLET]
    _write(out / "feeds" / ledger.domain / "sitemap.xml",
           news_sitemap(ledger, [a for a in newest_first if a.outlet == ledger.domain]))
    wire = OUTLETS["meridianwire.example"]
    _write(out / "site-extras" / wire.domain / "index.html",
           homepage(wire, [a for a in newest_first if a.outlet == wire.domain]))
    economy = [a for a in newest_first if a.outlet == ledger.domain
               and a.storyline in {"rate-decision", "chip-export", "port-strike"}]
    _write(out / "site-extras" / ledger.domain / "topics" / "economy.html", section_page(ledger, economy, "Economy"))
