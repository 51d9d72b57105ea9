"""A briefing as Markdown and as one standalone HTML file (styles inlined, no scripts, no remote
resources; prints on A4 and Letter alike). Article text is never markup: Jinja autoescapes the
HTML, and Markdown punctuation and angle brackets are escaped."""

from __future__ import annotations

import re

from jinja2 import Environment, select_autoescape

from newsdesk.publish.briefing import Briefing

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_LINE_START = re.compile(r"^(\d*)([#>+\-=.)])")


def md_escape(text: str) -> str:
    """Plain text that stays plain in Markdown: no emphasis, links, code, tables, raw HTML or
    entities, and no heading, quote or list marker where it starts a line."""
    text = _MD_ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    return _MD_LINE_START.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", text))


def _md_url(url: str) -> str:
    return re.sub(r"[\s<>()\[\]]", lambda m: f"%{ord(m.group(0)):02X}", url)


def _cite(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def markdown(b: Briefing) -> str:
    out = [f"# {md_escape(b.title)}", "", f"*{md_escape(b.scope)} · briefing of {b.generated:%Y-%m-%d %H:%M} UTC*", ""]
    for note in b.notes:
        out += [f"> {md_escape(note)}", ""]
    if b.summary:
        out += ["## Summary", ""]
        out.append(" ".join(md_escape(s.text) + (f" \\[{s.number}\\]" if s.number else "") for s in b.summary))
        out.append("")
    out += ["## Timeline", ""]
    for row in b.timeline:
        copies = f" (+{row.copies} {'copy' if row.copies == 1 else 'copies'})" if row.copies else ""
        out.append(f"- {row.date or 'undated'} — **{md_escape(row.outlet or '?')}**: {md_escape(row.title)} "
                   f"\\[{row.number}\\]{copies}")
    out.append("")
    if b.framing:
        out += ["## How each outlet frames it", ""]
        for f in b.framing:
            cites = " ".join(f"\\[{n}\\]" for n in f.numbers)
            out.append(f"- **{md_escape(f.outlet)}** {cites}: {md_escape(f.lead)}")
            if f.phrases:
                out.append(f"  - only here: {md_escape('; '.join(f.phrases))}")
        out.append("")
    if b.entities:
        out += ["## Key entities", "", ", ".join(f"{md_escape(e.name)} ({e.type}, {e.mentions} mentions)" for e in b.entities), ""]
    out += ["## Sources", ""]
    for s in b.sources:
        parts = [md_escape(p) for p in (s.outlet, s.author, s.date) if p]
        link = f" <{_md_url(s.url)}>" if s.url else ""
        out.append(f"{s.number}. {' · '.join(parts)} — {md_escape(s.title)}{link}")
        if s.also_run_by:
            runs = ", ".join(md_escape(" ".join(p for p in (c["outlet"], f"({c['date']})" if c["date"] else "") if p))
                             for c in s.also_run_by)
            out.append(f"   also run by {runs}")
    return "\n".join(out).rstrip() + "\n"


_STYLE = """
@page { margin: 16mm 15mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 Georgia, "DejaVu Serif", "Times New Roman", serif; color: #111; margin: 0 auto;
       max-width: 46em; padding: 1.5em; }
h1 { font-size: 18pt; line-height: 1.2; margin: 0 0 .2em; }
h2 { font-size: 12pt; margin: 1.3em 0 .4em; border-bottom: 1px solid #bbb; padding-bottom: .1em;
     break-after: avoid; page-break-after: avoid; }
.scope, .note, .also { color: #555; }
.scope { margin: 0 0 1em; font-size: 9.5pt; }
sup, .cite { font-size: 8pt; vertical-align: super; line-height: 0; }
a { color: #0645ad; text-decoration: none; overflow-wrap: anywhere; }
ol, ul { padding-left: 1.6em; margin: .3em 0; }
li { margin: .15em 0; break-inside: avoid; page-break-inside: avoid; }
.url { font-size: 8.5pt; overflow-wrap: anywhere; word-break: break-all; }
.phrases { color: #555; font-size: 9.5pt; }
@media print { body { max-width: none; padding: 0; } a { color: #111; } }
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{{ b.title }}</title>
<style>{{ style | safe }}</style>
</head>
<body>
<h1>{{ b.title }}</h1>
<p class="scope">{{ b.scope }} · briefing of {{ b.generated.strftime('%Y-%m-%d %H:%M') }} UTC</p>
{% for note in b.notes %}<p class="note">{{ note }}</p>{% endfor %}
{% if b.summary %}<h2>Summary</h2>
<p>{% for s in b.summary %}{{ s.text }}{% if s.number %}<a class="cite" href="#source-{{ s.number }}">[{{ s.number }}]</a>{% endif %} {% endfor %}</p>{% endif %}
<h2>Timeline</h2>
<ul>{% for row in b.timeline %}
<li>{{ row.date or 'undated' }} — <b>{{ row.outlet or '?' }}</b>: {{ row.title }} <a class="cite" href="#source-{{ row.number }}">[{{ row.number }}]</a>{% if row.copies %} <span class="also">(+{{ row.copies }} {{ 'copy' if row.copies == 1 else 'copies' }})</span>{% endif %}</li>{% endfor %}
</ul>
{% if b.framing %}<h2>How each outlet frames it</h2>
<ul>{% for f in b.framing %}
<li><b>{{ f.outlet }}</b>{% for n in f.numbers %} <a class="cite" href="#source-{{ n }}">[{{ n }}]</a>{% endfor %}: {{ f.lead }}{% if f.phrases %}<br><span class="phrases">only here: {{ f.phrases | join('; ') }}</span>{% endif %}</li>{% endfor %}
</ul>{% endif %}
{% if b.entities %}<h2>Key entities</h2>
<p>{% for e in b.entities %}{{ e.name }} <span class="also">({{ e.type }}, {{ e.mentions }} mentions)</span>{% if not loop.last %}, {% endif %}{% endfor %}</p>{% endif %}
<h2>Sources</h2>
<ol>{% for s in b.sources %}
<li id="source-{{ s.number }}" value="{{ s.number }}">{% for part in [s.outlet, s.author, s.date] if part %}{{ part }}{% if not loop.last %} · {% endif %}{% endfor %} — {% if s.url %}<a href="{{ s.url }}">{{ s.title }}</a><br><span class="url">{{ s.url }}</span>{% else %}{{ s.title }}{% endif %}{% if s.also_run_by %}<br><span class="also">also run by {% for c in s.also_run_by %}{% if c.url %}<a href="{{ c.url }}">{{ c.outlet }}</a>{% else %}{{ c.outlet }}{% endif %}{% if c.date %} ({{ c.date }}){% endif %}{% if not loop.last %}, {% endif %}{% endfor %}</span>{% endif %}</li>{% endfor %}
</ol>
</body>
</html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_COMPILED = _ENV.from_string(_TEMPLATE)


def standalone_html(b: Briefing) -> str:
    return _COMPILED.render(b=b, style=_STYLE)
