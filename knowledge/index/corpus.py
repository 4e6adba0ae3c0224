"""An in-memory, read-only snapshot of the live passages, for fast retrieval and exact article look-up.

A snapshot is tied to the store's generation: when an ingest finishes, the next question loads a new
snapshot while answers already under way finish on the old one.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import select

from knowledge.db import DocumentRow, PassageRow
from knowledge.index.bm25 import BM25Index, tokenize
from knowledge.index.status import PassageStatus, StatusGraph
from knowledge.index.store import KnowledgeStore, passage_from_row
from knowledge.index.vectors import unit_passage_id
from knowledge.model import BATANG_TUBUH, BERLAKU, DICABUT, DIUBAH, INSERTED, NOTULEN, PENJELASAN, REKOMENDASI, Passage


@dataclass
class DocInfo:
    doc: str
    title: str
    doc_type: str
    status: str
    revoked_by: str | None
    source: str
    info: dict[str, Any]
    pasals: list[str] = field(default_factory=list)  # batang tubuh articles, in order


def pasal_sort_key(pasal: str) -> tuple[int, str]:
    match = re.match(r"(\d+)(.*)", pasal)
    return (int(match.group(1)), match.group(2)) if match else (10**6, pasal)


class Corpus:
    def __init__(self, records: list[Passage], docs: dict[str, DocInfo], bm25: BM25Index, generation: str):
        self.records = records
        self.by_id = {r.id: r for r in records}
        self.docs = docs
        self.bm25 = bm25
        self.generation = generation
        self._by_article: dict[tuple[str, str], list[Passage]] = {}
        for record in records:
            if record.pasal:
                self._by_article.setdefault((record.doc, record.pasal), []).append(record)
        self.definitions, self.term_casing = _definitions(records)
        self.status = StatusGraph([])
        self._tokens: dict[str, set[str]] = {}
        # BM25 rows -> records, once, so scoring a query is a vector operation
        self.bm25_records = [self.by_id.get(unit_passage_id(uid)) for uid in bm25.ids]

    @classmethod
    def load(cls, store: KnowledgeStore) -> Corpus:
        generation = store.published_generation()
        bm25 = store.load_bm25()
        with store.sessions() as session:
            documents = {row.id: row for row in session.scalars(select(DocumentRow))}
            graph = StatusGraph.load(session)
            rows = session.scalars(select(PassageRow).order_by(PassageRow.document_id, PassageRow.position))
            below = store.settings.ocr_notice_below
            records = [_record(row, documents[row.document_id], graph, below) for row in rows]
        docs: dict[str, DocInfo] = {}
        for row in documents.values():
            docs[row.doc] = DocInfo(
                row.doc, row.title, row.doc_type, row.status, row.revoked_by, row.source, dict(row.info or {})
            )
        records += _current_wordings(records, docs, graph)
        for record in records:
            info = docs[record.doc]
            if record.part == BATANG_TUBUH and record.pasal and record.pasal not in info.pasals:
                info.pasals.append(record.pasal)
        corpus = cls(records, docs, bm25, generation)
        corpus.status = graph
        return corpus

    def current_version(self, record: Passage) -> Passage | None:
        """The wording in force of an amended passage's article, when the amendment's text is known."""
        if record.status != DIUBAH or not record.pasal:
            return None
        return next((r for r in self._by_article.get((record.doc, record.pasal), []) if r.current_of), None)

    def quotable(self, passage_id: str) -> bool:
        return passage_id in self._quotable

    @cached_property
    def _quotable(self) -> set[str]:
        return {r.id for r in self.records if is_quotable(r)}

    def tokens(self, record: Passage) -> set[str]:
        """The search tokens of a passage (with its chapter heading), computed once per snapshot."""
        cached = self._tokens.get(record.id)
        if cached is None:
            heading = f"{record.bab or ''} {record.section or ''}"
            cached = self._tokens[record.id] = set(tokenize(f"{heading} {record.text}"))
        return cached

    @cached_property
    def vocabulary(self) -> Counter[str]:
        """Surface words of every passage and how often they occur (chat spelling is checked against it)."""
        words: Counter[str] = Counter()
        for record in self.records:
            words.update(_SURFACE_WORD.findall(record.text.lower()))
        return words

    def article(self, doc: str, pasal: str, part: str = BATANG_TUBUH) -> list[Passage]:
        return [r for r in self._by_article.get((doc, pasal), []) if r.part == part]

    def penjelasan_for(self, record: Passage) -> list[Passage]:
        """The elucidation of an ayat (or of the whole article when it has none of its own)."""
        if not record.pasal or record.part != BATANG_TUBUH:
            return []
        notes = self.article(record.doc, record.pasal, PENJELASAN)
        exact = [n for n in notes if n.ayat == record.ayat]
        return exact or [n for n in notes if n.ayat is None]

    def has_article(self, doc: str, pasal: str, ayat: str | None = None) -> bool:
        records = self._by_article.get((doc, pasal), [])
        if ayat is None:
            return bool(records)
        return any(r.ayat == ayat for r in records)


_SURFACE_WORD = re.compile(r"[a-z]+")
_ATTACHMENT = re.compile(r"^\W*(?:LAMPIRAN|SALINAN\s+LAMPIRAN)\b")
# Longer than any article: an annex or a whole chapter run together by the source's layout.
QUOTABLE_MAX_CHARS = 20_000
# "Cukup jelas." and then the gazette trailer, the signature or an annex: the last elucidation of a law, with
# whatever followed it in the source run into it.
_PLACEHOLDER_THEN_MORE = re.compile(
    r"^\W*(?i:cukup\s+jelas)\W*(?:TAMBAHAN|LAMPIRAN|PRESIDEN|[A-Z]\.\s+[A-Z]{3,}|[A-Z]{4,}\s+[A-Z]{4,})"
)
# References ("Pasal 14 ayat (2)", "Nomor 23 Tahun 2014") are figures that belong to sentences.
_REFERENCE = re.compile(r"\b(?:Pasal|ayat|angka|huruf|Nomor|Tahun)\s*\(?\w{1,4}\)?", re.IGNORECASE)


def is_quotable(record: Passage) -> bool:
    """Whether a passage can stand as the answer to a question: a provision, an elucidation or a meeting's
    text, not a table, an attachment, a financial schedule or "Cukup jelas." with a gazette trailer and
    an annex run into it.

    Such passages stay in the store for explicit look-up ("Pasal 18 PP 3/2015"); they are only kept out
    of the answers to questions, where their numbers and lists match everything and say nothing.
    """
    text = record.text
    if record.doc_type in (NOTULEN, REKOMENDASI):
        return True
    if _ATTACHMENT.match(text) or _PLACEHOLDER_THEN_MORE.match(text) or len(text) > QUOTABLE_MAX_CHARS:
        return False
    return not _tabular(text)


def _tabular(text: str) -> bool:
    """Rows of figures and cells rather than sentences."""
    if text.count("|") >= 6:
        return True
    tokens = _REFERENCE.sub(" ", text).split()
    if len(tokens) < 40:
        return False
    numeric = sum(1 for t in tokens if any(c.isdigit() for c in t))
    return numeric / len(tokens) > 0.3


_DEFINITION = re.compile(
    r"(?:^|\n|(?<=[.;:]\s))\s*(?:\d+\s*\.?\s+)?(?P<term>[A-Z][\w/()\-]*(?:[ ,][\w/()\-]+){0,14}?)"
    r"(?:,?\s+yang\s+selanjutnya\s+(?:disebut|disingkat)\s+(?P<alias>[\w/()\-]+(?:\s[\w/()\-]+){0,6}?),?)?"
    r"\s+adalah\b"
)


def normalize_term(term: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w/ ]", " ", term.lower())).strip()


def _definitions(records: list[Passage]) -> tuple[dict[str, list[Passage]], dict[str, str]]:
    """Defined term (and its short form) -> the passages that define it ("X adalah ..."), and each defined
    term -> how the regulations write it ("tugas pembantuan pusat" -> "Tugas Pembantuan Pusat")."""
    found: dict[str, list[Passage]] = {}
    casings: dict[str, Counter[str]] = {}
    for record in records:
        if " adalah " not in record.text:
            continue
        for match in _DEFINITION.finditer(record.text):
            for term in (match.group("term"), match.group("alias")):
                if term:
                    key = normalize_term(term)
                    if key and record not in found.setdefault(key, []):
                        found[key].append(record)
                    if key and _CASED_TERM.match(term):
                        casings.setdefault(key, Counter())[" ".join(term.split())] += 1
    return found, {key: counts.most_common(1)[0][0] for key, counts in casings.items()}


# A defined term worth restoring the case of: capitalised words (with "dan", "sebagai", "kepada" between).
_CASED_TERM = re.compile(
    r"^(?!(?:Dan|Sebagai|Kepada|Atas|Dalam|Yang|Untuk|Dari|Pada|Oleh)\b)"
    r"[A-Z][a-zA-Z]+(?:\s+(?:[A-Z][a-zA-Z]+|dan|sebagai|kepada|atas)){0,5}$"
)


SCAN_NOTICE = "Kutipan ini teks hasil pindai, periksa naskah aslinya."


def _record(row: PassageRow, document: DocumentRow, graph: StatusGraph, notice_below: float = 0.0) -> Passage:
    """A stored passage with what its status is now and what an answer quoting it must say."""
    confidence = (row.info or {}).get("ocr_confidence")
    status = graph.passage_status(row.doc, row.pasal if row.part in (BATANG_TUBUH, PENJELASAN) else None, row.ayat)
    if status.status == BERLAKU and document.status == DICABUT:
        # Revoked by a clause the graph has not stored (an index written before the status graph existed).
        by = document.revoked_by
        status = PassageStatus(
            DICABUT, by, f"Perhatian: {row.doc} sudah dicabut{f' oleh {by}' if by else ''} dan tidak berlaku lagi."
        )
    return passage_from_row(
        row,
        document,
        status=status.status,
        revoked_by=status.by if status.status == DICABUT else None,
        amended_by=status.by if status.status == DIUBAH else None,
        status_note=status.note,
        scan_note=SCAN_NOTICE if confidence is not None and confidence < notice_below else None,
    )


_HEADING_LINE = re.compile(r"^\s*Pasal\s+\d{1,4}[A-Z]?\s*\n?")


def _current_wordings(records: list[Passage], docs: dict[str, DocInfo], graph: StatusGraph) -> list[Passage]:
    """The wording in force of each amended or inserted article of an indexed regulation, as a passage of
    that regulation citing the amendment ("UU 23/2014 Pasal 63 sebagaimana diubah dengan UU 9/2015 Pasal I
    angka 1"). Not searched; shown in place of the original when the original is found or looked up."""
    originals: dict[tuple[str, str], Passage] = {}
    for record in records:
        if record.part == BATANG_TUBUH and record.pasal:
            originals.setdefault((record.doc, record.pasal), record)
    made: list[Passage] = []
    for doc, info in docs.items():
        for pasal in dict.fromkeys(c.pasal for c in graph.about(doc) if c.pasal):
            change = graph.current_text(doc, pasal)
            if change is None:
                continue
            original = originals.get((doc, pasal))
            verb = "disisipkan dengan" if change.kind == INSERTED else "diubah dengan"
            key = f"{change.origin}|{change.by}|{doc}|{pasal}"
            made.append(
                Passage(
                    id="ubah-" + hashlib.sha1(key.encode()).hexdigest()[:16],
                    doc=doc,
                    title=info.title,
                    doc_type=info.doc_type,
                    pasal=pasal,
                    ayat=None,
                    part=BATANG_TUBUH,
                    label=f"{doc} Pasal {pasal} sebagaimana {verb} {change.by}",
                    text=_HEADING_LINE.sub("", change.text).strip(),
                    parent_text=change.text,
                    source=change.origin,
                    status=BERLAKU,
                    revoked_by=None,
                    order=(original.order if original else 10**6) - 1,
                    bab=original.bab if original else None,
                    current_of=original.id if original else "",
                )
            )
    return made
