"""Digests and alerts as text: Markdown, e-mail HTML, Atom, JSON (digests); text, e-mail HTML and a
webhook payload (alerts).

The e-mail HTML is written for mail clients, not browsers: one table layout, every style inline,
no ``<style>``, no scripts, no images, no forms. All article text is plain text escaped here
(stored HTML never reaches a message), and a link is written only for an absolute http(s) URL.
"""

from __future__ import annotations

import json
from html import escape

from newsdesk.feedwriter import atom_document
from newsdesk.follow.digest import Digest, DigestArticle, DigestStory
from newsdesk.urls import web_url

FORMATS = ("md", "html", "atom", "json")
_FONT = "font-family:Helvetica,Arial,sans-serif;overflow-wrap:anywhere;word-break:break-word;"
_MUTED = "color:#5f6368;font-size:13px;"


def _md(text: str) -> str:
    """Plain text safe in Markdown: markup characters escaped, one line."""
    flat = " ".join(str(text or "").split())
    for ch in "\\`*_{}[]()<>#|!":
        flat = flat.replace(ch, "\\" + ch)
    return flat


def _md_link(text: str, url: str) -> str:
    url = web_url(url) or (url if url.startswith("/") else "")
    return f"[{_md(text)}](<{url.replace('>', '%3E').replace(' ', '%20')}>)" if url else _md(text)


def _when(article: DigestArticle) -> str:
    return article.published.strftime("%Y-%m-%d") if article.published else ""


def digest_markdown(digest: Digest) -> str:
    lines = [f"# Digest for {_md(digest.user)}", "",
             f"{digest.article_count} new articles in {len(digest.stories)} stories, "
             f"{digest.since:%Y-%m-%d %H:%M} to {digest.until:%Y-%m-%d %H:%M} UTC.", ""]
    if not digest.stories:
        lines.append("Nothing new in your watchlists.")
    for story in digest.stories:
        lines += [f"## {_md_link(story.title, story.link)}", ""]
        if story.update:
            lines.append(" ".join(f"{_md(s.text)} {_md_link('[' + str(s.article_id) + ']', s.link)}"
                                  for s in story.update))
            lines.append("")
        if story.outlets:
            lines += [f"Covered by: {', '.join(_md(o) for o in story.outlets)}", ""]
        for article in story.articles:
            extra = " · ".join(x for x in (_md(article.outlet), _when(article)) if x)
            lines.append(f"- {_md_link(article.title, article.link)}" + (f" — {extra}" if extra else ""))
        lines += ["", f"Followed in: {', '.join(_md(w) for w in story.watchlists)}", ""]
    return "\n".join(lines).rstrip() + "\n"


def _a(text: str, url: str, style: str = "color:#1a0dab;text-decoration:none;") -> str:
    url = web_url(url)
    if not url:
        return escape(text)
    return f'<a href="{escape(url, quote=True)}" style="{style}">{escape(text)}</a>'


def _html_story(story: DigestStory) -> str:
    rows = [f'<tr><td style="{_FONT}padding:16px 0 4px 0;font-size:18px;font-weight:bold;">'
            f"{_a(story.title, story.link, 'color:#202124;text-decoration:none;')}</td></tr>"]
    if story.update:
        sentences = " ".join(f"{escape(s.text)} <sup>{_a(str(s.article_id), s.link)}</sup>" for s in story.update)
        rows.append(f'<tr><td style="{_FONT}padding:4px 0;font-size:15px;line-height:1.5;color:#202124;">'
                    f"{sentences}</td></tr>")
    if story.outlets:
        rows.append(f'<tr><td style="{_FONT}{_MUTED}padding:2px 0;">Covered by: '
                    f"{escape(', '.join(story.outlets))}</td></tr>")
    for article in story.articles:
        extra = " · ".join(x for x in (article.outlet, _when(article)) if x)
        rows.append(f'<tr><td style="{_FONT}padding:2px 0 2px 12px;font-size:14px;">&#8226; '
                    f"{_a(article.title, article.link)} "
                    f'<span style="{_MUTED}">{escape(extra)}</span></td></tr>')
    return "\n".join(rows)


def email_html(title: str, intro: str, body_rows: str, footer: str) -> str:
    """A complete e-mail HTML document: a centred table at most 600px wide (narrower on a phone),
    inline styles only."""
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width">'
            f"<title>{escape(title)}</title></head>"
            '<body style="margin:0;padding:0;background-color:#f1f3f4;">'
            '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
            'style="background-color:#f1f3f4;"><tr><td align="center" style="padding:8px;">'
            '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
            'style="width:100%;max-width:600px;background-color:#ffffff;"><tr><td style="padding:24px;">'
            '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">'
            f'<tr><td style="{_FONT}font-size:22px;font-weight:bold;color:#202124;">{escape(title)}</td></tr>'
            f'<tr><td style="{_FONT}{_MUTED}padding:4px 0 8px 0;">{escape(intro)}</td></tr>'
            f"{body_rows}"
            f'<tr><td style="{_FONT}{_MUTED}padding:24px 0 0 0;">{footer}</td></tr>'
            "</table></td></tr></table></td></tr></table></body></html>\n")


def digest_html(digest: Digest) -> str:
    intro = (f"{digest.article_count} new articles in {len(digest.stories)} stories, "
             f"{digest.since:%Y-%m-%d %H:%M} to {digest.until:%Y-%m-%d %H:%M} UTC")
    rows = "\n".join(_html_story(s) for s in digest.stories) or (
        f'<tr><td style="{_FONT}padding:8px 0;">Nothing new in your watchlists.</td></tr>')
    footer = f"Sent by newsdesk. {_a('Open the reader', digest.reader)}" if web_url(digest.reader) else \
        "Sent by newsdesk."
    return email_html(f"Digest for {digest.user}", intro, rows, footer)


def digest_atom(digest: Digest) -> str:
    entries = [{"id": s.link or f"urn:newsdesk:digest:{s.articles[0].id}", "url": s.link, "title": s.title,
                "author": ", ".join(s.outlets), "summary": " ".join(u.text for u in s.update),
                "published": max((a.published.isoformat() for a in s.articles if a.published), default=None),
                "external_url": ""} for s in digest.stories]
    return atom_document(f"newsdesk digest for {digest.user}", digest.reader or "urn:newsdesk:digest",
                         digest.reader or "urn:newsdesk:digest", entries)


def render_digest(digest: Digest, fmt: str) -> str:
    if fmt == "md":
        return digest_markdown(digest)
    if fmt == "html":
        return digest_html(digest)
    if fmt == "atom":
        return digest_atom(digest)
    return json.dumps(digest.to_json(), ensure_ascii=False, indent=2) + "\n"



# --- alerts -----------------------------------------------------------------------------------------

def alert_text(watchlist_name: str, link: str, articles: list[DigestArticle]) -> str:
    lines = [f"{len(articles)} new in your watchlist \u201c{' '.join(watchlist_name.split())}\u201d", ""]
    for article in articles:
        extra = " · ".join(x for x in (article.outlet, _when(article)) if x)
        lines += [f"- {' '.join(article.title.split())}" + (f" ({extra})" if extra else ""), f"  {article.link}"]
    if link:
        lines += ["", f"Watchlist: {link}"]
    return "\n".join(lines) + "\n"


def alert_html(watchlist_name: str, link: str, articles: list[DigestArticle]) -> str:
    rows = "\n".join(
        f'<tr><td style="{_FONT}padding:4px 0;font-size:15px;">&#8226; {_a(a.title, a.link)} '
        f'<span style="{_MUTED}">{escape(" · ".join(x for x in (a.outlet, _when(a)) if x))}</span></td></tr>'
        for a in articles)
    footer = f"Sent by newsdesk. {_a('Open the watchlist', link)}" if web_url(link) else "Sent by newsdesk."
    return email_html(f"{len(articles)} new: {watchlist_name}", "New articles in your watchlist", rows, footer)
