"""Hybrid retrieval: dense (Chroma, e5) and lexical (BM25, Indonesian stemming), fused by normalised score,
routed by the documents and articles the question names."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field

import numpy as np

from knowledge.bm25 import tokenize
from knowledge.corpus import Corpus, Record, normalize_term
from knowledge.model import BATANG_TUBUH, DICABUT, PENJELASAN, PENJELASAN_UMUM, is_placeholder
from knowledge.query import expand, strip_spans
from knowledge.references import (
    ArticleRef,
    DocRef,
    asks_for_penjelasan,
    find_article_refs,
    find_doc_refs,
)
from knowledge.store import KnowledgeStore

log = logging.getLogger(__name__)

CANDIDATES = 80
DENSE_WEIGHT = 0.5
# A revoked regulation still answers questions that name it; otherwise the rules in force come first.
REVOKED_WEIGHT = 0.8
# Officials cite articles: the general elucidation is background, seldom the answer itself.
PART_WEIGHT = {PENJELASAN_UMUM: 0.8, PENJELASAN: 0.9}


_DEFINITION_QUESTION = re.compile(
    r"\b(?:yang\s+dimaksud\s+dengan|pengertian(?:\s+dari)?|definisi(?:\s+dari)?|arti(?:\s+dari)?|apa\s+itu|"
    r"apakah\s+itu|apakah\s+yang\s+disebut|apa\s+yang\s+disebut)\s+(?P<term>.+)",
    re.IGNORECASE,
)
_TERM_TAIL = re.compile(
    r"\s+(?:menurut|dalam|di\s+dalam|pada|berdasarkan|sesuai|sebagaimana|di)\b.*$|[?.!]+$", re.IGNORECASE
)


def defined_term(question: str) -> str | None:
    """The term a definition question asks about, normalised, or None."""
    match = _DEFINITION_QUESTION.search(question)
    if not match:
        return None
    term = _TERM_TAIL.sub("", match.group("term").strip())
    term = _TERM_TAIL.sub("", term)
    return normalize_term(term) or None


@dataclass
class Hit:
    record: Record
    score: float
    dense: float = 0.0
    lexical: float = 0.0
    exact: bool = False  # the question named this very article


@dataclass
class Retrieval:
    question: str
    hits: list[Hit]
    doc_refs: list[DocRef] = field(default_factory=list)
    article_refs: list[ArticleRef] = field(default_factory=list)
    missing_docs: list[str] = field(default_factory=list)  # named in the question, absent from the corpus
    missing_articles: list[str] = field(default_factory=list)  # "Pasal 45 PP 19/2022"
    coverage: float = 0.0  # IDF-weighted share of the question's words found in the best of the top passages
    top_coverage: float = 0.0  # the same, for the first passage alone
    dense_top: float = 0.0

    @property
    def restricted_to(self) -> list[str]:
        return sorted({d for ref in self.doc_refs for d in ref.docs})


class Retriever:
    def __init__(self, store: KnowledgeStore, primary_doc: str | None = None) -> None:
        self.store = store
        self.primary_doc = primary_doc
        self._corpus: Corpus | None = None
        self._lock = threading.Lock()

    @property
    def corpus(self) -> Corpus:
        """The current snapshot; reloaded when an ingest has changed the store since it was taken."""
        generation = self.store.generation()
        corpus = self._corpus
        if corpus is None or corpus.generation != generation:
            with self._lock:
                if self._corpus is None or self._corpus.generation != generation:
                    self.store.require_embedding_model()
                    self._corpus = Corpus.load(self.store)
                corpus = self._corpus
        return corpus

    def default_doc(self, corpus: Corpus) -> str | None:
        """The regulation a bare "Pasal 24" means: the configured primary one, else the newest in force."""
        if self.primary_doc and self.primary_doc in corpus.docs:
            return self.primary_doc
        regulations = [
            d for d in corpus.docs.values() if d.pasals and d.status != DICABUT and re.search(r"/\d{4}$", d.doc)
        ]
        regulations.sort(key=lambda d: int(d.doc.rsplit("/", 1)[1]), reverse=True)
        return regulations[0].doc if regulations else None

    def search(self, question: str, k: int = 10) -> Retrieval:
        corpus = self.corpus
        doc_refs = find_doc_refs(question, corpus)
        article_refs = find_article_refs(question)
        result = Retrieval(question, [], doc_refs, article_refs)
        result.missing_docs = [ref.canonical or ref.text for ref in doc_refs if not ref.docs]
        allowed = sorted({d for ref in doc_refs for d in ref.docs})
        if result.missing_docs and not allowed:
            return result  # the question is about a document we do not have: nothing here answers it

        exact = self._exact_articles(corpus, question, article_refs, allowed, result)
        # References only route the search; the rest of the question is what passages must match.
        spans = [r.span for r in doc_refs if r.span] + [r.span for r in article_refs]
        content = expand(strip_spans(question, spans)) or question
        fused = self._hybrid(corpus, content, allowed or None, result)
        fused = self._definitions_first(corpus, question, fused, allowed)
        seen = {h.record.id for h in exact}
        hits = exact + [h for h in fused if h.record.id not in seen]
        result.hits = hits[:k]
        result.coverage = self._coverage(corpus, content, [h.record for h in fused[:3]])
        result.top_coverage = self._coverage(corpus, content, [h.record for h in fused[:1]])
        return result

    # --- exact article look-up ---------------------------------------------------------------------

    def _exact_articles(
        self,
        corpus: Corpus,
        question: str,
        refs: list[ArticleRef],
        allowed: list[str],
        result: Retrieval,
    ) -> list[Hit]:
        if not refs:
            return []
        docs = allowed or [d for d in [self.default_doc(corpus)] if d]
        penjelasan_first = asks_for_penjelasan(question)
        hits: list[Hit] = []
        for ref in refs:
            for doc in docs:
                if not corpus.has_article(doc, ref.pasal):
                    result.missing_articles.append(f"Pasal {ref.pasal} {doc}")
                    continue
                if ref.ayat and not corpus.has_article(doc, ref.pasal, ref.ayat):
                    result.missing_articles.append(f"Pasal {ref.pasal} ayat ({ref.ayat}) {doc}")
                    continue
                hits.extend(self._article_hits(corpus, doc, ref, penjelasan_first))
        return hits

    @staticmethod
    def _article_hits(corpus: Corpus, doc: str, ref: ArticleRef, penjelasan_first: bool) -> list[Hit]:
        """The named article (or ayat) as exact hits; the rest of the article right after them."""
        body = corpus.article(doc, ref.pasal, BATANG_TUBUH)
        notes = [r for r in corpus.article(doc, ref.pasal, PENJELASAN) if not is_placeholder(r.text)]
        named_body = [r for r in body if ref.ayat in (None, r.ayat)]
        named_notes = [r for r in notes if r.ayat in (ref.ayat, None) or ref.ayat is None]
        named = named_notes + named_body if penjelasan_first else named_body + named_notes
        rest = [r for r in body + notes if r not in named]
        return [Hit(r, score=1.0, exact=True) for r in named] + [Hit(r, score=0.9) for r in rest]

    # --- hybrid search ----------------------------------------------------------------------------

    def _hybrid(
        self, corpus: Corpus, question: str, allowed: list[str] | None, result: Retrieval
    ) -> list[Hit]:
        try:
            query_vector = self.store.embedder.embed_query(question)
            dense = self.store.vectors.query(query_vector, CANDIDATES, docs=allowed)
        except Exception as exc:  # an embeddings server down must not silence the lexical index
            log.warning("dense retrieval failed, answering from BM25 alone: %s: %s", type(exc).__name__, exc)
            dense = []
        dense = [(pid, sim) for pid, sim in dense if pid in corpus.by_id]
        result.dense_top = dense[0][1] if dense else 0.0

        lexical_scores = corpus.bm25.scores(question)
        if allowed:
            mask = np.array([bool(r and r.doc in allowed) for r in corpus.bm25_records])
            lexical_scores = np.where(mask, lexical_scores, 0.0)
        top_rows = np.argsort(-lexical_scores)[: CANDIDATES * 2]
        lexical: list[tuple[str, float]] = []
        seen_lexical: set[str] = set()
        for row in top_rows:
            record = corpus.bm25_records[row]
            if lexical_scores[row] <= 0 or record is None or record.id in seen_lexical:
                continue  # windows of one passage count once, at their best
            seen_lexical.add(record.id)
            lexical.append((record.id, float(lexical_scores[row])))
            if len(lexical) == CANDIDATES:
                break
        fused: dict[str, Hit] = {}
        for pid, sim in dense:
            fused.setdefault(pid, Hit(corpus.by_id[pid], 0.0)).dense = sim
        for pid, score in lexical:
            fused.setdefault(pid, Hit(corpus.by_id[pid], 0.0)).lexical = score
        # Scores are fused by value, not rank: a passage that matches every word of the question should
        # stand well clear of one that merely ranks second on both lists.
        top_dense = dense[0][1] if dense else 0.0
        floor = dense[-1][1] if dense else 0.0
        top_lexical = lexical[0][1] if lexical else 0.0
        for hit in fused.values():
            dense_part = (hit.dense - floor) / (top_dense - floor) if hit.dense and top_dense > floor else 0.0
            lexical_part = hit.lexical / top_lexical if top_lexical else 0.0
            hit.score = DENSE_WEIGHT * max(dense_part, 0.0) + (1 - DENSE_WEIGHT) * lexical_part
            if not allowed and hit.record.status == DICABUT:
                hit.score *= REVOKED_WEIGHT
            hit.score *= PART_WEIGHT.get(hit.record.part, 1.0)
        hits = sorted(fused.values(), key=lambda h: h.score, reverse=True)
        return hits

    def _definitions_first(
        self, corpus: Corpus, question: str, hits: list[Hit], allowed: list[str]
    ) -> list[Hit]:
        """"Apa yang dimaksud dengan X?" is answered by the article that says "X adalah ..."."""
        term = defined_term(question)
        if not term:
            return hits
        defining = corpus.definitions.get(term) or [
            r for key, records in corpus.definitions.items() if key.startswith(term + " ") for r in records
        ]
        defining = [r for r in defining if not allowed or r.doc in allowed]
        if not defining:
            return hits
        scores = {h.record.id: h for h in hits}
        primary = self.default_doc(corpus)
        defining.sort(
            key=lambda r: (r.doc != primary, r.status == DICABUT, -(scores[r.id].score if r.id in scores else 0.0))
        )
        top = [scores.get(r.id) or Hit(r, 0.0) for r in defining[:3]]
        for hit in top:
            hit.score = max(hit.score, hits[0].score if hits else 0.0) + 1.0
        ids = {h.record.id for h in top}
        return top + [h for h in hits if h.record.id not in ids]

    @staticmethod
    def _coverage(corpus: Corpus, question: str, records: list[Record]) -> float:
        """How much of what is specific in the question one of the best passages talks about (0..1).

        Words weigh by rarity, and a word the corpus has never seen weighs most; the best single passage
        counts, so "honorarium" in one passage and "rapat koordinasi dekonsentrasi" in another do not add up
        to an answer.
        """
        terms = set(tokenize(question))
        if not terms or not records:
            return 0.0
        weights = {t: corpus.bm25.idf(t) for t in terms}
        total = sum(weights.values())
        if not total:
            return 0.0
        best = 0.0
        for record in records:
            present = set(tokenize(f"{record.bab or ''} {record.text}"))
            best = max(best, sum(w for t, w in weights.items() if t in present) / total)
        return best
