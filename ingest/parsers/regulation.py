"""Parse an Indonesian regulation (UU, PP, Perpres, Permen, Perda, ...) into citable passages.

A regulation is read as: identity header -> pembukaan (Menimbang/Mengingat, not indexed) -> batang tubuh
(BAB / Bagian / Paragraf / Pasal / ayat) -> closing formula -> PENJELASAN (I. UMUM, II. PASAL DEMI PASAL).

The text is usually OCR output: headings run into the text, several articles share a line, digits are letters.
The parser therefore never trusts a "Pasal N" by its look alone: article numbers run in sequence, so a candidate
heading is accepted only when it has heading context (not "dalam Pasal 4 ayat ...") and its number is the next
one expected (or a plausible small gap). The same holds for ayat inside an article. A wrong article number is
the worst failure of the product; losing a heading (its text stays in the previous article) is the lesser one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import cast

from ingest.notices import Notice, NoticeCode
from ingest.parsers.ocr import PAGE_BREAK, ocr_digits, repair_text
from ingest.parsers.status import extract_status
from ingest.readers.files import Page
from knowledge.model import BATANG_TUBUH, PENJELASAN, PENJELASAN_UMUM, REVOKED, Document, Passage

UMUM_MAX_CHARS = 1500  # size of one Penjelasan Umum passage

# ----------------------------------------------------------------------------------------------------------
# Kinds of regulation
# ----------------------------------------------------------------------------------------------------------

# (pattern on the upper-cased kind phrase, abbreviation, full name or None to use the phrase itself). Order matters.
_JENIS: list[tuple[re.Pattern[str], str, str | None]] = [
    (
        re.compile(r"PERATURAN PEMERINTAH PENGGANTI UNDANG-UNDANG$"),
        "PERPU",
        "Peraturan Pemerintah Pengganti Undang-Undang",
    ),
    (re.compile(r"PERATURAN PEMERINTAH$"), "PP", "Peraturan Pemerintah"),
    (re.compile(r"UNDANG-UNDANG DARURAT$"), "UUDRT", "Undang-Undang Darurat"),
    (re.compile(r"UNDANG-UNDANG$"), "UU", "Undang-Undang"),
    (re.compile(r"PERATURAN PRESIDEN$"), "PERPRES", "Peraturan Presiden"),
    (re.compile(r"KEPUTUSAN PRESIDEN$"), "KEPPRES", "Keputusan Presiden"),
    (re.compile(r"INSTRUKSI PRESIDEN$"), "INPRES", "Instruksi Presiden"),
    (re.compile(r"PENETAPAN PRESIDEN$"), "PENPRES", "Penetapan Presiden"),
    (re.compile(r"PERATURAN MENTERI DALAM NEGERI$"), "PERMENDAGRI", "Peraturan Menteri Dalam Negeri"),
    (re.compile(r"PERATURAN MENTERI KEUANGAN$"), "PMK", "Peraturan Menteri Keuangan"),
    (re.compile(r"PERATURAN MENTERI KESEHATAN$"), "PERMENKES", "Peraturan Menteri Kesehatan"),
    (re.compile(r"PERATURAN MENTERI( [A-Z/,-]+){1,12}$"), "PERMEN", None),
    (re.compile(r"KEPUTUSAN MENTERI( [A-Z/,-]+){1,12}$"), "KEPMEN", None),
    (re.compile(r"PERATURAN DAERAH( [A-Z/-]+){0,6}$"), "PERDA", None),
    (re.compile(r"PERATURAN GUBERNUR( [A-Z/-]+){0,6}$"), "PERGUB", None),
    (re.compile(r"PERATURAN BUPATI( [A-Z/-]+){0,6}$"), "PERBUP", None),
    (re.compile(r"PERATURAN WALI ?KOTA( [A-Z/-]+){0,6}$"), "PERWALI", None),
    (re.compile(r"PERATURAN CONTOH$"), "CONTOH", "Peraturan Contoh"),  # fictional kind of the demo corpus
]

# File-name prefixes ({jenis}-{tahun}-{nomor}.md) and the full names they stand for.
_FILE_JENIS = {
    "uu": "Undang-Undang",
    "perpu": "Peraturan Pemerintah Pengganti Undang-Undang",
    "perppu": "Peraturan Pemerintah Pengganti Undang-Undang",
    "pp": "Peraturan Pemerintah",
    "perpres": "Peraturan Presiden",
    "keppres": "Keputusan Presiden",
    "inpres": "Instruksi Presiden",
    "permendagri": "Peraturan Menteri Dalam Negeri",
    "pmk": "Peraturan Menteri Keuangan",
    "permenkes": "Peraturan Menteri Kesehatan",
    "permen": "Peraturan Menteri",
    "kepmen": "Keputusan Menteri",
    "perda": "Peraturan Daerah",
    "pergub": "Peraturan Gubernur",
    "perbup": "Peraturan Bupati",
    "perwali": "Peraturan Wali Kota",
    "contoh": "Peraturan Contoh",
}


def classify_jenis(phrase: str) -> tuple[str, str] | None:
    """`Peraturan Menteri Keuangan` -> ("PMK", "Peraturan Menteri Keuangan"); None for an unknown kind."""
    norm = re.sub(r"\s*-\s*|(?<=UNDANG) (?=UNDANG)", "-", phrase.upper())
    norm = re.sub(r"\b(?:REPUB\w*|IN[DO]ONES\w*|RI)\b", " ", norm)
    norm = " ".join(norm.split())
    for pattern, abbr, name in _JENIS:
        if pattern.match(norm):
            return abbr, name or _capitalize_words(norm)
    return None


@dataclass(frozen=True)
class Identity:
    doc_type: str  # "PP"
    jenis: str  # "Peraturan Pemerintah"
    nomor: str
    tahun: int

    @property
    def short_name(self) -> str:
        return f"{self.doc_type} {self.nomor}/{self.tahun}"


# ----------------------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------------------

# "NOMOR 19 TAHUN 2022", or a ministerial "NOMOR 148/PMK.07/2012" whose year closes the number.
_ID_NUMBER = re.compile(
    r"\bN\s?O\s?M\s?O\s?R\s*:?\s*(?P<nomor>[0-9lIO]{1,4}[A-Z]?)"
    r"(?:(?:/[\w.-]+)*/(?P<slash_year>(?:19|20)\d\d)\b|(?:/[\w./-]*)?\s+T\s?A\s?H\s?U\s?N\s*:?\s+(?P<tahun>(?:19|20)\d\d)\b)"
)
_JENIS_START = re.compile(r"(?<!PENGGANTI )\b(?:PERATURAN|KEPUTUSAN|INSTRUKSI|PENETAPAN|UNDANG(?:-\s?|\s)UNDANG)\b")
_HEADING_PASAL = re.compile(r"(?m)^[ \t]*Pasal[ \t]+\d{1,3}[A-Z]?[ \t]*\.?[ \t]*$")
_INLINE_PASAL = re.compile(r"(?:^|[.;:][ \t]+)Pasal[ \t]+\d{1,3}[A-Z]?[ \t]+(?:\(1\)|[A-Z])", re.M)


def looks_like_regulation(text: str) -> bool:
    """Cheap test used to route a file to this parser: an identity header, or several article headings."""
    head = text[:5000]
    for match in _ID_NUMBER.finditer(head):
        run = head[max(0, match.start() - 150) : match.start()]
        if _JENIS_START.search(run) and re.search(r"\bPas[ae][lI1]\b", text):
            return True
    headings = len(_HEADING_PASAL.findall(text, 0, 200_000))
    return headings >= 2 or headings + len(_INLINE_PASAL.findall(text, 0, 200_000)) >= 3


def parse_regulation(pages: list[Page], source: str, content_hash: str = "") -> Document:
    """Parse the pages of one regulation into a finalized Document (passages in document order).

    Raises ValueError when the text has neither an identity header nor any article.
    """
    text, fixes, page_map = _prepare(pages)
    warnings: list[str] = []
    if fixes:
        warnings.append(Notice(NoticeCode.OCR_REPAIRED, fixes=fixes))

    layout = _locate(text)
    identity = _resolve_identity(text, layout, source, warnings)
    title = _find_title(text, layout)

    passages: list[Passage] = []
    if layout.body is not None:
        passages += _body_passages(text, layout.body, page_map)
        warnings += layout.body.warnings
    else:
        warnings.append(Notice(NoticeCode.NO_ARTICLES))
    if layout.penjelasan_start is not None:
        passages += _penjelasan_passages(text, layout, page_map, passages)

    doc = Document(
        doc=identity.short_name,
        title=title,
        doc_type=identity.doc_type,
        jenis=identity.jenis,
        nomor=identity.nomor,
        tahun=identity.tahun,
        passages=passages,
        warnings=warnings,
        source=source,
        content_hash=content_hash,
    )
    doc.status_edges, unreadable = extract_status(passages, identity.short_name, title, classify_jenis, text)
    doc.revokes = [e.target for e in doc.status_edges if e.kind == REVOKED]
    doc.warnings += unreadable
    return doc.finalize()


def _resolve_identity(text: str, layout: _Layout, source: str, warnings: list[str]) -> Identity:
    """The identity in the text; the file name only when the text has none (with a warning)."""
    identity = _identity_from_text(text, layout)
    name = Path(source).name
    if layout.body is None and identity is None:
        raise ValueError(f"{name}: not a parsable regulation (no identity header and no Pasal found)")
    from_file = _identity_from_filename(source)
    if identity is None:
        if from_file is None:
            raise ValueError(
                f"{name}: regulation without an identity header, and the file name does not follow "
                "the {jenis}-{tahun}-{nomor}.md convention"
            )
        warnings.append(Notice(NoticeCode.IDENTITY_FROM_FILE, doc=from_file.short_name))
        return from_file
    if (
        from_file is not None
        and (identity.doc_type, identity.nomor) == (from_file.doc_type, from_file.nomor)
        and identity.tahun > date.today().year
    ):
        # "TAHUN 2O2T" read as 2027: a year still to come is OCR noise; the file name has the real one.
        warnings.append(Notice(NoticeCode.YEAR_AHEAD, year=identity.tahun, doc=from_file.short_name))
        return from_file
    if from_file is not None and from_file.short_name != identity.short_name:
        warnings.append(Notice(NoticeCode.NAME_MISMATCH, file=from_file.short_name, text=identity.short_name))
    return identity


# ----------------------------------------------------------------------------------------------------------
# Text preparation and page numbers
# ----------------------------------------------------------------------------------------------------------


@dataclass
class _PageMap:
    starts: list[int]
    numbers: list[int | None]

    def at(self, offset: int) -> int | None:
        return self.numbers[max(0, bisect_right(self.starts, offset) - 1)] if self.numbers else None


def _prepare(pages: list[Page]) -> tuple[str, int, _PageMap]:
    """Join pages with a page-break mark, repair OCR noise, and remember where each page starts."""
    joined = (PAGE_BREAK + "\n").join(page.text.replace(PAGE_BREAK, "\n").replace("\r\n", "\n") for page in pages)
    text, fixes = repair_text(joined)
    starts = [0]
    while (found := text.find(PAGE_BREAK, starts[-1])) != -1:
        starts.append(found + 1)
    numbers = [page.number for page in pages]
    if len(starts) != len(numbers):  # a repair lost a page mark: better no page than a wrong one
        starts, numbers = [0], [None]
    return text, fixes, _PageMap(starts, numbers)


# ----------------------------------------------------------------------------------------------------------
# Identity and title
# ----------------------------------------------------------------------------------------------------------


def _identity_from_text(text: str, layout: _Layout) -> Identity | None:
    """The first "<JENIS> ... NOMOR n TAHUN yyyy" in the header, else in the Penjelasan header."""
    regions = [(0, min(len(text), 6000))]
    if layout.penjelasan_start is not None:
        regions.append((layout.penjelasan_start, min(len(text), layout.penjelasan_start + 1500)))
    for lo, hi in regions:
        for match in _ID_NUMBER.finditer(text, lo, hi):
            run = re.search(r"(?:[A-Z][A-Z-]*[ \t\n]+){1,14}$", text[max(lo, match.start() - 200) : match.start()])
            if not run:
                continue
            starts = list(_JENIS_START.finditer(run.group(0)))
            # "... TENTANG PERUBAHAN ATAS UNDANG-UNDANG NOMOR 23 TAHUN 2013" names another regulation.
            if not starts or "TENTANG" in run.group(0)[: starts[-1].start()]:
                continue
            kind = classify_jenis(run.group(0)[starts[-1].start() :])
            raw = re.fullmatch(r"([0-9lIO]+?)([A-Z]?)", match.group("nomor"))
            nomor = ocr_digits(raw.group(1)) if raw else None
            if kind and nomor and raw:  # nomor implies raw
                tahun = int(match.group("tahun") or match.group("slash_year"))
                return Identity(kind[0], kind[1], str(int(nomor)) + raw.group(2), tahun)
    return None


def _identity_from_filename(source: str) -> Identity | None:
    """`pp-2022-19.md` -> PP 19/2022 (also accepts `contoh-1-2024.md`, i.e. nomor before tahun)."""
    stem = Path(source).stem.lower()
    match = re.fullmatch(r"(?P<jenis>[a-z]+)[-_](?P<a>\d{1,4}[a-z]?)[-_](?P<b>\d{1,4}[a-z]?)", stem)
    if not match or match.group("jenis") not in _FILE_JENIS:
        return None
    a, b = match.group("a"), match.group("b")
    tahun, nomor = (a, b) if _is_year(a) else (b, a)
    if not _is_year(tahun):
        return None
    jenis = match.group("jenis")
    abbr = "PERPU" if jenis == "perppu" else jenis.upper()
    return Identity(abbr, _FILE_JENIS[jenis], nomor.upper().lstrip("0") or "0", int(tahun))


def _is_year(token: str) -> bool:
    return token.isdigit() and 1900 <= int(token) <= 2099


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


def _capitalize_words(phrase: str) -> str:
    return " ".join("-".join(p.capitalize() for p in word.split("-")) for word in phrase.split())


# ----------------------------------------------------------------------------------------------------------
# Article headings and the sequence walk
# ----------------------------------------------------------------------------------------------------------

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


@dataclass
class _Body:
    headings: list[_Heading]
    end: int
    roman: bool
    structure: list[tuple[int, int, str, str]] = field(default_factory=list)  # (start, end, kind, title)
    warnings: list[str] = field(default_factory=list)


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


# ----------------------------------------------------------------------------------------------------------
# Layout: batang tubuh, closing, penjelasan
# ----------------------------------------------------------------------------------------------------------

_PENJELASAN_MARK = re.compile(
    r"\bPENJELASAN\s+(?:A\s?T\s?A\s?S\s+)?(?=(?:UNDANG|PERATURAN|KEPUTUSAN|INSTRUKSI|PENETAPAN))"
)
_CLOSING = re.compile(
    r"Agar\s+(?:supaya\s+)?(?:setiap\s+)?orang\s+(?:dapat\s+)?mengetahuinya|\bDitetapkan\s+di\s*:?\s+[A-Z]|"
    r"\bDisahkan\s+di\s*:?\s+[A-Z]"
)
_STRUCT = re.compile(
    r"(?<![\w/])(?P<kind>BAB|Bab|Bagian|BAGIAN|Paragraf|PARAGRAF)[ \t]+"
    r"(?P<num>[IVXLC]+|\d{1,3}|Ke[a-z]+|KE[A-Z]+|Pertama|PERTAMA)\b\.?"
)


@dataclass
class _Layout:
    body: _Body | None
    penjelasan_start: int | None


def _locate(text: str) -> _Layout:
    marker = _PENJELASAN_MARK.search(text)
    limit = marker.start() if marker else len(text)
    cands = list(_candidates(text, 0, limit))
    roman = _is_amendment(text, cands)
    headings, warnings = _walk(text, cands, roman, penjelasan=False)
    if not headings:
        return _Layout(None, marker.start() if marker else None)
    closing = _CLOSING.search(text, headings[-1].content_start, limit)
    end = closing.start() if closing else limit
    headings = [h for h in headings if h.start < end]
    body = _Body(headings, end, roman, warnings=warnings)
    if not roman:
        body.structure = _structure(text, headings, end)
    if marker:
        return _Layout(body, marker.start())
    # The Penjelasan heading can be lost in OCR: explanations then follow the closing formula directly.
    has_more = end < len(text) and re.search(r"PASAL\s+DEMI\s+PASAL|\bUMUM\b|Pasal\s+[1Il]\b", text[end:])
    return _Layout(body, end if has_more else None)


def _structure(text: str, headings: list[_Heading], end: int) -> list[tuple[int, int, str, str]]:
    """BAB / Bagian / Paragraf headings: accepted only when they sit right before an article or another heading."""
    anchors = [h.start for h in headings]
    lo = max(0, headings[0].start - 800)
    found = [
        m for m in _STRUCT.finditer(text, lo, end) if not _REF_BEFORE.search(text[max(0, m.start() - 30) : m.start()])
    ]
    accepted: list[tuple[int, int, str, str]] = []
    next_anchor_after: int | None = None
    for m in reversed(found):
        i = bisect_right(anchors, m.start())
        pasal_next = anchors[i] if i < len(anchors) else end
        nxt = min(pasal_next, next_anchor_after) if next_anchor_after and next_anchor_after > m.start() else pasal_next
        title = text[m.end() : nxt]
        if len(title) > 250 or nxt >= end:  # a heading heads an article; after the last one it is text
            continue
        # A title is a phrase, not sentences; old regulations put sub-headings ("A. Usaha ...") under a BAB,
        # which is distinctive enough to accept when it starts a line or follows a sentence.
        sentences = re.search(r"[.;:]\s+\S", title.strip()[:-1] if title.strip() else "")
        bab_at_start = m.group("kind") == "BAB" and _prev_kind(text[max(0, m.start() - 40) : m.start()]) in (
            _Before.LINE,
            _Before.PUNCT,
        )
        if sentences and not bab_at_start:
            continue
        kind = m.group("kind").upper() if m.group("kind").upper() == "BAB" else m.group("kind").capitalize()
        label = " ".join(f"{kind} {m.group('num')} {_tidy(title).strip(' .')}".split())
        accepted.append((m.start(), nxt, kind, label))
        next_anchor_after = m.start()
    return list(reversed(accepted))


# ----------------------------------------------------------------------------------------------------------
# Ayat
# ----------------------------------------------------------------------------------------------------------

_AYAT = re.compile(
    r"(?<![\w(])(?:"
    r"\((?P<n1>[0-9lIOU]{1,2})(?P<s1>[a-z])?\)"
    r"|\((?P<n2>[0-9]{1,2})(?P<noise>[\\|\]tfL]|ll|[1l](?=[\s,.;]))"
    r"|\((?P<n3>[0-9lU])(?=\s)"
    r"|(?<!\w)l(?P<n4>\d)l(?!\w)"
    r")"
)
_AYAT_REF_BEFORE = re.compile(
    r"(?:\b(?:ayat|Ayat|pada|dan|atau|dengan|dalam|huruf|angka|sampai|hingga|dimaksud|oleh|ke|di|"
    r"bahwa|serta|tentang)|\bs\.d\.?|\bs/d|[,/&])\s*$"
)


def _ayat_values(m: re.Match[str]) -> list[str]:
    if m.group("n1"):
        digits = ocr_digits(m.group("n1"))
        return [str(int(digits)) + (m.group("s1") or "")] if digits else []
    if m.group("n2"):
        base = m.group("n2")
        return [str(int(base))] + ([base + "1"] if m.group("noise") in ("1", "l") else [])
    digits = ocr_digits(m.group("n3") or m.group("n4") or "")
    return [str(int(digits))] if digits else []


def _split_ayat(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """Ayat markers of one article as (number, marker start, text start); empty when it has no ayat."""
    tokens = list(_AYAT.finditer(text, lo, hi))
    if (
        not tokens
        or text[lo : tokens[0].start()].strip(" \t\n.:-_*" + PAGE_BREAK)
        or "1" not in _ayat_values(tokens[0])
    ):
        return []
    found = [("1", tokens[0].start(), tokens[0].end())]
    last = 1
    for tok in tokens[1:]:
        before = text[max(lo, tok.start() - 25) : tok.start()]
        after = text[tok.end() : tok.end() + 3].lstrip(" \t\n" + PAGE_BREAK)
        if not after:
            continue
        if _AYAT_REF_BEFORE.search(before):
            # Old regulations end an ayat with a comma ("... sub b, (3) Penempatan ..."); a list of references
            # ("ayat (1), (2)") has a marker right before the comma.
            comma_only = before.rstrip().endswith(",") and not before.rstrip()[:-1].rstrip().endswith(")")
            if not (comma_only and str(last + 1) in _ayat_values(tok) and after[0].isupper()):
                continue
        # An ayat starts a sentence: after ". ", ";", ":" or a line break, or at least with a capital letter.
        starts_sentence = before.rstrip(" \t" + PAGE_BREAK)[-1:] in (".", ";", ":", "\n", "")
        capital = after[0].isupper() or after[0] in '"“'
        if not (capital or starts_sentence):
            continue
        values = _ayat_values(tok)
        chosen = next((v for v in values if v == str(last + 1)), None)
        if chosen is None:
            chosen = next(
                (v for v in values if v.isdigit() and last + 1 < int(v) <= last + 2 and starts_sentence and capital),
                None,
            )
            if chosen is None:
                # Inserted ayat "(2a)" follow their base number.
                chosen = next((v for v in values if v[:-1] == str(last) and v[-1:].isalpha()), None)
        if chosen is None:
            continue
        found.append((chosen, tok.start(), tok.end()))
        # Every candidate is a number, or a number and a letter ("2a"): the match never fails.
        last = int(cast(re.Match[str], re.match(r"\d+", chosen)).group(0))
    return found


# ----------------------------------------------------------------------------------------------------------
# Batang tubuh passages
# ----------------------------------------------------------------------------------------------------------

# Words of capitals (with digits and punctuation) up to the end. Each word is matched whole, one way only:
# "[^\sa-z]*[A-Z][^\sa-z]*" could split a word at any of its capitals and backtracked for minutes on old
# all-caps documents.
_CAPS_WORD = r"(?=[^\sa-z]*[A-Z])[^\sa-z]+"
_ORPHAN_HEADING = re.compile(rf"(?<=[.;:])\s+(?P<h>(?:{_CAPS_WORD}\s+)+{_CAPS_WORD})\s*$")
ORPHAN_HEADING_CHARS = 400  # a chapter title is shorter; only the end of an article is searched
_AMEND_ITEM = re.compile(
    r"(?:(?<=\n)|(?<=[.:;]\s)|(?<=[.:;]\n))(?P<n>\d{1,3})\.\s+(?=(?:Ketentuan|Di\s*antara|Diantara|Pasal|Judul|BAB|Bab|"
    r"Bagian|Paragraf|Penjelasan|Lampiran|Setelah|Sebelum|Menambah|Mengubah|Menghapus|Menyisipkan|Huruf|Angka|"
    r"Ayat|Dalam|Mengganti|Sisipkan|Tambahkan)\b)"
)


def _body_passages(text: str, body: _Body, page_map: _PageMap) -> list[Passage]:
    passages: list[Passage] = []
    structure = body.structure
    s_index = 0
    bab = bagian = paragraf = None
    struct_starts = [s[0] for s in structure]
    for i, heading in enumerate(body.headings):
        while s_index < len(structure) and structure[s_index][0] < heading.start:
            _, _, kind, label = structure[s_index]
            if kind == "BAB":
                bab, bagian, paragraf = label, None, None
            elif kind == "Bagian":
                bagian, paragraf = label, None
            else:
                paragraf = label
            s_index += 1
        end = body.headings[i + 1].start if i + 1 < len(body.headings) else body.end
        j = bisect_right(struct_starts, heading.content_start)
        if j < len(struct_starts) and struct_starts[j] < end:
            end = struct_starts[j]
        end, orphan = _strip_orphan_heading(text, heading.content_start, end)
        context = {"bab": bab, "bagian": bagian, "paragraf": paragraf}
        made = (_amendment_article if body.roman else _article)(text, heading, end, page_map, context)
        if not made:
            body.warnings.append(Notice(NoticeCode.EMPTY_ARTICLE, pasal=heading.number))
        passages += made
        if orphan:  # a BAB title whose "BAB n" was lost still starts a new chapter for the following articles
            bab, bagian, paragraf = orphan, None, None
    return passages


def _strip_orphan_heading(text: str, lo: int, hi: int) -> tuple[int, str | None]:
    """Cut an upper-case heading line stuck at the end of an article; return the new end and the heading."""
    match = _ORPHAN_HEADING.search(text, max(lo, hi - ORPHAN_HEADING_CHARS), hi)
    if not match:
        return hi, None
    heading = " ".join(match.group("h").split())
    letters = sum(c.isalpha() for c in heading)
    if len(heading.split()) < 2 or letters < 8 or re.match(r"[A-Z0-9]{1,3}[.)]\s", heading):
        return hi, None
    noise = re.search(r"REPUBLIK|INDONESIA|DISTRIBUSI|SALINAN", heading)
    return match.start(), None if noise else heading


def _article(text: str, heading: _Heading, end: int, page_map: _PageMap, context: dict) -> list[Passage]:
    ayat = _split_ayat(text, heading.content_start, end)
    if not ayat:
        body = _tidy(text[heading.content_start : end])
        if not body:
            return []
        return [
            Passage(
                text=body,
                part=BATANG_TUBUH,
                pasal=heading.number,
                page=page_map.at(heading.start),
                parent_text=f"Pasal {heading.number}\n{body}",
                **context,
            )
        ]
    pieces = []
    for k, (number, marker_start, text_start) in enumerate(ayat):
        text_end = ayat[k + 1][1] if k + 1 < len(ayat) else end
        body = _tidy(text[text_start:text_end])
        if body:  # a bare marker whose words the OCR put elsewhere is not a citable ayat
            pieces.append((number, marker_start, f"({number}) {body}"))
    parent = f"Pasal {heading.number}\n" + "\n".join(piece for _, _, piece in pieces)
    return [
        Passage(
            text=piece,
            part=BATANG_TUBUH,
            pasal=heading.number,
            ayat=number,
            page=page_map.at(start),
            parent_text=parent,
            **context,
        )
        for number, start, piece in pieces
    ]


def _amendment_article(text: str, heading: _Heading, end: int, page_map: _PageMap, context: dict) -> list[Passage]:
    """Pasal I of an amending regulation: one passage per numbered amendment item (nested articles stay inside)."""
    items = _sequence_items(_AMEND_ITEM, text, heading.content_start, end)
    if not items:
        return _article(text, heading, end, page_map, context)
    bounds = [heading.content_start, *items, end]
    parent = f"Pasal {heading.number}\n" + _tidy(text[heading.content_start : end])
    passages = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        chunk = _tidy(text[lo:hi])
        if chunk:
            passages.append(
                Passage(
                    text=chunk,
                    part=BATANG_TUBUH,
                    pasal=heading.number,
                    page=page_map.at(lo),
                    parent_text=parent,
                    **context,
                )
            )
    return passages


def _sequence_items(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> list[int]:
    """Start offsets of items numbered 1, 2, 3, ... (numbers out of sequence belong to nested lists)."""
    starts, expected = [], 1
    for m in pattern.finditer(text, lo, hi):
        if int(m.group("n")) == expected:
            starts.append(m.start())
            expected += 1
    return starts


# ----------------------------------------------------------------------------------------------------------
# Penjelasan
# ----------------------------------------------------------------------------------------------------------

_UMUM = re.compile(r"\bI\s?\.\s*UMUM\b\.?|\bPENJELASAN\s+UMUM\b\.?|\bUMUM\b\.?(?=\s+[A-Z0-9]?[a-z0-9])")
_PDP = re.compile(r"(?:\bII\s?\.\s*)?(?:\bPENJELASAN\s+)?(?:PASAL\s+DEMI\s+PASAL|Pasal\s+[Dd]emi\s+[Pp]asal)\b\.?")
_TRAILER = re.compile(
    r"\s(?:TAMBAHAN\s+LEMBARAN\s+[A-Z]+\b|PRESIDEN\s+REPUBLIK\s+INDONESIA\s*,?\s*(?:ttd|TTD|Ttd)|"
    r"LEMBARAN\s+NEGARA\s+REPUBLIK\s+INDONESIA\s+TAHUN)"
)
_RUN = re.compile(r"(?P<run>(?:(?:Pas[ae][lLIJ1|]|PASAL)\s+){2,})(?P<num>[0-9tTlI|]{1,3})(?=\s)")
_BARE_NUMBER = re.compile(r"(?:(?<=[.;:\"”])|(?<=jelas))\s+(?P<num>[0-9tTlI|]{1,3}[A-Z]?)\s+(?=[A-Z\"“])")
_PJ_AYAT = re.compile(r"\bAyat\s*(?=\(|l\d)")
_HURUF_BREAK = re.compile(r"([.;:]) (?=(?:Huruf|Angka) [a-z0-9]{1,3}\b)")  # one explained item per line
_ANGKA_ITEM = re.compile(r"(?:(?<=\n)|(?<=[.:;\s]))Angka\s+(?P<n>\d{1,3})\b")


def _penjelasan_passages(text: str, layout: _Layout, page_map: _PageMap, body: list[Passage]) -> list[Passage]:
    start = layout.penjelasan_start
    assert start is not None
    end = len(text)
    # The last page carries the gazette number and sometimes a signature: not part of any explanation.
    trailers = [m.start() for m in _TRAILER.finditer(text, start)]
    if trailers and len(text) - trailers[-1] < 600:
        end = trailers[-1]
    pdp = _PDP.search(text, start, end)
    umum = _UMUM.search(text, start, pdp.start() if pdp else end)
    passages: list[Passage] = []
    if umum:
        passages += _umum_passages(text, umum.end(), pdp.start() if pdp else end, page_map)
    lo = pdp.end() if pdp else (umum.end() if umum else start)
    roman = layout.body.roman if layout.body else False
    cands = sorted(list(_candidates(text, lo, end)) + _collapsed_runs(text, lo, end), key=lambda c: c.start)
    headings, _ = _walk(text, cands, roman, penjelasan=True)
    contexts = {p.pasal: {"bab": p.bab, "bagian": p.bagian, "paragraf": p.paragraf} for p in body}
    for i, heading in enumerate(headings):
        h_end = headings[i + 1].start if i + 1 < len(headings) else end
        context = contexts.get(heading.number, {})
        if roman:
            passages += _penjelasan_amendment(text, heading, h_end, page_map, context)
        else:
            passages += _penjelasan_article(text, heading, h_end, page_map, context)
    return passages


def _umum_passages(text: str, lo: int, hi: int, page_map: _PageMap) -> list[Passage]:
    chunks = _chunk(text, lo, hi, UMUM_MAX_CHARS)
    parent = _tidy(text[lo:hi])
    return [
        Passage(text=chunk, part=PENJELASAN_UMUM, page=page_map.at(start), parent_text=parent)
        for start, chunk in chunks
    ]


def _chunk(text: str, lo: int, hi: int, limit: int) -> list[tuple[int, str]]:
    """Paragraph-sized chunks (≤ limit chars where sentences allow), with their start offsets."""
    pieces: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text[lo:hi]):
        p_lo, p_hi = lo + para.start(), lo + para.end()
        if p_hi - p_lo <= limit:
            pieces.append((p_lo, p_hi))
            continue
        cut = p_lo
        for sentence in re.finditer(r"(?<=[.;?!])\s+(?=[A-Z0-9\"“(])", text[p_lo:p_hi]):
            if p_lo + sentence.start() - cut > limit * 0.6:
                pieces.append((cut, p_lo + sentence.start()))
                cut = p_lo + sentence.end()
        pieces.append((cut, p_hi))
    merged: list[list[int]] = []
    for p_lo, p_hi in pieces:
        if not _tidy(text[p_lo:p_hi]):
            continue
        if merged and p_hi - merged[-1][0] <= limit:
            merged[-1][1] = p_hi
        else:
            merged.append([p_lo, p_hi])
    return [(m_lo, _tidy(text[m_lo:m_hi])) for m_lo, m_hi in merged]


def _collapsed_runs(text: str, lo: int, hi: int) -> list[_Candidate]:
    """`Pasal Pasal Pasal 10 Cukup jelas. 11 Cukup jelas. t2 Cukup jelas.` -> headings 10, 11, 12.

    OCR of a two-column layout puts the k "Pasal" words first and the k numbers later; each number then
    heads its own explanation. Only k numbers, each the next in sequence, are taken.
    """
    found: list[_Candidate] = []
    for run in _RUN.finditer(text, lo, hi):
        count = len(run.group("run").split())
        first = ocr_digits(run.group("num"))
        if first is None:
            continue
        found.append(_bare_candidate(run.start(), run.end("num"), first))
        expected, pos = int(first) + 1, run.end("num")
        for _ in range(count - 1):
            nxt = next(
                (
                    m
                    for m in _BARE_NUMBER.finditer(text, pos, min(hi, pos + 4000))
                    if ocr_digits(m.group("num")) == str(expected)
                ),
                None,
            )
            if nxt is None:
                break
            found.append(_bare_candidate(nxt.start("num"), nxt.end("num"), str(expected)))
            expected, pos = expected + 1, nxt.end("num")
    return found


def _bare_candidate(start: int, end: int, number: str) -> _Candidate:
    return _Candidate(
        start=start,
        end=end,
        raw=number,
        suffix="",
        extra=None,
        prev_kind=_Before.PUNCT,
        follow=_After.OK,
        own_line=False,
        strong_follow=True,
        bare=True,
    )


def _penjelasan_article(text: str, heading: _Heading, end: int, page_map: _PageMap, context: dict) -> list[Passage]:
    marks: list[tuple[str, int, int]] = []
    last = 0
    for m in _PJ_AYAT.finditer(text, heading.content_start, end):
        before = text[max(heading.content_start, m.start() - 25) : m.start()]
        token = _AYAT.match(text, m.end())
        if not token or _AYAT_REF_BEFORE.search(before.replace("Ayat", "")):
            continue
        values = [int(v) for v in _ayat_values(token) if v.isdigit()]
        chosen = last + 1 if last + 1 in values else min((v for v in values if v > last), default=None)
        if chosen is None:
            continue
        marks.append((str(chosen), m.start(), token.end()))
        last = chosen
    parent_lines = [f"Pasal {heading.number}"]
    passages: list[Passage] = []
    lead_end = marks[0][1] if marks else end
    lead = _HURUF_BREAK.sub(r"\1\n", _tidy(text[heading.content_start : lead_end]))
    if lead:
        parent_lines.append(lead)
        passages.append(
            Passage(text=lead, part=PENJELASAN, pasal=heading.number, page=page_map.at(heading.start), **context)
        )
    for k, (number, start, text_start) in enumerate(marks):
        text_end = marks[k + 1][1] if k + 1 < len(marks) else end
        body = _HURUF_BREAK.sub(r"\1\n", _tidy(text[text_start:text_end]))
        parent_lines.append(f"Ayat ({number}) {body}".strip())
        if body:
            passages.append(
                Passage(
                    text=body, part=PENJELASAN, pasal=heading.number, ayat=number, page=page_map.at(start), **context
                )
            )
    parent = "\n".join(parent_lines)
    for passage in passages:
        passage.parent_text = parent
    return passages


def _penjelasan_amendment(text: str, heading: _Heading, end: int, page_map: _PageMap, context: dict) -> list[Passage]:
    items = _sequence_items(_ANGKA_ITEM, text, heading.content_start, end)
    bounds = [heading.content_start] + items + [end]
    parent = f"Pasal {heading.number}\n" + _tidy(text[heading.content_start : end])
    passages = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        for start, chunk in _chunk(text, lo, hi, UMUM_MAX_CHARS):
            passages.append(
                Passage(
                    text=chunk,
                    part=PENJELASAN,
                    pasal=heading.number,
                    page=page_map.at(start),
                    parent_text=parent,
                    **context,
                )
            )
    return passages


# ----------------------------------------------------------------------------------------------------------
# Display text
# ----------------------------------------------------------------------------------------------------------

# Patterns start with the punctuation they follow (not a lookbehind): _tidy runs on every passage.
_LIST_BREAK = re.compile(
    # "...meliputi: a. x; b. y; dan c. z" -> one list item per line.
    r"([;:]|; dan|; atau|; dan/atau) (?=(?:[a-z]|\d{1,2})[.)] )"
    # Definitions: "... Tahun 1945. 2. Urusan Pemerintahan adalah ..."
    r"|(\.) (?=\d{1,2}\. [A-Z])"
)
_EMPHASIS_ONLY = re.compile(r"(?<!\S)[_*]+(?!\S)")  # markdown emphasis marks left alone by the extraction
_TRAILING_PAGE_NUMBER = re.compile(r"([.;:])\s+\d{1,3}$")


def _tidy(raw: str) -> str:
    """Whitespace-normalized text that keeps the document's line breaks (lists display one item per line)."""
    raw = raw.replace(PAGE_BREAK, " ")
    if "_" in raw or "*" in raw:
        raw = _EMPHASIS_ONLY.sub(" ", raw)
    lines = (" ".join(line.split()) for line in raw.split("\n"))
    text = "\n".join(line for line in lines if line)
    text = _LIST_BREAK.sub(lambda m: (m.group(1) or m.group(2)) + "\n", text)
    text = _TRAILING_PAGE_NUMBER.sub(r"\1", text)
    return text.strip() if re.search(r"\w", text) else ""
