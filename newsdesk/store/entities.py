"""Queries for entities and key phrases (a mixin of :class:`newsdesk.store.Store`).

Writing (every insert an upsert, so two processes analysing at once both succeed):
:meth:`EntityQueries.replace_article_entities` resolves each entity found in one article
to a row of ``entities`` (creating it if new), records its aliases and replaces the article's
``article_entities`` rows; :meth:`EntityQueries.replace_article_keyphrases` does the same for
``keyphrases``. Both are idempotent. Reading: the lists, details and co-occurrences behind
``newsdesk entities`` / ``newsdesk entity`` and the web pages.

Resolution of a name to an entity, in order: the same name and type (as written, lower, upper or
title case — spellings the indexes find without a table scan); else the one entity of that name
with a type NER often confuses with it (org ↔ place, org ↔ person); else a
recorded alias that points at exactly one entity ("HIP" → "Harbor Institute for Policy"); else,
for a one-word person name, the one person whose full name starts or ends with it ("Kim" →
"Kim Jong Un") when exactly one does; else a new entity.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, distinct, func, or_, select, update

from newsdesk.errors import NotFoundError
from newsdesk.store.database import Database, as_utc, is_row_id, is_storable, upsert, utcnow
from newsdesk.store.schema import (
    article_entities,
    articles,
    duplicate_links,
    entities,
    entity_aliases,
    entity_digests,
    keyphrases,
    outlets,
    stories,
)


@dataclass
class EntityGroup:
    """One entity as one article's text names it: what indexing hands to the store.

    ``aliases`` are other names the text gives it (acronyms, descriptors, variants);
    ``short_forms`` are one-word person references ("Kim"); ``positions`` are ``(start, end)``
    character offsets of every mention in the article text.
    """

    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    short_forms: list[str] = field(default_factory=list)
    positions: list[tuple[int, int]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return max(1, len(self.positions))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["positions"] = [list(p) for p in self.positions]
        data["count"] = self.count
        return data


@dataclass
class EntityInfo:
    """An entity with its corpus-wide counts; ``mentions`` counts mentions in the scope asked for
    (the corpus for lists, one article or one story for ``article_entities`` / ``story_entities``)."""

    id: int
    name: str
    type: str
    article_count: int = 0
    story_count: int = 0
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class EntityArticle:
    """An article that mentions an entity."""

    id: int
    title: str
    outlet: str
    published: datetime | None
    story_id: int | None
    mentions: int

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        return data


@dataclass
class EntityStory:
    """A story with articles that mention an entity (``article_count`` of them)."""

    id: int
    title: str
    article_count: int
    first_seen: datetime | None
    last_seen: datetime | None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("first_seen", "last_seen"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


@dataclass
class EntityDetail:
    """Everything ``newsdesk entity NAME`` shows."""

    entity: EntityInfo
    articles: list[EntityArticle]
    stories: list[EntityStory]
    coverage_by_day: list[tuple[date, int]]
    cooccurring: list[tuple[EntityInfo, int]]

    def to_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity.to_json(),
            "articles": [a.to_json() for a in self.articles],
            "stories": [s.to_json() for s in self.stories],
            "coverage_by_day": [{"date": d.isoformat(), "count": n} for d, n in self.coverage_by_day],
            "cooccurring": [{"entity": e.to_json(), "count": n} for e, n in self.cooccurring],
        }


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _case_variants(name: str) -> list[str]:
    """The spellings of a name matched when indexing ("NASA", "Nasa", "nasa"): few enough for the
    ``name`` and ``alias`` indexes to answer, unlike ``lower(name) = …``, which scans the table."""
    return sorted({name, name.lower(), name.upper(), name.title(), name[:1].upper() + name[1:].lower()})


def touch_entities(conn: Connection, entity_ids: Iterable[int]) -> None:
    """Mark entities changed (their page digests become stale), inside the caller's transaction;
    one row at a time in id order, so two writers never lock rows crosswise."""
    now = utcnow()
    for entity_id in sorted(set(entity_ids)):
        conn.execute(update(entities).where(entities.c.id == entity_id).values(updated_at=now))


def entities_mentioned(conn: Connection, article_ids: Sequence[int]) -> list[int]:
    """The ids of the entities the listed articles mention (queried 500 articles at a time)."""
    found: set[int] = set()
    for start in range(0, len(article_ids), 500):
        chunk = list(article_ids[start:start + 500])
        found |= {int(i) for i in conn.execute(
            select(article_entities.c.entity_id).distinct().where(article_entities.c.article_id.in_(chunk)))
            .scalars()}
    return sorted(found)


def touch_article_entities(conn: Connection, article_ids: Sequence[int]) -> None:
    """Mark changed the entities the listed articles mention (an article changed story)."""
    touch_entities(conn, entities_mentioned(conn, article_ids))


_CONFUSABLE = {"org": ("place", "person"), "place": ("org",), "person": ("org",)}

_ARTICLE_DAY = func.coalesce(articles.c.published, articles.c.first_seen)


class EntityQueries(Database):
    """Entities, their aliases and article links; key phrases per article."""

    # --- writing ---------------------------------------------------------------------------
    def _insert_ignore(self, conn: Connection, table: Any, values: dict[str, Any]) -> None:
        """INSERT that does nothing when a unique constraint already holds the row."""
        conn.execute(upsert(self.dialect, table).values(**values).on_conflict_do_nothing())

    def _entity_by_name(self, conn: Connection, name: str, type_: str) -> int | None:
        found = conn.execute(
            select(entities.c.id).where(entities.c.name.in_(_case_variants(name)), entities.c.type == type_)
            .order_by(entities.c.id).limit(1)
        ).scalar()
        return None if found is None else int(found)

    def _entity_by_name_other_type(self, conn: Connection, name: str, type_: str) -> int | None:
        """The one entity of that name with a type NER often confuses with ``type_`` (org ↔ place,
        org ↔ person; never person ↔ place, where one name really is two things: Washington)."""
        others = list(_CONFUSABLE.get(type_, ()))
        found = set(conn.execute(select(entities.c.id).where(
            entities.c.name.in_(_case_variants(name)), entities.c.type.in_(others))).scalars())
        return int(found.pop()) if len(found) == 1 else None

    def _entities_by_alias(self, conn: Connection, alias: str, type_: str | None = None) -> set[int]:
        query = select(entity_aliases.c.entity_id).where(entity_aliases.c.alias.in_(_case_variants(alias)))
        if type_:
            query = query.join(entities, entities.c.id == entity_aliases.c.entity_id).where(entities.c.type == type_)
        return {int(i) for i in conn.execute(query).scalars()}

    def _persons_by_surname(self, conn: Connection, word: str) -> set[int]:
        pattern = _like_escape(word.lower())
        lowered = func.lower(entities.c.name)
        query = select(entities.c.id).where(
            entities.c.type == "person",
            or_(lowered.like(pattern + " %", escape="\\"), lowered.like("% " + pattern, escape="\\")),
        )
        return {int(i) for i in conn.execute(query).scalars()}

    def _resolve_entity(self, conn: Connection, group: EntityGroup) -> int:
        found = self._entity_by_name(conn, group.name, group.type)
        if found is None:
            found = self._entity_by_name_other_type(conn, group.name, group.type)
        if found is not None:
            return found
        single_person = group.type == "person" and " " not in group.name
        if not single_person:
            by_alias = self._entities_by_alias(conn, group.name)
            if len(by_alias) == 1:
                return by_alias.pop()
        else:
            candidates = self._persons_by_surname(conn, group.name) | \
                self._entities_by_alias(conn, group.name, "person")
            if len(candidates) == 1:
                return candidates.pop()
        self._insert_ignore(conn, entities, {"name": group.name, "type": group.type})
        created = self._entity_by_name(conn, group.name, group.type)
        assert created is not None  # just inserted (or inserted concurrently) in this transaction
        return created

    def replace_article_entities(self, article_id: int, groups: Sequence[EntityGroup]) -> None:
        """Make ``groups`` the article's entities (idempotent: earlier rows are replaced)."""
        with self.transaction() as conn:
            old_ids = set(conn.execute(select(article_entities.c.entity_id)
                                       .where(article_entities.c.article_id == article_id)).scalars())
            conn.execute(delete(article_entities).where(article_entities.c.article_id == article_id))
            merged: dict[int, list[tuple[int, int]]] = {}
            given_type: dict[int, str] = {}
            for group in groups:
                entity_id = self._resolve_entity(conn, group)
                merged.setdefault(entity_id, []).extend(group.positions)
                given_type.setdefault(entity_id, group.type)
                self._add_aliases(conn, entity_id, [*group.aliases, *group.short_forms, group.name])
            for entity_id, positions in merged.items():
                statement = upsert(self.dialect, article_entities).values(
                    article_id=article_id, entity_id=entity_id, count=max(1, len(positions)),
                    positions=json.dumps(sorted(positions)), type=given_type[entity_id])
                conn.execute(statement.on_conflict_do_update(
                    index_elements=[article_entities.c.article_id, article_entities.c.entity_id],
                    set_={"count": statement.excluded.count, "positions": statement.excluded.positions,
                          "type": statement.excluded.type}))
            for entity_id in merged:
                self._follow_majority_type(conn, entity_id)
            self._drop_orphans(conn, old_ids - set(merged))
            touch_entities(conn, set(merged) | old_ids)

    def entity_ids_of_articles(self, article_ids: Sequence[int]) -> list[int]:
        """The entities the listed articles mention, by id."""
        if not article_ids:
            return []
        with self.read() as conn:
            return entities_mentioned(conn, article_ids)

    def _follow_majority_type(self, conn: Connection, entity_id: int) -> None:
        """Give the entity the type most of its articles give it (a country first seen as an org
        becomes a place once most articles say so), unless another entity already has that name
        and type."""
        votes = conn.execute(
            select(article_entities.c.type, func.count()).where(
                article_entities.c.entity_id == entity_id, article_entities.c.type.is_not(None))
            .group_by(article_entities.c.type)).all()
        if not votes:
            return
        row = conn.execute(select(entities.c.name, entities.c.type).where(entities.c.id == entity_id)).one()
        tally = {str(t): int(n) for t, n in votes}
        best = max(sorted(tally), key=lambda t: tally[t])
        if best == row.type or tally[best] <= tally.get(row.type, 0):
            return
        if self._entity_by_name(conn, row.name, best) is not None:
            return
        conn.execute(update(entities).where(entities.c.id == entity_id).values(type=best))

    def _add_aliases(self, conn: Connection, entity_id: int, names: Iterable[str]) -> None:
        canonical = conn.execute(select(entities.c.name).where(entities.c.id == entity_id)).scalar_one()
        for alias in dict.fromkeys(names):
            if alias and alias != canonical:
                self._insert_ignore(conn, entity_aliases, {"entity_id": entity_id, "alias": alias})

    def _drop_orphans(self, conn: Connection, entity_ids: set[int]) -> None:
        """Entities no article mentions any more go (with their aliases)."""
        if not entity_ids:
            return
        still_used = select(article_entities.c.entity_id).where(article_entities.c.entity_id.in_(entity_ids))
        orphans = entity_ids - set(conn.execute(still_used).scalars())
        if orphans:
            conn.execute(delete(entity_aliases).where(entity_aliases.c.entity_id.in_(orphans)))
            conn.execute(delete(entities).where(entities.c.id.in_(orphans)))

    # --- reading: lookups ------------------------------------------------------------------
    def _require(self, conn: Connection, table: Any, row_id: int, what: str) -> None:
        if conn.execute(select(table.c.id).where(table.c.id == row_id)).first() is None:
            raise NotFoundError(f"no {what} with id {row_id}", source=str(row_id))

    def find_entity_id(self, name_or_id: str | int) -> int:
        """An entity by id, or by name or alias (case-insensitive; the most-covered one wins)."""
        text = str(name_or_id).strip()
        if not is_storable(text):
            raise NotFoundError(f"no entity named {text!r}", source=text)
        with self.read() as conn:
            if text.isascii() and text.isdigit() and is_row_id(int(text)):
                found = conn.execute(select(entities.c.id).where(entities.c.id == int(text))).scalar()
                if found is not None:
                    return int(found)
            by_name = set(conn.execute(select(entities.c.id)
                                       .where(func.lower(entities.c.name) == text.lower())).scalars())
            by_alias = select(entity_aliases.c.entity_id).where(func.lower(entity_aliases.c.alias) == text.lower())
            candidates = by_name or {int(i) for i in conn.execute(by_alias).scalars()}
            if not candidates:
                raise NotFoundError(f"no entity named {text!r}", source=text)
            if len(candidates) == 1:
                return int(candidates.pop())
            counts = self._article_counts(conn, candidates)
            return max(sorted(candidates), key=lambda i: counts.get(i, 0))

    def _article_counts(self, conn: Connection, ids: Iterable[int]) -> dict[int, int]:
        query = (select(article_entities.c.entity_id, func.count())
                 .where(article_entities.c.entity_id.in_(list(ids))).group_by(article_entities.c.entity_id))
        return {int(i): int(n) for i, n in conn.execute(query)}

    def entity_infos(self, ids: Sequence[int], mentions: dict[int, int] | None = None) -> list[EntityInfo]:
        """Entities by id with corpus-wide counts and aliases, in the order given (``mentions``:
        counts in a narrower scope; without one an entity's mentions are its corpus-wide total)."""
        if not ids:
            return []
        with self.read() as conn:
            return self._infos(conn, ids, mentions or {})

    def _infos(self, conn: Connection, ids: Sequence[int], mentions: dict[int, int], *,
               stored_counts: bool = False) -> list[EntityInfo]:
        """EntityInfo rows with corpus-wide counts, counted now; with ``stored_counts``, read from
        each entity's stored page where it has one (its counts as of its last refresh: a page that
        lists entities then costs what it shows, not what the entities' coverage holds)."""
        stored: dict[int, EntityInfo] = {}
        if stored_counts and ids:
            found = conn.execute(
                select(entities.c.id, entities.c.name, entities.c.type, entity_digests.c.article_count,
                       entity_digests.c.story_count, entity_digests.c.mention_count)
                .join(entity_digests, entity_digests.c.entity_id == entities.c.id)
                .where(entities.c.id.in_(list(ids))))
            stored = {int(r[0]): EntityInfo(int(r[0]), r[1], r[2], int(r[3]), int(r[4]), [], int(r[5])) for r in found}
        rest = [i for i in ids if i not in stored]
        query = (
            select(entities.c.id, entities.c.name, entities.c.type,
                   func.count(distinct(article_entities.c.article_id)),
                   func.count(distinct(articles.c.story_id)), func.sum(article_entities.c.count))
            .select_from(entities.outerjoin(article_entities, article_entities.c.entity_id == entities.c.id)
                         .outerjoin(articles, articles.c.id == article_entities.c.article_id))
            .where(entities.c.id.in_(rest))
            .group_by(entities.c.id, entities.c.name, entities.c.type)
        )
        aliases = self._aliases(conn, ids)
        by_id = {int(r[0]): EntityInfo(int(r[0]), r[1], r[2], int(r[3]), int(r[4]), aliases.get(int(r[0]), []),
                                       mentions.get(int(r[0]), int(r[5] or 0)))
                 for r in (conn.execute(query) if rest else [])}
        for entity_id, info in stored.items():
            info.aliases = aliases.get(entity_id, [])
            info.mentions = mentions.get(entity_id, info.mentions)
            by_id[entity_id] = info
        return [by_id[i] for i in ids if i in by_id]

    def _aliases(self, conn: Connection, ids: Sequence[int]) -> dict[int, list[str]]:
        query = (select(entity_aliases.c.entity_id, entity_aliases.c.alias)
                 .where(entity_aliases.c.entity_id.in_(list(ids))).order_by(entity_aliases.c.alias))
        found: dict[int, list[str]] = {}
        for entity_id, alias in conn.execute(query):
            found.setdefault(int(entity_id), []).append(alias)
        return found

    # --- reading: lists --------------------------------------------------------------------
    def entity_list(self, *, type: str | None = None, limit: int = 50, offset: int = 0,
                    since: datetime | None = None) -> list[EntityInfo]:
        """Entities by number of articles mentioning them (since ``since``), most first."""
        article_count = func.count(distinct(article_entities.c.article_id))
        mention_count = func.sum(article_entities.c.count)
        query = (
            select(entities.c.id, article_count, mention_count)
            .select_from(entities.join(article_entities, article_entities.c.entity_id == entities.c.id)
                         .join(articles, articles.c.id == article_entities.c.article_id))
            .group_by(entities.c.id, entities.c.name)
            .order_by(article_count.desc(), mention_count.desc(), entities.c.name)
            .limit(limit).offset(offset)
        )
        if type:
            query = query.where(entities.c.type == type)
        if since is not None:
            query = query.where(since <= _ARTICLE_DAY)
        with self.read() as conn:
            rows = conn.execute(query).all()
            return self._infos(conn, [int(r[0]) for r in rows], {int(r[0]): int(r[2] or 0) for r in rows})

    def article_entity_rows(self, article_id: int) -> list[EntityInfo]:
        """The article's entities, most-mentioned first (``mentions`` = mentions in the article;
        the corpus-wide counts from each entity's stored page where it has one)."""
        query = (select(article_entities.c.entity_id, article_entities.c.count)
                 .join(entities, entities.c.id == article_entities.c.entity_id)
                 .where(article_entities.c.article_id == article_id)
                 .order_by(article_entities.c.count.desc(), entities.c.name))
        with self.read() as conn:
            self._require(conn, articles, article_id, "article")
            rows = conn.execute(query).all()
            return self._infos(conn, [int(r[0]) for r in rows], {int(r[0]): int(r[1]) for r in rows},
                               stored_counts=True)

    def article_entity_names(self, article_id: int) -> list[str]:
        """Canonical names of the article's entities, most-mentioned first (for story clustering)."""
        query = (select(entities.c.name)
                 .join(article_entities, article_entities.c.entity_id == entities.c.id)
                 .where(article_entities.c.article_id == article_id)
                 .order_by(article_entities.c.count.desc(), entities.c.name))
        with self.read() as conn:
            return list(conn.execute(query).scalars())

    def story_entity_rows(self, story_id: int, *, limit: int = 20) -> list[EntityInfo]:
        """Entities of a story's articles: by articles of the story mentioning them, then mentions
        (their corpus-wide counts from their stored pages where they have one)."""
        in_story = func.count(distinct(article_entities.c.article_id))
        mentions = func.sum(article_entities.c.count)
        query = (
            select(article_entities.c.entity_id, in_story, mentions)
            .join(articles, articles.c.id == article_entities.c.article_id)
            .join(entities, entities.c.id == article_entities.c.entity_id)
            .where(articles.c.story_id == story_id)
            .group_by(article_entities.c.entity_id, entities.c.name)
            .order_by(in_story.desc(), mentions.desc(), entities.c.name).limit(limit)
        )
        with self.read() as conn:
            self._require(conn, stories, story_id, "story")
            rows = conn.execute(query).all()
            return self._infos(conn, [int(r[0]) for r in rows], {int(r[0]): int(r[2] or 0) for r in rows},
                               stored_counts=True)

    # --- reading: one entity ---------------------------------------------------------------
    def entity_articles(self, entity_id: int, *, limit: int = 100) -> list[EntityArticle]:
        """Articles mentioning the entity, newest first."""
        query = (
            select(articles.c.id, articles.c.title, outlets.c.name, _ARTICLE_DAY, articles.c.story_id,
                   article_entities.c.count)
            .select_from(article_entities.join(articles, articles.c.id == article_entities.c.article_id)
                         .outerjoin(outlets, outlets.c.id == articles.c.outlet_id))
            .where(article_entities.c.entity_id == entity_id)
            .order_by(_ARTICLE_DAY.desc(), articles.c.id.desc()).limit(limit)
        )
        with self.read() as conn:
            return [EntityArticle(int(r[0]), r[1], r[2] or "", as_utc(r[3]), r[4], int(r[5]))
                    for r in conn.execute(query)]

    def entity_stories(self, entity_id: int, *, limit: int = 50) -> list[EntityStory]:
        """Stories whose articles mention the entity, most recently active first."""
        count = func.count(distinct(articles.c.id))
        query = (
            select(stories.c.id, stories.c.title, count, stories.c.first_seen, stories.c.last_seen)
            .select_from(article_entities.join(articles, articles.c.id == article_entities.c.article_id)
                         .join(stories, stories.c.id == articles.c.story_id))
            .where(article_entities.c.entity_id == entity_id)
            .group_by(stories.c.id, stories.c.title, stories.c.first_seen, stories.c.last_seen)
            .order_by(stories.c.last_seen.desc(), stories.c.id.desc()).limit(limit)
        )
        with self.read() as conn:
            return [EntityStory(int(r[0]), r[1], int(r[2]), as_utc(r[3]), as_utc(r[4])) for r in conn.execute(query)]

    def entity_coverage(self, entity_id: int) -> list[tuple[date, int]]:
        """Articles mentioning the entity per UTC day (publication date, else first seen), oldest
        first; counted by the database, one row per day."""
        if self.dialect == "sqlite":  # stored as UTC text, 'YYYY-MM-DD HH:MM:SS…'
            day: Any = func.substr(_ARTICLE_DAY, 1, 10)
        else:
            day = func.date(func.timezone("UTC", _ARTICLE_DAY))
        query = (select(day.label("day"), func.count())
                 .select_from(article_entities.join(articles, articles.c.id == article_entities.c.article_id))
                 .where(article_entities.c.entity_id == entity_id).group_by(day))
        with self.read() as conn:
            rows = conn.execute(query).all()
        days = [(d if isinstance(d, date) else date.fromisoformat(str(d)), int(n)) for d, n in rows if d]
        return sorted(days)

    def entity_cooccurring(self, entity_id: int, *, limit: int = 20) -> list[tuple[EntityInfo, int]]:
        """Entities mentioned in the same articles, with the number of articles shared (their
        corpus-wide counts from their stored pages where they have one)."""
        mine, other = article_entities.alias("mine"), article_entities.alias("other")
        shared = func.count(distinct(other.c.article_id))
        query = (
            select(other.c.entity_id, shared)
            .select_from(mine.join(other, other.c.article_id == mine.c.article_id))
            .where(mine.c.entity_id == entity_id, other.c.entity_id != entity_id)
            .group_by(other.c.entity_id).order_by(shared.desc(), other.c.entity_id).limit(limit)
        )
        with self.read() as conn:
            rows = conn.execute(query).all()
            infos = self._infos(conn, [int(r[0]) for r in rows], {}, stored_counts=True)
        counts = {int(r[0]): int(r[1]) for r in rows}
        return [(info, counts[info.id]) for info in infos]

    # --- key phrases -----------------------------------------------------------------------
    def replace_article_keyphrases(self, article_id: int, phrases: Sequence[tuple[str, float]]) -> None:
        """Make ``phrases`` the article's key phrases (idempotent: earlier rows are replaced)."""
        with self.transaction() as conn:
            self._require(conn, articles, article_id, "article")
            conn.execute(delete(keyphrases).where(keyphrases.c.article_id == article_id))
            for phrase, score in phrases:
                statement = upsert(self.dialect, keyphrases).values(article_id=article_id, phrase=phrase,
                                                                     score=score)
                conn.execute(statement.on_conflict_do_update(
                    index_elements=[keyphrases.c.article_id, keyphrases.c.phrase],
                    set_={"score": statement.excluded.score}))

    def article_keyphrase_rows(self, article_id: int) -> list[tuple[str, float]]:
        """The article's key phrases, best first."""
        query = (select(keyphrases.c.phrase, keyphrases.c.score).where(keyphrases.c.article_id == article_id)
                 .order_by(keyphrases.c.score.desc(), keyphrases.c.phrase))
        with self.read() as conn:
            self._require(conn, articles, article_id, "article")
            return [(r[0], float(r[1])) for r in conn.execute(query)]

    def story_keyphrase_rows(self, story_id: int) -> tuple[int, list[tuple[int, str, float]]]:
        """(number of the story's original articles, their key phrase rows ``(article_id, phrase, score)``)."""
        copies = select(duplicate_links.c.article_id)
        members = select(articles.c.id).where(articles.c.story_id == story_id, articles.c.id.not_in(copies))
        query = (select(keyphrases.c.article_id, keyphrases.c.phrase, keyphrases.c.score)
                 .where(keyphrases.c.article_id.in_(members)))
        with self.read() as conn:
            self._require(conn, stories, story_id, "story")
            size = conn.execute(select(func.count()).select_from(members.subquery())).scalar_one()
            return int(size), [(int(r[0]), r[1], float(r[2])) for r in conn.execute(query)]


__all__ = ["EntityArticle", "EntityDetail", "EntityGroup", "EntityInfo", "EntityQueries", "EntityStory",
           "touch_article_entities", "touch_entities"]
