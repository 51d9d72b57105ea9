"""Generate a large synthetic corpus (default 100,000 articles) straight into a newsdesk database.

    .venv/bin/python bench/web/generate.py DATA_DIR [--articles 100000] [--story-size 10]

Articles are written through the store's own write methods (``save_article``, ``create_story``,
``set_article_story``) in batches, skipping extraction and analysis (they are marked analysed, so a
server's catch-up job does not start analysing the whole desk), so a big database is ready in
minutes. Text is invented from a made-up vocabulary: each story has its own topic words, so
search, related articles and story pages have realistic work to do. Deterministic (seeded).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsdesk.config import load_settings
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store, open_store

SYLLABLES = ["ka", "lo", "mir", "den", "sa", "vo", "tre", "lin", "qua", "pel", "dor", "ni", "ze", "ru", "mon",
             "tal", "ve", "gor", "is", "ban", "cel", "fu", "ho", "jat", "ke", "ram", "sol", "ti", "ul", "wen"]
COMMON = ["the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "was", "by", "at",
          "from", "said", "it", "be", "has", "an", "are", "have", "will", "government", "city", "minister",
          "council", "report", "people", "year", "week", "new", "plan", "officials"]


def make_vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def sentence(rng: random.Random, topic: list[str], vocabulary: list[str]) -> str:
    words = [rng.choice(topic) if rng.random() < 0.25 else rng.choice(COMMON) if rng.random() < 0.45
             else rng.choice(vocabulary) for _ in range(rng.randint(10, 22))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def article_text(rng: random.Random, topic: list[str], vocabulary: list[str]) -> str:
    paragraphs = [" ".join(sentence(rng, topic, vocabulary) for _ in range(rng.randint(2, 4)))
                  for _ in range(rng.randint(3, 6))]
    return "\n\n".join(paragraphs)


def generate(store: Store, *, articles: int, story_size: int, seed: int = 7, batch: int = 500) -> None:
    rng = random.Random(seed)
    vocabulary = make_vocabulary(rng, 4000)
    outlets = [f"{rng.choice(['Daily', 'Morning', 'Evening', 'Weekly'])} {w.capitalize()}"
               for w in rng.sample(vocabulary, 24)]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    stories = max(1, articles // story_size)
    written, began = 0, time.monotonic()
    for story_index in range(stories):
        topic = rng.sample(vocabulary, 6)
        story_start = start + timedelta(hours=story_index * (24 * 365 / stories) * 1.5)
        count = min(story_size, articles - written)
        if count <= 0:
            break
        title_words = " ".join(w.capitalize() for w in topic[:3])
        with store.transaction() as conn:
            ids, published = [], []
            for n in range(count):
                when = story_start + timedelta(hours=rng.randint(0, 96))
                outlet = rng.choice(outlets)
                text = article_text(rng, topic, vocabulary)
                title = f"{title_words}: {sentence(rng, topic, vocabulary)[:70].rstrip('.')}"
                url = f"https://{outlet.lower().replace(' ', '')}.example/{story_index}/{n}"
                extracted = ExtractedArticle(url=url, title=title, author=f"Reporter {rng.randint(1, 300)}",
                                             published=when, outlet=outlet, language="en", canonical_url=url,
                                             text=text, excerpt=text[:240])
                digest = hashlib.sha256(text.encode()).hexdigest()
                ids.append(store.save_article(conn, extracted, canonical_url=url, content_hash=digest,
                                              domain=url.split("/")[2]).id)
                published.append(when)
            story_id = store.create_story(conn, title=f"{title_words} story", size=count, centroid=b"",
                                          first_seen=min(published), last_seen=max(published))
            for article_id in ids:
                store.set_article_story(conn, article_id, story_id)
        for article_id in ids:  # as if analysed: the desk's catch-up job leaves them alone
            store.mark_analyzed(article_id)
        written += count
        if written % (batch * 20) < story_size:
            rate = written / (time.monotonic() - began)
            print(f"  {written:>7} articles  ({rate:,.0f}/s)", flush=True)
    print(f"generated {written} articles in {stories} stories in {time.monotonic() - began:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--story-size", type=int, default=10)
    options = parser.parse_args()
    store = open_store(load_settings(data_dir=options.data_dir))
    if store.count_articles():
        print(f"{options.data_dir} already holds {store.count_articles()} articles; nothing generated")
        return
    generate(store, articles=options.articles, story_size=options.story_size)


if __name__ == "__main__":
    main()
