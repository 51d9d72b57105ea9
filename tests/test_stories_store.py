"""Stories kept in the database (SQLite and PostgreSQL): assignment, restart, copies, lists, detail, CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import backend_database_url
from test_stories_corpus import BRIDGE, DAM, STRIKE, extracted, save, save_event
from typer.testing import CliRunner

from newsdesk.analyze.stories import assign_story, list_stories, merge_recent_stories, story_detail
from newsdesk.cli import app
from newsdesk.config import Settings
from newsdesk.errors import NotFoundError
from newsdesk.store import Store


def _assign_all(store: Store, settings: Settings, ids: list[int]) -> list[int | None]:
    """What the desk does: assign each article on arrival, then the merge job; the stories now."""
    assigned = [assign_story(store, i, settings) for i in ids]
    merge_recent_stories(store, settings)
    return [None if s is None else store.resolve_story_id(s) for s in assigned]


def test_assignment_groups_events_in_the_database(any_store: Store, settings: Settings) -> None:
    bridge = save_event(any_store, BRIDGE, 1, "bridge")
    dam = save_event(any_store, DAM, 2, "dam")
    strike = save_event(any_store, STRIKE, 2, "strike")
    order = sorted(bridge + dam + strike, key=lambda i: any_store.get_article(i).published)  # type: ignore[arg-type,return-value]
    got = dict(zip(order, _assign_all(any_store, settings.replace(story_threshold=0.25), order), strict=True))
    for event in (bridge, dam, strike):
        assert len({got[i] for i in event}) == 1
    assert len({got[bridge[0]], got[dam[0]], got[strike[0]]}) == 3
    assert any_store.get_article(bridge[1]).story_id == got[bridge[0]]
    story = any_store.get_story(got[bridge[0]])  # type: ignore[arg-type]
    assert story.size == 3 and story.outlets == ["Meridian Wire", "Northern Courier", "The Ledger"]
    assert story.title in {title for _, title, _ in BRIDGE}
    assert story.first_seen == datetime(2026, 10, 1, 9, tzinfo=UTC)


def test_assignment_is_idempotent(store: Store, settings: Settings) -> None:
    ids = save_event(store, BRIDGE, 1, "bridge")
    first = _assign_all(store, settings, ids)
    assert _assign_all(store, settings, ids) == first
    assert len(set(first)) == 1
    assert store.get_story(first[0]).size == 3  # type: ignore[arg-type]


@pytest.mark.backend
def test_a_restart_continues_from_the_stored_index(tmp_path: Path, settings: Settings) -> None:
    url = backend_database_url(tmp_path, "restart")
    one = Store(url)
    bridge = save_event(one, BRIDGE[:2], 1, "bridge")
    story = _assign_all(one, settings, bridge)[0]
    one.close()
    two = Store(url)
    late = save(two, extracted(*BRIDGE[2], day=4, slug="bridge-late"))
    other = save(two, extracted(*STRIKE[0], day=4, slug="strike"))
    assert _assign_all(two, settings, [late, other]) == [story, _assign_all(two, settings, [other])[0]]
    assert two.get_article(other).story_id != story
    two.close()


def test_copies_take_their_originals_story(store: Store, settings: Settings) -> None:
    original = save(store, extracted(*BRIDGE[0], day=1, slug="o"))
    copy = save(store, extracted("Bay Post", BRIDGE[0][1], BRIDGE[0][2], day=2, slug="copy"))
    with store.transaction() as conn:
        store.link_duplicate(conn, copy, original, "exact", 1.0)
    story = assign_story(store, original, settings)
    assert store.get_article(copy).story_id == story
    assert assign_story(store, copy, settings) == story
    members = store.get_story_articles(story)  # type: ignore[arg-type]
    assert [(a.id, a.duplicate_of) for a in members] == [(original, None), (copy, original)]
    assert store.get_story(story).size == 1  # type: ignore[arg-type]


def test_an_article_without_text_gets_no_story(store: Store, settings: Settings) -> None:
    empty = save(store, extracted("Bay Post", "", "", day=1, slug="empty"))
    assert assign_story(store, empty, settings) is None
    assert store.get_article(empty).story_id is None


def test_list_filters_by_date_and_outlet(any_store: Store, settings: Settings) -> None:
    bridge = save_event(any_store, BRIDGE, 1, "bridge")
    strike = save_event(any_store, STRIKE, 20, "strike")
    _assign_all(any_store, settings, bridge + strike)
    everything = list_stories(any_store)
    assert [s.size for s in everything] == [2, 3]  # most recent first
    assert [s.size for s in list_stories(any_store, since=datetime(2026, 10, 15, tzinfo=UTC))] == [2]
    assert [s.size for s in list_stories(any_store, outlet="Northern Courier")] == [3]
    assert list_stories(any_store, limit=1, offset=1)[0].id == everything[1].id


def test_story_detail_has_timeline_framing_and_folded_copies(store: Store, settings: Settings) -> None:
    ids = save_event(store, BRIDGE, 1, "bridge")
    copy = save(store, extracted("Bay Post", BRIDGE[0][1], BRIDGE[0][2] + " ", day=3, slug="bridge-copy"))
    with store.transaction() as conn:
        store.link_duplicate(conn, copy, ids[0], "near", 0.95)
    story = _assign_all(store, settings, ids)[0]
    assert story is not None
    detail = story_detail(store, story, settings)
    assert [t.article_id for t in detail.timeline] == ids
    assert [d["article_id"] for d in detail.timeline[0].duplicates] == [copy]
    outlets = [f.outlet for f in detail.framing]
    assert outlets == ["Meridian Wire", "The Ledger", "Northern Courier"]  # copies do not count as framing
    ledger = detail.framing[1]
    assert ledger.lead.startswith("Coastguard divers kept searching")
    assert ledger.phrases and all(p not in BRIDGE[0][2].lower() for p in ledger.phrases)
    assert detail.summary is not None and detail.summary["text"]
    data = json.loads(json.dumps(detail.to_json(), default=str))
    assert data["id"] == story and data["timeline"][0]["duplicates"][0]["kind"] == "near"


def test_story_of_one_article(store: Store, settings: Settings) -> None:
    only = save(store, extracted(*STRIKE[0], day=1, slug="solo"))
    story = assign_story(store, only, settings)
    assert story is not None
    detail = story_detail(store, story, settings)
    assert detail.info.size == 1 and detail.info.title == STRIKE[0][1]
    assert len(detail.framing) == 1 and detail.framing[0].phrases == []
    assert detail.framing[0].lead.startswith("Pilots at Kestrel Airways")


def test_unknown_story_is_not_found(store: Store, settings: Settings) -> None:
    with pytest.raises(NotFoundError):
        story_detail(store, 999, settings)


def test_cli_cluster_stories_story(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    lines = [{"id": f"b{n}", "title": t, "text": x, "published": f"2026-10-0{n + 1}", "source": o}
             for n, (o, t, x) in enumerate(BRIDGE)]
    lines.append({"id": "s0", "title": STRIKE[0][1], "text": STRIKE[0][2]})
    records.write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    db = tmp_path / "cli.db"
    result = runner.invoke(app, ["--db", str(db), "cluster", str(records), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["b0", "b1", "b2", "s0"]
    assert rows[0]["story"] == rows[1]["story"] == rows[2]["story"] != rows[3]["story"]
    assert not db.exists()  # the batch path leaves the database alone

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "no id"}\n', encoding="utf-8")
    assert runner.invoke(app, ["cluster", str(bad)]).exit_code != 0

    store = Store(f"sqlite:///{db}")
    ids = save_event(store, BRIDGE, 1, "bridge")
    settings = Settings(data_dir=tmp_path)
    story = _assign_all(store, settings, ids)[0]
    store.close()
    listed = runner.invoke(app, ["--db", str(db), "stories", "--json"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout)[0]["id"] == story
    shown = runner.invoke(app, ["--db", str(db), "story", str(story), "--json"])
    assert shown.exit_code == 0, shown.output
    assert [t["article_id"] for t in json.loads(shown.stdout)["timeline"]] == ids
    missing = runner.invoke(app, ["--db", str(db), "story", "12345"])
    assert missing.exit_code == NotFoundError.exit_code


def test_the_merge_job_moves_articles_and_repoints_watchlists_and_old_ids(any_store: Store,
                                                                          settings: Settings) -> None:
    bridge = save_event(any_store, BRIDGE, 1, "bridge")
    strike = save_event(any_store, STRIKE, 2, "strike")
    strict = settings.replace(story_threshold=0.99)  # the stream joins nothing: every article alone
    split = [assign_story(any_store, i, strict) for i in bridge + strike]
    assert len(set(split)) == len(split)
    user = any_store.create_user("reader1", "x")
    absorbed = split[len(bridge) - 1]
    watch = any_store.create_watchlist(user.id, "bridge", "story", target_id=absorbed)
    any_store.put_story_digest(absorbed, "old", "old line", {"old": True})

    grown = merge_recent_stories(any_store, settings)
    after = {i: any_store.get_article(i).story_id for i in bridge + strike}
    assert len({after[i] for i in bridge}) == 1 and len({after[i] for i in strike}) == 1
    survivor = after[bridge[0]]
    assert survivor != after[strike[0]] and survivor in grown
    assert any_store.get_story(survivor).size == len(bridge)
    assert absorbed != survivor  # the older story survives a tie, the larger one otherwise
    assert any_store.get_story(absorbed).merged_into == survivor
    assert any_store.resolve_story_id(absorbed) == survivor
    assert any_store.get_story_digest(absorbed) is None
    assert story_detail(any_store, absorbed, settings).info.id == survivor  # old links still open
    assert any_store.get_watchlist(watch.id, user.id).target_id == survivor
    assert merge_recent_stories(any_store, settings) == []  # nothing left to merge
