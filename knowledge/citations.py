"""Citation checks on generated answers: every [n] must point at a passage we gave, and every
"Pasal N" / "ayat (n)" must exist. What fails is removed: the answer says less rather than more."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.bm25 import tokenize
from knowledge.corpus import Corpus, Record
from knowledge.references import JENIS

_MARKER = re.compile(r"\[(\d{1,2})\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_PASAL = re.compile(r"\bpasal\s+(\d+[a-z]?)(?:\s+ayat\s*\(?\s*(\d+)\s*\)?)?", re.IGNORECASE)
_DOC = re.compile(
    r"\b(" + "|".join(sorted((re.escape(k) for k in JENIS), key=len, reverse=True)) + r")\.?\s*"
    r"(?:no\.?|nomor)?\s*(\d+[a-z]?)\s*(?:/|tahun)\s*(\d{4})\b",
    re.IGNORECASE,
)


@dataclass
class Verified:
    text: str
    used: list[int] = field(default_factory=list)  # 1-based source numbers the text cites, in order
    removed: list[str] = field(default_factory=list)  # sentences dropped, for the logs


def verify_answer(text: str, sources: list[Record], corpus: Corpus) -> Verified:
    result = Verified(text="")
    kept: list[str] = []
    for sentence in (s.strip() for s in _SENTENCE.split(text)):
        if not sentence:
            continue
        markers = [int(m) for m in _MARKER.findall(sentence)]
        bad_marker = any(not 1 <= m <= len(sources) for m in markers)
        cited = [sources[m - 1] for m in markers if 1 <= m <= len(sources)]
        if bad_marker or not _articles_exist(sentence, cited or sources, corpus):
            result.removed.append(sentence)
            continue
        if not markers and (_PASAL.search(sentence) or not _grounded(sentence, sources)):
            # A legal claim with no source is exactly what this product must not print; an unmarked
            # sentence may stay only as connective text that speaks of what the sources say.
            result.removed.append(sentence)
            continue
        kept.append(sentence)
        for m in markers:
            if m not in result.used:
                result.used.append(m)
    result.text = " ".join(kept).strip()
    return result


def _grounded(sentence: str, sources: list[Record]) -> bool:
    words = set(tokenize(sentence))
    if not words:
        return False
    source_words: set[str] = set()
    for record in sources:
        source_words.update(tokenize(record.text))
    return len(words & source_words) / len(words) >= 0.5


def _articles_exist(sentence: str, cited: list[Record], corpus: Corpus) -> bool:
    """Each article the sentence names exists in the document it names, or in a document it cites."""
    named_docs = [f"{JENIS[j.lower()]} {n.upper()}/{y}" for j, n, y in _DOC.findall(sentence)]
    docs = named_docs or sorted({r.doc for r in cited})
    for pasal, ayat in _PASAL.findall(sentence):
        pasal = pasal.upper()
        if not any(corpus.has_article(doc, pasal, ayat or None) for doc in docs):
            return False
    return True
