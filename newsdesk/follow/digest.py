"""A user's digest: the stories their watchlists moved in a time window, each with its new
articles, a two-sentence update whose sentences name their articles, the outlets that covered it,
and links back to the reader.

The update reuses the summarisers of :mod:`newsdesk.analyze.summarize`: the article summariser
for a story with one new article, the story summariser over the new articles otherwise (both
cached in the store, so the next digest over the same articles does not compute them again).
An article no story holds yet is its own entry. Links are absolute when ``base_url`` is set.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsdesk.analyze.summarize import summarize_article, summarize_article_group
from newsdesk.config import Settings
from newsdesk.errors import NotFoundError
from newsdesk.models import Article
from newsdesk.store import Store, utcnow
from newsdesk.store.users import User
from newsdesk.store.watchlists import Watchlist
from newsdesk.urls import web_url

#: newest articles one watchlist contributes to a digest
PER_WATCHLIST = 50
UPDATE_SENTENCES = 2


def reader_link(settings: Settings, path: str) -> str:
    return f"{settings.base_url}{path}"


@dataclass(frozen=True)
class DigestArticle:
    id: int
    title: str
    outlet: str
    published: datetime | None
    link: str
    source_url: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "outlet": self.outlet,
                "published": self.published.isoformat() if self.published else None,
                "link": self.link, "source_url": self.source_url or None}


@dataclass(frozen=True)
class UpdateSentence:
    text: str
    article_id: int | None
    link: str

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "article_id": self.article_id, "link": self.link}


@dataclass(frozen=True)
class DigestStory:
    story_id: int | None
    title: str
    link: str
    articles: list[DigestArticle]
    update: list[UpdateSentence]
    outlets: list[str]
    watchlists: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"story_id": self.story_id, "title": self.title, "link": self.link,
                "update": [s.to_json() for s in self.update], "outlets": self.outlets,
                "watchlists": self.watchlists, "articles": [a.to_json() for a in self.articles]}


@dataclass(frozen=True)
class Digest:
    user: str
    since: datetime
    until: datetime
    stories: list[DigestStory]
    watchlists: list[str] = field(default_factory=list)
    reader: str = ""

    @property
    def article_count(self) -> int:
        return sum(len(s.articles) for s in self.stories)

    def to_json(self) -> dict[str, Any]:
        return {"user": self.user, "since": self.since.isoformat(), "until": self.until.isoformat(),
                "watchlists": self.watchlists, "reader": self.reader, "article_count": self.article_count,
                "stories": [s.to_json() for s in self.stories]}


def digest_article(settings: Settings, article: Article) -> DigestArticle:
    return DigestArticle(article.id, article.title or "Untitled", article.outlet, article.published,
                         reader_link(settings, f"/articles/{article.id}"), web_url(article.public_url))


def _update(store: Store, settings: Settings, members: list[Article]) -> list[UpdateSentence]:
    if len(members) == 1:
        summary = summarize_article(store, members[0].id, settings, sentences=UPDATE_SENTENCES)
    else:
        summary = summarize_article_group(store, members, sentences=UPDATE_SENTENCES)
    return [UpdateSentence(s.text, s.article_id,
                           reader_link(settings, f"/articles/{s.article_id}") if s.article_id else "")
            for s in summary.sentences[:UPDATE_SENTENCES]]


def _story_entry(store: Store, settings: Settings, story_id: int | None, members: list[Article],
                 followed_by: list[str]) -> DigestStory:
    members.sort(key=lambda a: (a.published or a.first_seen or utcnow(), a.id))
    title = members[-1].title or "Untitled"
    link = reader_link(settings, f"/articles/{members[-1].id}")
    if story_id is not None:
        try:
            title = store.get_story(story_id).title or title
            link = reader_link(settings, f"/stories/{story_id}")
        except NotFoundError:
            story_id = None
    outlets = sorted({a.outlet for a in members if a.outlet}, key=str.lower)
    return DigestStory(story_id, title, link, [digest_article(settings, a) for a in reversed(members)],
                       _update(store, settings, members), outlets, followed_by)


def build_digest(store: Store, settings: Settings, user: User, *, since: datetime, until: datetime | None = None,
                 watchlists: list[Watchlist] | None = None) -> Digest:
    """The digest of ``user``'s watchlists (all of them, or those given) for articles first stored
    in (since, until]; stories with the most new articles first."""
    until = until or utcnow()
    followed = watchlists if watchlists is not None else store.list_watchlists(user.id)
    matched: dict[int, set[str]] = defaultdict(set)
    for watchlist in followed:
        try:
            ids = store.watchlist_article_ids(watchlist, stored_after=since, limit=PER_WATCHLIST)
        except NotFoundError:  # the story it follows is gone
            continue
        for article_id in ids:
            matched[article_id].add(watchlist.name)
    groups: dict[tuple[str, int], list[Article]] = defaultdict(list)
    for article in store.get_articles(sorted(matched)):
        if article.first_seen is not None and article.first_seen > until:
            continue
        key = ("story", article.story_id) if article.story_id is not None else ("article", article.id)
        groups[key].append(article)
    entries = []
    for (kind, key_id), members in groups.items():
        names = sorted({name for a in members for name in matched[a.id]}, key=str.lower)
        entries.append(_story_entry(store, settings, key_id if kind == "story" else None, members, names))
    entries.sort(key=lambda s: (-len(s.articles), -max(a.id for a in s.articles)))
    return Digest(user.name, since, until, entries, [w.name for w in followed], reader_link(settings, "/"))
