"""Stories: incremental clustering of articles about one real-world event.

Each new article joins the most similar live story or starts a new one. Similarity mixes

* text: cosine of the article's TF-IDF vector with the story centroid (sum of its members'
  sublinear term vectors, weighted with the *current* IDF, which grows with the stream);
* names: cosine of the article's entity names (or, without entities, its capitalised phrases)
  with the story's name counts;
* time: stories whose dates are more than ``window_days`` away are not candidates, and nearer
  ones are favoured slightly.

Candidates come from an inverted index *top term → stories* restricted to the time window, so
adding an article never scans every story: its cost depends on the candidate lists, not on
the corpus. Story ids never change while a story grows; when two stories converge, the smaller
is merged into the larger and its id points to the survivor.

:class:`StreamClusterer` is pure (``MemoryIndex``); :func:`assign_story` runs the same
algorithm over a :class:`StoreIndex` whose state lives in the database (``stories.centroid``,
``story_terms``, ``term_df``), so a restart continues where it stopped.
"""

from __future__ import annotations

import json
import zlib
from collections import OrderedDict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from newsdesk.analyze import story_merge, vectors
from newsdesk.analyze.framing import compare_outlets
from newsdesk.errors import AnalysisError, NotFoundError
from newsdesk.models import FramingInput, StoryDetail, StoryInfo, TimelineEntry

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from newsdesk.config import Settings
    from newsdesk.models import Article
    from newsdesk.store import Store

#: terms of a new article used to look up candidate stories
QUERY_TERMS = 12
#: terms under which a story is filed in the inverted index
INDEX_TERMS = 20
#: most candidate stories scored per article
MAX_CANDIDATES = 40
#: newest stories read per posting list (bounds the cost of very common terms)
MAX_POSTINGS = 300
#: centroid terms kept per story (pruned by weight when exceeded)
CENTROID_TERMS = 400
#: share of the score given to text when the article has names (the rest to names)
TEXT_WEIGHT = 0.75
#: how much a date at the window's edge lowers the score (0 = time ignored)
TIME_PENALTY = 0.3


# --------------------------------------------------------------------------------------------
# story state and the index it lives in


@dataclass
class StoryState:
    """What the clusterer keeps per story."""

    id: int
    terms: dict[str, float] = field(default_factory=dict)
    names: dict[str, float] = field(default_factory=dict)
    size: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    def to_bytes(self) -> bytes:
        """Compact form stored in ``stories.centroid``."""
        data = {"terms": {t: round(w, 4) for t, w in self.terms.items()}, "names": self.names}
        return zlib.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"))

    @classmethod
    def from_bytes(cls, story_id: int, blob: bytes | None, *, size: int,
                   first_seen: datetime | None, last_seen: datetime | None) -> StoryState:
        data: dict[str, Any] = json.loads(zlib.decompress(blob)) if blob else {}
        return cls(story_id, dict(data.get("terms", {})), dict(data.get("names", {})), size,
                   first_seen, last_seen)


class ClusterIndex(Protocol):
    """Where stories, their inverted index and the document frequencies are kept."""

    def n_docs(self) -> int: ...
    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]: ...
    def count_document(self, terms: Iterable[str]) -> None: ...
    def candidates(self, terms: Sequence[str], published: datetime | None, window: timedelta,
                   limit: int) -> list[int]: ...
    def load(self, story_ids: Sequence[int]) -> dict[int, StoryState]: ...
    def create(self, state: StoryState, index_terms: Sequence[str]) -> int: ...
    def save(self, state: StoryState, index_terms: Sequence[str]) -> None: ...
    def merge(self, loser: int, survivor: int) -> None: ...
    def resolve(self, story_id: int) -> int: ...


def within_window(published: datetime | None, state_first: datetime | None,
                  state_last: datetime | None, window: timedelta) -> bool:
    """Whether a story's date range comes within ``window`` of ``published`` (undated: yes)."""
    if published is None or state_first is None or state_last is None:
        return True
    return state_first - window <= published <= state_last + window


def _left_behind(published: datetime | None, last_seen: datetime | None, window: timedelta) -> bool:
    """Whether a story's last article is more than a window older than ``published``."""
    return published is not None and last_seen is not None and last_seen + window < published


class MemoryIndex:
    """In-memory :class:`ClusterIndex` for the pure :class:`StreamClusterer`.

    Posting lists are kept in update order; the candidate search reads them newest first and
    stops at the first story left more than a window behind (in a date-ordered stream, all
    earlier entries are older still) or after ``MAX_POSTINGS`` entries.
    """

    def __init__(self) -> None:
        self.frequencies = vectors.DocumentFrequencies()
        self.stories: dict[int, StoryState] = {}
        #: term → story ids, the most recently updated last
        self.postings: dict[str, OrderedDict[int, None]] = {}
        self.filed: dict[int, list[str]] = {}
        self.aliases: dict[int, int] = {}

    def n_docs(self) -> int:
        return self.frequencies.n_docs

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        return self.frequencies.get(terms)

    def count_document(self, terms: Iterable[str]) -> None:
        self.frequencies.add(terms)

    def candidates(self, terms: Sequence[str], published: datetime | None, window: timedelta,
                   limit: int) -> list[int]:
        hits: dict[int, int] = {}
        for term in terms:
            posting = self.postings.get(term)
            if not posting:
                continue
            for seen, story_id in enumerate(reversed(posting)):
                state = self.stories[story_id]
                if seen >= MAX_POSTINGS or _left_behind(published, state.last_seen, window):
                    break  # older entries were updated earlier still: out of reach too
                if within_window(published, state.first_seen, state.last_seen, window):
                    hits[story_id] = hits.get(story_id, 0) + 1
        ranked = sorted(hits, key=lambda sid: (-hits[sid], -sid))
        return ranked[:limit]

    def load(self, story_ids: Sequence[int]) -> dict[int, StoryState]:
        return {sid: self.stories[sid] for sid in story_ids if sid in self.stories}

    def create(self, state: StoryState, index_terms: Sequence[str]) -> int:
        state.id = len(self.stories) + len(self.aliases) + 1
        self.stories[state.id] = state
        self._file(state.id, index_terms)
        return state.id

    def save(self, state: StoryState, index_terms: Sequence[str]) -> None:
        self.stories[state.id] = state
        self._file(state.id, index_terms)

    def merge(self, loser: int, survivor: int) -> None:
        self._file(loser, [])
        del self.stories[loser]
        self.aliases[loser] = survivor

    def resolve(self, story_id: int) -> int:
        while story_id in self.aliases:
            story_id = self.aliases[story_id]
        return story_id

    def _file(self, story_id: int, index_terms: Sequence[str]) -> None:
        for term in self.filed.get(story_id, []):
            self.postings[term].pop(story_id, None)
        for term in index_terms:
            self.postings.setdefault(term, OrderedDict())[story_id] = None
        self.filed[story_id] = list(index_terms)


# --------------------------------------------------------------------------------------------
# the clusterer


@dataclass
class _Doc:
    tf: dict[str, float]
    weights: dict[str, float]
    names: dict[str, float]
    published: datetime | None


class StreamClusterer:
    """Incremental story clustering; ``add`` returns the id of the story a document joined.

    ``threshold``: lowest similarity (0..1) at which a document joins a story;
    ``window_days``: stories further away in time are not candidates;
    ``merge_threshold``: centroid similarity at which two stories are merged (None: never).
    """

    def __init__(self, threshold: float = 0.3, window_days: int = 14, *,
                 merge_threshold: float | None = 0.5, index: ClusterIndex | None = None) -> None:
        if not 0 < threshold <= 1:
            raise AnalysisError(f"story threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.window = timedelta(days=window_days)
        self.merge_threshold = merge_threshold
        self.index: ClusterIndex = index if index is not None else MemoryIndex()
        self.assignments: dict[str, int] = {}
        #: the most recent documents, for :meth:`merge_pass` (bounded: its cost stays flat)
        self.recent: deque[tuple[str, _Doc]] = deque(maxlen=story_merge.MERGE_DOCS)

    def add(self, doc_id: str | int, title: str | None, text: str | None,
            published: datetime | None = None, source: str | None = None,
            entities: Sequence[str] = ()) -> int:
        """File one document; returns the story it joined or created."""
        doc = self._vectorise(title, text, published, entities)
        story_id = self._place(doc)
        self.assignments[str(doc_id)] = story_id
        if doc.tf:
            self.recent.append((str(doc_id), doc))
        return story_id

    def merge_pass(self, threshold: float = story_merge.MERGE_SCORE) -> list[int]:
        """Merge the recent stories the stream split (average link over their members, see
        :mod:`newsdesk.analyze.story_merge`); returns the ids of the stories that grew."""
        members = [story_merge.Member(self.story_of(doc_id), doc.tf, doc.names, doc.published)
                   for doc_id, doc in self.recent]
        return apply_merges(self.index, members, self.window, threshold)

    def story_of(self, doc_id: str | int) -> int:
        """The story a document is in now (following merges)."""
        return self.index.resolve(self.assignments[str(doc_id)])

    def _vectorise(self, title: str | None, text: str | None, published: datetime | None,
                   entities: Sequence[str]) -> _Doc:
        tf = vectors.sublinear(vectors.term_counts(title, text))
        self.index.count_document(tf)
        weights = vectors.weigh(tf, self.index.document_frequencies(tf), self.index.n_docs())
        raw_names = [vectors.fold(e) for e in entities] if entities else vectors.name_phrases(
            f"{title or ''}\n{text or ''}")
        names = {name: 1.0 for name in raw_names if name}
        return _Doc(tf, vectors.normalise(weights), names, published)

    def _place(self, doc: _Doc) -> int:
        if not doc.tf:
            return self.index.create(_new_state(doc), [])
        query = vectors.top_terms(doc.weights, QUERY_TERMS)
        candidate_ids = self.index.candidates(query, doc.published, self.window, MAX_CANDIDATES)
        states = self.index.load(candidate_ids)
        dfs = self.index.document_frequencies({t for s in states.values() for t in s.terms})
        n_docs = self.index.n_docs()
        scored = sorted(((self._score(doc, s, dfs, n_docs), s) for s in states.values()),
                        key=lambda pair: (-pair[0], pair[1].id))
        if not scored or scored[0][0] < self.threshold:
            state = _new_state(doc)
            return self.index.create(state, self._index_terms(state, doc, n_docs))
        best = scored[0][1]
        _absorb(best, doc)
        self.index.save(best, self._index_terms(best, doc, n_docs))
        return self._maybe_merge(best, [s for _, s in scored[1:3]], n_docs)

    def _score(self, doc: _Doc, state: StoryState, dfs: dict[str, int], n_docs: int) -> float:
        text = vectors.cosine(doc.weights, vectors.weigh(state.terms, dfs, n_docs))
        if doc.names and state.names:
            score = TEXT_WEIGHT * text + (1 - TEXT_WEIGHT) * vectors.cosine(doc.names, state.names)
        else:
            score = text
        return score * self._time_factor(doc.published, state)

    def _time_factor(self, published: datetime | None, state: StoryState) -> float:
        if published is None or state.first_seen is None or state.last_seen is None:
            return 1.0
        gap = max(state.first_seen - published, published - state.last_seen, timedelta(0))
        return 1.0 - TIME_PENALTY * min(1.0, gap / self.window) if self.window else 1.0

    def _index_terms(self, state: StoryState, doc: _Doc, n_docs: int) -> list[str]:
        dfs = self.index.document_frequencies(state.terms)
        return vectors.top_terms(vectors.weigh(state.terms, dfs, n_docs), INDEX_TERMS)

    def _maybe_merge(self, story: StoryState, others: list[StoryState], n_docs: int) -> int:
        if self.merge_threshold is None or not others:
            return story.id
        dfs = self.index.document_frequencies({t for s in [story, *others] for t in s.terms})
        mine = vectors.weigh(story.terms, dfs, n_docs)
        for other in others:
            if vectors.cosine(mine, vectors.weigh(other.terms, dfs, n_docs)) < self.merge_threshold:
                continue
            survivor, loser = (story, other) if (story.size, -story.id) >= (other.size, -other.id) \
                else (other, story)
            _fold_into(survivor, loser)
            self.index.save(survivor, vectors.top_terms(vectors.weigh(survivor.terms, dfs, n_docs),
                                                        INDEX_TERMS))
            self.index.merge(loser.id, survivor.id)
            return survivor.id
        return story.id


def current_idf(index: ClusterIndex, terms: Iterable[str]) -> dict[str, float]:
    """Inverse document frequency of ``terms`` from the index's counts now."""
    n_docs = index.n_docs()
    return {t: vectors.idf(df, n_docs) for t, df in index.document_frequencies(terms).items()}


def apply_merges(index: ClusterIndex, members: Sequence[story_merge.Member], window: timedelta,
                 threshold: float = story_merge.MERGE_SCORE) -> list[int]:
    """Decide the merges among the stories of ``members`` and carry them out in ``index``: each
    group is folded into its largest story; returns the surviving ids."""
    idf = current_idf(index, {t for m in members for t in m.tf})
    survivors: list[int] = []
    for group in story_merge.merge_groups(members, idf, window, threshold=threshold):
        states = index.load(group)
        if len(states) < 2:
            continue
        ordered = sorted(states.values(), key=lambda s: (-s.size, s.id))
        survivor = ordered[0]
        for loser in ordered[1:]:
            _fold_into(survivor, loser)
        dfs = index.document_frequencies(survivor.terms)
        index.save(survivor, vectors.top_terms(vectors.weigh(survivor.terms, dfs, index.n_docs()), INDEX_TERMS))
        for loser in ordered[1:]:
            index.merge(loser.id, survivor.id)
        survivors.append(survivor.id)
    return survivors


def _new_state(doc: _Doc) -> StoryState:
    state = StoryState(0)
    _absorb(state, doc)
    return state


def _absorb(state: StoryState, doc: _Doc) -> None:
    for term, weight in doc.tf.items():
        state.terms[term] = state.terms.get(term, 0.0) + weight
    for name, weight in doc.names.items():
        state.names[name] = state.names.get(name, 0.0) + weight
    state.size += 1
    if doc.published is not None:
        state.first_seen = min(filter(None, [state.first_seen, doc.published]))
        state.last_seen = max(filter(None, [state.last_seen, doc.published]))
    _prune(state)


def _fold_into(survivor: StoryState, loser: StoryState) -> None:
    for term, weight in loser.terms.items():
        survivor.terms[term] = survivor.terms.get(term, 0.0) + weight
    for name, weight in loser.names.items():
        survivor.names[name] = survivor.names.get(name, 0.0) + weight
    survivor.size += loser.size
    dates = [d for d in (survivor.first_seen, survivor.last_seen, loser.first_seen, loser.last_seen) if d]
    if dates:
        survivor.first_seen, survivor.last_seen = min(dates), max(dates)
    _prune(state=survivor)


def _prune(state: StoryState) -> None:
    """Keep the centroid's heaviest terms so a big story costs no more than a small one."""
    if len(state.terms) > CENTROID_TERMS * 1.25:
        keep = vectors.top_terms(state.terms, CENTROID_TERMS)
        state.terms = {t: state.terms[t] for t in keep}
    if len(state.names) > CENTROID_TERMS // 4:
        keep = vectors.top_terms(state.names, CENTROID_TERMS // 4)
        state.names = {n: state.names[n] for n in keep}


# --------------------------------------------------------------------------------------------
# the same clusterer over the database


class StoreIndex:
    """:class:`ClusterIndex` kept in the database, read and written in one transaction."""

    def __init__(self, store: Store, conn: Connection) -> None:
        self.store, self.conn = store, conn
        self._dfs: dict[str, int] = {}
        self._n_docs: int | None = None

    def n_docs(self) -> int:
        if self._n_docs is None:
            self._n_docs = self.store.document_count(self.conn)
        return self._n_docs

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        terms = set(terms)
        missing = [t for t in terms if t not in self._dfs]
        if missing:
            found = self.store.term_frequencies(self.conn, missing)
            self._dfs.update({t: found.get(t[:100], 0) for t in missing})
        return {t: self._dfs[t] for t in terms}

    def count_document(self, terms: Iterable[str]) -> None:
        terms = list(terms)
        self.store.count_terms(self.conn, terms)
        for term in terms:
            self._dfs.pop(term, None)
        self._n_docs = None

    def candidates(self, terms: Sequence[str], published: datetime | None, window: timedelta,
                   limit: int) -> list[int]:
        earliest = published - window if published else None
        latest = published + window if published else None
        return self.store.candidate_stories(self.conn, terms, earliest=earliest, latest=latest, limit=limit)

    def load(self, story_ids: Sequence[int]) -> dict[int, StoryState]:
        return {row.id: StoryState.from_bytes(row.id, row.centroid, size=row.size, first_seen=row.first_seen,
                                              last_seen=row.last_seen)
                for row in self.store.story_states(self.conn, story_ids)}

    def create(self, state: StoryState, index_terms: Sequence[str]) -> int:
        state.id = self.store.create_story(self.conn, title="", size=state.size, centroid=state.to_bytes(),
                                           first_seen=state.first_seen, last_seen=state.last_seen)
        self.store.file_story(self.conn, state.id, index_terms)
        return state.id

    def save(self, state: StoryState, index_terms: Sequence[str]) -> None:
        self.store.update_story(self.conn, state.id, size=state.size, centroid=state.to_bytes(),
                                first_seen=state.first_seen, last_seen=state.last_seen)
        self.store.file_story(self.conn, state.id, index_terms)

    def merge(self, loser: int, survivor: int) -> None:
        self.store.merge_story(self.conn, loser, survivor)

    def resolve(self, story_id: int) -> int:
        return self.store.resolve_story(self.conn, story_id)


def _entity_names(store: Store, article_id: int) -> list[str]:
    """Entity names from the entity index when that part is installed, else none."""
    lookup = getattr(store, "article_entity_names", None)
    return list(lookup(article_id)) if callable(lookup) else []


def assign_story(store: Store, article_id: int, settings: Settings) -> int | None:
    """Put a stored article into a story (joining or creating one); returns the story id.

    Copies (rows in ``duplicate_links``) take their original's story; an article already in a
    story keeps it (re-running analysis is idempotent); an article with neither title nor text
    gets no story (``None``).
    """
    article = store.get_article(article_id)
    if article.duplicate_of is not None:
        return _follow_original(store, article)
    if article.story_id is not None:
        return store.resolve_story_id(article.story_id)
    if not (article.title.strip() or article.text.strip()):
        return None
    names = _entity_names(store, article_id)
    with store.transaction() as conn:
        # Candidates are read under the lock: a story another worker is creating right now is
        # committed before this one looks, so two articles of one story end in one story.
        store.lock(conn, "stories")
        already = store.article_story_id(conn, article_id)
        if already is not None:  # another worker assigned it meanwhile
            return store.resolve_story(conn, already)
        index = StoreIndex(store, conn)
        clusterer = StreamClusterer(settings.story_threshold, settings.story_window_days, index=index)
        story_id = clusterer.add(article_id, article.title, article.text,
                                 article.published or article.first_seen, article.outlet, names)
        store.set_article_story(conn, article_id, story_id)
        _retitle(store, conn, index, story_id)
    return story_id


def merge_recent_stories(store: Store, settings: Settings, *, limit: int | None = None) -> list[int]:
    """Merge the recent stories the stream split (the scheduled merge job); returns the ids of
    the stories that absorbed others.

    Reads the ``limit`` (default :data:`~newsdesk.analyze.story_merge.MERGE_DOCS`) most recently
    stored articles of live stories, so a run costs the same however large the desk is. Runs
    under the stories lock: two workers never merge (or assign into) the same stories at once,
    and a second run over an unchanged window merges nothing. Articles move to the survivor, the
    absorbed story keeps its row pointing at the survivor (old links and watchlists follow it).
    """
    with store.transaction() as conn:
        store.lock(conn, "stories")
        rows = store.recent_story_members(conn, limit or story_merge.MERGE_DOCS)
        members = []
        for row in rows:
            tf = vectors.sublinear(vectors.term_counts(row.title, row.text))
            if not tf:
                continue
            names = {n: 1.0 for n in vectors.name_phrases(f"{row.title}\n{row.text}") if n}
            members.append(story_merge.Member(row.story_id, tf, names, row.published))
        index = StoreIndex(store, conn)
        survivors = apply_merges(index, members, timedelta(days=settings.story_window_days))
        for story_id in survivors:
            _retitle(store, conn, index, story_id)
    return survivors


def _follow_original(store: Store, article: Article) -> int | None:
    original = store.get_article(article.duplicate_of or article.id)
    if original.story_id is None:
        return None
    story_id = store.resolve_story_id(original.story_id)
    with store.transaction() as conn:
        store.set_article_story(conn, article.id, story_id)
    return story_id


def _retitle(store: Store, conn: Connection, index: StoreIndex, story_id: int) -> None:
    """Title = the member headline closest to the story centroid (chosen, never written)."""
    titles = store.story_titles(conn, story_id)
    state = index.load([story_id]).get(story_id)
    if not titles or state is None:
        return
    headline_terms = {aid: vectors.sublinear(vectors.term_counts(title, None)) for aid, title in titles}
    dfs = index.document_frequencies({t for terms in headline_terms.values() for t in terms} | set(state.terms))
    centroid = vectors.weigh(state.terms, dfs, index.n_docs())
    by_id = dict(titles)
    best = max(headline_terms, key=lambda aid: (
        vectors.cosine(vectors.weigh(headline_terms[aid], dfs, index.n_docs()), centroid), -aid))
    store.update_story(conn, story_id, title=by_id[best])


# --------------------------------------------------------------------------------------------
# reading stories


def list_stories(store: Store, *, since: datetime | None = None, until: datetime | None = None,
                 outlet: str | None = None, language: str | None = None, entity_id: int | None = None,
                 limit: int = 50, offset: int = 0) -> list[StoryInfo]:
    """Live stories, most recently active first, filtered before paging (``summary_line`` is left
    empty here)."""
    found = store.list_stories(since=since, until=until, outlet=outlet, language=language, entity_id=entity_id,
                               limit=limit, offset=offset)
    return [StoryInfo(r.id, r.title, r.size, r.outlets, r.first_seen, r.last_seen) for r in found]


def story_detail(store: Store, story_id: int, settings: Settings) -> StoryDetail:
    """Timeline, summary, entities and framing of a story (a merged id shows its survivor)."""
    record = store.get_story(story_id)
    if record.merged_into is not None:
        record = store.get_story(store.resolve_story_id(story_id))
    members = store.get_story_articles(record.id)
    if not members:
        raise NotFoundError(f"story {story_id} has no articles", source=f"story {story_id}")
    originals = [a for a in members if a.duplicate_of is None]
    notes: list[str] = []
    summary = _story_summary(store, record.id, settings, notes)
    entities = _story_entities(store, record.id, notes)
    framing = compare_outlets([FramingInput(a.id, a.outlet, a.title, a.text) for a in originals])
    info = StoryInfo(record.id, record.title, record.size, record.outlets, record.first_seen, record.last_seen,
                     (summary or {}).get("text") or None)
    return StoryDetail(info, _timeline(members), summary, entities, framing, notes)


def _timeline(members: list[Article]) -> list[TimelineEntry]:
    entries = {a.id: TimelineEntry(a.id, a.title, a.outlet, a.published or a.first_seen, a.public_url)
               for a in members if a.duplicate_of is None}
    for copy in members:
        if copy.duplicate_of is not None and copy.duplicate_of in entries:
            entries[copy.duplicate_of].duplicates.append({
                "article_id": copy.id, "outlet": copy.outlet, "url": copy.public_url, "kind": copy.duplicate_kind,
                "published": copy.published.isoformat() if copy.published else None})
    return list(entries.values())


def _story_summary(store: Store, story_id: int, settings: Settings, notes: list[str]) -> dict[str, Any] | None:
    try:
        from newsdesk.analyze.summarize import summarize_story
    except ImportError:
        notes.append("summaries unavailable: newsdesk.analyze.summarize is not installed")
        return None
    result: dict[str, Any] = summarize_story(store, story_id, settings).to_json()
    return result


def _story_entities(store: Store, story_id: int, notes: list[str]) -> list[dict[str, Any]]:
    try:
        from newsdesk.analyze.entities import story_entities
    except ImportError:
        notes.append("entities unavailable: newsdesk.analyze.entities is not installed")
        return []
    found = story_entities(store, story_id)
    return [e.to_json() for e in found]


__all__ = ["StreamClusterer", "merge_recent_stories", "apply_merges", "MemoryIndex", "StoreIndex", "StoryState", "ClusterIndex", "assign_story",
           "list_stories", "story_detail", "StoryInfo", "StoryDetail", "TimelineEntry"]
