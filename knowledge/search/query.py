"""Turning an official's question into search text: drop what only routes (document and article
references), read chat spelling as standard Indonesian (`knowledge.search.informal`), and add the regulations'
words for everyday ones ("duit" -> "dana")."""

from __future__ import annotations

import re
from collections.abc import Mapping

from knowledge.index.bm25 import tokenize
from knowledge.search.informal import FIELD_TERMS

# Everyday words -> the words the regulations use. Kept small and general: it is vocabulary of the domain,
# not answers to particular questions. Abbreviations and chat spelling live in `knowledge.search.informal`.
EVERYDAY_WORDS = {
    "duit": "dana anggaran",
    "uang": "dana anggaran",
    "biaya": "dana pendanaan",
    "dibiayai": "didanai pendanaan",
    "aset": "barang milik",
    "pakai": "dengan menggunakan",
    "dipakai": "digunakan",
    "hasil": "diperoleh",  # "barang hasil dekon": acquired through it
    "aturan turunan": "peraturan pelaksanaan",
    "turunan": "pelaksanaan",
    "dikerjakan": "dilaksanakan",
    "sama siapa": "oleh",
    "isinya": "meliputi terdiri atas",
    "apa saja": "meliputi terdiri atas",
    "lapor": "melaporkan laporan",
    "masuk": "dibebankan",  # "dana dekon masuk APBN?": charged to the state budget
    "tahun depan": "tahun anggaran berikutnya",
    "batas waktu": "paling lambat",
    "deadline": "paling lambat",
    "tenggat": "paling lambat",
    "terlambat": "paling lambat",
    "kapan berlaku": "mulai berlaku",
    "syarat": "harus memenuhi ketentuan",
    "syarat-syarat": "harus memenuhi ketentuan",
    "persyaratan": "harus memenuhi ketentuan",
    "aturan": "peraturan ketentuan",
    "dasar hukum": "peraturan ketentuan",
    "milik siapa": "menjadi barang milik",
    "ambil alih": "mengambil alih",
}

# How questions about a meeting name the fields of its minutes ("Tempat: Hotel ...", "Pimpinan Rapat: ...").
MEETING_WORDS = {
    "di mana": "tempat",
    "dimana": "tempat",
    "diadakan": "tempat tanggal",
    "diselenggarakan": "tempat tanggal",
    "dilaksanakan": "hari tanggal",
    "kapan": "hari tanggal",
    "jam": "waktu",
    "pukul": "waktu",
    "memimpin": "pimpinan",
    "dipimpin": "pimpinan",
    "hadir": "peserta",
    "dihadiri": "peserta",
    "nomor surat": "nomor",
}


def _pattern(table: Mapping[str, str]) -> re.Pattern[str]:
    # "duitnya", "asetnya": the enclitic does not change the word.
    keys = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return re.compile(rf"\b({keys})(?:nya|lah|pun)?\b", re.IGNORECASE)


# Words the regulations use for the same thing, for judging whether a passage talks about what was asked
# (not added to the search: "GWPP" would pull every question about governors towards PP 19/2022).
SAME_THING = {"gubernur": "GWPP", "gwpp": "gubernur sebagai wakil pemerintah pusat"}


_CHOICE = re.compile(r"(\w+)\s+atau\s+(\w+)", re.IGNORECASE)


class Expander:
    """Adds the regulations' words to a normalised question, for one corpus.

    `spelled_out` are the abbreviations the corpus knows but the primary regulation writes in full ("APBN" ->
    "anggaran pendapatan dan belanja negara"): their long form is searched too. One the primary regulation
    uses itself (GWPP) is left alone, its long form would match every law that spells it out instead.
    """

    def __init__(self, spelled_out: Mapping[str, str] | None = None) -> None:
        abbreviations = dict(spelled_out or {})
        self._tables = {
            False: EVERYDAY_WORDS | abbreviations,
            True: EVERYDAY_WORDS | MEETING_WORDS | abbreviations,
        }
        self._patterns = {meeting: _pattern(table) for meeting, table in self._tables.items()}

    def expand(self, question: str, meeting: bool = False) -> str:
        """The question with the regulations' words added after everyday ones (and, for a question about a
        meeting, the names of the minutes' fields)."""
        table = self._tables[meeting]
        return self._patterns[meeting].sub(lambda m: f"{m.group(0)} {table[m.group(1).lower()]}", question)

    def groups(self, question: str, meeting: bool = False) -> list[list[frozenset[str]]]:
        """What the question asks about, as groups of alternatives: each group is one thing asked, found in a
        passage when every token of one of its alternatives is there.

        "syarat" is found as itself or as "harus memenuhi ketentuan", and "GWPP" as itself or as "gubernur
        sebagai wakil pemerintah pusat" (the long form of laws that do not abbreviate it), without the added
        words weighing as more things asked.
        """
        table = self._tables[meeting]
        groups: dict[str, list[frozenset[str]]] = {}

        def plain(text: str) -> None:
            for token in tokenize(text):
                alternatives = groups.setdefault(token, [frozenset([token])])
                long_form = FIELD_TERMS.get(token) or SAME_THING.get(token)
                if long_form and len(alternatives) == 1:
                    alternatives.append(frozenset(tokenize(long_form)))

        last = 0
        for match in self._patterns[meeting].finditer(question):
            plain(question[last : match.start()])
            own = tokenize(match.group(0))
            formal = frozenset(tokenize(table[match.group(1).lower()]))
            # "apa saja", "sama siapa" are ways of asking, not things asked: they add search words, no group.
            if own and formal:
                groups.setdefault(own[0], [frozenset(own)]).append(formal)
            last = match.end()
        plain(question[last:])
        # "APBN atau APBD?": a choice, answered by a passage that names either.
        for left, right in _CHOICE.findall(question):
            a, b = tokenize(left), tokenize(right)
            if a and b and a[-1] in groups and b[0] in groups and a[-1] != b[0]:
                groups[a[-1]] = groups[a[-1]] + groups.pop(b[0])
        return list(groups.values())


def strip_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """The text without the given character spans (references that route the search but match nothing)."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start >= last:
            out.append(text[last:start])
            last = end
    out.append(text[last:])
    return re.sub(r"\s+", " ", " ".join(out)).strip()
