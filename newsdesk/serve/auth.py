"""Who may write: API tokens (``Authorization: Bearer``), a signed login session, CSRF tokens.

Reading needs nothing. Writing (adding sources, importing OPML) needs an API token: sent as a
Bearer header by API clients, or pasted once into the login form, which then sets a signed,
HttpOnly, Secure, SameSite=Strict session cookie naming that token (revoking the token ends the
session). Forms carry a CSRF token bound to a per-browser random cookie; API calls with a
Bearer token need none, since browsers never attach that header by themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

from fastapi import Request
from starlette.responses import Response

from newsdesk.config import Settings
from newsdesk.errors import NotFoundError
from newsdesk.serve.deps import request_store as _store
from newsdesk.serve.deps import site_url
from newsdesk.serve.problems import Problem
from newsdesk.store.users import User

SESSION_COOKIE = "nd_session"
CSRF_COOKIE = "nd_csrf"
SESSION_SECONDS = 14 * 86_400


def load_secret_key(settings: Settings) -> bytes:
    """``settings.secret_key``, or a random key kept in ``<data dir>/secret_key`` (mode 0600)."""
    if settings.secret_key:
        return settings.secret_key.encode("utf-8")
    path = Path(settings.data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


class Signer:
    """HMAC-SHA256 signatures over short strings with the app's secret key."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def sign(self, value: str) -> str:
        return hmac.new(self.key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def session_value(self, token_id: int, now: float | None = None) -> str:
        expires = int((now or time.time()) + SESSION_SECONDS)
        body = f"{token_id}.{expires}"
        return f"{body}.{self.sign('session:' + body)}"

    def session_token_id(self, value: str, now: float | None = None) -> int | None:
        """The token id a valid, unexpired session cookie names; None for anything else."""
        try:
            token_id, expires, signature = value.split(".")
            body = f"{token_id}.{expires}"
            if not hmac.compare_digest(signature, self.sign("session:" + body)):
                return None
            if int(expires) < (now or time.time()):
                return None
            return int(token_id)
        except ValueError:
            return None

    def csrf_token(self, browser_id: str) -> str:
        return self.sign("csrf:" + browser_id)


def _signer(request: Request) -> Signer:
    signer: Signer = request.app.state.signer
    return signer



def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def session_token_id(request: Request) -> int | None:
    """The id of the still-active token this browser logged in with, if any."""
    value = request.cookies.get(SESSION_COOKIE)
    if not value:
        return None
    token_id = _signer(request).session_token_id(value)
    if token_id is None or not _store(request).is_token_active(token_id):
        return None
    return token_id


def _token_user(request: Request, token_user_id: int | None) -> User | None:
    if token_user_id is None:
        return None
    try:
        return _store(request).get_user(token_user_id)
    except NotFoundError:
        return None


def current_user(request: Request) -> User | None:
    """The user this request acts for — a valid Bearer token's user, else the logged-in session's —
    or None (anonymous, or a desk token made before any user existed). Remembered per request."""
    if hasattr(request.state, "current_user"):
        cached: User | None = request.state.current_user
        return cached
    user: User | None = None
    secret = bearer_token(request)
    if secret is not None:
        token = _store(request).verify_token(secret)
        user = _token_user(request, token.user_id) if token else None
    else:
        token_id = session_token_id(request)
        if token_id is not None:
            user = _token_user(request, _store(request).get_token(token_id).user_id)
    request.state.current_user = user
    return user


def require_user(request: Request) -> User:
    """Routes about one reader's own things (read state, watchlists, digests): 401 when anonymous."""
    user = current_user(request)
    if user is None:
        raise Problem(401, "login required", "log in, or send a user's API token as 'Authorization: Bearer "
                      "<token>' (create one with 'newsdesk token create NAME --user USER')",
                      {"WWW-Authenticate": "Bearer"})
    return user


def ensure_writable(request: Request) -> None:
    settings: Settings = request.app.state.settings
    if settings.read_only:
        raise Problem(403, "read-only mode", "this newsdesk serves in read-only mode; writing is switched off")


def require_api_writer(request: Request) -> int:
    """API write endpoints: read-only mode off and a valid Bearer token. Returns the token id."""
    ensure_writable(request)
    secret = bearer_token(request)
    if secret is None:
        raise Problem(401, "authentication required", "send an API token as 'Authorization: Bearer <token>'; "
                      "create one with 'newsdesk token create NAME'", {"WWW-Authenticate": "Bearer"})
    token = _store(request).verify_token(secret)
    if token is None:
        raise Problem(401, "invalid token", "the API token is unknown or revoked", {"WWW-Authenticate": "Bearer"})
    return token.id


def require_form_writer(request: Request) -> int:
    """Form write actions: read-only mode off and a logged-in session (CSRF checked separately)."""
    ensure_writable(request)
    token_id = session_token_id(request)
    if token_id is None:
        raise Problem(401, "login required", "log in with an API token to change sources")
    return token_id


def browser_id(request: Request) -> str:
    """This browser's CSRF cookie value, made (and remembered for the response) if missing."""
    value = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_browser_id", None)
    if not value:
        value = secrets.token_urlsafe(24)
        request.state.new_browser_id = value
    return str(value)


def csrf_token(request: Request) -> str:
    return _signer(request).csrf_token(browser_id(request))


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a form post whose CSRF token does not match this browser's cookie, or that comes
    from another origin."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.rstrip("/") != site_url(request):
        raise Problem(403, "cross-site request refused", f"form posted from another origin: {origin}")
    cookie = request.cookies.get(CSRF_COOKIE)
    expected = _signer(request).csrf_token(cookie) if cookie else None
    if not submitted or expected is None or not hmac.compare_digest(submitted, expected):
        raise Problem(403, "CSRF check failed", "the form is stale or did not come from this site; reload and retry")


def set_cookie(response: Response, name: str, value: str, max_age: int | None) -> None:
    """Every cookie newsdesk sets: HttpOnly, Secure, SameSite=Strict, whole site."""
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, secure=True, samesite="strict")


def remember_browser(request: Request, response: Response) -> None:
    """Attach the CSRF cookie to a response when this request had to make one."""
    new_value = getattr(request.state, "new_browser_id", None)
    if new_value:
        set_cookie(response, CSRF_COOKIE, new_value, max_age=None)
