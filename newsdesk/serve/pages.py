"""Server-rendered HTML pages: home, story, article, entity, search, sources, login.

Every page works with JavaScript off. Handlers are plain ``def`` (the store is synchronous;
FastAPI runs them on its thread pool). Write actions (add a source, import OPML) need a login
session and a valid CSRF token.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from newsdesk.serve import auth, sources, views
from newsdesk.serve.deps import request_refresh as _refresh
from newsdesk.serve.deps import request_settings as _settings
from newsdesk.serve.deps import request_store as _store
from newsdesk.serve.deps import site_url
from newsdesk.serve.params import PathId

router = APIRouter(include_in_schema=False)




def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page with the shared context (login state, CSRF token, read-only flag)."""
    templates: Jinja2Templates = request.app.state.templates
    shared = {"logged_in": auth.session_token_id(request) is not None, "csrf_token": auth.csrf_token(request),
              "read_only": _settings(request).read_only, "path": request.url.path, "site": site_url(request)}
    response = templates.TemplateResponse(request, template, {**shared, **context}, status_code=status)
    auth.remember_browser(request, response)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, since: str | None = None, until: str | None = None, outlet: str | None = None,
         language: str | None = None, entity: str | None = None, cursor: str | None = None) -> Response:
    filters = views.parse_filters(since, until, outlet, language, entity)
    data = views.home_view(_store(request), _settings(request), filters, cursor=cursor,
                           refresh=_refresh(request))
    return render(request, "home.html", {"data": data, "query": filters.query(), "title": "Stories",
                                         "growth_days": views.GROWTH_DAYS})


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, story_id: PathId) -> Response:
    data = views.story_view(_store(request), _settings(request), story_id, refresh=_refresh(request))
    return render(request, "story.html", {"data": data, "chart": views.story_chart(data),
                                          "title": data["story"].get("title") or f"Story {story_id}"})


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: PathId, summary: bool = False) -> Response:
    data = views.article_view(_store(request), _settings(request), article_id, with_summary=summary,
                              refresh=_refresh(request))
    return render(request, "article.html", {"data": data, "title": data["article"]["title"] or "Article"})


@router.get("/entities", response_class=HTMLResponse)
def entity_list(request: Request, type: str | None = None, cursor: str | None = None) -> Response:
    data = views.entity_list_view(_store(request), type=type or None, cursor=cursor)
    return render(request, "entities.html", {"data": data, "title": "Entities"})


@router.get("/entities/{name_or_id}", response_class=HTMLResponse)
def entity(request: Request, name_or_id: str) -> Response:
    data = views.entity_view(_store(request), name_or_id)
    chart = views.coverage_chart(data["coverage"], "Articles per day mentioning this entity")
    return render(request, "entity.html", {"data": data, "chart": chart, "title": data["entity"]["name"]})


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: str = "", mode: str = Query("fulltext", pattern="^(fulltext|semantic)$"),
           since: str | None = None, until: str | None = None, outlet: str | None = None,
           language: str | None = None, cursor: str | None = None) -> Response:
    filters = views.parse_filters(since, until, outlet, language)
    data = views.search_view(_store(request), _settings(request), q, filters, mode=mode, cursor=cursor)
    params = {"q": q, "mode": mode, **filters.query()}
    saved = [views.saved_search_row(s) for s in _store(request).list_saved_searches()]
    return render(request, "search.html", {"data": data, "params": params, "outlets": views.outlets(_store(request)),
                                           "saved": saved, "title": f"Search: {q}" if q else "Search"})


@router.post("/searches")
def save_search(request: Request, name: str = Form(..., min_length=1, max_length=200), query: str = Form(...),
                csrf_token: str = Form("")) -> Response:
    auth.check_csrf(request, csrf_token)
    auth.require_form_writer(request)
    saved = views.save_search(_store(request), name, query)
    return RedirectResponse(f"/search?{saved.query}", status_code=303)


# --- sources and login --------------------------------------------------------------------------

@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request) -> Response:
    return render(request, "sources.html", {"data": views.sources_view(_store(request)), "outcomes": None,
                                            "title": "Sources"})


@router.post("/sources", response_class=HTMLResponse)
async def add_source(request: Request, target: str = Form(...), csrf_token: str = Form("")) -> Response:
    """Queue the target as a job (fetching a feed and its pages takes long: never in the request,
    so one slow source never holds up the pages of others); the page links to the job."""
    from newsdesk.models import IngestOutcome
    from newsdesk.serve.deps import request_desk

    auth.check_csrf(request, csrf_token)
    await asyncio.to_thread(auth.require_form_writer, request)
    desk = request_desk(request)
    outcomes = []
    for cleaned in sources.web_targets([target]):
        job_id = await desk.defer_target_async(cleaned)
        outcomes.append(IngestOutcome(cleaned, "queued", detail=f"job {job_id}: see Sources → Jobs"))
    data = await asyncio.to_thread(views.sources_view, _store(request))
    return render(request, "sources.html", {"data": data, "outcomes": [o.to_json() for o in outcomes],
                                            "title": "Sources"})


@router.post("/sources/opml", response_class=HTMLResponse)
def import_opml(request: Request, file: UploadFile = File(...), csrf_token: str = Form("")) -> Response:
    auth.check_csrf(request, csrf_token)
    auth.require_form_writer(request)
    outcomes = sources.import_opml(_store(request), file.file.read(), file.filename or "upload.opml")
    return render(request, "sources.html", {"data": views.sources_view(_store(request)),
                                            "outcomes": [o.to_json() for o in outcomes], "title": "Sources"})


@router.get("/sources/opml")
def export_opml(request: Request) -> Response:
    return sources.opml_response(_store(request))


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/sources") -> Response:
    return render(request, "login.html", {"next": _local_path(next), "error": None, "title": "Log in"})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, token: str = Form(...), csrf_token: str = Form(""), next: str = Form("/sources")
          ) -> Response:
    auth.check_csrf(request, csrf_token)
    auth.ensure_writable(request)
    found = _store(request).verify_token(token.strip())
    if found is None:
        return render(request, "login.html", {"next": _local_path(next), "title": "Log in",
                                              "error": "That token is unknown or revoked."}, status=401)
    response = RedirectResponse(_local_path(next), status_code=303)
    auth.set_cookie(response, auth.SESSION_COOKIE, request.app.state.signer.session_value(found.id),
                    max_age=auth.SESSION_SECONDS)
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    auth.check_csrf(request, csrf_token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response


def _local_path(target: str) -> str:
    """Only same-site paths as redirect targets (no open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"
