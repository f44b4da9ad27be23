"""The command line: it parses arguments and calls the desk; every user mistake is one line on stderr."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from firstask import i18n

if TYPE_CHECKING:
    from firstask.desk import Desk

cli = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    rich_markup_mode=None,
    help="firstask — the first-asker desk for community service centres.",
)


class Options:
    db: Path | str  # a desk file, or a district's PostgreSQL address (`postgresql://…?centre=C01`)
    lang: str
    window: str | None


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
        raise fail(i18n.t("store.os_error", None, path=e.filename or OPTIONS.db, reason=e.strerror or str(e))) from None


@cli.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", help="The desk's database file, or postgresql://user@host/dbname?centre=C01."),
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: from the locale).")] = None,
    window: Annotated[
        str | None,
        typer.Option("--window", help="The window number this desk serves (printed on slips, recorded with events)."),
    ] = None,
) -> None:
    if lang is not None and lang not in i18n.LANGUAGES:
        raise fail(f"--lang: zh | en ({lang!r})")
    window = window.strip() if window is not None else None
    if window is not None and not (window.isalnum() and len(window) <= 8):
        raise fail(i18n.t("cli.bad_window", None, window=window))
    OPTIONS.window = window or None
    OPTIONS.lang = lang or i18n.default_language()
    i18n.set_language(OPTIONS.lang)
    from firstask.store.address import is_postgres

    if db is not None and is_postgres(db):
        OPTIONS.db = db
    else:
        OPTIONS.db = Path(db) if db else default_db()
    if ctx.invoked_subcommand is None:
        run_desk()


@contextlib.contextmanager
def typed_ahead_unseen() -> Iterator[None]:
    """Until the desk draws itself, what is typed ahead (a staff code, a PIN) is kept for it but not echoed on the
    terminal, where it would stay after the desk quits; Enter stays Enter. The terminal is put back as it was."""
    try:
        import termios
    except ImportError:  # not a POSIX terminal (Windows): nothing to do
        yield
        return
    try:
        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
    except (OSError, ValueError, termios.error):  # not a terminal (a pipe, a test)
        yield
        return
    quiet = termios.tcgetattr(fd)
    quiet[0] &= ~termios.ICRNL
    quiet[3] &= ~(termios.ECHO | termios.ICANON)
    try:
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
    except termios.error:
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(termios.error):
            termios.tcsetattr(fd, termios.TCSANOW, saved)


def run_desk() -> None:
    with typed_ahead_unseen():
        open_desk()


def open_desk() -> None:
    from firstask.desk import Desk

    with user_errors():
        desk = Desk.open(OPTIONS.db)
    try:
        if not desk.staff():
            raise fail(i18n.t("cli.no_staff", None, path=OPTIONS.db), 1)
        from firstask.app import make_app

        app = make_app(desk, user=None, lang=OPTIONS.lang, window=OPTIONS.window)
        app.run()
    finally:
        desk.close()
    if app.return_code:  # the terminal went away (129, as a hang-up): say so to whoever started the desk
        raise typer.Exit(app.return_code)


def _tell_policy_problems(desk: Desk) -> None:
    """A policy value stored out of range runs on its default; each is one line on stderr."""
    for problem in desk.policy_problems():
        typer.echo(problem, err=True)


def _existing_db() -> Path | str:
    """The desk's file, which must be there, or its PostgreSQL address (the store says what is wrong with it)."""
    if isinstance(OPTIONS.db, str):
        return OPTIONS.db
    if not OPTIONS.db.exists():
        raise fail(i18n.t("store.missing", None, path=OPTIONS.db))
    return OPTIONS.db


def _desk_file(command: str) -> Path:
    """The desk's file, for the commands that copy or replace a file; a PostgreSQL desk is backed up and restored
    with PostgreSQL's own tools."""
    if isinstance(OPTIONS.db, str):
        raise fail(i18n.t("cli.file_only", None, command=command))
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
    centre_name: Annotated[str | None, typer.Option("--centre-name", help="The centre's name, on every slip.")] = None,
    centre_address: Annotated[str | None, typer.Option("--centre-address", help="Its address.")] = None,
    centre_phone: Annotated[str | None, typer.Option("--centre-phone", help="Its telephone.")] = None,
    centre_hours: Annotated[str | None, typer.Option("--centre-hours", help="Its opening hours.")] = None,
) -> None:
    """Create a desk with the catalogue and policy of data/ and its first supervisor (or the demo roster)."""
    from firstask.desk import Desk

    if not demo and not (supervisor and name):
        raise fail(i18n.t("cli.init_needs"))
    if isinstance(OPTIONS.db, Path) and OPTIONS.db.exists() and OPTIONS.db.stat().st_size > 0:
        raise fail(i18n.t("cli.exists", None, path=OPTIONS.db))
    with user_errors():
        pin = None if demo else _read_pin()
        try:
            with Desk.open(OPTIONS.db) as desk, desk.store.write():
                if desk.staff():  # a centre of a district's database that has its desk already
                    raise fail(i18n.t("cli.exists", None, path=OPTIONS.db))
                # One transaction: a desk that could not be set up completely is not left half made.
                desk.load_defaults()
                if demo:
                    from firstask import demo as demo_data

                    roster = demo_data.build(desk)
                else:
                    assert supervisor and name and pin is not None
                    desk.add_staff(supervisor, name, role="supervisor", pin=pin)
                centre = {
                    key: value.strip()
                    for key, value in (
                        ("centre_name", centre_name),
                        ("centre_address", centre_address),
                        ("centre_phone", centre_phone),
                        ("centre_hours", centre_hours),
                    )
                    if value is not None
                }
                if centre:  # the centre's identity on every slip; a supervisor can change it in F11 → Centre
                    desk.set_policy(**centre)
        except BaseException:
            if isinstance(OPTIONS.db, Path):  # on PostgreSQL the one transaction left nothing behind
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
    """A failed `init` leaves nothing: the file, its companions and its documents' folder."""
    import shutil

    from firstask.store import backup

    backup.remove_db(path)
    shutil.rmtree(path.with_name(path.stem + "-documents"), ignore_errors=True)


@cli.command()
def verify(
    anchor: Annotated[str | None, typer.Option("--anchor", help="COUNT:HASH from a report or a backup.")] = None,
) -> None:
    """Check the history's hash chain (and, with an anchor, that nothing was recomputed or cut off)."""
    from firstask.store import SCHEMA_VERSION, open_store, parse_anchor

    with user_errors():
        wanted = parse_anchor(anchor) if anchor else None
        store = open_store(_existing_db(), create=False, migrate=False)
        try:
            result = store.verify(wanted)
            version = store.user_version()
        finally:
            store.close()
    if result.ok and version < SCHEMA_VERSION:  # read as it is: verify changes nothing
        typer.echo(i18n.t("verify.state_unchecked", None, path=OPTIONS.db, version=version), err=True)
    if not result.ok:
        raise fail(result.message(), 1)
    typer.echo(result.anchor)


def _parse_day(text: str | None) -> date | None:
    """A day as written, within the years the desk's calendar knows (2000-2100): the desk counts working days and
    due dates from it, and a day near the ends of Python's dates (year 1, year 9999) overflows that arithmetic."""
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise fail(i18n.t("cli.bad_day", None, value=text)) from None
    first, last = date(2000, 1, 1), date(2100, 12, 31)
    if not first <= day <= last:
        raise fail(i18n.t("cli.limits.day", None, value=text, first=first, last=last))
    return day


def _parse_moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise fail(i18n.t("cli.bad_moment", None, value=text)) from None
    first, last = date(2000, 1, 1), date(2100, 12, 31)  # the days _parse_day takes, for the same reason
    if not first <= moment.date() <= last:
        raise fail(i18n.t("cli.limits.moment", None, value=text, first=first, last=last))
    return moment.replace(tzinfo=None) if moment.tzinfo is None else moment


@cli.command()
def report(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--day", help="YYYY-MM-DD (default: today).")] = None,
    first: Annotated[str | None, typer.Option("--from", help="A period's first day (YYYY-MM-DD), with --to.")] = None,
    last: Annotated[str | None, typer.Option("--to", help="The period's last day (YYYY-MM-DD).")] = None,
    month: Annotated[
        str | None, typer.Option("--month", help="YYYY-MM: the month's ranking of windows and staff by their ratings.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="json | csv | xlsx | html | md")] = "json",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file.")] = None,
    unmasked: Annotated[
        bool,
        typer.Option("--unmasked", help="Phones and ID numbers whole: a supervisor only, recorded in the history."),
    ] = False,
    as_code: Annotated[
        str | None, typer.Option("--as", help="The supervisor asking for --unmasked (PIN from FIRSTASK_PIN, or asked).")
    ] = None,
    district: Annotated[
        bool,
        typer.Option(
            "--district", help="Every centre of a district's PostgreSQL database side by side (--db: no centre)."
        ),
    ] = False,
    replica: Annotated[
        str | None,
        typer.Option("--read-replica", help="With --district: read from this replica of the database instead."),
    ] = None,
) -> None:
    """A day's summary (SPEC §9) or a period's, with the chain's head: json, csv, xlsx, html or md."""
    from firstask import export
    from firstask.desk import Desk

    wanted = _parse_day(day)
    period = _parse_period(first, last)
    if wanted is not None and period is not None:
        raise fail(i18n.t("report.cli.day_and_range"))
    if replica is not None and not district:
        raise fail(i18n.t("district.replica_needs_district"))
    if district:
        if month is not None and (wanted is not None or period is not None):
            raise fail(i18n.t("report.cli.month_and_day"))
        from firstask.cli_district import district_report

        district_report(ctx, wanted, period, month, fmt, output, replica=replica, unmasked=unmasked or bool(as_code))
        return
    if month is not None:
        _month_report(ctx, month, fmt, output, bad_company=wanted is not None or period is not None, unmasked=unmasked)
        return
    _check_format(fmt, output)
    if unmasked and not as_code:
        raise fail(i18n.t("report.cli.unmasked_needs_as"))
    if as_code and not unmasked:
        raise fail(i18n.t("report.cli.as_needs_unmasked"))
    lang = _report_language(ctx)
    with user_errors():
        path = _existing_db()
        pin = _ask_pin(as_code) if as_code else None
        with Desk.open(path, create=False) as desk:
            _tell_policy_problems(desk)
            start, end = period or (wanted or desk.now().date(), None)
            unmasked_by = None
            if as_code and pin is not None:
                # Checked and recorded before anything is read: a refused clerk gets no data at all.
                unmasked_by = desk.unmasked_export(
                    as_code,
                    pin,
                    {
                        "format": fmt,
                        "from": start.isoformat(),
                        "to": (end or start).isoformat(),
                        "output": str(output) if output is not None else "-",
                    },
                ).code
            if fmt == "json":
                content = export.to_json(desk.summary(start) if end is None else desk.span_summary(start, end))
            else:
                content = export.render(
                    export.build(desk, start, end, lang=lang, unmasked_by=unmasked_by, trend=fmt == "html"), fmt
                )
        if output is None:
            typer.echo(content.decode("utf-8"), nl=False)
        else:
            # A byte-order mark tells spreadsheet programs that the csv is UTF-8 (Chinese text otherwise garbles).
            _write_report(output, b"\xef\xbb\xbf" + content if fmt == "csv" else content)


def _check_format(fmt: str, output: Path | None) -> None:
    """A report's format is one the exports know, and a binary one goes to a file."""
    from firstask import export

    if fmt not in export.FORMATS:
        raise fail(i18n.t("cli.bad_format", None, value=fmt, formats=", ".join(export.FORMATS)))
    if fmt in export.BINARY and output is None:
        raise fail(i18n.t("report.cli.xlsx_needs_file"))


def _month_report(
    ctx: typer.Context, month: str, fmt: str, output: Path | None, *, bad_company: bool, unmasked: bool
) -> None:
    """`report --month`: the monthly ranking in any report format, with the history's head."""
    from firstask.desk import Desk
    from firstask.export import ranking as month_report
    from firstask.store import head

    if bad_company:
        raise fail(i18n.t("report.cli.month_and_day"))
    if unmasked:
        raise fail(i18n.t("report.cli.month_unmasked"))
    _check_format(fmt, output)
    lang = _report_language(ctx)
    with user_errors():
        with Desk.open(_existing_db(), create=False) as desk:
            _tell_policy_problems(desk)
            ranking = desk.ranking(month)
            count, digest = head(desk.store.conn)
            content = month_report.render(ranking, fmt, lang=lang, anchor=f"{count}:{digest}")
        if output is None:
            typer.echo(content.decode("utf-8"), nl=False)
        else:
            _write_report(output, b"\xef\xbb\xbf" + content if fmt == "csv" else content)


def _parse_period(first: str | None, last: str | None) -> tuple[date, date] | None:
    if first is None and last is None:
        return None
    if first is None or last is None:
        raise fail(i18n.t("report.cli.range_needs_both"))
    start, end = _parse_day(first), _parse_day(last)
    assert start is not None and end is not None
    if start > end:
        raise fail(i18n.t("report.cli.range_order", None, first=first, last=last))
    years = 10  # a longer period takes the desk many seconds to sum, day by day, for no report anyone reads
    if (end.year - start.year, end.month, end.day) >= (years, start.month, start.day):
        raise fail(i18n.t("cli.limits.period", None, years=years, first=first, last=last))
    return start, end


def _report_language(ctx: typer.Context) -> str:
    """Reports are in Chinese unless `--lang` was given: they are the centre's records, whatever the terminal."""
    explicit = ctx.parent.params.get("lang") if ctx.parent is not None else None
    return str(explicit) if explicit else "zh"


def _ask_pin(code: str) -> str:
    pin = os.environ.get("FIRSTASK_PIN")
    if pin is not None:
        return pin
    if not sys.stdin.isatty():
        raise fail(i18n.t("cli.pin_needed"))
    return str(typer.prompt(i18n.t("report.cli.pin_prompt", None, code=code), hide_input=True))


def _write_report(path: Path, content: bytes) -> None:
    """A report names visitors: its file is readable by its owner only, like the database (SPEC §10). It is written
    whole or not at all: into a new file beside it, then put in its place, so that a full disk leaves no part of it
    (and a report of the same name as it was). What went wrong is said of the report's path, not the database's.
    A terminal or a pipe (`-o /dev/stdout`) is written as it is."""
    import errno
    import tempfile

    def refusal(error: OSError, folder: Path) -> typer.Exit:
        code = error.errno
        if code in (errno.ENOSPC, errno.EDQUOT):
            return fail(i18n.t("cli.report_file.disk_full", None, path=path))
        if code == errno.EFBIG:
            return fail(i18n.t("cli.report_file.too_large", None, path=path))
        if code == errno.EISDIR:
            return fail(i18n.t("cli.report_file.is_folder", None, path=path))
        if code in (errno.ENOENT, errno.ENOTDIR):
            return fail(i18n.t("cli.report_file.no_folder", None, path=path, folder=folder))
        if code in (errno.EACCES, errno.EPERM):
            return fail(i18n.t("cli.report_file.denied", None, path=path, folder=folder))
        return fail(i18n.t("cli.report_file.failed", None, path=path, reason=error.strerror or error))

    if path.is_dir():
        raise fail(i18n.t("cli.report_file.is_folder", None, path=path))
    if path.exists() and not path.is_file():  # a terminal, a pipe: nothing to put in its place
        try:
            with path.open("wb") as out:
                out.write(content)
        except OSError as e:
            raise refusal(e, path.parent) from None
        return
    target = Path(os.path.realpath(path))  # a symbolic link: the file it names gets the report
    if target.exists() and not os.access(target, os.W_OK):
        raise fail(i18n.t("cli.report_file.read_only", None, path=path))
    part: str | None = None
    try:
        fd, part = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)  # mode 0600
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())  # a full disk may only say so now
        os.replace(part, target)
        part = None
    except OSError as e:
        raise refusal(e, target.parent) from None
    finally:
        if part is not None:
            with contextlib.suppress(OSError):
                os.unlink(part)


@cli.command()
def scan(
    now: Annotated[str | None, typer.Option("--now", help="Evaluate as of this moment (ISO date-time).")] = None,
) -> None:
    """Evaluate the time-based rules (for cron); print the violations found now."""
    from firstask.desk import Desk

    moment = _parse_moment(now)
    with user_errors():
        with Desk.open(_existing_db(), clock=(lambda: moment) if moment else None, create=False) as desk:
            _tell_policy_problems(desk)
            found = desk.scan()
            staff = desk.staff()
    for v in found:
        who = i18n.name_and_code(staff[v.staff].name if v.staff in staff else (v.staff or "-"), str(v.staff))
        message = i18n.t(v.detail.get("key", ""), None, **v.detail.get("params", {}))
        typer.echo(f"{v.at:%Y-%m-%d %H:%M}  {v.rule:<7} {v.case_no or '-'}  {who}  {message}")
    typer.echo(i18n.t("cli.scan_found", None, count=len(found)))


@cli.command("backup")
def backup_command(
    dest: Annotated[Path, typer.Argument(help="The backup file to write (owner-only).")],
) -> None:
    """An online, consistent copy (windows may keep writing); prints its chain head (the anchor)."""
    from firstask.store import backup

    with user_errors():
        _existing_db()
        info = backup.make(_desk_file("backup"), dest)
    typer.echo(i18n.t("backup.made", None, path=info.path, events=info.events, anchor=info.anchor))


@cli.command("restore")
def restore_command(
    source: Annotated[Path, typer.Argument(help="A backup made by `firstask backup` (or a daily one).")],
    anchor: Annotated[
        str | None,
        typer.Option("--anchor", help="COUNT:HASH the backup must hold, when no head file (.json) stands beside it."),
    ] = None,
    other_desk: Annotated[bool, typer.Option("--other-desk", help="Restore a backup of another desk.")] = False,
) -> None:
    """Check a backup (a desk file of this desk, integrity, history, the head stated beside it) and put its content
    in place of --db's as one commit: open windows carry on with it. What it replaces is kept beside it first."""
    from firstask.rules import RuleError
    from firstask.store import StoreError, backup, parse_anchor

    target = _desk_file("restore")
    try:
        wanted = parse_anchor(anchor) if anchor else None
        if target.exists() and not target.is_file():
            raise StoreError("store.not_regular", path=str(target))
        info, kept = backup.restore(source, target, anchor=wanted, other_desk=other_desk)
    except (StoreError, RuleError) as e:
        raise fail(str(e), 1) from None
    except OSError as e:
        raise fail(
            i18n.t("store.os_error", None, path=e.filename or OPTIONS.db, reason=e.strerror or str(e)), 1
        ) from None
    if kept is None:
        typer.echo(i18n.t("backup.restored_new", None, backup=source, events=info.events))
    else:
        typer.echo(i18n.t("backup.restored", None, backup=source, events=info.events, kept=kept))


@cli.command()
def purge(
    before: Annotated[str, typer.Option("--before", help="Purge cases closed before this day (YYYY-MM-DD).")],
    as_code: Annotated[
        str | None, typer.Option("--as", help="The supervisor doing it (PIN from FIRSTASK_PIN, or asked); recorded.")
    ] = None,
) -> None:
    """Retention: remove visitors' personal data from cases closed before a day at least the policy's retention
    years back; counts and the verifiable history stay."""
    from firstask.desk import Desk

    day = _parse_day(before)
    assert day is not None
    with user_errors():
        path = _existing_db()
        pin = _ask_pin(as_code) if as_code else None
        with Desk.open(path, create=False) as desk:
            by = desk.authenticate(as_code, pin or "").code if as_code else None
            purged = desk.purge(day, by=by)
    typer.echo(i18n.t("purge.done", None, count=len(purged), before=day.isoformat()))


@cli.command()
def serve(
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Address to bind (default: this machine only).")] = "127.0.0.1",
    cert: Annotated[Path | None, typer.Option("--cert", help="TLS certificate (PEM), with --key.")] = None,
    key: Annotated[Path | None, typer.Option("--key", help="TLS private key (PEM), with --cert.")] = None,
    insecure_http: Annotated[
        bool,
        typer.Option("--insecure-http", help="Plain HTTP beyond this machine (PINs cross the LAN in clear)."),
    ] = False,
    public_url: Annotated[
        str | None, typer.Option("--public-url", help="The address browsers use, behind a reverse proxy.")
    ] = None,
    make_cert: Annotated[
        bool, typer.Option("--make-cert", help="Write a certificate and key for this host (to --cert/--key) and stop.")
    ] = False,
    host_name: Annotated[
        list[str] | None, typer.Option("--host-name", help="A name or address the certificate is for (repeatable).")
    ] = None,
) -> None:
    """The desk in a browser for the hall's enrolled window PCs; each tab logs in like a window."""
    if make_cert:
        _make_cert(cert or Path("firstask-hall.crt"), key or Path("firstask-hall.key"), host_name or [])
        return
    from firstask.desk import Desk
    from firstask.serve import HallServer, check_public_url, loopback
    from firstask.serve.certificates import server_context

    if not 0 < port < 65536:
        raise fail(i18n.t("cli.bad_port", None, port=port))
    if (cert is None) != (key is None):
        raise fail(i18n.t("hall.serve.cert_pair", None))
    if public_url is not None and not check_public_url(public_url):
        raise fail(i18n.t("hall.serve.public_url", None, url=public_url))
    tls = None
    if cert is not None and key is not None:
        try:
            tls = server_context(cert, key)
        except (OSError, ValueError) as e:  # ssl.SSLError is an OSError
            raise fail(i18n.t("hall.serve.bad_cert", None, reason=getattr(e, "strerror", None) or str(e))) from None
    elif not loopback(host) and not insecure_http:
        raise fail(i18n.t("hall.serve.needs_tls", None, host=host))
    with user_errors():
        with Desk.open(_existing_db(), create=False) as desk:
            if not desk.staff():
                raise fail(i18n.t("cli.no_staff", None, path=OPTIONS.db), 1)
    if tls is None and not loopback(host):
        typer.echo(i18n.t("hall.serve.insecure", None, host=host), err=True)
    shown_host = "localhost" if host in ("0.0.0.0", "::") else host
    url = public_url or f"{'https' if tls else 'http'}://{shown_host}:{port}"
    server = HallServer(OPTIONS.db, OPTIONS.lang, host=host, port=port, tls=tls, public_url=public_url)
    typer.echo(i18n.t("hall.serve.serving", None, url=url, path=OPTIONS.db))
    try:
        server.serve()
    except OSError as e:
        raise fail(i18n.t("cli.cannot_serve", None, url=f"{host}:{port}", reason=e.strerror or str(e)), 1) from e


def _make_cert(cert: Path, key: Path, names: list[str]) -> None:
    from firstask.serve.certificates import host_names, make_certificate

    try:
        made = make_certificate(cert, key, names or host_names())
    except FileExistsError as e:
        raise fail(i18n.t("hall.serve.cert_exists", None, path=str(e)), 1) from None
    except OSError as e:
        raise fail(i18n.t("store.os_error", None, path=e.filename or cert, reason=e.strerror or str(e)), 1) from None
    names_text = ", ".join(made.names)
    until = made.until.isoformat()
    typer.echo(i18n.t("hall.serve.made_cert", None, cert=made.cert, key=made.key, names=names_text, until=until))


def main() -> None:
    cli(prog_name="firstask")


from firstask import cli_district  # noqa: E402, F401  (its commands register on `cli`: issue 21's, apart)
