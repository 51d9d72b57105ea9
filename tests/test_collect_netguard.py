"""SSRF guard: literal addresses, names resolving to private addresses, and connection pinning."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from loopback import LoopbackServer

from newsdesk.collect.netguard import GuardedTransport, check_url
from newsdesk.errors import BlockedAddressError, InvalidTargetError


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.mark.parametrize("host, address", [
    ("127.0.0.1", "127.0.0.1"),
    ("127.8.9.10", "127.8.9.10"),
    ("10.0.0.1", "10.0.0.1"),
    ("172.16.5.4", "172.16.5.4"),
    ("192.168.1.1", "192.168.1.1"),
    ("169.254.169.254", "169.254.169.254"),
    ("100.64.0.1", "100.64.0.1"),
    ("0.0.0.0", "0.0.0.0"),
    ("224.0.0.1", "224.0.0.1"),
    ("240.0.0.1", "240.0.0.1"),
    ("[::1]", "::1"),
    ("[::]", "::"),
    ("[fe80::1]", "fe80::1"),
    ("[fc00::1]", "fc00::1"),
    ("[ff02::1]", "ff02::1"),
    ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
    ("[::ffff:169.254.169.254]", "::ffff:169.254.169.254"),
    ("[64:ff9b::a00:1]", "64:ff9b::a00:1"),
])
def test_non_public_literal_addresses_are_blocked(host: str, address: str) -> None:
    with pytest.raises(BlockedAddressError) as info:
        check_url(f"http://{host}:8080/latest/meta-data", allow_private=False)
    assert address in str(info.value)
    assert info.value.source == f"http://{host}:8080/latest/meta-data"


def test_localhost_name_is_blocked() -> None:
    with pytest.raises(BlockedAddressError, match="'localhost'"):
        check_url("http://localhost/", allow_private=False)


def test_any_private_address_among_several_blocks() -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.1.2.3"]

    with pytest.raises(BlockedAddressError) as info:
        check_url("https://mixed.example.test/page", allow_private=False, resolver=resolver)
    assert "mixed.example.test" in str(info.value)
    assert "10.1.2.3" in str(info.value)


def test_public_addresses_pass_without_connecting() -> None:
    check_url("https://8.8.8.8/", allow_private=False)
    check_url("https://[2001:4860:4860::8888]/", allow_private=False)
    check_url("http://news.example.test/a", allow_private=False, resolver=lambda h, p: ["93.184.216.34"])


@pytest.mark.parametrize("url", ["ftp://8.8.8.8/file", "file:///etc/passwd", "gopher://8.8.8.8/"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(BlockedAddressError):
        check_url(url, allow_private=True)


@pytest.mark.parametrize("url, message", [
    ("http:///nohost", "URL has no host"),
    ("http://", "URL has no host"),
    ("http://[::1", "Invalid IPv6 URL"),
    ("http://[::1/", "Invalid IPv6 URL"),
    ("http://[zz]/", "malformed URL"),
    ("http://[127.0.0.1]/", "cannot be in brackets"),
    ("http://news.example.test:99999/", "malformed URL"),
])
@pytest.mark.parametrize("allow_private", [True, False])
def test_a_malformed_url_is_an_invalid_target(url: str, message: str, allow_private: bool) -> None:
    with pytest.raises(InvalidTargetError, match=message) as info:
        check_url(url, allow_private=allow_private)
    assert info.value.source == url and info.value.exit_code == 2


def test_blocked_ipv6_form_names_the_reason_once() -> None:
    with pytest.raises(BlockedAddressError) as info:
        check_url("http://[::ffff:127.0.0.1]/", allow_private=False)
    assert "(IPv6 form of a loopback address)" in str(info.value)
    assert "address address" not in str(info.value)


def test_allow_private_skips_the_address_check() -> None:
    check_url("http://127.0.0.1:1/", allow_private=True)
    check_url("http://localhost/", allow_private=True)


def test_transport_blocks_at_connect_time_even_when_the_precheck_is_skipped(server: LoopbackServer) -> None:
    server.route("/secret", body=b"internal")
    transport = GuardedTransport(allow_private=False, resolver=lambda h, p: ["127.0.0.1"])
    with httpx.Client(transport=transport) as client, pytest.raises(BlockedAddressError, match="127.0.0.1"):
        client.get(f"http://rebound.example.test:{server.port}/secret")
    assert server.count("/secret") == 0


def test_transport_connects_to_the_checked_address(server: LoopbackServer) -> None:
    """Pinning: the socket goes to what the resolver returned, the Host header keeps the name."""
    server.route("/pinned", body=b"hello")
    transport = GuardedTransport(allow_private=True, resolver=lambda h, p: ["127.0.0.1"])
    with httpx.Client(transport=transport) as client:
        response = client.get(f"http://pinned.example.invalid:{server.port}/pinned")
    assert response.content == b"hello"
    assert server.last_request("/pinned").header("host") == f"pinned.example.invalid:{server.port}"


def _self_signed(tmp_path: Path, hostname: str) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_pinned_https_still_verifies_the_certificate_against_the_name(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path, "secure.example.test")
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    client_ctx = ssl.create_default_context(cafile=str(cert))
    with LoopbackServer(tls=server_ctx) as tls_server:
        tls_server.route("/tls", body=b"secret handshake")
        transport = GuardedTransport(allow_private=True, resolver=lambda h, p: ["127.0.0.1"],
                                     ssl_context=client_ctx)
        with httpx.Client(transport=transport) as client:
            ok = client.get(f"https://secure.example.test:{tls_server.port}/tls")
            assert ok.content == b"secret handshake"
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED|match"):
                client.get(f"https://impostor.example.test:{tls_server.port}/tls")
    assert tls_server.count("/tls") == 1
