"""Publishing what the desk knows: briefings (``brief.py``; Markdown/HTML in ``brief_text.py``, PDF in
``brief_pdf.py``, Word in ``brief_docx.py``), citations (``cite.py``: CSL-JSON, BibTeX, RIS;
``reference.py``: formatted references via citeproc-py; ``names.py``: bylines as names) and data
export (``export.py``: CSV / JSONL, streamed). All of them take a selection of articles
(``selection.py``: a story, a search, explicit ids or a watchlist).

This layer sits beside ``serve/`` and ``cli/``: it reads through ``newsdesk.store`` and uses the
analysis results (summaries, framing, entities); nothing below it imports it.
"""
