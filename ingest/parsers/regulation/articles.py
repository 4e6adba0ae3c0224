"""Article headings and the sequence walk: every "Pasal N" in the text is a candidate, classified by what precedes
and follows it, and `_walk` accepts only the candidates that continue the article sequence.

This is the rule that keeps a reference ("dalam Pasal 4 ayat ...") from becoming a heading; the batang tubuh
and the Penjelasan both walk their articles with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from ingest.notices import Notice, NoticeCode
from ingest.parsers.ocr import PAGE_BREAK, ocr_digits

_PASAL = re.compile(
    r"(?<![\w/])(?:Pas[ae][lLIJ1|]|PASAL|Pasar)[ \t]*(?P<num>[0-9lIO]{1,3}|[IVXL]{1,6})(?P<suffix>[A-Z](?!\w))?"
    r"(?!\w)(?:[ \t](?P<extra>\d)(?!\w))?"
)
_REF_BEFORE = re.compile(
    r"(?:\b(?:dalam|dimaksud|pada|dan|atau|dengan|sesuai|menurut|oleh|lihat|ke|di|bahwa|tentang|berdasarkan|"
    r"sampai|hingga|ini|itu|yaitu|yakni|juga|bagi|terhadap|atas|mengenai|dari|kecuali|melalui|serta|"
    r"termasuk|maupun|untuk|tercantum|diatur|ketentuan|menjadi|antara|setelah|sebelum|juncto|dalarn|"
    r"sebagaimana|berikut|diubah)|\bs\.d\.?|\bs/d|\bjo\.|[,&/])\s*$"
)
_REF_AFTER = re.compile(
    r"(?:Undang-?\s?[Uu]ndang|UUD|UU|Peraturan|Keputusan|Instruksi|Penetapan|Ketetapan|Kitab|KUHP?)"
    r"(?:\s+[A-Z][\w-]*){0,4}?\s+(?:Nomor|No\b|Dasar|Tahun|Republik|RI\b|tentang|\d)"
)
_STRONG_PENJELASAN_FOLLOW = re.compile(r"(?:Ayat|Cukup|Huruf|Angka|Yang\s+dimaksud|Ketentuan|Dalam|Pasal)\b")
_AMENDMENT_WORDS = re.compile(r"\b(?:diubah|ditambah\w*|disisipkan|dihapus|Beberapa\s+ketentuan)\b")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


class _Before(StrEnum):
    """What precedes a "Pasal N" on its line."""

    LINE = "line"  # nothing: it starts the line
    PUNCT = "punct"  # the end of a sentence or a quotation
    UPPER = "upper"  # a word in capitals ("MEMUTUSKAN")
    CAP = "cap"  # a capitalised word
    JELAS = "jelas"  # the "jelas" of "Cukup jelas."
    LOWER = "lower"  # any other word: a reference inside a sentence, most likely


class _After(StrEnum):
    """What follows a "Pasal N"."""

    EOL = "eol"  # the end of the line
    OK = "ok"  # content: "(1)", a capitalised word, a quotation
    NUM = "num"  # a number: a list item ("Pasal 5 1. ...") or a table cell
    LOWER = "lower"  # a lowercase word
    REF = "ref"  # a reference ("Pasal 5 Undang-Undang Nomor ...") or a parenthesis that is not an ayat


@dataclass
class _Candidate:
    start: int  # where "Pasal" begins
    end: int  # end of the number (the extra digit not included)
    raw: str  # number as written
    suffix: str  # "A" in Pasal 2A
    extra: str | None  # the "1" of "Pasal 2 1"
    prev_kind: _Before  # what precedes it on its line
    follow: _After  # what follows it
    own_line: bool
    strong_follow: bool = False
    bare: bool = False  # a number of a collapsed "Pasal Pasal Pasal 10 ... 11 ..." run


@dataclass
class _Heading:
    number: str  # "7", "2A", "I"
    start: int
    content_start: int


_CONTENT_NEXT = (_After.EOL, _After.OK)  # a heading's number is followed by its content, or nothing


def _candidates(text: str, lo: int, hi: int) -> Iterator[_Candidate]:
    for m in _PASAL.finditer(text, lo, hi):
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[max(line_start, m.start() - 40) : m.start()]
        if _REF_BEFORE.search(before):
            continue
        prev_kind = _prev_kind(before)
        end = m.end("suffix") if m.group("suffix") else m.end("num")
        follow, own_line, strong = _follow_kind(text[end : end + 80], m.group("extra"))
        yield _Candidate(
            m.start(),
            end,
            m.group("num"),
            m.group("suffix") or "",
            m.group("extra"),
            prev_kind,
            follow,
            own_line and prev_kind == _Before.LINE,
            strong,
        )


def _prev_kind(before: str) -> _Before:
    stripped = before.rstrip(" \t" + PAGE_BREAK)
    if not stripped:
        return _Before.LINE
    if stripped[-1] in ".;:!?\"”')]":
        return _Before.PUNCT
    word = stripped.split()[-1]
    if word.isupper() and sum(c.isalpha() for c in word) >= 2:
        return _Before.UPPER
    if word[:1].isupper():
        return _Before.CAP
    return _Before.JELAS if word.lower() == "jelas" else _Before.LOWER


def _follow_kind(rest: str, extra: str | None) -> tuple[_After, bool, bool]:
    """Classify what follows a "Pasal N": end of line, content (ok), a lowercase word, or a reference."""
    probe = rest
    if extra:
        probe = rest.lstrip(" \t")[1:]
    # Markdown emphasis and stray marks from the text layer ("Pasal 67 __ (1)", "Pasal 231` (1)") are not content.
    probe = re.sub(r"^[ \t_*`´~]*\.?[ \t_*`´~]*", "", probe)
    own_line = not probe or probe[0] in "\n" + PAGE_BREAK
    if own_line:
        return _After.EOL, True, True
    head = probe[0]
    if head.islower():
        return _After.LOWER, False, False
    if head == "(":
        return (_After.OK, False, True) if re.match(r"\([0-9lU]", probe) else (_After.REF, False, False)
    if head.isdigit():
        return _After.NUM, False, False  # "Pasal 5 1. ..." (a list) or "PPh Pasal 21 34.905.000" (a table)
    if head.isupper() or head in "\"“'":
        if _REF_AFTER.match(probe):
            return _After.REF, False, False
        return _After.OK, False, bool(_STRONG_PENJELASAN_FOLLOW.match(probe))
    return _After.REF, False, False


def _values(cand: _Candidate, roman: bool) -> list[str]:
    """Possible article numbers of a candidate, most specific first."""
    if roman:
        return [cand.raw] if cand.raw in _ROMAN and not cand.suffix else []
    digits = ocr_digits(cand.raw)
    if digits is None or len(digits) > 3:
        return []
    base = str(int(digits)) + cand.suffix
    if cand.extra and not cand.suffix:
        return [str(int(digits + cand.extra)), base]
    return [base]


def _split_number(number: str) -> tuple[int, str]:
    if number in _ROMAN:
        return _ROMAN[number], ""
    match = re.fullmatch(r"(\d+)([A-Z]?)", number)
    return (int(match.group(1)), match.group(2)) if match else (0, "")


def _walk(text: str, cands: list[_Candidate], roman: bool, penjelasan: bool) -> tuple[list[_Heading], list[str]]:
    """Accept the candidates that continue the article sequence; return headings and gap warnings."""
    headings: list[_Heading] = []
    gaps: list[str] = []
    last_num, last_suffix = 0, ""
    for cand in cands:
        if cand.follow == _After.REF or (cand.follow == _After.LOWER and not cand.own_line):
            continue
        if cand.follow == _After.NUM and cand.prev_kind not in (_Before.LINE, _Before.PUNCT):
            continue
        values = _values(cand, roman)
        if not values:
            continue
        if headings and values[-1] == headings[-1].number and not text[headings[-1].content_start : cand.start].strip():
            # The same heading printed twice in a row (page repeat): the article starts after the second one.
            headings[-1].content_start = _skip_heading_punct(text, cand.end)
            continue
        expected = last_num + 1
        chosen = None
        for value in values:
            num, suffix = _split_number(value)
            if (num == expected and not suffix) or (num == last_num and suffix > last_suffix and last_num):
                chosen = value
                break
        if chosen is None and not cand.bare:
            num, suffix = _split_number(values[-1])
            if penjelasan:
                context = cand.prev_kind in (_Before.LINE, _Before.PUNCT, _Before.JELAS) or cand.strong_follow
                ok = expected < num <= expected + 60 and context and not suffix and cand.follow in _CONTENT_NEXT
            else:
                context = cand.prev_kind in (_Before.LINE, _Before.PUNCT, _Before.UPPER, _Before.CAP)
                ok = (expected < num <= expected + 3 and context and cand.follow in _CONTENT_NEXT) or (
                    expected < num <= expected + 20 and cand.own_line
                )
            if ok:
                chosen = values[-1]
                if not penjelasan:
                    missing = f"{expected}" if num == expected + 1 else f"{expected}-{num - 1}"
                    gaps.append(missing)
        if chosen is None:
            continue
        last_num, last_suffix = _split_number(chosen)
        content_start = cand.end
        if cand.extra and chosen == values[0] and len(values) == 2:
            content_start = text.index(cand.extra, cand.end) + 1
        content_start = _skip_heading_punct(text, content_start)
        headings.append(_Heading(chosen, cand.start, content_start))
    warnings: list[str] = [Notice(NoticeCode.ARTICLE_GAPS, gaps=", ".join(gaps))] if gaps else []
    return headings, warnings


_HEADING_PUNCT = re.compile(r"[ \t]*\.?")  # "Pasal 1." in old regulations


def _skip_heading_punct(text: str, pos: int) -> int:
    match = _HEADING_PUNCT.match(text, pos)
    return match.end() if match else pos


def _is_amendment(text: str, cands: list[_Candidate]) -> bool:
    """An amending regulation numbers its own articles I, II, ... and Pasal I says what is amended."""
    has_two = any(c.raw == "II" and c.follow in _CONTENT_NEXT for c in cands)
    for cand in cands:
        if cand.raw == "I" and cand.follow in _CONTENT_NEXT:
            return has_two and bool(_AMENDMENT_WORDS.search(text, cand.end, cand.end + 800))
    return False
