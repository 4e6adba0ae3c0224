"""Whether a sentence of a generated answer is supported by the passages it cites.

Two signals the project already has: the share of the sentence's content words (Indonesian tokens, stemmed,
weighted by how rare they are in the corpus) that the passages contain, and the e5 similarity between the
sentence and the closest piece of those passages. An honest paraphrase rewords and shortens, so neither
signal alone is enough; a claim the passages do not make scores low on both. The thresholds are calibrated
by `benchmarks/llm_faithfulness.py --calibrate` (figures in benchmarks/README.md).

Both signals miss a claim that keeps the passage's words and changes who does what or whether it may be done,
so three contradictions are looked for apart: a negation the passage does not have (or drops one it has), a
party it does not name ("presiden" for "gubernur"), and a kind of rule it does not name ("Peraturan Gubernur"
for "Peraturan Menteri").
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass

import numpy as np

from knowledge.index.bm25 import tokenize
from knowledge.index.corpus import Corpus
from knowledge.index.embeddings import Embedder, LocalE5Embedder
from knowledge.model import DICABUT, Passage
from knowledge.search.informal import FIELD_TERMS
from knowledge.search.sentences import split_sentences

log = logging.getLogger(__name__)

# Calibrated on honest paraphrases against unsupported claims (benchmarks/README.md, "LLM faithfulness").
# A sentence is kept when its score reaches SUPPORT_THRESHOLD, where
#   score = coverage + SIMILARITY_WEIGHT * (similarity - SIMILARITY_BASE)
# and never when its coverage is under MIN_COVERAGE, whatever e5 says: e5 rates any two sentences about
# regional government as close.
SIMILARITY_BASE = 0.85
SIMILARITY_WEIGHT = 3.0
SUPPORT_THRESHOLD = 0.85
MIN_COVERAGE = 0.35
# e5 rates no two Indonesian sentences lower than this in practice (unrelated claims: 0.80-0.88), so from
# SURE_COVERAGE on a sentence passes whatever e5 would say and is not embedded: most honest sentences repeat
# the passage's words, and e5 costs more than all the other checks together.
E5_FLOOR = 0.83
SURE_COVERAGE = SUPPORT_THRESHOLD - SIMILARITY_WEIGHT * (E5_FLOOR - SIMILARITY_BASE)
# Without e5 (it failed), coverage alone decides, and must be higher.
COVERAGE_ALONE = 0.75

# Words that frame a statement rather than make one: "menurut ketentuan tersebut, ... diatur bahwa ...".
# A paraphrase may add them freely; they are not evidence either way.
FRAMING = frozenset(
    tokenize(
        """
        menurut berdasarkan sesuai ketentuan mengatur diatur mengatur menyatakan dinyatakan menyebutkan
        disebutkan menegaskan ditegaskan menjelaskan dijelaskan menetapkan bunyi berbunyi isi memuat dimuat
        bahwa jadi artinya dengan kata lain singkatnya intinya demikian maka selain itu pula serta juga
        wajib harus perlu dapat boleh bisa hanya yaitu yakni adalah merupakan termasuk meliputi antara lain
        hal tersebut ini itu tersebut berikut sebagai berikut demikian sumber dokumen jawaban pertanyaan anda
        pasal ayat huruf angka butir catatan notulen rapat disebut dimaksud
        """
    )
)
_MARKER = re.compile(r"\[\d{1,2}\]")
# Pieces of a passage compared with a sentence: about a sentence long, since e5's cost grows with the length of
# what it reads and a paraphrase is compared best with the sentence it rewords.
MAX_PIECE_CHARS = 400
PIECES_PER_CLAIM = 3
# How many pieces of its passages a sentence's words may come from: a paraphrase merges two at most.
PIECES_FOR_COVERAGE = 2


@dataclass(frozen=True)
class Support:
    coverage: float
    similarity: float | None  # None when e5 was not needed (coverage decided) or could not be asked
    score: float
    supported: bool
    # A contradiction the score cannot see: "tidak" where the passage has none (or the reverse), a party
    # (gubernur, DPRD, inspektorat) or a kind of rule (Peraturan Gubernur) the passages do not name.
    conflict: str | None = None


def content_words(text: str) -> set[str]:
    return {t for t in tokenize(_MARKER.sub(" ", text)) if t not in FRAMING}


_TERM = re.compile(r"[A-Za-z][A-Za-z/]+")
_LONG_FORMS = {short: " ".join(long.lower().split()) for short, long in FIELD_TERMS.items()}


def passage_words(text: str) -> set[str]:
    """The content words of a passage, with the field's abbreviations in both forms: "APBD" also as the words
    it stands for and "anggaran pendapatan dan belanja daerah" also as "APBD", so that a paraphrase using
    either form matches (the sentence keeps its own form: one word is one claim, however it is written)."""
    lowered = " ".join(text.lower().split())
    extra = [_LONG_FORMS[m.group().lower()] for m in _TERM.finditer(text) if m.group().lower() in _LONG_FORMS]
    extra += [short for short, long in _LONG_FORMS.items() if long in lowered]
    return content_words(text) | content_words(" ".join(extra))


def status_words(record: Passage) -> str:
    """What the prompt says of a passage's status ("DICABUT oleh PP 19/2022 Pasal 26"), in the words an
    answer repeating it would use."""
    said = []
    if record.revoked_by or record.status == DICABUT:
        said.append(f"telah dicabut tidak berlaku {record.revoked_by or ''}")
    if record.amended_by:
        said.append(f"telah diubah {record.amended_by}")
    return " ".join(said)


class SupportChecker:
    def __init__(self, corpus: Corpus, embedder: Embedder | None, shortcut: bool = True) -> None:
        self.corpus = corpus
        self.embedder = embedder
        # False: ask e5 about every sentence (the calibration needs every similarity).
        self.shortcut = shortcut
        self._words: dict[str, tuple[set[str], list[set[str]]]] = {}

    def check(self, claims: list[tuple[str, list[Passage]]]) -> list[Support]:
        """Support of each (sentence, passages) pair; the sentences coverage cannot decide alone are embedded,
        with the pieces of passage they are compared with, in one batch."""
        coverages = [self.coverage(sentence, records) for sentence, records in claims]
        conflicts = [conflict(sentence, records) for sentence, records in claims]
        ask = [
            i
            for i, c in enumerate(coverages)
            if not self.shortcut or (MIN_COVERAGE <= c < SURE_COVERAGE and conflicts[i] is None)
        ]
        similarities = self._similarities([claims[i] for i in ask])
        if similarities is None:
            return [decide(c, None, k) for c, k in zip(coverages, conflicts, strict=True)]
        by_claim = dict(zip(ask, similarities, strict=True))
        return [
            decide(c, by_claim[i], k) if i in by_claim else _decided_by_coverage(c, k)
            for i, (c, k) in enumerate(zip(coverages, conflicts, strict=True))
        ]

    def coverage(self, sentence: str, records: list[Passage]) -> float:
        """The idf-weighted share of the sentence's content words found in the labels of its passages and in
        the two pieces of them (sentences, list items) that hold most of its words: a claim must be made
        somewhere in a passage, not pieced together from words scattered over a long one."""
        words = content_words(sentence)
        if not words:
            return 0.0
        weights = {w: self.corpus.bm25.idf(w) if self.corpus.bm25.ids else 1.0 for w in words}
        found: set[str] = set()
        pieces: list[set[str]] = []
        for record in records:
            labels, record_pieces = self._passage_words(record)
            found |= labels & words
            pieces += [p & words for p in record_pieces]
        for _ in range(PIECES_FOR_COVERAGE):
            best = max(pieces, key=lambda p: sum(weights[w] for w in p - found), default=set())
            found |= best
        total = sum(weights.values())
        return sum(weights[w] for w in words & found) / total if total else 0.0

    def _passage_words(self, record: Passage) -> tuple[set[str], list[set[str]]]:
        """The words of what the model was shown of a passage: its label with its status (and the title it
        may name the regulation by), and each piece of its text."""
        cached = self._words.get(record.id)
        if cached is None:
            label = f"{record.label} {record.title} {status_words(record)}"
            pieces = [passage_words(p) for p in passage_pieces(record.text)] or [set()]
            cached = self._words[record.id] = (passage_words(label), pieces)
        return cached

    def _similarities(self, claims: list[tuple[str, list[Passage]]]) -> list[float] | None:
        """Best e5 similarity of each sentence with a piece of its passages; None if e5 is unavailable."""
        if not claims:
            return []
        if self.embedder is None:
            return None
        texts: list[str] = []
        index: dict[str, int] = {}

        def slot(text: str) -> int:
            if text not in index:
                index[text] = len(texts)
                texts.append(text)
            return index[text]

        claim_rows = [slot(_MARKER.sub("", sentence).strip()) for sentence, _ in claims]
        piece_rows = [[slot(p) for p in best_pieces(sentence, records)] for sentence, records in claims]
        try:
            vectors = np.asarray(self.embedder.embed_passages(texts), dtype=np.float32)
        except Exception as exc:  # a failed e5 must not let unchecked sentences through: coverage decides
            log.warning(
                "embedding answer sentences failed (%s: %s); checking by word overlap only", type(exc).__name__, exc
            )
            return None
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit = vectors / np.where(norms == 0, 1.0, norms)
        return [
            max((float(unit[row] @ unit[p]) for p in pieces), default=0.0)
            for row, pieces in zip(claim_rows, piece_rows, strict=True)
        ]


def _decided_by_coverage(coverage: float, conflicting: str | None) -> Support:
    """A sentence coverage alone decides: too few of its words are in the passages, or nearly all are."""
    supported = coverage >= SURE_COVERAGE and conflicting is None
    return Support(coverage, None, coverage, supported, conflicting)


def decide(coverage: float, similarity: float | None, conflicting: str | None = None) -> Support:
    if similarity is None:
        score = coverage
        supported = coverage >= COVERAGE_ALONE
    else:
        score = coverage + SIMILARITY_WEIGHT * (similarity - SIMILARITY_BASE)
        supported = coverage >= MIN_COVERAGE and score >= SUPPORT_THRESHOLD
    return Support(coverage, similarity, score, supported and conflicting is None, conflicting)


# --- contradictions word overlap cannot see ------------------------------------------------------------

NEGATION = "negation the passages do not have"
PARTY = "party the passages do not name"
INSTRUMENT = "kind of rule the passages do not name"

_NEGATORS = frozenset("tidak tak bukan tanpa belum dilarang jangan".split())
# Read past these to the word a negation is about: "tidak boleh digunakan" negates "digunakan".
_NEGATION_SKIP = frozenset(
    "boleh dapat wajib harus perlu bisa akan pernah lagi diperbolehkan diizinkan dibenarkan menjadi ada untuk "
    "secara dengan pula juga serta".split()
)
# Negative words that state a limit, not a negation: "tidak lebih dari 30 hari" is "paling lambat 30 hari".
_NOT_NEGATION = re.compile(r"\btidak\s+(?:lebih|kurang)\s+dari\b|\btidak\s+melebihi\b|\btidak\s+terbatas\s+pada\b")
_LOWER_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class _Polarity:
    negated: set[str]  # the word each negation is about: "tidak boleh digunakan" -> "guna"
    near_negation: set[str]  # the first few content words after a negation
    affirmed: set[str]  # content words said with no negation before them


def _polarity(text: str, reach: int = 3) -> _Polarity:
    words = _LOWER_WORD.findall(_NOT_NEGATION.sub(" ", text.lower()))
    negated: set[str] = set()
    near: set[str] = set()
    affirmed: set[str] = set()
    pending = 0  # content words still under the last negation
    first = False
    for word in words:
        if word in _NEGATORS:
            pending, first = reach, True
            continue
        stems = tokenize(word)
        if not stems or (first and word in _NEGATION_SKIP):
            continue
        if pending:
            near.update(stems)
            if first:
                negated.update(stems)
                first = False
            pending -= 1
        else:
            affirmed.update(stems)
    return _Polarity(negated, near, affirmed)


# Who does what is the heart of a rule: a party the passages never name is an invented one. Each party with
# what may name it in an answer, and what may name it in a passage ("kepala daerah" covers the gubernur).
_PARTIES: dict[str, tuple[str, str]] = {
    "presiden": (r"(?<!wakil )\bpresiden\b", r"\bpresiden\b"),
    "wakil presiden": (r"\bwakil presiden\b", r"\bwakil presiden\b"),
    "menteri": (
        r"\bmenteri\b|\bkementerian\b|\bmendagri\b|\bmenkeu\b|\bkemendagri\b|\bkemenkeu\b",
        r"\bmenteri\b|\bkementerian\b|\bk/l\b",
    ),
    "gubernur": (r"\bgubernur\b|\bgwpp\b", r"\bgubernur\b|\bgubemur\b|\bgwpp\b|\bkepala daerah\b"),
    "bupati": (r"\bbupati\b", r"\bbupati\b|\bkepala daerah\b"),
    "wali kota": (r"\bwali\s?kota\b", r"\bwali\s?kota\b|\bkepala daerah\b"),
    "kepala daerah": (r"\bkepala daerah\b", r"\bkepala daerah\b|\bgubernur\b|\bbupati\b|\bwali\s?kota\b"),
    "camat": (r"\bcamat\b", r"\bcamat\b"),
    "lurah": (r"\blurah\b", r"\blurah\b"),
    "kepala desa": (r"\bkepala desa\b", r"\bkepala desa\b"),
    "desa": (r"\bdesa\b", r"\bdesa\b|\bkelurahan\b"),
    "dprd": (r"\bdprd\b|\bdewan perwakilan rakyat daerah\b", r"\bdprd\b|\bdewan perwakilan rakyat daerah\b"),
    "dpr": (r"\bdpr\b|\bdewan perwakilan rakyat\b(?! daerah)", r"\bdpr\b|\bdewan perwakilan rakyat\b(?! daerah)"),
    "bpk": (r"\bbpk\b|\bbadan pemeriksa keuangan\b", r"\bbpk\b|\bbadan pemeriksa keuangan\b"),
    "bpkp": (r"\bbpkp\b", r"\bbpkp\b|\bbadan pengawasan keuangan dan pembangunan\b"),
    "inspektorat": (r"\binspektorat\b|\bapip\b", r"\binspektorat\b|\bapip\b|\baparat pengawas(?:an)? intern\b"),
    "kpk": (r"\bkpk\b|\bkomisi pemberantasan korupsi\b", r"\bkpk\b|\bkomisi pemberantasan korupsi\b"),
    "kepolisian": (r"\bpolisi\b|\bkepolisian\b", r"\bpolisi\b|\bkepolisian\b"),
    "kejaksaan": (r"\bkejaksaan\b|\bjaksa\b", r"\bkejaksaan\b|\bjaksa\b"),
    "pengadilan": (r"\bpengadilan\b|\bhakim\b", r"\bpengadilan\b|\bhakim\b"),
    "swasta": (r"\bswasta\b|\bpihak ketiga\b", r"\bswasta\b|\bpihak ketiga\b"),
}
_PARTY_PATTERNS = {name: (re.compile(a, re.I), re.compile(p, re.I)) for name, (a, p) in _PARTIES.items()}


def conflict(sentence: str, records: list[Passage]) -> str | None:
    """What the sentence contradicts in the passages, or None."""
    passages = "\n".join(f"{r.label}\n{r.text}" for r in records)
    said, found = _polarity(sentence), _polarity(passages)
    if any(stem in found.affirmed and stem not in found.near_negation for stem in said.negated):
        return NEGATION  # "tidak dapat melimpahkan" where the passage says "dapat melimpahkan"
    if any(s in found.negated and s not in found.affirmed and s not in said.near_negation for s in said.affirmed):
        return NEGATION  # "boleh digunakan" where the passage only says "tidak boleh digunakan"
    for answer_side, passage_side in _PARTY_PATTERNS.values():
        if answer_side.search(sentence) and not passage_side.search(passages):
            return PARTY
    if not _instruments(sentence) <= _instruments(passages):
        return INSTRUMENT  # "ditetapkan dengan Peraturan Gubernur" where the passage says "Peraturan Menteri"
    return None


_INSTRUMENT = re.compile(
    r"\b(peraturan|keputusan|instruksi|surat edaran)\s+(presiden|menteri|gubernur|bupati|wali\s?kota|daerah|"
    r"pemerintah|lembaga|kepala)\b",
    re.IGNORECASE,
)


def _instruments(text: str) -> set[tuple[str, str]]:
    """The kinds of rule a text names ("Peraturan Gubernur", "Pergub" -> ("peraturan", "gubernur"))."""
    expanded = _TERM.sub(lambda m: FIELD_TERMS.get(m.group().lower(), m.group()), text)
    return {(kind.lower(), re.sub(r"\s", "", issuer.lower())) for kind, issuer in _INSTRUMENT.findall(expanded)}


def passage_pieces(text: str) -> list[str]:
    """A passage cut into sentences and list items, each short enough for e5; the whole if it is short."""
    pieces: list[str] = []
    for sentence in split_sentences(text):
        while len(sentence) > MAX_PIECE_CHARS:
            cut = sentence.rfind(";", 0, MAX_PIECE_CHARS)
            cut = cut if cut > MAX_PIECE_CHARS // 3 else sentence.rfind(" ", 0, MAX_PIECE_CHARS)
            cut = cut if cut > 0 else MAX_PIECE_CHARS
            pieces.append(sentence[: cut + 1].strip())
            sentence = sentence[cut + 1 :].strip()
        if sentence:
            pieces.append(sentence)
    if len(text) <= MAX_PIECE_CHARS and len(pieces) > 1:
        pieces.append(" ".join(text.split()))
    return pieces


def best_pieces(sentence: str, records: list[Passage], limit: int = PIECES_PER_CLAIM) -> list[str]:
    """The pieces of the passages sharing most content words with the sentence, and two neighbours joined
    (a paraphrase often merges two sentences of a passage into one)."""
    words = content_words(sentence)
    ranked: list[tuple[float, int, str]] = []
    for record in records:
        pieces = passage_pieces(record.text)
        for i, piece in enumerate(pieces):
            ranked.append((len(words & passage_words(piece)), -len(ranked), piece))
            if i + 1 < len(pieces) and len(piece) + len(pieces[i + 1]) <= MAX_PIECE_CHARS:
                pair = f"{piece} {pieces[i + 1]}"
                ranked.append((len(words & passage_words(pair)) - 0.5, -len(ranked), pair))
    ranked.sort(reverse=True)
    return [piece for _, _, piece in ranked[:limit]]


_local_lock = threading.Lock()
_local: LocalE5Embedder | None = None


def e5_embedder(configured: Embedder) -> Embedder:
    """The store's embedder when it is the local e5 the thresholds were calibrated with; otherwise a local
    e5 of our own (another model's similarities are on another scale)."""
    global _local
    if configured.name == LocalE5Embedder.name:
        return configured
    with _local_lock:
        if _local is None:
            _local = LocalE5Embedder()
        return _local
