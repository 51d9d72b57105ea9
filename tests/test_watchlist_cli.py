"""``newsdesk watch …`` and ``newsdesk digest`` over the small web corpus: following each kind of
thing, listing as JSON, another user's watchlist not found, a test alert through a real SMTP
server on loopback, digests in every format, and the digest schedule."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from smtp_loopback import Mailbox
from test_web_corpus import fill_store
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.config import load_settings
from newsdesk.errors import InvalidArgumentError, NotFoundError
from newsdesk.follow.passwords import hash_password
from newsdesk.store import Store


class Cli:
    def __init__(self, folder: Path, db: Path, env: dict[str, str]) -> None:
        self.folder, self.db, self.env = folder, db, env

    def __call__(self, *args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(app, ["--db", str(self.db), *args], env=self.env)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    with Mailbox() as box:
        yield box


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox) -> Iterator[Cli]:
    folder = tmp_path_factory.mktemp("watchcli")
    db = folder / "desk.db"
    settings = load_settings(data_dir=folder, environ={}, allow_private_addresses=True)
    store = Store(f"sqlite:///{db}")
    fill_store(store, settings)
    store.create_user("alice", hash_password("correct horse"), email="alice@example.org")
    store.create_user("bob", hash_password("correct horse"))
    store.close()
    env = {"NEWSDESK_DATA_DIR": str(folder), "NEWSDESK_CONFIG": str(folder / "none.toml"),
           "NEWSDESK_SMTP_HOST": "127.0.0.1", "NEWSDESK_SMTP_PORT": str(mailbox.port),
           "NEWSDESK_SMTP_SECURITY": "none", "NEWSDESK_BASE_URL": "https://news.example"}
    yield Cli(folder, db, env)


def test_following_listing_showing_and_removing(cli: Cli) -> None:
    code, _out, err = cli("watch", "add", "--search", "harbour bridge")
    assert code == InvalidArgumentError.exit_code and "--user" in err and "Traceback" not in err
    code, out, err = cli("watch", "add", "--search", "harbour bridge", "--outlet", "Civic Wire", "--name", "Bridge",
                         "--user", "alice", "--json")
    assert code == 0, err
    bridge = json.loads(out)
    assert bridge["filters"] == {"outlet": "Civic Wire"}
    assert bridge["feeds"]["atom"].startswith(f"https://news.example/watchlists/{bridge['id']}/feed.atom?token=")
    code, out, err = cli("watch", "add", "--entity", "Westmoor Water", "--user", "alice", "--alert", "daily",
                         "--at", "06:45", "--min-new", "2", "--json")
    assert code == 0, err
    entity = json.loads(out)
    assert entity["name"] == "entity: Westmoor Water" and entity["alert"]["email"] == "alice@example.org"
    code, out, err = cli("watch", "add", "--outlet", "Harbour Times", "--user", "alice", "--alert", "immediate")
    assert code == 0 and "created" in out, err
    code, out, _err = cli("watch", "list", "--user", "alice", "--json")
    listed = json.loads(out)
    assert [w["name"] for w in listed] == ["Bridge", "entity: Westmoor Water", "outlet: Harbour Times"]
    code, out, _err = cli("watch", "show", str(bridge["id"]), "--user", "alice", "--json")
    shown = json.loads(out)
    assert shown["articles"] and all(a["outlet"] == "Civic Wire" for a in shown["articles"])
    code, out, err = cli("watch", "show", str(bridge["id"]), "--user", "bob")
    assert code == NotFoundError.exit_code and "no watchlist" in err
    code, out, err = cli("watch", "list", "--user", "bob", "--json")
    assert code == 0 and json.loads(out) == []
    for args in (["--story", "999999"], ["--search", "x", "--alert", "daily", "--at", "25:00"],
                 ["--search", "x", "--story", "1"], ["--search", "x", "--alert", "sometimes"],
                 ["--search", "x", "--webhook", "file:///etc/passwd"]):
        code, _out, err = cli("watch", "add", *args, "--user", "alice")
        assert code != 0 and err.strip() and "Traceback" not in err, args
    code, out, err = cli("watch", "remove", str(entity["id"]), "--user", "bob")
    assert code == NotFoundError.exit_code
    code, out, err = cli("watch", "remove", str(entity["id"]), "--user", "alice")
    assert code == 0, err
    code, out, _err = cli("watch", "list", "--user", "alice", "--json")
    assert entity["id"] not in [w["id"] for w in json.loads(out)]


def test_a_test_alert_goes_to_the_smtp_server(cli: Cli, mailbox: Mailbox) -> None:
    code, out, err = cli("watch", "add", "--search", "water bill", "--user", "alice", "--alert", "hourly",
                         "--email", "alerts@example.org", "--json")
    assert code == 0, err
    wid = json.loads(out)["id"]
    before = len(mailbox.messages)
    code, out, err = cli("watch", "test", str(wid), "--user", "alice", "--json")
    assert code == 0, err
    message = mailbox.wait_for(before + 1)[-1]
    assert message["To"] == "alerts@example.org" and message["Subject"].startswith("[test]")
    assert json.loads(out)["delivery_id"] in message["Message-ID"]
    html = message.get_body(("html",))
    assert html is not None and "https://news.example/articles/" in html.get_content()


def test_digests_in_every_format_and_the_schedule(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli("watch", "add", "--search", "reservoir", "--user", "alice", "--name", "Reservoir")
    assert code == 0, err
    code, out, err = cli("digest", "--user", "alice", "--since", "2000-01-01", "--format", "json")
    assert code == 0, err
    digest = json.loads(out)
    assert digest["stories"] and digest["stories"][0]["update"]
    assert all(s["link"].startswith("https://news.example/") for s in digest["stories"])
    code, out, err = cli("digest", "--user", "alice", "--since", "2000-01-01", "--format", "md")
    assert code == 0 and out.startswith("# Digest for alice"), err
    target = tmp_path / "digest.html"
    code, _out, err = cli("digest", "--user", "alice", "--since", "2000-01-01", "--format", "html", "-o", str(target))
    assert code == 0 and "<table" in target.read_text(encoding="utf-8"), err
    code, out, err = cli("digest", "--user", "alice", "--since", "2000-01-01", "--format", "atom")
    assert code == 0 and ElementTree.fromstring(out).tag == "{http://www.w3.org/2005/Atom}feed"
    code, _out, err = cli("digest", "--user", "alice", "--format", "pdf")
    assert code == InvalidArgumentError.exit_code and "--format" in err
    code, _out, err = cli("digest", "--user", "alice", "--since", "last tuesday")
    assert code == InvalidArgumentError.exit_code and "Traceback" not in err
    code, out, err = cli("digest", "--user", "alice", "--schedule", "weekly", "--at", "06:30", "--weekday", "4")
    assert code == 0 and "weekly at 06:30" in out, err
    store = Store(f"sqlite:///{cli.db}")
    try:
        alice = store.require_user("alice")
        assert (alice.digest_mode, alice.digest_time, alice.digest_weekday) == ("weekly", "06:30", 4)
    finally:
        store.close()
