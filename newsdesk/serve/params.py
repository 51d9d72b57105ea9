"""The parameter types the routes share, so every route accepts (and the schema declares) the same.

An id is a positive 64-bit integer (what SQLite and PostgreSQL can hold): anything else is a 422
before any query runs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from newsdesk.store.database import MAX_ROW_ID

#: a row id in a path: ``/api/articles/{article_id}``
PathId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="a row id (positive 64-bit integer)")]
#: an optional row id filter in a query string: ``?story_id=3``
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID, description="a row id (positive 64-bit integer)")]
