"""A reader's own marks — read, starred, kept for later — and "new since your last visit".

The JSON routes (``/api/me``, ``/api/articles/{id}/state``, ``/api/articles/state``,
``/api/me/articles``) act for the user of the Bearer token or of the login session; each user sees
and changes only their own marks. The helpers at the bottom give the pages the same marks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, WithJsonSchema

from newsdesk.serve import auth, views
from newsdesk.serve.cursors import ID_PATTERN, decode_id_cursor, encode_id_cursor
from newsdesk.serve.deps import request_settings as _settings
from newsdesk.serve.deps import request_store as _store
from newsdesk.serve.openapi import answers
from newsdesk.serve.params import PathId
from newsdesk.store import Store
from newsdesk.store.database import MAX_ROW_ID
from newsdesk.store.users import ReadState, User

router = APIRouter(prefix="/api", tags=["me"])
LIST_STATES = ("unread", "read", "starred", "kept")
#: what a route about the caller's own marks can answer besides 200
OWN = (401, 422)
OWN_WRITE = (400, 401, 403, 422)

ListState = Annotated[str, Query(description="unread, read, starred or kept"),
                      WithJsonSchema({"type": "string", "enum": list(LIST_STATES)})]
IdCursor = Annotated[str | None, Query(description="the `next_cursor` of the previous page; empty = the first"),
                     WithJsonSchema({"type": "string", "pattern": ID_PATTERN})]


def _json_number(value: Any) -> Any:
    """An id as JSON numbers give it (``52`` or ``52.0``), never a string or a boolean."""
    if isinstance(value, str | bool) or not isinstance(value, int | float):
        raise ValueError("an id is a JSON number")
    if not 1 <= value <= MAX_ROW_ID or value != int(value):
        raise ValueError(f"an id is a whole number from 1 to {MAX_ROW_ID}")
    return int(value)


ArticleIdItem = Annotated[int, BeforeValidator(_json_number),
                          WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID})]


class StateChange(BaseModel):
    """Marks to set on an article; a mark left out (or null) stays as it is (PATCH) or is cleared (PUT)."""

    model_config = ConfigDict(extra="forbid")
    read: StrictBool | None = None
    starred: StrictBool | None = None
    kept: StrictBool | None = Field(None, description="kept for later")


class ManyStateChange(StateChange):
    """The same marks on up to 500 articles (ids of missing articles are skipped)."""

    ids: list[ArticleIdItem] = Field(..., min_length=1, max_length=500)


# The user is asked for in each route's body, after FastAPI has checked the parameters: a bad id
# is a 422 whether or not the request is logged in (tests/test_api_ids.py).
def _writer(request: Request) -> User:
    auth.ensure_writable(request)
    return auth.require_user_write(request)


def state_json(article_id: int, state: ReadState) -> dict[str, Any]:
    return {"article_id": article_id, **state.to_json()}


def _set(store: Store, user: User, article_id: int, change: StateChange, *, replace: bool) -> dict[str, Any]:
    store.get_article(article_id)  # NotFoundError (404) for a missing article
    values = change.model_dump()
    if replace:
        values = {k: bool(v) for k, v in values.items()}
    store.mark_articles(user.id, [article_id], **values)
    return state_json(article_id, store.read_states(user.id, [article_id]).get(article_id, ReadState()))


@router.get("/me", summary="The user this request acts for", responses=answers(*OWN))
def me(request: Request) -> dict[str, Any]:
    user = auth.require_user(request)
    return {**user.to_json(), "read": _store(request).count_read(user.id)}


@router.get("/articles/{article_id}/state", summary="Your marks on one article (read, starred, kept)",
            responses=answers(*OWN, 404))
def get_state(request: Request, article_id: PathId) -> dict[str, Any]:
    user = auth.require_user(request)
    store = _store(request)
    store.get_article(article_id)
    return state_json(article_id, store.read_states(user.id, [article_id]).get(article_id, ReadState()))


@router.patch("/articles/{article_id}/state", summary="Change some of your marks on one article",
              responses=answers(*OWN_WRITE, 404))
def patch_state(request: Request, article_id: PathId, body: StateChange) -> dict[str, Any]:
    return _set(_store(request), _writer(request), article_id, body, replace=False)


@router.put("/articles/{article_id}/state", summary="Replace your marks on one article (left out = false)",
            responses=answers(*OWN_WRITE, 404))
def put_state(request: Request, article_id: PathId, body: StateChange) -> dict[str, Any]:
    return _set(_store(request), _writer(request), article_id, body, replace=True)


@router.post("/articles/state", summary="Set your marks on many articles at once", responses=answers(*OWN_WRITE))
def mark_many(request: Request, body: ManyStateChange) -> dict[str, Any]:
    user = _writer(request)
    values = body.model_dump(exclude={"ids"})
    changed = _store(request).mark_articles(user.id, body.ids, **values)
    return {"changed": changed}


@router.get("/me/articles", summary="Your unread, read, starred or kept articles, highest id first (keyset cursor)",
            responses=answers(*OWN, 400))
def my_articles(request: Request, state: ListState = "unread", cursor: IdCursor = None,
                limit: int = Query(50, ge=1, le=200)) -> dict[str, Any]:
    user = auth.require_user(request)
    if state not in LIST_STATES:
        from newsdesk.serve.problems import Problem

        raise Problem(400, "unknown state", f"state is one of {', '.join(LIST_STATES)}")
    store = _store(request)
    before = decode_id_cursor(cursor)
    if state == "unread":
        ids = store.unread_article_ids(user.id, limit=limit + 1, before_id=before)
    else:
        ids = store.marked_article_ids(user.id, state, limit=limit + 1, before_id=before)
    page = ids[:limit]
    marks = store.read_states(user.id, page)
    found = {a.id: a for a in store.get_articles(page)}
    rows = [{**(views.card(found[i]) or {}), "state": marks.get(i, ReadState()).to_json()} for i in page if i in found]
    return {"state": state, "articles": rows,
            "next_cursor": encode_id_cursor(page[-1]) if len(ids) > limit else None}


# --- for the pages ------------------------------------------------------------------------------

def page_marks(request: Request, article_ids: list[int]) -> dict[int, dict[str, bool]]:
    """The logged-in reader's marks on the articles a page lists (empty for anonymous readers)."""
    user = auth.current_user(request)
    if user is None or not article_ids:
        return {}
    marks = _store(request).read_states(user.id, article_ids)
    return {i: marks.get(i, ReadState()).to_json() for i in article_ids}


def unread_by_story(request: Request, story_ids: list[int]) -> dict[int, int]:
    """How many articles of each listed story the logged-in reader has not read (empty when anonymous)."""
    user = auth.current_user(request)
    return _store(request).count_unread_by_story(user.id, story_ids) if user is not None else {}


def visit(request: Request, place: str) -> datetime | None:
    """Note the reader's visit to ``place`` ("home", "story:3"); the time of their visit before this
    session, or None (anonymous, first visit, or a read-only server)."""
    user = auth.current_user(request)
    if user is None or _settings(request).read_only:
        return None
    return _store(request).record_visit(user.id, place)


def since_label(moment: datetime, time_zone: str = "UTC", *, now: datetime | None = None) -> str:
    """"10:30" today, "Tuesday" within the week, else "3 Nov" — in the reader's time zone."""
    try:
        zone: Any = ZoneInfo(time_zone)
    except (KeyError, ValueError):
        zone = UTC
    now = (now or datetime.now(UTC)).astimezone(zone)
    local = moment.astimezone(zone)
    if local.date() == now.date():
        return local.strftime("%H:%M")
    if now - local < timedelta(days=6):
        return local.strftime("%A")
    return f"{local.day} {local.strftime('%b %Y' if local.year != now.year else '%b')}"


def new_since(request: Request, place: str, story_ids: list[int] | None = None,
              story_id: int | None = None) -> dict[str, Any] | None:
    """What the page shows as new since the reader's last visit: ``{"since", "label", "total", "stories"}``."""
    previous = visit(request, place)
    user = auth.current_user(request)
    if previous is None or user is None:
        return None
    store = _store(request)
    if story_id is not None:
        total = store.count_new_articles(previous, story_ids=[story_id]).get(story_id, 0)
        per_story: dict[int | None, int] = {}
    else:
        total = store.count_new_articles(previous).get(None, 0)
        per_story = store.count_new_articles(previous, story_ids=story_ids or [])
    return {"since": previous.isoformat(), "label": since_label(previous, user.time_zone), "total": total,
            "stories": {k: v for k, v in per_story.items() if k is not None}}

