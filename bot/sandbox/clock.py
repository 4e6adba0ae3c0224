"""The sandbox's clock: the computer's time plus an offset that `/waktu` moves, so that reminders due in two
days can be tried now. The bot reads it where it reads "now" for follow-ups (bot.reminders.set_clock)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta, tzinfo

_STEP = re.compile(
    r"^(?P<sign>[+-])\s*(?P<amount>\d{1,5})\s*"
    r"(?P<unit>m|menit|h|j|jam|hours?|d|hari|days?|w|minggu|pekan|weeks?)$",
    re.IGNORECASE,
)
_UNITS = {
    "m": "minutes", "menit": "minutes",
    "h": "hours", "j": "hours", "jam": "hours", "hour": "hours", "hours": "hours",
    "d": "days", "hari": "days", "day": "days", "days": "days",
    "w": "weeks", "minggu": "weeks", "pekan": "weeks", "week": "weeks", "weeks": "weeks",
}  # fmt: skip
_MOMENT = re.compile(
    r"^(?P<date>\d{4}-\d{1,2}-\d{1,2})?\s*(?:(?:T|\s)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2}))?$", re.IGNORECASE
)


class SandboxClock:
    """Callable like `datetime.now(UTC)`; `/waktu` sets how far it is from the computer's clock."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def set(self, moment: datetime) -> None:
        self.offset = moment - datetime.now(UTC)

    def reset(self) -> None:
        self.offset = timedelta(0)


def parse_time_change(text: str, now: datetime, default_time: time, zone: tzinfo) -> datetime | None:
    """What `/waktu` asks for, as an aware moment; None when it cannot be read.

    `+3h`, `+2d`, `+30m`, `+1w`, `-1d` (also `+3 jam`, `+2 hari`) move from `now`; `2024-03-28 08:00` is a moment
    in `zone`, `2024-03-28` is that day at `default_time` (when reminders start), `08:00` is today at 08.00."""
    text = " ".join(text.split())
    step = _STEP.match(text)
    if step:
        amount = int(step["amount"]) * (-1 if step["sign"] == "-" else 1)
        return now + timedelta(**{_UNITS[step["unit"].lower()]: amount})
    moment = _MOMENT.match(text)
    if not text or moment is None:
        return None
    try:
        day = datetime.strptime(moment["date"], "%Y-%m-%d").date() if moment["date"] else now.astimezone(zone).date()
        at = time(int(moment["hour"]), int(moment["minute"])) if moment["hour"] else default_time
    except ValueError:  # 2024-02-30, 25:00
        return None
    return datetime.combine(day, at, tzinfo=zone)
