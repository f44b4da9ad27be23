"""The command line's district commands (issue 21): `migrate-to` (a centre's file into a district's PostgreSQL
database), `district` (the district supervisor's screen) and `report --district` (every centre side by side); they
register on `firstask.cli`'s application."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from firstask import i18n
from firstask.cli import (
    OPTIONS,
    _check_format,
    _desk_file,
    _existing_db,
    _report_language,
    _write_report,
    cli,
    fail,
    typed_ahead_unseen,
    user_errors,
)


@cli.command("migrate-to")
def migrate_to(
    address: Annotated[str, typer.Argument(help="postgresql://user@host/dbname?centre=C01 (the database's owner).")],
) -> None:
    """Copy this desk's file into a district's PostgreSQL database as one centre, verified on arrival."""
    from firstask.store.address import is_postgres

    if not is_postgres(address):
        raise fail(i18n.t("cli.migrate.not_postgres", None, address=address))
    with user_errors():
        from firstask.store.pg_migrate import migrate

        _existing_db()
        moved = migrate(_desk_file("migrate-to"), address)
    typer.echo(
        i18n.t(
            "cli.migrate.done",
            None,
            path=OPTIONS.db,
            cases=moved.rows.get("cases", 0),
            events=moved.rows.get("events", 0),
            anchor=moved.anchor,
        )
    )


@cli.command("district")
def district_screen(
    replica: Annotated[
        str | None, typer.Option("--read-replica", help="Read from this replica of the district's database instead.")
    ] = None,
) -> None:
    """The district supervisor's screen: every centre side by side, day or month; Enter opens a centre's summary."""
    from firstask.district import District
    from firstask.screens.district import DistrictApp

    with user_errors():
        seat = District.open(str(OPTIONS.db), replica=replica)
    try:
        with typed_ahead_unseen():
            DistrictApp(seat, OPTIONS.lang).run()
    finally:
        seat.close()


def district_report(
    ctx: typer.Context,
    day: date | None,
    period: tuple[date, date] | None,
    month: str | None,
    fmt: str,
    output: Path | None,
    *,
    replica: str | None,
    unmasked: bool,
) -> None:
    """`report --district`: every centre side by side for a day (today by default), a period or a month."""
    from firstask.district import District
    from firstask.export import district as district_report

    if unmasked:
        raise fail(i18n.t("district.unmasked"))
    _check_format(fmt, output)
    lang = _report_language(ctx)
    with user_errors():
        with District.open(str(OPTIONS.db), replica=replica) as seat:
            if month is not None:
                summary = seat.month(month)
            elif period is not None:
                summary = seat.summary(*period)
            else:
                summary = seat.summary(day or seat.today())
            content = district_report.render(summary, fmt, lang=lang, source=seat.store.shown())
        if output is None:
            typer.echo(content.decode("utf-8"), nl=False)
        else:
            _write_report(output, b"\xef\xbb\xbf" + content if fmt == "csv" else content)
