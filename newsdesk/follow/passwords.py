"""Password hashing (argon2id, through argon2-cffi) and the rules a new password must meet.

The store keeps only hashes; nothing here logs or returns a password.
"""

from __future__ import annotations

import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from newsdesk.errors import InvalidArgumentError

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024

_hasher = PasswordHasher()
#: verifying against this keeps a login for an unknown name as slow as one for a known name
_DUMMY_HASH = _hasher.hash("newsdesk-no-such-user")


def check_password_rules(password: str) -> None:
    """Refuse a password too short, too long or with control characters (InvalidArgumentError)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidArgumentError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidArgumentError(f"a password has at most {MAX_PASSWORD_LENGTH} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in password):
        raise InvalidArgumentError("a password cannot contain control characters (newlines, tabs, NUL)")


def hash_password(password: str) -> str:
    """An argon2id hash of a password that meets the rules."""
    check_password_rules(password)
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; an absent hash costs the same time and is False."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and bool(stored_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than today's (rehash at the next login)."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def fever_key(name: str, api_password: str) -> str:
    """The Fever API's key: md5 of "name:password", the protocol's own (weak) scheme."""
    return hashlib.md5(f"{name}:{api_password}".encode(), usedforsecurity=False).hexdigest()


def api_credentials(name: str, api_password: str) -> tuple[str, str]:
    """What the store keeps of a feed-reader API password: its argon2 hash and the Fever key."""
    return hash_password(api_password), fever_key(name, api_password)
