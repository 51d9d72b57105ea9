"""HTML templates of the six demo outlets: one page renderer per outlet, each with its own markup.

The boilerplate is deliberately realistic and awkward for extraction: navigation, cookie banners,
newsletter boxes, related lists carrying truncated excerpts of other articles, previous/next links
with other titles, share buttons, comment sections, in-body promos and footers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from string import Template

from newsdesk.demo.corpus import ArticleSpec
from newsdesk.demo.outlets import OUTLETS, Outlet


@dataclass(frozen=True)
class Teaser:
    """A link to another article as boilerplate shows it."""

    title: str
    url: str
    excerpt: str
    date: str


@dataclass
class PageContext:
    article: ArticleSpec
    related: list[Teaser] = field(default_factory=list)
    previous: Teaser | None = None
    next: Teaser | None = None
    promo: Teaser | None = None
    most_read: list[Teaser] = field(default_factory=list)
    source_name: str = ""

    @property
    def outlet(self) -> Outlet:
        return OUTLETS[self.article.outlet]


def e(text: str) -> str:
    """Escape text content (quotes stay readable)."""
    return escape(text, quote=False)


def attr(text: str) -> str:
    """Escape an attribute value."""
    return escape(text, quote=True)


def excerpt(text: str, limit: int = 150) -> str:
    """Cut ``text`` at a word boundary with an ellipsis, as related-article widgets do."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def body_blocks(article: ArticleSpec) -> list[str]:
    blocks = []
    for paragraph in article.paragraphs:
        if paragraph.startswith("## "):
            blocks.append(f"<h2>{e(paragraph[3:])}</h2>")
        elif paragraph.startswith("> "):
            blocks.append(f"<blockquote><p>{e(paragraph[2:])}</p></blockquote>")
        else:
            blocks.append(f"<p>{e(paragraph)}</p>")
    return blocks


def head(ctx: PageContext, extra: str = "") -> str:
    a, o = ctx.article, ctx.outlet
    author = f'\n  <meta name="author" content="{attr(a.author)}">' if a.author else ""
    return f"""<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{e(a.title)} | {e(o.name)}</title>
  <link rel="canonical" href="{attr(a.url)}">
  <meta name="description" content="{attr(a.description)}">{author}
  <meta property="og:site_name" content="{attr(o.name)}">
  <meta property="og:title" content="{attr(a.title)}">
  <meta property="og:type" content="article">
  <meta property="og:url" content="{attr(a.url)}">
  <meta property="og:description" content="{attr(a.description)}">
  <meta property="article:published_time" content="{a.published.strftime('%Y-%m-%dT%H:%M:%SZ')}">
  <link rel="alternate" type="{o.feed_mime}" title="{attr(o.name)}" href="{attr(o.feed_url)}">
  <link rel="stylesheet" href="/static/{o.domain.split('.')[0]}.css">{extra}
</head>"""


def json_ld(ctx: PageContext) -> str:
    a, o = ctx.article, ctx.outlet
    data: dict[str, object] = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
        "datePublished": a.published.strftime("%Y-%m-%dT%H:%M:%SZ"), "mainEntityOfPage": a.url,
        "publisher": {"@type": "Organization", "name": o.name},
    }
    if a.author:
        data["author"] = {"@type": "Person", "name": a.author}
    return f'\n  <script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def cookie_banner(css: str, text: str) -> str:
    return (f'<div class="{css}" role="dialog" aria-label="Cookie consent"><p>{text}</p>'
            f'<button class="accept">Accept all</button><button class="reject">Reject non-essential</button>'
            f'<a href="/privacy#cookies">Manage preferences</a></div>')


def share_links(a: ArticleSpec, css: str) -> str:
    return (f'<ul class="{css}"><li><a href="https://social.example/share?u={attr(a.url)}">Share</a></li>'
            f'<li><a href="https://microblog.example/intent?url={attr(a.url)}">Post</a></li>'
            f'<li><a href="mailto:?subject={attr(a.title)}">Email</a></li><li><button>Copy link</button></li></ul>')


def teaser_list(teasers: list[Teaser], item: str = "li") -> str:
    return "".join(
        f'<{item}><a href="{attr(t.url)}">{e(t.title)}</a><p>{e(t.excerpt)}</p><time>{e(t.date)}</time></{item}>'
        for t in teasers
    )


def comments(count: int, first: str, second: str) -> str:
    return (f'<h3>Comments ({count})</h3><ol class="comment-list">'
            f'<li class="comment"><span class="who">ReaderInTheDelta</span><p>{e(first)}</p></li>'
            f'<li class="comment"><span class="who">castellan_commuter</span><p>{e(second)}</p></li></ol>'
            f'<form class="comment-form"><textarea placeholder="Join the conversation"></textarea>'
            f'<button>Post comment</button></form>')


def prev_next(ctx: PageContext, prev_label: str, next_label: str, css: str) -> str:
    parts = []
    if ctx.previous:
        parts.append(f'<a class="prev" href="{attr(ctx.previous.url)}"><span>{prev_label}</span> '
                     f'{e(ctx.previous.title)}</a>')
    if ctx.next:
        parts.append(f'<a class="next" href="{attr(ctx.next.url)}"><span>{next_label}</span> '
                     f'{e(ctx.next.title)}</a>')
    return f'<nav class="{css}">{"".join(parts)}</nav>'


def byline(a: ArticleSpec, fallback: str) -> str:
    return e(a.author) if a.author else fallback


def long_date(ctx: PageContext) -> str:
    return ctx.article.published.strftime("%A %-d %B %Y")


WIRE = Template("""<!DOCTYPE html>
<html lang="en">
$head
<body class="mw">
$cookies
<header class="mw-masthead"><a class="mw-logo" href="/">MERIDIAN WIRE</a>
<nav class="mw-nav"><a href="/world">World</a><a href="/business">Business</a><a href="/politics">Politics</a>
<a href="/science">Science</a><a href="/markets">Markets</a><a href="/subscribe">Wire clients</a></nav></header>
<div class="mw-ticker">MARKETS: Castellan 40 +0.4% | VRC/USD 1.082 | Brent 81.20</div>
<article class="mw-story" data-story-id="$id">
<header class="mw-story-head"><h1 class="mw-headline">$title</h1>
<div class="mw-byline">By <span class="mw-author">$byline</span> &middot; <time datetime="$iso">$date</time></div>
$share</header>
<div class="mw-body">
$body
</div>
<p class="mw-copyright">(Reporting by $byline; editing by the Meridian Wire desk) &copy; 2026 Meridian Wire.
All rights reserved. Republication requires a licence.</p>
</article>
$prevnext
<aside class="mw-related"><h2>Related coverage</h2><ul>$related</ul></aside>
<aside class="mw-newsletter"><h2>The Morning Wire</h2><p>Five stories you need before the markets open,
in your inbox every weekday.</p><form><input type="email" placeholder="you@example.org"><button>Sign up</button>
</form></aside>
<footer class="mw-footer"><p>Meridian Wire is an independent news agency.</p><ul><li><a href="/about">About</a></li>
<li><a href="/trust">Trust principles</a></li><li><a href="/privacy">Privacy</a></li>
<li><a href="/feed.xml">RSS</a></li></ul><p>&copy; 2026 Meridian Wire Ltd.</p></footer>
</body>
</html>
""")


def render_wire(ctx: PageContext) -> str:
    a = ctx.article
    return WIRE.substitute(
        head=head(ctx, json_ld(ctx)), id=a.id, title=e(a.title), byline=byline(a, "Meridian Wire staff"),
        iso=a.published.strftime("%Y-%m-%dT%H:%M:%SZ"), date=a.published.strftime("%-d %b %Y %H:%M UTC"),
        cookies=cookie_banner("mw-consent", "We use cookies to measure traffic and remember your settings."),
        share=share_links(a, "mw-share"), body="\n".join(body_blocks(a)),
        prevnext=prev_next(ctx, "Previous Article", "Next Article", "mw-pager"),
        related=teaser_list(ctx.related),
    )


THINK_TANK = Template("""<!DOCTYPE html>
<html lang="en">
$head
<body>
<div id="hi-cookie-notice">$cookies</div>
<div class="site-header"><a href="/" class="brand">The Harbor Institute</a>
<ul class="primary-menu"><li><a href="/research">Research</a></li><li><a href="/briefs">Policy Briefs</a></li>
<li><a href="/events">Events</a></li><li><a href="/experts">Experts</a></li><li><a href="/donate">Support us</a></li>
</ul></div>
<main id="main">
<section class="brief-hero"><p class="brief-type">Policy Brief</p><h1 class="brief-title">$title</h1>
<p class="brief-standfirst">$description</p>
<div class="brief-meta"><span class="authors">$byline</span> <span class="date">$date</span>
<a class="pdf" href="/briefs/sharing-the-tavel.pdf">Download our latest brief (PDF)</a></div></section>
<div class="brief-layout">
<nav class="toc"><h4>On this page</h4><ul><li><a href="#summary">Summary</a></li><li><a href="#analysis">Analysis</a></li>
<li><a href="#cite">How to cite</a></li></ul></nav>
<section class="brief-content"><div class="prose" id="analysis">
$body
</div></section>
<div class="cite-box" id="cite"><h4>How to cite</h4><p>$byline, &ldquo;$title&rdquo;, Harbor Institute Policy Brief,
$date.</p></div>
$share
</div>
<section class="related-publications"><h3>Related Publications</h3><div class="cards">$related</div></section>
$prevnext
<section class="signup"><h3>Get our research in your inbox</h3><p>Monthly briefing from the Institute's fellows. No spam,
unsubscribe anytime.</p><input type="email"><button>Subscribe</button></section>
</main>
<div class="site-footer"><p>The Harbor Institute is a non-partisan research organisation registered in Castellan.</p>
<p><a href="/about/funding">Our funding</a> | <a href="/privacy">Privacy</a> | <a href="/feed.atom">Atom feed</a></p>
</div>
</body>
</html>
""")


def render_think_tank(ctx: PageContext) -> str:
    a = ctx.article
    cards = "".join(f'<div class="card"><h5><a href="{attr(t.url)}">{e(t.title)}</a></h5><p>{e(t.excerpt)}</p>'
                    f'<span>{e(t.date)}</span></div>' for t in ctx.related)
    return THINK_TANK.substitute(
        head=head(ctx), title=e(a.title), description=e(a.description), byline=byline(a, "Harbor Institute staff"),
        date=a.published.strftime("%-d %B %Y"), body="\n".join(body_blocks(a)), related=cards,
        cookies=cookie_banner("notice", "This site uses essential cookies and, with consent, analytics."),
        share=share_links(a, "share-tools"),
        prevnext=prev_next(ctx, "Previous publication:", "Next publication:", "pub-nav"),
    )


STATE = Template("""<!DOCTYPE html>
<html lang="en">
$head
<body>
<div id="wrapper">
<div id="top"><div class="logo"><a href="/"><img src="/img/statecaster.svg" alt="Statecaster"></a></div>
<div class="live">LIVE: Statecaster One &middot; Statecaster Radio</div>
<div class="menu"><a href="/nation">Nation</a> | <a href="/government">Government</a> | <a href="/economy">Economy</a> |
<a href="/regions">Regions</a> | <a href="/world">World</a> | <a href="/weather">Weather</a></div></div>
$cookies
<div id="content">
<div class="crumbs"><a href="/">Home</a> &raquo; <a href="/nation">Nation</a></div>
<div class="headline-block"><h1>$title</h1><div class="pubinfo">$date &middot; $byline</div></div>
<div class="txt">
$body
</div>
<div class="sharebar">Share this story: $share</div>
<div class="pn">$prevnext</div>
<div class="more"><div class="more-title">Related articles</div><ul>$related</ul></div>
<div class="comments-closed">$comments</div>
</div>
<div id="newsletter-box"><b>Statecaster Daily newsletter</b> &mdash; the nation's news every evening. <input type="email">
<input type="submit" value="Join"></div>
<div id="bottom">Statecaster is the public broadcaster of the Republic of Veridia, established by the Broadcasting Act.
<br><a href="/about">About</a> &middot; <a href="/charter">Charter</a> &middot; <a href="/feed.json">JSON feed</a>
&middot; &copy; 2026 Statecaster</div>
</div>
</body>
</html>
""")


def render_state(ctx: PageContext) -> str:
    a = ctx.article
    blocks = body_blocks(a)
    if len(blocks) > 4:
        blocks.insert(3, '<div class="watch"><span>WATCH</span> Tonight on Statecaster One: the national news at '
                         '19:00 with live reports from across the regions.</div>')
    return STATE.substitute(
        head=head(ctx), title=e(a.title), date=a.published.strftime("%Y-%m-%d %H:%M"),
        byline=byline(a, "Statecaster News"), body="\n".join(blocks), share=share_links(a, "sc-share"),
        cookies=cookie_banner("cookie-bar", "Statecaster uses cookies as described in its charter."),
        prevnext=prev_next(ctx, "&laquo; Previous Article:", "Next Article &raquo;", "pn-links"),
        related=teaser_list(ctx.related),
        comments="<p>Comments are closed for this story.</p>",
    )


DAILY = Template("""<!DOCTYPE html>
<html lang="en">
$head
<body class="ledger article-page">
$cookies
<header id="masthead"><div class="date-line">$longdate</div><a class="wordmark" href="/">The Ledger</a>
<nav aria-label="Sections"><ul><li><a href="/news">News</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li><li><a href="/climate">Climate</a></li>
<li><a href="/culture">Culture</a></li></ul></nav><a class="subscribe-cta" href="/subscribe">Subscribe from 1 crown</a>
</header>
<div class="page-grid">
<article class="story" itemscope itemtype="https://schema.org/NewsArticle">
<p class="kicker">$kicker</p>
<h1 itemprop="headline">$title</h1>
<p class="standfirst">$description</p>
<div class="byline-block">By <a rel="author" href="/profile">$byline</a> <time itemprop="datePublished"
datetime="$iso">$longdate</time></div>
$share
<div class="story-body" itemprop="articleBody">
$body
</div>
<div class="newsletter-inline"><strong>Sign up to First Edition</strong><p>Our morning newsletter breaks down the key stories
of the day, telling you what's happening and why it matters.</p><input type="email"><button>Sign up</button></div>
$prevnext
</article>
<aside class="rail"><section class="most-read"><h2>Most read</h2><ol>$mostread</ol></section>
<section class="related"><h2>Related articles</h2><ul>$related</ul></section></aside>
</div>
<section id="comments">$comments</section>
<footer class="site-footer"><nav><a href="/about">About us</a> <a href="/contact">Contact</a> <a href="/corrections">
Corrections</a> <a href="/terms">Terms</a> <a href="/rss/all.xml">RSS</a></nav><p>&copy; 2026 Ledger Media Group.
Registered in Castellan.</p></footer>
</body>
</html>
""")


def render_daily(ctx: PageContext) -> str:
    a = ctx.article
    blocks = body_blocks(a)
    if ctx.promo and len(blocks) > 3:
        blocks.insert(3, f'<aside class="read-more">Read more: <a href="{attr(ctx.promo.url)}">{e(ctx.promo.title)}'
                         f'</a></aside>')
    if len(blocks) > 6:
        blocks.insert(6, '<div class="ad-slot" aria-hidden="true">Advertisement</div>')
    most_read = "".join(f'<li><a href="{attr(t.url)}">{e(t.title)}</a></li>' for t in ctx.most_read)
    return DAILY.substitute(
        head=head(ctx, json_ld(ctx)), title=e(a.title), description=e(a.description),
        kicker=e(a.tags[0] if a.tags else "News"), byline=byline(a, "Ledger staff"),
        iso=a.published.strftime("%Y-%m-%dT%H:%M:%SZ"), longdate=long_date(ctx), body="\n".join(blocks),
        cookies=cookie_banner("consent-layer", "We and our 143 partners use cookies to store and access "
                                               "information on your device to personalise ads and content."),
        share=share_links(a, "share-row"), mostread=most_read, related=teaser_list(ctx.related),
        prevnext=prev_next(ctx, "Previous Article", "Next Article", "article-pager"),
        comments=comments(37, "The government has known about this for months. Why act only now?",
                          "Good reporting, but the story misses what this means for people outside the capital."),
    )


REGIONAL = Template("""<!DOCTYPE html>
<html lang="en">
$head
<body>
<div class="gz-cookie">$cookies</div>
<table class="gz-top" width="100%"><tr><td><a href="/"><b>The Sallow Gazette</b></a></td>
<td class="weather">Port Sallow 17&deg;C, showers</td><td><a href="/e-edition">E-edition</a></td></tr></table>
<ul class="gz-sections"><li><a href="/local">Local</a></li><li><a href="/delta">Delta</a></li>
<li><a href="/calder-hills">Calder Hills</a></li><li><a href="/sport">Sport</a></li><li><a href="/notices">Notices</a>
</li><li><a href="/jobs">Jobs</a></li></ul>
<section class="story">
<h1 class="story-title">$title</h1>
<div class="story-info"><span class="by">$byline</span> | <span class="when">$date</span></div>
<div class="story-text">
$body
</div>
<div class="tags">Filed under: $tags</div>
<div class="gz-share">$share</div>
</section>
<section class="gz-prevnext">$prevnext</section>
<section class="gz-related"><h4>You may also like</h4><ul>$related</ul></section>
<section class="gz-newsletter"><h4>The Gazette in your inbox</h4><p>Local news, notices and the weekend guide.</p>
<input type="email"><button>Subscribe</button></section>
<section class="gz-comments">$comments</section>
<div class="gz-footer">The Sallow Gazette, 12 Quay Street, Port Sallow. Part of the Delta Press family.
<a href="/contact">Contact the newsroom</a> &middot; <a href="/feed.rss">RSS</a> &middot; <a href="/privacy">Privacy</a>
</div>
</body>
</html>
""")


def render_regional(ctx: PageContext) -> str:
    a = ctx.article
    blocks = body_blocks(a)
    if len(blocks) > 3:
        blocks.insert(2, '<div class="gz-ad">ADVERTISEMENT &mdash; Tavel Motors: autumn service from 89 crowns</div>')
    return REGIONAL.substitute(
        head=head(ctx), title=e(a.title), byline=byline(a, "Gazette reporter"),
        date=a.published.strftime("%d/%m/%Y"), body="\n".join(blocks),
        tags=", ".join(e(t) for t in a.tags) or "Local", share=share_links(a, "gz-share-list"),
        cookies=cookie_banner("gz-cookie-inner", "Cookies help us keep local journalism free."),
        prevnext=prev_next(ctx, "Previous Article", "Next Article", "gz-pn"), related=teaser_list(ctx.related),
        comments=comments(12, "My cousin works on the quay and says this is only the start.",
                          "Can the Gazette find out what the council is doing about it?"),
    )


AGGREGATOR = Template("""<!DOCTYPE html>
<html lang="en">
$head
<body class="nl-body">
<div class="nl-cookies">$cookies</div>
<div class="nl-header"><a href="/" class="nl-logo">NewsLoop</a><div class="nl-tabs"><a href="/top">Top</a>
<a href="/for-you">For you</a><a href="/local">Local</a><a href="/money">Money</a><a href="/science">Science</a></div>
<a class="nl-app" href="/app">Get the app</a></div>
<div class="nl-container">
<div class="nl-summary-widget"><strong>No time to read? Get a summary</strong><p>Tap below and we'll boil this story
down to three bullet points.</p><button class="nl-summarize">Summarize this story</button></div>
<div class="nl-post">
<h1 class="nl-title">$title</h1>
<div class="nl-meta">$byline &bull; $date &bull; $readtime min read</div>
<div class="nl-content">
$body
</div>
<div class="nl-source">$source</div>
</div>
<div class="nl-actions">$share<span class="nl-likes">&#9829; 214</span></div>
$prevnext
<div class="nl-more"><h3>More loops</h3>$related</div>
<div class="nl-comments">$comments</div>
<div class="nl-nlbox"><h3>Loop Daily newsletter</h3><p>Our top ten, every morning.</p><input type="email"><button>Get it</button>
</div>
</div>
<div class="nl-foot">NewsLoop brings you stories from around the web. <a href="/rss.xml">RSS</a> &middot;
<a href="/about">About</a> &middot; <a href="/terms">Terms</a></div>
</body>
</html>
""")


def render_aggregator(ctx: PageContext) -> str:
    a = ctx.article
    source = f"Originally reported by {e(ctx.source_name)}." if ctx.source_name else "NewsLoop original."
    cards = "".join(f'<div class="nl-card"><a href="{attr(t.url)}">{e(t.title)}</a><span>{e(t.excerpt)}</span></div>'
                    for t in ctx.related)
    return AGGREGATOR.substitute(
        head=head(ctx), title=e(a.title), byline=byline(a, "NewsLoop"), date=a.published.strftime("%b %-d, %Y"),
        readtime=max(1, a.word_count // 220), body="\n".join(body_blocks(a)), source=source,
        cookies=cookie_banner("nl-consent", "NewsLoop and partners use cookies to personalise your loop."),
        share=share_links(a, "nl-share"), related=cards,
        prevnext=prev_next(ctx, "Previous Article", "Next Article", "nl-pn"),
        comments=comments(88, "Another day, another crisis. Loop me in when it's fixed.",
                          "This summary left out the most important part."),
    )


RENDERERS: dict[str, Callable[[PageContext], str]] = {
    "meridianwire.example": render_wire,
    "harbor-institute.example": render_think_tank,
    "statecaster.example": render_state,
    "the-ledger.example": render_daily,
    "sallow-gazette.example": render_regional,
    "newsloop.example": render_aggregator,
}


def render_page(ctx: PageContext) -> str:
    return RENDERERS[ctx.article.outlet](ctx)
