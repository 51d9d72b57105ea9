"""``newsdesk serve`` (the web reader and API) and ``newsdesk token create|list|revoke``."""

from __future__ import annotations

import typer

from newsdesk.cli.base import app, console, get_store, handle_errors, print_json, state

token_app = typer.Typer(help="API tokens for the write endpoints (adding sources, OPML import).",
                        no_args_is_help=True)
app.add_typer(token_app, name="token")


@app.command()
@handle_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    read_only: bool = typer.Option(False, "--read-only", help="Refuse every write (adding sources, login)."),
    no_worker: bool = typer.Option(False, "--no-worker", help="PostgreSQL: leave the jobs and the schedule to "
                                   "`newsdesk worker` processes (on SQLite they always run in serve)."),
) -> None:
    """Serve the web reader and the JSON API (OpenAPI schema at /openapi.json), and keep the desk
    current: the schedule and the jobs run in this process (see docs/jobs.md)."""
    import uvicorn

    from newsdesk.jobs.desk import uses_postgres
    from newsdesk.jobs.runner import configure_logging
    from newsdesk.serve.app import create_app

    settings = state.settings.replace(read_only=True) if read_only else state.settings
    run_worker = not (no_worker and uses_postgres(settings)) and not settings.read_only
    configure_logging()
    application = create_app(settings, run_worker=run_worker)
    jobs_note = "jobs run in this process" if run_worker else "jobs left to workers"
    console.print(f"newsdesk serving {settings.resolved_database_url} on http://{host}:{port}"
                  f"{' (read-only)' if settings.read_only else ''}; {jobs_note}", highlight=False, soft_wrap=True)
    if host not in {"127.0.0.1", "localhost", "::1"}:
        console.print("note: login cookies are Secure; browsers send them over plain HTTP only to loopback, "
                      "so put newsdesk behind HTTPS when serving other machines", highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False, proxy_headers=False)


@token_app.command("create")
@handle_errors
def token_create(name: str = typer.Argument(..., help="What the token is for, e.g. 'laptop'."),
                 as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Create a token; its secret is printed once and stored only as a SHA-256 hash."""
    token, secret = get_store().create_token(name)
    if as_json:
        print_json({**token.to_json(), "token": secret})
        return
    console.print(f"token {token.id} ({token.name}) created; keep it now, it is not shown again:",
                  highlight=False)
    typer.echo(secret)


@token_app.command("list")
@handle_errors
def token_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List tokens (never their secrets)."""
    tokens = get_store().list_tokens()
    if as_json:
        print_json([t.to_json() for t in tokens])
        return
    if not tokens:
        console.print("no tokens; create one with 'newsdesk token create NAME'")
    for t in tokens:
        used = t.last_used.strftime("%Y-%m-%d %H:%M") if t.last_used else "never used"
        status = "revoked" if t.revoked else "active"
        typer.echo(f"{t.id}\t{t.name}\t{status}\tcreated {t.created_at:%Y-%m-%d}\t{used}")


@token_app.command("revoke")
@handle_errors
def token_revoke(token_id: int = typer.Argument(..., help="The token's id (see 'newsdesk token list').")) -> None:
    """Revoke a token: API calls and login sessions using it stop working at once."""
    token = get_store().revoke_token(token_id)
    typer.echo(f"token {token.id} ({token.name}) revoked")
