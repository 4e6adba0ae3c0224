"""Batang tubuh passages: one passage per ayat (or per article without ayat), each with its BAB, Bagian and
Paragraf; an amending regulation's Pasal I gives one passage per numbered amendment item.

These are the passages cited as "PP 19/2022 Pasal 7 ayat (5)".
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ingest.notices import Notice, NoticeCode
from ingest.parsers.regulation.articles import _Heading
from ingest.parsers.regulation.ayat import _split_ayat
from ingest.parsers.regulation.layout import _Body
from ingest.parsers.regulation.text import _PageMap, _tidy
from knowledge.model import BATANG_TUBUH, Passage

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
