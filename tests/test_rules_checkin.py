"""Check-in through the desk: REG-1, REG-2, REG-3 and HO-7 (SPEC §4, §5), both ways."""

import pytest
from stdnum.cn import ric

VALID_ID = "11010519491231002X"
BAD_CHECK_DIGIT = "110105194912310021"


# --- what a check-in records ------------------------------------------------------------------------------


def test_check_in_makes_the_clerk_first_asker_and_owner(new_case):
    case = new_case("w02")
    assert (case.first_asker, case.owner, case.status) == ("w02", "w02", "open")


def test_check_in_writes_one_event_with_who_and_when(new_case, clock):
    case = new_case()
    assert case.version == 1
    assert [(e.action, e.by, e.at) for e in case.history] == [("check_in", "w01", clock.now)]
    assert isinstance(case.history[0].detail, dict)


def test_check_in_keeps_channel_kind_and_trimmed_name(new_case):
    case = new_case(visitor_name="  刘洋  ", channel="phone", kind="complaint", phone="13800138000")
    assert (case.visitor_name, case.channel, case.kind) == ("刘洋", "phone", "complaint")


# --- REG-1: phone, letter and online cases need a contact phone unless anonymous --------------------------------


@pytest.mark.parametrize("channel", ["phone", "letter", "online"])
def test_reg1_remote_channel_without_phone_is_refused(refused, channel):
    refused("REG-1", lambda d: d.check_in("w01", visitor_name="张三", summary="咨询", channel=channel))


@pytest.mark.parametrize("channel", ["phone", "letter", "online"])
def test_reg1_remote_channel_with_blank_phone_is_refused(refused, channel):
    refused("REG-1", lambda d: d.check_in("w01", visitor_name="张三", summary="咨询", channel=channel, phone="   "))


@pytest.mark.parametrize("channel", ["phone", "letter", "online"])
def test_reg1_remote_channel_with_phone_is_checked_in(new_case, channel):
    case = new_case(channel=channel, phone="13800138000")
    assert case.status == "open"
    assert case.phone == "13800138000"


def test_reg1_visit_without_phone_is_checked_in(new_case):
    assert new_case(channel="visit").phone is None


@pytest.mark.parametrize("channel", ["visit", "phone", "letter", "online"])
def test_reg1_anonymous_case_needs_no_name_or_phone(new_case, channel):
    case = new_case(channel=channel, kind="report", visitor_name=None, anonymous=True)
    assert case.anonymous
    assert case.visitor_name is None
    assert case.status == "open"


# --- REG-2: channel, kind, summary, name ------------------------------------------------------------------------


@pytest.mark.parametrize("summary", ["", "   ", "\n\t"])
def test_reg2_empty_summary_is_refused(refused, summary):
    refused("REG-2", lambda d: d.check_in("w01", visitor_name="张三", summary=summary))


@pytest.mark.parametrize("name", [None, "", "   "])
def test_reg2_missing_name_is_refused(refused, name):
    refused("REG-2", lambda d: d.check_in("w01", visitor_name=name, summary="咨询"))


@pytest.mark.parametrize("channel", ["fax", "", "VISIT", None])
def test_reg2_unknown_channel_is_refused(refused, channel):
    refused(
        "REG-2", lambda d: d.check_in("w01", visitor_name="张三", summary="咨询", channel=channel, phone="13800138000")
    )


@pytest.mark.parametrize("kind", ["gossip", "", "Enquiry", None])
def test_reg2_unknown_kind_is_refused(refused, kind):
    refused("REG-2", lambda d: d.check_in("w01", visitor_name="张三", summary="咨询", kind=kind))


@pytest.mark.parametrize("channel", ["visit", "phone", "letter", "online"])
@pytest.mark.parametrize("kind", ["enquiry", "application", "complaint", "report", "suggestion"])
def test_reg2_every_channel_and_kind_is_accepted(new_case, channel, kind):
    case = new_case(channel=channel, kind=kind, phone="13800138000")
    assert (case.channel, case.kind) == (channel, kind)


# --- REG-3: ID numbers and phones are checked with the libraries ----------------------------------------------


def test_reg3_the_valid_id_number_used_here_is_valid():
    assert ric.is_valid(VALID_ID)
    assert not ric.is_valid(BAD_CHECK_DIGIT)


def test_reg3_valid_id_number_is_kept(new_case):
    assert new_case(id_number=VALID_ID).id_number == VALID_ID


@pytest.mark.parametrize(
    "id_number", [BAD_CHECK_DIGIT, "11010519491231002", "1101051949123100XX", "abc", "110105194913310028"]
)
def test_reg3_bad_id_number_is_refused(refused, id_number):
    refused("REG-3", lambda d: d.check_in("w01", visitor_name="张三", summary="咨询", id_number=id_number))


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("13800138000", "13800138000"),
        ("0571-87654321", "0571-87654321"),
        ("87654321", "0571-87654321"),
        ("+852 2345 6789", "+85223456789"),
    ],
)
def test_reg3_valid_phone_is_accepted_and_normalised(new_case, phone, stored):
    assert new_case(channel="phone", phone=phone).phone == stored


@pytest.mark.parametrize("phone", ["12345", "1380013800", "138001380001", "abc", "+852 1234", "0000-0000000"])
def test_reg3_bad_phone_is_refused(refused, phone):
    refused("REG-3", lambda d: d.check_in("w01", visitor_name="张三", summary="咨询", channel="phone", phone=phone))


def test_reg3_bad_phone_is_refused_on_a_visit_too(refused):
    refused("REG-3", lambda d: d.check_in("w01", visitor_name="张三", summary="咨询", phone="12345"))


def test_reg3_bare_local_number_takes_the_desks_area_code(desk, new_case):
    desk.set_policy(area_code="010")
    assert new_case(channel="phone", phone="87654321").phone == "010-87654321"


# --- HO-7: a complaint about a staff member is not checked in by them -----------------------------------------


def test_ho7_complaint_about_yourself_is_refused(refused):
    refused(
        "HO-7",
        lambda d: d.check_in(
            "w01", visitor_name="张三", summary="对王芳的服务态度不满", kind="complaint", about_staff="w01"
        ),
    )


def test_ho7_complaint_about_a_colleague_is_checked_in(new_case):
    case = new_case("w02", kind="complaint", summary="对王芳的服务态度不满", about_staff="w01")
    assert (case.owner, case.about_staff) == ("w02", "w01")


def test_check_in_by_unknown_staff_is_refused(refused):
    refused(None, lambda d: d.check_in("x99", visitor_name="张三", summary="咨询"))


def test_check_in_with_unknown_matter_is_refused(refused):
    refused(None, lambda d: d.check_in("w01", visitor_name="张三", summary="咨询", kind="application", matter="NOPE"))
