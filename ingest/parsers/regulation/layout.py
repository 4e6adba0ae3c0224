"""The layout of a regulation: where its batang tubuh starts and ends (the closing formula), which BAB, Bagian
and Paragraf headings it has, and where the Penjelasan starts (also when OCR lost its heading).

Identity, title, body and Penjelasan passages all read their part of the text from this one layout.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ingest.parsers.regulation.articles import (
    _REF_BEFORE,
    _Before,
    _candidates,
    _Heading,
    _is_amendment,
    _prev_kind,
    _walk,
)
from ingest.parsers.regulation.text import _tidy

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
class _Body:
    headings: list[_Heading]
    end: int
    roman: bool
    structure: list[tuple[int, int, str, str]] = field(default_factory=list)  # (start, end, kind, title)
    warnings: list[str] = field(default_factory=list)


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
