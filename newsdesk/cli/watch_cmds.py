"""``newsdesk watch add|list|show|remove|test`` (watchlists and their alerts) and ``newsdesk digest``
(a digest now, or the schedule of a user's e-mailed digest)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import typer

from newsdesk.cli.base import app, get_store, parse_date, state
from newsdesk.cli.output import console, note_line, print_json, safe
from newsdesk.errors import InvalidArgumentError
from newsdesk.store.users import User
from newsdesk.store.watchlists import ALERT_MODES, Watchlist

watch_app = typer.Typer(help="Watchlists: follow a search, story, entity or outlet; alerts by e-mail or webhook.",
                        no_args_is_help=True)
app.add_typer(watch_app, name="watch")

USER_HELP = "The user whose watchlists these are (required when the desk has users)."


def _user(store: Any, name: str | None) -> User:
    if name:
        user: User = store.require_user(name)
        return user
    if store.count_users() == 0:
        raise InvalidArgumentError("watchlists belong to a user, and this desk has none yet: create one first "
                                   "(newsdesk user add NAME)")
    raise InvalidArgumentError("say whose watchlists: --user NAME")


def _key() -> bytes:
    from newsdesk.serve.auth import load_secret_key

    return load_secret_key(state.settings)


def _describe(w: Watchlist) -> str:
    follows = w.query if w.kind == "search" else f"#{w.target_id}"
    rule = w.alert_mode + (f" at {w.alert_time}" if w.alert_mode == "daily" else "")
    if w.alert_mode != "off":
        rule += f", min {w.min_new}" + "".join(f", {t}" for t in ((w.email and "e-mail"), (w.webhook_url and "webhook"))
                                               if t)
    return f"{w.id}\t{safe(w.name)}\t{w.kind}: {safe(follows)}\talerts {rule}"


@watch_app.command("add")
def watch_add(
    search: str | None = typer.Option(None, "--search", help="Follow a full-text search."),
    story: int | None = typer.Option(None, "--story", help="Follow a story (its id)."),
    entity: str | None = typer.Option(None, "--entity", help="Follow an entity (name or id)."),
    outlet: str | None = typer.Option(None, "--outlet", help="Follow an outlet; with --search, filter the search."),
    language: str | None = typer.Option(None, "--language", help="With --search: only this language."),
    name: str = typer.Option("", "--name", help="A name for the watchlist (default: what it follows)."),
    alert: str = typer.Option("off", "--alert", help="off, immediate, hourly or daily."),
    at: str = typer.Option("08:00", "--at", help="HH:MM, your time zone, for daily alerts."),
    min_new: int = typer.Option(1, "--min-new", help="Alert once at least this many articles are new."),
    email: str = typer.Option("", "--email", help="Alert by e-mail to this address (default: the user's)."),
    webhook: str = typer.Option("", "--webhook", help="Alert by a signed JSON POST to this URL."),
    user: str | None = typer.Option(None, "--user", help=USER_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Follow something. A webhook's signing secret is printed once."""
    from newsdesk.follow.watchlists import WatchlistSpec, create_watchlist, watchlist_json

    chosen = [k for k, v in (("search", search), ("story", story), ("entity", entity)) if v not in (None, "")]
    if not chosen and outlet:
        chosen = ["outlet"]
    if len(chosen) != 1:
        raise InvalidArgumentError("follow one thing: --search Q, --story ID, --entity NAME or --outlet NAME")
    if alert not in ALERT_MODES:
        raise InvalidArgumentError(f"--alert is one of {', '.join(ALERT_MODES)}")
    kind = chosen[0]
    filters = {k: v for k, v in (("outlet", outlet), ("language", language)) if v} if kind == "search" else {}
    target = {"story": str(story), "entity": entity, "outlet": outlet}.get(kind) or ""
    store = get_store()
    owner = _user(store, user)
    spec = WatchlistSpec(kind=kind, query=search or "", target=target, name=name, filters=filters, alert_mode=alert,
                         alert_time=at, min_new=min_new, email=email, webhook_url=webhook)
    watchlist, secret = create_watchlist(store, state.settings, owner, spec)
    data = watchlist_json(store, state.settings, _key(), watchlist)
    if as_json:
        print_json({**data, **({"webhook_secret": secret} if secret else {})})
        return
    console.print(f"watchlist {watchlist.id} ({safe(watchlist.name)}) created")
    console.print(f"private Atom feed: {data['feeds']['atom']}")
    if secret:
        console.print("webhook signing secret (X-Newsdesk-Signature: sha256=HMAC of the body); keep it now:")
        typer.echo(secret)


@watch_app.command("list")
def watch_list(user: str | None = typer.Option(None, "--user", help=USER_HELP),
               as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List a user's watchlists."""
    from newsdesk.follow.watchlists import watchlist_json

    store = get_store()
    owner = _user(store, user)
    found = store.list_watchlists(owner.id)
    if as_json:
        key = _key()
        print_json([watchlist_json(store, state.settings, key, w) for w in found])
        return
    if not found:
        note_line(f"{owner.name} follows nothing yet; add a watchlist with 'newsdesk watch add'")
    for w in found:
        console.print(_describe(w))


@watch_app.command("show")
def watch_show(watchlist_id: int = typer.Argument(..., help="The watchlist's id."),
               user: str | None = typer.Option(None, "--user", help=USER_HELP),
               limit: int = typer.Option(20, "--limit", min=1, max=500, help="Articles to list."),
               as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """One watchlist: its rule, private feeds and newest articles."""
    from newsdesk.follow.watchlists import watchlist_json

    store = get_store()
    owner = _user(store, user)
    watchlist = store.get_watchlist(watchlist_id, owner.id)
    data = watchlist_json(store, state.settings, _key(), watchlist)
    found = {a.id: a for a in store.get_articles(store.watchlist_article_ids(watchlist, limit=limit))}
    ordered = [found[i] for i in store.watchlist_article_ids(watchlist, limit=limit) if i in found]
    if as_json:
        print_json({**data, "articles": [a.to_json(with_text=False) for a in ordered]})
        return
    console.print(_describe(watchlist))
    console.print(f"feeds: {data['feeds']['atom']}  {data['feeds']['json']}")
    console.print(f"alerts waiting: {data['pending_alerts']}")
    for a in ordered:
        when = a.published.strftime("%Y-%m-%d") if a.published else "—"
        console.print(f"  {a.id}\t{when}\t{safe(a.outlet)}\t{safe(a.title)}")


@watch_app.command("remove")
def watch_remove(watchlist_id: int = typer.Argument(..., help="The watchlist's id."),
                 user: str | None = typer.Option(None, "--user", help=USER_HELP)) -> None:
    """Stop following (its alert ledger goes with it)."""
    store = get_store()
    owner = _user(store, user)
    store.delete_watchlist(watchlist_id, owner.id)
    console.print(f"watchlist {watchlist_id} removed")


@watch_app.command("test")
def watch_test(watchlist_id: int = typer.Argument(..., help="The watchlist's id."),
               user: str | None = typer.Option(None, "--user", help=USER_HELP),
               as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Send a test alert (the newest 3 articles) to the watchlist's e-mail and webhook now."""
    from newsdesk.follow.alerts import send_test_alert

    store = get_store()
    owner = _user(store, user)
    run = send_test_alert(store, state.settings, store.get_watchlist(watchlist_id, owner.id))
    if as_json:
        print_json(run.to_json())
        return
    console.print(f"test alert sent ({run.sent} articles, delivery id {run.delivery_id})")


@app.command("digest")
def digest(
    user: str | None = typer.Option(None, "--user", help=USER_HELP),
    since: str | None = typer.Option(None, "--since", help="Start (YYYY-MM-DD or ISO time, UTC); default: a day ago."),
    watchlist: list[int] | None = typer.Option(None, "--watchlist", help="Only this watchlist (repeatable)."),
    fmt: str = typer.Option("md", "--format", help="md, html, atom or json."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write to this file instead of stdout."),
    schedule: str | None = typer.Option(None, "--schedule",
                                        help="Set the user's e-mailed digest instead: daily, weekly or off."),
    at: str = typer.Option("07:00", "--at", help="With --schedule: HH:MM in the user's time zone."),
    weekday: int = typer.Option(0, "--weekday", min=0, max=6, help="With --schedule weekly: 0 = Monday."),
) -> None:
    """The stories your watchlists moved, with their new articles, a two-sentence update, the outlets
    and links back to the reader; or, with --schedule, when the digest is e-mailed."""
    from newsdesk.follow.digest import build_digest
    from newsdesk.follow.render import FORMATS, render_digest
    from newsdesk.store import utcnow
    from newsdesk.store.watchlists import check_watchlist_fields

    store = get_store()
    owner = _user(store, user)
    if schedule is not None:
        if schedule not in ("daily", "weekly", "off"):
            raise InvalidArgumentError("--schedule is daily, weekly or off")
        check_watchlist_fields({"alert_time": at})
        updated = store.update_user(owner.id, digest_mode=schedule, digest_time=at, digest_weekday=weekday)
        where = f" to {updated.email}" if updated.email else " (set the user's e-mail address to receive it)"
        console.print(f"digest for {safe(owner.name)}: {schedule}" +
                      ("" if schedule == "off" else f" at {at} {updated.time_zone}{where}"))
        return
    if fmt not in FORMATS:
        raise InvalidArgumentError(f"--format is one of {', '.join(FORMATS)}")
    start = parse_date(since, "--since") or utcnow() - timedelta(days=1)
    chosen = [store.get_watchlist(i, owner.id) for i in watchlist] if watchlist else None
    text = render_digest(build_digest(store, state.settings, owner, since=start, watchlists=chosen), fmt)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InvalidArgumentError(f"cannot write {output}: {exc.strerror or exc}", source=str(output)) from None
        note_line(f"digest written to {output}")
        return
    typer.echo(text, nl=False)
