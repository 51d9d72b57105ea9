"""Write paths keep the same thing on both databases, whatever the page's metadata says."""

from __future__ import annotations

from newsdesk.models import ExtractedArticle
from newsdesk.store import Store


def test_overlong_metadata_is_cut_to_the_column_on_both_databases(any_store: Store) -> None:
    hostile_lang = 'en"><script>window.__xss=1</script>'
    outlet = "O" * 400
    url = "https://evil.example/a"
    with any_store.transaction() as conn:
        stored = any_store.save_article(conn, ExtractedArticle(url=url, title="t", text="x", language=hostile_lang,
                                                               outlet=outlet),
                                        canonical_url=url, content_hash="h")
    article = any_store.get_article(stored.id)
    assert article.language == hostile_lang[:16]
    assert article.outlet == outlet[:300]
    # the same outlet again finds the cut row instead of adding a second one
    with any_store.transaction() as conn:
        any_store.save_article(conn, ExtractedArticle(url=url + "2", title="t", text="y", outlet=outlet),
                               canonical_url=url + "2", content_hash="h2")
    assert len(any_store.outlets()) == 1
