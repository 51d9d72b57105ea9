"""The six invented outlets of the demo corpus and where their feeds live."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outlet:
    domain: str
    name: str
    kind: str
    tagline: str
    #: path of the outlet's feed on its host
    feed_path: str
    #: ``rss``, ``atom`` or ``json``
    feed_type: str

    @property
    def home(self) -> str:
        return f"https://{self.domain}/"

    @property
    def feed_url(self) -> str:
        return f"https://{self.domain}{self.feed_path}"

    @property
    def feed_mime(self) -> str:
        return {
            "rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json",
        }[self.feed_type]


OUTLETS: dict[str, Outlet] = {o.domain: o for o in (
    Outlet("meridianwire.example", "Meridian Wire", "wire service",
           "Fast, fair, first: news from the Meridian Wire desk", "/feed.xml", "rss"),
    Outlet("harbor-institute.example", "The Harbor Institute", "think tank",
           "Independent policy research since 1987", "/feed.atom", "atom"),
    Outlet("statecaster.example", "Statecaster", "state media",
           "The National Broadcasting Service of Veridia", "/feed.json", "json"),
    Outlet("the-ledger.example", "The Ledger", "national daily",
           "Veridia's paper of record", "/rss/all.xml", "rss"),
    Outlet("sallow-gazette.example", "The Sallow Gazette", "regional paper",
           "News for Port Sallow, the Tavel delta and the Calder Hills", "/feed.rss", "rss"),
    Outlet("newsloop.example", "NewsLoop", "aggregator",
           "All the stories, one loop", "/rss.xml", "rss"),
)}

#: the outlet whose news sitemap the corpus ships
SITEMAP_OUTLET = "the-ledger.example"
