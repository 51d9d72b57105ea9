"""``newsdesk user add|list|passwd|remove|api-password``: the desk's accounts.

Passwords are prompted twice without echo on a terminal, or read as one line from standard input
when it is piped (``--password-stdin`` forces that). They are hashed with argon2 before they reach
the store and are never printed, logged or put in JSON.
"""

from __future__ import annotations

import sys

import typer

from newsdesk.cli.base import app, get_store
from newsdesk.cli.output import console, print_json, safe
from newsdesk.errors import InvalidArgumentError
from newsdesk.follow.passwords import api_credentials, check_password_rules, hash_password
from newsdesk.store.users import ROLES, User

user_app = typer.Typer(help="User accounts: readers and admins, their passwords and API passwords.",
                       no_args_is_help=True)
app.add_typer(user_app, name="user")

_STDIN_HELP = "Read the password as one line from standard input (the default when stdin is not a terminal)."


def read_password(what: str, *, from_stdin: bool) -> str:
    """A new password: one line of stdin when piped (or asked to), else prompted twice, no echo."""
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password[:-1] if password.endswith("\r") else password
        if not password:
            raise InvalidArgumentError(f"no {what} on standard input (one line expected)")
    else:
        password = typer.prompt(what.capitalize(), hide_input=True, confirmation_prompt=True)
    check_password_rules(password)
    return password


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidArgumentError(f"--role {role!r}: use {' or '.join(ROLES)}")
    return role


def _user_line(user: User) -> str:
    login = user.last_login.strftime("%Y-%m-%d %H:%M") if user.last_login else "never logged in"
    api = "api password set" if user.has_api_password else "no api password"
    return f"{user.id}\t{safe(user.name)}\t{user.role}\t{safe(user.email) or '-'}\t{login}\t{api}"


@user_app.command("add")
def user_add(name: str = typer.Argument(..., help="The login name."),
             role: str = typer.Option("reader", "--role", help="admin (sources, users, jobs) or reader."),
             email: str = typer.Option("", "--email", help="Where alerts and digests go."),
             password_stdin: bool = typer.Option(False, "--password-stdin", help=_STDIN_HELP),
             as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Add a user; the password is prompted (twice, hidden) or read from stdin."""
    _check_role(role)
    store = get_store()
    if store.find_user(name) is not None:
        raise InvalidArgumentError(f"a user named {name.strip()!r} exists already")
    password = read_password("password", from_stdin=password_stdin)
    user = store.create_user(name, hash_password(password), role=role, email=email.strip())
    if as_json:
        print_json(user.to_json())
        return
    console.print(f"user {user.id} ({safe(user.name)}, {user.role}) added")
    if store.count_users(role="admin") == 0:
        console.print("note: this desk has no admin yet; add one with 'newsdesk user add NAME --role admin'")


@user_app.command("list")
def user_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List users (never their passwords)."""
    users = get_store().list_users()
    if as_json:
        print_json([u.to_json() for u in users])
        return
    if not users:
        console.print("no users; add one with 'newsdesk user add NAME --role admin'")
    for user in users:
        typer.echo(_user_line(user))


@user_app.command("passwd")
def user_passwd(name: str = typer.Argument(..., help="The user's name (or id)."),
                password_stdin: bool = typer.Option(False, "--password-stdin", help=_STDIN_HELP),
                as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Set a user's password; their web sessions end."""
    store = get_store()
    user = store.require_user(name)
    store.set_password_hash(user.id, hash_password(read_password("new password", from_stdin=password_stdin)))
    if as_json:
        print_json({"id": user.id, "name": user.name, "password_changed": True})
        return
    console.print(f"password of {safe(user.name)} changed; their web sessions have ended")


@user_app.command("api-password")
def user_api_password(name: str = typer.Argument(..., help="The user's name (or id)."),
                      password_stdin: bool = typer.Option(False, "--password-stdin", help=_STDIN_HELP),
                      as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Set the separate password feed-reader apps use (Google Reader and Fever APIs)."""
    store = get_store()
    user = store.require_user(name)
    password = read_password("API password", from_stdin=password_stdin)
    store.set_api_password(user.id, *api_credentials(user.name, password))
    if as_json:
        print_json({"id": user.id, "name": user.name, "api_password_set": True})
        return
    console.print(f"API password of {safe(user.name)} set (for Google Reader and Fever clients)")


@user_app.command("remove")
def user_remove(name: str = typer.Argument(..., help="The user's name (or id)."),
                as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Remove a user with their tokens, marks and watchlists (never the last admin)."""
    store = get_store()
    user = store.require_user(name)
    store.remove_user(user.id)
    if as_json:
        print_json({"id": user.id, "name": user.name, "removed": True})
        return
    console.print(f"user {user.id} ({safe(user.name)}) removed, with their tokens, marks and watchlists")
