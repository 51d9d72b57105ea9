"""The one exception tree of newsdesk.

Every failure is a subclass of :class:`NewsdeskError`; modules raise the most specific one and
never return ``None`` for a failure. The CLI turns them into one-line messages and exit codes,
the HTTP layer into ``application/problem+json`` responses — nowhere else are they caught
and flattened::

    NewsdeskError
    ├── ConfigError                  a setting has a bad value
    ├── InvalidArgumentError         a command or API parameter has a bad value
    ├── CollectError                 getting bytes or entries from a source failed
    │   ├── FetchError               an HTTP fetch failed
    │   │   ├── BlockedAddressError  the URL resolves to a loopback/private/link-local address
    │   │   ├── RobotsDisallowedError robots.txt forbids the URL
    │   │   ├── ResponseTooLargeError the body passed the size limit
    │   │   ├── TooManyRedirectsError redirect loop or chain past the limit
    │   │   └── HTTPStatusError      the server answered 4xx/5xx
    │   │       └── HostBusyError    the host is cooling down (Retry-After, back-off): not asked
    │   ├── FeedError                a feed/OPML/sitemap could not be parsed
    │   ├── ArchiveError             a WARC file (or a record in it) is unreadable
    │   └── UnsupportedTargetError   the target is not something newsdesk can read
    │       └── InvalidTargetError   the target is malformed: empty, or a URL that does not parse
    ├── ExtractError                 a document gave no article
    │   ├── NotAnArticleError        binary, empty page, or no main text
    │   └── PDFError                 a PDF that cannot be read
    │       ├── NoTextLayerError     a scanned PDF: pages but no text
    │       └── EncryptedPDFError    a PDF that needs a password
    ├── AuthenticationError          a login, password or token is wrong (401)
    ├── PermissionDeniedError        the user may not do this: not an admin, not theirs (403)
    ├── StoreError                   the database refused or is unreachable
    │   ├── ConflictError            a row with that key or name exists already
    │   └── NotFoundError            no row with that id / name
    └── AnalysisError                a summary, story or entity step failed
        └── ModelUnavailableError    an optional model is not installed

Each error carries ``source`` (the URL, path or id it is about) so messages name it.
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base of every error newsdesk raises on purpose."""

    #: short human title, used by the HTTP problem responses
    title = "newsdesk error"
    #: HTTP status the API answers with
    status = 500
    #: process exit code the CLI ends with
    exit_code = 1

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        if self.source and self.source not in self.message:
            return f"{self.source}: {self.message}"
        return self.message


class ConfigError(NewsdeskError):
    """A setting has a value newsdesk cannot use."""

    title = "bad configuration"
    exit_code = 2


class InvalidArgumentError(NewsdeskError):
    """A command-line option or API parameter has a value newsdesk cannot use."""

    title = "invalid argument"
    status = 400
    exit_code = 2


class CollectError(NewsdeskError):
    """Getting bytes or entries from a source failed."""

    title = "could not collect"
    status = 502
    exit_code = 3


class FetchError(CollectError):
    """An HTTP fetch failed (network, timeout, TLS)."""

    title = "fetch failed"


class BlockedAddressError(FetchError):
    """The URL resolves to a non-public address (SSRF guard)."""

    title = "address not allowed"
    status = 400


class RobotsDisallowedError(FetchError):
    """robots.txt of the host disallows the URL for newsdesk's user agent."""

    title = "disallowed by robots.txt"
    status = 403


class ResponseTooLargeError(FetchError):
    """The response body passed the configured maximum size."""

    title = "response too large"
    status = 413


class TooManyRedirectsError(FetchError):
    """A redirect loop, or a redirect chain past the limit."""

    title = "too many redirects"


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    title = "HTTP error"

    def __init__(
        self, message: str, *, source: str | None = None, status_code: int = 0,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, source=source)
        self.status_code = status_code
        self.retry_after = retry_after


class HostBusyError(HTTPStatusError):
    """The host is cooling down (it sent a long ``Retry-After`` or kept failing): no request made."""

    title = "host asked for a pause"
    status = 503


class FeedError(CollectError):
    """A feed, OPML list or sitemap could not be parsed."""

    title = "unreadable feed"
    status = 422


class ArchiveError(CollectError):
    """A WARC archive or one of its records cannot be read."""

    title = "unreadable archive"
    status = 422


class UnsupportedTargetError(CollectError):
    """The target is not a URL, file or folder newsdesk knows how to read."""

    title = "unsupported target"
    status = 400
    exit_code = 2


class InvalidTargetError(UnsupportedTargetError):
    """The target is malformed: empty, or a URL that does not parse (bad host, port or brackets)."""

    title = "invalid target"


class ExtractError(NewsdeskError):
    """A document gave no article."""

    title = "extraction failed"
    status = 422
    exit_code = 4


class NotAnArticleError(ExtractError):
    """Binary content, an empty page, or a page with no main text."""

    title = "not an article"


class PDFError(ExtractError):
    """A PDF that cannot be read."""

    title = "unreadable PDF"


class NoTextLayerError(PDFError):
    """A PDF whose pages hold no text (scanned images)."""

    title = "no text layer"


class EncryptedPDFError(PDFError):
    """A PDF that needs a password."""

    title = "encrypted PDF"


class AuthenticationError(NewsdeskError):
    """A login name, password or token did not check out (never says which of them was wrong)."""

    title = "authentication failed"
    status = 401
    exit_code = 2


class PermissionDeniedError(NewsdeskError):
    """The user is known but may not do this (a reader changing sources, another user's watchlist)."""

    title = "permission denied"
    status = 403
    exit_code = 2


class StoreError(NewsdeskError):
    """The database refused an operation or cannot be reached."""

    title = "storage error"
    exit_code = 5


class ConflictError(StoreError):
    """A row with that key or name exists already (a unique constraint refused the write)."""

    title = "conflict"
    status = 409


class NotFoundError(StoreError):
    """No row with that id or name; the message names what was looked for ("no story with id 7")."""

    title = "not found"
    status = 404
    exit_code = 6

    def __str__(self) -> str:
        return self.message


class AnalysisError(NewsdeskError):
    """A summary, story, relatedness or entity step failed."""

    title = "analysis failed"
    exit_code = 7


class ModelUnavailableError(AnalysisError):
    """An optional model (embeddings, spaCy, LLM endpoint) is not installed or reachable."""

    title = "model unavailable"
    status = 503
