"""``newsdesk serve`` (the web reader and API) and ``newsdesk token create|list|revoke``."""

from __future__ import annotations

import errno
import socket

import typer

from newsdesk.cli.base import app, get_store, state
from newsdesk.cli.output import console, print_json, safe
from newsdesk.config import Settings
from newsdesk.errors import InvalidArgumentError
from newsdesk.store.database import redact_url

#: seconds ``serve --workers N`` waits for a server process's health answer before restarting it
HEALTHCHECK_SECONDS = 60
token_app = typer.Typer(help="API tokens: each acts for a user (their read state; an admin's also changes sources).",
                        no_args_is_help=True)
app.add_typer(token_app, name="token")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535,
                              help="Port to listen on (0: any free port)."),
    read_only: bool = typer.Option(False, "--read-only", help="Refuse every write (adding sources, login)."),
    no_worker: bool = typer.Option(False, "--no-worker", help="PostgreSQL: leave the jobs and the schedule to "
                                   "`newsdesk worker` processes (on SQLite they always run in serve)."),
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="Server processes sharing the port (SQLite readers run in parallel in "
                                "WAL mode); each runs the jobs its requests queue, one (SQLite: the holder of "
                                "the desk's schedule lock) also the schedule; --no-worker on PostgreSQL: none."),
) -> None:
    """Serve the web reader and the JSON API (OpenAPI schema at /openapi.json), and keep the desk
    current: the schedule and the jobs run in this process (see docs/jobs.md)."""
    import uvicorn

    from newsdesk.jobs.desk import uses_postgres
    from newsdesk.jobs.runner import configure_logging
    from newsdesk.serve.app import create_app

    settings = state.settings.replace(read_only=True) if read_only else state.settings
    run_worker = not (no_worker and uses_postgres(settings)) and not settings.read_only
    # the port first: a busy one is said at once, before the desk is opened and the app built
    listener = listen(host, port)
    configure_logging()
    try:
        application = create_app(settings, run_worker=run_worker) if workers == 1 else None
    except BaseException:
        listener.close()
        raise
    port = int(listener.getsockname()[1])
    jobs_note = "jobs left to workers" if not run_worker else (
        "jobs run in this process" if workers == 1 else
        "jobs run in the server processes, the schedule in one of them")
    console.print(f"newsdesk serving {redact_url(settings.resolved_database_url)} on http://{host}:{port}"
                  f"{' (read-only)' if settings.read_only else ''}"
                  f"{f' with {workers} processes' if workers > 1 else ''}; {jobs_note}", highlight=False)
    if host not in {"127.0.0.1", "localhost", "::1"}:
        console.print("note: login cookies are Secure; browsers send them over plain HTTP only to loopback, "
                      "so put newsdesk behind HTTPS when serving other machines", highlight=False)
    if application is None:
        serve_processes(settings, listener, workers=workers, run_worker=run_worker)
        return
    config = uvicorn.Config(application, host=host, port=port, log_level="warning", access_log=False,
                            proxy_headers=False)
    uvicorn.Server(config).run(sockets=[listener])


def serve_processes(settings: Settings, listener: socket.socket, *, workers: int, run_worker: bool) -> None:
    """``workers`` uvicorn processes accepting on one listening socket (uvicorn's supervisor
    restarts one that dies); each builds the app from the settings handed over in its environment."""
    import os

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from newsdesk.serve.app import settings_to_environment

    os.environ.update(settings_to_environment(settings, run_worker=run_worker))
    # a busy process answers the supervisor's health check late (its threads share the GIL with
    # the requests): give it time rather than restart it with requests in flight
    config = uvicorn.Config("newsdesk.serve.app:app_from_environment", factory=True, workers=workers,
                            log_level="warning", access_log=False, proxy_headers=False,
                            timeout_worker_healthcheck=HEALTHCHECK_SECONDS)
    Multiprocess(config, sockets=[listener]).run()


def listen(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port``, or an :class:`InvalidArgumentError` saying why not."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise InvalidArgumentError(f"--host {host}: not an address this machine can listen on ({exc})") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InvalidArgumentError(f"port {port} on {host} is in use; choose another with --port") from None
        raise InvalidArgumentError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(2048)  # connections queue from now on, before the server loop starts
    return sock


@token_app.command("create")
def token_create(name: str = typer.Argument(..., help="What the token is for, e.g. 'laptop'."),
                 user: str | None = typer.Option(None, "--user", help="The user the token acts for "
                                                 "(needed once the desk has users)."),
                 as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Create a token; its secret is printed once and stored only as a SHA-256 hash."""
    store = get_store()
    if user is None and store.count_users() > 0:
        raise InvalidArgumentError("this desk has users: name the one the token acts for with --user USER")
    owner = store.require_user(user) if user is not None else None
    token, secret = store.create_token(name, user_id=owner.id if owner else None)
    if as_json:
        print_json({**token.to_json(), "token": secret})
        return
    console.print(f"token {token.id} ({safe(token.name)}) created; keep it now, it is not shown again:")
    typer.echo(secret)


@token_app.command("list")
def token_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List tokens (never their secrets), with the user each acts for."""
    store = get_store()
    tokens = store.list_tokens()
    names = {u.id: u.name for u in store.list_users()}
    if as_json:
        print_json([t.to_json() for t in tokens])
        return
    if not tokens:
        console.print("no tokens; create one with 'newsdesk token create NAME'")
    for t in tokens:
        used = t.last_used.strftime("%Y-%m-%d %H:%M") if t.last_used else "never used"
        status = "revoked" if t.revoked else "active"
        owner = safe(names.get(t.user_id, "?")) if t.user_id is not None else "desk (admin)"
        typer.echo(f"{t.id}\t{safe(t.name)}\t{owner}\t{status}\tcreated {t.created_at:%Y-%m-%d}\t{used}")


@token_app.command("revoke")
def token_revoke(token_id: int = typer.Argument(..., help="The token's id (see 'newsdesk token list').")) -> None:
    """Revoke a token: API calls and login sessions using it stop working at once."""
    token = get_store().revoke_token(token_id)
    typer.echo(f"token {token.id} ({safe(token.name)}) revoked")
