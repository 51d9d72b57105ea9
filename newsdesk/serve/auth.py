"""Who a request acts for: a user's (or a desk's) API token, or a signed login session; roles and CSRF.

* **Reading** needs nothing, on a desk with or without users.
* **API calls** send ``Authorization: Bearer <token>``. A token belongs to a user (``newsdesk token
  create NAME --user USER``) and acts with that user's role; a token made before any user existed
  (``user_id`` NULL) acts as an admin, as every token did before accounts.
* **Browsers** log in with a user's name and password (or, on a desk without users, by pasting a
  token). The session cookie is signed and timestamped with itsdangerous' URLSafeTimedSerializer
  (HttpOnly, Secure, SameSite=Strict, 14 days). A user's session holds a fingerprint of the password
  hash, so changing the password ends every session; a token session ends when the token is revoked.
* **Roles**: admins change sources, import OPML, manage jobs; readers read and mark what they read.
  A reader's write to sources is a 403.
* **CSRF**: forms carry a token signed over a per-browser random cookie; scripts send the same token
  as ``X-CSRF-Token``. A cookie-authenticated unsafe request from another origin counts as anonymous.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from itsdangerous import Signer as _ItsSigner
from starlette.responses import Response

from newsdesk.config import Settings
from newsdesk.errors import NotFoundError
from newsdesk.serve.deps import request_store as _store
from newsdesk.serve.deps import site_url
from newsdesk.serve.problems import Problem
from newsdesk.store.users import User

SESSION_COOKIE = "nd_session"
CSRF_COOKIE = "nd_csrf"
CSRF_HEADER = "x-csrf-token"
SESSION_SECONDS = 14 * 86_400
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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


def password_fingerprint(password_hash: str) -> str:
    """What a session remembers of the password hash: a new password gives a new fingerprint."""
    return hashlib.sha256(b"session:" + password_hash.encode("utf-8")).hexdigest()[:24]


class Signer:
    """Sessions and CSRF tokens signed with the app's secret key (itsdangerous), and
    :meth:`sign` for the other values only this server may mint (feed and edit tokens)."""

    def __init__(self, key: bytes) -> None:
        #: the app's secret key (private feed tokens are derived from it)
        self.key = key
        self.sessions = URLSafeTimedSerializer(key, salt="newsdesk.session")
        self.csrf = _ItsSigner(key, salt="newsdesk.csrf", digest_method=hashlib.sha256)

    def sign(self, value: str) -> str:
        """Hex HMAC-SHA256 of ``value`` under the secret key (callers prefix what it is for)."""
        return hmac.new(self.key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def user_session(self, user_id: int, password_hash: str) -> str:
        return self.sessions.dumps({"u": user_id, "p": password_fingerprint(password_hash)})

    def token_session(self, token_id: int) -> str:
        return self.sessions.dumps({"t": token_id})

    def read_session(self, value: str) -> dict[str, Any] | None:
        """The payload of a valid, unexpired session cookie; None for anything else."""
        try:
            data = self.sessions.loads(value, max_age=SESSION_SECONDS)
        except (BadSignature, ValueError, TypeError):
            return None
        return data if isinstance(data, dict) else None

    def csrf_token(self, browser_id: str) -> str:
        return self.csrf.get_signature(browser_id).decode("ascii")


def _signer(request: Request) -> Signer:
    signer: Signer = request.app.state.signer
    return signer


@dataclass(frozen=True)
class Caller:
    """Who a request acts for: a user, or (``user`` None) a desk token made before any user."""

    user: User | None
    token_id: int | None
    #: "bearer" (an API token in the header) or "session" (the login cookie)
    via: str

    @property
    def is_admin(self) -> bool:
        return self.user is None or self.user.is_admin


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _token_user(request: Request, token_user_id: int | None) -> User | None:
    if token_user_id is None:
        return None
    try:
        return _store(request).get_user(token_user_id)
    except NotFoundError:
        return None


def _cross_site(request: Request) -> bool:
    origin = request.headers.get("origin")
    return bool(origin) and origin != "null" and (origin or "").rstrip("/") != site_url(request)


def _session_caller(request: Request) -> Caller | None:
    value = request.cookies.get(SESSION_COOKIE)
    data = _signer(request).read_session(value) if value else None
    if data is None:
        return None
    store = _store(request)
    if isinstance(data.get("u"), int):
        try:
            user = store.get_user(data["u"])
        except NotFoundError:
            return None
        fingerprint = password_fingerprint(store.password_hash_of(user.id))
        if not hmac.compare_digest(str(data.get("p", "")).encode(), fingerprint.encode()):
            return None  # the password changed since this login
        return Caller(user, None, "session")
    token_id = data.get("t")
    if not isinstance(token_id, int) or not store.is_token_active(token_id):
        return None
    token = store.get_token(token_id)
    owner = _token_user(request, token.user_id)
    if token.user_id is not None and owner is None:
        return None
    return Caller(owner, token_id, "session")


def caller(request: Request) -> Caller | None:
    """Who this request acts for, or None (anonymous, a wrong token, or a cookie-authenticated
    write from another origin). Remembered per request."""
    if hasattr(request.state, "caller"):
        cached: Caller | None = request.state.caller
        return cached
    found: Caller | None = None
    secret = bearer_token(request)
    if secret is not None:
        token = _store(request).verify_token(secret)
        if token is not None:
            user = _token_user(request, token.user_id)
            if token.user_id is None or user is not None:
                found = Caller(user, token.id, "bearer")
    elif request.method in SAFE_METHODS or not _cross_site(request):
        found = _session_caller(request)
    request.state.caller = found
    return found


def session_token_id(request: Request) -> int | None:
    """The id of the still-active token this browser logged in with (token-paste login), if any."""
    found = caller(request)
    return found.token_id if found is not None and found.via == "session" else None


def current_user(request: Request) -> User | None:
    """The user this request acts for — a valid Bearer token's user, else the logged-in session's —
    or None (anonymous, or a desk token made before any user existed). Remembered per request."""
    found = caller(request)
    return found.user if found else None


def require_user(request: Request) -> User:
    """Routes about one reader's own things (read state, watchlists, digests): 401 when anonymous.

    A login cookie sent with a write from another origin does not count (see :func:`caller`);
    JSON writes a page script makes should use :func:`require_user_write` (CSRF header too)."""
    user = current_user(request)
    if user is None:
        raise Problem(401, "login required", "log in, or send a user's API token as 'Authorization: Bearer "
                      "<token>' (create one with 'newsdesk token create NAME --user USER')",
                      {"WWW-Authenticate": "Bearer"})
    return user


def require_user_write(request: Request) -> User:
    """A JSON write about the user's own things: the user, and for a login cookie the CSRF header."""
    user = require_user(request)
    found = caller(request)
    if found is not None and found.via == "session":
        check_csrf_value(request, request.headers.get(CSRF_HEADER))
    return user


def ensure_writable(request: Request) -> None:
    settings: Settings = request.app.state.settings
    if settings.read_only:
        raise Problem(403, "read-only mode", "this newsdesk serves in read-only mode; writing is switched off")


def _need_admin(found: Caller) -> None:
    if not found.is_admin:
        raise Problem(403, "admins only", f"user {found.user.name if found.user else ''!r} is a reader; "
                      "changing sources, users and jobs needs an admin")


def _bearer_caller(request: Request) -> Caller:
    ensure_writable(request)
    if bearer_token(request) is None:
        raise Problem(401, "authentication required", "send an API token as 'Authorization: Bearer <token>'; "
                      "create one with 'newsdesk token create NAME --user USER'", {"WWW-Authenticate": "Bearer"})
    found = caller(request)
    if found is None:
        raise Problem(401, "invalid token", "the API token is unknown or revoked", {"WWW-Authenticate": "Bearer"})
    return found


def require_api_writer(request: Request) -> Caller:
    """API writes to the desk (sources, OPML): read-only mode off, a valid Bearer token, an admin's."""
    found = _bearer_caller(request)
    _need_admin(found)
    return found


def require_api_member(request: Request) -> Caller:
    """API writes any user may make (saving a search): read-only mode off and a valid Bearer token."""
    return _bearer_caller(request)


def require_form_caller(request: Request) -> Caller:
    """Form writes any logged-in user may make (CSRF checked separately)."""
    ensure_writable(request)
    found = caller(request)
    if found is None or found.via != "session":
        raise Problem(401, "login required", "log in to do this")
    return found


def require_form_writer(request: Request) -> Caller:
    """Form writes to the desk (sources, OPML): a logged-in admin (CSRF checked separately)."""
    found = require_form_caller(request)
    _need_admin(found)
    return found


def browser_id(request: Request) -> str:
    """This browser's CSRF cookie value, made (and remembered for the response) if missing."""
    value = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_browser_id", None)
    if not value:
        value = secrets.token_urlsafe(24)
        request.state.new_browser_id = value
    return str(value)


def csrf_token(request: Request) -> str:
    return _signer(request).csrf_token(browser_id(request))


def check_csrf_value(request: Request, submitted: str | None) -> None:
    """Refuse a write whose CSRF token does not match this browser's cookie, or that comes from
    another origin."""
    if _cross_site(request):
        raise Problem(403, "cross-site request refused",
                      f"form posted from another origin: {request.headers.get('origin')}")
    cookie = request.cookies.get(CSRF_COOKIE)
    expected = _signer(request).csrf_token(cookie) if cookie else None
    if not submitted or expected is None or not hmac.compare_digest(submitted.encode(), expected.encode()):
        raise Problem(403, "CSRF check failed", "the form is stale or did not come from this site; reload and retry")


def check_csrf(request: Request, submitted: str | None) -> None:
    """A form post's CSRF check (the ``csrf_token`` field)."""
    check_csrf_value(request, submitted)


def set_cookie(response: Response, name: str, value: str, max_age: int | None) -> None:
    """Every cookie newsdesk sets: HttpOnly, Secure, SameSite=Strict, whole site."""
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, secure=True, samesite="strict")


def remember_browser(request: Request, response: Response) -> None:
    """Attach the CSRF cookie to a response when this request had to make one."""
    new_value = getattr(request.state, "new_browser_id", None)
    if new_value:
        set_cookie(response, CSRF_COOKIE, new_value, max_age=None)
