"""Safe, general repairs of OCR noise in Indonesian regulation text.

Every repair here is one that cannot change the meaning of a correct text: it only fires on character
sequences that do not occur in clean Indonesian legal prose (`T\\rgas`, `2O2O`, `(l)`, stray `^`, running page
headers, page-break catchwords). Decisions that need context (is `(21` ayat 2 or 21? is `Pasal 2 1` Pasal 21?)
belong to the regulation parser, which knows the expected numbering sequence; `ocr_digits` helps it.

Page breaks: the parser joins PDF pages with PAGE_BREAK; every repair keeps those characters, so page numbers
can be recovered after repairing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PAGE_BREAK = "\f"

_MONTHS = "Januari|Februari|Pebruari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Nopember|Desember"

# Letters that OCR commonly produces in place of digits inside numbers.
_DIGIT_LOOKALIKES = str.maketrans(
    {"l": "1", "I": "1", "i": "1", "|": "1", "t": "1", "T": "1", "U": "1", "O": "0", "o": "0"}
)
# Inside a year (see _year): the common look-alikes anywhere, the rarer ones only in the last position.
_YEAR_HEAD = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "L": "1"})
_YEAR_TAIL = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "L": "1", "S": "5", "T": "7", "Z": "2"})


def ocr_digits(token: str) -> str | None:
    """`l2` -> `12`, `T7` -> `17`, `2O` -> `20`; None when the token is not a (noisy) number."""
    mapped = token.translate(_DIGIT_LOOKALIKES)
    return mapped if mapped.isdigit() else None


def _keep_breaks(repl: str | Callable[[re.Match[str]], str]) -> Callable[[re.Match[str]], str]:
    """Wrap a replacement so that page-break characters inside the replaced span survive."""

    def replace(match: re.Match[str]) -> str:
        new = repl(match) if callable(repl) else match.expand(repl)
        return new + PAGE_BREAK * match.group(0).count(PAGE_BREAK)

    return replace


def _year(match: re.Match[str]) -> str:
    token = match.group(0)
    # Only the last position may be one of the rarer look-alikes (S=5, T=7, Z=2).
    head = token[:-1].translate(_YEAR_HEAD)
    tail = token[-1].translate(_YEAR_TAIL)
    year = head + tail
    if year.isdigit() and 1900 <= int(year) <= 2099:
        return year
    return token


def _unglue_month(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    before = " " if start and text[start - 1].isdigit() else ""
    after = " " if re.match(r"[\dOl]\w{3}\b", text[end : end + 5]) else ""
    return before + match.group(0) + after


# (pattern, replacement) in order; each fixes one kind of noise, and the counts are summed into the repair
# report. Patterns start with a literal character where possible (lookbehinds come after it): the corpus is
# megabytes, and a leading assertion makes `re` test every position.
_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    # Running page headers with a page number: "PRESIDEN REPUBLIK INDONESIA -7-" (PRESIDEN removed below).
    (
        re.compile(
            r"R\s?E\s?P\s?U\s?B\s?(?:L\s?I|U)\s?K\s+I\s?N\s?[DO]\s?O\s?N\s?E\s?S\s?I\s?A?\s*-\s?\d{1,3}\s?-(?=\s)"
        ),
        "REPUBLIK INDONESIA",
    ),
    # Bare page numbers "- 7 -" between words, and the publisher's footer.
    (re.compile(r"-(?<=\s-)\s?\d{1,3}\s?-(?=\s)"), " "),
    (re.compile(r"https?://www\.peraturan\.go\.id/?|www\.peraturan\.go\.id/?"), " "),
    # A running "PRESIDEN REPUBLIK INDONESIA" header inside the text (never after PERATURAN/KEPUTUSAN/INSTRUKSI,
    # where it names the kind of regulation, and never before a comma, where it signs the regulation).
    (
        re.compile(
            r"P(?<=\sP)(?<!PERATURAN P)(?<!KEPUTUSAN P)(?<!INSTRUKSI P)(?<!PENETAPAN P)"
            r"\s?R\s?E\s?S\s?[I1l]\s?[DO0]\s?E\s?N\s+REPUB(?:LIK|UK)\s+IN[DO]ONES\w*(?=\s+[^,\s])"
        ),
        " ",
    ),
    # The dataset's watermark, and quotes inside upper-case words ('KE"TENTUAN').
    (re.compile(r"DISTRIBUSI\s+I{1,3}\b"), " "),
    (re.compile(r'"(?<=[A-Z]")(?=[A-Z]{2})'), ""),
    # Stray carets from the PDF text layer.
    (re.compile(r"\^"), ""),
    # "Tugas" is the most damaged word of the corpus: T\rgas, Tlrgas, Thgas, Ttrgas, T\: gas, T\.rgas, T[rgas.
    (re.compile(r"([Tt])(?<!\w[Tt])(?:\\[.:]?\s?r?|\[r?|lr|tr|h)gas\b"), r"\1ugas"),
    # Garbled words that would otherwise hide the identity header.
    (re.compile(r"REPUBUK\b"), "REPUBLIK"),
    (re.compile(r"INOONESIA\b"), "INDONESIA"),
    (re.compile(r"lndonesia\b"), "Indonesia"),
    # Glued dates: "9Mei2022" -> "9 Mei 2022", "padatanggal" -> "pada tanggal".
    (re.compile(rf"(?:{_MONTHS})"), _unglue_month),
    (re.compile(r"([Pp])adatanggal\b"), r"\1ada tanggal"),
    # Years with letters for digits: 2O2O, 2Ol4, 20IS, l94S.
    (re.compile(r"[12l](?<![\w/][12l])[09O][0-9OolIL][0-9OolILSTZ](?![\w/])"), _year),
    # Ayat markers: (l) -> (1), (lO) -> (10), l2l -> (2), (2\ -> (2), "Pasal 1 (U Dalam" -> (1).
    (re.compile(r"\((l|l[0-9O]|[0-9][lO])\)"), lambda m: f"({ocr_digits(m.group(1))})"),
    (re.compile(r"l(?<![\w(]l)(\d)l(?!\w)"), r"(\1)"),
    (re.compile(r"\((\d{1,2})[\\|\]](?=\s)"), r"(\1)"),
    (re.compile(r"\(U(?<=\s\(U)(?=\s+[A-Z])"), "(1)"),
    # A reference "ayat (21" can only be ayat (2): the closing parenthesis was read as 1.
    (re.compile(r"ayat \((?<!\wayat \()([2-9])[1lt](?=[\s,.;])"), r"ayat (\1)"),
    # "PaseJ 24", "PasaI 5", "PasaL22" -> "Pasal 24", ...
    (re.compile(r"Pas(?:aI|a1|a\||eJ|el|aJ|aL)(?<!\wPas..)(?=\s?\d)"), "Pasal"),
    (re.compile(r"Pasal(?=\d)"), "Pasal "),
    # A list item "l." at the start of a line is item 1.
    (re.compile(r"\nl\.(?=\s)"), "\n1."),
    # Headers whose spaces the recogniser dropped: "NOMOR5 TAHUN2024", "Nomor5".
    (re.compile(r"(N)(OMOR|omor)(?=\d)"), r"\1\2 "),
    (re.compile(r"TAHUN(?<=\dTAHUN)"), " TAHUN"),
    (re.compile(r"(T)(AHUN|ahun)(?=\d{4}\b)"), r"\1\2 "),
]

_ELLIPSIS = re.compile(r"(?:\.{3}|…)[.…]*")


def _drop_catchwords(text: str) -> tuple[str, int]:
    """Printed regulations repeat the first words of the next page at the bottom of the page ("Pasal 5...").

    The copy, and any running header between it and the real words, is dropped; otherwise a repeated
    "Ayat (2)..." or "Pasal 5..." would look like a second heading.
    """
    pieces: list[str] = []
    pos = fixes = 0
    for mark in _ELLIPSIS.finditer(text):
        if mark.start() < pos or mark.start() == 0 or text[mark.start() - 1].isspace():
            continue
        line_start = max(pos, text.rfind("\n", 0, mark.start()) + 1, mark.start() - 120)
        words = text[line_start : mark.start()].split(" ")
        for count in (3, 2, 1):
            if len(words) < count or not all(words[-count:]):
                continue
            catchword = " ".join(words[-count:])
            repeat = re.compile(r"\s*[^\n]{0,80}?\s*" + re.escape(catchword) + r"(?!\w)").match(text, mark.end())
            if repeat:
                cut_from = mark.start() - len(catchword)
                cut_to = repeat.end() - len(catchword)
                pieces.append(text[pos:cut_from])
                pieces.append(PAGE_BREAK * text.count(PAGE_BREAK, cut_from, cut_to))
                pos = cut_to
                fixes += 1
                break
    pieces.append(text[pos:])
    return "".join(pieces), fixes


_SPACES = re.compile(r"[ \t\u00a0]{2,}")


def repair_text(text: str) -> tuple[str, int]:
    """Return the repaired text and the number of repairs made. Page-break characters are preserved."""
    text = _SPACES.sub(" ", text)
    text, fixes = _drop_catchwords(text)
    for pattern, repl in _RULES:
        changed = 0

        def counted(match: re.Match[str], _repl=repl) -> str:
            nonlocal changed
            new = _keep_breaks(_repl)(match)
            if new != match.group(0):
                changed += 1
            return new

        text = pattern.sub(counted, text)
        fixes += changed
    return _SPACES.sub(" ", text), fixes
