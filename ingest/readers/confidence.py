"""OCR confidence per passage: how surely the characters of each passage read from a scan were recognised.

The parsers work on text and know nothing of OCR; afterwards each passage that starts on a scanned page is
matched back to the OCR lines (or table cells) it contains, on that page and the next, and gets their mean
confidence weighted by length. A passage whose lines cannot be matched (repairs changed them) gets its page's
confidence. Passages from a text layer keep None.
"""

from __future__ import annotations

import re

from ingest.readers.files import Page
from ingest.readers.scan import mean_confidence
from knowledge.model import Document

MIN_KEY = 6  # shorter pieces ("1", "PIC") would match anywhere
_NOT_ALNUM = re.compile(r"[\W_]+")


def stamp_confidence(document: Document, pages: list[Page]) -> None:
    """Set Passage.ocr_confidence for every passage of `document` that starts on a scanned page."""
    scanned = {page.number: page for page in pages if page.scanned and page.number is not None}
    if not scanned:
        return
    pieces = {number: _pieces(page) for number, page in scanned.items()}
    for passage in document.passages:
        page = scanned.get(passage.page) if passage.page is not None else None
        if page is None or passage.page is None:  # the second test only tells the type checker
            continue
        key = _key(passage.text)
        found = [
            (text, confidence)
            for number in (passage.page, (passage.page or 0) + 1)
            for text, piece_key, confidence in pieces.get(number, [])
            if piece_key in key
        ]
        passage.ocr_confidence = mean_confidence(found) if found else page.confidence


def _pieces(page: Page) -> list[tuple[str, str, float]]:
    """(text, match key, confidence) of each OCR line, or of each cell of a table row."""
    out = []
    for text, confidence in page.lines:
        parts = [cell for cell in text.strip().strip("|").split("|")] if text.lstrip().startswith("|") else [text]
        for part in parts:
            key = _key(part)
            if len(key) >= MIN_KEY and set(key) != {"-"}:
                out.append((part.strip(), key, confidence))
    return out


def _key(text: str) -> str:
    return _NOT_ALNUM.sub("", text.lower())
