"""The secret in a watchlist's private feed URL: an HMAC of the watchlist id and its feed nonce
under the desk's secret key. Nothing is stored but the nonce: renewing it (a new random nonce)
makes every old feed URL a 404."""

from __future__ import annotations

import hashlib
import hmac

from newsdesk.store.watchlists import Watchlist


def feed_token(key: bytes, watchlist: Watchlist) -> str:
    message = f"watchlist-feed:{watchlist.id}:{watchlist.feed_nonce}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def feed_token_matches(key: bytes, watchlist: Watchlist, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(feed_token(key, watchlist).encode(), str(token).encode())
