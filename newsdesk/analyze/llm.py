"""Optional abstractive summaries through an OpenAI-compatible chat-completions endpoint.

Off unless ``llm_base_url`` is set. The model is given the article text and the extractive
summary's sentences, numbered, and asked to write a short summary citing them as ``[1]``, ``[2]``.
The extractive sentences stay on the result as its citations, and they are the fallback: any
failure (no endpoint configured, network error, error status, malformed answer, empty answer)
gives back the extractive summary with a ``note`` saying why — never a half answer.

    POST {llm_base_url}/chat/completions
    {"model": ..., "messages": [{"role": "system", ...}, {"role": "user", ...}], "temperature": 0.2}
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx

from newsdesk.config import Settings
from newsdesk.errors import ModelUnavailableError
from newsdesk.models import Summary

#: characters of article text sent to the model
MAX_INPUT_CHARS = 12_000
MAX_OUTPUT_TOKENS = 400
SYSTEM_PROMPT = (
    "You are a careful news editor. Summarize the article in at most {words} words of plain prose. "
    "Use only facts stated in the text. After each claim, cite the numbered key sentence it rests on "
    "as [n]. Do not add opinions, headlines or a preamble."
)


def llm_enabled(settings: Settings) -> bool:
    return bool(settings.llm_base_url.strip())


def _endpoint(settings: Settings) -> str:
    return settings.llm_base_url.rstrip("/") + "/chat/completions"


def build_messages(text: str, extractive: Summary, *, title: str = "", words: int = 80) -> list[dict[str, str]]:
    """The chat messages: instructions, then title, numbered key sentences and the (clipped) text."""
    key_sentences = "\n".join(f"[{n}] {s.text}" for n, s in enumerate(extractive.sentences, start=1))
    body = text if len(text) <= MAX_INPUT_CHARS else text[:MAX_INPUT_CHARS] + " [...]"
    user = (f"Title: {title}\n\n" if title else "") + (
        f"Key sentences:\n{key_sentences}\n\nArticle:\n{body}"
    )
    return [{"role": "system", "content": SYSTEM_PROMPT.format(words=words)},
            {"role": "user", "content": user}]


def _answer_text(data: Any, source: str) -> str:
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise ModelUnavailableError("answer has no choices[0].message.content", source=source) from None
    if not isinstance(content, str) or not content.strip():
        raise ModelUnavailableError("the model returned an empty summary", source=source)
    return content.strip()


def request_completion(messages: list[dict[str, str]], settings: Settings, *,
                       transport: httpx.BaseTransport | None = None) -> str:
    """POST the messages and return the answer's text; raises ModelUnavailableError on any failure."""
    if not llm_enabled(settings):
        raise ModelUnavailableError("no LLM endpoint configured (set llm_base_url)", source="llm_base_url")
    url = _endpoint(settings)
    headers = {"Content-Type": "application/json", "User-Agent": settings.user_agent}
    if settings.llm_api_key:
        headers["Authorization"] = f"Bearer {settings.llm_api_key}"
    payload = {"model": settings.llm_model or "default", "messages": messages, "temperature": 0.2,
               "max_tokens": MAX_OUTPUT_TOKENS, "stream": False}
    try:
        with httpx.Client(timeout=settings.timeout, transport=transport, follow_redirects=False) as client:
            response = client.post(url, json=payload, headers=headers)
    except httpx.HTTPError as exc:
        raise ModelUnavailableError(f"request failed: {type(exc).__name__}: {exc}", source=url) from None
    if response.status_code >= 400:
        detail = response.text[:200].replace("\n", " ")
        raise ModelUnavailableError(f"HTTP {response.status_code}: {detail}", source=url)
    try:
        data = response.json()
    except ValueError:
        raise ModelUnavailableError("answer is not JSON", source=url) from None
    return _answer_text(data, url)


def abstractive_summary(extractive: Summary, text: str, settings: Settings, *, title: str = "",
                        transport: httpx.BaseTransport | None = None) -> Summary:
    """The LLM's summary with the extractive sentences as citations; the extractive one on failure."""
    if not extractive.sentences:
        return replace(extractive, note="nothing to summarize: the LLM was not asked")
    words = int(extractive.params.get("words") or 0) or max(60, 25 * len(extractive.sentences))
    messages = build_messages(text, extractive, title=title, words=words)
    try:
        answer = request_completion(messages, settings, transport=transport)
    except ModelUnavailableError as exc:
        return replace(extractive, note=f"LLM summary unavailable ({exc}); showing the extractive summary")
    model = settings.llm_model or "default"
    return replace(extractive, abstract=answer, method=f"llm:{model}", note="")
