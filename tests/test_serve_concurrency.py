"""Real ``newsdesk serve`` processes on loopback: ``--workers N`` serves from N processes, and a
slow source added from the Sources page never holds up other requests."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from jobrun import ROOT, desk_env, newsdesk
from loopback import LoopbackServer

#: seconds the slow feed takes to arrive
SLOW_SECONDS = 8.0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(env: dict[str, str], data_dir: Path, *args: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    log = (data_dir / "serve.log").open("ab")
    process = subprocess.Popen([sys.executable, "-m", "newsdesk", "serve", "--port", str(port), *args], env=env,
                               cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, (data_dir / "serve.log").read_text()
        try:
            if httpx.get(base + "/api", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("newsdesk serve did not answer")


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path]]:
    data_dir = tmp_path / "desk"
    data_dir.mkdir()
    yield desk_env(f"sqlite:///{data_dir / 'newsdesk.db'}", data_dir), data_dir


def test_workers_serve_from_several_processes(desk: tuple[dict[str, str], Path]) -> None:
    env, data_dir = desk
    process, base = _serve(env, data_dir, "--workers", "2")
    try:
        servers = [pid for pid in _children(process.pid)
                   if "multiprocessing" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")]
        assert len(servers) >= 2, servers
        with httpx.Client(base_url=base, timeout=10) as client:
            answers = [client.get(path) for path in ("/", "/api/stories", "/static/app.css") * 5]
        assert [a.status_code for a in answers] == [200] * len(answers)
    finally:
        code = _stop(process)
    assert code == 0, (data_dir / "serve.log").read_text()


def _slow_feed(base: str) -> bytes:
    items = "".join(f"<item><title>Slow item {i}</title><link>{base}/slow/{i}</link></item>" for i in range(3))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Slow</title>{items}</channel></rss>'.encode()


def test_a_slow_source_never_holds_up_other_requests(desk: tuple[dict[str, str], Path]) -> None:
    env, data_dir = desk
    token = newsdesk(env, "token", "create", "tests", "--json").stdout
    secret = re.search(r'"token":\s*"([^"]+)"', token)
    assert secret is not None
    with LoopbackServer() as origin:
        body = _slow_feed(origin.base_url)

        def trickle() -> Iterator[bytes]:
            step = SLOW_SECONDS / 8
            for start in range(0, len(body), max(1, len(body) // 8)):
                time.sleep(step)
                yield body[start:start + max(1, len(body) // 8)]

        origin.route("/slow.xml", body=trickle, headers={"Content-Type": "application/rss+xml"})
        process, base = _serve(env, data_dir)
        try:
            with httpx.Client(base_url=base, timeout=30) as client:
                jar: dict[str, str] = {}  # the cookies are Secure: a browser sends them to loopback, httpx not

                def visit(method: str, path: str, **kwargs: object) -> httpx.Response:
                    answer = client.request(method, path, headers={"Cookie": "; ".join(
                        f"{k}={v}" for k, v in jar.items())}, **kwargs)  # type: ignore[arg-type]
                    jar.update(dict(answer.cookies))
                    return answer

                csrf = re.search(r'name="csrf_token" value="([^"]+)"', visit("GET", "/login").text)
                assert csrf is not None
                logged = visit("POST", "/login", data={"token": secret.group(1), "csrf_token": csrf.group(1),
                                                       "next": "/sources"})
                assert logged.status_code == 303, logged.text
                csrf_now = re.search(r'name="csrf_token" value="([^"]+)"', visit("GET", "/sources").text)
                assert csrf_now is not None
                assert visit("GET", "/api/stories").status_code == 200  # warm (the first request imports)
                timings: list[float] = []

                def others() -> None:
                    with httpx.Client(base_url=base, timeout=30) as other:
                        end = time.monotonic() + SLOW_SECONDS
                        while time.monotonic() < end:
                            began = time.monotonic()
                            assert other.get("/api/stories").status_code == 200
                            timings.append(time.monotonic() - began)
                            time.sleep(0.1)

                watcher = threading.Thread(target=others)
                began = time.monotonic()
                watcher.start()
                added = visit("POST", "/sources", data={"target": origin.url("/slow.xml"),
                                                        "csrf_token": csrf_now.group(1)})
                answered = time.monotonic() - began
                watcher.join()
            assert added.status_code == 200 and "queued" in added.text
            assert answered < SLOW_SECONDS / 2, answered  # the form does not wait for the feed
            assert timings and max(timings) < SLOW_SECONDS / 4, timings
            assert origin.count("/slow.xml") >= 1  # the job did fetch it meanwhile
        finally:
            _stop(process)
