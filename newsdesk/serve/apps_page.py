"""The "Feed reader apps" settings page (``/settings/apps``): the addresses to paste into a
Google Reader or Fever app, and a form setting the user's API password (separate from their
login password; the Fever key is derived from it)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from newsdesk.errors import InvalidArgumentError
from newsdesk.follow.passwords import api_credentials, check_password_rules
from newsdesk.serve import auth
from newsdesk.serve.deps import request_store, site_url
from newsdesk.serve.pages import render
from newsdesk.serve.problems import Problem
from newsdesk.store.users import User

router = APIRouter(include_in_schema=False)


def _logged_in(request: Request) -> User:
    user = auth.current_user(request)
    if user is None:
        raise Problem(401, "login required", "log in to set up feed reader apps")
    return user


def _page(request: Request, user: User, *, notice: str = "", error: str = "", status: int = 200) -> Response:
    site = site_url(request)
    return render(request, "settings_apps.html", {
        "title": "Feed reader apps", "user": user, "notice": notice, "error": error,
        "greader_url": site, "greader_api": f"{site}/reader/api/0/", "fever_url": f"{site}/fever/",
    }, status=status)


@router.get("/settings/apps", response_class=HTMLResponse)
def apps_settings(request: Request) -> Response:
    return _page(request, _logged_in(request))


@router.post("/settings/apps", response_class=HTMLResponse)
def set_api_password(request: Request, password: str = Form(""), confirm: str = Form(""),
                     csrf_token: str = Form("")) -> Response:
    auth.check_csrf(request, csrf_token)
    auth.ensure_writable(request)
    user = _logged_in(request)
    try:
        check_password_rules(password)
        if password != confirm:
            raise InvalidArgumentError("the two passwords differ")
    except InvalidArgumentError as exc:
        return _page(request, user, error=exc.message, status=400)
    request_store(request).set_api_password(user.id, *api_credentials(user.name, password))
    return _page(request, request_store(request).get_user(user.id),
                 notice="API password set. Use it, with your user name, in your feed reader app.")
