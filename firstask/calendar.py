"""The desk's working calendar: official PRC working days plus local overrides, and desk working time.

Due dates (SPEC §7, 行政许可法 第82条) are counted in working days on the official calendar, where
public holidays are off and the adjusted make-up weekend days (调休上班日) are working days. The
`holidays` package's China calendar models both, so it is the source for every year it knows; a
supervisor can replace a year with the officially published schedule, and add one-off local days.

Working time (HO-4's 30 minutes) is counted only inside the desk's hours on working days.

Everything here is pure: no I/O, no clock. Datetimes are naive local time.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import holidays

__all__ = ["OfficialYears", "WorkCalendar", "official_from_json", "official_table"]

# Internal time arithmetic is done in whole microseconds (datetime's resolution) so that
# working_minutes(start, add_working_minutes(start, m)) == m holds exactly, not just approximately.
_US_PER_MINUTE = 60_000_000
_US_PER_DAY = 24 * 60 * _US_PER_MINUTE
_ONE_DAY = timedelta(days=1)
_ONE_US = timedelta(microseconds=1)

DateLike = str | date
Interval = tuple[datetime, datetime]
# The official calendar as the `holidays` library gives it, year by year: the weekdays that are off (public
# holidays) and the weekend days that are worked (调休上班日). Every other day follows the Monday-Friday rule.
OfficialYears = Mapping[int, tuple[frozenset[date], frozenset[date]]]


def _as_date(value: DateLike) -> date:
    # A datetime is a date subclass but hashes differently from the same day as a date, so a set of
    # days must hold plain dates. Strings are ISO dates as written in policy files ("2027-02-07").
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _dates(values: Iterable[DateLike]) -> frozenset[date]:
    if isinstance(values, str | date):  # a lone value, not a list of them: don't iterate its characters
        values = (values,)
    return frozenset(_as_date(v) for v in values)


def _clock_us(value: str | time) -> int:
    """Microseconds since midnight for "HH:MM" (or a `time`, as TOML gives); "24:00" is the day's end."""
    if isinstance(value, time):
        return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond
    text = str(value).strip()
    try:
        hh, mm = text.split(":")
        hour, minute = int(hh), int(mm)
    except ValueError:
        raise ValueError(f"working hours must be written HH:MM, not {value!r}") from None
    if not (0 <= minute < 60 and 0 <= hour * 60 + minute <= 24 * 60):
        raise ValueError(f"not a time of day: {value!r}")
    return (hour * 60 + minute) * _US_PER_MINUTE


def _parse_hours(hours: Sequence[Sequence[str | time]]) -> tuple[tuple[int, int], ...]:
    periods = []
    for period in hours:
        if len(period) != 2:
            raise ValueError(f"a working period is [start, end], not {period!r}")
        start, end = _clock_us(period[0]), _clock_us(period[1])
        if end <= start:
            raise ValueError(f"a working period must end after it starts: {period!r}")
        periods.append((start, end))
    if not periods:
        # With no working time at all, no HO-4 deadline could ever be reached.
        raise ValueError("the desk needs at least one working period")
    periods.sort()
    for (_, end), (next_start, _) in zip(periods, periods[1:], strict=False):
        if next_start < end:
            raise ValueError("working periods overlap")
    return tuple(periods)


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time())


def _offset_us(moment: datetime) -> int:
    return (moment - _midnight(moment.date())) // _ONE_US


def _merge(intervals: Iterable[Interval], lo: datetime, hi: datetime | None = None) -> list[Interval]:
    """Sort, clip to [lo, hi] and merge overlapping intervals, so each excluded moment is subtracted once."""
    clipped = []
    for a, b in intervals:
        a = max(a, lo)
        if hi is not None:
            b = min(b, hi)
        if b > a:
            clipped.append((a, b))
    clipped.sort()
    merged: list[Interval] = []
    for a, b in clipped:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def official_table(years: Iterable[int]) -> dict[str, Any]:
    """The `holidays` library's China calendar for `years`, as the JSON shipped in data/calendar-cn.json.

    Importing the library and building its first year costs a tenth of a second (it loads every country it
    knows), more than the rest of a desk's start-up; the desk reads this table instead and asks the library
    only for years outside it. `tools/build_calendar.py` writes the file and a test keeps it equal to the
    library installed.
    """
    import holidays

    version = holidays.__version__  # type: ignore[attr-defined]
    out: dict[str, Any] = {"source": f"holidays {version}, China", "years": {}}
    for year in years:
        lib = holidays.China(years=year, expand=False)  # type: ignore[attr-defined]
        closed, working = [], []
        day = date(year, 1, 1)
        while day.year == year:
            if day.weekday() < 5 and not lib.is_working_day(day):
                closed.append(day.isoformat())
            elif day.weekday() >= 5 and lib.is_working_day(day):
                working.append(day.isoformat())
            day += _ONE_DAY
        out["years"][str(year)] = {"closed": closed, "working": working}
    return out


def official_from_json(table: Mapping[str, Any]) -> dict[int, tuple[frozenset[date], frozenset[date]]]:
    return {
        int(year): (_dates(days["closed"]), _dates(days["working"])) for year, days in table.get("years", {}).items()
    }


class WorkCalendar:
    """Working days (official PRC calendar + local overrides) and the desk's working hours."""

    def __init__(
        self,
        *,
        confirmed_until: int = 2026,
        years: Mapping[int, Mapping[str, Iterable[DateLike]]] | None = None,
        extra_closed: Iterable[DateLike] = (),
        extra_working: Iterable[DateLike] = (),
        hours: Sequence[tuple[str, str]] = (("08:30", "12:00"), ("14:00", "17:30")),
        official: OfficialYears | None = None,
    ) -> None:
        # The library covers every year but only knows the published schedules; later years are its
        # silent guesses (estimated holidays, no make-up days). No library says which years are real,
        # so the desk keeps that fact itself.
        self.confirmed_until = int(confirmed_until)

        # A year a supervisor entered replaces the library's guess wholesale: its holidays are exactly
        # the ones listed and its weekends are off except the listed make-up days. A listed date may lie
        # in a neighbouring year (a make-up Sunday in late December for New Year), so the lists are kept
        # as plain sets of days, not per year.
        self._entered_years: frozenset[int] = frozenset(int(y) for y in (years or {}))
        entered_closed: set[date] = set()
        entered_working: set[date] = set()
        for schedule in (years or {}).values():
            entered_closed |= _dates(schedule.get("holidays") or ())
            entered_working |= _dates(schedule.get("working") or ())
        if both := entered_closed & entered_working:
            raise ValueError(f"days listed both as holiday and as working day: {sorted(both)}")
        self._entered_closed = frozenset(entered_closed)
        self._entered_working = frozenset(entered_working)

        self._extra_closed = _dates(extra_closed)
        self._extra_working = _dates(extra_working)
        if clash := self._extra_closed & self._extra_working:
            raise ValueError(f"days listed both as closed and as working: {sorted(clash)}")

        self._official = official or {}
        self._periods = _parse_hours(hours)
        self._day_us = sum(end - start for start, end in self._periods)

        # Caches. Due-date and scan code asks about the same few weeks thousands of times a second, and
        # building a holidays.China year costs about a millisecond, so nothing is computed twice.
        self._library: dict[int, holidays.HolidayBase] = {}
        self._status: dict[date, bool] = {}
        # Per year: cumulative[i] = working days among the year's days 0..i. Turns counting and
        # stepping over long spans into a few lookups and a bisect.
        self._cumulative: dict[int, list[int]] = {}

    @classmethod
    def from_policy(cls, policy: Mapping[str, Any], official: OfficialYears | None = None) -> WorkCalendar:
        """Build from the desk policy (SPEC §6). JSON has only string keys, so year keys may be "2027"."""
        kwargs: dict[str, Any] = {"official": official}
        if policy.get("calendar_confirmed_until") is not None:
            kwargs["confirmed_until"] = int(policy["calendar_confirmed_until"])
        if policy.get("calendar_years"):
            kwargs["years"] = {int(year): schedule for year, schedule in policy["calendar_years"].items()}
        if policy.get("calendar_extra_closed"):
            kwargs["extra_closed"] = policy["calendar_extra_closed"]
        if policy.get("calendar_extra_working"):
            kwargs["extra_working"] = policy["calendar_extra_working"]
        if policy.get("hours"):
            kwargs["hours"] = [tuple(period) for period in policy["hours"]]
        return cls(**kwargs)

    # ----------------------------------------------------------------- days

    def is_confirmed(self, year: int) -> bool:
        """True when `year` follows a published official schedule (so a due date in it is not provisional)."""
        return year <= self.confirmed_until or year in self._entered_years

    def is_working_day(self, d: date) -> bool:
        try:
            return self._status[d]
        except KeyError:
            pass
        if isinstance(d, datetime):  # keep the cache keyed by plain dates
            return self.is_working_day(d.date())
        status = self._compute_status(d)
        self._status[d] = status
        return status

    def _compute_status(self, d: date) -> bool:
        # Local one-off days are decided on the spot and win over everything.
        if d in self._extra_closed:
            return False
        if d in self._extra_working:
            return True
        if d in self._entered_working:
            return True
        if d in self._entered_closed:
            return False
        if d.year in self._entered_years:
            return d.weekday() < 5
        known = self._official.get(d.year)
        if known is not None:
            closed, worked = known
            return d in worked if d.weekday() >= 5 else d not in closed
        return self._library_year(d.year).is_working_day(d)

    def _library_year(self, year: int) -> holidays.HolidayBase:
        # One object per year, built on first use; expand=False so a lookup can never quietly
        # populate (and pay for) another year. Beyond the library's range (after 2100) it returns
        # no holidays at all, i.e. plain weekends, which is_confirmed() reports as provisional.
        try:
            return self._library[year]
        except KeyError:
            import holidays

            lib: holidays.HolidayBase = holidays.China(years=year, expand=False)  # type: ignore[attr-defined]
            self._library[year] = lib
            return lib

    def _year_cumulative(self, year: int) -> list[int]:
        try:
            return self._cumulative[year]
        except KeyError:
            pass
        cumulative = []
        count = 0
        day = date(year, 1, 1)
        while day.year == year:
            count += self.is_working_day(day)
            cumulative.append(count)
            day += _ONE_DAY
        self._cumulative[year] = cumulative
        return cumulative

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after `d`."""
        d += _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day strictly after `d`; for n == 0, `d` itself or the next working day.

        The count starts the day after `d` whether or not `d` is a working day (行政许可法 第82条), so a
        5-day matter accepted on a Saturday and one accepted on the Friday before are due on the same day.
        n == 0 is an immediate matter: due today, or on the next working day if accepted on a day off.
        """
        if n < 0:
            raise ValueError(f"a number of working days cannot be negative: {n}")
        if isinstance(d, datetime):
            d = d.date()
        if n == 0:
            return d if self.is_working_day(d) else self.next_working_day(d)
        year = d.year
        cumulative = self._year_cumulative(year)
        reached = cumulative[d.timetuple().tm_yday - 1]  # working days up to and including d
        needed = n
        # Skip whole years by their totals, then find the day inside the last year by bisection.
        while cumulative[-1] - reached < needed:
            needed -= cumulative[-1] - reached
            year += 1
            cumulative = self._year_cumulative(year)
            reached = 0
        index = bisect_left(cumulative, reached + needed)
        return date(year, 1, 1) + timedelta(days=index)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: the days that count when measuring from `start` to `end`."""
        if isinstance(start, datetime):
            start = start.date()
        if isinstance(end, datetime):
            end = end.date()
        if end <= start:
            return 0
        start_cum = self._year_cumulative(start.year)
        end_cum = self._year_cumulative(end.year)
        start_index = start.timetuple().tm_yday - 1
        end_index = end.timetuple().tm_yday - 1
        if start.year == end.year:
            return end_cum[end_index] - start_cum[start_index]
        middle = sum(self._year_cumulative(y)[-1] for y in range(start.year + 1, end.year))
        return (start_cum[-1] - start_cum[start_index]) + middle + end_cum[end_index]

    def end_of_day(self, d: date) -> datetime:
        """Midnight starting the next day: the moment a due day has passed (a breach's time, SPEC §5)."""
        if isinstance(d, datetime):
            d = d.date()
        return _midnight(d + _ONE_DAY)

    def deadline(self, start: datetime, n: int) -> datetime:
        """The end of the n-th working day after start's day, whatever the hour of `start` (SPEC §7)."""
        return self.end_of_day(self.add_working_days(start.date(), n))

    # ----------------------------------------------------------------- working time

    def working_minutes(self, start: datetime, end: datetime, *, exclude: Iterable[Interval] = ()) -> float:
        """Minutes of desk working time in [start, end], less the parts inside the `exclude` intervals."""
        if end <= start:
            return 0.0
        total = self._working_us(start, end)
        # Merged first, so overlapping absences are not subtracted twice.
        for a, b in _merge(exclude, start, end):
            total -= self._working_us(a, b)
        return total / _US_PER_MINUTE

    def add_working_minutes(self, start: datetime, minutes: float, *, exclude: Iterable[Interval] = ()) -> datetime:
        """The earliest moment at which `minutes` of working time have passed since `start`.

        The inverse of working_minutes: an HO-4 breach time. When the count runs out exactly at the
        end of a working period, that end (e.g. 17:30) is the answer, not the next morning.
        """
        if minutes < 0:
            raise ValueError(f"minutes cannot be negative: {minutes}")
        remaining = round(minutes * _US_PER_MINUTE)
        if remaining == 0:
            return start
        cursor = start
        # Walk the gaps between absences: time only counts while the receiver is present.
        for a, b in _merge(exclude, start):
            if a > cursor:
                available = self._working_us(cursor, a)
                if remaining <= available:
                    return self._add_us(cursor, remaining)
                remaining -= available
            cursor = max(cursor, b)
        return self._add_us(cursor, remaining)

    def _day_us_between(self, d: date, lo: int, hi: int) -> int:
        """Working microseconds on day `d` between offsets lo and hi (microseconds since midnight)."""
        if not self.is_working_day(d):
            return 0
        return sum(max(0, min(end, hi) - max(start, lo)) for start, end in self._periods)

    def _working_us(self, start: datetime, end: datetime) -> int:
        if end <= start:
            return 0
        first, last = start.date(), end.date()
        if first == last:
            return self._day_us_between(first, _offset_us(start), _offset_us(end))
        # Partial first and last days; every whole day in between is a full working day or nothing.
        whole_days = self.working_days_between(first, last - _ONE_DAY)
        return (
            self._day_us_between(first, _offset_us(start), _US_PER_DAY)
            + whole_days * self._day_us
            + self._day_us_between(last, 0, _offset_us(end))
        )

    def _add_us(self, start: datetime, remaining: int) -> datetime:
        """The earliest moment with `remaining` (> 0) working microseconds since `start`, no absences."""
        day = start.date()
        if self.is_working_day(day):
            offset = _offset_us(start)
            for period_start, period_end in self._periods:
                lo = max(period_start, offset)
                if period_end > lo:
                    if remaining <= period_end - lo:
                        return _midnight(day) + timedelta(microseconds=lo + remaining)
                    remaining -= period_end - lo
        # Jump over whole working days, leaving 1..day_us for the final day so that an exact
        # multiple ends at the close of a day rather than the next morning's opening.
        whole_days = (remaining - 1) // self._day_us
        remaining -= whole_days * self._day_us
        day = self.add_working_days(day, whole_days + 1)
        for period_start, period_end in self._periods:
            if remaining <= period_end - period_start:
                return _midnight(day) + timedelta(microseconds=period_start + remaining)
            remaining -= period_end - period_start
        raise AssertionError("unreachable: remaining never exceeds a full working day here")
