"""Violations review (责任追究, ACC-1), a supervisor's screen.

The violations recorded against staff — open ones (not yet reviewed) by default, `a` shows all — grouped by staff
member and rule, each with when it happened, the case, and what was found. Under the list, the highlighted
violation's rule: its statement and its source (SPEC §5), and how it was reviewed. `s` and `r` narrow the list to
one staff member or one rule (each press moves on to the next; back to all at the end). `c` confirms and `x`
excuses, each with a reason; a second confirmed violation of the same staff member within the policy's months is
marked repeat (从重). Enter opens the case's history; `t` shows the staff member's record month by month.
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from firstask import i18n
from firstask.desk import Desk, Violation
from firstask.i18n import t
from firstask.rules import RuleError, Staff
from firstask.screens.desk_screen import DeskScreen
from firstask.screens.setup_forms import ReviewDialog, finding_text
from firstask.widgets.cells import CELL_PADDING, cut
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.keys import localise
from firstask.widgets.naming import who
from firstask.widgets.prose import Prose
from firstask.widgets.title_bar import TitleBar

COLUMNS = ("at", "rule", "staff", "case", "what", "review")
SCROLLBAR = 1
WHAT_AT_LEAST = 12


def review_cell(v: Violation) -> Text:
    """How the violation stands: open, confirmed (repeat in bold red), or excused."""
    if v.review is None:
        return Text(t("setup.review.open"), style="bold yellow")
    if v.review["decision"] == "confirm":
        if v.repeat:
            return Text(t("setup.review.repeat"), style="bold red")
        return Text(t("setup.review.confirmed"), style="red")
    return Text(t("setup.review.excused"), style="green")


def rule_text(rule: str) -> tuple[str, str, str]:
    """The rule's short name, its one-line statement and its source (SPEC §5), in the current language."""
    return t(f"setup.rule.{rule}.name"), t(f"setup.rule.{rule}.text"), t(f"setup.rule.{rule}.source")


class ViolationsScreen(DeskScreen):
    CSS_PATH = "violations.tcss"
    AUTO_FOCUS = "#violations"
    BINDINGS = [
        Binding("enter", "history", "setup.key.case", id="case", tooltip="setup.key.case_tip", priority=True),
        Binding("c", "review('confirm')", "setup.key.confirm", id="confirm_violation", tooltip="setup.key.confirm_tip"),
        Binding("x", "review('excuse')", "setup.key.excuse", id="excuse", tooltip="setup.key.excuse_tip"),
        Binding("a", "show_all", "setup.key.all", id="show_all", tooltip="setup.key.all_tip"),
        Binding("s", "by_staff", "setup.key.by_staff", id="by_staff", tooltip="setup.key.by_staff_tip"),
        Binding("r", "by_rule", "setup.key.by_rule", id="by_rule", tooltip="setup.key.by_rule_tip"),
        Binding("t", "record", "setup.key.record", id="record", tooltip="setup.key.record_tip"),
        Binding("p", "appeals", "setup.key.appeals", id="appeals", tooltip="setup.key.appeals_tip"),
    ]
    ACTS_ON_ROW: ClassVar[set[str]] = {"history", "review", "record"}
    NOTIFIES_ERRORS = False

    def __init__(self, desk: Desk, supervisor: Staff) -> None:
        super().__init__(desk)
        self.supervisor = supervisor
        self.everything: list[Violation] = []  # as the file holds them
        self.shown: list[Violation] = []  # after the open/all switch and the filters
        self.staff: dict[str, Staff] = {}
        self.all = False
        self.staff_filter: str | None = None
        self.rule_filter: str | None = None
        self.appeals_waiting = 0  # appeals of bad ratings waiting for a decision (p opens them)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="bar")
        yield DataTable(id="violations", cursor_type="row", zebra_stripes=True)
        yield Static(Text(t("setup.violations.empty")), id="empty", classes="empty")
        with Vertical(id="panel") as panel:
            panel.border_title = t("setup.violations.rule_title")
            yield Prose(id="rule-text")
            yield Prose(id="rule-source", style="dim")
            yield Prose(id="finding")
            yield Prose(id="reviewed")
        yield Static(id="message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reread()

    def on_resize(self, event: events.Resize) -> None:
        self.show()

    # --- reading and showing ---------------------------------------------------------------------------------------

    def reread(self) -> None:
        self.staff = self.desk.staff()
        self.everything = self.desk.violations()
        self.appeals_waiting = len(self.desk.open_appeals())
        self.show()

    def pool(self) -> list[Violation]:
        """Open ones, or all: before the staff and rule filters."""
        return [v for v in self.everything if self.all or v.review is None]

    def show(self) -> None:
        pool = self.pool()
        self.shown = sorted(
            (
                v
                for v in pool
                if (self.staff_filter is None or v.staff == self.staff_filter)
                and (self.rule_filter is None or v.rule == self.rule_filter)
            ),
            key=lambda v: (v.staff or "", v.rule, v.at, v.id),
        )
        open_count = sum(1 for v in self.everything if v.review is None)
        bar = Text()
        if self.appeals_waiting:  # first: on a narrow screen the end of the bar is cut
            bar.append(t("setup.violations.appeals", count=self.appeals_waiting) + "  ·  ", style="bold yellow")
        bar.append(t("setup.violations.bar", open=open_count, total=len(self.everything)), style="bold")
        bar.append("  ·  " + t("setup.violations.showing_all" if self.all else "setup.violations.showing_open"))
        bar.append(
            "  ·  "
            + t(
                "setup.violations.staff_filter",
                who=who(self.staff_filter, self.staff) if self.staff_filter else t("setup.violations.everyone"),
            )
        )
        bar.append("  ·  " + t("setup.violations.rule_filter", rule=self.rule_filter or t("setup.violations.every")))
        self.query_one("#bar", Static).update(bar)
        table = self.query_one("#violations", DataTable)
        under = self.current()
        kept = under.id if under is not None else None
        rows = [self.row(v) for v in self.shown]
        widths = self.widths(rows)
        table.clear(columns=True)
        for column in COLUMNS:
            table.add_column(Text(t(f"setup.violations.col.{column}")), width=widths[column], key=column)
        for v, row in zip(self.shown, rows, strict=True):
            cells = {**row, "what": Text(cut(row["what"].plain, widths["what"]))}
            table.add_row(*(cells[c] for c in COLUMNS), key=str(v.id))
        if kept is not None and any(v.id == kept for v in self.shown):
            table.move_cursor(row=table.get_row_index(str(kept)))
        table.display = bool(self.shown)
        self.query_one("#empty", Static).display = not self.shown
        self.show_panel()
        self.refresh_bindings()

    def row(self, v: Violation) -> dict[str, Text]:
        return {
            "at": Text(v.at.strftime("%Y-%m-%d %H:%M")),
            "rule": Text(f"{v.rule} {rule_text(v.rule)[0]}"),
            "staff": Text(who(v.staff, self.staff)),
            "case": Text(v.case_no or t("setup.none")),
            "what": Text(" ".join(finding_text(v).split())),
            "review": review_cell(v),
        }

    def widths(self, rows: list[dict[str, Text]]) -> dict[str, int]:
        """Every column as wide as its widest cell; what was found takes the rest of the line."""
        widths = {
            c: max([Text(t(f"setup.violations.col.{c}")).cell_len] + [r[c].cell_len for r in rows]) for c in COLUMNS
        }
        fixed = sum(widths[c] for c in COLUMNS if c != "what")
        widths["what"] = max(WHAT_AT_LEAST, self.size.width - fixed - CELL_PADDING * len(COLUMNS) - SCROLLBAR)
        return widths

    def show_panel(self) -> None:
        v = self.current()
        panel = self.query_one("#panel", Vertical)
        panel.display = v is not None
        if v is None:
            return
        name, text, source = rule_text(v.rule)
        panel.border_title = t("setup.violations.rule_title_of", rule=v.rule, name=name)
        self.query_one("#rule-text", Prose).show(text)
        self.query_one("#rule-source", Prose).show(t("setup.violations.source", source=source), style="dim")
        self.query_one("#finding", Prose).show(
            t("setup.violations.finding", what=finding_text(v), case=v.case_no or t("setup.none"))
        )
        if v.review is None:
            reviewed = t("setup.violations.not_reviewed")
        else:
            at = v.review["at"]
            reviewed = t(
                "setup.violations.reviewed",
                decision=review_cell(v).plain,
                who=who(v.review["by"], self.staff),
                at=at.strftime("%Y-%m-%d %H:%M") if at else "",
                reason=" ".join(str(v.review["reason"] or "").split()),
            )
        self.query_one("#reviewed", Prose).show(reviewed, style="bold")

    def current(self) -> Violation | None:
        if not self.is_mounted:
            return None
        table = self.query_one("#violations", DataTable)
        if not table.row_count or not self.shown:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((v for v in self.shown if str(v.id) == key), None)

    @on(DataTable.RowHighlighted)
    def moved(self) -> None:
        self.show_panel()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in self.ACTS_ON_ROW:
            return True
        v = self.current()
        if v is None:
            return False
        if action == "review":
            return v.review is None
        if action == "history":
            return v.case_no is not None
        return v.staff is not None

    # --- what the supervisor does --------------------------------------------------------------------------------

    def action_show_all(self) -> None:
        self.all = not self.all
        self.show()

    def action_by_staff(self) -> None:
        self.staff_filter = self.next_of(sorted({v.staff for v in self.pool() if v.staff}), self.staff_filter)
        self.show()

    def action_by_rule(self) -> None:
        self.rule_filter = self.next_of(sorted({v.rule for v in self.pool()}), self.rule_filter)
        self.show()

    @staticmethod
    def next_of(choices: list[str], now: str | None) -> str | None:
        """The next choice after `now`; after the last one, None (everyone, every rule)."""
        if now not in choices:
            return choices[0] if choices and now is None else None
        index = choices.index(now) + 1
        return choices[index] if index < len(choices) else None

    def action_review(self, decision: str) -> None:
        v = self.current()
        if v is None or v.review is not None:
            return
        self.say()

        def after(saved: bool | None) -> None:
            if saved:
                fresh = next((x for x in self.desk.violations(case_no=v.case_no) if x.id == v.id), None)
                key = "setup.review.saved_repeat" if fresh is not None and fresh.repeat else "setup.review.saved"
                self.notify(
                    t(key, rule=v.rule, who=who(v.staff, self.staff), decision=t(f"setup.review.word.{decision}"))
                )
            self.reread()

        self.app.push_screen(ReviewDialog(self.desk, self.supervisor, v, decision), after)

    def action_history(self) -> None:
        v = self.current()
        if v is not None and v.case_no:
            self.open_history(v.case_no)

    def action_record(self) -> None:
        v = self.current()
        if v is not None and v.staff:
            try:
                self.app.push_screen(StaffRecordScreen(self.desk, v.staff))
            except RuleError as refused:
                self.say(refused.message(), error=True)

    def action_appeals(self) -> None:
        """The appeals of bad ratings (申诉复核, RATE-6), decided on their own screen over this one."""
        from firstask.screens.appeals import AppealsScreen

        self.app.push_screen(AppealsScreen(self.desk, self.supervisor))

    @on(DataTable.RowSelected)
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_history()


class StaffRecordScreen(ModalScreen[None]):
    """One staff member's record over time: month by month, how many violations, how they were reviewed, the
    repeats, and by which rules; under it, every violation of theirs."""

    CSS_PATH = "violations.tcss"
    AUTO_FOCUS = "#months"
    BINDINGS = [
        Binding("escape", "close", "setup.key.close", id="close", tooltip="setup.key.close_tip"),
        Binding("q", "close", "setup.key.close", show=False),
    ]
    MONTH_COLUMNS = ("month", "total", "confirmed", "repeat", "excused", "open", "rules")

    def __init__(self, desk: Desk, code: str) -> None:
        super().__init__()
        self.desk = desk
        self.code = code
        localise(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="record") as frame:
            frame.border_title = t("setup.record.title", who=who(self.code, self.desk.staff()))
            yield Static(id="record-summary")
            yield DataTable(id="months", cursor_type="row", zebra_stripes=True)
            yield Static(Text(t("setup.record.list")), classes="subtitle")
            yield DataTable(id="all", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        months = self.desk.staff_record(self.code)
        found = self.desk.violations(staff=self.code)
        totals = Counter[str]()
        for m in months:
            totals.update({k: m[k] for k in ("total", "confirmed", "repeat", "excused", "open")})
        self.query_one("#record-summary", Static).update(
            Text(
                t(
                    "setup.record.summary",
                    total=totals["total"],
                    confirmed=totals["confirmed"],
                    repeat=totals["repeat"],
                    excused=totals["excused"],
                    open=totals["open"],
                    months=self.desk.policy.repeat_months,
                ),
                style="bold",
            )
        )
        # The frame is 96% of the screen, less its border and padding; the last column of each table takes the rest.
        room = int(self.app.size.width * 0.96) - 4 - SCROLLBAR
        month_rows = [
            [
                Text(m["month"]),
                Text(str(m["total"])),
                Text(str(m["confirmed"])),
                Text(str(m["repeat"]), style="bold red" if m["repeat"] else ""),
                Text(str(m["excused"])),
                Text(str(m["open"])),
                Text(i18n.join(f"{rule}×{n}" for rule, n in sorted(m["rules"].items()))),
            ]
            for m in reversed(months)
        ]  # the latest month first
        self.fill("#months", self.MONTH_COLUMNS, "setup.record.col", month_rows, room)
        listing = [
            [
                Text(v.at.strftime("%Y-%m-%d %H:%M")),
                Text(f"{v.rule} {rule_text(v.rule)[0]}"),
                Text(v.case_no or t("setup.none")),
                Text(" ".join(finding_text(v).split())),
                review_cell(v),
            ]
            for v in reversed(found)
        ]
        self.fill(
            "#all",
            ("at", "rule", "case", "review", "what"),
            "setup.violations.col",
            [[*r[:3], r[4], r[3]] for r in listing],
            room,
        )

    def fill(self, selector: str, columns: tuple[str, ...], words: str, rows: list[list[Text]], room: int) -> None:
        """A table whose columns are as wide as their cells, the last one cut to what is left of `room`."""
        table = self.query_one(selector, DataTable)
        widths = [
            max([Text(t(f"{words}.{c}")).cell_len] + [r[i].cell_len for r in rows]) for i, c in enumerate(columns)
        ]
        widths[-1] = max(WHAT_AT_LEAST, room - sum(widths[:-1]) - CELL_PADDING * len(columns))
        for column, width in zip(columns, widths, strict=True):
            table.add_column(Text(t(f"{words}.{column}")), width=width, key=column)
        for row in rows:
            last = row[-1]
            table.add_row(*row[:-1], Text(cut(last.plain, widths[-1]), style=last.style))

    def action_close(self) -> None:
        self.dismiss(None)
