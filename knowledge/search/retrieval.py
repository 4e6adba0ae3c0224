"""Hybrid retrieval: dense (Chroma, e5) and lexical (BM25, Indonesian stemming), fused by normalised score,
routed by the documents and articles the question names."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field

import numpy as np

from knowledge.index.corpus import Corpus, normalize_term
from knowledge.index.store import KnowledgeStore
from knowledge.model import BATANG_TUBUH, DICABUT, PENJELASAN, PENJELASAN_UMUM, Passage, is_placeholder
from knowledge.search.informal import FIELD_TERMS, KNOWN_ABBREVIATION, Normalized, normalizer_for
from knowledge.search.query import Expander, strip_spans
from knowledge.search.references import (
    ArticleRef,
    DocRef,
    asks_for_penjelasan,
    find_article_refs,
    find_doc_refs,
)

log = logging.getLogger(__name__)

CANDIDATES = 80
DENSE_WEIGHT = 0.5
# A revoked regulation still answers questions that name it; otherwise the rules in force come first.
REVOKED_WEIGHT = 0.8
# The primary regulation (PP 19/2022) is what the product is about: when a question fits it and another law
# about as well, it is the one officials mean.
PRIMARY_WEIGHT = 1.2
PRIMARY_WINDOW = 30  # how far down the primary regulation's best passage may be to be moved up ...
PRIMARY_MIN_SCORE = 0.4  # ... and how close its score must be to the first one's
# Officials cite articles: the general elucidation is background, seldom the answer itself.
PART_WEIGHT: dict[str | None, float] = {PENJELASAN_UMUM: 0.8, PENJELASAN: 0.9}


_DEFINITION_QUESTION = re.compile(
    r"\b(?:yang\s+dimaksud\s+dengan|pengertian(?:\s+dari)?|definisi(?:\s+dari)?|arti(?:\s+dari)?|apa\s+itu|"
    r"apakah\s+itu|apakah\s+yang\s+disebut|apa\s+yang\s+disebut)\s+(?P<term>.+)",
    re.IGNORECASE,
)
_TERM_TAIL = re.compile(
    r"\s+(?:menurut|dalam|di\s+dalam|pada|berdasarkan|sesuai|sebagaimana|di)\b.*$|[?.!]+$", re.IGNORECASE
)


# "gwpp itu apa", "dekonsentrasi itu maksud apa": the term first, the question word last (normalised text).
# ("syarat dekon apa saja" asks for a list, not a definition: the term must be followed by itu/maksud/arti.)
_TRAILING_DEFINITION_QUESTION = re.compile(
    r"^(?P<term>.+?)\s+(?:(?:itu|tuh|adalah)\s+(?:(?:maksud|arti|artinya|pengertian|pengertiannya)\w*\s+)?|"
    r"(?:maksud|arti|artinya|pengertian|pengertiannya|definisi)\w*\s+)(?:apa|apaan|siapa)\s*[?.!]*$",
    re.IGNORECASE,
)
_NOT_A_TERM = re.compile(r"\b(?:dari|ke|di|oleh|untuk|bagaimana|siapa|kapan|berapa|mana|pasal|ayat)\b")


def defined_term(question: str) -> str | None:
    """The term a definition question asks about, normalised, or None."""
    match = _DEFINITION_QUESTION.search(question)
    if match:
        term = _TERM_TAIL.sub("", match.group("term").strip())
        term = _TERM_TAIL.sub("", term)
        return normalize_term(term) or None
    match = _TRAILING_DEFINITION_QUESTION.match(question.strip())
    if match and not _NOT_A_TERM.search(match.group("term")) and len(match.group("term").split()) <= 8:
        return normalize_term(match.group("term")) or None
    return None


# "Berapa jumlah peserta?", "berapa persen": answered only by a passage that states a quantity. Dates,
# article numbers and list markers are figures too, but they answer no "berapa" ("berapa nomor surat" asks
# for an identifier, "berapa lama" for a period, and are left out).
_ASKS_NUMBER = re.compile(
    r"(?<!jam )(?<!pukul )(?<!tanggal )(?<!tahun )(?<!bulan )(?<!nomor )"
    r"\bberapa\b(?!\s+(?:lama|lambat|nomor|no\b|kali\s+dalam))|\bjumlah(?:nya)?\s+(?!dana\b)",
    re.IGNORECASE,
)
_WORD_NUMBER = (
    r"(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|seratus|seribu|"
    r"(?:dua|tiga|empat|lima|enam|tujuh|delapan|sembilan)\s+(?:puluh|belas|ratus|ribu))"
)
_QUANTITY = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:\(\s*[a-z ]+\s*\)\s*)?(?:%|(?:persen|orang|hari|minggu|bulan|tahun|unit|kali|buah|"
    r"juta|miliar|triliun|ribu|rupiah|kilometer|km|meter|hektar|jam|menit)\b)"
    rf"|\bRp\.?\s*\d|\b\d+\s*\(\s*{_WORD_NUMBER}[a-z ]*\)|\b{_WORD_NUMBER}\s+(?:orang|persen|unit|kali|hari|bulan)\b",
    re.IGNORECASE,
)


@dataclass
class Hit:
    record: Passage
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
    normalized: Normalized | None = None  # the question in standard Indonesian, references removed
    coverage: float = 0.0  # IDF-weighted share of the question's words found in the best of the top passages
    top_coverage: float = 0.0  # the same, for the first passage alone
    dense_top: float = 0.0
    # Where the first fused passage ranks in each list (0-based; CANDIDATES when absent): the two rankings
    # agreeing on it is evidence the question is about it, whatever the wording.
    dense_rank: int = CANDIDATES
    lexical_rank: int = CANDIDATES
    defined: bool = False  # a definition question whose term the corpus defines
    # "Pasal 21 ayat 3" with no regulation named was read as the primary one (PRIMARY_DOCUMENT); how much of
    # the rest of the question that article talks about tells whether that reading is right.
    assumed_doc: str | None = None
    exact_coverage: float = 1.0
    # The question asks "berapa" (how many, how much), and whether one of the top passages states a quantity.
    asks_number: bool = False
    has_number: bool = False

    @property
    def restricted_to(self) -> list[str]:
        return sorted({d for ref in self.doc_refs for d in ref.docs})


class Retriever:
    def __init__(self, store: KnowledgeStore, primary_doc: str | None = None) -> None:
        self.store = store
        self.primary_doc = primary_doc
        self._corpus: Corpus | None = None
        self._expanders: dict[str, Expander] = {}
        self._lock = threading.Lock()

    @property
    def corpus(self) -> Corpus:
        """The current snapshot; reloaded when a writer has finished a change since it was taken (never in
        the middle of another process's ingest: `KnowledgeStore.published_generation`)."""
        generation = self.store.published_generation()
        corpus = self._corpus
        if corpus is None or corpus.generation != generation:
            with self._lock:
                if self._corpus is None or self._corpus.generation != generation:
                    self.store.require_embedding_model()
                    if self._corpus is not None and generation != self.store.published_here:
                        self.store.reopen_vectors()  # another process wrote the vectors
                    self._corpus = Corpus.load(self.store)
                corpus = self._corpus
        return corpus

    def _expander(self, corpus: Corpus) -> Expander:
        """The abbreviations to search in full for this snapshot: known to the corpus (so the normaliser
        keeps them), written out by the primary regulation."""
        if self._expanders.get(corpus.generation) is None:
            primary = self.default_doc(corpus)
            used = {
                word
                for record in corpus.records
                if record.doc == primary
                for word in re.findall(r"[a-z]+", record.text.lower())
                if word in FIELD_TERMS
            }
            known = {k for k in FIELD_TERMS if corpus.vocabulary.get(k, 0) >= KNOWN_ABBREVIATION}
            spelled_out = {k: v for k, v in FIELD_TERMS.items() if k in known and k not in used}
            self._expanders = {corpus.generation: Expander(spelled_out)}
        return self._expanders[corpus.generation]

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
        # References only route the search; the rest of the question is what passages must match.
        spans = [r.span for r in doc_refs if r.span] + [s for r in doc_refs for s in r.strip]
        spans += [r.span for r in article_refs]
        result.normalized = normalizer_for(corpus).normalize(strip_spans(question, spans))
        if result.missing_docs and (not allowed or article_refs):
            # About a document we do not have: nothing here answers it, and "Pasal 27 UU ITE" must never
            # be answered with Pasal 27 of something else.
            return result

        exact = self._exact_articles(corpus, question, article_refs, allowed, result)
        meeting = any(ref.strip for ref in doc_refs)
        expander = self._expander(corpus)
        content = expander.expand(result.normalized.text, meeting) or result.normalized.text or question
        fused = self._hybrid(corpus, content, allowed or None, result)
        groups = expander.groups(result.normalized.text, meeting)
        fused = self._definitions_first(corpus, result.normalized.text, fused, allowed, result)
        if not allowed and not result.defined:
            fused = self._primary_first(corpus, groups, fused)
        seen = {h.record.id for h in exact}
        hits = exact + [h for h in fused if h.record.id not in seen]
        result.hits = hits[:k]
        if exact:
            result.exact_coverage = self._coverage(corpus, groups, [h.record for h in exact]) if groups else 1.0
        result.coverage = self._coverage(corpus, groups, [h.record for h in fused[:3]])
        result.top_coverage = self._coverage(corpus, groups, [h.record for h in fused[:1]])
        result.asks_number = bool(_ASKS_NUMBER.search(result.normalized.text))
        result.has_number = any(_QUANTITY.search(h.record.text) for h in fused[:3])
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
        if not allowed and docs:
            result.assumed_doc = docs[0]
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

    def _hybrid(self, corpus: Corpus, question: str, allowed: list[str] | None, result: Retrieval) -> list[Hit]:
        try:
            query_vector = self.store.embedder.embed_query(question)
            dense = self.store.vectors.query(query_vector, CANDIDATES, docs=allowed)
        except Exception as exc:  # an embeddings server down must not silence the lexical index
            log.warning("dense retrieval failed, answering from BM25 alone: %s: %s", type(exc).__name__, exc)
            dense = []
        dense = [(pid, sim) for pid, sim in dense if pid in corpus.by_id and corpus.quotable(pid)]
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
            if not corpus.quotable(record.id):
                continue  # tables, attachments and gazette trailers answer no question
            seen_lexical.add(record.id)
            lexical.append((record.id, float(lexical_scores[row])))
            if len(lexical) == CANDIDATES:
                break
        primary = self.default_doc(corpus)
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
            if not allowed and hit.record.doc == primary:
                hit.score *= PRIMARY_WEIGHT
            hit.score *= PART_WEIGHT.get(hit.record.part, 1.0)
        hits = sorted(fused.values(), key=lambda h: h.score, reverse=True)
        if hits:
            top = hits[0].record.id
            result.dense_rank = next((i for i, (pid, _) in enumerate(dense) if pid == top), CANDIDATES)
            result.lexical_rank = next((i for i, (pid, _) in enumerate(lexical) if pid == top), CANDIDATES)
        return hits

    def _primary_first(self, corpus: Corpus, groups: list[list[frozenset[str]]], hits: list[Hit]) -> list[Hit]:
        """The primary regulation's best passage first when it talks about everything the first one does.

        Officials ask about PP 19/2022 without naming it ("pengawasan umum dan teknis bentuknya gimana?");
        when another law uses the same words, the regulation the product is about is the one they mean.
        """
        primary = self.default_doc(corpus)
        if not hits or not groups or hits[0].record.doc == primary:
            return hits
        floor = PRIMARY_MIN_SCORE * hits[0].score
        candidates = [h for h in hits[:PRIMARY_WINDOW] if h.record.doc == primary and h.score >= floor]
        if not candidates:
            return hits
        coverage = {id(h): self._coverage(corpus, groups, [h.record]) for h in candidates}
        candidate = max(candidates, key=lambda h: (coverage[id(h)], h.score))
        if coverage[id(candidate)] < self._coverage(corpus, groups, [hits[0].record]):
            return hits
        return [candidate] + [h for h in hits if h is not candidate]

    def _definitions_first(
        self, corpus: Corpus, question: str, hits: list[Hit], allowed: list[str], result: Retrieval
    ) -> list[Hit]:
        """ "Apa yang dimaksud dengan X?" is answered by the article that says "X adalah ..."."""
        term = defined_term(question)
        if not term:
            return hits
        # "dekonsentrasi" is defined by several laws, and the primary regulation defines it as "Dekonsentrasi
        # kepada GWPP": both the exact and the longer terms are candidates, the primary regulation first.
        defining = list(corpus.definitions.get(term, [])) + [
            r
            for key, records in corpus.definitions.items()
            if key.startswith(term + " ")
            for r in records
            if r.doc == self.default_doc(corpus)
        ]
        defining = [r for r in defining if not allowed or r.doc in allowed]
        if not defining:
            return hits
        scores = {h.record.id: h for h in hits}
        primary = self.default_doc(corpus)
        defining.sort(
            key=lambda r: (r.doc != primary, r.status == DICABUT, -(scores[r.id].score if r.id in scores else 0.0))
        )
        result.defined = True
        top = [scores.get(r.id) or Hit(r, 0.0) for r in defining[:3]]
        for hit in top:
            hit.score = max(hit.score, hits[0].score if hits else 0.0) + 1.0
        ids = {h.record.id for h in top}
        return top + [h for h in hits if h.record.id not in ids]

    @staticmethod
    def _coverage(corpus: Corpus, groups: list[list[frozenset[str]]], records: list[Passage]) -> float:
        """How much of what is specific in the question one of the best passages talks about (0..1).

        Words weigh by rarity, and a word the corpus has never seen weighs most; the best single passage
        counts, so "honorarium" in one passage and "rapat koordinasi dekonsentrasi" in another do not add up
        to an answer. A group counts as found when the passage has one of its alternatives whole.
        """
        if not groups or not records:
            return 0.0
        weights = [max(corpus.bm25.idf(t) for t in alternatives[0]) for alternatives in groups]
        total = sum(weights)
        if not total:
            return 0.0
        best = 0.0
        for record in records:
            present = corpus.tokens(record)
            found = sum(
                w
                for alternatives, w in zip(groups, weights, strict=True)
                if any(alternative <= present for alternative in alternatives if alternative)
            )
            best = max(best, found / total)
        return best
