"""The title of a regulation ("Dekonsentrasi dan Tugas Pembantuan"): found after "Menetapkan: ... TENTANG",
else in the identity header or the Penjelasan header, and turned from capitals into title case.

Title casing (small words, acronyms, words broken at a line end) is a trade of its own, kept apart from the
identity, which decides citations.
"""

from __future__ import annotations

import re

from ingest.parsers.regulation.identity import _ID_NUMBER
from ingest.parsers.regulation.layout import _Layout

_TENTANG = r"T\s?[EI]\s?[MN]\s?T\s?A\s?N\s?G"
_ENACTED_TITLE = re.compile(
    rf"(?:PERATURAN|UNDANG-\s?UNDANG|KEPUTUSAN|INSTRUKSI|PENETAPAN)(?:[ \t]+[A-Z][A-Z-]*){{0,6}}?[ \t]+{_TENTANG}[ \t]+"
    r"(?P<title>[A-Z0-9\"'(][^a-z\n]{2,500}?)[ \t]?\.(?=\s|$)"
)
# The header title: the run of words without lower-case letters after TENTANG.
_HEADER_TITLE = re.compile(rf"[\s.…]*{_TENTANG}\s+(?P<title>(?:[^\sa-z]+(?:[ \t\n]+|$)){{1,80}})")
_TITLE_STOP = re.compile(
    r"\s(?:DENGAN\s+RAHMAT|PRESIDEN\s+REPUBLIK|MENIMBANG|MENGINGAT|I\s?\.\s*UMUM|UMUM\b|BAB\s+[IVX]+\b|"
    r"[A-Z]\s?E\s?P\s?U\s?T\s?U\s?S\s?A\s?N\b|DISTRIBUSI\b|SALINAN\b)"
)


def _find_title(text: str, layout: _Layout) -> str:
    """Prefer the title in "Menetapkan: PERATURAN ... TENTANG X." (complete), then the header, then Penjelasan."""
    first_pasal = layout.body.headings[0].start if layout.body and layout.body.headings else min(len(text), 20000)
    enacted = _ENACTED_TITLE.search(text, 0, first_pasal + 1)
    if enacted:
        return _title_case(enacted.group("title"))
    regions = [(0, min(len(text), 6000))]
    if layout.penjelasan_start is not None:
        regions.append((layout.penjelasan_start, min(len(text), layout.penjelasan_start + 1500)))
    for lo, hi in regions:
        number = _ID_NUMBER.search(text, lo, hi)
        header = _HEADER_TITLE.match(text, number.end(), hi) if number else None
        if header:
            title = _TITLE_STOP.split(" " + header.group("title"), maxsplit=1)[0]
            if len(title.strip()) >= 3:
                return _title_case(title)
    return ""


_SMALL_WORDS = {
    "dan",
    "atau",
    "di",
    "ke",
    "dari",
    "yang",
    "untuk",
    "pada",
    "dalam",
    "sebagai",
    "antara",
    "serta",
    "atas",
    "tentang",
    "oleh",
    "dengan",
    "bagi",
    "terhadap",
    "kepada",
    "melalui",
    "secara",
    "mengenai",
    "dan/atau",
}
_ACRONYMS = {
    "APBN",
    "APBD",
    "BUMN",
    "BUMD",
    "DKI",
    "RI",
    "NKRI",
    "TNI",
    "POLRI",
    "ASN",
    "PNS",
    "UMKM",
    "BPK",
    "DAK",
    "DAU",
    "DPR",
    "DPD",
    "MPR",
    "KUHP",
    "GWPP",
    "DPRD",
    "PPN",
    "BLU",
    "NSPK",
    "SPM",
}


def _title_case(raw: str) -> str:
    """`DEKONSENTRASI DAN TUGAS PEMBANTUAN` -> `Dekonsentrasi dan Tugas Pembantuan`; mixed case is kept."""
    raw = " ".join(re.sub(r"(?<=[A-Za-z])-\s+(?=[A-Za-z])", _join_hyphen, raw).split()).strip(" .,;:")
    if re.search(r"[a-z]", raw):
        return raw[:1].upper() + raw[1:]
    raw = re.sub(r"\b([A-Z]+)-([A-Z]+)\b", _rejoin_broken_word, raw)
    words = []
    for i, word in enumerate(raw.split()):
        core = word.strip("()\"',.;:")
        if (
            core in _ACRONYMS
            or (core.isalpha() and not re.search(r"[AEIOU]", core))
            or re.fullmatch(r"(?:I{1,3}|IV|VI{0,3}|IX|XI{0,3})", core)
        ):
            words.append(word)
        elif i > 0 and word.lower() in _SMALL_WORDS:
            words.append(word.lower())
        else:
            words.append(re.sub(r"(?:^|(?<=[-/(]))([a-z])", lambda m: m.group(1).upper(), word.lower()))
    return " ".join(words)


def _join_hyphen(match: re.Match[str]) -> str:
    """ "UNDANG- UNDANG" is a reduplication (keep the hyphen); "PENYELENGGA- RAAN" is a word broken at a line end."""
    text = match.string
    left = re.search(r"[A-Za-z]+$", text[: match.start()])
    right = re.match(r"[A-Za-z]+", text[match.end() :])
    same = left and right and left.group(0).lower() == right.group(0).lower()
    return "-" if same else ""


def _rejoin_broken_word(match: re.Match[str]) -> str:
    """`PENYELENGGA-RAAN` (a hyphen left by a line break) -> `PENYELENGGARAAN`; `NON-KEMENTERIAN` stays."""
    left, right = match.group(1), match.group(2)
    return left + right if len(left) >= 6 and len(right) <= 4 and left != right else match.group(0)
