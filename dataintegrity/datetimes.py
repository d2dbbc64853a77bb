"""XML Schema ``dateTimeStamp`` values, as VC 2.0 and Data Integrity use them.

https://www.w3.org/TR/xmlschema11-2/#dateTimeStamp
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from .errors import MalformedCredential

# The expression VC 2.0 §4.9 gives for dateTimeStamp (a time zone is required).
_DATE_TIME_STAMP = re.compile(
    r"(?P<year>-?(?:[1-9][0-9]{3,}|0[0-9]{3}))-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12][0-9]|3[01])"
    r"T(?:(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9]):(?P<second>[0-5][0-9])(?:\.(?P<fraction>[0-9]+))?"
    r"|(?P<midnight>24:00:00(?:\.0+)?))"
    r"(?P<zone>Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
)


def parse_date_time_stamp(value: object, *, property: str) -> datetime:
    """Parse a dateTimeStamp into an aware UTC datetime.

    Years beyond 9999 (valid in XML Schema) are clamped to ``datetime.max``
    and years before 1 to ``datetime.min``, which compare correctly.

    :param property: the JSON property name, for the error message.
    :raises MalformedCredential: if ``value`` is not a dateTimeStamp.
    """
    match = _DATE_TIME_STAMP.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise MalformedCredential(
            f'"{property}" must be an XML Schema dateTimeStamp such as "2025-01-15T09:00:00Z", '
            f"not {value!r:.80}",
            property=property,
        )
    year = int(match["year"])
    if year > 9999:
        return datetime.max.replace(tzinfo=timezone.utc)
    if year < 1:
        return datetime.min.replace(tzinfo=timezone.utc)
    try:
        return _to_datetime(match, year)
    except OverflowError:  # within a day of the ends of datetime's range
        return (datetime.max if year > 1 else datetime.min).replace(tzinfo=timezone.utc)
    except ValueError:
        raise MalformedCredential(f'"{property}" is not a real date: {value!r}', property=property) from None


def _to_datetime(match: re.Match, year: int) -> datetime:
    hour, minute, second = (0, 0, 0) if match["midnight"] else (int(match["hour"]), int(match["minute"]), int(match["second"]))
    micro = int((match["fraction"] or "0")[:6].ljust(6, "0"))
    zone = match["zone"]
    offset = timedelta(0) if zone == "Z" else (1 if zone[0] == "+" else -1) * timedelta(
        hours=int(zone[1:3]), minutes=int(zone[4:6])
    )
    moment = datetime(year, int(match["month"]), int(match["day"]), hour, minute, second, micro, timezone(offset))
    if match["midnight"]:
        moment += timedelta(days=1)
    return moment.astimezone(timezone.utc)


def format_date_time_stamp(moment: datetime) -> str:
    """``2025-01-15T09:00:00Z``: an aware datetime in UTC, whole seconds.

    :raises ValueError: for a naive datetime (its time zone is unknown).
    """
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no time zone; pass an aware one")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
