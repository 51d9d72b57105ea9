"""The web application: ``create_app(settings)`` builds the FastAPI app for pages, API and feeds.

Here and only here errors become HTTP answers: a :class:`~newsdesk.errors.NewsdeskError` turns
into ``application/problem+json`` (its ``status`` and ``title``, its message as ``detail``) on
API paths and into an error page elsewhere. Every response carries a strict
Content-Security-Policy (scripts only from this origin, no inline script or style) and the
usual hardening headers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsdesk.config import VERSION, Settings
from newsdesk.errors import NewsdeskError
from newsdesk.serve import filters
from newsdesk.serve.auth import Signer, load_secret_key
from newsdesk.serve.caching import ConditionalGet
from newsdesk.serve.deps import site_url
from newsdesk.serve.problems import Problem
from newsdesk.store import Store, open_store

HERE = Path(__file__).resolve().parent
#: the feed routes (``/stories/3/feed.atom``): feed readers get problem+json, not an error page
FEED_PATH = re.compile(r"/feed\.[^/]*$")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
       "connect-src 'self'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """Pure ASGI middleware adding :data:`SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


class KnownHost:
    """Pure ASGI middleware refusing (400 problem+json) a request whose ``Host`` is not the host of
    ``base_url``, so no page or feed is built for an address newsdesk is not served at. Ports are
    not compared (a proxy may or may not forward them), as with Starlette's TrustedHostMiddleware."""

    def __init__(self, app: ASGIApp, base_url: str) -> None:
        self.app = app
        self.base_url = base_url
        self.host = (urlsplit(base_url).hostname or "").lower()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self._host(scope) == self.host:
            await self.app(scope, receive, send)
            return
        body = {"type": "about:blank", "title": "unknown host", "status": 400, "instance": scope.get("path", ""),
                "detail": f"this newsdesk is served at {self.base_url}; the request named another host"}
        response = JSONResponse(body, status_code=400, media_type="application/problem+json")
        await response(scope, receive, send)

    @staticmethod
    def _host(scope: Scope) -> str:
        raw = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        try:
            return (urlsplit("//" + raw).hostname or "").lower()
        except ValueError:
            return ""


def wants_json(request: Request) -> bool:
    """API paths, feeds and clients that ask for JSON get problem+json; browsers get a page."""
    path = request.url.path
    if path.startswith("/api/") or path == "/openapi.json" or FEED_PATH.search(path):
        return True
    accept = request.headers.get("accept", "")
    return "json" in accept and "html" not in accept


def problem_response(request: Request, status: int, title: str, detail: str,
                     headers: dict[str, str] | None = None, **extra: Any) -> Response:
    if wants_json(request):
        body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
                "instance": request.url.path, **extra}
        return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html", {
        "status": status, "title": title, "detail": detail, "logged_in": False, "user": None, "is_admin": False,
        "read_only": request.app.state.settings.read_only, "csrf_token": "", "path": request.url.path,
        "site": site_url(request),
    }, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NewsdeskError)
    async def _newsdesk_error(request: Request, exc: NewsdeskError) -> Response:
        return problem_response(request, exc.status, exc.title, exc.message,
                                source=exc.source, error=type(exc).__name__)

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return problem_response(request, exc.status, exc.title, exc.detail, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        issues = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(map(str, i['loc']))}: {i['msg']}" for i in issues)
        return problem_response(request, 422, "invalid request", detail, errors=issues)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        title = {404: "not found", 405: "method not allowed"}.get(exc.status_code, "request refused")
        return problem_response(request, exc.status_code, title, str(exc.detail),
                                headers=dict(exc.headers) if exc.headers else None)


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.undefined = StrictUndefined
    env.autoescape = True
    filters.install(env)
    return templates


def create_app(settings: Settings, store: Store | None = None, *, run_worker: bool = True) -> FastAPI:
    """The newsdesk web app over ``store`` (opened from ``settings`` when not given).

    While the app runs (its lifespan), the job queue is open; ``run_worker`` also runs the jobs
    and the schedule in-process (see :mod:`newsdesk.serve.jobs`).
    """
    from newsdesk.serve import (
        api,
        apps_page,
        feeds_out,
        fever,
        greader,
        greader_atom,
        jobs,
        pages,
        publish_api,
        read_state,
        watchlists,
    )
    from newsdesk.serve.login_limit import LoginLimiter

    app = FastAPI(title="newsdesk", version=VERSION, openapi_url="/openapi.json", docs_url=None,
                  redoc_url=None, description="Read stories, articles, entities and searches; add sources.",
                  lifespan=jobs.lifespan(run_worker))
    app.state.jobs = None
    app.state.settings = settings
    app.state.store = store if store is not None else open_store(settings)
    app.state.signer = Signer(load_secret_key(settings))
    app.state.login_limiter = LoginLimiter()
    app.state.templates = make_templates()
    _install_error_handlers(app)
    if settings.base_url:
        app.add_middleware(KnownHost, base_url=settings.base_url)
    app.add_middleware(ConditionalGet)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(read_state.router)
    app.include_router(publish_api.router)
    app.include_router(jobs.api_router)
    app.include_router(jobs.page_router)
    app.include_router(watchlists.api_router)
    app.include_router(feeds_out.router)
    app.include_router(watchlists.router)
    app.include_router(pages.router)
    app.include_router(greader.router)
    app.include_router(greader_atom.router)
    app.include_router(fever.router)
    app.include_router(apps_page.router)
    return app


#: the environment variable ``newsdesk serve --workers N`` hands each server process its settings in
SETTINGS_ENV = "NEWSDESK_SERVE_SETTINGS"
#: ... and whether that process runs the job worker
WORKER_ENV = "NEWSDESK_SERVE_RUN_WORKER"


def settings_to_environment(settings: Settings, *, run_worker: bool) -> dict[str, str]:
    """What a server process of ``serve --workers N`` needs to build the same app."""
    import dataclasses
    import json

    values = {k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(settings).items()}
    return {SETTINGS_ENV: json.dumps(values), WORKER_ENV: "1" if run_worker else ""}


def app_from_environment() -> FastAPI:
    """The app factory each process of ``serve --workers N`` calls (uvicorn ``factory=True``)."""
    import json
    import os

    from newsdesk.config import load_settings

    settings = load_settings(environ={}, **json.loads(os.environ[SETTINGS_ENV]))
    return create_app(settings, run_worker=bool(os.environ.get(WORKER_ENV)))
