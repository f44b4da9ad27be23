"""The desk's figures on a generated database, each against a reference measured in the same run:
`python -m bench.run --cases N` (after `python -m bench.generate --cases N`; `make bench` does both).

One line per figure: the desk's median (and p99 for actions), the reference, their ratio, and the target.

1. start-up: the desk launched headless (run_test) on the database until the follow-up screen is ready, against a
   bare Textual app (header, input, data table, footer); peak memory against the bare app's. Each run is a process
   of its own (bench/startup.py), alternating, so that each peak is its own. One untimed start of the desk comes
   first: the day's first start also copies the file to the day's backup, and is reported apart.
2. actions through Desk (check-in, accept, hand-off), median and p99, against a raw sqlite3 transaction writing the
   same rows (same PRAGMAs, one commit) on the same file.
3. the clerk's lists (mine, tracking, waiting for me) for the busiest clerk;
4. visitor search by phone digits, name and pinyin initials (prefixes of real visitors);
5. the busiest recent day's summary and the 30-day trend;
6. scan() of all open cases;
7. the xlsx export of that day (skipped with a note when firstask/export.py is missing).
For 3-7 the reference is the raw SQLite cost of the same statements: the SQL the desk sent (captured with the
connection's trace callback) run on a plain sqlite3 connection, rows fetched, no Python objects built.

Everything runs on a copy of the generated file (bench/data/work-N.db, removed afterwards): the scan and the
actions write, and the generated file stays as generated (it is cached by N).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.generate import CLERKS, HERE, default_path
from firstask import report, rules
from firstask.desk import Desk
from firstask.live import Tidings
from firstask.store import BUSY_TIMEOUT_MS, Store, watch_sealed_rows

ROOT = HERE.parent


# --- measuring -----------------------------------------------------------------------------------------------


def median_ms(samples: Sequence[float]) -> float:
    return statistics.median(samples) * 1000


def p99_ms(samples: Sequence[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98] * 1000 if len(samples) > 1 else samples[0]


def visitor(i: int) -> dict[str, Any]:
    """Round `i`'s visitor, as figure 2's check-ins (and bench/pg_writes.py's) give them."""
    return {
        "visitor_name": "测试访客",
        "phone": f"139{10_000_000 + i:08d}",
        "summary": "咨询办事流程",
        "channel": "visit",
        "kind": "enquiry",
    }


def timed(call: Callable[[], Any], repeat: int, warm: int = 1) -> list[float]:
    for _ in range(warm):
        call()
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        out.append(time.perf_counter() - began)
    return out


def raw_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the desk's PRAGMAs (firstask.store.Store._configure)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    watch_sealed_rows(conn)  # as the desk's own connection: its writes note the rows they change, for the seals
    return conn


def captured(desk: Desk, call: Callable[[], Any]) -> list[str]:
    """The reading statements `call` sends (parameters filled in by SQLite's expanded SQL)."""
    sent: list[str] = []
    desk.store.conn.set_trace_callback(sent.append)
    try:
        call()
    finally:
        desk.store.conn.set_trace_callback(None)
    return [s for s in sent if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def raw_cost(raw: sqlite3.Connection, statements: Sequence[str], repeat: int) -> list[float]:
    def run() -> None:
        raw.execute("BEGIN")  # one read transaction, as Store.read()
        for sql in statements:
            raw.execute(sql).fetchall()
        raw.execute("COMMIT")

    return timed(run, repeat)


class Line:
    """One figure: printed as one line, kept for the results file."""

    def __init__(self, results: list[dict[str, Any]]) -> None:
        self.results = results

    def __call__(
        self,
        number: int,
        name: str,
        value: float,
        unit: str,
        reference: float,
        ref_name: str,
        target: str,
        ok: bool | None,
        extra: str = "",
        ratio: float | None = None,
    ) -> None:
        if ratio is None:
            ratio = value / reference if reference else float("inf")
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        text = (
            f"{number}. {name}: {shown(value, unit)}{extra} | reference ({ref_name}): {shown(reference, unit)} "
            f"| ratio {ratio:.2f} | target {target}: {verdict}"
        )
        print(text, flush=True)
        self.results.append(
            {
                "figure": number,
                "name": name,
                "value": value,
                "unit": unit,
                "reference": reference,
                "reference_name": ref_name,
                "ratio": ratio,
                "target": target,
                "ok": ok,
                "extra": extra,
            }
        )


def shown(value: float, unit: str) -> str:
    digits = 3 if unit == "s" else 1 if value >= 10 else 2 if value >= 0.1 else 3
    return f"{value:.{digits}f} {unit}"


def note(text: str) -> None:
    print(f"   {text}", flush=True)


# --- the figures ---------------------------------------------------------------------------------------------


def startup(db: Path, now: str, runs: int) -> dict[str, list[float]]:
    """Alternating runs of the bare app and the desk, after one untimed start of the desk: the day's first start
    also copies the whole file to the day's backup (reported apart), and the timed runs should not share the
    machine with that copy being written out."""
    out: dict[str, list[float]] = {"desk": [], "bare": [], "desk_mb": [], "bare_mb": [], "first": []}

    def one(kind: str) -> dict[str, float]:
        argv = [sys.executable, "-m", "bench.startup", kind] + ([str(db), now] if kind == "desk" else [])
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"start-up run failed ({kind}):\n{done.stderr[-3000:]}")
        result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    out["first"].append(one("desk")["seconds"])
    os.sync()
    for _ in range(runs):
        for kind in ("bare", "desk"):
            result = one(kind)
            out[kind].append(result["seconds"])
            out[f"{kind}_mb"].append(result["peak_mb"])
    return out


def startup_reads(path: Path, moment: datetime, code: str) -> tuple[float, float]:
    """What the desk reads from the file between launch and the follow-up screen, without the screens; then the
    log-in scan and its news, which come a second after log-in (firstask.app.FIRST_SCAN_SECONDS)."""
    began = time.perf_counter()
    desk = Desk.open(path, clock=lambda: moment)
    staff = desk.staff()[code]
    desk.covering(code)
    desk.my_cases(code)
    waiting = desk.waiting_for(code)
    desk.tracking(code)
    desk.callbacks(code)
    for line in waiting:
        desk.case(line.no)
    reads = time.perf_counter() - began
    began = time.perf_counter()
    tidings = Tidings(desk, staff)
    desk.scan()
    tidings.news()
    scan = time.perf_counter() - began
    desk.close()
    return reads, scan


def actions(desk: Desk, raw: sqlite3.Connection, clock: list[datetime], rounds: int) -> dict[str, list[float]]:
    """Check-in, accept, hand-off through the desk; then the same rows written raw, on a case of its own."""
    store = desk.store
    times: dict[str, list[float]] = {
        k: [] for k in ("check_in", "accept", "hand_off", "raw check_in", "raw accept", "raw hand_off")
    }
    columns = [r[1] for r in raw.execute("PRAGMA table_info(cases)")]

    def new_rows(seq_before: int, person_before: int, no: str) -> dict[str, Any]:
        return {
            "events": store.all("SELECT * FROM events WHERE seq > ? ORDER BY seq", (seq_before,)),
            "states": store.all("SELECT * FROM case_states WHERE seq > ? ORDER BY id", (seq_before,)),
            "people": store.all("SELECT * FROM people WHERE id > ?", (person_before,)),
            "violations": store.all("SELECT * FROM violations WHERE event_seq > ?", (seq_before,)),
            "case": store.case_row(no),
        }

    def write_raw(rows: dict[str, Any], ref: str, before: dict[str, Any] | None) -> float:
        began = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        person_id = None
        for p in rows["people"]:
            cols = [c for c in p if c != "id"]
            person_id = raw.execute(
                f"INSERT INTO people ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", [p[c] for c in cols]
            ).lastrowid
        case = dict(rows["case"], no=ref)
        if before is None:
            case["person_id"] = person_id
            raw.execute(
                f"INSERT INTO cases ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [case[c] for c in columns],
            )
        for e in rows["events"]:
            seq = raw.execute("SELECT max(seq) FROM events").fetchone()[0] + 1
            raw.execute(
                "INSERT INTO events (seq, case_no, action, by_staff, at, tz, detail, hash) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?)",
                (seq, ref, e["action"], e["by_staff"], e["at"], e["tz"], e["detail"], e["hash"]),
            )
        if before is not None:
            changed = [c for c in columns if c != "no" and rows["case"][c] != before[c]]
            raw.execute(
                f"UPDATE cases SET {', '.join(f'{c} = ?' for c in changed)} WHERE no = ?",
                [case[c] for c in changed] + [ref],
            )
        for s in rows["states"]:
            raw.execute(
                "UPDATE case_states SET valid_to = ? WHERE case_no = ? AND valid_to IS NULL", (s["valid_from"], ref)
            )
            raw.execute(
                "INSERT INTO case_states (case_no, seq, valid_from, status, owner, due, pending_to) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (ref, seq, s["valid_from"], s["status"], s["owner"], s["due"], s["pending_to"]),
            )
        raw.execute("COMMIT")
        return time.perf_counter() - began

    for i in range(-3, rounds):  # three rounds to warm up (pinyin and phone tables load on first use), not counted
        clerk = CLERKS[i % len(CLERKS)]
        other = CLERKS[(i + 7) % len(CLERKS)]
        clock[0] += timedelta(seconds=20)
        seq0, person0 = store.head()[0], store.scalar("SELECT max(id) FROM people") or 0
        began = time.perf_counter()
        case = desk.check_in(clerk, **visitor(i))
        spent = time.perf_counter() - began
        rows = new_rows(seq0, person0, case.no)
        ref = "R" + case.no
        spent_raw = write_raw(rows, ref, None)
        if i >= 0:
            times["check_in"].append(spent)
            times["raw check_in"].append(spent_raw)

        for action in ("accept", "hand_off"):
            clock[0] += timedelta(seconds=20)
            before = store.case_row(case.no)
            seq0 = store.head()[0]
            began = time.perf_counter()
            if action == "accept":
                desk.accept(case.no, clerk, materials=[("来电记录", 1)], expect=case.version)
            else:
                desk.hand_off(case.no, clerk, other, "请同事跟进。")
            spent = time.perf_counter() - began
            rows = new_rows(seq0, 1 << 60, case.no)
            assert before is not None  # the raw case mirrors the desk's: the same columns change
            spent_raw = write_raw(rows, ref, before)
            if i >= 0:
                times[action].append(spent)
                times[f"raw {action}"].append(spent_raw)
            case = desk.case(case.no)
    return times


def search_queries(store: Any, count: int) -> list[str]:
    """Prefixes of real visitors, as a clerk types them: 4-7 phone digits, a name's first two characters, two or
    three pinyin initials."""
    top = store.scalar("SELECT max(id) FROM people")
    out: list[str] = []
    step = max(1, top // (count * 3))
    ids = list(range(step, top + 1, step))[: count * 3]
    for i, pid in enumerate(ids):
        row = store.one(
            "SELECT name, phone_digits, initials FROM people WHERE id >= ? AND name IS NOT NULL "
            "AND phone_digits != '' ORDER BY id LIMIT 1",
            (pid,),
        )
        if row is None:
            continue
        kind = i % 3
        if kind == 0:
            out.append(row["phone_digits"][: 4 + i % 4])
        elif kind == 1:
            out.append(row["name"][:2])
        else:
            out.append(row["initials"][: 2 + i % 2])
    return out


def busiest_day(store: Any, now: datetime) -> date:
    start = (now - timedelta(days=30)).date().isoformat()
    row = store.one(
        "SELECT substr(created_at, 1, 10) AS day, count(*) AS n FROM cases WHERE created_at >= ? "
        "AND created_at < ? GROUP BY day ORDER BY n DESC LIMIT 1",
        (start, now.date().isoformat()),
    )
    return date.fromisoformat(row["day"]) if row else now.date()


def busiest_clerk(store: Any) -> str:
    row = store.one(
        "SELECT owner, count(*) AS n FROM cases WHERE status IN ('open', 'awaiting_documents', "
        "'handoff_pending', 'in_progress') AND owner LIKE 'w%' GROUP BY owner ORDER BY n DESC LIMIT 1"
    )
    return str(row["owner"]) if row else "w01"


def cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def machine(engine: str = "") -> str:
    """The machine a figure was measured on; `engine`: the database library's words (SQLite's by default)."""
    return (
        f"{os.cpu_count()} cores ({cpu()}), Python {platform.python_version()}, "
        f"{engine or f'SQLite {sqlite3.sqlite_version}'}, {platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the desk's figures on a generated database")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="the generated database (default bench/data/cases-N.db)")
    parser.add_argument("--startup-runs", type=int, default=9)
    parser.add_argument("--rounds", type=int, default=120, help="actions of each kind")
    parser.add_argument("--repeat", type=int, default=30, help="samples of each read")
    parser.add_argument("--keep", action="store_true", help="keep the work copy")
    args = parser.parse_args(argv)
    source = args.db or default_path(args.cases)
    if not source.exists():
        parser.error(f"{source} does not exist: run `python -m bench.generate --cases {args.cases}` first")
    work = source.with_name(f"work-{args.cases}.db")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, work)
    os.chmod(work, 0o600)
    results: list[dict[str, Any]] = []
    line = Line(results)
    try:
        with Desk.open(work) as probe:
            now_text = probe.store.meta("bench_now") or datetime.now().isoformat(timespec="seconds")
            counts = {t: probe.store.scalar(f"SELECT max(rowid) FROM {t}") for t in ("cases", "events", "people")}
            visitors = probe.store.scalar("SELECT count(*) FROM (SELECT DISTINCT name, phone FROM people)")
        moment = datetime.fromisoformat(now_text)
        size = source.stat().st_size / 2**20
        print(
            f"firstask bench: {args.cases} cases ({counts['events']} events, {counts['people']} people rows of "
            f"{visitors} visitors), {size:.0f} MB, now {now_text}"
        )
        print(f"machine: {machine()}", flush=True)
        clock = [moment]
        desk = Desk.open(work, clock=lambda: clock[0])
        raw = raw_connection(work)
        clerk = busiest_clerk(desk.store)
        day = busiest_day(desk.store, moment)

        # 1. start-up
        s = startup(work, now_text, args.startup_runs)
        desk_s, bare_s = statistics.median(s["desk"]), statistics.median(s["bare"])
        desk_mb, bare_mb = statistics.median(s["desk_mb"]), statistics.median(s["bare_mb"])
        # Each desk run against the bare run just before it, then the median of those ratios: a slow spell of the
        # shared machine slows both runs of a pair, and drops out of their ratio.
        paired = statistics.median(d / b for d, b in zip(s["desk"], s["bare"], strict=True))
        line(
            1,
            "start-up to the follow-up screen",
            desk_s,
            "s",
            bare_s,
            "bare Textual app",
            "ratio <= 1.5",
            paired <= 1.5,
            ratio=paired,
            extra=f" median of {len(s['desk'])} (ratio: median of the pairs' ratios)",
        )
        line(
            1, "start-up peak memory", desk_mb, "MB", bare_mb, "bare Textual app", "ratio <= 2", desk_mb / bare_mb <= 2
        )
        note(
            "start-up runs (s): desk "
            + ", ".join(f"{x:.2f}" for x in s["desk"])
            + "; bare "
            + ", ".join(f"{x:.2f}" for x in s["bare"])
            + f"; before them, untimed, the day's first start "
            f"{s['first'][0]:.2f} s (it also copies the file to the day's backup, in a thread)"
        )
        reads, scan = startup_reads(work, moment, "w01")
        note(
            f"of which the desk's reads from the file (open, roster, the four lists): {reads * 1000:.0f} ms; the "
            f"log-in scan and its news, a second after log-in: {scan * 1000:.0f} ms"
        )

        # 3. lists
        def lists() -> None:
            desk.my_cases(clerk)
            desk.tracking(clerk)
            desk.waiting_for(clerk)

        sizes = [len(desk.my_cases(clerk)), len(desk.tracking(clerk)), len(desk.waiting_for(clerk))]
        value = median_ms(timed(lists, args.repeat * 2))
        ref = median_ms(raw_cost(raw, captured(desk, lists), args.repeat * 2))
        # 4. search
        queries = search_queries(desk.store, 20)

        search = [median_ms(timed(lambda q=q: desk.find_visitors(q), 5)) for q in queries]
        search_raw = [median_ms(raw_cost(raw, captured(desk, lambda q=q: desk.find_visitors(q)), 5)) for q in queries]
        # 5. summary + trend
        has_trend = hasattr(desk, "trend")

        def summary() -> None:
            desk.summary(day)
            if has_trend:
                desk.trend(day)

        summ = timed(summary, max(5, args.repeat // 3))
        summ_ref = raw_cost(raw, captured(desk, summary), max(5, args.repeat // 3))
        # 6. scan
        scan_samples = timed(desk.scan, max(5, args.repeat // 3))
        scan_ref = raw_cost(raw, captured(desk, desk.scan), max(5, args.repeat // 3))

        # 2. actions (they add cases: after the reads)
        a = actions(desk, raw, clock, args.rounds)
        for name in ("check_in", "accept", "hand_off"):
            med, ref_med = median_ms(a[name]), median_ms(a[f"raw {name}"])
            line(
                2,
                f"{name} through Desk",
                med,
                "ms",
                ref_med,
                "raw sqlite3, same rows, one commit",
                "ratio <= 3",
                med / ref_med <= 3,
                extra=f" median, p99 {shown(p99_ms(a[name]), 'ms')} (raw: p99 {shown(p99_ms(a[f'raw {name}']), 'ms')})",
            )
        line(
            3,
            f"lists of {clerk} (mine {sizes[0]}, tracking {sizes[1]}, waiting {sizes[2]})",
            value,
            "ms",
            ref,
            "the same SQL raw",
            "<= 20 ms median",
            value <= 20,
        )
        line(
            4,
            f"visitor search ({len(queries)} prefixes: phone, name, initials)",
            statistics.median(search),
            "ms",
            statistics.median(search_raw),
            "the same SQL raw",
            "<= 20 ms median",
            statistics.median(search) <= 20,
            extra=f" median (slowest {shown(max(search), 'ms')})",
        )
        broad = {q: median_ms(timed(lambda q=q: desk.find_visitors(q), 5)) for q in ("138", "张", "z")}
        note("broad prefixes: " + ", ".join(f"{q!r} {ms:.1f} ms" for q, ms in broad.items()))
        line(
            5,
            f"summary of {day} + {'30-day trend' if has_trend else '(no Desk.trend yet)'}",
            median_ms(summ),
            "ms",
            median_ms(summ_ref),
            "the same SQL raw",
            "<= 200 ms median",
            median_ms(summ) <= 200,
        )
        if has_trend:
            only = median_ms(timed(lambda: desk.summary(day), 5))
            trend = median_ms(timed(lambda: desk.trend(day), 5))
            days = report.days_from(day - timedelta(days=29), day)
            pairs = [(d.isoformat(), report.day_bounds(d)[1]) for d in days]
            counted = median_ms(timed(lambda: desk.store.overdue_counts(pairs, sorted(rules.OPEN_STATES)), 5))
            note(
                f"summary alone {only:.1f} ms, trend alone {trend:.1f} ms; the trend's overdue line counted in one "
                f"query (Store.overdue_counts) {counted:.1f} ms"
            )
        open_cases = desk.store.scalar(
            "SELECT count(*) FROM cases WHERE status IN ('open', 'awaiting_documents', "
            "'handoff_pending', 'in_progress')"
        )
        line(
            6,
            f"scan() of all open cases ({open_cases})",
            median_ms(scan_samples),
            "ms",
            median_ms(scan_ref),
            "the same SQL raw",
            "<= 500 ms median",
            median_ms(scan_samples) <= 500,
        )
        try:
            from firstask import export
        except ImportError:
            note("7. xlsx export: skipped, firstask/export.py does not exist yet")
        else:

            def xlsx() -> None:
                export.render(export.build(desk, day, lang="zh"), "xlsx")

            samples = timed(xlsx, 3)
            ref = median_ms(raw_cost(raw, captured(desk, xlsx), 3))
            line(
                7,
                f"xlsx export of {day}",
                median_ms(samples) / 1000,
                "s",
                ref / 1000,
                "the same SQL raw",
                "<= 2 s",
                median_ms(samples) <= 2000,
            )

        # 8. a full verify: the chain, then every sealed row against the history's last word on it. On the
        # generated file itself (verify writes nothing to it): the work copy has the raw references' rows.
        checked = Store.open(source, create=False, migrate=False)
        try:
            began = time.perf_counter()
            chain = checked.verify(state=False)
            chain_s = time.perf_counter() - began
            began = time.perf_counter()
            full = checked.verify()
            full_s = time.perf_counter() - began
        finally:
            checked.close()
        line(
            8,
            f"full verify ({chain.count} events, every sealed row)",
            full_s,
            "s",
            chain_s,
            "the chain alone",
            "<= 10 min",
            full.ok and full_s <= 600,
            extra="" if full.ok else f" (FAILED: {full.message('en')})",
        )
        raw.close()
        desk.close()
    finally:
        if not args.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{work}{suffix}").unlink(missing_ok=True)
            for folder in ("-documents", "-backups"):  # printed receipts; the app's daily backup at its first start
                shutil.rmtree(work.with_name(work.stem + folder), ignore_errors=True)
    out = source.with_name(f"results-{args.cases}.json")
    out.write_text(
        json.dumps({"cases": args.cases, "machine": machine(), "figures": results}, ensure_ascii=False, indent=1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
