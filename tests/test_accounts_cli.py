"""``newsdesk user …`` and ``token create --user``: passwords from stdin (never echoed or stored in
clear), JSON output, the last admin kept, exit codes as the README documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import backend_database_url
from sqlalchemy import select
from typer.testing import CliRunner, Result

from newsdesk.cli import app as cli_app
from newsdesk.follow.passwords import fever_key, verify_password
from newsdesk.store import Store
from newsdesk.store.schema import users

pytestmark = pytest.mark.backend

SECRET = "correct horse battery"


@pytest.fixture
def desk(tmp_path: Path) -> tuple[CliRunner, list[str], str]:
    url = backend_database_url(tmp_path, "accounts")
    return CliRunner(), ["--db", url], url


def run(desk: tuple[CliRunner, list[str], str], *args: str, stdin: str | None = None) -> Result:
    runner, base, _url = desk
    return runner.invoke(cli_app, [*base, *args], input=stdin)


def test_add_list_and_passwords_are_hashed_never_shown(desk: tuple[CliRunner, list[str], str]) -> None:
    added = run(desk, "user", "add", "alice", "--role", "admin", "--email", "alice@example.org", "--json",
                stdin=SECRET + "\n")
    assert added.exit_code == 0, added.output
    body = json.loads(added.stdout)
    assert body["name"] == "alice" and body["role"] == "admin" and body["email"] == "alice@example.org"
    assert run(desk, "user", "add", "bob", "--password-stdin", stdin=SECRET + "2\n").exit_code == 0
    listed = run(desk, "user", "list", "--json")
    rows = json.loads(listed.stdout)
    assert [r["name"] for r in rows] == ["alice", "bob"] and rows[1]["role"] == "reader"
    text = run(desk, "user", "list").stdout
    for output in (added.output, listed.output, text):
        assert SECRET not in output and "argon2" not in output
    store = Store(desk[2])
    try:
        with store.read() as conn:
            stored = conn.execute(select(users.c.name, users.c.password_hash).order_by(users.c.name)).all()
        assert stored[0].password_hash.startswith("$argon2id$") and SECRET not in stored[0].password_hash
        assert verify_password(stored[0].password_hash, SECRET)
        assert not verify_password(stored[1].password_hash, SECRET)
    finally:
        store.close()


def test_passwd_and_api_password_from_stdin(desk: tuple[CliRunner, list[str], str]) -> None:
    run(desk, "user", "add", "alice", "--role", "admin", stdin=SECRET + "\n")
    changed = run(desk, "user", "passwd", "alice", "--json", stdin="a brand new secret\n")
    assert changed.exit_code == 0 and json.loads(changed.stdout)["password_changed"] is True
    api = run(desk, "user", "api-password", "alice", stdin="reader app secret\n")
    assert api.exit_code == 0 and "reader app secret" not in api.output
    store = Store(desk[2])
    try:
        alice = store.require_user("alice")
        assert verify_password(store.password_hash_of(alice.id), "a brand new secret")
        assert verify_password(store.api_password_hash_of(alice.id), "reader app secret")
        assert alice.has_api_password
        found = store.find_user_by_fever_key(fever_key("alice", "reader app secret"))
        assert found is not None and found.id == alice.id
    finally:
        store.close()


def test_bad_input_and_missing_users_have_the_documented_exit_codes(desk: tuple[CliRunner, list[str], str]) -> None:
    short = run(desk, "user", "add", "alice", stdin="short\n")
    assert short.exit_code == 2 and "at least 8" in short.output
    assert run(desk, "user", "add", "alice", "--role", "boss", stdin=SECRET + "\n").exit_code == 2
    assert run(desk, "user", "add", "al:ice", stdin=SECRET + "\n").exit_code == 2
    assert run(desk, "user", "add", "alice", stdin="").exit_code == 2
    assert run(desk, "user", "add", "alice", stdin=SECRET + "\n").exit_code == 0
    again = run(desk, "user", "add", "alice", stdin=SECRET + "\n")
    assert again.exit_code == 2 and "exists" in again.output
    for command in (["passwd", "nobody"], ["api-password", "nobody"], ["remove", "nobody"]):
        missing = run(desk, "user", *command, stdin=SECRET + "\n")
        assert missing.exit_code == 6, (command, missing.output)
        assert "Traceback" not in missing.output


def test_the_last_admin_cannot_be_removed(desk: tuple[CliRunner, list[str], str]) -> None:
    run(desk, "user", "add", "alice", "--role", "admin", stdin=SECRET + "\n")
    run(desk, "user", "add", "bob", stdin=SECRET + "\n")
    refused = run(desk, "user", "remove", "alice")
    assert refused.exit_code == 2 and "last admin" in refused.output
    assert run(desk, "user", "remove", "bob", "--json").exit_code == 0
    run(desk, "user", "add", "carol", "--role", "admin", stdin=SECRET + "\n")
    assert run(desk, "user", "remove", "alice").exit_code == 0
    names = [u["name"] for u in json.loads(run(desk, "user", "list", "--json").stdout)]
    assert names == ["carol"]


def test_tokens_name_their_user_once_the_desk_has_users(desk: tuple[CliRunner, list[str], str]) -> None:
    early = run(desk, "token", "create", "before accounts", "--json")
    assert early.exit_code == 0 and json.loads(early.stdout)["user_id"] is None
    run(desk, "user", "add", "alice", "--role", "admin", stdin=SECRET + "\n")
    unnamed = run(desk, "token", "create", "laptop")
    assert unnamed.exit_code == 2 and "--user" in unnamed.output
    assert run(desk, "token", "create", "laptop", "--user", "nobody").exit_code == 6
    made = run(desk, "token", "create", "laptop", "--user", "alice", "--json")
    assert made.exit_code == 0 and json.loads(made.stdout)["user_id"] is not None
    listed = run(desk, "token", "list").stdout
    assert "desk (admin)" in listed and "alice" in listed
