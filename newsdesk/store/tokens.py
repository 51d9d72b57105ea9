"""Queries for API tokens and saved searches (a mixin of newsdesk.store.Store).

A token is shown once, when created; the database keeps only its SHA-256 hash, so a stolen
database file gives no usable token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from newsdesk.errors import ConflictError, NotFoundError, StoreError
from newsdesk.store.database import Database, as_utc, upsert, utcnow
from newsdesk.store.schema import api_tokens, saved_searches

TOKEN_PREFIX = "nd_"


def hash_token(token: str) -> str:
    """The stored form of a token: hex SHA-256 of its text."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass
class ApiToken:
    """An API token as stored: never the secret itself."""

    id: int
    name: str
    created_at: datetime | None
    last_used: datetime | None
    revoked: bool
    #: the user the token acts for; None for a desk token made before any user (acts as an admin)
    user_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "revoked": self.revoked, "user_id": self.user_id,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "last_used": self.last_used.isoformat() if self.last_used else None,
        }


@dataclass
class SavedSearch:
    id: int
    name: str
    query: str
    created_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "query": self.query,
                "created_at": self.created_at.isoformat() if self.created_at else None}


def _token_row(row: Any) -> ApiToken:
    return ApiToken(id=row.id, name=row.name, created_at=as_utc(row.created_at),
                    last_used=as_utc(row.last_used), revoked=bool(row.revoked), user_id=row.user_id)


class TokenQueries(Database):
    """API tokens (hashed) and saved searches."""

    def create_token(self, name: str, *, user_id: int | None = None) -> tuple[ApiToken, str]:
        """A new token named ``name`` acting for ``user_id``: the stored record and the secret (shown once)."""
        name = name.strip()
        if not name:
            raise StoreError("a token needs a name", source="api_tokens")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = utcnow()
        with self.transaction() as conn:
            result = conn.execute(insert(api_tokens).values(
                name=name, token_hash=hash_token(secret), created_at=now, revoked=False, user_id=user_id))
            token_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        return ApiToken(token_id, name, now, None, False, user_id), secret

    def revoke_older_tokens(self, user_id: int, name: str, *, keep: int) -> int:
        """Revoke all but the newest ``keep`` active tokens of ``user_id`` named ``name``; how many."""
        with self.transaction() as conn:
            active = conn.execute(select(api_tokens.c.id).where(
                api_tokens.c.user_id == user_id, api_tokens.c.name == name,
                api_tokens.c.revoked.is_(False)).order_by(api_tokens.c.id.desc())).scalars().all()
            older = list(active[keep:])
            if older:
                conn.execute(update(api_tokens).where(api_tokens.c.id.in_(older)).values(revoked=True))
        return len(older)

    def list_tokens(self, *, user_id: int | None = None) -> list[ApiToken]:
        """Every token, or only ``user_id``'s."""
        query = select(api_tokens).order_by(api_tokens.c.id)
        if user_id is not None:
            query = query.where(api_tokens.c.user_id == user_id)
        with self.read() as conn:
            rows = conn.execute(query).all()
        return [_token_row(row) for row in rows]

    def get_token(self, token_id: int) -> ApiToken:
        with self.read() as conn:
            row = conn.execute(select(api_tokens).where(api_tokens.c.id == token_id)).first()
        if row is None:
            raise NotFoundError(f"no API token with id {token_id}", source=f"token {token_id}")
        return _token_row(row)

    def revoke_token(self, token_id: int) -> ApiToken:
        """Mark a token revoked; it stops working at once."""
        with self.transaction() as conn:
            done = conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(revoked=True))
        if not done.rowcount:
            raise NotFoundError(f"no API token with id {token_id}", source=f"token {token_id}")
        return self.get_token(token_id)

    def verify_token(self, secret: str) -> ApiToken | None:
        """The active token whose secret this is (and note its use), or None for a wrong one.

        None here is an answer ("not a valid token"), not a failure: callers turn it into 401.
        """
        if not secret.startswith(TOKEN_PREFIX):
            return None
        digest = hash_token(secret)
        with self.read() as conn:
            row = conn.execute(select(api_tokens).where(api_tokens.c.token_hash == digest)).first()
        if row is None or row.revoked or not hmac.compare_digest(row.token_hash, digest):
            return None
        with self.transaction() as conn:
            conn.execute(update(api_tokens).where(api_tokens.c.id == row.id).values(last_used=utcnow()))
        return _token_row(row)

    def is_token_active(self, token_id: int) -> bool:
        with self.read() as conn:
            row = conn.execute(select(api_tokens.c.revoked).where(api_tokens.c.id == token_id)).first()
        return row is not None and not row.revoked

    # -- saved searches -------------------------------------------------------------------------

    def save_search(self, name: str, query: str) -> SavedSearch:
        now = utcnow()
        with self.transaction() as conn:
            search_id = conn.execute(
                upsert(self.dialect, saved_searches).values(name=name, query=query, created_at=now)
                .on_conflict_do_nothing(index_elements=[saved_searches.c.name])
                .returning(saved_searches.c.id)).scalar()
        if search_id is None:
            raise ConflictError(f"a saved search named {name!r} exists already", source=name)
        return SavedSearch(int(search_id), name, query, now)

    def list_saved_searches(self) -> list[SavedSearch]:
        with self.read() as conn:
            rows = conn.execute(select(saved_searches).order_by(saved_searches.c.name)).all()
        return [SavedSearch(r.id, r.name, r.query, as_utc(r.created_at)) for r in rows]
