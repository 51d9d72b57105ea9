"""Source actions shared by the Sources page and the API: add a feed or URL, OPML in and out."""

from __future__ import annotations

from dataclasses import replace

from fastapi.responses import Response

from newsdesk.errors import FeedError, UnsupportedTargetError
from newsdesk.models import IngestOutcome
from newsdesk.serve.sanitize import safe_url
from newsdesk.store import Store


def web_targets(targets: list[str]) -> list[str]:
    """The targets the web may add: http(s) URLs only (never local paths); raises otherwise."""
    cleaned = [t.strip() for t in targets if t.strip()]
    if not cleaned:
        raise UnsupportedTargetError("give a feed or page URL", source="web")
    for target in cleaned:
        if not safe_url(target):
            raise UnsupportedTargetError("only http:// and https:// URLs can be added from the web",
                                         source=target[:200])
    return cleaned


def import_opml(store: Store, content: bytes, filename: str) -> list[IngestOutcome]:
    """Subscribe to every feed an OPML file lists (the next ``newsdesk poll`` fetches them)."""
    from newsdesk.collect.opml import parse_opml

    outcomes = []
    for outline in parse_opml(content, filename):
        if not safe_url(outline.url):
            outcomes.append(IngestOutcome(outline.url, "skipped", detail="not an http(s) URL"))
            continue
        _feed, created = store.add_feed(outline.url, outline.title, outline.site_url)
        outcomes.append(IngestOutcome(outline.url, "subscribed" if created else "unchanged", detail=outline.title))
    if not any(o.action != "skipped" for o in outcomes):
        # nothing was subscribed: a failure, not "201 Created" with an empty list
        raise FeedError("the OPML file lists no feed with an http(s) address", source=filename)
    return outcomes


def opml_response(store: Store) -> Response:
    from newsdesk.collect.opml import export_opml

    # a site link that is not http(s) (say javascript:) is left out rather than handed to another reader
    feeds = [replace(f, site_url=safe_url(f.site_url)) for f in store.list_feeds() if safe_url(f.url)]
    return Response(export_opml(feeds), media_type="text/x-opml; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="newsdesk-feeds.opml"'})
