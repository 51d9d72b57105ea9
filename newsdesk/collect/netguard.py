"""SSRF guard: refuse URLs that resolve to loopback, private, link-local or other non-public addresses.

Two layers, both used by :class:`newsdesk.collect.fetcher.Fetcher`:

* :func:`check_url` runs before every hop (first request and each redirect) and gives a clear
  :class:`BlockedAddressError` naming the host and the address.
* :class:`GuardedTransport` closes the time-of-check/time-of-use gap (DNS rebinding): its network
  backend resolves the host itself, checks *every* address, and connects to the checked address, so
  the socket is pinned to what was checked. TLS still verifies the certificate against the host name.

The resolver is injectable (``resolver(host, port) -> list[str]``) so tests can make a name resolve
to anything without touching DNS.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx

from newsdesk.errors import BlockedAddressError, FetchError, InvalidTargetError
from newsdesk.urls import split_url, web_url_problem

Resolver = Callable[[str, int], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")
#: NAT64 well-known prefix: the embedded IPv4 address is what is really reached
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``getaddrinfo`` gives for ``host`` (IPv4 and IPv6)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host {host!r}: {exc}", source=host) from None
    # keep the system's preference order (RFC 6724), without repeats
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    # IPv4-compatible (deprecated) ::a.b.c.d
    if int(address) >> 32 == 0 and int(address) > 0xFFFF:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def blocked_reason(address: IPAddress) -> str | None:
    """Why ``address`` is not a public unicast address, or ``None`` if it is one."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            address = ipaddress.IPv6Address(str(address).split("%", 1)[0])
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            inner = blocked_reason(embedded)
            return f"IPv6 form of a {inner}" if inner else None
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("shared (carrier-grade NAT)", isinstance(address, ipaddress.IPv4Address)
         and address in SHARED_ADDRESS_SPACE),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("site-local", isinstance(address, ipaddress.IPv6Address) and address.is_site_local),
        ("non-global", not address.is_global),
    )
    for name, hit in checks:
        if hit:
            return name
    return None


def check_address(host: str, address_text: str) -> None:
    """Raise :class:`BlockedAddressError` if ``address_text`` (what ``host`` resolved to) is not public."""
    try:
        address = ipaddress.ip_address(address_text.split("%", 1)[0])
    except ValueError:
        raise BlockedAddressError(
            f"host {host!r} resolved to {address_text!r}, which is not an IP address", source=host,
        ) from None
    reason = blocked_reason(address)
    if reason:
        raise BlockedAddressError(
            f"refusing to fetch from host {host!r}: it resolves to {address} ({reason} address); "
            "set allow_private_addresses to allow this", source=host,
        )


def _host_and_port(url: str) -> tuple[str, int]:
    parts = split_url(url)
    scheme = parts.scheme.lower() if parts is not None else ""
    if parts is not None and scheme not in ALLOWED_SCHEMES:
        raise BlockedAddressError(f"only http and https URLs can be fetched, not {scheme or 'no'} scheme",
                                  source=url)
    problem = web_url_problem(url)
    if parts is None or problem or not parts.hostname:
        raise InvalidTargetError(problem or "malformed URL", source=url)
    return parts.hostname, parts.port or (443 if scheme == "https" else 80)


def check_url(url: str, *, allow_private: bool, resolver: Resolver | None = None) -> None:
    """Check that ``url`` is http(s) and that no address of its host is non-public.

    Raises :class:`BlockedAddressError` naming the host and address, :class:`InvalidTargetError` for
    a URL that does not parse or has no host; with ``allow_private`` only the URL itself is checked
    (no DNS lookup).
    """
    host, port = _host_and_port(url)
    if allow_private:
        return
    try:
        addresses = (resolver or system_resolver)(host, port)
    except FetchError as exc:
        raise FetchError(exc.message, source=url) from None
    if not addresses:
        raise FetchError(f"host {host!r} has no address", source=url)
    for address in addresses:
        try:
            check_address(host, address)
        except BlockedAddressError as exc:
            raise BlockedAddressError(exc.message, source=url) from None


class GuardedBackend(httpcore.SyncBackend):
    """A network backend that resolves, checks and connects to the checked address (pinning)."""

    def __init__(self, *, allow_private: bool, resolver: Resolver | None = None) -> None:
        self.allow_private = allow_private
        self.resolver = resolver or system_resolver

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        addresses = self.resolver(host, port)
        if not addresses:
            raise FetchError(f"host {host!r} has no address", source=host)
        if not self.allow_private:
            for address in addresses:
                check_address(host, address)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                           socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error


class GuardedTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` whose connections go through :class:`GuardedBackend`."""

    def __init__(self, *, allow_private: bool, resolver: Resolver | None = None,
                 limits: httpx.Limits | None = None, ssl_context: ssl.SSLContext | None = None) -> None:
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        super().__init__(limits=limits)
        ssl_context = ssl_context or httpx.create_ssl_context()
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(allow_private=allow_private, resolver=resolver),
        )
