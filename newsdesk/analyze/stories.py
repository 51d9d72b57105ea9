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
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from newsdesk.analyze import vectors
from newsdesk.analyze.framing import compare_outlets
from newsdesk.analyze.story_model import Decision, JoinModel, default_model, pair_features
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
#: most recent stories one merge pass looks at, and passes until nothing more merges
MERGE_PASS_STORIES = 2000
MERGE_PASS_ROUNDS = 8


# --------------------------------------------------------------------------------------------
# story state and the index it lives in


@dataclass
class StoryState:
    """What the clusterer keeps per story: summed sublinear term weights of its articles (body
    and headline), of their headlines alone, and name counts."""

    id: int
    terms: dict[str, float] = field(default_factory=dict)
    names: dict[str, float] = field(default_factory=dict)
    size: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    titles: dict[str, float] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        """Compact form stored in ``stories.centroid``."""
        data = {"terms": {t: round(w, 4) for t, w in self.terms.items()}, "names": self.names,
                "titles": {t: round(w, 4) for t, w in self.titles.items()}}
        return zlib.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"))

    @classmethod
    def from_bytes(cls, story_id: int, blob: bytes | None, *, size: int,
                   first_seen: datetime | None, last_seen: datetime | None) -> StoryState:
        data: dict[str, Any] = json.loads(zlib.decompress(blob)) if blob else {}
        return cls(story_id, dict(data.get("terms", {})), dict(data.get("names", {})), size,
                   first_seen, last_seen, dict(data.get("titles", {})))


class ClusterIndex(Protocol):
    """Where stories, their inverted index and the document frequencies are kept."""

    def n_docs(self) -> int: ...
    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]: ...
    def count_document(self, terms: Iterable[str]) -> None: ...
    def candidates(self, terms: Sequence[str], earliest: datetime | None, latest: datetime | None,
                   limit: int) -> list[int]: ...
    def recent(self, since: datetime | None, limit: int) -> list[int]: ...
    def load(self, story_ids: Sequence[int]) -> dict[int, StoryState]: ...
    def create(self, state: StoryState, index_terms: Sequence[str]) -> int: ...
    def save(self, state: StoryState, index_terms: Sequence[str]) -> None: ...
    def merge(self, loser: int, survivor: int) -> None: ...
    def resolve(self, story_id: int) -> int: ...


def reach(first: datetime | None, last: datetime | None,
          window: timedelta) -> tuple[datetime | None, datetime | None]:
    """(earliest, latest): the dates a story must come within to be a candidate (None: any)."""
    return (first - window if first else None), (last + window if last else None)


def within(earliest: datetime | None, latest: datetime | None, state: StoryState) -> bool:
    """Whether a story's date range reaches into [earliest, latest] (undated: yes)."""
    if state.first_seen is None or state.last_seen is None:
        return True
    return (earliest is None or state.last_seen >= earliest) and (latest is None or state.first_seen <= latest)


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
        #: live story ids, the most recently updated last
        self.updated: OrderedDict[int, None] = OrderedDict()

    def n_docs(self) -> int:
        return self.frequencies.n_docs

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        return self.frequencies.get(terms)

    def count_document(self, terms: Iterable[str]) -> None:
        self.frequencies.add(terms)

    def candidates(self, terms: Sequence[str], earliest: datetime | None, latest: datetime | None,
                   limit: int) -> list[int]:
        hits: dict[int, int] = {}
        for term in terms:
            posting = self.postings.get(term)
            if not posting:
                continue
            for seen, story_id in enumerate(reversed(posting)):
                state = self.stories[story_id]
                if seen >= MAX_POSTINGS or (earliest is not None and state.last_seen is not None
                                            and state.last_seen < earliest):
                    break  # older entries were updated earlier still: out of reach too
                if within(earliest, latest, state):
                    hits[story_id] = hits.get(story_id, 0) + 1
        ranked = sorted(hits, key=lambda sid: (-hits[sid], -sid))
        return ranked[:limit]

    def recent(self, since: datetime | None, limit: int) -> list[int]:
        found = []
        for story_id in reversed(self.updated):
            state = self.stories[story_id]
            if since is None or state.last_seen is None or state.last_seen >= since:
                found.append(story_id)
            if len(found) >= limit:
                break
        return found

    def load(self, story_ids: Sequence[int]) -> dict[int, StoryState]:
        return {sid: self.stories[sid] for sid in story_ids if sid in self.stories}

    def create(self, state: StoryState, index_terms: Sequence[str]) -> int:
        state.id = len(self.stories) + len(self.aliases) + 1
        self.save(state, index_terms)
        return state.id

    def save(self, state: StoryState, index_terms: Sequence[str]) -> None:
        self.stories[state.id] = state
        self.updated.pop(state.id, None)
        self.updated[state.id] = None
        self._file(state.id, index_terms)

    def merge(self, loser: int, survivor: int) -> None:
        self._file(loser, [])
        del self.stories[loser]
        self.updated.pop(loser, None)
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
    #: sublinear term weights scaled so that the article's TF-IDF vector (at arrival) has length 1
    tf: dict[str, float]
    weights: dict[str, float]
    titles: dict[str, float]
    names: dict[str, float]
    published: datetime | None


#: ``merge_threshold`` default: the model's merge probability
MODEL = "model"


class StreamClusterer:
    """Incremental story clustering; ``add`` returns the id of the story a document joined.

    ``threshold``: lowest join probability (0..1] at which a document joins a story (default:
    the model's); ``window_days``: stories further away in time are not candidates;
    ``merge_threshold``: probability at which two stories are merged (None: never; default: the
    model's). :meth:`merge_pass` joins stories the stream split (the periodic job runs it).
    """

    def __init__(self, threshold: float | None = None, window_days: int = 30, *,
                 merge_threshold: float | str | None = MODEL, index: ClusterIndex | None = None,
                 model: JoinModel | None = None) -> None:
        self.model = model or default_model()
        threshold = self.model.join_probability if threshold is None else threshold
        if not 0 < threshold <= 1:
            raise AnalysisError(f"story threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.window = timedelta(days=window_days)
        self.merge_threshold = self.model.merge_probability if merge_threshold == MODEL else \
            (float(merge_threshold) if merge_threshold is not None else None)
        self.index: ClusterIndex = index if index is not None else MemoryIndex()
        self.assignments: dict[str, int] = {}

    def add(self, doc_id: str | int, title: str | None, text: str | None,
            published: datetime | None = None, source: str | None = None,
            entities: Sequence[str] = ()) -> int:
        """File one document; returns the story it joined or created."""
        doc = self._vectorise(title, text, published, entities)
        story_id = self._place(doc)
        self.assignments[str(doc_id)] = story_id
        return story_id

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
        titles = vectors.sublinear(vectors.term_counts(title, None))
        length = vectors.norm(weights) or 1.0
        unit = {t: w / length for t, w in tf.items()}
        return _Doc(unit, vectors.normalise(weights), titles, names, published)

    def candidate_features(self, profile: StoryState, terms: Sequence[str],
                           exclude: int | None = None) -> list[tuple[list[float], StoryState]]:
        """(pair features, story) of the candidate stories of ``profile`` (an article as a story
        of one, or a story), found through the inverted index within the time window."""
        earliest, latest = reach(profile.first_seen, profile.last_seen, self.window)
        candidate_ids = [i for i in self.index.candidates(terms, earliest, latest, MAX_CANDIDATES + 1)
                         if i != exclude][:MAX_CANDIDATES]
        states = self.index.load(candidate_ids)
        dfs = self.index.document_frequencies(
            {t for s in [profile, *states.values()] for t in (*s.terms, *s.titles)})
        n_docs = self.index.n_docs()
        return [(pair_features(profile, s, dfs, n_docs, self.window), s) for s in states.values()]

    def scored_candidates(self, profile: StoryState, terms: Sequence[str], decision: Decision,
                          exclude: int | None = None) -> list[tuple[float, StoryState]]:
        """(probability, story) of the candidate stories of ``profile``, most probable first."""
        return sorted(((decision.probability(f), s) for f, s in self.candidate_features(profile, terms, exclude)),
                      key=lambda pair: (-pair[0], pair[1].id))

    def _place(self, doc: _Doc) -> int:
        profile = _new_state(doc)
        if not doc.tf:
            return self.index.create(profile, [])
        scored = self.scored_candidates(profile, vectors.top_terms(doc.weights, QUERY_TERMS), self.model.join)
        if not scored or scored[0][0] < self.threshold:
            return self.index.create(profile, self._index_terms(profile))
        best = scored[0][1]
        _absorb(best, doc)
        self.index.save(best, self._index_terms(best))
        return best.id

    def _index_terms(self, state: StoryState) -> list[str]:
        dfs = self.index.document_frequencies(state.terms)
        return vectors.top_terms(vectors.weigh(state.terms, dfs, self.index.n_docs()), INDEX_TERMS)

    def _merge(self, a: StoryState, b: StoryState) -> StoryState:
        """Fold the smaller story into the larger (the older on a tie); returns the survivor."""
        survivor, loser = (a, b) if (a.size, -a.id) >= (b.size, -b.id) else (b, a)
        _fold_into(survivor, loser)
        self.index.save(survivor, self._index_terms(survivor))
        self.index.merge(loser.id, survivor.id)
        return survivor

    def merge_pass(self, since: datetime | None = None) -> list[tuple[int, int]]:
        """Merge the recent stories (active on or after ``since``; None: all) that the stream split.

        Each round pairs every recent story with its most probable candidate and merges the
        pairs at or above the merge threshold, most probable first, each story once per round;
        rounds repeat until nothing merges, so running it again at once merges nothing (it is
        idempotent). Returns the (loser, survivor) merges made.
        """
        if self.merge_threshold is None:
            return []
        merges: list[tuple[int, int]] = []
        story_ids = self.index.recent(since, MERGE_PASS_STORIES)
        for _ in range(MERGE_PASS_ROUNDS):
            pairs = self._mergeable_pairs(story_ids)
            touched: set[int] = set()
            again: set[int] = set()
            for _probability, a, b in pairs:
                if a.id in touched or b.id in touched:
                    again |= {a.id, b.id}  # its best match changed this round: look again next round
                    continue
                touched |= {a.id, b.id}
                survivor = self._merge(a, b)
                merges.append((b.id if survivor is a else a.id, survivor.id))
            if not merges or not pairs:
                break
            story_ids = sorted({self.index.resolve(i) for i in touched | again})
        return merges

    def _mergeable_pairs(self, story_ids: Sequence[int]) -> list[tuple[float, StoryState, StoryState]]:
        assert self.merge_threshold is not None
        best: dict[tuple[int, int], tuple[float, StoryState, StoryState]] = {}
        for story in self.index.load(story_ids).values():
            scored = self.scored_candidates(story, self._index_terms(story), self.model.merge, exclude=story.id)
            if scored and scored[0][0] >= self.merge_threshold:
                other = scored[0][1]
                key = (min(story.id, other.id), max(story.id, other.id))
                best[key] = (scored[0][0], story, other)
        return sorted(best.values(), key=lambda p: (-p[0], min(p[1].id, p[2].id), max(p[1].id, p[2].id)))


def _new_state(doc: _Doc) -> StoryState:
    state = StoryState(0)
    _absorb(state, doc)
    return state


def _add_weights(into: dict[str, float], weights: dict[str, float]) -> None:
    for key, weight in weights.items():
        into[key] = into.get(key, 0.0) + weight


def _absorb(state: StoryState, doc: _Doc) -> None:
    _add_weights(state.terms, doc.tf)
    _add_weights(state.titles, doc.titles)
    _add_weights(state.names, doc.names)
    state.size += 1
    if doc.published is not None:
        state.first_seen = min(filter(None, [state.first_seen, doc.published]))
        state.last_seen = max(filter(None, [state.last_seen, doc.published]))
    _prune(state)


def _fold_into(survivor: StoryState, loser: StoryState) -> None:
    _add_weights(survivor.terms, loser.terms)
    _add_weights(survivor.titles, loser.titles)
    _add_weights(survivor.names, loser.names)
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
    for attribute in ("names", "titles"):
        values: dict[str, float] = getattr(state, attribute)
        if len(values) > CENTROID_TERMS // 4:
            keep = vectors.top_terms(values, CENTROID_TERMS // 4)
            setattr(state, attribute, {n: values[n] for n in keep})


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

    def candidates(self, terms: Sequence[str], earliest: datetime | None, latest: datetime | None,
                   limit: int) -> list[int]:
        return self.store.candidate_stories(self.conn, terms, earliest=earliest, latest=latest, limit=limit)

    def recent(self, since: datetime | None, limit: int) -> list[int]:
        return self.store.recent_story_ids(self.conn, since=since, limit=limit)

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


def merge_recent_stories(store: Store, settings: Settings) -> list[int]:
    """Merge the stories of the recent window (a window back from the newest story) that the
    stream split; returns the ids of the stories that grew. Idempotent, and safe with several
    workers: it reads and rewrites story membership under the ``stories`` lock, the one
    :func:`assign_story` takes."""
    with store.transaction() as conn:
        store.lock(conn, "stories")
        latest = store.latest_story_date(conn)
        if latest is None:
            return []
        index = StoreIndex(store, conn)
        clusterer = StreamClusterer(settings.story_threshold, settings.story_window_days, index=index)
        merges = clusterer.merge_pass(latest - clusterer.window)
        grown = sorted({index.resolve(survivor) for _, survivor in merges})
        for story_id in grown:
            _retitle(store, conn, index, story_id)
    return grown


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


__all__ = ["StreamClusterer", "MemoryIndex", "StoreIndex", "StoryState", "ClusterIndex", "assign_story",
           "merge_recent_stories",
           "list_stories", "story_detail", "StoryInfo", "StoryDetail", "TimelineEntry"]
