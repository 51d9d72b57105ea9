"""Queries for users, their read state and their visits (a mixin of newsdesk.store.Store).

Hashes go in and out as opaque strings: hashing and verifying is newsdesk.follow.passwords' job.
A :class:`User` never carries a hash, so nothing that prints or serialises one can leak it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, delete, exists, false, func, insert, literal, select, true, update

from newsdesk.errors import ConflictError, InvalidArgumentError, NotFoundError
from newsdesk.store.database import Database, as_utc, is_row_id, is_storable, upsert, utcnow
from newsdesk.store.schema import articles, duplicate_links, read_state, user_visits, users

ROLES = ("admin", "reader")
DIGEST_MODES = ("off", "daily", "weekly")
#: the states a reader marks an article with; the column each is stored in
READ_STATES = {"read": "is_read", "starred": "starred", "kept": "kept"}
#: a visit less than this after the previous one belongs to the same session ("new since …" stays)
SESSION_GAP = timedelta(minutes=30)
MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class User:
    """A user as the rest of newsdesk sees one: no password hash, no API key."""

    id: int
    name: str
    role: str
    time_zone: str
    email: str
    has_api_password: bool
    digest_mode: str
    digest_time: str
    digest_weekday: int
    last_digest_at: datetime | None
    created_at: datetime | None
    last_login: datetime | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "role": self.role, "time_zone": self.time_zone,
            "email": self.email, "has_api_password": self.has_api_password,
            "digest": {"mode": self.digest_mode, "time": self.digest_time, "weekday": self.digest_weekday,
                       "last_sent": self.last_digest_at.isoformat() if self.last_digest_at else None},
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "last_login": self.last_login.isoformat() if self.last_login else None,
        }


@dataclass(frozen=True)
class ReadState:
    """One user's marks on one article (all False when they never touched it)."""

    read: bool = False
    starred: bool = False
    kept: bool = False

    def to_json(self) -> dict[str, bool]:
        return {"read": self.read, "starred": self.starred, "kept": self.kept}


_USER_COLUMNS = [c for c in users.c if c.name not in ("password_hash", "api_password_hash", "fever_key")]


def _user(row: Any) -> User:
    return User(
        id=int(row.id), name=row.name, role=row.role, time_zone=row.time_zone, email=row.email,
        has_api_password=bool(row.has_api_password), digest_mode=row.digest_mode,
        digest_time=row.digest_time, digest_weekday=int(row.digest_weekday),
        last_digest_at=as_utc(row.last_digest_at), created_at=as_utc(row.created_at),
        last_login=as_utc(row.last_login))


def _user_select() -> Any:
    return select(*_USER_COLUMNS, (users.c.api_password_hash != "").label("has_api_password"))


def _is_original() -> Any:
    """The article is not a copy of another (copies share the original's read state)."""
    return ~exists().where(duplicate_links.c.article_id == articles.c.id)


def check_user_name(name: str) -> str:
    """A login name as stored: trimmed, 1–100 printable characters, no ':' (Fever keys join on it)."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InvalidArgumentError(f"a user name has 1 to {MAX_NAME_LENGTH} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name) or ":" in name:
        raise InvalidArgumentError("a user name cannot contain ':' or control characters")
    return name


class UserQueries(Database):
    """Users (hashes stored, never returned with the user), read state, last visits."""

    # -- users ------------------------------------------------------------------------------------

    def create_user(self, name: str, password_hash: str, *, role: str = "reader", email: str = "",
                    time_zone: str = "UTC") -> User:
        name = check_user_name(name)
        if role not in ROLES:
            raise InvalidArgumentError(f"unknown role {role!r}: use {' or '.join(ROLES)}")
        with self.transaction() as conn:
            user_id = conn.execute(
                upsert(self.dialect, users).values(
                    name=name, password_hash=password_hash, role=role, email=email, time_zone=time_zone,
                    api_password_hash="", fever_key="", digest_mode="off", digest_time="07:00",
                    digest_weekday=0, created_at=utcnow())
                .on_conflict_do_nothing(index_elements=[users.c.name]).returning(users.c.id)).scalar()
        if user_id is None:
            raise ConflictError(f"a user named {name!r} exists already", source=name)
        return self.get_user(int(user_id))

    def list_users(self) -> list[User]:
        with self.read() as conn:
            return [_user(row) for row in conn.execute(_user_select().order_by(users.c.name))]

    def count_users(self, *, role: str | None = None) -> int:
        query = select(func.count()).select_from(users)
        if role is not None:
            query = query.where(users.c.role == role)
        with self.read() as conn:
            return int(conn.execute(query).scalar() or 0)

    def get_user(self, user_id: int) -> User:
        row = None
        if is_row_id(user_id):
            with self.read() as conn:
                row = conn.execute(_user_select().where(users.c.id == user_id)).first()
        if row is None:
            raise NotFoundError(f"no user with id {user_id}", source=f"user {user_id}")
        return _user(row)

    def find_user(self, name: str) -> User | None:
        """The user with this login name, or None (an answer, not a failure)."""
        if not is_storable(name):
            return None
        with self.read() as conn:
            row = conn.execute(_user_select().where(users.c.name == name.strip())).first()
        return _user(row) if row else None

    def require_user(self, name_or_id: str) -> User:
        """The user named (or numbered) ``name_or_id``; NotFoundError otherwise (CLI arguments)."""
        user = self.find_user(name_or_id)
        if user is None and name_or_id.strip().isdigit():
            return self.get_user(int(name_or_id))
        if user is None:
            raise NotFoundError(f"no user named {name_or_id!r}", source=name_or_id)
        return user

    def password_hash_of(self, user_id: int) -> str:
        with self.read() as conn:
            value = conn.execute(select(users.c.password_hash).where(users.c.id == user_id)).scalar()
        return str(value or "")

    def api_password_hash_of(self, user_id: int) -> str:
        with self.read() as conn:
            value = conn.execute(select(users.c.api_password_hash).where(users.c.id == user_id)).scalar()
        return str(value or "")

    def find_user_by_fever_key(self, key: str) -> User | None:
        key = key.strip().lower()
        if len(key) != 32 or not is_storable(key):
            return None
        with self.read() as conn:
            row = conn.execute(_user_select().where(users.c.fever_key == key)).first()
        return _user(row) if row else None

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self._update_user(user_id, password_hash=password_hash)

    def set_api_password(self, user_id: int, api_password_hash: str, fever_key: str) -> None:
        """Store the API password (Google Reader, Fever): its argon2 hash and the Fever key."""
        self._update_user(user_id, api_password_hash=api_password_hash, fever_key=fever_key)

    def update_user(self, user_id: int, **values: Any) -> User:
        """Change role, email, time_zone or the digest settings (other keys are refused)."""
        allowed = {"role", "email", "time_zone", "digest_mode", "digest_time", "digest_weekday", "last_digest_at"}
        unknown = set(values) - allowed
        if unknown:
            raise InvalidArgumentError(f"cannot change {', '.join(sorted(unknown))} of a user")
        if "role" in values and values["role"] not in ROLES:
            raise InvalidArgumentError(f"unknown role {values['role']!r}: use {' or '.join(ROLES)}")
        if "digest_mode" in values and values["digest_mode"] not in DIGEST_MODES:
            raise InvalidArgumentError(f"unknown digest mode {values['digest_mode']!r}: use {', '.join(DIGEST_MODES)}")
        if values.get("role") == "reader" and is_row_id(user_id):
            with self.transaction() as conn:
                self.lock(conn, "users")
                self._keep_an_admin(conn, user_id)
                conn.execute(update(users).where(users.c.id == user_id).values(**values))
        elif values:
            self._update_user(user_id, **values)
        return self.get_user(user_id)

    def record_login(self, user_id: int) -> None:
        self._update_user(user_id, last_login=utcnow())

    def _update_user(self, user_id: int, **values: Any) -> None:
        done = None
        if is_row_id(user_id):
            with self.transaction() as conn:
                done = conn.execute(update(users).where(users.c.id == user_id).values(**values))
        if done is None or not done.rowcount:
            raise NotFoundError(f"no user with id {user_id}", source=f"user {user_id}")

    def remove_user(self, user_id: int) -> None:
        """Delete a user with their tokens, read state, visits and watchlists (cascade).

        The last admin is never removed (InvalidArgumentError): a desk with users needs one."""
        done = None
        if is_row_id(user_id):
            with self.transaction() as conn:
                self.lock(conn, "users")
                self._keep_an_admin(conn, user_id)
                done = conn.execute(delete(users).where(users.c.id == user_id))
        if done is None or not done.rowcount:
            raise NotFoundError(f"no user with id {user_id}", source=f"user {user_id}")

    @staticmethod
    def _keep_an_admin(conn: Any, user_id: int) -> None:
        """Refuse to take away ``user_id``'s admin role when no other admin would be left."""
        role = conn.execute(select(users.c.role).where(users.c.id == user_id)).scalar()
        if role != "admin":
            return
        others = conn.execute(select(func.count()).select_from(users).where(
            users.c.role == "admin", users.c.id != user_id)).scalar()
        if not others:
            raise InvalidArgumentError("this is the last admin: make another user an admin first")

    # -- read state -------------------------------------------------------------------------------

    def mark_articles(self, user_id: int, article_ids: Sequence[int], *, read: bool | None = None,
                      starred: bool | None = None, kept: bool | None = None) -> int:
        """Set the given marks (None leaves a mark as it is) on existing articles; returns how many.

        One upsert per article: two devices marking at once both land, whichever order.
        """
        changes = {col: value for col, value in (("is_read", read), ("starred", starred), ("kept", kept))
                   if value is not None}
        ids = sorted({int(i) for i in article_ids if is_row_id(int(i))})
        if not changes or not ids:
            return 0
        now = utcnow()
        with self.transaction() as conn:
            existing = [int(r) for r in conn.execute(select(articles.c.id).where(articles.c.id.in_(ids))).scalars()]
            for article_id in existing:
                row = {"user_id": user_id, "article_id": article_id, "is_read": False, "starred": False,
                       "kept": False, "updated_at": now, **changes}
                conn.execute(upsert(self.dialect, read_state).values(**row).on_conflict_do_update(
                    index_elements=[read_state.c.user_id, read_state.c.article_id],
                    set_={**changes, "updated_at": now}))
        return len(existing)

    def mark_all_read(self, user_id: int, *, where: Sequence[Any] = (), until: datetime | None = None) -> int:
        """Mark read every article matching ``where`` (conditions on ``articles``) first seen up to
        ``until``; set-based (UPDATE, then INSERT … SELECT), so it stays fast on a large desk."""
        now = utcnow()
        conditions = [*where]
        if until is not None:
            conditions.append(articles.c.first_seen <= until)
        matching = select(articles.c.id).where(true(), *conditions)
        unmarked = ~exists().where(read_state.c.user_id == user_id, read_state.c.article_id == articles.c.id)
        with self.transaction() as conn:
            updated = conn.execute(update(read_state).where(
                read_state.c.user_id == user_id, read_state.c.is_read.is_(False),
                read_state.c.article_id.in_(matching)).values(is_read=True, updated_at=now)).rowcount
            # RETURNING, since the driver's rowcount of INSERT … SELECT is -1 on PostgreSQL
            inserted = len(conn.execute(insert(read_state).from_select(
                ["user_id", "article_id", "is_read", "starred", "kept", "updated_at"],
                select(literal(user_id, Integer), articles.c.id, true(), false(), false(),
                       literal(now, read_state.c.updated_at.type)).where(true(), *conditions, unmarked))
                .returning(read_state.c.article_id)).all())
        return max(int(updated or 0), 0) + inserted

    def read_states(self, user_id: int, article_ids: Sequence[int]) -> dict[int, ReadState]:
        """Marks per article id (articles never marked are absent: they are unread)."""
        ids = sorted({int(i) for i in article_ids if is_row_id(int(i))})
        if not ids:
            return {}
        with self.read() as conn:
            rows = conn.execute(select(read_state).where(
                read_state.c.user_id == user_id, read_state.c.article_id.in_(ids))).all()
        return {int(r.article_id): ReadState(bool(r.is_read), bool(r.starred), bool(r.kept)) for r in rows}

    def marked_article_ids(self, user_id: int, state: str, *, limit: int = 50,
                           before_id: int | None = None) -> list[int]:
        """Ids of the articles a user marked ``state`` (read, starred, kept), highest id first,
        below ``before_id`` (a keyset cursor)."""
        if state not in READ_STATES:
            raise InvalidArgumentError(f"unknown state {state!r}: use {', '.join(READ_STATES)}")
        column = read_state.c[READ_STATES[state]]
        query = select(read_state.c.article_id).where(read_state.c.user_id == user_id, column.is_(True))
        if before_id is not None:
            query = query.where(read_state.c.article_id < before_id)
        query = query.order_by(read_state.c.article_id.desc()).limit(limit)
        with self.read() as conn:
            return [int(i) for i in conn.execute(query).scalars()]

    def unread_article_ids(self, user_id: int, *, limit: int = 50, before_id: int | None = None,
                           where: Sequence[Any] = ()) -> list[int]:
        """Ids of the articles (originals, not copies) the user has not read, highest id first."""
        read = exists().where(read_state.c.user_id == user_id, read_state.c.article_id == articles.c.id,
                              read_state.c.is_read.is_(True))
        query = select(articles.c.id).where(~read, _is_original(), *where)
        if before_id is not None:
            query = query.where(articles.c.id < before_id)
        with self.read() as conn:
            return [int(i) for i in conn.execute(query.order_by(articles.c.id.desc()).limit(limit)).scalars()]

    def count_new_articles(self, since: datetime, *, story_ids: Sequence[int] | None = None) -> dict[int | None, int]:
        """Articles (originals) first stored after ``since``: per story id for ``story_ids``, else the
        whole desk under the key None ("3 new articles since Tuesday")."""
        query = select(func.count()).select_from(articles).where(
            articles.c.first_seen > since, _is_original())
        with self.read() as conn:
            if story_ids is None:
                return {None: int(conn.execute(query).scalar() or 0)}
            ids = sorted({int(i) for i in story_ids if is_row_id(int(i))})
            if not ids:
                return {}
            rows = conn.execute(query.add_columns(articles.c.story_id).where(articles.c.story_id.in_(ids))
                                .group_by(articles.c.story_id)).all()
        return {int(r.story_id): int(r[0]) for r in rows}

    def count_unread_by_story(self, user_id: int, story_ids: Sequence[int]) -> dict[int, int]:
        """Per story, how many of its articles (originals) the user has not read; stories with none
        unread are absent."""
        ids = sorted({int(i) for i in story_ids if is_row_id(int(i))})
        if not ids:
            return {}
        read = exists().where(read_state.c.user_id == user_id, read_state.c.article_id == articles.c.id,
                              read_state.c.is_read.is_(True))
        query = (select(articles.c.story_id, func.count()).where(articles.c.story_id.in_(ids), ~read, _is_original())
                 .group_by(articles.c.story_id))
        with self.read() as conn:
            return {int(story): int(n) for story, n in conn.execute(query).all()}

    def count_read(self, user_id: int, *, where: Sequence[Any] = ()) -> int:
        """How many articles matching ``where`` the user has read (unread = matching − read)."""
        query = (select(func.count()).select_from(read_state.join(articles, articles.c.id == read_state.c.article_id))
                 .where(read_state.c.user_id == user_id, read_state.c.is_read.is_(True), *where))
        with self.read() as conn:
            return int(conn.execute(query).scalar() or 0)

    # -- visits -----------------------------------------------------------------------------------

    def record_visit(self, user_id: int, place: str, *, now: datetime | None = None) -> datetime | None:
        """Note that the user looks at ``place`` now; returns the time of their visit before this
        session (what "new since …" counts from), None on a first visit.

        Visits closer than :data:`SESSION_GAP` are one session: reloading a page keeps its "new" marks.
        """
        now = now or utcnow()
        place = place[:100]
        key = (user_visits.c.user_id == user_id, user_visits.c.place == place)
        with self.transaction() as conn:
            first = conn.execute(upsert(self.dialect, user_visits).values(
                user_id=user_id, place=place, seen_at=now, previous_seen_at=None
            ).on_conflict_do_nothing(index_elements=[user_visits.c.user_id, user_visits.c.place])
                .returning(user_visits.c.user_id)).first()
            if first is not None:
                return None
            row = conn.execute(select(user_visits).where(*key).with_for_update()).one()
            seen_at, previous = as_utc(row.seen_at), as_utc(row.previous_seen_at)
            if seen_at is not None and now - seen_at >= SESSION_GAP:
                previous = seen_at
            conn.execute(update(user_visits).where(*key).values(seen_at=now, previous_seen_at=previous))
        return previous

