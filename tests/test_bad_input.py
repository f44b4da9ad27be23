"""Whatever is typed, the desk either takes it (as typed, trimmed) or refuses it with a clear message and writes
nothing: never another exception, never a half-written case (CONTRACT: RuleError; SPEC §10 text is data)."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firstask.rules import RuleError

# One desk serves every example of a test: the properties hold whatever cases are already on it.
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

AWKWARD = [
    "[bold]x[/]",
    "[red]张三[/red]",
    "[link=http://x]y[/link]",
    "{}",
    "{0}",
    "{name}",
    "{no} {by}",
    "%s %d",
    "😀",
    "👨‍👩‍👧",
    "\x1b[31m红\x1b[0m",
    "\x00",
    "a\rb",
    "a\nb",
    "\t",
    "\u202e反转",
    "\u2028",
    "\x7f",
    "\x85",
    "\ufeff",
    "  王芳  ",
    "",
    "   ",
    "13800138000",
    "11010519491231002X",
    "+852 2345 6789",
    "0571-87654321",
    "不知道",
    "Robert'); DROP TABLE cases;--",
    "\\",
    "\"'",
    "\U0001f600" * 70,
]

awkward = st.sampled_from(AWKWARD)
huge = st.builds(lambda piece, times: piece * times, st.text(min_size=1, max_size=4), st.integers(20, 2000))
mixed = st.builds(lambda a, b, c: a + b + c, st.text(max_size=10), awkward, st.text(max_size=10))
any_text = st.one_of(st.text(), awkward, huge, mixed)
not_text = st.one_of(
    st.integers(),
    st.binary(max_size=8),
    st.lists(st.text(max_size=3), max_size=2),
    st.floats(allow_nan=True),
    st.booleans(),
)

PLACEHOLDER = re.compile(r"\{\w*\}")


def assert_clear(err: RuleError, typed) -> None:
    """A message a clerk can read: not empty, not a traceback, not a raw key, no unfilled placeholder."""
    message = str(err)
    assert message.strip(), f"empty message for {err.rule}"
    assert "Traceback" not in message and 'File "' not in message
    assert message != err.key, f"untranslated message key {err.key}"
    typed_text = " ".join(str(t) for t in typed)
    for hole in PLACEHOLDER.findall(message):
        assert hole in typed_text, f"unfilled placeholder {hole} in {message!r}"
    assert err.rule, "a refusal names its rule"


def attempt(counts, call, typed):
    """Run `call`: its result, or None when refused (clearly, and with nothing written)."""
    before = counts()
    try:
        return call()
    except RuleError as err:
        assert_clear(err, typed)
        assert counts() == before, "a refused action wrote something"
        return None


# --- check-in ------------------------------------------------------------------------------------------------------


def valid_check_in(**fields):
    values = {"visitor_name": "张三", "summary": "咨询办事流程", "channel": "phone", "phone": "13800138000"}
    values.update(fields)
    return values


@SETTINGS
@given(field=st.sampled_from(["visitor_name", "summary", "phone", "id_number", "org"]), value=any_text)
def test_check_in_takes_any_text_as_typed_or_refuses_it_clearly(desk, counts, field, value):
    fields = valid_check_in(**{field: value})
    case = attempt(counts, lambda: desk.check_in("w01", **fields), [value])
    if case is None:
        return
    assert case.status == "open"
    if field == "visitor_name":
        assert case.visitor_name == value.strip()
    elif field == "summary":
        assert case.summary == value.strip()
    elif field == "org":
        assert (case.org or "") == value.strip()


@SETTINGS
@given(name=any_text, summary=any_text, phone=any_text, id_number=any_text, org=any_text)
def test_check_in_with_every_field_awkward(desk, counts, name, summary, phone, id_number, org):
    fields = valid_check_in(visitor_name=name, summary=summary, phone=phone, id_number=id_number, org=org)
    case = attempt(counts, lambda: desk.check_in("w01", **fields), [name, summary, phone, id_number, org])
    if case is not None:
        assert (case.visitor_name, case.summary) == (name.strip(), summary.strip())


@SETTINGS
@given(field=st.sampled_from(["visitor_name", "summary", "phone", "id_number", "org"]), value=not_text)
def test_check_in_with_something_that_is_not_text_is_refused(desk, counts, field, value):
    fields = valid_check_in(**{field: value})
    assert attempt(counts, lambda: desk.check_in("w01", **fields), [value]) is None


@SETTINGS
@given(channel=st.one_of(st.text(max_size=8), awkward, not_text), kind=st.one_of(st.text(max_size=8), awkward))
def test_check_in_with_any_channel_or_kind(desk, counts, channel, kind):
    fields = valid_check_in(channel=channel, kind=kind)
    case = attempt(counts, lambda: desk.check_in("w01", **fields), [channel, kind])
    if case is not None:
        assert (case.channel, case.kind) == (channel, kind)


@SETTINGS
@given(
    matter=st.one_of(any_text, st.sampled_from(["T3", "JZZ", "HYZM", "t3", " T3 "])),
    about=st.one_of(any_text, st.sampled_from(["w01", "w02", "s01", "x99", " w02 "])),
)
def test_check_in_with_any_matter_or_staff_code(desk, counts, matter, about):
    fields = valid_check_in(kind="complaint", matter=matter, about_staff=about)
    case = attempt(counts, lambda: desk.check_in("w01", **fields), [matter, about])
    if case is not None:
        assert case.about_staff in (None, "w02", "s01")


# --- texts told to the visitor ---------------------------------------------------------------------------------------


def open_case(desk):
    return desk.check_in("w01", visitor_name="张三", summary="咨询", channel="visit")


@SETTINGS
@given(text=any_text)
def test_answer_takes_any_text_or_refuses_it_clearly(desk, counts, text):
    no = open_case(desk).no
    case = attempt(counts, lambda: desk.answer(no, "w01", text), [text])
    if case is not None:
        assert (case.status, case.result) == ("resolved", text.strip())
    else:
        assert desk.case(no).status == "open"


@SETTINGS
@given(text=any_text)
def test_feedback_takes_any_text_or_refuses_it_clearly(desk, counts, text):
    no = open_case(desk).no
    before = desk.case(no)
    case = attempt(counts, lambda: desk.feedback(no, "w01", text), [text])
    if case is not None:
        assert case.history[-1].detail["text"] == text.strip()
        assert case.version == before.version + 1
    else:
        assert desk.case(no).version == before.version


@SETTINGS
@given(extras=st.lists(any_text, max_size=4))
def test_notice_takes_any_free_text_items_or_refuses_them_clearly(desk, counts, extras):
    no = open_case(desk).no
    case = attempt(counts, lambda: desk.notify(no, "w01", extra=extras), extras)
    if case is not None:
        items = desk.notices(no)[-1].items
        typed = [e.strip() for e in extras if e.strip()]
        assert items and set(items) == set(typed)
    else:
        assert desk.notices(no) == []


@SETTINGS
@given(text=any_text)
def test_resolve_takes_any_result_or_refuses_it_clearly(desk, counts, text):
    no = open_case(desk).no
    desk.accept(no, "w01", materials=[("来信", 1)])
    case = attempt(counts, lambda: desk.resolve(no, "w01", text), [text])
    if case is not None:
        assert case.result == text.strip()
    else:
        assert desk.case(no).status == "in_progress"


@SETTINGS
@given(agency=any_text, contact=any_text)
def test_refer_takes_any_agency_and_contact_or_refuses_them_clearly(desk, counts, agency, contact):
    no = open_case(desk).no
    case = attempt(counts, lambda: desk.refer(no, "w01", agency=agency, contact=contact), [agency, contact])
    if case is not None:
        assert case.outcome == "referred"


@SETTINGS
@given(name=any_text, pages=st.one_of(st.integers(), st.text(max_size=3), st.none(), st.floats()))
def test_accept_takes_any_material_or_refuses_it_clearly(desk, counts, name, pages):
    no = open_case(desk).no
    case = attempt(counts, lambda: desk.accept(no, "w01", materials=[(name, pages)]), [name, pages])
    if case is not None:
        assert case.history[-1].detail["materials"] == [[name.strip(), pages]]


@SETTINGS
@given(text=st.one_of(not_text, st.none()))
def test_texts_that_are_not_text_are_refused(desk, counts, text):
    no = open_case(desk).no
    assert attempt(counts, lambda: desk.answer(no, "w01", text), [text]) is None
    assert attempt(counts, lambda: desk.feedback(no, "w01", text), [text]) is None
