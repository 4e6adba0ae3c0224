"""Parse an Indonesian regulation (UU, PP, Perpres, Permen, Perda, ...) into citable passages.

A regulation is read as: identity header -> pembukaan (Menimbang/Mengingat, not indexed) -> batang tubuh
(BAB / Bagian / Paragraf / Pasal / ayat) -> closing formula -> PENJELASAN (I. UMUM, II. PASAL DEMI PASAL).

The text is usually OCR output: headings run into the text, several articles share a line, digits are letters.
The parser therefore never trusts a "Pasal N" by its look alone: article numbers run in sequence, so a candidate
heading is accepted only when it has heading context (not "dalam Pasal 4 ayat ...") and its number is the next
one expected (or a plausible small gap). The same holds for ayat inside an article. A wrong article number is
the worst failure of the product; losing a heading (its text stays in the previous article) is the lesser one.

The modules follow that reading order: `text` (pages joined, OCR repaired, page numbers; the display text of a
passage), `kinds` (kinds of regulation and file-name prefixes), `identity` and `title` (what the regulation is
and what it is called), `articles` (article headings and the sequence walk), `layout` (where the batang tubuh,
the closing and the Penjelasan are), `ayat`, `body` (batang tubuh passages) and `penjelasan`. This module holds
the public API. A name with a leading underscore is private to the package: a module imports a sibling's only
where two steps share it (the article walk serves both the batang tubuh and the Penjelasan), and the modules
import each other without cycles (an import-linter contract in pyproject.toml).
"""

from __future__ import annotations

import re

from ingest.notices import Notice, NoticeCode
from ingest.parsers.regulation.body import _body_passages
from ingest.parsers.regulation.identity import _ID_NUMBER, _JENIS_START, _resolve_identity
from ingest.parsers.regulation.kinds import classify_jenis
from ingest.parsers.regulation.layout import _locate
from ingest.parsers.regulation.penjelasan import _penjelasan_passages
from ingest.parsers.regulation.text import _prepare
from ingest.parsers.regulation.title import _find_title
from ingest.parsers.status import extract_status
from ingest.readers.files import Page
from knowledge.model import REVOKED, Document, Passage

__all__ = ["classify_jenis", "looks_like_regulation", "parse_regulation"]

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
