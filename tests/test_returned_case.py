"""An action returns the case as it left it (issue 15 §7): the state read inside its own write transaction, never
with another window's change that landed between its commit and a re-read. A screen passes the returned version as
`expect=`, so a later version there would let it act over the other window's change without a CONFLICT."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import MONDAY_9AM, staff

from firstask.desk import Desk
from firstask.rules import RuleError
from firstask.store import Store


@pytest.fixture
def desks(make_desk: Callable[..., Desk]) -> Iterator[tuple[Desk, Desk]]:
    """Two windows on one file."""
    desk = make_desk(staff("w01", "王芳"), staff("w02", "李强"), clock=lambda: MONDAY_9AM)
    other = Desk.open(desk.store.path, clock=lambda: MONDAY_9AM)
    yield desk, other
    other.close()


def after_commit(monkeypatch: pytest.MonkeyPatch, desk: Desk, then: Callable[[], Any]) -> None:
    """Right after `desk`'s next outermost write commits (before the action returns), `then()` runs: another
    window's write lands exactly there."""
    real_write = Store.write
    armed = [True]

    def write(self: Store) -> contextlib.AbstractContextManager[Store]:
        @contextlib.contextmanager
        def wrapped() -> Iterator[Store]:
            outer = not self.conn.in_transaction
            with real_write(self) as s:
                yield s
            if outer and self is desk.store and armed[0]:
                armed[0] = False
                then()

        return wrapped()

    monkeypatch.setattr(Store, "write", write)


def test_an_action_returns_the_case_it_made(desks: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch) -> None:
    desk, other = desks
    no = desk.check_in("w01", visitor_name="张三", summary="咨询").no
    after_commit(monkeypatch, desk, lambda: other.feedback(no, "w01", "另一个窗口补充"))
    made = desk.feedback(no, "w01", "第一次反馈")
    monkeypatch.undo()
    assert made.version == 2 and desk.case(no).version == 3  # the other window's feedback did land after it
    assert made.history[-1].action == "feedback" and made.history[-1].detail.get("text") == "第一次反馈"
    with pytest.raises(RuleError) as conflict:  # the screen's next action, with the version it was shown
        desk.resolve(no, "w01", "已办结", expect=made.version)
    assert conflict.value.rule == "CONFLICT"


def test_check_in_returns_the_case_it_made(desks: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch) -> None:
    desk, other = desks

    def answer_the_newest() -> None:
        no = other.store.scalar("SELECT no FROM cases ORDER BY no DESC LIMIT 1")
        other.answer(no, "w01", "另一个窗口已当场答复")

    after_commit(monkeypatch, desk, answer_the_newest)
    made = desk.check_in("w01", visitor_name="张三", summary="咨询")
    monkeypatch.undo()
    assert made.version == 1 and made.status == "open" and [e.action for e in made.history] == ["check_in"]
    assert desk.case(made.no).status == "resolved"
