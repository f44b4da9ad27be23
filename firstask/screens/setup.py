"""Set-up, a supervisor's screen, in three tabs.

1 *Roster* — every staff member: code, name, role, backup (B角), present or absent, active, and whether a new PIN
is due. `n` adds a staff member, `e` edits name, role and backup (a backup can't be the staff member themself;
A↔B is fine), `p` marks them absent or back, `k` resets their PIN (they choose a new one at their next log-in),
`x` deactivates or reactivates them.

2 *Catalogue* — every matter: code, name, kind, limit, documents, written notice, active. `n` adds one, Enter or
`e` edits one, `x` switches it off or on, `i` imports and `o` exports the catalogue as CSV with Chinese column
headings. A change applies to new cases only: a case keeps the matter as it was when it was checked in.

3 *Centre* — the centre's identity and what its slips say (SPEC §8, §11): name (it heads every slip's title),
address, phone, opening hours, the reconsideration body a rejection names, where forms are obtained when a matter
does not say, where results are collected. `e` or Enter edits them in one form. Without a name the tab warns that
slips print without it.

4 *Windows* — the hall's window PCs that `firstask serve` lets in: number, name, and whether a browser is enrolled
as that window, its code is waiting to be used, or it was revoked. `n` registers a window and shows its one-time
enrolment code (typed once at that PC's `/enrol` page); `c` (or Enter) gives a window a new code, which turns its
enrolled browser away until the code is used; `r` revokes a window. Each asks for Ctrl+S first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from firstask import printing
from firstask.desk import Desk, HallWindow, centre_of
from firstask.i18n import t
from firstask.rules import Matter, RuleError, Staff
from firstask.screens.desk_screen import DeskScreen
from firstask.screens.hall_windows import (
    PadDialog,
    RevokeDialog,
    WindowCodeDialog,
    WindowDialog,
    pad_text,
    state_text,
)
from firstask.screens.setup_forms import (
    CENTRE_FIELDS,
    CentreDialog,
    CsvDialog,
    MatterDialog,
    PinResetDialog,
    StaffDialog,
)
from firstask.widgets.cells import CELL_PADDING, cut
from firstask.widgets.key_bar import KeyBar
from firstask.widgets.naming import who
from firstask.widgets.title_bar import TitleBar

TABS = ("roster", "catalogue", "centre", "windows")
ROSTER_COLUMNS = ("code", "name", "role", "backup", "presence", "active", "pin")
CATALOGUE_COLUMNS = ("code", "name", "kind", "limit", "documents", "written_notice", "active")
WINDOW_COLUMNS = ("number", "name", "state", "pad")
CSV_NAME = "catalogue.csv"
SCROLLBAR = 1

# What each key does in each tab; the footer shows only the keys of the tab in front.
ACTIONS_IN = {
    "new": {"roster", "catalogue", "windows"},
    "new_code": {"windows"},
    "revoke": {"windows"},
    "pad": {"windows"},
    "edit": {"roster", "catalogue", "centre"},
    "active": {"roster", "catalogue"},
    "presence": {"roster"},
    "pin": {"roster"},
    "unlock": {"roster"},
    "import_csv": {"catalogue"},
    "export_csv": {"catalogue"},
    "guide": {"catalogue"},
}
NEEDS_ROW = {"edit", "active", "presence", "pin", "unlock", "guide", "new_code", "revoke", "pad"}


def cut_text(text: Text, cells: int) -> Text:
    """`cut` for styled text: the styles of what is kept stay."""
    if text.cell_len <= cells:
        return text
    kept = cut(text.plain, cells)[:-1]
    out = text[: len(kept)]
    out.append("…", style=text.style)
    return out


class SetupScreen(DeskScreen):
    CSS_PATH = "setup.tcss"
    AUTO_FOCUS = "#roster"
    BINDINGS = [
        Binding("1", "tab('roster')", "setup.key.roster", id="roster", tooltip="setup.key.roster_tip", show=False),
        Binding(
            "2",
            "tab('catalogue')",
            "setup.key.catalogue",
            id="catalogue",
            tooltip="setup.key.catalogue_tip",
            show=False,
        ),
        Binding("3", "tab('centre')", "setup.key.centre", id="centre", tooltip="setup.key.centre_tip", show=False),
        Binding(
            "4",
            "tab('windows')",
            "setup.windows.key.tab",
            id="windows",
            tooltip="setup.windows.key.tab_tip",
            show=False,
        ),
        Binding("n", "new", "setup.key.new", id="new", tooltip="setup.key.new_tip"),
        Binding("e", "edit", "setup.key.edit", id="edit", tooltip="setup.key.edit_tip"),
        Binding("p", "presence", "setup.key.presence", id="presence", tooltip="setup.key.presence_tip"),
        Binding("k", "pin", "setup.key.pin", id="pin", tooltip="setup.key.pin_tip"),
        Binding("u", "unlock", "setup.key.unlock", id="unlock", tooltip="setup.key.unlock_tip"),
        Binding("x", "active", "setup.key.active", id="active", tooltip="setup.key.active_tip"),
        Binding("g", "guide", "setup.key.guide", id="guide", tooltip="setup.key.guide_tip"),
        Binding("i", "import_csv", "setup.key.import", id="import_csv", tooltip="setup.key.import_tip"),
        Binding("o", "export_csv", "setup.key.export", id="export_csv", tooltip="setup.key.export_tip"),
        Binding("c", "new_code", "setup.windows.key.new_code", id="new_code", tooltip="setup.windows.key.new_code_tip"),
        Binding("r", "revoke", "setup.windows.key.revoke", id="revoke", tooltip="setup.windows.key.revoke_tip"),
        Binding("p", "pad", "setup.windows.key.pad", id="pad", tooltip="setup.windows.key.pad_tip"),
    ]

    def __init__(self, desk: Desk, supervisor: Staff) -> None:
        super().__init__(desk)
        self.supervisor = supervisor
        self.staff: dict[str, Staff] = {}
        self.pin_due: set[str] = set()
        self.locked: set[str] = set()  # codes locked by wrong PINs: `u` unlocks
        self.entries: list[tuple[Matter, bool]] = []
        self.windows: list[HallWindow] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="bar")
        with TabbedContent(id="tabs", initial="pane-roster"):
            with TabPane(Content("roster"), id="pane-roster"):
                yield DataTable(id="roster", cursor_type="row", zebra_stripes=True)
            with TabPane(Content("catalogue"), id="pane-catalogue"):
                yield Static(Text(t("setup.catalogue.note")), id="catalogue-note")
                yield DataTable(id="catalogue", cursor_type="row", zebra_stripes=True)
            with TabPane(Content("centre"), id="pane-centre"):
                yield Static(id="centre-warning")
                yield Static(Text(t("setup.centre.note")), id="centre-note")
                yield DataTable(id="centre", cursor_type="row", zebra_stripes=True)
            with TabPane(Content("windows"), id="pane-windows"):
                yield Static(Text(t("setup.windows.note")), id="windows-note")
                yield DataTable(id="windows", cursor_type="row", zebra_stripes=True)
        yield Static(id="message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reread()

    def on_resize(self, event: events.Resize) -> None:
        if self.entries:
            self.show_catalogue()
            self.show_centre()

    # --- reading and showing ---------------------------------------------------------------------------------------

    def reread(self) -> None:
        self.staff = self.desk.staff()
        self.pin_due = {code for code in self.staff if self.desk.pin_reset_due(code)}
        self.locked = {code for code in self.staff if self.desk.locked(code)}
        self.entries = self.desk.catalogue()
        self.windows = self.desk.hall_windows()
        self.query_one("#bar", Static).update(
            Text(t("setup.bar", who=who(self.supervisor.code, self.staff)), style="bold")
        )
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.get_tab("pane-roster").label = Content(t("setup.tab.roster", count=len(self.staff)))
        tabs.get_tab("pane-catalogue").label = Content(t("setup.tab.catalogue", count=len(self.entries)))
        tabs.get_tab("pane-centre").label = Content(t("setup.tab.centre"))
        tabs.get_tab("pane-windows").label = Content(t("setup.windows.tab", count=len(self.windows)))
        self.show_roster()
        self.show_catalogue()
        self.show_centre()
        self.show_windows()
        self.refresh_bindings()

    def show_roster(self) -> None:
        rows = {code: self.staff_row(s) for code, s in sorted(self.staff.items())}
        self.fill("roster", ROSTER_COLUMNS, rows, "setup.roster.col")

    def fill(self, table_id: str, columns: tuple[str, ...], rows: dict[str, dict[str, Text]], titles: str) -> None:
        """A tab's table drawn again: each column as wide as its title or widest cell, the cursor kept on its row."""
        table = self.query_one(f"#{table_id}", DataTable)
        kept = self.key_under_cursor(table_id)
        table.clear(columns=True)
        for column in columns:
            title = Text(t(f"{titles}.{column}"))
            table.add_column(
                title, width=max([title.cell_len] + [r[column].cell_len for r in rows.values()]), key=column
            )
        for key, row in rows.items():
            table.add_row(*(row[c] for c in columns), key=key)
        self.keep_cursor(table, kept)

    def staff_row(self, s: Staff) -> dict[str, Text]:
        backup = Text(who(s.backup, self.staff))
        if s.backup and self.staff.get(s.backup) and self.staff[s.backup].absent:
            backup.append(" " + t("setup.roster.backup_absent"), style="yellow")
        return {
            "code": Text(s.code),
            "name": Text(s.name),
            "role": Text(t(f"setup.role.{s.role}"), style="bold" if s.is_supervisor else ""),
            "backup": backup,
            "presence": Text(t("setup.roster.absent"), style="bold yellow")
            if s.absent
            else Text(t("setup.roster.present")),
            "active": Text(t("setup.roster.active")) if s.active else Text(t("setup.roster.inactive"), style="dim"),
            "pin": Text(t("pins.locked"), style="bold red")
            if s.code in self.locked
            else Text(t("setup.roster.pin_due"), style="yellow")
            if s.code in self.pin_due
            else Text(""),
        }

    def show_catalogue(self) -> None:
        table = self.query_one("#catalogue", DataTable)
        kept = self.key_under_cursor("catalogue")
        rows = [self.matter_row(m, active) for m, active in self.entries]
        widths = {
            c: max([Text(t(f"setup.catalogue.col.{c}")).cell_len] + [r[c].cell_len for r in rows])
            for c in CATALOGUE_COLUMNS
        }
        fixed = sum(w for c, w in widths.items() if c != "name")
        widths["name"] = max(
            10, min(widths["name"], self.size.width - fixed - CELL_PADDING * len(widths) - SCROLLBAR - 2)
        )
        table.clear(columns=True)
        for column in CATALOGUE_COLUMNS:
            table.add_column(Text(t(f"setup.catalogue.col.{column}")), width=widths[column], key=column)
        for (matter, _), row in zip(self.entries, rows, strict=True):
            row["name"] = cut_text(row["name"], widths["name"])
            table.add_row(*(row[c] for c in CATALOGUE_COLUMNS), key=matter.code)
        self.keep_cursor(table, kept)

    def show_centre(self) -> None:
        """The centre's settings, one a row: what each is, and what the slips print (or what they do without it)."""
        policy = self.desk.policy
        table = self.query_one("#centre", DataTable)
        kept = self.key_under_cursor("centre")
        labels = {key: Text(t(f"setup.centre.{key}")) for key in CENTRE_FIELDS}
        label_width = max(x.cell_len for x in [Text(t("setup.centre.col.setting")), *labels.values()])
        value_width = max(20, self.size.width - label_width - CELL_PADDING * 2 - SCROLLBAR - 2)
        table.clear(columns=True)
        table.add_column(Text(t("setup.centre.col.setting")), width=label_width, key="setting")
        table.add_column(Text(t("setup.centre.col.value")), width=value_width, key="value")
        for key in CENTRE_FIELDS:
            table.add_row(labels[key], self.centre_value(key, str(getattr(policy, key) or ""), value_width), key=key)
        self.keep_cursor(table, kept)
        warning = self.query_one("#centre-warning", Static)
        warning.update(Text(t("setup.centre.no_name"), style="bold"))
        warning.display = not policy.centre_name.strip()

    def show_windows(self) -> None:
        """The hall's registered windows, by number: name, and enrolled, waiting for its code, or revoked."""
        now = self.desk.now()
        rows = {
            str(w.number): {
                "number": Text(str(w.number), justify="right"),
                "name": Text(w.name),
                "state": state_text(w, now),
                "pad": pad_text(w, now),
            }
            for w in self.windows
        }
        self.fill("windows", WINDOW_COLUMNS, rows, "setup.windows.col")

    def centre_value(self, key: str, value: str, width: int) -> Text:
        """A setting's value as set, or, dimmed, what the slips do without it."""
        if value.strip():
            return Text(cut(" ".join(value.split()), width))
        if key == "pickup":
            default = printing.default_pickup(centre_of(self.desk.policy), self.desk.window)
            return Text(cut(t("setup.centre.default", value=default), width), style="dim")
        return Text(cut(t(f"setup.centre.empty.{key}"), width), style="dim")

    def matter_row(self, m: Matter, active: bool) -> dict[str, Text]:
        dim = "" if active else "dim"
        limit = t("setup.catalogue.same_day") if m.immediate else t("setup.catalogue.days", days=m.limit_days)
        if m.estimated:
            limit += t("setup.catalogue.estimated")
        conditional = sum(1 for d in m.documents if d.when)
        documents = t("setup.catalogue.documents", count=len(m.documents))
        if conditional:
            documents += t("setup.catalogue.conditional", count=conditional)
        name = Text(m.name, style=dim)
        if m.note:
            name.append(t("setup.catalogue.note_mark", note=m.note), style="dim")
        return {
            "code": Text(m.code, style=dim),
            "name": name,
            "kind": Text(t(f"setup.kind.{m.kind}"), style=dim),
            "limit": Text(limit, style=dim),
            "documents": Text(documents, style=dim),
            "written_notice": Text(t("setup.yes") if m.written_notice else t("setup.no"), style=dim),
            "active": Text(
                t("setup.catalogue.active") if active else t("setup.catalogue.inactive"), style=dim or "green"
            ),
        }

    @staticmethod
    def keep_cursor(table: DataTable[Text], key: str | None) -> None:
        if key is not None:
            try:
                table.move_cursor(row=table.get_row_index(key))
            except Exception:  # noqa: BLE001 (the row is gone: the cursor stays where the table puts it)
                return

    # --- where the supervisor is ----------------------------------------------------------------------------------

    @property
    def tab(self) -> str:
        active = self.query_one("#tabs", TabbedContent).active if self.is_mounted else ""
        return active.removeprefix("pane-") if active else "roster"

    def key_under_cursor(self, tab: str | None = None) -> str | None:
        table = self.query_one(f"#{tab or self.tab}", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def staff_under_cursor(self) -> Staff | None:
        return self.staff.get(self.key_under_cursor("roster") or "")

    def window_under_cursor(self) -> HallWindow | None:
        number = self.key_under_cursor("windows")
        return next((w for w in self.windows if str(w.number) == number), None)

    def matter_under_cursor(self) -> tuple[Matter, bool] | None:
        code = self.key_under_cursor("catalogue")
        return next(((m, a) for m, a in self.entries if m.code == code), None)

    def action_tab(self, name: str) -> None:
        self.query_one("#tabs", TabbedContent).active = f"pane-{name}"
        self.query_one(f"#{name}", DataTable).focus()
        self.refresh_bindings()

    @on(TabbedContent.TabActivated)
    @on(DataTable.RowHighlighted)
    def moved(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in ACTIONS_IN:
            return True
        if self.tab not in ACTIONS_IN[action]:
            return False
        if action in NEEDS_ROW:
            key = self.key_under_cursor() if self.is_mounted else None
            if action == "unlock":  # offered only on a code that wrong PINs have locked
                return key is not None and key in self.locked
            if action in ("revoke", "pad"):  # a revoked window has nothing left to revoke, and gets no pad
                window = self.window_under_cursor() if key is not None else None
                return window is not None and window.state != "revoked"
            return key is not None
        return True

    # --- what the supervisor does ----------------------------------------------------------------------------------

    def after(self, done: str) -> Callable[[bool | None], None]:
        def settle(saved: bool | None) -> None:
            if saved:
                self.notify(done)
            self.reread()

        return settle

    def action_new(self) -> None:
        self.say()
        if self.tab == "windows":
            self.register(None)
        elif self.tab == "roster":
            self.app.push_screen(StaffDialog(self.desk, self.supervisor), self.after(t("setup.saved")))
        else:
            self.app.push_screen(MatterDialog(self.desk, self.supervisor), self.after(t("setup.saved_matter")))

    def register(self, window: HallWindow | None) -> None:
        """Register a window (or give one a new code), then show its code once."""
        dialog = WindowDialog(self.desk, self.supervisor, window)

        def registered(saved: bool | None) -> None:
            self.reread()
            if saved and dialog.code is not None and dialog.number is not None:
                self.app.push_screen(WindowCodeDialog(self.desk, self.supervisor, dialog.number, dialog.code))

        self.app.push_screen(dialog, registered)

    def action_new_code(self) -> None:
        window = self.window_under_cursor()
        if window is not None:
            self.say()
            self.register(window)

    def action_revoke(self) -> None:
        window = self.window_under_cursor()
        if window is not None and window.state != "revoked":
            self.say()
            done = t("setup.windows.now_revoked", number=window.number)
            self.app.push_screen(RevokeDialog(self.desk, self.supervisor, window), self.after(done))

    def action_pad(self) -> None:
        """A code for the selected window's rating pad, asked first, then shown once."""
        window = self.window_under_cursor()
        if window is None or window.state == "revoked":
            return
        self.say()
        dialog = PadDialog(self.desk, self.supervisor, window)

        def made(saved: bool | None) -> None:
            self.reread()
            if saved and dialog.code is not None:
                self.app.push_screen(WindowCodeDialog(self.desk, self.supervisor, window.number, dialog.code, pad=True))

        self.app.push_screen(dialog, made)

    def action_edit(self) -> None:
        self.say()
        if self.tab == "windows":
            self.action_new_code()
            return
        if self.tab == "centre":
            self.app.push_screen(
                CentreDialog(self.desk, self.supervisor, focus=self.key_under_cursor("centre")),
                self.after(t("setup.centre.saved")),
            )
            return
        if self.tab == "roster":
            staff = self.staff_under_cursor()
            if staff is not None:
                self.app.push_screen(StaffDialog(self.desk, self.supervisor, staff), self.after(t("setup.saved")))
            return
        entry = self.matter_under_cursor()
        if entry is not None:
            self.app.push_screen(MatterDialog(self.desk, self.supervisor, *entry), self.after(t("setup.saved_matter")))

    def action_guide(self) -> None:
        """The service guide and kept answers of the matter under the cursor."""
        from firstask.screens.guide_form import GuideDialog  # its widgets only when first asked for

        self.say()
        entry = self.matter_under_cursor()
        if entry is not None:
            self.app.push_screen(GuideDialog(self.desk, self.supervisor, entry[0]), self.after(t("setup.saved_guide")))

    def action_presence(self) -> None:
        staff = self.staff_under_cursor()
        if staff is None:
            return
        try:
            self.desk.set_absent(staff.code, not staff.absent, by=self.supervisor.code)
        except RuleError as refused:
            self.say(refused.message(), error=True)
            return
        self.say()
        self.notify(
            t(
                "setup.roster.now_absent" if not staff.absent else "setup.roster.now_present",
                who=who(staff.code, self.staff),
                backup=who(staff.backup, self.staff),
            )
        )
        self.reread()

    def action_pin(self) -> None:
        staff = self.staff_under_cursor()
        if staff is not None:
            self.say()
            self.app.push_screen(
                PinResetDialog(self.desk, self.supervisor, staff),
                self.after(t("setup.pin.done", who=who(staff.code, self.staff))),
            )

    def action_unlock(self) -> None:
        staff = self.staff_under_cursor()
        if staff is None:
            return
        try:
            self.desk.unlock(staff.code, by=self.supervisor.code)
        except RuleError as refused:
            self.say(refused.message(), error=True)
            return
        self.say()
        self.notify(t("pins.unlocked", who=who(staff.code, self.staff)))
        self.reread()

    def action_active(self) -> None:
        try:
            if self.tab == "roster":
                staff = self.staff_under_cursor()
                if staff is None:
                    return
                self.desk.set_active(staff.code, not staff.active, by=self.supervisor.code)
                self.notify(
                    t(
                        "setup.roster.now_active" if not staff.active else "setup.roster.now_inactive",
                        who=who(staff.code, self.staff),
                    )
                )
            else:
                entry = self.matter_under_cursor()
                if entry is None:
                    return
                m, active = entry
                self.desk.set_matter_active(m.code, not active, by=self.supervisor.code)
                self.notify(
                    t("setup.catalogue.now_active" if not active else "setup.catalogue.now_inactive", name=m.name)
                )
        except RuleError as refused:
            self.say(refused.message(), error=True)
            return
        self.say()
        self.reread()

    def csv_path(self) -> Path:
        return self.desk.documents_dir.parent / CSV_NAME  # beside the desk's file (its documents' folder)

    def action_import_csv(self) -> None:
        self.say()
        dialog = CsvDialog(self.desk, self.supervisor, importing=True, path=self.csv_path())
        self.app.push_screen(dialog, lambda saved: self.csv_done(dialog, saved))

    def action_export_csv(self) -> None:
        self.say()
        dialog = CsvDialog(self.desk, self.supervisor, importing=False, path=self.csv_path())
        self.app.push_screen(dialog, lambda saved: self.csv_done(dialog, saved))

    def csv_done(self, dialog: CsvDialog, saved: bool | None) -> None:
        if saved:
            key = "setup.csv.imported" if dialog.importing else "setup.csv.exported"
            self.notify(t(key, count=dialog.count, path=str(dialog.path)))
        self.reread()

    @on(DataTable.RowSelected)
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()
