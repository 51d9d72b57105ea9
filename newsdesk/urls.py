"""The one safe way to take a URL apart: every collect and extract module parses URLs through here.

``urllib.parse`` raises ``ValueError`` for URLs that anyone can write into a feed, a sitemap or a
page (``http://[::1``, ``http://[zz]/``, ``http://[127.0.0.1]/``, a port of ``99999``, a host that
changes under NFKC normalisation). These functions never raise: a URL that does not parse is
``None`` or ``""``, and the caller decides whether that skips an entry or rejects a target.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urljoin, urlsplit

WEB_SCHEMES = ("http", "https")


def split_url(url: str) -> SplitResult | None:
    """``urlsplit(url)`` with its host and port checked, or ``None`` when the URL is malformed."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - reading it validates the port (range, digits)
        parts.hostname  # noqa: B018
    except (ValueError, TypeError, AttributeError):
        return None
    return parts


def web_url_problem(url: str) -> str:
    """Why ``url`` is not a well-formed http(s) URL with a host, or ``""`` when it is one."""
    if not url or not url.strip():
        return "empty URL"
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        return f"malformed URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in WEB_SCHEMES:
        return f"unsupported URL scheme {scheme!r}" if scheme else "not an http(s) URL"
    try:
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        return f"malformed URL ({exc})"
    if not host:
        return "URL has no host"
    if port == 0:
        return "malformed URL (port 0)"
    return ""


def is_web_url(url: str) -> bool:
    """True for a well-formed ``http``/``https`` URL with a host."""
    return not web_url_problem(url)


def web_url(url: str) -> str:
    """``url`` stripped when it is a well-formed http(s) URL with a host, else ``""``."""
    return url.strip() if is_web_url(url) else ""


def join_url(base: str, link: str) -> str:
    """``link`` resolved against ``base`` (ignored when it does not parse); ``""`` for a bad ``link``."""
    link = (link or "").strip()
    if not link or split_url(link) is None:
        return ""
    if split_url(base or "") is None:
        base = ""
    try:
        joined = urljoin(base or "", link)
    except ValueError:
        return ""
    return joined if split_url(joined) is not None else ""


def join_web_url(base: str, link: str) -> str:
    """``link`` resolved against ``base`` when the result is a well-formed http(s) URL, else ``""``."""
    return web_url(join_url(base, link))


def host_of(url: str) -> str:
    """The lower-case host of ``url``; ``""`` when it has none or does not parse."""
    parts = split_url(url)
    return (parts.hostname or "").lower() if parts is not None else ""


def path_of(url: str) -> str:
    """The path of ``url``; ``""`` when it does not parse."""
    parts = split_url(url)
    return parts.path if parts is not None else ""
