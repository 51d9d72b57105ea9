"""What the Google Reader and Fever APIs share: logging in with a user's API password, an
article's content as sanitised HTML (copies folded in), and a page of articles with their marks."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from newsdesk.follow.passwords import verify_password
from newsdesk.models import Article
from newsdesk.serve.sanitize import clean_html, paragraphs
from newsdesk.store import Store
from newsdesk.store.users import ReadState, User


def login_with_api_password(store: Store, name: str, password: str) -> User | None:
    """The user whose name and API password (not the login password) these are, else None.

    An unknown name costs the same argon2 verification as a wrong password."""
    user = store.find_user(name) if name else None
    stored = store.api_password_hash_of(user.id) if user is not None else ""
    if not verify_password(stored, password) or user is None:
        return None
    return user


def article_html(article: Article, copy_outlets: list[str]) -> Markup:
    """The article body as paragraphs, and the outlets of its folded copies, through the allow-list."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs(article.text or article.excerpt))
    names = sorted({name for name in copy_outlets if name and name != article.outlet})
    if names:
        body += f"<p><em>Also reported by: {html.escape(', '.join(names))}</em></p>"
    return clean_html(body)


@dataclass(frozen=True)
class PageItem:
    article: Article
    state: ReadState
    source: str
    copy_outlets: list[str]

    @property
    def stored_at(self) -> datetime | None:
        return self.article.first_seen

    @property
    def shown_at(self) -> datetime | None:
        return self.article.published or self.article.first_seen


def page_items(store: Store, user_id: int, article_ids: list[int]) -> list[PageItem]:
    """The articles of a page, in the order given, with this user's marks, sources and copies."""
    found = store.get_articles(article_ids)
    states = store.read_states(user_id, article_ids)
    sources = store.article_sources(article_ids)
    copies = store.copies_of(article_ids)
    return [PageItem(a, states.get(a.id, ReadState()), sources.get(a.id, "other"),
                     [outlet for _id, outlet in copies.get(a.id, [])]) for a in found]
