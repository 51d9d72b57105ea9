"""Invented articles shared by the story, related and embedding tests (no tests here): three events.

The bridge and the dam are both infrastructure failures in the same region (the hard case of
"same kind, different event"); the airline strike shares almost nothing with either.
"""

from __future__ import annotations

from datetime import UTC, datetime

from newsdesk.analyze.dedupe import Fingerprint
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store

BRIDGE = [
    ("Meridian Wire", "Velmora harbour bridge collapses during evening rush",
     "The Velmora harbour bridge collapsed on Tuesday evening, sending three cars into the Sarn estuary. "
     "Rescue divers from the Velmora coastguard pulled eleven people from the water. Engineer Ilsa Brandt "
     "had warned in March that corroded cables on the harbour bridge needed urgent replacement."),
    ("The Ledger", "Divers search Sarn estuary after Velmora bridge failure",
     "Coastguard divers kept searching the Sarn estuary on Wednesday after the Velmora harbour bridge failed. "
     "Mayor Tomas Okafor called the collapse a catastrophe and promised an inquiry into the corroded cables. "
     "Ilsa Brandt, the engineer who flagged the cables, said her report was ignored by the city."),
    ("Northern Courier", "Inquiry ordered into Velmora harbour bridge cables",
     "Mayor Tomas Okafor ordered an independent inquiry into the cables of the Velmora harbour bridge. "
     "Divers recovered the last car from the Sarn estuary. Residents laid flowers at the broken span, "
     "and commuters faced long detours around the harbour."),
]
DAM = [
    ("Meridian Wire", "Orlin dam spillway fails, villages evacuated",
     "The spillway of the Orlin dam failed overnight and floodwater reached four villages in the Kesh valley. "
     "Provincial governor Amara Quist ordered the evacuation of two thousand residents. Water engineers "
     "said heavy autumn rain had filled the Orlin reservoir to record levels."),
    ("Bay Post", "Kesh valley floods after Orlin reservoir overflows",
     "Floodwater from the Orlin reservoir covered farmland across the Kesh valley on Friday. Governor "
     "Amara Quist visited shelters for evacuated villagers and said the spillway repair would take weeks. "
     "Farmers lost their autumn harvest to the flood."),
]
STRIKE = [
    ("The Ledger", "Kestrel Airways pilots strike over pay",
     "Pilots at Kestrel Airways walked out on Monday in a dispute over pay and rest hours, grounding "
     "ninety flights. The pilots union leader Dana Ferreira said talks with Kestrel management had collapsed. "
     "Stranded passengers queued for refunds at Port Avel airport."),
    ("Bay Post", "Kestrel Airways cancels flights as pilot walkout continues",
     "Kestrel Airways cancelled another day of flights as the pilot walkout over pay continued. Union "
     "leader Dana Ferreira said pilots would return only with a written offer on rest hours. Port Avel "
     "airport advised passengers to check before travelling."),
]


def extracted(outlet: str, title: str, text: str, day: int, slug: str) -> ExtractedArticle:
    host = outlet.lower().replace(" ", "") + ".example"
    return ExtractedArticle(url=f"https://{host}/{slug}", title=title, text=text, outlet=outlet, language="en",
                            published=datetime(2026, 10, day, 9, 0, tzinfo=UTC))


def save(store: Store, article: ExtractedArticle) -> int:
    """Store an article the way ingest does (row and fingerprint); returns its id."""
    fingerprint = Fingerprint.of(article.text, 0.8)
    with store.transaction() as conn:
        stored = store.save_article(conn, article, canonical_url=article.url,
                                    content_hash=fingerprint.content_hash, domain=article.url.split("/")[2])
        store.save_fingerprint(conn, stored.id, fingerprint.signature, fingerprint.buckets)
    return stored.id


def save_event(store: Store, event: list[tuple[str, str, str]], first_day: int, name: str) -> list[int]:
    return [save(store, extracted(outlet, title, text, first_day + n, f"{name}-{n}"))
            for n, (outlet, title, text) in enumerate(event)]
