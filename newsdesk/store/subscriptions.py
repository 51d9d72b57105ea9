"""Queries for feed-reader apps (a mixin of newsdesk.store.Store): what one user's Google Reader
or Fever client sees.

Every article belongs to one *source*: its feed (``feed:<id>``), or, for pages, files and archives
added directly, its outlet (``outlet:<id>``), or ``other`` when it has neither. A user keeps their
own title, folder and "unsubscribed" flag per source (``reader_subscriptions``) and their own
folders (``reader_folders``). A *stream* is a set of articles — everything, a state (read,
starred, kept), a source, a folder, a watchlist — and is always read originals only (copies are
folded into their original, ``duplicate_links``), newest or oldest first, keyset-paged on the
article id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, false, func, not_, or_, select, true, update

from newsdesk.errors import InvalidArgumentError, NotFoundError
from newsdesk.store.database import as_utc, is_row_id, is_storable, upsert, utcnow
from newsdesk.store.schema import (
    articles,
    duplicate_links,
    feeds,
    outlets,
    read_state,
    reader_folders,
    reader_subscriptions,
)
from newsdesk.store.users import UserQueries
from newsdesk.store.watchlists import Watchlist, WatchlistQueries

#: the Fever feed id of an outlet source is this plus the outlet id (feed sources keep their id)
OUTLET_ID_BASE = 1 << 30
#: the Fever feed id of the ``other`` source
OTHER_ID = OUTLET_ID_BASE - 1
STATES = ("read", "starred", "kept")
MAX_FOLDER_NAME = 200


@dataclass(frozen=True)
class Subscription:
    """One source as one user sees it."""

    source: str  # feed:<id> | outlet:<id> | other
    own_title: str  # the feed's or outlet's name
    title: str  # the user's title, else own_title
    url: str  # the feed's URL ("" for outlets)
    site_url: str
    folder: str  # "" when in no folder
    folder_id: int | None
    first_seen: datetime | None = None

    @property
    def numeric_id(self) -> int:
        """The source as one integer (the Fever feed id)."""
        kind, _, value = self.source.partition(":")
        if kind == "feed":
            return int(value)
        if kind == "outlet":
            return OUTLET_ID_BASE + int(value)
        return OTHER_ID


@dataclass(frozen=True)
class Folder:
    id: int
    name: str


@dataclass(frozen=True)
class Stream:
    """A set of articles: ``kind`` all | state | source | folder | watchlist, with its value."""

    kind: str
    value: str = ""
    watchlist: Watchlist | None = None


def source_of_numeric_id(number: int) -> str | None:
    """The source a Fever feed id names (None for a number outside every range)."""
    if number == OTHER_ID:
        return "other"
    if OUTLET_ID_BASE < number < OUTLET_ID_BASE * 2:
        return f"outlet:{number - OUTLET_ID_BASE}"
    if 0 < number < OTHER_ID:
        return f"feed:{number}"
    return None


def check_source(source: str) -> str:
    kind, _, value = source.partition(":")
    if source == "other" or (kind in ("feed", "outlet") and value.isdigit() and is_row_id(int(value))):
        return source
    raise InvalidArgumentError(f"unknown source {source!r}")


def source_condition(source: str) -> Any:
    """The articles of one source, as a condition on ``articles``."""
    kind, _, value = check_source(source).partition(":")
    if kind == "feed":
        return articles.c.feed_id == int(value)
    if kind == "outlet":
        return and_(articles.c.feed_id.is_(None), articles.c.outlet_id == int(value))
    return and_(articles.c.feed_id.is_(None), articles.c.outlet_id.is_(None))


def sources_condition(sources: Sequence[str]) -> Any:
    """The articles of any of ``sources`` (one IN list per kind, not one OR per source)."""
    feed_ids = [int(s[5:]) for s in sources if s.startswith("feed:")]
    outlet_ids = [int(s[7:]) for s in sources if s.startswith("outlet:")]
    parts: list[Any] = []
    if feed_ids:
        parts.append(articles.c.feed_id.in_(feed_ids))
    if outlet_ids:
        parts.append(and_(articles.c.feed_id.is_(None), articles.c.outlet_id.in_(outlet_ids)))
    if "other" in sources:
        parts.append(source_condition("other"))
    return or_(*parts) if parts else false()


def _state_condition(user_id: int, state: str, value: bool = True) -> Any:
    column = {"read": read_state.c.is_read, "starred": read_state.c.starred, "kept": read_state.c.kept}[state]
    marked = exists().where(read_state.c.user_id == user_id, read_state.c.article_id == articles.c.id,
                            column.is_(True))
    return marked if value else ~marked


ORIGINAL = ~exists().where(duplicate_links.c.article_id == articles.c.id)


def check_folder_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > MAX_FOLDER_NAME or not is_storable(name) or "/" in name:
        raise InvalidArgumentError(f"a folder name has 1 to {MAX_FOLDER_NAME} characters and no '/'")
    return name


class ReaderQueries(WatchlistQueries, UserQueries):
    """Subscriptions, folders and streams of feed-reader apps."""

    # -- sources and subscriptions ----------------------------------------------------------------

    def reader_sources(self) -> list[tuple[str, str, str, str, datetime | None]]:
        """Every source of the desk: (source, title, feed url, site url, created). Feeds, then the
        outlets that have articles outside any feed, then ``other`` if some article has neither."""
        feedless = exists().where(articles.c.outlet_id == outlets.c.id, articles.c.feed_id.is_(None), ORIGINAL)
        other = exists().where(articles.c.outlet_id.is_(None), articles.c.feed_id.is_(None), ORIGINAL)
        with self.read() as conn:
            found: list[tuple[str, str, str, str, datetime | None]] = [
                (f"feed:{r.id}", r.title or r.url, r.url, r.site_url, as_utc(r.created_at))
                for r in conn.execute(select(feeds.c.id, feeds.c.title, feeds.c.url, feeds.c.site_url,
                                             feeds.c.created_at).order_by(feeds.c.id))]
            found += [(f"outlet:{r.id}", r.name, "", f"https://{r.domain}/" if r.domain else "", None)
                      for r in conn.execute(select(outlets.c.id, outlets.c.name, outlets.c.domain)
                                            .where(feedless).order_by(outlets.c.id))]
            if conn.execute(select(other)).scalar():
                found.append(("other", "Other documents", "", "", None))
        return found

    def list_subscriptions(self, user_id: int, *, include_hidden: bool = False) -> list[Subscription]:
        """The sources this user is subscribed to, with their titles and folders (by title)."""
        own = self._subscription_rows(user_id)
        folders = {f.id: f.name for f in self.list_folders(user_id)}
        result = []
        for source, title, url, site, created in self.reader_sources():
            row = own.get(source)
            if row is not None and row["hidden"] and not include_hidden:
                continue
            folder_id = row["folder_id"] if row else None
            result.append(Subscription(source, title, (row["title"] if row else "") or title, url, site,
                                       folders.get(folder_id, "") if folder_id else "", folder_id, created))
        return sorted(result, key=lambda s: (s.title.lower(), s.source))

    def hidden_sources(self, user_id: int) -> list[str]:
        return [s for s, row in self._subscription_rows(user_id).items() if row["hidden"]]

    def _subscription_rows(self, user_id: int) -> dict[str, dict[str, Any]]:
        with self.read() as conn:
            rows = conn.execute(select(reader_subscriptions).where(reader_subscriptions.c.user_id == user_id)).all()
        return {r.source: {"title": r.title, "folder_id": r.folder_id, "hidden": bool(r.hidden)} for r in rows}

    def edit_subscription(self, user_id: int, source: str, *, title: str | None = None,
                          folder: str | None = None, hidden: bool | None = None) -> None:
        """Set this user's title (``""`` = the source's own), folder (``""`` = none) or hidden flag."""
        check_source(source)
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = " ".join("".join(ch for ch in title if ch.isprintable()).split())[:500]
        if folder is not None:
            changes["folder_id"] = self.ensure_folder(user_id, folder).id if folder else None
        if hidden is not None:
            changes["hidden"] = hidden
        if not changes:
            return
        now = utcnow()
        row = {"user_id": user_id, "source": source, "title": "", "folder_id": None, "hidden": False,
               "updated_at": now, **changes}
        with self.transaction() as conn:
            conn.execute(upsert(self.dialect, reader_subscriptions).values(**row).on_conflict_do_update(
                index_elements=[reader_subscriptions.c.user_id, reader_subscriptions.c.source],
                set_={**changes, "updated_at": now}))

    def feed_source_by_url(self, url: str) -> str | None:
        if not is_storable(url):
            return None
        with self.read() as conn:
            feed_id = conn.execute(select(feeds.c.id).where(feeds.c.url == url)).scalar()
        return f"feed:{feed_id}" if feed_id is not None else None

    def source_exists(self, source: str) -> bool:
        check_source(source)
        with self.read() as conn:
            return bool(conn.execute(select(exists().where(source_condition(source)))).scalar()) or (
                source.startswith("feed:")
                and conn.execute(select(feeds.c.id).where(feeds.c.id == int(source[5:]))).first() is not None)

    # -- folders ----------------------------------------------------------------------------------

    def list_folders(self, user_id: int) -> list[Folder]:
        with self.read() as conn:
            rows = conn.execute(select(reader_folders.c.id, reader_folders.c.name)
                                .where(reader_folders.c.user_id == user_id).order_by(reader_folders.c.name)).all()
        return [Folder(int(r.id), r.name) for r in rows]

    def find_folder(self, user_id: int, name: str) -> Folder | None:
        if not is_storable(name):
            return None
        with self.read() as conn:
            row = conn.execute(select(reader_folders.c.id, reader_folders.c.name).where(
                reader_folders.c.user_id == user_id, reader_folders.c.name == name)).first()
        return Folder(int(row.id), row.name) if row else None

    def get_folder(self, user_id: int, folder_id: int) -> Folder:
        row = None
        if is_row_id(folder_id):
            with self.read() as conn:
                row = conn.execute(select(reader_folders.c.id, reader_folders.c.name).where(
                    reader_folders.c.user_id == user_id, reader_folders.c.id == folder_id)).first()
        if row is None:
            raise NotFoundError(f"no folder with id {folder_id}", source=f"folder {folder_id}")
        return Folder(int(row.id), row.name)

    def ensure_folder(self, user_id: int, name: str) -> Folder:
        """The user's folder named ``name``, made if missing (two devices at once get the same one)."""
        name = check_folder_name(name)
        with self.transaction() as conn:
            conn.execute(upsert(self.dialect, reader_folders).values(
                user_id=user_id, name=name, created_at=utcnow())
                .on_conflict_do_nothing(index_elements=[reader_folders.c.user_id, reader_folders.c.name]))
        found = self.find_folder(user_id, name)
        assert found is not None
        return found

    def rename_folder(self, user_id: int, name: str, new_name: str) -> None:
        """Rename a folder; renaming onto an existing folder merges the two."""
        folder = self.find_folder(user_id, name)
        if folder is None:
            raise NotFoundError(f"no folder named {name!r}", source=name)
        new_name = check_folder_name(new_name)
        if new_name == folder.name:
            return
        target = self.find_folder(user_id, new_name)
        with self.transaction() as conn:
            if target is None:
                conn.execute(update(reader_folders).where(reader_folders.c.id == folder.id).values(name=new_name))
                return
            conn.execute(update(reader_subscriptions).where(
                reader_subscriptions.c.user_id == user_id, reader_subscriptions.c.folder_id == folder.id)
                .values(folder_id=target.id))
            conn.execute(delete(reader_folders).where(reader_folders.c.id == folder.id))

    def delete_folder(self, user_id: int, name: str) -> None:
        """Remove a folder; its subscriptions stay, in no folder."""
        folder = self.find_folder(user_id, name)
        if folder is None:
            raise NotFoundError(f"no folder named {name!r}", source=name)
        with self.transaction() as conn:
            conn.execute(delete(reader_folders).where(reader_folders.c.id == folder.id))

    def folder_sources(self, user_id: int, folder_id: int) -> list[str]:
        with self.read() as conn:
            return [str(s) for s in conn.execute(select(reader_subscriptions.c.source).where(
                reader_subscriptions.c.user_id == user_id, reader_subscriptions.c.folder_id == folder_id,
                reader_subscriptions.c.hidden.is_(False))).scalars()]

    # -- streams ----------------------------------------------------------------------------------

    def stream_conditions(self, user_id: int, stream: Stream) -> tuple[list[Any], dict[str, Any]]:
        """(conditions on ``articles``, bind parameters) selecting the originals of ``stream``."""
        conditions: list[Any] = [ORIGINAL]
        params: dict[str, Any] = {}
        if stream.kind == "state":
            conditions.append(_state_condition(user_id, stream.value))
        elif stream.kind == "source":
            conditions.append(source_condition(stream.value))
        elif stream.kind == "folder":
            conditions.append(sources_condition(self.folder_sources(user_id, int(stream.value))))
        elif stream.kind == "watchlist" and stream.watchlist is not None:
            condition, params = self._watchlist_condition(stream.watchlist)
            conditions.append(condition)
        elif stream.kind == "all":
            hidden = self.hidden_sources(user_id)
            if hidden:
                conditions.append(not_(sources_condition(hidden)))
        else:
            raise InvalidArgumentError(f"unknown stream kind {stream.kind!r}")
        return conditions, params

    def stream_article_ids(self, user_id: int, stream: Stream, *, limit: int = 20, after: int | None = None,
                           oldest_first: bool = False, exclude: Sequence[str] = (), include: Sequence[str] = (),
                           newer_than: datetime | None = None, older_than: datetime | None = None,
                           min_id: int | None = None, max_id: int | None = None) -> list[int]:
        """Article ids of a stream page: newest first (or oldest first), continuing after the id
        ``after``; ``exclude``/``include`` name states (read, starred, kept) the articles must not /
        must have; ``newer_than``/``older_than`` bound the time they were stored; ``min_id``/``max_id``
        bound the id (exclusive)."""
        conditions, params = self.stream_conditions(user_id, stream)
        conditions += [_state_condition(user_id, s, False) for s in exclude]
        conditions += [_state_condition(user_id, s) for s in include]
        if newer_than is not None:
            conditions.append(articles.c.first_seen >= newer_than)
        if older_than is not None:
            conditions.append(articles.c.first_seen < older_than)
        if min_id is not None:
            conditions.append(articles.c.id > min_id)
        if max_id is not None:
            conditions.append(articles.c.id < max_id)
        if after is not None:
            conditions.append(articles.c.id > after if oldest_first else articles.c.id < after)
        order = articles.c.id.asc() if oldest_first else articles.c.id.desc()
        query = select(articles.c.id).where(true(), *conditions).order_by(order).limit(max(1, limit))
        with self.read() as conn:
            return [int(i) for i in conn.execute(query, params).scalars()]

    def count_stream(self, user_id: int, stream: Stream, *, unread: bool = True) -> int:
        conditions, params = self.stream_conditions(user_id, stream)
        if unread:
            conditions.append(_state_condition(user_id, "read", False))
        with self.read() as conn:
            return int(conn.execute(select(func.count()).select_from(articles).where(*conditions), params).scalar() or 0)

    def unread_by_source(self, user_id: int) -> dict[str, tuple[int, datetime | None]]:
        """Per source: unread originals and when the newest of them was stored (one grouped count)."""
        query = (select(articles.c.feed_id, articles.c.outlet_id, func.count(), func.max(articles.c.first_seen))
                 .where(ORIGINAL, _state_condition(user_id, "read", False))
                 .group_by(articles.c.feed_id, articles.c.outlet_id))
        result: dict[str, tuple[int, datetime | None]] = {}
        with self.read() as conn:
            for feed_id, outlet_id, count, newest in conn.execute(query):
                source = f"feed:{feed_id}" if feed_id is not None else f"outlet:{outlet_id}" if outlet_id else "other"
                previous, latest = result.get(source, (0, None))
                when = as_utc(newest)
                result[source] = (previous + int(count), max(d for d in (latest, when) if d) if latest or when else None)
        return result

    def stream_watchlists(self, watchlists: Sequence[Watchlist], article_ids: Sequence[int]) -> dict[int, list[str]]:
        """For a page of articles: the names of the watchlists each one matches (one query each)."""
        ids = sorted({int(i) for i in article_ids})
        found: dict[int, list[str]] = {}
        if not ids:
            return found
        for watchlist in watchlists:
            condition, params = self._watchlist_condition(watchlist)
            with self.read() as conn:
                for article_id in conn.execute(select(articles.c.id).where(articles.c.id.in_(ids), condition),
                                               params).scalars():
                    found.setdefault(int(article_id), []).append(watchlist.name)
        return found

    def copies_of(self, article_ids: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
        """Per original: its copies as (id, outlet name), for a page of articles."""
        ids = sorted({int(i) for i in article_ids if is_row_id(int(i))})
        found: dict[int, list[tuple[int, str]]] = {}
        if not ids:
            return found
        query = (select(duplicate_links.c.original_id, articles.c.id, outlets.c.name)
                 .select_from(duplicate_links.join(articles, articles.c.id == duplicate_links.c.article_id)
                              .outerjoin(outlets, outlets.c.id == articles.c.outlet_id))
                 .where(duplicate_links.c.original_id.in_(ids)).order_by(articles.c.id))
        with self.read() as conn:
            for original, copy, outlet in conn.execute(query):
                found.setdefault(int(original), []).append((int(copy), outlet or ""))
        return found

    def originals_of(self, article_ids: Sequence[int]) -> list[int]:
        """The ids with every copy replaced by its original (what a reader app knows)."""
        ids = sorted({int(i) for i in article_ids if is_row_id(int(i))})
        if not ids:
            return []
        with self.read() as conn:
            links = {int(r.article_id): int(r.original_id) for r in conn.execute(
                select(duplicate_links.c.article_id, duplicate_links.c.original_id)
                .where(duplicate_links.c.article_id.in_(ids)))}
        return sorted({int(links.get(i, i)) for i in ids})

    def mark_with_copies(self, user_id: int, article_ids: Sequence[int], **marks: bool | None) -> int:
        """Set marks on originals and, for read/unread, on their copies too; returns originals marked."""
        originals = self.originals_of(article_ids)
        done = self.mark_articles(user_id, originals, **marks)
        if marks.get("read") is not None:
            copies = [c for copies in self.copies_of(originals).values() for c, _ in copies]
            self.mark_articles(user_id, copies, read=marks["read"])
        return done

    def mark_stream_read(self, user_id: int, stream: Stream, *, until: datetime | None = None) -> int:
        """Mark read every original of a stream stored up to ``until``, then the copies of every
        original this user has read (set-based, two statements)."""
        conditions, params = self.stream_conditions(user_id, stream)
        if params:  # a search watchlist's full-text match needs its parameters: go through its ids
            return self._mark_search_stream_read(user_id, stream, until)
        done = self.mark_all_read(user_id, where=conditions, until=until)
        self.mark_copies_of_read(user_id)
        return done

    def _mark_search_stream_read(self, user_id: int, stream: Stream, until: datetime | None) -> int:
        done, after = 0, None
        while True:
            ids = self.stream_article_ids(user_id, stream, limit=1000, after=after, exclude=("read",),
                                          older_than=None)
            if not ids:
                break
            after = ids[-1]
            if until is not None:
                ids = [a.id for a in self.get_articles(ids) if a.first_seen is None or a.first_seen <= until]
            done += self.mark_with_copies(user_id, ids, read=True)
        return done

    def mark_copies_of_read(self, user_id: int) -> int:
        read_originals = select(duplicate_links.c.article_id).join(
            read_state, and_(read_state.c.article_id == duplicate_links.c.original_id,
                             read_state.c.user_id == user_id, read_state.c.is_read.is_(True)))
        return self.mark_all_read(user_id, where=[articles.c.id.in_(read_originals)])

    def article_sources(self, article_ids: Sequence[int]) -> dict[int, str]:
        """The source of each article of a page."""
        ids = sorted({int(i) for i in article_ids if is_row_id(int(i))})
        if not ids:
            return {}
        with self.read() as conn:
            rows = conn.execute(select(articles.c.id, articles.c.feed_id, articles.c.outlet_id)
                                .where(articles.c.id.in_(ids))).all()
        return {int(r.id): f"feed:{r.feed_id}" if r.feed_id is not None else
                f"outlet:{r.outlet_id}" if r.outlet_id is not None else "other" for r in rows}
