"""Sentences of Indonesian legal text, cut where a sentence ends and not at every full stop.

"Psl. 99 menyatakan ...", "UU No. 23 Thn. 2014", "ayat (1) huruf a. dan b.", "dst.", "a.n. Menteri",
"Rp1.000.000,00" and list markers ("1.", "a.") all hold a full stop that ends nothing. Cutting there would let
the half after the cut ("99 menyatakan ...") be checked on its own, without the article it names. When in
doubt the splitter keeps text together: a longer sentence is checked as a whole, which is the safe side.
"""

from __future__ import annotations

import re

# Written with or without inner dots ("s.d." and "sd."); compared without them, lower-cased.
ABBREVIATIONS = frozenset(
    """
    psl ps no nom nmr thn th tgl hlm hal dst dll dsb dkk sbb sd spt yth jo jl jln kab kec kel prov
    bpk ib sdr sdri dr drs dra ir prof h hj st se mt mm msi msc kep per ttd lamp an up ub vs cf eg ie tsb pd
    kpd utk dg dgn yg ybs bag ket ref lih rp kp rt rw mr mrs ms jend kol let kapt mayj brigjen lt
    """.split()
)
_MARKERS = r"(?:\s*\[\d{1,2}(?:\s*[,;]\s*\d{1,2})*\])*"
# A candidate end: ! ? or . (possibly "..." or "…"), closing quotes or brackets, then markers that belong to
# the sentence before ("... 14 hari. [1]"), then the space before the next sentence.
_END = re.compile(r"(?:[.!?]+|…)[\"'”’)\]]*" + _MARKERS + r"(?=\s+\S)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*|\d+)\s*$")
_LIST_CONTEXT = re.compile(r"(?:^|[:;,]|\bdan|\batau)\s*$", re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    """Sentences and list lines of `text`, stripped, in order; markers after a full stop stay with it."""
    sentences: list[str] = []
    for line in text.splitlines():
        sentences.extend(_split_line(line))
    return [s for s in sentences if s]


def _split_line(line: str) -> list[str]:
    out: list[str] = []
    start = 0
    for match in _END.finditer(line):
        if not _ends_sentence(line, start, match):
            continue
        out.append(line[start : match.end()].strip())
        start = match.end()
    out.append(line[start:].strip())
    return [s for s in out if s]


def _ends_sentence(line: str, start: int, match: re.Match[str]) -> bool:
    punct = match.group()
    if not punct.startswith(".") or punct.startswith(".."):
        return _next_starts_sentence(line, match.end())
    before = line[start : match.start()]
    word = _WORD_BEFORE.search(before)
    if word is not None:
        token = word.group(1)
        bare = token.replace(".", "").lower()
        if token[0].isalpha() and (len(bare) == 1 or bare in ABBREVIATIONS or "." in token.strip(".")):
            return False  # "huruf a.", "M. Tito", "Psl.", "s.d.", "a.n."
        if token.isdigit() and len(token) <= 2 and _LIST_CONTEXT.search(before[: word.start()]):
            return False  # a list marker: "meliputi: 1. perencanaan"
    return _next_starts_sentence(line, match.end())


def _next_starts_sentence(line: str, end: int) -> bool:
    """What follows opens a sentence: a capital, a digit, a quote or a bracket, not a lower-case word."""
    rest = line[end:].lstrip()
    if not rest:
        return True
    first = rest[0]
    return first.isupper() or first.isdigit() or first in "\"'“‘([-•*"
