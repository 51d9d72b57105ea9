"""URL identity: the one place that decides which URL an article is stored under.

* Two URLs name one article when their normalised forms are equal (scheme and host case,
  default ports, tracking parameters such as ``utm_*``, fragments and parameter order ignored).
* A page's own ``rel=canonical`` is trusted only when it stays on the same host (or the document
  has no web URL, as for local files and archives): a syndicated copy that points its canonical
  at the original publisher must not overwrite the original's row.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid",
    "_ga", "_gl", "ocid", "cmpid", "ncid", "sr_share", "share", "smid", "ref_src", "spm",
})
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "hsa_", "oly_", "vero_")
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_url(url: str) -> str:
    """The canonical form used to recognise one article under several URLs."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    query = [
        (key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMS and not key.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def site_host(url: str) -> str:
    """The host an article belongs to, without a leading ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def identity_url(doc_url: str, canonical_url: str) -> str:
    """The URL an article fetched from ``doc_url`` (declaring ``canonical_url``) is stored under."""
    canonical = canonical_url or ""
    web_canonical = canonical.startswith(("http://", "https://"))
    if web_canonical and (not doc_url.startswith(("http://", "https://"))
                          or site_host(canonical) == site_host(doc_url)):
        return normalize_url(canonical)
    return normalize_url(doc_url)
