"""Reports to file: `firstask report --format json|csv|xlsx|html|md [-o FILE]`, for a day or a period (SPEC §9, §10).

The day under test, Wednesday 2026-03-11, is built through `Desk` with an injected clock so that every figure is a
different number: a figure printed under another's label cannot pass for it. Monday and Tuesday lay the ground:
cases taken in with due dates, enquiries answered for Wednesday's callbacks.

Wednesday, as planned (`PLAN` is this table; `build` follows it):

    per staff member               w01  w02  w03  s01
    answered on the spot             0    2    2   13
    answered with a forbidden phrase 4    4   14    2    LANG-1 against the one who answered
    referred out                     6   11    9   14
    rejected                         4    5    4    4
    taken in                         0    5    4    0    all for one working day: due Thursday
    left open                       10   10    3    5
    taken in on Monday or Tuesday, owned by the staff member:
    due Monday, still open           6    7    0    3    overdue (its TIME-2 falls on Tuesday)
    due Tuesday, still open          0    6    3    1    overdue, TIME-2 on Wednesday
    due Tuesday, resolved late       2    4    0    4    TIME-2 on Wednesday, then resolved
    due Thursday, still open         6   11    3    1    due tomorrow
    due Friday, resolved             7    2    2    0    on time

    w03 gives one-time notices on 15 applications, then a second notice on 4 of them (NOT-2 against w03).
    Hand-offs: w01 hands 4 cases to w02 and 4 to w03, all accepted (w02 then takes 2 of them in); w02 hands 2 to
    w03, who declines them; at 17:15 w03 hands 3 to w01, still waiting at closing time.
    Callbacks on Wednesday for 57 enquiries answered on Tuesday: 1:5 2:15 3:9 4:12 5:16. s01 confirms 12 violations.

    received 163   visit 117  phone 27  letter 18  online 1
                   enquiry 42  application 25  complaint 33  report 29  suggestion 34
    answered 41  notices 19 (4 second notices)  accepted 11  hand-offs made 13: accepted 8, pending 3, declined 2
    referred 40  rejected 17  resolved 119  open 112  overdue 26  due tomorrow 30
    violations 48: LANG-1 24, NOT-2 4, TIME-2 20; awaiting review 36
    staff   received  owned  resolved  on time  violations
    w01        32       22      23       7/9        6
    w02        39       45      28       2/6       14
    w03        54       35      31       2/2       21
    s01        38       10      37       0/4        7

The only figures that share a number are those that are one figure by definition: NOT-2 is the second notices,
the violations column of the staff table is the violations by staff member, and the totals are their parts' sums.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import ROSTER, Clock, furnish
from conftest import firstask as firstask_process
from rich.cells import cell_len
from stdnum.cn import ric
from typer.testing import CliRunner

from firstask import i18n
from firstask.cli import cli
from firstask.desk import Desk
from firstask.privacy import mask_id_number, mask_phone

MONDAY, TUESDAY, DAY, THURSDAY = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 12)
STAFF = ("w01", "w02", "w03", "s01")
PINS = {"w01": "101010", "w02": "202020", "w03": "303030", "s01": "989898"}

PLAN: dict[str, dict[str, int]] = {
    # checked in on Wednesday by the staff member, who then...
    "answered": {"w01": 0, "w02": 2, "w03": 2, "s01": 13},
    "forbidden": {"w01": 4, "w02": 4, "w03": 14, "s01": 2},
    "referred": {"w01": 6, "w02": 11, "w03": 9, "s01": 14},
    "rejected": {"w01": 4, "w02": 5, "w03": 4, "s01": 4},
    "taken_in": {"w01": 0, "w02": 5, "w03": 4, "s01": 0},
    "left_open": {"w01": 10, "w02": 10, "w03": 3, "s01": 5},
    # taken in earlier by the staff member
    "due_monday": {"w01": 6, "w02": 7, "w03": 0, "s01": 3},
    "due_tuesday": {"w01": 0, "w02": 6, "w03": 3, "s01": 1},
    "late_resolved": {"w01": 2, "w02": 4, "w03": 0, "s01": 4},
    "due_thursday": {"w01": 6, "w02": 11, "w03": 3, "s01": 1},
    "resolved_on_time": {"w01": 7, "w02": 2, "w03": 2, "s01": 0},
}
NOTICED, SECOND_NOTICES = 15, 4
RATINGS = {1: 5, 2: 15, 3: 9, 4: 12, 5: 16}
REVIEWED = 12
CHANNELS = {"visit": 117, "phone": 27, "letter": 18, "online": 1}
KINDS = {"enquiry": 42, "application": 25, "complaint": 33, "report": 29, "suggestion": 34}

EXPECTED: dict[str, Any] = {
    "received": 163,
    "answered_on_spot": 41,
    "notices": 19,
    "second_notices": 4,
    "accepted": 11,
    "handoffs.made": 13,
    "handoffs.accepted": 8,
    "handoffs.pending": 3,
    "handoffs.declined": 2,
    "referred": 40,
    "rejected": 17,
    "resolved": 119,
    "open": 112,
    "overdue": 26,
    "due_tomorrow": 30,
    "rated": 57,
    "violations.total": 48,
    "violations.open_reviews": 36,
    **{f"by_channel.{k}": n for k, n in CHANNELS.items()},
    **{f"by_kind.{k}": n for k, n in KINDS.items()},
    **{f"ratings.{level}": n for level, n in RATINGS.items()},
    "violations.by_rule.LANG-1": 24,
    "violations.by_rule.NOT-2": 4,
    "violations.by_rule.TIME-2": 20,
    "violations.by_staff.w01": 6,
    "violations.by_staff.w02": 14,
    "violations.by_staff.w03": 21,
    "violations.by_staff.s01": 7,
}
RATES = {"on_spot_rate": Fraction(41, 163), "satisfaction_rate": Fraction(9 + 12 + 16, 57)}
STAFF_ROWS = {  # code: (received, owned, resolved, on-time rate, violations)
    "w01": (32, 22, 23, Fraction(7, 9), 6),
    "w02": (39, 45, 28, Fraction(2, 6), 14),
    "w03": (54, 35, 31, Fraction(1), 21),
    "s01": (38, 10, 37, Fraction(0), 7),
}
# One figure by definition (see the module's docstring), so allowed to share its number.
SAME_FIGURE = {("second_notices", "violations.by_rule.NOT-2")}

# A visitor whose phone and ID number every export must mask unless a supervisor asks otherwise.
KNOWN_PHONE = "13912345678"
KNOWN_ID = "11010519800101123" + ric.calc_check_digit("11010519800101123" + "0")  # the digit replaces the last


def lang(key: str, language: str = "zh", **params: Any) -> str:
    return i18n.t(key, language, **params)


# --- the day -------------------------------------------------------------------------------------------------------


@dataclass
class Day:
    path: Path
    summary: dict[str, Any]
    head: tuple[int, str]
    known_case: str = ""
    cases: dict[str, list[str]] = field(default_factory=dict)  # group -> case numbers


class Builder:
    def __init__(self, desk: Desk, clock: Clock) -> None:
        self.desk = desk
        self.clock = clock
        self.phones = iter(range(10_000_000, 99_999_999, 7_919))
        self.channels = [c for c, n in CHANNELS.items() for _ in range(n)]
        # The noticed applications take the first applications; the rest of the kinds go in order.
        self.kinds = ["application"] * NOTICED + [
            k for k, n in KINDS.items() for _ in range(n - (NOTICED if k == "application" else 0))
        ]

    def tick(self) -> None:
        self.clock.advance(seconds=30)

    def check_in(self, by: str, *, today: bool = True, **fields: Any) -> str:
        self.tick()
        values: dict[str, Any] = {"visitor_name": "访客", "summary": "来访事项", "phone": f"139{next(self.phones)}"}
        if today:
            values["channel"] = self.channels.pop(0)
            values["kind"] = self.kinds.pop(0)
        values.update(fields)
        return self.desk.check_in(by, **values).no

    def do(self, method: str, no: str, *args: Any, **kwargs: Any) -> Any:
        self.tick()
        return getattr(self.desk, method)(no, *args, **kwargs)


def build(desk: Desk, clock: Clock) -> Day:
    b = Builder(desk, clock)
    groups: dict[str, list[str]] = {}

    def taken_in_on(when: str, group: str, days: int) -> None:
        clock.set(when)
        for code in STAFF:
            for _ in range(PLAN[group][code]):
                no = b.check_in(code, today=False, kind="complaint")
                b.do("accept", no, code, materials=[("投诉记录", 1)], days=days)
                groups.setdefault(group, []).append(no)

    # --- Monday and Tuesday ----------------------------------------------------------------------------------------
    taken_in_on("2026-03-09T09:00", "due_monday", 0)  # immediate: due the same day
    taken_in_on("2026-03-09T10:00", "due_tuesday", 1)
    taken_in_on("2026-03-09T11:00", "late_resolved", 1)
    taken_in_on("2026-03-09T14:00", "due_thursday", 3)
    taken_in_on("2026-03-10T09:00", "resolved_on_time", 3)  # due Friday
    clock.set("2026-03-10T14:00")
    callbacks = []
    for i in range(sum(RATINGS.values())):
        code = STAFF[i % len(STAFF)]
        no = b.check_in(code, today=False)
        b.do("answer", no, code, "已解答。")
        callbacks.append((no, code))

    # --- Wednesday -------------------------------------------------------------------------------------------------
    clock.set("2026-03-11T08:00")
    desk.scan()  # TIME-2: the cases due Monday (filed under Tuesday) and those due Tuesday (under Wednesday)
    clock.set("2026-03-11T08:30")
    for code in STAFF:
        for _ in range(PLAN["answered"][code]):
            b.do("answer", b.check_in(code), code, "已解答，并提供办事指南。")
        for _ in range(PLAN["forbidden"][code]):
            b.do("answer", b.check_in(code), code, "这个我不知道，请到三楼问问。")
        for _ in range(PLAN["referred"][code]):
            b.do("refer", b.check_in(code), code, agency="区人力资源和社会保障局", contact="0571-12333")
        for _ in range(PLAN["rejected"][code]):
            b.do("reject", b.check_in(code), code, "不属于本中心受理范围。")
        for _ in range(PLAN["taken_in"][code]):
            b.do("accept", b.check_in(code), code, materials=[("申请材料", 2)], days=1)
        for i in range(PLAN["left_open"][code]):
            if code == "w02" and i == 0:  # the visitor whose phone and ID number the masking tests look for
                known = b.check_in(code, visitor_name="林小梅", phone=KNOWN_PHONE, id_number=KNOWN_ID)
            else:
                b.check_in(code)

    noticed = [b.check_in("w03", matter="TC") for _ in range(NOTICED)]
    for no in noticed:
        b.do("notify", no, "w03", presented=[])
    for no in noticed[:SECOND_NOTICES]:
        b.do("notify", no, "w03", presented=[], extra=["户籍证明"])

    for i in range(8):
        to = "w02" if i < 4 else "w03"
        no = b.check_in("w01")
        b.do("hand_off", no, "w01", to, "已登记诉求，移交片区负责同事。")
        b.do("accept_handoff", no, to)
        if i < 2:
            b.do("accept", no, to, materials=[("来访记录", 1)])
    for _ in range(2):
        no = b.check_in("w02")
        b.do("hand_off", no, "w02", "w03", "已核实地址，请协助跟进。")
        b.do("decline_handoff", no, "w03", "该片区不属于本人负责。")

    for code in STAFF:
        for no in [n for n in groups["late_resolved"] if desk.case(n).owner == code]:
            b.do("resolve", no, code, "已办结，逾期原因已向申请人说明。")
        for no in [n for n in groups["resolved_on_time"] if desk.case(n).owner == code]:
            b.do("resolve", no, code, "已办结，请凭回执领取。")

    levels = [level for level, n in RATINGS.items() for _ in range(n)]
    for (no, code), level in zip(callbacks, levels, strict=True):
        b.do("rate", no, code, level, "回访")

    clock.set("2026-03-11T17:15")
    for _ in range(3):
        no = b.check_in("w03")
        b.do("hand_off", no, "w03", "w01", "建议涉及活动室，请跟进。")
    lang1 = [v for v in desk.violations(day=DAY) if v.rule == "LANG-1"]
    for v in lang1[:REVIEWED]:
        b.tick()
        desk.review(v.id, "s01", decision="confirm", reason="已核实")
    assert b.channels == [] and b.kinds == [], "the plan covers exactly Wednesday's check-ins"
    clock.set("2026-03-11T23:00")
    day = Day(path=desk.store.path, summary=desk.summary(DAY), head=desk.store.head(), known_case=known, cases=groups)
    # Thursday happens, so that a report of Wednesday made later must still say what stood on Wednesday; one of
    # the cases overdue on Wednesday is finished, so it is overdue on no later day.
    clock.set("2026-03-12T09:00")
    desk.scan()
    for no in (groups["due_thursday"][0], groups["due_monday"][0]):
        b.do("resolve", no, desk.case(no).owner, "已办结。")
    b.do("accept_handoff", desk.waiting_for("w01")[0].no, "w01")
    return day


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    folder = tmp_path_factory.mktemp("exports")
    clock = Clock(datetime(2026, 3, 9, 8, 0))
    desk = Desk.open(folder / "desk.db", clock=clock)
    furnish(desk, "TC", pins=PINS)
    built = build(desk, clock)
    desk.close()
    yield built


@pytest.fixture
def own_copy(day: Day, tmp_path: Path) -> Path:
    """A private copy of the day's database, for tests that write to the history."""
    copy = tmp_path / "copy.db"
    src, dst = sqlite3.connect(day.path), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    return copy


# --- running the command line --------------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def firstask(*args: str, pin: str | None = None) -> Run:
    """The command line, in this process (fast); the terminal's locale is English, as in test_report_cli."""
    env = {"LANG": "en_US.UTF-8", "LC_ALL": None, "LC_MESSAGES": None, "FIRSTASK_PIN": pin}
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def one_clear_line(run: Run) -> str:
    assert run.code != 0
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    return lines[0]


def report(
    path: Path,
    fmt: str,
    tmp_path: Path,
    *more: str,
    pin: str | None = None,
    language: str | None = None,
    when: tuple[str, ...] = ("--day", DAY.isoformat()),
) -> Path:
    out = tmp_path / f"report.{fmt}"
    run = firstask(
        *(("--lang", language) if language else ()),
        "--db",
        str(path),
        "report",
        *when,
        "--format",
        fmt,
        "-o",
        str(out),
        *more,
        pin=pin,
    )
    assert run.code == 0, run.stderr
    assert out.exists()
    return out


# --- reading the exports back --------------------------------------------------------------------------------------


def csv_blocks(source: Path | str) -> list[list[list[str]]]:
    """The blocks of a csv report (a file, or its text), split at the empty rows."""
    text = source.read_text(encoding="utf-8-sig") if isinstance(source, Path) else source
    blocks: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(text)):
        if not row:
            blocks.append([])
        else:
            blocks[-1].append(row)
    return blocks


def csv_figures(path: Path) -> dict[str, str]:
    first = csv_blocks(path)[0]
    keys = [row[0] for row in first[1:]]
    assert len(keys) == len(set(keys))
    return {row[0]: row[2] for row in first[1:]}


def csv_table(source: Path | str, title: str) -> list[dict[str, str]]:
    for block in csv_blocks(source)[1:]:
        if block and block[0] == [title]:
            header = block[1]
            return [dict(zip(header, row, strict=True)) for row in block[2:]]
    raise AssertionError(f"no block {title!r}")


def xlsx_sheet(path: Path, name: str) -> list[list[Any]]:
    wb = openpyxl.load_workbook(path)
    return [list(row) for row in wb[name].iter_rows(values_only=True)]


def xlsx_table(path: Path, name: str) -> list[dict[str, Any]]:
    rows = xlsx_sheet(path, name)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def md_sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def md_table(section: str) -> list[dict[str, str]]:
    rows = [line for line in section.splitlines() if line.startswith("|")]
    cells = [[c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows]
    return [dict(zip(cells[0], row, strict=True)) for row in cells[2:]]


def html_value(text: str, label: str) -> str:
    """The cell right after the row heading `label`."""
    found = re.findall(rf"<th>{re.escape(label)}</th><td[^>]*>([^<]*)</td>", text)
    assert len(found) == 1, (label, found)
    return found[0]


def html_table(text: str, title: str) -> list[dict[str, str]]:
    section = text.split(f"<h2>{title}</h2>", 1)[1].split("</table>", 1)[0]
    header = re.findall(r"<th>([^<]*)</th>", section.split("</thead>")[0])
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1], flags=re.S)
    return [dict(zip(header, re.findall(r"<td[^>]*>([^<]*)</td>", row), strict=True)) for row in rows]


# --- the labels every document uses --------------------------------------------------------------------------------


def label_of(key: str, language: str = "zh") -> str:
    """The heading a figure is printed under, from its key (as export.py names them)."""
    fixed = {
        "received": "received",
        "answered_on_spot": "answered_on_spot",
        "notices": "notices",
        "second_notices": "second_notices",
        "accepted": "accepted",
        "handoffs.made": "handoffs_made",
        "handoffs.accepted": "handoffs_accepted",
        "handoffs.pending": "handoffs_pending",
        "handoffs.declined": "handoffs_declined",
        "referred": "referred",
        "rejected": "rejected",
        "resolved": "resolved",
        "open": "open",
        "overdue": "overdue",
        "due_tomorrow": "due_tomorrow",
        "rated": "rated",
        "violations.total": "violations",
        "violations.open_reviews": "open_reviews",
        "on_spot_rate": "on_spot_rate",
        "satisfaction_rate": "satisfaction_rate",
    }
    if key in fixed:
        return lang(f"report.figure.{fixed[key]}", language)
    group, _, name = key.rpartition(".")
    if group == "by_channel":
        return lang(f"channel.{name}", language)
    if group == "by_kind":
        return lang(f"kind.{name}", language)
    if group == "ratings":
        return lang(f"report.rating.{name}", language)
    if group == "violations.by_rule":
        return f"{name} {lang(f'report.rule.{name}', language)}"
    if group == "violations.by_staff":
        names = {code: n for code, n, *_ in ROSTER}
        return f"{names[name]}（{name}）" if language == "zh" else f"{names[name]} ({name})"
    raise KeyError(key)


def percent(rate: Fraction) -> str:
    """A rate as the documents print it: in per cent to a tenth, rounded half up from the exact fraction."""
    return f"{(Decimal(rate.numerator) * 100 / Decimal(rate.denominator)).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


# --- the day is as planned -----------------------------------------------------------------------------------------


def flat(summary: dict[str, Any]) -> dict[str, Any]:
    s = summary
    out = {
        k: s[k]
        for k in (
            "received",
            "answered_on_spot",
            "notices",
            "second_notices",
            "accepted",
            "referred",
            "rejected",
            "resolved",
            "open",
        )
    }
    out.update({f"handoffs.{k}": s["handoffs"][k] for k in ("made", "accepted", "pending", "declined")})
    out.update(
        {
            "overdue": len(s["overdue"]),
            "due_tomorrow": len(s["due_tomorrow"]),
            "rated": sum(s["ratings"].values()),
            "violations.total": s["violations"]["total"],
            "violations.open_reviews": s["violations"]["open_reviews"],
        }
    )
    out.update({f"by_channel.{k}": n for k, n in s["by_channel"].items()})
    out.update({f"by_kind.{k}": n for k, n in s["by_kind"].items()})
    out.update({f"ratings.{k}": n for k, n in s["ratings"].items()})
    out.update({f"violations.by_rule.{k}": n for k, n in s["violations"]["by_rule"].items()})
    out.update({f"violations.by_staff.{k}": n for k, n in s["violations"]["by_staff"].items()})
    return out


def test_the_day_is_as_planned(day):
    assert flat(day.summary) == EXPECTED
    assert day.summary["on_spot_rate"] == pytest.approx(RATES["on_spot_rate"], abs=1e-4)
    assert day.summary["satisfaction_rate"] == pytest.approx(RATES["satisfaction_rate"], abs=1e-4)
    rows = {r["code"]: r for r in day.summary["staff"]}
    for code, (received, owned, resolved, on_time, violations) in STAFF_ROWS.items():
        assert (rows[code]["received"], rows[code]["owned"], rows[code]["resolved"], rows[code]["violations"]) == (
            received,
            owned,
            resolved,
            violations,
        ), code
        assert rows[code]["on_time_rate"] == pytest.approx(on_time, abs=1e-4), code
    assert day.summary["chain"] == {"events": day.head[0], "head": day.head[1]}


def test_every_figure_is_a_different_number():
    """Only the figures that are one figure by definition share a number (the staff table's violations column
    is the violations by staff member; its rates are fractions)."""
    figures = dict(EXPECTED)
    for code, (received, owned, resolved, _, _) in STAFF_ROWS.items():
        figures |= {
            f"staff.{code}.received": received,
            f"staff.{code}.owned": owned,
            f"staff.{code}.resolved": resolved,
        }
    seen: dict[int, str] = {}
    for key, value in figures.items():
        first = seen.setdefault(value, key)
        assert first == key or (first, key) in SAME_FIGURE, f"{first} and {key} are both {value}"


# --- json ---------------------------------------------------------------------------------------------------------


def test_json_is_the_days_summary(day, tmp_path):
    out = report(day.path, "json", tmp_path)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data == day.summary
    assert flat(data) == EXPECTED


# --- csv ----------------------------------------------------------------------------------------------------------


def test_csv_figures_parse_back_to_the_plan(day, tmp_path):
    figures = csv_figures(report(day.path, "csv", tmp_path))
    for key, value in EXPECTED.items():
        assert int(figures[key]) == value, key
    for key, rate in RATES.items():
        assert float(figures[key]) == pytest.approx(rate, abs=1e-4), key
    assert figures["day"] == DAY.isoformat()
    assert figures["chain"] == f"{day.head[0]}:{day.head[1]}"
    assert figures["overdue.cases"].split() == day.summary["overdue"]
    assert figures["due_tomorrow.cases"].split() == day.summary["due_tomorrow"]


def test_csv_staff_violations_and_cases_blocks(day, tmp_path):
    out = report(day.path, "csv", tmp_path)
    staff = {r[lang("report.staff.code")]: r for r in csv_table(out, lang("report.section.staff"))}
    for code, (received, owned, resolved, on_time, violations) in STAFF_ROWS.items():
        row = staff[code]
        assert (
            int(row[lang("report.staff.received")]),
            int(row[lang("report.staff.owned")]),
            int(row[lang("report.staff.resolved")]),
            int(row[lang("report.staff.violations")]),
        ) == (received, owned, resolved, violations)
        assert float(row[lang("report.staff.on_time_rate")]) == pytest.approx(on_time, abs=1e-4)
    assert len(csv_table(out, lang("report.section.violations"))) == EXPECTED["violations.total"]
    cases = csv_table(out, lang("report.section.cases"))
    numbers = {r[lang("report.case.no")] for r in cases}
    assert set(day.summary["overdue"]) <= numbers and set(day.summary["due_tomorrow"]) <= numbers
    assert len([r for r in cases if r[lang("report.case.created")].startswith("2026-03-11")]) == EXPECTED["received"]


def test_csv_to_a_file_starts_with_a_byte_order_mark_for_spreadsheets(day, tmp_path):
    assert report(day.path, "csv", tmp_path).read_bytes().startswith(b"\xef\xbb\xbf")


# --- xlsx ---------------------------------------------------------------------------------------------------------


def test_xlsx_has_the_four_sheets_with_chinese_names(day, tmp_path):
    wb = openpyxl.load_workbook(report(day.path, "xlsx", tmp_path))
    assert wb.sheetnames == [lang(f"report.sheet.{k}") for k in ("summary", "cases", "violations", "staff")]
    assert wb.sheetnames == ["概况", "案件", "违规", "人员"]


def test_xlsx_summary_sheet_figures_parse_back_to_the_plan(day, tmp_path):
    rows = xlsx_sheet(report(day.path, "xlsx", tmp_path), "概况")
    pairs = [(r[0], r[1]) for r in rows if r and r[0] is not None and len(r) > 1 and r[1] is not None]
    labels = [label for label, _ in pairs]
    values = dict(pairs)
    for key, value in EXPECTED.items():
        label = label_of(key)
        assert labels.count(label) == 1, label
        assert values[label] == value, key
    for key, rate in RATES.items():
        assert values[label_of(key)] == pytest.approx(rate, abs=1e-4)
    assert values[lang("report.chain")] == f"{day.head[0]}:{day.head[1]}"
    assert values[lang("report.day")] == DAY.isoformat()


def test_xlsx_staff_violations_and_cases_sheets(day, tmp_path):
    out = report(day.path, "xlsx", tmp_path)
    staff = {r[lang("report.staff.code")]: r for r in xlsx_table(out, "人员")}
    for code, (received, owned, resolved, on_time, violations) in STAFF_ROWS.items():
        row = staff[code]
        assert (
            row[lang("report.staff.received")],
            row[lang("report.staff.owned")],
            row[lang("report.staff.resolved")],
            row[lang("report.staff.violations")],
        ) == (received, owned, resolved, violations)
        assert row[lang("report.staff.on_time_rate")] == pytest.approx(on_time, abs=1e-4)
    violations = xlsx_table(out, "违规")
    assert len(violations) == EXPECTED["violations.total"]
    by_rule: dict[str, int] = {}
    for v in violations:
        rule = v[lang("report.violation.rule")].split()[0]
        by_rule[rule] = by_rule.get(rule, 0) + 1
    assert by_rule == {"LANG-1": 24, "NOT-2": 4, "TIME-2": 20}
    assert sum(v[lang("report.violation.review")] == lang("report.violation.open") for v in violations) == 36
    cases = xlsx_table(out, "案件")
    assert sum(str(c[lang("report.case.created")]).startswith("2026-03-11") for c in cases) == EXPECTED["received"]


def test_xlsx_columns_are_as_wide_as_their_text(day, tmp_path):
    wb = openpyxl.load_workbook(report(day.path, "xlsx", tmp_path))
    for name in ("案件", "违规", "人员"):
        ws = wb[name]
        for column in ws.iter_cols():
            letter = column[0].column_letter
            # A rate is shown as a spreadsheet formats it (to a tenth of a per cent), not as the number it holds.
            longest = max(
                cell_len(f"{c.value * 100:.1f}%" if c.number_format == "0.0%" else str(c.value))
                for c in column
                if c.value is not None
            )
            width = ws.column_dimensions[letter].width
            assert min(longest, 46) <= width <= max(longest, 8) + 2, (name, letter, longest, width)
        assert ws.freeze_panes == "A2"
    # Chinese headings are two cells a character: "首次响应中位数（分钟）" needs about 22, not 11.
    staff = wb["人员"]
    heading = lang("report.staff.first_response")
    letter = next(c.column_letter for c in staff[1] if c.value == heading)
    assert staff.column_dimensions[letter].width >= cell_len(heading)


# --- html ---------------------------------------------------------------------------------------------------------


def test_html_states_each_figure_next_to_its_label(day, tmp_path):
    text = report(day.path, "html", tmp_path).read_text(encoding="utf-8")
    for key, value in EXPECTED.items():
        assert html_value(text, label_of(key)) == str(value), key
    for key, rate in RATES.items():
        assert html_value(text, label_of(key)) == percent(rate), key
    assert html_value(text, lang("report.day")) == DAY.isoformat()
    assert f"<code>{day.head[0]}:{day.head[1]}</code>" in text
    staff = {r[lang("report.staff.code")]: r for r in html_table(text, lang("report.section.staff"))}
    for code, (received, owned, resolved, on_time, violations) in STAFF_ROWS.items():
        row = staff[code]
        assert (
            row[lang("report.staff.received")],
            row[lang("report.staff.owned")],
            row[lang("report.staff.resolved")],
            row[lang("report.staff.on_time_rate")],
            row[lang("report.staff.violations")],
        ) == (str(received), str(owned), str(resolved), percent(on_time), str(violations)), code


def test_html_is_one_self_contained_printable_page_with_svg_charts(day, tmp_path):
    text = report(day.path, "html", tmp_path).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in text and '<meta charset="utf-8">' in text
    assert "@page" in text and "@media print" in text
    for external in ("<script", "<link", "<img", "src=", "@import", "url("):
        assert external not in text, external
    assert [u for u in re.findall(r"https?://[^\"' )]+", text) if u != "http://www.w3.org/2000/svg"] == []
    # Bars for channels, kinds, ratings, ratings by channel, violations by rule and by staff member, and the trend.
    assert text.count("<svg") == 7
    assert lang("report.section.trend") in text
    channel_chart = text.split(f"<h2>{lang('report.section.by_channel')}</h2>", 1)[1].split("</svg>", 1)[0]
    assert f">{lang('channel.visit')}</text>" in channel_chart and ">117</text>" in channel_chart


# --- md -----------------------------------------------------------------------------------------------------------


def test_md_states_each_figure_next_to_its_label(day, tmp_path):
    text = report(day.path, "md", tmp_path).read_text(encoding="utf-8")
    sections = md_sections(text)
    found: dict[str, str] = {}
    for title in ("figures", "by_channel", "by_kind", "ratings", "violations_by_rule", "violations_by_staff"):
        for row in md_table(sections[lang(f"report.section.{title}")]):
            label, value = row[lang("report.item")], row[lang("report.value")]
            assert label not in found, label
            found[label] = value
    for key, value in EXPECTED.items():
        assert found[label_of(key)] == str(value), key
    for key, rate in RATES.items():
        assert found[label_of(key)] == percent(rate), key
    assert f"`{day.head[0]}:{day.head[1]}`" in text
    staff = {r[lang("report.staff.code")]: r for r in md_table(sections[lang("report.section.staff")])}
    for code, (received, owned, resolved, on_time, violations) in STAFF_ROWS.items():
        row = staff[code]
        assert (
            row[lang("report.staff.received")],
            row[lang("report.staff.owned")],
            row[lang("report.staff.resolved")],
            row[lang("report.staff.on_time_rate")],
            row[lang("report.staff.violations")],
        ) == (str(received), str(owned), str(resolved), percent(on_time), str(violations)), code


def test_md_goes_to_the_terminal_without_o(day):
    run = firstask("--db", str(day.path), "report", "--day", DAY.isoformat(), "--format", "md")
    assert run.code == 0, run.stderr
    assert run.stdout.startswith(f"# {lang('report.title')}")


# --- every format ---------------------------------------------------------------------------------------------------


def text_of(path: Path) -> str:
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path)
        return "\n".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    return path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "html", "md"])
def test_every_format_states_the_chain_head_of_the_day(day, tmp_path, fmt):
    text = text_of(report(day.path, fmt, tmp_path))
    assert str(day.head[1]) in text and f"{day.head[0]}" in text
    if fmt != "json":
        assert f"{day.head[0]}:{day.head[1]}" in text
    # The anchor is the end of Wednesday, not the file's head now (Thursday happened since).
    with Desk.open(day.path) as desk:
        assert desk.store.head() != day.head
        assert desk.verify(day.head).ok


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "html", "md"])
def test_exports_mask_phones_and_id_numbers(day, tmp_path, fmt):
    text = text_of(report(day.path, fmt, tmp_path))
    assert KNOWN_PHONE not in text and KNOWN_ID not in text and KNOWN_ID[6:14] not in text
    assert mask_phone(KNOWN_PHONE) in text and mask_id_number(KNOWN_ID) in text
    assert re.findall(r"(?<!\d)1[3-9]\d{9}(?!\d)", text) == [], "no mobile number whole"
    assert lang("report.masked") in text


def test_a_report_to_a_new_file_is_for_its_owner_only(day, tmp_path):
    out = report(day.path, "html", tmp_path)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


# --- unmasked: a supervisor's request, recorded ---------------------------------------------------------------------


def desk_events(path: Path, after: int = 0) -> list[tuple[str, str | None, dict[str, Any]]]:
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT action, by_staff, detail FROM events WHERE case_no IS NULL AND seq > ? ORDER BY seq", (after,)
    ).fetchall()
    conn.close()
    return [(a, b, json.loads(d)) for a, b, d in rows]


def head_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    count = conn.execute("SELECT max(seq) FROM events").fetchone()[0]
    conn.close()
    return int(count)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "html", "md"])
def test_a_supervisor_gets_phones_and_id_numbers_whole_and_it_is_recorded(own_copy, tmp_path, fmt):
    before = head_count(own_copy)
    out = report(own_copy, fmt, tmp_path, "--unmasked", "--as", "s01", pin=PINS["s01"])
    text = text_of(out)
    assert KNOWN_PHONE in text and KNOWN_ID in text
    assert lang("report.unmasked", code="s01") in text
    events = desk_events(own_copy, before)
    assert [(a, b) for a, b, _ in events] == [("login", "s01"), ("export_unmasked", "s01")]
    detail = events[1][2]
    assert detail["format"] == fmt and detail["from"] == detail["to"] == DAY.isoformat()
    assert detail["output"] == str(out) and detail["unmasked"] is True
    with Desk.open(own_copy) as desk:
        assert desk.verify().ok


def test_a_clerk_asking_for_unmasked_is_refused_in_one_line_and_it_is_recorded(own_copy, tmp_path):
    before = head_count(own_copy)
    out = tmp_path / "r.html"
    run = firstask(
        "--db",
        str(own_copy),
        "report",
        "--day",
        DAY.isoformat(),
        "--format",
        "html",
        "-o",
        str(out),
        "--unmasked",
        "--as",
        "w01",
        pin=PINS["w01"],
    )
    line = one_clear_line(run)
    assert "w01" in line and lang("report.unmasked_refused", "en", code="w01") == line
    assert not out.exists() and run.stdout == ""
    assert [(a, b) for a, b, _ in desk_events(own_copy, before)] == [("login", "w01"), ("export_refused", "w01")]


def test_a_wrong_pin_is_refused_and_recorded_as_a_refused_log_in(own_copy, tmp_path):
    before = head_count(own_copy)
    out = tmp_path / "r.md"
    run = firstask(
        "--db",
        str(own_copy),
        "report",
        "--day",
        DAY.isoformat(),
        "--format",
        "md",
        "-o",
        str(out),
        "--unmasked",
        "--as",
        "s01",
        pin="0000",
    )
    assert one_clear_line(run) == lang("login.refused", "en")
    assert not out.exists()
    assert [(a, b) for a, b, _ in desk_events(own_copy, before)] == [("login_refused", "s01")]


def test_unmasked_without_a_pin_or_a_terminal_is_one_clear_line(day, tmp_path):
    run = firstask(
        "--db", str(day.path), "report", "--day", DAY.isoformat(), "--format", "md", "--unmasked", "--as", "s01"
    )
    assert one_clear_line(run) == lang("cli.pin_needed", "en")


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (("--unmasked",), "report.cli.unmasked_needs_as"),
        (("--as", "s01"), "report.cli.as_needs_unmasked"),
    ],
)
def test_unmasked_and_as_go_together(day, args, key):
    run = firstask("--db", str(day.path), "report", "--day", DAY.isoformat(), "--format", "md", *args, pin="989898")
    assert one_clear_line(run) == lang(key, "en")


# --- a period -------------------------------------------------------------------------------------------------------


def test_a_period_sums_the_days(day, tmp_path):
    """Monday to Thursday: what happened is summed; what stands is Thursday evening's."""
    out = report(day.path, "json", tmp_path, when=("--from", MONDAY.isoformat(), "--to", THURSDAY.isoformat()))
    period = json.loads(out.read_text(encoding="utf-8"))
    with Desk.open(day.path) as desk:
        days = [desk.summary(MONDAY + timedelta(days=n)) for n in range(4)]
    assert (period["day"], period["from"], period["to"]) == (None, "2026-03-09", "2026-03-12")
    for key in (
        "received",
        "answered_on_spot",
        "notices",
        "second_notices",
        "accepted",
        "referred",
        "rejected",
        "resolved",
    ):
        assert period[key] == sum(d[key] for d in days), key
    earlier = sum(len(v) for v in day.cases.values()) + sum(RATINGS.values())  # checked in on Monday and Tuesday
    assert period["received"] == EXPECTED["received"] + earlier
    for key in ("made", "accepted", "declined"):
        assert period["handoffs"][key] == sum(d["handoffs"][key] for d in days), key
    for part in ("by_channel", "by_kind", "ratings"):
        assert period[part] == {k: sum(d[part][k] for d in days) for k in days[0][part]}, part
    for part in ("by_rule", "by_staff"):
        keys = sorted({k for d in days for k in d["violations"][part]})
        assert period["violations"][part] == {k: sum(d["violations"][part].get(k, 0) for d in days) for k in keys}
    assert days[-1]["violations"]["total"] > 0, "Thursday's scan found breaches of its own"
    for row in period["staff"]:
        per_day = [next(r for r in d["staff"] if r["code"] == row["code"]) for d in days]
        for key in ("received", "resolved", "violations"):
            assert row[key] == sum(r[key] for r in per_day), (row["code"], key)
        assert row["owned"] == per_day[-1]["owned"]
    # What stands is as at the end of the period, and so is the anchor.
    for key in ("open", "due_tomorrow", "next_working_day", "chain"):
        assert period[key] == days[-1][key], key
    assert period["handoffs"]["pending"] == days[-1]["handoffs"]["pending"]
    # Overdue: every case overdue at the end of any day, one of them finished on Thursday.
    assert period["overdue"] == sorted(set().union(*(d["overdue"] for d in days))) == days[2]["overdue"]
    assert len(period["overdue"]) == len(days[-1]["overdue"]) + 1
    assert period["satisfaction_rate"] == days[2]["satisfaction_rate"]  # every rating was given on Wednesday


def test_a_one_day_period_agrees_with_the_day(day, tmp_path):
    out = report(day.path, "json", tmp_path, when=("--from", DAY.isoformat(), "--to", DAY.isoformat()))
    period = json.loads(out.read_text(encoding="utf-8"))
    assert {k: v for k, v in period.items() if k not in ("day", "from", "to")} == {
        k: v for k, v in day.summary.items() if k != "day"
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "html", "md"])
def test_a_periods_document_names_the_period_and_its_anchor(day, tmp_path, fmt):
    out = report(day.path, fmt, tmp_path, when=("--from", MONDAY.isoformat(), "--to", DAY.isoformat()))
    text = text_of(out)
    assert lang("report.range", first="2026-03-09", last="2026-03-11") in text or fmt == "csv"
    assert lang("report.title_range") in text
    assert f"{day.head[0]}:{day.head[1]}" in text
    if fmt == "csv":
        figures = csv_figures(out)
        assert (figures["from"], figures["to"]) == ("2026-03-09", "2026-03-11")


@pytest.mark.parametrize(
    ("when", "key"),
    [
        (("--from", "2026-03-09"), "report.cli.range_needs_both"),
        (("--to", "2026-03-09"), "report.cli.range_needs_both"),
        (("--from", "2026-03-11", "--to", "2026-03-09"), "report.cli.range_order"),
        (("--day", "2026-03-11", "--from", "2026-03-09", "--to", "2026-03-11"), "report.cli.day_and_range"),
    ],
)
def test_a_bad_period_is_one_clear_line(day, when, key):
    line = one_clear_line(firstask("--db", str(day.path), "report", *when, "--format", "md"))
    assert line == lang(key, "en", first="2026-03-11", last="2026-03-09")


def test_a_period_with_a_bad_day_is_one_clear_line(day):
    line = one_clear_line(firstask("--db", str(day.path), "report", "--from", "2026-02-30", "--to", "2026-03-11"))
    assert "YYYY-MM-DD" in line and "2026-02-30" in line


# --- languages ------------------------------------------------------------------------------------------------------


def test_english_headings_and_labels_with_lang_en(day, tmp_path):
    out = report(day.path, "md", tmp_path, language="en")
    text = out.read_text(encoding="utf-8")
    sections = md_sections(text)
    assert text.startswith("# First-asker desk: daily report")
    found = {
        row["Item"]: row["Value"]
        for title in (
            "Summary",
            "By channel",
            "By kind",
            "Ratings (every channel)",
            "Violations by rule",
            "Violations by staff member",
        )
        for row in md_table(sections[title])
    }
    for key, value in EXPECTED.items():
        assert found[label_of(key, "en")] == str(value), key
    # Ratings together and apart: the pad, a slip's QR code, the callback.
    apart = {row["Item"]: int(row["Value"]) for row in md_table(sections["Ratings by channel"])}
    assert set(apart) == {"Pad", "QR code", "Callback"}
    together = sum(int(row["Value"]) for row in md_table(sections["Ratings (every channel)"]))
    assert sum(apart.values()) == together
    assert "## Staff" in text and "## Cases" in text
    assert not re.search(r"^## .*[\u4e00-\u9fff]", text, flags=re.M), "no Chinese heading"


def test_english_sheets_with_lang_en(day, tmp_path):
    wb = openpyxl.load_workbook(report(day.path, "xlsx", tmp_path, language="en"))
    assert wb.sheetnames == ["Summary", "Cases", "Violations", "Staff"]
    header = [c.value for c in wb["Staff"][1]]
    assert header[:3] == ["Code", "Name", "Received as first-asker"]


def test_english_html_with_lang_en(day, tmp_path):
    text = report(day.path, "html", tmp_path, language="en").read_text(encoding="utf-8")
    assert '<html lang="en">' in text
    assert html_value(text, "Received") == str(EXPECTED["received"])
    assert html_value(text, "Day") == DAY.isoformat()
    assert "Phones and ID numbers masked" in text


def test_chinese_is_the_default_whatever_the_terminal(day, tmp_path):
    # firstask() runs with LANG=en_US: the messages are English, the report is Chinese.
    text = report(day.path, "md", tmp_path).read_text(encoding="utf-8")
    assert text.startswith(f"# {lang('report.title')}") and "## 概况" in text


# --- output ---------------------------------------------------------------------------------------------------------


def test_xlsx_without_a_file_is_refused_in_one_line(day):
    run = firstask("--db", str(day.path), "report", "--day", DAY.isoformat(), "--format", "xlsx")
    assert one_clear_line(run) == lang("report.cli.xlsx_needs_file", "en")
    assert run.stdout == ""


@pytest.mark.parametrize("fmt", ["csv", "html", "md", "json"])
def test_text_formats_go_to_the_terminal_and_to_a_file_alike(day, tmp_path, fmt):
    run = firstask("--db", str(day.path), "report", "--day", DAY.isoformat(), "--format", fmt)
    assert run.code == 0, run.stderr
    written = report(day.path, fmt, tmp_path).read_text(encoding="utf-8-sig")
    assert run.stdout == written


def test_an_unknown_format_names_the_formats(day):
    line = one_clear_line(firstask("--db", str(day.path), "report", "--day", DAY.isoformat(), "--format", "pdf"))
    assert "pdf" in line and all(f in line for f in ("json", "csv", "xlsx", "html", "md"))


def test_an_export_on_a_missing_database_is_one_clear_line_and_creates_nothing(tmp_path):
    missing = tmp_path / "nowhere.db"
    one_clear_line(
        firstask(
            "--db", str(missing), "report", "--day", DAY.isoformat(), "--format", "html", "-o", str(tmp_path / "r.html")
        )
    )
    assert not missing.exists() and not (tmp_path / "r.html").exists()


def test_the_real_command_writes_an_html_report(day, tmp_path):
    """Once through `python -m firstask`, as a supervisor's terminal runs it."""
    out = tmp_path / "day.html"
    result = firstask_process(
        "--db", str(day.path), "report", "--day", DAY.isoformat(), "--format", "html", "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert html_value(out.read_text(encoding="utf-8"), lang("report.figure.received")) == "163"


# --- what the documents hold beside the figures ----------------------------------------------------------------------


def test_the_cases_sheet_shows_wednesdays_state_not_todays(day, tmp_path):
    rows = {r["案件编号"]: r for r in xlsx_table(report(day.path, "xlsx", tmp_path), "案件")}
    resolved_thursday = day.cases["due_thursday"][0]
    assert rows[resolved_thursday]["状态"] == lang("status.in_progress")
    assert rows[day.known_case]["服务对象"] == "林小梅"
    assert rows[day.known_case]["当日办理"] == lang("action.check_in")


def test_trend_ends_with_the_day_and_agrees_with_its_summary(day):
    with Desk.open(day.path) as desk:
        trend = desk.trend(DAY)
    assert len(trend) == 30 and trend[-1]["day"] == DAY.isoformat()
    assert trend[0]["day"] == (DAY - timedelta(days=29)).isoformat()
    last = trend[-1]
    assert (last["received"], last["resolved"], last["overdue"]) == (163, 119, 26)


def test_text_typed_by_people_is_data_in_every_document(desk, new_case, tmp_path):
    """A visitor called `<b>x</b>` with the summary `=1+1 | *y*` shows exactly that, and runs as nothing."""
    from firstask import export

    case = new_case(visitor_name="<b>x</b>", summary="=1+1 | *y* [z](http://e.x)")
    desk.answer(case.no, "w01", "已解答")
    report_ = export.build(desk.desk, date(2026, 3, 9), lang="zh")
    page = export.to_html(report_)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    md = export.to_md(report_)
    assert r"\<b\>x\</b\>" in md and r"=1+1 \| \*y\* \[z\](http://e.x)" in md
    rows = csv_table(export.to_csv(report_), lang("report.section.cases"))
    assert rows[0][lang("report.case.summary")] == "'=1+1 | *y* [z](http://e.x)"
    out = tmp_path / "r.xlsx"
    out.write_bytes(export.to_xlsx(report_))
    ws = openpyxl.load_workbook(out)["案件"]
    cell = next(c for c in ws[2] if c.value == "=1+1 | *y* [z](http://e.x)")
    assert cell.data_type == "s"
