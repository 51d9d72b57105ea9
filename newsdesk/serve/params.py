"""The parameter types the routes share, so every route accepts (and the schema declares) the same.

* An id is a positive integer up to 2**31 - 1 (what both SQLite and PostgreSQL ids can be):
  anything else is a 422 before any query runs.
* Dates, cursors and entity types are read by the views (a bad one is a documented 400 problem,
  the same on pages and API); their schema declares the format, pattern or enum they accept.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import WithJsonSchema

from newsdesk.analyze.entities import ENTITY_TYPES
from newsdesk.serve.cursors import KEYSET_PATTERN, OFFSET_PATTERN
from newsdesk.store.database import MAX_ROW_ID

_ID = "a row id (1 to 2147483647)"
#: a row id in a path: ``/api/articles/{article_id}``
PathId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description=_ID)]
#: an optional row id filter in a query string: ``?story_id=3``
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID, description=_ID)]
#: ``since`` / ``until``: a calendar day (UTC)
Day = Annotated[str | None, Query(description="a day, e.g. 2026-01-31 (UTC); empty = no filter"),
                WithJsonSchema({"anyOf": [{"type": "string", "format": "date"},
                                          {"type": "string", "maxLength": 0}]})]
#: the ``next_cursor`` of a stories, entities or search page
OffsetCursor = Annotated[str | None, Query(description="the `next_cursor` (or `prev_cursor`) of a page; empty = the first"),
                         WithJsonSchema({"type": "string", "pattern": OFFSET_PATTERN})]
#: the ``next_cursor`` of an article list
KeysetCursor = Annotated[str | None, Query(description="the `next_cursor` of an article list; empty = the first page"),
                         WithJsonSchema({"type": "string", "pattern": KEYSET_PATTERN})]
#: ``type`` of an entity
EntityType = Annotated[str | None, Query(description="person, org or place"),
                       WithJsonSchema({"type": "string", "enum": list(ENTITY_TYPES)})]
