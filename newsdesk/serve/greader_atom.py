"""Google Reader's Atom streams (``/reader/atom/<stream id>``), as older clients read them
(newsboat's FeedHQ and Inoreader modes, Debian's newsboat 2.21 among them).

The same streams, paging and items as ``stream/contents``, as Atom: each entry carries its states
as ``<category scheme="http://www.google.com/reader/" label="read">`` (and ``fresh`` while
unread, so a client that cached it read learns it is unread again), its source as ``<source
gr:stream-id=…>`` and the continuation as ``<gr:continuation>``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from newsdesk.feedwriter import ATOM_TYPE
from newsdesk.feedwriter import xml_attr as _attr
from newsdesk.feedwriter import xml_text as _x
from newsdesk.serve import greader
from newsdesk.serve.deps import request_store

router = APIRouter()
READER_SCHEME = "http://www.google.com/reader/"
def _when(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _category(term: str) -> str:
    label = term.rsplit("/", 1)[-1]
    return f"<category term={_attr(term)} scheme={_attr(READER_SCHEME)} label={_attr(label)}/>"


def entry_xml(item: dict[str, Any]) -> str:
    categories = list(item["categories"])
    if greader.STATE + "read" not in categories:
        categories.append(greader.STATE + "fresh")
    origin = item["origin"]
    link = item["alternate"][0]["href"] if item["alternate"] else ""
    return "".join([
        f"<entry gr:crawl-timestamp-msec={_attr(item['crawlTimeMsec'])}>",
        f"<id>{_x(item['id'])}</id>",
        *(_category(c) for c in categories),
        f"<title type=\"html\">{_x(item['title'])}</title>",
        f"<published>{_when(item['published'])}</published><updated>{_when(item['updated'])}</updated>",
        f"<link rel=\"alternate\" href={_attr(link)} type=\"text/html\"/>",
        f"<content type=\"html\">{_x(item['summary']['content'])}</content>",
        f"<author><name>{_x(item['author'] or origin['title'])}</name></author>",
        f"<source gr:stream-id={_attr(origin['streamId'])}><id>{_x('tag:google.com,2005:reader/' + origin['streamId'])}"
        f"</id><title type=\"html\">{_x(origin['title'])}</title>"
        f"<link rel=\"alternate\" href={_attr(origin['htmlUrl'])} type=\"text/html\"/></source>",
        "</entry>",
    ])


@greader.reader_route("/reader/atom/{stream:path}", slash=False, on=router)
def atom_stream(request: Request, call: greader.Call) -> Response:
    stream_id = greader.stream_id_from_path(request, str(request.path_params["stream"]), "/reader/atom/")
    return _atom(request, call, stream_id or greader.READING_LIST)


@greader.reader_route("/reader/atom", on=router)
def atom_reading_list(request: Request, call: greader.Call) -> Response:
    return _atom(request, call, call.get("s") or greader.READING_LIST)


def _atom(request: Request, call: greader.Call, stream_id: str) -> Response:
    store, user = request_store(request), greader.login_user(call)
    stream = greader.parse_stream(store, user, stream_id)
    ids, continuation = greader.page(request, call, stream, greader.MAX_ITEMS)
    items = greader.items_json(request, user, ids)
    head = ['<?xml version="1.0" encoding="utf-8"?>',
            '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:gr="http://www.google.com/schemas/reader/atom/">',
            "<generator>newsdesk</generator>",
            f"<id>{_x('tag:google.com,2005:reader/' + stream_id)}</id>",
            f"<title>{_x(greader.stream_title(store, user, stream))}</title>",
            f"<updated>{_when(int(datetime.now(UTC).timestamp()))}</updated>"]
    if continuation:
        head.append(f"<gr:continuation>{_x(continuation)}</gr:continuation>")
    body = "".join([*head, *(entry_xml(item) for item in items), "</feed>"])
    return Response(body, media_type=ATOM_TYPE, headers={"Cache-Control": "private, no-store"})
