"""Bulk-load a large synthetic desk (default 100,000 articles) into a newsdesk database, fast.

    .venv/bin/python bench/web/generate.py DATA_DIR [--articles 1000000]                  # SQLite
    .venv/bin/python bench/web/generate.py DATA_DIR --articles 1000000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/ngen1m                       # PostgreSQL

The schema is the product's: the store is opened the usual way (every migration applied), then
the rows are written straight into its tables — outlets, stories, articles (5% of them exact
copies of an original in the same story, linked in ``duplicate_links``), entities and which
article mentions which (``article_entities``, with the mention offsets in the text) — with
batched ``executemany`` on SQLite and ``COPY`` on PostgreSQL, instead of one ``save_article`` per
row. For the load, the secondary indexes and the full-text triggers of the loaded tables are
dropped and then recreated from their own stored definitions (``sqlite_master`` /
``pg_indexes``): the same indexes, built once. The SQLite full-text index is filled with FTS5's
``rebuild`` (what the triggers would have inserted row by row); on PostgreSQL the generated
``search_vector`` column is computed by COPY and its GIN index built afterwards. On PostgreSQL
foreign keys are not checked during COPY (``session_replication_role = replica``; the rows are
consistent by construction) and ``ANALYZE`` runs at the end, as autovacuum would.

Derived page data uses the product's own functions: the story digests of the newest
``--story-digests`` stories (``analyze.digests.story_page``, what the refresh job stores, without
the related lists of the story's articles) and the pages of the ``--entity-digests``
most-mentioned entities and of those the ``--recent-articles`` newest articles mention
(``refresh_entity``, what the refresh job stores when articles are filed); the rest, and every article's related list, are
computed and stored on a page's first view, as on a desk whose jobs have not caught up. Articles
are marked analysed (so a server's catch-up job does not start analysing the desk); the
clusterer's own state (story terms, MinHash buckets, embeddings) is not generated, so this desk
is for reading, not for ingesting more. Deterministic (seeded); text is invented from a made-up
vocabulary, each story with its own topic words and entities.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import json
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, select

from newsdesk.config import Settings, load_settings
from newsdesk.store import Store, open_store
from newsdesk.store.schema import (
    article_entities,
    articles,
    duplicate_links,
    entities,
    outlets,
    stories,
)

SYLLABLES = ["ka", "lo", "mir", "den", "sa", "vo", "tre", "lin", "qua", "pel", "dor", "ni", "ze", "ru", "mon",
             "tal", "ve", "gor", "is", "ban", "cel", "fu", "ho", "jat", "ke", "ram", "sol", "ti", "ul", "wen"]
#: words every generated article uses (bench/web/run.py searches them as the common words)
COMMON = ["the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "was", "by", "at",
          "from", "said", "it", "be", "has", "an", "are", "have", "will", "government", "city", "minister",
          "council", "report", "people", "year", "week", "new", "plan", "officials"]
ORG_WORDS = ["Council", "Board", "Agency", "Union", "Institute", "Authority", "Bank", "Party", "Ministry", "Group"]
PLACE_WORDS = ["", "", "", " Bay", " Heights", " Valley", " Port"]
SAID = ["{} said the plan would go ahead", "officials close to {} declined to comment",
        "{} called the report a first step", "a statement from {} followed on Monday",
        "critics of {} asked for a vote", "{} met the minister in the city"]
TABLES = (outlets, stories, articles, duplicate_links, entities, article_entities)
COPY_SHARE = 0.05
BATCH = 20_000


def make_vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def sentence(rng: random.Random, topic: Sequence[str], vocabulary: Sequence[str]) -> str:
    pick = rng.random  # seq[int(pick() * len(seq))]: a uniform choice, a few times cheaper than choice()
    words = [topic[int(pick() * len(topic))] if pick() < 0.25 else COMMON[int(pick() * len(COMMON))]
             if pick() < 0.45 else vocabulary[int(pick() * len(vocabulary))] for _ in range(10 + int(pick() * 13))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


@dataclass
class Entity:
    id: int
    name: str
    type: str


@dataclass
class Desk:
    """Everything generated, in insert order; the rows are built lazily, batch by batch."""

    vocabulary: list[str]
    outlet_names: list[str]
    entities: list[Entity]
    #: cumulative Zipf weights over ``entities`` (most mentioned first)
    weights: list[float]
    common_sentences: list[str] = field(default_factory=list)


def make_entities(rng: random.Random, vocabulary: list[str], count: int) -> list[Entity]:
    seen: set[tuple[str, str]] = set()
    found: list[Entity] = []
    while len(found) < count:
        kind = rng.choices(("person", "org", "place"), weights=(5, 3, 2))[0]
        first, second = rng.choice(vocabulary).capitalize(), rng.choice(vocabulary).capitalize()
        name = (f"{first} {second}" if kind == "person" else f"{first} {rng.choice(ORG_WORDS)}" if kind == "org"
                else first + rng.choice(PLACE_WORDS))
        if (name, kind) not in seen:
            seen.add((name, kind))
            found.append(Entity(len(found) + 1, name, kind))
    return found


def zipf_pick(rng: random.Random, desk: Desk) -> Entity:
    return desk.entities[bisect.bisect_left(desk.weights, rng.random() * desk.weights[-1])]


@dataclass
class Row:
    article: dict[str, Any]
    mentions: list[dict[str, Any]]
    copy_of: int | None = None


def article_body(rng: random.Random, desk: Desk, topic_sentences: list[str], named: list[Entity]
                 ) -> tuple[str, list[tuple[Entity, int, int]]]:
    """The text (paragraphs of topic and common sentences, the entities named in some of them)
    and where each entity is named."""
    pieces: list[str] = []
    spots: list[tuple[Entity, int, int]] = []
    length = 0
    mentions = [e for e in named for _ in range(rng.randint(1, 2))]
    rng.shuffle(mentions)
    total = rng.randint(8, 14)
    for n in range(total):
        if n and n % rng.randint(3, 4) == 0:
            pieces.append("\n\n")
            length += 2
        elif n:
            pieces.append(" ")
            length += 1
        if mentions and rng.random() < 0.5 or mentions and n >= total - len(mentions):
            entity = mentions.pop()
            template = rng.choice(SAID)
            start = length + template.index("{}")
            text = template.format(entity.name)
            text = text[0].upper() + text[1:] + "."
            spots.append((entity, start, start + len(entity.name)))
        else:
            pool = topic_sentences if rng.random() < 0.4 else desk.common_sentences
            text = pool[int(rng.random() * len(pool))]
        pieces.append(text)
        length += len(text)
    return "".join(pieces), spots


def generate_rows(rng: random.Random, desk: Desk, *, articles_total: int, story_size: int, start: datetime,
                  now: datetime) -> Iterator[tuple[dict[str, Any], list[Row]]]:
    """(story row, its article rows) per story, ids assigned in order from 1."""
    story_count = max(1, round(articles_total / story_size))
    span_hours = 24 * 365 * 1.5
    article_id = 0
    written = 0
    for story_index in range(story_count):
        remaining_stories = story_count - story_index
        count = min(articles_total - written, max(1, round((articles_total - written) / remaining_stories)))
        if count <= 0:
            break
        topic = rng.sample(desk.vocabulary, 6)
        topic_sentences = [sentence(rng, topic, desk.vocabulary) for _ in range(12)]
        cast = list({zipf_pick(rng, desk).id: None for _ in range(rng.randint(3, 6))})
        cast_entities = [desk.entities[i - 1] for i in cast]
        story_start = start + timedelta(hours=story_index * span_hours / story_count)
        title_words = " ".join(w.capitalize() for w in topic[:3])
        rows: list[Row] = []
        originals: list[Row] = []
        for n in range(count):
            article_id += 1
            when = story_start + timedelta(minutes=rng.randint(0, 96 * 60))
            outlet = rng.randrange(len(desk.outlet_names))
            slug = desk.outlet_names[outlet].lower().replace(" ", "")
            url = f"https://{slug}.example/{story_index}/{n}"
            if originals and rng.random() < COPY_SHARE:  # an exact copy of an earlier original
                source = rng.choice(originals)
                text, title = source.article["text"], source.article["title"]
                mentions: list[dict[str, Any]] = []
                copy_of: int | None = source.article["id"]
                when = max(when, source.article["published"] + timedelta(minutes=5))
            else:
                named = rng.sample(cast_entities, min(len(cast_entities), rng.randint(2, 4)))
                named += [zipf_pick(rng, desk) for _ in range(rng.randint(0, 2))]
                named = list({e.id: e for e in named}.values())
                text, spots = article_body(rng, desk, topic_sentences, named)
                words = topic_sentences[int(rng.random() * len(topic_sentences))].split()
                rng.shuffle(words)
                title = f"{title_words}: {' '.join(words)[:70].rstrip('.').capitalize()}"
                positions: dict[int, list[list[int]]] = {}
                for entity, begin, end in spots:
                    positions.setdefault(entity.id, []).append([begin, end])
                by_id = {e.id: e for e in named}
                mentions = [{"article_id": article_id, "entity_id": eid, "count": len(p),
                             "positions": json.dumps(sorted(p)), "type": by_id[eid].type}
                            for eid, p in positions.items()]
                copy_of = None
            digest = hashlib.sha256(text.encode()).hexdigest()
            row = Row({"id": article_id, "url": url, "canonical_url": url, "title": title,
                       "author": f"Reporter {rng.randint(1, 300)}", "published": when, "outlet_id": outlet + 1,
                       "language": "en", "text": text, "excerpt": text[:240], "status": "ok", "kind": "html",
                       "content_hash": digest, "first_seen": when + timedelta(minutes=3), "updated_at": now,
                       "feed_id": None, "story_id": story_index + 1, "analyzed_at": now}, mentions, copy_of)
            rows.append(row)
            if copy_of is None:
                originals.append(row)
        written += count
        published = [r.article["published"] for r in rows]
        story = {"id": story_index + 1, "title": f"{title_words} story", "first_seen": min(published),
                 "last_seen": max(published), "size": len(originals), "centroid": None, "merged_into": None,
                 "created_at": now, "updated_at": now}
        yield story, rows


# --- writing -----------------------------------------------------------------------------------

class Loader:
    """Batched inserts into the product's tables: executemany (SQLite) or COPY (PostgreSQL)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.dialect = store.dialect
        self.raw = store.engine.raw_connection()
        self.conn: Any = self.raw.driver_connection
        self.saved: list[tuple[str, str]] = []
        if self.dialect == "sqlite":
            self.conn.execute("PRAGMA synchronous=OFF")
            self.conn.execute("PRAGMA cache_size=-400000")  # 400 MB for the index builds
            self.conn.execute("PRAGMA foreign_keys=OFF")
        else:
            with self.conn.cursor() as cur:
                cur.execute("SET session_replication_role = replica")
                cur.execute("SET maintenance_work_mem = '512MB'")
            self.conn.commit()
        engine_dialect = store.engine.dialect
        self.processors = {t.name: {c.name: c.type.bind_processor(engine_dialect) for c in t.columns}
                           for t in TABLES}

    def drop_derived(self) -> None:
        """Drop the secondary indexes (and SQLite's full-text triggers) of the loaded tables,
        keeping their definitions to recreate them with :meth:`restore_derived`."""
        names = [t.name for t in TABLES]
        if self.dialect == "sqlite":
            marks = ",".join("?" * len(names))
            rows = self.conn.execute(
                f"SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks})", names).fetchall()
            self.saved = [(kind, sql) for kind, _name, sql in rows]
            for kind, name, _sql in rows:
                self.conn.execute(f'DROP {kind.upper()} "{name}"')
            self.conn.commit()
        else:
            with self.conn.cursor() as cur:
                cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND "
                            "tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                            (names,))
                found = cur.fetchall()
                self.saved = [("index", definition) for _name, definition in found]
                for name, _definition in found:
                    cur.execute(f'DROP INDEX "{name}"')
            self.conn.commit()

    def restore_derived(self) -> None:
        if self.dialect == "sqlite":
            for kind, sql in self.saved:
                if kind == "index":
                    self.conn.execute(sql)
            self.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
            for kind, sql in self.saved:
                if kind == "trigger":
                    self.conn.execute(sql)
            self.conn.commit()
        else:
            with self.conn.cursor() as cur:
                for _kind, definition in self.saved:
                    cur.execute(definition)
                for table in TABLES:
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                f"(SELECT max(id) FROM {table.name}))" if "id" in table.c else "SELECT 1")
            self.conn.commit()
            self.conn.autocommit = True
            with self.conn.cursor() as cur:
                cur.execute("SET session_replication_role = origin")
                cur.execute("ANALYZE")
            self.conn.autocommit = False

    def write(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        columns = list(rows[0])
        if self.dialect == "sqlite":
            if not self.conn.in_transaction:
                self.conn.execute("BEGIN")
            procs = [self.processors[table.name][c] for c in columns]
            values = [tuple(p(r[c]) if p else r[c] for c, p in zip(columns, procs, strict=True)) for r in rows]
            self.conn.executemany(f"INSERT INTO {table.name} ({', '.join(columns)}) "
                                  f"VALUES ({', '.join('?' * len(columns))})", values)
        else:
            with self.conn.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row([r[c] for c in columns])

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.raw.close()


def load(store: Store, *, articles_total: int, story_size: int, seed: int = 7) -> dict[str, float]:
    """Generate and bulk-load the desk; returns seconds per phase."""
    rng = random.Random(seed)
    vocabulary = make_vocabulary(rng, 4000)
    outlet_names = [f"{rng.choice(['Daily', 'Morning', 'Evening', 'Weekly'])} {w.capitalize()}"
                    for w in rng.sample(vocabulary, 24)]
    entity_list = make_entities(rng, vocabulary, max(2000, articles_total // 20))
    weights = list(itertools.accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(len(entity_list))))
    desk = Desk(vocabulary, outlet_names, entity_list, weights)
    desk.common_sentences = [sentence(rng, COMMON, vocabulary) for _ in range(20_000)]
    now = datetime.now(UTC).replace(microsecond=0)
    timings: dict[str, float] = {}
    loader = Loader(store)
    began = time.monotonic()
    loader.drop_derived()
    loader.write(outlets, [{"id": i + 1, "name": name, "domain": name.lower().replace(" ", "") + ".example"}
                           for i, name in enumerate(outlet_names)])
    loader.write(entities, [{"id": e.id, "name": e.name, "type": e.type, "updated_at": now} for e in entity_list])
    loader.commit()
    story_rows: list[dict[str, Any]] = []
    article_rows: list[dict[str, Any]] = []
    mention_rows: list[dict[str, Any]] = []
    copy_rows: list[dict[str, Any]] = []
    written = 0
    last_report = began

    def flush() -> None:
        loader.write(stories, story_rows)
        loader.write(articles, article_rows)
        loader.write(duplicate_links, copy_rows)
        loader.write(article_entities, mention_rows)
        loader.commit()
        for each in (story_rows, article_rows, copy_rows, mention_rows):
            each.clear()

    for story, rows in generate_rows(rng, desk, articles_total=articles_total, story_size=story_size,
                                     start=datetime(2025, 1, 1, tzinfo=UTC), now=now):
        story_rows.append(story)
        for row in rows:
            article_rows.append(row.article)
            mention_rows += row.mentions
            if row.copy_of is not None:
                copy_rows.append({"article_id": row.article["id"], "original_id": row.copy_of, "kind": "exact",
                                  "similarity": 1.0})
        written += len(rows)
        if len(article_rows) >= BATCH:
            flush()
            if time.monotonic() - last_report > 30:
                last_report = time.monotonic()
                print(f"  {written:>8,} articles  ({written / (last_report - began):,.0f}/s)", flush=True)
    flush()
    timings["rows"] = time.monotonic() - began
    print(f"rows: {written:,} articles in {timings['rows']:.0f} s; building indexes", flush=True)
    began = time.monotonic()
    loader.restore_derived()
    loader.close()
    timings["indexes"] = time.monotonic() - began
    print(f"indexes and full-text index: {timings['indexes']:.0f} s", flush=True)
    return timings


def page_data(store: Store, settings: Settings, *, story_count: int, entity_count: int,
              recent_articles: int = 0) -> dict[str, float]:
    """The stored page data of the newest stories, the most-mentioned entities and the entities
    of the newest articles (what the refresh jobs store as articles are filed), by the product's
    own refresh functions."""
    from newsdesk.analyze import digests

    timings: dict[str, float] = {}
    began = time.monotonic()
    newest = [s.id for s in store.list_stories(limit=story_count)]
    for story_id in newest:  # refresh_story without the related lists of its newest articles
        basis = store.story_basis(story_id)
        page, line = digests.story_page(store, settings, story_id)
        store.put_story_digest(story_id, basis or "-", line, page)
    timings["story digests"] = time.monotonic() - began
    print(f"story digests: {len(newest):,} in {timings['story digests']:.0f} s", flush=True)
    began = time.monotonic()
    mentioned = func.count()
    with store.read() as conn:
        top = [int(i) for i in conn.execute(
            select(article_entities.c.entity_id).group_by(article_entities.c.entity_id)
            .order_by(mentioned.desc(), article_entities.c.entity_id).limit(entity_count)).scalars()]
    newest_articles = [a.id for a in store.list_articles(limit=recent_articles, include_duplicates=False)]
    top += [i for i in store.entity_ids_of_articles(newest_articles) if i not in set(top)]
    for entity_id in top:
        digests.refresh_entity(store, entity_id)
    timings["entity digests"] = time.monotonic() - began
    print(f"entity digests: {len(top):,} in {timings['entity digests']:.0f} s", flush=True)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--story-size", type=int, default=10)
    parser.add_argument("--database-url", default=None, help="load into this database (PostgreSQL) instead")
    parser.add_argument("--story-digests", type=int, default=300,
                        help="store the page data of this many newest stories (the rest: on first view)")
    parser.add_argument("--entity-digests", type=int, default=300,
                        help="store the pages of this many most-mentioned entities (the rest: on first view)")
    parser.add_argument("--recent-articles", type=int, default=100,
                        help="and the pages of the entities these many newest articles mention")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--page-data-only", action="store_true",
                        help="only compute the page data of a desk loaded before (e.g. with --*-digests 0)")
    options = parser.parse_args()
    settings = load_settings(data_dir=options.data_dir, database_url=options.database_url)
    store = open_store(settings)
    if options.page_data_only:
        timings = page_data(store, settings, story_count=options.story_digests, entity_count=options.entity_digests,
                            recent_articles=options.recent_articles)
        print(f"page data: {', '.join(f'{k} {v:.0f} s' for k, v in timings.items())}")
        return
    if store.count_articles():
        print(f"{store.url if options.database_url else options.data_dir} already holds "
              f"{store.count_articles()} articles; nothing generated")
        return
    began = time.monotonic()
    timings = load(store, articles_total=options.articles, story_size=options.story_size, seed=options.seed)
    timings |= page_data(store, settings, story_count=options.story_digests, entity_count=options.entity_digests,
                         recent_articles=options.recent_articles)
    print(f"generated {options.articles:,} articles in {time.monotonic() - began:.0f} s "
          f"({', '.join(f'{k} {v:.0f} s' for k, v in timings.items())})")


if __name__ == "__main__":
    main()
