"""Numbers as people write them in Indonesian legal text: digits ("1.000.000", "2,5"), words ("sembilan puluh
sembilan", "seratus dua puluh satu") and Roman numerals (Pasal II of an amending law).

Generated answers are checked number by number against the passages they cite, so "Pasal sembilan puluh
sembilan" must be read as 99 and "30 (tiga puluh) hari" as 30 twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "nol": 0,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
# "se-" is "one": sepuluh, sebelas, seratus, seribu, sejuta.
_SE_WORDS = {"sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 1000, "sejuta": 1_000_000}
_SMALL_SCALES = {"puluh": 10, "ratus": 100}
_LARGE_SCALES = {"ribu": 1000, "juta": 1_000_000, "miliar": 1_000_000_000, "milyar": 1_000_000_000}
NUMBER_WORDS = frozenset([*_UNITS, *_SE_WORDS, "belas", *_SMALL_SCALES, *_LARGE_SCALES])

_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class NumberMention:
    value: int | float
    start: int
    end: int


def parse_words(words: list[str]) -> tuple[int, int] | None:
    """The cardinal the leading words spell, and how many words it took; None if they spell none.

    "dua puluh satu hari" -> (21, 3); "seratus lima" -> (105, 2); "sebelas" -> (11, 1); "belas" -> None.
    Reading stops at the first word that would not continue a well-formed number.
    """
    total = 0  # groups already closed by ribu/juta/miliar
    current = 0  # the part below the next large scale
    unit = 0  # the unit word just read, which puluh/belas/ratus multiply
    last = ""  # kind of the previous word: unit, teen, tens, hundreds, large
    used = 0
    for raw in words:
        word = raw.lower()
        if word in _UNITS:
            if last in ("unit", "teen"):
                break
            unit = _UNITS[word]
            current += unit
            last = "unit"
        elif word == "belas":
            if last != "unit" or (current - unit) % 100:
                break
            current += 10
            last = "teen"
        elif word in _SMALL_SCALES:
            scale = _SMALL_SCALES[word]
            if last != "unit" or (current - unit) % (scale * 10):
                break
            current += unit * (scale - 1)
            last = "tens" if scale == 10 else "hundreds"
        elif word in _SE_WORDS:
            value = _SE_WORDS[word]
            if value >= 1000:
                if last or total:
                    break
                total, last = value, "large"
            else:
                if last in ("unit", "teen", "tens") or (value == 100 and current % 1000):
                    break
                current += value
                last = "teen" if value < 100 else "hundreds"
        elif word in _LARGE_SCALES:
            if last in ("", "large") or current == 0:
                break
            total += current * _LARGE_SCALES[word]
            current = 0
            last = "large"
        else:
            break
        used += 1
    if used == 0:
        return None
    return total + current, used


def find_number_words(text: str) -> list[NumberMention]:
    """Every run of number words in `text`, with its value and span ("tiga puluh" in "30 (tiga puluh) hari")."""
    matches = list(_WORD.finditer(text))
    found: list[NumberMention] = []
    i = 0
    while i < len(matches):
        if matches[i].group().lower() not in NUMBER_WORDS:
            i += 1
            continue
        # Only a run of words separated by spaces is one number: "dua, tiga" are two.
        run = [matches[i]]
        j = i + 1
        while (
            j < len(matches)
            and matches[j].group().lower() in NUMBER_WORDS
            and not text[matches[j - 1].end() : matches[j].start()].strip()
        ):
            run.append(matches[j])
            j += 1
        k = 0
        while k < len(run):
            parsed = parse_words([m.group() for m in run[k:]])
            if parsed is None:
                k += 1
                continue
            value, used = parsed
            found.append(NumberMention(value, run[k].start(), run[k + used - 1].end()))
            k += used
        i = j
    return found


# Digits with separators: "1.000.000", "2,5", "Rp1.000.000,00", and "1,000,000" as models trained on English
# write it.
_DIGITS = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)*(?!\d)")


def digit_readings(raw: str) -> set[int | float]:
    """What a written number may mean: "1.000.000" -> {1000000}; "2,5" -> {2.5}; "1,000" -> {1.0, 1000}
    (Indonesian decimal or English thousands); "1.000.000,50" -> {1000000.5}. Empty if it is no number."""
    raw = raw.strip(".,")
    if not raw:
        return set()
    separators = set(re.findall(r"[.,]", raw))
    groups = re.split(r"[.,]", raw)
    if len(groups) == 1:
        return {int(raw)}
    readings: set[int | float] = set()
    if len(separators) == 1 and all(len(g) == 3 for g in groups[1:]):
        readings.add(int("".join(groups)))  # thousands
    if len(groups) == 2:
        readings.add(float(f"{groups[0]}.{groups[1]}"))  # a decimal, with either mark
    elif len(separators) == 2:
        # "1.000.000,50" or "1,000,000.50": the last mark is the decimal one
        mark = raw[max(raw.rfind("."), raw.rfind(","))]
        head, _, tail = raw.rpartition(mark)
        if all(len(g) == 3 for g in re.split(r"[.,]", head)[1:]):
            readings.add(float(re.sub(r"[.,]", "", head) + "." + tail))
    return {int(v) if isinstance(v, float) and v.is_integer() else v for v in readings}


def find_digit_numbers(text: str) -> list[tuple[set[int | float], int, int]]:
    """Each number written in digits: its possible readings and its span."""
    found = []
    for match in _DIGITS.finditer(text):
        readings = digit_readings(match.group())
        if readings:
            found.append((readings, match.start(), match.end()))
    return found


def number_values(text: str) -> set[int | float]:
    """Every number `text` states, in digits (every reading) or in words."""
    values: set[int | float] = set()
    for readings, _start, _end in find_digit_numbers(text):
        values |= readings
    values.update(m.value for m in find_number_words(text))
    return values


_ROMAN = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_value(text: str) -> int | None:
    """ "II" -> 2, "XIV" -> 14; None for anything that is not a well-formed Roman numeral."""
    if not text or not _ROMAN.match(text):
        return None
    total = 0
    for i, char in enumerate(text):
        value = _ROMAN_VALUES[char]
        following = _ROMAN_VALUES[text[i + 1]] if i + 1 < len(text) else 0
        total += -value if value < following else value
    return total


def to_roman(value: int) -> str:
    out = []
    for symbol, amount in (
        ("M", 1000), ("CM", 900), ("D", 500), ("CD", 400), ("C", 100), ("XC", 90),
        ("L", 50), ("XL", 40), ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1),
    ):  # fmt: skip
        while value >= amount:
            out.append(symbol)
            value -= amount
    return "".join(out)
