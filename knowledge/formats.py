"""Dates, times and numbers as an Indonesian reader expects them ("31 Maret 2024", "Senin, 15 April 2024",
"2,7 detik", "12.345"), written by Babel from its bundled CLDR data (no network, no hand-kept month tables).

Every place a person reads a date or a number (bot, command lines, history lines) goes through here, so the
bot and the CLIs cannot drift apart ("0.1 detik" in one, "2,7 detik" in the other).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal as _babel_decimal

LOCALE = "id_ID"
_ISO_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")


@lru_cache(maxsize=1)
def _locale() -> Locale:
    return Locale.parse(LOCALE)


def format_date(day: date) -> str:
    """`31 Maret 2024`."""
    return _babel_date(day, "d MMMM y", locale=_locale())


def format_short_date(day: date) -> str:
    """`31 Mar 2024`, for one-line listings."""
    return _babel_date(day, "d MMM y", locale=_locale())


def format_long_date(day: date) -> str:
    """`Senin, 15 April 2024`."""
    return _babel_date(day, "EEEE, d MMMM y", locale=_locale())


def format_moment(moment: datetime, zone: ZoneInfo) -> str:
    """A stored UTC time (naive = UTC) in `zone`: `27 November 2026 pukul 22.19 WIB`."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)
    return f"{format_date(local.date())} pukul {local:%H.%M} {local.tzname()}"


def format_number(value: float, decimals: int = 0) -> str:
    """`12.345`, `2,7`: Indonesian grouping and decimal comma, exactly `decimals` decimals."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return _babel_decimal(value, format=pattern, locale=_locale())


def format_seconds(seconds: float) -> str:
    """`2,7 detik`: one decimal, as the bot and the command lines both write durations."""
    return f"{format_number(seconds, 1)} detik"


def format_size(size: int) -> str:
    """`25,3 MB`, `350 KB`, `12 bita` (a trailing ",0" is left out)."""
    for limit, unit in ((1024 * 1024, "MB"), (1024, "KB")):
        if size >= limit:
            return f"{_babel_decimal(size / limit, format='#,##0.#', locale=_locale())} {unit}"
    return f"{size} bita"


def iso_dates_to_text(text: str) -> str:
    """Every ISO date in `text` written out (`2024-03-31` -> `31 Maret 2024`); other text is left alone."""

    def replace(match: re.Match[str]) -> str:
        try:
            return format_date(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            return match[0]

    return _ISO_DATE.sub(replace, text)
