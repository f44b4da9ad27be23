"""WorkCalendar: official PRC working days, local overrides, and desk working time (SPEC §5 HO-4, §6, §7)."""

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firstask.calendar import WorkCalendar, official_from_json, official_table

D = date.fromisoformat
T = datetime.fromisoformat

# A plain week with no holiday or make-up day anywhere near it (checked in test_plain_week_is_plain).
PLAIN_FRI, PLAIN_SAT, PLAIN_SUN, PLAIN_MON = (D(f"2026-03-0{day}") for day in (6, 7, 8, 9))

# A 2027 schedule as a supervisor might enter it. The library guesses 2027-02-09 and 2027-02-10 as
# observed Spring Festival days and no make-up days; this entry lists neither, and a make-up Sunday.
ENTERED_2027 = {
    "holidays": ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-11"],
    "working": ["2027-02-14"],  # a Sunday
}


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def test_plain_week_is_plain(cal):
    assert [PLAIN_FRI.weekday(), PLAIN_SUN.weekday(), PLAIN_MON.weekday()] == [4, 6, 0]
    lib = holidays.China(years=2026)
    for offset in range(-7, 8):
        day = PLAIN_SUN + timedelta(days=offset)
        assert day not in lib
        assert day not in lib.weekend_workdays
        assert cal.is_working_day(day) == (day.weekday() < 5)


# ----------------------------------------------------------------- working days


def test_national_day_2026_is_off(cal):
    for day in range(1, 8):
        assert not cal.is_working_day(date(2026, 10, day))
    assert cal.is_working_day(D("2026-10-08"))


@pytest.mark.parametrize("day", ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"])
def test_make_up_weekend_days_2026_are_working(cal, day):
    assert D(day).weekday() >= 5
    assert cal.is_working_day(D(day))


def test_ordinary_weekend_is_off(cal):
    assert not cal.is_working_day(PLAIN_SAT)
    assert not cal.is_working_day(PLAIN_SUN)


def test_is_working_day_accepts_a_datetime(cal):
    assert cal.is_working_day(T("2026-10-10 09:00")) is True
    assert cal.is_working_day(T("2026-10-01 09:00")) is False


def test_across_national_day_lands_on_make_up_saturday(cal):
    assert cal.add_working_days(D("2026-09-30"), 3) == D("2026-10-10")


def test_sunday_plus_one_is_monday(cal):
    assert cal.add_working_days(PLAIN_SUN, 1) == PLAIN_MON


def test_saturday_and_friday_share_a_due_date(cal):
    # The count starts the day after acceptance, whether or not that day is a working day.
    assert cal.add_working_days(PLAIN_SAT, 1) == PLAIN_MON
    assert cal.add_working_days(PLAIN_FRI, 1) == PLAIN_MON
    assert cal.add_working_days(PLAIN_FRI, 5) == cal.add_working_days(PLAIN_SUN, 5) == D("2026-03-13")


def test_immediate_matter_on_sunday_is_due_monday(cal):
    assert cal.add_working_days(PLAIN_SUN, 0) == PLAIN_MON


def test_immediate_matter_on_friday_is_due_friday(cal):
    assert cal.add_working_days(PLAIN_FRI, 0) == PLAIN_FRI


def test_immediate_matter_on_a_holiday_is_due_after_it(cal):
    assert cal.add_working_days(D("2026-10-02"), 0) == D("2026-10-08")
    assert cal.add_working_days(D("2026-06-19"), 0) == D("2026-06-22")  # Dragon Boat Friday


def test_immediate_matter_on_a_make_up_saturday_is_due_that_day(cal):
    assert cal.add_working_days(D("2026-10-10"), 0) == D("2026-10-10")


def test_negative_working_days_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(PLAIN_MON, -1)


def test_next_working_day(cal):
    assert cal.next_working_day(PLAIN_FRI) == PLAIN_MON
    assert cal.next_working_day(PLAIN_MON) == PLAIN_MON + timedelta(days=1)
    assert cal.next_working_day(D("2026-09-30")) == D("2026-10-08")
    assert cal.next_working_day(D("2026-01-03")) == D("2026-01-04")  # make-up Sunday


def test_add_working_days_across_a_year_end(cal):
    # 2026-12-31 is a Thursday; 2027's guesses put 2027-01-01 off.
    assert cal.add_working_days(D("2026-12-31"), 1) == D("2027-01-04")
    assert cal.add_working_days(D("2026-12-30"), 1) == D("2026-12-31")


def test_add_working_days_long_matches_stepping(cal):
    day, expected = D("2016-03-01"), D("2016-03-01")
    for _ in range(800):
        expected = cal.next_working_day(expected)
    assert cal.add_working_days(day, 800) == expected


def test_deadline_and_end_of_day(cal):
    assert cal.end_of_day(D("2026-10-10")) == T("2026-10-11 00:00")
    assert cal.end_of_day(D("2026-12-31")) == T("2027-01-01 00:00")
    # After hours or on a day off makes no difference: the count starts the next day.
    assert cal.deadline(T("2026-09-30 23:50"), 3) == T("2026-10-11 00:00")
    assert cal.deadline(T("2026-03-08 10:00"), 0) == T("2026-03-10 00:00")


# ----------------------------------------------------------------- confirmed years and overrides


def test_confirmed_years_default(cal):
    assert cal.is_confirmed(2016)
    assert cal.is_confirmed(2026)
    assert not cal.is_confirmed(2027)


def test_confirmed_until_is_a_parameter():
    assert WorkCalendar(confirmed_until=2025).is_confirmed(2026) is False


def test_entered_year_is_confirmed_and_replaces_library_guess():
    lib = holidays.China(years=2027)
    assert D("2027-02-09") in lib  # the library's guess, which the entry leaves out
    assert D("2027-02-14").weekday() == 6 and not lib.is_working_day(D("2027-02-14"))

    cal = WorkCalendar(years={2027: ENTERED_2027})
    assert cal.is_confirmed(2027)
    assert not cal.is_confirmed(2028)
    assert cal.is_working_day(D("2027-02-09"))  # not listed: an ordinary Tuesday
    assert cal.is_working_day(D("2027-02-10"))
    assert cal.is_working_day(D("2027-02-14"))  # listed make-up Sunday
    assert not cal.is_working_day(D("2027-02-11"))  # listed holiday on a Thursday
    assert not cal.is_working_day(D("2027-02-13"))  # ordinary Saturday stays off
    assert cal.is_working_day(D("2027-05-03"))  # a library "observed" Monday the entry does not list


def test_entered_year_drops_every_library_holiday_it_does_not_list():
    cal = WorkCalendar(years={2027: ENTERED_2027})
    for day in holidays.China(years=2027):
        expected = day.isoformat() not in ENTERED_2027["holidays"] and day.weekday() < 5
        assert cal.is_working_day(day) == expected, day


def test_entered_year_leaves_other_years_to_the_library():
    cal = WorkCalendar(years={2027: ENTERED_2027})
    assert cal.add_working_days(D("2026-09-30"), 3) == D("2026-10-10")
    assert not cal.is_working_day(D("2028-01-01"))


def test_entered_year_counts_in_due_dates():
    cal = WorkCalendar(years={2027: ENTERED_2027})
    # Friday 2027-02-12 + 1 working day: the make-up Sunday.
    assert cal.add_working_days(D("2027-02-12"), 1) == D("2027-02-14")
    assert cal.working_days_between(D("2027-02-04"), D("2027-02-15")) == 5  # 09 10 12 14 15


def test_entered_day_listed_as_both_is_refused():
    with pytest.raises(ValueError):
        WorkCalendar(years={2027: {"holidays": ["2027-02-14"], "working": ["2027-02-14"]}})


def test_extra_closed_overrides_a_working_day():
    cal = WorkCalendar(extra_closed=["2026-03-09", D("2026-10-10")])
    assert not cal.is_working_day(PLAIN_MON)
    assert not cal.is_working_day(D("2026-10-10"))  # even a make-up Saturday
    assert cal.add_working_days(PLAIN_FRI, 1) == D("2026-03-10")


def test_extra_working_overrides_a_day_off():
    cal = WorkCalendar(extra_working=["2026-03-07", "2026-10-02"])
    assert cal.is_working_day(PLAIN_SAT)
    assert cal.is_working_day(D("2026-10-02"))  # even a public holiday
    assert cal.add_working_days(PLAIN_FRI, 1) == PLAIN_SAT


def test_extra_days_apply_over_an_entered_year():
    cal = WorkCalendar(years={2027: ENTERED_2027}, extra_closed=["2027-02-14"], extra_working=["2027-02-11"])
    assert not cal.is_working_day(D("2027-02-14"))
    assert cal.is_working_day(D("2027-02-11"))


def test_a_day_both_closed_and_working_is_refused():
    with pytest.raises(ValueError):
        WorkCalendar(extra_closed=["2026-03-07"], extra_working=["2026-03-07"])


def test_a_lone_string_is_one_day_not_its_characters():
    assert not WorkCalendar(extra_closed="2026-03-09").is_working_day(PLAIN_MON)


def test_default_calendar_is_not_changed_by_another_instance(cal):
    WorkCalendar(extra_closed=["2026-03-09"]).is_working_day(PLAIN_MON)
    assert cal.is_working_day(PLAIN_MON)


# ----------------------------------------------------------------- counting working days


def test_working_days_between_basics(cal):
    assert cal.working_days_between(PLAIN_FRI, PLAIN_MON) == 1
    assert cal.working_days_between(PLAIN_SUN, PLAIN_MON) == 1
    assert cal.working_days_between(PLAIN_MON, PLAIN_MON) == 0
    assert cal.working_days_between(PLAIN_MON, PLAIN_FRI) == 0  # end before start
    assert cal.working_days_between(PLAIN_MON, D("2026-03-16")) == 5


def test_working_days_between_across_a_holiday(cal):
    # 10-08, 10-09, 10-10 (make-up Saturday)
    assert cal.working_days_between(D("2026-09-30"), D("2026-10-10")) == 3
    assert cal.working_days_between(D("2026-09-30"), D("2026-10-07")) == 0


def test_working_days_between_across_a_year_end(cal):
    assert cal.working_days_between(D("2025-12-30"), D("2026-01-05")) == 3  # 12-31, 01-04, 01-05


def test_working_days_between_inverts_add_working_days(cal):
    start = D("2025-11-20")
    for n in range(1, 120):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


def test_working_days_between_long_span_matches_naive_count():
    lib = holidays.China(years=range(2016, 2027))
    start, end = D("2016-01-01"), D("2026-12-31")
    naive = sum(lib.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))
    cal = WorkCalendar()
    assert cal.working_days_between(start, end) == naive
    # A ten-year count is a few lookups once each year is known: no day is asked of the calendar twice.
    asked = len(cal._status)
    cal.working_days_between(start, end)
    assert len(cal._status) == asked


# ----------------------------------------------------------------- the shipped official calendar


SHIPPED = Path(__file__).resolve().parent.parent / "data" / "calendar-cn.json"


def test_the_shipped_calendar_is_what_the_library_says():
    """data/calendar-cn.json (tools/build_calendar.py) must stay equal to the `holidays` installed: when this fails
    after an upgrade of the library, run `python tools/build_calendar.py`."""
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    years = [int(year) for year in shipped["years"]]
    assert years == list(range(min(years), max(years) + 1)) and min(years) <= 2016 and max(years) >= 2036
    assert shipped == official_table(years)


@pytest.mark.parametrize("year", range(2016, 2029))
def test_a_calendar_on_the_shipped_table_answers_as_the_library(year):
    official = official_from_json(json.loads(SHIPPED.read_text(encoding="utf-8")))
    shipped, library = WorkCalendar(official=official), WorkCalendar()
    day = date(year, 1, 1)
    while day.year == year:
        assert shipped.is_working_day(day) == library.is_working_day(day), day
        day += timedelta(days=1)
    assert shipped._library == {}  # the library was never asked


def test_a_year_outside_the_shipped_table_is_asked_of_the_library():
    cal = WorkCalendar(official={2026: (frozenset(), frozenset())})
    assert cal.is_working_day(D("2026-10-01"))  # the (empty) table wins for its year
    assert not cal.is_working_day(D("2025-10-01"))  # National Day, from the library
    assert set(cal._library) == {2025}


def test_entered_years_and_local_days_win_over_the_shipped_table():
    official = {2027: (frozenset({D("2027-02-09")}), frozenset())}
    cal = WorkCalendar(official=official, years={2027: ENTERED_2027}, extra_working=["2027-02-11"])
    assert cal.is_working_day(D("2027-02-09"))  # the supervisor's schedule does not list it
    assert cal.is_working_day(D("2027-02-11"))  # a local working day beats the entered holiday
    assert not cal.is_working_day(D("2027-02-08"))


# ----------------------------------------------------------------- working minutes


def test_working_minutes_within_a_morning(cal):
    assert cal.working_minutes(T("2026-03-09 09:00"), T("2026-03-09 09:30")) == 30


def test_working_minutes_across_lunch(cal):
    assert cal.working_minutes(T("2026-03-09 11:50"), T("2026-03-09 14:15")) == 25
    assert cal.working_minutes(T("2026-03-09 11:50"), T("2026-03-09 14:25")) == 35


def test_working_minutes_across_a_weekend(cal):
    assert cal.working_minutes(T("2026-03-06 17:20"), T("2026-03-09 08:45")) == 25


def test_working_minutes_across_a_public_holiday(cal):
    # Thursday 2026-06-18 -> Monday 2026-06-22; Friday 06-19 is Dragon Boat Festival.
    assert not cal.is_working_day(D("2026-06-19"))
    assert cal.working_minutes(T("2026-06-18 17:20"), T("2026-06-22 08:45")) == 25


def test_working_minutes_over_whole_days(cal):
    assert cal.working_minutes(T("2026-03-09 00:00"), T("2026-03-10 00:00")) == 420
    assert cal.working_minutes(T("2026-03-06 08:30"), T("2026-03-13 17:30")) == 6 * 420


def test_working_minutes_on_a_make_up_saturday(cal):
    assert cal.working_minutes(T("2026-10-09 17:00"), T("2026-10-10 09:00")) == 60


def test_working_minutes_with_an_absence(cal):
    start, end = T("2026-03-09 09:00"), T("2026-03-09 10:00")
    assert cal.working_minutes(start, end, exclude=[(T("2026-03-09 09:10"), T("2026-03-09 09:30"))]) == 40
    # Overlapping absences count once; parts outside [start, end] are ignored.
    absences = [
        (T("2026-03-09 08:00"), T("2026-03-09 09:10")),
        (T("2026-03-09 09:05"), T("2026-03-09 09:20")),
    ]
    assert cal.working_minutes(start, end, exclude=absences) == 40
    # An absence over the lunch break takes nothing off.
    lunch = [(T("2026-03-09 12:00"), T("2026-03-09 14:00"))]
    assert cal.working_minutes(T("2026-03-09 11:50"), T("2026-03-09 14:15"), exclude=lunch) == 25


def test_working_minutes_end_before_start_is_zero(cal):
    assert cal.working_minutes(T("2026-03-09 10:00"), T("2026-03-09 09:00")) == 0
    assert cal.working_minutes(T("2026-03-09 10:00"), T("2026-03-09 10:00")) == 0


def test_working_minutes_start_outside_hours(cal):
    assert cal.working_minutes(T("2026-03-09 07:00"), T("2026-03-09 08:40")) == 10
    assert cal.working_minutes(T("2026-03-09 12:30"), T("2026-03-09 14:10")) == 10
    assert cal.working_minutes(T("2026-03-09 18:00"), T("2026-03-10 08:31")) == 1
    assert cal.working_minutes(T("2026-03-07 10:00"), T("2026-03-07 16:00")) == 0  # Saturday


def test_working_minutes_counts_seconds(cal):
    assert cal.working_minutes(T("2026-03-09 09:00:00"), T("2026-03-09 09:00:30")) == 0.5


def test_custom_hours():
    cal = WorkCalendar(hours=[("09:00", "17:00")])
    assert cal.working_minutes(T("2026-03-09 11:50"), T("2026-03-09 14:15")) == 145


@pytest.mark.parametrize(
    "hours",
    [[], [("09:00", "08:00")], [("08:30", "12:00"), ("11:00", "13:00")], [("8h30", "12:00")], [("09:00",)]],
)
def test_bad_hours_refused(hours):
    with pytest.raises(ValueError):
        WorkCalendar(hours=hours)


# ----------------------------------------------------------------- adding working minutes


def test_add_working_minutes_over_a_weekend(cal):
    assert cal.add_working_minutes(T("2026-03-06 17:20"), 30) == T("2026-03-09 08:50")


def test_add_working_minutes_over_lunch(cal):
    assert cal.add_working_minutes(T("2026-03-09 11:50"), 30) == T("2026-03-09 14:20")


def test_add_working_minutes_from_outside_hours(cal):
    assert cal.add_working_minutes(T("2026-03-09 07:00"), 30) == T("2026-03-09 09:00")
    assert cal.add_working_minutes(T("2026-09-30 18:00"), 30) == T("2026-10-08 09:00")


def test_add_working_minutes_stops_at_closing_not_next_morning(cal):
    # The 30th minute is used up at 17:30; that is the breach moment, not 08:30 the next working day.
    assert cal.add_working_minutes(T("2026-03-09 17:00"), 30) == T("2026-03-09 17:30")
    assert cal.add_working_minutes(T("2026-03-09 08:30"), 420) == T("2026-03-09 17:30")
    assert cal.add_working_minutes(T("2026-03-09 08:30"), 840) == T("2026-03-10 17:30")


def test_add_working_minutes_zero_is_start(cal):
    assert cal.add_working_minutes(T("2026-03-07 03:00"), 0) == T("2026-03-07 03:00")


def test_add_working_minutes_negative_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_minutes(T("2026-03-09 09:00"), -1)


def test_add_working_minutes_skips_absences(cal):
    start = T("2026-03-09 09:00")
    absent = [(T("2026-03-09 09:10"), T("2026-03-09 09:30"))]
    assert cal.add_working_minutes(start, 30, exclude=absent) == T("2026-03-09 09:50")
    # Absent the rest of the day: the clock resumes the next working morning.
    away = [(T("2026-03-09 09:10"), T("2026-03-09 23:00"))]
    assert cal.add_working_minutes(start, 30, exclude=away) == T("2026-03-10 08:50")
    # Already absent at the start.
    assert cal.add_working_minutes(T("2026-03-09 09:15"), 10, exclude=absent) == T("2026-03-09 09:40")


@pytest.mark.parametrize(
    ("start", "minutes"),
    [
        ("2026-03-09 09:00", 30),
        ("2026-03-09 11:50", 30),
        ("2026-03-06 17:20", 30),
        ("2026-03-07 10:00", 30),
        ("2026-09-30 17:00", 45),
        ("2026-06-18 16:59:30", 90),
        ("2026-03-09 08:30", 420),
        ("2026-03-09 12:00", 1),
        ("2026-12-31 17:29", 5000),
        ("2026-01-01 00:00", 100_000),
    ],
)
def test_add_working_minutes_inverts_working_minutes(cal, start, minutes):
    moment = cal.add_working_minutes(T(start), minutes)
    assert cal.working_minutes(T(start), moment) == minutes
    # ...and it is the earliest such moment.
    assert cal.working_minutes(T(start), moment - timedelta(seconds=1)) < minutes


# One calendar for the property tests, so its caches are exercised across many calls.
_SHARED = WorkCalendar()

moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31, 23, 59)).map(
    lambda m: m.replace(microsecond=0)
)


@settings(max_examples=300, deadline=None)
@given(start=moments, minutes=st.integers(min_value=0, max_value=3000))
def test_add_working_minutes_inverse_property(start, minutes):
    cal = _SHARED
    moment = cal.add_working_minutes(start, minutes)
    assert moment >= start
    assert cal.working_minutes(start, moment) == minutes


@settings(max_examples=200, deadline=None)
@given(
    start=moments,
    minutes=st.integers(min_value=1, max_value=2000),
    absences=st.lists(st.tuples(moments, st.integers(min_value=1, max_value=3000)), max_size=4),
)
def test_add_working_minutes_inverse_property_with_absences(start, minutes, absences):
    cal = _SHARED
    exclude = [(a, a + timedelta(minutes=length)) for a, length in absences]
    moment = cal.add_working_minutes(start, minutes, exclude=exclude)
    assert cal.working_minutes(start, moment, exclude=exclude) == minutes


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=D("2025-01-01"), max_value=D("2026-12-31")), n=st.integers(0, 400))
def test_add_working_days_matches_stepping_property(start, n):
    cal = _SHARED
    if n == 0:
        expected = start if cal.is_working_day(start) else cal.next_working_day(start)
    else:
        expected = start
        for _ in range(n):
            expected = cal.next_working_day(expected)
    assert cal.add_working_days(start, n) == expected


# ----------------------------------------------------------------- policy


def test_from_policy_with_json_string_keys():
    policy = json.loads(
        json.dumps(
            {
                "calendar_confirmed_until": 2026,
                "calendar_years": {"2027": ENTERED_2027},
                "calendar_extra_closed": ["2026-03-09"],
                "calendar_extra_working": ["2026-03-07"],
                "hours": [["09:00", "12:00"], ["13:00", "17:00"]],
            }
        )
    )
    cal = WorkCalendar.from_policy(policy)
    assert cal.is_confirmed(2027)
    assert cal.is_working_day(D("2027-02-14"))
    assert cal.is_working_day(D("2027-02-09"))
    assert not cal.is_working_day(PLAIN_MON)
    assert cal.is_working_day(PLAIN_SAT)
    assert cal.working_minutes(T("2026-03-10 11:50"), T("2026-03-10 13:15")) == 25


def test_from_policy_with_toml_style_values():
    # tomllib gives dates as date objects and times as time objects.
    import tomllib

    policy = tomllib.loads(
        """
        calendar_confirmed_until = 2025
        calendar_extra_closed = [2026-03-09]
        hours = [[08:00:00, 12:00:00]]
        """
    )
    cal = WorkCalendar.from_policy(policy)
    assert not cal.is_confirmed(2026)
    assert not cal.is_working_day(PLAIN_MON)
    assert cal.working_minutes(T("2026-03-10 07:00"), T("2026-03-10 18:00")) == 240


def test_from_policy_missing_keys_give_defaults():
    cal = WorkCalendar.from_policy({})
    assert cal.is_confirmed(2026) and not cal.is_confirmed(2027)
    assert cal.add_working_days(D("2026-09-30"), 3) == D("2026-10-10")
    assert cal.working_minutes(T("2026-03-09 11:50"), T("2026-03-09 14:15")) == 25
