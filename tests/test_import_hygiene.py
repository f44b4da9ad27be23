"""The desk's domain and its files load no user-interface library: every module of `firstask` but the screens, the
widgets and the app around them imports neither Textual nor Rich, so that the rules, the store, the reports and the
command line stay usable (and quick to start) without a terminal UI.

Modules are found with `pkgutil.walk_packages`, so a new module is checked as soon as it exists; each is imported
alone in a fresh interpreter, where nothing else has loaded Textual first.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import firstask

ROOT = Path(__file__).resolve().parents[1]
UI_LIBRARIES = ("textual", "rich")

# The user interface, whose business Textual is: any module in these packages, and these modules. `firstask.serve`
# is the desk in a browser: textual-serve (which loads Rich) runs the Textual app for each tab.
UI_PACKAGES = ("firstask.screens", "firstask.widgets", "firstask.serve")
UI_MODULES = {
    "firstask.app": "the Textual app itself",
    "firstask.terminal": "the app's terminal driver (a Textual driver)",
    "firstask.typed_keys": "the app's key handling (an App subclass)",
}
# No exemption for the command line: Typer (0.29 here) loads Rich only once it draws help or an error panel, not
# when it is imported.
# Not imported here: importing it runs the command line, which with no arguments opens the desk's app.
ENTRY_POINT = "firstask.__main__"  # `from firstask.cli import main; main()`: nothing of its own to check


def modules() -> list[str]:
    found = [info.name for info in pkgutil.walk_packages(firstask.__path__, "firstask.")]
    return sorted(
        name
        for name in ["firstask", *found]
        if name not in UI_MODULES
        and name != ENTRY_POINT
        and not any(name == p or name.startswith(p + ".") for p in UI_PACKAGES)
    )


# Imports `argv[1]` alone and prints the user-interface libraries loaded on the way.
CHILD = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[2:]))))
"""


def test_the_walk_finds_the_domain_and_leaves_out_the_ui() -> None:
    found = modules()
    assert {"firstask.i18n", "firstask.calendar", "firstask.export", "firstask.cli"} <= set(found)
    assert not [name for name in found if name.startswith(UI_PACKAGES) or name in UI_MODULES]
    everything = {info.name for info in pkgutil.walk_packages(firstask.__path__, "firstask.")}
    assert set(UI_MODULES) | {ENTRY_POINT} <= everything, "an exemption names a module that is gone"


@pytest.mark.parametrize("name", modules())
def test_a_domain_module_imports_no_ui_library(name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, name, *UI_LIBRARIES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.stdout.strip(), f"importing {name} failed:\n{done.stderr[-3000:]}"
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert not loaded, f"importing {name} loads {', '.join(loaded)}"
