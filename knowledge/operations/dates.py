"""Indonesian dates and deadline phrases, as written in minutes and recommendation lists.

Everything here is forgiving: anything unreadable gives None, never an exception, because a deadline
we cannot read must still be kept (with its words) rather than lose the item it belongs to.

Choices worth knowing:
- A deadline that names a period means the end of it: `April 2024`, `Triwulan I 2024`, `Semester I`,
  `akhir tahun 2024` -> the period's last day.
- `awal <period>` means its first day (`awal April 2024` -> 1 April): reminders then come early rather
  than late, which is the safer mistake. `pertengahan`/`medio` is the period's midpoint.
- `sebelum 15 April 2024` gives 15 April itself: officials quote the stated date back, and reminders are
  sent ahead of the due date anyway.
- Relative phrases (`minggu depan`, `2 minggu lagi`, `besok`, `5 hari kerja`, `akhir bulan ini`, a day or
  period without a year) are resolved against `reference` (the meeting date); without it they give None.
  A yearless date that would fall before the reference is taken to be in the following year.
- `N hari kerja` counts working days: weekends, Indonesian public holidays and the configured cuti bersama
  are skipped (knowledge/operations/workdays.py).
- Two date phrases side by side with nothing between them ("besok lusa", "minggu depan besok") are a phrase
  this parser does not know: it gives no date (and the words are kept), rather than guess one of the two.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from knowledge.formats import format_date
from knowledge.numerals import parse_words
from knowledge.operations.workdays import default_calendar

# Every spelling met in official documents, including old ones (Pebruari, Nopember) and abbreviations.
MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2,
    "maret": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "agustus": 8, "agt": 8, "agu": 8, "ags": 8, "agst": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12,
}  # fmt: skip

_NUMBER_WORDS: dict[str, int] = {
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5,
    "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9,
}  # fmt: skip

# Ordinals and roman numerals used for triwulan / semester numbers.
_PART_NUMBERS: dict[str, int] = {
    "i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4,
    "pertama": 1, "kesatu": 1, "satu": 1, "kedua": 2, "dua": 2,
    "ketiga": 3, "tiga": 3, "keempat": 4, "empat": 4,
}  # fmt: skip

# Duration units in days; months and years are calendar arithmetic, marked with a negative value.
_DURATION_DAYS: dict[str, int] = {"hari": 1, "minggu": 7, "pekan": 7, "bulan": -1, "tahun": -12}

_PERIOD_MONTHS: dict[str, int] = {"bulan": 1, "triwulan": 3, "kuartal": 3, "semester": 6, "tahun": 12}


def _alternation(words: Iterable[object]) -> str:
    # Longest first so that "Maret" wins over "Mar" and "III" over "I".
    return "|".join(sorted((re.escape(str(w)) for w in words), key=len, reverse=True))


_MONTH = rf"(?P<m>{_alternation(MONTHS)})\.?"
_MOD = r"(?:(?P<mod>akhir|awal|pertengahan|medio|penghujung)\s+)"
_YEAR_JOIN = r"(?:\s*[/-]\s*|\s+(?:tahun\s+(?:anggaran\s+)?|TA\.?\s*)?)"
_UNIT_WORD = rf"(?:{_alternation(_NUMBER_WORDS)})"
_NUMBER = rf"(?:\d{{1,3}}|sepuluh|sebelas|seratus|{_UNIT_WORD}\s+(?:belas|puluh(?:\s+{_UNIT_WORD})?)|{_UNIT_WORD})"
_QUARTER = r"(?:triwulan|tri\s+wulan|kuartal|kwartal|TW|Q)"
_PART = r"(?P<n>IV|III|II|I|[1-4]|pertama|kesatu|kedua|ketiga|keempat|satu|dua|tiga|empat)\b"

# Words that introduce a deadline; a date right after one of them is the deadline of its sentence.
_CUE = re.compile(
    r"\b(?:paling\s+lambat|selambat-?\s?lambatnya|sebelum|batas\s+waktu|tenggat(?:\s+waktu)?|deadline"
    r"|hingga|sampai(?:\s+dengan)?|s\.\s?d\.?|s/d|target(?:\s+waktu)?|jatuh\s+tempo)"
    r"\s*(?:pada\s+)?(?:tanggal|tgl\.?)?\s*:?\s*$",
    re.IGNORECASE,
)
# A cue followed by words we cannot read as a date ("sebelum rapat berikutnya") is still a deadline.
_CUE_PHRASE = re.compile(
    r"\b(?:paling\s+lambat|selambat-?\s?lambatnya|sebelum|batas\s+waktu|tenggat(?:\s+waktu)?|deadline"
    r"|jatuh\s+tempo)\b\s*:?\s*[^.,;:()\n]{1,60}",
    re.IGNORECASE,
)
# Deadline words that name no date at all.
_VAGUE = re.compile(
    r"\b(?:sesegera\s+mungkin|secepatnya|segera|secara\s+berkala|berkala|rutin|berkelanjutan"
    r"|(?:setiap|tiap)\s+(?:hari|minggu|pekan|bulan|triwulan|semester|tahun))\b",
    re.IGNORECASE,
)


@dataclass
class _Mention:
    start: int
    end: int
    value: date | None


_Resolver = Callable[[re.Match[str], date | None], date | None]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def _add_working_days(d: date, days: int) -> date:
    return default_calendar().add_working_days(d, days)


def _pick(mod: str | None, start: date, end: date) -> date:
    mod = (mod or "").lower()
    if mod == "awal":
        return start
    if mod in ("pertengahan", "medio"):
        return start + timedelta(days=(end - start).days // 2)
    return end


def _period(year: int, first_month: int, months: int) -> tuple[date, date]:
    return date(year, first_month, 1), _last_day(year, first_month + months - 1)


def _with_year(year: str | None, reference: date | None, build: Callable[[int], date | None]) -> date | None:
    """Build a date for an explicit year, or for the reference's year (next year if already past)."""
    if year:
        value = int(year)
        return build(value + 2000 if value < 100 else value)
    if reference is None:
        return None
    found = build(reference.year)
    if found is not None and found < reference:
        found = build(reference.year + 1)
    return found


def _number(text: str) -> int | None:
    words = text.lower().split()
    if words[0].isdigit():
        return int(words[0])
    spelled = parse_words(words)
    return spelled[0] if spelled else None


# ---- resolvers: one per phrase shape -------------------------------------------------------------


def _day_month_year(m: re.Match[str], ref: date | None) -> date | None:
    month = MONTHS[m["m"].lower()]
    return _with_year(m["y"], ref, lambda y: _safe_date(y, month, int(m["d"])))


def _numeric_dmy(m: re.Match[str], ref: date | None) -> date | None:
    year = int(m["y"])
    return _safe_date(year + 2000 if year < 100 else year, int(m["mo"]), int(m["d"]))


def _iso(m: re.Match[str], ref: date | None) -> date | None:
    return _safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))


def _month(m: re.Match[str], ref: date | None) -> date | None:
    month = MONTHS[m["m"].lower()]
    return _with_year(m["y"], ref, lambda y: _pick(m["mod"], *_period(y, month, 1)))


def _quarter(m: re.Match[str], ref: date | None) -> date | None:
    first = 3 * _PART_NUMBERS[m["n"].lower()] - 2
    return _with_year(m["y"], ref, lambda y: _pick(m["mod"], *_period(y, first, 3)))


def _semester(m: re.Match[str], ref: date | None) -> date | None:
    part = _PART_NUMBERS[m["n"].lower()]
    if part > 2:
        return None
    return _with_year(m["y"], ref, lambda y: _pick(m["mod"], *_period(y, 6 * part - 5, 6)))


def _year(m: re.Match[str], ref: date | None) -> date | None:
    return _pick(m["mod"], *_period(int(m["y"]), 1, 12))


def _relative_period(m: re.Match[str], ref: date | None) -> date | None:
    """`akhir bulan ini`, `bulan depan`, `akhir triwulan`, `akhir tahun`: the period holding the reference."""
    if ref is None:
        return None
    size = _PERIOD_MONTHS[re.sub(r"kwartal", "kuartal", m["unit"].lower())]
    first = (ref.month - 1) // size * size + 1
    start = date(ref.year, first, 1)
    if m["rel"] and m["rel"].lower() not in ("ini",):
        start = _add_months(start, size)
    return _pick(m["mod"], *_period(start.year, start.month, size))


def _next_week(m: re.Match[str], ref: date | None) -> date | None:
    return ref + timedelta(days=7) if ref else None


def _named_day(m: re.Match[str], ref: date | None) -> date | None:
    offsets = {"besok": 1, "esok": 1, "lusa": 2}
    return ref + timedelta(days=offsets[m[0].lower().split()[0]]) if ref else None


def _duration(m: re.Match[str], ref: date | None) -> date | None:
    if ref is None or m["every"]:
        return None  # "setiap 3 bulan" is a rhythm, not a deadline
    count = 1 if m["one"] else _number(m["n"])
    if count is None:
        return None
    unit = (m["unit"] or m["one"]).lower()
    if m["kerja"] and unit == "hari":
        return _add_working_days(ref, count)
    step = _DURATION_DAYS[unit]
    return ref + timedelta(days=step * count) if step > 0 else _add_months(ref, -step * count)


def _numeric(m: re.Match[str], ref: date | None) -> date | None:
    if m["d"]:
        return _numeric_dmy(m, ref)
    return _safe_date(2000 + int(m["y2"]), int(m["mo2"]), int(m["d2"]))


_YEAR = r"(?P<y>\d{4})(?!\d)"
_OPTIONAL_YEAR = rf"(?:{_YEAR_JOIN}{_YEAR})?"
_RELATIVE_UNIT = r"(?P<unit>bulan|triwulan|kuartal|kwartal|semester|tahun)\b"
_RELATIVE_WORD = r"(?P<rel>ini|depan|berikutnya|yang\s+akan\s+datang|mendatang)\b"
_DURATION_COUNT = rf"\b(?P<n>{_NUMBER})(?:\s*\(\s*[a-z ]+\s*\))?\s+(?P<unit>hari|minggu|pekan|bulan|tahun)\b"
_DURATION_TAIL = r"(?:\s+(?:lagi|ke\s?depan|(?:setelah|sejak|sesudah)\s+(?:rapat|rakor|pertemuan)(?:\s+ini)?)\b)?"

# (pattern, resolver). Where two phrases overlap the longer wins, so "akhir Triwulan I 2024" beats
# "akhir triwulan" and "31 Maret 2024" beats "Maret 2024".
_PATTERNS: list[tuple[str, _Resolver]] = [
    (
        rf"(?<!\d)(?P<d>\d{{1,2}})(?:\s*-\s*|\s+){_MONTH}(?![a-z])(?:(?:\s*-\s*|\s+|\s*,\s*)(?:tahun\s+)?{_YEAR})?",
        _day_month_year,
    ),
    # Day first, as Indonesians write it; two-digit years only with slashes (dots look like outline numbers).
    (
        r"(?<![\d/.-])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<mo>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d/.-])"
        r"|(?<![\d/.-])(?P<d2>\d{1,2})/(?P<mo2>\d{1,2})/(?P<y2>\d{2})(?![\d/.-])",
        _numeric,
    ),
    (r"(?<![\d/.-])(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?![\d/.-])", _iso),
    (rf"{_MOD}?(?:bulan\s+)?\b{_MONTH}(?![a-z]){_YEAR_JOIN}{_YEAR}", _month),
    # A month without a year only when something marks it as a time ("akhir Maret", "bulan Mei").
    (rf"(?:{_MOD}(?:bulan\s+)?|bulan\s+)\b{_MONTH}(?![a-z])(?P<y>)", _month),
    (rf"{_MOD}?\b{_QUARTER}\s*(?:ke-?\s*)?-?\s*{_PART}{_OPTIONAL_YEAR}", _quarter),
    (rf"{_MOD}?\bsemester\s*(?:ke-?\s*)?{_PART}{_OPTIONAL_YEAR}", _semester),
    # A bare year is everywhere in legal text ("PP 19 Tahun 2022"); only a marked one is a deadline.
    (rf"{_MOD}\btahun\s+(?:anggaran\s+)?{_YEAR}", _year),
    (rf"{_MOD}{_RELATIVE_UNIT}(?:\s+{_RELATIVE_WORD})?", _relative_period),
    (rf"\b{_RELATIVE_UNIT}\s+{_RELATIVE_WORD}(?P<mod>)", _relative_period),
    (r"\b(?:minggu|pekan)\s+depan\b", _next_week),
    (r"\b(?:besok|esok\s+hari|lusa)\b", _named_day),
    # "(?!\s+\d{4})": "19 Tahun 2022" is a regulation number, not nineteen years.
    (
        rf"(?P<every>\b(?:setiap|tiap|per)\s+)?(?:{_DURATION_COUNT}(?!\s+\d{{4}})"
        rf"|\bse(?P<one>hari|minggu|pekan|bulan|tahun)\b)(?P<kerja>\s+kerja\b)?{_DURATION_TAIL}",
        _duration,
    ),
]
_COMPILED = [(re.compile(pattern, re.IGNORECASE), resolve) for pattern, resolve in _PATTERNS]


def _mentions(text: str, reference: date | None) -> list[_Mention]:
    """All date phrases in `text`, longest first where they overlap, in reading order."""
    found: list[_Mention] = []
    for pattern, resolve in _COMPILED:
        for match in pattern.finditer(text):
            if match.end() > match.start():
                found.append(_Mention(match.start(), match.end(), resolve(match, reference)))
    chosen: list[_Mention] = []
    for mention in sorted(found, key=lambda m: (m.start - m.end, m.start)):
        if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
            chosen.append(mention)
    return _join_adjacent(text, sorted(chosen, key=lambda m: m.start))


def _join_adjacent(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """Phrases with only spaces between them ("besok lusa") are one phrase we do not know: no date."""
    joined: list[_Mention] = []
    for mention in mentions:
        if joined and not text[joined[-1].end : mention.start].strip():
            joined[-1] = _Mention(joined[-1].start, mention.end, None)
        else:
            joined.append(mention)
    return joined


def _cue_start(text: str, mention: _Mention) -> int | None:
    window_start = max(0, mention.start - 40)
    cue = _CUE.search(text, window_start, mention.start)
    return cue.start() if cue else None


def parse_indonesian_date(text: str, reference: date | None = None) -> date | None:
    """The first readable date or deadline phrase in `text` (e.g. `Selasa, 6 Februari 2024`)."""
    try:
        for mention in _mentions(text or "", reference):
            if mention.value is not None:
                return mention.value
    except (ValueError, OverflowError, KeyError):
        pass
    return None


def find_due_date(text: str, reference: date | None = None) -> tuple[date | None, str | None]:
    """The deadline in a sentence: (date, the words it was read from).

    A date introduced by a cue (`paling lambat`, `sebelum`, `batas waktu`...) wins; otherwise the last
    date, because Indonesian sentences put the deadline at the end ("laporan TW I disampaikan 15 April").
    Words that announce a deadline without one we can read give (None, words).
    """
    text = text or ""
    try:
        mentions = _mentions(text, reference)
    except (ValueError, OverflowError, KeyError):
        mentions = []
    cued: list[tuple[_Mention, int | None]] = [(m, s) for m in mentions if (s := _cue_start(text, m)) is not None]
    for group in (cued, [(m, None) for m in reversed(mentions)]):
        for mention, start in group:
            if mention.value is not None:
                return mention.value, _words(text, start if start is not None else mention.start, mention.end)
    if mentions:
        mention, start = (cued or [(mentions[-1], None)])[0]
        return None, _words(text, start if start is not None else mention.start, mention.end)
    loose = _CUE_PHRASE.search(text) or _VAGUE.search(text)
    return (None, _words(text, loose.start(), loose.end())) if loose else (None, None)


def _words(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split()).strip(" :,;.")


def format_indonesian_date(d: date) -> str:
    """`31 Maret 2024` (Babel, knowledge/formats.py)."""
    return format_date(d)
