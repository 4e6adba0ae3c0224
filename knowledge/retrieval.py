"""Hybrid retrieval: dense (Chroma, e5) and lexical (BM25, Indonesian stemming), fused by reciprocal rank,
routed by the documents and articles the question names."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field

import numpy as np

from knowledge.bm25 import tokenize
from knowledge.corpus import Corpus, Record
from knowledge.model import BATANG_TUBUH, DICABUT, PENJELASAN
from knowledge.references import (
    ArticleRef,
    DocRef,
    asks_for_penjelasan,
    find_article_refs,
    find_doc_refs,
)
from knowledge.store import KnowledgeStore

log = logging.getLogger(__name__)

RRF_K = 60
CANDIDATES = 80
# A revoked regulation still answers questions that name it; otherwise the rules in force come first.
REVOKED_WEIGHT = 0.6
_CUKUP_JELAS = re.compile(r"^\W*cukup\s+jelas\W*$", re.IGNORECASE)


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
    coverage: float = 0.0  # IDF-weighted share of the question's words found in the best passages
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
        fused = self._hybrid(corpus, question, allowed or None, result)
        seen = {h.record.id for h in exact}
        hits = exact + [h for h in fused if h.record.id not in seen]
        result.hits = hits[:k]
        result.coverage = self._coverage(corpus, question, [h.record for h in hits[:3]])
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
        body = corpus.article(doc, ref.pasal, BATANG_TUBUH)
        notes = [r for r in corpus.article(doc, ref.pasal, PENJELASAN) if not _CUKUP_JELAS.match(r.text)]
        if ref.ayat:
            body = [r for r in body if r.ayat == ref.ayat] + [r for r in body if r.ayat != ref.ayat]
            notes = [r for r in notes if r.ayat in (ref.ayat, None)]
        ordered = notes + body if penjelasan_first else body + notes
        return [Hit(r, score=1.0, exact=True) for r in ordered]

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
        for rank, (pid, sim) in enumerate(dense):
            hit = fused.setdefault(pid, Hit(corpus.by_id[pid], 0.0))
            hit.dense = sim
            hit.score += 1.0 / (RRF_K + rank + 1)
        for rank, (pid, score) in enumerate(lexical):
            hit = fused.setdefault(pid, Hit(corpus.by_id[pid], 0.0))
            hit.lexical = score
            hit.score += 1.0 / (RRF_K + rank + 1)
        hits = [h for h in fused.values() if not _CUKUP_JELAS.match(h.record.text)]
        if not allowed:
            for hit in hits:
                if hit.record.status == DICABUT:
                    hit.score *= REVOKED_WEIGHT
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits

    @staticmethod
    def _coverage(corpus: Corpus, question: str, records: list[Record]) -> float:
        """How much of what is specific in the question the best passages talk about (0..1).

        Words weigh by rarity; a word the corpus has never seen weighs most, which is what makes
        "honorarium narasumber" questions fail this test even when "rapat koordinasi" matches.
        """
        terms = set(tokenize(question))
        if not terms or not records:
            return 0.0
        present = set()
        for record in records:
            present.update(tokenize(record.text))
        weights = {t: corpus.bm25.idf(t) for t in terms}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in present) / total if total else 0.0
