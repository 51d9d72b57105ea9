"""A selection of articles — a story, a search, explicit ids or a watchlist — as the numbered
sources a briefing or a bibliography is made of: one source per original article, oldest first,
with the copies (syndicated or near-identical reprints) folded under their original."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newsdesk.errors import InvalidArgumentError, NotFoundError
from newsdesk.models import Article
from newsdesk.store import Store

#: at most this many search hits make a search's briefing or bibliography (export takes every match)
SEARCH_LIMIT = 50
#: at most this many ids in one explicit selection
MAX_IDS = 1000
KINDS = ("story", "search", "articles", "watchlist")


@dataclass(frozen=True)
class Selection:
    """What to publish: exactly one of a story, a search query, article ids or a watchlist."""

    kind: str
    story_id: int | None = None
    query: str | None = None
    article_ids: tuple[int, ...] = ()
    watchlist_id: int | None = None
    #: the owner of the watchlist (accounts); ``None`` where the caller is not a user (the CLI)
    user_id: int | None = None
    limit: int = SEARCH_LIMIT

    @classmethod
    def of_story(cls, story_id: int) -> Selection:
        return cls("story", story_id=story_id)

    @classmethod
    def of_search(cls, query: str, limit: int = SEARCH_LIMIT) -> Selection:
        if not query.strip():
            raise InvalidArgumentError("a search needs words to find", source="--search")
        return cls("search", query=query, limit=limit)

    @classmethod
    def of_articles(cls, ids: list[int] | tuple[int, ...]) -> Selection:
        if not ids:
            raise InvalidArgumentError("name at least one article id")
        if len(ids) > MAX_IDS:
            raise InvalidArgumentError(f"at most {MAX_IDS} article ids at once")
        return cls("articles", article_ids=tuple(dict.fromkeys(ids)))

    @classmethod
    def of_watchlist(cls, watchlist_id: int, user_id: int | None = None) -> Selection:
        return cls("watchlist", watchlist_id=watchlist_id, user_id=user_id)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "story_id": self.story_id, "query": self.query,
                "article_ids": list(self.article_ids), "watchlist_id": self.watchlist_id}


@dataclass
class Source:
    """One original article of a selection, its number in the source list, and its copies."""

    number: int
    article: Article
    copies: list[Article] = field(default_factory=list)


@dataclass
class SelectedSources:
    """A resolved selection: its title and its numbered sources."""

    title: str
    selection: Selection
    sources: list[Source]
    notes: list[str] = field(default_factory=list)

    def number_of(self, article_id: int | None) -> int | None:
        """The source number an article (an original or one of its copies) is cited by."""
        if article_id is None:
            return None
        return self._numbers().get(article_id)

    def _numbers(self) -> dict[int, int]:
        numbers: dict[int, int] = {}
        for source in self.sources:
            numbers[source.article.id] = source.number
            for copy in source.copies:
                numbers[copy.id] = source.number
        return numbers

    @property
    def originals(self) -> list[Article]:
        return [s.article for s in self.sources]

    @property
    def all_articles(self) -> list[Article]:
        return [a for s in self.sources for a in (s.article, *s.copies)]


def _when(article: Article) -> tuple[float, int]:
    moment = article.published or article.first_seen
    return (moment.timestamp() if moment else float("inf"), article.id)


def number_sources(originals: list[Article], copies: list[Article]) -> list[Source]:
    """Originals oldest first, numbered from 1, each with the copies that point at it."""
    ordered = sorted({a.id: a for a in originals}.values(), key=_when)
    sources = [Source(n, a) for n, a in enumerate(ordered, start=1)]
    by_id = {s.article.id: s for s in sources}
    for copy in sorted(copies, key=_when):
        owner = by_id.get(copy.duplicate_of or 0)
        if owner is not None and copy.id != owner.article.id:
            owner.copies.append(copy)
    return sources


def _fold(store: Store, found: list[Article]) -> tuple[list[Article], list[Article]]:
    """(originals, their copies) for any mix of originals and copies: a copy stands for its original."""
    originals = {a.id: a for a in found if a.duplicate_of is None}
    missing = [a.duplicate_of for a in found if a.duplicate_of is not None and a.duplicate_of not in originals]
    for original in store.get_articles([i for i in dict.fromkeys(missing) if i is not None]):
        originals[original.id] = original
    return list(originals.values()), store.copies_of_articles(list(originals))


def _story(store: Store, selection: Selection) -> SelectedSources:
    story_id = store.resolve_story_id(int(selection.story_id or 0))
    record = store.get_story(story_id)
    members = store.get_story_articles(story_id)
    if not members:
        raise NotFoundError(f"story {selection.story_id} has no articles", source=f"story {selection.story_id}")
    originals = [a for a in members if a.duplicate_of is None]
    copies = [a for a in members if a.duplicate_of is not None]
    return SelectedSources(record.title or f"Story {story_id}", selection, number_sources(originals, copies))


def _search(store: Store, selection: Selection) -> SelectedSources:
    query = selection.query or ""
    hits = store.search(query, limit=selection.limit)
    originals, copies = _fold(store, store.get_articles([h.article_id for h in hits]))
    notes = []
    total = store.count_search(query)
    if total > len(hits):
        notes.append(f"the {len(hits)} best of {total} matching articles")
    return SelectedSources(f"Search: {query}", selection, number_sources(originals, copies), notes)


def _articles(store: Store, selection: Selection) -> SelectedSources:
    found = store.get_articles(list(selection.article_ids))
    known = {a.id for a in found}
    for article_id in selection.article_ids:
        if article_id not in known:
            raise NotFoundError(f"no article with id {article_id}", source=str(article_id))
    originals, copies = _fold(store, found)
    title = found[0].title if len(found) == 1 else f"{len(originals)} articles"
    return SelectedSources(title, selection, number_sources(originals, copies))


def _watchlist(store: Store, selection: Selection) -> SelectedSources:
    """The newest originals a watchlist matches (``user_id`` ``None``: whoever's, as the CLI runs)."""
    watchlist = store.get_watchlist(int(selection.watchlist_id or 0), selection.user_id)
    ids = store.watchlist_article_ids(watchlist, limit=selection.limit)
    originals, copies = _fold(store, store.get_articles(ids))
    notes = []
    total = store.count_watchlist_articles(watchlist)
    if total > len(ids):
        notes.append(f"the {len(ids)} newest of {total} articles the watchlist follows")
    return SelectedSources(watchlist.name or f"Watchlist {watchlist.id}", selection,
                           number_sources(originals, copies), notes)


def resolve(store: Store, selection: Selection) -> SelectedSources:
    """The numbered sources of a selection; NotFoundError for an unknown story, article or watchlist."""
    resolvers = {"story": _story, "search": _search, "articles": _articles, "watchlist": _watchlist}
    if selection.kind not in resolvers:
        raise InvalidArgumentError(f"unknown selection {selection.kind!r}")
    return resolvers[selection.kind](store, selection)
