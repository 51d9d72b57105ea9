"""Sending alerts and digests out: e-mail over SMTP (smtplib) and webhooks (a signed JSON POST).

Delivery is at-least-once: a sender that crashes after sending and before recording it sends the
same batch again, with the same ``Message-ID`` (e-mail) or ``X-Newsdesk-Delivery`` (webhook), so
the receiver can drop the repeat. A webhook goes through the fetcher's SSRF guard
(:mod:`newsdesk.collect.netguard`): its URL is checked before sending and the connection is pinned
to the checked address, so a watchlist cannot make the desk POST to a private address unless the
desk allows private addresses. Redirects are not followed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import httpx

from newsdesk.collect.netguard import GuardedTransport, check_url
from newsdesk.config import Settings
from newsdesk.errors import FetchError, InvalidArgumentError, NewsdeskError

SIGNATURE_HEADER = "X-Newsdesk-Signature"
DELIVERY_HEADER = "X-Newsdesk-Delivery"
EVENT_HEADER = "X-Newsdesk-Event"
#: a plain address: one @, no spaces, no header-breaking characters
_ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$|^[^@\s<>,;:\"()\[\]\\]+@localhost$")


class DeliveryError(NewsdeskError):
    """An e-mail or webhook could not be delivered (the job retries it)."""

    title = "delivery failed"
    status = 502
    exit_code = 3


def check_email(address: str) -> str:
    address = address.strip()
    if len(address) > 254 or not _ADDRESS.match(address):
        raise InvalidArgumentError(f"{address!r} is not an e-mail address like name@example.org", source=address)
    return address


def check_webhook_url(url: str, settings: Settings) -> str:
    """The URL if a webhook may be sent there: http(s), and a public address unless the desk
    allows private ones (the same guard as fetching)."""
    url = url.strip()
    check_url(url, allow_private=settings.allow_private_addresses)
    return url


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str
    message_id: str


def send_mail(settings: Settings, mail: Mail) -> None:
    """Send one e-mail through the configured SMTP server (text and HTML alternatives)."""
    if not settings.smtp_host:
        raise DeliveryError("e-mail is not configured: set smtp_host (see 'newsdesk config')", source=mail.to)
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = check_email(mail.to)
    message["Subject"] = " ".join(mail.subject.split())[:200]
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = mail.message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    try:
        if settings.smtp_security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=settings.timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout)
        with client:
            if settings.smtp_security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password)
            client.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"cannot send e-mail through {settings.smtp_host}:{settings.smtp_port}: {exc}",
                            source=mail.to) from None


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def post_webhook(settings: Settings, url: str, secret: str, payload: dict[str, Any], *, delivery_id: str,
                 event: str = "alert") -> int:
    """POST ``payload`` as JSON, signed with HMAC-SHA256 over the body; returns the status."""
    check_webhook_url(url, settings)
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {"Content-Type": "application/json", DELIVERY_HEADER: delivery_id, EVENT_HEADER: event,
               "User-Agent": settings.user_agent}
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, body)
    transport = GuardedTransport(allow_private=settings.allow_private_addresses)
    try:
        with httpx.Client(transport=transport, follow_redirects=False, trust_env=False,
                          timeout=httpx.Timeout(settings.timeout)) as client:
            response = client.post(url, content=body, headers=headers)
    except FetchError:
        raise
    except httpx.HTTPError as exc:
        raise DeliveryError(f"cannot POST the webhook: {exc}", source=url) from None
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"the webhook answered HTTP {response.status_code}", source=url)
    return response.status_code
