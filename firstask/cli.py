"""The command line: it parses arguments and calls the desk; every user mistake is one line on stderr."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from firstask import i18n

cli = typer.Typer(add_completion=False, no_args_is_help=False, rich_markup_mode=None,
                  help="firstask — the first-asker desk for community service centres.")


class Options:
    db: Path
    lang: str


OPTIONS = Options()


def default_db() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("firstask", appauthor=False)) / "firstask.db"


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn the desk's refusals and file problems into one clear line and a non-zero exit."""
    from firstask.rules import RuleError
    from firstask.store import StoreError

    try:
        yield
    except (StoreError, RuleError) as e:
        raise fail(str(e)) from None
    except OSError as e:
        raise fail(i18n.t("store.os_error", None, path=e.filename or OPTIONS.db, reason=e.strerror or str(e))) \
            from None


@cli.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    db: Annotated[Path | None, typer.Option("--db", help="The desk's database file.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: from the locale).")] = None,
) -> None:
    if lang is not None and lang not in i18n.LANGUAGES:
        raise fail(f"--lang: zh | en ({lang!r})")
    OPTIONS.lang = lang or i18n.default_language()
    i18n.set_language(OPTIONS.lang)
    OPTIONS.db = db or default_db()
    if ctx.invoked_subcommand is None:
        run_desk()


def run_desk() -> None:
    from firstask.desk import Desk

    with user_errors():
        desk = Desk.open(OPTIONS.db)
    try:
        if not desk.staff():
            raise fail(i18n.t("cli.no_staff", None, path=OPTIONS.db), 1)
        from firstask.app import make_app

        make_app(desk, user=None, lang=OPTIONS.lang).run()
    finally:
        desk.close()


def _existing_db() -> Path:
    if not OPTIONS.db.exists():
        raise fail(i18n.t("store.missing", None, path=OPTIONS.db))
    return OPTIONS.db


def _read_pin() -> str:
    pin = os.environ.get("FIRSTASK_PIN")
    if pin is not None:
        return pin
    if not sys.stdin.isatty():
        raise fail(i18n.t("cli.pin_needed"))
    return str(typer.prompt(i18n.t("cli.pin_prompt"), hide_input=True, confirmation_prompt=True))


@cli.command()
def init(
    supervisor: Annotated[str | None, typer.Option("--supervisor", help="The first supervisor's staff code.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The first supervisor's name.")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="A demo desk: roster, catalogue and some cases.")] = False,
) -> None:
    """Create a desk with the catalogue and policy of data/ and its first supervisor (or the demo roster)."""
    from firstask.desk import Desk

    if not demo and not (supervisor and name):
        raise fail(i18n.t("cli.init_needs"))
    if OPTIONS.db.exists() and OPTIONS.db.stat().st_size > 0:
        raise fail(i18n.t("cli.exists", None, path=OPTIONS.db))
    with user_errors():
        pin = None if demo else _read_pin()
        try:
            with Desk.open(OPTIONS.db) as desk, desk.store.write():
                # One transaction: a desk that could not be set up completely is not left half made.
                desk.load_defaults()
                if demo:
                    from firstask import demo as demo_data

                    roster = demo_data.build(desk)
                else:
                    assert supervisor and name and pin is not None
                    desk.add_staff(supervisor, name, role="supervisor", pin=pin)
        except BaseException:
            _remove_database(OPTIONS.db)
            raise
    if demo:
        typer.echo(i18n.t("cli.demo_ready", None, path=OPTIONS.db))
        for staff in roster:
            role = i18n.t(f"cli.role.{staff['role']}")
            typer.echo(f"  {staff['code']}  {staff['pin']}  {staff['name']}  {role}")
    else:
        typer.echo(i18n.t("cli.ready", None, path=OPTIONS.db, code=supervisor))


def _remove_database(path: Path) -> None:
    import shutil

    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            p.unlink()
    shutil.rmtree(path.with_name(path.stem + "-documents"), ignore_errors=True)


@cli.command()
def verify(
    anchor: Annotated[str | None, typer.Option("--anchor", help="COUNT:HASH from a report or a backup.")] = None,
) -> None:
    """Check the history's hash chain (and, with an anchor, that nothing was recomputed or cut off)."""
    from firstask.store import Store, parse_anchor

    with user_errors():
        wanted = parse_anchor(anchor) if anchor else None
        store = Store.open(_existing_db(), create=False)
        try:
            result = store.verify(wanted)
        finally:
            store.close()
    if not result.ok:
        raise fail(result.message(), 1)
    typer.echo(result.anchor)


def _parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(i18n.t("cli.bad_day", None, value=text)) from None


def _parse_moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise fail(i18n.t("cli.bad_moment", None, value=text)) from None
    return moment.replace(tzinfo=None) if moment.tzinfo is None else moment


@cli.command()
def report(
    day: Annotated[str | None, typer.Option("--day", help="YYYY-MM-DD (default: today).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json")] = "json",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file.")] = None,
) -> None:
    """The day's summary (SPEC §9): what came in, what was done, what is late, the chain's head."""
    import json

    from firstask.desk import Desk

    wanted = _parse_day(day)
    if fmt != "json":
        raise fail(i18n.t("cli.bad_format", None, value=fmt, formats="json"))
    with user_errors():
        with Desk.open(_existing_db()) as desk:
            data = desk.summary(wanted or desk.now().date())
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")


@cli.command()
def scan(
    now: Annotated[str | None, typer.Option("--now", help="Evaluate as of this moment (ISO date-time).")] = None,
) -> None:
    """Evaluate the time-based rules (for cron); print the violations found now."""
    from firstask.desk import Desk

    moment = _parse_moment(now)
    with user_errors():
        with Desk.open(_existing_db(), clock=(lambda: moment) if moment else None) as desk:
            found = desk.scan()
            staff = desk.staff()
    for v in found:
        who = staff[v.staff].name if v.staff in staff else (v.staff or "-")
        message = i18n.t(v.detail.get("key", ""), None, **v.detail.get("params", {}))
        typer.echo(f"{v.at:%Y-%m-%d %H:%M}  {v.rule:<7} {v.case_no or '-'}  {who} ({v.staff})  {message}")
    typer.echo(i18n.t("cli.scan_found", None, count=len(found)))


@cli.command()
def serve(
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Address to bind (default: this machine only).")] = "127.0.0.1",
) -> None:
    """The same desk in a browser (textual-serve); each tab logs in like a window."""
    from firstask.desk import Desk
    from firstask.serve import make_server

    if not 0 < port < 65536:
        raise fail(i18n.t("cli.bad_port", None, port=port))
    with user_errors():
        with Desk.open(_existing_db()) as desk:
            if not desk.staff():
                raise fail(i18n.t("cli.no_staff", None, path=OPTIONS.db), 1)
    server = make_server(OPTIONS.db, OPTIONS.lang, host=host, port=port, title=i18n.t("app.title", None))
    typer.echo(i18n.t("cli.serving", None, url=f"http://{host}:{port}", path=OPTIONS.db))
    try:
        server.serve()
    except OSError as e:
        raise fail(i18n.t("cli.cannot_serve", None, url=f"{host}:{port}", reason=e.strerror or str(e)), 1) from e


def main() -> None:
    cli(prog_name="firstask")
