"""Lexical index: bm25s over Indonesian tokens (PyStemmer's Indonesian stemmer, our own stopword list).

Tokenisation lives here, not in bm25s, so that the index and every query are cut the same way and the
stemmer survives a reload (the llama-index BM25 retriever forgets a custom stemmer when reloaded).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

log = logging.getLogger(__name__)

# Function words that carry no meaning for retrieval. Domain words (pasal, ayat, daerah, pemerintah)
# are deliberately kept: "pemerintah pusat" vs "pemerintah daerah" matters here.
STOPWORDS = frozenset(
    """
    ada adalah adanya agar akan akankah akhirnya aku amat anda antara apa apabila apakah apalagi atas atau
    ataupun bagaimana bagaimanakah bagi bahkan bahwa baik banyak beberapa begini begitu belum berapa
    berapakah bila bilamana bisa boleh bukan bukankah dalam dan dapat dari daripada dengan di dia dimana
    dong hal hanya harus ia ialah ini itu jadi jika juga kalau kami kamu kan karena kapan ke kemudian
    kenapa kepada kita lagi lah maka mana manakah masih melainkan mengapa menjadi menurut merupakan
    mereka meski misalnya mungkin nah namun nya oleh pada para pun saat saja sambil sang sangat saya
    se sebab sebagai sebelum sedang sedangkan sehingga sejak selain seperti sesuatu setelah siapa
    siapakah suatu sudah supaya tapi tentang tersebut tetapi untuk wah yaitu yakni yang
    dimaksud sebagaimana tahu bunyi apa-apa saja tolong mohon jelaskan sebutkan pengertian definisi arti
    artinya maksud maksudnya soal mengenai terkait kalo gimana sih dong ya nih deh kok
    dulu dahulu sekarang kini kemarin besok nanti barusan isi isinya terus trus lalu lewat melalui
    """.split()
)

_TOKEN = re.compile(r"[a-z0-9]+(?:[/-][a-z0-9]+)*")


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("indonesian")


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens, stopwords removed, stemmed; compound tokens also split into parts."""
    words: list[str] = []
    for match in _TOKEN.finditer(text.lower()):
        token = match.group()
        parts = re.split(r"[/-]", token)
        if len(parts) > 1:
            # "kabupaten/kota" and "kewenangan-nya" should match their parts too
            words.extend(p for p in parts if p and p not in STOPWORDS)
        elif token not in STOPWORDS:
            words.append(token)
    return _stemmer().stemWords(words)


class BM25Index:
    """A bm25s index whose rows are passage ids."""

    def __init__(
        self,
        retriever: bm25s.BM25 | None,
        ids: list[str],
        generation: str = "",
        doc_freq: dict[str, int] | None = None,
    ) -> None:
        self._retriever = retriever
        self.ids = ids
        self.generation = generation
        self.doc_freq = doc_freq or {}

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str], generation: str = "") -> BM25Index:
        if not ids:
            return cls(None, [], generation)
        tokens = [tokenize(t) or ["_kosong_"] for t in texts]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(tokens, show_progress=False)
        doc_freq: dict[str, int] = {}
        for row in tokens:
            for token in set(row):
                doc_freq[token] = doc_freq.get(token, 0) + 1
        return cls(retriever, list(ids), generation, doc_freq)

    def idf(self, token: str) -> float:
        """BM25's idf; a token the corpus never saw gets the highest value there is."""
        n = len(self.ids)
        df = self.doc_freq.get(token, 0)
        return float(np.log(1.0 + (n - df + 0.5) / (df + 0.5)))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row for the query (zeros where nothing matches)."""
        tokens = tokenize(query)
        if self._retriever is None or not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)

    def save(self, path: Path) -> None:
        """Write to a sibling folder, then swap it in, so a crash never leaves half an index."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        old = path.with_name(path.name + ".old")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._retriever is not None:
            self._retriever.save(str(tmp), show_progress=False)
        meta = {"generation": self.generation, "ids": self.ids, "doc_freq": self.doc_freq}
        (tmp / "ids.json").write_text(json.dumps(meta))
        shutil.rmtree(old, ignore_errors=True)
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, path: Path) -> BM25Index | None:
        path = Path(path)
        meta_file = path / "ids.json"
        if not meta_file.exists():
            return None
        meta = json.loads(meta_file.read_text())
        retriever = None
        if meta["ids"]:
            retriever = bm25s.BM25.load(str(path), show_progress=False, verbosity=0)
        return cls(retriever, meta["ids"], meta.get("generation", ""), meta.get("doc_freq"))
