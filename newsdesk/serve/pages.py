"""Server-rendered HTML pages: home, story, article, entity, search, sources, login.

Every page works with JavaScript off. Handlers are plain ``def`` (the store is synchronous;
FastAPI runs them on its thread pool). Write actions need a login session and a valid CSRF token:
adding a source or importing OPML an admin's, marking an article (read, starred, kept) any user's.
A logged-in reader's lists show what is unread, home and story pages what is new since their last
visit, and opening an article marks it read.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from newsdesk.errors import InvalidArgumentError
from newsdesk.follow.passwords import hash_password, needs_rehash, verify_password
from newsdesk.publish.selection import Selection
from newsdesk.serve import auth, publish_views, read_state, sources, views
from newsdesk.serve.deps import request_refresh as _refresh
from newsdesk.serve.deps import request_settings as _settings
from newsdesk.serve.deps import request_store as _store
from newsdesk.serve.deps import site_url
from newsdesk.serve.login_limit import LoginLimiter
from newsdesk.serve.params import PathId
from newsdesk.serve.problems import Problem

router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page with the shared context (who is logged in, CSRF token, read-only flag)."""
    templates: Jinja2Templates = request.app.state.templates
    caller = auth.caller(request)
    session = caller if caller is not None and caller.via == "session" else None
    shared: dict[str, Any] = {"logged_in": session is not None, "user": session.user if session else None,
              "is_admin": session is not None and session.is_admin, "csrf_token": auth.csrf_token(request),
              "read_only": _settings(request).read_only, "path": request.url.path, "site": site_url(request),
              "marks": {}, "new": None, "reader": auth.current_user(request)}
    response = templates.TemplateResponse(request, template, {**shared, **context}, status_code=status)
    auth.remember_browser(request, response)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, since: str | None = None, until: str | None = None, outlet: str | None = None,
         language: str | None = None, entity: str | None = None, cursor: str | None = None) -> Response:
    filters = views.parse_filters(since, until, outlet, language, entity)
    data = views.home_view(_store(request), _settings(request), filters, cursor=cursor,
                           refresh=_refresh(request))
    new = None if cursor else read_state.new_since(request, "home", story_ids=[s["id"] for s in data["stories"]])
    marks = read_state.page_marks(request, [a["id"] for a in data["latest"]])
    unread = read_state.unread_by_story(request, [s["id"] for s in data["stories"]])
    return render(request, "home.html", {"data": data, "query": filters.query(), "title": "Stories",
                                         "growth_days": views.GROWTH_DAYS, "new": new, "marks": marks,
                                         "unread": unread})


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, story_id: PathId, cite_style: str | None = None) -> Response:
    data = views.story_view(_store(request), _settings(request), story_id, refresh=_refresh(request))
    story_id = data["story"]["id"]
    new = read_state.new_since(request, f"story:{story_id}", story_id=story_id)
    marks = read_state.page_marks(request, [a["article_id"] for a in data["story"]["timeline"]])
    cite = publish_views.cite_panel(_store(request), Selection.of_story(story_id), f"/api/stories/{story_id}/cite",
                                    cite_style)
    return render(request, "story.html", {"data": data, "chart": views.story_chart(data), "new": new,
                                          "marks": marks, "cite": cite,
                                          "briefing": publish_views.brief_links(f"/api/stories/{story_id}/brief"),
                                          "title": data["story"].get("title") or f"Story {story_id}"})


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: PathId, summary: bool = False, mark: bool = True,
            cite_style: str | None = None) -> Response:
    """The article; opening it marks it read for a logged-in reader (``?mark=0`` leaves it as it is)."""
    data = views.article_view(_store(request), _settings(request), article_id, with_summary=summary,
                              refresh=_refresh(request))
    user = auth.current_user(request)
    if user is not None and mark and not _settings(request).read_only:
        _store(request).mark_articles(user.id, [article_id], read=True)
    marks = read_state.page_marks(request, [article_id])
    cite = publish_views.cite_panel(_store(request), Selection.of_articles([article_id]),
                                    f"/api/articles/{article_id}/cite", cite_style)
    return render(request, "article.html", {"data": data, "title": data["article"]["title"] or "Article",
                                            "state": marks.get(article_id), "marks": marks, "cite": cite})


@router.post("/articles/{article_id}/state")
def mark_article(request: Request, article_id: PathId, csrf_token: str = Form(""), read: str | None = Form(None),
                 starred: str | None = Form(None), kept: str | None = Form(None),
                 next: str = Form("")) -> Response:
    """The article page's buttons without JavaScript: set one or more marks, then go back."""
    auth.check_csrf(request, csrf_token)
    user = auth.require_form_caller(request).user
    if user is None:
        raise Problem(403, "no user", "marks belong to a user: log in with your name and password")
    _store(request).get_article(article_id)
    values = {name: value == "1" for name, value in (("read", read), ("starred", starred), ("kept", kept))
              if value is not None}
    _store(request).mark_articles(user.id, [article_id], **values)
    target = _local_path(next) if next else f"/articles/{article_id}"
    return RedirectResponse(target, status_code=303)


@router.get("/entities", response_class=HTMLResponse)
def entity_list(request: Request, type: str | None = None, cursor: str | None = None) -> Response:
    data = views.entity_list_view(_store(request), type=type or None, cursor=cursor)
    return render(request, "entities.html", {"data": data, "title": "Entities"})


@router.get("/entities/{name_or_id}", response_class=HTMLResponse)
def entity(request: Request, name_or_id: str) -> Response:
    data = views.entity_view(_store(request), name_or_id, refresh=_refresh(request))
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
    marks = read_state.page_marks(request, [h["article_id"] for h in data.get("hits", [])])
    publish = None
    if q.strip() and mode == "fulltext":
        publish = {"briefing": publish_views.brief_links("/api/search/brief", q=q),
                   "cite": publish_views.cite_panel(_store(request), Selection.of_search(q), "/api/search/cite", None, q=q),
                   "export": [{"label": label, "href": f"/api/export?{urlencode({'q': q, 'format': fmt})}"}
                              for fmt, label in (("csv", "CSV"), ("jsonl", "JSON Lines"))]}
    return render(request, "search.html", {"data": data, "params": params, "outlets": views.outlets(_store(request)),
                                           "saved": saved, "publish": publish, "marks": marks,
                                           "title": f"Search: {q}" if q else "Search"})


@router.post("/searches")
def save_search(request: Request, name: str = Form(..., min_length=1, max_length=200), query: str = Form(...),
                csrf_token: str = Form("")) -> Response:
    auth.check_csrf(request, csrf_token)
    auth.require_form_caller(request)
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
def login_page(request: Request, next: str = "/") -> Response:
    return _login_form(request, next, None)


def _login_form(request: Request, next: str, error: str | None, status: int = 200,
                headers: dict[str, str] | None = None) -> Response:
    with_users = _store(request).count_users() > 0
    response = render(request, "login.html", {"next": _local_path(next), "error": error, "title": "Log in",
                                              "with_users": with_users}, status=status)
    response.headers.update(headers or {})
    return response


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, csrf_token: str = Form(""), next: str = Form("/"), name: str = Form(""),
          password: str = Form(""), token: str = Form("")) -> Response:
    """Log in with a user's name and password, or (the older way) by pasting an API token.

    Failures are counted per name and per client address (see :mod:`newsdesk.serve.login_limit`)."""
    auth.check_csrf(request, csrf_token)
    auth.ensure_writable(request)
    limiter: LoginLimiter = request.app.state.login_limiter
    name_key = "name:" + name.strip().casefold()[:100]
    keys = ["addr:" + _client_address(request)] + ([name_key] if name.strip() else [])
    wait = limiter.retry_after(keys)
    if wait:
        return _login_form(request, next, f"Too many failed logins. Try again in {max(1, wait // 60)} minute(s).",
                           status=429, headers={"Retry-After": str(wait)})
    store = _store(request)
    if token.strip() and not name.strip():
        found = store.verify_token(token.strip())
        if found is None:
            limiter.failed(keys)
            return _login_form(request, next, "That token is unknown or revoked.", status=401)
        value = request.app.state.signer.token_session(found.id)
    else:
        user = store.find_user(name)
        stored = store.password_hash_of(user.id) if user else None
        if not verify_password(stored, password) or user is None or stored is None:
            limiter.failed(keys)
            return _login_form(request, next, "Wrong name or password.", status=401)
        limiter.succeeded(name_key)
        stored = _rehashed(store, user.id, stored, password)
        store.record_login(user.id)
        value = request.app.state.signer.user_session(user.id, stored)
    response = RedirectResponse(_local_path(next), status_code=303)
    auth.set_cookie(response, auth.SESSION_COOKIE, value, max_age=auth.SESSION_SECONDS)
    return response


def _rehashed(store: Any, user_id: int, stored: str, password: str) -> str:
    """The stored hash, renewed with today's argon2 parameters when it was made with weaker ones."""
    if not needs_rehash(stored):
        return stored
    try:
        renewed = hash_password(password)
    except InvalidArgumentError:  # a password from before today's rules: keep its hash
        return stored
    store.set_password_hash(user_id, renewed)
    return renewed


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    auth.check_csrf(request, csrf_token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response


def _local_path(target: str) -> str:
    """Only same-site paths as redirect targets (no open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"
