"""When a reminder may go out: retry back-off after a failed send, and quiet hours at night.

Plain values only (seconds, `datetime.time`, naive or aware `datetime` alike): the outbox in
`anju.core.outbox` calls these with local (Asia/Shanghai) wall-clock times.
"""

from __future__ import annotations

import datetime


def backoff_seconds(attempts: int, *, base_seconds: int, cap_seconds: int) -> int:
    """Seconds to wait after the `attempts`-th failed send: `base_seconds` · 2^(attempts−1), at most `cap_seconds`.

    1 failure → base, 2 → 2·base, 3 → 4·base …; never more than the cap, never less than 0."""
    if attempts < 1:
        return 0
    # 2**62 is far beyond any cap; stop doubling there so a huge count cannot build a huge integer.
    return min(cap_seconds, base_seconds * 2 ** min(attempts - 1, 62))


def in_quiet_hours(moment: datetime.datetime, *, start: datetime.time, end: datetime.time) -> bool:
    """True when the wall-clock time of `moment` is inside [start, end); a span past midnight
    (21:00–08:00) wraps. start == end means no quiet hours."""
    clock = moment.time().replace(tzinfo=None)
    if start == end:
        return False
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end


def after_quiet_hours(
    moment: datetime.datetime, *, start: datetime.time, end: datetime.time
) -> datetime.datetime:
    """`moment` itself outside quiet hours; inside them, the next `end` o'clock (same day or the next).

    21:00–08:00: 22:30 → 08:00 next day, 03:00 → 08:00 the same day, 08:00 and 20:59 unchanged."""
    if not in_quiet_hours(moment, start=start, end=end):
        return moment
    day = moment.date()
    if start > end and moment.time().replace(tzinfo=None) >= start:
        day += datetime.timedelta(days=1)
    return moment.replace(
        year=day.year, month=day.month, day=day.day, hour=end.hour, minute=end.minute, second=0, microsecond=0
    )


def parse_quiet_hours(text: str) -> tuple[datetime.time, datetime.time]:
    """ "21:00-08:00" → (21:00, 08:00); "" or "off" → no quiet hours (00:00, 00:00). ValueError otherwise."""
    text = text.strip()
    if text in ("", "off"):
        return datetime.time(0), datetime.time(0)
    first, _, second = text.partition("-")
    return datetime.time.fromisoformat(first.strip()), datetime.time.fromisoformat(second.strip())
