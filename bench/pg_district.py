"""The district's day on PostgreSQL (issue 21): every centre side by side over 50 centres of 20 000 cases each,
`python -m bench.pg_district [--centres N] [--cases N]`.

One centre's ~2.5 months (bench/generate.py: its stories, chained history and sealed rows) is written to a SQLite
file, moved into a district's database with `migrate-to` (as a centre grows out of its file), and copied server-side
into the other centres (their rows the same, their codes their own; the copies bypass the triggers, which have
nothing to seal: the bench reads). Then, as a login role of `firstask_district`:

1. the district's day (`District.summary`, the busiest of the last 30 days) — target <= 1 s — against the same
   figures read the naive way, each centre's own `Desk.summary` one after the other (its look), in the same run;
2. the busiest day further back (the stretches of its open cases reach further: more to read), against figure 1;
3. the district's month (`District.month`), against the same naive way for one centre times the centres.

The server is the bench's own (bench/pg_writes.py `durable_server`: PostgreSQL's default settings, stated), or
FIRSTASK_BENCH_PG's database (emptied of nothing: give it a fresh one).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from bench.pg_writes import ENVIRONMENT, SETTINGS, durable_server, existing, machine
from bench.run import Line, note, timed
from firstask.district import District, month_days
from firstask.store import pg_schema
from firstask.store.pg_migrate import migrate

DISTRICT_ROLE = "bench_district"
TARGET_S = 1.0


def generated(cases: int, folder: Path) -> Path:
    from bench import generate

    path = folder / f"centre-{cases}.db"
    generate.main(["--cases", str(cases), "--out", str(path)])
    return path


def copies(owner: str, source: str, centres: list[str]) -> None:
    """Every table's rows of `source` again under each centre of `centres` (one transaction per centre)."""
    with psycopg.connect(owner, autocommit=True) as admin:
        admin.execute("SET session_replication_role = replica")  # no trigger: nothing here is the desk's to seal
        columns = {
            table: [
                str(r[0])
                for r in admin.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                    "AND column_name != 'centre' ORDER BY ordinal_position",
                    (table,),
                ).fetchall()
            ]
            for table in pg_schema.TABLES
            if table != "centres"
        }
        # bench/generate.py records the callbacks' ratings as events (as files did before the ratings table): carried
        # over as migration 7 carries a file's, so that satisfaction and bad ratings are counted here too.
        admin.execute(
            'INSERT INTO ratings (centre, case_no, service, channel, "window", staff, asked_at, level, reasons, '
            "comment, rated_at, remedied_at) SELECT e.centre, e.case_no, 'rate', 'callback', "
            "e.detail::jsonb ->> 'window', coalesce(e.detail::jsonb ->> 'owner', e.by_staff), e.at, "
            "(e.detail::jsonb ->> 'level')::int, '[]', coalesce(e.detail::jsonb ->> 'comment', ''), e.at, "
            "(SELECT min(r.at) FROM events r WHERE r.centre = e.centre AND r.case_no = e.case_no "
            "AND r.action = 'remedy' AND r.seq > e.seq) FROM events e WHERE e.centre = %s AND e.action = 'rate' "
            "AND NOT EXISTS (SELECT 1 FROM ratings x WHERE x.centre = e.centre)",
            (source,),
        )
        for centre in centres:
            with admin.transaction():
                admin.execute(
                    "INSERT INTO centres (code, name, created_at, head_seq, head_hash) "
                    "SELECT %s, name, created_at, head_seq, head_hash FROM centres WHERE code = %s",
                    (centre, source),
                )
                for table, names in columns.items():
                    quoted = ", ".join(f'"{c}"' for c in names)
                    # A slip's link is unique across the district: the copies' links are their own.
                    own = "token_hash || %(centre)s"
                    chosen = quoted.replace('"token_hash"', own) if table == "ratings" else quoted
                    admin.execute(
                        f"INSERT INTO {table} (centre, {quoted}) SELECT %(centre)s, {chosen} FROM {table} "
                        "WHERE centre = %(source)s",
                        {"centre": centre, "source": source},
                    )
        admin.execute("VACUUM ANALYZE")  # as autovacuum leaves a district's database that has run a while


def naive(seat: District, centres: list[str], read: Callable[[Any], Any]) -> Callable[[], None]:
    """Each centre's own summary, one after the other: the figures a district would have without its reads."""

    def run() -> None:
        for code in centres:
            desk = seat.centre(code)
            try:
                read(desk)
            finally:
                desk.close()

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--centres", type=int, default=50)
    parser.add_argument("--cases", type=int, default=20_000, help="cases per centre")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    given = os.environ.get(ENVIRONMENT)
    import tempfile

    with tempfile.TemporaryDirectory() as scratch, existing(given) if given else durable_server() as owner:
        started = time.perf_counter()
        source = generated(args.cases, Path(scratch))
        codes = [f"C{n:02d}" for n in range(1, args.centres + 1)]
        migrate(source, f"{owner}?centre={codes[0]}")
        copies(owner, codes[0], codes[1:])
        with psycopg.connect(owner, autocommit=True) as admin:
            admin.execute(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{DISTRICT_ROLE}') THEN "
                f"CREATE ROLE {DISTRICT_ROLE} LOGIN IN ROLE {pg_schema.DISTRICT_ROLE}; END IF; END $$"
            )
            settings = {name: admin.execute(f"SHOW {name}").fetchone()[0] for name in SETTINGS}  # type: ignore[index]
            cases = admin.execute("SELECT count(*) FROM cases").fetchone()[0]  # type: ignore[index]
            events = admin.execute("SELECT count(*) FROM events").fetchone()[0]  # type: ignore[index]
            by_day = admin.execute(
                "SELECT substr(created_at, 1, 10) AS day, count(*) AS n FROM cases WHERE centre = %s GROUP BY day",
                (codes[0],),
            ).fetchall()
            last_day = max(str(r[0]) for r in by_day)
            recent = [r for r in by_day if str(r[0]) > (date.fromisoformat(last_day) - timedelta(days=30)).isoformat()]
            # the busiest day of the last 30 (what a district reads: today, yesterday, last week), and the busiest
            # of all, further back (its open cases' stretches reach further)
            busiest = max(recent, key=lambda r: (r[1], r[0]))[0]
            oldest = max(by_day, key=lambda r: (r[1], r[0]))[0]
            ratings = admin.execute("SELECT count(*) FROM ratings").fetchone()[0]  # type: ignore[index]
        built = time.perf_counter() - started
        day, back = date.fromisoformat(busiest), date.fromisoformat(oldest)
        month = day.strftime("%Y-%m")
        evening = datetime.combine(date.fromisoformat(last_day), datetime.max.time()).replace(microsecond=0)
        print(
            f"firstask bench: the district's day on PostgreSQL, {args.centres} centres x {args.cases} cases "
            f"({cases} cases, {events} events, {ratings} ratings in all; built in {built:.0f} s); day {day} (recent), "
            f"{back} (further back), month {month}",
            flush=True,
        )
        print("server: " + ", ".join(f"{k} {v}" for k, v in settings.items()), flush=True)
        print(f"machine: {machine()}", flush=True)
        line = Line([])
        address = owner.replace("firstask_admin@", f"{DISTRICT_ROLE}@", 1)
        with District.open(address, clock=lambda: evening) as seat:
            side = timed(lambda: seat.summary(day), args.runs)
            one_by_one = timed(naive(seat, codes, lambda desk: desk.summary(day)), 1)
            value = statistics.median(side)
            line(
                1,
                f"the district's day, {args.centres} centres side by side",
                value,
                "s",
                statistics.median(one_by_one),
                "each centre's own Desk.summary, one after the other",
                f"<= {TARGET_S:.0f} s",
                value <= TARGET_S,
                extra=f" median of {args.runs} (max {max(side):.3f} s)",
            )
            further = timed(lambda: seat.summary(back), args.runs)
            value = statistics.median(further)
            line(
                2,
                f"the district's day {back} (further back), {args.centres} centres side by side",
                value,
                "s",
                statistics.median(side),
                "the recent day's",
                f"<= {TARGET_S:.0f} s",
                value <= TARGET_S,
                extra=f" median of {args.runs}",
            )
            first, last = month_days(month, date.fromisoformat(last_day))
            whole = timed(lambda: seat.month(month), args.runs)
            one = timed(naive(seat, codes[:1], lambda desk: desk.span_summary(first, last)), 1)
            line(
                3,
                f"the district's month {month}, {args.centres} centres side by side",
                statistics.median(whole),
                "s",
                statistics.median(one) * args.centres,
                f"one centre's own span_summary of the month x {args.centres}",
                "none (for the record)",
                None,
                extra=f" median of {args.runs}",
            )
            note(
                "each figure is one REPEATABLE READ, READ ONLY transaction as firstask_district; the naive reference "
                "opens each centre's desk (its look) and reads its summary as its supervisor's screen does"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
