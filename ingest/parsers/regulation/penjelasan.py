"""Penjelasan passages: the general explanation (I. UMUM) in paragraph-sized chunks, and the article by article
explanation (II. PASAL DEMI PASAL), one passage per explained article or ayat, under the chapter of the article
it explains.

OCR of the two-column Penjelasan collapses "Pasal" headings into runs; they are recovered here before the
same article walk as the batang tubuh's.
"""

from __future__ import annotations

import re

from ingest.parsers.ocr import ocr_digits
from ingest.parsers.regulation.articles import _After, _Before, _Candidate, _candidates, _Heading, _walk
from ingest.parsers.regulation.ayat import _AYAT, _AYAT_REF_BEFORE, _ayat_values
from ingest.parsers.regulation.body import _sequence_items
from ingest.parsers.regulation.layout import _Layout
from ingest.parsers.regulation.text import _PageMap, _tidy
from knowledge.model import PENJELASAN, PENJELASAN_UMUM, Passage

UMUM_MAX_CHARS = 1500  # size of one Penjelasan Umum passage


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
